//! What the inbound partner API remembers: each partner's signing secret (encrypted) and
//! service account, the requests it pushed by its own external ids, and the `webhook-id`s of
//! the messages it sent that were accepted.
//!
//! Diesel's `MultiConnection` has no `ON CONFLICT`: writes here check, then insert, and a unique
//! violation tells the caller it lost a race (`Duplicate("external_id")`,
//! `Duplicate("webhook_id")`, `Duplicate("partner")`); run inside a transaction, the loser's
//! other writes roll back with it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::{RequestId, UserId};

use crate::connection::DbConnection;
use crate::error::{StoreError, on_unique};
use crate::partners::Partner;
use crate::schema::{
    partner_inbound as pi, partner_inbound_messages as pm, partner_submissions as ps,
};
use crate::time::{opt_from_db, opt_to_db, to_db};
use crate::users::{self, NewUser};

/// A partner's inbound credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// The partner.
    pub partner_id: i64,
    /// Its service account: the submitter of what it pushes.
    pub user_id: UserId,
    /// The `whsec_` secret, encrypted with the data key; none until an admin issues one.
    pub secret_enc: Option<String>,
    /// When the secret was last issued.
    pub rotated_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = pi)]
struct InboundRow {
    partner_id: i64,
    user_id: i64,
    secret_enc: Option<String>,
    rotated_at: Option<chrono::NaiveDateTime>,
}

impl From<InboundRow> for Inbound {
    fn from(r: InboundRow) -> Self {
        Inbound {
            partner_id: r.partner_id,
            user_id: UserId(r.user_id),
            secret_enc: r.secret_enc,
            rotated_at: opt_from_db(r.rotated_at),
        }
    }
}

/// A request a partner pushed, by its external id.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// Row id: the cursor of a partner's list.
    pub id: i64,
    /// The partner's own id.
    pub external_id: String,
    /// Our request.
    pub request_id: RequestId,
    /// Hash of the canonical body it was first pushed with.
    pub body_hash: String,
    /// When the partner says its resident reported it.
    pub external_submitted_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = ps)]
struct SubmissionRow {
    id: i64,
    external_id: String,
    request_id: i64,
    body_hash: String,
    external_submitted_at: Option<chrono::NaiveDateTime>,
}

impl From<SubmissionRow> for Submission {
    fn from(r: SubmissionRow) -> Self {
        Submission {
            id: r.id,
            external_id: r.external_id,
            request_id: RequestId(r.request_id),
            body_hash: r.body_hash,
            external_submitted_at: opt_from_db(r.external_submitted_at),
        }
    }
}

/// A partner's inbound credentials, if a secret was ever issued.
pub fn inbound(conn: &mut DbConnection, partner_id: i64) -> Result<Option<Inbound>, StoreError> {
    Ok(pi::table
        .find(partner_id)
        .select(InboundRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Into::into))
}

/// The partner's service account, made the first time it is needed (no username, password or
/// openid: nobody can sign in as it, and it is inactive besides). Call inside a transaction: a
/// concurrent first call makes this one `Duplicate("partner")`, and the caller calls again,
/// which finds the other's.
pub fn service_account(
    conn: &mut DbConnection,
    partner: &Partner,
    now: DateTime<Utc>,
) -> Result<UserId, StoreError> {
    if let Some(found) = inbound(conn, partner.id)? {
        return Ok(found.user_id);
    }
    let account = users::create_user(
        conn,
        &NewUser {
            username: None,
            password_hash: None,
            display_name: format!("合作平台：{}", partner.name),
            openid: None,
            contact_phone: None,
        },
        now,
    )?;
    users::set_active(conn, account.id, false)?;
    diesel::insert_into(pi::table)
        .values((
            pi::partner_id.eq(partner.id),
            pi::user_id.eq(account.id.0),
            pi::created_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map_err(|e| on_unique(e, &[("partner", "partner")]))?;
    Ok(account.id)
}

/// Stores a newly issued secret, replacing any earlier one, with the service account made
/// first if need be (see [`service_account`], whose race this shares).
pub fn set_secret(
    conn: &mut DbConnection,
    partner: &Partner,
    secret_enc: &str,
    now: DateTime<Utc>,
) -> Result<Inbound, StoreError> {
    service_account(conn, partner, now)?;
    diesel::update(pi::table.find(partner.id))
        .set((
            pi::secret_enc.eq(Some(secret_enc)),
            pi::rotated_at.eq(Some(to_db(now))),
        ))
        .execute(conn)?;
    inbound(conn, partner.id)?.ok_or(StoreError::NotFound)
}

/// The request a partner pushed under `external_id`, if any.
pub fn find_submission(
    conn: &mut DbConnection,
    partner_id: i64,
    external_id: &str,
) -> Result<Option<Submission>, StoreError> {
    Ok(ps::table
        .filter(ps::partner_id.eq(partner_id))
        .filter(ps::external_id.eq(external_id))
        .select(SubmissionRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Into::into))
}

/// How a request was pushed by this partner, if it was.
pub fn submission_of(
    conn: &mut DbConnection,
    partner_id: i64,
    request: RequestId,
) -> Result<Option<Submission>, StoreError> {
    Ok(ps::table
        .filter(ps::request_id.eq(request.0))
        .filter(ps::partner_id.eq(partner_id))
        .select(SubmissionRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Into::into))
}

/// A partner's submissions, newest first, those before the row `before` (a cursor) if given;
/// at most `limit`.
pub fn submissions(
    conn: &mut DbConnection,
    partner_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Submission>, StoreError> {
    let mut q = ps::table.filter(ps::partner_id.eq(partner_id)).into_boxed();
    if let Some(before) = before {
        q = q.filter(ps::id.lt(before));
    }
    Ok(q.order(ps::id.desc())
        .limit(limit)
        .select(SubmissionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Remembers that `request` is the partner's `external_id`. A concurrent push of the same id
/// that got here first makes this `Duplicate("external_id")`.
pub fn remember_submission(
    conn: &mut DbConnection,
    partner_id: i64,
    external_id: &str,
    request: RequestId,
    body_hash: &str,
    external_submitted_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(ps::table)
        .values((
            ps::partner_id.eq(partner_id),
            ps::external_id.eq(external_id),
            ps::request_id.eq(request.0),
            ps::body_hash.eq(body_hash),
            ps::external_submitted_at.eq(opt_to_db(external_submitted_at)),
            ps::created_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map_err(|e| on_unique(e, &[("external_id", "external_id")]))?;
    Ok(())
}

/// True when the partner sent a message with this `webhook-id` that was accepted.
pub fn message_seen(
    conn: &mut DbConnection,
    partner_id: i64,
    message_id: &str,
) -> Result<bool, StoreError> {
    let n: i64 = pm::table
        .filter(pm::partner_id.eq(partner_id))
        .filter(pm::message_id.eq(message_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Remembers an accepted message's `webhook-id`. A concurrent message with the same id that got
/// here first makes this `Duplicate("webhook_id")`.
pub fn remember_message(
    conn: &mut DbConnection,
    partner_id: i64,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(pm::table)
        .values((
            pm::partner_id.eq(partner_id),
            pm::message_id.eq(message_id),
            pm::received_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map_err(|e| on_unique(e, &[("message_id", "webhook_id")]))?;
    Ok(())
}

/// Forgets the `webhook-id`s received before `before`; returns how many.
pub fn forget_messages(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::delete(pm::table.filter(pm::received_at.lt(to_db(before)))).execute(conn)?)
}
