//! A partner's webhook endpoints over HTTP, managed with its own API key: registering, changing,
//! secrets and their rotation, the delivery log, redelivery and replay.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::Duration;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::partner::PartnerAuth;
use crate::error::{ApiError, ErrorEnvelope, FieldError, Msg};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::webhooks::endpoints::{self as service, DEFAULT_GRACE, EndpointInput};
use crate::webhooks::wire::{
    CreatedEndpoint, EndpointBody, EndpointList, EndpointPatch, EndpointView, MessageDetail,
    MessagePage, MessageQuery, MessageView, ReplayBody, ReplayResult, RotateBody, SecretView,
};

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(create_endpoint)
        .service(list_endpoints)
        .service(get_endpoint)
        .service(update_endpoint)
        .service(delete_endpoint)
        .service(get_secret)
        .service(rotate_secret)
        .service(list_messages)
        .service(get_message)
        .service(redeliver_message)
        .service(replay);
}

/// Registers an endpoint. The answer carries its signing secret (`whsec_…`); deliveries are
/// signed the Standard Webhooks way with it.
#[utoipa::path(tag = "webhooks", request_body = EndpointBody, responses(
    (status = 201, body = CreatedEndpoint),
    (status = 401, description = "No or a wrong API key (`partner.invalid_key`)", body = ErrorEnvelope),
    (status = 409, description = "Already 20 endpoints (`webhook.too_many`)", body = ErrorEnvelope),
    (status = 422, description = "A bad URL (also `private_address`), description or event type", body = ErrorEnvelope),
))]
#[post("/partner/webhooks")]
pub async fn create_endpoint(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    body: Json<EndpointBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let input = EndpointInput {
        url: Some(b.url),
        description: b.description,
        event_types: b.event_types,
        enabled: b.enabled,
    };
    let (endpoint, secret) = service::create(&state, &auth.partner, input).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/partner/webhooks/{}", endpoint.id),
        ))
        .json(CreatedEndpoint {
            endpoint: endpoint.into(),
            secret,
        }))
}

/// The partner's endpoints.
#[utoipa::path(tag = "webhooks", responses(
    (status = 200, body = EndpointList),
    (status = 401, body = ErrorEnvelope),
))]
#[get("/partner/webhooks")]
pub async fn list_endpoints(
    state: web::Data<AppState>,
    auth: PartnerAuth,
) -> Result<HttpResponse, ApiError> {
    let items = service::list(&state, &auth.partner).await?;
    Ok(HttpResponse::Ok().json(EndpointList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// One endpoint, with why it is switched off if it is.
#[utoipa::path(tag = "webhooks", params(("id" = i64, Path)), responses(
    (status = 200, body = EndpointView),
    (status = 404, description = "No such endpoint of this partner (`webhook.not_found`)", body = ErrorEnvelope),
))]
#[get("/partner/webhooks/{id}")]
pub async fn get_endpoint(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let e = service::get(&state, &auth.partner, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(EndpointView::from(e)))
}

/// Changes an endpoint; `enabled: true` switches it on again after it was switched off.
#[utoipa::path(tag = "webhooks", params(("id" = i64, Path)), request_body = EndpointPatch, responses(
    (status = 200, body = EndpointView),
    (status = 404, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[patch("/partner/webhooks/{id}")]
pub async fn update_endpoint(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    path: web::Path<i64>,
    body: Json<EndpointPatch>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let input = EndpointInput {
        url: b.url,
        description: b.description,
        event_types: b.event_types,
        enabled: b.enabled,
    };
    let e = service::update(&state, &auth.partner, path.into_inner(), input).await?;
    Ok(HttpResponse::Ok().json(EndpointView::from(e)))
}

/// Removes an endpoint with its delivery log.
#[utoipa::path(tag = "webhooks", params(("id" = i64, Path)), responses(
    (status = 204),
    (status = 404, body = ErrorEnvelope),
))]
#[delete("/partner/webhooks/{id}")]
pub async fn delete_endpoint(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    service::delete(&state, &auth.partner, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The endpoint's signing secret.
#[utoipa::path(tag = "webhooks", params(("id" = i64, Path)), responses(
    (status = 200, body = SecretView),
    (status = 404, body = ErrorEnvelope),
))]
#[get("/partner/webhooks/{id}/secret")]
pub async fn get_secret(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (secret, previous_valid_until) =
        service::secret(&state, &auth.partner, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(SecretView {
        secret,
        previous_valid_until,
    }))
}

