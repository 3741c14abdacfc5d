//! The demo's request history (filled in with the request lifecycle).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use linli_persistence::{DbConnection, StoreError};

use super::DemoCommunity;

/// Seeds the request history.
pub fn seed(
    _conn: &mut DbConnection,
    _demo: &DemoCommunity,
    _now: DateTime<Utc>,
    _tz: Tz,
) -> Result<(), StoreError> {
    Ok(())
}
