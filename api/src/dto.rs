//! Response types shared by several routes. API types are separate from storage rows.

use linli_persistence::users::{RoleBinding, RoleRecord};
use serde::Serialize;
use utoipa::ToSchema;

/// A role a user holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleView {
    /// Role id (for revoking it).
    pub id: i64,
    /// `resident`, `butler`, `grid_worker`, `property_staff`, `volunteer`, `community_staff`,
    /// `street_staff` or `district_admin`.
    #[schema(example = "community_staff")]
    pub role: String,
    /// The org node it is bound to.
    pub node_id: Option<i64>,
    /// The node's name.
    pub node_name: Option<String>,
    /// The property company it is bound to (property staff).
    pub company_id: Option<i64>,
}

impl From<&RoleRecord> for RoleView {
    fn from(r: &RoleRecord) -> Self {
        let (node_id, company_id) = match r.binding {
            RoleBinding::Node(n) => (Some(n.0), None),
            RoleBinding::Company(c) => (None, Some(c.0)),
            RoleBinding::Unbound => (None, None),
        };
        RoleView {
            id: r.id,
            role: r.kind.as_str().to_owned(),
            node_id,
            node_name: r.node.as_ref().map(|(_, name)| name.clone()),
            company_id,
        }
    }
}
