//! One connection type over both backends, chosen from the URL's scheme.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

/// A connection to SQLite or PostgreSQL; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, for several stateless instances.
    Postgres(PgConnection),
    /// SQLite, the embedded default.
    Sqlite(SqliteConnection),
}

/// Which backend a database URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://PATH`
    Sqlite,
    /// `postgres://…` or `postgresql://…`
    Postgres,
}

/// A parsed `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// For SQLite the file path; for PostgreSQL the whole URL.
    target: String,
}

// The URL may carry a password: never print it.
impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.backend {
            Backend::Sqlite => write!(f, "sqlite://{}", self.target),
            Backend::Postgres => f.write_str("postgres://[redacted]"),
        }
    }
}

/// Why a database URL was refused.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseUrlError {
    /// Neither `sqlite://` nor `postgres://` / `postgresql://`.
    #[error("unsupported scheme in `{0}`: use sqlite://PATH or postgres://…")]
    Scheme(String),
    /// `sqlite://` with no path.
    #[error("sqlite:// needs a file path, e.g. sqlite://data/linli.db")]
    EmptyPath,
}

impl DatabaseUrl {
    /// Parses a URL, choosing the backend from its scheme.
    pub fn parse(url: &str) -> Result<Self, DatabaseUrlError> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(DatabaseUrlError::EmptyPath);
            }
            return Ok(Self::sqlite_file(path));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        let scheme = url.split("://").next().unwrap_or(url);
        Err(DatabaseUrlError::Scheme(scheme.to_owned()))
    }

    /// A SQLite file at `path`.
    pub fn sqlite_file(path: impl Into<String>) -> Self {
        DatabaseUrl {
            backend: Backend::Sqlite,
            target: path.into(),
        }
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file path, if this is SQLite.
    pub fn sqlite_path(&self) -> Option<&str> {
        (self.backend == Backend::Sqlite).then_some(self.target.as_str())
    }

    /// The full URL, for PostgreSQL (secret: do not log).
    pub fn expose(&self) -> &str {
        &self.target
    }

    /// Opens one connection, with the SQLite settings every connection needs.
    pub fn connect(&self) -> ConnectionResult<DbConnection> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target).map(DbConnection::Postgres),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)?;
                // WAL lets readers run beside the writer; the busy timeout makes a second
                // writer (another process, `linli user add`) wait instead of failing.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                )
                .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl DbConnection {
    /// Which backend this connection talks to.
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Postgres(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_chooses_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db")
                .unwrap()
                .sqlite_path(),
            Some("data/x.db")
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend(),
            Backend::Postgres
        );
        assert!(matches!(
            DatabaseUrl::parse("mysql://x"),
            Err(DatabaseUrlError::Scheme(s)) if s == "mysql"
        ));
        assert!(matches!(
            DatabaseUrl::parse("sqlite://"),
            Err(DatabaseUrlError::EmptyPath)
        ));
        let debug = format!(
            "{:?}",
            DatabaseUrl::parse("postgres://u:secret@h/db").unwrap()
        );
        assert!(!debug.contains("secret"));
    }
}
