//! Attendance: check-in inside the activity's window (opening a little early), check-out after
//! check-in (until a while after the end), an organiser's correction with a reason, and the
//! minutes served, capped to the window.

use chrono::{DateTime, TimeDelta, Utc};

use crate::text::{Note, NoteError};

use super::{Schedule, SignupStatus};

/// How far the attendance window reaches beyond the activity's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttendancePolicy {
    /// Check-in opens this long before the start.
    pub early: TimeDelta,
    /// Check-out stays open this long after the end.
    pub late: TimeDelta,
}

impl Default for AttendancePolicy {
    /// Check-in from 30 minutes before the start; check-out until 2 hours after the end.
    fn default() -> Self {
        AttendancePolicy {
            early: TimeDelta::minutes(30),
            late: TimeDelta::hours(2),
        }
    }
}

impl AttendancePolicy {
    /// The first instant a volunteer may check in.
    pub fn check_in_opens(&self, schedule: &Schedule) -> DateTime<Utc> {
        schedule.starts_at() - self.early
    }

    /// The last instant a volunteer may check out.
    pub fn check_out_closes(&self, schedule: &Schedule) -> DateTime<Utc> {
        schedule.ends_at() + self.late
    }
}

/// A volunteer's attendance at one activity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attendance {
    /// When they checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// When they checked out.
    pub checked_out_at: Option<DateTime<Utc>>,
}

/// Why a check-in or check-out was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttendanceError {
    /// No confirmed place (not signed up, waiting, or withdrawn).
    #[error("only volunteers with a confirmed place check in")]
    NotConfirmed,
    /// Before check-in opens.
    #[error("check-in opens at {opens_at}")]
    TooEarly {
        /// When it opens.
        opens_at: DateTime<Utc>,
    },
    /// After the window closed (the end for check-in; the end plus the grace for check-out).
    #[error("the window closed at {closed_at}")]
    WindowClosed {
        /// When it closed.
        closed_at: DateTime<Utc>,
    },
    /// Checked in already.
    #[error("already checked in")]
    AlreadyCheckedIn,
    /// Checking out without having checked in.
    #[error("not checked in")]
    NotCheckedIn,
    /// Checked out already.
    #[error("already checked out")]
    AlreadyCheckedOut,
}

impl AttendanceError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            AttendanceError::NotConfirmed => "attendance.not_confirmed",
            AttendanceError::TooEarly { .. } => "attendance.too_early",
            AttendanceError::WindowClosed { .. } => "attendance.window_closed",
            AttendanceError::AlreadyCheckedIn => "attendance.already_checked_in",
            AttendanceError::NotCheckedIn => "attendance.not_checked_in",
            AttendanceError::AlreadyCheckedOut => "attendance.already_checked_out",
        }
    }
}

/// Decides a check-in at `now`: a confirmed place, not checked in yet, and `now` within
/// [start − early, end]. Returns the attendance after it.
pub fn check_in(
    schedule: &Schedule,
    policy: &AttendancePolicy,
    signup: Option<SignupStatus>,
    attendance: &Attendance,
    now: DateTime<Utc>,
) -> Result<Attendance, AttendanceError> {
    if signup != Some(SignupStatus::Confirmed) {
        return Err(AttendanceError::NotConfirmed);
    }
    if attendance.checked_in_at.is_some() {
        return Err(AttendanceError::AlreadyCheckedIn);
    }
    let opens_at = policy.check_in_opens(schedule);
    if now < opens_at {
        return Err(AttendanceError::TooEarly { opens_at });
    }
    if now > schedule.ends_at() {
        return Err(AttendanceError::WindowClosed {
            closed_at: schedule.ends_at(),
        });
    }
    Ok(Attendance {
        checked_in_at: Some(now),
        checked_out_at: None,
    })
}

/// Decides a check-out at `now`: checked in, not out yet, and `now` no later than end + late.
/// Returns the attendance after it.
pub fn check_out(
    schedule: &Schedule,
    policy: &AttendancePolicy,
    attendance: &Attendance,
    now: DateTime<Utc>,
) -> Result<Attendance, AttendanceError> {
    let checked_in_at = attendance
        .checked_in_at
        .ok_or(AttendanceError::NotCheckedIn)?;
    if attendance.checked_out_at.is_some() {
        return Err(AttendanceError::AlreadyCheckedOut);
    }
    let closed_at = policy.check_out_closes(schedule);
    if now > closed_at {
        return Err(AttendanceError::WindowClosed { closed_at });
    }
    Ok(Attendance {
        checked_in_at: Some(checked_in_at),
        checked_out_at: Some(now.max(checked_in_at)),
    })
}

