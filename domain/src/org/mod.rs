//! The organisation tree: district → street → community → grid → compound → building → household.

mod building_code;
mod node_kind;
mod path;

pub use building_code::{BuildingCode, BuildingCodeError};
pub use node_kind::{NodeKind, UnknownNodeKind};
pub use path::{NodePath, NodePathError};
