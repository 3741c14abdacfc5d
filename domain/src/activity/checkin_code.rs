//! The rotating check-in code: a short-lived token the organiser's screen shows as a QR code and
//! a volunteer's phone scans. It names the activity, whether it checks in or out, and the time
//! step (a minute) it was issued in, signed with HMAC-SHA256 under the server's key. A code is
//! accepted in its own step and the next one, so a code on screen works for one to two minutes
//! and a photo of it sent home is soon worthless.
//!
//! Layout (before URL-safe base64 without padding): one byte `version << 4 | purpose`, the
//! activity id and the step as LEB128 varints, then the first 16 bytes of the HMAC-SHA256 tag
//! over a context label and those bytes. About 32 characters: a small QR code.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::labelled::labelled_enum;

use super::ActivityId;

labelled_enum!(
    /// What scanning the code does.
    CheckinPurpose, "check-in purpose", {
        /// Check in.
        In => "in", "签到",
        /// Check out.
        Out => "out", "签退",
    }
);

impl CheckinPurpose {
    fn bit(self) -> u8 {
        match self {
            CheckinPurpose::In => 0,
            CheckinPurpose::Out => 1,
        }
    }
}

/// Why a scanned code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not a code at all (bad characters, wrong length or layout, unknown version).
    #[error("not a check-in code")]
    Malformed,
    /// Shaped like a code but not signed by this server.
    #[error("the check-in code's signature does not match")]
    Forged,
    /// Signed, but older than the previous time step.
    #[error("the check-in code has expired; scan the current one")]
    Expired,
    /// Signed for a time step after the current one (a clock ahead of ours).
    #[error("the check-in code is not valid yet")]
    NotYetValid,
    /// Signed for another activity.
    #[error("the check-in code belongs to another activity")]
    WrongActivity,
    /// A check-in code used to check out, or the reverse.
    #[error("the code is for checking {}, not {}", found.as_str(), expected.as_str())]
    WrongPurpose {
        /// What the code is for.
        found: CheckinPurpose,
        /// What was attempted.
        expected: CheckinPurpose,
    },
}

impl CodeError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            CodeError::Malformed => "checkin_code.malformed",
            CodeError::Forged => "checkin_code.forged",
            CodeError::Expired => "checkin_code.expired",
            CodeError::NotYetValid => "checkin_code.not_yet_valid",
            CodeError::WrongActivity => "checkin_code.wrong_activity",
            CodeError::WrongPurpose { .. } => "checkin_code.wrong_purpose",
        }
    }
}

/// The rotating check-in code: [`CheckinCode::issue`] and [`CheckinCode::verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckinCode {
    /// The activity it is for.
    pub activity: ActivityId,
    /// Check in or out.
    pub purpose: CheckinPurpose,
    /// The time step it was issued in (Unix seconds / [`CheckinCode::STEP_SECONDS`]).
    pub step: i64,
}

type HmacSha256 = Hmac<Sha256>;

const VERSION: u8 = 1;
const TAG_LEN: usize = 16;
/// Separates these tags from anything else the same key might sign.
const CONTEXT: &[u8] = b"linli.checkin_code.v1\0";
/// Longer than any valid code; refused before decoding.
const MAX_TOKEN_CHARS: usize = 64;

impl CheckinCode {
    /// The length of a time step: a new code every minute.
    pub const STEP_SECONDS: i64 = 60;

    /// The time step `now` falls in.
    pub fn step_at(now: DateTime<Utc>) -> i64 {
        now.timestamp().div_euclid(Self::STEP_SECONDS)
    }

    /// When the screen should show a new code: the start of the next step.
    pub fn refresh_at(now: DateTime<Utc>) -> DateTime<Utc> {
        Self::step_start(Self::step_at(now) + 1)
    }

    /// When a code issued at `now` stops being accepted: the end of the step after its own.
    pub fn valid_until(now: DateTime<Utc>) -> DateTime<Utc> {
        Self::step_start(Self::step_at(now) + 2)
    }

    fn step_start(step: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(step.saturating_mul(Self::STEP_SECONDS))
    }

    /// The code for `activity` and `purpose` at `now`, signed with `key`: compact and URL-safe.
    pub fn issue(
        key: &[u8],
        activity: ActivityId,
        purpose: CheckinPurpose,
        now: DateTime<Utc>,
    ) -> String {
        CheckinCode {
            activity,
            purpose,
            step: Self::step_at(now),
        }
        .encode(key)
    }

