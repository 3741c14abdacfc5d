//! Webhooks the Standard Webhooks way: partners register endpoints and receive signed events
//! for the requests in their scope, made from the outbox and delivered by workers with retries;
//! what partners send us is verified the same way.

pub mod client;
pub mod deliver;
pub mod endpoints;
pub mod fanout;
pub mod payload;
pub mod retention;
pub mod settings;
pub mod signature;
pub mod wire;

pub use settings::WebhookSettings;
