//! Leaderboards: points earned and hours served per volunteer over a month, a year or all time,
//! ranked.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::time::local_day_start;
use crate::volunteer::VolunteerId;

use super::Points;

/// The period a leaderboard covers, in the community's local calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeaderboardPeriod {
    /// One month: `YYYY-MM`.
    Month {
        /// The year.
        year: i32,
        /// 1 to 12.
        month: u32,
    },
    /// One year: `YYYY`.
    Year(i32),
    /// Everything: `all`.
    AllTime,
}

/// A string that is not a leaderboard period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a period: use YYYY-MM, YYYY or all")]
pub struct PeriodParseError(pub String);

impl PeriodParseError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        "leaderboard.invalid_period"
    }
}

fn four_digit_year(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|y| *y >= 1000)
}

impl LeaderboardPeriod {
    /// Parses `YYYY-MM` (month 01–12), `YYYY` or `all`, exactly.
    pub fn parse(s: &str) -> Result<Self, PeriodParseError> {
        let bad = || PeriodParseError(s.to_owned());
        if s == "all" {
            return Ok(LeaderboardPeriod::AllTime);
        }
        if let Some(year) = four_digit_year(s) {
            return Ok(LeaderboardPeriod::Year(year));
        }
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        let year = four_digit_year(y).ok_or_else(bad)?;
        let month = (m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()))
            .then(|| m.parse::<u32>().ok())
            .flatten()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(bad)?;
        Ok(LeaderboardPeriod::Month { year, month })
    }

    /// The stable form, as [`LeaderboardPeriod::parse`] reads it.
    pub fn as_string(&self) -> String {
        match self {
            LeaderboardPeriod::Month { year, month } => format!("{year:04}-{month:02}"),
            LeaderboardPeriod::Year(year) => format!("{year:04}"),
            LeaderboardPeriod::AllTime => "all".to_owned(),
        }
    }

    /// The month or year that holds `now` in `tz`.
    pub fn month_of(now: DateTime<Utc>, tz: Tz) -> Self {
        use chrono::Datelike;
        let d = now.with_timezone(&tz).date_naive();
        LeaderboardPeriod::Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// The period as a half-open range of instants `[from, until)` in the local calendar of
    /// `tz`; both open for all time.
    pub fn bounds(&self, tz: Tz) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let (first, next) = match *self {
            LeaderboardPeriod::AllTime => return (None, None),
            LeaderboardPeriod::Year(y) => (
                NaiveDate::from_ymd_opt(y, 1, 1),
                NaiveDate::from_ymd_opt(y + 1, 1, 1),
            ),
            LeaderboardPeriod::Month { year, month } => (
                NaiveDate::from_ymd_opt(year, month, 1),
                if month == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(year, month + 1, 1)
                },
            ),
        };
        (
            first.map(|d| local_day_start(d, tz)),
            next.map(|d| local_day_start(d, tz)),
        )
    }
}

impl std::fmt::Display for LeaderboardPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_string())
    }
}

/// One volunteer's totals over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaderRow {
    /// Who.
    pub volunteer: VolunteerId,
    /// Points earned in the period (awards; spending does not lower a rank).
    pub points: Points,
    /// Minutes served in the period.
    pub minutes: i64,
    /// When they reached this total: their last award in the period (`None` without one).
    pub reached_at: Option<DateTime<Utc>>,
}

impl LeaderRow {
    /// The leaderboard's order: more points first, then more minutes, then whoever reached the
    /// total earlier (none last), then the lower volunteer id. A total order: no two rows tie.
    pub fn rank_order(&self, other: &LeaderRow) -> Ordering {
        other
            .points
            .cmp(&self.points)
            .then(other.minutes.cmp(&self.minutes))
            .then(match (self.reached_at, other.reached_at) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
            .then(self.volunteer.cmp(&other.volunteer))
    }
}

/// A row with its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    /// 1 is first.
    pub rank: u32,
    /// The totals.
    pub row: LeaderRow,
}

