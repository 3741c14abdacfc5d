//! The organisation tree and property companies.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::org::{NodeKind, NodePath};
use linli_domain::{OrgNodeId, PropertyCompanyId};

use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt, on_unique};
use crate::schema::{org_nodes, property_companies};
use crate::time::{from_db, to_db};

/// A node of the tree as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgNode {
    /// Its id.
    pub id: OrgNodeId,
    /// Its parent; `None` for a district.
    pub parent_id: Option<OrgNodeId>,
    /// Its level.
    pub kind: NodeKind,
    /// Its name, unique among its siblings.
    pub name: String,
    /// Its materialised path.
    pub path: NodePath,
    /// The community it belongs to (itself for a community; `None` above).
    pub community_id: Option<OrgNodeId>,
    /// A building's public code.
    pub code: Option<String>,
    /// Latitude (WGS-84), for buildings.
    pub latitude: Option<f64>,
    /// Longitude (WGS-84), for buildings.
    pub longitude: Option<f64>,
    /// The company managing a compound.
    pub property_company_id: Option<PropertyCompanyId>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = org_nodes)]
struct OrgNodeRow {
    id: i64,
    parent_id: Option<i64>,
    kind: String,
    name: String,
    path: String,
    community_id: Option<i64>,
    code: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    property_company_id: Option<i64>,
    created_at: chrono::NaiveDateTime,
}

impl TryFrom<OrgNodeRow> for OrgNode {
    type Error = StoreError;

    fn try_from(r: OrgNodeRow) -> Result<Self, StoreError> {
        Ok(OrgNode {
            id: OrgNodeId(r.id),
            parent_id: r.parent_id.map(OrgNodeId),
            kind: NodeKind::parse(&r.kind).map_err(corrupt)?,
            name: r.name,
            path: NodePath::parse(&r.path).map_err(corrupt)?,
            community_id: r.community_id.map(OrgNodeId),
            code: r.code,
            latitude: r.latitude,
            longitude: r.longitude,
            property_company_id: r.property_company_id.map(PropertyCompanyId),
            created_at: from_db(r.created_at),
        })
    }
}

/// A node to create. The caller has checked that `kind` may sit under the parent.
#[derive(Debug, Clone)]
pub struct NewNode {
    /// The parent; `None` creates a district (a root).
    pub parent: Option<OrgNodeId>,
    /// Its level.
    pub kind: NodeKind,
    /// Its name.
    pub name: String,
    /// A building's code.
    pub code: Option<String>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// A compound's property company.
    pub property_company_id: Option<PropertyCompanyId>,
}

/// Changes to a node; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = org_nodes)]
pub struct NodeChanges {
    /// New name.
    pub name: Option<String>,
    /// New code (buildings).
    pub code: Option<String>,
    /// New latitude.
    pub latitude: Option<f64>,
    /// New longitude.
    pub longitude: Option<f64>,
    /// New property company (compounds).
    pub property_company_id: Option<i64>,
}

const NODE_UNIQUE: &[(&str, &str)] = &[("code", "code"), ("name", "name")];

/// Lower and upper bounds of a subtree on the path index: `/1/2/` ≤ path < `/1/20`.
/// ('0' is the byte after '/', so the range holds exactly the paths that start with the prefix.)
pub(crate) fn subtree_bounds(path: &NodePath) -> (String, String) {
    let lower = path.as_str().to_owned();
    let upper = format!("{}0", &lower[..lower.len() - 1]);
    (lower, upper)
}

/// Creates a node, with its path and community.
pub fn create_node(
    conn: &mut DbConnection,
    new: &NewNode,
    now: DateTime<Utc>,
) -> Result<OrgNode, StoreError> {
    conn.transaction(|conn| {
        let parent = match new.parent {
            Some(p) => Some(get_node(conn, p)?),
            None => None,
        };
        let id: i64 = diesel::insert_into(org_nodes::table)
            .values((
                org_nodes::parent_id.eq(new.parent.map(|p| p.0)),
                org_nodes::kind.eq(new.kind.as_str()),
                org_nodes::name.eq(&new.name),
                // The path needs the id: a placeholder that no prefix query matches.
                org_nodes::path.eq(""),
                org_nodes::code.eq(&new.code),
                org_nodes::latitude.eq(new.latitude),
                org_nodes::longitude.eq(new.longitude),
                org_nodes::property_company_id.eq(new.property_company_id.map(|c| c.0)),
                org_nodes::created_at.eq(to_db(now)),
                org_nodes::updated_at.eq(to_db(now)),
            ))
            .returning(org_nodes::id)
            .get_result(conn)
            .map_err(|e| on_unique(e, NODE_UNIQUE))?;
        let id = OrgNodeId(id);
        let path = match &parent {
            Some(p) => p.path.child(id),
            None => NodePath::root(id),
        };
        let community = if new.kind == NodeKind::Community {
            Some(id)
        } else {
            parent.as_ref().and_then(|p| p.community_id)
        };
        diesel::update(org_nodes::table.find(id.0))
            .set((
                org_nodes::path.eq(path.as_str()),
                org_nodes::community_id.eq(community.map(|c| c.0)),
            ))
            .execute(conn)?;
        get_node(conn, id)
    })
}