    /// The token for these claims, signed with `key`.
    pub fn encode(&self, key: &[u8]) -> String {
        let mut bytes = self.payload();
        let tag = mac(key, &bytes).finalize().into_bytes();
        bytes.extend_from_slice(&tag[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Checks a scanned `token` against `key`, the activity and purpose of the page it was
    /// scanned for, and `now`: accepted in the step it was issued in and the next. The tag is
    /// compared in constant time.
    pub fn verify(
        key: &[u8],
        token: &str,
        activity: ActivityId,
        purpose: CheckinPurpose,
        now: DateTime<Utc>,
    ) -> Result<(), CodeError> {
        let code = Self::decode(key, token)?;
        if code.activity != activity {
            return Err(CodeError::WrongActivity);
        }
        if code.purpose != purpose {
            return Err(CodeError::WrongPurpose {
                found: code.purpose,
                expected: purpose,
            });
        }
        let current = Self::step_at(now);
        if code.step > current {
            Err(CodeError::NotYetValid)
        } else if code.step < current - 1 {
            Err(CodeError::Expired)
        } else {
            Ok(())
        }
    }

    /// The claims of a token whose signature under `key` holds; time is not checked.
    pub fn decode(key: &[u8], token: &str) -> Result<CheckinCode, CodeError> {
        if token.len() > MAX_TOKEN_CHARS {
            return Err(CodeError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| CodeError::Malformed)?;
        let split = bytes
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(CodeError::Malformed)?;
        let (payload, tag) = bytes.split_at(split);
        let code = Self::parse_payload(payload).ok_or(CodeError::Malformed)?;
        mac(key, payload)
            .verify_truncated_left(tag)
            .map_err(|_| CodeError::Forged)?;
        Ok(code)
    }

    fn payload(&self) -> Vec<u8> {
        let mut out = vec![(VERSION << 4) | self.purpose.bit()];
        put_varint(&mut out, self.activity.0 as u64);
        put_varint(&mut out, self.step as u64);
        out
    }

    fn parse_payload(payload: &[u8]) -> Option<CheckinCode> {
        let (&head, rest) = payload.split_first()?;
        if head >> 4 != VERSION {
            return None;
        }
        let purpose = match head & 0x0f {
            0 => CheckinPurpose::In,
            1 => CheckinPurpose::Out,
            _ => return None,
        };
        let (activity, rest) = take_varint(rest)?;
        let (step, rest) = take_varint(rest)?;
        rest.is_empty().then_some(CheckinCode {
            activity: ActivityId(activity as i64),
            purpose,
            step: step as i64,
        })
    }
}

fn mac(key: &[u8], payload: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(CONTEXT);
    mac.update(payload);
    mac
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A LEB128 varint of at most 10 bytes and the bytes after it.
fn take_varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut v: u64 = 0;
    for (i, b) in bytes.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f).checked_shl(7 * i as u32)?;
        if b & 0x80 == 0 {
            return Some((v, &bytes[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a test key of some thirty-two bytes!";

    fn at(s: i64) -> DateTime<Utc> {
        // A whole minute: 2026-11-30T04:00:00Z.
        DateTime::from_timestamp(1_796_011_200 + s, 0).unwrap()
    }

    const A: ActivityId = ActivityId(42);

    #[test]
    fn a_code_is_short_url_safe_and_round_trips() {
        let t = CheckinCode::issue(KEY, A, CheckinPurpose::In, at(5));
        assert!(t.len() <= 40, "{t} is {} chars", t.len());
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(
            CheckinCode::decode(KEY, &t),
            Ok(CheckinCode {
                activity: A,
                purpose: CheckinPurpose::In,
                step: CheckinCode::step_at(at(0))
            })
        );
        let big = CheckinCode::issue(KEY, ActivityId(i64::MAX), CheckinPurpose::Out, at(0));
        assert_eq!(
            CheckinCode::decode(KEY, &big).unwrap().activity,
            ActivityId(i64::MAX)
        );
        assert!(big.len() <= MAX_TOKEN_CHARS);
    }

    #[test]
    fn accepted_in_its_step_and_the_next_only() {
        let t = CheckinCode::issue(KEY, A, CheckinPurpose::In, at(59));
        for s in [0, 59, 60, 119] {
            assert_eq!(
                CheckinCode::verify(KEY, &t, A, CheckinPurpose::In, at(s)),
                Ok(()),
                "{s}"
            );
        }
        let err = CheckinCode::verify(KEY, &t, A, CheckinPurpose::In, at(120)).unwrap_err();
        assert_eq!(err, CodeError::Expired);
        assert_eq!(err.code(), "checkin_code.expired");
        assert_eq!(
            CheckinCode::verify(KEY, &t, A, CheckinPurpose::In, at(-1)),
            Err(CodeError::NotYetValid)
        );
        assert_eq!(CheckinCode::refresh_at(at(59)), at(60));
        assert_eq!(CheckinCode::valid_until(at(59)), at(120));
    }

    #[test]
    fn wrong_activity_and_wrong_purpose() {
        let t = CheckinCode::issue(KEY, A, CheckinPurpose::In, at(0));
        let err =
            CheckinCode::verify(KEY, &t, ActivityId(43), CheckinPurpose::In, at(0)).unwrap_err();
        assert_eq!(err, CodeError::WrongActivity);
        assert_eq!(err.code(), "checkin_code.wrong_activity");
        let err = CheckinCode::verify(KEY, &t, A, CheckinPurpose::Out, at(0)).unwrap_err();
        assert_eq!(
            err,
            CodeError::WrongPurpose {
                found: CheckinPurpose::In,
                expected: CheckinPurpose::Out
            }
        );
        assert_eq!(err.code(), "checkin_code.wrong_purpose");
    }

    #[test]
    fn another_key_or_a_changed_byte_is_forged() {
        let t = CheckinCode::issue(KEY, A, CheckinPurpose::In, at(0));
        let err =
            CheckinCode::verify(b"another key", &t, A, CheckinPurpose::In, at(0)).unwrap_err();
        assert_eq!(err, CodeError::Forged);
        assert_eq!(err.code(), "checkin_code.forged");
        // Claims re-signed with nothing but swapped into a genuine tag: forged.
        let mut bytes = URL_SAFE_NO_PAD.decode(&t).unwrap();
        bytes[1] ^= 0x01; // activity 42 → 43
        let tampered = URL_SAFE_NO_PAD.encode(&bytes);
        assert_eq!(
            CheckinCode::verify(KEY, &tampered, ActivityId(43), CheckinPurpose::In, at(0)),
            Err(CodeError::Forged)
        );
        // The last tag byte flipped.
        let mut bytes = URL_SAFE_NO_PAD.decode(&t).unwrap();
        *bytes.last_mut().unwrap() ^= 0x80;
        assert_eq!(
            CheckinCode::verify(
                KEY,
                &URL_SAFE_NO_PAD.encode(&bytes),
                A,
                CheckinPurpose::In,
                at(0)
            ),
            Err(CodeError::Forged)
        );
        // A code for checking in cannot be turned into one for checking out.
        let mut bytes = URL_SAFE_NO_PAD.decode(&t).unwrap();
        bytes[0] |= 1;
        assert_eq!(
            CheckinCode::verify(
                KEY,
                &URL_SAFE_NO_PAD.encode(&bytes),
                A,
                CheckinPurpose::Out,
                at(0)
            ),
            Err(CodeError::Forged)
        );
    }

    #[test]
    fn garbage_is_malformed() {
        let t = CheckinCode::issue(KEY, A, CheckinPurpose::In, at(0));
        let mut wrong_version = URL_SAFE_NO_PAD.decode(&t).unwrap();
        wrong_version[0] = 0x20;
        let mut trailing = URL_SAFE_NO_PAD.decode(&t).unwrap();
        trailing.insert(3, 0);
        for bad in [
            String::new(),
            "not a code!".to_owned(),
            "abc".to_owned(),
            format!("{t}="),
            t[..t.len() - 1].to_owned(),
            "A".repeat(65),
            URL_SAFE_NO_PAD.encode([0u8; 16]),
            URL_SAFE_NO_PAD.encode(&wrong_version),
            URL_SAFE_NO_PAD.encode([
                0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            ]),
        ] {
            let err = CheckinCode::verify(KEY, &bad, A, CheckinPurpose::In, at(0)).unwrap_err();
            assert!(
                matches!(err, CodeError::Malformed | CodeError::Forged),
                "{bad}: {err:?}"
            );
        }
        assert_eq!(
            CheckinCode::verify(KEY, "", A, CheckinPurpose::In, at(0)),
            Err(CodeError::Malformed)
        );
        assert_eq!(
            CheckinCode::verify(KEY, "not a code!", A, CheckinPurpose::In, at(0)),
            Err(CodeError::Malformed)
        );
        assert_eq!(
            CheckinCode::verify(
                KEY,
                &URL_SAFE_NO_PAD.encode(&wrong_version),
                A,
                CheckinPurpose::In,
                at(0)
            ),
            Err(CodeError::Malformed)
        );
        assert_eq!(CodeError::Malformed.code(), "checkin_code.malformed");
    }

    #[test]
    fn varints_round_trip() {
        for v in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut b = Vec::new();
            put_varint(&mut b, v);
            assert_eq!(take_varint(&b), Some((v, &[][..])));
        }
        assert_eq!(take_varint(&[0x80]), None);
        assert_eq!(take_varint(&[0xff; 11]), None);
    }
}
