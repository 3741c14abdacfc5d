//! The log of every read of personal data in the clear.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use linli_domain::org::NodePath;
use linli_domain::{OrgNodeId, UserId};

use crate::connection::{DbConnection, MultiBackend};
use crate::error::StoreError;
use crate::org::subtree_bounds;
use crate::schema::registry_access_log as al;
use crate::time::{from_db, to_db};

/// A read to record.
#[derive(Debug, Clone)]
pub struct NewAccess<'a> {
    /// The household's community.
    pub community_id: OrgNodeId,
    /// The household's path.
    pub household_path: &'a NodePath,
    /// The household.
    pub household_id: OrgNodeId,
    /// One resident, when the read was of one.
    pub resident_id: Option<i64>,
    /// Who read.
    pub actor: UserId,
    /// In which capacity (`community_staff`, `own_household`, `self`, …).
    pub capacity: &'a str,
    /// Which fields were shown whole (`name,phone`).
    pub fields: &'a str,
    /// Why.
    pub purpose: &'a str,
}

/// A logged read.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessLogEntry {
    /// Its id.
    pub id: i64,
    /// Who read.
    pub actor_user_id: UserId,
    /// In which capacity.
    pub capacity: String,
    /// The household.
    pub household_id: OrgNodeId,
    /// One resident, if the read was of one.
    pub resident_id: Option<i64>,
    /// Fields shown whole.
    pub fields: Vec<String>,
    /// Why.
    pub purpose: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Records a read.
pub fn record(
    conn: &mut DbConnection,
    a: &NewAccess<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(al::table)
        .values((
            al::community_id.eq(a.community_id.0),
            al::household_path.eq(a.household_path.as_str()),
            al::actor_user_id.eq(a.actor.0),
            al::capacity.eq(a.capacity),
            al::household_id.eq(a.household_id.0),
            al::resident_id.eq(a.resident_id),
            al::fields.eq(a.fields),
            al::purpose.eq(a.purpose),
            al::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

type LogRow = (
    i64,
    i64,
    String,
    i64,
    Option<i64>,
    String,
    String,
    chrono::NaiveDateTime,
);

/// The reads of households inside any of `subtrees`, newest first, before id `before`,
/// optionally of one household.
pub fn in_subtrees(
    conn: &mut DbConnection,
    subtrees: &[NodePath],
    household: Option<OrgNodeId>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AccessLogEntry>, StoreError> {
    type Pred = Box<dyn BoxableExpression<al::table, MultiBackend, SqlType = Bool>>;
    let mut inside: Pred = Box::new(sql::<Bool>("1 = 0"));
    for path in subtrees {
        let (lo, hi) = subtree_bounds(path);
        inside = Box::new(inside.or(al::household_path.ge(lo).and(al::household_path.lt(hi))));
    }
    let mut q = al::table
        .filter(inside)
        .order(al::id.desc())
        .limit(limit)
        .select((
            al::id,
            al::actor_user_id,
            al::capacity,
            al::household_id,
            al::resident_id,
            al::fields,
            al::purpose,
            al::created_at,
        ))
        .into_boxed();
    if let Some(h) = household {
        q = q.filter(al::household_id.eq(h.0));
    }
    if let Some(b) = before {
        q = q.filter(al::id.lt(b));
    }
    Ok(q.load::<LogRow>(conn)?
        .into_iter()
        .map(
            |(id, actor, capacity, hh, resident, fields, purpose, at)| AccessLogEntry {
                id,
                actor_user_id: UserId(actor),
                capacity,
                household_id: OrgNodeId(hh),
                resident_id: resident,
                fields: fields
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned)
                    .collect(),
                purpose,
                at: from_db(at),
            },
        )
        .collect())
}
