//! What can go wrong talking to WeChat, and what the API answers for it. WeChat's own error
//! codes become clear API errors, never a bare 500.

use actix_web::http::StatusCode;

use crate::error::{ApiError, Msg};

/// A failed call to WeChat.
#[derive(Debug, thiserror::Error)]
pub enum WechatError {
    /// WeChat answered with a non-zero `errcode`.
    #[error("WeChat answered errcode {errcode}: {errmsg}")]
    Api {
        /// WeChat's code.
        errcode: i64,
        /// WeChat's message.
        errmsg: String,
    },
    /// No answer (connection refused, timeout, TLS). Build it with [`WechatError::transport`].
    #[error("WeChat could not be reached")]
    Transport(#[source] reqwest::Error),
    /// An answer we could not read.
    #[error("WeChat's answer could not be read: {0}")]
    Decode(String),
    /// The shared cache failed.
    #[error("the shared cache (Redis) failed")]
    Cache(#[source] redis::RedisError),
    /// Another instance held the fetch lock for too long.
    #[error("timed out waiting for another instance to fetch the access token")]
    LockTimeout,
}

/// `errcode` -1: WeChat is busy; try again.
pub const BUSY: i64 = -1;
/// The access token is invalid (40001), expired (42001) or not the latest (40014).
pub const STALE_TOKEN: [i64; 3] = [40001, 42001, 40014];

impl WechatError {
    /// A transport failure, without its URL: WeChat's URLs carry the AppSecret
    /// (`jscode2session`) or the access token, and errors end up in the log.
    pub fn transport(e: reqwest::Error) -> Self {
        WechatError::Transport(e.without_url())
    }

    /// WeChat's error code, if WeChat answered with one.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            WechatError::Api { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    /// True when the access token used was no longer good.
    pub fn is_stale_token(&self) -> bool {
        self.errcode().is_some_and(|c| STALE_TOKEN.contains(&c))
    }

    /// True when trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            WechatError::Api { errcode, .. } => *errcode == BUSY,
            WechatError::Transport(_) | WechatError::LockTimeout | WechatError::Cache(_) => true,
            WechatError::Decode(_) => false,
        }
    }
}

impl From<WechatError> for ApiError {
    fn from(e: WechatError) -> Self {
        let (status, code, msg) = match e.errcode() {
            // 40029: invalid code; 40163: code already used.
            Some(40029 | 40163) => (
                StatusCode::UNAUTHORIZED,
                "wechat.invalid_code",
                Msg::new(
                    "微信登录凭证无效或已使用，请重新进入小程序",
                    "The WeChat code is invalid or was used already; get a new one",
                ),
            ),
            Some(45011) => (
                StatusCode::TOO_MANY_REQUESTS,
                "wechat.rate_limited",
                Msg::new(
                    "操作太频繁，请稍后再试",
                    "Too many attempts; try again in a minute",
                ),
            ),
            Some(40226) => (
                StatusCode::FORBIDDEN,
                "wechat.user_blocked",
                Msg::new(
                    "该微信账号存在风险，暂时无法登录",
                    "WeChat has blocked this account as high-risk",
                ),
            ),
            Some(BUSY) | None if e.is_transient() => (
                StatusCode::SERVICE_UNAVAILABLE,
                "wechat.unavailable",
                Msg::new(
                    "微信服务繁忙，请稍后重试",
                    "WeChat is busy; try again later",
                ),
            ),
            // Another errcode, or an answer we could not read.
            Some(_) | None => (
                StatusCode::BAD_GATEWAY,
                "wechat.error",
                Msg::new("微信服务出错，请稍后重试", "WeChat returned an error"),
            ),
        };
        let errcode = e.errcode();
        let mut api = ApiError::new(status, code, msg).with_cause(e);
        if let Some(c) = errcode {
            api = api.with_details(serde_json::json!({ "errcode": c }));
        }
        api
    }
}

/// The answer while WeChat is not configured.
pub fn disabled() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "wechat.disabled",
        Msg::new(
            "本服务未接入微信，暂不能使用此功能",
            "WeChat is not configured on this server",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn transport_errors_never_carry_the_secret_in_the_url() {
        let failed = reqwest::get("http://127.0.0.1:9/sns/jscode2session?secret=TOP-SECRET-1")
            .await
            .unwrap_err();
        assert!(
            format!("{failed:?}").contains("TOP-SECRET-1"),
            "reqwest keeps the URL"
        );
        let e = WechatError::transport(failed);
        let shown = format!("{e} {e:?}");
        let chain = format!("{shown} {:?}", anyhow::Error::from(e));
        assert!(!chain.contains("TOP-SECRET-1"), "{chain}");
    }

    #[test]
    fn unreadable_answers_are_a_bad_gateway_not_a_busy_one() {
        let api = ApiError::from(WechatError::Decode("nonsense".into()));
        assert_eq!(api.code(), "wechat.error");
        let api = ApiError::from(WechatError::Api {
            errcode: -1,
            errmsg: String::new(),
        });
        assert_eq!(api.code(), "wechat.unavailable");
    }
}
