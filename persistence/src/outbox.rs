//! The outbox: the events written with each state change, taken once each by the dispatcher
//! that turns them into notifications and webhook messages, and read again by time when a
//! partner asks for a replay. A request's steps are written with its timeline (see
//! `requests::events`); grid work that belongs to no request is written here, by [`publish`].

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::grid_event::GridEventKind;
use linli_domain::org::NodePath;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::org::subtree_bounds;
use crate::schema::{org_nodes, outbox};
use crate::time::{from_db, to_db};

/// An outbox row.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    /// Its id (in the order the events were written).
    pub id: i64,
    /// The request event it carries; none for grid work.
    pub event_id: Option<i64>,
    /// The event as published (`type`, `request_id`, `actor_user_id`, `status`, `data`…).
    pub payload: serde_json::Value,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

type ItemRow = (i64, Option<i64>, String, chrono::NaiveDateTime);

/// The columns an [`OutboxItem`] is read from.
const ITEM_COLUMNS: (
    outbox::id,
    outbox::event_id,
    outbox::payload,
    outbox::created_at,
) = (
    outbox::id,
    outbox::event_id,
    outbox::payload,
    outbox::created_at,
);

fn item((id, event_id, payload, created_at): ItemRow) -> OutboxItem {
    // A row that does not parse is handed over as null, to be taken and passed over: it must
    // not hold up the ones behind it.
    OutboxItem {
        id,
        event_id,
        payload: serde_json::from_str(&payload).unwrap_or_else(|e| {
            tracing::error!(outbox = id, error = %e, "an outbox row does not parse");
            serde_json::Value::Null
        }),
        created_at: from_db(created_at),
    }
}

/// The oldest rows not yet taken, up to `limit`.
pub fn unprocessed(conn: &mut DbConnection, limit: i64) -> Result<Vec<OutboxItem>, StoreError> {
    let rows: Vec<ItemRow> = outbox::table
        .filter(outbox::processed_at.is_null())
        .order(outbox::id.asc())
        .limit(limit)
        .select(ITEM_COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(item).collect())
}

/// Rows of communities inside `scope` written at or after `from` and after row `after` (a
/// cursor: 0 to start), oldest first, at most `limit`, taken or not.
pub fn since(
    conn: &mut DbConnection,
    scope: &NodePath,
    from: DateTime<Utc>,
    after: i64,
    limit: i64,
) -> Result<Vec<OutboxItem>, StoreError> {
    let (lo, hi) = subtree_bounds(scope);
    let rows: Vec<ItemRow> = outbox::table
        .inner_join(org_nodes::table.on(org_nodes::id.eq(outbox::community_id)))
        .filter(outbox::created_at.ge(to_db(from)))
        .filter(outbox::id.gt(after))
        .filter(org_nodes::path.ge(lo).and(org_nodes::path.lt(hi)))
        .order(outbox::id.asc())
        .limit(limit)
        .select(ITEM_COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(item).collect())
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

/// Writes a grid-work event (a hazard reported, a meeting held) for the dispatcher, in the
/// caller's transaction, so that it is published exactly when the change it tells of commits.
/// `data` reaches partner platforms as the webhook's `data`: ids, kinds, dates and counts, never
/// a resident's name, phone or words. Returns the row's id.
#[allow(clippy::needless_pass_by_value, reason = "built for this call")]
pub fn publish(
    conn: &mut DbConnection,
    community_id: i64,
    kind: GridEventKind,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let payload = serde_json::json!({
        "type": kind.as_str(),
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "community_id": community_id,
        "data": data,
    });
    let id = diesel::insert_into(outbox::table)
        .values((
            outbox::community_id.eq(community_id),
            outbox::topic.eq(kind.as_str()),
            outbox::payload.eq(payload.to_string()),
            outbox::created_at.eq(to_db(now)),
        ))
        .returning(outbox::id)
        .get_result(conn)?;
    Ok(id)
}
