//! Rate limits on the routes outsiders hammer: partner API (`/api/v1/partner/…`), Open311
//! (`/open311/…`) and login. Each policy's quota applies per client IP and, where the call
//! carries one, per partner API key; both must pass. The arithmetic is the domain's GCRA
//! (`linli_domain::rate_limit`); the TATs live in Redis when configured (shared by every
//! instance) or in this process.
//!
//! Every answer of a limited route carries the IETF draft's fields
//! (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy: "partner";q=600;w=60` and
//! `RateLimit: "partner";r=12;t=30` (calls left, seconds until the whole quota is back). A
//! refused call is 429 `rate_limited` with `Retry-After` (in Open311's error shape on Open311
//! routes).

pub mod client_ip;
pub mod settings;
pub mod store;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use linli_domain::partner::PartnerKey;
use linli_domain::rate_limit::{Quota, Verdict};
use redis::aio::ConnectionManager;

use crate::error::{ApiError, Msg};
use crate::open311::{Format, Open311Error};
use crate::state::AppState;
pub use settings::RateLimitSettings;
use store::{LocalStore, Store};

/// A set of routes sharing a quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// The partner API, authenticated by API key.
    Partner,
    /// Open311 GeoReport v2.
    Open311,
    /// Password, WeChat and development login.
    Login,
}

impl Policy {
    /// The name in headers and keys.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Partner => "partner",
            Policy::Open311 => "open311",
            Policy::Login => "login",
        }
    }

    /// The policy a path falls under, if any. By path prefix, so routes added under
    /// `/api/v1/partner/` later are limited without a word here.
    pub fn of_path(path: &str) -> Option<Policy> {
        if path.starts_with("/open311/") {
            Some(Policy::Open311)
        } else if path.starts_with("/api/v1/partner/") {
            Some(Policy::Partner)
        } else if matches!(
            path,
            "/api/v1/auth/login" | "/api/v1/auth/wechat/login" | "/api/v1/auth/dev/login"
        ) {
            Some(Policy::Login)
        } else {
            None
        }
    }
}

/// The limiter the application shares.
pub struct RateLimiter {
    settings: RateLimitSettings,
    store: Store,
}

impl RateLimiter {
    /// A limiter keeping its TATs in Redis when given a connection, else in this process.
    pub fn new(settings: RateLimitSettings, redis: Option<ConnectionManager>) -> Self {
        let store = match redis {
            Some(conn) => Store::redis(conn, settings.redis_prefix.clone()),
            None => Store::Local(LocalStore::default()),
        };
        RateLimiter { settings, store }
    }

    fn quota(&self, policy: Policy) -> Option<Quota> {
        match policy {
            Policy::Partner => self.settings.partner,
            Policy::Open311 => self.settings.open311,
            Policy::Login => self.settings.login,
        }
    }
}

/// The public id of a partner key presented in a header (`Authorization: Bearer lk_…` or
/// `X-Api-Key`). A string that is no key counts for nothing here; authentication refuses it.
fn header_key(req: &ServiceRequest) -> Option<String> {
    let headers = req.headers();
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .or_else(|| headers.get("X-Api-Key").and_then(|v| v.to_str().ok()))
        .and_then(|k| PartnerKey::parse(k).ok())
        .map(|k| k.id().to_owned())
}

fn key_in(raw: &[u8]) -> Option<String> {
    form_urlencoded::parse(raw)
        .find(|(k, _)| k == "api_key")
        .and_then(|(_, v)| PartnerKey::parse(&v).ok().map(|k| k.id().to_owned()))
}

/// The key an Open311 call names: `api_key` in the query, or in a POSTed form (read here and
/// handed on to the handler unchanged).
async fn open311_key(req: &mut ServiceRequest) -> Option<String> {
    if let Some(k) = key_in(req.query_string().as_bytes()) {
        return Some(k);
    }
    let is_form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if req.method() != Method::POST || !is_form {
        return None;
    }
    // Bounded by the application's payload limit, like the handler's own read.
    let body = req.extract::<web::Bytes>().await.ok()?;
    let key = key_in(&body);
    req.set_payload(actix_web::dev::Payload::from(body));
    key
}

