//! Red Collar Home activities over HTTP: staff create, edit, publish, start, cancel and finish
//! them; volunteers of the community sign up (or join the waiting list), withdraw, check in and
//! out with the organiser's rotating code; and see their hours and points.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use linli_domain::activity::{ActivityAction, ActivityId, CheckinPurpose};
use linli_domain::volunteer::VolunteerId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::activities::wire::*;
use crate::activities::{attendance, finish, manage, signups};
use crate::auth::Auth;
use crate::buildings::qr::QrMatrix;
use crate::buildings::vector;
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::{Json, Query};
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(create_activity)
        .service(list_activities)
        .service(my_activities)
        .service(get_activity)
        .service(update_activity)
        .service(publish_activity)
        .service(start_activity)
        .service(cancel_activity)
        .service(finish_activity)
        .service(sign_up)
        .service(withdraw)
        .service(list_signups)
        .service(checkin_code)
        .service(checkin_code_svg)
        .service(check_in)
        .service(check_out)
        .service(correct_attendance);
}

/// Creates an activity as a draft (community staff of its community, or street/district staff
/// above it). Without `community_id`, community staff create it in their own community. With
/// an `Idempotency-Key` header a retried call answers the first activity (header
/// `Idempotent-Replayed: true`; another body with the same key: 422 `idempotency.key_reused`).
#[utoipa::path(tag = "activities", security(("bearer" = [])), request_body = CreateActivityBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: 1–255 visible ASCII characters, per creator")),
    responses(
        (status = 201, body = ActivityView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, description = "The community is not under the caller's staff roles (`activity.forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "Invalid fields (`validation.failed`: title, place, times — `activity.ends_before_start`, `activity.too_long`, `activity.deadline_after_start` —, capacity, skills, points); no community named (`activity.community_required`) or unknown (`activity.unknown_community`)", body = ErrorEnvelope),
    ))]
#[post("/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    auth: Auth,
    key: IdempotencyKey,
    body: Json<CreateActivityBody>,
) -> Result<HttpResponse, ApiError> {
    let (view, replayed) = manage::create(&state, auth.actor, body.0, key.into_inner()).await?;
    Ok(idempotency::created(view, replayed))
}

/// The activities the caller sees, newest first: every one under the nodes they administer,
/// and the published (and later) ones of the community they volunteer in.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(ActivityListParams), responses(
    (status = 200, body = ActivityPage),
    (status = 401, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<ActivityListParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(manage::list(&state, auth.actor, params.into_inner()).await?))
}

/// One activity with its counts, and the caller's own sign-up with their waiting position.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = ActivityView),
    (status = 401, body = ErrorEnvelope),
    (status = 404, description = "Not found, or not visible to the caller (`activity.not_found`)", body = ErrorEnvelope),
))]
#[get("/activities/{id}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(manage::get(&state, auth.actor, ActivityId(*id)).await?))
}

/// Edits a draft or published activity at the version read. More places promote from the
/// waiting list; fewer than the confirmed are refused.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UpdateActivityBody, responses(
    (status = 200, body = ActivityView),
    (status = 403, description = "Seen but not managed (`activity.forbidden`)", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Another version (`activity.version_conflict`), not editable now (`activity.invalid_transition`), fewer places than confirmed (`activity.capacity_below_confirmed`)", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[patch("/activities/{id}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<UpdateActivityBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(manage::update(&state, auth.actor, ActivityId(*id), body.0).await?))
}

/// Publishes a draft: volunteers of the community see it and may sign up.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = ActivityView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Not a draft (`activity.invalid_transition`)", body = ErrorEnvelope),
))]
#[post("/activities/{id}/publish")]
pub async fn publish_activity(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        manage::transition(
            &state,
            auth.actor,
            ActivityId(*id),
            ActivityAction::Publish,
            None,
        )
        .await?,
    ))
}

/// Starts a published activity (the first check-in starts it too).
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = ActivityView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Not published (`activity.invalid_transition`)", body = ErrorEnvelope),
))]
#[post("/activities/{id}/start")]
pub async fn start_activity(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        manage::transition(
            &state,
            auth.actor,
            ActivityId(*id),
            ActivityAction::Start,
            None,
        )
        .await?,
    ))
}

/// Calls an activity off (draft, published or ongoing), with a reason.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CancelActivityBody, responses(
    (status = 200, body = ActivityView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Finished or cancelled already (`activity.invalid_transition`)", body = ErrorEnvelope),
    (status = 422, description = "No reason (`validation.failed`)", body = ErrorEnvelope),
))]
#[post("/activities/{id}/cancel")]
pub async fn cancel_activity(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CancelActivityBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(manage::cancel(&state, auth.actor, ActivityId(*id), body.0).await?))
}

/// Finishes an ongoing activity: each confirmed volunteer's minutes (check-in to check-out,
/// within the window) and points, appended to the ledger once per activity and volunteer. A
/// second finish is refused and awards nothing.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = FinishResult),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Not ongoing: finished already, or not started (`activity.invalid_transition`)", body = ErrorEnvelope),
))]
#[post("/activities/{id}/finish")]
pub async fn finish_activity(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(finish::finish(&state, auth.actor, ActivityId(*id)).await?))
}

/// Signs the caller (an active volunteer of the community) up: a place while there is one,
/// else the end of the waiting list with its position.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 201, body = SignupResult),
    (status = 403, description = "Not a volunteer of the community (`activity.not_a_volunteer`), or not active (`signup.volunteer_not_active`)", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Not open (`signup.not_open`), past the deadline (`signup.deadline_passed`), signed up already (`signup.already_signed_up`)", body = ErrorEnvelope),
    (status = 422, description = "Missing required skills (`signup.missing_skills`)", body = ErrorEnvelope),
))]
#[post("/activities/{id}/signups")]
pub async fn sign_up(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(signups::sign_up(&state, auth.actor, ActivityId(*id)).await?))
}

