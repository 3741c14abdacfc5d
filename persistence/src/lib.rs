//! Linli Grid's storage: one Diesel code path over SQLite and PostgreSQL.
//!
//! Every function here is synchronous and takes a connection; the API layer calls them off the
//! async executor. Rows are mapped to domain types here and never leave this crate as rows.
//!
//! Lookups by a unique key use `get_result`, not `first`: `first` binds `LIMIT ?`, and SQLite
//! recompiles a statement whose LIMIT is a bound parameter on every execution.

pub mod activities;
pub mod bindings;
pub mod butlers;
pub mod categories;
pub mod connection;
pub mod error;
pub mod meetings;
pub mod migrate;
pub mod names;
pub mod notifications;
pub mod org;
pub mod outbox;
pub mod partner_inbound;
pub mod partners;
pub mod pool;
pub mod registry;
pub mod requests;
pub mod residents;
pub mod rewards;
pub mod schema;
mod time;
pub mod tokens;
pub mod tx;
pub mod users;
pub mod volunteers;
pub mod webhooks;

pub use connection::{Backend, DatabaseUrl, DbConnection};
pub use error::StoreError;
pub use pool::{PoolSizes, Pools};
