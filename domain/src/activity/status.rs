//! The activity state machine: draft → published → ongoing → finished, and cancelled from draft,
//! published or ongoing; what may be done in which status.

use crate::labelled::labelled_enum;

labelled_enum!(
    /// Where an activity stands.
    ActivityStatus, "activity status", {
        /// Being prepared by staff; volunteers do not see it.
        Draft => "draft", "草稿",
        /// Open for sign-up.
        Published => "published", "报名中",
        /// Under way: the organiser started it or the first volunteer checked in.
        Ongoing => "ongoing", "进行中",
        /// Over; points are awarded for the hours served.
        Finished => "finished", "已结束",
        /// Called off.
        Cancelled => "cancelled", "已取消",
    }
);

labelled_enum!(
    /// What someone does to or within an activity.
    ActivityAction, "activity action", {
        /// Change title, description, place, time, capacity, required skills, points.
        Edit => "edit", "编辑",
        /// Open it for sign-up.
        Publish => "publish", "发布",
        /// The organiser starts it.
        Start => "start", "开始",
        /// A volunteer signs up.
        SignUp => "sign_up", "报名",
        /// A volunteer withdraws.
        Withdraw => "withdraw", "取消报名",
        /// A volunteer checks in (the first check-in starts a published activity).
        CheckIn => "check_in", "签到",
        /// A volunteer checks out.
        CheckOut => "check_out", "签退",
        /// The organiser corrects someone's attendance, with a reason.
        CorrectAttendance => "correct_attendance", "更正考勤",
        /// The organiser finishes it; points follow.
        Finish => "finish", "结束",
        /// Call it off.
        Cancel => "cancel", "取消",
    }
);

impl ActivityStatus {
    /// Finished or cancelled: a record now.
    pub fn is_final(self) -> bool {
        matches!(self, ActivityStatus::Finished | ActivityStatus::Cancelled)
    }

    /// Volunteers see it (everything but a draft).
    pub fn is_visible(self) -> bool {
        self != ActivityStatus::Draft
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    /// Not in this status.
    #[error("cannot {} an activity that is {}", action.as_str(), from.as_str())]
    InvalidTransition {
        /// Where the activity stands.
        from: ActivityStatus,
        /// What was asked.
        action: ActivityAction,
    },
}

impl ActivityError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            ActivityError::InvalidTransition { .. } => "activity.invalid_transition",
        }
    }
}

/// Decides `action` on an activity in `status`: the status after it, or why not.
///
/// | action | allowed in | status after |
/// |---|---|---|
/// | edit | draft, published | unchanged |
/// | publish | draft | published |
/// | start | published | ongoing |
/// | sign up, withdraw | published | published |
/// | check in | published, ongoing | ongoing |
/// | check out, correct attendance | ongoing | ongoing |
/// | finish | ongoing | finished |
/// | cancel | draft, published, ongoing | cancelled |
///
/// Attendance is corrected before the activity is finished: the award follows the finish, once.
pub fn decide(
    status: ActivityStatus,
    action: ActivityAction,
) -> Result<ActivityStatus, ActivityError> {
    use ActivityAction as A;
    use ActivityStatus::{Cancelled, Draft, Finished, Ongoing, Published};
    let next = match (action, status) {
        (A::Edit, Draft | Published) => Some(status),
        (A::Publish, Draft) => Some(Published),
        (A::Start, Published) => Some(Ongoing),
        (A::SignUp | A::Withdraw, Published) => Some(Published),
        (A::CheckIn, Published | Ongoing) => Some(Ongoing),
        (A::CheckOut | A::CorrectAttendance, Ongoing) => Some(Ongoing),
        (A::Finish, Ongoing) => Some(Finished),
        (A::Cancel, Draft | Published | Ongoing) => Some(Cancelled),
        _ => None,
    };
    next.ok_or(ActivityError::InvalidTransition {
        from: status,
        action,
    })
}

/// True when `action` would be accepted in `status`: what a client may offer.
pub fn may(status: ActivityStatus, action: ActivityAction) -> bool {
    decide(status, action).is_ok()
}

#[cfg(test)]
mod tests {
    use super::ActivityAction as A;
    use super::ActivityStatus::*;
    use super::*;

    #[test]
    fn the_main_road_and_cancellation() {
        assert_eq!(decide(Draft, A::Publish), Ok(Published));
        assert_eq!(decide(Published, A::Start), Ok(Ongoing));
        assert_eq!(decide(Published, A::CheckIn), Ok(Ongoing));
        assert_eq!(decide(Ongoing, A::CheckIn), Ok(Ongoing));
        assert_eq!(decide(Ongoing, A::Finish), Ok(Finished));
        for s in [Draft, Published, Ongoing] {
            assert_eq!(decide(s, A::Cancel), Ok(Cancelled));
        }
    }

    #[test]
    fn the_table_is_exactly_what_is_allowed() {
        let allowed: &[(ActivityAction, &[ActivityStatus])] = &[
            (A::Edit, &[Draft, Published]),
            (A::Publish, &[Draft]),
            (A::Start, &[Published]),
            (A::SignUp, &[Published]),
            (A::Withdraw, &[Published]),
            (A::CheckIn, &[Published, Ongoing]),
            (A::CheckOut, &[Ongoing]),
            (A::CorrectAttendance, &[Ongoing]),
            (A::Finish, &[Ongoing]),
            (A::Cancel, &[Draft, Published, Ongoing]),
        ];
        assert_eq!(allowed.len(), ActivityAction::ALL.len());
        for (action, ok_in) in allowed {
            for status in ActivityStatus::ALL {
                let got = decide(*status, *action);
                assert_eq!(got.is_ok(), ok_in.contains(status), "{action} in {status}");
                assert_eq!(may(*status, *action), got.is_ok());
                if let Err(e) = got {
                    assert_eq!(
                        e,
                        ActivityError::InvalidTransition {
                            from: *status,
                            action: *action
                        }
                    );
                    assert_eq!(e.code(), "activity.invalid_transition");
                }
            }
        }
    }

    #[test]
    fn final_statuses_refuse_everything() {
        for s in [Finished, Cancelled] {
            assert!(s.is_final());
            for a in ActivityAction::ALL {
                assert!(decide(s, *a).is_err());
            }
        }
        assert!(!Draft.is_visible());
        assert!(Ongoing.is_visible());
        assert_eq!(
            decide(Finished, A::Cancel).unwrap_err().to_string(),
            "cannot cancel an activity that is finished"
        );
    }
}
