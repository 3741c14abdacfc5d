//! The delivery log is kept 30 days: finished messages older than that are deleted by the
//! periodic sweep, a batch at a time so SQLite's writer is never held long. The events stay in
//! the outbox, so a replay can still send them.

use chrono::Duration;
use linli_persistence::tx::transaction;
use linli_persistence::webhooks::messages;

use crate::state::AppState;

/// How long a finished message stays in the log.
pub const KEEP: Duration = Duration::days(30);

/// Messages deleted per write.
const BATCH: i64 = 500;

/// Deletes what is past keeping; returns how many.
pub async fn run_once(state: &AppState) -> anyhow::Result<usize> {
    let before = state.clock.now() - KEEP;
    let mut total = 0;
    loop {
        let n = state
            .db
            .write(move |conn| {
                Ok(transaction(conn, |conn| {
                    messages::purge_finished(conn, before, BATCH)
                })?)
            })
            .await?;
        total += n;
        if n < BATCH as usize {
            return Ok(total);
        }
    }
}
