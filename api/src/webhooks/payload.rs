//! What a webhook carries: `{type, timestamp, data}` as Standard Webhooks suggests, where `data`
//! is the request as the partner may see it, with the step that caused the message.

use chrono::{DateTime, Utc};
use linli_domain::RequestId;
use linli_domain::category::Category;
use linli_persistence::outbox::OutboxItem;
use linli_persistence::requests::{self, RequestRecord};
use linli_persistence::{DbConnection, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::requests::partner_view::{
    PartnerRequestView, PartnerTimelineEntry, partner_timeline_entry, partner_view,
};

/// The body of the webhooks a request's steps make. Grid work (`hazard.*`, `visit.*`,
/// `meeting.*`) has the same `type` and `timestamp`, with its own facts as `data` (see
/// [`grid_body`]).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookPayload {
    /// The event type, e.g. `request.dispatched`.
    #[schema(example = "request.dispatched")]
    pub r#type: String,
    /// When the event happened.
    pub timestamp: DateTime<Utc>,
    /// The request, and the step.
    pub data: WebhookData,
}

/// The request as the partner may see it when the message was made, and the step that made it.
/// A message made late (a replay) shows the request as it was then; `event.status` is always
/// the status right after the step.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookData {
    /// The request.
    #[serde(flatten)]
    pub request: PartnerRequestView,
    /// The step.
    pub event: PartnerTimelineEntry,
}

/// The `webhook-id` of the message an outbox row makes: the same for every endpoint and every
/// attempt, so receivers de-duplicate on it.
pub fn message_id(item: &OutboxItem) -> String {
    format!("msg_{}", item.id)
}

/// The request an outbox row is about.
pub fn request_of(item: &OutboxItem) -> Option<RequestId> {
    item.payload["request_id"].as_i64().map(RequestId)
}

/// Builds the body for an outbox row; `None` when its event is no longer on the timeline.
pub fn body(
    conn: &mut DbConnection,
    item: &OutboxItem,
    rec: &RequestRecord,
    categories: &[Category],
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let Some(event) = requests::timeline(conn, rec.request.id)?
        .into_iter()
        .find(|e| Some(e.id) == item.event_id)
    else {
        return Ok(None);
    };
    let payload = WebhookPayload {
        r#type: event.kind.as_str().to_owned(),
        timestamp: event.created_at,
        data: WebhookData {
            request: partner_view(rec, categories, now),
            event: partner_timeline_entry(event),
        },
    };
    Ok(Some(serde_json::to_string(&payload).expect("serialises")))
}

/// The body for grid work: `{type, timestamp, data}` with `data` as it was published (ids,
/// kinds, dates, counts; never personal data) and the community it belongs to.
pub fn grid_body(item: &OutboxItem) -> String {
    let p = &item.payload;
    let mut data = p["data"].clone();
    if let Some(fields) = data.as_object_mut() {
        fields.insert("community_id".into(), p["community_id"].clone());
    }
    serde_json::json!({
        "type": p["type"],
        "timestamp": p["timestamp"],
        "data": data,
    })
    .to_string()
}