/// Rotates the signing secret. For `grace_hours` (default 24) every delivery carries two
/// signatures, one per secret, so the receiver can switch over without missing one.
#[utoipa::path(tag = "webhooks", params(("id" = i64, Path)), request_body = RotateBody, responses(
    (status = 200, body = SecretView),
    (status = 404, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/partner/webhooks/{id}/secret/rotate")]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    path: web::Path<i64>,
    body: Option<Json<RotateBody>>,
) -> Result<HttpResponse, ApiError> {
    let grace = match body.and_then(|b| b.0.grace_hours) {
        None => DEFAULT_GRACE,
        Some(h) if (0..=168).contains(&h) => Duration::hours(h),
        Some(_) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "grace_hours",
                "out_of_range",
                Msg::new("过渡期应为 0 到 168 小时", "grace_hours must be 0 to 168"),
            )]));
        }
    };
    let (secret, until) = service::rotate(&state, &auth.partner, path.into_inner(), grace).await?;
    Ok(HttpResponse::Ok().json(SecretView {
        secret,
        previous_valid_until: Some(until),
    }))
}

fn bad_cursor() -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "cursor",
        "invalid",
        Msg::new("分页游标无效", "cursor is not one this API gave"),
    )])
}

/// The delivery log: the endpoint's messages, newest first.
#[utoipa::path(tag = "webhooks", params(("id" = i64, Path), MessageQuery), responses(
    (status = 200, body = MessagePage),
    (status = 404, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/partner/webhooks/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    path: web::Path<i64>,
    query: Query<MessageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let limit = q.limit.unwrap_or(50).clamp(1, 100);
    let before = match q.cursor.as_deref() {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| bad_cursor())?),
    };
    let items = service::messages(
        &state,
        &auth.partner,
        path.into_inner(),
        q.status.map(Into::into),
        before,
        limit,
    )
    .await?;
    let next_cursor = (items.len() as i64 == limit)
        .then(|| items.last().map(|m| m.id.to_string()))
        .flatten();
    Ok(HttpResponse::Ok().json(MessagePage {
        items: items.iter().map(MessageView::from).collect(),
        next_cursor,
    }))
}

/// One message: its body and every attempt (status, latency, error).
#[utoipa::path(tag = "webhooks", params(("id" = i64, Path), ("msg_id" = String, Path)), responses(
    (status = 200, body = MessageDetail),
    (status = 404, description = "`webhook.not_found` or `webhook.message_not_found`", body = ErrorEnvelope),
))]
#[get("/partner/webhooks/{id}/messages/{msg_id}")]
pub async fn get_message(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, msg_id) = path.into_inner();
    let (m, attempts) = service::message(&state, &auth.partner, id, msg_id).await?;
    Ok(HttpResponse::Ok().json(MessageDetail {
        message: MessageView::from(&m),
        payload: serde_json::from_str(&m.body).unwrap_or(serde_json::Value::Null),
        attempt_log: attempts.into_iter().map(Into::into).collect(),
    }))
}

/// Sends one message again now, with the same `webhook-id`, from the start of the schedule.
#[utoipa::path(tag = "webhooks", params(("id" = i64, Path), ("msg_id" = String, Path)), responses(
    (status = 202),
    (status = 404, body = ErrorEnvelope),
))]
#[post("/partner/webhooks/{id}/messages/{msg_id}/redeliver")]
pub async fn redeliver_message(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, msg_id) = path.into_inner();
    service::redeliver(&state, &auth.partner, id, msg_id).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sends every event since a time again (at most 10,000 a call), with their original
/// `webhook-id`s, and those the endpoint never had.
#[utoipa::path(tag = "webhooks", params(("id" = i64, Path)), request_body = ReplayBody, responses(
    (status = 202, body = ReplayResult),
    (status = 404, body = ErrorEnvelope),
))]
#[post("/partner/webhooks/{id}/replay")]
pub async fn replay(
    state: web::Data<AppState>,
    auth: PartnerAuth,
    path: web::Path<i64>,
    body: Json<ReplayBody>,
) -> Result<HttpResponse, ApiError> {
    let r = service::replay(&state, &auth.partner, path.into_inner(), body.0.since).await?;
    Ok(HttpResponse::Accepted().json(ReplayResult {
        queued: r.queued,
        truncated: r.truncated,
        last_event_at: r.last_event_at,
    }))
}
