//! Meetings over HTTP: deliberation and joint meetings, their participants, linked requests,
//! resolutions, agreements and action items; and their figures under `/stats/meetings`.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use linli_domain::RequestId;
use linli_domain::meeting::{ItemOutcome, MeetingId};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::{Json, Query};
use crate::meetings::params::{ListParams, MeetingStatsParams};
use crate::meetings::stats::{MeetingStatsResponse, meeting_stats};
use crate::meetings::wire::*;
use crate::meetings::{create, edit, list, members, resolutions, settle};
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(create_meeting)
        .service(list_meetings)
        .service(get_meeting)
        .service(update_meeting)
        .service(hold_meeting)
        .service(cancel_meeting)
        .service(close_meeting)
        .service(add_participant)
        .service(remove_participant)
        .service(link_request)
        .service(unlink_request)
        .service(record_resolution)
        .service(complete_action_item)
        .service(drop_action_item)
        .service(stats);
}

/// Calls a meeting (community or street staff, at their node or below). The caller is recorded
/// as the organiser. With an `Idempotency-Key` header a retried call answers the first meeting
/// (header `Idempotent-Replayed: true`). Emits `meeting.scheduled`.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = CreateMeetingBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: 1–255 visible ASCII characters, per organiser")),
    responses(
        (status = 201, body = MeetingView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, description = "The node is not under the caller's staff roles (`meeting.forbidden`)", body = ErrorEnvelope),
        (status = 409, description = "A participant or request listed twice", body = ErrorEnvelope),
        (status = 422, description = "Invalid fields; unknown node (`meeting.unknown_node`), a node that is neither community nor street (`meeting.node_kind`), a street meeting without its community (`meeting.community_required`), an unknown user (`meeting.unknown_user`), a request outside the node (`meeting.request_out_of_scope`)", body = ErrorEnvelope),
    ))]
#[post("/meetings")]
pub async fn create_meeting(
    state: web::Data<AppState>,
    auth: Auth,
    key: IdempotencyKey,
    body: Json<CreateMeetingBody>,
) -> Result<HttpResponse, ApiError> {
    let (view, replayed) = create::create(&state, auth.actor, body.0, key.into_inner()).await?;
    Ok(idempotency::created(view, replayed))
}

/// The meetings the caller may see, newest first: all under the nodes they administer as
/// staff, and any they take part in or own an action item of.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(ListParams), responses(
    (status = 200, body = MeetingPage),
    (status = 401, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/meetings")]
pub async fn list_meetings(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(list::list(&state, auth.actor, params.into_inner()).await?))
}

/// One meeting with its participants, linked requests, resolutions and action items. Outside
/// parties' phones are masked unless the caller manages the meeting.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = MeetingView),
    (status = 404, description = "Not found, or not visible to the caller (`meeting.not_found`)", body = ErrorEnvelope),
))]
#[get("/meetings/{id}")]
pub async fn get_meeting(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(create::get(&state, auth.actor, MeetingId(*id)).await?))
}

/// Edits title, time, place, agenda, or (held meetings) the minutes, at the version read.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UpdateMeetingBody, responses(
    (status = 200, body = MeetingView),
    (status = 403, description = "Seen but not managed (`meeting.forbidden`)", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Another version (`meeting.version_conflict`), closed or cancelled (`meeting.closed`), minutes before it was held (`meeting.invalid_transition`)", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[patch("/meetings/{id}")]
pub async fn update_meeting(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<UpdateMeetingBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(edit::update(&state, auth.actor, MeetingId(*id), body.0).await?))
}

/// Records a scheduled meeting as held, with its minutes and attendance. Emits `meeting.held`.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path)), request_body = HoldBody, responses(
    (status = 200, body = MeetingView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/meetings/{id}/hold")]
pub async fn hold_meeting(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<HoldBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(edit::hold(&state, auth.actor, MeetingId(*id), body.0).await?))
}

/// Calls a scheduled meeting off, with a reason. Emits `meeting.cancelled`.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CancelBody, responses(
    (status = 200, body = MeetingView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/meetings/{id}/cancel")]
pub async fn cancel_meeting(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CancelBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(edit::cancel(&state, auth.actor, MeetingId(*id), body.0).await?))
}

/// Closes a held meeting with no open action item (the last finished item closes it anyway).
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CloseBody, responses(
    (status = 200, body = MeetingView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Open action items (`meeting.open_action_items`), or not held", body = ErrorEnvelope),
))]
#[post("/meetings/{id}/close")]
pub async fn close_meeting(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CloseBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(edit::close(&state, auth.actor, MeetingId(*id), body.0).await?))
}

