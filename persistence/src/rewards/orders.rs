//! Redemption orders: pending until staff hand the reward over (fulfilled) or cancel it.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use linli_domain::org::NodePath;
use linli_domain::points::Points;
use linli_domain::reward::{RedemptionId, RedemptionStatus, RewardId};
use linli_domain::volunteer::VolunteerId;
use linli_domain::{OrgNodeId, UserId};

use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt, on_unique};
use crate::org::subtree_bounds;
use crate::schema::redemptions as o;
use crate::time::{from_db, opt_from_db, to_db};

/// An order as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RedemptionRecord {
    /// Its id.
    pub id: RedemptionId,
    /// What was redeemed.
    pub reward_id: RewardId,
    /// By whom.
    pub volunteer_id: VolunteerId,
    /// The community.
    pub community_id: OrgNodeId,
    /// Its path.
    pub community_path: NodePath,
    /// The price charged.
    pub points: Points,
    /// Where it stands.
    pub status: RedemptionStatus,
    /// When it was placed.
    pub created_at: DateTime<Utc>,
    /// When it was handed over.
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// By whom.
    pub fulfilled_by: Option<UserId>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// By whom.
    pub cancelled_by: Option<UserId>,
    /// Why.
    pub cancel_reason: Option<String>,
}

type Row = (
    i64,
    i64,
    i64,
    i64,
    String,
    i64,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<i64>,
    Option<NaiveDateTime>,
    Option<i64>,
    Option<String>,
);

macro_rules! columns {
    () => {
        (
            o::id,
            o::reward_id,
            o::volunteer_id,
            o::community_id,
            o::community_path,
            o::points,
            o::status,
            o::created_at,
            o::fulfilled_at,
            o::fulfilled_by,
            o::cancelled_at,
            o::cancelled_by,
            o::cancel_reason,
        )
    };
}

fn record(r: Row) -> Result<RedemptionRecord, StoreError> {
    Ok(RedemptionRecord {
        id: RedemptionId(r.0),
        reward_id: RewardId(r.1),
        volunteer_id: VolunteerId(r.2),
        community_id: OrgNodeId(r.3),
        community_path: NodePath::parse(&r.4).map_err(corrupt)?,
        points: Points(r.5),
        status: RedemptionStatus::parse(&r.6).map_err(corrupt)?,
        created_at: from_db(r.7),
        fulfilled_at: opt_from_db(r.8),
        fulfilled_by: r.9.map(UserId),
        cancelled_at: opt_from_db(r.10),
        cancelled_by: r.11.map(UserId),
        cancel_reason: r.12,
    })
}

/// An order to place.
#[derive(Debug, Clone)]
pub struct NewRedemption {
    /// What.
    pub reward_id: RewardId,
    /// By whom.
    pub volunteer_id: VolunteerId,
    /// The reward's community.
    pub community_id: OrgNodeId,
    /// Its path.
    pub community_path: NodePath,
    /// The price charged.
    pub points: Points,
    /// The volunteer's `Idempotency-Key`, if they sent one.
    pub idempotency_key: Option<String>,
}

/// Places an order (pending). A key the volunteer used before is `Duplicate("idempotency_key")`.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewRedemption,
    now: DateTime<Utc>,
) -> Result<RedemptionId, StoreError> {
    diesel::insert_into(o::table)
        .values((
            o::reward_id.eq(new.reward_id.0),
            o::volunteer_id.eq(new.volunteer_id.0),
            o::community_id.eq(new.community_id.0),
            o::community_path.eq(new.community_path.as_str()),
            o::points.eq(new.points.get()),
            o::status.eq(RedemptionStatus::Pending.as_str()),
            o::idempotency_key.eq(&new.idempotency_key),
            o::created_at.eq(to_db(now)),
        ))
        .returning(o::id)
        .get_result(conn)
        .map(RedemptionId)
        .map_err(|e| on_unique(e, &[("idempotency_key", "idempotency_key")]))
}

