//! A partner's webhook endpoints.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::org::NodePath;

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt};
use crate::schema::{
    partners as p, webhook_attempts as wa, webhook_endpoints as we, webhook_messages as wm,
};
use crate::time::{from_db, opt_from_db, opt_to_db, to_db};

/// An endpoint as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Its id.
    pub id: i64,
    /// Its partner.
    pub partner_id: i64,
    /// Where deliveries go.
    pub url: String,
    /// What the partner calls it.
    pub description: String,
    /// Event types it asked for; empty for all.
    pub event_types: Vec<String>,
    /// False while switched off (by the partner, or by us after 410 or days of failure).
    pub enabled: bool,
    /// Why it was switched off.
    pub disabled_reason: Option<String>,
    /// When.
    pub disabled_at: Option<DateTime<Utc>>,
    /// The signing secret, encrypted.
    pub secret_enc: String,
    /// The secret before the last rotation, encrypted; it signs too until `previous_secret_until`.
    pub previous_secret_enc: Option<String>,
    /// When the previous secret stops signing.
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// The first failure since the last success.
    pub failing_since: Option<DateTime<Utc>>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = we)]
struct Row {
    id: i64,
    partner_id: i64,
    url: String,
    description: String,
    event_types: String,
    enabled: bool,
    disabled_reason: Option<String>,
    disabled_at: Option<chrono::NaiveDateTime>,
    secret_enc: String,
    previous_secret_enc: Option<String>,
    previous_secret_until: Option<chrono::NaiveDateTime>,
    failing_since: Option<chrono::NaiveDateTime>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

impl TryFrom<Row> for Endpoint {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Endpoint {
            id: r.id,
            partner_id: r.partner_id,
            url: r.url,
            description: r.description,
            event_types: serde_json::from_str(&r.event_types).map_err(corrupt)?,
            enabled: r.enabled,
            disabled_reason: r.disabled_reason,
            disabled_at: opt_from_db(r.disabled_at),
            secret_enc: r.secret_enc,
            previous_secret_enc: r.previous_secret_enc,
            previous_secret_until: opt_from_db(r.previous_secret_until),
            failing_since: opt_from_db(r.failing_since),
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
        })
    }
}

/// A new endpoint.
#[derive(Debug, Clone)]
pub struct NewEndpoint<'a> {
    /// Its partner.
    pub partner_id: i64,
    /// Where deliveries go.
    pub url: &'a str,
    /// What the partner calls it.
    pub description: &'a str,
    /// Event types; empty for all.
    pub event_types: &'a [&'a str],
    /// Whether it starts switched on.
    pub enabled: bool,
    /// The signing secret, encrypted.
    pub secret_enc: &'a str,
}

/// Registers an endpoint.
pub fn create(
    conn: &mut DbConnection,
    new: &NewEndpoint<'_>,
    now: DateTime<Utc>,
) -> Result<Endpoint, StoreError> {
    let id: i64 = diesel::insert_into(we::table)
        .values((
            we::partner_id.eq(new.partner_id),
            we::url.eq(new.url),
            we::description.eq(new.description),
            we::event_types.eq(serde_json::to_string(new.event_types).expect("strings")),
            we::enabled.eq(new.enabled),
            we::secret_enc.eq(new.secret_enc),
            we::created_at.eq(to_db(now)),
            we::updated_at.eq(to_db(now)),
        ))
        .returning(we::id)
        .get_result(conn)?;
    get(conn, new.partner_id, id)
}

/// How many endpoints a partner has.
pub fn count_of(conn: &mut DbConnection, partner_id: i64) -> Result<i64, StoreError> {
    Ok(we::table
        .filter(we::partner_id.eq(partner_id))
        .count()
        .get_result(conn)?)
}

/// One of a partner's endpoints; `NotFound` when it is another partner's.
pub fn get(conn: &mut DbConnection, partner_id: i64, id: i64) -> Result<Endpoint, StoreError> {
    we::table
        .find(id)
        .filter(we::partner_id.eq(partner_id))
        .select(Row::as_select())
        .get_result(conn)?
        .try_into()
}

/// A partner's endpoints, oldest first.
pub fn list(conn: &mut DbConnection, partner_id: i64) -> Result<Vec<Endpoint>, StoreError> {
    we::table
        .filter(we::partner_id.eq(partner_id))
        .order(we::id.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// What a partner may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct EndpointChanges<'a> {
    /// A new URL.
    pub url: Option<&'a str>,
    /// A new description.
    pub description: Option<&'a str>,
    /// New event types.
    pub event_types: Option<&'a [&'a str]>,
    /// Switch on or off. Switching on forgets why it was off and the failures before.
    pub enabled: Option<bool>,
}

