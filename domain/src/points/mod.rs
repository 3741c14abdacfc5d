//! Points (积分): what volunteers earn by serving and spend on rewards. Points are money-like:
//! never created twice, never spent twice, never negative.
//!
//! - [`PointsRule`]: how many points an activity or a rated request earns, as data.
//! - [`AwardSource`]: what an award is for; its idempotency key makes it once per source.
//! - The ledger: every change is an [`Entry`] appended, never edited or deleted; the balance is
//!   the sum of the entries ([`balance_of`]); [`apply`] refuses any debit that would make it
//!   negative; [`verify`] compares a cached balance with the sum.
//! - Leaderboards: [`LeaderboardPeriod`] and [`rank`].

mod amount;
mod eligibility;
mod expiry;
mod leaderboard;
mod ledger;
mod rule;
mod source;

pub use amount::Points;
pub use eligibility::{earns_for_activity, earns_for_request};
pub use expiry::{ExpiryError, ExpiryPolicy, expiry_key, lapsing};
pub use leaderboard::{LeaderRow, LeaderboardPeriod, PeriodParseError, Ranked, rank};
pub use ledger::{
    BalanceMismatch, Entry, EntryError, EntryKind, Ledger, LedgerError, apply, balance_of, verify,
};
pub use rule::{Multiplier, PointsRule, RuleError, award_for_activity, award_for_request};
pub use source::{AwardSource, UnknownKey};
