//! One error type for the whole API, rendered as one envelope:
//! `{"error": {"code", "message", "details"}}`. Messages are Chinese unless the client asks for
//! English; codes are stable. 5xx bodies are opaque; their cause chain goes to the log.

use std::borrow::Cow;
use std::fmt;

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Lang;

/// Text in both languages.
#[derive(Debug, Clone)]
pub struct Msg {
    /// Chinese.
    pub zh: Cow<'static, str>,
    /// English.
    pub en: Cow<'static, str>,
}

impl Msg {
    /// Text in both languages.
    pub fn new(zh: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }

    fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// One invalid field of a request body or query.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The field, as the client named it.
    pub field: String,
    /// A stable code, e.g. `too_long`.
    pub code: &'static str,
    /// What is wrong.
    pub message: Msg,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, code: &'static str, message: Msg) -> Self {
        FieldError {
            field: field.into(),
            code,
            message,
        }
    }
}

#[derive(Debug)]
enum Details {
    Fields(Vec<FieldError>),
    Json(serde_json::Value),
}

/// An error the API answers with.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Msg,
    details: Option<Details>,
    cause: Option<anyhow::Error>,
    // Boxed: rarely set, and the error travels in every `Result` of the crate.
    headers: Option<Box<ExtraHeaders>>,
}

/// Response headers an error adds.
#[derive(Debug, Default)]
struct ExtraHeaders(Vec<(HeaderName, HeaderValue)>);

/// The error envelope every non-2xx response carries.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// The body of the error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `request.invalid_transition`; clients switch on it.
    #[schema(example = "request.invalid_transition")]
    pub code: String,
    /// Human-readable message (Chinese by default; English with `Accept-Language: en`).
    pub message: String,
    /// Extra facts: for validation errors (422) a list of `{field, code, message}`.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// One entry of a validation error's `details`.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// The field.
    pub field: String,
    /// Stable code.
    pub code: String,
    /// Message.
    pub message: String,
}

impl ApiError {
    /// An error with a status, stable code and message.
    pub fn new(status: StatusCode, code: &'static str, message: Msg) -> Self {
        ApiError {
            status,
            code,
            message,
            details: None,
            cause: None,
            headers: None,
        }
    }

    /// 422 with one entry per invalid field.
    pub fn validation(fields: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
            Msg::new("请求内容有误，请检查后重试", "The request is invalid"),
        );
        e.details = Some(Details::Fields(fields));
        e
    }

    /// A 400.
    pub fn bad_request(code: &'static str, message: Msg) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// A 401.
    pub fn unauthenticated(code: &'static str, message: Msg) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// A 403.
    pub fn forbidden(code: &'static str, message: Msg) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    /// A 404.
    pub fn not_found(code: &'static str, message: Msg) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// A 409.
    pub fn conflict(code: &'static str, message: Msg) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// A 422 that is not about one field.
    pub fn unprocessable(code: &'static str, message: Msg) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// A 503: try again later.
    pub fn unavailable(cause: impl Into<anyhow::Error>) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service.unavailable",
            Msg::new(
                "服务繁忙，请稍后重试",
                "The service is busy; try again later",
            ),
        );
        e.cause = Some(cause.into());
        e
    }

    /// A 500 for anything unexpected; the cause is logged, never shown.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Msg::new("服务器内部错误", "Internal server error"),
        );
        e.cause = Some(cause.into());
        e
    }

    /// Keeps the cause, for the log (5xx) or the caller's inspection.
    pub fn with_cause(mut self, cause: impl Into<anyhow::Error>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    /// Adds structured details.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(Details::Json(details));
        self
    }

    /// Adds a response header (`Retry-After`, `Allow`, …); a value that is no valid header
    /// value is dropped.
    pub fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.get_or_insert_default().0.push((name, v));
        }
        self
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The envelope in a language.
    pub fn envelope(&self, lang: Lang) -> ErrorEnvelope {
        let details = match &self.details {
            None => None,
            Some(Details::Json(v)) => Some(v.clone()),
            Some(Details::Fields(fields)) => Some(
                serde_json::to_value(
                    fields
                        .iter()
                        .map(|f| FieldErrorBody {
                            field: f.field.clone(),
                            code: f.code.to_owned(),
                            message: f.message.get(lang).to_owned(),
                        })
                        .collect::<Vec<_>>(),
                )
                .unwrap_or_default(),
            ),
        };
        ErrorEnvelope {
            error: ErrorBody {
                code: self.code.to_owned(),
                message: self.message.get(lang).to_owned(),
                details,
            },
        }
    }

    /// The response in a language.
    pub fn render(&self, lang: Lang) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header(("WWW-Authenticate", "Bearer"));
        }
        for (name, value) in self.headers.iter().flat_map(|h| &h.0) {
            res.insert_header((name.clone(), value.clone()));
        }
        res.json(self.envelope(lang))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message.en)
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_ref().map(|c| c.as_ref() as _)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        if self.status.is_server_error() {
            match &self.cause {
                Some(cause) => tracing::error!(code = self.code, error = ?cause, "request failed"),
                None => tracing::error!(code = self.code, "request failed"),
            }
        }
        // Chinese here; the language middleware re-renders for clients that ask for English.
        self.render(Lang::Zh)
    }
}

impl From<linli_persistence::StoreError> for ApiError {
    fn from(e: linli_persistence::StoreError) -> Self {
        use linli_persistence::StoreError as S;
        match e {
            S::NotFound => ApiError::not_found("not_found", Msg::new("资源不存在", "Not found")),
            S::Duplicate(what) => ApiError::conflict(
                "conflict.duplicate",
                Msg::new(
                    format!("已存在相同的{}", zh_field(what)),
                    format!("That {what} is already taken"),
                ),
            )
            .with_details(serde_json::json!({ "field": what })),
            S::Stale => ApiError::conflict(
                "conflict.concurrent_update",
                Msg::new(
                    "数据已被他人修改，请刷新后重试",
                    "Changed by someone else; reload and retry",
                ),
            ),
            S::Unavailable(e) => ApiError::unavailable(e),
            S::Busy(e) => ApiError::unavailable(e),
            other => ApiError::internal(other),
        }
    }
}

fn zh_field(what: &str) -> &'static str {
    match what {
        "code" => "编码",
        "name" => "名称",
        "username" => "用户名",
        "openid" => "微信账号",
        _ => "内容",
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::internal(e)
    }
}
