//! The household registry as stored: profiles, residents (names and phones sealed by the API:
//! ciphertext, masked form, keyed hash), care tags with their consent, and the log of every
//! read of personal data in the clear.

pub mod access_log;
pub mod care;
pub mod households;
pub mod rights;

pub use access_log::{AccessLogEntry, NewAccess};
pub use care::{CareNeed, CareTagRecord, NewCareTag};
pub use households::{
    NewProfile, NewResident, Profile, ResidentChange, ResidentKey, ResidentRecord, Sealed,
};
