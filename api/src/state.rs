//! What every handler shares.

use std::sync::Arc;

use chrono_tz::Tz;

use crate::auth::JwtKeys;
use crate::buildings::link::ReportLink;
use crate::cache::Caches;
use crate::clock::Clock;
use crate::content::ContentChecks;
use crate::crypto::DataCipher;
use crate::db::Db;
use crate::wechat::Wechat;

/// Shared application state.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Access-token keys.
    pub jwt: JwtKeys,
    /// Personal-data cipher.
    pub cipher: DataCipher,
    /// The local time zone.
    pub tz: Tz,
    /// Development login is served.
    pub dev_login: bool,
    /// Days before an unrated resolved request closes by itself.
    pub auto_close_days: i64,
    /// Short-lived caches of actors and categories.
    pub caches: Arc<Caches>,
    /// The H5 report page that buildings' QR codes open.
    pub report_link: ReportLink,
    /// WeChat's server API; `None` when WeChat is not configured.
    pub wechat: Option<Arc<Wechat>>,
    /// The content checks' word list and timeout.
    pub content: ContentChecks,
    /// Posts partners' webhooks.
    pub webhooks: crate::webhooks::client::WebhookClient,
    /// Rate limits of the partner, Open311 and login routes.
    pub rate_limiter: Arc<crate::rate_limit::RateLimiter>,
}

impl AppState {
    /// WeChat, or the answer that it is off.
    pub fn wechat(&self) -> Result<&Wechat, crate::error::ApiError> {
        self.wechat.as_deref().ok_or_else(crate::wechat::disabled)
    }
}
