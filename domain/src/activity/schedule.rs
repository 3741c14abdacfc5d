//! When an activity happens, until when volunteers may sign up, and how many places it has.

use chrono::{DateTime, TimeDelta, Utc};

/// An activity's time window and sign-up deadline: `starts_at < ends_at`, the window at most
/// [`Schedule::MAX_LENGTH`], and the deadline no later than the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    signup_deadline: DateTime<Utc>,
}

/// Why times are not a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The end is not after the start.
    #[error("an activity must end after it starts")]
    EndsBeforeStart,
    /// Longer than allowed.
    #[error("an activity lasts at most {} hours", Schedule::MAX_LENGTH.num_hours())]
    TooLong,
    /// The sign-up deadline is after the start.
    #[error("the sign-up deadline must not be after the start")]
    DeadlineAfterStart,
}

impl ScheduleError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            ScheduleError::EndsBeforeStart => "activity.ends_before_start",
            ScheduleError::TooLong => "activity.too_long",
            ScheduleError::DeadlineAfterStart => "activity.deadline_after_start",
        }
    }
}

impl Schedule {
    /// The longest window an activity may have (a weekend camp, not a season).
    pub const MAX_LENGTH: TimeDelta = TimeDelta::hours(72);

    /// A schedule; without a deadline, sign-up closes at the start.
    pub fn new(
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        signup_deadline: Option<DateTime<Utc>>,
    ) -> Result<Self, ScheduleError> {
        if ends_at <= starts_at {
            return Err(ScheduleError::EndsBeforeStart);
        }
        if ends_at - starts_at > Self::MAX_LENGTH {
            return Err(ScheduleError::TooLong);
        }
        let signup_deadline = signup_deadline.unwrap_or(starts_at);
        if signup_deadline > starts_at {
            return Err(ScheduleError::DeadlineAfterStart);
        }
        Ok(Schedule {
            starts_at,
            ends_at,
            signup_deadline,
        })
    }

    /// When it starts.
    pub fn starts_at(&self) -> DateTime<Utc> {
        self.starts_at
    }

    /// When it ends.
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.ends_at
    }

    /// The last instant a volunteer may sign up (inclusive).
    pub fn signup_deadline(&self) -> DateTime<Utc> {
        self.signup_deadline
    }

    /// The window's length in whole minutes: the most anyone can serve.
    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes()
    }
}

/// How many volunteers an activity takes: 1 to [`Capacity::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Capacity(u32);

/// Why a number is not a capacity, or a new capacity does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CapacityError {
    /// Below 1 or above the maximum.
    #[error("a capacity is from 1 to {}", Capacity::MAX)]
    OutOfRange,
    /// Fewer places than volunteers already confirmed.
    #[error("{confirmed} volunteers are confirmed already")]
    BelowConfirmed {
        /// Confirmed now.
        confirmed: u32,
    },
}

impl CapacityError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            CapacityError::OutOfRange => "activity.capacity_out_of_range",
            CapacityError::BelowConfirmed { .. } => "activity.capacity_below_confirmed",
        }
    }
}

impl Capacity {
    /// The most places an activity may have.
    pub const MAX: u32 = 10_000;

    /// A capacity, from a client's or the database's number.
    pub fn new(n: i64) -> Result<Self, CapacityError> {
        u32::try_from(n)
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(Capacity)
            .ok_or(CapacityError::OutOfRange)
    }

    /// The number of places.
    pub fn get(self) -> u32 {
        self.0
    }

    /// Checks an edit to this capacity while `confirmed` volunteers hold places: nobody is
    /// turned away by an edit. A larger capacity promotes from the waiting list
    /// ([`super::promotions`]).
    pub fn check_change(self, confirmed: u32) -> Result<Self, CapacityError> {
        if self.0 < confirmed {
            Err(CapacityError::BelowConfirmed { confirmed })
        } else {
            Ok(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_796_000_000, 0).unwrap() + TimeDelta::hours(h)
    }

    #[test]
    fn a_schedule_ends_after_it_starts_and_closes_sign_up_by_the_start() {
        let s = Schedule::new(at(10), at(12), Some(at(8))).unwrap();
        assert_eq!(s.minutes(), 120);
        assert_eq!(s.signup_deadline(), at(8));
        assert_eq!(
            Schedule::new(at(10), at(12), None)
                .unwrap()
                .signup_deadline(),
            at(10)
        );
        assert_eq!(
            Schedule::new(at(10), at(10), None),
            Err(ScheduleError::EndsBeforeStart)
        );
        assert_eq!(
            Schedule::new(at(10), at(9), None),
            Err(ScheduleError::EndsBeforeStart)
        );
        assert_eq!(
            Schedule::new(at(10), at(83), None),
            Err(ScheduleError::TooLong)
        );
        assert!(Schedule::new(at(10), at(82), None).is_ok());
        assert_eq!(
            Schedule::new(at(10), at(12), Some(at(11))),
            Err(ScheduleError::DeadlineAfterStart)
        );
        assert_eq!(ScheduleError::TooLong.code(), "activity.too_long");
    }

    #[test]
    fn capacity_is_bounded_and_never_below_the_confirmed() {
        assert_eq!(Capacity::new(1).unwrap().get(), 1);
        assert!(Capacity::new(10_000).is_ok());
        for bad in [0, -1, 10_001, i64::MAX] {
            assert_eq!(Capacity::new(bad), Err(CapacityError::OutOfRange));
        }
        let c = Capacity::new(5).unwrap();
        assert_eq!(c.check_change(5), Ok(c));
        assert_eq!(
            c.check_change(6),
            Err(CapacityError::BelowConfirmed { confirmed: 6 })
        );
        assert_eq!(
            c.check_change(6).unwrap_err().code(),
            "activity.capacity_below_confirmed"
        );
    }
}
