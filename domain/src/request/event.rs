use serde::{Deserialize, Serialize};

/// What happened to a request: one entry of the timeline a resident sees (事事有回音), and one
/// outbox row for webhooks and notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// `request.submitted`
    Submitted,
    /// `request.dispatched`
    Dispatched,
    /// `request.claimed`
    Claimed,
    /// `request.progressed`
    Progressed,
    /// `request.returned`
    Returned,
    /// `request.escalated`
    Escalated,
    /// `request.extension_requested`
    ExtensionRequested,
    /// `request.extension_decided`
    ExtensionDecided,
    /// `request.resolved`
    Resolved,
    /// `request.rated`
    Rated,
    /// `request.reopened`
    Reopened,
    /// `request.closed`
    Closed,
    /// `request.overdue`
    Overdue,
    /// `request.supervised`
    Supervised,
    /// `request.content_flagged`: text or a photo was flagged for staff review.
    ContentFlagged,
    /// `request.content_reviewed`: staff cleared or hid what was flagged.
    ContentReviewed,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 16] = [
        EventKind::Submitted,
        EventKind::Dispatched,
        EventKind::Claimed,
        EventKind::Progressed,
        EventKind::Returned,
        EventKind::Escalated,
        EventKind::ExtensionRequested,
        EventKind::ExtensionDecided,
        EventKind::Resolved,
        EventKind::Rated,
        EventKind::Reopened,
        EventKind::Closed,
        EventKind::Overdue,
        EventKind::Supervised,
        EventKind::ContentFlagged,
        EventKind::ContentReviewed,
    ];

    /// The stable event type, as webhooks carry it.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Submitted => "request.submitted",
            EventKind::Dispatched => "request.dispatched",
            EventKind::Claimed => "request.claimed",
            EventKind::Progressed => "request.progressed",
            EventKind::Returned => "request.returned",
            EventKind::Escalated => "request.escalated",
            EventKind::ExtensionRequested => "request.extension_requested",
            EventKind::ExtensionDecided => "request.extension_decided",
            EventKind::Resolved => "request.resolved",
            EventKind::Rated => "request.rated",
            EventKind::Reopened => "request.reopened",
            EventKind::Closed => "request.closed",
            EventKind::Overdue => "request.overdue",
            EventKind::Supervised => "request.supervised",
            EventKind::ContentFlagged => "request.content_flagged",
            EventKind::ContentReviewed => "request.content_reviewed",
        }
    }

    /// Parses the stable event type.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One event a transition produced. Who did it, when, and their note are added by the caller,
/// which knows them; `data` holds what the transition decided (e.g. the new assignee), as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// Structured facts of the transition, for the timeline and the webhook payload.
    pub data: serde_json::Value,
}
