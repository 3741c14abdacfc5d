//! Routes: the organisation tree, property companies, and the public building card with its
//! printables (QR code, notice card).
//!
//! Everyone holding a role sees the nodes their roles are bound to, everything below them and
//! their breadcrumb above; other nodes answer 404, as if they did not exist. Admins (community
//! staff, street staff, district admins) change what lies in their subtree.

mod card;
mod companies;
pub(crate) mod fields;
mod nodes;
mod printables;

use std::collections::HashMap;

use linli_domain::access::admin::sees_node;
use linli_domain::access::{Actor, RoleScope};
use linli_domain::org::NodePath;
use linli_domain::{OrgNodeId, PropertyCompanyId};
use linli_persistence::org::{self, OrgNode, PropertyCompanyRow};
use linli_persistence::{DbConnection, StoreError};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, Msg};

/// Registers this module's routes under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(nodes::list_org_roots)
        .service(nodes::get_org_node)
        .service(nodes::create_org_node)
        .service(nodes::update_org_node)
        .service(companies::create_property_company)
        .service(companies::list_property_companies)
        .service(card::building_card)
        .service(printables::building_card_svg)
        .service(printables::building_qrcode);
}

/// A node as a breadcrumb entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgNodeRef {
    /// Node id.
    pub id: i64,
    /// Name.
    #[schema(example = "大兴东路社区")]
    pub name: String,
    /// Level in the tree.
    #[schema(value_type = fields::OrgNodeKind)]
    pub kind: &'static str,
}

impl From<&OrgNode> for OrgNodeRef {
    fn from(n: &OrgNode) -> Self {
        OrgNodeRef {
            id: n.id.0,
            name: n.name.clone(),
            kind: n.kind.as_str(),
        }
    }
}

/// A property company, as a node refers to it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompanyRef {
    /// Company id.
    pub id: i64,
    /// Name.
    #[schema(example = "天兴物业服务有限公司")]
    pub name: String,
}

impl From<&PropertyCompanyRow> for CompanyRef {
    fn from(c: &PropertyCompanyRow) -> Self {
        CompanyRef {
            id: c.id,
            name: c.name.clone(),
        }
    }
}

/// A node of the organisation tree: district → street → community → grid → compound →
/// building → household.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgNodeView {
    /// Node id.
    pub id: i64,
    /// The parent; `null` for a district.
    pub parent_id: Option<i64>,
    /// Level in the tree.
    #[schema(value_type = fields::OrgNodeKind)]
    pub kind: &'static str,
    /// Name, unique among its siblings.
    #[schema(example = "1号楼")]
    pub name: String,
    /// The ancestors from the district down (the breadcrumb); empty for a district.
    pub path: Vec<OrgNodeRef>,
    /// A building's public code (on its QR code).
    #[schema(example = "DX-01-1")]
    pub code: Option<String>,
    /// A building's latitude (WGS-84).
    pub latitude: Option<f64>,
    /// A building's longitude (WGS-84).
    pub longitude: Option<f64>,
    /// The company managing a compound.
    pub property_company: Option<CompanyRef>,
}

/// A node with its children.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgNodeDetail {
    /// The node.
    #[serde(flatten)]
    pub node: OrgNodeView,
    /// Its children that the caller may see, by name.
    pub children: Vec<OrgNodeView>,
}

/// A list of nodes.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgNodeList {
    /// The nodes.
    pub items: Vec<OrgNodeView>,
}

/// 404 for a node that does not exist or that the caller may not see: the two look alike.
pub(crate) fn node_not_found() -> ApiError {
    ApiError::not_found(
        "org.node_not_found",
        Msg::new("组织节点不存在", "No such org node"),
    )
}

/// 403 for a node the caller sees but does not administer.
pub(crate) fn org_forbidden() -> ApiError {
    ApiError::forbidden(
        "org.forbidden",
        Msg::new(
            "无权管理该组织节点",
            "You may not manage this part of the tree",
        ),
    )
}

/// The nodes the actor's roles are bound to: their entry points into the tree. Property staff
/// enter at the compounds their company manages.
pub(crate) fn entry_paths(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<Vec<NodePath>, StoreError> {
    let mut paths = Vec::new();
    let mut companies: Vec<PropertyCompanyId> = Vec::new();
    for r in &actor.roles {
        match &r.scope {
            RoleScope::Node(p) => paths.push(p.clone()),
            RoleScope::Company(c) => companies.push(*c),
            RoleScope::Unbound => {}
        }
    }
    if !companies.is_empty() {
        paths.extend(
            org::compounds_of(conn, &companies)?
                .into_iter()
                .map(|n| n.path),
        );
    }
    Ok(paths)
}

/// A node the caller may see, else 404.
pub(crate) fn visible_node(
    conn: &mut DbConnection,
    entries: &[NodePath],
    id: OrgNodeId,
) -> Result<OrgNode, ApiError> {
    match org::get_node(conn, id) {
        Ok(n) if sees_node(entries, &n.path) => Ok(n),
        Ok(_) | Err(StoreError::NotFound) => Err(node_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// Views of nodes, with their breadcrumbs and companies read in two queries.
pub(crate) fn node_views(
    conn: &mut DbConnection,
    nodes: Vec<OrgNode>,
) -> Result<Vec<OrgNodeView>, StoreError> {
    let mut ids: Vec<OrgNodeId> = nodes.iter().flat_map(|n| n.path.ids()).collect();
    ids.sort_unstable();
    ids.dedup();
    let known: HashMap<OrgNodeId, OrgNode> = org::get_nodes(conn, &ids)?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let mut company_ids: Vec<PropertyCompanyId> =
        nodes.iter().filter_map(|n| n.property_company_id).collect();
    company_ids.sort_unstable();
    company_ids.dedup();
    let companies: HashMap<i64, PropertyCompanyRow> = if company_ids.is_empty() {
        HashMap::new()
    } else {
        org::get_companies(conn, &company_ids)?
            .into_iter()
            .map(|c| (c.id, c))
            .collect()
    };
    Ok(nodes
        .into_iter()
        .map(|n| {
            let ancestors = n.path.ids();
            let path = ancestors[..ancestors.len().saturating_sub(1)]
                .iter()
                .filter_map(|id| known.get(id))
                .map(OrgNodeRef::from)
                .collect();
            OrgNodeView {
                id: n.id.0,
                parent_id: n.parent_id.map(|p| p.0),
                kind: n.kind.as_str(),
                path,
                code: n.code,
                latitude: n.latitude,
                longitude: n.longitude,
                property_company: n
                    .property_company_id
                    .and_then(|c| companies.get(&c.0))
                    .map(CompanyRef::from),
                name: n.name,
            }
        })
        .collect())
}

/// One node's view.
pub(crate) fn node_view(conn: &mut DbConnection, node: OrgNode) -> Result<OrgNodeView, ApiError> {
    node_views(conn, vec![node])?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a node's view went missing")))
}
