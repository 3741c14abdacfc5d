//! Redeeming a reward: an order (pending → fulfilled, or cancelled) that takes the points and one
//! unit of stock together; cancelling a pending order gives both back, once.

use chrono::{DateTime, Utc};

use crate::labelled::labelled_enum;
use crate::points::{Entry, Points};

use super::{Price, RedemptionId, Reward, Stock};

labelled_enum!(
    /// Where a redemption order stands.
    RedemptionStatus, "redemption status", {
        /// Points and stock taken; the gift or service not handed over yet.
        Pending => "pending", "待兑付",
        /// Handed over. Final.
        Fulfilled => "fulfilled", "已兑付",
        /// Cancelled; points and stock given back. Final.
        Cancelled => "cancelled", "已取消",
    }
);

labelled_enum!(
    /// What staff do to an order.
    RedemptionAction, "redemption action", {
        /// Hand it over.
        Fulfil => "fulfil", "兑付",
        /// Cancel it (refunds).
        Cancel => "cancel", "取消",
    }
);

/// Why a redemption was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedeemError {
    /// Withdrawn from the catalogue.
    #[error("the reward is not offered")]
    RewardInactive,
    /// Before its validity window.
    #[error("the reward can be redeemed from {from}")]
    NotYetValid {
        /// When it opens.
        from: DateTime<Utc>,
    },
    /// After its validity window.
    #[error("the reward could be redeemed until {until}")]
    Expired {
        /// When it closed.
        until: DateTime<Utc>,
    },
    /// None left.
    #[error("the reward is out of stock")]
    OutOfStock,
    /// The volunteer has redeemed it as often as one person may.
    #[error("one person may redeem this reward {limit} times")]
    LimitReached {
        /// The limit.
        limit: u32,
    },
    /// The balance does not cover the price.
    #[error("insufficient points: the balance is {balance}, the price {price}")]
    InsufficientPoints {
        /// The balance.
        balance: Points,
        /// The price.
        price: Points,
    },
}

impl RedeemError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            RedeemError::RewardInactive => "redemption.reward_inactive",
            RedeemError::NotYetValid { .. } => "redemption.not_yet_valid",
            RedeemError::Expired { .. } => "redemption.expired",
            RedeemError::OutOfStock => "redemption.out_of_stock",
            RedeemError::LimitReached { .. } => "redemption.limit_reached",
            RedeemError::InsufficientPoints { .. } => "redemption.insufficient_points",
        }
    }
}

/// What an accepted redemption does, all in one transaction: a pending order at `price`, the
/// debit entry, one unit of stock taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedemptionPlan {
    /// The price charged; stored with the order, since the catalogue's price may change before a
    /// refund.
    pub price: Price,
    /// The stock left after this order.
    pub stock_after: Stock,
    /// The balance after the debit.
    pub balance_after: Points,
}

impl RedemptionPlan {
    /// The ledger entry debiting the price, keyed by the order once it has an id.
    pub fn debit(&self, id: RedemptionId) -> Entry {
        Entry::redemption(id, self.price)
    }
}

/// Decides a redemption of `reward` by a volunteer who holds `already_redeemed_by_person` pending
/// or fulfilled orders of it and a balance of `balance`, with `stock_left` units left, at `now`.
/// Checks, in order: offered, inside the validity window, in stock, under the per-person limit,
/// a balance that covers the price (a debit never makes a balance negative).
pub fn decide_redemption(
    reward: &Reward,
    stock_left: Stock,
    already_redeemed_by_person: u32,
    balance: Points,
    now: DateTime<Utc>,
) -> Result<RedemptionPlan, RedeemError> {
    if !reward.active {
        return Err(RedeemError::RewardInactive);
    }
    if let Some(from) = reward.validity.from()
        && now < from
    {
        return Err(RedeemError::NotYetValid { from });
    }
    if let Some(until) = reward.validity.until()
        && now >= until
    {
        return Err(RedeemError::Expired { until });
    }
    let stock_after = stock_left.take_one().ok_or(RedeemError::OutOfStock)?;
    if let Some(limit) = reward.per_person_limit
        && already_redeemed_by_person >= limit.get()
    {
        return Err(RedeemError::LimitReached { limit: limit.get() });
    }
    let price = reward.price.points();
    let balance_after = balance
        .checked_sub(price)
        .filter(|b| !b.is_negative())
        .ok_or(RedeemError::InsufficientPoints { balance, price })?;
    Ok(RedemptionPlan {
        price: reward.price,
        stock_after,
        balance_after,
    })
}

/// Why an order cannot change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedemptionError {
    /// Fulfilled or cancelled already.
    #[error("cannot {} an order that is {}", action.as_str(), from.as_str())]
    InvalidTransition {
        /// Where the order stands.
        from: RedemptionStatus,
        /// What was asked.
        action: RedemptionAction,
    },
}

impl RedemptionError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            RedemptionError::InvalidTransition { .. } => "redemption.invalid_transition",
        }
    }
}

/// Pending → fulfilled.
pub fn fulfil(status: RedemptionStatus) -> Result<RedemptionStatus, RedemptionError> {
    match status {
        RedemptionStatus::Pending => Ok(RedemptionStatus::Fulfilled),
        from => Err(RedemptionError::InvalidTransition {
            from,
            action: RedemptionAction::Fulfil,
        }),
    }
}

/// What cancelling a pending order does, in one transaction: the order becomes cancelled, the
/// refund entry is appended (its key makes it once per order), one unit of stock goes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    /// The refund of the price the order was charged.
    pub refund: Entry,
}

