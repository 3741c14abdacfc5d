//! Routes: Open311 GeoReport v2 at `/open311/v2/`, every path in `.json` and `.xml`. Handlers
//! read the raw query or form so that every mistake is answered in Open311's error shape.

use actix_web::http::header::ALLOW;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, Msg};
use crate::fallback::RouteTable;
use crate::open311::params::{JurisdictionParams, Params, RequestsParams, SubmitForm};
use crate::open311::{Format, Open311Error, read, respond, submit};
use crate::state::AppState;

/// Registers the Open311 routes (under `/open311/v2`).
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(discovery)
        .service(services)
        .service(service_definition)
        .service(list_requests)
        .service(post_request)
        .service(get_request)
        .service(token);
}

/// The format a path's extension names; an unsupported one is unknown (404, in XML).
fn format(ext: &str) -> Result<Format, Open311Error> {
    Format::parse(ext).ok_or_else(|| {
        Open311Error::not_found(
            Format::Xml,
            Msg::new(
                "不支持该格式：请使用 .xml 或 .json",
                "Unsupported format: use .xml or .json",
            ),
        )
    })
}

fn query(req: &HttpRequest) -> Params {
    Params::parse(req.query_string().as_bytes())
}

/// Service discovery: where this endpoint is and what it speaks.
#[utoipa::path(tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`"), JurisdictionParams),
    responses((status = 200, description = "The discovery document"), (status = 404, description = "Unknown format or jurisdiction")))]
#[get("/discovery.{format}")]
pub async fn discovery(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Open311Error> {
    let format = format(&path)?;
    read::jurisdiction(&state, format, &query(&req)).await?;
    let base = {
        let info = req.connection_info();
        format!("{}://{}/open311/v2", info.scheme(), info.host())
    };
    respond(format, &read::discovery(&state, format, base).await?)
}

/// The services: the service categories new requests may use.
#[utoipa::path(tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`"), JurisdictionParams),
    responses((status = 200, description = "`services` / `service`"), (status = 404, description = "Unknown format or jurisdiction")))]
#[get("/services.{format}")]
pub async fn services(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Open311Error> {
    let format = format(&path)?;
    read::jurisdiction(&state, format, &query(&req)).await?;
    respond(format, &read::services(&state, format).await?)
}

/// A service's definition: our categories have no extra attributes.
#[utoipa::path(tag = "open311",
    params(("service_code" = String, Path), ("format" = String, Path, description = "`json` or `xml`"), JurisdictionParams),
    responses((status = 200, description = "`service_definition`"), (status = 404, description = "Unknown service, format or jurisdiction")))]
#[get("/services/{service_code}.{format}")]
pub async fn service_definition(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Open311Error> {
    let (code, ext) = path.into_inner();
    let format = format(&ext)?;
    read::jurisdiction(&state, format, &query(&req)).await?;
    respond(format, &read::definition(&state, format, &code).await?)
}

/// Service requests, public: the last 90 days by default, 1,000 at most, newest first.
#[utoipa::path(tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`"), RequestsParams),
    responses((status = 200, description = "`service_requests` / `request`"), (status = 400, description = "A filter is wrong"), (status = 404, description = "Unknown format or jurisdiction")))]
#[get("/requests.{format}")]
pub async fn list_requests(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Open311Error> {
    let format = format(&path)?;
    respond(format, &read::requests(&state, format, &query(&req)).await?)
}

/// Submits a request for a partner platform (form-encoded, with its `api_key`).
#[utoipa::path(tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`")),
    request_body(content = SubmitForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "`service_requests` / `request` with the new id"), (status = 400, description = "A field is wrong, or the place is outside the partner's scope"), (status = 403, description = "Invalid api_key")))]
#[post("/requests.{format}")]
pub async fn post_request(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Open311Error> {
    let format = format(&path)?;
    respond(
        format,
        &submit::submit(&state, format, &Params::parse(&body)).await?,
    )
}

/// One service request, as a list of one.
#[utoipa::path(tag = "open311",
    params(("service_request_id" = String, Path), ("format" = String, Path, description = "`json` or `xml`"), JurisdictionParams),
    responses((status = 200, description = "`service_requests` / `request`"), (status = 404, description = "No such request")))]
#[get("/requests/{service_request_id}.{format}")]
pub async fn get_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Open311Error> {
    let (id, ext) = path.into_inner();
    let format = format(&ext)?;
    respond(
        format,
        &read::request(&state, format, &query(&req), &id).await?,
    )
}

/// The request a token stands for: ours are the request ids themselves.
#[utoipa::path(tag = "open311",
    params(("token" = String, Path), ("format" = String, Path, description = "`json` or `xml`"), JurisdictionParams),
    responses((status = 200, description = "`service_requests` / `request` with `service_request_id` and `token`"), (status = 404, description = "Unknown token")))]
#[get("/tokens/{token}.{format}")]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Open311Error> {
    let (token, ext) = path.into_inner();
    let format = format(&ext)?;
    respond(
        format,
        &read::token(&state, format, &query(&req), &token).await?,
    )
}

/// What answers under `/open311/v2` when no route matched: 405 with `Allow` when the path
/// exists under other methods, else 404; both in Open311's shape.
pub async fn no_route(
    req: HttpRequest,
    table: web::Data<RouteTable>,
) -> Result<HttpResponse, Open311Error> {
    let format = Format::of_path(req.path());
    let methods = table.methods_at(req.path());
    if methods.is_empty() {
        return Err(Open311Error::not_found(
            format,
            Msg::new("请求的地址不存在", "No such route"),
        ));
    }
    let mut allow: Vec<&str> = methods.iter().map(Method::as_str).collect();
    if methods.contains(&Method::GET) {
        allow.push("HEAD");
    }
    let error = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "route.method_not_allowed",
        Msg::new("不支持该请求方法", "Method not allowed"),
    )
    .with_header(ALLOW, &allow.join(", "));
    Err(Open311Error::api(format, error))
}
