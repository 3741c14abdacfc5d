//! Who a user is in the tree, and what they may see. One place decides access.

mod actor;
mod role;

pub use actor::{Actor, RoleGrant, RoleScope};
pub use role::{RoleKind, UnknownRole};
