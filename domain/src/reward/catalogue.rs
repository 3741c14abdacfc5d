//! What a reward is: a gift or a service, its price in points, its stock, how many one person
//! may redeem and when it may be redeemed.

use chrono::{DateTime, Utc};

use crate::labelled::labelled_enum;
use crate::points::Points;

labelled_enum!(
    /// What a volunteer receives.
    RewardKind, "reward kind", {
        /// A thing (rice, oil, a thermos).
        Gift => "gift", "礼品",
        /// A service (a haircut, a health check, a household repair).
        Service => "service", "服务",
    }
);

/// Why a reward's terms were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RewardError {
    /// The name is empty, too long or holds control characters.
    #[error(
        "a reward's name is 1 to {} characters on one line",
        RewardName::MAX_CHARS
    )]
    Name,
    /// The price is not above zero, or above the maximum.
    #[error("a price is from 1 to {} points", Price::MAX)]
    Price,
    /// A stock below zero or above the maximum.
    #[error("a stock is from 0 to {}, or unlimited", Stock::MAX)]
    Stock,
    /// A per-person limit below one or above the maximum.
    #[error("a per-person limit is from 1 to {}, or none", PerPersonLimit::MAX)]
    Limit,
    /// A validity window that ends before it starts.
    #[error("the validity window ends before it starts")]
    ValidityReversed,
}

impl RewardError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            RewardError::Name => "reward.invalid_name",
            RewardError::Price => "reward.invalid_price",
            RewardError::Stock => "reward.invalid_stock",
            RewardError::Limit => "reward.invalid_limit",
            RewardError::ValidityReversed => "reward.validity_reversed",
        }
    }
}

/// A reward's name: trimmed, 1 to 60 characters, one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardName(String);

impl RewardName {
    /// The most characters.
    pub const MAX_CHARS: usize = 60;

    /// Parses a name.
    pub fn parse(s: &str) -> Result<Self, RewardError> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.chars().count() <= Self::MAX_CHARS
            && !s.chars().any(char::is_control);
        ok.then(|| RewardName(s.to_owned()))
            .ok_or(RewardError::Name)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A price in points: above zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Price(Points);

impl Price {
    /// The highest price.
    pub const MAX: i64 = 1_000_000;

    /// A price of `n` points.
    pub fn new(n: i64) -> Result<Self, RewardError> {
        (1..=Self::MAX)
            .contains(&n)
            .then_some(Price(Points(n)))
            .ok_or(RewardError::Price)
    }

    /// The points.
    pub fn points(self) -> Points {
        self.0
    }
}

/// How many are left: a number, or unlimited (a service without a cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stock {
    /// This many.
    Limited(u32),
    /// No limit.
    Unlimited,
}

impl Stock {
    /// The largest stock.
    pub const MAX: u32 = 1_000_000;

    /// Reads a stored or client-sent stock: `None` is unlimited.
    pub fn from_stored(n: Option<i64>) -> Result<Self, RewardError> {
        match n {
            None => Ok(Stock::Unlimited),
            Some(n) => u32::try_from(n)
                .ok()
                .filter(|n| *n <= Self::MAX)
                .map(Stock::Limited)
                .ok_or(RewardError::Stock),
        }
    }

    /// The stored form: `None` is unlimited.
    pub fn to_stored(self) -> Option<i64> {
        match self {
            Stock::Limited(n) => Some(i64::from(n)),
            Stock::Unlimited => None,
        }
    }

    /// None left.
    pub fn is_out(self) -> bool {
        self == Stock::Limited(0)
    }

    /// The stock after one is taken, or `None` when none is left.
    pub fn take_one(self) -> Option<Stock> {
        match self {
            Stock::Limited(n) => n.checked_sub(1).map(Stock::Limited),
            Stock::Unlimited => Some(Stock::Unlimited),
        }
    }

    /// The stock after one is given back.
    pub fn put_back(self) -> Stock {
        match self {
            Stock::Limited(n) => Stock::Limited(n.saturating_add(1)),
            Stock::Unlimited => Stock::Unlimited,
        }
    }
}

/// How many one volunteer may redeem (pending and fulfilled orders count; cancelled do not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PerPersonLimit(u32);

