//! Meetings as stored: the meeting row (versioned), its participants, linked requests,
//! resolutions with their agreements, and action items. Every change bumps the meeting's
//! version under a check on the version read, so two writers never both win.

mod events;
mod query;
mod record;
mod write;

pub use events::publish;
pub use query::{
    ListFilter, find_idempotent, get, get_detail, involves, list, meetings_of_request, owns_item,
    stat_rows,
};
pub use record::{
    ActionItemRecord, AgreementRecord, LinkedRequest, MeetingDetail, MeetingRecord, OutsideParty,
    ParticipantRecord, ResolutionRecord,
};
pub use write::{
    NewActionItem, NewAgreement, NewMeeting, NewParticipant, NewResolution, ParticipantWho,
    add_participant, bump, create, finish_item, link_request, mark_request_resolved,
    record_resolution, remove_participant, set_attendance, set_settled, unlink_request,
};
