//! Routes: residents' requests and their lifecycle (点单 → 下单 → 接单 → 办结 → 回访).

use actix_web::{HttpResponse, get, post, web};
use linli_domain::request::{Assignee, Command};
use linli_domain::{PropertyCompanyId, RequestId, UserId};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::content::review::review;
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::{Json, Query};
use crate::requests::act::{self, CandidateList, FieldNote, optional_note, required_note};
use crate::requests::list::{ListParams, list};
use crate::idempotency::{self, IdempotencyKey};
use crate::requests::submit::{SubmitBody, submit};
use crate::requests::view::{RequestDetail, RequestPage, SubmitResponse};
use crate::requests::wire::{AssigneeKindDto, DecisionDto, RatingDto, ReviewDecisionDto};
use crate::state::AppState;

/// Registers this module's routes under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(create)
        .service(index)
        .service(show)
        .service(candidates)
        .service(dispatch)
        .service(claim)
        .service(return_)
        .service(progress)
        .service(escalate)
        .service(request_extension)
        .service(decide_extension)
        .service(resolve)
        .service(resolve_on_spot)
        .service(rate)
        .service(reopen)
        .service(close)
        .service(supervise)
        .service(content_review);
}

/// Submits a request (点单). With an `Idempotency-Key` header, a retried submit returns the
/// first result (header `Idempotent-Replayed: true`); the same key with another body is 422.
#[utoipa::path(tag = "requests", security(("bearer" = [])), request_body = SubmitBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: 1–255 visible ASCII characters, per user")),
    responses(
        (status = 201, body = SubmitResponse),
        (status = 401, body = ErrorEnvelope),
        (status = 403, description = "Channel or household not open to the caller", body = ErrorEnvelope),
        (status = 422, description = "Invalid fields (every bad field listed), unknown category or building, inactive category, reused idempotency key, or text WeChat's check refuses (`content.rejected`)", body = ErrorEnvelope),
    ))]
#[post("/requests")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    key: IdempotencyKey,
    body: Json<SubmitBody>,
) -> Result<HttpResponse, ApiError> {
    let out = submit(&state, auth, body.0, key.into_inner()).await?;
    Ok(idempotency::created(out.response, out.replayed))
}

/// Lists the requests the caller may see, newest first.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(ListParams), responses(
    (status = 200, body = RequestPage),
    (status = 401, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/requests")]
pub async fn index(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(list(&state, auth.actor, params.into_inner()).await?))
}

/// One request with its timeline. A request the caller may not see is 404.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = RequestDetail),
    (status = 404, body = ErrorEnvelope),
))]
#[get("/requests/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = RequestId(id.into_inner());
    let now = state.clock.now();
    let (cipher, caches) = (state.cipher.clone(), state.caches.clone());
    let actor = auth.actor;
    let detail = state
        .db
        .read(move |conn| {
            let rec = act::load_visible(conn, id, &actor)?;
            act::detail(conn, &rec, &actor, &cipher, &caches, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Who could take the request, with the dispatch rule's suggestion first (for dispatchers).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = CandidateList),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
))]
#[get("/requests/{id}/candidates")]
pub async fn candidates(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let list = act::candidates(&state, auth.actor, RequestId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A handler to dispatch to.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssigneeRef {
    /// A person or a property company.
    pub kind: AssigneeKindDto,
    /// User id or company id.
    pub id: i64,
}

/// Dispatch: to whom (omit for the suggested handler), and a note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DispatchBody {
    /// The handler; omitted, the dispatch rule picks one.
    pub assignee: Option<AssigneeRef>,
    /// A note for the handler.
    pub note: Option<String>,
}

/// An optional note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteBody {
    /// A note.
    pub note: Option<String>,
}

/// A required note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RequiredNoteBody {
    /// The note (1–1,000 characters).
    pub note: String,
}

/// A reason (required).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonBody {
    /// Why (1–1,000 characters).
    pub reason: String,
}

