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
    butler_member_roles as bmr, butler_members as bm, butler_team_building_history as bth,
    butler_team_buildings as btb, butler_teams as bt, org_nodes,
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

/// One stint of a building on a team: when it joined and left, and who did it.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildingStint {
    /// The building.
    pub building: TeamBuilding,
    /// When it joined the team.
    pub added_at: DateTime<Utc>,
    /// Who added it.
    pub added_by: Option<UserId>,
    /// When it left; `None` while the team serves it.
    pub removed_at: Option<DateTime<Utc>>,
    /// Who removed it (or dissolved the team).
    pub removed_by: Option<UserId>,
}

/// A team with the buildings it serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Its id.
    pub id: i64,
    /// The community (tenant).
    pub community_id: OrgNodeId,
    /// The community's path.
    pub community_path: NodePath,
    /// Its name (e.g. "天兴都市花园1号楼兴管家服务团").
    pub name: String,
    /// When it was set up.
    pub created_at: DateTime<Utc>,
    /// When it was dissolved; `None` while it works.
    pub dissolved_at: Option<DateTime<Utc>>,
    /// Who dissolved it.
    pub dissolved_by: Option<UserId>,
    /// The buildings, by code.
    pub buildings: Vec<TeamBuilding>,
    /// Every stint of a building on the team, the current ones included, oldest first.
    pub history: Vec<BuildingStint>,
}

type TeamRow = (
    i64,
    i64,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    Option<i64>,
    String,
);

type TeamColumns = (
    bt::id,
    bt::community_id,
    bt::name,
    bt::created_at,
    bt::dissolved_at,
    bt::dissolved_by,
    org_nodes::path,
);

const TEAM_COLUMNS: TeamColumns = (
    bt::id,
    bt::community_id,
    bt::name,
    bt::created_at,
    bt::dissolved_at,
    bt::dissolved_by,
    org_nodes::path,
);

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
        open_stint(conn, id, b, by, now)?;
    }
    get_team(conn, id)
}

/// Records that `building` joined `team`. A building with an open stint elsewhere is
/// `Duplicate("building")`.
fn open_stint(
    conn: &mut DbConnection,
    team: i64,
    building: &OrgNode,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(bth::table)
        .values((
            bth::team_id.eq(team),
            bth::building_id.eq(building.id.0),
            bth::building_path.eq(building.path.as_str()),
            bth::added_at.eq(to_db(now)),
            bth::added_by.eq(by.map(|u| u.0)),
        ))
        .execute(conn)
        .map_err(|e| on_unique(e, &[("building", "building")]))?;
    Ok(())
}

/// One team, dissolved or not.
pub fn get_team(conn: &mut DbConnection, id: i64) -> Result<Team, StoreError> {
    let row: TeamRow = bt::table
        .inner_join(org_nodes::table.on(org_nodes::id.eq(bt::community_id)))
        .filter(bt::id.eq(id))
        .select(TEAM_COLUMNS)
        .get_result(conn)?;
    Ok(with_buildings(conn, vec![row])?.remove(0))
}

