//! The activity row: what staff publish, its schedule, places and points, and where it stands.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use linli_domain::activity::{ActivityId, ActivityStatus, Capacity, Schedule, SignupStatus};
use linli_domain::org::NodePath;
use linli_domain::volunteer::Skills;
use linli_domain::{OrgNodeId, UserId};
use serde::{Deserialize, Serialize};

use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt, on_unique};
use crate::org::subtree_bounds;
use crate::schema::{activities as a, activity_signups as s};
use crate::time::{from_db, opt_from_db, opt_to_db, to_db};

/// A partner organisation (a hospital for a free clinic, a law firm for a legal advice day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerOrg {
    /// Its name.
    pub name: String,
    /// What kind of organisation (a stable name, e.g. `hospital`).
    pub kind: String,
}

/// What staff set on an activity and may edit while it is a draft or published.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityFields {
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Who runs it.
    pub organiser: String,
    /// Partner organisations.
    pub partners: Vec<PartnerOrg>,
    /// Where.
    pub place: String,
    /// When, and until when volunteers may sign up.
    pub schedule: Schedule,
    /// Places.
    pub capacity: Capacity,
    /// Skills a volunteer must have.
    pub required_skills: Skills,
    /// Points per hour instead of the community rule's.
    pub points_per_hour: Option<i64>,
    /// Points for taking part instead of the community rule's.
    pub points_per_activity: Option<i64>,
}

/// An activity to store (a draft).
#[derive(Debug, Clone)]
pub struct NewActivity {
    /// The community (tenant).
    pub community_id: OrgNodeId,
    /// Its path.
    pub community_path: NodePath,
    /// What staff set.
    pub fields: ActivityFields,
    /// Who created it.
    pub created_by: UserId,
    /// The client's key against double submits.
    pub idempotency_key: Option<String>,
    /// The keyed hash of the body sent with it, which a replay must match.
    pub idempotency_hash: Option<String>,
}

/// An activity as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRecord {
    /// Its id.
    pub id: ActivityId,
    /// The community.
    pub community_id: OrgNodeId,
    /// Its path.
    pub community_path: NodePath,
    /// What staff set.
    pub fields: ActivityFields,
    /// Where it stands.
    pub status: ActivityStatus,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// Who created it.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Bumped by every change.
    pub version: i64,
}

type Row = (
    (
        i64,
        i64,
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        NaiveDateTime,
        NaiveDateTime,
        NaiveDateTime,
        i32,
    ),
    (
        String,
        Option<i64>,
        Option<i64>,
        String,
        Option<String>,
        i64,
        NaiveDateTime,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        i64,
    ),
);

macro_rules! columns {
    () => {
        (
            (
                a::id,
                a::community_id,
                a::community_path,
                a::title,
                a::description,
                a::organiser,
                a::partners,
                a::place,
                a::starts_at,
                a::ends_at,
                a::signup_deadline,
                a::capacity,
            ),
            (
                a::required_skills,
                a::points_per_hour,
                a::points_per_activity,
                a::status,
                a::cancel_reason,
                a::created_by,
                a::created_at,
                a::updated_at,
                a::published_at,
                a::finished_at,
                a::version,
            ),
        )
    };
}

fn record(row: Row) -> Result<ActivityRecord, StoreError> {
    let (r, q) = row;
    let schedule =
        Schedule::new(from_db(r.8), from_db(r.9), Some(from_db(r.10))).map_err(corrupt)?;
    Ok(ActivityRecord {
        id: ActivityId(r.0),
        community_id: OrgNodeId(r.1),
        community_path: NodePath::parse(&r.2).map_err(corrupt)?,
        fields: ActivityFields {
            title: r.3,
            description: r.4,
            organiser: r.5,
            partners: serde_json::from_str(&r.6).map_err(corrupt)?,
            place: r.7,
            schedule,
            capacity: Capacity::new(i64::from(r.11)).map_err(corrupt)?,
            required_skills: Skills::from_stored(&q.0).map_err(corrupt)?,
            points_per_hour: q.1,
            points_per_activity: q.2,
        },
        status: ActivityStatus::parse(&q.3).map_err(corrupt)?,
        cancel_reason: q.4,
        created_by: UserId(q.5),
        created_at: from_db(q.6),
        updated_at: from_db(q.7),
        published_at: opt_from_db(q.8),
        finished_at: opt_from_db(q.9),
        version: q.10,
    })
}

