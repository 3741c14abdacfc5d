//! Household bindings as stored: a resident's request to be recognised in a household, the
//! decision on it, and the resident role that an approval grants.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use linli_domain::binding::BindingStatus;
use linli_domain::org::NodePath;
use linli_domain::{OrgNodeId, UserId};

use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt, on_unique};
use crate::org::{OrgNode, subtree_bounds};
use crate::schema::{household_bindings as hb, org_nodes, users};
use crate::time::{from_db, opt_from_db, opt_to_db, to_db};

/// A binding with the names a person reads beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// Its id.
    pub id: i64,
    /// The resident.
    pub user_id: UserId,
    /// The resident's display name.
    pub user_name: String,
    /// The household.
    pub household_id: OrgNodeId,
    /// The household's path.
    pub household_path: NodePath,
    /// The household's name (unit and room).
    pub household_name: String,
    /// The building's name.
    pub building_name: String,
    /// The building's public code.
    pub building_code: Option<String>,
    /// The community (tenant).
    pub community_id: OrgNodeId,
    /// Where it stands.
    pub status: BindingStatus,
    /// What the resident said when asking (e.g. who they are in the household).
    pub note: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// When it was asked for.
    pub requested_at: DateTime<Utc>,
    /// Who decided.
    pub decided_by: Option<UserId>,
    /// The resident role the approval granted.
    pub role_id: Option<i64>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// When it was withdrawn or left.
    pub left_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = hb)]
struct Row {
    id: i64,
    user_id: i64,
    household_id: i64,
    household_path: String,
    community_id: i64,
    status: String,
    note: Option<String>,
    reason: Option<String>,
    requested_at: chrono::NaiveDateTime,
    decided_by: Option<i64>,
    role_id: Option<i64>,
    decided_at: Option<chrono::NaiveDateTime>,
    left_at: Option<chrono::NaiveDateTime>,
}