/// Whole minutes served: from check-in to check-out, both clamped into the activity's window
/// (arriving early or leaving late earns nothing extra), rounded down. Zero without a
/// check-out: an organiser's correction supplies a forgotten one.
pub fn served_minutes(schedule: &Schedule, attendance: &Attendance) -> i64 {
    let (Some(inn), Some(out)) = (attendance.checked_in_at, attendance.checked_out_at) else {
        return 0;
    };
    let from = inn.max(schedule.starts_at());
    let to = out.min(schedule.ends_at());
    (to - from).num_minutes().max(0)
}

/// An organiser's correction of one volunteer's attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The attendance as it should be (both empty: absent).
    pub attendance: Attendance,
    /// Why (kept with the record).
    pub reason: Note,
}

/// Why a correction was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CorrectionError {
    /// The reason is missing or not a valid note.
    #[error("a correction needs a reason: {0}")]
    Reason(NoteError),
    /// A check-out without a check-in.
    #[error("a check-out needs a check-in")]
    OutWithoutIn,
    /// The check-out is before the check-in.
    #[error("the check-out is before the check-in")]
    Reversed,
    /// A time outside the attendance window (start − early to end + late).
    #[error("the times must lie between {from} and {until}")]
    OutsideWindow {
        /// The earliest allowed.
        from: DateTime<Utc>,
        /// The latest allowed.
        until: DateTime<Utc>,
    },
}

impl CorrectionError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            CorrectionError::Reason(NoteError::Empty) => "attendance.reason_required",
            CorrectionError::Reason(_) => "attendance.reason_invalid",
            CorrectionError::OutWithoutIn => "attendance.out_without_in",
            CorrectionError::Reversed => "attendance.reversed",
            CorrectionError::OutsideWindow { .. } => "attendance.outside_window",
        }
    }
}

