//! Looking a community up by id, the way every Red Collar route names one.

use linli_domain::OrgNodeId;
use linli_domain::org::NodeKind;
use linli_persistence::{DbConnection, StoreError, org};

use crate::error::ApiError;
use crate::validation::Fields;

/// The community node `id`, or `None` when there is no node of that id or it is not a community.
pub fn find(conn: &mut DbConnection, id: OrgNodeId) -> Result<Option<org::OrgNode>, StoreError> {
    match org::get_node(conn, id) {
        Ok(n) if n.kind == NodeKind::Community => Ok(Some(n)),
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The community a body names in `field`; 422 naming the field when there is none.
pub fn named_in(conn: &mut DbConnection, id: i64, field: &str) -> Result<org::OrgNode, ApiError> {
    find(conn, OrgNodeId(id))?.ok_or_else(|| {
        let mut f = Fields::new();
        f.push(field, "not_found", "社区不存在", "No such community");
        f.finish().expect_err("one error")
    })
}
