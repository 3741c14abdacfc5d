//! The grid-work events a log puts in the outbox, in its own transaction: `visit.recorded`,
//! `hazard.reported`, `hazard.fixed_on_spot`. Their `data` goes to partner platforms: ids,
//! kinds, dates and counts only, never a resident's name, phone or what was said.

use chrono::{DateTime, Utc};
use linli_domain::RequestId;
use linli_domain::butler::WorkLogKind;
use linli_domain::grid_event::GridEventKind;
use linli_persistence::DbConnection;
use linli_persistence::butlers::work_logs::NewWorkLog;
use linli_persistence::outbox::publish;
use serde_json::{Value, json};

use crate::error::ApiError;

/// The events of a new log, with their data; `request` is the request a hazard fixed on the
/// spot was filed as.
pub(crate) fn of(
    new: &NewWorkLog,
    id: i64,
    request: Option<RequestId>,
) -> Vec<(GridEventKind, Value)> {
    let base = json!({
        "work_log_id": id,
        "building_id": new.building_id.0,
        "community_id": new.community_id.0,
        "occurred_at": new.occurred_at,
    });
    let with = |extra: Value| {
        let mut v = base.clone();
        if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        v
    };
    match (new.kind, new.hazard) {
        (WorkLogKind::HomeVisit, _) => vec![(
            GridEventKind::VisitRecorded,
            with(json!({ "concerns_raised": new.concerns.is_some() })),
        )],
        (WorkLogKind::HazardInspection, Some((kind, severity))) => {
            let data = with(json!({ "hazard_kind": kind.as_str(), "severity": severity.as_str() }));
            let mut out = vec![(GridEventKind::HazardReported, data.clone())];
            if new.fixed_on_spot {
                let fixed = match request {
                    Some(r) => {
                        let mut d = data;
                        d["request_id"] = json!(r.0);
                        d
                    }
                    None => data,
                };
                out.push((GridEventKind::HazardFixedOnSpot, fixed));
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Puts a new log's events in the outbox, in the caller's transaction.
pub(crate) fn recorded(
    conn: &mut DbConnection,
    new: &NewWorkLog,
    id: i64,
    request: Option<RequestId>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    for (kind, data) in of(new, id, request) {
        publish(conn, new.community_id.0, kind, data, now)?;
    }
    Ok(())
}
