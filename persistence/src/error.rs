//! Storage errors, mapped once: the API turns each into one status.

/// What went wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row.
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the string names what was duplicated
    /// (e.g. `code`, `username`, `name`).
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    /// A row changed between reading and writing it (optimistic concurrency); retry.
    #[error("the row changed concurrently")]
    Stale,
    /// No connection became free in time.
    #[error("database unavailable")]
    Unavailable(#[source] r2d2::Error),
    /// SQLite's write lock stayed taken (by another process) beyond the busy timeout.
    #[error("the database is busy")]
    Busy(#[source] diesel::result::Error),
    /// A stored value the domain refuses; a bug or a hand-edited database.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("database error")]
    Database(#[source] diesel::result::Error),
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => StoreError::NotFound,
            diesel::result::Error::DatabaseError(_, ref info)
                if info.message().contains("database is locked") =>
            {
                StoreError::Busy(e)
            }
            other => StoreError::Database(other),
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        StoreError::Unavailable(e)
    }
}

/// A unique violation's description: PostgreSQL's constraint name, or SQLite's message
/// ("UNIQUE constraint failed: table.column"). Callers look for the column they care about.
pub(crate) fn unique_violation(e: &diesel::result::Error) -> Option<String> {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => Some(
            info.constraint_name()
                .map(str::to_owned)
                .unwrap_or_else(|| info.message().to_owned()),
        ),
        _ => None,
    }
}

/// Maps a unique violation on a column to `Duplicate(what)`, anything else as usual.
pub(crate) fn on_unique(e: diesel::result::Error, cases: &[(&str, &'static str)]) -> StoreError {
    if let Some(desc) = unique_violation(&e) {
        for (needle, what) in cases {
            if desc.contains(needle) {
                return StoreError::Duplicate(what);
            }
        }
        return StoreError::Duplicate("value");
    }
    e.into()
}

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}
