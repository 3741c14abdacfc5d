//! Webhook messages: one per event and endpoint, delivered at least once, in order per request,
//! by whichever worker holds the lease.

use chrono::{DateTime, Duration, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt, on_unique};
use crate::schema::{
    partners as p, webhook_attempts as wa, webhook_endpoints as we, webhook_messages as wm,
};
use crate::time::{from_db, opt_from_db, opt_to_db, to_db};
use crate::tx::transaction;

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    /// Waiting to be delivered (again).
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Retries ran out.
    Failed,
}

impl MessageStatus {
    /// Every status.
    pub const ALL: [MessageStatus; 3] = [
        MessageStatus::Pending,
        MessageStatus::Delivered,
        MessageStatus::Failed,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Pending => "pending",
            MessageStatus::Delivered => "delivered",
            MessageStatus::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    /// The endpoint.
    pub endpoint_id: i64,
    /// The `webhook-id`.
    pub msg_id: &'a str,
    /// The outbox row it was made from.
    pub outbox_id: i64,
    /// The request it is about; none for grid work (a meeting, a hazard).
    pub request_id: Option<i64>,
    /// Its event type.
    pub event_type: &'a str,
    /// The JSON body, exactly as it will be signed and sent.
    pub body: &'a str,
}

/// A message as stored.
#[derive(Debug, Clone)]
pub struct Message {
    /// Row id.
    pub id: i64,
    /// The endpoint.
    pub endpoint_id: i64,
    /// The `webhook-id`.
    pub msg_id: String,
    /// The request; none for grid work.
    pub request_id: Option<i64>,
    /// Its event type.
    pub event_type: String,
    /// The JSON body.
    pub body: String,
    /// Where it stands.
    pub status: MessageStatus,
    /// Attempts since it was queued (or last redelivered by hand).
    pub attempts: i32,
    /// When it is (re)tried, while pending.
    pub next_attempt_at: DateTime<Utc>,
    /// The last HTTP status the endpoint answered.
    pub last_status_code: Option<i32>,
    /// The last error.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = wm)]
struct Row {
    id: i64,
    endpoint_id: i64,
    msg_id: String,
    request_id: Option<i64>,
    event_type: String,
    body: String,
    status: String,
    attempts: i32,
    next_attempt_at: chrono::NaiveDateTime,
    last_status_code: Option<i32>,
    last_error: Option<String>,
    created_at: chrono::NaiveDateTime,
    delivered_at: Option<chrono::NaiveDateTime>,
}

impl TryFrom<Row> for Message {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Message {
            id: r.id,
            endpoint_id: r.endpoint_id,
            msg_id: r.msg_id,
            request_id: r.request_id,
            event_type: r.event_type,
            body: r.body,
            status: MessageStatus::parse(&r.status).ok_or_else(|| corrupt(&r.status))?,
            attempts: r.attempts,
            next_attempt_at: from_db(r.next_attempt_at),
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            created_at: from_db(r.created_at),
            delivered_at: opt_from_db(r.delivered_at),
        })
    }
}

