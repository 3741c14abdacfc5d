//! Volunteers signing up (a place while there is one, else the waiting list) and withdrawing
//! (the first one waiting takes the freed place, in the same transaction); the managers' list of
//! sign-ups; and a volunteer's own activities with their hours and points.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use linli_domain::access::Actor;
use linli_domain::activity::{
    ActivityId, ActivityStatus, Signup, SignupError, SignupFacts, SignupStatus, decide_signup,
    waiting_position, withdraw,
};
use linli_persistence::StoreError;
use linli_persistence::activities::{self, SignupRecord};
use linli_persistence::tx::transaction;
use linli_persistence::volunteers;

use super::wire::{
    MyActivities, MyActivityView, SignupList, SignupResult, SignupView, WithdrawResult,
};
use super::{load_as_volunteer, load_managed};
use crate::error::ApiError;
use crate::state::AppState;

fn position_in(signups: &[Signup], s: &SignupRecord) -> Option<u32> {
    (s.status == SignupStatus::Waiting)
        .then(|| waiting_position(signups, s.volunteer))
        .flatten()
}

/// Signs the caller up: confirmed while places are left, else waiting at the end of the list.
pub async fn sign_up(
    state: &AppState,
    actor: Actor,
    id: ActivityId,
) -> Result<SignupResult, ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (a, v) = load_as_volunteer(conn, id, &actor, true)?;
                let signups = activities::signups_of(conn, id)?;
                let count = |st: SignupStatus| {
                    u32::try_from(signups.iter().filter(|s| s.status == st).count())
                        .unwrap_or(u32::MAX)
                };
                let existing = signups
                    .iter()
                    .find(|s| s.volunteer == v.id && s.status.is_current())
                    .map(|s| s.status);
                let placement = decide_signup(&SignupFacts {
                    activity_status: a.status,
                    schedule: &a.fields.schedule,
                    capacity: a.fields.capacity,
                    required_skills: &a.fields.required_skills,
                    volunteer_status: v.status,
                    volunteer_skills: &v.skills,
                    existing,
                    confirmed: count(SignupStatus::Confirmed),
                    waiting: count(SignupStatus::Waiting),
                    now,
                })?;
                // Strictly after every earlier sign-up: the waiting list is first come, first
                // served even when several arrive within one tick of the clock.
                let at = match signups.iter().map(|s| s.signed_up_at).max() {
                    Some(last) if last >= now => last + TimeDelta::microseconds(1),
                    _ => now,
                };
                let status = placement.status();
                match activities::insert_signup(conn, id, v.id, a.community_id, status, at) {
                    Ok(_) => {}
                    Err(StoreError::Duplicate(_)) => {
                        return Err(SignupError::AlreadySignedUp { status }.into());
                    }
                    Err(e) => return Err(e.into()),
                }
                let mut after: Vec<Signup> = signups.iter().map(SignupRecord::as_signup).collect();
                after.push(Signup {
                    volunteer: v.id,
                    status,
                    signed_up_at: at,
                });
                Ok(SignupResult {
                    activity_id: id.0,
                    volunteer_id: v.id.0,
                    status: status.into(),
                    position: (status == SignupStatus::Waiting)
                        .then(|| waiting_position(&after, v.id))
                        .flatten(),
                    signed_up_at: at,
                })
            })
        })
        .await
}

/// Withdraws the caller's sign-up before the start; a freed place goes to the first waiting.
pub async fn withdraw_me(
    state: &AppState,
    actor: Actor,
    id: ActivityId,
) -> Result<WithdrawResult, ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (a, v) = load_as_volunteer(conn, id, &actor, true)?;
                let signups: Vec<Signup> = activities::signups_of(conn, id)?
                    .iter()
                    .map(SignupRecord::as_signup)
                    .collect();
                let w = withdraw(
                    a.status,
                    &a.fields.schedule,
                    a.fields.capacity,
                    &signups,
                    v.id,
                    now,
                )?;
                if !activities::withdraw(conn, id, v.id, now)? {
                    return Err(SignupError::NotSignedUp.into());
                }
                for p in &w.promoted {
                    activities::promote(conn, id, *p, now)?;
                }
                Ok(WithdrawResult {
                    activity_id: id.0,
                    volunteer_id: v.id.0,
                    was: w.was.into(),
                    promoted: w.promoted.iter().map(|p| p.0).collect(),
                })
            })
        })
        .await
}

