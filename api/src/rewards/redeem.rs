//! Redeeming: one transaction takes the volunteer's row lock, lets the domain decide on the
//! balance, stock and limit it reads, takes a unit of stock by a conditional update, places the
//! order and debits the ledger. Fulfilling hands it over; cancelling a pending order refunds the
//! points (once: the refund's key is unique) and puts the unit back.

use linli_domain::access::Actor;
use linli_domain::reward::{
    RedeemError, RedemptionId, RewardId, cancel as decide_cancel, decide_redemption,
    fulfil as decide_fulfil,
};
use linli_domain::text::Note;
use linli_persistence::rewards::{self, NewRedemption, OrderFilter, RedemptionRecord};
use linli_persistence::tx::write_transaction;
use linli_persistence::volunteers::{self, NewEntry};
use linli_persistence::{DbConnection, StoreError};

use super::catalogue::load_seen;
use super::wire::{CancelBody, RedemptionPage, RedemptionParams, RedemptionView};
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;
use crate::volunteers::ledger::insufficient;

fn not_found() -> ApiError {
    ApiError::not_found(
        "redemption.not_found",
        Msg::new("兑换记录不存在", "No such redemption"),
    )
}

fn not_a_volunteer() -> ApiError {
    ApiError::forbidden(
        "redemption.not_a_volunteer",
        Msg::new(
            "只有已通过审核的志愿者可以兑换",
            "Only approved volunteers redeem points",
        ),
    )
}

fn refused(e: RedeemError) -> ApiError {
    let zh = match e {
        RedeemError::RewardInactive => "该奖品已下架".to_owned(),
        RedeemError::NotYetValid { .. } => "该奖品尚未开始兑换".to_owned(),
        RedeemError::Expired { .. } => "该奖品已过兑换期".to_owned(),
        RedeemError::OutOfStock => "该奖品已兑完".to_owned(),
        RedeemError::LimitReached { limit } => format!("每人限兑 {limit} 次，您已达上限"),
        RedeemError::InsufficientPoints { balance, price } => {
            return insufficient(balance, price);
        }
    };
    ApiError::conflict(e.code(), Msg::new(zh, e.to_string()))
}

fn view_of(conn: &mut DbConnection, id: RedemptionId) -> Result<RedemptionView, ApiError> {
    let r = rewards::get_order(conn, id)?;
    view(conn, r)
}

fn view(conn: &mut DbConnection, r: RedemptionRecord) -> Result<RedemptionView, ApiError> {
    let reward = rewards::get(conn, r.reward_id)?;
    let volunteer = volunteers::get(conn, r.volunteer_id)?;
    Ok(RedemptionView::new(
        r,
        reward.reward.name.as_str().to_owned(),
        volunteer.display_name,
    ))
}

/// Redeems reward `id` for the calling volunteer. With an `Idempotency-Key` the volunteer used
/// before, the first order is answered again (`true`) and nothing is taken twice.
pub async fn redeem(
    state: &AppState,
    actor: Actor,
    id: RewardId,
    key: Option<String>,
) -> Result<(RedemptionView, bool), ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            write_transaction(conn, |conn| {
                let me = volunteers::by_user(conn, actor.user_id)?.ok_or_else(not_a_volunteer)?;
                // The lock first: what is read below stays true for this volunteer until the
                // end, and a twin sent with the same key finds this one's order once it waits
                // its turn here.
                let me = volunteers::lock(conn, me.id, now)?;
                if let Some(k) = key.as_deref()
                    && let Some(seen) = rewards::find_by_key(conn, me.id, k)?
                {
                    if seen.reward_id != id {
                        return Err(crate::idempotency::key_reused());
                    }
                    return Ok((view(conn, seen)?, true));
                }
                let reward = load_seen(conn, &actor, id)?;
                if !me.status.may_serve() || !me.community_path.contains(&reward.community_path) {
                    return Err(not_a_volunteer());
                }
                let held = rewards::count_held(conn, me.id, id)?;
                let plan =
                    decide_redemption(&reward.reward, reward.stock_left, held, me.balance, now)
                        .map_err(refused)?;
                // The stock read may be stale (another volunteer's order): the update decides.
                if !rewards::take_stock(conn, id)? {
                    return Err(refused(RedeemError::OutOfStock));
                }
                let order = rewards::insert(
                    conn,
                    &NewRedemption {
                        reward_id: id,
                        volunteer_id: me.id,
                        community_id: reward.community_id,
                        community_path: reward.community_path.clone(),
                        points: plan.price.points(),
                        idempotency_key: key.clone(),
                    },
                    now,
                )?;
                let entry = plan.debit(order);
                let rec = volunteers::append(
                    conn,
                    &NewEntry {
                        volunteer: me.id,
                        community_id: me.community_id,
                        entry: &entry,
                        minutes: None,
                        recorded_by: None,
                    },
                    now,
                )
                .map_err(|e| match e {
                    StoreError::Stale => insufficient(me.balance, plan.price.points()),
                    e => e.into(),
                })?;
                let mut v = view_of(conn, order)?;
                v.balance_after = Some(rec.balance_after.get());
                Ok((v, false))
            })
        })
        .await
}

