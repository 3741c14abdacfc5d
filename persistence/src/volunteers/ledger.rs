//! The points ledger: entries are appended, never changed; each moves the volunteer's cached
//! balance in the same transaction, and a check recomputes every balance from the entries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::points::{Entry, EntryKind, Points};
use linli_domain::volunteer::VolunteerId;
use linli_domain::{OrgNodeId, UserId};

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt, on_unique};
use crate::schema::{points_entries as pe, volunteers as v};
use crate::time::{from_db, to_db};
use crate::tx::transaction;

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// Whose.
    pub volunteer: VolunteerId,
    /// Their community.
    pub community_id: OrgNodeId,
    /// The entry the domain made.
    pub entry: &'a Entry,
    /// Minutes served, for an activity's award.
    pub minutes: Option<i64>,
    /// Staff who recorded it (adjustments, fulfilments), if a person did.
    pub recorded_by: Option<UserId>,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryRecord {
    /// Its id.
    pub id: i64,
    /// Whose.
    pub volunteer: VolunteerId,
    /// The entry, checked again as read.
    pub entry: Entry,
    /// The balance after it.
    pub balance_after: Points,
    /// Minutes served (activity awards).
    pub minutes: Option<i64>,
    /// Who recorded it.
    pub recorded_by: Option<UserId>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Appends `new` and moves the balance by its amount, in a savepoint of the caller's
/// transaction. The balance moves only where it stays at or above zero (`Stale` otherwise: the
/// caller decided on a balance that is no longer there); an entry whose key is in the ledger
/// already changes nothing (`Duplicate("idem_key")`).
pub fn append(
    conn: &mut DbConnection,
    new: &NewEntry<'_>,
    now: DateTime<Utc>,
) -> Result<EntryRecord, StoreError> {
    let amount = new.entry.amount().get();
    transaction(conn, |conn| {
        let after: Option<i64> = diesel::update(
            v::table
                .filter(v::id.eq(new.volunteer.0))
                .filter((v::balance + amount).ge(0_i64)),
        )
        .set((
            v::balance.eq(v::balance + amount),
            v::updated_at.eq(to_db(now)),
        ))
        .returning(v::balance)
        .get_result(conn)
        .optional()?;
        let Some(after) = after else {
            // Either no such volunteer or the balance would go below zero.
            let exists: i64 = v::table
                .filter(v::id.eq(new.volunteer.0))
                .count()
                .get_result(conn)?;
            return Err(if exists == 0 {
                StoreError::NotFound
            } else {
                StoreError::Stale
            });
        };
        let id = diesel::insert_into(pe::table)
            .values((
                pe::volunteer_id.eq(new.volunteer.0),
                pe::community_id.eq(new.community_id.0),
                pe::kind.eq(new.entry.kind().as_str()),
                pe::amount.eq(amount),
                pe::balance_after.eq(after),
                pe::idem_key.eq(new.entry.key()),
                pe::reason.eq(new.entry.reason().map(|r| r.as_str())),
                pe::minutes.eq(new.minutes),
                pe::recorded_by.eq(new.recorded_by.map(|u| u.0)),
                pe::created_at.eq(to_db(now)),
            ))
            .returning(pe::id)
            .get_result::<i64>(conn)
            .map_err(|e| on_unique(e, &[("idem_key", "idem_key")]))?;
        Ok(EntryRecord {
            id,
            volunteer: new.volunteer,
            entry: new.entry.clone(),
            balance_after: Points(after),
            minutes: new.minutes,
            recorded_by: new.recorded_by,
            created_at: now,
        })
    })
}

type Row = (
    i64,
    i64,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    chrono::NaiveDateTime,
);

fn record(r: Row) -> Result<EntryRecord, StoreError> {
    let kind = EntryKind::parse(&r.2).map_err(corrupt)?;
    Ok(EntryRecord {
        id: r.0,
        volunteer: VolunteerId(r.1),
        entry: Entry::from_stored(kind, r.3, r.5, r.6.as_deref()).map_err(corrupt)?,
        balance_after: Points(r.4),
        minutes: r.7,
        recorded_by: r.8.map(UserId),
        created_at: from_db(r.9),
    })
}

const COLUMNS: (
    pe::id,
    pe::volunteer_id,
    pe::kind,
    pe::amount,
    pe::balance_after,
    pe::idem_key,
    pe::reason,
    pe::minutes,
    pe::recorded_by,
    pe::created_at,
) = (
    pe::id,
    pe::volunteer_id,
    pe::kind,
    pe::amount,
    pe::balance_after,
    pe::idem_key,
    pe::reason,
    pe::minutes,
    pe::recorded_by,
    pe::created_at,
);

/// A volunteer's entries, newest first, below `before` (a cursor) if given.
pub fn entries_of(
    conn: &mut DbConnection,
    volunteer: VolunteerId,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<EntryRecord>, StoreError> {
    let mut q = pe::table
        .filter(pe::volunteer_id.eq(volunteer.0))
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(pe::id.lt(b));
    }
    q.order(pe::id.desc())
        .limit(limit)
        .select(COLUMNS)
        .load::<Row>(conn)?
        .into_iter()
        .map(record)
        .collect()
}

/// The entry with this key, if the ledger has it.
pub fn find_entry(conn: &mut DbConnection, key: &str) -> Result<Option<EntryRecord>, StoreError> {
    pe::table
        .filter(pe::idem_key.eq(key))
        .select(COLUMNS)
        .get_result::<Row>(conn)
        .optional()?
        .map(record)
        .transpose()
}

/// One volunteer's cached balance beside the sum of their entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceCheck {
    /// Whose.
    pub volunteer: VolunteerId,
    /// Their community's path.
    pub community_path: linli_domain::org::NodePath,
    /// The cached balance.
    pub cached: Points,
    /// The sum of the ledger.
    pub summed: Points,
}