/// Withdraws the caller's sign-up before the start; a freed place goes to the first one
/// waiting, in the same transaction.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = WithdrawResult),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Not signed up (`signup.not_signed_up`), started (`signup.started`), not open (`signup.not_open`)", body = ErrorEnvelope),
))]
#[delete("/activities/{id}/signups/me")]
pub async fn withdraw(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(signups::withdraw_me(&state, auth.actor, ActivityId(*id)).await?))
}

/// Every sign-up of the activity, in the order made, with waiting positions and attendance
/// (managers).
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = SignupList),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
))]
#[get("/activities/{id}/signups")]
pub async fn list_signups(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(signups::list(&state, auth.actor, ActivityId(*id)).await?))
}

/// The current check-in (or check-out) code of a published or ongoing activity, for the
/// organiser's screen (managers). A new code every minute; each is accepted in its minute and
/// the next: fetch again at `refresh_at`.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path), CodeParams), responses(
    (status = 200, body = CheckinCodeView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "A draft, finished or cancelled (`activity.invalid_transition`)", body = ErrorEnvelope),
))]
#[get("/activities/{id}/checkin-code")]
pub async fn checkin_code(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    params: Query<CodeParams>,
) -> Result<HttpResponse, ApiError> {
    let purpose = params
        .into_inner()
        .purpose
        .map_or(CheckinPurpose::In, Into::into);
    let view = attendance::code(&state, auth.actor, ActivityId(*id), purpose).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(view))
}

/// The current check-in (or check-out) code as a QR code (SVG), for the organiser's screen.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path), CodeParams), responses(
    (status = 200, description = "The QR code", content_type = "image/svg+xml; charset=utf-8", body = String),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, body = ErrorEnvelope),
))]
#[get("/activities/{id}/checkin-code.svg")]
pub async fn checkin_code_svg(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    params: Query<CodeParams>,
) -> Result<HttpResponse, ApiError> {
    let purpose = params
        .into_inner()
        .purpose
        .map_or(CheckinPurpose::In, Into::into);
    let view = attendance::code(&state, auth.actor, ActivityId(*id), purpose).await?;
    let qr = QrMatrix::encode(&view.code).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .content_type("image/svg+xml; charset=utf-8")
        .body(vector::document(&qr)))
}

/// Checks the caller in with the scanned code, from 30 minutes before the start until the end.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CodeBody, responses(
    (status = 200, body = AttendanceView),
    (status = 403, description = "Not a volunteer of the community (`activity.not_a_volunteer`); not signed up, or waiting (`attendance.not_confirmed`)", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Before the window (`attendance.too_early`), after it (`attendance.window_closed`), checked in already (`attendance.already_checked_in`), not published or ongoing (`activity.invalid_transition`)", body = ErrorEnvelope),
    (status = 422, description = "A bad code: `checkin_code.expired`, `checkin_code.forged`, `checkin_code.malformed`, `checkin_code.wrong_activity`, `checkin_code.wrong_purpose`, `checkin_code.not_yet_valid`", body = ErrorEnvelope),
))]
#[post("/activities/{id}/check-in")]
pub async fn check_in(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CodeBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(attendance::check_in_me(&state, auth.actor, ActivityId(*id), body.0).await?))
}

/// Checks the caller out with the scanned check-out code, until 2 hours after the end.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CodeBody, responses(
    (status = 200, body = AttendanceView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Not checked in (`attendance.not_checked_in`), checked out already (`attendance.already_checked_out`), after the window (`attendance.window_closed`)", body = ErrorEnvelope),
    (status = 422, description = "A bad code (`checkin_code.*`)", body = ErrorEnvelope),
))]
#[post("/activities/{id}/check-out")]
pub async fn check_out(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CodeBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(attendance::check_out_me(&state, auth.actor, ActivityId(*id), body.0).await?))
}

/// Corrects a confirmed volunteer's attendance of an ongoing activity, with a reason
/// (managers). Both times absent marks them absent.
#[utoipa::path(tag = "activities", security(("bearer" = [])), params(("id" = i64, Path), ("volunteer_id" = i64, Path)), request_body = CorrectionBody, responses(
    (status = 200, body = AttendanceView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Not ongoing (`activity.invalid_transition`); no confirmed place (`attendance.not_confirmed`)", body = ErrorEnvelope),
    (status = 422, description = "No reason (`attendance.reason_required`), check-out without check-in (`attendance.out_without_in`), reversed (`attendance.reversed`), outside the window (`attendance.outside_window`)", body = ErrorEnvelope),
))]
#[put("/activities/{id}/attendance/{volunteer_id}")]
pub async fn correct_attendance(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
    body: Json<CorrectionBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, volunteer) = path.into_inner();
    Ok(HttpResponse::Ok().json(
        attendance::correct_attendance(
            &state,
            auth.actor,
            ActivityId(id),
            VolunteerId(volunteer),
            body.0,
        )
        .await?,
    ))
}

/// The caller's activities with their minutes and points, and the totals over finished ones.
#[utoipa::path(tag = "activities", security(("bearer" = [])), responses(
    (status = 200, body = MyActivities),
    (status = 401, body = ErrorEnvelope),
))]
#[get("/me/activities")]
pub async fn my_activities(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(signups::mine(&state, auth.actor).await?))
}
