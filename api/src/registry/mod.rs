//! The household registry: profiles, residents and care tags under the org tree, with names and
//! phones sealed at rest, masked by role (`linli_domain::registry::masking`), revealed only on
//! request and then logged; the import of an office's register; a resident's export and erasure.
//!
//! Nothing here hands a name or phone to `tracing`: log fields carry ids only.

pub mod dto;
pub mod import;
pub mod params;
mod problems;
pub mod rights;
pub mod seal;
pub mod service;
pub mod table;
