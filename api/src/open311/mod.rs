//! Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) beside the native API, so civic-tech
//! clients work unchanged: the service categories as services, requests as service requests,
//! in XML and JSON, with the specification's own error shape.
//!
//! Scope: reading is public, as the specification intends, over every community unless a
//! `jurisdiction_id` (the id of a district, street or community org node) narrows it. What a
//! reader sees is what a partner platform sees (`requests::partner_view`): no people, hidden
//! content hidden. Submitting needs a partner API key and stays inside the partner's scope.

pub mod params;
pub mod read;
pub mod submit;
pub mod wire;
pub mod xml;

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::error::{ApiError, Msg};
use crate::i18n::Lang;
use xml::XmlWriter;

/// The response format, chosen by the path's extension as the specification requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.json`: `application/json`.
    Json,
    /// `.xml`: `text/xml`, the specification's required format.
    Xml,
}

impl Format {
    /// The format an extension names.
    pub fn parse(ext: &str) -> Option<Format> {
        match ext {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }

    /// The format a path asks for: JSON when it ends in `.json`, else XML (the required one),
    /// for answers to paths that matched no route.
    pub fn of_path(path: &str) -> Format {
        if path.ends_with(".json") {
            Format::Json
        } else {
            Format::Xml
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// A document Open311 answers with: JSON by serde, XML by hand (element order as the
/// specification lists it).
pub trait Document: Serialize {
    /// Writes the document's root element and everything in it.
    fn write_xml(&self, w: &mut XmlWriter);
}

/// A 200 in the format asked for.
pub fn respond<D: Document>(format: Format, doc: &D) -> Result<HttpResponse, Open311Error> {
    let body = match format {
        Format::Json => serde_json::to_string(doc)
            .map_err(|e| Open311Error::api(format, ApiError::internal(e)))?,
        Format::Xml => {
            let mut w = XmlWriter::default();
            doc.write_xml(&mut w);
            w.finish()
        }
    };
    Ok(HttpResponse::Ok()
        .insert_header((
            CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        ))
        .body(body))
}

#[derive(Debug)]
enum Failure {
    Own(StatusCode, Msg),
    Api(ApiError),
}

/// An error in the specification's shape: a list of `{code, description}` (JSON) or
/// `<errors><error><code/><description/></error></errors>` (XML), where `code` is the HTTP
/// status. 403 for a bad `api_key`, 404 for anything unknown, 400 for the rest; descriptions
/// in Chinese unless the client prefers English, like the rest of the API.
#[derive(Debug)]
pub struct Open311Error {
    format: Format,
    // Boxed: an `ApiError` inside would make every `Result` of this module large.
    failure: Box<Failure>,
}

/// One entry of an Open311 error document.
#[derive(Debug, Serialize)]
pub struct ErrorEntry {
    /// The HTTP status.
    pub code: u16,
    /// What went wrong.
    pub description: String,
}

impl Open311Error {
    fn own(format: Format, status: StatusCode, msg: Msg) -> Self {
        Open311Error {
            format,
            failure: Box::new(Failure::Own(status, msg)),
        }
    }

    /// 400: a parameter is missing or wrong.
    pub fn bad_request(format: Format, msg: Msg) -> Self {
        Self::own(format, StatusCode::BAD_REQUEST, msg)
    }

    /// 403: the `api_key` is not valid.
    pub fn forbidden(format: Format, msg: Msg) -> Self {
        Self::own(format, StatusCode::FORBIDDEN, msg)
    }

    /// 404: no such service, request, token or jurisdiction.
    pub fn not_found(format: Format, msg: Msg) -> Self {
        Self::own(format, StatusCode::NOT_FOUND, msg)
    }

    /// Any other error (storage, rate limits…), with its status and message, in this shape.
    pub fn api(format: Format, e: ApiError) -> Self {
        Open311Error {
            format,
            failure: Box::new(Failure::Api(e)),
        }
    }

    /// A closure for `map_err` that keeps an `ApiError`'s status and message.
    pub fn from_api(format: Format) -> impl Fn(ApiError) -> Self {
        move |e| Self::api(format, e)
    }

    fn status(&self) -> StatusCode {
        match self.failure.as_ref() {
            Failure::Own(s, _) => *s,
            Failure::Api(e) => e.status_code(),
        }
    }

    /// The response in a language.
    pub fn render(&self, lang: Lang) -> HttpResponse {
        let status = self.status();
        let description = match self.failure.as_ref() {
            Failure::Own(_, m) => match lang {
                Lang::Zh => m.zh.to_string(),
                Lang::En => m.en.to_string(),
            },
            Failure::Api(e) => e.envelope(lang).error.message,
        };
        let entries = vec![ErrorEntry {
            code: status.as_u16(),
            description,
        }];
        let mut res = match respond(self.format, &wire::Errors(entries)) {
            Ok(r) => r,
            Err(_) => HttpResponse::InternalServerError().finish(),
        };
        *res.status_mut() = status;
        // Headers an ApiError carries (Retry-After and the rate-limit fields) stay.
        if let Failure::Api(e) = self.failure.as_ref() {
            let own = e.render(lang);
            for (name, value) in own.headers() {
                if name != CONTENT_TYPE && name != actix_web::http::header::CONTENT_LENGTH {
                    res.headers_mut().insert(name.clone(), value.clone());
                }
            }
        }
        res
    }
}

impl std::fmt::Display for Open311Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.failure.as_ref() {
            Failure::Own(s, m) => write!(f, "open311 {s}: {}", m.en),
            Failure::Api(e) => write!(f, "open311: {e}"),
        }
    }
}

impl ResponseError for Open311Error {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        if let Failure::Api(e) = self.failure.as_ref()
            && e.status_code().is_server_error()
        {
            // Logs the cause chain as every 5xx does.
            let _ = e.error_response();
        }
        // Chinese here; the language middleware renders again for clients preferring English.
        self.render(Lang::Zh)
    }
}
