//! Notifications (WeChat subscribe messages) as stored: queued once, claimed by one sender at a
//! time with a lease, and every attempt recorded.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use linli_domain::notify::NoticeKind;
use linli_domain::{OrgNodeId, RequestId, UserId};

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt};
use crate::schema::{notification_attempts as na, notifications as n, requests, users};
use crate::time::{from_db, opt_from_db, opt_to_db, to_db};
use crate::tx::transaction;

/// Where a notification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting to be sent (again).
    Pending,
    /// WeChat accepted it.
    Sent,
    /// The person has no subscription left for it (43101): a normal outcome, not retried.
    NotSubscribed,
    /// Given up: WeChat refused it for good, or retries ran out.
    Failed,
    /// Never sent: no template configured, or the person has no WeChat openid.
    Skipped,
}

impl DeliveryStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::NotSubscribed => "not_subscribed",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Skipped => "skipped",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Sent,
            DeliveryStatus::NotSubscribed,
            DeliveryStatus::Failed,
            DeliveryStatus::Skipped,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// A notification to queue.
#[derive(Debug, Clone)]
pub struct NewNotification {
    /// The request it is about.
    pub request_id: RequestId,
    /// Its community.
    pub community_id: OrgNodeId,
    /// Who gets it.
    pub recipient: UserId,
    /// What it says.
    pub kind: NoticeKind,
    /// Once-only key: the event told of, or the deadline reminded of.
    pub dedup: String,
    /// WeChat's template id.
    pub template_id: String,
    /// The mini-program page it opens.
    pub page: String,
    /// The template data, as it will be sent.
    pub data: serde_json::Value,
    /// `Pending`, or `Skipped` with a reason.
    pub status: DeliveryStatus,
    /// Why it was skipped.
    pub note: Option<String>,
}

/// A notification as stored.
#[derive(Debug, Clone)]
pub struct Notification {
    /// Its id.
    pub id: i64,
    /// The request.
    pub request_id: RequestId,
    /// Who gets it.
    pub recipient: UserId,
    /// Their display name.
    pub recipient_name: String,
    /// Their openid (absent for accounts that never used WeChat).
    pub recipient_openid: Option<String>,
    /// What it says.
    pub kind: NoticeKind,
    /// WeChat's template id.
    pub template_id: String,
    /// The page.
    pub page: String,
    /// The template data.
    pub data: serde_json::Value,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts so far.
    pub attempts: i32,
    /// When it is (re)tried.
    pub next_attempt_at: DateTime<Utc>,
    /// WeChat's last errcode.
    pub last_errcode: Option<i64>,
    /// The last error.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When WeChat accepted it.
    pub sent_at: Option<DateTime<Utc>>,
}

/// One attempt to send.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// When.
    pub at: DateTime<Utc>,
    /// `sent`, `not_subscribed`, `retry` or `failed`.
    pub outcome: String,
    /// WeChat's errcode.
    pub errcode: Option<i64>,
    /// The error.
    pub error: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = n)]
struct Row {
    id: i64,
    request_id: i64,
    recipient_id: i64,
    kind: String,
    template_id: String,
    page: String,
    data: String,
    status: String,
    attempts: i32,
    next_attempt_at: chrono::NaiveDateTime,
    last_errcode: Option<i64>,
    last_error: Option<String>,
    created_at: chrono::NaiveDateTime,
    sent_at: Option<chrono::NaiveDateTime>,
}

type AttemptRow = (
    i64,
    chrono::NaiveDateTime,
    String,
    Option<i64>,
    Option<String>,
);

