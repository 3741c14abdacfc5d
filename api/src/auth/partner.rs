//! A partner platform's requests, authenticated by its API key (`Authorization: Bearer lk_…`
//! or `X-Api-Key: lk_…`). Only the key's public id ever reaches a log.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use linli_domain::partner::PartnerKey;
use linli_persistence::StoreError;
use linli_persistence::partners::{self, Partner};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Msg};
use crate::state::AppState;

/// The partner behind a request.
#[derive(Debug, Clone)]
pub struct PartnerAuth {
    /// The partner.
    pub partner: Partner,
    /// The public id of the key it used.
    pub key_id: String,
}

/// SHA-256 of a key's secret, hex: what is stored.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares without stopping at the first difference, so timing tells nothing.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn invalid_key() -> ApiError {
    ApiError::unauthenticated(
        "partner.invalid_key",
        Msg::new("API 密钥无效或已吊销", "The API key is invalid or revoked"),
    )
}

/// Checks a presented key.
pub async fn authenticate(state: &AppState, presented: &str) -> Result<PartnerAuth, ApiError> {
    let key = PartnerKey::parse(presented).map_err(|_| invalid_key())?;
    let key_id = key.id().to_owned();
    let lookup = key_id.clone();
    let found = state
        .db
        .read(move |conn| match partners::find_key(conn, &lookup) {
            Ok(found) => Ok(Some(found)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        })
        .await?;
    let Some((stored, partner)) = found else {
        return Err(invalid_key());
    };
    if stored.revoked_at.is_some() || !same(&stored.secret_hash, &secret_hash(key.secret())) {
        tracing::warn!(key = %key_id, "a partner key was refused");
        return Err(invalid_key());
    }
    if !partner.active {
        return Err(ApiError::forbidden(
            "partner.suspended",
            Msg::new("该合作平台已被停用", "This partner is suspended"),
        ));
    }
    Ok(PartnerAuth { partner, key_id })
}

impl FromRequest for PartnerAuth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let headers = req.headers();
        let presented = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .or_else(|| headers.get("X-Api-Key").and_then(|v| v.to_str().ok()))
            .map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no app state")))?;
            let presented = presented.ok_or_else(invalid_key)?;
            authenticate(&state, &presented).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparison_is_exact() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
