use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorEnvelope};
use crate::state::AppState;

/// Health status.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`
    #[schema(example = "ok")]
    status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(tag = "health", responses(
    (status = 200, body = Health),
    (status = 503, description = "The database does not answer", body = ErrorEnvelope),
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .db
        .read(|conn| linli_persistence::tx::ping(conn).map_err(ApiError::unavailable))
        .await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}
