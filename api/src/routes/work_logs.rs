//! Routes: butlers' and grid workers' work logs (入户走访, 隐患排查, …), turning one into a
//! request, and the grid-work rates.

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::butlers::convert::{self, ConvertBody, Converted};
use crate::butlers::rates::{GridWorkParams, GridWorkStats, grid_work};
use crate::butlers::work_logs::{self, NewWorkLogBody, WorkLogPage, WorkLogParams, WorkLogView};
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::{Json, Query};
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(create)
        .service(index)
        .service(show)
        .service(to_request)
        .service(stats);
}

/// Records a work log (the building's butlers and its grid's workers). A hazard inspection
/// names the place, the hazard's kind and severity; one `fixed_on_spot` is filed as a request
/// (channel `butler`) and resolved on the spot by the caller, with the log, in one transaction.
/// With an `Idempotency-Key` the caller used before, the first log is answered again (with
/// `Idempotent-Replayed: true`) and nothing is stored or filed twice.
#[utoipa::path(tag = "work_logs", security(("bearer" = [])), request_body = NewWorkLogBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: 1–255 visible ASCII characters, per author")),
    responses(
    (status = 201, body = WorkLogView),
    (status = 403, description = "Not a butler of the building nor a worker of its grid (`work_log.forbidden`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid fields (every bad field listed): hazard fields missing on a hazard or given on another kind, unknown building or household", body = ErrorEnvelope),
))]
#[post("/work-logs")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    key: IdempotencyKey,
    body: Json<NewWorkLogBody>,
) -> Result<HttpResponse, ApiError> {
    let (log, replayed) = work_logs::record(&state, auth.actor, body.0, key.into_inner()).await?;
    Ok(idempotency::created(log, replayed))
}

/// The logs the caller sees (their own; their buildings', grid's, community's…), newest first.
#[utoipa::path(tag = "work_logs", security(("bearer" = [])), params(WorkLogParams), responses(
    (status = 200, body = WorkLogPage),
    (status = 401, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/work-logs")]
pub async fn index(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<WorkLogParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(work_logs::list(&state, auth.actor, params.into_inner()).await?))
}

/// One log.
#[utoipa::path(tag = "work_logs", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = WorkLogView),
    (status = 404, description = "No such log, or not one the caller sees (`work_log.not_found`)", body = ErrorEnvelope),
))]
#[get("/work-logs/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(work_logs::show(&state, auth.actor, *id).await?))
}

/// Turns a log's hazard or concerns into a request in one call: channel `butler`, submitted by
/// the caller, with the log's text; the request shows `work_log_id`. A log becomes one request
/// at most: calling again answers 200 with it (`replayed: true`).
#[utoipa::path(tag = "work_logs", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ConvertBody, responses(
    (status = 201, body = Converted),
    (status = 200, description = "The log had become this request before", body = Converted),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 422, description = "Nothing to act on (`work_log.nothing_to_convert`), an unknown or inactive category", body = ErrorEnvelope),
))]
#[post("/work-logs/{id}/request")]
pub async fn to_request(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Option<Json<ConvertBody>>,
) -> Result<HttpResponse, ApiError> {
    let body = body.map(|b| b.0).unwrap_or_default();
    let out = convert::convert(&state, auth.actor, *id, body).await?;
    Ok(if out.replayed {
        HttpResponse::Ok()
            .insert_header(("Idempotent-Replayed", "true"))
            .json(out)
    } else {
        HttpResponse::Created().json(out)
    })
}

/// Grid-work rates for a node the caller oversees and a period (local dates in `LINLI_TZ`):
/// home visits per building per month, hazards found, fixed on the spot and converted, logs by
/// kind.
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(GridWorkParams), responses(
    (status = 200, body = GridWorkStats),
    (status = 403, description = "The node is outside the caller's subtree (`stats.forbidden`)", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/stats/grid-work")]
pub async fn stats(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<GridWorkParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(grid_work(&state, auth.actor, params.into_inner()).await?))
}
