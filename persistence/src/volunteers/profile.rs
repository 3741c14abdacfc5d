//! A volunteer's profile: who, where, what kind, which skills, where their application stands.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use linli_domain::org::NodePath;
use linli_domain::points::Points;
use linli_domain::volunteer::{Skills, VolunteerId, VolunteerKind, VolunteerStatus};
use linli_domain::{OrgNodeId, UserId};

use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt, on_unique};
use crate::org::subtree_bounds;
use crate::schema::{users, volunteers as v};
use crate::time::{from_db, opt_from_db, to_db};

/// A volunteer as stored, with their account's display name.
#[derive(Debug, Clone, PartialEq)]
pub struct VolunteerRecord {
    /// Its id.
    pub id: VolunteerId,
    /// Their account.
    pub user_id: UserId,
    /// Their account's display name.
    pub display_name: String,
    /// The community they serve.
    pub community_id: OrgNodeId,
    /// Its path.
    pub community_path: NodePath,
    /// What kind of volunteer.
    pub kind: VolunteerKind,
    /// What they can do.
    pub skills: Skills,
    /// A few words about themselves.
    pub intro: Option<String>,
    /// Where their application stands.
    pub status: VolunteerStatus,
    /// Why staff decided as they did (rejection, suspension).
    pub status_reason: Option<String>,
    /// Who decided last.
    pub decided_by: Option<UserId>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// The volunteer role approval granted.
    pub role_id: Option<i64>,
    /// The cached balance: the sum of their ledger.
    pub balance: Points,
    /// When they applied.
    pub applied_at: DateTime<Utc>,
    /// When the profile last changed.
    pub updated_at: DateTime<Utc>,
}

type Row = (
    (
        i64,
        i64,
        i64,
        String,
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<i64>,
        Option<chrono::NaiveDateTime>,
        Option<i64>,
        i64,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
    ),
    String,
);

macro_rules! columns {
    () => {
        (
            (
                v::id,
                v::user_id,
                v::community_id,
                v::community_path,
                v::kind,
                v::skills,
                v::intro,
                v::status,
                v::status_reason,
                v::decided_by,
                v::decided_at,
                v::role_id,
                v::balance,
                v::applied_at,
                v::updated_at,
            ),
            users::display_name,
        )
    };
}

fn record(row: Row) -> Result<VolunteerRecord, StoreError> {
    let (r, display_name) = row;
    Ok(VolunteerRecord {
        id: VolunteerId(r.0),
        user_id: UserId(r.1),
        display_name,
        community_id: OrgNodeId(r.2),
        community_path: NodePath::parse(&r.3).map_err(corrupt)?,
        kind: VolunteerKind::parse(&r.4).map_err(corrupt)?,
        skills: Skills::from_stored(&r.5).map_err(corrupt)?,
        intro: r.6,
        status: VolunteerStatus::parse(&r.7).map_err(corrupt)?,
        status_reason: r.8,
        decided_by: r.9.map(UserId),
        decided_at: opt_from_db(r.10),
        role_id: r.11,
        balance: Points(r.12),
        applied_at: from_db(r.13),
        updated_at: from_db(r.14),
    })
}

/// An application to volunteer.
#[derive(Debug, Clone)]
pub struct NewVolunteer {
    /// The applicant's account.
    pub user_id: UserId,
    /// The community.
    pub community_id: OrgNodeId,
    /// Its path.
    pub community_path: NodePath,
    /// Their kind.
    pub kind: VolunteerKind,
    /// Their skills.
    pub skills: Skills,
    /// About themselves.
    pub intro: Option<String>,
}

/// Stores an application (pending). An account applies once: `Duplicate("user")`.
pub fn create(
    conn: &mut DbConnection,
    new: &NewVolunteer,
    now: DateTime<Utc>,
) -> Result<VolunteerId, StoreError> {
    diesel::insert_into(v::table)
        .values((
            v::user_id.eq(new.user_id.0),
            v::community_id.eq(new.community_id.0),
            v::community_path.eq(new.community_path.as_str()),
            v::kind.eq(new.kind.as_str()),
            v::skills.eq(new.skills.to_stored()),
            v::intro.eq(&new.intro),
            v::status.eq(VolunteerStatus::Pending.as_str()),
            v::balance.eq(0_i64),
            v::applied_at.eq(to_db(now)),
            v::updated_at.eq(to_db(now)),
        ))
        .returning(v::id)
        .get_result(conn)
        .map(VolunteerId)
        .map_err(|e| on_unique(e, &[("user_id", "user")]))
}

/// One volunteer.
pub fn get(conn: &mut DbConnection, id: VolunteerId) -> Result<VolunteerRecord, StoreError> {
    record(
        v::table
            .inner_join(users::table.on(users::id.eq(v::user_id)))
            .filter(v::id.eq(id.0))
            .select(columns!())
            .get_result(conn)?,
    )
}

