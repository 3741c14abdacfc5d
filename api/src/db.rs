//! Runs Diesel's blocking calls off the async executor, in the caller's tracing span.
//!
//! Callers queue for a connection asynchronously (a semaphore sized to each pool) before they
//! take a blocking thread: otherwise, under load, dozens of threads would sleep in the pool
//! waiting for SQLite's one writer, and the switching between them costs throughput.

use std::sync::Arc;

use linli_persistence::{Backend, DbConnection, Pools};
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// The database, as handlers use it.
#[derive(Clone)]
pub struct Db {
    pools: Pools,
    readers: Arc<Semaphore>,
    writers: Arc<Semaphore>,
}

impl Db {
    /// Wraps the pools.
    pub fn new(pools: Pools) -> Self {
        let (read, write) = pools.capacity();
        let readers = Arc::new(Semaphore::new(read as usize));
        // On PostgreSQL readers and writers share one pool: one semaphore for both.
        let writers = match pools.backend() {
            Backend::Sqlite => Arc::new(Semaphore::new(write as usize)),
            Backend::Postgres => readers.clone(),
        };
        Db {
            pools,
            readers,
            writers,
        }
    }

    /// The pools, for start-up tasks.
    pub fn pools(&self) -> &Pools {
        &self.pools
    }

    /// Runs `f` on a reader connection, on the blocking thread pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let _permit = self.readers.acquire().await.map_err(ApiError::internal)?;
        let pools = self.pools.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = pools.reader().map_err(ApiError::unavailable)?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs `f` on the writer connection, on the blocking thread pool.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let _permit = self.writers.acquire().await.map_err(ApiError::internal)?;
        let pools = self.pools.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = pools.writer().map_err(ApiError::unavailable)?;
            f(&mut conn)
        })
        .await?
    }
}