/// Changes an endpoint.
pub fn update(
    conn: &mut DbConnection,
    partner_id: i64,
    id: i64,
    changes: &EndpointChanges<'_>,
    now: DateTime<Utc>,
) -> Result<Endpoint, StoreError> {
    let current = get(conn, partner_id, id)?;
    let enabled = changes.enabled.unwrap_or(current.enabled);
    let (reason, disabled_at, failing_since) = match changes.enabled {
        Some(true) => (None, None, None),
        Some(false) if current.enabled => (
            Some("switched off by the partner".to_owned()),
            Some(now),
            current.failing_since,
        ),
        _ => (
            current.disabled_reason,
            current.disabled_at,
            current.failing_since,
        ),
    };
    let types = changes
        .event_types
        .map(|t| serde_json::to_string(t).expect("strings"));
    diesel::update(we::table.find(id).filter(we::partner_id.eq(partner_id)))
        .set((
            we::url.eq(changes.url.unwrap_or(&current.url)),
            we::description.eq(changes.description.unwrap_or(&current.description)),
            we::event_types.eq(types
                .unwrap_or_else(|| serde_json::to_string(&current.event_types).expect("strings"))),
            we::enabled.eq(enabled),
            we::disabled_reason.eq(reason),
            we::disabled_at.eq(opt_to_db(disabled_at)),
            we::failing_since.eq(opt_to_db(failing_since)),
            we::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    get(conn, partner_id, id)
}

/// Removes an endpoint with its messages and their attempts.
pub fn delete(conn: &mut DbConnection, partner_id: i64, id: i64) -> Result<(), StoreError> {
    get(conn, partner_id, id)?;
    let messages = wm::table.filter(wm::endpoint_id.eq(id)).select(wm::id);
    diesel::delete(wa::table.filter(wa::message_id.eq_any(messages))).execute(conn)?;
    diesel::delete(wm::table.filter(wm::endpoint_id.eq(id))).execute(conn)?;
    diesel::delete(we::table.find(id)).execute(conn)?;
    Ok(())
}

/// Puts a new secret in place; the current one keeps signing until `previous_until`.
pub fn rotate_secret(
    conn: &mut DbConnection,
    partner_id: i64,
    id: i64,
    new_secret_enc: &str,
    previous_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Endpoint, StoreError> {
    get(conn, partner_id, id)?;
    // The current secret becomes the previous one in the same statement: two rotations at
    // once each leave a secret that was really in place.
    diesel::update(we::table.find(id))
        .set((
            we::previous_secret_enc.eq(we::secret_enc.nullable()),
            we::previous_secret_until.eq(Some(to_db(previous_until))),
            we::secret_enc.eq(new_secret_enc),
            we::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    get(conn, partner_id, id)
}

/// Notes a delivered message: the endpoint is healthy again.
pub fn record_success(conn: &mut DbConnection, id: i64) -> Result<(), StoreError> {
    diesel::update(we::table.find(id).filter(we::failing_since.is_not_null()))
        .set(we::failing_since.eq(None::<chrono::NaiveDateTime>))
        .execute(conn)?;
    Ok(())
}

/// Notes a failed attempt; returns since when the endpoint has been failing.
pub fn record_failure(
    conn: &mut DbConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, StoreError> {
    diesel::update(we::table.find(id).filter(we::failing_since.is_null()))
        .set(we::failing_since.eq(Some(to_db(now))))
        .execute(conn)?;
    let since: Option<chrono::NaiveDateTime> = we::table
        .find(id)
        .select(we::failing_since)
        .get_result(conn)?;
    Ok(since.map_or(now, from_db))
}

/// Switches an endpoint off, saying why; false when it was off already.
pub fn disable(
    conn: &mut DbConnection,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(we::table.find(id).filter(we::enabled.eq(true)))
        .set((
            we::enabled.eq(false),
            we::disabled_reason.eq(Some(reason)),
            we::disabled_at.eq(Some(to_db(now))),
            we::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// An endpoint that may get new messages, with what decides which.
#[derive(Debug, Clone)]
pub struct Subscriber {
    /// The endpoint.
    pub endpoint_id: i64,
    /// Its partner.
    pub partner_id: i64,
    /// The partner's scope.
    pub scope_path: NodePath,
    /// Event types asked for; empty for all.
    pub event_types: Vec<String>,
}

/// The switched-on endpoints of active partners: those new events fan out to.
pub fn subscribers(conn: &mut DbConnection) -> Result<Vec<Subscriber>, StoreError> {
    let rows: Vec<(i64, i64, String, String)> = we::table
        .inner_join(p::table)
        .filter(we::enabled.eq(true))
        .filter(p::status.eq("active"))
        .order(we::id.asc())
        .select((we::id, we::partner_id, p::scope_path, we::event_types))
        .load(conn)?;
    rows.into_iter()
        .map(|(endpoint_id, partner_id, scope, types)| {
            Ok(Subscriber {
                endpoint_id,
                partner_id,
                scope_path: NodePath::parse(&scope).map_err(corrupt)?,
                event_types: serde_json::from_str(&types).map_err(corrupt)?,
            })
        })
        .collect()
}
