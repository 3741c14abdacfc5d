//! Red Collar Home (红领之家) volunteers: who they are (kind), what they can do (skills) and
//! whether they may serve (status, approved by community staff).
//!
//! A volunteer's profile belongs to a user and a community (their service area). Only an active
//! volunteer signs up for activities or is dispatched home-life requests.

mod kind;
mod status;

pub use kind::{Skill, Skills, VolunteerKind};
pub use status::{VolunteerAction, VolunteerError, VolunteerStatus};

crate::labelled::id_newtype!(
    /// A volunteer's profile.
    VolunteerId
);
