//! `Idempotency-Key`: the header that makes a retried write safe. One extractor reads and checks
//! it for every route that takes it; a replay with another body is refused the same way
//! everywhere.

use actix_web::{FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::crypto::DataCipher;
use crate::error::{ApiError, Msg};
use crate::validation::Fields;

/// The header's name.
pub const HEADER: &str = "Idempotency-Key";

/// The `Idempotency-Key` header, when the client sent one: 1–255 visible ASCII characters.
#[derive(Debug, Clone, Default)]
pub struct IdempotencyKey(pub Option<String>);

impl IdempotencyKey {
    /// The key, if any.
    pub fn into_inner(self) -> Option<String> {
        self.0
    }
}

/// Checks a raw header value: absent is fine; present must be 1–255 visible ASCII characters.
pub fn parse(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw {
        None => Ok(None),
        Some(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(k.to_owned()))
        }
        Some(_) => {
            let mut f = Fields::new();
            f.push(
                HEADER,
                "invalid",
                "Idempotency-Key 应为 1 到 255 个可见 ASCII 字符",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            );
            f.finish().map(|_| None)
        }
    }
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        // A value that is not even text (opaque bytes) fails the same check as a bad one.
        let raw = req
            .headers()
            .get(HEADER)
            .map(|v| v.to_str().unwrap_or("\u{0}"));
        std::future::ready(parse(raw).map(IdempotencyKey))
    }
}

/// What a replay's body is compared by: a keyed hash (HMAC-SHA-256 under the data key) of its
/// normalised form. Keyed, because bodies carry phone numbers and names, which a plain digest
/// would give away to anyone who can read the table and try every number.
pub fn body_hash(cipher: &DataCipher, canonical: &impl Serialize) -> String {
    let json = serde_json::to_string(canonical).expect("serialises");
    cipher.lookup_hash(&format!("idempotency:{json}"))
}

/// 201 with the body; a replay says so in `Idempotent-Replayed: true`.
pub fn created(body: impl Serialize, replayed: bool) -> HttpResponse {
    let mut res = HttpResponse::Created();
    if replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    res.json(body)
}

/// A replay is answered only when its body hashes as the first did; a first call stored
/// before hashes were kept (`None`) replays unchecked.
pub fn check_replay(first: Option<&str>, this: &str) -> Result<(), ApiError> {
    match first {
        Some(h) if h != this => Err(key_reused()),
        _ => Ok(()),
    }
}

/// The key came back with a different body: 422 `idempotency.key_reused`.
pub fn key_reused() -> ApiError {
    ApiError::unprocessable(
        "idempotency.key_reused",
        Msg::new(
            "该 Idempotency-Key 已用于另一个不同的请求",
            "This Idempotency-Key was used with a different request body",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_one_to_255_visible_ascii_characters() {
        assert_eq!(parse(None).unwrap(), None);
        assert_eq!(parse(Some("a-1_B")).unwrap().as_deref(), Some("a-1_B"));
        assert!(parse(Some(&"k".repeat(255))).unwrap().is_some());
        for bad in ["", "has space", "中文", "\u{0}"] {
            assert!(parse(Some(bad)).is_err(), "{bad:?}");
        }
        assert!(parse(Some(&"k".repeat(256))).is_err());
    }

    #[test]
    fn the_body_hash_tells_bodies_apart_and_needs_the_key() {
        let cipher = DataCipher::new(&[7; 32]);
        let a = body_hash(&cipher, &serde_json::json!({"phone": "13800000000"}));
        assert_eq!(
            a,
            body_hash(&cipher, &serde_json::json!({"phone": "13800000000"}))
        );
        assert_ne!(
            a,
            body_hash(&cipher, &serde_json::json!({"phone": "13800000001"}))
        );
        assert_ne!(
            a,
            body_hash(
                &DataCipher::new(&[8; 32]),
                &serde_json::json!({"phone": "13800000000"})
            )
        );
        assert_eq!(a.len(), 64);
    }
}
