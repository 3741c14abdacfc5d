//! What administrators type: names, a building's coordinates, a category's deadlines.

use crate::category::MAX_RESOLUTION_DAYS;

/// A name an administrator gives to an org node, a property company, an account (its display
/// name) or a service category: trimmed, one line, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label(String);

/// Why a text is not a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    /// Nothing but white space.
    #[error("a name cannot be empty")]
    Empty,
    /// More characters than allowed.
    #[error("a name has at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A control character, line breaks included: a name is one line.
    #[error("a name is one line without control characters")]
    ControlCharacter,
}

impl Label {
    /// The most characters a name may have.
    pub const MAX_CHARS: usize = 100;

    /// Parses a name as a client sent it.
    pub fn parse(s: &str) -> Result<Self, LabelError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(LabelError::Empty);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(LabelError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if s.chars().any(char::is_control) {
            return Err(LabelError::ControlCharacter);
        }
        Ok(Label(s.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A coordinate outside its range (or not a number at all).
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("must lie between {min} and {max}")]
pub struct CoordinateError {
    /// The least value allowed.
    pub min: f64,
    /// The greatest value allowed.
    pub max: f64,
}

fn in_range(v: f64, min: f64, max: f64) -> Result<f64, CoordinateError> {
    if v.is_finite() && (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(CoordinateError { min, max })
    }
}

/// A WGS-84 latitude in degrees, −90 to 90.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latitude(f64);

impl Latitude {
    /// Checks the range.
    pub fn parse(v: f64) -> Result<Self, CoordinateError> {
        in_range(v, -90.0, 90.0).map(Latitude)
    }

    /// The degrees.
    pub fn degrees(self) -> f64 {
        self.0
    }
}

/// A WGS-84 longitude in degrees, −180 to 180.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Longitude(f64);

impl Longitude {
    /// Checks the range.
    pub fn parse(v: f64) -> Result<Self, CoordinateError> {
        in_range(v, -180.0, 180.0).map(Longitude)
    }

    /// The degrees.
    pub fn degrees(self) -> f64 {
        self.0
    }
}

/// A deadline setting outside its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must lie between {min} and {max}")]
pub struct DeadlineError {
    /// The least value allowed.
    pub min: i32,
    /// The greatest value allowed.
    pub max: i32,
}

/// Hours within which a category's requests must be claimed: 1 to 720 (thirty days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstResponseHours(i32);

impl FirstResponseHours {
    /// The most hours allowed.
    pub const MAX: i32 = 720;

    /// Checks the range.
    pub fn parse(v: i32) -> Result<Self, DeadlineError> {
        if (1..=Self::MAX).contains(&v) {
            Ok(FirstResponseHours(v))
        } else {
            Err(DeadlineError {
                min: 1,
                max: Self::MAX,
            })
        }
    }

    /// The hours.
    pub fn hours(self) -> i32 {
        self.0
    }
}

/// Days within which a category's requests must be resolved: 1 to [`MAX_RESOLUTION_DAYS`]
/// (feedback within fifteen days at most).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolutionDays(i32);

impl ResolutionDays {
    /// Checks the range.
    pub fn parse(v: i32) -> Result<Self, DeadlineError> {
        if (1..=MAX_RESOLUTION_DAYS).contains(&v) {
            Ok(ResolutionDays(v))
        } else {
            Err(DeadlineError {
                min: 1,
                max: MAX_RESOLUTION_DAYS,
            })
        }
    }

    /// The days.
    pub fn days(self) -> i32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_one_trimmed_line_of_at_most_a_hundred_characters() {
        assert_eq!(Label::parse("  第一网格 ").unwrap().as_str(), "第一网格");
        assert!(Label::parse(&"楼".repeat(100)).is_ok());
        assert_eq!(
            Label::parse(&"楼".repeat(101)),
            Err(LabelError::TooLong { max: 100 })
        );
        assert_eq!(Label::parse(" \t "), Err(LabelError::Empty));
        assert_eq!(Label::parse("一号\n楼"), Err(LabelError::ControlCharacter));
    }

    #[test]
    fn coordinates_keep_to_their_ranges() {
        assert_eq!(Latitude::parse(34.27).unwrap().degrees(), 34.27);
        assert!(Latitude::parse(-90.0).is_ok() && Latitude::parse(90.0).is_ok());
        assert!(Latitude::parse(90.1).is_err());
        assert!(Longitude::parse(-180.0).is_ok() && Longitude::parse(180.0).is_ok());
        assert_eq!(
            Longitude::parse(180.5),
            Err(CoordinateError {
                min: -180.0,
                max: 180.0
            })
        );
        assert!(Latitude::parse(f64::NAN).is_err());
    }

    #[test]
    fn deadlines_keep_to_their_ranges() {
        assert!(FirstResponseHours::parse(1).is_ok());
        assert!(FirstResponseHours::parse(720).is_ok());
        assert!(FirstResponseHours::parse(0).is_err());
        assert!(FirstResponseHours::parse(721).is_err());
        assert_eq!(ResolutionDays::parse(15).unwrap().days(), 15);
        assert_eq!(
            ResolutionDays::parse(16),
            Err(DeadlineError { min: 1, max: 15 })
        );
        assert!(ResolutionDays::parse(0).is_err());
    }
}
