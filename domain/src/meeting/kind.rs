use serde::{Deserialize, Serialize};

/// A stored or client-sent identifier that names no known value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`")]
pub struct UnknownValue {
    /// What was parsed (`meeting kind`, `participant role`…).
    pub what: &'static str,
    /// What was given.
    pub value: String,
}

macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($(#[$vdoc:meta])* $variant:ident => $s:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable identifier.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s,)*
                }
            }

            /// Parses the stable identifier.
            pub fn parse(s: &str) -> Result<Self, UnknownValue> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownValue { what: $what, value: s.to_owned() })
            }
        }
    };
}

named_enum!(
    /// What sort of meeting.
    MeetingKind, "meeting kind", {
        /// 议事协商会: residents and parties of one community deliberate.
        Deliberation => "deliberation",
        /// 联席会议: several organisations (property companies, offices) at one table.
        Joint => "joint",
    }
);

named_enum!(
    /// Where a meeting stands: scheduled → held → closed, or cancelled.
    MeetingStatus, "meeting status", {
        /// Called, not yet held.
        Scheduled => "scheduled",
        /// Held: minutes recorded; resolutions and action items follow.
        Held => "held",
        /// Every action item finished: nothing more to follow.
        Closed => "closed",
        /// Called off before it was held.
        Cancelled => "cancelled",
    }
);

named_enum!(
    /// The part a person plays at a meeting.
    ParticipantRole, "participant role", {
        /// Called the meeting.
        Organiser => "organiser",
        /// Chairs it.
        Host => "host",
        /// A party to the matter.
        Party => "party",
        /// Advises on the law (the community lawyer).
        Lawyer => "lawyer",
        /// Takes the minutes.
        Recorder => "recorder",
        /// Attends without a stake.
        Observer => "observer",
    }
);

named_enum!(
    /// What an outside party (not a user of the system) is.
    PartyKind, "party kind", {
        /// 物业公司
        PropertyCompany => "property_company",
        /// 律师
        Lawyer => "lawyer",
        /// Another organisation (an office, a social organisation).
        Organisation => "organisation",
        /// 居民代表
        ResidentRepresentative => "resident_representative",
        /// Anyone else.
        Other => "other",
    }
);

impl MeetingStatus {
    /// Closed or cancelled: nothing about the meeting may change any more.
    pub fn is_final(self) -> bool {
        matches!(self, MeetingStatus::Closed | MeetingStatus::Cancelled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip() {
        for k in MeetingKind::ALL {
            assert_eq!(MeetingKind::parse(k.as_str()), Ok(*k));
        }
        for s in MeetingStatus::ALL {
            assert_eq!(MeetingStatus::parse(s.as_str()), Ok(*s));
        }
        for r in ParticipantRole::ALL {
            assert_eq!(ParticipantRole::parse(r.as_str()), Ok(*r));
        }
        for p in PartyKind::ALL {
            assert_eq!(PartyKind::parse(p.as_str()), Ok(*p));
        }
        assert!(MeetingKind::parse("party").is_err());
    }

    #[test]
    fn only_closed_and_cancelled_are_final() {
        assert!(MeetingStatus::Closed.is_final());
        assert!(MeetingStatus::Cancelled.is_final());
        assert!(!MeetingStatus::Held.is_final());
        assert!(!MeetingStatus::Scheduled.is_final());
    }
}