/// Asks for a binding of `user` to `household` (a household node). A second live (pending or
/// approved) binding to the same household is `Duplicate("household")`.
pub fn request(
    conn: &mut DbConnection,
    user: UserId,
    household: &OrgNode,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Binding, StoreError> {
    let community = household
        .community_id
        .ok_or_else(|| corrupt(format!("household {} has no community", household.id.0)))?;
    let id: i64 = diesel::insert_into(hb::table)
        .values((
            hb::user_id.eq(user.0),
            hb::household_id.eq(household.id.0),
            hb::household_path.eq(household.path.as_str()),
            hb::community_id.eq(community.0),
            hb::status.eq(BindingStatus::Pending.as_str()),
            hb::note.eq(note),
            hb::requested_at.eq(to_db(now)),
        ))
        .returning(hb::id)
        .get_result(conn)
        .map_err(|e| on_unique(e, &[("household", "household")]))?;
    get(conn, id)
}

/// Records an approved binding directly (the demo's residents, already known to the
/// community), with the resident role that goes with it.
pub fn record_approved(
    conn: &mut DbConnection,
    user: UserId,
    household: &OrgNode,
    by: Option<UserId>,
    role: i64,
    now: DateTime<Utc>,
) -> Result<Binding, StoreError> {
    let pending = request(conn, user, household, None, now)?;
    set_role(conn, pending.id, role)?;
    transition(
        conn,
        pending.id,
        BindingStatus::Pending,
        BindingStatus::Approved,
        by,
        None,
        now,
    )?;
    get(conn, pending.id)
}

/// One binding.
pub fn get(conn: &mut DbConnection, id: i64) -> Result<Binding, StoreError> {
    let row = hb::table
        .find(id)
        .select(Row::as_select())
        .get_result(conn)?;
    Ok(labelled(conn, vec![row])?.remove(0))
}

/// A resident's bindings, newest first.
pub fn of_user(conn: &mut DbConnection, user: UserId) -> Result<Vec<Binding>, StoreError> {
    let rows = hb::table
        .filter(hb::user_id.eq(user.0))
        .order(hb::id.desc())
        .select(Row::as_select())
        .load(conn)?;
    labelled(conn, rows)
}

/// The bindings to households inside any of `subtrees`, newest first, optionally of one
/// status and older than `before` (an id, for paging).
pub fn in_subtrees(
    conn: &mut DbConnection,
    subtrees: &[NodePath],
    status: Option<BindingStatus>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Binding>, StoreError> {
    type Pred = Box<dyn BoxableExpression<hb::table, MultiBackend, SqlType = Bool>>;
    let mut inside: Pred = Box::new(sql::<Bool>("1 = 0"));
    for path in subtrees {
        let (lo, hi) = subtree_bounds(path);
        inside = Box::new(inside.or(hb::household_path.ge(lo).and(hb::household_path.lt(hi))));
    }
    let mut query = hb::table
        .filter(inside)
        .order(hb::id.desc())
        .limit(limit)
        .select(Row::as_select())
        .into_boxed();
    if let Some(s) = status {
        query = query.filter(hb::status.eq(s.as_str()));
    }
    if let Some(id) = before {
        query = query.filter(hb::id.lt(id));
    }
    let rows = query.load(conn)?;
    labelled(conn, rows)
}

/// Moves a binding from `from` to `to`; false when it was no longer `from` (someone else acted
/// first), so a race has one winner.
pub fn transition(
    conn: &mut DbConnection,
    id: i64,
    from: BindingStatus,
    to: BindingStatus,
    by: Option<UserId>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let target = hb::table.find(id).filter(hb::status.eq(from.as_str()));
    let n = match to {
        BindingStatus::Left => diesel::update(target)
            .set((hb::status.eq(to.as_str()), hb::left_at.eq(to_db(now))))
            .execute(conn)?,
        _ => diesel::update(target)
            .set((
                hb::status.eq(to.as_str()),
                hb::decided_by.eq(by.map(|u| u.0)),
                hb::decided_at.eq(opt_to_db(Some(now))),
                hb::reason.eq(reason),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Records the role an approval granted.
pub fn set_role(conn: &mut DbConnection, id: i64, role: i64) -> Result<(), StoreError> {
    diesel::update(hb::table.find(id))
        .set(hb::role_id.eq(role))
        .execute(conn)?;
    Ok(())
}

/// Adds the names: households and their buildings, and the residents, one query each.
fn labelled(conn: &mut DbConnection, rows: Vec<Row>) -> Result<Vec<Binding>, StoreError> {
    let household_ids: Vec<i64> = rows.iter().map(|r| r.household_id).collect();
    let households: HashMap<i64, (String, Option<i64>)> = org_nodes::table
        .filter(org_nodes::id.eq_any(&household_ids))
        .select((org_nodes::id, org_nodes::name, org_nodes::parent_id))
        .load::<(i64, String, Option<i64>)>(conn)?
        .into_iter()
        .map(|(id, name, parent)| (id, (name, parent)))
        .collect();
    let building_ids: Vec<i64> = households.values().filter_map(|(_, p)| *p).collect();
    let buildings: HashMap<i64, (String, Option<String>)> = org_nodes::table
        .filter(org_nodes::id.eq_any(&building_ids))
        .select((org_nodes::id, org_nodes::name, org_nodes::code))
        .load::<(i64, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, name, code)| (id, (name, code)))
        .collect();
    let user_ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let names: HashMap<i64, String> = users::table
        .filter(users::id.eq_any(&user_ids))
        .select((users::id, users::display_name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|r| {
            let (household_name, parent) = households
                .get(&r.household_id)
                .cloned()
                .ok_or_else(|| corrupt(format!("binding {}: no household", r.id)))?;
            let (building_name, building_code) = parent
                .and_then(|p| buildings.get(&p).cloned())
                .ok_or_else(|| corrupt(format!("binding {}: no building", r.id)))?;
            Ok(Binding {
                id: r.id,
                user_id: UserId(r.user_id),
                user_name: names.get(&r.user_id).cloned().unwrap_or_default(),
                household_id: OrgNodeId(r.household_id),
                household_path: NodePath::parse(&r.household_path).map_err(corrupt)?,
                household_name,
                building_name,
                building_code,
                community_id: OrgNodeId(r.community_id),
                status: BindingStatus::parse(&r.status).ok_or_else(|| corrupt(&r.status))?,
                note: r.note,
                reason: r.reason,
                requested_at: from_db(r.requested_at),
                decided_by: r.decided_by.map(UserId),
                role_id: r.role_id,
                decided_at: opt_from_db(r.decided_at),
                left_at: opt_from_db(r.left_at),
            })
        })
        .collect()
}