impl Cancellation {
    /// The stock after the unit comes back.
    pub fn stock_after(&self, stock_left: Stock) -> Stock {
        stock_left.put_back()
    }
}

/// Decides cancelling order `id`, charged `price`: only a pending order is cancelled.
pub fn cancel(
    status: RedemptionStatus,
    id: RedemptionId,
    price: Price,
) -> Result<Cancellation, RedemptionError> {
    match status {
        RedemptionStatus::Pending => Ok(Cancellation {
            refund: Entry::refund(id, price),
        }),
        from => Err(RedemptionError::InvalidTransition {
            from,
            action: RedemptionAction::Cancel,
        }),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::super::{PerPersonLimit, RewardKind, RewardName, Validity};
    use super::*;
    use crate::points::EntryKind;

    fn t(d: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_796_000_000, 0).unwrap() + TimeDelta::days(d)
    }

    fn haircut() -> Reward {
        Reward {
            name: RewardName::parse("理发一次").unwrap(),
            kind: RewardKind::Service,
            price: Price::new(30).unwrap(),
            stock: Stock::Limited(10),
            per_person_limit: Some(PerPersonLimit::new(2).unwrap()),
            validity: Validity::new(Some(t(0)), Some(t(30))).unwrap(),
            active: true,
        }
    }

    #[test]
    fn an_accepted_redemption_takes_the_price_and_one_unit() {
        let plan = decide_redemption(&haircut(), Stock::Limited(3), 1, Points(45), t(1)).unwrap();
        assert_eq!(plan.stock_after, Stock::Limited(2));
        assert_eq!(plan.balance_after, Points(15));
        let debit = plan.debit(RedemptionId(8));
        assert_eq!(debit.kind(), EntryKind::Redemption);
        assert_eq!(debit.amount(), Points(-30));
        assert_eq!(debit.key(), Some("redemption:8"));
        // Exactly the price; the last unit; unlimited stock stays unlimited.
        let last = decide_redemption(&haircut(), Stock::Limited(1), 0, Points(30), t(0)).unwrap();
        assert_eq!(
            (last.stock_after, last.balance_after),
            (Stock::Limited(0), Points::ZERO)
        );
        let any = Reward {
            stock: Stock::Unlimited,
            per_person_limit: None,
            validity: Validity::always(),
            ..haircut()
        };
        let plan = decide_redemption(&any, Stock::Unlimited, 99, Points(30), t(-100)).unwrap();
        assert_eq!(plan.stock_after, Stock::Unlimited);
    }

    #[test]
    fn each_refusal_has_its_error_and_code() {
        let r = haircut();
        let cases = [
            (
                decide_redemption(
                    &Reward {
                        active: false,
                        ..haircut()
                    },
                    Stock::Limited(3),
                    0,
                    Points(99),
                    t(1),
                ),
                RedeemError::RewardInactive,
                "redemption.reward_inactive",
            ),
            (
                decide_redemption(&r, Stock::Limited(3), 0, Points(99), t(-1)),
                RedeemError::NotYetValid { from: t(0) },
                "redemption.not_yet_valid",
            ),
            (
                decide_redemption(&r, Stock::Limited(3), 0, Points(99), t(30)),
                RedeemError::Expired { until: t(30) },
                "redemption.expired",
            ),
            (
                decide_redemption(&r, Stock::Limited(0), 0, Points(99), t(1)),
                RedeemError::OutOfStock,
                "redemption.out_of_stock",
            ),
            (
                decide_redemption(&r, Stock::Limited(3), 2, Points(99), t(1)),
                RedeemError::LimitReached { limit: 2 },
                "redemption.limit_reached",
            ),
            (
                decide_redemption(&r, Stock::Limited(3), 0, Points(29), t(1)),
                RedeemError::InsufficientPoints {
                    balance: Points(29),
                    price: Points(30),
                },
                "redemption.insufficient_points",
            ),
            (
                decide_redemption(&r, Stock::Limited(3), 0, Points(-5), t(1)),
                RedeemError::InsufficientPoints {
                    balance: Points(-5),
                    price: Points(30),
                },
                "redemption.insufficient_points",
            ),
        ];
        for (got, err, code) in cases {
            assert_eq!(got, Err(err));
            assert_eq!(err.code(), code);
        }
    }

    #[test]
    fn only_a_pending_order_is_fulfilled_or_cancelled() {
        use RedemptionStatus::*;
        assert_eq!(fulfil(Pending), Ok(Fulfilled));
        let c = cancel(Pending, RedemptionId(8), Price::new(30).unwrap()).unwrap();
        assert_eq!(c.refund.kind(), EntryKind::Refund);
        assert_eq!(c.refund.amount(), Points(30));
        assert_eq!(c.refund.key(), Some("refund:8"));
        assert_eq!(c.stock_after(Stock::Limited(0)), Stock::Limited(1));
        for from in [Fulfilled, Cancelled] {
            let err = fulfil(from).unwrap_err();
            assert_eq!(
                err,
                RedemptionError::InvalidTransition {
                    from,
                    action: RedemptionAction::Fulfil
                }
            );
            assert_eq!(err.code(), "redemption.invalid_transition");
            assert_eq!(
                cancel(from, RedemptionId(8), Price::new(30).unwrap()),
                Err(RedemptionError::InvalidTransition {
                    from,
                    action: RedemptionAction::Cancel
                })
            );
        }
        assert_eq!(
            cancel(Fulfilled, RedemptionId(8), Price::new(30).unwrap())
                .unwrap_err()
                .to_string(),
            "cannot cancel an order that is fulfilled"
        );
    }
}