/// An outcome (required).
#[derive(Debug, Deserialize, ToSchema)]
pub struct OutcomeBody {
    /// What was done (1–1,000 characters).
    pub outcome: String,
}

/// An extension request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExtensionBody {
    /// More days, 1–30.
    pub days: i32,
    /// Why (1–1,000 characters).
    pub reason: String,
}

/// The answer to an extension request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    /// Approve or reject.
    pub decision: DecisionDto,
    /// A note.
    pub note: Option<String>,
}

/// Content staff's decision on a request's flagged content.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ContentReviewBody {
    /// `clear` lets the flagged content stand; `hide` hides it.
    pub decision: ReviewDecisionDto,
    /// Why (for the timeline).
    pub note: Option<String>,
}

/// The resident's rating.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RateBody {
    /// Satisfied, basically satisfied or dissatisfied (which reopens the request).
    pub rating: RatingDto,
    /// A comment.
    pub comment: Option<String>,
}

/// 下单: community staff (or the level it was escalated to) give the request to a handler.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DispatchBody, responses(
    (status = 200, body = RequestDetail),
    (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
    (status = 409, description = "`request.invalid_transition`", body = ErrorEnvelope),
    (status = 422, description = "Handler not eligible, or none available", body = ErrorEnvelope),
))]
#[post("/requests/{id}/dispatch")]
pub async fn dispatch(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<DispatchBody>,
) -> Result<HttpResponse, ApiError> {
    let note = optional_note("note", body.0.note.as_deref())?;
    let target = body.0.assignee.map(|a| match a.kind {
        AssigneeKindDto::User => Assignee::User(UserId(a.id)),
        AssigneeKindDto::Company => Assignee::Company(PropertyCompanyId(a.id)),
    });
    let detail = act::dispatch(&state, auth, RequestId(id.into_inner()), target, note).await?;
    Ok(HttpResponse::Ok().json(detail))
}

async fn run(
    state: &AppState,
    auth: Auth,
    id: i64,
    cmd: Command,
    note: Option<FieldNote>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(act::act(state, auth, RequestId(id), cmd, note).await?))
}

/// 接单: the assigned handler takes the request.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NoteBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope),
))]
#[post("/requests/{id}/claim")]
pub async fn claim(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<NoteBody>,
) -> Result<HttpResponse, ApiError> {
    let note = optional_note("note", body.0.note.as_deref())?;
    run(&state, auth, id.into_inner(), Command::Claim, note).await
}

/// 退单: the handler sends the request back to the queue, with a reason.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ReasonBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
))]
#[post("/requests/{id}/return")]
pub async fn return_(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let note = required_note("reason", &body.0.reason)?;
    run(&state, auth, id.into_inner(), Command::Return, Some(note)).await
}

/// The handler reports progress; the first note moves the request to `in_progress`.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RequiredNoteBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
))]
#[post("/requests/{id}/progress")]
pub async fn progress(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<RequiredNoteBody>,
) -> Result<HttpResponse, ApiError> {
    let note = required_note("note", &body.0.note)?;
    run(&state, auth, id.into_inner(), Command::Progress, Some(note)).await
}

/// 上报: to the level above (community → street → district), with a reason.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ReasonBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
))]
#[post("/requests/{id}/escalate")]
pub async fn escalate(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let note = required_note("reason", &body.0.reason)?;
    run(&state, auth, id.into_inner(), Command::Escalate, Some(note)).await
}

/// 延期: the handler asks for more days (1–30); community staff decide.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ExtensionBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
))]
#[post("/requests/{id}/extension")]
pub async fn request_extension(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ExtensionBody>,
) -> Result<HttpResponse, ApiError> {
    let note = required_note("reason", &body.0.reason)?;
    run(
        &state,
        auth,
        id.into_inner(),
        Command::RequestExtension { days: body.0.days },
        Some(note),
    )
    .await
}

