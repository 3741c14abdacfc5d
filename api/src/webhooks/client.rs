//! The HTTP client that posts webhooks. A partner chooses the URL, so the client must not be
//! turned against our own network: names are resolved by a resolver that drops every
//! non-public address, IP literals are checked before sending, redirects are not followed (a
//! redirect could point anywhere) and no proxy from the environment is used.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use linli_domain::webhook::{Answer, is_public_address};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::settings::WebhookSettings;

/// The longest stretch of a response body kept in the delivery log.
const EXCERPT_BYTES: usize = 1024;

/// A name that resolved to no address we may reach.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` resolves to no public address")]
struct NoPublicAddress(String);

/// Resolves with the system resolver and keeps public addresses only.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| is_public_address(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(Box::new(NoPublicAddress(host)) as Box<_>);
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// What one post saw.
#[derive(Debug, Clone)]
pub struct PostResult {
    /// The receiver's answer.
    pub answer: Answer,
    /// Milliseconds from sending to the end of the answer.
    pub latency_ms: i64,
    /// Why there was no answer.
    pub error: Option<String>,
    /// The start of the response body.
    pub excerpt: Option<String>,
}

/// Posts signed webhooks.
#[derive(Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
    allow_private: bool,
    timeout: std::time::Duration,
}

impl WebhookClient {
    /// A client following the settings.
    pub fn new(settings: &WebhookSettings) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(std::time::Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("LinliGrid-Webhooks/", env!("CARGO_PKG_VERSION")));
        if !settings.allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(WebhookClient {
            http: builder.build()?,
            allow_private: settings.allow_private,
            timeout: settings.timeout,
        })
    }

    /// The longest one post may take.
    pub fn timeout(&self) -> std::time::Duration {
        self.timeout
    }

    /// True when the URL's host may be reached: always with private addresses allowed; else
    /// a name (checked again when resolved) or a public IP literal.
    pub fn may_reach(&self, url: &Url) -> bool {
        self.allow_private
            || match url.host() {
                Some(Host::Domain(d)) => !d.eq_ignore_ascii_case("localhost"),
                Some(Host::Ipv4(ip)) => is_public_address(IpAddr::V4(ip)),
                Some(Host::Ipv6(ip)) => is_public_address(IpAddr::V6(ip)),
                None => false,
            }
    }

    /// Posts `body` with `headers`; never fails: no answer is an answer too.
    pub async fn post(&self, url: &str, headers: &[(&str, String)], body: String) -> PostResult {
        let started = Instant::now();
        let elapsed =
            |started: Instant| i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let no_answer = |error: String, started: Instant| PostResult {
            answer: Answer::NoAnswer,
            latency_ms: elapsed(started),
            error: Some(error),
            excerpt: None,
        };
        let parsed = match Url::parse(url) {
            Ok(u) => u,
            Err(e) => return no_answer(format!("invalid URL: {e}"), started),
        };
        if !self.may_reach(&parsed) {
            return no_answer("the address is not a public one".to_owned(), started);
        }
        let mut req = self
            .http
            .post(parsed)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        let mut resp = match req.body(body).send().await {
            Ok(r) => r,
            Err(e) => return no_answer(describe(&e), started),
        };
        let code = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(retry_after);
        let mut excerpt = Vec::new();
        // The start of the body is kept for the log; the rest is read and dropped so the
        // connection can be reused, within the same timeout.
        let mut error = None;
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = EXCERPT_BYTES.saturating_sub(excerpt.len());
                    excerpt.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                Ok(None) => break,
                Err(e) => {
                    error = Some(describe(&e));
                    break;
                }
            }
        }
        PostResult {
            answer: Answer::Status { code, retry_after },
            latency_ms: elapsed(started),
            error,
            excerpt: (!excerpt.is_empty()).then(|| String::from_utf8_lossy(&excerpt).into_owned()),
        }
    }
}

/// `Retry-After` as seconds or as an HTTP date (then counted from the system clock, which is
/// what the receiver's date means).
fn retry_after(v: &str) -> Option<chrono::Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<i64>() {
        return (secs >= 0).then(|| chrono::Duration::seconds(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    Some((at.with_timezone(&chrono::Utc) - chrono::Utc::now()).max(chrono::Duration::zero()))
}

/// An error with its causes, without the URL (which may carry the partner's own tokens).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_retry_after_in_both_forms() {
        assert_eq!(retry_after(" 120 "), Some(chrono::Duration::seconds(120)));
        assert_eq!(retry_after("-1"), None);
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(chrono::Duration::zero()),
            "a date past is now"
        );
        let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc2822();
        let d = retry_after(&later).unwrap();
        assert!(d > chrono::Duration::minutes(59) && d <= chrono::Duration::hours(1));
        assert_eq!(retry_after("soon"), None);
    }
}
