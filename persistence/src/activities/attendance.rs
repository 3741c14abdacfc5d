//! Attendance: check-in and check-out times, an organiser's correction with its reason, and
//! the minutes and points recorded when the activity finished.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use linli_domain::UserId;
use linli_domain::activity::{ActivityId, Attendance};
use linli_domain::volunteer::VolunteerId;

use crate::connection::DbConnection;
use crate::error::{StoreError, on_unique};
use crate::schema::activity_attendance as at;
use crate::time::{opt_from_db, opt_to_db, to_db};

/// One volunteer's attendance at one activity.
#[derive(Debug, Clone, PartialEq)]
pub struct AttendanceRecord {
    /// The activity.
    pub activity: ActivityId,
    /// Who.
    pub volunteer: VolunteerId,
    /// The times.
    pub attendance: Attendance,
    /// The organiser who corrected it last.
    pub corrected_by: Option<UserId>,
    /// When.
    pub corrected_at: Option<DateTime<Utc>>,
    /// Why.
    pub correction_reason: Option<String>,
    /// Minutes served, once the activity finished.
    pub minutes: Option<i64>,
    /// Points awarded, once the activity finished.
    pub points: Option<i64>,
}

type Row = (
    i64,
    i64,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i64>,
    Option<NaiveDateTime>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

const COLUMNS: (
    at::activity_id,
    at::volunteer_id,
    at::checked_in_at,
    at::checked_out_at,
    at::corrected_by,
    at::corrected_at,
    at::correction_reason,
    at::minutes,
    at::points,
) = (
    at::activity_id,
    at::volunteer_id,
    at::checked_in_at,
    at::checked_out_at,
    at::corrected_by,
    at::corrected_at,
    at::correction_reason,
    at::minutes,
    at::points,
);

fn record(r: Row) -> AttendanceRecord {
    AttendanceRecord {
        activity: ActivityId(r.0),
        volunteer: VolunteerId(r.1),
        attendance: Attendance {
            checked_in_at: opt_from_db(r.2),
            checked_out_at: opt_from_db(r.3),
        },
        corrected_by: r.4.map(UserId),
        corrected_at: opt_from_db(r.5),
        correction_reason: r.6,
        minutes: r.7,
        points: r.8,
    }
}

/// One volunteer's attendance, if any was recorded.
pub fn get_attendance(
    conn: &mut DbConnection,
    activity: ActivityId,
    volunteer: VolunteerId,
) -> Result<Option<AttendanceRecord>, StoreError> {
    Ok(at::table
        .find((activity.0, volunteer.0))
        .select(COLUMNS)
        .get_result::<Row>(conn)
        .optional()?
        .map(record))
}

/// Every attendance recorded for an activity.
pub fn attendance_of(
    conn: &mut DbConnection,
    activity: ActivityId,
) -> Result<Vec<AttendanceRecord>, StoreError> {
    Ok(at::table
        .filter(at::activity_id.eq(activity.0))
        .order(at::volunteer_id.asc())
        .select(COLUMNS)
        .load::<Row>(conn)?
        .into_iter()
        .map(record)
        .collect())
}

/// Records a check-in at `at_time` where none is recorded; `false` when one is (a second
/// check-in, or two at once: the loser of the race finds the winner's row).
pub fn record_check_in(
    conn: &mut DbConnection,
    activity: ActivityId,
    volunteer: VolunteerId,
    at_time: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        at::table
            .find((activity.0, volunteer.0))
            .filter(at::checked_in_at.is_null()),
    )
    .set((
        at::checked_in_at.eq(to_db(at_time)),
        at::updated_at.eq(to_db(at_time)),
    ))
    .execute(conn)?;
    if n == 1 {
        return Ok(true);
    }
    let inserted = crate::tx::transaction(conn, |conn| {
        diesel::insert_into(at::table)
            .values((
                at::activity_id.eq(activity.0),
                at::volunteer_id.eq(volunteer.0),
                at::checked_in_at.eq(to_db(at_time)),
                at::updated_at.eq(to_db(at_time)),
            ))
            .execute(conn)
            .map_err(|e| on_unique(e, &[("", "attendance")]))
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(StoreError::Duplicate(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Records a check-out where a check-in is and no check-out; `false` otherwise.
pub fn record_check_out(
    conn: &mut DbConnection,
    activity: ActivityId,
    volunteer: VolunteerId,
    at_time: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        at::table
            .find((activity.0, volunteer.0))
            .filter(at::checked_in_at.is_not_null())
            .filter(at::checked_out_at.is_null()),
    )
    .set((
        at::checked_out_at.eq(to_db(at_time)),
        at::updated_at.eq(to_db(at_time)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Sets a volunteer's attendance as an organiser corrected it, with the reason.
pub fn correct(
    conn: &mut DbConnection,
    activity: ActivityId,
    volunteer: VolunteerId,
    attendance: &Attendance,
    by: UserId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let values = (
        at::checked_in_at.eq(opt_to_db(attendance.checked_in_at)),
        at::checked_out_at.eq(opt_to_db(attendance.checked_out_at)),
        at::corrected_by.eq(by.0),
        at::corrected_at.eq(to_db(now)),
        at::correction_reason.eq(reason),
        at::updated_at.eq(to_db(now)),
    );
    // No ON CONFLICT through MultiConnection: update, and insert when there was nothing. The
    // caller holds the activity's lock, so nobody inserts in between.
    let n = diesel::update(at::table.find((activity.0, volunteer.0)))
        .set(values)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(at::table)
            .values((
                at::activity_id.eq(activity.0),
                at::volunteer_id.eq(volunteer.0),
                values,
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Records the minutes served and points awarded at the finish.
pub fn set_result(
    conn: &mut DbConnection,
    activity: ActivityId,
    volunteer: VolunteerId,
    minutes: i64,
    points: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(at::table.find((activity.0, volunteer.0)))
        .set((
            at::minutes.eq(minutes),
            at::points.eq(points),
            at::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}
