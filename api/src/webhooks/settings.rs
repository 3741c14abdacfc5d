//! How outbound webhooks are sent: `LINLI_WEBHOOK_TIMEOUT_SECS` (default 15) and
//! `LINLI_WEBHOOK_ALLOW_PRIVATE` (default off: only public internet addresses are reached).

use std::time::Duration;

use crate::config::{ConfigError, flag};

/// The default time a receiver has to answer.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// Webhook delivery settings.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// How long one attempt may take, connection and response included.
    pub timeout: Duration,
    /// Loopback, private and link-local addresses may be reached (tests, closed networks).
    pub allow_private: bool,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            timeout: DEFAULT_TIMEOUT,
            allow_private: false,
        }
    }
}

impl WebhookSettings {
    /// Reads the settings.
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let timeout = match get("LINLI_WEBHOOK_TIMEOUT_SECS").map(|v| v.trim().to_owned()) {
            None => DEFAULT_TIMEOUT,
            Some(v) if v.is_empty() => DEFAULT_TIMEOUT,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=60).contains(s))
                .map(Duration::from_secs)
                .ok_or_else(|| ConfigError::Invalid {
                    name: "LINLI_WEBHOOK_TIMEOUT_SECS",
                    reason: format!("expected seconds from 1 to 60, got `{v}`"),
                })?,
        };
        Ok(WebhookSettings {
            timeout,
            allow_private: flag(get, "LINLI_WEBHOOK_ALLOW_PRIVATE")?,
        })
    }
}
