//! Short-lived access tokens: HS256 JWTs whose header names the key (`kid`), so the secret can
//! rotate while tokens signed with the previous one are still accepted.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use linli_domain::UserId;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long an access token lives.
pub const ACCESS_TTL: Duration = Duration::minutes(15);

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: i64,
    exp: i64,
    typ: String,
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token we issued (bad signature, unknown key, malformed).
    #[error("invalid token")]
    Invalid,
    /// Past its expiry.
    #[error("expired token")]
    Expired,
}

struct Key {
    kid: String,
    decoding: DecodingKey,
}

/// The signing key and the keys still accepted.
pub struct JwtKeys {
    kid: String,
    encoding: EncodingKey,
    accepted: Vec<Key>,
}

fn kid_of(secret: &str) -> String {
    hex::encode(&Sha256::digest(secret.as_bytes())[..6])
}

impl JwtKeys {
    /// Keys from the current secret and any previous ones.
    pub fn new(current: &SecretString, previous: &[SecretString]) -> Result<Self, anyhow::Error> {
        let current = current.expose_secret();
        let mut accepted = vec![Key {
            kid: kid_of(current),
            decoding: DecodingKey::from_secret(current.as_bytes())?,
        }];
        for p in previous {
            let p = p.expose_secret();
            accepted.push(Key {
                kid: kid_of(p),
                decoding: DecodingKey::from_secret(p.as_bytes())?,
            });
        }
        Ok(JwtKeys {
            kid: kid_of(current),
            encoding: EncodingKey::from_secret(current.as_bytes())?,
            accepted,
        })
    }

    /// Issues an access token for a user, valid from `now` for [`ACCESS_TTL`].
    pub fn issue(&self, user: UserId, now: DateTime<Utc>) -> Result<String, anyhow::Error> {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        let claims = Claims {
            sub: user.0.to_string(),
            iat: now.timestamp(),
            exp: (now + ACCESS_TTL).timestamp(),
            typ: "access".into(),
        };
        Ok(jsonwebtoken::encode(&header, &claims, &self.encoding)?)
    }

    /// Verifies a token against the key its header names; expiry is judged by our clock.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<UserId, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        let kid = header.kid.ok_or(TokenError::Invalid)?;
        let key = self
            .accepted
            .iter()
            .find(|k| k.kid == kid)
            .ok_or(TokenError::Invalid)?;
        let mut validation = Validation::new(Algorithm::HS256);
        // Our clock decides expiry, so tests that move time are judged like production.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, &key.decoding, &validation)
            .map_err(|_| TokenError::Invalid)?;
        if data.claims.typ != "access" {
            return Err(TokenError::Invalid);
        }
        if data.claims.exp <= now.timestamp() {
            return Err(TokenError::Expired);
        }
        data.claims
            .sub
            .parse()
            .map(UserId)
            .map_err(|_| TokenError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn round_trip_expiry_and_rotation() {
        let now = Utc::now();
        let old = JwtKeys::new(&secret(&"a".repeat(32)), &[]).unwrap();
        let token = old.issue(UserId(7), now).unwrap();
        assert_eq!(old.verify(&token, now), Ok(UserId(7)));
        assert_eq!(
            old.verify(&token, now + ACCESS_TTL),
            Err(TokenError::Expired)
        );
        let rotated = JwtKeys::new(&secret(&"b".repeat(32)), &[secret(&"a".repeat(32))]).unwrap();
        assert_eq!(rotated.verify(&token, now), Ok(UserId(7)));
        let stranger = JwtKeys::new(&secret(&"c".repeat(32)), &[]).unwrap();
        assert_eq!(stranger.verify(&token, now), Err(TokenError::Invalid));
        let mut tampered = token.clone();
        tampered.push('x');
        assert_eq!(old.verify(&tampered, now), Err(TokenError::Invalid));
    }
}
