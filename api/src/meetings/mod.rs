//! Meeting use cases: calling, editing and holding meetings, their members, resolutions and
//! action items, and the figures. Each change is one transaction with its outbox events.

pub mod change;
pub mod create;
pub mod edit;
pub mod errors;
pub mod list;
pub mod members;
pub mod params;
pub mod render;
pub mod resolutions;
pub mod scope;
pub mod settle;
pub mod stats;
pub mod wire;
