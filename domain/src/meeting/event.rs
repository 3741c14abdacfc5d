/// What happened to a meeting, as partner platforms hear it (through the outbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeetingEventKind {
    /// `meeting.scheduled`
    Scheduled,
    /// `meeting.held`
    Held,
    /// `meeting.cancelled`
    Cancelled,
    /// `meeting.agreement_signed`
    AgreementSigned,
    /// `meeting.action_item_completed`
    ActionItemCompleted,
}

impl MeetingEventKind {
    /// The stable event type.
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingEventKind::Scheduled => "meeting.scheduled",
            MeetingEventKind::Held => "meeting.held",
            MeetingEventKind::Cancelled => "meeting.cancelled",
            MeetingEventKind::AgreementSigned => "meeting.agreement_signed",
            MeetingEventKind::ActionItemCompleted => "meeting.action_item_completed",
        }
    }
}
