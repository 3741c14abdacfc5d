//! The rates, as the district reports them: taken, completed, on time, satisfied, overdue.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::request::{Rating, Request, RequestStatus};

/// What the rates read of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateInput {
    /// Where it stands.
    pub status: RequestStatus,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When it was last resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it must be resolved.
    pub resolution_due: DateTime<Utc>,
    /// When a handler must have claimed it.
    pub first_response_due: DateTime<Utc>,
    /// When the current handler claimed it.
    pub responded_at: Option<DateTime<Utc>>,
    /// The resident's last rating.
    pub rating: Option<Rating>,
}

impl From<&Request> for RateInput {
    fn from(r: &Request) -> Self {
        RateInput {
            status: r.status,
            submitted_at: r.submitted_at,
            resolved_at: r.resolved_at,
            resolution_due: r.resolution_due,
            first_response_due: r.first_response_due,
            responded_at: r.responded_at,
            rating: r.rating,
        }
    }
}

/// The district's figures for a set of requests. A rate is `None` (null in JSON) when nothing
/// counts towards its denominator, which is not the same as a rate of zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rates {
    /// Requests taken (接单数): all of them.
    pub taken: i64,
    /// Resolved or closed (办结数).
    pub completed: i64,
    /// `completed / taken`.
    pub completion_rate: Option<f64>,
    /// Completed no later than their resolution deadline.
    pub on_time: i64,
    /// `on_time / completed`.
    pub on_time_rate: Option<f64>,
    /// With a rating.
    pub rated: i64,
    /// Rated satisfied or basically satisfied.
    pub satisfied: i64,
    /// `satisfied / rated`.
    pub satisfaction_rate: Option<f64>,
    /// Mean hours from submission to resolution, over completed requests with a resolution time.
    pub avg_hours_to_resolve: Option<f64>,
    /// Open and past a deadline now.
    pub overdue: i64,
}

/// The rates of `items` as of `now`.
///
/// A closed request without a resolution time (closed by a path that never resolved it) counts
/// as completed but not on time, and not towards the time to resolve.
pub fn rates<'a>(items: impl IntoIterator<Item = &'a RateInput>, now: DateTime<Utc>) -> Rates {
    let mut r = Rates::default();
    let mut resolved_hours = 0.0;
    let mut resolved_timed = 0_i64;
    for i in items {
        r.taken += 1;
        if !i.status.is_open() {
            r.completed += 1;
            if let Some(resolved_at) = i.resolved_at {
                if resolved_at <= i.resolution_due {
                    r.on_time += 1;
                }
                resolved_hours += (resolved_at - i.submitted_at).num_milliseconds() as f64 / 3.6e6;
                resolved_timed += 1;
            }
        }
        if let Some(rating) = i.rating {
            r.rated += 1;
            if rating.is_satisfied() {
                r.satisfied += 1;
            }
        }
        if is_overdue(
            i.status,
            i.resolution_due,
            i.first_response_due,
            i.responded_at,
            now,
        ) {
            r.overdue += 1;
        }
    }
    r.completion_rate = ratio(r.completed as f64, r.taken);
    r.on_time_rate = ratio(r.on_time as f64, r.completed);
    r.satisfaction_rate = ratio(r.satisfied as f64, r.rated);
    r.avg_hours_to_resolve = ratio(resolved_hours, resolved_timed);
    r
}

fn ratio(numerator: f64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| numerator / denominator as f64)
}

/// The one overdue rule, shared by the rates, the sweep and supervision: an open request past
/// its resolution deadline, or not yet claimed past its first-response deadline.
pub fn is_overdue(
    status: RequestStatus,
    resolution_due: DateTime<Utc>,
    first_response_due: DateTime<Utc>,
    responded_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    status.is_open()
        && (now > resolution_due || (responded_at.is_none() && now > first_response_due))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    /// Submitted 1 November 08:00 UTC; claim within a day, resolve within ten.
    fn input(status: RequestStatus) -> RateInput {
        let submitted_at = at("2026-11-01T08:00:00Z");
        RateInput {
            status,
            submitted_at,
            resolved_at: None,
            resolution_due: at("2026-11-11T00:00:00Z"),
            first_response_due: at("2026-11-02T08:00:00Z"),
            responded_at: Some(at("2026-11-01T10:00:00Z")),
            rating: None,
        }
    }

    #[test]
    fn nothing_gives_null_rates_not_zeros() {
        let r = rates(&[], at("2026-11-30T00:00:00Z"));
        assert_eq!(r.taken, 0);
        assert_eq!(r.completion_rate, None);
        assert_eq!(r.on_time_rate, None);
        assert_eq!(r.satisfaction_rate, None);
        assert_eq!(r.avg_hours_to_resolve, None);
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["completion_rate"].is_null());
    }

    #[test]
    fn counts_a_mixed_month() {
        use RequestStatus::*;
        let now = at("2026-11-30T00:00:00Z");
        // Closed on time (resolved after 10 hours), satisfied.
        let a = RateInput {
            resolved_at: Some(at("2026-11-01T18:00:00Z")),
            rating: Some(Rating::Satisfied),
            ..input(Closed)
        };
        // Resolved late (after 14 days), basically satisfied but not yet closed.
        let b = RateInput {
            resolved_at: Some(at("2026-11-15T08:00:00Z")),
            rating: Some(Rating::BasicallySatisfied),
            ..input(Resolved)
        };
        // Resolved exactly at the deadline: on time.
        let c = RateInput {
            resolved_at: Some(at("2026-11-11T00:00:00Z")),
            ..input(Resolved)
        };
        // Closed without a resolution time: completed, not on time, not timed.
        let d = input(Closed);
        // Reopened after a dissatisfied rating, still open and past its deadline.
        let e = RateInput {
            rating: Some(Rating::Dissatisfied),
            ..input(Dispatched)
        };
        // Closed, resolved late (after 19 days), unrated.
        let f = RateInput {
            resolved_at: Some(at("2026-11-20T08:00:00Z")),
            ..input(Closed)
        };
        let r = rates(&[a, b, c, d, e, f], now);
        assert_eq!((r.taken, r.completed, r.on_time), (6, 5, 2));
        assert_eq!(r.completion_rate, Some(5.0 / 6.0));
        assert_eq!(r.on_time_rate, Some(0.4));
        assert_eq!((r.rated, r.satisfied), (3, 2));
        assert_eq!(r.satisfaction_rate, Some(2.0 / 3.0));
        // (10 + 336 + 232 + 456) / 4 hours.
        assert_eq!(r.avg_hours_to_resolve, Some(258.5));
        assert_eq!(r.overdue, 1);
    }

    #[test]
    fn overdue_by_either_deadline_only_while_open() {
        use RequestStatus::*;
        let i = input(Submitted);
        let before = i.first_response_due - TimeDelta::seconds(1);
        let after_first = i.first_response_due + TimeDelta::seconds(1);
        let after_resolution = i.resolution_due + TimeDelta::seconds(1);
        let check = |s, responded, now| {
            is_overdue(s, i.resolution_due, i.first_response_due, responded, now)
        };
        assert!(!check(Submitted, None, before));
        assert!(!check(Submitted, None, i.first_response_due));
        assert!(check(Submitted, None, after_first));
        assert!(!check(Claimed, i.responded_at, after_first));
        assert!(check(Claimed, i.responded_at, after_resolution));
        assert!(!check(Resolved, None, after_resolution));
        assert!(!check(Closed, None, after_resolution));
    }
}
