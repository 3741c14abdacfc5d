//! The building's public notice card (楼栋公示牌): what a resident who scans the QR code on a
//! building sees without logging in. Names and public contacts only; nothing of residents or
//! households.

use actix_web::{HttpResponse, get, web};
use linli_domain::access::RoleKind;
use linli_domain::org::{BuildingCode, NodeKind};
use linli_persistence::org::{self, OrgNode};
use linli_persistence::{StoreError, users};
use serde::Serialize;
use utoipa::ToSchema;

use crate::butlers::teams::{PublicButler, public_butlers};
use crate::error::{ApiError, ErrorEnvelope, Msg};
use crate::state::AppState;

/// The building itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardBuilding {
    /// Its public code.
    #[schema(example = "DX-01-1")]
    pub(crate) code: String,
    /// Its name.
    #[schema(example = "1号楼")]
    pub(crate) name: String,
    /// Latitude (WGS-84).
    latitude: Option<f64>,
    /// Longitude (WGS-84).
    longitude: Option<f64>,
}

/// A node named on the card.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardNode {
    /// Node id.
    id: i64,
    /// Name.
    pub(crate) name: String,
}

/// The property company managing the compound.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardCompany {
    /// Name.
    #[schema(example = "天兴物业服务有限公司")]
    name: String,
    /// Public contact phone.
    #[schema(example = "029-88610001")]
    contact_phone: Option<String>,
}

/// A person named on the card.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardPerson {
    /// Their display name.
    #[schema(example = "刘兴管家")]
    pub(crate) display_name: String,
    /// Their public contact phone, if they gave one.
    #[schema(example = "13992900101")]
    pub(crate) contact_phone: Option<String>,
}

/// The grid, with its grid workers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardGrid {
    /// Node id.
    id: i64,
    /// Name.
    #[schema(example = "第一网格")]
    pub(crate) name: String,
    /// The grid's workers (网格员).
    pub(crate) grid_workers: Vec<CardPerson>,
}

/// A building's public notice card.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuildingCard {
    /// The building.
    pub(crate) building: CardBuilding,
    /// Its compound (小区).
    pub(crate) compound: CardNode,
    /// The compound's property company, if it has one.
    property_company: Option<CardCompany>,
    /// The grid and its workers.
    pub(crate) grid: CardGrid,
    /// The community (社区).
    pub(crate) community: CardNode,
    /// The building's butler team (楼栋兴管家): its active members, the leader first, with
    /// their public work phones.
    pub(crate) butlers: Vec<PublicButler>,
}

/// 404 for a code no building has.
pub(crate) fn not_found() -> ApiError {
    ApiError::not_found(
        "building.not_found",
        Msg::new("楼栋不存在", "No building has that code"),
    )
}

fn people(list: Vec<users::User>) -> Vec<CardPerson> {
    list.into_iter()
        .map(|u| CardPerson {
            display_name: u.display_name,
            contact_phone: u.contact_phone,
        })
        .collect()
}

/// A building's public notice card (楼栋公示牌), by the code on its QR code. No login needed.
///
/// Names the compound, its property company and public phone, the grid and its workers, the
/// community and the building's butlers, with the public phones they gave. Never anything
/// about residents or households.
#[utoipa::path(tag = "org",
    params(("code" = String, Path, description = "The building's public code", example = "DX-01-1")),
    responses(
        (status = 200, body = BuildingCard),
        (status = 404, description = "No building has that code (`building.not_found`)", body = ErrorEnvelope),
    )
)]
#[get("/buildings/{code}/card")]
pub async fn building_card(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let card = load_card(&state, &path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(card))
}

/// The card of the building with this code (as the client sent it), else 404.
pub(crate) async fn load_card(state: &AppState, code: &str) -> Result<BuildingCard, ApiError> {
    let code = BuildingCode::parse(code).map_err(|_| not_found())?;
    state
        .db
        .read(move |conn| {
            let building = match org::find_building(conn, code.as_str()) {
                Ok(b) => b,
                Err(StoreError::NotFound) => return Err(not_found()),
                Err(e) => return Err(e.into()),
            };
            let lineage = org::lineage(conn, &building.path)?;
            let of_kind = |kind: NodeKind| -> Result<&OrgNode, ApiError> {
                lineage.iter().find(|n| n.kind == kind).ok_or_else(|| {
                    ApiError::internal(anyhow::anyhow!(
                        "building {} has no {} above it",
                        building.id,
                        kind.as_str()
                    ))
                })
            };
            let compound = of_kind(NodeKind::Compound)?;
            let grid = of_kind(NodeKind::Grid)?;
            let community = of_kind(NodeKind::Community)?;
            let property_company = match compound.property_company_id {
                Some(c) => {
                    let c = org::get_company(conn, c)?;
                    Some(CardCompany {
                        name: c.name,
                        contact_phone: c.contact_phone,
                    })
                }
                None => None,
            };
            let grid_workers = people(users::holders_of(conn, RoleKind::GridWorker, grid.id)?);
            let butlers = public_butlers(conn, building.id)?;
            Ok(BuildingCard {
                building: CardBuilding {
                    code: building.code.clone().unwrap_or_default(),
                    name: building.name.clone(),
                    latitude: building.latitude,
                    longitude: building.longitude,
                },
                compound: CardNode {
                    id: compound.id.0,
                    name: compound.name.clone(),
                },
                property_company,
                grid: CardGrid {
                    id: grid.id.0,
                    name: grid.name.clone(),
                    grid_workers,
                },
                community: CardNode {
                    id: community.id.0,
                    name: community.name.clone(),
                },
                butlers,
            })
        })
        .await
}
