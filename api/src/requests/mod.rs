//! The request use cases: load, decide with the domain, store with events — and retry when
//! another writer got there first.

pub mod sweep;
