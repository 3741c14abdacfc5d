//! Signing up for an activity: a confirmed place while there is one, else a place on the
//! waiting list; a confirmed volunteer who withdraws makes room for the first one waiting.

use chrono::{DateTime, Utc};

use crate::labelled::labelled_enum;
use crate::volunteer::{Skill, Skills, VolunteerId, VolunteerStatus};

use super::{ActivityStatus, Capacity, Schedule};

labelled_enum!(
    /// Where a volunteer's sign-up stands.
    SignupStatus, "sign-up status", {
        /// Has a place.
        Confirmed => "confirmed", "已报名",
        /// On the waiting list, in the order of signing up.
        Waiting => "waiting", "候补",
        /// Withdrew; may sign up again while sign-up is open.
        Withdrawn => "withdrawn", "已取消",
    }
);

impl SignupStatus {
    /// Holds a place or waits for one.
    pub fn is_current(self) -> bool {
        self != SignupStatus::Withdrawn
    }
}

/// One volunteer's sign-up for an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signup {
    /// Who.
    pub volunteer: VolunteerId,
    /// Where it stands.
    pub status: SignupStatus,
    /// When they (last) signed up: the waiting list's order.
    pub signed_up_at: DateTime<Utc>,
}

/// What the rules need to decide a sign-up.
#[derive(Debug, Clone, Copy)]
pub struct SignupFacts<'a> {
    /// The activity's status.
    pub activity_status: ActivityStatus,
    /// Its schedule (the deadline).
    pub schedule: &'a Schedule,
    /// Its places.
    pub capacity: Capacity,
    /// The skills it requires.
    pub required_skills: &'a Skills,
    /// The volunteer's standing.
    pub volunteer_status: VolunteerStatus,
    /// The volunteer's skills.
    pub volunteer_skills: &'a Skills,
    /// The volunteer's current sign-up for this activity, if any.
    pub existing: Option<SignupStatus>,
    /// Places taken now.
    pub confirmed: u32,
    /// Volunteers on the waiting list now.
    pub waiting: u32,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Where a new sign-up lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// A place.
    Confirmed,
    /// On the waiting list, at this 1-based position.
    Waiting {
        /// 1 is next in line.
        position: u32,
    },
}

impl Placement {
    /// The sign-up status to store.
    pub fn status(self) -> SignupStatus {
        match self {
            Placement::Confirmed => SignupStatus::Confirmed,
            Placement::Waiting { .. } => SignupStatus::Waiting,
        }
    }
}

/// Why a sign-up or a withdrawal was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignupError {
    /// The activity is not open for sign-up (a draft, under way, over or cancelled).
    #[error("the activity is {}, not open for sign-up", status.as_str())]
    NotOpen {
        /// The activity's status.
        status: ActivityStatus,
    },
    /// Past the sign-up deadline.
    #[error("sign-up closed at {deadline}")]
    DeadlinePassed {
        /// The deadline.
        deadline: DateTime<Utc>,
    },
    /// The volunteer is not approved, or suspended.
    #[error("the volunteer is {}, not active", status.as_str())]
    VolunteerNotActive {
        /// The volunteer's standing.
        status: VolunteerStatus,
    },
    /// The volunteer lacks skills the activity requires.
    #[error("missing required skills: {}", missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))]
    MissingSkills {
        /// What is missing, in order.
        missing: Vec<Skill>,
    },
    /// Signed up already (confirmed or waiting).
    #[error("already signed up ({})", status.as_str())]
    AlreadySignedUp {
        /// The current sign-up.
        status: SignupStatus,
    },
    /// Withdrawing without a current sign-up.
    #[error("not signed up for this activity")]
    NotSignedUp,
    /// Withdrawing once the activity has started.
    #[error("the activity has started; it is too late to withdraw")]
    Started,
}

impl SignupError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            SignupError::NotOpen { .. } => "signup.not_open",
            SignupError::DeadlinePassed { .. } => "signup.deadline_passed",
            SignupError::VolunteerNotActive { .. } => "signup.volunteer_not_active",
            SignupError::MissingSkills { .. } => "signup.missing_skills",
            SignupError::AlreadySignedUp { .. } => "signup.already_signed_up",
            SignupError::NotSignedUp => "signup.not_signed_up",
            SignupError::Started => "signup.started",
        }
    }
}

