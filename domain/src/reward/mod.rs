//! Rewards (兑换): a catalogue of gifts and services volunteers redeem points for, with a price,
//! stock, a per-person limit and a validity window; redemption orders that take the points and
//! the stock together, and give both back when cancelled.

mod catalogue;
mod redemption;

pub use catalogue::{
    PerPersonLimit, Price, Reward, RewardError, RewardKind, RewardName, Stock, Validity,
};
pub use redemption::{
    Cancellation, RedeemError, RedemptionAction, RedemptionError, RedemptionPlan, RedemptionStatus,
    cancel, decide_redemption, fulfil,
};

crate::labelled::id_newtype!(
    /// A reward in the catalogue.
    RewardId
);

crate::labelled::id_newtype!(
    /// A redemption order.
    RedemptionId
);
