//! Connection pools. On SQLite one writer connection sits beside a pool of readers: several
//! SQLite writers only contend through the busy handler, which sleeps, and stretch the tail.

use std::time::Duration;

use crate::connection::{Backend, DatabaseUrl, DbConnection};

/// A pooled connection.
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// Opens connections for r2d2 from a parsed URL, so a bad URL reports its real cause.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        self.url.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1")
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

/// How many connections to keep.
#[derive(Debug, Clone, Copy)]
pub struct PoolSizes {
    /// Readers on SQLite; all connections on PostgreSQL.
    pub connections: u32,
    /// How long a caller waits for a free connection before the service answers 503.
    pub timeout: Duration,
}

impl Default for PoolSizes {
    fn default() -> Self {
        PoolSizes {
            connections: 8,
            timeout: Duration::from_secs(5),
        }
    }
}

/// The pools the application reads and writes through.
#[derive(Clone)]
pub struct Pools {
    read: r2d2::Pool<Manager>,
    write: r2d2::Pool<Manager>,
    backend: Backend,
}

/// Why the pools could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to the database")]
pub struct PoolError(#[source] pub r2d2::Error);

impl Pools {
    /// Builds the pools and opens their first connections, so a wrong URL fails at start-up.
    pub fn connect(url: &DatabaseUrl, sizes: PoolSizes) -> Result<Self, PoolError> {
        let build = |max: u32| {
            r2d2::Pool::builder()
                .max_size(max)
                .min_idle(Some(1))
                .connection_timeout(sizes.timeout)
                // A ping on every checkout cost a quarter of a read endpoint's throughput here;
                // broken connections are caught by `has_broken` instead.
                .test_on_check_out(false)
                .build(Manager { url: url.clone() })
                .map_err(PoolError)
        };
        match url.backend() {
            Backend::Sqlite => Ok(Pools {
                read: build(sizes.connections)?,
                write: build(1)?,
                backend: Backend::Sqlite,
            }),
            Backend::Postgres => {
                let pool = build(sizes.connections)?;
                Ok(Pools {
                    read: pool.clone(),
                    write: pool,
                    backend: Backend::Postgres,
                })
            }
        }
    }

    /// A connection for reads.
    pub fn reader(&self) -> Result<PooledConnection, r2d2::Error> {
        self.read.get()
    }

    /// The connection for writes (on SQLite, the only one).
    pub fn writer(&self) -> Result<PooledConnection, r2d2::Error> {
        self.write.get()
    }

    /// The backend behind the pools.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many connections the reader and writer pools hold at most.
    pub fn capacity(&self) -> (u32, u32) {
        (self.read.max_size(), self.write.max_size())
    }
}
