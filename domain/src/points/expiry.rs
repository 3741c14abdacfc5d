//! Points expiry, where a community configures it: earned points stay spendable for a number of
//! days; what is left of them after that lapses, as an `expiry` entry in the ledger.

use chrono::{DateTime, Duration, Utc};

use super::Points;

/// How long points stay spendable, as a community sets it (none set: they never lapse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryPolicy {
    after_days: u32,
}

/// A number of days that is not an expiry period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "points expire after {} to {} days",
    ExpiryPolicy::MIN_DAYS,
    ExpiryPolicy::MAX_DAYS
)]
pub struct ExpiryError;

impl ExpiryError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        "points.expiry_out_of_range"
    }
}

impl ExpiryPolicy {
    /// The shortest period: a month, so nobody loses points between two activities.
    pub const MIN_DAYS: i64 = 30;
    /// The longest: ten years.
    pub const MAX_DAYS: i64 = 3650;

    /// Points lapse `days` after they were credited.
    pub fn new(days: i64) -> Result<Self, ExpiryError> {
        (Self::MIN_DAYS..=Self::MAX_DAYS)
            .contains(&days)
            .then_some(ExpiryPolicy {
                after_days: days as u32,
            })
            .ok_or(ExpiryError)
    }

    /// The period in days.
    pub fn after_days(self) -> i64 {
        i64::from(self.after_days)
    }

    /// Points credited before this instant have lapsed at `now`.
    pub fn cutoff(self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(self.after_days())
    }
}

/// The points that lapse from `balance`, when `credited_since_cutoff` is what was credited
/// (awards, refunds, positive adjustments) since the cutoff. Spending takes the oldest points
/// first, so the balance is made of the most recent credits; whatever it holds beyond what was
/// credited since the cutoff is older, and lapses. Never more than the balance, never negative.
pub fn lapsing(balance: Points, credited_since_cutoff: Points) -> Points {
    if balance.0 <= 0 {
        return Points::ZERO;
    }
    Points((balance.0 - credited_since_cutoff.0.max(0)).max(0))
}

/// The ledger key of an expiry run for one volunteer on one day: once a day at most.
pub fn expiry_key(volunteer: crate::volunteer::VolunteerId, day: chrono::NaiveDate) -> String {
    format!("expiry:{volunteer}:{day}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_is_older_than_the_period_lapses() {
        // 50 earned long ago, 10 spent, 15 earned lately: 55 held, 40 of them old.
        assert_eq!(lapsing(Points(55), Points(15)), Points(40));
        // Everything recent: nothing lapses.
        assert_eq!(lapsing(Points(15), Points(30)), Points::ZERO);
        assert_eq!(lapsing(Points::ZERO, Points::ZERO), Points::ZERO);
        assert_eq!(lapsing(Points(7), Points::ZERO), Points(7));
    }

    #[test]
    fn the_period_is_a_month_to_ten_years() {
        assert!(ExpiryPolicy::new(29).is_err());
        assert!(ExpiryPolicy::new(3651).is_err());
        let p = ExpiryPolicy::new(365).unwrap();
        let now = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        assert_eq!(p.cutoff(now), now - Duration::days(365));
        assert_eq!(ExpiryError.code(), "points.expiry_out_of_range");
    }

    proptest::proptest! {
        #[test]
        fn what_lapses_is_within_the_balance(balance in 0i64..1_000_000, credited in 0i64..2_000_000) {
            let l = lapsing(Points(balance), Points(credited));
            proptest::prop_assert!(l.0 >= 0 && l.0 <= balance);
            proptest::prop_assert_eq!(l.0 + credited.min(balance), balance);
        }
    }
}
