//! The rewards catalogue and redemption orders as stored. A redemption takes one unit of stock
//! by a conditional update (`stock_left > 0`), so two orders racing for the last unit cannot both
//! have it; its points go through the volunteer's ledger (see [`crate::volunteers`]).

mod catalogue;
mod orders;

pub use catalogue::{
    NewReward, RewardChange, RewardFilter, RewardRecord, create, get, list, put_back_stock,
    take_stock, update,
};
pub use orders::{
    NewRedemption, OrderFilter, RedemptionRecord, count_held, find_by_key, get_order, insert,
    list_orders, set_cancelled, set_fulfilled,
};
