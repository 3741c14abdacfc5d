//! Events of grid work that belong to no request: a hazard a butler found, a meeting held.
//! They go into the outbox with the change that made them, for partners' webhooks, like a
//! request's steps do.

use serde::{Deserialize, Serialize};

/// What happened in the grid's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum GridEventKind {
    /// `hazard.reported`: a hazard inspection (隐患排查) found something.
    HazardReported,
    /// `hazard.fixed_on_spot`: a butler fixed a hazard there and then (现场解决).
    HazardFixedOnSpot,
    /// `visit.recorded`: a home visit (入户走访) was logged.
    VisitRecorded,
    /// `meeting.scheduled`: a deliberation or joint meeting was called.
    MeetingScheduled,
    /// `meeting.held`: a meeting took place and its minutes were recorded.
    MeetingHeld,
    /// `meeting.cancelled`
    MeetingCancelled,
    /// `meeting.agreement_signed`: a resolution carries a signed agreement.
    AgreementSigned,
    /// `meeting.action_item_completed`: an action item of a resolution was finished.
    ActionItemCompleted,
}

impl GridEventKind {
    /// Every kind.
    pub const ALL: [GridEventKind; 8] = [
        GridEventKind::HazardReported,
        GridEventKind::HazardFixedOnSpot,
        GridEventKind::VisitRecorded,
        GridEventKind::MeetingScheduled,
        GridEventKind::MeetingHeld,
        GridEventKind::MeetingCancelled,
        GridEventKind::AgreementSigned,
        GridEventKind::ActionItemCompleted,
    ];

    /// The stable event type, as webhooks carry it.
    pub fn as_str(self) -> &'static str {
        match self {
            GridEventKind::HazardReported => "hazard.reported",
            GridEventKind::HazardFixedOnSpot => "hazard.fixed_on_spot",
            GridEventKind::VisitRecorded => "visit.recorded",
            GridEventKind::MeetingScheduled => "meeting.scheduled",
            GridEventKind::MeetingHeld => "meeting.held",
            GridEventKind::MeetingCancelled => "meeting.cancelled",
            GridEventKind::AgreementSigned => "meeting.agreement_signed",
            GridEventKind::ActionItemCompleted => "meeting.action_item_completed",
        }
    }

    /// Parses the stable event type.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_do_not_clash_with_request_events() {
        for k in GridEventKind::ALL {
            assert_eq!(GridEventKind::parse(k.as_str()), Some(k));
            assert!(crate::request::EventKind::parse(k.as_str()).is_none());
        }
        assert_eq!(GridEventKind::parse("request.submitted"), None);
    }
}
