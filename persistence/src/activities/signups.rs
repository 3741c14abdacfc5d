//! Sign-ups: a place or the waiting list, withdrawals and promotions. One current sign-up per
//! volunteer and activity (a unique index over the non-withdrawn ones).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use linli_domain::OrgNodeId;
use linli_domain::activity::{ActivityId, Signup, SignupStatus};
use linli_domain::volunteer::VolunteerId;

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt, on_unique};
use crate::schema::{activity_signups as s, users, volunteers as v};
use crate::time::{from_db, opt_from_db, to_db};

/// A sign-up as stored, with the volunteer's name.
#[derive(Debug, Clone, PartialEq)]
pub struct SignupRecord {
    /// Its id.
    pub id: i64,
    /// The activity.
    pub activity: ActivityId,
    /// Who.
    pub volunteer: VolunteerId,
    /// Their account's display name.
    pub display_name: String,
    /// Where it stands.
    pub status: SignupStatus,
    /// When they signed up (the waiting list's order).
    pub signed_up_at: DateTime<Utc>,
    /// When they moved from the waiting list to a place.
    pub promoted_at: Option<DateTime<Utc>>,
    /// When they withdrew.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl SignupRecord {
    /// As the domain's rules read it.
    pub fn as_signup(&self) -> Signup {
        Signup {
            volunteer: self.volunteer,
            status: self.status,
            signed_up_at: self.signed_up_at,
        }
    }
}

type Row = (
    i64,
    i64,
    i64,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

macro_rules! columns {
    () => {
        (
            s::id,
            s::activity_id,
            s::volunteer_id,
            users::display_name,
            s::status,
            s::signed_up_at,
            s::promoted_at,
            s::withdrawn_at,
        )
    };
}

fn record(r: Row) -> Result<SignupRecord, StoreError> {
    Ok(SignupRecord {
        id: r.0,
        activity: ActivityId(r.1),
        volunteer: VolunteerId(r.2),
        display_name: r.3,
        status: SignupStatus::parse(&r.4).map_err(corrupt)?,
        signed_up_at: from_db(r.5),
        promoted_at: opt_from_db(r.6),
        withdrawn_at: opt_from_db(r.7),
    })
}

/// Every sign-up of an activity (withdrawn ones too), in the order they were made.
pub fn signups_of(
    conn: &mut DbConnection,
    activity: ActivityId,
) -> Result<Vec<SignupRecord>, StoreError> {
    s::table
        .inner_join(v::table.on(v::id.eq(s::volunteer_id)))
        .inner_join(users::table.on(users::id.eq(v::user_id)))
        .filter(s::activity_id.eq(activity.0))
        .order((s::signed_up_at.asc(), s::id.asc()))
        .select(columns!())
        .load::<Row>(conn)?
        .into_iter()
        .map(record)
        .collect()
}

/// Every sign-up of a volunteer, newest first.
pub fn signups_of_volunteer(
    conn: &mut DbConnection,
    volunteer: VolunteerId,
) -> Result<Vec<SignupRecord>, StoreError> {
    s::table
        .inner_join(v::table.on(v::id.eq(s::volunteer_id)))
        .inner_join(users::table.on(users::id.eq(v::user_id)))
        .filter(s::volunteer_id.eq(volunteer.0))
        .order(s::id.desc())
        .select(columns!())
        .load::<Row>(conn)?
        .into_iter()
        .map(record)
        .collect()
}

/// The latest sign-up time of an activity, if anyone signed up.
pub fn last_signed_up_at(
    conn: &mut DbConnection,
    activity: ActivityId,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let t: Option<NaiveDateTime> = s::table
        .filter(s::activity_id.eq(activity.0))
        .select(diesel::dsl::max(s::signed_up_at))
        .get_result(conn)?;
    Ok(opt_from_db(t))
}

/// Stores a sign-up (confirmed or waiting). A current one for the same volunteer and activity
/// clashes: `Duplicate("signup")`.
pub fn insert_signup(
    conn: &mut DbConnection,
    activity: ActivityId,
    volunteer: VolunteerId,
    community: OrgNodeId,
    status: SignupStatus,
    at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    crate::tx::transaction(conn, |conn| {
        diesel::insert_into(s::table)
            .values((
                s::activity_id.eq(activity.0),
                s::volunteer_id.eq(volunteer.0),
                s::community_id.eq(community.0),
                s::status.eq(status.as_str()),
                s::signed_up_at.eq(to_db(at)),
            ))
            .returning(s::id)
            .get_result(conn)
            .map_err(|e| on_unique(e, &[("activity_signups", "signup")]))
    })
}

/// Marks the volunteer's current sign-up withdrawn; `false` when they had none.
pub fn withdraw(
    conn: &mut DbConnection,
    activity: ActivityId,
    volunteer: VolunteerId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        s::table
            .filter(s::activity_id.eq(activity.0))
            .filter(s::volunteer_id.eq(volunteer.0))
            .filter(s::status.ne(SignupStatus::Withdrawn.as_str())),
    )
    .set((
        s::status.eq(SignupStatus::Withdrawn.as_str()),
        s::withdrawn_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Moves a waiting volunteer to a place; `false` when they were not waiting.
pub fn promote(
    conn: &mut DbConnection,
    activity: ActivityId,
    volunteer: VolunteerId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        s::table
            .filter(s::activity_id.eq(activity.0))
            .filter(s::volunteer_id.eq(volunteer.0))
            .filter(s::status.eq(SignupStatus::Waiting.as_str())),
    )
    .set((
        s::status.eq(SignupStatus::Confirmed.as_str()),
        s::promoted_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
