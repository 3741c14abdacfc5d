//! Routes: the rewards catalogue and redemption orders.

use actix_web::{HttpResponse, get, patch, post, web};
use linli_domain::reward::{RedemptionId, RewardId};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::{Json, Query};
use crate::idempotency::{self, IdempotencyKey};
use crate::rewards::wire::*;
use crate::rewards::{catalogue, redeem};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(create)
        .service(index)
        .service(show)
        .service(update)
        .service(redeem_one)
        .service(orders)
        .service(my_orders)
        .service(fulfil)
        .service(cancel);
}

/// Puts a reward up (community staff): a gift or a service, its price in points, stock,
/// per-person limit and validity.
#[utoipa::path(tag = "rewards", security(("bearer" = [])), request_body = NewRewardBody, responses(
    (status = 201, body = RewardView),
    (status = 403, description = "`reward.forbidden`", body = ErrorEnvelope),
    (status = 422, description = "Invalid terms (`reward.invalid_price`, …), unknown community", body = ErrorEnvelope),
))]
#[post("/rewards")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewRewardBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(catalogue::create(&state, auth.actor, body.0).await?))
}

/// The catalogue the caller sees: their community's as a volunteer, their communities' as staff.
#[utoipa::path(tag = "rewards", security(("bearer" = [])), params(RewardParams), responses(
    (status = 200, body = RewardList),
    (status = 401, body = ErrorEnvelope),
))]
#[get("/rewards")]
pub async fn index(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<RewardParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(catalogue::list(&state, auth.actor, params.0).await?))
}

/// One reward, with the stock left.
#[utoipa::path(tag = "rewards", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = RewardView),
    (status = 404, description = "`reward.not_found`", body = ErrorEnvelope),
))]
#[get("/rewards/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(catalogue::get(&state, auth.actor, RewardId(*id)).await?))
}

/// Changes a reward (staff): name, price, stock by a delta, limit, provider, description,
/// validity window (`null` clears a field), offered or withdrawn.
#[utoipa::path(tag = "rewards", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RewardPatch, responses(
    (status = 200, body = RewardView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Fewer units left than withdrawn (`reward.stock_short`)", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[patch("/rewards/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<RewardPatch>,
) -> Result<HttpResponse, ApiError> {
    Ok(
        HttpResponse::Ok()
            .json(catalogue::update(&state, auth.actor, RewardId(*id), body.0).await?),
    )
}

/// Redeems a reward with the caller's points: the points and one unit of stock are taken
/// together, or nothing is. With an `Idempotency-Key` a retry answers the first order
/// (`Idempotent-Replayed: true`).
#[utoipa::path(tag = "rewards", security(("bearer" = [])), params(("id" = i64, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: 1–255 visible ASCII characters, per volunteer")),
    responses(
    (status = 201, body = RedemptionView),
    (status = 403, description = "Not an approved volunteer of the reward's community (`redemption.not_a_volunteer`)", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "`points.insufficient`, `redemption.out_of_stock`, `redemption.limit_reached`, `redemption.reward_inactive`, `redemption.not_yet_valid`, `redemption.expired`", body = ErrorEnvelope),
    (status = 422, description = "A bad or reused Idempotency-Key", body = ErrorEnvelope),
))]
#[post("/rewards/{id}/redemptions")]
pub async fn redeem_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    key: IdempotencyKey,
) -> Result<HttpResponse, ApiError> {
    let (view, replayed) =
        redeem::redeem(&state, auth.actor, RewardId(*id), key.into_inner()).await?;
    Ok(idempotency::created(view, replayed))
}

/// The orders of the communities the caller administers, newest first.
#[utoipa::path(tag = "rewards", security(("bearer" = [])), params(RedemptionParams), responses(
    (status = 200, body = RedemptionPage),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/redemptions")]
pub async fn orders(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<RedemptionParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(redeem::list(&state, auth.actor, false, params.0).await?))
}

/// The caller's own orders, newest first.
#[utoipa::path(tag = "rewards", security(("bearer" = [])), params(RedemptionParams), responses(
    (status = 200, body = RedemptionPage),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/me/redemptions")]
pub async fn my_orders(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<RedemptionParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(redeem::list(&state, auth.actor, true, params.0).await?))
}

/// Staff hand the reward over.
#[utoipa::path(tag = "rewards", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = RedemptionView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, description = "`redemption.not_found`", body = ErrorEnvelope),
    (status = 409, description = "Fulfilled or cancelled already (`redemption.invalid_transition`)", body = ErrorEnvelope),
))]
#[post("/redemptions/{id}/fulfil")]
pub async fn fulfil(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(redeem::fulfil(&state, auth.actor, RedemptionId(*id)).await?))
}

/// Cancels a pending order (staff, with a reason; or the volunteer, their own): the points are
/// refunded (once) and the unit goes back.
#[utoipa::path(tag = "rewards", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CancelBody, responses(
    (status = 200, body = RedemptionView),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Fulfilled or cancelled already (`redemption.invalid_transition`)", body = ErrorEnvelope),
    (status = 422, description = "Staff gave no reason", body = ErrorEnvelope),
))]
#[post("/redemptions/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CancelBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(redeem::cancel(&state, auth.actor, RedemptionId(*id), body.0).await?))
}
