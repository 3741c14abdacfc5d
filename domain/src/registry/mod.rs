//! The household registry (住户台账): a profile per household node, the residents living there,
//! and the care tags (独居老人, 困难家庭, …) that tell the community who needs looking after.
//!
//! Personal data: names and phones are shown whole only to those who need them, decided by
//! [`masking`]; the import of a community office's spreadsheet is parsed by [`import`].

pub mod care;
pub mod import;
pub mod masking;
pub mod person;
pub mod relation;

pub use care::{CareTag, ConsentMethod};
pub use masking::{Access, Field, Viewer};
pub use person::{BirthYear, HouseholdSize, ResidentName, Room, Unit};
pub use relation::Relation;
