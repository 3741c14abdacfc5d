//! Outbound webhooks as stored: partners' endpoints, and the messages made for them from the
//! outbox, each claimed by one worker at a time under a lease, with every attempt kept.

pub mod endpoints;
pub mod messages;