/// Adds a participant: a user (by id) or an outside party (named, with organisation, kind and
/// a business contact phone, stored encrypted).
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ParticipantBody, responses(
    (status = 200, body = MeetingView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Already taking part (`meeting.duplicate_participant`), or the meeting is closed", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/meetings/{id}/participants")]
pub async fn add_participant(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ParticipantBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(members::add_participant(&state, auth.actor, MeetingId(*id), body.0).await?))
}

/// Removes a participant (never the organiser).
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path), ("participant_id" = i64, Path)), responses(
    (status = 200, body = MeetingView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[delete("/meetings/{id}/participants/{participant_id}")]
pub async fn remove_participant(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, participant) = path.into_inner();
    Ok(HttpResponse::Ok()
        .json(members::remove_participant(&state, auth.actor, MeetingId(id), participant).await?))
}

/// Links a request the meeting concerns; it must be inside the meeting's node.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path)), request_body = LinkBody, responses(
    (status = 200, body = MeetingView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Linked already (`meeting.duplicate_request`), or the meeting is closed", body = ErrorEnvelope),
    (status = 422, description = "Not a request inside the meeting's node (`meeting.request_out_of_scope`)", body = ErrorEnvelope),
))]
#[post("/meetings/{id}/requests")]
pub async fn link_request(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<LinkBody>,
) -> Result<HttpResponse, ApiError> {
    let request = RequestId(body.0.request_id);
    Ok(HttpResponse::Ok().json(members::link(&state, auth.actor, MeetingId(*id), request).await?))
}

/// Unlinks a request.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path), ("request_id" = i64, Path)), responses(
    (status = 200, body = MeetingView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, description = "Not linked (`meeting.request_not_linked`)", body = ErrorEnvelope),
    (status = 409, body = ErrorEnvelope),
))]
#[delete("/meetings/{id}/requests/{request_id}")]
pub async fn unlink_request(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, request) = path.into_inner();
    Ok(HttpResponse::Ok()
        .json(members::unlink(&state, auth.actor, MeetingId(id), RequestId(request)).await?))
}

/// Records a resolution of a held meeting: optionally a signed agreement, and action items with
/// an owner (a participant user, or an outside party by name) and a due day. Emits
/// `meeting.agreement_signed` when an agreement is given.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ResolutionBody, responses(
    (status = 200, body = MeetingView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Not held (`meeting.invalid_transition`), or closed (`meeting.closed`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid fields; an owner who does not take part (`meeting.owner_not_participant`)", body = ErrorEnvelope),
))]
#[post("/meetings/{id}/resolutions")]
pub async fn record_resolution(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ResolutionBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(resolutions::record(&state, auth.actor, MeetingId(*id), body.0).await?))
}

/// Marks an action item done. When it was the last open item of a resolution that resolves
/// the linked requests, each linked request that may still be resolved is resolved by the
/// agreement (in the same transaction); the others are listed in `left_requests`. The last open
/// item of the meeting closes it. Emits `meeting.action_item_completed`.
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path), ("item_id" = i64, Path)), request_body = FinishBody, responses(
    (status = 200, body = FinishResponse),
    (status = 403, body = ErrorEnvelope),
    (status = 404, description = "No such meeting or item (`meeting.action_item_not_found`)", body = ErrorEnvelope),
    (status = 409, description = "Finished already (`meeting.action_item_finished`), or the meeting is closed", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/meetings/{id}/action-items/{item_id}/complete")]
pub async fn complete_action_item(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
    body: Json<FinishBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, item) = path.into_inner();
    let out = settle::finish(
        &state,
        auth.actor,
        MeetingId(id),
        item,
        ItemOutcome::Done,
        body.0.note,
    )
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Drops an action item, with a reason (`note`, required).
#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(("id" = i64, Path), ("item_id" = i64, Path)), request_body = FinishBody, responses(
    (status = 200, body = FinishResponse),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/meetings/{id}/action-items/{item_id}/drop")]
pub async fn drop_action_item(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
    body: Json<FinishBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, item) = path.into_inner();
    let out = settle::finish(
        &state,
        auth.actor,
        MeetingId(id),
        item,
        ItemOutcome::Dropped,
        body.0.note,
    )
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Meeting figures for a node the caller administers and a period of local days (by when the
/// meetings start): meetings by kind and status, agreements, action items done on time and
/// overdue, requests resolved by meetings.
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(MeetingStatsParams), responses(
    (status = 200, body = MeetingStatsResponse),
    (status = 401, body = ErrorEnvelope),
    (status = 403, description = "The node is outside the caller's staff roles (`stats.forbidden`)", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/stats/meetings")]
pub async fn stats(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<MeetingStatsParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(meeting_stats(&state, auth.actor, params.into_inner()).await?))
}
