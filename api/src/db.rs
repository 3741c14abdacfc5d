//! Runs Diesel's blocking calls off the async executor, in the caller's tracing span.

use linli_persistence::{DbConnection, Pools};

use crate::error::ApiError;

/// The database, as handlers use it.
#[derive(Clone)]
pub struct Db {
    pools: Pools,
}

impl Db {
    /// Wraps the pools.
    pub fn new(pools: Pools) -> Self {
        Db { pools }
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
