//! The periodic pass over requests: flag the overdue once, close the resolved-but-unrated after
//! the quiet period.

use chrono::Duration;
use linli_domain::request::{auto_close, mark_overdue};
use linli_persistence::StoreError;
use linli_persistence::requests::{apply, due_for_auto_close, due_for_sweep};

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

/// One pass, in batches, each batch in its own short transactions.
pub async fn run_once(state: &AppState) -> Result<SweepReport, ApiError> {
    let now = state.clock.now();
    let quiet = state.auto_close_days;
    let mut report = SweepReport::default();
    loop {
        let (flagged, more) = state
            .db
            .write(move |conn| {
                let due = due_for_sweep(conn, now, BATCH)?;
                let more = due.len() as i64 == BATCH;
                let mut n = 0;
                for rec in due {
                    let Some(t) = mark_overdue(&rec.request, now) else {
                        continue;
                    };
                    match apply(conn, &rec, &t, None, None, now) {
                        Ok(_) => n += 1,
                        // Someone acted on it meanwhile; the next pass looks again.
                        Err(StoreError::Stale) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                Ok((n, more && n > 0))
            })
            .await?;
        report.overdue += flagged;
        if !more {
            break;
        }
    }
    loop {
        let (closed, more) = state
            .db
            .write(move |conn| {
                let due = due_for_auto_close(conn, now - Duration::days(quiet), BATCH)?;
                let more = due.len() as i64 == BATCH;
                let mut n = 0;
                for rec in due {
                    let Some(t) = auto_close(&rec.request, now, quiet) else {
                        continue;
                    };
                    match apply(conn, &rec, &t, None, None, now) {
                        Ok(_) => n += 1,
                        Err(StoreError::Stale) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                Ok((n, more && n > 0))
            })
            .await?;
        report.closed += closed;
        if !more {
            break;
        }
    }
    if report != SweepReport::default() {
        tracing::info!(
            overdue = report.overdue,
            closed = report.closed,
            "request sweep"
        );
    }
    Ok(report)
}
