//! What an award is for. One award per source: its idempotency key is unique in the ledger.

use crate::RequestId;
use crate::activity::ActivityId;
use crate::volunteer::VolunteerId;

/// What earned an award.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AwardSource {
    /// Serving at an activity (awarded when it finishes).
    Activity {
        /// The activity.
        activity: ActivityId,
        /// Who served.
        volunteer: VolunteerId,
    },
    /// Resolving a home-life request (awarded when the resident rates it).
    Request {
        /// The request.
        request: RequestId,
        /// Who resolved it.
        volunteer: VolunteerId,
    },
}

/// A key that names no award source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an award source key")]
pub struct UnknownKey(pub String);

impl AwardSource {
    /// Who the award goes to.
    pub fn volunteer(&self) -> VolunteerId {
        match self {
            AwardSource::Activity { volunteer, .. } | AwardSource::Request { volunteer, .. } => {
                *volunteer
            }
        }
    }

    /// The stable idempotency key, unique per source: `activity:{id}:volunteer:{id}` or
    /// `request:{id}:volunteer:{id}`. A second award for the same source clashes on it.
    pub fn idempotency_key(&self) -> String {
        match self {
            AwardSource::Activity {
                activity,
                volunteer,
            } => format!("activity:{activity}:volunteer:{volunteer}"),
            AwardSource::Request { request, volunteer } => {
                format!("request:{request}:volunteer:{volunteer}")
            }
        }
    }

    /// Parses an idempotency key back into its source.
    pub fn parse_key(key: &str) -> Result<Self, UnknownKey> {
        let bad = || UnknownKey(key.to_owned());
        let mut parts = key.split(':');
        let (Some(what), Some(id), Some("volunteer"), Some(v), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad());
        };
        let number = |s: &str| {
            s.parse::<i64>()
                .ok()
                .filter(|n| n.to_string() == s)
                .ok_or_else(bad)
        };
        let (id, volunteer) = (number(id)?, VolunteerId(number(v)?));
        match what {
            "activity" => Ok(AwardSource::Activity {
                activity: ActivityId(id),
                volunteer,
            }),
            "request" => Ok(AwardSource::Request {
                request: RequestId(id),
                volunteer,
            }),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_round_trip() {
        let a = AwardSource::Activity {
            activity: ActivityId(12),
            volunteer: VolunteerId(7),
        };
        let r = AwardSource::Request {
            request: RequestId(12),
            volunteer: VolunteerId(7),
        };
        assert_eq!(a.idempotency_key(), "activity:12:volunteer:7");
        assert_eq!(r.idempotency_key(), "request:12:volunteer:7");
        assert_ne!(a.idempotency_key(), r.idempotency_key());
        assert_eq!(AwardSource::parse_key(&a.idempotency_key()), Ok(a));
        assert_eq!(AwardSource::parse_key(&r.idempotency_key()), Ok(r));
        assert_eq!(a.volunteer(), VolunteerId(7));
    }

    #[test]
    fn other_strings_are_not_keys() {
        for bad in [
            "",
            "activity:12",
            "activity:12:volunteer",
            "activity:12:volunteer:7:x",
            "meeting:12:volunteer:7",
            "activity:012:volunteer:7",
            "activity:+12:volunteer:7",
            "activity:12:person:7",
            "activity:x:volunteer:7",
        ] {
            assert_eq!(
                AwardSource::parse_key(bad),
                Err(UnknownKey(bad.into())),
                "{bad}"
            );
        }
    }
}
