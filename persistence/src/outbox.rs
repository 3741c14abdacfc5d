//! Reading the outbox: the events written with each state change, taken once each by the
//! intake that turns them into notifications.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::outbox;
use crate::time::to_db;

/// An outbox row.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    /// Its id (in the order the events were written).
    pub id: i64,
    /// The request event it carries.
    pub event_id: i64,
    /// The event as published (`type`, `request_id`, `actor_user_id`, `status`, `data`…).
    pub payload: serde_json::Value,
}

/// The oldest rows not yet taken, up to `limit`.
pub fn unprocessed(conn: &mut DbConnection, limit: i64) -> Result<Vec<OutboxItem>, StoreError> {
    let rows: Vec<(i64, i64, String)> = outbox::table
        .filter(outbox::processed_at.is_null())
        .order(outbox::id.asc())
        .limit(limit)
        .select((outbox::id, outbox::event_id, outbox::payload))
        .load(conn)?;
    // A row that does not parse is handed over as null, to be taken and passed over: it must
    // not hold up the ones behind it.
    Ok(rows
        .into_iter()
        .map(|(id, event_id, payload)| OutboxItem {
            id,
            event_id,
            payload: serde_json::from_str(&payload).unwrap_or_else(|e| {
                tracing::error!(outbox = id, error = %e, "an outbox row does not parse");
                serde_json::Value::Null
            }),
        })
        .collect())
}

/// Takes a row; false when another instance took it first.
pub fn take(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::processed_at.is_null()),
    )
    .set(outbox::processed_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(n == 1)
}
