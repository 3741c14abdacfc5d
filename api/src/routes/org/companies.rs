//! Property companies (物业公司): registered on a district, street or community, whose admins
//! attach them to compounds and give them staff accounts.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use linli_domain::OrgNodeId;
use linli_domain::access::admin::administered;
use linli_domain::org::{NodeKind, NodePath};
use linli_persistence::org::{self, PropertyCompanyRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fields::{self, Fields};
use super::{OrgNodeRef, entry_paths, org_forbidden, visible_node};
use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope, Msg};
use crate::extract::Json;
use crate::state::AppState;

/// A property company to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPropertyCompany {
    /// Name, 1–100 characters, unique on its node.
    #[schema(required = true, value_type = String, example = "天兴物业服务有限公司")]
    name: Option<String>,
    /// The district, street or community it is registered on (its scope); the caller must
    /// administer it.
    #[schema(required = true, value_type = i64)]
    registered_under_id: Option<i64>,
    /// A public contact phone (shown on building cards).
    #[schema(example = "029-88610001")]
    contact_phone: Option<String>,
}

/// A property company.
#[derive(Debug, Serialize, ToSchema)]
pub struct PropertyCompanyView {
    /// Company id.
    id: i64,
    /// Name.
    #[schema(example = "天兴物业服务有限公司")]
    name: String,
    /// The node it is registered on.
    registered_under: OrgNodeRef,
    /// Public contact phone, normalised.
    #[schema(example = "029-88610001")]
    contact_phone: Option<String>,
    /// When it was registered.
    created_at: DateTime<Utc>,
}

/// A list of property companies.
#[derive(Debug, Serialize, ToSchema)]
pub struct PropertyCompanyList {
    /// The companies, by id.
    items: Vec<PropertyCompanyView>,
}

fn view(c: PropertyCompanyRow, under: OrgNodeRef) -> PropertyCompanyView {
    PropertyCompanyView {
        id: c.id,
        name: c.name,
        registered_under: under,
        contact_phone: c.contact_phone,
        created_at: c.created_at.and_utc(),
    }
}

/// Registers a property company on a district, street or community the caller administers.
#[utoipa::path(tag = "org", security(("bearer" = [])), request_body = NewPropertyCompany, responses(
    (status = 201, body = PropertyCompanyView),
    (status = 401, body = ErrorEnvelope),
    (status = 403, description = "The caller does not administer the node (`org.forbidden`)", body = ErrorEnvelope),
    (status = 404, description = "No such node, or not visible (`org.node_not_found`)", body = ErrorEnvelope),
    (status = 409, description = "A company of that name is registered there (`conflict.duplicate`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid fields (`validation.failed`), or a node below community level (`org.invalid_kind`)", body = ErrorEnvelope),
))]
#[post("/property-companies")]
pub async fn create_property_company(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewPropertyCompany>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let mut f = Fields::new();
    let name = f
        .required("name", b.name)
        .and_then(|n| f.check(fields::label("name", &n)));
    let under = f.required("registered_under_id", b.registered_under_id);
    let phone = b
        .contact_phone
        .and_then(|p| f.check(fields::phone("contact_phone", &p)));
    f.finish()?;
    let (Some(name), Some(under)) = (name, under) else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let actor = auth.actor;
    let now = state.clock.now();
    let created = state
        .db
        .write(move |conn| {
            let entries = entry_paths(conn, &actor)?;
            let node = visible_node(conn, &entries, OrgNodeId(under))?;
            if !actor.administers(&node.path) {
                return Err(org_forbidden());
            }
            if node.kind.depth() > NodeKind::Community.depth() {
                return Err(ApiError::unprocessable(
                    "org.invalid_kind",
                    Msg::new(
                        "物业公司只能登记在区、街道或社区",
                        "A property company registers on a district, street or community",
                    ),
                ));
            }
            let company = org::create_company(
                conn,
                name.as_str(),
                node.id,
                phone.as_ref().map(|p| p.as_str()),
                now,
            )?;
            Ok(view(company, OrgNodeRef::from(&node)))
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// The property companies the caller may work with.
///
/// Those registered on a node the caller administers, inside their subtree, or above it (the
/// companies a street registers serve its communities).
#[utoipa::path(tag = "org", security(("bearer" = [])), responses(
    (status = 200, body = PropertyCompanyList),
    (status = 401, body = ErrorEnvelope),
    (status = 403, description = "The caller administers no part of the tree (`org.forbidden`)", body = ErrorEnvelope),
))]
#[get("/property-companies")]
pub async fn list_property_companies(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let subtrees: Vec<NodePath> = administered(&auth.actor).into_iter().cloned().collect();
    if subtrees.is_empty() {
        return Err(org_forbidden());
    }
    let list = state
        .db
        .read(move |conn| {
            let mut above: Vec<OrgNodeId> = subtrees.iter().flat_map(NodePath::ids).collect();
            above.sort_unstable();
            above.dedup();
            let companies = org::companies_in_scope(conn, &above, &subtrees)?;
            let mut node_ids: Vec<OrgNodeId> = companies
                .iter()
                .map(|c| OrgNodeId(c.registered_under_id))
                .collect();
            node_ids.sort_unstable();
            node_ids.dedup();
            let nodes: HashMap<i64, OrgNodeRef> = org::get_nodes(conn, &node_ids)?
                .iter()
                .map(|n| (n.id.0, OrgNodeRef::from(n)))
                .collect();
            let items = companies
                .into_iter()
                .filter_map(|c| {
                    let under = nodes.get(&c.registered_under_id)?.clone();
                    Some(view(c, under))
                })
                .collect();
            Ok(PropertyCompanyList { items })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}
