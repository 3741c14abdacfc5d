//! Linli Grid's domain: the rules of neighbourhood grid governance.
//!
//! Pure: no I/O, no storage, no HTTP. Functions take the current state, the actor, the command
//! and the time, and return the new state and events, or a typed error. Time is always passed in.

pub mod access;
pub mod binding;
pub mod butler;
pub mod category;
pub mod content;
pub mod grid_event;
pub mod ids;
pub mod meeting;
pub mod notify;
pub mod open311;
pub mod org;
pub mod partner;
pub mod rate_limit;
pub mod registry;
pub mod request;
pub mod stats;
pub mod text;
pub mod time;
pub mod webhook;

pub use ids::*;

mod labelled;
pub use labelled::UnknownName;

pub mod activity;
pub mod points;
pub mod reward;
pub mod volunteer;
