//! The import of a community office's household register (CSV or XLSX upload).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt as _;
use linli_domain::OrgNodeId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope, Msg};
use crate::i18n::Lang;
use crate::registry::import::{self, ImportReport, MAX_BYTES};
use crate::registry::table::Format;
use crate::state::AppState;

/// Registers the route.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(import_households);
}

/// Imports households into the buildings under a community, grid, compound or building
/// (community staff). The body is the file itself: `Content-Type: text/csv` (UTF-8) or
/// `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`, at most 5 MB.
/// One row per resident, with the columns 楼栋/单元/房号/人数/姓名/关系/出生年份/电话/关爱标签/
/// 同意方式 (or building, unit, room, size, name, relation, birth_year, phone, care_tags,
/// consent); a household's rows share building, unit and room. All or nothing: any bad row
/// is 422 `import.invalid` with every problem in `details.rows` (`row`, `column`, `code`,
/// `message`) and nothing stored. A household already in the registry is refused
/// (`already_registered`), so importing a file twice stores it once.
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 201, body = ImportReport),
        (status = 403, description = "`registry.not_allowed`", body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 413, description = "Over 5 MB (`import.too_large`)", body = ErrorEnvelope),
        (status = 415, description = "Neither CSV nor XLSX (`import.unsupported_type`)", body = ErrorEnvelope),
        (status = 422, description = "Bad rows (`import.invalid`, the report in `details.rows`), or an unreadable file (`import.unreadable`)", body = ErrorEnvelope),
    ))]
#[post("/org/nodes/{id}/households/import")]
pub async fn import_households(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(format) = Format::from_content_type(content_type) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "import.unsupported_type",
            Msg::new(
                "请上传 CSV（text/csv）或 XLSX 文件",
                "Upload a CSV (text/csv) or XLSX file",
            ),
        ));
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(
                "import.upload_failed",
                Msg::new("上传中断", "The upload broke off"),
            )
            .with_cause(anyhow::anyhow!("{e}"))
        })?;
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "import.too_large",
                Msg::new("文件不能超过 5 MB", "The file may be at most 5 MB"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    let lang = Lang::from_headers(req.headers());
    let report = import::run(&state, auth.actor, OrgNodeId(*id), format, bytes, lang).await?;
    Ok(HttpResponse::Created().json(report))
}
