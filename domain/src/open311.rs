//! Open311 GeoReport v2's view of requests: two public statuses, the window a query covers, and
//! which building a reported position means.

use chrono::{DateTime, Duration, Utc};

use crate::request::RequestStatus;

/// The longest period one query may cover, and the default period (the last 90 days), as the
/// specification sets them.
pub const MAX_SPAN_DAYS: i64 = 90;

/// The most requests one query returns (the most recent ones), as the specification sets it.
pub const MAX_RESULTS: i64 = 1000;

/// How far from a building a reported position may be and still mean it.
pub const MAX_BUILDING_DISTANCE_M: f64 = 150.0;

/// A request's status as Open311 clients know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicStatus {
    /// Someone still has to act.
    Open,
    /// The work is done.
    Closed,
}

const OPEN: [RequestStatus; 5] = [
    RequestStatus::Submitted,
    RequestStatus::Escalated,
    RequestStatus::Dispatched,
    RequestStatus::Claimed,
    RequestStatus::InProgress,
];
const CLOSED: [RequestStatus; 2] = [RequestStatus::Resolved, RequestStatus::Closed];

impl PublicStatus {
    /// `closed` once the handler has resolved it, rating or not: waiting for the resident's
    /// rating is no work left for anyone, and a dissatisfied rating reopens the request, which
    /// then reads `open` again.
    pub fn of(status: RequestStatus) -> Self {
        if CLOSED.contains(&status) {
            PublicStatus::Closed
        } else {
            PublicStatus::Open
        }
    }

    /// `open` or `closed`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(PublicStatus::Open),
            "closed" => Some(PublicStatus::Closed),
            _ => None,
        }
    }

    /// As the specification spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            PublicStatus::Open => "open",
            PublicStatus::Closed => "closed",
        }
    }

    /// Our statuses that read as this one.
    pub fn statuses(self) -> &'static [RequestStatus] {
        match self {
            PublicStatus::Open => &OPEN,
            PublicStatus::Closed => &CLOSED,
        }
    }
}

/// Why a `start_date` / `end_date` pair is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    /// The end comes before the start.
    #[error("end_date is before start_date")]
    Inverted,
    /// More than 90 days.
    #[error("start_date and end_date may not span more than 90 days")]
    TooLong,
}

/// The period a query of `requested_datetime` covers, both ends included. Given both ends, the
/// period between them (at most 90 days); given one, the 90 days from the start or up to the
/// end; given none, the last 90 days.
pub fn window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), WindowError> {
    let span = Duration::days(MAX_SPAN_DAYS);
    match (start, end) {
        (Some(s), Some(e)) if e < s => Err(WindowError::Inverted),
        (Some(s), Some(e)) if e - s > span => Err(WindowError::TooLong),
        (Some(s), Some(e)) => Ok((s, e)),
        (Some(s), None) => Ok((s, s + span)),
        (None, Some(e)) => Ok((e - span, e)),
        (None, None) => Ok((now - span, now)),
    }
}

/// Great-circle distance in metres between two WGS-84 positions (haversine; plenty for the
/// few hundred metres this is used for).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_000.0;
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// The index of the candidate nearest to `at`, if one lies within
/// [`MAX_BUILDING_DISTANCE_M`]; a position far from every building means none of them.
pub fn nearest_building(at: (f64, f64), candidates: &[(f64, f64)]) -> Option<usize> {
    candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (i, distance_m(at, *c)))
        .filter(|(_, d)| *d <= MAX_BUILDING_DISTANCE_M)
        .min_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(i, _)| i)
}

/// Whether a pair is a position on Earth.
pub fn valid_position(lat: f64, long: f64) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&long)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn resolved_and_closed_read_closed_the_rest_open() {
        for s in RequestStatus::ALL {
            let public = PublicStatus::of(s);
            assert!(public.statuses().contains(&s), "{s:?}");
            let expected = matches!(s, RequestStatus::Resolved | RequestStatus::Closed);
            assert_eq!(public == PublicStatus::Closed, expected, "{s:?}");
        }
        assert_eq!(PublicStatus::parse("open"), Some(PublicStatus::Open));
        assert_eq!(PublicStatus::parse("closed"), Some(PublicStatus::Closed));
        assert_eq!(PublicStatus::parse("Open"), None);
    }

    #[test]
    fn windows_default_to_ninety_days_and_never_exceed_them() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
        let day = Duration::days(1);
        assert_eq!(window(None, None, now), Ok((now - day * 90, now)));
        assert_eq!(
            window(Some(now - day * 10), None, now),
            Ok((now - day * 10, now + day * 80))
        );
        assert_eq!(
            window(None, Some(now - day), now),
            Ok((now - day * 91, now - day))
        );
        assert_eq!(
            window(Some(now - day * 90), Some(now), now),
            Ok((now - day * 90, now))
        );
        assert_eq!(
            window(Some(now - day * 91), Some(now), now),
            Err(WindowError::TooLong)
        );
        assert_eq!(
            window(Some(now), Some(now - day), now),
            Err(WindowError::Inverted)
        );
    }

    #[test]
    fn the_nearest_building_within_reach_is_meant() {
        // 0.001° of latitude is about 111 m.
        let buildings = [(34.2700, 108.9200), (34.2710, 108.9200), (35.0, 108.0)];
        assert_eq!(nearest_building((34.2709, 108.9200), &buildings), Some(1));
        assert_eq!(nearest_building((34.2701, 108.9200), &buildings), Some(0));
        assert_eq!(nearest_building((34.2800, 108.9200), &buildings), None);
        assert_eq!(nearest_building((34.27, 108.92), &[]), None);
        let d = distance_m((34.2700, 108.9200), (34.2710, 108.9200));
        assert!((d - 111.2).abs() < 1.0, "{d}");
        assert!(valid_position(34.27, 108.92));
        assert!(!valid_position(91.0, 0.0) && !valid_position(0.0, -181.0));
    }
}
