//! `POST requests`: a partner platform submits a request on a resident's behalf, by form, with
//! its API key. Everything up to storing is here: the form is read and checked as the
//! specification describes it, the key authenticated, the building resolved inside the
//! partner's scope; [`store`] then files the request.

use actix_web::ResponseError as _;
use actix_web::web;
use linli_domain::category::Category;
use linli_domain::open311::{nearest_building, valid_position};
use linli_domain::org::{BuildingCode, NodeKind, NodePath};
use linli_domain::text::{Description, PhoneNumber, PhotoUrl, PhotoUrls};
use linli_persistence::org::{self, OrgNode};
use linli_persistence::{DbConnection, StoreError};

use super::params::Params;
use super::read::jurisdiction;
use super::wire::{Created, CreatedList};
use super::{Format, Open311Error};
use crate::auth::partner::{PartnerAuth, authenticate};
use crate::error::{ApiError, Msg};
use crate::requests::partner_inbound;
use crate::requests::submit::Common;
use crate::requests::view::all_categories;
use crate::state::AppState;

/// A request a partner submits through Open311, checked and resolved to a building.
#[derive(Debug, Clone)]
pub struct Open311Submission {
    /// The category.
    pub category: Category,
    /// The building, inside the partner's scope (and the jurisdiction, when one was named).
    pub building: OrgNode,
    /// What is wrong.
    pub description: Description,
    /// A contact phone, when the reporter gave one.
    pub contact_phone: Option<PhoneNumber>,
    /// A photo, when the reporter gave one.
    pub media_url: Option<PhotoUrl>,
}

/// Files a checked submission as a request on the `partner` channel, standing in the name of
/// the partner's service account, and returns its id.
pub async fn store(
    state: &web::Data<AppState>,
    auth: &PartnerAuth,
    submission: Open311Submission,
) -> Result<i64, ApiError> {
    let Some(code) = submission.building.code.as_deref() else {
        // Buildings are found by code; one without is not a place a request can name.
        return Err(partner_inbound::out_of_scope());
    };
    let building = BuildingCode::parse(code).map_err(ApiError::internal)?;
    let common = Common {
        category: submission.category.code.clone(),
        description: submission.description,
        location: None,
        photos: PhotoUrls::parse(submission.media_url.iter().map(|u| u.as_str()))
            .map_err(ApiError::internal)?,
        phone: submission.contact_phone,
    };
    let rec = partner_inbound::file(state, &auth.partner, building, common).await?;
    Ok(rec.request.id.0)
}

fn bad(format: Format, zh: impl Into<String>, en: impl Into<String>) -> Open311Error {
    Open311Error::bad_request(format, Msg::new(zh.into(), en.into()))
}

/// What the form says about where: one of these is required.
#[derive(Debug, Clone, PartialEq)]
enum Place {
    Code(String),
    Text(String),
    Position(f64, f64),
}

fn place(format: Format, form: &Params) -> Result<Place, Open311Error> {
    if let Some(code) = form.get("address_id") {
        return Ok(Place::Code(code.to_owned()));
    }
    if let Some(text) = form.get("address_string") {
        return Ok(Place::Text(text.to_owned()));
    }
    match (form.get("lat"), form.get("long")) {
        (Some(lat), Some(long)) => {
            let position = lat.parse::<f64>().ok().zip(long.parse::<f64>().ok());
            match position {
                Some((lat, long)) if valid_position(lat, long) => Ok(Place::Position(lat, long)),
                _ => Err(bad(
                    format,
                    "lat 与 long 应为有效的经纬度",
                    "lat and long must be a valid position",
                )),
            }
        }
        _ => Err(bad(
            format,
            "请提供 address_id（楼栋编码）、address_string 或 lat/long 之一",
            "One of address_id (a building code), address_string or lat/long is required",
        )),
    }
}

fn out_of_reach(format: Format) -> Open311Error {
    bad(
        format,
        "该地址不在本平台可提交的范围内",
        "That address is outside the area this partner may submit for",
    )
}

