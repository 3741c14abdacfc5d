//! Reading and editing the tree.

use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, patch, post, web};
use linli_domain::access::Actor;
use linli_domain::access::admin::{Latitude, Longitude, administered, sees_node};
use linli_domain::org::{NodeKind, NodePath};
use linli_domain::{OrgNodeId, PropertyCompanyId};
use linli_persistence::org::{self, NewNode, NodeChanges, OrgNode};
use linli_persistence::{DbConnection, StoreError};
use serde::Deserialize;
use utoipa::ToSchema;

use super::fields::{self, Fields};
use super::{
    OrgNodeDetail, OrgNodeList, OrgNodeView, entry_paths, node_view, node_views, org_forbidden,
    visible_node,
};
use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope, FieldError, Msg};
use crate::extract::Json;
use crate::state::AppState;

/// A node to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOrgNode {
    /// The parent node; the caller must administer it.
    #[schema(required = true, value_type = i64)]
    parent_id: Option<i64>,
    /// Level: must be the one below the parent's (a grid under a community, a compound under a
    /// grid, …).
    #[schema(required = true, value_type = fields::OrgNodeKind)]
    kind: Option<String>,
    /// Name, 1–100 characters, unique among the parent's children.
    #[schema(required = true, value_type = String, example = "5号楼")]
    name: Option<String>,
    /// A building's public code (required for buildings, refused for other kinds): 1–16
    /// characters of letters, digits and `-`; unique.
    #[schema(example = "DX-01-5")]
    code: Option<String>,
    /// A building's latitude (WGS-84, −90 to 90), given together with `longitude`.
    #[schema(example = 34.2712)]
    latitude: Option<f64>,
    /// A building's longitude (WGS-84, −180 to 180), given together with `latitude`.
    #[schema(example = 108.9236)]
    longitude: Option<f64>,
    /// A compound's property company (compounds only); one the caller's property-company list
    /// shows.
    property_company_id: Option<i64>,
}

/// Changes to a node; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgNodePatch {
    /// New name, 1–100 characters, unique among its siblings.
    name: Option<String>,
    /// New code (buildings only).
    code: Option<String>,
    /// New latitude (buildings only), given together with `longitude`.
    latitude: Option<f64>,
    /// New longitude (buildings only), given together with `latitude`.
    longitude: Option<f64>,
    /// New property company (compounds only).
    property_company_id: Option<i64>,
}

fn zh_kind(k: NodeKind) -> &'static str {
    match k {
        NodeKind::District => "区",
        NodeKind::Street => "街道",
        NodeKind::Community => "社区",
        NodeKind::Grid => "网格",
        NodeKind::Compound => "小区",
        NodeKind::Building => "楼栋",
        NodeKind::Household => "居民家庭",
    }
}

fn invalid_kind(parent: NodeKind, kind: NodeKind) -> ApiError {
    let expected = parent.child_kind();
    let (zh, en) = match expected {
        Some(child) => (
            format!(
                "{}下只能创建{}，不能创建{}",
                zh_kind(parent),
                zh_kind(child),
                zh_kind(kind)
            ),
            format!(
                "A {} holds {} nodes, not {} nodes",
                parent.as_str(),
                child.as_str(),
                kind.as_str()
            ),
        ),
        None => (
            format!("{}下不能再创建节点", zh_kind(parent)),
            format!("A {} has no children", parent.as_str()),
        ),
    };
    ApiError::unprocessable("org.invalid_kind", Msg::new(zh, en))
        .with_details(serde_json::json!({ "expected": expected.map(NodeKind::as_str) }))
}

fn only_for(field: &str, kind: NodeKind) -> FieldError {
    fields::not_allowed(
        field,
        Msg::new(
            format!("只有{}才有此字段", zh_kind(kind)),
            format!("Only a {} has this field", kind.as_str()),
        ),
    )
}

/// Checks a building's coordinates: both or neither, each in range.
fn coordinates(
    f: &mut Fields,
    latitude: Option<f64>,
    longitude: Option<f64>,
) -> (Option<f64>, Option<f64>) {
    match (latitude, longitude) {
        (Some(_), None) => f.push(fields::required("longitude")),
        (None, Some(_)) => f.push(fields::required("latitude")),
        _ => {}
    }
    let lat = latitude.and_then(|v| {
        f.check(
            Latitude::parse(v)
                .map(Latitude::degrees)
                .map_err(|e| fields::coordinate("latitude", e)),
        )
    });
    let lng = longitude.and_then(|v| {
        f.check(
            Longitude::parse(v)
                .map(Longitude::degrees)
                .map_err(|e| fields::coordinate("longitude", e)),
        )
    });
    (lat, lng)
}

