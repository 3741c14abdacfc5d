//! Outbound webhooks to partner platforms, the Standard Webhooks way: which events an endpoint
//! gets, where we may send them, when a failed delivery is tried again, and when an endpoint
//! that keeps failing is switched off.

mod address;
mod filter;
mod schedule;
mod topic;

pub use address::is_public_address;
pub use filter::{EventFilter, StoredFilter, UnknownEventType, published_to_partners};
pub use schedule::{
    Answer, DISABLE_AFTER, MAX_ATTEMPTS, RETRY_DELAYS, Verdict, judge, retry_delay, should_disable,
};
pub use topic::Topic;
