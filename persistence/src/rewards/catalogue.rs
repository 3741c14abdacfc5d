//! Rewards: gifts and services with a price in points, stock and terms.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use linli_domain::org::NodePath;
use linli_domain::reward::{
    PerPersonLimit, Price, Reward, RewardId, RewardKind, RewardName, Stock, Validity,
};
use linli_domain::{OrgNodeId, UserId};

use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt};
use crate::org::subtree_bounds;
use crate::schema::rewards as r;
use crate::time::{from_db, opt_from_db, opt_to_db, to_db};

/// A reward as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RewardRecord {
    /// Its id.
    pub id: RewardId,
    /// The community offering it.
    pub community_id: OrgNodeId,
    /// Its path.
    pub community_path: NodePath,
    /// The terms, checked again as read.
    pub reward: Reward,
    /// What it is, in a sentence or two.
    pub description: Option<String>,
    /// Who provides it (a barber's shop, the community clinic).
    pub provider: Option<String>,
    /// Units left (`Unlimited` when there is no stock to count).
    pub stock_left: Stock,
    /// When it was put up.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i32>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    bool,
    NaiveDateTime,
    NaiveDateTime,
);

macro_rules! columns {
    () => {
        (
            r::id,
            r::community_id,
            r::community_path,
            r::name,
            r::kind,
            r::description,
            r::provider,
            r::price,
            r::stock_total,
            r::stock_left,
            r::per_person_limit,
            r::valid_from,
            r::valid_until,
            r::active,
            r::created_at,
            r::updated_at,
        )
    };
}

fn record(row: Row) -> Result<RewardRecord, StoreError> {
    let reward = Reward {
        name: RewardName::parse(&row.3).map_err(corrupt)?,
        kind: RewardKind::parse(&row.4).map_err(corrupt)?,
        price: Price::new(row.7).map_err(corrupt)?,
        stock: Stock::from_stored(row.8).map_err(corrupt)?,
        per_person_limit: row
            .10
            .map(|n| PerPersonLimit::new(i64::from(n)))
            .transpose()
            .map_err(corrupt)?,
        validity: Validity::new(opt_from_db(row.11), opt_from_db(row.12)).map_err(corrupt)?,
        active: row.13,
    };
    Ok(RewardRecord {
        id: RewardId(row.0),
        community_id: OrgNodeId(row.1),
        community_path: NodePath::parse(&row.2).map_err(corrupt)?,
        reward,
        description: row.5,
        provider: row.6,
        stock_left: Stock::from_stored(row.9).map_err(corrupt)?,
        created_at: from_db(row.14),
        updated_at: from_db(row.15),
    })
}

/// A reward to put up.
#[derive(Debug, Clone)]
pub struct NewReward {
    /// The community.
    pub community_id: OrgNodeId,
    /// Its path.
    pub community_path: NodePath,
    /// The terms.
    pub reward: Reward,
    /// A sentence or two.
    pub description: Option<String>,
    /// Who provides it.
    pub provider: Option<String>,
    /// Who put it up.
    pub created_by: UserId,
}

/// Puts a reward up; all of its stock is left.
pub fn create(
    conn: &mut DbConnection,
    new: &NewReward,
    now: DateTime<Utc>,
) -> Result<RewardId, StoreError> {
    let w = &new.reward;
    let stock = w.stock.to_stored();
    Ok(RewardId(
        diesel::insert_into(r::table)
            .values((
                r::community_id.eq(new.community_id.0),
                r::community_path.eq(new.community_path.as_str()),
                r::name.eq(w.name.as_str()),
                r::kind.eq(w.kind.as_str()),
                r::description.eq(&new.description),
                r::provider.eq(&new.provider),
                r::price.eq(w.price.points().get()),
                r::stock_total.eq(stock),
                r::stock_left.eq(stock),
                r::per_person_limit.eq(w.per_person_limit.map(|l| l.get() as i32)),
                r::valid_from.eq(opt_to_db(w.validity.from())),
                r::valid_until.eq(opt_to_db(w.validity.until())),
                r::active.eq(w.active),
                r::created_by.eq(new.created_by.0),
                r::created_at.eq(to_db(now)),
                r::updated_at.eq(to_db(now)),
            ))
            .returning(r::id)
            .get_result(conn)?,
    ))
}

/// One reward.
pub fn get(conn: &mut DbConnection, id: RewardId) -> Result<RewardRecord, StoreError> {
    record(
        r::table
            .find(id.0)
            .select(columns!())
            .get_result::<Row>(conn)?,
    )
}

/// What a list of rewards is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct RewardFilter {
    /// Offered by communities under these subtrees.
    pub under: Vec<NodePath>,
    /// Only those offered now (active).
    pub active_only: bool,
}

