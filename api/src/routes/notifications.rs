//! What WeChat messages a request caused, and how each attempt went: for community staff who
//! need to know whether a resident was told.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use linli_domain::RequestId;
use linli_persistence::notifications::{self, Attempt, Notification};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope, Msg};
use crate::requests::act::load_administered;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(request_notifications);
}

/// One attempt to send.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    /// When.
    at: DateTime<Utc>,
    /// `sent`, `not_subscribed`, `retry` or `failed`.
    #[schema(example = "not_subscribed")]
    outcome: String,
    /// WeChat's errcode, if it answered with one.
    errcode: Option<i64>,
    /// What went wrong.
    error: Option<String>,
}

/// One message to one person.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    /// Its id.
    id: i64,
    /// `taken`, `resolved`, `reopened` (to the resident), `assigned`, `due_soon` (to the handler).
    #[schema(example = "resolved")]
    kind: String,
    /// Who it is for.
    recipient_id: i64,
    /// Their name.
    recipient_name: String,
    /// `pending`, `sent`, `not_subscribed`, `failed` or `skipped`.
    #[schema(example = "sent")]
    status: String,
    /// Why it was skipped, or the last error.
    last_error: Option<String>,
    /// The next try, while pending.
    next_attempt_at: Option<DateTime<Utc>>,
    /// When it was queued.
    created_at: DateTime<Utc>,
    /// When WeChat accepted it.
    sent_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    attempts: Vec<AttemptView>,
}

impl From<(Notification, Vec<Attempt>)> for NotificationView {
    fn from((n, attempts): (Notification, Vec<Attempt>)) -> Self {
        let pending = n.status == notifications::DeliveryStatus::Pending;
        NotificationView {
            id: n.id,
            kind: n.kind.as_str().to_owned(),
            recipient_id: n.recipient.0,
            recipient_name: n.recipient_name,
            status: n.status.as_str().to_owned(),
            last_error: n.last_error,
            next_attempt_at: pending.then_some(n.next_attempt_at),
            created_at: n.created_at,
            sent_at: n.sent_at,
            attempts: attempts
                .into_iter()
                .map(|a| AttemptView {
                    at: a.at,
                    outcome: a.outcome,
                    errcode: a.errcode,
                    error: a.error,
                })
                .collect(),
        }
    }
}

/// A request's notifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    /// Oldest first.
    items: Vec<NotificationView>,
}

/// The WeChat messages a request caused and every attempt to send them. For community staff
/// (and street and district staff above them).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = NotificationList),
    (status = 403, description = "Not an administrator over the request (`request.forbidden`)", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
))]
#[get("/requests/{id}/notifications")]
pub async fn request_notifications(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = RequestId(id.into_inner());
    let actor = auth.actor;
    let items = state
        .db
        .read(move |conn| {
            load_administered(
                conn,
                id,
                &actor,
                Msg::new(
                    "仅社区工作人员可查看消息记录",
                    "Only community staff see the messages sent",
                ),
            )?;
            Ok(notifications::of_request(conn, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(NotificationList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}
