//! Butler teams: one per building, members who join and leave (rows are ended, never deleted),
//! and the butler role a member with an account holds on the team's buildings.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use linli_domain::access::RoleKind;
use linli_domain::butler::{Duties, MemberKind};
use linli_domain::org::NodePath;
use linli_domain::{OrgNodeId, UserId};

use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt, on_unique};
use crate::org::{OrgNode, subtree_bounds};
use crate::schema::{
    butler_member_roles as bmr, butler_members as bm, butler_team_buildings as btb,
    butler_teams as bt, org_nodes,
};
use crate::time::{from_db, opt_from_db, opt_to_db, to_db};
use crate::users::{self, RoleBinding};

/// A building a team serves.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamBuilding {
    /// The building.
    pub id: OrgNodeId,
    /// Its path.
    pub path: NodePath,
    /// Its public code.
    pub code: Option<String>,
    /// Its name.
    pub name: String,
}

/// A team with the buildings it serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Its id.
    pub id: i64,
    /// The community (tenant).
    pub community_id: OrgNodeId,
    /// Its name (e.g. "天兴都市花园1号楼兴管家服务团").
    pub name: String,
    /// When it was set up.
    pub created_at: DateTime<Utc>,
    /// The buildings, by code.
    pub buildings: Vec<TeamBuilding>,
}

/// A member row: one stint on a team.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Its id.
    pub id: i64,
    /// The team.
    pub team_id: i64,
    /// Their account, if they have one.
    pub user_id: Option<UserId>,
    /// Their name as the card shows it.
    pub display_name: String,
    /// What they are.
    pub kind: MemberKind,
    /// Their duties.
    pub duties: Duties,
    /// The team leader (楼栋长).
    pub leader: bool,
    /// Their public work phone.
    pub work_phone: Option<String>,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// Who added them.
    pub joined_by: Option<UserId>,
    /// When they left; `None` while active.
    pub left_at: Option<DateTime<Utc>>,
    /// Who ended the membership.
    pub left_by: Option<UserId>,
}

/// A member to add.
#[derive(Debug, Clone)]
pub struct NewMember<'a> {
    /// Their account, if any.
    pub user_id: Option<UserId>,
    /// Their name.
    pub display_name: &'a str,
    /// What they are.
    pub kind: MemberKind,
    /// Their duties.
    pub duties: &'a Duties,
    /// The team leader.
    pub leader: bool,
    /// Their public work phone, normalised.
    pub work_phone: Option<&'a str>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = bm)]
struct MemberRow {
    id: i64,
    team_id: i64,
    user_id: Option<i64>,
    display_name: String,
    kind: String,
    duties: String,
    leader: bool,
    work_phone: Option<String>,
    joined_at: chrono::NaiveDateTime,
    joined_by: Option<i64>,
    left_at: Option<chrono::NaiveDateTime>,
    left_by: Option<i64>,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> Result<Self, StoreError> {
        Ok(Member {
            id: r.id,
            team_id: r.team_id,
            user_id: r.user_id.map(UserId),
            display_name: r.display_name,
            kind: MemberKind::parse(&r.kind).map_err(corrupt)?,
            duties: Duties::from_stored(&r.duties).map_err(corrupt)?,
            leader: r.leader,
            work_phone: r.work_phone,
            joined_at: from_db(r.joined_at),
            joined_by: r.joined_by.map(UserId),
            left_at: opt_from_db(r.left_at),
            left_by: r.left_by.map(UserId),
        })
    }
}

