//! Requests, their timeline and the outbox. A state change, its events and their outbox rows
//! are written in one transaction.

mod candidates;
mod events;
mod idempotency;
mod query;
mod row;
mod write;

pub use candidates::dispatch_candidates;
pub use events::{EventRecord, timeline};
pub use idempotency::{IdempotentSubmit, find_idempotent};
pub use query::{
    DuplicateHint, ListQuery, RateRow, due_for_auto_close, due_for_sweep, get, list, open_load,
    possible_duplicates, rate_rows,
};
pub use row::{Labels, RequestRecord};
pub use write::{NewRequestDetails, apply, submit};
