//! The household registry over HTTP: a household's entry (masked by role, revealed with a
//! purpose), its profile, residents and care tags; the care-needs list under a node; the
//! staff search; the access log.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use linli_domain::OrgNodeId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::{Json, Query};
use crate::idempotency::{self, IdempotencyKey};
use crate::registry::dto::*;
use crate::registry::params::{AccessLogParams, CareNeedParams, ViewParams};
use crate::registry::service;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(household_registry)
        .service(put_profile)
        .service(add_resident)
        .service(update_resident)
        .service(remove_resident)
        .service(add_care_tag)
        .service(remove_care_tag)
        .service(care_needs)
        .service(search)
        .service(access_log);
}

/// A household's registry entry. Names and phones come masked (张*三, 138****5678) to
/// community staff, the building's butlers and the grid's workers, not at all to street and
/// district offices, and whole to the household's own residents. Community staff see them whole
/// with `reveal=true` and a `purpose`; every read in the clear is written to the access log.
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(("id" = i64, Path), ViewParams), responses(
    (status = 200, body = HouseholdRegistryView),
    (status = 403, description = "Revealing is for community staff (`registry.reveal_forbidden`)", body = ErrorEnvelope),
    (status = 404, description = "No such household, or not the caller's to see", body = ErrorEnvelope),
    (status = 422, description = "`reveal=true` without a purpose", body = ErrorEnvelope),
))]
#[get("/households/{id}/registry")]
pub async fn household_registry(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    params: Query<ViewParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let view = service::view(
        &state,
        auth.actor,
        OrgNodeId(*id),
        p.reveal.unwrap_or(false),
        p.purpose,
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Records or replaces a household's profile (community staff).
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ProfileBody, responses(
    (status = 200, body = HouseholdRegistryView),
    (status = 403, description = "`registry.not_allowed`", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[put("/households/{id}/profile")]
pub async fn put_profile(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ProfileBody>,
) -> Result<HttpResponse, ApiError> {
    let view = service::put_profile(&state, auth.actor, OrgNodeId(*id), body.0).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Adds a resident to a household's register (community staff); name and phone are encrypted
/// at rest. Answers with the household, masked. With an `Idempotency-Key` the caller used
/// before, nothing is stored and the household is answered again (`Idempotent-Replayed: true`).
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(("id" = i64, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: 1–255 visible ASCII characters, per staff member")),
    request_body = ResidentBody, responses(
    (status = 201, body = HouseholdRegistryView),
    (status = 403, description = "`registry.not_allowed`", body = ErrorEnvelope),
    (status = 404, description = "`registry.household_not_found`", body = ErrorEnvelope),
    (status = 422, description = "Invalid fields (`validation.failed`, every bad field listed), or the key was used with another body (`idempotency.key_reused`)", body = ErrorEnvelope),
))]
#[post("/households/{id}/residents")]
pub async fn add_resident(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    key: IdempotencyKey,
    body: Json<ResidentBody>,
) -> Result<HttpResponse, ApiError> {
    let (view, replayed) =
        service::add_resident(&state, auth.actor, OrgNodeId(*id), body.0, key.into_inner()).await?;
    Ok(idempotency::created(view, replayed))
}

/// Changes a resident's entry (community staff): only the fields given; `null` clears
/// `birth_year`, `phone` or `user_id`. A new name or phone is sealed anew, so searches find
/// the new value and not the old. Answers with the household, masked.
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(("id" = i64, Path), ("resident_id" = i64, Path)), request_body = ResidentPatch, responses(
    (status = 200, body = HouseholdRegistryView),
    (status = 403, description = "`registry.not_allowed`", body = ErrorEnvelope),
    (status = 404, description = "`registry.household_not_found`, or `registry.resident_not_found` (another household's, or removed)", body = ErrorEnvelope),
    (status = 409, description = "`registry.resident_anonymised`: erased at the resident's own request", body = ErrorEnvelope),
    (status = 422, description = "Invalid fields (`validation.failed`, every bad field listed)", body = ErrorEnvelope),
))]
#[patch("/households/{id}/residents/{resident_id}")]
pub async fn update_resident(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
    body: Json<ResidentPatch>,
) -> Result<HttpResponse, ApiError> {
    let (id, resident) = path.into_inner();
    let view =
        service::update_resident(&state, auth.actor, OrgNodeId(id), resident, body.0).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Removes a resident's entry (community staff; moved out, or recorded by mistake). Their name,
/// phone, birth year and account link are erased and the entry leaves the household, searches
/// and care lists; care tags about them are closed. The entry's id stays for the record (care
/// consent, access log).
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(("id" = i64, Path), ("resident_id" = i64, Path)), responses(
    (status = 204, description = "Removed"),
    (status = 403, description = "`registry.not_allowed`", body = ErrorEnvelope),
    (status = 404, description = "`registry.household_not_found`, or `registry.resident_not_found` (another household's, or removed already)", body = ErrorEnvelope),
))]
#[delete("/households/{id}/residents/{resident_id}")]
pub async fn remove_resident(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, resident) = path.into_inner();
    service::remove_resident(&state, auth.actor, OrgNodeId(id), resident).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Records a care tag on a household or one of its residents, with the consent it is given
/// under (community staff, or a butler of the building).
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CareTagBody, responses(
    (status = 201, body = CareTagView),
    (status = 403, description = "`registry.not_allowed`", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/households/{id}/care-tags")]
pub async fn add_care_tag(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CareTagBody>,
) -> Result<HttpResponse, ApiError> {
    let tag = service::add_tag(&state, auth.actor, OrgNodeId(*id), body.0).await?;
    Ok(HttpResponse::Created().json(tag))
}

/// Removes a care tag (consent withdrawn, or the need is over); the record of it is kept.
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(("id" = i64, Path), ("tag_id" = i64, Path)), responses(
    (status = 204, description = "Removed"),
    (status = 403, description = "`registry.not_allowed`", body = ErrorEnvelope),
    (status = 404, description = "`registry.care_tag_not_found`", body = ErrorEnvelope),
))]
#[delete("/households/{id}/care-tags/{tag_id}")]
pub async fn remove_care_tag(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, tag) = path.into_inner();
    service::remove_tag(&state, auth.actor, OrgNodeId(id), tag).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The households under a node with a care need (e.g. every elderly person living alone in a
/// grid), as the caller's role sees them: masked, never revealed here.
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(("id" = i64, Path), CareNeedParams), responses(
    (status = 200, body = CareNeedList),
    (status = 404, description = "No such node, or not under the caller's staff roles", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/org/nodes/{id}/care-needs")]
pub async fn care_needs(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    params: Query<CareNeedParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let (after, limit) = crate::paging::page("r", p.cursor.as_deref(), p.limit)?;
    let (items, next) = service::care_needs(
        &state,
        auth.actor,
        OrgNodeId(*id),
        p.tag.into(),
        after,
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(CareNeedList {
        items,
        next_cursor: next.map(|id| crate::paging::cursor("r", id)),
    }))
}

/// Finds households by a resident's name or phone (community staff, in their communities),
/// through keyed hashes: the register is never decrypted to search it. Results are masked.
#[utoipa::path(tag = "registry", security(("bearer" = [])), request_body = SearchBody, responses(
    (status = 200, body = SearchResult),
    (status = 403, description = "`registry.not_allowed`", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/registry/search")]
pub async fn search(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<SearchBody>,
) -> Result<HttpResponse, ApiError> {
    let items = service::search(&state, auth.actor, body.0).await?;
    Ok(HttpResponse::Ok().json(SearchResult { items }))
}

/// Every read of names or phones in the clear, in the caller's communities, newest first
/// (community staff).
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(AccessLogParams), responses(
    (status = 200, body = AccessLogList),
    (status = 403, description = "`registry.not_allowed`", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/registry/access-log")]
pub async fn access_log(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<AccessLogParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let (before, limit) = crate::paging::page("r", p.cursor.as_deref(), p.limit)?;
    let items = service::access_log(
        &state,
        auth.actor,
        p.household.map(OrgNodeId),
        before,
        limit,
    )
    .await?;
    let next = (items.len() as i64 == limit)
        .then(|| items.last().map(|e| crate::paging::cursor("r", e.id)))
        .flatten();
    Ok(HttpResponse::Ok().json(AccessLogList {
        items: items
            .into_iter()
            .map(|e| AccessLogView {
                id: e.id,
                user_id: e.actor_user_id.0,
                capacity: e.capacity,
                household_id: e.household_id.0,
                resident_id: e.resident_id,
                fields: e.fields,
                purpose: e.purpose,
                at: e.at,
            })
            .collect(),
        next_cursor: next,
    }))
}
