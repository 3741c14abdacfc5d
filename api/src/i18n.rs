//! The client's language, from `Accept-Language`, and the middleware that renders errors in it
//! and wraps actix's own error responses (unknown route, wrong method, …) in our envelope.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT_LANGUAGE, HeaderMap};
use actix_web::middleware::Next;

use crate::error::{ApiError, Msg};

/// A language we answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Chinese, the default.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The preferred of Chinese and English by q-value; Chinese when neither or both tie.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let Some(value) = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return Lang::Zh;
        };
        let (mut zh, mut en) = (0.0f32, 0.0f32);
        for part in value.split(',') {
            let mut bits = part.trim().split(';');
            let tag = bits.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = bits
                .find_map(|b| {
                    b.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if tag == "en" || tag.starts_with("en-") {
                en = en.max(q);
            } else if tag == "zh" || tag.starts_with("zh-") {
                zh = zh.max(q);
            }
        }
        if en > zh { Lang::En } else { Lang::Zh }
    }
}

fn generic(status: StatusCode) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::not_found(
            "route.not_found",
            Msg::new("请求的地址不存在", "No such route"),
        ),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "route.method_not_allowed",
            Msg::new("不支持该请求方法", "Method not allowed"),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            status,
            "request.too_large",
            Msg::new("请求内容过大", "The request body is too large"),
        ),
        s if s.is_server_error() => ApiError::new(
            s,
            "internal",
            Msg::new("服务器内部错误", "Internal server error"),
        ),
        s => ApiError::new(
            s,
            "request.bad",
            Msg::new("请求无法处理", "The request cannot be processed"),
        ),
    }
}

/// Renders our errors in the client's language and gives every other error response the
/// envelope, so clients only ever parse one error shape.
pub async fn errors_in_client_language(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = Lang::from_headers(req.headers());
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(res);
    }
    let error = res.response().error();
    // Open311 answers errors in its own shape, in the client's language too.
    if let Some(e) = error.and_then(|e| e.as_error::<crate::open311::Open311Error>()) {
        if lang == Lang::Zh {
            return Ok(res);
        }
        let again = e.render(lang);
        return Ok(res.into_response(again));
    }
    let ours = error
        .and_then(|e| e.as_error::<ApiError>())
        .map(|e| e.render(lang));
    let replacement = match ours {
        // Already rendered in Chinese by `ApiError::error_response`.
        Some(_) if lang == Lang::Zh => return Ok(res),
        Some(r) => r,
        None => generic(status).render(lang),
    };
    Ok(res.into_response(replacement))
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderValue;

    use super::*;

    fn lang(v: &str) -> Lang {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT_LANGUAGE, HeaderValue::from_str(v).unwrap());
        Lang::from_headers(&h)
    }

    #[test]
    fn picks_by_quality() {
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::Zh);
        assert_eq!(lang("en"), Lang::En);
        assert_eq!(lang("en-US,en;q=0.9"), Lang::En);
        assert_eq!(lang("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(lang("fr, en;q=0.5"), Lang::En);
        assert_eq!(lang("de"), Lang::Zh);
    }
}
