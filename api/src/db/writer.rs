//! SQLite's one writer, on a thread of its own, with group commit.
//!
//! SQLite takes one writer at a time, so every write on it queues here. A commit writes each
//! page the transaction touched to the WAL, and for a new request that is the table, its
//! indexes, the event, the outbox and the key: most of the cost of a submit. Submits that queue
//! together are therefore written in one transaction, each still in its own nested one, and
//! pay for one commit between them (group commit). Nobody hears "done" before the commit that
//! made it so. If anything in a group fails, the group is rolled back and its members run again
//! one by one, so one bad write never costs another its result.
//!
//! Every write here runs inside a transaction that takes SQLite's write lock as it begins, so
//! that another process writing the same file (the CLI, a second instance) makes it wait rather
//! than fail. A write that opens no transaction of its own is committed all the same, as it
//! would have been statement by statement; only a panic rolls it back.

use std::panic::{AssertUnwindSafe, catch_unwind};

use anyhow::anyhow;
use linli_persistence::tx::write_transaction;
use linli_persistence::{DbConnection, Pools, StoreError};
use tokio::sync::{mpsc, oneshot};

use crate::error::ApiError;

/// The most writes one commit carries: bounds how long the last of them waits.
const MAX_GROUP: usize = 64;

/// Writes waiting beyond this make their callers wait asynchronously to queue.
const QUEUE: usize = 1024;

/// How a write may be committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// In a transaction of its own (or none, if it opens none).
    Alone,
    /// Together with other grouped writes. Its closure may run more than once (after a group
    /// is rolled back); only the writes of its last run are kept.
    Grouped,
}

/// The handle to the writer thread. The thread ends when the last handle is dropped.
pub struct Writer {
    queue: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the thread; it checks out the pool's writer connection for each batch, so
    /// start-up code that holds that connection directly still works.
    pub fn start(pools: Pools) -> std::io::Result<Writer> {
        let (queue, rx) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("linli-sqlite-writer".into())
            .spawn(move || serve(&pools, rx))?;
        Ok(Writer { queue })
    }

    /// Queues `f` and waits until it has run and, if it wrote, committed.
    pub async fn run<T, F>(&self, commit: Commit, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Pending {
            f,
            span: tracing::Span::current(),
            commit,
            result: None,
            reply,
        });
        self.queue
            .send(job)
            .await
            .map_err(|_| ApiError::internal(anyhow!("the SQLite writer thread has stopped")))?;
        answer
            .await
            .map_err(|_| ApiError::internal(anyhow!("the SQLite writer thread dropped a write")))?
    }
}

/// How a write's closure ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ran {
    Ok,
    Err,
    Panicked,
}

/// A queued write, its result type erased.
trait Job: Send {
    fn commit(&self) -> Commit;
    /// Runs the write and keeps its result.
    fn run(&mut self, conn: &mut DbConnection) -> Ran;
    /// Records a failure that happened around the write (no connection, a failed commit).
    fn fail(&mut self, e: ApiError);
    /// Sends the result to the waiting caller.
    fn deliver(self: Box<Self>);
}

struct Pending<T, F> {
    f: F,
    span: tracing::Span,
    commit: Commit,
    result: Option<Result<T, ApiError>>,
    reply: oneshot::Sender<Result<T, ApiError>>,
}

impl<T, F> Job for Pending<T, F>
where
    T: Send,
    F: FnMut(&mut DbConnection) -> Result<T, ApiError> + Send,
{
    fn commit(&self) -> Commit {
        self.commit
    }

    fn run(&mut self, conn: &mut DbConnection) -> Ran {
        let _entered = self.span.enter();
        let f = &mut self.f;
        // A panicking write must not take the thread, and every other write, with it.
        let (result, ran) = match catch_unwind(AssertUnwindSafe(|| f(conn))) {
            Ok(Ok(v)) => (Ok(v), Ran::Ok),
            Ok(Err(e)) => (Err(e), Ran::Err),
            Err(_) => (
                Err(ApiError::internal(anyhow!("a database write panicked"))),
                Ran::Panicked,
            ),
        };
        self.result = Some(result);
        ran
    }

    fn fail(&mut self, e: ApiError) {
        self.result = Some(Err(e));
    }

    fn deliver(self: Box<Self>) {
        let result = self
            .result
            .unwrap_or_else(|| Err(ApiError::internal(anyhow!("a queued write never ran"))));
        // The caller may have gone (its client hung up); the write stands all the same.
        let _ = self.reply.send(result);
    }
}

