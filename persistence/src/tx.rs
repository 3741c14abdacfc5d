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