/// The building a place means, inside `scopes` (every one must contain it); `None` when it
/// means none there.
fn resolve(
    conn: &mut DbConnection,
    place: &Place,
    scopes: &[&NodePath],
) -> Result<Option<OrgNode>, ApiError> {
    let inside = |b: &OrgNode| scopes.iter().all(|s| s.contains(&b.path));
    let by_code = |conn: &mut DbConnection, code: &str| -> Result<Option<OrgNode>, ApiError> {
        let Ok(code) = BuildingCode::parse(code) else {
            return Ok(None);
        };
        match org::find_building(conn, code.as_str()) {
            Ok(b) => Ok(Some(b).filter(inside)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    };
    match place {
        Place::Code(code) => by_code(conn, code),
        Place::Text(text) => {
            if let Some(b) = by_code(conn, text)? {
                return Ok(Some(b));
            }
            // The narrowest scope holds every candidate.
            let Some(root) = scopes.iter().max_by_key(|p| p.as_str().len()) else {
                return Ok(None);
            };
            let buildings = org::subtree_of_kind(conn, root, NodeKind::Building)?;
            let compounds = org::subtree_of_kind(conn, root, NodeKind::Compound)?;
            let wanted: String = text.split_whitespace().collect();
            let matches: Vec<OrgNode> = buildings
                .into_iter()
                .filter(inside)
                .filter(|b| {
                    let compound = compounds
                        .iter()
                        .find(|c| Some(c.id) == b.parent_id)
                        .map_or("", |c| c.name.as_str());
                    wanted == b.name || wanted == format!("{compound}{}", b.name)
                })
                .collect();
            // A name several buildings share means none of them.
            Ok(match <[OrgNode; 1]>::try_from(matches) {
                Ok([b]) => Some(b),
                Err(_) => None,
            })
        }
        Place::Position(lat, long) => {
            let Some(root) = scopes.iter().max_by_key(|p| p.as_str().len()) else {
                return Ok(None);
            };
            let buildings: Vec<OrgNode> = org::subtree_of_kind(conn, root, NodeKind::Building)?
                .into_iter()
                .filter(inside)
                .filter(|b| b.latitude.is_some() && b.longitude.is_some())
                .collect();
            let positions: Vec<(f64, f64)> = buildings
                .iter()
                .filter_map(|b| b.latitude.zip(b.longitude))
                .collect();
            Ok(nearest_building((*lat, *long), &positions).map(|i| buildings[i].clone()))
        }
    }
}

/// Reads, checks and files a form; answers as the specification says.
pub async fn submit(
    state: &web::Data<AppState>,
    format: Format,
    form: &Params,
) -> Result<CreatedList, Open311Error> {
    let invalid_key = || {
        Open311Error::forbidden(
            format,
            Msg::new(
                "api_key 无效、已吊销或其平台已停用",
                "The api_key is invalid or revoked, or its partner is suspended",
            ),
        )
    };
    let key = form.get("api_key").ok_or_else(invalid_key)?;
    let auth = authenticate(state, key).await.map_err(|e| {
        if e.status_code().is_client_error() {
            invalid_key()
        } else {
            Open311Error::api(format, e)
        }
    })?;
    let within = jurisdiction(state, format, form).await?;

    let code = form
        .get("service_code")
        .ok_or_else(|| bad(format, "缺少 service_code", "service_code is required"))?
        .to_owned();
    let caches = state.caches.clone();
    let category = state
        .db
        .read(move |conn| all_categories(conn, &caches))
        .await
        .map_err(Open311Error::from_api(format))?
        .iter()
        .find(|c| c.active && c.code.as_str() == code)
        .cloned()
        .ok_or_else(|| bad(format, "service_code 不存在", "Unknown service_code"))?;
    let description = Description::parse(form.get("description").unwrap_or("")).map_err(|e| {
        bad(
            format,
            "description 必填，最多 2000 字，不能含控制字符",
            format!("description: {e}"),
        )
    })?;
    let contact_phone = form
        .get("phone")
        .map(PhoneNumber::parse)
        .transpose()
        .map_err(|e| bad(format, "phone 不是有效的电话号码", format!("phone: {e}")))?;
    let media_url = form
        .get("media_url")
        .map(PhotoUrl::parse)
        .transpose()
        .map_err(|e| {
            bad(
                format,
                "media_url 不是有效的图片地址",
                format!("media_url: {e}"),
            )
        })?;
    let place = place(format, form)?;

    let scope = auth.partner.scope_path.clone();
    let building = state
        .db
        .read(move |conn| {
            let mut scopes = vec![&scope];
            scopes.extend(within.as_ref());
            resolve(conn, &place, &scopes)
        })
        .await
        .map_err(Open311Error::from_api(format))?
        .ok_or_else(|| out_of_reach(format))?;

    let notice = format!("将在 {} 天内办结", category.resolution_days);
    let id = store(
        state,
        &auth,
        Open311Submission {
            category,
            building,
            description,
            contact_phone,
            media_url,
        },
    )
    .await
    .map_err(Open311Error::from_api(format))?;
    Ok(CreatedList(vec![Created {
        service_request_id: id,
        service_notice: Some(notice),
        account_id: None,
    }]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_precise_place_wins_and_one_is_required() {
        let form = Params::parse(b"address_id=DX-01-1&address_string=x&lat=1&long=2");
        assert_eq!(
            place(Format::Json, &form).unwrap(),
            Place::Code("DX-01-1".into())
        );
        let form = Params::parse(b"lat=34.27&long=108.92");
        assert_eq!(
            place(Format::Json, &form).unwrap(),
            Place::Position(34.27, 108.92)
        );
        for bad in [&b"lat=95&long=1"[..], b"lat=x&long=1", b"lat=34", b""] {
            assert!(place(Format::Json, &Params::parse(bad)).is_err());
        }
    }
}
