//! WeChat's message push (消息推送) in plaintext mode: how a push proves it comes from WeChat.
//!
//! WeChat signs the query, not the body: `signature` is the SHA-1 (hex) of the configured token,
//! `timestamp` and `nonce`, sorted as strings and concatenated. A push whose timestamp is far
//! from now is refused as a replay. (In plaintext mode the body itself is not signed; the
//! encrypted mode, which needs the EncodingAESKey, is not supported yet.)

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret as _, SecretString};
use sha1::{Digest, Sha1};

/// How far a push's timestamp may be from now, either way.
pub const MAX_SKEW_SECS: i64 = 300;

/// Why a push was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PushRefusal {
    /// No signature, timestamp or nonce, or a signature that does not match.
    #[error("the push's signature is missing or wrong")]
    BadSignature,
    /// Signed, but too old (or too far ahead) to be taken.
    #[error("the push's timestamp is too far from now")]
    Expired,
}

/// The signature WeChat computes for these parts.
pub fn signature(token: &str, timestamp: &str, nonce: &str) -> String {
    let mut parts = [token, timestamp, nonce];
    parts.sort_unstable();
    hex::encode(Sha1::digest(parts.concat().as_bytes()))
}

/// Equal, in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks a push's query against the token, then its timestamp against `now`.
pub fn verify(
    token: &SecretString,
    signature_given: Option<&str>,
    timestamp: Option<&str>,
    nonce: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), PushRefusal> {
    let (Some(given), Some(timestamp), Some(nonce)) = (signature_given, timestamp, nonce) else {
        return Err(PushRefusal::BadSignature);
    };
    let expected = signature(token.expose_secret(), timestamp, nonce);
    if !same(expected.as_bytes(), given.to_ascii_lowercase().as_bytes()) {
        return Err(PushRefusal::BadSignature);
    }
    let sent: i64 = timestamp.parse().map_err(|_| PushRefusal::BadSignature)?;
    if (now.timestamp() - sent).abs() > MAX_SKEW_SECS {
        return Err(PushRefusal::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn token() -> SecretString {
        SecretString::from("linliPushToken2026")
    }

    #[test]
    fn the_signature_is_the_sha1_of_the_sorted_parts() {
        // sha1("1409304348" + "AAAA" + "linliPushToken2026"), the parts in byte order.
        let parts = ["1409304348", "AAAA", "linliPushToken2026"].concat();
        assert_eq!(
            signature("linliPushToken2026", "1409304348", "AAAA"),
            hex::encode(Sha1::digest(parts.as_bytes()))
        );
        // The order the parts are given in does not matter.
        assert_eq!(
            signature("a", "b", "c"),
            signature("c", "a", "b"),
            "sorted before hashing"
        );
        assert_eq!(
            signature("", "", ""),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
    }

    #[test]
    fn only_a_good_and_recent_signature_passes() {
        let now = Utc.timestamp_opt(1_800_000_000, 0).unwrap();
        let ts = "1800000000";
        let good = signature("linliPushToken2026", ts, "n1");
        assert_eq!(
            verify(&token(), Some(&good), Some(ts), Some("n1"), now),
            Ok(())
        );
        assert_eq!(
            verify(
                &token(),
                Some(&good.to_uppercase()),
                Some(ts),
                Some("n1"),
                now
            ),
            Ok(())
        );
        for (sig, ts, nonce) in [
            (None, Some(ts), Some("n1")),
            (Some(good.as_str()), None, Some("n1")),
            (Some(good.as_str()), Some(ts), None),
            (Some(good.as_str()), Some(ts), Some("n2")),
            (Some("0000"), Some(ts), Some("n1")),
        ] {
            assert_eq!(
                verify(&token(), sig, ts, nonce, now),
                Err(PushRefusal::BadSignature)
            );
        }
        let old = "1799999000";
        let signed_old = signature("linliPushToken2026", old, "n1");
        assert_eq!(
            verify(&token(), Some(&signed_old), Some(old), Some("n1"), now),
            Err(PushRefusal::Expired)
        );
        let garbled = signature("linliPushToken2026", "soon", "n1");
        assert_eq!(
            verify(&token(), Some(&garbled), Some("soon"), Some("n1"), now),
            Err(PushRefusal::BadSignature)
        );
    }
}
