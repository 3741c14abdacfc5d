//! Deliberation meetings (议事协商会) and joint meetings (联席会议): problems that need several
//! parties around one table, their minutes, resolutions, signed agreements and the action items
//! that follow them to the end.

mod access;
mod action_item;
mod event;
mod kind;
mod lifecycle;
mod rates;
mod resolution;
mod text;

pub use access::{community_path, may_manage, may_see};
pub use action_item::{ActionItem, ActionItemError, ActionItemStatus, ItemOutcome, settles};
pub use event::MeetingEventKind;
pub use kind::{MeetingKind, MeetingStatus, ParticipantRole, PartyKind, UnknownValue};
pub use lifecycle::{Change, MeetingError, can_edit, close_when_settled, decide};
pub use rates::{MeetingInput, MeetingRates, meeting_rates};
pub use resolution::{AgreementParties, AgreementPartiesError, AttachmentUrl, AttachmentUrlError};
pub use text::{Title, TitleError};

use serde::{Deserialize, Serialize};

/// A meeting's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MeetingId(pub i64);

impl std::fmt::Display for MeetingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