/// Queues a message, due now; false when the endpoint has it already.
pub fn enqueue(
    conn: &mut DbConnection,
    new: &NewMessage<'_>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if find(conn, new.endpoint_id, new.msg_id)?.is_some() {
        return Ok(false);
    }
    // A race is settled by the unique index, in a savepoint so PostgreSQL's transaction lives.
    let inserted = transaction(conn, |conn| {
        diesel::insert_into(wm::table)
            .values((
                wm::endpoint_id.eq(new.endpoint_id),
                wm::msg_id.eq(new.msg_id),
                wm::outbox_id.eq(new.outbox_id),
                wm::request_id.eq(new.request_id),
                wm::event_type.eq(new.event_type),
                wm::body.eq(new.body),
                wm::status.eq(MessageStatus::Pending.as_str()),
                wm::attempts.eq(0),
                wm::next_attempt_at.eq(to_db(now)),
                wm::created_at.eq(to_db(now)),
            ))
            .execute(conn)
            .map_err(|e| on_unique(e, &[("", "webhook message")]))
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(StoreError::Duplicate(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// An endpoint's message by its `webhook-id`.
pub fn find(
    conn: &mut DbConnection,
    endpoint_id: i64,
    msg_id: &str,
) -> Result<Option<Message>, StoreError> {
    wm::table
        .filter(wm::endpoint_id.eq(endpoint_id))
        .filter(wm::msg_id.eq(msg_id))
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(TryInto::try_into)
        .transpose()
}

/// Sends a message again from the start of the schedule, due now; false when there is none.
/// A claim on it is dropped: a worker posting it meanwhile records its attempt in the log but
/// no longer decides the message's state.
pub fn redeliver(
    conn: &mut DbConnection,
    endpoint_id: i64,
    msg_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        wm::table
            .filter(wm::endpoint_id.eq(endpoint_id))
            .filter(wm::msg_id.eq(msg_id)),
    )
    .set((
        wm::status.eq(MessageStatus::Pending.as_str()),
        wm::attempts.eq(0),
        wm::next_attempt_at.eq(to_db(now)),
        wm::delivered_at.eq(None::<chrono::NaiveDateTime>),
        wm::claim.eq(None::<String>),
        wm::locked_until.eq(None::<chrono::NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A message claimed for delivery, with where and how to sign it.
#[derive(Debug, Clone)]
pub struct Deliverable {
    /// The message.
    pub message: Message,
    /// Where it goes.
    pub url: String,
    /// The endpoint's secret, encrypted.
    pub secret_enc: String,
    /// The previous secret while it still signs, encrypted.
    pub previous_secret_enc: Option<String>,
}

/// What a worker claimed, and the token that proves it.
#[derive(Debug)]
pub struct Claimed {
    /// The claim's token, for [`record_attempt`].
    pub claim: String,
    /// The messages.
    pub items: Vec<Deliverable>,
}

/// Where a claimed message goes and what signs it: URL, secret, previous secret and until when.
type EndpointParts = (
    String,
    String,
    Option<String>,
    Option<chrono::NaiveDateTime>,
);

/// True for a message with no earlier unfinished message of the same request for the same
/// endpoint: events of one request reach an endpoint in order. "Earlier" is the event's order
/// (the outbox's), not the message's: a replay makes messages late for early events. Grid work
/// (no request) is never held: NULL equals nothing.
fn first_in_line() -> diesel::expression::SqlLiteral<Bool> {
    sql::<Bool>(
        "NOT EXISTS (SELECT 1 FROM webhook_messages AS earlier \
         WHERE earlier.endpoint_id = webhook_messages.endpoint_id \
         AND earlier.request_id = webhook_messages.request_id \
         AND earlier.outbox_id < webhook_messages.outbox_id AND earlier.status = 'pending')",
    )
}

/// Claims up to `limit` messages due at `now` for one worker: each is leased until
/// `now + lease` under a fresh token, so other workers pass it over, and its attempt count goes
/// up. Only messages of switched-on endpoints of active partners, and only the first unfinished
/// message of each request per endpoint.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Claimed, StoreError> {
    let at = to_db(now);
    let claim = uuid::Uuid::new_v4().to_string();
    let ids: Vec<i64> = wm::table
        .inner_join(we::table.inner_join(p::table))
        .filter(wm::status.eq(MessageStatus::Pending.as_str()))
        .filter(wm::next_attempt_at.le(at))
        .filter(wm::locked_until.is_null().or(wm::locked_until.lt(at)))
        .filter(we::enabled.eq(true))
        .filter(p::status.eq("active"))
        .filter(first_in_line())
        .order(wm::id.asc())
        .limit(limit)
        .select(wm::id)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in ids {
        // The same conditions again, in the write: of two workers that read the same row, one
        // wins; the other's update finds nothing, also when the first has since recorded a
        // failure (the row is then free again, but not yet due).
        let won = diesel::update(
            wm::table
                .find(id)
                .filter(wm::status.eq(MessageStatus::Pending.as_str()))
                .filter(wm::next_attempt_at.le(at))
                .filter(wm::locked_until.is_null().or(wm::locked_until.lt(at))),
        )
        .set((
            wm::claim.eq(&claim),
            wm::locked_until.eq(to_db(now + lease)),
            wm::attempts.eq(wm::attempts + 1),
        ))
        .execute(conn)?;
        if won == 1 {
            claimed.push(id);
        }
    }
    let rows: Vec<(Row, EndpointParts)> = wm::table
        .inner_join(we::table)
        .filter(wm::id.eq_any(&claimed))
        .order(wm::id.asc())
        .select((
            Row::as_select(),
            (
                we::url,
                we::secret_enc,
                we::previous_secret_enc,
                we::previous_secret_until,
            ),
        ))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|(row, (url, secret_enc, previous, until))| {
            Ok(Deliverable {
                message: row.try_into()?,
                url,
                secret_enc,
                previous_secret_enc: previous.filter(|_| until.is_some_and(|u| from_db(u) > now)),
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Claimed { claim, items })
}

/// How an attempt ended for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered.
    Delivered,
    /// Try again at this time.
    Retry(DateTime<Utc>),
    /// Retries ran out.
    Failed,
    /// 410 Gone: the endpoint is switched off; the message waits, due at this time.
    Gone(DateTime<Utc>),
}

impl Outcome {
    fn name(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Retry(_) => "retry",
            Outcome::Failed => "failed",
            Outcome::Gone(_) => "gone",
        }
    }
}

/// What one attempt saw.
#[derive(Debug, Clone, Default)]
pub struct AttemptLog<'a> {
    /// The HTTP status, when the endpoint answered.
    pub status_code: Option<i32>,
    /// How long it took.
    pub latency_ms: i64,
    /// What went wrong.
    pub error: Option<&'a str>,
    /// The start of the response body.
    pub response_excerpt: Option<&'a str>,
}

/// Records an attempt, and its outcome on the message with the lease released; false when
/// `claim` no longer holds the message (the lease ran out and another worker took it, or the
/// partner asked for a redelivery): the attempt is logged, since the post happened, but the
/// message is the holder's to decide.
pub fn record_attempt(
    conn: &mut DbConnection,
    id: i64,
    claim: &str,
    outcome: Outcome,
    log: &AttemptLog<'_>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let (status, next) = match outcome {
        Outcome::Delivered => (MessageStatus::Delivered, now),
        Outcome::Retry(at) | Outcome::Gone(at) => (MessageStatus::Pending, at),
        Outcome::Failed => (MessageStatus::Failed, now),
    };
    transaction(conn, |conn| {
        let delivered_at = (outcome == Outcome::Delivered).then_some(now);
        let mine = diesel::update(wm::table.find(id).filter(wm::claim.eq(claim)))
            .set((
                wm::status.eq(status.as_str()),
                wm::next_attempt_at.eq(to_db(next)),
                wm::claim.eq(None::<String>),
                wm::locked_until.eq(None::<chrono::NaiveDateTime>),
                wm::last_status_code.eq(log.status_code),
                wm::last_error.eq(log.error),
                wm::delivered_at.eq(opt_to_db(delivered_at)),
            ))
            .execute(conn)?;
        diesel::insert_into(wa::table)
            .values((
                wa::message_id.eq(id),
                wa::attempted_at.eq(to_db(now)),
                wa::outcome.eq(outcome.name()),
                wa::status_code.eq(log.status_code),
                wa::latency_ms.eq(log.latency_ms),
                wa::error.eq(log.error),
                wa::response_excerpt.eq(log.response_excerpt),
            ))
            .execute(conn)?;
        Ok(mine == 1)
    })
}

/// An endpoint's messages, newest first, older than `before` (a row id) when given.
pub fn list(
    conn: &mut DbConnection,
    endpoint_id: i64,
    status: Option<MessageStatus>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>, StoreError> {
    let mut q = wm::table
        .filter(wm::endpoint_id.eq(endpoint_id))
        .select(Row::as_select())
        .order(wm::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(wm::status.eq(s.as_str()));
    }
    if let Some(b) = before {
        q = q.filter(wm::id.lt(b));
    }
    q.load(conn)?.into_iter().map(TryInto::try_into).collect()
}

/// One attempt as kept.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// When.
    pub at: DateTime<Utc>,
    /// `delivered`, `retry`, `failed` or `gone`.
    pub outcome: String,
    /// The HTTP status, when the endpoint answered.
    pub status_code: Option<i32>,
    /// How long it took.
    pub latency_ms: i64,
    /// What went wrong.
    pub error: Option<String>,
    /// The start of the response body.
    pub response_excerpt: Option<String>,
}

/// A message's attempts, oldest first.
pub fn attempts_of(conn: &mut DbConnection, message_id: i64) -> Result<Vec<Attempt>, StoreError> {
    type AttemptRow = (
        chrono::NaiveDateTime,
        String,
        Option<i32>,
        i64,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<AttemptRow> = wa::table
        .filter(wa::message_id.eq(message_id))
        .order(wa::id.asc())
        .select((
            wa::attempted_at,
            wa::outcome,
            wa::status_code,
            wa::latency_ms,
            wa::error,
            wa::response_excerpt,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(at, outcome, status_code, latency_ms, error, response_excerpt)| Attempt {
                at: from_db(at),
                outcome,
                status_code,
                latency_ms,
                error,
                response_excerpt,
            },
        )
        .collect())
}

/// Deletes up to `limit` finished messages (delivered or failed) made before `before`, with
/// their attempts; returns how many. Pending ones stay whatever their age.
pub fn purge_finished(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let ids: Vec<i64> = wm::table
        .filter(wm::status.ne(MessageStatus::Pending.as_str()))
        .filter(wm::created_at.lt(to_db(before)))
        .order(wm::id.asc())
        .limit(limit)
        .select(wm::id)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::delete(wa::table.filter(wa::message_id.eq_any(&ids))).execute(conn)?;
    Ok(diesel::delete(wm::table.filter(wm::id.eq_any(&ids))).execute(conn)?)
}
