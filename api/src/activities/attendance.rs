//! Attendance: the organiser's rotating check-in code (shown as a QR code), volunteers checking
//! in and out by scanning it inside the activity's window, and organisers correcting someone's
//! attendance with a reason.
//!
//! The code is signed with a key derived from the configured data key (`LINLI_DATA_KEY`), so
//! every instance of a deployment issues and accepts the same codes.

use linli_domain::access::Actor;
use linli_domain::activity::{
    ActivityAction, ActivityId, ActivityStatus, Attendance, AttendanceError, AttendancePolicy,
    CheckinCode, CheckinPurpose, SignupStatus, check_in, check_out, correct, decide,
};
use linli_domain::volunteer::VolunteerId;
use linli_persistence::activities::{self, AttendanceRecord};
use linli_persistence::tx::transaction;

use super::wire::{AttendanceView, CheckinCodeView, CodeBody, CorrectionBody};
use super::{load_as_volunteer, load_managed};
use crate::crypto::DataCipher;
use crate::error::{ApiError, Msg};
use crate::state::AppState;

/// The label of the check-in codes' key (see [`DataCipher::derive_key`]).
const KEY_LABEL: &str = "activity-checkin-code/v1";

fn key(cipher: &DataCipher) -> [u8; 32] {
    cipher.derive_key(KEY_LABEL)
}

fn attendance_view(r: &AttendanceRecord) -> AttendanceView {
    AttendanceView {
        activity_id: r.activity.0,
        volunteer_id: r.volunteer.0,
        checked_in_at: r.attendance.checked_in_at,
        checked_out_at: r.attendance.checked_out_at,
        corrected_by: r.corrected_by.map(|u| u.0),
        correction_reason: r.correction_reason.clone(),
    }
}

/// The current code of a managed, published or ongoing activity.
pub async fn code(
    state: &AppState,
    actor: Actor,
    id: ActivityId,
    purpose: CheckinPurpose,
) -> Result<CheckinCodeView, ApiError> {
    let now = state.clock.now();
    let key = key(&state.cipher);
    state
        .db
        .read(move |conn| {
            let a = load_managed(conn, id, &actor, false)?;
            // Codes are shown while volunteers may check in or out.
            decide(a.status, ActivityAction::CheckIn)?;
            Ok(CheckinCodeView {
                activity_id: id.0,
                purpose: purpose.into(),
                code: CheckinCode::issue(&key, id, purpose, now),
                valid_until: CheckinCode::valid_until(now),
                refresh_at: CheckinCode::refresh_at(now),
            })
        })
        .await
}

fn my_status(
    conn: &mut linli_persistence::DbConnection,
    id: ActivityId,
    volunteer: VolunteerId,
) -> Result<Option<SignupStatus>, ApiError> {
    Ok(activities::signups_of(conn, id)?
        .into_iter()
        .find(|s| s.volunteer == volunteer && s.status.is_current())
        .map(|s| s.status))
}

/// Checks the caller in with a scanned code; the first check-in starts a published activity.
pub async fn check_in_me(
    state: &AppState,
    actor: Actor,
    id: ActivityId,
    body: CodeBody,
) -> Result<AttendanceView, ApiError> {
    let now = state.clock.now();
    let key = key(&state.cipher);
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (a, v) = load_as_volunteer(conn, id, &actor, true)?;
                CheckinCode::verify(&key, body.code.trim(), id, CheckinPurpose::In, now)?;
                let next = decide(a.status, ActivityAction::CheckIn)?;
                let signup = my_status(conn, id, v.id)?;
                let before = activities::get_attendance(conn, id, v.id)?
                    .map(|r| r.attendance)
                    .unwrap_or_default();
                let after = check_in(
                    &a.fields.schedule,
                    &AttendancePolicy::default(),
                    signup,
                    &before,
                    now,
                )?;
                let at = after.checked_in_at.unwrap_or(now);
                if !activities::record_check_in(conn, id, v.id, at)? {
                    return Err(AttendanceError::AlreadyCheckedIn.into());
                }
                if a.status != next {
                    activities::set_status(conn, id, a.status, next, None, now)?;
                }
                let r = activities::get_attendance(conn, id, v.id)?
                    .ok_or_else(|| ApiError::internal(anyhow::anyhow!("attendance vanished")))?;
                Ok(attendance_view(&r))
            })
        })
        .await
}

/// Checks the caller out with a scanned code.
pub async fn check_out_me(
    state: &AppState,
    actor: Actor,
    id: ActivityId,
    body: CodeBody,
) -> Result<AttendanceView, ApiError> {
    let now = state.clock.now();
    let key = key(&state.cipher);
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (a, v) = load_as_volunteer(conn, id, &actor, true)?;
                CheckinCode::verify(&key, body.code.trim(), id, CheckinPurpose::Out, now)?;
                if a.status == ActivityStatus::Published {
                    // Nobody has checked in yet (the first check-in starts it).
                    return Err(AttendanceError::NotCheckedIn.into());
                }
                decide(a.status, ActivityAction::CheckOut)?;
                let before = activities::get_attendance(conn, id, v.id)?
                    .map(|r| r.attendance)
                    .unwrap_or_default();
                let after = check_out(
                    &a.fields.schedule,
                    &AttendancePolicy::default(),
                    &before,
                    now,
                )?;
                let at = after.checked_out_at.unwrap_or(now);
                if !activities::record_check_out(conn, id, v.id, at)? {
                    return Err(AttendanceError::AlreadyCheckedOut.into());
                }
                let r = activities::get_attendance(conn, id, v.id)?
                    .ok_or_else(|| ApiError::internal(anyhow::anyhow!("attendance vanished")))?;
                Ok(attendance_view(&r))
            })
        })
        .await
}

/// An organiser sets a confirmed volunteer's attendance, with a reason.
pub async fn correct_attendance(
    state: &AppState,
    actor: Actor,
    id: ActivityId,
    volunteer: VolunteerId,
    body: CorrectionBody,
) -> Result<AttendanceView, ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let a = load_managed(conn, id, &actor, true)?;
                // Staff who volunteer too do not correct their own hours (they earn points).
                if linli_persistence::volunteers::get(conn, volunteer)
                    .is_ok_and(|v| v.user_id == actor.user_id)
                {
                    return Err(crate::volunteers::enrol::own_record());
                }
                let c = correct(
                    &a.fields.schedule,
                    &AttendancePolicy::default(),
                    body.checked_in_at,
                    body.checked_out_at,
                    &body.reason,
                )?;
                decide(a.status, ActivityAction::CorrectAttendance)?;
                if my_status(conn, id, volunteer)? != Some(SignupStatus::Confirmed) {
                    return Err(ApiError::conflict(
                        "attendance.not_confirmed",
                        Msg::new(
                            "该志愿者没有本活动的确认报名",
                            "The volunteer has no confirmed place at this activity",
                        ),
                    ));
                }
                let times: Attendance = c.attendance;
                activities::correct(
                    conn,
                    id,
                    volunteer,
                    &times,
                    actor.user_id,
                    c.reason.as_str(),
                    now,
                )?;
                let r = activities::get_attendance(conn, id, volunteer)?
                    .ok_or_else(|| ApiError::internal(anyhow::anyhow!("attendance vanished")))?;
                Ok(attendance_view(&r))
            })
        })
        .await
}