/// An order the caller may act on: staff over its community, or its volunteer; with whether
/// the caller is staff over it and whether it is their own.
fn load_order(
    conn: &mut DbConnection,
    actor: &Actor,
    id: RedemptionId,
) -> Result<(RedemptionRecord, bool, bool), ApiError> {
    let r = match rewards::get_order(conn, id) {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let staff = actor.administers(&r.community_path);
    let own = volunteers::by_user(conn, actor.user_id)?.is_some_and(|v| v.id == r.volunteer_id);
    if !staff && !own {
        return Err(not_found());
    }
    Ok((r, staff, own))
}

fn transition_refused(e: linli_domain::reward::RedemptionError) -> ApiError {
    ApiError::conflict(
        e.code(),
        Msg::new("该兑换已办结或已取消，不能再变更", e.to_string()),
    )
}

/// Staff hand the reward over.
pub async fn fulfil(
    state: &AppState,
    actor: Actor,
    id: RedemptionId,
) -> Result<RedemptionView, ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            write_transaction(conn, |conn| {
                let (r, staff, own) = load_order(conn, &actor, id)?;
                if !staff {
                    return Err(ApiError::forbidden(
                        "redemption.forbidden",
                        Msg::new("只有社区工作人员可以兑付", "Only staff hand rewards over"),
                    ));
                }
                if own {
                    // Staff who volunteer too do not hand rewards over to themselves.
                    return Err(crate::volunteers::enrol::own_record());
                }
                decide_fulfil(r.status).map_err(transition_refused)?;
                match rewards::set_fulfilled(conn, id, actor.user_id, now) {
                    Ok(()) => {}
                    // Someone else changed it since we read it: say what it is now.
                    Err(StoreError::Stale) => {
                        let now_status = rewards::get_order(conn, id)?.status;
                        decide_fulfil(now_status).map_err(transition_refused)?;
                        return Err(StoreError::Stale.into());
                    }
                    Err(e) => return Err(e.into()),
                }
                view_of(conn, id)
            })
        })
        .await
}

/// Cancels a pending order (staff, with a reason; or the volunteer, their own): the points come
/// back through a refund entry and the unit goes back on the shelf.
pub async fn cancel(
    state: &AppState,
    actor: Actor,
    id: RedemptionId,
    body: CancelBody,
) -> Result<RedemptionView, ApiError> {
    let mut f = Fields::new();
    let reason = match body.reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => f.check("reason", Note::parse(r)).map(Note::into_inner),
    };
    f.finish()?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            write_transaction(conn, |conn| {
                let (r, staff, own) = load_order(conn, &actor, id)?;
                if staff && reason.is_none() && !own {
                    let mut f = Fields::new();
                    f.push(
                        "reason",
                        "required",
                        "请填写取消原因",
                        "A reason is required",
                    );
                    return Err(f.finish().expect_err("one error"));
                }
                let price =
                    linli_domain::reward::Price::new(r.points.get()).map_err(ApiError::internal)?;
                let plan = decide_cancel(r.status, id, price).map_err(transition_refused)?;
                // The volunteer's row first, as every change of their points.
                volunteers::lock(conn, r.volunteer_id, now)?;
                match rewards::set_cancelled(conn, id, actor.user_id, reason.as_deref(), now) {
                    Ok(()) => {}
                    // Someone else changed it since we read it: say what it is now.
                    Err(StoreError::Stale) => {
                        let now_status = rewards::get_order(conn, id)?.status;
                        decide_cancel(now_status, id, price).map_err(transition_refused)?;
                        return Err(StoreError::Stale.into());
                    }
                    Err(e) => return Err(e.into()),
                }
                let rec = volunteers::append(
                    conn,
                    &NewEntry {
                        volunteer: r.volunteer_id,
                        community_id: r.community_id,
                        entry: &plan.refund,
                        minutes: None,
                        recorded_by: Some(actor.user_id),
                    },
                    now,
                )?;
                rewards::put_back_stock(conn, r.reward_id)?;
                let mut v = view_of(conn, id)?;
                v.balance_after = Some(rec.balance_after.get());
                Ok(v)
            })
        })
        .await
}

/// Orders: staff see their communities', a volunteer their own (`mine`).
pub async fn list(
    state: &AppState,
    actor: Actor,
    mine: bool,
    p: RedemptionParams,
) -> Result<RedemptionPage, ApiError> {
    let (before, limit) = crate::paging::page("o", p.cursor.as_deref(), p.limit)?;
    state
        .db
        .read(move |conn| {
            let me = volunteers::by_user(conn, actor.user_id)?;
            let filter = OrderFilter {
                under: if mine {
                    Vec::new()
                } else {
                    actor.administered().cloned().collect()
                },
                volunteer: if mine { me.map(|v| v.id) } else { None },
                status: p.status.map(Into::into),
                before: before.map(RedemptionId),
            };
            let rows = rewards::list_orders(conn, &filter, limit + 1)?;
            let read = rows.len();
            let mut items = Vec::new();
            for r in rows.into_iter().take(limit as usize) {
                items.push(view(conn, r)?);
            }
            let next_cursor = crate::paging::next("o", read, limit, items.last().map(|v| v.id));
            Ok(RedemptionPage { items, next_cursor })
        })
        .await
}