/// Inside a transaction: takes the team's row for writing, so that changes to one team (its
/// buildings, members, dissolution) take turns; on PostgreSQL a second writer waits here until
/// the first commits, then reads what it wrote. SQLite has one writer at a time anyway.
/// `NotFound` when there is no such team.
pub fn lock_team(conn: &mut DbConnection, id: i64) -> Result<(), StoreError> {
    let n = diesel::update(bt::table.find(id))
        .set(bt::name.eq(bt::name))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Renames a team.
pub fn rename_team(conn: &mut DbConnection, id: i64, name: &str) -> Result<(), StoreError> {
    let n = diesel::update(bt::table.find(id))
        .set(bt::name.eq(name))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The active members of `team` with an account, as (member, user).
fn active_accounts(conn: &mut DbConnection, team: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(bm::table
        .filter(bm::team_id.eq(team))
        .filter(bm::left_at.is_null())
        .filter(bm::user_id.is_not_null())
        .order(bm::id.asc())
        .select((bm::id, bm::user_id.assume_not_null()))
        .load(conn)?)
}

/// True when `user` holds the butler role on `building`.
fn holds_butler_on(
    conn: &mut DbConnection,
    user: UserId,
    building: OrgNodeId,
) -> Result<bool, StoreError> {
    Ok(users::roles_of(conn, user)?
        .iter()
        .any(|r| r.kind == RoleKind::Butler && r.binding == RoleBinding::Node(building)))
}

/// Adds a building to a (locked, working) team: records the stint, and gives every active
/// member with an account the butler role on it where they lack it, recording the grants as
/// joining does. A building on a team already (this one or another) is
/// `Duplicate("building")`. Returns the accounts whose roles changed.
pub fn add_building(
    conn: &mut DbConnection,
    team: &Team,
    building: &OrgNode,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Vec<UserId>, StoreError> {
    diesel::insert_into(btb::table)
        .values((
            btb::building_id.eq(building.id.0),
            btb::team_id.eq(team.id),
            btb::building_path.eq(building.path.as_str()),
            btb::added_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map_err(|e| on_unique(e, &[("building", "building")]))?;
    open_stint(conn, team.id, building, by, now)?;
    let mut changed = Vec::new();
    for (member, user) in active_accounts(conn, team.id)? {
        let user = UserId(user);
        let role = if holds_butler_on(conn, user, building.id)? {
            None
        } else {
            changed.push(user);
            Some(users::add_role(
                conn,
                user,
                RoleKind::Butler,
                RoleBinding::Node(building.id),
                now,
            )?)
        };
        diesel::insert_into(bmr::table)
            .values((
                bmr::member_id.eq(member),
                bmr::building_id.eq(building.id.0),
                bmr::role_id.eq(role),
            ))
            .execute(conn)?;
    }
    Ok(changed)
}

/// Takes a building off a (locked) team: closes its stint and takes away the butler roles the
/// active memberships granted on it (and only those). `NotFound` when the team does not serve
/// it. Returns the accounts whose roles changed.
pub fn remove_building(
    conn: &mut DbConnection,
    team: i64,
    building: OrgNodeId,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Vec<UserId>, StoreError> {
    let n = diesel::delete(
        btb::table
            .filter(btb::building_id.eq(building.0))
            .filter(btb::team_id.eq(team)),
    )
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    diesel::update(
        bth::table
            .filter(bth::team_id.eq(team))
            .filter(bth::building_id.eq(building.0))
            .filter(bth::removed_at.is_null()),
    )
    .set((
        bth::removed_at.eq(opt_to_db(Some(now))),
        bth::removed_by.eq(by.map(|u| u.0)),
    ))
    .execute(conn)?;
    let mut changed = Vec::new();
    for (member, user) in active_accounts(conn, team)? {
        let user = UserId(user);
        let granted: Option<Option<i64>> = bmr::table
            .filter(bmr::member_id.eq(member))
            .filter(bmr::building_id.eq(building.0))
            .select(bmr::role_id)
            .get_result(conn)
            .optional()?;
        if let Some(Some(role)) = granted {
            match users::remove_role(conn, user, role) {
                Ok(()) => changed.push(user),
                // Revoked by an admin meanwhile: nothing left to take.
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        // The grant is over; adding the building again records a new one.
        diesel::delete(
            bmr::table
                .filter(bmr::member_id.eq(member))
                .filter(bmr::building_id.eq(building.0)),
        )
        .execute(conn)?;
    }
    Ok(changed)
}

/// Dissolves a (locked, working) team: ends every active membership (with the roles it
/// granted), releases its buildings (their stints closed) and marks it dissolved. Nothing is
/// deleted but the current assignments. Returns the accounts whose roles changed.
pub fn dissolve_team(
    conn: &mut DbConnection,
    team: &Team,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Vec<UserId>, StoreError> {
    let mut changed = Vec::new();
    for m in members(conn, team.id, false)? {
        if end_member(conn, m.id, by, now)? {
            changed.extend(m.user_id);
        }
    }
    for b in &team.buildings {
        changed.extend(remove_building(conn, team.id, b.id, by, now)?);
    }
    diesel::update(bt::table.find(team.id).filter(bt::dissolved_at.is_null()))
        .set((
            bt::dissolved_at.eq(opt_to_db(Some(now))),
            bt::dissolved_by.eq(by.map(|u| u.0)),
        ))
        .execute(conn)?;
    changed.sort_by_key(|u| u.0);
    changed.dedup();
    Ok(changed)
}

/// The active membership (member id, team id) that granted the role `role_id`, if any.
pub fn membership_granting(
    conn: &mut DbConnection,
    role_id: i64,
) -> Result<Option<(i64, i64)>, StoreError> {
    Ok(bmr::table
        .inner_join(bm::table.on(bm::id.eq(bmr::member_id)))
        .filter(bmr::role_id.eq(role_id))
        .filter(bm::left_at.is_null())
        .select((bm::id, bm::team_id))
        .first(conn)
        .optional()?)
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

/// The teams seen from `subtrees`, in id order: those serving a building inside one of them,
/// and every team of a community inside one. Dissolved teams only with `include_dissolved`
/// (then also those that once served a building inside).
pub fn teams_in_subtrees(
    conn: &mut DbConnection,
    subtrees: &[NodePath],
    include_dissolved: bool,
) -> Result<Vec<Team>, StoreError> {
    let bounds: Vec<(String, String)> = subtrees.iter().map(subtree_bounds).collect();
    type Pred<T> = Box<dyn BoxableExpression<T, MultiBackend, SqlType = Bool>>;
    let mut serving: Pred<btb::table> = Box::new(sql::<Bool>("1 = 0"));
    let mut in_community: Pred<org_nodes::table> = Box::new(sql::<Bool>("1 = 0"));
    let mut served: Pred<bth::table> = Box::new(sql::<Bool>("1 = 0"));
    for (lo, hi) in &bounds {
        serving = Box::new(
            serving.or(btb::building_path
                .ge(lo.clone())
                .and(btb::building_path.lt(hi.clone()))),
        );
        in_community = Box::new(
            in_community.or(org_nodes::path
                .ge(lo.clone())
                .and(org_nodes::path.lt(hi.clone()))),
        );
        served = Box::new(
            served.or(bth::building_path
                .ge(lo.clone())
                .and(bth::building_path.lt(hi.clone()))),
        );
    }
    let mut ids: Vec<i64> = btb::table.filter(serving).select(btb::team_id).load(conn)?;
    let communities: Vec<i64> = org_nodes::table
        .filter(org_nodes::kind.eq(linli_domain::org::NodeKind::Community.as_str()))
        .filter(in_community)
        .select(org_nodes::id)
        .load(conn)?;
    ids.extend(
        bt::table
            .filter(bt::community_id.eq_any(communities))
            .select(bt::id)
            .load::<i64>(conn)?,
    );
    if include_dissolved {
        ids.extend(
            bth::table
                .filter(served)
                .select(bth::team_id)
                .load::<i64>(conn)?,
        );
    }
    ids.sort_unstable();
    ids.dedup();
    let mut q = bt::table
        .inner_join(org_nodes::table.on(org_nodes::id.eq(bt::community_id)))
        .filter(bt::id.eq_any(ids))
        .order(bt::id.asc())
        .select(TEAM_COLUMNS)
        .into_boxed();
    if !include_dissolved {
        q = q.filter(bt::dissolved_at.is_null());
    }
    let rows = q.load(conn)?;
    with_buildings(conn, rows)
}

fn with_buildings(conn: &mut DbConnection, rows: Vec<TeamRow>) -> Result<Vec<Team>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let served: Vec<(i64, i64, String, Option<String>, String)> = btb::table
        .inner_join(org_nodes::table.on(org_nodes::id.eq(btb::building_id)))
        .filter(btb::team_id.eq_any(&ids))
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
    type StintRow = (
        i64,
        i64,
        String,
        Option<String>,
        String,
        (
            chrono::NaiveDateTime,
            Option<i64>,
            Option<chrono::NaiveDateTime>,
            Option<i64>,
        ),
    );
    let stints: Vec<StintRow> = bth::table
        .inner_join(org_nodes::table.on(org_nodes::id.eq(bth::building_id)))
        .filter(bth::team_id.eq_any(&ids))
        .order((bth::added_at.asc(), bth::id.asc()))
        .select((
            bth::team_id,
            org_nodes::id,
            org_nodes::path,
            org_nodes::code,
            org_nodes::name,
            (
                bth::added_at,
                bth::added_by,
                bth::removed_at,
                bth::removed_by,
            ),
        ))
        .load(conn)?;
    let mut history: HashMap<i64, Vec<BuildingStint>> = HashMap::new();
    for (team, id, path, code, name, (added_at, added_by, removed_at, removed_by)) in stints {
        history.entry(team).or_default().push(BuildingStint {
            building: TeamBuilding {
                id: OrgNodeId(id),
                path: NodePath::parse(&path).map_err(corrupt)?,
                code,
                name,
            },
            added_at: from_db(added_at),
            added_by: added_by.map(UserId),
            removed_at: opt_from_db(removed_at),
            removed_by: removed_by.map(UserId),
        });
    }
    rows.into_iter()
        .map(
            |(id, community, name, created_at, dissolved_at, dissolved_by, community_path)| {
                Ok(Team {
                    id,
                    community_id: OrgNodeId(community),
                    community_path: NodePath::parse(&community_path).map_err(corrupt)?,
                    name,
                    created_at: from_db(created_at),
                    dissolved_at: opt_from_db(dissolved_at),
                    dissolved_by: dissolved_by.map(UserId),
                    buildings: by_team.remove(&id).unwrap_or_default(),
                    history: history.remove(&id).unwrap_or_default(),
                })
            },
        )
        .collect()
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
