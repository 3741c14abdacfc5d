//! Red Collar Home (红领之家) activities: staff publish them, volunteers of the community sign up
//! (a place or the waiting list), check in and out with the organiser's rotating code, and earn
//! points when the activity finishes. Each change is one transaction that takes the activity's
//! row first, so places, the waiting list and awards hold under any concurrency.

pub mod attendance;
pub mod errors;
pub mod finish;
pub mod manage;
pub mod signups;
pub mod wire;

use linli_domain::access::Actor;
use linli_domain::activity::{ActivityId, SignupStatus, waiting_position};
use linli_persistence::activities::{self, ActivityRecord, AttendanceRecord, SignupRecord};
use linli_persistence::volunteers::{self, VolunteerRecord};
use linli_persistence::{DbConnection, StoreError};

use self::errors::{forbidden, not_a_volunteer, not_found};
use self::wire::{ActivityView, MySignupView, PartnerView};
use crate::error::ApiError;

/// What the caller is to an activity.
pub struct Access {
    /// Staff over the activity's community.
    pub manages: bool,
    /// The caller's volunteer profile, when it is in the activity's community.
    pub volunteer: Option<VolunteerRecord>,
}

/// Reads (or, with `lock`, locks and reads) an activity for a caller: 404 when it does not
/// exist or they may not see it. Managers see everything; volunteers of the community see it
/// once published.
pub fn load(
    conn: &mut DbConnection,
    id: ActivityId,
    actor: &Actor,
    lock: bool,
) -> Result<(ActivityRecord, Access), ApiError> {
    let found = if lock {
        activities::lock(conn, id)
    } else {
        activities::get(conn, id)
    };
    let a = match found {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let manages = actor.administers(&a.community_path);
    let volunteer =
        volunteers::by_user(conn, actor.user_id)?.filter(|v| v.community_path == a.community_path);
    let sees = manages || (volunteer.is_some() && a.status.is_visible());
    if !sees {
        return Err(not_found());
    }
    Ok((a, Access { manages, volunteer }))
}

/// The activity, for a caller who manages it (403 when they only see it).
pub fn load_managed(
    conn: &mut DbConnection,
    id: ActivityId,
    actor: &Actor,
    lock: bool,
) -> Result<ActivityRecord, ApiError> {
    let (a, access) = load(conn, id, actor, lock)?;
    if !access.manages {
        return Err(forbidden());
    }
    Ok(a)
}

/// The activity and the caller's volunteer profile in its community (403 without one).
pub fn load_as_volunteer(
    conn: &mut DbConnection,
    id: ActivityId,
    actor: &Actor,
    lock: bool,
) -> Result<(ActivityRecord, VolunteerRecord), ApiError> {
    let (a, access) = load(conn, id, actor, lock)?;
    match access.volunteer {
        Some(v) => Ok((a, v)),
        None => Err(not_a_volunteer()),
    }
}

/// The caller's current (or, failing that, latest) sign-up among an activity's sign-ups, with
/// their waiting position.
pub fn my_signup(
    signups: &[SignupRecord],
    volunteer: &VolunteerRecord,
    attendance: Option<&AttendanceRecord>,
) -> Option<MySignupView> {
    let domain: Vec<_> = signups.iter().map(SignupRecord::as_signup).collect();
    let mine = signups
        .iter()
        .filter(|s| s.volunteer == volunteer.id)
        .max_by_key(|s| (s.status.is_current(), s.id))?;
    Some(MySignupView {
        status: mine.status.into(),
        position: (mine.status == SignupStatus::Waiting)
            .then(|| waiting_position(&domain, volunteer.id))
            .flatten(),
        signed_up_at: mine.signed_up_at,
        checked_in_at: attendance.and_then(|a| a.attendance.checked_in_at),
        checked_out_at: attendance.and_then(|a| a.attendance.checked_out_at),
        minutes: attendance.and_then(|a| a.minutes),
        points: attendance.and_then(|a| a.points),
    })
}

/// An activity as the caller sees it.
pub fn render(
    a: &ActivityRecord,
    (confirmed, waiting): (u32, u32),
    manageable: bool,
    my_signup: Option<MySignupView>,
) -> ActivityView {
    let f = &a.fields;
    ActivityView {
        id: a.id.0,
        community_id: a.community_id.0,
        title: f.title.clone(),
        description: f.description.clone(),
        organiser: f.organiser.clone(),
        partners: f
            .partners
            .iter()
            .map(|p| PartnerView {
                name: p.name.clone(),
                kind: p.kind.clone(),
            })
            .collect(),
        place: f.place.clone(),
        starts_at: f.schedule.starts_at(),
        ends_at: f.schedule.ends_at(),
        signup_deadline: f.schedule.signup_deadline(),
        capacity: f.capacity.get(),
        required_skills: f
            .required_skills
            .as_slice()
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        points_per_hour: f.points_per_hour,
        points_per_activity: f.points_per_activity,
        status: a.status.into(),
        cancel_reason: a.cancel_reason.clone(),
        version: a.version,
        confirmed_count: confirmed,
        waiting_count: waiting,
        created_at: a.created_at,
        published_at: a.published_at,
        finished_at: a.finished_at,
        manageable,
        my_signup,
    }
}

/// The full view of one activity for the caller, read inside the caller's transaction.
pub fn view(
    conn: &mut DbConnection,
    id: ActivityId,
    actor: &Actor,
) -> Result<ActivityView, ApiError> {
    let (a, access) = load(conn, id, actor, false)?;
    let counts = activities::counts(conn, &[a.id])?
        .get(&a.id)
        .copied()
        .unwrap_or_default();
    let mine = match &access.volunteer {
        Some(v) => {
            let signups = activities::signups_of(conn, a.id)?;
            let att = activities::get_attendance(conn, a.id, v.id)?;
            my_signup(&signups, v, att.as_ref())
        }
        None => None,
    };
    Ok(render(&a, counts, access.manages, mine))
}
