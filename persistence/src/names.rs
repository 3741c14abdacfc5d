//! Display names for ids, in one query per kind, for rendering pages of records.

use std::collections::HashMap;

use diesel::prelude::*;
use linli_domain::{OrgNodeId, PropertyCompanyId, UserId};

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{org_nodes, property_companies, users};

/// Users' display names.
pub fn user_names(
    conn: &mut DbConnection,
    ids: &[UserId],
) -> Result<HashMap<UserId, String>, StoreError> {
    let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, n)| (UserId(id), n))
        .collect())
}

/// Property companies' names.
pub fn company_names(
    conn: &mut DbConnection,
    ids: &[PropertyCompanyId],
) -> Result<HashMap<PropertyCompanyId, String>, StoreError> {
    let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
    Ok(property_companies::table
        .filter(property_companies::id.eq_any(ids))
        .select((property_companies::id, property_companies::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, n)| (PropertyCompanyId(id), n))
        .collect())
}

/// Nodes' names and codes.
pub fn node_labels(
    conn: &mut DbConnection,
    ids: &[OrgNodeId],
) -> Result<HashMap<OrgNodeId, (String, Option<String>)>, StoreError> {
    let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
    Ok(org_nodes::table
        .filter(org_nodes::id.eq_any(ids))
        .select((org_nodes::id, org_nodes::name, org_nodes::code))
        .load::<(i64, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, n, c)| (OrgNodeId(id), (n, c)))
        .collect())
}