/// Every sign-up of a managed activity with its attendance.
pub async fn list(state: &AppState, actor: Actor, id: ActivityId) -> Result<SignupList, ApiError> {
    state
        .db
        .read(move |conn| {
            load_managed(conn, id, &actor, false)?;
            let signups = activities::signups_of(conn, id)?;
            let domain: Vec<Signup> = signups.iter().map(SignupRecord::as_signup).collect();
            let attendance: BTreeMap<_, _> = activities::attendance_of(conn, id)?
                .into_iter()
                .map(|a| (a.volunteer, a))
                .collect();
            Ok(SignupList {
                items: signups
                    .iter()
                    .map(|s| {
                        // A withdrawn sign-up's attendance belongs to their current one.
                        let att = s
                            .status
                            .is_current()
                            .then(|| attendance.get(&s.volunteer))
                            .flatten();
                        SignupView {
                            volunteer_id: s.volunteer.0,
                            display_name: s.display_name.clone(),
                            status: s.status.into(),
                            position: position_in(&domain, s),
                            signed_up_at: s.signed_up_at,
                            promoted_at: s.promoted_at,
                            withdrawn_at: s.withdrawn_at,
                            checked_in_at: att.and_then(|a| a.attendance.checked_in_at),
                            checked_out_at: att.and_then(|a| a.attendance.checked_out_at),
                            correction_reason: att.and_then(|a| a.correction_reason.clone()),
                            minutes: att.and_then(|a| a.minutes),
                            points: att.and_then(|a| a.points),
                        }
                    })
                    .collect(),
            })
        })
        .await
}

/// The caller's activities (one line per activity: the current sign-up, else the latest),
/// with minutes and points, and the totals over finished ones.
pub async fn mine(state: &AppState, actor: Actor) -> Result<MyActivities, ApiError> {
    state
        .db
        .read(move |conn| {
            let Some(v) = volunteers::by_user(conn, actor.user_id)? else {
                return Ok(MyActivities {
                    items: Vec::new(),
                    total_minutes: 0,
                    total_points: 0,
                });
            };
            // Newest first; keep per activity the current sign-up, else the newest.
            let mut chosen: Vec<SignupRecord> = Vec::new();
            for s in activities::signups_of_volunteer(conn, v.id)? {
                match chosen.iter_mut().find(|c| c.activity == s.activity) {
                    Some(c) if !c.status.is_current() && s.status.is_current() => *c = s,
                    Some(_) => {}
                    None => chosen.push(s),
                }
            }
            let mut items = Vec::with_capacity(chosen.len());
            let (mut total_minutes, mut total_points) = (0, 0);
            for s in chosen {
                let a = activities::get(conn, s.activity)?;
                let att = activities::get_attendance(conn, a.id, v.id)?;
                let position = if s.status == SignupStatus::Waiting {
                    let all: Vec<Signup> = activities::signups_of(conn, a.id)?
                        .iter()
                        .map(SignupRecord::as_signup)
                        .collect();
                    waiting_position(&all, v.id)
                } else {
                    None
                };
                let (minutes, points) = match &att {
                    Some(r) if a.status == ActivityStatus::Finished && s.status.is_current() => {
                        (r.minutes, r.points)
                    }
                    _ => (None, None),
                };
                total_minutes += minutes.unwrap_or(0);
                total_points += points.unwrap_or(0);
                let att = att.filter(|_| s.status.is_current());
                items.push(MyActivityView {
                    activity_id: a.id.0,
                    title: a.fields.title.clone(),
                    place: a.fields.place.clone(),
                    starts_at: a.fields.schedule.starts_at(),
                    ends_at: a.fields.schedule.ends_at(),
                    activity_status: a.status.into(),
                    signup_status: s.status.into(),
                    position,
                    checked_in_at: att.as_ref().and_then(|r| r.attendance.checked_in_at),
                    checked_out_at: att.as_ref().and_then(|r| r.attendance.checked_out_at),
                    minutes,
                    points,
                });
            }
            Ok(MyActivities {
                items,
                total_minutes,
                total_points,
            })
        })
        .await
}