/// Community staff approve (the resolution deadline moves) or reject a pending extension.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DecisionBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope),
))]
#[post("/requests/{id}/extension/decision")]
pub async fn decide_extension(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<DecisionBody>,
) -> Result<HttpResponse, ApiError> {
    let note = optional_note("note", body.0.note.as_deref())?;
    run(
        &state,
        auth,
        id.into_inner(),
        Command::DecideExtension {
            decision: body.0.decision.into(),
        },
        note,
    )
    .await
}

/// 办结: the handler reports the outcome; the resident is asked to rate it.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = OutcomeBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
))]
#[post("/requests/{id}/resolve")]
pub async fn resolve(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<OutcomeBody>,
) -> Result<HttpResponse, ApiError> {
    let note = required_note("outcome", &body.0.outcome)?;
    run(&state, auth, id.into_inner(), Command::Resolve, Some(note)).await
}

/// 现场解决: the building's butler or the grid's worker solved it on the spot.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = OutcomeBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
))]
#[post("/requests/{id}/resolve-on-spot")]
pub async fn resolve_on_spot(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<OutcomeBody>,
) -> Result<HttpResponse, ApiError> {
    let note = required_note("outcome", &body.0.outcome)?;
    run(
        &state,
        auth,
        id.into_inner(),
        Command::ResolveOnSpot,
        Some(note),
    )
    .await
}

/// 回访: the resident rates the outcome; satisfied closes it, dissatisfied reopens it (重办).
/// A resident's comment passes WeChat's text check (scene comment) and the word list.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RateBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope),
    (status = 422, description = "Invalid comment, or one WeChat's check refuses (`content.rejected`)", body = ErrorEnvelope),
))]
#[post("/requests/{id}/rate")]
pub async fn rate(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<RateBody>,
) -> Result<HttpResponse, ApiError> {
    let note = optional_note("comment", body.0.comment.as_deref())?;
    run(
        &state,
        auth,
        id.into_inner(),
        Command::Rate {
            rating: body.0.rating.into(),
        },
        note,
    )
    .await
}

/// 重办: the resident says it is not done; back to the handler with new deadlines.
/// A resident's reason passes WeChat's text check (scene comment) and the word list.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ReasonBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope),
    (status = 422, description = "Invalid reason, or one WeChat's check refuses (`content.rejected`)", body = ErrorEnvelope),
))]
#[post("/requests/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let note = required_note("reason", &body.0.reason)?;
    run(&state, auth, id.into_inner(), Command::Reopen, Some(note)).await
}

/// Community staff close a resolved request (e.g. the resident cannot be reached to rate it).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NoteBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope),
))]
#[post("/requests/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<NoteBody>,
) -> Result<HttpResponse, ApiError> {
    let note = optional_note("note", body.0.note.as_deref())?;
    run(&state, auth, id.into_inner(), Command::Close, note).await
}

/// 督办: street staff or the district flag an overdue request to its handler.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RequiredNoteBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
    (status = 409, description = "`request.not_overdue`", body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
))]
#[post("/requests/{id}/supervise")]
pub async fn supervise(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<RequiredNoteBody>,
) -> Result<HttpResponse, ApiError> {
    let note = required_note("note", &body.0.note)?;
    run(
        &state,
        auth,
        id.into_inner(),
        Command::Supervise,
        Some(note),
    )
    .await
}

/// Content staff (community staff over the building, or the street and district above) decide
/// on what was flagged on the request (its text, notes, photos under review): `clear` lets it
/// stand, `hide` puts a placeholder in its place for everyone but staff and its author. Recorded
/// on the timeline as `request.content_reviewed`.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ContentReviewBody, responses(
    (status = 200, body = RequestDetail), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Nothing is waiting for review (`content.not_pending`)", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/requests/{id}/content-review")]
pub async fn content_review(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ContentReviewBody>,
) -> Result<HttpResponse, ApiError> {
    // The reviewer's own note is not screened: they are the ones who review.
    let note = optional_note("note", body.0.note.as_deref())?.map(|n| n.note);
    let id = RequestId(id.into_inner());
    let detail = review(&state, auth.actor, id, body.0.decision.into(), note).await?;
    Ok(HttpResponse::Ok().json(detail))
}