impl PerPersonLimit {
    /// The highest limit.
    pub const MAX: u32 = 1_000;

    /// A limit of `n`: from 1.
    pub fn new(n: i64) -> Result<Self, RewardError> {
        u32::try_from(n)
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(PerPersonLimit)
            .ok_or(RewardError::Limit)
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// When a reward may be redeemed: from `from` (inclusive) until `until` (exclusive); either
/// bound may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Validity {
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

impl Validity {
    /// A window; `from` must be before `until` when both are given.
    pub fn new(
        from: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Self, RewardError> {
        if let (Some(f), Some(u)) = (from, until)
            && f >= u
        {
            return Err(RewardError::ValidityReversed);
        }
        Ok(Validity { from, until })
    }

    /// Always valid.
    pub fn always() -> Self {
        Validity::default()
    }

    /// The first instant.
    pub fn from(&self) -> Option<DateTime<Utc>> {
        self.from
    }

    /// The first instant no longer valid.
    pub fn until(&self) -> Option<DateTime<Utc>> {
        self.until
    }
}

/// A reward in the catalogue; each part is valid once held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reward {
    /// Its name.
    pub name: RewardName,
    /// Gift or service.
    pub kind: RewardKind,
    /// What it costs.
    pub price: Price,
    /// How many were put up (the stock left is tracked apart and passed to the decisions).
    pub stock: Stock,
    /// How many one volunteer may redeem; `None` for no limit.
    pub per_person_limit: Option<PerPersonLimit>,
    /// When it may be redeemed.
    pub validity: Validity,
    /// Offered: staff may withdraw a reward from the catalogue without deleting it.
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn parts_are_checked() {
        assert_eq!(
            RewardName::parse(" 理发一次 ").unwrap().as_str(),
            "理发一次"
        );
        assert_eq!(RewardName::parse(""), Err(RewardError::Name));
        assert_eq!(RewardName::parse("a\nb"), Err(RewardError::Name));
        assert_eq!(RewardName::parse(&"米".repeat(61)), Err(RewardError::Name));
        assert!(RewardName::parse(&"米".repeat(60)).is_ok());

        assert_eq!(Price::new(1).unwrap().points(), Points(1));
        for bad in [0, -5, 1_000_001] {
            assert_eq!(Price::new(bad), Err(RewardError::Price));
        }
        assert_eq!(Stock::from_stored(None), Ok(Stock::Unlimited));
        assert_eq!(Stock::from_stored(Some(0)), Ok(Stock::Limited(0)));
        assert_eq!(Stock::from_stored(Some(-1)), Err(RewardError::Stock));
        assert_eq!(Stock::from_stored(Some(1_000_001)), Err(RewardError::Stock));
        assert_eq!(Stock::Limited(3).to_stored(), Some(3));
        assert_eq!(Stock::Unlimited.to_stored(), None);
        assert_eq!(PerPersonLimit::new(0), Err(RewardError::Limit));
        assert_eq!(PerPersonLimit::new(2).unwrap().get(), 2);
        assert_eq!(RewardError::Price.code(), "reward.invalid_price");
    }

    #[test]
    fn stock_goes_down_to_zero_and_back() {
        assert_eq!(Stock::Limited(1).take_one(), Some(Stock::Limited(0)));
        assert_eq!(Stock::Limited(0).take_one(), None);
        assert!(Stock::Limited(0).is_out());
        assert_eq!(Stock::Unlimited.take_one(), Some(Stock::Unlimited));
        assert_eq!(Stock::Limited(0).put_back(), Stock::Limited(1));
        assert_eq!(Stock::Unlimited.put_back(), Stock::Unlimited);
    }

    #[test]
    fn a_validity_window_starts_before_it_ends() {
        let t = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        assert!(Validity::new(Some(t), Some(t + TimeDelta::days(1))).is_ok());
        assert_eq!(
            Validity::new(Some(t), Some(t)),
            Err(RewardError::ValidityReversed)
        );
        assert!(Validity::new(None, Some(t)).is_ok());
        assert_eq!(Validity::always(), Validity::new(None, None).unwrap());
    }
}
