//! The points expiry sweep: in communities that set an expiry period, what each volunteer holds
//! beyond what was credited within the period lapses, as an `expiry` entry keyed by volunteer
//! and day, so a sweep run twice (or by two instances at once) lapses it once.

use linli_domain::points::{Entry, expiry_key, lapsing};
use linli_persistence::StoreError;
use linli_persistence::tx::write_transaction;
use linli_persistence::volunteers::{self, NewEntry};
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AppState;

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExpiryReport {
    /// Expiry entries appended.
    pub entries: u64,
    /// Points that lapsed.
    pub points: i64,
}

/// One pass over every community with an expiry period.
pub async fn run_once(state: &AppState) -> Result<ExpiryReport, ApiError> {
    let now = state.clock.now();
    let today = now.with_timezone(&state.tz).date_naive();
    let work = state
        .db
        .read(|conn| {
            let mut work = Vec::new();
            for (community, policy) in volunteers::expiring_communities(conn)? {
                for v in volunteers::holding_points(conn, community)? {
                    work.push((v, policy));
                }
            }
            Ok(work)
        })
        .await?;
    let mut report = ExpiryReport::default();
    for (v, policy) in work {
        // One volunteer per transaction: the sweep never holds many locks at once.
        let lapsed = state
            .db
            .write(move |conn| {
                write_transaction(conn, |conn| {
                    let me = volunteers::lock(conn, v, now)?;
                    let credited = volunteers::credited_since(conn, v, policy.cutoff(now))?;
                    let amount = lapsing(me.balance, credited);
                    let Ok(entry) = Entry::expiry(amount, expiry_key(v, today)) else {
                        return Ok(0);
                    };
                    match volunteers::append(
                        conn,
                        &NewEntry {
                            volunteer: v,
                            community_id: me.community_id,
                            entry: &entry,
                            minutes: None,
                            recorded_by: None,
                        },
                        now,
                    ) {
                        Ok(_) => Ok(amount.get()),
                        // Lapsed already today.
                        Err(StoreError::Duplicate(_)) => Ok(0),
                        Err(e) => Err(e.into()),
                    }
                })
            })
            .await?;
        if lapsed > 0 {
            report.entries += 1;
            report.points += lapsed;
        }
    }
    if report.entries > 0 {
        tracing::info!(
            entries = report.entries,
            points = report.points,
            "points lapsed"
        );
    }
    Ok(report)
}