/// Decides a sign-up: a place while `confirmed < capacity`, else the end of the waiting list.
/// Checks, in order: the activity is published, the volunteer active, not signed up already,
/// the deadline (inclusive) not passed, every required skill held.
pub fn decide_signup(f: &SignupFacts<'_>) -> Result<Placement, SignupError> {
    if f.activity_status != ActivityStatus::Published {
        return Err(SignupError::NotOpen {
            status: f.activity_status,
        });
    }
    if !f.volunteer_status.may_serve() {
        return Err(SignupError::VolunteerNotActive {
            status: f.volunteer_status,
        });
    }
    if let Some(status) = f.existing.filter(|s| s.is_current()) {
        return Err(SignupError::AlreadySignedUp { status });
    }
    if f.now > f.schedule.signup_deadline() {
        return Err(SignupError::DeadlinePassed {
            deadline: f.schedule.signup_deadline(),
        });
    }
    let missing = f.volunteer_skills.missing(f.required_skills);
    if !missing.is_empty() {
        return Err(SignupError::MissingSkills { missing });
    }
    if f.confirmed < f.capacity.get() {
        Ok(Placement::Confirmed)
    } else {
        Ok(Placement::Waiting {
            position: f.waiting.saturating_add(1),
        })
    }
}

/// The waiting list in order: by time of signing up, then volunteer id.
fn waiting_in_order(signups: &[Signup]) -> Vec<&Signup> {
    let mut waiting: Vec<&Signup> = signups
        .iter()
        .filter(|s| s.status == SignupStatus::Waiting)
        .collect();
    waiting.sort_by_key(|s| (s.signed_up_at, s.volunteer));
    waiting
}

/// Who moves from the waiting list to a place, given every sign-up of the activity: the first
/// ones waiting (by time of signing up, then id), as many as there are free places. Called
/// after a withdrawal or a larger capacity; empty when nothing is free or nobody waits.
pub fn promotions(signups: &[Signup], capacity: Capacity) -> Vec<VolunteerId> {
    let confirmed = signups
        .iter()
        .filter(|s| s.status == SignupStatus::Confirmed)
        .count();
    let free = (capacity.get() as usize).saturating_sub(confirmed);
    waiting_in_order(signups)
        .into_iter()
        .take(free)
        .map(|s| s.volunteer)
        .collect()
}

/// A volunteer's 1-based position on the waiting list, if waiting.
pub fn waiting_position(signups: &[Signup], volunteer: VolunteerId) -> Option<u32> {
    waiting_in_order(signups)
        .iter()
        .position(|s| s.volunteer == volunteer)
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// What a withdrawal changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    /// The sign-up's status before (confirmed or waiting); it becomes withdrawn.
    pub was: SignupStatus,
    /// Volunteers promoted from the waiting list to a place, in order.
    pub promoted: Vec<VolunteerId>,
}

