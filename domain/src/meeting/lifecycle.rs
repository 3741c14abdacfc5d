//! The meeting state machine: scheduled → held (minutes recorded) → closed (every action item
//! finished), or scheduled → cancelled. A closed or cancelled meeting refuses every change.

use crate::meeting::MeetingStatus;

use MeetingStatus::{Cancelled, Closed, Held, Scheduled};

/// What a manager asks to change about a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Title, time, place, agenda.
    EditDetails,
    /// The minutes of a held meeting.
    EditMinutes,
    /// Participants and linked requests.
    EditMembers,
    /// Record that it was held, with its minutes and attendance.
    Hold,
    /// Call it off.
    Cancel,
    /// A resolution (and its agreement and action items) decided at a held meeting.
    RecordResolution,
    /// An action item finished (done or dropped).
    FinishActionItem,
    /// Close a held meeting by hand; only when no action item is open.
    Close {
        /// Action items still open.
        open_items: usize,
    },
}

impl Change {
    /// The stable action name, as errors spell it.
    pub fn name(self) -> &'static str {
        match self {
            Change::EditDetails => "edit",
            Change::EditMinutes => "edit_minutes",
            Change::EditMembers => "edit_members",
            Change::Hold => "hold",
            Change::Cancel => "cancel",
            Change::RecordResolution => "record_resolution",
            Change::FinishActionItem => "finish_action_item",
            Change::Close { .. } => "close",
        }
    }
}

/// Why a change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    /// The meeting is closed or cancelled: it is a record now.
    #[error("the meeting is {}; it can no longer change", status.as_str())]
    Finished {
        /// Closed or cancelled.
        status: MeetingStatus,
    },
    /// The client edited an older version than the one stored: someone else changed it first.
    #[error("the meeting changed since version {expected} (now {current})")]
    VersionConflict {
        /// The version the client had.
        expected: i32,
        /// The version stored.
        current: i32,
    },
    /// Not in this status.
    #[error("cannot {action} a meeting that is {}", from.as_str())]
    InvalidTransition {
        /// Where it stands.
        from: MeetingStatus,
        /// The change, as [`Change::name`] gives it.
        action: &'static str,
    },
    /// Closing by hand while action items are still open.
    #[error("{open} action items are still open")]
    OpenActionItems {
        /// How many.
        open: usize,
    },
}

/// Decides `change` on a meeting in `status` at `version`, which the client says it edited
/// (`expected`; `None` when it did not say, for changes that do not overwrite text). Returns the
/// status after it.
pub fn decide(
    status: MeetingStatus,
    version: i32,
    expected: Option<i32>,
    change: Change,
) -> Result<MeetingStatus, MeetingError> {
    if status.is_final() {
        return Err(MeetingError::Finished { status });
    }
    if let Some(expected) = expected
        && expected != version
    {
        return Err(MeetingError::VersionConflict {
            expected,
            current: version,
        });
    }
    let invalid = || MeetingError::InvalidTransition {
        from: status,
        action: change.name(),
    };
    match change {
        Change::EditDetails | Change::EditMembers => Ok(status),
        Change::EditMinutes | Change::RecordResolution | Change::FinishActionItem => {
            (status == Held).then_some(Held).ok_or_else(invalid)
        }
        Change::Hold => (status == Scheduled).then_some(Held).ok_or_else(invalid),
        Change::Cancel => (status == Scheduled)
            .then_some(Cancelled)
            .ok_or_else(invalid),
        Change::Close { open_items } => {
            if status != Held {
                return Err(invalid());
            }
            if open_items > 0 {
                return Err(MeetingError::OpenActionItems { open: open_items });
            }
            Ok(Closed)
        }
    }
}

/// True when `change` would be accepted in `status` (whatever the version): what a client may
/// offer.
pub fn can_edit(status: MeetingStatus, change: Change) -> bool {
    decide(status, 0, None, change).is_ok()
}

/// After an action item is finished: a held meeting with no open item left closes itself.
pub fn close_when_settled(status: MeetingStatus, open_items: usize) -> MeetingStatus {
    if status == Held && open_items == 0 {
        Closed
    } else {
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_is_scheduled_then_held_then_closed() {
        assert_eq!(decide(Scheduled, 0, Some(0), Change::Hold), Ok(Held));
        assert_eq!(decide(Held, 1, None, Change::RecordResolution), Ok(Held));
        assert_eq!(
            decide(Held, 1, None, Change::Close { open_items: 0 }),
            Ok(Closed)
        );
        assert_eq!(decide(Scheduled, 0, None, Change::Cancel), Ok(Cancelled));
    }

    #[test]
    fn closed_and_cancelled_refuse_everything() {
        for status in [Closed, Cancelled] {
            for change in [
                Change::EditDetails,
                Change::EditMinutes,
                Change::EditMembers,
                Change::Hold,
                Change::Cancel,
                Change::RecordResolution,
                Change::FinishActionItem,
                Change::Close { open_items: 0 },
            ] {
                assert_eq!(
                    decide(status, 3, Some(3), change),
                    Err(MeetingError::Finished { status })
                );
            }
        }
    }

    #[test]
    fn an_old_version_is_a_conflict() {
        assert_eq!(
            decide(Held, 4, Some(3), Change::EditMinutes),
            Err(MeetingError::VersionConflict {
                expected: 3,
                current: 4
            })
        );
        assert_eq!(decide(Held, 4, Some(4), Change::EditMinutes), Ok(Held));
    }

    #[test]
    fn minutes_resolutions_and_items_belong_to_a_held_meeting() {
        for change in [
            Change::EditMinutes,
            Change::RecordResolution,
            Change::FinishActionItem,
        ] {
            assert!(matches!(
                decide(Scheduled, 0, None, change),
                Err(MeetingError::InvalidTransition { .. })
            ));
        }
        assert!(matches!(
            decide(Held, 1, None, Change::Hold),
            Err(MeetingError::InvalidTransition { action: "hold", .. })
        ));
        assert!(matches!(
            decide(Held, 1, None, Change::Cancel),
            Err(MeetingError::InvalidTransition { .. })
        ));
    }

    #[test]
    fn closing_by_hand_waits_for_the_open_items() {
        assert_eq!(
            decide(Held, 1, None, Change::Close { open_items: 2 }),
            Err(MeetingError::OpenActionItems { open: 2 })
        );
        assert!(matches!(
            decide(Scheduled, 1, None, Change::Close { open_items: 0 }),
            Err(MeetingError::InvalidTransition { .. })
        ));
    }

    #[test]
    fn the_last_finished_item_closes_a_held_meeting() {
        assert_eq!(close_when_settled(Held, 0), Closed);
        assert_eq!(close_when_settled(Held, 1), Held);
        assert!(can_edit(Scheduled, Change::EditDetails));
        assert!(!can_edit(Closed, Change::EditDetails));
    }
}
