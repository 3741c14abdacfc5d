use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::local_day_start;

/// A range of local calendar days a report covers, both ends inclusive and optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    /// The first day.
    pub from: Option<NaiveDate>,
    /// The last day.
    pub to: Option<NaiveDate>,
}

/// Why two query parameters are not a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// A bound that is not a `YYYY-MM-DD` date.
    #[error("`{field}` is not a date of the form YYYY-MM-DD")]
    Format {
        /// `from` or `to`.
        field: &'static str,
    },
    /// `from` after `to`.
    #[error("the period starts after it ends")]
    Reversed,
}

impl Period {
    /// Parses the `from` and `to` query parameters, each `YYYY-MM-DD` exactly.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Self, PeriodError> {
        let from = from.map(|s| date(s, "from")).transpose()?;
        let to = to.map(|s| date(s, "to")).transpose()?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(PeriodError::Reversed);
        }
        Ok(Period { from, to })
    }

    /// The period as a half-open range of instants: from the start of `from` (inclusive) to the
    /// start of the day after `to` (exclusive), in the local calendar of `tz`.
    pub fn bounds(&self, tz: Tz) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let start = self.from.map(|d| local_day_start(d, tz));
        let end = self.to.map(|d| {
            d.succ_opt()
                .map_or(DateTime::<Utc>::MAX_UTC, |next| local_day_start(next, tz))
        });
        (start, end)
    }
}

/// Four digits, two, two: chrono alone would also take `2026-1-5` or a signed year.
fn date(s: &str, field: &'static str) -> Result<NaiveDate, PeriodError> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    shaped
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or(PeriodError::Format { field })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    #[test]
    fn parses_both_optional_bounds() {
        assert_eq!(Period::parse(None, None), Ok(Period::default()));
        assert_eq!(
            Period::parse(Some("2026-11-01"), Some("2026-11-30")),
            Ok(Period {
                from: Some(day(2026, 11, 1)),
                to: Some(day(2026, 11, 30))
            })
        );
        assert!(Period::parse(Some("2026-11-30"), Some("2026-11-30")).is_ok());
    }

    #[test]
    fn refuses_reversed_and_malformed() {
        assert_eq!(
            Period::parse(Some("2026-12-01"), Some("2026-11-30")),
            Err(PeriodError::Reversed)
        );
        for bad in [
            "2026-1-05",
            "2026-02-30",
            "26-11-01",
            "2026/11/01",
            "",
            "+2026-11-0",
        ] {
            assert_eq!(
                Period::parse(None, Some(bad)),
                Err(PeriodError::Format { field: "to" }),
                "{bad}"
            );
        }
        assert_eq!(
            Period::parse(Some("yesterday"), None),
            Err(PeriodError::Format { field: "from" })
        );
    }

    #[test]
    fn bounds_cover_whole_local_days() {
        let p = Period::parse(Some("2026-11-01"), Some("2026-11-30")).unwrap();
        let (from, to) = p.bounds(chrono_tz::Asia::Shanghai);
        assert_eq!(from, Some(at("2026-11-01T00:00:00+08:00")));
        assert_eq!(to, Some(at("2026-12-01T00:00:00+08:00")));
        assert_eq!(
            Period::default().bounds(chrono_tz::Asia::Shanghai),
            (None, None)
        );
    }
}
