//! Rewards and redemptions on the wire.

use chrono::{DateTime, Utc};
use linli_domain::reward::{RedemptionStatus, RewardKind, Stock};
use linli_persistence::rewards::{RedemptionRecord, RewardRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::dto_enum::dto_enum;

dto_enum!(
    /// A thing or a service.
    RewardKindDto <=> RewardKind {
        /// 礼品: rice, oil, a thermos.
        Gift,
        /// 服务: a haircut, a health check, a household repair.
        Service,
    }
);

dto_enum!(
    /// pending → fulfilled, or cancelled (refunded).
    RedemptionStatusDto <=> RedemptionStatus {
        /// Points and stock taken; not handed over yet.
        Pending,
        /// Handed over.
        Fulfilled,
        /// Cancelled; points and stock given back.
        Cancelled,
    }
);

/// A reward to put up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRewardBody {
    /// The community offering it.
    pub community_id: i64,
    /// Its name, 1–60 characters.
    #[schema(example = "免费理发一次")]
    pub name: String,
    /// Gift or service.
    pub kind: RewardKindDto,
    /// What it is, up to 500 characters.
    pub description: Option<String>,
    /// Who provides it, up to 100 characters.
    #[schema(example = "社区爱心理发店")]
    pub provider: Option<String>,
    /// Its price in points (> 0).
    pub price: i64,
    /// Units on offer; omit for a service without a count.
    pub stock: Option<i64>,
    /// How many one volunteer may hold (pending or fulfilled); omit for no limit.
    pub per_person_limit: Option<i64>,
    /// Redeemable from.
    pub valid_from: Option<DateTime<Utc>>,
    /// Redeemable until (exclusive).
    pub valid_until: Option<DateTime<Utc>>,
}

/// What staff change of a reward: only the fields given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RewardPatch {
    /// A new name.
    pub name: Option<String>,
    /// A new price (orders taken keep theirs).
    pub price: Option<i64>,
    /// Units to add (positive) or withdraw (negative); never below what is left.
    pub stock_delta: Option<i64>,
    /// A new per-person limit; `null` removes it.
    #[serde(default, deserialize_with = "crate::extract::present")]
    pub per_person_limit: Option<Option<i64>>,
    /// Offer it (true) or withdraw it from the catalogue (false).
    pub active: Option<bool>,
    /// A new description; `null` clears it.
    #[serde(default, deserialize_with = "crate::extract::present")]
    pub description: Option<Option<String>>,
    /// A new provider; `null` clears it.
    #[serde(default, deserialize_with = "crate::extract::present")]
    pub provider: Option<Option<String>>,
    /// Redeemable from; `null` opens the window's start.
    #[serde(default, deserialize_with = "crate::extract::present")]
    pub valid_from: Option<Option<DateTime<Utc>>>,
    /// Redeemable until (exclusive); `null` opens its end.
    #[serde(default, deserialize_with = "crate::extract::present")]
    pub valid_until: Option<Option<DateTime<Utc>>>,
}

/// A reward in the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct RewardView {
    /// Its id.
    pub id: i64,
    /// The community offering it.
    pub community_id: i64,
    /// Its name.
    pub name: String,
    /// Gift or service.
    pub kind: RewardKindDto,
    /// What it is.
    pub description: Option<String>,
    /// Who provides it.
    pub provider: Option<String>,
    /// Its price in points.
    pub price: i64,
    /// Units put up in all; null without a count.
    pub stock_total: Option<i64>,
    /// Units left; null without a count.
    pub stock_left: Option<i64>,
    /// How many one volunteer may hold.
    pub per_person_limit: Option<i64>,
    /// Redeemable from.
    pub valid_from: Option<DateTime<Utc>>,
    /// Redeemable until.
    pub valid_until: Option<DateTime<Utc>>,
    /// Offered.
    pub active: bool,
}

impl From<RewardRecord> for RewardView {
    fn from(r: RewardRecord) -> Self {
        let count = |s: Stock| s.to_stored();
        RewardView {
            id: r.id.0,
            community_id: r.community_id.0,
            name: r.reward.name.as_str().to_owned(),
            kind: r.reward.kind.into(),
            description: r.description,
            provider: r.provider,
            price: r.reward.price.points().get(),
            stock_total: count(r.reward.stock),
            stock_left: count(r.stock_left),
            per_person_limit: r.reward.per_person_limit.map(|l| i64::from(l.get())),
            valid_from: r.reward.validity.from(),
            valid_until: r.reward.validity.until(),
            active: r.reward.active,
        }
    }
}

/// Which rewards.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RewardParams {
    /// The community (default: the caller's, as a volunteer or staff).
    pub community_id: Option<i64>,
    /// Include withdrawn rewards (staff).
    pub include_inactive: Option<bool>,
}

/// The catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct RewardList {
    /// Newest first.
    pub items: Vec<RewardView>,
}

/// A redemption order.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedemptionView {
    /// Its id.
    pub id: i64,
    /// What.
    pub reward_id: i64,
    /// Its name.
    pub reward_name: String,
    /// By whom.
    pub volunteer_id: i64,
    /// Their name.
    pub volunteer_name: String,
    /// The price charged.
    pub points: i64,
    /// Where it stands.
    pub status: RedemptionStatusDto,
    /// The volunteer's balance after this order (on the answer to placing or cancelling it).
    pub balance_after: Option<i64>,
    /// When it was placed.
    pub created_at: DateTime<Utc>,
    /// When it was handed over.
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why.
    pub cancel_reason: Option<String>,
}

impl RedemptionView {
    /// The view of an order, with the names it shows.
    pub fn new(r: RedemptionRecord, reward_name: String, volunteer_name: String) -> Self {
        RedemptionView {
            id: r.id.0,
            reward_id: r.reward_id.0,
            reward_name,
            volunteer_id: r.volunteer_id.0,
            volunteer_name,
            points: r.points.get(),
            status: r.status.into(),
            balance_after: None,
            created_at: r.created_at,
            fulfilled_at: r.fulfilled_at,
            cancelled_at: r.cancelled_at,
            cancel_reason: r.cancel_reason,
        }
    }
}

/// A cancellation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    /// Why, up to 500 characters (required of staff).
    pub reason: Option<String>,
}

/// Which orders.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RedemptionParams {
    /// Only of this status.
    pub status: Option<RedemptionStatusDto>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    /// From `next_cursor`.
    pub cursor: Option<String>,
}

/// A page of orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedemptionPage {
    /// Newest first.
    pub items: Vec<RedemptionView>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}