/// Queues a notification; false when the same one (request, kind, person, dedup) exists.
pub fn enqueue(
    conn: &mut DbConnection,
    new: &NewNotification,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    // Most repeats are caught here, without an error in the database's log…
    let exists: i64 = n::table
        .filter(n::request_id.eq(new.request_id.0))
        .filter(n::kind.eq(new.kind.as_str()))
        .filter(n::recipient_id.eq(new.recipient.0))
        .filter(n::dedup.eq(&new.dedup))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    // …and a race by the unique index, in a savepoint: on PostgreSQL a unique violation would
    // abort the caller's transaction.
    let inserted = transaction(conn, |conn| {
        diesel::insert_into(n::table)
            .values((
                n::request_id.eq(new.request_id.0),
                n::community_id.eq(new.community_id.0),
                n::recipient_id.eq(new.recipient.0),
                n::kind.eq(new.kind.as_str()),
                n::dedup.eq(&new.dedup),
                n::template_id.eq(&new.template_id),
                n::page.eq(&new.page),
                n::data.eq(new.data.to_string()),
                n::status.eq(new.status.as_str()),
                n::attempts.eq(0),
                n::next_attempt_at.eq(to_db(now)),
                n::last_error.eq(&new.note),
                n::created_at.eq(to_db(now)),
            ))
            .execute(conn)
            .map_err(|e| crate::error::on_unique(e, &[("", "notification")]))
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(StoreError::Duplicate(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// What a sender claimed: the notifications, and the token that proves the claim.
#[derive(Debug)]
pub struct Claimed {
    /// The claim's token, for [`record_attempt`].
    pub claim: String,
    /// When the lease runs out; another sender may take them after.
    pub until: DateTime<Utc>,
    /// The notifications.
    pub items: Vec<Notification>,
}

/// Claims up to `limit` notifications due at `now` for one sender: each is leased until
/// `now + lease` under a fresh token, so another instance skips it, and its attempt count goes
/// up.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Claimed, StoreError> {
    let at = to_db(now);
    let claim = uuid::Uuid::new_v4().to_string();
    let ids: Vec<i64> = n::table
        .filter(n::status.eq(DeliveryStatus::Pending.as_str()))
        .filter(n::next_attempt_at.le(at))
        .filter(n::locked_until.is_null().or(n::locked_until.lt(at)))
        .order(n::id.asc())
        .limit(limit)
        .select(n::id)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in ids {
        let won = diesel::update(
            n::table
                .find(id)
                .filter(n::status.eq(DeliveryStatus::Pending.as_str()))
                .filter(n::locked_until.is_null().or(n::locked_until.lt(at))),
        )
        .set((
            n::claim.eq(&claim),
            n::locked_until.eq(to_db(now + lease)),
            n::attempts.eq(n::attempts + 1),
        ))
        .execute(conn)?;
        if won == 1 {
            claimed.push(id);
        }
    }
    Ok(Claimed {
        claim,
        until: now + lease,
        items: load(conn, &claimed)?,
    })
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Accepted by WeChat.
    Sent,
    /// 43101: no subscription; final.
    NotSubscribed,
    /// A transient failure: try again at this time.
    Retry(DateTime<Utc>),
    /// A permanent failure, or retries ran out.
    Failed,
}

/// Records an attempt and its outcome, and releases the lease; false (and nothing recorded)
/// when `claim` no longer holds it: the lease ran out and another sender took it over.
pub fn record_attempt(
    conn: &mut DbConnection,
    id: i64,
    claim: &str,
    outcome: &Outcome,
    errcode: Option<i64>,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let (name, status, next) = match outcome {
        Outcome::Sent => ("sent", DeliveryStatus::Sent, None),
        Outcome::NotSubscribed => ("not_subscribed", DeliveryStatus::NotSubscribed, None),
        Outcome::Retry(at) => ("retry", DeliveryStatus::Pending, Some(*at)),
        Outcome::Failed => ("failed", DeliveryStatus::Failed, None),
    };
    transaction(conn, |conn| {
        let sent_at = matches!(outcome, Outcome::Sent).then_some(now);
        let mine = diesel::update(
            n::table
                .find(id)
                .filter(n::claim.eq(claim))
                .filter(n::status.eq(DeliveryStatus::Pending.as_str())),
        )
        .set((
            n::status.eq(status.as_str()),
            n::next_attempt_at.eq(to_db(next.unwrap_or(now))),
            n::claim.eq(None::<String>),
            n::locked_until.eq(None::<chrono::NaiveDateTime>),
            n::last_errcode.eq(errcode),
            n::last_error.eq(error),
            n::sent_at.eq(opt_to_db(sent_at)),
        ))
        .execute(conn)?;
        if mine == 0 {
            return Ok(false);
        }
        diesel::insert_into(na::table)
            .values((
                na::notification_id.eq(id),
                na::attempted_at.eq(to_db(now)),
                na::outcome.eq(name),
                na::errcode.eq(errcode),
                na::error.eq(error),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

/// A request's notifications, oldest first, each with its attempts.
pub fn of_request(
    conn: &mut DbConnection,
    request: RequestId,
) -> Result<Vec<(Notification, Vec<Attempt>)>, StoreError> {
    let ids: Vec<i64> = n::table
        .filter(n::request_id.eq(request.0))
        .order(n::id.asc())
        .select(n::id)
        .load(conn)?;
    let list = load(conn, &ids)?;
    let attempts: Vec<AttemptRow> = na::table
        .filter(na::notification_id.eq_any(&ids))
        .order(na::id.asc())
        .select((
            na::notification_id,
            na::attempted_at,
            na::outcome,
            na::errcode,
            na::error,
        ))
        .load(conn)?;
    Ok(list
        .into_iter()
        .map(|item| {
            let mine = attempts
                .iter()
                .filter(|a| a.0 == item.id)
                .map(|(_, at, outcome, errcode, error)| Attempt {
                    at: from_db(*at),
                    outcome: outcome.clone(),
                    errcode: *errcode,
                    error: error.clone(),
                })
                .collect();
            (item, mine)
        })
        .collect())
}

/// Open requests held by a person whose resolution deadline falls in `[from, until)`: the ones
/// whose handler may need a reminder.
pub fn due_between(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<RequestId>, StoreError> {
    Ok(requests::table
        .filter(requests::assignee_user_id.is_not_null())
        .filter(requests::status.ne_all(["resolved", "closed"]))
        .filter(requests::resolution_due.ge(to_db(from)))
        .filter(requests::resolution_due.lt(to_db(until)))
        .order(requests::id.asc())
        .select(requests::id)
        .load::<i64>(conn)?
        .into_iter()
        .map(RequestId)
        .collect())
}

fn load(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<Notification>, StoreError> {
    let rows: Vec<(Row, String, Option<String>)> = n::table
        .inner_join(users::table.on(users::id.eq(n::recipient_id)))
        .filter(n::id.eq_any(ids))
        .order(n::id.asc())
        .select((Row::as_select(), users::display_name, users::openid))
        .load(conn)?;
    rows.into_iter()
        .map(|(r, name, openid)| {
            Ok(Notification {
                id: r.id,
                request_id: RequestId(r.request_id),
                recipient: UserId(r.recipient_id),
                recipient_name: name,
                recipient_openid: openid,
                kind: NoticeKind::parse(&r.kind).ok_or_else(|| corrupt(&r.kind))?,
                template_id: r.template_id,
                page: r.page,
                data: serde_json::from_str(&r.data).map_err(corrupt)?,
                status: DeliveryStatus::parse(&r.status).ok_or_else(|| corrupt(&r.status))?,
                attempts: r.attempts,
                next_attempt_at: from_db(r.next_attempt_at),
                last_errcode: r.last_errcode,
                last_error: r.last_error,
                created_at: from_db(r.created_at),
                sent_at: opt_from_db(r.sent_at),
            })
        })
        .collect()
}
