//! What a community worker prints for a building, public like its card: the QR code that opens
//! the H5 report page for the building, and the notice card (楼栋公示牌) to post in its
//! entrance. The drawing is `crate::buildings`'; here, only what goes on them.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::{HttpResponse, get, web};
use linli_domain::org::BuildingCode;
use linli_persistence::{StoreError, org};
use serde::Deserialize;
use utoipa::ToSchema;

use super::card::{CardPerson, load_card, not_found};
use crate::buildings::card::{Contact, NoticeCard, render};
use crate::buildings::qr::QrMatrix;
use crate::buildings::{raster, vector};
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::Query;
use crate::state::AppState;
use crate::validation::Fields;

/// What a building's code is, and so where its image comes from. A kind may offer only some
/// formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CodeKind {
    /// A standard QR code of the H5 report page for the building
    /// (`LINLI_H5_REPORT_URL` with `b=CODE`), drawn by this server: any phone camera or
    /// WeChat's scanner opens it. The default without WeChat.
    Qr,
    /// A mini-program code (小程序码) from WeChat opening the report form with the building
    /// (scene `b=CODE`); PNG or JPEG as WeChat makes it. The default with WeChat.
    Miniprogram,
}

/// An image format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// PNG, black on white, 12 pixels a module, marked 300 dpi: about 1 mm a module printed
    /// at actual size.
    #[default]
    Png,
    /// SVG: vector paths, sharp at any size; 1 mm a module at its own size.
    Svg,
}

/// Parameters of `GET /api/v1/buildings/{code}/qrcode`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CodeParams {
    /// Which code: `miniprogram` (the default when WeChat is configured), a mini-program code
    /// opening the report form; `qr` (the default otherwise), a standard QR code of the H5
    /// report page for the building.
    // Inline: a parameter's schema is not collected into the components, a `$ref` would dangle.
    #[param(inline)]
    kind: Option<CodeKind>,
    /// Image format: `png` (the default; 12 pixels a module, marked 300 dpi, so about 1 mm a
    /// module printed at actual size) or `svg` (vector paths, 1 mm a module at its own size).
    #[param(inline)]
    format: Option<ImageFormat>,
}

/// The SVG media type; SVG is XML, so the charset is said.
const SVG: &str = "image/svg+xml; charset=utf-8";
/// A code changes only with the building's code or `LINLI_H5_REPORT_URL`: a day is safe.
const CODE_CACHE: &str = "public, max-age=86400";
/// A card changes with the staff on it: caches ask again after five minutes.
const CARD_CACHE: &str = "public, max-age=300";

/// An image ready to send.
struct Image {
    content_type: &'static str,
    extension: &'static str,
    body: Vec<u8>,
}

/// A building's QR code, to print or to show on a screen. No login needed.
///
/// The code opens the H5 report page (`LINLI_H5_REPORT_URL`) with the building's code as the
/// query parameter `b`, so a resident who scans it reports about this building.
#[utoipa::path(tag = "org",
    params(
        ("code" = String, Path, description = "The building's public code", example = "DX-01-1"),
        CodeParams,
    ),
    responses(
        (status = 200, description = "The code as an image", content(
            ("image/png"),
            ("image/jpeg"),
            (String = "image/svg+xml; charset=utf-8"),
        ), headers(("Cache-Control" = String, description = "`public, max-age=86400`"))),
        (status = 404, description = "No building has that code (`building.not_found`)", body = ErrorEnvelope),
        (status = 422, description = "An unknown `kind` or `format`, or SVG of a mini-program code (`validation.failed`, naming the parameter)", body = ErrorEnvelope),
        (status = 502, description = "WeChat refused to make the mini-program code (`wechat.error`)", body = ErrorEnvelope),
        (status = 503, description = "`kind=miniprogram` without WeChat (`wechat.disabled`), or WeChat unreachable", body = ErrorEnvelope),
    )
)]
#[get("/buildings/{code}/qrcode")]
pub async fn building_qrcode(
    state: web::Data<AppState>,
    path: web::Path<String>,
    params: Query<CodeParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let code = existing_building(&state, &path.into_inner()).await?;
    let kind = params.kind.unwrap_or(match state.wechat {
        Some(_) => CodeKind::Miniprogram,
        None => CodeKind::Qr,
    });
    let image = code_image(&state, kind, params.format.unwrap_or_default(), &code).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, CODE_CACHE))
        .insert_header(inline_file(&format!("{code}-{}", image.extension)))
        .content_type(image.content_type)
        .body(image.body))
}

