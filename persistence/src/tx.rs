//! Transactions and liveness, so that callers above need no Diesel of their own.

use diesel::Connection;
use diesel::connection::SimpleConnection;

use crate::connection::DbConnection;
use crate::error::StoreError;

/// Runs `f` in a transaction: committed when it returns `Ok`, rolled back on `Err`.
pub fn transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    // Diesel wants the error to absorb its own; ours goes through StoreError.
    let mut inner_err = None;
    let result = conn.transaction::<T, diesel::result::Error, _>(|conn| match f(conn) {
        Ok(v) => Ok(v),
        Err(e) => {
            inner_err = Some(e);
            Err(diesel::result::Error::RollbackTransaction)
        }
    });
    match result {
        Ok(v) => Ok(v),
        Err(diesel::result::Error::RollbackTransaction) if inner_err.is_some() => {
            Err(inner_err.expect("checked"))
        }
        Err(e) => Err(StoreError::from(e).into()),
    }
}

/// A round trip to the database.
pub fn ping(conn: &mut DbConnection) -> Result<(), StoreError> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

/// An arbitrary constant naming the lock instances take while seeding start-up data.
const SEED_LOCK: i64 = 0x4c49_4e4c_4932;

/// Inside a transaction: waits until no other instance is seeding, so that "seed when empty"
/// seeds once when several instances start together. PostgreSQL releases the lock at commit;
/// SQLite needs none (one writer at a time).
pub fn lock_for_seeding(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        pg.batch_execute(&format!("SELECT pg_advisory_xact_lock({SEED_LOCK})"))?;
    }
    Ok(())
}
