//! Routes: Red Collar Home volunteers — applying, staff decisions, profiles, the points ledger,
//! leaderboards and volunteer figures.

use actix_web::{HttpResponse, get, patch, post, put, web};
use linli_domain::volunteer::VolunteerId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::{Json, Query};
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use crate::volunteers::leaderboard::{
    LeaderboardParams, LeaderboardView, VolunteerStats, VolunteerStatsParams,
};
use crate::volunteers::rules::PointsRuleBody;
use crate::volunteers::wire::*;
use crate::volunteers::{enrol, leaderboard, ledger, read, rules};

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(apply)
        .service(index)
        .service(show)
        .service(decide)
        .service(update)
        .service(mine)
        .service(update_mine)
        .service(points)
        .service(my_points)
        .service(adjust)
        .service(board)
        .service(balance_check)
        .service(stats)
        .service(get_rule)
        .service(put_rule);
}

/// Applies to volunteer (红领之家) for a community: kind, skills and a few words. Staff of the
/// community approve; one application per account.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), request_body = ApplyBody, responses(
    (status = 201, body = VolunteerView),
    (status = 401, body = ErrorEnvelope),
    (status = 409, description = "Applied already (`volunteer.already_applied`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid fields: no skill, unknown community, too long an intro", body = ErrorEnvelope),
))]
#[post("/volunteers")]
pub async fn apply(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<ApplyBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(enrol::apply(&state, auth.actor, body.0).await?))
}

/// The volunteers under the nodes the caller administers, oldest first.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), params(VolunteerParams), responses(
    (status = 200, body = VolunteerPage),
    (status = 401, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/volunteers")]
pub async fn index(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<VolunteerParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(read::list(&state, auth.actor, params.0).await?))
}

/// One volunteer (staff over their community, or themselves).
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = VolunteerView),
    (status = 404, description = "`volunteer.not_found`", body = ErrorEnvelope),
))]
#[get("/volunteers/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(read::get(&state, auth.actor, VolunteerId(*id)).await?))
}

/// Staff decide: approve (grants the `volunteer` role at the community, so home-life requests
/// can be dispatched to them), reject or suspend (a reason is required; suspension takes the role
/// away), reinstate.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DecisionBody, responses(
    (status = 200, body = VolunteerView),
    (status = 403, description = "`volunteer.forbidden`, or their own record (`volunteer.own_record`)", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Not from this status (`volunteer.invalid_transition`)", body = ErrorEnvelope),
    (status = 422, description = "A reason is required to reject or suspend", body = ErrorEnvelope),
))]
#[post("/volunteers/{id}/decision")]
pub async fn decide(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<DecisionBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(enrol::decide(&state, auth.actor, VolunteerId(*id), body.0).await?))
}

/// Staff change a volunteer's kind (which sets their points multiplier) or skills.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), params(("id" = i64, Path)), request_body = StaffProfilePatch, responses(
    (status = 200, body = VolunteerView),
    (status = 403, description = "`volunteer.forbidden`, or their own record (`volunteer.own_record`)", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[patch("/volunteers/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<StaffProfilePatch>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(enrol::update(&state, auth.actor, VolunteerId(*id), body.0).await?))
}

/// The caller's volunteer profile, with their balance.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), responses(
    (status = 200, body = VolunteerView),
    (status = 404, description = "Not a volunteer (`volunteer.not_found`)", body = ErrorEnvelope),
))]
#[get("/me/volunteer")]
pub async fn mine(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(enrol::mine(&state, auth.actor.user_id).await?))
}

/// Changes the caller's introduction, or their skills while the application waits.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), request_body = ProfilePatch, responses(
    (status = 200, body = VolunteerView),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Skills after approval (`volunteer.skills_locked`)", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[patch("/me/volunteer")]
pub async fn update_mine(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<ProfilePatch>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(enrol::update_mine(&state, auth.actor.user_id, body.0).await?))
}