/// A building's notice card (楼栋公示牌) to print: A5 portrait SVG. No login needed.
///
/// The community, compound and building; "有事就找兴管家"; the butler team and the grid's
/// workers with their public phones; the building's QR code as vector paths; how to use it.
/// Names too long for their place are set smaller or cut. Print it at 100% on A5 (or scaled
/// to A4).
#[utoipa::path(tag = "org",
    params(("code" = String, Path, description = "The building's public code", example = "DX-01-1")),
    responses(
        (status = 200, description = "The card", content_type = "image/svg+xml; charset=utf-8", body = String,
            headers(("Cache-Control" = String, description = "`public, max-age=300`"))),
        (status = 404, description = "No building has that code (`building.not_found`)", body = ErrorEnvelope),
    )
)]
#[get("/buildings/{code}/card.svg")]
pub async fn building_card_svg(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let card = load_card(&state, &path.into_inner()).await?;
    let code = BuildingCode::parse(&card.building.code).map_err(ApiError::internal)?;
    let qr = report_qr(&state, &code)?;
    let butlers: Vec<Contact<'_>> = card
        .butlers
        .iter()
        .map(|b| Contact {
            name: &b.display_name,
            phone: b.contact_phone.as_deref(),
        })
        .collect();
    let grid_workers = contacts(&card.grid.grid_workers);
    let svg = render(&NoticeCard {
        community: &card.community.name,
        compound: &card.compound.name,
        building: &card.building.name,
        code: code.as_str(),
        butlers: &butlers,
        grid: &card.grid.name,
        grid_workers: &grid_workers,
        qr: &qr,
    });
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, CARD_CACHE))
        .insert_header(inline_file(&format!("{code}-card.svg")))
        .content_type(SVG)
        .body(svg))
}

/// The one place a kind of code picks where its image comes from.
async fn code_image(
    state: &AppState,
    kind: CodeKind,
    format: ImageFormat,
    code: &BuildingCode,
) -> Result<Image, ApiError> {
    match kind {
        CodeKind::Qr => {
            let qr = report_qr(state, code)?;
            Ok(match format {
                ImageFormat::Png => Image {
                    content_type: "image/png",
                    extension: "qr.png",
                    body: raster::png(&qr, raster::MODULE_PX).map_err(ApiError::internal)?,
                },
                ImageFormat::Svg => Image {
                    content_type: SVG,
                    extension: "qr.svg",
                    body: vector::document(&qr).into_bytes(),
                },
            })
        }
        CodeKind::Miniprogram => {
            let wechat = state.wechat()?;
            if format == ImageFormat::Svg {
                let mut f = Fields::new();
                f.push(
                    "format",
                    "unsupported",
                    "小程序码只有图片格式，矢量图请用 kind=qr",
                    "A mini-program code is an image only; use kind=qr for SVG",
                );
                f.finish()?;
            }
            let key = code.as_str().to_owned();
            let image = match state.caches.wxacodes.get(&key) {
                Some(cached) => cached,
                None => {
                    let fresh =
                        std::sync::Arc::new(wechat.report_code(&format!("b={code}")).await?);
                    state.caches.wxacodes.put(key, fresh.clone());
                    fresh
                }
            };
            let extension = if image.content_type.contains("png") {
                "wxacode.png"
            } else {
                "wxacode.jpg"
            };
            Ok(Image {
                content_type: if image.content_type.contains("png") {
                    "image/png"
                } else {
                    "image/jpeg"
                },
                extension,
                body: image.bytes.clone(),
            })
        }
    }
}

/// The QR code of the building's link to the H5 report page.
fn report_qr(state: &AppState, code: &BuildingCode) -> Result<QrMatrix, ApiError> {
    // The link's length is bounded at start-up, so it always fits.
    QrMatrix::encode(&state.report_link.for_building(code)).map_err(ApiError::internal)
}

/// The code of a building that exists, else 404.
async fn existing_building(state: &AppState, code: &str) -> Result<BuildingCode, ApiError> {
    let code = BuildingCode::parse(code).map_err(|_| not_found())?;
    state
        .db
        .read(move |conn| match org::find_building(conn, code.as_str()) {
            Ok(_) => Ok(code),
            Err(StoreError::NotFound) => Err(not_found()),
            Err(e) => Err(e.into()),
        })
        .await
}

fn contacts(people: &[CardPerson]) -> Vec<Contact<'_>> {
    people
        .iter()
        .map(|p| Contact {
            name: &p.display_name,
            phone: p.contact_phone.as_deref(),
        })
        .collect()
}

/// Shown in the browser, saved under a useful name. Building codes are `[A-Za-z0-9-]`, so the
/// name needs no quoting beyond the quotes.
fn inline_file(name: &str) -> (actix_web::http::header::HeaderName, String) {
    (CONTENT_DISPOSITION, format!("inline; filename=\"{name}\""))
}