/// Decides an organiser's correction: the times (none at all marks the volunteer absent), each
/// within the attendance window, the check-out not before the check-in, and a non-empty reason.
pub fn correct(
    schedule: &Schedule,
    policy: &AttendancePolicy,
    checked_in_at: Option<DateTime<Utc>>,
    checked_out_at: Option<DateTime<Utc>>,
    reason: &str,
) -> Result<Correction, CorrectionError> {
    let reason = Note::parse(reason).map_err(CorrectionError::Reason)?;
    let from = policy.check_in_opens(schedule);
    let until = policy.check_out_closes(schedule);
    let inside = |t: DateTime<Utc>| (from..=until).contains(&t);
    match (checked_in_at, checked_out_at) {
        (None, Some(_)) => return Err(CorrectionError::OutWithoutIn),
        (Some(i), Some(o)) if o < i => return Err(CorrectionError::Reversed),
        _ => {}
    }
    if checked_in_at
        .into_iter()
        .chain(checked_out_at)
        .any(|t| !inside(t))
    {
        return Err(CorrectionError::OutsideWindow { from, until });
    }
    Ok(Correction {
        attendance: Attendance {
            checked_in_at,
            checked_out_at,
        },
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(m: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_796_000_000, 0).unwrap() + TimeDelta::minutes(m)
    }

    /// 09:00–11:00 as minutes 0–120.
    fn schedule() -> Schedule {
        Schedule::new(at(0), at(120), None).unwrap()
    }

    const P: AttendancePolicy = AttendancePolicy {
        early: TimeDelta::minutes(30),
        late: TimeDelta::minutes(120),
    };

    fn confirmed() -> Option<SignupStatus> {
        Some(SignupStatus::Confirmed)
    }

    #[test]
    fn the_default_policy_is_thirty_minutes_early_and_two_hours_late() {
        assert_eq!(AttendancePolicy::default(), P);
    }

    #[test]
    fn check_in_inside_the_window_then_check_out() {
        let s = schedule();
        let none = Attendance::default();
        for m in [-30, 0, 60, 120] {
            assert_eq!(
                check_in(&s, &P, confirmed(), &none, at(m)),
                Ok(Attendance {
                    checked_in_at: Some(at(m)),
                    checked_out_at: None
                })
            );
        }
        let inn = check_in(&s, &P, confirmed(), &none, at(-10)).unwrap();
        let out = check_out(&s, &P, &inn, at(240)).unwrap();
        assert_eq!(out.checked_out_at, Some(at(240)));
        assert_eq!(served_minutes(&s, &out), 120);
    }

    #[test]
    fn check_in_refusals() {
        let s = schedule();
        let none = Attendance::default();
        assert_eq!(
            check_in(&s, &P, confirmed(), &none, at(-31)),
            Err(AttendanceError::TooEarly { opens_at: at(-30) })
        );
        assert_eq!(
            check_in(&s, &P, confirmed(), &none, at(121)),
            Err(AttendanceError::WindowClosed { closed_at: at(120) })
        );
        for signup in [
            None,
            Some(SignupStatus::Waiting),
            Some(SignupStatus::Withdrawn),
        ] {
            assert_eq!(
                check_in(&s, &P, signup, &none, at(0)),
                Err(AttendanceError::NotConfirmed)
            );
        }
        let inn = check_in(&s, &P, confirmed(), &none, at(5)).unwrap();
        let err = check_in(&s, &P, confirmed(), &inn, at(6)).unwrap_err();
        assert_eq!(err, AttendanceError::AlreadyCheckedIn);
        assert_eq!(err.code(), "attendance.already_checked_in");
        assert_eq!(
            AttendanceError::TooEarly { opens_at: at(0) }.code(),
            "attendance.too_early"
        );
    }

    #[test]
    fn check_out_refusals() {
        let s = schedule();
        assert_eq!(
            check_out(&s, &P, &Attendance::default(), at(60)),
            Err(AttendanceError::NotCheckedIn)
        );
        let inn = Attendance {
            checked_in_at: Some(at(0)),
            checked_out_at: None,
        };
        assert_eq!(
            check_out(&s, &P, &inn, at(241)),
            Err(AttendanceError::WindowClosed { closed_at: at(240) })
        );
        let out = check_out(&s, &P, &inn, at(90)).unwrap();
        assert_eq!(
            check_out(&s, &P, &out, at(100)),
            Err(AttendanceError::AlreadyCheckedOut)
        );
        assert_eq!(
            AttendanceError::NotCheckedIn.code(),
            "attendance.not_checked_in"
        );
    }

    #[test]
    fn minutes_are_capped_to_the_window_and_need_a_check_out() {
        let s = schedule();
        let a = |i: i64, o: Option<i64>| Attendance {
            checked_in_at: Some(at(i)),
            checked_out_at: o.map(at),
        };
        assert_eq!(served_minutes(&s, &a(-30, Some(240))), 120);
        assert_eq!(served_minutes(&s, &a(15, Some(75))), 60);
        assert_eq!(served_minutes(&s, &a(110, Some(200))), 10);
        assert_eq!(served_minutes(&s, &a(10, None)), 0);
        assert_eq!(served_minutes(&s, &Attendance::default()), 0);
        // Checked in and out before the start: nothing served.
        assert_eq!(served_minutes(&s, &a(-30, Some(-5))), 0);
        // Seconds are dropped, not rounded up.
        let odd = Attendance {
            checked_in_at: Some(at(0)),
            checked_out_at: Some(at(10) + TimeDelta::seconds(59)),
        };
        assert_eq!(served_minutes(&s, &odd), 10);
    }

    #[test]
    fn a_correction_needs_a_reason_and_sane_times() {
        let s = schedule();
        let c = correct(&s, &P, Some(at(0)), Some(at(120)), " 忘记签退 ").unwrap();
        assert_eq!(c.reason.as_str(), "忘记签退");
        assert_eq!(served_minutes(&s, &c.attendance), 120);
        let absent = correct(&s, &P, None, None, "未到场").unwrap();
        assert_eq!(absent.attendance, Attendance::default());
        assert!(correct(&s, &P, Some(at(0)), None, "only arrived").is_ok());

        let cases = [
            (
                Some(at(0)),
                Some(at(60)),
                "  ",
                CorrectionError::Reason(NoteError::Empty),
                "attendance.reason_required",
            ),
            (
                None,
                Some(at(60)),
                "x",
                CorrectionError::OutWithoutIn,
                "attendance.out_without_in",
            ),
            (
                Some(at(60)),
                Some(at(0)),
                "x",
                CorrectionError::Reversed,
                "attendance.reversed",
            ),
            (
                Some(at(-31)),
                Some(at(60)),
                "x",
                CorrectionError::OutsideWindow {
                    from: at(-30),
                    until: at(240),
                },
                "attendance.outside_window",
            ),
            (
                Some(at(0)),
                Some(at(241)),
                "x",
                CorrectionError::OutsideWindow {
                    from: at(-30),
                    until: at(240),
                },
                "attendance.outside_window",
            ),
        ];
        for (i, o, reason, err, code) in cases {
            assert_eq!(correct(&s, &P, i, o, reason), Err(err));
            assert_eq!(err.code(), code);
        }
        assert_eq!(
            CorrectionError::Reason(NoteError::ControlCharacter).code(),
            "attendance.reason_invalid"
        );
    }
}