/// Sets up a team serving `buildings` (all of `community`). A building that has a team already
/// is `Duplicate("building")`.
pub fn create_team(
    conn: &mut DbConnection,
    community: OrgNodeId,
    name: &str,
    buildings: &[OrgNode],
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Team, StoreError> {
    let id: i64 = diesel::insert_into(bt::table)
        .values((
            bt::community_id.eq(community.0),
            bt::name.eq(name),
            bt::created_by.eq(by.map(|u| u.0)),
            bt::created_at.eq(to_db(now)),
        ))
        .returning(bt::id)
        .get_result(conn)?;
    for b in buildings {
        diesel::insert_into(btb::table)
            .values((
                btb::building_id.eq(b.id.0),
                btb::team_id.eq(id),
                btb::building_path.eq(b.path.as_str()),
                btb::added_at.eq(to_db(now)),
            ))
            .execute(conn)
            .map_err(|e| on_unique(e, &[("building", "building")]))?;
    }
    get_team(conn, id)
}

/// One team.
pub fn get_team(conn: &mut DbConnection, id: i64) -> Result<Team, StoreError> {
    let row: (i64, i64, String, chrono::NaiveDateTime) = bt::table
        .find(id)
        .select((bt::id, bt::community_id, bt::name, bt::created_at))
        .get_result(conn)?;
    Ok(with_buildings(conn, vec![row])?.remove(0))
}

/// The team serving a building, if it has one.
pub fn team_of_building(
    conn: &mut DbConnection,
    building: OrgNodeId,
) -> Result<Option<i64>, StoreError> {
    Ok(btb::table
        .find(building.0)
        .select(btb::team_id)
        .get_result(conn)
        .optional()?)
}

/// The teams serving a building inside any of `subtrees`, in id order.
pub fn teams_in_subtrees(
    conn: &mut DbConnection,
    subtrees: &[NodePath],
) -> Result<Vec<Team>, StoreError> {
    type Pred = Box<dyn BoxableExpression<btb::table, MultiBackend, SqlType = Bool>>;
    let mut inside: Pred = Box::new(sql::<Bool>("1 = 0"));
    for path in subtrees {
        let (lo, hi) = subtree_bounds(path);
        inside = Box::new(inside.or(btb::building_path.ge(lo).and(btb::building_path.lt(hi))));
    }
    let ids: Vec<i64> = btb::table.filter(inside).select(btb::team_id).load(conn)?;
    let rows = bt::table
        .filter(bt::id.eq_any(ids))
        .order(bt::id.asc())
        .select((bt::id, bt::community_id, bt::name, bt::created_at))
        .load(conn)?;
    with_buildings(conn, rows)
}

fn with_buildings(
    conn: &mut DbConnection,
    rows: Vec<(i64, i64, String, chrono::NaiveDateTime)>,
) -> Result<Vec<Team>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let served: Vec<(i64, i64, String, Option<String>, String)> = btb::table
        .inner_join(org_nodes::table.on(org_nodes::id.eq(btb::building_id)))
        .filter(btb::team_id.eq_any(ids))
        .order((org_nodes::code.asc(), org_nodes::id.asc()))
        .select((
            btb::team_id,
            org_nodes::id,
            org_nodes::path,
            org_nodes::code,
            org_nodes::name,
        ))
        .load(conn)?;
    let mut by_team: HashMap<i64, Vec<TeamBuilding>> = HashMap::new();
    for (team, id, path, code, name) in served {
        by_team.entry(team).or_default().push(TeamBuilding {
            id: OrgNodeId(id),
            path: NodePath::parse(&path).map_err(corrupt)?,
            code,
            name,
        });
    }
    Ok(rows
        .into_iter()
        .map(|(id, community, name, created_at)| Team {
            id,
            community_id: OrgNodeId(community),
            name,
            created_at: from_db(created_at),
            buildings: by_team.remove(&id).unwrap_or_default(),
        })
        .collect())
}