fn headers(policy: Policy, quota: &Quota, v: &Verdict) -> [(HeaderName, String); 2] {
    [
        (
            HeaderName::from_static("ratelimit-policy"),
            format!(
                "\"{}\";q={};w={}",
                policy.name(),
                quota.limit(),
                quota.window_secs()
            ),
        ),
        (
            HeaderName::from_static("ratelimit"),
            format!("\"{}\";r={};t={}", policy.name(), v.remaining, v.reset_secs),
        ),
    ]
}

/// The 429, in Open311's shape on Open311 routes.
fn refusal(policy: Policy, quota: &Quota, v: &Verdict, path: &str) -> HttpResponse {
    let mut e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        Msg::new(
            format!("请求过于频繁，请 {} 秒后重试", v.retry_after_secs),
            format!("Too many requests; retry in {} seconds", v.retry_after_secs),
        ),
    )
    .with_header(RETRY_AFTER, &v.retry_after_secs.to_string());
    for (name, value) in headers(policy, quota, v) {
        e = e.with_header(name, &value);
    }
    // With the error attached, so the language middleware renders it again when asked.
    if policy == Policy::Open311 {
        HttpResponse::from_error(Open311Error::api(Format::of_path(path), e))
    } else {
        HttpResponse::from_error(e)
    }
}

/// The middleware: limits the routes a [`Policy`] covers, passes the rest untouched.
pub async fn limit(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let found = Policy::of_path(req.path())
        .zip(state)
        .and_then(|(policy, state)| {
            let quota = state.rate_limiter.quota(policy)?;
            Some((policy, quota, state))
        });
    let Some((policy, quota, state)) = found else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let limiter = &state.rate_limiter;
    let key = match policy {
        Policy::Partner => header_key(&req),
        Policy::Open311 => open311_key(&mut req).await,
        Policy::Login => None,
    };
    let forwarded = req
        .headers()
        .get("X-Forwarded-For")
        .and_then(|v| v.to_str().ok());
    let ip = req
        .peer_addr()
        .map(|a| limiter.settings.trusted_proxies.client(a.ip(), forwarded));
    let now = state.clock.now().timestamp_millis();
    let mut verdict = None::<Verdict>;
    let identities = ip
        .map(|ip| format!("{}:ip:{ip}", policy.name()))
        .into_iter()
        .chain(key.map(|k| format!("{}:key:{k}", policy.name())));
    for id in identities {
        let v = limiter.store.check(&id, now, &quota).await;
        // The tighter of the two is what the client must heed.
        let tighter = verdict.is_none_or(|w| !v.allowed || v.remaining < w.remaining);
        if tighter {
            verdict = Some(v);
        }
        if !v.allowed {
            break;
        }
    }
    let Some(verdict) = verdict else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !verdict.allowed {
        let path = req.path().to_owned();
        let res = refusal(policy, &quota, &verdict, &path);
        // Not `req.into_response`, which converts the response and drops its error; the
        // language middleware needs the error.
        let (http, _) = req.into_parts();
        return Ok(ServiceResponse::new(http, res));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    for (name, value) in headers(policy, &quota, &verdict) {
        if let Ok(v) = HeaderValue::from_str(&value) {
            res.headers_mut().insert(name, v);
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_by_path() {
        assert_eq!(
            Policy::of_path("/open311/v2/requests.json"),
            Some(Policy::Open311)
        );
        assert_eq!(Policy::of_path("/api/v1/partner/me"), Some(Policy::Partner));
        assert_eq!(
            Policy::of_path("/api/v1/partners"),
            None,
            "the admins' routes"
        );
        assert_eq!(Policy::of_path("/api/v1/auth/login"), Some(Policy::Login));
        assert_eq!(
            Policy::of_path("/api/v1/auth/dev/login"),
            Some(Policy::Login)
        );
        assert_eq!(Policy::of_path("/api/v1/auth/refresh"), None);
        assert_eq!(Policy::of_path("/api/v1/requests"), None);
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    #[test]
    fn refusals_carry_the_headers() {
        let q = Quota::new(1, 60).unwrap();
        let v = linli_domain::rate_limit::gcra(Some(60_000), 0, &q);
        for path in ["/api/v1/auth/login", "/open311/v2/services.json"] {
            let res = refusal(Policy::Login, &q, &v, path);
            assert_eq!(res.status(), 429);
            assert_eq!(res.headers().get(RETRY_AFTER).unwrap(), "60", "{path}");
            assert!(res.headers().get("ratelimit").is_some());
        }
    }
}