fn capacity_db(c: Capacity) -> Result<i32, StoreError> {
    i32::try_from(c.get()).map_err(corrupt)
}

/// Stores a draft.
pub fn create(
    conn: &mut DbConnection,
    new: &NewActivity,
    now: DateTime<Utc>,
) -> Result<ActivityId, StoreError> {
    let f = &new.fields;
    let partners = serde_json::to_string(&f.partners).map_err(corrupt)?;
    // In a savepoint: a clash on the idempotency key leaves the caller's transaction usable,
    // to answer with the activity that won.
    crate::tx::transaction(conn, |conn| {
        diesel::insert_into(a::table)
            .values((
                (
                    a::community_id.eq(new.community_id.0),
                    a::community_path.eq(new.community_path.as_str()),
                    a::title.eq(&f.title),
                    a::description.eq(&f.description),
                    a::organiser.eq(&f.organiser),
                    a::partners.eq(&partners),
                    a::place.eq(&f.place),
                    a::starts_at.eq(to_db(f.schedule.starts_at())),
                    a::ends_at.eq(to_db(f.schedule.ends_at())),
                    a::signup_deadline.eq(to_db(f.schedule.signup_deadline())),
                    a::capacity.eq(capacity_db(f.capacity)?),
                ),
                (
                    a::required_skills.eq(f.required_skills.to_stored()),
                    a::points_per_hour.eq(f.points_per_hour),
                    a::points_per_activity.eq(f.points_per_activity),
                    a::status.eq(ActivityStatus::Draft.as_str()),
                    a::created_by.eq(new.created_by.0),
                    a::created_at.eq(to_db(now)),
                    a::updated_at.eq(to_db(now)),
                    a::version.eq(1_i64),
                    a::idempotency_key.eq(&new.idempotency_key),
                    a::idempotency_hash.eq(&new.idempotency_hash),
                ),
            ))
            .returning(a::id)
            .get_result(conn)
            .map(ActivityId)
            .map_err(|e| on_unique(e, &[("idempotency_key", "idempotency_key")]))
    })
}

/// The activity `creator` created with this `Idempotency-Key`, and the hash of the body sent
/// with it.
pub fn find_idempotent(
    conn: &mut DbConnection,
    creator: UserId,
    key: &str,
) -> Result<Option<(ActivityId, Option<String>)>, StoreError> {
    Ok(a::table
        .filter(a::created_by.eq(creator.0))
        .filter(a::idempotency_key.eq(key))
        .select((a::id, a::idempotency_hash))
        .get_result::<(i64, Option<String>)>(conn)
        .optional()?
        .map(|(id, hash)| (ActivityId(id), hash)))
}

/// One activity.
pub fn get(conn: &mut DbConnection, id: ActivityId) -> Result<ActivityRecord, StoreError> {
    record(a::table.find(id.0).select(columns!()).get_result(conn)?)
}

/// Takes the activity's row lock (see the module docs) and reads it as locked.
pub fn lock(conn: &mut DbConnection, id: ActivityId) -> Result<ActivityRecord, StoreError> {
    let n = diesel::update(a::table.find(id.0))
        .set(a::version.eq(a::version))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    get(conn, id)
}

/// Replaces the editable fields where the version is still `expected`, and bumps it. `Stale`
/// when someone else changed it first.
pub fn update_fields(
    conn: &mut DbConnection,
    id: ActivityId,
    expected: i64,
    f: &ActivityFields,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let partners = serde_json::to_string(&f.partners).map_err(corrupt)?;
    let n = diesel::update(a::table.find(id.0).filter(a::version.eq(expected)))
        .set((
            (
                a::title.eq(&f.title),
                a::description.eq(&f.description),
                a::organiser.eq(&f.organiser),
                a::partners.eq(&partners),
                a::place.eq(&f.place),
                a::starts_at.eq(to_db(f.schedule.starts_at())),
                a::ends_at.eq(to_db(f.schedule.ends_at())),
                a::signup_deadline.eq(to_db(f.schedule.signup_deadline())),
                a::capacity.eq(capacity_db(f.capacity)?),
            ),
            (
                a::required_skills.eq(f.required_skills.to_stored()),
                a::points_per_hour.eq(f.points_per_hour),
                a::points_per_activity.eq(f.points_per_activity),
                a::updated_at.eq(to_db(now)),
                a::version.eq(a::version + 1),
            ),
        ))
        .execute(conn)?;
    if n == 0 {
        Err(StoreError::Stale)
    } else {
        Ok(())
    }
}

