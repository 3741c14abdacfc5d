//! The second lock on the inbound partner API: besides its API key, a partner signs what it
//! pushes the Standard Webhooks way with its own inbound secret (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature` over `"{id}.{timestamp}.{body}"`), so a leaked key
//! alone cannot submit, and a captured message cannot be replayed: old timestamps are refused
//! here, and a `webhook-id` already accepted is refused where the request is stored.

use actix_web::http::header::HeaderMap;
use linli_domain::UserId;
use linli_persistence::partner_inbound;
use linli_persistence::partners::Partner;

use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::webhooks::signature::{SignedHeaders, VerifyError, WebhookSecret, verify};

/// The longest `webhook-id` accepted.
const MAX_MESSAGE_ID: usize = 255;

/// A message whose signature checked out.
#[derive(Debug, Clone)]
pub struct Signed {
    /// Its `webhook-id`: still to be checked against those already accepted.
    pub message_id: String,
    /// The partner's service account, which stands as the submitter.
    pub submitter: UserId,
}

fn no_inbound_secret() -> ApiError {
    ApiError::forbidden(
        "partner.no_inbound_secret",
        Msg::new(
            "该合作平台尚未获得推送签名密钥，请联系区管理员签发",
            "This partner has no inbound signing secret yet; a district admin issues one",
        ),
    )
}

impl From<VerifyError> for ApiError {
    fn from(e: VerifyError) -> Self {
        match e {
            VerifyError::MissingHeaders => ApiError::unauthenticated(
                "partner.missing_signature",
                Msg::new(
                    "缺少 webhook-id、webhook-timestamp 或 webhook-signature 请求头",
                    "The webhook-id, webhook-timestamp and webhook-signature headers are required",
                ),
            ),
            VerifyError::StaleTimestamp => ApiError::unauthenticated(
                "partner.stale_timestamp",
                Msg::new(
                    "webhook-timestamp 与服务器时间相差超过 5 分钟",
                    "The webhook-timestamp is more than 5 minutes from the server's time",
                ),
            ),
            VerifyError::BadSignature => ApiError::unauthenticated(
                "partner.bad_signature",
                Msg::new(
                    "签名无效：请用本平台的推送密钥对 \"{webhook-id}.{webhook-timestamp}.{请求体}\" 签名",
                    "Bad signature: sign \"{webhook-id}.{webhook-timestamp}.{body}\" with the partner's inbound secret",
                ),
            ),
        }
    }
}

/// Checks a pushed message's signature and timestamp (against the app's clock) with the
/// partner's inbound secret.
pub async fn verify_signed(
    state: &AppState,
    partner: &Partner,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Signed, ApiError> {
    let id = partner.id;
    let stored = state
        .db
        .read(move |conn| Ok(partner_inbound::inbound(conn, id)?))
        .await?
        .ok_or_else(no_inbound_secret)?;
    let secret_enc = stored.secret_enc.ok_or_else(no_inbound_secret)?;
    let secret = state
        .cipher
        .decrypt(&secret_enc)
        .map_err(ApiError::internal)?;
    let secret = WebhookSecret::parse(&secret).map_err(ApiError::internal)?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signed = SignedHeaders {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
    };
    let now = state.clock.now().timestamp();
    let message_id = verify(&secret, signed, body, now)
        .and_then(|m| {
            // Stored to detect replays: an id is a short token, not a document.
            (m.len() <= MAX_MESSAGE_ID)
                .then_some(m)
                .ok_or(VerifyError::MissingHeaders)
        })
        .inspect_err(|e| {
            tracing::warn!(partner = id, error = %e, "a partner's signed message was refused");
        })?;
    Ok(Signed {
        message_id: message_id.to_owned(),
        submitter: stored.user_id,
    })
}
