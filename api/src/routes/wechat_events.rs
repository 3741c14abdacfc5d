//! WeChat's message push (消息推送): the URL check WeChat's console makes when the endpoint is
//! configured, and the pushes themselves (the verdicts of image checks). Plaintext JSON mode
//! only; every call must carry WeChat's signature.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::content::photos::take_verdict;
use crate::error::{ApiError, ErrorEnvelope, Msg};
use crate::extract::Query;
use crate::state::AppState;
use crate::wechat::Verdict;
use crate::wechat::push::{PushRefusal, verify};

/// WeChat's signature on a push (and, for the URL check, the string to echo).
// `utoipa::IntoParams` stays qualified: the path macro writes it out in full.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PushQuery {
    /// SHA-1 (hex) of the push token, `timestamp` and `nonce`, sorted and concatenated.
    pub signature: Option<String>,
    /// Unix seconds when WeChat sent it; one far from now is refused as a replay.
    pub timestamp: Option<String>,
    /// WeChat's random string.
    pub nonce: Option<String>,
    /// The URL check only: echoed back when the signature is good.
    pub echostr: Option<String>,
}

/// WeChat's verdict in a push.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PushResult {
    /// `pass`, `review` or `risky`.
    pub suggest: String,
    /// What was found (100: nothing).
    pub label: Option<i64>,
}

/// A push in JSON: the verdict of an image check (`Event` `wxa_media_check`, version 2). Other
/// events are acknowledged and ignored.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WechatPush {
    /// The mini-program's original id.
    #[serde(rename = "ToUserName")]
    pub to_user_name: Option<String>,
    /// WeChat's push service.
    #[serde(rename = "FromUserName")]
    pub from_user_name: Option<String>,
    /// Unix seconds.
    #[serde(rename = "CreateTime")]
    pub create_time: Option<i64>,
    /// `event`.
    #[serde(rename = "MsgType")]
    pub msg_type: Option<String>,
    /// `wxa_media_check`.
    #[serde(rename = "Event")]
    pub event: Option<String>,
    /// The mini-program's app id.
    pub appid: Option<String>,
    /// The id `media_check_async` returned for the checked image.
    pub trace_id: Option<String>,
    /// 2.
    pub version: Option<i64>,
    /// Each strategy's finding.
    #[schema(value_type = Option<Vec<Object>>)]
    pub detail: Option<serde_json::Value>,
    /// 0 when WeChat could check the image.
    pub errcode: Option<i64>,
    /// WeChat's message.
    pub errmsg: Option<String>,
    /// The verdict.
    pub result: Option<PushResult>,
}

impl WechatPush {
    fn is_media_check(&self) -> bool {
        self.msg_type.as_deref() == Some("event")
            && self.event.as_deref() == Some("wxa_media_check")
    }

    /// The verdict, when WeChat could check the image.
    fn verdict(self) -> Option<Verdict> {
        if self.errcode.unwrap_or(0) != 0 {
            return None;
        }
        self.result.map(|r| Verdict {
            suggest: r.suggest,
            label: r.label,
        })
    }
}

/// The push comes from WeChat: the configured token signed it, recently.
fn authenticate(state: &AppState, q: &PushQuery) -> Result<(), ApiError> {
    let token = state
        .wechat
        .as_deref()
        .and_then(|w| w.push_token())
        .ok_or_else(|| {
            ApiError::new(
                actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                "wechat.push_disabled",
                Msg::new(
                    "未配置微信消息推送",
                    "WeChat's message push is not configured on this server",
                ),
            )
        })?;
    let now = state.clock.now();
    let (signature, timestamp, nonce) = (
        q.signature.as_deref(),
        q.timestamp.as_deref(),
        q.nonce.as_deref(),
    );
    verify(token, signature, timestamp, nonce, now).map_err(|e| match e {
        PushRefusal::BadSignature => ApiError::unauthenticated(
            "wechat.bad_signature",
            Msg::new(
                "微信推送签名无效",
                "The push's signature is missing or wrong",
            ),
        ),
        PushRefusal::Expired => ApiError::unauthenticated(
            "wechat.push_expired",
            Msg::new("微信推送已过期", "The push's timestamp is too far from now"),
        ),
    })
}

/// WeChat's URL check: echoes `echostr` when the signature is good.
#[utoipa::path(tag = "wechat", params(PushQuery), responses(
    (status = 200, description = "`echostr`, as text", content_type = "text/plain", body = String),
    (status = 401, description = "A missing or wrong signature (`wechat.bad_signature`) or an old timestamp (`wechat.push_expired`)", body = ErrorEnvelope),
    (status = 503, description = "No push token is configured (`wechat.push_disabled`)", body = ErrorEnvelope),
))]
#[get("/wechat/events")]
pub async fn verify_url(
    state: web::Data<AppState>,
    q: Query<PushQuery>,
) -> Result<HttpResponse, ApiError> {
    authenticate(&state, &q.0)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(q.0.echostr.unwrap_or_default()))
}

/// A push from WeChat: the verdict of an image check shows the photo (`pass`), keeps it for
/// staff (`review`) or hides it for good (`risky`, flagging the request). A repeated push
/// changes nothing; a push about no pending photo is acknowledged and ignored.
#[utoipa::path(tag = "wechat", params(PushQuery), request_body = WechatPush, responses(
    (status = 200, description = "`success`, as text", content_type = "text/plain", body = String),
    (status = 400, description = "Not JSON (`wechat.malformed_push`)", body = ErrorEnvelope),
    (status = 401, description = "A missing or wrong signature (`wechat.bad_signature`) or an old timestamp (`wechat.push_expired`)", body = ErrorEnvelope),
    (status = 503, description = "No push token is configured (`wechat.push_disabled`)", body = ErrorEnvelope),
))]
#[post("/wechat/events")]
pub async fn receive(
    state: web::Data<AppState>,
    q: Query<PushQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    authenticate(&state, &q.0)?;
    let push: WechatPush = serde_json::from_slice(&body).map_err(|_| {
        ApiError::bad_request(
            "wechat.malformed_push",
            Msg::new("微信推送不是有效的 JSON", "The push is not JSON"),
        )
    })?;
    let ours = push
        .appid
        .as_deref()
        .is_none_or(|a| Some(a) == state.wechat.as_deref().map(|w| w.appid()));
    if push.is_media_check()
        && ours
        && let Some(trace_id) = push.trace_id.clone()
    {
        take_verdict(&state, trace_id, push.verdict()).await?;
    }
    // WeChat expects `success` (or nothing) and retries otherwise.
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("success"))
}
