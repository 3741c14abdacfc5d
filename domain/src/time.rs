//! Deadlines and the local calendar. Instants are UTC; days are the community's local days,
//! because "within 15 days" means calendar days where the resident lives.

mod period;

pub use period::{Period, PeriodError};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// The two deadlines of a request submitted at `submitted_at`: first response exactly
/// `first_response_hours` later; resolution at the end of the local day `resolution_days` after
/// the local submission date (the start of the next local day: a request resolved at or before
/// that instant is on time).
///
/// The category bounds both inputs; values beyond chrono's range saturate rather than panic.
pub fn deadlines(
    submitted_at: DateTime<Utc>,
    first_response_hours: i32,
    resolution_days: i32,
    tz: Tz,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let first = saturating_add(
        submitted_at,
        TimeDelta::hours(i64::from(first_response_hours)),
    );
    let local_date = submitted_at.with_timezone(&tz).date_naive();
    let resolution = local_date
        .checked_add_signed(TimeDelta::days(i64::from(resolution_days) + 1))
        .map_or_else(
            || saturate(resolution_days >= 0),
            |day| local_day_start(day, tz),
        );
    (first, resolution)
}

/// `due` moved by `days` local calendar days, keeping its local time of day (a deadline at local
/// midnight stays at local midnight across a DST change).
pub fn extend(due: DateTime<Utc>, days: i32, tz: Tz) -> DateTime<Utc> {
    due.with_timezone(&tz)
        .naive_local()
        .checked_add_signed(TimeDelta::days(i64::from(days)))
        .map_or_else(|| saturate(days >= 0), |t| earliest_instant(t, tz))
}

/// The local month of an instant, as reports group by it: `2026-11`.
pub fn local_month(ts: DateTime<Utc>, tz: Tz) -> String {
    ts.with_timezone(&tz).format("%Y-%m").to_string()
}

/// The instant a local calendar day begins: local midnight, or, where clocks jump over
/// midnight, the first instant of the day that exists.
pub fn local_day_start(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    earliest_instant(date.and_time(NaiveTime::MIN), tz)
}

/// The earliest instant showing local time `t`, or the first after it when `t` falls in a gap.
fn earliest_instant(t: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    if let Some(at) = tz.from_local_datetime(&t).earliest() {
        return at.with_timezone(&Utc);
    }
    // Clocks jumped over `t`. The first valid instant after it is the jump itself, which is `t`
    // read with the offset in force before the jump; a day earlier that offset still holds.
    let before = t.and_utc() - TimeDelta::days(1);
    let offset = tz.offset_from_utc_datetime(&before.naive_utc()).fix();
    (t - TimeDelta::seconds(i64::from(offset.local_minus_utc()))).and_utc()
}

fn saturating_add(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_add_signed(d)
        .unwrap_or_else(|| saturate(d >= TimeDelta::zero()))
}

fn saturate(later: bool) -> DateTime<Utc> {
    if later {
        DateTime::<Utc>::MAX_UTC
    } else {
        DateTime::<Utc>::MIN_UTC
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    #[test]
    fn shanghai_resolution_is_the_end_of_the_local_day() {
        let submitted = at("2026-11-29T20:00:00+08:00");
        let (first, resolution) = deadlines(submitted, 24, 15, chrono_tz::Asia::Shanghai);
        assert_eq!(first, at("2026-11-30T20:00:00+08:00"));
        assert_eq!(resolution, at("2026-12-15T00:00:00+08:00"));
    }

    #[test]
    fn the_local_date_decides_not_the_utc_date() {
        // 01:30 in Xi'an is still the previous day in UTC.
        let submitted = at("2026-11-30T01:30:00+08:00");
        let (_, resolution) = deadlines(submitted, 24, 1, chrono_tz::Asia::Shanghai);
        assert_eq!(resolution, at("2026-12-02T00:00:00+08:00"));
    }

    #[test]
    fn berlin_deadline_across_the_october_change_is_local_midnight() {
        // Submitted in summer time (+02:00); due after the clocks go back on 25 October.
        let submitted = at("2026-10-20T10:00:00+02:00");
        let (first, resolution) = deadlines(submitted, 12, 7, chrono_tz::Europe::Berlin);
        assert_eq!(first, at("2026-10-20T22:00:00+02:00"));
        assert_eq!(resolution, at("2026-10-28T00:00:00+01:00"));
        // Eight local days hold one 25-hour day.
        assert_eq!(
            (resolution - at("2026-10-20T00:00:00+02:00")).num_hours(),
            8 * 24 + 1
        );
    }

    #[test]
    fn first_response_counts_real_hours_across_the_spring_change() {
        let submitted = at("2026-03-28T12:00:00+01:00");
        let (first, _) = deadlines(submitted, 24, 1, chrono_tz::Europe::Berlin);
        assert_eq!(first, at("2026-03-29T13:00:00+02:00"));
    }

    #[test]
    fn a_day_whose_midnight_does_not_exist_starts_when_the_clocks_jump() {
        // Santiago moves from -04 to -03 at 00:00 on 6 September 2026: the day begins at 01:00.
        let tz = chrono_tz::America::Santiago;
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        let midnight = day.and_time(NaiveTime::MIN);
        assert!(tz.from_local_datetime(&midnight).earliest().is_none());
        let start = local_day_start(day, tz);
        assert_eq!(start, at("2026-09-06T01:00:00-03:00"));
        assert_eq!(start, at("2026-09-06T00:00:00-04:00"));
    }

    #[test]
    fn extend_moves_by_local_days() {
        let due = at("2026-10-24T00:00:00+02:00");
        let later = extend(due, 3, chrono_tz::Europe::Berlin);
        assert_eq!(later, at("2026-10-27T00:00:00+01:00"));
        let due = at("2026-12-15T00:00:00+08:00");
        assert_eq!(
            extend(due, 30, chrono_tz::Asia::Shanghai),
            at("2027-01-14T00:00:00+08:00")
        );
    }

    #[test]
    fn local_month_uses_the_local_calendar() {
        let ts = at("2026-11-30T17:00:00Z");
        assert_eq!(local_month(ts, chrono_tz::Asia::Shanghai), "2026-12");
        assert_eq!(local_month(ts, chrono_tz::Europe::Berlin), "2026-11");
    }

    #[test]
    fn absurd_inputs_saturate_instead_of_panicking() {
        let submitted = at("2026-11-29T20:00:00+08:00");
        let (_, resolution) = deadlines(submitted, 1, i32::MAX, chrono_tz::Asia::Shanghai);
        assert_eq!(resolution, DateTime::<Utc>::MAX_UTC);
        assert_eq!(
            extend(submitted, i32::MIN, chrono_tz::Asia::Shanghai),
            DateTime::<Utc>::MIN_UTC
        );
    }
}
