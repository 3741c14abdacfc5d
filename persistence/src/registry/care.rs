//! Care tags with their consent, and the care-needs query over a subtree.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::org::NodePath;
use linli_domain::registry::{CareTag, ConsentMethod};
use linli_domain::{OrgNodeId, UserId};

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt};
use crate::org::{OrgNode, subtree_bounds};
use crate::schema::care_tags as ct;
use crate::time::{from_db, opt_from_db, to_db};

/// A care tag to record.
#[derive(Debug, Clone, Copy)]
pub struct NewCareTag {
    /// The need.
    pub tag: CareTag,
    /// The resident it is about; none for the household as a whole.
    pub resident_id: Option<i64>,
    /// How consent was given.
    pub consent_method: ConsentMethod,
    /// The resident who gave it (or for whom a guardian did), when in the register.
    pub consent_by_resident_id: Option<i64>,
    /// When it was given.
    pub consent_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: UserId,
}

/// A care tag as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CareTagRecord {
    /// Its id.
    pub id: i64,
    /// The household.
    pub household_id: OrgNodeId,
    /// The resident it is about, if one.
    pub resident_id: Option<i64>,
    /// The need.
    pub tag: CareTag,
    /// How consent was given.
    pub consent_method: ConsentMethod,
    /// Who gave it.
    pub consent_by_resident_id: Option<i64>,
    /// When.
    pub consent_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When recorded.
    pub created_at: DateTime<Utc>,
    /// When removed.
    pub removed_at: Option<DateTime<Utc>>,
}

/// A household with a care need, for the care-needs list.
#[derive(Debug, Clone, PartialEq)]
pub struct CareNeed {
    /// The household.
    pub household_id: OrgNodeId,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = ct)]
struct Row {
    id: i64,
    household_id: i64,
    resident_id: Option<i64>,
    tag: String,
    consent_method: String,
    consent_by_resident_id: Option<i64>,
    consent_at: chrono::NaiveDateTime,
    recorded_by: i64,
    created_at: chrono::NaiveDateTime,
    removed_at: Option<chrono::NaiveDateTime>,
}

impl TryFrom<Row> for CareTagRecord {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(CareTagRecord {
            id: r.id,
            household_id: OrgNodeId(r.household_id),
            resident_id: r.resident_id,
            tag: CareTag::parse(&r.tag).map_err(|_| corrupt(&r.tag))?,
            consent_method: ConsentMethod::parse(&r.consent_method)
                .map_err(|_| corrupt(&r.consent_method))?,
            consent_by_resident_id: r.consent_by_resident_id,
            consent_at: from_db(r.consent_at),
            recorded_by: UserId(r.recorded_by),
            created_at: from_db(r.created_at),
            removed_at: opt_from_db(r.removed_at),
        })
    }
}

/// Records a care tag on a household (or one of its residents).
pub fn add(
    conn: &mut DbConnection,
    household: &OrgNode,
    new: &NewCareTag,
    now: DateTime<Utc>,
) -> Result<CareTagRecord, StoreError> {
    let community = household
        .community_id
        .ok_or_else(|| corrupt(format!("household {} has no community", household.id.0)))?;
    let id: i64 = diesel::insert_into(ct::table)
        .values((
            ct::household_id.eq(household.id.0),
            ct::resident_id.eq(new.resident_id),
            ct::community_id.eq(community.0),
            ct::household_path.eq(household.path.as_str()),
            ct::tag.eq(new.tag.as_str()),
            ct::consent_method.eq(new.consent_method.as_str()),
            ct::consent_by_resident_id.eq(new.consent_by_resident_id),
            ct::consent_at.eq(to_db(new.consent_at)),
            ct::recorded_by.eq(new.recorded_by.0),
            ct::created_at.eq(to_db(now)),
        ))
        .returning(ct::id)
        .get_result(conn)?;
    get(conn, id)
}

/// One tag.
pub fn get(conn: &mut DbConnection, id: i64) -> Result<CareTagRecord, StoreError> {
    ct::table
        .find(id)
        .select(Row::as_select())
        .get_result(conn)?
        .try_into()
}

/// The tags in force on several households.
pub fn active_of(
    conn: &mut DbConnection,
    households: &[OrgNodeId],
) -> Result<Vec<CareTagRecord>, StoreError> {
    let ids: Vec<i64> = households.iter().map(|h| h.0).collect();
    ct::table
        .filter(ct::household_id.eq_any(ids))
        .filter(ct::removed_at.is_null())
        .order(ct::id.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// Removes a tag in force on `household`; false when there is none such (removed already, or
/// another household's).
pub fn remove(
    conn: &mut DbConnection,
    household: OrgNodeId,
    id: i64,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        ct::table
            .find(id)
            .filter(ct::household_id.eq(household.0))
            .filter(ct::removed_at.is_null()),
    )
    .set((
        ct::removed_at.eq(Some(to_db(now))),
        ct::removed_by.eq(Some(by.0)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The households under `root` with `tag` in force, by id, after `after` (paging).
pub fn needs_under(
    conn: &mut DbConnection,
    root: &NodePath,
    tag: CareTag,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<OrgNodeId>, StoreError> {
    let (lo, hi) = subtree_bounds(root);
    let mut q = ct::table
        .filter(ct::household_path.ge(lo).and(ct::household_path.lt(hi)))
        .filter(ct::tag.eq(tag.as_str()))
        .filter(ct::removed_at.is_null())
        .select(ct::household_id)
        .distinct()
        .order(ct::household_id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(a) = after {
        q = q.filter(ct::household_id.gt(a));
    }
    Ok(q.load::<i64>(conn)?.into_iter().map(OrgNodeId).collect())
}
