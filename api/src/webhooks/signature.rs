//! Standard Webhooks signatures (standardwebhooks.com): the signed content is
//! `"{webhook-id}.{webhook-timestamp}.{body}"`, the MAC is HMAC-SHA256 keyed with the decoded
//! `whsec_` secret, and `webhook-signature` carries one or more space-separated `v1,<base64>`
//! values. We sign what we send to partners and verify what partners send us the same way.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The prefix every secret is shown with.
const PREFIX: &str = "whsec_";

/// Bytes of key in the secrets we generate (the specification asks for 24 to 64).
const GENERATED_LEN: usize = 32;

/// How far a timestamp may be from our clock, either way, before a message is refused.
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// A signing secret: the raw key bytes of a `whsec_…` string.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

/// A string that is not a `whsec_` secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a `whsec_` secret")]
pub struct BadSecret;

impl WebhookSecret {
    /// A new random secret.
    pub fn generate() -> Self {
        let mut key = vec![0u8; GENERATED_LEN];
        rand::thread_rng().fill_bytes(&mut key);
        Self(key)
    }

    /// Reads `whsec_<base64>`; the key must be 24 to 64 bytes, as the specification says.
    pub fn parse(s: &str) -> Result<Self, BadSecret> {
        let b64 = s.strip_prefix(PREFIX).ok_or(BadSecret)?;
        let key = STANDARD.decode(b64).map_err(|_| BadSecret)?;
        if !(24..=64).contains(&key.len()) {
            return Err(BadSecret);
        }
        Ok(Self(key))
    }

    /// The secret as shown to its owner, `whsec_<base64>`.
    pub fn expose(&self) -> String {
        format!("{PREFIX}{}", STANDARD.encode(&self.0))
    }

    /// The `v1,<base64>` signature of one message.
    pub fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        let mac = self.mac(msg_id, timestamp, body).finalize().into_bytes();
        format!("v1,{}", STANDARD.encode(mac))
    }

    fn mac(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// True when one of the `v1` signatures in a `webhook-signature` header is this secret's
    /// signature of the message (compared in constant time). Other versions are ignored.
    pub fn matches(&self, msg_id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
        header
            .split(' ')
            .filter_map(|sig| sig.strip_prefix("v1,"))
            .filter_map(|b64| STANDARD.decode(b64).ok())
            .any(|sig| self.mac(msg_id, timestamp, body).verify_slice(&sig).is_ok())
    }
}

// Never printed: a secret in a log is a leaked secret.
impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

/// The `webhook-signature` header for a message signed with every given secret (more than one
/// while a secret is being rotated, so the receiver can verify with either).
pub fn signature_header(
    secrets: &[&WebhookSecret],
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    secrets
        .iter()
        .map(|s| s.sign(msg_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why a signed message was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    /// `webhook-id`, `webhook-timestamp` or `webhook-signature` is missing or malformed.
    #[error("the webhook-id, webhook-timestamp and webhook-signature headers are required")]
    MissingHeaders,
    /// The timestamp is more than [`TOLERANCE_SECS`] from now.
    #[error("the webhook-timestamp is too far from the current time")]
    StaleTimestamp,
    /// No signature matches.
    #[error("no webhook-signature matches")]
    BadSignature,
}

/// The three headers of a signed message.
#[derive(Debug, Clone, Copy)]
pub struct SignedHeaders<'a> {
    /// `webhook-id`.
    pub id: Option<&'a str>,
    /// `webhook-timestamp`, seconds since the epoch.
    pub timestamp: Option<&'a str>,
    /// `webhook-signature`.
    pub signature: Option<&'a str>,
}

/// Checks a received message: headers present, timestamp within tolerance of `now` (seconds
/// since the epoch), and a matching signature. Returns the message id, which the caller must
/// still check has not been seen before.
pub fn verify<'a>(
    secret: &WebhookSecret,
    headers: SignedHeaders<'a>,
    body: &[u8],
    now: i64,
) -> Result<&'a str, VerifyError> {
    let (Some(id), Some(ts), Some(sig)) = (headers.id, headers.timestamp, headers.signature) else {
        return Err(VerifyError::MissingHeaders);
    };
    let id = id.trim();
    if id.is_empty() {
        return Err(VerifyError::MissingHeaders);
    }
    let ts: i64 = ts.trim().parse().map_err(|_| VerifyError::MissingHeaders)?;
    if (now - ts).abs() > TOLERANCE_SECS {
        return Err(VerifyError::StaleTimestamp);
    }
    if secret.matches(id, ts, body, sig) {
        Ok(id)
    } else {
        Err(VerifyError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example in the Standard Webhooks specification's reference implementations.
    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TS: i64 = 1614265330;
    const SPEC_BODY: &str = r#"{"test": 2432232314}"#;
    const SPEC_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn signs_the_specification_example() {
        let secret = WebhookSecret::parse(SPEC_SECRET).unwrap();
        assert_eq!(
            secret.sign(SPEC_ID, SPEC_TS, SPEC_BODY.as_bytes()),
            SPEC_SIG
        );
    }

    #[test]
    fn round_trips_and_shows_the_prefix() {
        let s = WebhookSecret::generate();
        assert!(s.expose().starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(&s.expose()).unwrap(), s);
        assert_eq!(format!("{s:?}"), "WebhookSecret(…)");
    }

    #[test]
    fn refuses_what_is_not_a_secret() {
        for bad in [
            "",
            "whsec_",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_!!!!",
            "whsec_AAAA",
        ] {
            assert_eq!(WebhookSecret::parse(bad), Err(BadSecret), "{bad}");
        }
    }

    #[test]
    fn verifies_with_any_of_several_signatures_and_within_tolerance() {
        let old = WebhookSecret::generate();
        let new = WebhookSecret::generate();
        let body = b"{}";
        let header = signature_header(&[&new, &old], "msg_1", 1000, body);
        let h = |sig| SignedHeaders {
            id: Some("msg_1"),
            timestamp: Some("1000"),
            signature: Some(sig),
        };
        assert_eq!(verify(&old, h(&header), body, 1000), Ok("msg_1"));
        assert_eq!(
            verify(&new, h(&header), body, 1000 + TOLERANCE_SECS),
            Ok("msg_1")
        );
        assert_eq!(
            verify(&new, h(&header), body, 1001 + TOLERANCE_SECS),
            Err(VerifyError::StaleTimestamp)
        );
        assert_eq!(
            verify(&new, h(&header), body, 999 - TOLERANCE_SECS),
            Err(VerifyError::StaleTimestamp)
        );
        assert_eq!(
            verify(&new, h(&header), b"{ }", 1000),
            Err(VerifyError::BadSignature)
        );
        let other = WebhookSecret::generate();
        assert_eq!(
            verify(&other, h(&header), body, 1000),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(&new, h("v2,abc"), body, 1000),
            Err(VerifyError::BadSignature)
        );
        let missing = SignedHeaders {
            id: None,
            ..h(&header)
        };
        assert_eq!(
            verify(&new, missing, body, 1000),
            Err(VerifyError::MissingHeaders)
        );
    }
}
