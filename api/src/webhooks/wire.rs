//! The webhook endpoints' API types: what partners send and what they are answered, apart from
//! the stored rows.

use chrono::{DateTime, Utc};
use linli_persistence::webhooks::endpoints::Endpoint;
use linli_persistence::webhooks::messages::{Attempt, Message, MessageStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new endpoint.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EndpointBody {
    /// Where deliveries go: an http(s) URL on the public internet.
    #[schema(example = "https://yunjiayuan.example.cn/hooks/linli")]
    pub url: String,
    /// What it is, for the partner's own people (up to 200 characters).
    pub description: Option<String>,
    /// Event types it receives (`request.submitted`, `meeting.held`, …); empty or absent for
    /// all of them.
    pub event_types: Option<Vec<String>>,
    /// Switched on (default true).
    pub enabled: Option<bool>,
}

/// Changes to an endpoint; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EndpointPatch {
    /// A new URL.
    pub url: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// New event types; empty for all of them.
    pub event_types: Option<Vec<String>>,
    /// Switch on or off. Switching on clears why it was switched off.
    pub enabled: Option<bool>,
}

/// A webhook endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointView {
    /// Its id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// What it is.
    pub description: String,
    /// Event types it receives; empty for all of them.
    pub event_types: Vec<String>,
    /// Switched on.
    pub enabled: bool,
    /// Why it is switched off: by the partner, after a 410 answer, or after failing every
    /// delivery for five days.
    pub disabled_reason: Option<String>,
    /// When it was switched off.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Every delivery since this time has failed (none since the last success when null).
    pub failing_since: Option<DateTime<Utc>>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Endpoint> for EndpointView {
    fn from(e: Endpoint) -> Self {
        EndpointView {
            id: e.id,
            url: e.url,
            description: e.description,
            event_types: e.event_types,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            disabled_at: e.disabled_at,
            failing_since: e.failing_since,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A registered endpoint, with its signing secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedEndpoint {
    /// The endpoint.
    #[serde(flatten)]
    pub endpoint: EndpointView,
    /// The signing secret (`whsec_…`); also at `GET …/secret`.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

/// The endpoints of a partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointList {
    /// By id.
    pub items: Vec<EndpointView>,
}

/// An endpoint's signing secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecretView {
    /// The current secret (`whsec_…`).
    pub secret: String,
    /// After a rotation, until when deliveries also carry the previous secret's signature.
    pub previous_valid_until: Option<DateTime<Utc>>,
}

/// How to rotate.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RotateBody {
    /// Hours the previous secret keeps signing, 0–168 (default 24).
    pub grace_hours: Option<i64>,
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatusDto {
    /// Waiting to be delivered (again).
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Retries ran out (redeliver it by hand).
    Failed,
}

impl From<MessageStatus> for MessageStatusDto {
    fn from(s: MessageStatus) -> Self {
        match s {
            MessageStatus::Pending => MessageStatusDto::Pending,
            MessageStatus::Delivered => MessageStatusDto::Delivered,
            MessageStatus::Failed => MessageStatusDto::Failed,
        }
    }
}

impl From<MessageStatusDto> for MessageStatus {
    fn from(s: MessageStatusDto) -> Self {
        match s {
            MessageStatusDto::Pending => MessageStatus::Pending,
            MessageStatusDto::Delivered => MessageStatus::Delivered,
            MessageStatusDto::Failed => MessageStatus::Failed,
        }
    }
}

/// A message in the delivery log.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    /// The `webhook-id` it is sent with.
    #[schema(example = "msg_1042")]
    pub msg_id: String,
    /// Its event type.
    #[schema(example = "request.dispatched")]
    pub event_type: String,
    /// The request it is about; absent for grid work (a meeting, a hazard).
    pub request_id: Option<i64>,
    /// Where it stands.
    pub status: MessageStatusDto,
    /// Attempts so far (since the last redelivery by hand).
    pub attempts: i32,
    /// When it is tried next, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The last HTTP status the endpoint answered.
    pub last_status_code: Option<i32>,
    /// The last error (no answer, timeout…).
    pub last_error: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<&Message> for MessageView {
    fn from(m: &Message) -> Self {
        MessageView {
            msg_id: m.msg_id.clone(),
            event_type: m.event_type.clone(),
            request_id: m.request_id,
            status: m.status.into(),
            attempts: m.attempts,
            next_attempt_at: (m.status == MessageStatus::Pending).then_some(m.next_attempt_at),
            last_status_code: m.last_status_code,
            last_error: m.last_error.clone(),
            created_at: m.created_at,
            delivered_at: m.delivered_at,
        }
    }
}

/// A page of the delivery log.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessagePage {
    /// Newest first.
    pub items: Vec<MessageView>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// One delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    /// When.
    pub at: DateTime<Utc>,
    /// `delivered`, `retry` or `failed`.
    #[schema(example = "retry")]
    pub outcome: String,
    /// The HTTP status, when the endpoint answered.
    pub status_code: Option<i32>,
    /// Milliseconds until the answer (or the failure).
    pub latency_ms: i64,
    /// What went wrong.
    pub error: Option<String>,
    /// The start of the response body (up to 1 KiB).
    pub response_excerpt: Option<String>,
}

impl From<Attempt> for AttemptView {
    fn from(a: Attempt) -> Self {
        AttemptView {
            at: a.at,
            outcome: a.outcome,
            status_code: a.status_code,
            latency_ms: a.latency_ms,
            error: a.error,
            response_excerpt: a.response_excerpt,
        }
    }
}

/// A message with its body and every attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageDetail {
    /// The message.
    #[serde(flatten)]
    pub message: MessageView,
    /// The body as sent (see `WebhookPayload`).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Every attempt, oldest first.
    pub attempt_log: Vec<AttemptView>,
}

/// A replay.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplayBody {
    /// Every event from this time on is sent again.
    pub since: DateTime<Utc>,
}

/// What a replay queued.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayResult {
    /// Messages queued.
    pub queued: usize,
    /// True when the replay stopped at its limit of 10,000 events: replay again from
    /// `last_event_at`.
    pub truncated: bool,
    /// When the last event gone through happened.
    pub last_event_at: Option<DateTime<Utc>>,
}

/// Which messages to list.
// `utoipa::IntoParams` stays qualified: the path macro writes it out in full.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageQuery {
    /// Only messages in this state.
    #[param(inline)]
    pub status: Option<MessageStatusDto>,
    /// Page size, 1–100 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
