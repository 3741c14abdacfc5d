//! Body and query extractors whose errors name the field at fault, in our envelope.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError, Msg};

/// The largest JSON body we read.
pub const JSON_LIMIT: usize = 64 * 1024;

/// A JSON body. Malformed JSON is 400 `request.malformed_json`; a well-formed body of the
/// wrong shape is 422 with the path of the offending field.
#[derive(Debug)]
pub struct Json<T>(pub T);

fn shape_error(path: String, e: &serde_json::Error) -> ApiError {
    let msg = e.to_string();
    // serde's messages read "missing field `x`", "invalid type: …", "unknown variant …".
    let (code, zh) = if msg.starts_with("missing field") {
        ("required", "缺少必填字段")
    } else if msg.starts_with("invalid type") {
        ("invalid_type", "字段类型不正确")
    } else if msg.starts_with("unknown variant") {
        ("invalid_value", "字段取值不在允许范围内")
    } else if msg.starts_with("unknown field") {
        ("unknown_field", "包含未知字段")
    } else {
        ("invalid", "字段取值无效")
    };
    let field = if code == "required" {
        let name = msg.split('`').nth(1).unwrap_or("");
        if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    } else {
        path
    };
    let en = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
    ApiError::validation(vec![FieldError::new(field, code, Msg::new(zh, en))])
}

/// A field that is present, even as `null` (`Some(None)`), as against absent (`None`, by
/// `#[serde(default)]`): a patch tells "clear it" from "leave it".
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize<'de>>::deserialize(d).map(Some)
}

/// Parses a JSON body, naming the field on error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => shape_error(path, &inner),
            _ => ApiError::bad_request(
                "request.malformed_json",
                Msg::new("请求体不是有效的 JSON", format!("Malformed JSON: {inner}")),
            ),
        }
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.to_ascii_lowercase().starts_with("application/json"))
            .unwrap_or(false);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(
                    actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "request.unsupported_media_type",
                    Msg::new(
                        "请以 application/json 格式提交",
                        "Send the body as application/json",
                    ),
                ));
            }
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code()
                    == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
                {
                    ApiError::new(
                        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                        "request.too_large",
                        Msg::new("请求内容过大", "The request body is too large"),
                    )
                } else {
                    ApiError::bad_request(
                        "request.unreadable_body",
                        Msg::new("无法读取请求体", "The request body could not be read"),
                    )
                }
            })?;
            parse_json(&bytes).map(Json)
        })
    }
}

/// A query string. A value of the wrong type or outside an enumeration is 422 naming the
/// parameter.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    /// The parsed query.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Parses a query string, naming the parameter on error.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        let msg = inner.to_string();
        let (code, zh) = if msg.starts_with("missing field") {
            ("required", "缺少必填参数")
        } else if msg.starts_with("unknown variant") {
            ("invalid_value", "参数取值不在允许范围内")
        } else {
            ("invalid_type", "参数格式不正确")
        };
        let field = if field == "." || field.is_empty() {
            msg.split('`').nth(1).unwrap_or("query").to_owned()
        } else {
            field
        };
        ApiError::validation(vec![FieldError::new(field, code, Msg::new(zh, msg))])
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

/// Query-string errors in our envelope (for any `web::Query` left).
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        let en = err.to_string();
        ApiError::validation(vec![FieldError::new(
            "query",
            "invalid",
            Msg::new("查询参数有误", en),
        )])
        .into()
    })
}

/// Path-parameter errors in our envelope (e.g. `/requests/abc`).
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| {
        ApiError::not_found(
            "route.not_found",
            Msg::new("请求的地址不存在", format!("No such resource: {err}")),
        )
        .into()
    })
}

/// The body limit, enforced while reading.
pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(JSON_LIMIT)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: i32,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Params {
        limit: Option<i64>,
        flag: Option<bool>,
    }

    #[test]
    fn names_the_query_parameter() {
        let p: Params = parse_query("limit=5&flag=true").unwrap();
        assert_eq!(p.limit, Some(5));
        let e = parse_query::<Params>("limit=ten").unwrap_err();
        let d = e.envelope(crate::i18n::Lang::En).error.details.unwrap();
        assert_eq!(d[0]["field"], "limit");
        assert_eq!(d[0]["code"], "invalid_type");
        let e = parse_query::<Params>("flag=perhaps").unwrap_err();
        let d = e.envelope(crate::i18n::Lang::En).error.details.unwrap();
        assert_eq!(d[0]["field"], "flag");
    }

    #[test]
    fn names_the_field() {
        let e = parse_json::<Body>(br#"{"name": "a", "inner": {"count": "x"}}"#).unwrap_err();
        assert_eq!(e.code(), "validation.failed");
        let body = e.envelope(crate::i18n::Lang::En).error.details.unwrap();
        assert_eq!(body[0]["field"], "inner.count");
        assert_eq!(body[0]["code"], "invalid_type");
        let e = parse_json::<Body>(br#"{"inner": {"count": 1}}"#).unwrap_err();
        let body = e.envelope(crate::i18n::Lang::En).error.details.unwrap();
        assert_eq!(body[0]["field"], "name");
        assert_eq!(body[0]["code"], "required");
        let e = parse_json::<Body>(b"{not json").unwrap_err();
        assert_eq!(e.code(), "request.malformed_json");
    }
}
