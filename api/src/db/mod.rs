//! Runs Diesel's blocking calls off the async executor, in the caller's tracing span.
//!
//! Readers (and PostgreSQL's writers) queue for a connection asynchronously, on a semaphore
//! sized to the pool, before they take a blocking thread: otherwise, under load, dozens of
//! threads would sleep in the pool, and the switching between them costs throughput. SQLite's
//! writes all go to the one writer thread of [`writer`].

mod writer;

use std::sync::Arc;

use linli_persistence::{Backend, DbConnection, Pools};
use tokio::sync::Semaphore;

pub use self::writer::Commit;
use self::writer::Writer;
use crate::error::ApiError;

/// The database, as handlers use it.
#[derive(Clone)]
pub struct Db {
    pools: Pools,
    readers: Arc<Semaphore>,
    /// SQLite's writer thread; `None` on PostgreSQL, whose writers share the readers' pool.
    writer: Option<Arc<Writer>>,
}

impl Db {
    /// Wraps the pools; on SQLite, starts the writer thread.
    pub fn new(pools: Pools) -> std::io::Result<Self> {
        let (read, _) = pools.capacity();
        let readers = Arc::new(Semaphore::new(read as usize));
        let writer = match pools.backend() {
            Backend::Sqlite => Some(Arc::new(Writer::start(pools.clone())?)),
            Backend::Postgres => None,
        };
        Ok(Db {
            pools,
            readers,
            writer,
        })
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
        self.on_pool(Use::Read, f).await
    }

    /// Runs `f` on a writer connection, alone: whatever it commits is committed when this
    /// returns.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        match &self.writer {
            Some(writer) => {
                let mut f = Some(f);
                writer
                    .run(Commit::Alone, move |conn| {
                        let f = f.take().expect("a write alone runs once");
                        f(conn)
                    })
                    .await
            }
            None => self.on_pool(Use::Write, f).await,
        }
    }

    /// Runs `f` on a writer connection, possibly committed together with other grouped writes
    /// (see [`Commit::Grouped`]): `f` must open its own transaction for what belongs together,
    /// and may run more than once.
    pub async fn write_grouped<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: Fn(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.run(Commit::Grouped, f).await,
            None => self.on_pool(Use::Write, f).await,
        }
    }

    /// Runs `f` on a pooled connection, on the blocking thread pool.
    async fn on_pool<T, F>(&self, usage: Use, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let _permit = self.readers.acquire().await.map_err(ApiError::internal)?;
        let pools = self.pools.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = match usage {
                Use::Read => pools.reader(),
                Use::Write => pools.writer(),
            }
            .map_err(ApiError::unavailable)?;
            f(&mut conn)
        })
        .await?
    }
}

/// Which pool a call draws from (the same one on PostgreSQL).
#[derive(Clone, Copy)]
enum Use {
    Read,
    Write,
}
