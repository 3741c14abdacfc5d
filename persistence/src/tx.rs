//! Transactions and liveness, so that callers above need no Diesel of their own.

use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};

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

/// Runs `f` in a transaction that, on SQLite, takes the write lock when it begins
/// (`BEGIN IMMEDIATE`): a transaction that reads first and then writes would otherwise fail
/// with "database is locked" when another connection (another process: the CLI, a second
/// instance) wrote in between, since SQLite cannot wait for a lock it would deadlock on.
/// Nested in another transaction it is a savepoint; on PostgreSQL a plain transaction.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    let outermost_on_sqlite = match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()
            .map_err(StoreError::from)?
            .is_none(),
        DbConnection::Postgres(_) => false,
    };
    if !outermost_on_sqlite {
        return transaction(conn, f);
    }
    if let DbConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
            .map_err(StoreError::from)?;
    }
    type Manager = <DbConnection as Connection>::TransactionManager;
    match f(conn) {
        Ok(v) => {
            Manager::commit_transaction(conn).map_err(StoreError::from)?;
            Ok(v)
        }
        Err(e) => {
            if let Err(rollback) = Manager::rollback_transaction(conn) {
                tracing::warn!(error = %rollback, "rolling back a write transaction failed");
            }
            Err(e)
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::DatabaseUrl;

    #[test]
    fn a_write_lock_held_elsewhere_past_the_timeout_is_busy_not_an_error() {
        let dir = std::env::temp_dir().join(format!("linli-tx-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.join("t.db").display())).unwrap();
        let mut holder = url.connect().unwrap();
        let mut waiter = url.connect().unwrap();
        holder
            .batch_execute("CREATE TABLE t (n BIGINT); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
            .unwrap();
        waiter.batch_execute("PRAGMA busy_timeout = 50").unwrap();
        let outcome = write_transaction(&mut waiter, |_| Ok::<_, StoreError>(()));
        assert!(matches!(outcome, Err(StoreError::Busy(_))), "{outcome:?}");
        holder.batch_execute("COMMIT").unwrap();
        assert!(write_transaction(&mut waiter, |_| Ok::<_, StoreError>(())).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