/// Adds a member. An account already active on the team is `Duplicate("member")`. A member with
/// an account is given the butler role on each of the team's buildings where they lack it; the
/// grants are recorded, for ending the membership to take away.
pub fn add_member(
    conn: &mut DbConnection,
    team: &Team,
    new: &NewMember<'_>,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Member, StoreError> {
    let id: i64 = diesel::insert_into(bm::table)
        .values((
            (
                bm::team_id.eq(team.id),
                bm::community_id.eq(team.community_id.0),
                bm::user_id.eq(new.user_id.map(|u| u.0)),
                bm::display_name.eq(new.display_name),
                bm::kind.eq(new.kind.as_str()),
                bm::duties.eq(new.duties.to_stored()),
            ),
            (
                bm::leader.eq(new.leader),
                bm::work_phone.eq(new.work_phone),
                bm::joined_at.eq(to_db(now)),
                bm::joined_by.eq(by.map(|u| u.0)),
            ),
        ))
        .returning(bm::id)
        .get_result(conn)
        .map_err(|e| on_unique(e, &[("butler_members", "member")]))?;
    if let Some(user) = new.user_id {
        let held: Vec<OrgNodeId> = users::roles_of(conn, user)?
            .into_iter()
            .filter(|r| r.kind == RoleKind::Butler)
            .filter_map(|r| match r.binding {
                RoleBinding::Node(n) => Some(n),
                _ => None,
            })
            .collect();
        for b in &team.buildings {
            let role = if held.contains(&b.id) {
                None
            } else {
                Some(users::add_role(
                    conn,
                    user,
                    RoleKind::Butler,
                    RoleBinding::Node(b.id),
                    now,
                )?)
            };
            diesel::insert_into(bmr::table)
                .values((
                    bmr::member_id.eq(id),
                    bmr::building_id.eq(b.id.0),
                    bmr::role_id.eq(role),
                ))
                .execute(conn)?;
        }
    }
    get_member(conn, id)
}

/// Ends an active membership and takes away the roles it granted; `false` when it had ended
/// already (someone else ended it first).
pub fn end_member(
    conn: &mut DbConnection,
    id: i64,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(bm::table.find(id).filter(bm::left_at.is_null()))
        .set((
            bm::left_at.eq(opt_to_db(Some(now))),
            bm::left_by.eq(by.map(|u| u.0)),
        ))
        .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    let member = get_member(conn, id)?;
    let granted: Vec<Option<i64>> = bmr::table
        .filter(bmr::member_id.eq(id))
        .select(bmr::role_id)
        .load(conn)?;
    if let Some(user) = member.user_id {
        for role in granted.into_iter().flatten() {
            match users::remove_role(conn, user, role) {
                // Revoked by an admin meanwhile: nothing left to take.
                Ok(()) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(true)
}

/// One member row.
pub fn get_member(conn: &mut DbConnection, id: i64) -> Result<Member, StoreError> {
    bm::table
        .find(id)
        .select(MemberRow::as_select())
        .get_result(conn)?
        .try_into()
}

/// A team's members: the active ones, or every stint (`include_past`). The leader first, then
/// in the order they joined.
pub fn members(
    conn: &mut DbConnection,
    team: i64,
    include_past: bool,
) -> Result<Vec<Member>, StoreError> {
    let mut q = bm::table
        .filter(bm::team_id.eq(team))
        .order((bm::leader.desc(), bm::joined_at.asc(), bm::id.asc()))
        .select(MemberRow::as_select())
        .into_boxed();
    if !include_past {
        q = q.filter(bm::left_at.is_null());
    }
    q.load(conn)?.into_iter().map(TryInto::try_into).collect()
}

/// The active members serving each of `buildings`, by building (leader first).
pub fn active_members_of(
    conn: &mut DbConnection,
    buildings: &[OrgNodeId],
) -> Result<HashMap<OrgNodeId, Vec<Member>>, StoreError> {
    let ids: Vec<i64> = buildings.iter().map(|b| b.0).collect();
    let teams: Vec<(i64, i64)> = btb::table
        .filter(btb::building_id.eq_any(ids))
        .select((btb::building_id, btb::team_id))
        .load(conn)?;
    let mut out = HashMap::new();
    for (building, team) in teams {
        out.insert(OrgNodeId(building), members(conn, team, false)?);
    }
    Ok(out)
}
