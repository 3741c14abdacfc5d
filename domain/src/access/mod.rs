//! Who a user is in the tree, and what they may see. One place decides access.

mod actor;
pub mod admin;
mod role;

pub use actor::{Actor, RoleGrant, RoleScope};
pub use role::{RoleKind, UnknownRole};
