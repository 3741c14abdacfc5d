//! Routes: the rates as the district reports them.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::Query;
use crate::requests::rates::{StatsParams, StatsResponse, request_rates};
use crate::state::AppState;

/// Registers this module's routes under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(requests);
}

/// Completion, on-time and satisfaction rates of the requests submitted in a period under a
/// node the caller oversees (dates are local days in `LINLI_TZ`), optionally split by
/// category, child node, channel or month.
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(StatsParams), responses(
    (status = 200, body = StatsResponse),
    (status = 401, body = ErrorEnvelope),
    (status = 403, description = "The node is outside the caller's subtree (`stats.forbidden`)", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/stats/requests")]
pub async fn requests(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<StatsParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(request_rates(&state, auth.actor, params.into_inner()).await?))
}
