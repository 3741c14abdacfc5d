//! Finishing an activity: each confirmed volunteer's minutes from their attendance, and their
//! points under the community's rule (or the activity's own amounts), appended to the ledger
//! once per activity and volunteer.
//!
//! Twice never awards twice: the finish moves the activity from ongoing to finished under its
//! row lock, so a second finish (or one racing it) finds it finished and is refused; and each
//! award carries the key `activity:{id}:volunteer:{id}`, unique in the ledger, so even a retry
//! after a partial failure appends nothing again.

use linli_domain::access::Actor;
use linli_domain::activity::{
    ActivityAction, ActivityId, ActivityStatus, SignupStatus, decide, served_minutes,
};
use linli_domain::points::{
    AwardSource, Entry, PointsRule, award_for_activity, earns_for_activity,
};
use linli_domain::volunteer::VolunteerKind;
use linli_persistence::activities::{self, ActivityRecord};
use linli_persistence::tx::transaction;
use linli_persistence::volunteers::{self, NewEntry};
use linli_persistence::{DbConnection, StoreError};

use super::wire::{AwardView, FinishResult};
use super::{load_managed, view};
use crate::error::ApiError;
use crate::state::AppState;

/// The reason recorded when the finish signs out someone who never checked out.
pub const AUTO_SIGN_OUT: &str = "未签退，结束时按活动结束时间签退";

/// The rule an activity's awards follow: the community's, with the activity's own amounts.
fn rule_for(conn: &mut DbConnection, a: &ActivityRecord) -> Result<PointsRule, ApiError> {
    let base = volunteers::get_rule(conn, a.community_id)?;
    if a.fields.points_per_hour.is_none() && a.fields.points_per_activity.is_none() {
        return Ok(base);
    }
    let mut rule = PointsRule::new(
        a.fields.points_per_hour.unwrap_or(base.per_hour().get()),
        a.fields
            .points_per_activity
            .unwrap_or(base.per_activity().get()),
        base.per_request().get(),
    )
    .and_then(|r| {
        r.with_basically_satisfied_share(i64::from(base.basically_satisfied_share().basis_points()))
    })
    .map_err(ApiError::internal)?;
    for kind in VolunteerKind::ALL {
        rule = rule
            .with_multiplier(*kind, i64::from(base.multiplier(*kind).basis_points()))
            .map_err(ApiError::internal)?;
    }
    Ok(rule)
}

/// Finishes an ongoing activity and awards its attendees.
pub async fn finish(
    state: &AppState,
    actor: Actor,
    id: ActivityId,
) -> Result<FinishResult, ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let a = load_managed(conn, id, &actor, true)?;
                decide(a.status, ActivityAction::Finish)?;
                if !activities::set_status(
                    conn,
                    id,
                    ActivityStatus::Ongoing,
                    ActivityStatus::Finished,
                    None,
                    now,
                )? {
                    let current = activities::get(conn, id)?.status;
                    decide(current, ActivityAction::Finish)?;
                }
                let awards = award_attendees(conn, &a, actor.user_id, now)?;
                Ok(FinishResult {
                    activity: view(conn, id, &actor)?,
                    awards,
                })
            })
        })
        .await
}

/// Awards every confirmed volunteer of activity `a` for the minutes they served, under its rule,
/// once (the ledger key is per activity and volunteer); records minutes and points on their
/// attendance. Called by the finish, inside its transaction, and by the demo's seed.
pub fn award_attendees(
    conn: &mut DbConnection,
    a: &ActivityRecord,
    by: linli_domain::UserId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<AwardView>, ApiError> {
    let id = a.id;
    let rule = rule_for(conn, a)?;
    let mut awards = Vec::new();
    // In volunteer order: two finishes of different activities that award the same
    // volunteers take their rows in the same order, so they never deadlock.
    let mut confirmed: Vec<_> = activities::signups_of(conn, id)?
        .into_iter()
        .filter(|s| s.status == SignupStatus::Confirmed)
        .collect();
    confirmed.sort_by_key(|s| s.volunteer);
    for s in confirmed {
        let mut att = activities::get_attendance(conn, id, s.volunteer)?;
        // Checked in and never out (a phone gone flat, a hurried goodbye): signed out when the
        // activity ended (or now, if it ends early), as a correction the attendance shows, so
        // their hours are not lost and nobody is credited past the end.
        if let Some(r) = &att
            && let (Some(checked_in), None) =
                (r.attendance.checked_in_at, r.attendance.checked_out_at)
        {
            let out = a.fields.schedule.ends_at().min(now).max(checked_in);
            activities::correct(
                conn,
                id,
                s.volunteer,
                &linli_domain::activity::Attendance {
                    checked_in_at: Some(checked_in),
                    checked_out_at: Some(out),
                },
                by,
                AUTO_SIGN_OUT,
                now,
            )?;
            att = activities::get_attendance(conn, id, s.volunteer)?;
        }
        let minutes = att
            .as_ref()
            .map(|r| served_minutes(&a.fields.schedule, &r.attendance))
            .unwrap_or(0);
        let volunteer = volunteers::get(conn, s.volunteer)?;
        let amount = if earns_for_activity(volunteer.status) {
            award_for_activity(&rule, volunteer.kind, minutes)
        } else {
            linli_domain::points::Points::ZERO
        };
        let mut points = 0;
        if amount.is_positive() {
            let source = AwardSource::Activity {
                activity: id,
                volunteer: s.volunteer,
            };
            let entry = Entry::award(&source, amount).map_err(ApiError::internal)?;
            match volunteers::append(
                conn,
                &NewEntry {
                    volunteer: s.volunteer,
                    community_id: a.community_id,
                    entry: &entry,
                    minutes: Some(minutes),
                    recorded_by: Some(by),
                },
                now,
            ) {
                Ok(_) => points = amount.get(),
                // Awarded already: the ledger keeps what it has.
                Err(StoreError::Duplicate(_)) => {
                    points = volunteers::find_entry(conn, &source.idempotency_key())?
                        .map(|e| e.entry.amount().get())
                        .unwrap_or(0);
                }
                Err(e) => return Err(e.into()),
            }
        }
        if att.is_some() {
            activities::set_result(conn, id, s.volunteer, minutes, points, now)?;
        }
        awards.push(AwardView {
            volunteer_id: s.volunteer.0,
            minutes,
            points,
        });
    }
    Ok(awards)
}
