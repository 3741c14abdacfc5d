//! Rewards (兑换): the catalogue community staff keep of gifts and services, and the orders
//! volunteers place with their points; staff hand them over or cancel them (a cancel refunds the
//! points and puts the unit back).

pub mod catalogue;
pub mod redeem;
pub mod wire;