/// One order.
pub fn get_order(
    conn: &mut DbConnection,
    id: RedemptionId,
) -> Result<RedemptionRecord, StoreError> {
    record(
        o::table
            .find(id.0)
            .select(columns!())
            .get_result::<Row>(conn)?,
    )
}

/// The order a volunteer placed under this key, if any.
pub fn find_by_key(
    conn: &mut DbConnection,
    volunteer: VolunteerId,
    key: &str,
) -> Result<Option<RedemptionRecord>, StoreError> {
    o::table
        .filter(o::volunteer_id.eq(volunteer.0))
        .filter(o::idempotency_key.eq(key))
        .select(columns!())
        .get_result::<Row>(conn)
        .optional()?
        .map(record)
        .transpose()
}

/// How many orders of `reward` the volunteer holds (pending or fulfilled): what the per-person
/// limit counts.
pub fn count_held(
    conn: &mut DbConnection,
    volunteer: VolunteerId,
    reward: RewardId,
) -> Result<u32, StoreError> {
    let n: i64 = o::table
        .filter(o::volunteer_id.eq(volunteer.0))
        .filter(o::reward_id.eq(reward.0))
        .filter(o::status.ne(RedemptionStatus::Cancelled.as_str()))
        .count()
        .get_result(conn)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Marks a pending order fulfilled; `Stale` when it was not pending any more.
pub fn set_fulfilled(
    conn: &mut DbConnection,
    id: RedemptionId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = diesel::update(
        o::table
            .filter(o::id.eq(id.0))
            .filter(o::status.eq(RedemptionStatus::Pending.as_str())),
    )
    .set((
        o::status.eq(RedemptionStatus::Fulfilled.as_str()),
        o::fulfilled_at.eq(to_db(now)),
        o::fulfilled_by.eq(by.0),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Marks a pending order cancelled; `Stale` when it was not pending any more (so a refund
/// follows one cancel only).
pub fn set_cancelled(
    conn: &mut DbConnection,
    id: RedemptionId,
    by: UserId,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = diesel::update(
        o::table
            .filter(o::id.eq(id.0))
            .filter(o::status.eq(RedemptionStatus::Pending.as_str())),
    )
    .set((
        o::status.eq(RedemptionStatus::Cancelled.as_str()),
        o::cancelled_at.eq(to_db(now)),
        o::cancelled_by.eq(by.0),
        o::cancel_reason.eq(reason),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// What a list of orders is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Orders of communities under these subtrees…
    pub under: Vec<NodePath>,
    /// …or this volunteer's own.
    pub volunteer: Option<VolunteerId>,
    /// Only of this status.
    pub status: Option<RedemptionStatus>,
    /// Only ids below this (the cursor).
    pub before: Option<RedemptionId>,
}

/// A page of orders, newest first.
pub fn list_orders(
    conn: &mut DbConnection,
    f: &OrderFilter,
    limit: i64,
) -> Result<Vec<RedemptionRecord>, StoreError> {
    let mut visible: Box<dyn BoxableExpression<o::table, MultiBackend, SqlType = Bool>> =
        Box::new(sql::<Bool>("1 = 0"));
    for p in &f.under {
        let (lo, hi) = subtree_bounds(p);
        visible = Box::new(visible.or(o::community_path.ge(lo).and(o::community_path.lt(hi))));
    }
    if let Some(v) = f.volunteer {
        visible = Box::new(visible.or(o::volunteer_id.eq(v.0)));
    }
    let mut q = o::table.filter(visible).into_boxed::<MultiBackend>();
    if let Some(s) = f.status {
        q = q.filter(o::status.eq(s.as_str()));
    }
    if let Some(b) = f.before {
        q = q.filter(o::id.lt(b.0));
    }
    q.order(o::id.desc())
        .limit(limit)
        .select(columns!())
        .load::<Row>(conn)?
        .into_iter()
        .map(record)
        .collect()
}