/// A company the actor may attach to a compound: one registered where their property-company
/// list reaches. `None` for any other id, as if it did not exist.
fn usable_company(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
) -> Result<Option<PropertyCompanyId>, StoreError> {
    let id = PropertyCompanyId(id);
    let scopes = org::company_scopes(conn, &[id])?;
    let admin: Vec<NodePath> = administered(actor).into_iter().cloned().collect();
    Ok(scopes
        .first()
        .filter(|(_, registered_under)| sees_node(&admin, registered_under))
        .map(|(c, _)| *c))
}

fn unknown_company(field: &str) -> FieldError {
    fields::unknown(
        field,
        Msg::new("物业公司不存在", "No such property company"),
    )
}

/// Where I enter the tree: the nodes my roles are bound to.
///
/// Staff, grid workers, butlers and volunteers get the node of each role; property staff the
/// compounds their company manages; residents their household. Ordered from the top of the
/// tree down.
#[utoipa::path(tag = "org", security(("bearer" = [])), responses(
    (status = 200, body = OrgNodeList),
    (status = 401, body = ErrorEnvelope),
))]
#[get("/org/roots")]
pub async fn list_org_roots(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.actor;
    let list = state
        .db
        .read(move |conn| {
            let entries = entry_paths(conn, &actor)?;
            let mut ids: Vec<OrgNodeId> = entries.iter().map(NodePath::node_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let mut nodes = org::get_nodes(conn, &ids)?;
            nodes.sort_by(|a, b| {
                (a.kind.depth(), &a.name, a.id).cmp(&(b.kind.depth(), &b.name, b.id))
            });
            Ok(OrgNodeList {
                items: node_views(conn, nodes)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One node of the tree, with its breadcrumb and children.
///
/// Visible to anyone holding a role on the node, above it or below it (so everyone sees
/// their breadcrumb); children are listed only where the caller may see them. Any other node
/// answers 404, whether or not it exists.
#[utoipa::path(tag = "org", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Node id")),
    responses(
        (status = 200, body = OrgNodeDetail),
        (status = 401, body = ErrorEnvelope),
        (status = 404, description = "No such node, or not visible to the caller (`org.node_not_found`)", body = ErrorEnvelope),
    )
)]
#[get("/org/nodes/{id}")]
pub async fn get_org_node(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = OrgNodeId(path.into_inner());
    let actor = auth.actor;
    let detail = state
        .db
        .read(move |conn| {
            let entries = entry_paths(conn, &actor)?;
            let node = visible_node(conn, &entries, id)?;
            let children: Vec<OrgNode> = org::children(conn, node.id)?
                .into_iter()
                .filter(|c| sees_node(&entries, &c.path))
                .collect();
            let mut views = node_views(conn, std::iter::once(node).chain(children).collect())?;
            let node = views.remove(0);
            Ok(OrgNodeDetail {
                node,
                children: views,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Creates a node under a parent the caller administers.
///
/// The kind must be the one below the parent's. Buildings need a `code` and may have
/// coordinates; compounds may name their property company. Every invalid field is listed.
#[utoipa::path(tag = "org", security(("bearer" = [])), request_body = NewOrgNode, responses(
    (status = 201, body = OrgNodeView),
    (status = 401, body = ErrorEnvelope),
    (status = 403, description = "The caller does not administer the parent (`org.forbidden`)", body = ErrorEnvelope),
    (status = 404, description = "The parent does not exist or is not visible (`org.node_not_found`)", body = ErrorEnvelope),
    (status = 409, description = "Name taken among the siblings, or building code taken (`conflict.duplicate`, `details.field`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid fields (`validation.failed`), or a kind that cannot sit under the parent (`org.invalid_kind`)", body = ErrorEnvelope),
))]
#[post("/org/nodes")]
pub async fn create_org_node(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewOrgNode>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let mut f = Fields::new();
    let parent_id = f.required("parent_id", b.parent_id);
    let kind = f.required("kind", b.kind).and_then(|k| {
        f.check(
            NodeKind::parse(&k)
                .map_err(|_| fields::invalid_value("kind", &NodeKind::ALL.map(NodeKind::as_str))),
        )
    });
    let name = f
        .required("name", b.name)
        .and_then(|n| f.check(fields::label("name", &n)));
    let mut code = None;
    let (mut latitude, mut longitude) = (None, None);
    if let Some(kind) = kind {
        if kind == NodeKind::Building {
            code = f
                .required("code", b.code)
                .and_then(|c| f.check(fields::building_code("code", &c)));
            (latitude, longitude) = coordinates(&mut f, b.latitude, b.longitude);
        } else {
            for (field, given) in [
                ("code", b.code.is_some()),
                ("latitude", b.latitude.is_some()),
                ("longitude", b.longitude.is_some()),
            ] {
                if given {
                    f.push(only_for(field, NodeKind::Building));
                }
            }
        }
        if kind != NodeKind::Compound && b.property_company_id.is_some() {
            f.push(only_for("property_company_id", NodeKind::Compound));
        }
    }
    f.finish()?;
    let (Some(parent_id), Some(kind), Some(name)) = (parent_id, kind, name) else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let company_id = b.property_company_id;
    let actor = auth.actor;
    let now = state.clock.now();
    let view = state
        .db
        .write(move |conn| {
            let entries = entry_paths(conn, &actor)?;
            let parent = visible_node(conn, &entries, OrgNodeId(parent_id))?;
            if !actor.administers(&parent.path) {
                return Err(org_forbidden());
            }
            if parent.kind.child_kind() != Some(kind) {
                return Err(invalid_kind(parent.kind, kind));
            }
            let company = match company_id {
                Some(id) => match usable_company(conn, &actor, id)? {
                    Some(c) => Some(c),
                    None => {
                        return Err(ApiError::validation(vec![unknown_company(
                            "property_company_id",
                        )]));
                    }
                },
                None => None,
            };
            let node = org::create_node(
                conn,
                &NewNode {
                    parent: Some(parent.id),
                    kind,
                    name: name.into_inner(),
                    code: code.map(|c| c.as_str().to_owned()),
                    latitude,
                    longitude,
                    property_company_id: company,
                },
                now,
            )?;
            node_view(conn, node)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/org/nodes/{}", view.id)))
        .json(view))
}

/// Edits a node the caller administers.
///
/// Its name; a building's code and coordinates; a compound's property company. A node's kind
/// and parent never change. Every invalid field is listed.
#[utoipa::path(tag = "org", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Node id")),
    request_body = OrgNodePatch,
    responses(
        (status = 200, body = OrgNodeView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, description = "The caller does not administer the node (`org.forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such node, or not visible (`org.node_not_found`)", body = ErrorEnvelope),
        (status = 409, description = "Name or code taken (`conflict.duplicate`, `details.field`)", body = ErrorEnvelope),
        (status = 422, description = "Invalid fields (`validation.failed`)", body = ErrorEnvelope),
    )
)]
#[patch("/org/nodes/{id}")]
pub async fn update_org_node(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<OrgNodePatch>,
) -> Result<HttpResponse, ApiError> {
    let id = OrgNodeId(path.into_inner());
    let b = body.0;
    let actor = auth.actor;
    let now = state.clock.now();
    let view = state
        .db
        .write(move |conn| {
            let entries = entry_paths(conn, &actor)?;
            let node = visible_node(conn, &entries, id)?;
            if !actor.administers(&node.path) {
                return Err(org_forbidden());
            }
            let mut f = Fields::new();
            let mut changes = NodeChanges {
                name: b
                    .name
                    .and_then(|n| f.check(fields::label("name", &n)))
                    .map(|n| n.into_inner()),
                ..NodeChanges::default()
            };
            if node.kind == NodeKind::Building {
                changes.code = b
                    .code
                    .and_then(|c| f.check(fields::building_code("code", &c)))
                    .map(|c| c.as_str().to_owned());
                (changes.latitude, changes.longitude) =
                    coordinates(&mut f, b.latitude, b.longitude);
            } else {
                for (field, given) in [
                    ("code", b.code.is_some()),
                    ("latitude", b.latitude.is_some()),
                    ("longitude", b.longitude.is_some()),
                ] {
                    if given {
                        f.push(only_for(field, NodeKind::Building));
                    }
                }
            }
            if let Some(company) = b.property_company_id {
                if node.kind == NodeKind::Compound {
                    match usable_company(conn, &actor, company)? {
                        Some(c) => changes.property_company_id = Some(c.0),
                        None => f.push(unknown_company("property_company_id")),
                    }
                } else {
                    f.push(only_for("property_company_id", NodeKind::Compound));
                }
            }
            f.finish()?;
            let node = match org::update_node(conn, node.id, &changes, now) {
                Ok(n) => n,
                Err(StoreError::NotFound) => return Err(super::node_not_found()),
                Err(e) => return Err(e.into()),
            };
            node_view(conn, node)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
