//! The request use cases: load, decide with the domain, store with events — and retry when
//! another writer got there first.

pub mod act;
pub mod errors;
pub mod list;
pub mod partner_inbound;
pub mod partner_view;
pub mod rates;
pub mod submit;
pub mod sweep;
pub mod view;
pub mod wire;
