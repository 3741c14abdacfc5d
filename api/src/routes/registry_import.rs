//! The import of a community office's household register (CSV or XLSX upload).

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::{Stream, StreamExt as _};
use linli_domain::OrgNodeId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope, Msg};
use crate::i18n::Lang;
use crate::registry::import::{self, ImportReport, MAX_BYTES};
use crate::registry::table::Format;
use crate::state::AppState;
use crate::validation::Fields;

/// The household import as a form upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documents the form; the handler streams the parts itself
pub struct ImportForm {
    /// The CSV (UTF-8) or XLSX file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

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
///
/// The file may also come as `multipart/form-data` (a browser form, `wx.uploadFile`,
/// `curl -F file=@households.xlsx`) in a part named `file`, its type from the part's
/// Content-Type or else its file name (`.csv`, `.xlsx`); other parts are ignored. No `file`
/// part is 422 `validation.failed` on `file`.
#[utoipa::path(tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (ImportForm = "multipart/form-data"),
    )),
    responses(
        (status = 201, body = ImportReport),
        (status = 403, description = "`registry.not_allowed`", body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 400, description = "The upload broke off or the form is malformed (`import.upload_failed`)", body = ErrorEnvelope),
        (status = 413, description = "Over 5 MB (`import.too_large`)", body = ErrorEnvelope),
        (status = 415, description = "Neither CSV nor XLSX (`import.unsupported_type`)", body = ErrorEnvelope),
        (status = 422, description = "Bad rows (`import.invalid`, the report in `details.rows`), an unreadable file (`import.unreadable`), or a form without a `file` part (`validation.failed`)", body = ErrorEnvelope),
    ))]
#[post("/org/nodes/{id}/households/import")]
pub async fn import_households(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (format, bytes) = if is_multipart(content_type) {
        from_multipart(Multipart::new(req.headers(), payload)).await?
    } else {
        let format = Format::from_content_type(content_type).ok_or_else(unsupported_type)?;
        (format, read_limited(payload).await?)
    };
    let lang = Lang::from_headers(req.headers());
    let report = import::run(&state, auth.actor, OrgNodeId(*id), format, bytes, lang).await?;
    Ok(HttpResponse::Created().json(report))
}

fn unsupported_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "import.unsupported_type",
        Msg::new(
            "请上传 CSV（text/csv）或 XLSX 文件",
            "Upload a CSV (text/csv) or XLSX file",
        ),
    )
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "import.too_large",
        Msg::new("文件不能超过 5 MB", "The file may be at most 5 MB"),
    )
}

fn upload_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "import.upload_failed",
        Msg::new("上传中断", "The upload broke off"),
    )
    .with_cause(anyhow::anyhow!("{e}"))
}

fn is_multipart(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
}

/// Reads a body (or a part) whole, refusing it past `MAX_BYTES`.
async fn read_limited<E: std::fmt::Display>(
    mut stream: impl Stream<Item = Result<Bytes, E>> + Unpin,
) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(upload_failed)?;
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The other parts of a form (a browser's submit button, wx.uploadFile's `formData`) are read
/// and dropped, up to this much together.
const MAX_OTHER_PARTS: usize = 64 * 1024;

/// The `file` part of a `multipart/form-data` upload, and its format: from the part's
/// Content-Type when that names CSV or XLSX, else from its file name's extension (browsers and
/// wx.uploadFile often send `application/octet-stream`). No `file` part is 422 on `file`.
async fn from_multipart(mut form: Multipart) -> Result<(Format, Vec<u8>), ApiError> {
    let mut found = None;
    let mut other = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(upload_failed)?;
        if field.name() == Some("file") && found.is_none() {
            let by_type = field
                .content_type()
                .and_then(|m| Format::from_content_type(m.essence_str()));
            let by_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .and_then(format_of_filename);
            let format = by_type.or(by_name).ok_or_else(unsupported_type)?;
            found = Some((format, read_limited(&mut field).await?));
        } else {
            while let Some(chunk) = field.next().await {
                other += chunk.map_err(upload_failed)?.len();
                if other > MAX_OTHER_PARTS {
                    return Err(too_large());
                }
            }
        }
    }
    match found {
        Some(f) => Ok(f),
        None => {
            let mut f = Fields::new();
            f.push(
                "file",
                "required",
                "请在 file 字段中上传 CSV 或 XLSX 文件",
                "Send the CSV or XLSX file in a part named file",
            );
            f.finish()?;
            unreachable!("a pushed field fails")
        }
    }
}

/// CSV or XLSX by a file name's extension.
fn format_of_filename(name: &str) -> Option<Format> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Some(Format::Csv),
        "xlsx" => Some(Format::Xlsx),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_tells_csv_from_xlsx() {
        assert_eq!(format_of_filename("住户.CSV"), Some(Format::Csv));
        assert_eq!(format_of_filename("a.b.xlsx"), Some(Format::Xlsx));
        assert_eq!(format_of_filename("register.xls"), None);
        assert_eq!(format_of_filename("csv"), None);
        assert!(is_multipart("multipart/form-data; boundary=x"));
        assert!(!is_multipart("text/csv"));
    }
}