/// The thread: takes what has queued, up to a group, and writes it in arrival order.
fn serve(pools: &Pools, mut rx: mpsc::Receiver<Box<dyn Job>>) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_GROUP);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_GROUP
            && let Ok(next) = rx.try_recv()
        {
            batch.push(next);
        }
        let mut jobs = batch.drain(..).peekable();
        while let Some(job) = jobs.next() {
            if job.commit() == Commit::Alone {
                write_alone(pools, job);
                continue;
            }
            let mut group = vec![job];
            while let Some(next) = jobs.next_if(|j| j.commit() == Commit::Grouped) {
                group.push(next);
            }
            write_group(pools, group);
        }
    }
}

fn write_alone(pools: &Pools, mut job: Box<dyn Job>) {
    let mut conn = match pools.writer() {
        Ok(conn) => conn,
        Err(e) => {
            job.fail(ApiError::unavailable(e));
            return job.deliver();
        }
    };
    let committed = write_transaction(&mut conn, |conn| match job.run(conn) {
        // What the write did before its error stays, as outside a transaction.
        Ran::Ok | Ran::Err => Ok(()),
        Ran::Panicked => Err(RolledBack::Job),
    });
    if let Err(RolledBack::Storage(e)) = committed {
        job.fail(ApiError::from(e));
    }
    job.deliver();
}

/// Why a transaction of the writer was rolled back.
enum RolledBack {
    /// A job failed (in a group) or panicked; it reports its own error.
    Job,
    /// Beginning or committing the transaction failed.
    Storage(StoreError),
}

impl From<StoreError> for RolledBack {
    fn from(e: StoreError) -> Self {
        RolledBack::Storage(e)
    }
}

