//! Requests, their timeline and the outbox. A state change, its events and their outbox rows
//! are written in one transaction.

mod candidates;
mod events;
mod idempotency;
mod photos;
mod public;
mod query;
mod review;
mod row;
mod write;

pub use candidates::dispatch_candidates;
pub use events::{EventRecord, timeline};
pub use idempotency::{IdempotentSubmit, find_idempotent};
pub use photos::{
    DuePhoto, PhotoRecord, PushedVerdict, claim_photo, due_photos, give_up_photo, photo_submitted,
    record_photo_verdict, retry_photo,
};
pub use public::{PublicQuery, latest_public_notes, public_list};
pub use query::{
    DuplicateHint, ListQuery, RateRow, due_for_auto_close, due_for_sweep, get, list, open_load,
    possible_duplicates, rate_rows,
};
pub use review::review_content;
pub use row::{Labels, RequestRecord};
pub use write::{NewRequestDetails, Noted, Screened, apply, apply_noted, submit};