/// Moves the activity from `from` to `to` (publish, start, finish, cancel) and bumps the
/// version; `false` when it was no longer in `from` (someone else moved it first).
pub fn set_status(
    conn: &mut DbConnection,
    id: ActivityId,
    from: ActivityStatus,
    to: ActivityStatus,
    cancel_reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let target = a::table.find(id.0).filter(a::status.eq(from.as_str()));
    let published_at = (to == ActivityStatus::Published).then_some(now);
    let finished_at = (to == ActivityStatus::Finished).then_some(now);
    let n = diesel::update(target)
        .set((
            a::status.eq(to.as_str()),
            a::cancel_reason.eq(cancel_reason),
            a::updated_at.eq(to_db(now)),
            a::version.eq(a::version + 1),
        ))
        .execute(conn)?;
    if n == 1 {
        if let Some(t) = published_at {
            diesel::update(a::table.find(id.0))
                .set(a::published_at.eq(opt_to_db(Some(t))))
                .execute(conn)?;
        }
        if let Some(t) = finished_at {
            diesel::update(a::table.find(id.0))
                .set(a::finished_at.eq(opt_to_db(Some(t))))
                .execute(conn)?;
        }
    }
    Ok(n == 1)
}

/// What a list of activities is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    /// Every activity under these subtrees (what the caller manages).
    pub managed: Vec<NodePath>,
    /// Visible (not draft) activities of these communities (the caller's as a volunteer).
    pub visible_in: Vec<NodePath>,
    /// Of this status.
    pub status: Option<ActivityStatus>,
    /// Starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Starting at or before.
    pub to: Option<DateTime<Utc>>,
    /// Ids below this (the cursor).
    pub before: Option<ActivityId>,
}

/// A page of activities, newest first.
pub fn list(
    conn: &mut DbConnection,
    f: &ActivityFilter,
    limit: i64,
) -> Result<Vec<ActivityRecord>, StoreError> {
    let mut seen: Box<dyn BoxableExpression<a::table, MultiBackend, SqlType = Bool>> =
        Box::new(sql::<Bool>("1 = 0"));
    for p in &f.managed {
        let (lo, hi) = subtree_bounds(p);
        seen = Box::new(seen.or(a::community_path.ge(lo).and(a::community_path.lt(hi))));
    }
    for p in &f.visible_in {
        seen = Box::new(
            seen.or(a::community_path
                .eq(p.as_str().to_owned())
                .and(a::status.ne(ActivityStatus::Draft.as_str()))),
        );
    }
    let mut q = a::table.filter(seen).into_boxed::<MultiBackend>();
    if let Some(s) = f.status {
        q = q.filter(a::status.eq(s.as_str()));
    }
    if let Some(t) = f.from {
        q = q.filter(a::starts_at.ge(to_db(t)));
    }
    if let Some(t) = f.to {
        q = q.filter(a::starts_at.le(to_db(t)));
    }
    if let Some(b) = f.before {
        q = q.filter(a::id.lt(b.0));
    }
    q.order(a::id.desc())
        .limit(limit)
        .select(columns!())
        .load::<Row>(conn)?
        .into_iter()
        .map(record)
        .collect()
}

/// Confirmed and waiting sign-ups of each activity named.
pub fn counts(
    conn: &mut DbConnection,
    ids: &[ActivityId],
) -> Result<HashMap<ActivityId, (u32, u32)>, StoreError> {
    let rows: Vec<(i64, String, i64)> = s::table
        .filter(s::activity_id.eq_any(ids.iter().map(|i| i.0).collect::<Vec<_>>()))
        .filter(s::status.ne(SignupStatus::Withdrawn.as_str()))
        .group_by((s::activity_id, s::status))
        .select((s::activity_id, s::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: HashMap<ActivityId, (u32, u32)> = ids.iter().map(|i| (*i, (0, 0))).collect();
    for (id, status, n) in rows {
        let n = u32::try_from(n).map_err(corrupt)?;
        let e = out.entry(ActivityId(id)).or_default();
        match SignupStatus::parse(&status).map_err(corrupt)? {
            SignupStatus::Confirmed => e.0 = n,
            SignupStatus::Waiting => e.1 = n,
            SignupStatus::Withdrawn => {}
        }
    }
    Ok(out)
}