fn write_group(pools: &Pools, mut group: Vec<Box<dyn Job>>) {
    if group.len() == 1 {
        let job = group.pop().expect("one job");
        return write_alone(pools, job);
    }
    let together = match pools.writer() {
        Ok(mut conn) => write_transaction(&mut conn, |conn| {
            for job in group.iter_mut() {
                if job.run(conn) != Ran::Ok {
                    return Err(RolledBack::Job);
                }
            }
            Ok(())
        }),
        Err(e) => {
            let why = e.to_string();
            for mut job in group {
                job.fail(ApiError::unavailable(anyhow!("{why}")));
                job.deliver();
            }
            return;
        }
    };
    match together {
        Ok(()) => group.into_iter().for_each(|job| job.deliver()),
        Err(why) => {
            match why {
                RolledBack::Job => {
                    tracing::debug!(
                        size = group.len(),
                        "a grouped write failed; writing one by one"
                    )
                }
                RolledBack::Storage(e) => tracing::warn!(
                    error = &e as &dyn std::error::Error,
                    size = group.len(),
                    "a group commit failed; writing one by one"
                ),
            }
            for job in group {
                write_alone(pools, job);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use diesel::prelude::*;
    use linli_persistence::{DatabaseUrl, PoolSizes};

    use super::*;

    diesel::table! {
        t (n) {
            n -> BigInt,
        }
    }

    /// A SQLite database in its own directory, removed afterwards.
    struct Scratch {
        dir: std::path::PathBuf,
        pools: Pools,
    }

    impl Scratch {
        fn new() -> Scratch {
            let dir = std::env::temp_dir().join(format!("linli-writer-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).unwrap();
            let url =
                DatabaseUrl::parse(&format!("sqlite://{}", dir.join("w.db").display())).unwrap();
            let pools = Pools::connect(&url, PoolSizes::default()).unwrap();
            use diesel::connection::SimpleConnection;
            pools
                .writer()
                .unwrap()
                .batch_execute("CREATE TABLE t (n BIGINT PRIMARY KEY)")
                .unwrap();
            Scratch { dir, pools }
        }

        fn committed(&self) -> i64 {
            t::table
                .count()
                .get_result(&mut self.pools.reader().unwrap())
                .unwrap()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn insert(conn: &mut DbConnection, n: i64) -> Result<(), ApiError> {
        diesel::insert_into(t::table)
            .values(t::n.eq(n))
            .execute(conn)
            .map_err(ApiError::internal)?;
        Ok(())
    }

    /// Holds the writer thread busy until the returned sender is dropped or sent to.
    async fn hold(writer: &Arc<Writer>) -> std::sync::mpsc::Sender<()> {
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let (started, running) = oneshot::channel();
        let w = writer.clone();
        tokio::spawn(async move {
            let mut signal = Some(started);
            w.run(Commit::Alone, move |_| {
                let _ = signal.take().map(|s| s.send(()));
                let _ = gate.recv();
                Ok(())
            })
            .await
        });
        running.await.unwrap();
        release
    }

    /// Waits until `n` writes are queued behind the held thread.
    async fn queued(writer: &Writer, n: usize) {
        while QUEUE - writer.queue.capacity() < n {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[tokio::test]
    async fn writes_queued_together_share_one_commit() {
        let db = Scratch::new();
        let writer = Arc::new(Writer::start(db.pools.clone()).unwrap());
        let release = hold(&writer).await;
        let mut tasks = Vec::new();
        for n in 0..10 {
            let (w, pools) = (writer.clone(), db.pools.clone());
            tasks.push(tokio::spawn(async move {
                w.run(Commit::Grouped, move |conn| {
                    insert(conn, n)?;
                    // What another connection sees: nothing of the group before its commit.
                    Ok(t::table
                        .count()
                        .get_result::<i64>(&mut pools.reader().unwrap())
                        .unwrap())
                })
                .await
            }));
        }
        queued(&writer, 10).await;
        release.send(()).unwrap();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), 0, "committed one by one");
        }
        assert_eq!(db.committed(), 10);
    }

    #[tokio::test]
    async fn a_failing_member_costs_the_others_nothing() {
        let db = Scratch::new();
        let writer = Arc::new(Writer::start(db.pools.clone()).unwrap());
        let runs = Arc::new(AtomicUsize::new(0));
        let release = hold(&writer).await;
        let mut tasks = Vec::new();
        for n in 0..6 {
            let (w, runs) = (writer.clone(), runs.clone());
            tasks.push(tokio::spawn(async move {
                w.run(Commit::Grouped, move |conn| {
                    runs.fetch_add(1, Ordering::SeqCst);
                    linli_persistence::tx::transaction(conn, |conn| {
                        insert(conn, n)?;
                        match n {
                            3 => Err(ApiError::internal(anyhow!("member 3 fails"))),
                            4 => panic!("member 4 panics"),
                            _ => Ok(n),
                        }
                    })
                })
                .await
            }));
        }
        queued(&writer, 6).await;
        release.send(()).unwrap();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap().map_err(|e| e.to_string()));
        }
        for (n, outcome) in outcomes.iter().enumerate() {
            match n {
                3 | 4 => assert!(outcome.is_err(), "member {n}: {outcome:?}"),
                _ => assert_eq!(outcome.as_ref().ok(), Some(&(n as i64))),
            }
        }
        assert_eq!(db.committed(), 4);
        // The group ran until member 3 failed, then each ran alone.
        assert_eq!(runs.load(Ordering::SeqCst), 4 + 6);
        // The thread survived the panic.
        writer
            .run(Commit::Alone, |conn| insert(conn, 100))
            .await
            .unwrap();
        assert_eq!(db.committed(), 5);
    }

    #[tokio::test]
    async fn nobody_hears_done_when_the_commit_fails() {
        let db = Scratch::new();
        use diesel::connection::SimpleConnection;
        // A deferred foreign key is checked at commit, not at the statement.
        db.pools
            .writer()
            .unwrap()
            .batch_execute(
                "CREATE TABLE c (p BIGINT PRIMARY KEY REFERENCES t (n) DEFERRABLE INITIALLY DEFERRED)",
            )
            .unwrap();
        let writer = Arc::new(Writer::start(db.pools.clone()).unwrap());
        let runs = Arc::new(AtomicUsize::new(0));
        let release = hold(&writer).await;
        let mut tasks = Vec::new();
        for n in 0..3 {
            let (w, runs) = (writer.clone(), runs.clone());
            tasks.push(tokio::spawn(async move {
                w.run(Commit::Grouped, move |conn| {
                    runs.fetch_add(1, Ordering::SeqCst);
                    if n == 1 {
                        diesel::sql_query("INSERT INTO c (p) VALUES (999)")
                            .execute(conn)
                            .map_err(ApiError::internal)?;
                    }
                    insert(conn, n)
                })
                .await
            }));
        }
        queued(&writer, 3).await;
        release.send(()).unwrap();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap().is_ok());
        }
        assert_eq!(outcomes, [true, false, true]);
        // Every member ran in the group, whose commit failed, then again alone.
        assert_eq!(runs.load(Ordering::SeqCst), 6);
        assert_eq!(db.committed(), 2);
    }
}
