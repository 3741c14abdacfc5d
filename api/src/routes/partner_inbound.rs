//! The inbound partner API over HTTP: a district admin issues a partner's signing secret; the
//! partner pushes requests in (API key plus a Standard Webhooks signature) and reads the
//! requests of its scope.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use linli_domain::RequestId;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::auth::inbound::verify_signed;
use crate::auth::partner::PartnerAuth;
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::{Query, parse_json};
use crate::partners;
use crate::requests::partner_inbound::{
    self, PartnerListParams, PartnerRequestDetail, PartnerRequestPage, PartnerSubmitBody,
    PartnerSubmitted,
};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(issue_inbound_secret)
        .service(push_request)
        .service(list_pushed_requests)
        .service(show_partner_request);
}

/// A partner's inbound signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboundSecret {
    /// `whsec_<base64>`: the key the partner signs its pushes with, Standard Webhooks style.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    secret: String,
}

/// Issues the partner's inbound signing secret, shown only in this answer. Issuing again
/// rotates it: the new secret replaces the old one at once, and pushes signed with the old one
/// are refused from then on.
#[utoipa::path(tag = "partners", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 201, body = InboundSecret),
    (status = 404, description = "No such partner in the admin's district (`partner.not_found`)", body = ErrorEnvelope),
))]
#[post("/partners/{id}/inbound-secret")]
pub async fn issue_inbound_secret(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let secret = partners::issue_inbound_secret(&state, auth.actor, *id).await?;
    Ok(HttpResponse::Created().json(InboundSecret { secret }))
}

/// A partner pushes in a request one of its residents reported (channel `partner`).
/// Authenticated by the API key (`Authorization: Bearer lk_…` or `X-Api-Key`) and signed with
/// the partner's inbound secret the Standard Webhooks way: `webhook-id`, `webhook-timestamp`
/// (Unix seconds, within 5 minutes of the server's time) and `webhook-signature`
/// (`v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}">`). A `webhook-id`
/// accepted before is refused as a replay. Pushing an `external_id` again with the same body
/// answers 200 with the earlier request (`Idempotent-Replayed: true`); nothing a refusal
/// answers is stored.
#[utoipa::path(tag = "partners", request_body = PartnerSubmitBody,
    params(
        ("webhook-id" = String, Header, description = "The message's unique id; a retry of a refused message may reuse it"),
        ("webhook-timestamp" = i64, Header, description = "Unix seconds when it was signed"),
        ("webhook-signature" = String, Header, description = "`v1,<base64 HMAC-SHA256>`, space-separated if several"),
    ),
    responses(
        (status = 201, description = "Accepted; `Location` names the request", body = PartnerSubmitted),
        (status = 200, description = "This `external_id` was pushed before with the same body: that request", body = PartnerSubmitted),
        (status = 400, description = "Malformed JSON", body = ErrorEnvelope),
        (status = 401, description = "A bad API key (`partner.invalid_key`); missing signature headers (`partner.missing_signature`), an old or future timestamp (`partner.stale_timestamp`), a wrong signature (`partner.bad_signature`)", body = ErrorEnvelope),
        (status = 403, description = "A suspended partner (`partner.suspended`), no inbound secret issued (`partner.no_inbound_secret`), a building unknown or outside the partner's scope (`partner.out_of_scope`)", body = ErrorEnvelope),
        (status = 409, description = "A `webhook-id` accepted before (`partner.replayed`); an `external_id` pushed before with another body (`partner.external_id_conflict`, `details.request_id`)", body = ErrorEnvelope),
        (status = 422, description = "Invalid fields (every bad field listed), an unknown or inactive category, or text the content check refuses", body = ErrorEnvelope),
    ))]
#[post("/partner/requests")]
pub async fn push_request(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let signed = verify_signed(&state, &auth.partner, req.headers(), &body).await?;
    let parsed: PartnerSubmitBody = parse_json(&body)?;
    let out = partner_inbound::submit(&state, auth.partner, signed, parsed).await?;
    if out.replayed {
        return Ok(HttpResponse::Ok()
            .insert_header(("Idempotent-Replayed", "true"))
            .json(out));
    }
    let location = format!("/api/v1/partner/requests/{}", out.request.id);
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, location))
        .json(out))
}

/// The requests this partner pushed, newest first; with `external_id`, the one pushed under it
/// (an empty list if none).
#[utoipa::path(tag = "partners", params(PartnerListParams), responses(
    (status = 200, body = PartnerRequestPage),
    (status = 401, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/partner/requests")]
pub async fn list_pushed_requests(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    params: Query<PartnerListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = partner_inbound::list(&state, auth.partner, params.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// A request of the partner's scope (pushed by it or not) with its timeline, as a partner sees
/// it: no people, hidden content hidden. Outside its scope: 404.
#[utoipa::path(tag = "partners", params(("id" = i64, Path)), responses(
    (status = 200, body = PartnerRequestDetail),
    (status = 401, body = ErrorEnvelope),
    (status = 404, description = "No such request in the partner's scope (`request.not_found`)", body = ErrorEnvelope),
))]
#[get("/partner/requests/{id}")]
pub async fn show_partner_request(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = RequestId(id.into_inner());
    let detail = partner_inbound::show(&state, auth.partner, id).await?;
    Ok(HttpResponse::Ok().json(detail))
}
