//! The periodic pass over requests: flag the overdue once, close the resolved-but-unrated after
//! the quiet period.

use chrono::Duration;
use linli_domain::request::{Transition, auto_close, mark_overdue};
use linli_persistence::StoreError;
use linli_persistence::requests::{RequestRecord, apply, due_for_auto_close, due_for_sweep};

use crate::error::ApiError;
use crate::state::AppState;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    /// Requests newly flagged overdue.
    pub overdue: usize,
    /// Requests closed after the quiet period.
    pub closed: usize,
}

const BATCH: i64 = 200;

/// Runs `step` over batches of `select`ed requests until a batch changes nothing more, each
/// batch in its own short transactions on the writer. Returns how many were changed.
async fn in_batches<S, D>(state: &AppState, select: S, step: D) -> Result<usize, ApiError>
where
    S: Fn(&mut linli_persistence::DbConnection) -> Result<Vec<RequestRecord>, StoreError>
        + Send
        + Sync
        + Copy
        + 'static,
    D: Fn(&RequestRecord) -> Option<Transition> + Send + Sync + Copy + 'static,
{
    let now = state.clock.now();
    let mut total = 0;
    loop {
        let (changed, more) = state
            .db
            .write(move |conn| {
                let due = select(conn)?;
                let full = due.len() as i64 == BATCH;
                let mut n = 0;
                for rec in due {
                    let Some(t) = step(&rec) else { continue };
                    match apply(conn, &rec, &t, None, None, now) {
                        Ok(_) => n += 1,
                        // Someone acted on it meanwhile; the next pass looks again.
                        Err(StoreError::Stale) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                Ok((n, full && n > 0))
            })
            .await?;
        total += changed;
        if !more {
            return Ok(total);
        }
    }
}

/// One pass: flag what is newly overdue, then close what waited long enough for a rating.
pub async fn run_once(state: &AppState) -> Result<SweepReport, ApiError> {
    let now = state.clock.now();
    let quiet = state.auto_close_days;
    let overdue = in_batches(
        state,
        move |conn| due_for_sweep(conn, now, BATCH),
        move |rec| mark_overdue(&rec.request, now),
    )
    .await?;
    let closed = in_batches(
        state,
        move |conn| due_for_auto_close(conn, now - Duration::days(quiet), BATCH),
        move |rec| auto_close(&rec.request, now, quiet),
    )
    .await?;
    let report = SweepReport { overdue, closed };
    if report != SweepReport::default() {
        tracing::info!(overdue, closed, "request sweep");
    }
    Ok(report)
}