/// The volunteer profile of an account, if it has one.
pub fn by_user(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Option<VolunteerRecord>, StoreError> {
    v::table
        .inner_join(users::table.on(users::id.eq(v::user_id)))
        .filter(v::user_id.eq(user.0))
        .select(columns!())
        .get_result(conn)
        .optional()?
        .map(record)
        .transpose()
}

/// Takes the volunteer's row lock (see the module docs) and reads them as locked: the balance
/// read here stays true until the transaction ends.
pub fn lock(
    conn: &mut DbConnection,
    id: VolunteerId,
    now: DateTime<Utc>,
) -> Result<VolunteerRecord, StoreError> {
    let n = diesel::update(v::table.find(id.0))
        .set(v::updated_at.eq(to_db(now)))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    get(conn, id)
}

/// Records a decision on the application or the volunteer.
pub fn set_status(
    conn: &mut DbConnection,
    id: VolunteerId,
    status: VolunteerStatus,
    reason: Option<&str>,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(v::table.find(id.0))
        .set((
            v::status.eq(status.as_str()),
            v::status_reason.eq(reason),
            v::decided_by.eq(by.0),
            v::decided_at.eq(to_db(now)),
            v::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records the volunteer role approval granted (or its removal).
pub fn set_role(
    conn: &mut DbConnection,
    id: VolunteerId,
    role_id: Option<i64>,
) -> Result<(), StoreError> {
    diesel::update(v::table.find(id.0))
        .set(v::role_id.eq(role_id))
        .execute(conn)?;
    Ok(())
}

/// Changes what a volunteer says of themselves.
pub fn update_profile(
    conn: &mut DbConnection,
    id: VolunteerId,
    kind: VolunteerKind,
    skills: &Skills,
    intro: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(v::table.find(id.0))
        .set((
            v::kind.eq(kind.as_str()),
            v::skills.eq(skills.to_stored()),
            v::intro.eq(intro),
            v::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a list of volunteers is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct VolunteerFilter {
    /// Under these subtrees (what the caller oversees).
    pub under: Vec<NodePath>,
    /// Of this status.
    pub status: Option<VolunteerStatus>,
    /// Of this kind.
    pub kind: Option<VolunteerKind>,
    /// With this skill.
    pub skill: Option<linli_domain::volunteer::Skill>,
    /// Ids above this (the cursor).
    pub after: Option<VolunteerId>,
}

/// A page of volunteers, oldest first.
pub fn list(
    conn: &mut DbConnection,
    f: &VolunteerFilter,
    limit: i64,
) -> Result<Vec<VolunteerRecord>, StoreError> {
    let mut inside: Box<dyn BoxableExpression<v::table, MultiBackend, SqlType = Bool>> =
        Box::new(sql::<Bool>("1 = 0"));
    for p in &f.under {
        let (lo, hi) = subtree_bounds(p);
        inside = Box::new(inside.or(v::community_path.ge(lo).and(v::community_path.lt(hi))));
    }
    let mut q = v::table.filter(inside).into_boxed::<MultiBackend>();
    if let Some(s) = f.status {
        q = q.filter(v::status.eq(s.as_str()));
    }
    if let Some(k) = f.kind {
        q = q.filter(v::kind.eq(k.as_str()));
    }
    if let Some(s) = f.skill {
        // Stored comma-separated: match the name as a whole item.
        q = q.filter(
            sql::<Text>("',' || volunteers.skills || ','").like(format!("%,{},%", s.as_str())),
        );
    }
    if let Some(a) = f.after {
        q = q.filter(v::id.gt(a.0));
    }
    let ids: Vec<i64> = q.order(v::id.asc()).limit(limit).select(v::id).load(conn)?;
    v::table
        .inner_join(users::table.on(users::id.eq(v::user_id)))
        .filter(v::id.eq_any(ids))
        .order(v::id.asc())
        .select(columns!())
        .load::<Row>(conn)?
        .into_iter()
        .map(record)
        .collect()
}

/// Volunteers under `path` by kind and status: (kind, status, count).
pub fn count_by_kind(
    conn: &mut DbConnection,
    path: &NodePath,
) -> Result<Vec<(VolunteerKind, VolunteerStatus, i64)>, StoreError> {
    let (lo, hi) = subtree_bounds(path);
    let rows: Vec<(String, String, i64)> = v::table
        .filter(v::community_path.ge(lo).and(v::community_path.lt(hi)))
        .group_by((v::kind, v::status))
        .select((v::kind, v::status, diesel::dsl::count_star()))
        .load(conn)?;
    rows.into_iter()
        .map(|(k, s, n)| {
            Ok((
                VolunteerKind::parse(&k).map_err(corrupt)?,
                VolunteerStatus::parse(&s).map_err(corrupt)?,
                n,
            ))
        })
        .collect()
}