/// One volunteer's cached balance and ledger sum. Under the volunteer's lock ([`super::lock`])
/// no entry can land between the two reads.
pub fn balance_check_of(
    conn: &mut DbConnection,
    volunteer: VolunteerId,
) -> Result<BalanceCheck, StoreError> {
    let (path, balance): (String, i64) = v::table
        .find(volunteer.0)
        .select((v::community_path, v::balance))
        .get_result(conn)?;
    let amounts: Vec<i64> = pe::table
        .filter(pe::volunteer_id.eq(volunteer.0))
        .select(pe::amount)
        .load(conn)?;
    Ok(BalanceCheck {
        volunteer,
        community_path: linli_domain::org::NodePath::parse(&path).map_err(corrupt)?,
        cached: Points(balance),
        summed: linli_domain::points::balance_of(amounts.into_iter().map(Points)),
    })
}

/// Every volunteer's cached balance and ledger sum (volunteers without entries sum to zero).
pub fn balance_checks(conn: &mut DbConnection) -> Result<Vec<BalanceCheck>, StoreError> {
    let cached: Vec<(i64, String, i64)> = v::table
        .select((v::id, v::community_path, v::balance))
        .order(v::id.asc())
        .load(conn)?;
    // Summing in SQL returns NUMERIC on PostgreSQL and BIGINT on SQLite; summing here keeps
    // one code path.
    let amounts: Vec<(i64, i64)> = pe::table
        .select((pe::volunteer_id, pe::amount))
        .load(conn)?;
    let mut sums = std::collections::HashMap::<i64, i64>::new();
    for (vol, a) in amounts {
        *sums.entry(vol).or_default() += a;
    }
    cached
        .into_iter()
        .map(|(id, path, balance)| {
            Ok(BalanceCheck {
                volunteer: VolunteerId(id),
                community_path: linli_domain::org::NodePath::parse(&path).map_err(corrupt)?,
                cached: Points(balance),
                summed: Points(sums.get(&id).copied().unwrap_or(0)),
            })
        })
        .collect()
}

/// One award as the leaderboards read it: who, how many points, minutes served, when.
pub type AwardRow = (VolunteerId, Points, i64, DateTime<Utc>);

/// The awards in `[from, until)` to volunteers of communities under `path`: (volunteer, points,
/// minutes served, when), oldest first. What the leaderboards total.
pub fn awards_between(
    conn: &mut DbConnection,
    path: &linli_domain::org::NodePath,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> Result<Vec<AwardRow>, StoreError> {
    let (lo, hi) = crate::org::subtree_bounds(path);
    let mut q = pe::table
        .inner_join(v::table)
        .filter(v::community_path.ge(lo).and(v::community_path.lt(hi)))
        .filter(pe::kind.eq(EntryKind::Award.as_str()))
        .into_boxed();
    if let Some(f) = from {
        q = q.filter(pe::created_at.ge(to_db(f)));
    }
    if let Some(u) = until {
        q = q.filter(pe::created_at.lt(to_db(u)));
    }
    let rows: Vec<(i64, i64, Option<i64>, chrono::NaiveDateTime)> = q
        .order(pe::id.asc())
        .select((pe::volunteer_id, pe::amount, pe::minutes, pe::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(vol, amount, minutes, at)| {
            (
                VolunteerId(vol),
                Points(amount),
                minutes.unwrap_or(0),
                from_db(at),
            )
        })
        .collect())
}

/// What was credited to a volunteer (every positive entry) since `since`.
pub fn credited_since(
    conn: &mut DbConnection,
    volunteer: VolunteerId,
    since: DateTime<Utc>,
) -> Result<Points, StoreError> {
    let amounts: Vec<i64> = pe::table
        .filter(pe::volunteer_id.eq(volunteer.0))
        .filter(pe::amount.gt(0_i64))
        .filter(pe::created_at.ge(to_db(since)))
        .select(pe::amount)
        .load(conn)?;
    Ok(linli_domain::points::balance_of(
        amounts.into_iter().map(Points),
    ))
}

/// The volunteers of a community who hold points.
pub fn holding_points(
    conn: &mut DbConnection,
    community: OrgNodeId,
) -> Result<Vec<VolunteerId>, StoreError> {
    Ok(v::table
        .filter(v::community_id.eq(community.0))
        .filter(v::balance.gt(0_i64))
        .order(v::id.asc())
        .select(v::id)
        .load::<i64>(conn)?
        .into_iter()
        .map(VolunteerId)
        .collect())
}