/// A volunteer's balance and points ledger, newest first (staff over them, or themselves).
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), params(("id" = i64, Path), LedgerParams), responses(
    (status = 200, body = LedgerPage),
    (status = 404, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/volunteers/{id}/points")]
pub async fn points(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    params: Query<LedgerParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(ledger::page(&state, auth.actor, Some(VolunteerId(*id)), params.0).await?))
}

/// The caller's balance and points ledger, newest first.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), params(LedgerParams), responses(
    (status = 200, body = LedgerPage),
    (status = 404, description = "Not a volunteer", body = ErrorEnvelope),
))]
#[get("/me/points")]
pub async fn my_points(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<LedgerParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(ledger::page(&state, auth.actor, None, params.0).await?))
}

/// A staff correction of a volunteer's points, with a reason kept in the ledger for good; a
/// debit beyond the balance is refused whole.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), params(("id" = i64, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: 1–255 visible ASCII characters, per staff member and volunteer")),
    request_body = AdjustBody, responses(
    (status = 201, body = EntryView),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "More than the balance (`points.insufficient`)", body = ErrorEnvelope),
    (status = 403, description = "`volunteer.forbidden`, or their own record (`volunteer.own_record`)", body = ErrorEnvelope),
    (status = 422, description = "Zero amount, no reason, or a reused Idempotency-Key with another body", body = ErrorEnvelope),
))]
#[post("/volunteers/{id}/points/adjustments")]
pub async fn adjust(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    key: IdempotencyKey,
    body: Json<AdjustBody>,
) -> Result<HttpResponse, ApiError> {
    let (entry, replayed) = ledger::adjust(
        &state,
        auth.actor,
        VolunteerId(*id),
        body.0,
        key.into_inner(),
    )
    .await?;
    Ok(idempotency::created(entry, replayed))
}

/// A community's leaderboard (光荣榜): points earned and hours served by month (`2026-11`),
/// year (`2026`) or all time (`all`); this month by default.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), params(LeaderboardParams), responses(
    (status = 200, body = LeaderboardView),
    (status = 404, description = "`volunteer.unknown_community`", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/points/leaderboard")]
pub async fn board(
    state: web::Data<AppState>,
    _auth: Auth,
    params: Query<LeaderboardParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(leaderboard::leaderboard(&state, params.0).await?))
}

/// Recomputes every balance under the caller's nodes from the ledger and lists any that differ
/// (an empty list when all is well; a difference is also logged as an error).
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), responses(
    (status = 200, body = BalanceCheckView),
    (status = 403, body = ErrorEnvelope),
))]
#[get("/points/balance-check")]
pub async fn balance_check(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(ledger::check(&state, auth.actor).await?))
}

/// Volunteer figures for a node the caller administers: active volunteers by kind (the seed
/// reports 107), points awarded and hours served.
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(VolunteerStatsParams), responses(
    (status = 200, body = VolunteerStats),
    (status = 403, description = "`stats.forbidden`", body = ErrorEnvelope),
))]
#[get("/stats/volunteers")]
pub async fn stats(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<VolunteerStatsParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(leaderboard::stats(&state, auth.actor, params.0).await?))
}

/// A community's points rule (the default when it set none): what serving earns.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), params(("community_id" = i64, Path)), responses(
    (status = 200, body = PointsRuleBody),
    (status = 404, description = "`volunteer.unknown_community`", body = ErrorEnvelope),
))]
#[get("/points/rules/{community_id}")]
pub async fn get_rule(
    state: web::Data<AppState>,
    _auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(rules::get(&state, *id).await?))
}

/// Sets a community's points rule (its staff): per hour, per activity, per rated request, the
/// basically-satisfied share and multipliers by kind. Awards made before keep their points.
#[utoipa::path(tag = "volunteers", security(("bearer" = [])), params(("community_id" = i64, Path)), request_body = PointsRuleBody, responses(
    (status = 200, body = PointsRuleBody),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 422, description = "A value out of range (`points.rule_base_out_of_range`, `points.rule_multiplier_out_of_range`)", body = ErrorEnvelope),
))]
#[put("/points/rules/{community_id}")]
pub async fn put_rule(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<PointsRuleBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(rules::put(&state, auth.actor, *id, body.0).await?))
}