/// The rewards, newest first.
pub fn list(
    conn: &mut DbConnection,
    f: &RewardFilter,
    limit: i64,
) -> Result<Vec<RewardRecord>, StoreError> {
    let mut inside: Box<dyn BoxableExpression<r::table, MultiBackend, SqlType = Bool>> =
        Box::new(sql::<Bool>("1 = 0"));
    for p in &f.under {
        let (lo, hi) = subtree_bounds(p);
        inside = Box::new(inside.or(r::community_path.ge(lo).and(r::community_path.lt(hi))));
    }
    let mut q = r::table.filter(inside).into_boxed::<MultiBackend>();
    if f.active_only {
        q = q.filter(r::active.eq(true));
    }
    q.order(r::id.desc())
        .limit(limit)
        .select(columns!())
        .load::<Row>(conn)?
        .into_iter()
        .map(record)
        .collect()
}

/// What staff change of a reward. Stock is changed by an amount (units added or withdrawn),
/// never set, so an edit cannot overwrite what redemptions took meanwhile.
#[derive(Debug, Clone, Default)]
pub struct RewardChange {
    /// A new name.
    pub name: Option<RewardName>,
    /// A new price (orders already taken keep theirs).
    pub price: Option<Price>,
    /// Units to add (positive) or withdraw (negative) from a counted stock.
    pub stock_delta: Option<i64>,
    /// A new per-person limit (`Some(None)` removes it).
    pub per_person_limit: Option<Option<PerPersonLimit>>,
    /// A new window.
    pub validity: Option<Validity>,
    /// Offered or withdrawn.
    pub active: Option<bool>,
    /// A new description (`Some(None)` clears it).
    pub description: Option<Option<String>>,
    /// A new provider (`Some(None)` clears it).
    pub provider: Option<Option<String>>,
}

/// Changes a reward. A withdrawal of more units than are left is `Stale` (nothing changes).
pub fn update(
    conn: &mut DbConnection,
    id: RewardId,
    c: &RewardChange,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    crate::tx::transaction(conn, |conn| {
        if let Some(d) = c.stock_delta {
            let n = diesel::update(
                r::table
                    .filter(r::id.eq(id.0))
                    .filter(r::stock_left.is_not_null())
                    .filter((r::stock_left + d).ge(0_i64)),
            )
            .set((
                r::stock_left.eq(r::stock_left + d),
                r::stock_total.eq(r::stock_total + d),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(StoreError::Stale);
            }
        }
        if let Some(n) = &c.name {
            diesel::update(r::table.find(id.0))
                .set(r::name.eq(n.as_str()))
                .execute(conn)?;
        }
        if let Some(p) = c.price {
            diesel::update(r::table.find(id.0))
                .set(r::price.eq(p.points().get()))
                .execute(conn)?;
        }
        if let Some(l) = c.per_person_limit {
            diesel::update(r::table.find(id.0))
                .set(r::per_person_limit.eq(l.map(|l| l.get() as i32)))
                .execute(conn)?;
        }
        if let Some(v) = c.validity {
            diesel::update(r::table.find(id.0))
                .set((
                    r::valid_from.eq(opt_to_db(v.from())),
                    r::valid_until.eq(opt_to_db(v.until())),
                ))
                .execute(conn)?;
        }
        if let Some(a) = c.active {
            diesel::update(r::table.find(id.0))
                .set(r::active.eq(a))
                .execute(conn)?;
        }
        if let Some(d) = &c.description {
            diesel::update(r::table.find(id.0))
                .set(r::description.eq(d))
                .execute(conn)?;
        }
        if let Some(p) = &c.provider {
            diesel::update(r::table.find(id.0))
                .set(r::provider.eq(p))
                .execute(conn)?;
        }
        diesel::update(r::table.find(id.0))
            .set(r::updated_at.eq(to_db(now)))
            .execute(conn)?;
        Ok(())
    })
}

/// Takes one unit of stock, if one is left (always, for an unlimited reward): true when taken.
/// The condition is in the update, so of two orders racing for the last unit one gets `false`.
pub fn take_stock(conn: &mut DbConnection, id: RewardId) -> Result<bool, StoreError> {
    let n = diesel::update(
        r::table
            .filter(r::id.eq(id.0))
            .filter(r::stock_left.is_null().or(r::stock_left.gt(0_i64))),
    )
    .set(r::stock_left.eq(r::stock_left - 1_i64))
    .execute(conn)?;
    Ok(n == 1)
}

/// Puts one unit back (a cancelled order's).
pub fn put_back_stock(conn: &mut DbConnection, id: RewardId) -> Result<(), StoreError> {
    diesel::update(r::table.filter(r::id.eq(id.0)))
        .set(r::stock_left.eq(r::stock_left + 1_i64))
        .execute(conn)?;
    Ok(())
}