/// Decides `volunteer`'s withdrawal from a published activity before it starts, given every
/// sign-up of the activity. A confirmed place freed goes to the first one waiting.
pub fn withdraw(
    activity_status: ActivityStatus,
    schedule: &Schedule,
    capacity: Capacity,
    signups: &[Signup],
    volunteer: VolunteerId,
    now: DateTime<Utc>,
) -> Result<Withdrawal, SignupError> {
    if activity_status != ActivityStatus::Published {
        return Err(SignupError::NotOpen {
            status: activity_status,
        });
    }
    if now >= schedule.starts_at() {
        return Err(SignupError::Started);
    }
    let was = signups
        .iter()
        .find(|s| s.volunteer == volunteer && s.status.is_current())
        .map(|s| s.status)
        .ok_or(SignupError::NotSignedUp)?;
    let after: Vec<Signup> = signups
        .iter()
        .map(|s| {
            if s.volunteer == volunteer {
                Signup {
                    status: SignupStatus::Withdrawn,
                    ..*s
                }
            } else {
                *s
            }
        })
        .collect();
    Ok(Withdrawal {
        was,
        promoted: promotions(&after, capacity),
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_796_000_000, 0).unwrap() + TimeDelta::hours(h)
    }

    fn schedule() -> Schedule {
        Schedule::new(at(10), at(12), Some(at(8))).unwrap()
    }

    struct Case {
        schedule: Schedule,
        required: Skills,
        skills: Skills,
    }

    impl Case {
        fn new() -> Self {
            Case {
                schedule: schedule(),
                required: Skills::new([Skill::Medical]),
                skills: Skills::new([Skill::Medical, Skill::Legal]),
            }
        }

        fn facts(&self) -> SignupFacts<'_> {
            SignupFacts {
                activity_status: ActivityStatus::Published,
                schedule: &self.schedule,
                capacity: Capacity::new(2).unwrap(),
                required_skills: &self.required,
                volunteer_status: VolunteerStatus::Active,
                volunteer_skills: &self.skills,
                existing: None,
                confirmed: 0,
                waiting: 0,
                now: at(1),
            }
        }
    }

    #[test]
    fn a_place_while_there_is_one_then_the_waiting_list() {
        let c = Case::new();
        assert_eq!(decide_signup(&c.facts()), Ok(Placement::Confirmed));
        let one_left = SignupFacts {
            confirmed: 1,
            ..c.facts()
        };
        assert_eq!(decide_signup(&one_left), Ok(Placement::Confirmed));
        let full = SignupFacts {
            confirmed: 2,
            waiting: 3,
            ..c.facts()
        };
        assert_eq!(decide_signup(&full), Ok(Placement::Waiting { position: 4 }));
        assert_eq!(
            Placement::Waiting { position: 4 }.status(),
            SignupStatus::Waiting
        );
        let withdrawn_before = SignupFacts {
            existing: Some(SignupStatus::Withdrawn),
            ..c.facts()
        };
        assert_eq!(decide_signup(&withdrawn_before), Ok(Placement::Confirmed));
        let at_deadline = SignupFacts {
            now: at(8),
            ..c.facts()
        };
        assert_eq!(decide_signup(&at_deadline), Ok(Placement::Confirmed));
    }

    #[test]
    fn each_refusal_has_its_error_and_code() {
        let c = Case::new();
        let cases: Vec<(SignupFacts<'_>, SignupError, &str)> = vec![
            (
                SignupFacts {
                    activity_status: ActivityStatus::Draft,
                    ..c.facts()
                },
                SignupError::NotOpen {
                    status: ActivityStatus::Draft,
                },
                "signup.not_open",
            ),
            (
                SignupFacts {
                    now: at(8) + TimeDelta::seconds(1),
                    ..c.facts()
                },
                SignupError::DeadlinePassed { deadline: at(8) },
                "signup.deadline_passed",
            ),
            (
                SignupFacts {
                    volunteer_status: VolunteerStatus::Suspended,
                    ..c.facts()
                },
                SignupError::VolunteerNotActive {
                    status: VolunteerStatus::Suspended,
                },
                "signup.volunteer_not_active",
            ),
            (
                SignupFacts {
                    volunteer_status: VolunteerStatus::Pending,
                    ..c.facts()
                },
                SignupError::VolunteerNotActive {
                    status: VolunteerStatus::Pending,
                },
                "signup.volunteer_not_active",
            ),
            (
                SignupFacts {
                    existing: Some(SignupStatus::Waiting),
                    ..c.facts()
                },
                SignupError::AlreadySignedUp {
                    status: SignupStatus::Waiting,
                },
                "signup.already_signed_up",
            ),
            (
                SignupFacts {
                    existing: Some(SignupStatus::Confirmed),
                    confirmed: 2,
                    ..c.facts()
                },
                SignupError::AlreadySignedUp {
                    status: SignupStatus::Confirmed,
                },
                "signup.already_signed_up",
            ),
        ];
        for (facts, err, code) in cases {
            assert_eq!(decide_signup(&facts), Err(err.clone()));
            assert_eq!(err.code(), code);
        }
        let no_skills = Skills::new([Skill::Haircut]);
        let needs = Skills::new([Skill::Medical, Skill::Legal]);
        let facts = SignupFacts {
            volunteer_skills: &no_skills,
            required_skills: &needs,
            ..c.facts()
        };
        let err = decide_signup(&facts).unwrap_err();
        assert_eq!(
            err,
            SignupError::MissingSkills {
                missing: vec![Skill::Medical, Skill::Legal]
            }
        );
        assert_eq!(err.code(), "signup.missing_skills");
        assert_eq!(err.to_string(), "missing required skills: medical, legal");
    }

    fn s(v: i64, status: SignupStatus, h: i64) -> Signup {
        Signup {
            volunteer: VolunteerId(v),
            status,
            signed_up_at: at(h),
        }
    }

    #[test]
    fn a_withdrawn_place_goes_to_the_first_one_waiting() {
        use SignupStatus::*;
        // Listed out of order on purpose: the waiting list is ordered by time, then id.
        let signups = [
            s(1, Confirmed, -9),
            s(2, Confirmed, -8),
            s(5, Waiting, -5),
            s(3, Waiting, -6),
            s(4, Waiting, -6),
            s(6, Withdrawn, -7),
        ];
        let cap = Capacity::new(2).unwrap();
        assert_eq!(waiting_position(&signups, VolunteerId(3)), Some(1));
        assert_eq!(waiting_position(&signups, VolunteerId(4)), Some(2));
        assert_eq!(waiting_position(&signups, VolunteerId(5)), Some(3));
        assert_eq!(waiting_position(&signups, VolunteerId(1)), None);
        assert!(promotions(&signups, cap).is_empty());
        assert_eq!(
            withdraw(
                ActivityStatus::Published,
                &schedule(),
                cap,
                &signups,
                VolunteerId(2),
                at(1)
            ),
            Ok(Withdrawal {
                was: Confirmed,
                promoted: vec![VolunteerId(3)]
            })
        );
        // A waiting volunteer who withdraws frees no place.
        assert_eq!(
            withdraw(
                ActivityStatus::Published,
                &schedule(),
                cap,
                &signups,
                VolunteerId(4),
                at(1)
            ),
            Ok(Withdrawal {
                was: Waiting,
                promoted: vec![]
            })
        );
        // A larger capacity promotes as many as it frees.
        assert_eq!(
            promotions(&signups, Capacity::new(4).unwrap()),
            vec![VolunteerId(3), VolunteerId(4)]
        );
        assert_eq!(
            promotions(&signups, Capacity::new(100).unwrap()),
            vec![VolunteerId(3), VolunteerId(4), VolunteerId(5)]
        );
    }

    #[test]
    fn withdrawal_refusals() {
        use SignupStatus::*;
        let signups = [s(1, Confirmed, -9), s(6, Withdrawn, -7)];
        let cap = Capacity::new(2).unwrap();
        let sch = schedule();
        assert_eq!(
            withdraw(
                ActivityStatus::Published,
                &sch,
                cap,
                &signups,
                VolunteerId(6),
                at(1)
            ),
            Err(SignupError::NotSignedUp)
        );
        assert_eq!(
            withdraw(
                ActivityStatus::Published,
                &sch,
                cap,
                &signups,
                VolunteerId(9),
                at(1)
            ),
            Err(SignupError::NotSignedUp)
        );
        assert_eq!(
            withdraw(
                ActivityStatus::Published,
                &sch,
                cap,
                &signups,
                VolunteerId(1),
                at(10)
            ),
            Err(SignupError::Started)
        );
        assert_eq!(
            withdraw(
                ActivityStatus::Ongoing,
                &sch,
                cap,
                &signups,
                VolunteerId(1),
                at(1)
            ),
            Err(SignupError::NotOpen {
                status: ActivityStatus::Ongoing
            })
        );
        assert_eq!(SignupError::Started.code(), "signup.started");
        assert_eq!(SignupError::NotSignedUp.code(), "signup.not_signed_up");
        // Withdrawing after the deadline but before the start is allowed.
        assert!(
            withdraw(
                ActivityStatus::Published,
                &sch,
                cap,
                &signups,
                VolunteerId(1),
                at(9)
            )
            .is_ok()
        );
    }
}
