//! Random sign-ups and withdrawals never overfill an activity and keep its waiting list first come,
//! first served; check-in codes verify only for their own activity, purpose and minute or the
//! next, and random strings never verify.

use chrono::{DateTime, TimeDelta, Utc};
use linli_domain::activity::{
    ActivityId, ActivityStatus, Capacity, CheckinCode, CheckinPurpose, CodeError, Placement,
    Schedule, Signup, SignupError, SignupFacts, SignupStatus, decide_signup, withdraw,
};
use linli_domain::volunteer::{Skills, VolunteerId, VolunteerStatus};
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_796_000_000, 0).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_ups_never_overfill_and_the_waiting_list_is_first_come_first_served(
        capacity in 1i64..5,
        ops in prop::collection::vec((prop::bool::ANY, 0i64..8), 0..80),
    ) {
        let capacity = Capacity::new(capacity).unwrap();
        let schedule = Schedule::new(t0() + TimeDelta::days(10), t0() + TimeDelta::days(10) + TimeDelta::hours(2), None).unwrap();
        let none = Skills::default();
        let mut signups: Vec<Signup> = Vec::new();
        for (i, (sign_up, v)) in ops.into_iter().enumerate() {
            let now = t0() + TimeDelta::minutes(i as i64);
            let volunteer = VolunteerId(v);
            let current = signups.iter().find(|s| s.volunteer == volunteer).map(|s| s.status);
            let count = |st: SignupStatus| signups.iter().filter(|s| s.status == st).count() as u32;
            if sign_up {
                let facts = SignupFacts {
                    activity_status: ActivityStatus::Published,
                    schedule: &schedule,
                    capacity,
                    required_skills: &none,
                    volunteer_status: VolunteerStatus::Active,
                    volunteer_skills: &none,
                    existing: current,
                    confirmed: count(SignupStatus::Confirmed),
                    waiting: count(SignupStatus::Waiting),
                    now,
                };
                match decide_signup(&facts) {
                    Ok(placement) => {
                        prop_assert!(current.is_none_or(|s| s == SignupStatus::Withdrawn));
                        if let Placement::Waiting { position } = placement {
                            prop_assert_eq!(position, count(SignupStatus::Waiting) + 1);
                        }
                        signups.retain(|s| s.volunteer != volunteer);
                        signups.push(Signup { volunteer, status: placement.status(), signed_up_at: now });
                    }
                    Err(SignupError::AlreadySignedUp { status }) => prop_assert_eq!(Some(status), current),
                    Err(e) => prop_assert!(false, "{}", e),
                }
            } else {
                match withdraw(ActivityStatus::Published, &schedule, capacity, &signups, volunteer, now) {
                    Ok(w) => {
                        prop_assert_eq!(Some(w.was), current);
                        // The promoted are the earliest waiting, and only when a place was freed.
                        let mut waiting: Vec<&Signup> = signups.iter().filter(|s| s.status == SignupStatus::Waiting && s.volunteer != volunteer).collect();
                        waiting.sort_by_key(|s| (s.signed_up_at, s.volunteer));
                        let expected: Vec<VolunteerId> = if w.was == SignupStatus::Confirmed {
                            waiting.iter().take(1).map(|s| s.volunteer).collect()
                        } else {
                            vec![]
                        };
                        prop_assert_eq!(&w.promoted, &expected);
                        for s in &mut signups {
                            if s.volunteer == volunteer {
                                s.status = SignupStatus::Withdrawn;
                            } else if w.promoted.contains(&s.volunteer) {
                                s.status = SignupStatus::Confirmed;
                            }
                        }
                    }
                    Err(SignupError::NotSignedUp) => {
                        prop_assert!(current.is_none_or(|s| s == SignupStatus::Withdrawn));
                    }
                    Err(e) => prop_assert!(false, "{}", e),
                }
            }
            let confirmed = count_of(&signups, SignupStatus::Confirmed);
            let waiting = count_of(&signups, SignupStatus::Waiting);
            prop_assert!(confirmed <= capacity.get(), "{} confirmed of {}", confirmed, capacity.get());
            // Nobody waits while a place is free.
            prop_assert!(waiting == 0 || confirmed == capacity.get());
        }
    }

    #[test]
    fn a_code_verifies_for_its_own_activity_purpose_and_minute_only(
        key in prop::collection::vec(any::<u8>(), 1..64),
        activity in 1i64..i64::MAX,
        other in 1i64..i64::MAX,
        out in prop::bool::ANY,
        at in 0i64..4_000_000_000,
        later in 0i64..400,
    ) {
        let purpose = if out { CheckinPurpose::Out } else { CheckinPurpose::In };
        let now = DateTime::from_timestamp(at, 0).unwrap();
        let token = CheckinCode::issue(&key, ActivityId(activity), purpose, now);
        prop_assert!(token.len() <= 40);
        let then = now + TimeDelta::seconds(later);
        let step = |t: DateTime<Utc>| t.timestamp().div_euclid(60);
        let got = CheckinCode::verify(&key, &token, ActivityId(activity), purpose, then);
        if step(then) - step(now) <= 1 {
            prop_assert_eq!(got, Ok(()));
        } else {
            prop_assert_eq!(got, Err(CodeError::Expired));
        }
        if other != activity {
            prop_assert_eq!(
                CheckinCode::verify(&key, &token, ActivityId(other), purpose, now),
                Err(CodeError::WrongActivity)
            );
        }
        let mut wrong_key = key.clone();
        wrong_key[0] ^= 1;
        prop_assert_eq!(
            CheckinCode::verify(&wrong_key, &token, ActivityId(activity), purpose, now),
            Err(CodeError::Forged)
        );
    }

    #[test]
    fn random_strings_never_verify(token in "[A-Za-z0-9_-]{0,48}", activity in 1i64..1000) {
        let got = CheckinCode::verify(b"key", &token, ActivityId(activity), CheckinPurpose::In, t0());
        prop_assert!(matches!(got, Err(CodeError::Malformed | CodeError::Forged)), "{:?}", got);
    }
}

fn count_of(signups: &[Signup], status: SignupStatus) -> u32 {
    signups.iter().filter(|s| s.status == status).count() as u32
}
