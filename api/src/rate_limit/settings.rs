//! Rate-limit settings from the environment.

use linli_domain::rate_limit::Quota;

use super::client_ip::TrustedProxies;
use crate::config::ConfigError;

/// Quotas per policy (each applies per API key and per client IP), the proxies whose
/// `X-Forwarded-For` is believed, and the Redis key prefix.
#[derive(Debug, Clone)]
pub struct RateLimitSettings {
    /// Partner API routes (`/api/v1/partner/…`); `None`: unlimited.
    pub partner: Option<Quota>,
    /// Open311 routes.
    pub open311: Option<Quota>,
    /// Login routes.
    pub login: Option<Quota>,
    /// Peers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// Prefix of every Redis key (tests give each run its own).
    pub redis_prefix: String,
}

fn quota(
    get: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
    default: (u32, u32),
) -> Result<Option<Quota>, ConfigError> {
    match get(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
    {
        None => Ok(Some(
            Quota::new(default.0, default.1).expect("the defaults are valid"),
        )),
        Some(v) if v.eq_ignore_ascii_case("off") => Ok(None),
        Some(v) => Quota::parse(&v)
            .map(Some)
            .map_err(|e| ConfigError::Invalid {
                name,
                reason: format!("{e} (or `off`), got `{v}`"),
            }),
    }
}

impl RateLimitSettings {
    /// Reads `LINLI_RATE_LIMIT_PARTNER` (default `600/60`), `LINLI_RATE_LIMIT_OPEN311`
    /// (`120/60`), `LINLI_RATE_LIMIT_LOGIN` (`10/60`), each `CALLS/SECONDS` or `off`;
    /// `LINLI_TRUSTED_PROXIES` (IPs or CIDR ranges, comma-separated; none by default) and
    /// `LINLI_RATE_LIMIT_PREFIX` (`linli:ratelimit:`).
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let proxies = get("LINLI_TRUSTED_PROXIES").unwrap_or_default();
        Ok(RateLimitSettings {
            partner: quota(get, "LINLI_RATE_LIMIT_PARTNER", (600, 60))?,
            open311: quota(get, "LINLI_RATE_LIMIT_OPEN311", (120, 60))?,
            login: quota(get, "LINLI_RATE_LIMIT_LOGIN", (10, 60))?,
            trusted_proxies: TrustedProxies::parse(&proxies).map_err(|bad| {
                ConfigError::Invalid {
                    name: "LINLI_TRUSTED_PROXIES",
                    reason: format!("`{bad}` is no IP address or CIDR range"),
                }
            })?,
            redis_prefix: get("LINLI_RATE_LIMIT_PREFIX")
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| "linli:ratelimit:".to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_off_and_errors() {
        let none = |_: &str| None;
        let s = RateLimitSettings::from_lookup(&none).unwrap();
        assert_eq!(s.partner.unwrap().limit(), 600);
        assert_eq!(s.login.unwrap().window_secs(), 60);
        let off = |k: &str| (k == "LINLI_RATE_LIMIT_LOGIN").then(|| "off".to_owned());
        assert!(
            RateLimitSettings::from_lookup(&off)
                .unwrap()
                .login
                .is_none()
        );
        let bad = |k: &str| (k == "LINLI_RATE_LIMIT_OPEN311").then(|| "lots".to_owned());
        assert!(RateLimitSettings::from_lookup(&bad).is_err());
        let proxies = |k: &str| (k == "LINLI_TRUSTED_PROXIES").then(|| "10.0.0.0/8, x".to_owned());
        assert!(RateLimitSettings::from_lookup(&proxies).is_err());
    }
}