/// Ranks the rows in the leaderboard's order ([`LeaderRow::rank_order`]); ranks are 1, 2, 3…
pub fn rank(mut rows: Vec<LeaderRow>) -> Vec<Ranked> {
    rows.sort_by(LeaderRow::rank_order);
    rows.into_iter()
        .zip(1u32..)
        .map(|(row, rank)| Ranked { rank, row })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono_tz::Asia::Shanghai;

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn periods_parse_exactly() {
        assert_eq!(
            LeaderboardPeriod::parse("2026-11"),
            Ok(LeaderboardPeriod::Month {
                year: 2026,
                month: 11
            })
        );
        assert_eq!(
            LeaderboardPeriod::parse("2026"),
            Ok(LeaderboardPeriod::Year(2026))
        );
        assert_eq!(
            LeaderboardPeriod::parse("all"),
            Ok(LeaderboardPeriod::AllTime)
        );
        for p in ["2026-11", "2026-01", "2026", "all"] {
            assert_eq!(LeaderboardPeriod::parse(p).unwrap().to_string(), p);
        }
        for bad in [
            "",
            "2026-13",
            "2026-00",
            "2026-1",
            "26-11",
            "2026/11",
            "+2026",
            "0999",
            "2026-11-01",
            "ALL",
            "all_time",
            "２０２６",
        ] {
            let err = LeaderboardPeriod::parse(bad).unwrap_err();
            assert_eq!(err, PeriodParseError(bad.into()), "{bad}");
            assert_eq!(err.code(), "leaderboard.invalid_period");
        }
    }

    #[test]
    fn bounds_are_local_calendar_months_and_years() {
        let m = LeaderboardPeriod::Month {
            year: 2026,
            month: 12,
        };
        assert_eq!(
            m.bounds(Shanghai),
            (
                Some(at("2026-11-30T16:00:00Z")),
                Some(at("2026-12-31T16:00:00Z"))
            )
        );
        assert_eq!(
            LeaderboardPeriod::Year(2026).bounds(Shanghai),
            (
                Some(at("2025-12-31T16:00:00Z")),
                Some(at("2026-12-31T16:00:00Z"))
            )
        );
        assert_eq!(LeaderboardPeriod::AllTime.bounds(Shanghai), (None, None));
        // 2026-11-30T17:00Z is already December in Xi'an.
        assert_eq!(
            LeaderboardPeriod::month_of(at("2026-11-30T17:00:00Z"), Shanghai),
            LeaderboardPeriod::Month {
                year: 2026,
                month: 12
            }
        );
    }

    fn row(v: i64, points: i64, minutes: i64, reached: Option<&str>) -> LeaderRow {
        LeaderRow {
            volunteer: VolunteerId(v),
            points: Points(points),
            minutes,
            reached_at: reached.map(at),
        }
    }

    #[test]
    fn ranks_by_points_then_hours_then_who_got_there_first_then_id() {
        let rows = vec![
            row(1, 50, 300, Some("2026-11-05T00:00:00Z")),
            row(2, 80, 100, Some("2026-11-20T00:00:00Z")),
            row(3, 50, 400, Some("2026-11-25T00:00:00Z")),
            row(4, 50, 300, Some("2026-11-02T00:00:00Z")),
            row(6, 0, 0, None),
            row(5, 0, 0, None),
            row(7, 0, 0, Some("2026-11-02T00:00:00Z")),
            row(8, 50, 300, Some("2026-11-02T00:00:00Z")),
        ];
        let ranked = rank(rows);
        let order: Vec<i64> = ranked.iter().map(|r| r.row.volunteer.0).collect();
        assert_eq!(order, vec![2, 3, 4, 8, 1, 7, 5, 6]);
        let ranks: Vec<u32> = ranked.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, (1..=8).collect::<Vec<u32>>());
        assert!(rank(vec![]).is_empty());
    }
}
