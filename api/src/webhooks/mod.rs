//! Webhooks the Standard Webhooks way: signing what we send to partners, verifying what they
//! send us.

pub mod signature;