/// One node.
pub fn get_node(conn: &mut DbConnection, id: OrgNodeId) -> Result<OrgNode, StoreError> {
    org_nodes::table
        .find(id.0)
        .select(OrgNodeRow::as_select())
        .get_result(conn)?
        .try_into()
}

/// Several nodes by id, in no particular order.
pub fn get_nodes(conn: &mut DbConnection, ids: &[OrgNodeId]) -> Result<Vec<OrgNode>, StoreError> {
    let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
    org_nodes::table
        .filter(org_nodes::id.eq_any(ids))
        .select(OrgNodeRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// The node and its ancestors, from the root down.
pub fn lineage(conn: &mut DbConnection, path: &NodePath) -> Result<Vec<OrgNode>, StoreError> {
    let mut nodes = get_nodes(conn, &path.ids())?;
    nodes.sort_by_key(|n| n.kind.depth());
    Ok(nodes)
}

/// A building by its public code.
pub fn find_building(conn: &mut DbConnection, code: &str) -> Result<OrgNode, StoreError> {
    org_nodes::table
        .filter(org_nodes::code.eq(code))
        .filter(org_nodes::kind.eq(NodeKind::Building.as_str()))
        .select(OrgNodeRow::as_select())
        .get_result(conn)?
        .try_into()
}

/// A building by its public code, with its compound, in one query.
pub fn find_building_and_compound(
    conn: &mut DbConnection,
    code: &str,
) -> Result<(OrgNode, OrgNode), StoreError> {
    let (building, compound) =
        diesel::alias!(org_nodes as building_node, org_nodes as compound_node);
    let (b, c): (OrgNodeRow, OrgNodeRow) = building
        .inner_join(
            compound.on(compound
                .field(org_nodes::id)
                .nullable()
                .eq(building.field(org_nodes::parent_id))),
        )
        .filter(building.field(org_nodes::code).eq(code))
        .filter(
            building
                .field(org_nodes::kind)
                .eq(NodeKind::Building.as_str()),
        )
        .select((
            building.fields(<OrgNodeRow as Selectable<MultiBackend>>::construct_selection()),
            compound.fields(<OrgNodeRow as Selectable<MultiBackend>>::construct_selection()),
        ))
        .get_result(conn)?;
    Ok((b.try_into()?, c.try_into()?))
}

/// The direct children of a node, by name.
pub fn children(conn: &mut DbConnection, id: OrgNodeId) -> Result<Vec<OrgNode>, StoreError> {
    org_nodes::table
        .filter(org_nodes::parent_id.eq(id.0))
        .order((org_nodes::name.asc(), org_nodes::id.asc()))
        .select(OrgNodeRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// The roots (districts).
pub fn roots(conn: &mut DbConnection) -> Result<Vec<OrgNode>, StoreError> {
    org_nodes::table
        .filter(org_nodes::parent_id.is_null())
        .order(org_nodes::id.asc())
        .select(OrgNodeRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// Every node of a kind in a subtree.
pub fn subtree_of_kind(
    conn: &mut DbConnection,
    root: &NodePath,
    kind: NodeKind,
) -> Result<Vec<OrgNode>, StoreError> {
    let (lo, hi) = subtree_bounds(root);
    org_nodes::table
        .filter(org_nodes::path.ge(lo))
        .filter(org_nodes::path.lt(hi))
        .filter(org_nodes::kind.eq(kind.as_str()))
        .order(org_nodes::id.asc())
        .select(OrgNodeRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// Updates a node's editable fields.
pub fn update_node(
    conn: &mut DbConnection,
    id: OrgNodeId,
    changes: &NodeChanges,
    now: DateTime<Utc>,
) -> Result<OrgNode, StoreError> {
    conn.transaction(|conn| {
        let n = diesel::update(org_nodes::table.find(id.0))
            .set((changes, org_nodes::updated_at.eq(to_db(now))))
            .execute(conn)
            .map_err(|e| on_unique(e, NODE_UNIQUE))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        get_node(conn, id)
    })
}

/// A property company as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = property_companies)]
pub struct PropertyCompanyRow {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The node (district, street or community) it was registered under: its scope.
    pub registered_under_id: i64,
    /// A public contact phone.
    pub contact_phone: Option<String>,
    /// When it was registered.
    pub created_at: chrono::NaiveDateTime,
}

/// Registers a property company under a node.
pub fn create_company(
    conn: &mut DbConnection,
    name: &str,
    under: OrgNodeId,
    contact_phone: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PropertyCompanyRow, StoreError> {
    // MultiConnection cannot return a whole row: return the id, then read it.
    let id: i64 = diesel::insert_into(property_companies::table)
        .values((
            property_companies::name.eq(name),
            property_companies::registered_under_id.eq(under.0),
            property_companies::contact_phone.eq(contact_phone),
            property_companies::created_at.eq(to_db(now)),
        ))
        .returning(property_companies::id)
        .get_result(conn)
        .map_err(|e| on_unique(e, &[("name", "name")]))?;
    get_company(conn, PropertyCompanyId(id))
}

/// One property company.
pub fn get_company(
    conn: &mut DbConnection,
    id: PropertyCompanyId,
) -> Result<PropertyCompanyRow, StoreError> {
    Ok(property_companies::table
        .find(id.0)
        .select(PropertyCompanyRow::as_select())
        .get_result(conn)?)
}

/// The property companies registered under any of the given nodes.
pub fn companies_under(
    conn: &mut DbConnection,
    nodes: &[OrgNodeId],
) -> Result<Vec<PropertyCompanyRow>, StoreError> {
    let ids: Vec<i64> = nodes.iter().map(|n| n.0).collect();
    Ok(property_companies::table
        .filter(property_companies::registered_under_id.eq_any(ids))
        .order(property_companies::id.asc())
        .select(PropertyCompanyRow::as_select())
        .load(conn)?)
}

/// Several property companies by id, in id order.
pub fn get_companies(
    conn: &mut DbConnection,
    ids: &[PropertyCompanyId],
) -> Result<Vec<PropertyCompanyRow>, StoreError> {
    let ids: Vec<i64> = ids.iter().map(|c| c.0).collect();
    Ok(property_companies::table
        .filter(property_companies::id.eq_any(ids))
        .order(property_companies::id.asc())
        .select(PropertyCompanyRow::as_select())
        .load(conn)?)
}

/// The paths of the nodes the given companies are registered under: each company's scope.
pub fn company_scopes(
    conn: &mut DbConnection,
    ids: &[PropertyCompanyId],
) -> Result<Vec<(PropertyCompanyId, NodePath)>, StoreError> {
    let ids: Vec<i64> = ids.iter().map(|c| c.0).collect();
    let rows: Vec<(i64, String)> = property_companies::table
        .inner_join(org_nodes::table.on(org_nodes::id.eq(property_companies::registered_under_id)))
        .filter(property_companies::id.eq_any(ids))
        .select((property_companies::id, org_nodes::path))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, path)| {
            Ok((
                PropertyCompanyId(id),
                NodePath::parse(&path).map_err(corrupt)?,
            ))
        })
        .collect()
}

/// The compounds the given companies manage.
pub fn compounds_of(
    conn: &mut DbConnection,
    companies: &[PropertyCompanyId],
) -> Result<Vec<OrgNode>, StoreError> {
    let ids: Vec<i64> = companies.iter().map(|c| c.0).collect();
    org_nodes::table
        .filter(org_nodes::property_company_id.eq_any(ids))
        .filter(org_nodes::kind.eq(NodeKind::Compound.as_str()))
        .order(org_nodes::id.asc())
        .select(OrgNodeRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// The property companies registered on one of the `nodes`, or on any node inside one of the
/// `subtrees`; in id order.
pub fn companies_in_scope(
    conn: &mut DbConnection,
    nodes: &[OrgNodeId],
    subtrees: &[NodePath],
) -> Result<Vec<PropertyCompanyRow>, StoreError> {
    // Companies register on districts, streets and communities: few nodes even in a district.
    let mut ids: Vec<i64> = nodes.iter().map(|n| n.0).collect();
    for root in subtrees {
        let (lo, hi) = subtree_bounds(root);
        let inside: Vec<i64> = org_nodes::table
            .filter(org_nodes::path.ge(lo))
            .filter(org_nodes::path.lt(hi))
            .filter(org_nodes::kind.eq_any([
                NodeKind::District.as_str(),
                NodeKind::Street.as_str(),
                NodeKind::Community.as_str(),
            ]))
            .select(org_nodes::id)
            .load(conn)?;
        ids.extend(inside);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(property_companies::table
        .filter(property_companies::registered_under_id.eq_any(ids))
        .order(property_companies::id.asc())
        .select(PropertyCompanyRow::as_select())
        .load(conn)?)
}
