//! A resident's rights over their data: the export of everything held about them, and erasure.

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope};
use crate::registry::rights::{self, DataExport, DeletionReport};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(my_data).service(delete_me);
}

/// Everything held about the caller, as JSON: the account (phones whole), roles, household
/// bindings, registry entries linked to the account, and the requests they submitted with
/// their timelines.
#[utoipa::path(tag = "privacy", security(("bearer" = [])), responses(
    (status = 200, body = DataExport),
    (status = 401, body = ErrorEnvelope),
))]
#[get("/me/data")]
pub async fn my_data(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let export = rights::export(&state, auth).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(export))
}

/// Erases the caller's personal data. The account can no longer sign in (its WeChat identity,
/// phones, password and sessions are gone, its name becomes 已注销用户); registry entries linked
/// to it are anonymised; its requests and their timelines stay for the community's record, with
/// the contact phones erased.
#[utoipa::path(tag = "privacy", security(("bearer" = [])), responses(
    (status = 200, body = DeletionReport),
    (status = 401, body = ErrorEnvelope),
))]
#[post("/me/deletion")]
pub async fn delete_me(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let report = rights::erase(&state, auth).await?;
    Ok(HttpResponse::Ok().json(report))
}
