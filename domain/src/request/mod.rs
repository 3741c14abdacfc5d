//! A resident's request (诉求) and its lifecycle through the service supermarket.

mod authority;
mod channel;
mod command;
pub mod dispatch;
mod event;
pub mod household;
pub mod lifecycle;
pub mod privacy;
mod state;
pub mod submit;
pub mod visibility;

#[cfg(test)]
pub(crate) mod fixtures;

pub use channel::{Channel, UnknownChannel};
pub use command::{Command, ExtensionDecision, Rating};
pub use dispatch::{Candidate, CandidateKind, is_eligible, suggest};
pub use event::{Event, EventKind};
pub use household::may_report_for_household;
pub use lifecycle::{
    Context, EXTENSION_DAYS, Transition, TransitionError, action_name, auto_close, decide,
    mark_overdue,
};
pub use privacy::sees_contact_phone;
pub use state::{Assignee, QueueLevel, Request, RequestStatus};
pub use submit::{NewRequest, Submission, SubmitError, submit, submit_for_partner};
pub use visibility::{Visibility, can_see};
