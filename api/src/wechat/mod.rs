//! The WeChat mini-program's server side: WeChat's API spoken over HTTP, its access token
//! shared by every instance, and WeChat's errors turned into the API's.

mod client;
mod error;
pub mod push;
mod security;
mod settings;
pub mod subscribe;
mod token;
pub mod wxacode;

pub use client::{Session, SharedPhone, Wechat};
pub use error::{WechatError, disabled};
pub use security::Verdict;
pub use settings::WechatSettings;
pub use token::TokenCache;

use std::sync::Arc;

use redis::aio::ConnectionManager;

/// Builds the client when WeChat is configured, and says at start-up what is off when not.
pub fn start(
    settings: Option<WechatSettings>,
    redis: Option<ConnectionManager>,
) -> anyhow::Result<Option<Arc<Wechat>>> {
    let Some(settings) = settings else {
        tracing::warn!(
            "WeChat is not configured (LINLI_WECHAT_APPID, LINLI_WECHAT_SECRET): WeChat login, \
             phone binding, subscribe messages, content checks and mini-program codes are off"
        );
        return Ok(None);
    };
    if settings.push_token.is_none() {
        tracing::warn!(
            "LINLI_WECHAT_PUSH_TOKEN is not set: WeChat's pushes are refused, so photos are not \
             sent for WeChat's image check (they show unchecked)"
        );
    }
    let tokens = match redis {
        Some(conn) => TokenCache::redis(conn, &settings.appid),
        None => TokenCache::local(),
    };
    Ok(Some(Arc::new(Wechat::new(settings, tokens)?)))
}
