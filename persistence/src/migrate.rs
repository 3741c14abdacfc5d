//! Per-backend migrations, embedded in the binary and applied at start-up.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::connection::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// An arbitrary constant naming our advisory lock: instances starting together take turns.
const MIGRATION_LOCK: i64 = 0x4c49_4e4c_4931;

/// SQLite serves one instance, but one process may build several on the same file (the tests'
/// instances): they take turns here, or two would both find a migration pending and the second
/// would fail on what the first created.
static SQLITE_MIGRATIONS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Why migrations failed.
#[derive(Debug, thiserror::Error)]
#[error("database migration failed: {0}")]
pub struct MigrationError(String);

/// Applies pending migrations; returns how many ran. Safe when several instances start at once:
/// on PostgreSQL an advisory lock serialises them; SQLite serves one instance.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    let err = |e: &dyn std::fmt::Display| MigrationError(e.to_string());
    match conn {
        DbConnection::Sqlite(c) => {
            let _turn = SQLITE_MIGRATIONS
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            c.run_pending_migrations(SQLITE)
                .map(|v| v.len())
                .map_err(|e| err(&e))
        }
        DbConnection::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                .map_err(|e| err(&e))?;
            let result = c
                .run_pending_migrations(POSTGRES)
                .map(|v| v.len())
                .map_err(|e| err(&e));
            let unlock = c
                .batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                .map_err(|e| err(&e));
            let ran = result?;
            unlock?;
            Ok(ran)
        }
    }
}
