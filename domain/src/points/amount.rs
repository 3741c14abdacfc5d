//! An amount of points.

use serde::{Deserialize, Serialize};

/// An amount of points: a balance, a price, or a ledger entry's signed amount (credits positive,
/// debits negative).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Points(pub i64);

impl Points {
    /// Nothing.
    pub const ZERO: Points = Points(0);

    /// The number.
    pub fn get(self) -> i64 {
        self.0
    }

    /// The sum, or `None` on overflow.
    pub fn checked_add(self, other: Points) -> Option<Points> {
        self.0.checked_add(other.0).map(Points)
    }

    /// The difference, or `None` on overflow.
    pub fn checked_sub(self, other: Points) -> Option<Points> {
        self.0.checked_sub(other.0).map(Points)
    }

    /// The opposite amount, or `None` for `i64::MIN`.
    pub fn checked_neg(self) -> Option<Points> {
        self.0.checked_neg().map(Points)
    }

    /// Above zero.
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// Below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl std::fmt::Display for Points {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Points(2).checked_add(Points(3)), Some(Points(5)));
        assert_eq!(Points(i64::MAX).checked_add(Points(1)), None);
        assert_eq!(Points(2).checked_sub(Points(3)), Some(Points(-1)));
        assert_eq!(Points(i64::MIN).checked_neg(), None);
        assert!(Points(1).is_positive() && !Points::ZERO.is_positive());
        assert!(Points(-1).is_negative() && !Points::ZERO.is_negative());
        assert_eq!(Points(-7).to_string(), "-7");
        assert_eq!(serde_json::to_string(&Points(12)).unwrap(), "12");
    }
}
