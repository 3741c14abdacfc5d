//! Setting up butler teams and their members. A member with an account holds the butler role
//! on the team's buildings for as long as they are on it (granted when they join, revoked when
//! they leave, unless they held it before); the building's card lists the active members.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use linli_domain::access::Actor;
use linli_domain::access::RoleKind;
use linli_domain::access::admin::{Label, RoleSite, check_grant};
use linli_domain::butler::{Duties, MemberKind, may_manage_team};
use linli_domain::org::{BuildingCode, NodeKind, NodePath};
use linli_domain::request::Visibility;
use linli_domain::text::PhoneNumber;
use linli_domain::{OrgNodeId, UserId};
use linli_persistence::butlers::teams::{self, BuildingStint, Member, NewMember, Team};
use linli_persistence::tx::transaction;
use linli_persistence::{StoreError, org, users};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::wire::{DutyDto, MemberKindDto};
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

/// A building a team serves.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamBuildingView {
    /// Node id.
    pub id: i64,
    /// Public code.
    #[schema(example = "DX-01-1")]
    pub code: Option<String>,
    /// Name.
    #[schema(example = "1号楼")]
    pub name: String,
}

/// One stint of a member on a team.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// Member id (of this stint).
    pub id: i64,
    /// Their account, when they have one (they then hold the butler role on the buildings).
    pub user_id: Option<i64>,
    /// Name.
    #[schema(example = "刘兴管家")]
    pub display_name: String,
    /// What they are.
    pub kind: MemberKindDto,
    /// Their duties.
    pub duties: Vec<DutyDto>,
    /// The team leader (楼栋长).
    pub leader: bool,
    /// Public work phone, printed on the building's card.
    #[schema(example = "13992900101")]
    pub work_phone: Option<String>,
    /// True while on the team.
    pub active: bool,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// Who added them.
    pub joined_by: Option<i64>,
    /// When they left.
    pub left_at: Option<DateTime<Utc>>,
    /// Who ended the membership.
    pub left_by: Option<i64>,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        MemberView {
            id: m.id,
            user_id: m.user_id.map(|u| u.0),
            display_name: m.display_name,
            kind: m.kind.into(),
            duties: m.duties.as_slice().iter().map(|d| (*d).into()).collect(),
            leader: m.leader,
            work_phone: m.work_phone,
            active: m.left_at.is_none(),
            joined_at: m.joined_at,
            joined_by: m.joined_by.map(|u| u.0),
            left_at: m.left_at,
            left_by: m.left_by.map(|u| u.0),
        }
    }
}

/// One stint of a building on a team.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuildingStintView {
    /// The building.
    pub building: TeamBuildingView,
    /// When it joined the team.
    pub added_at: DateTime<Utc>,
    /// Who added it (null for the demo's and imported teams).
    pub added_by: Option<i64>,
    /// When it left the team; null while the team serves it.
    pub removed_at: Option<DateTime<Utc>>,
    /// Who removed it (or dissolved the team).
    pub removed_by: Option<i64>,
}

impl From<BuildingStint> for BuildingStintView {
    fn from(s: BuildingStint) -> Self {
        BuildingStintView {
            building: TeamBuildingView {
                id: s.building.id.0,
                code: s.building.code,
                name: s.building.name,
            },
            added_at: s.added_at,
            added_by: s.added_by.map(|u| u.0),
            removed_at: s.removed_at,
            removed_by: s.removed_by.map(|u| u.0),
        }
    }
}

/// A butler team (兴管家服务团) with its buildings and active members.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    /// Id.
    pub id: i64,
    /// Name.
    #[schema(example = "天兴都市花园1号楼兴管家")]
    pub name: String,
    /// The community.
    pub community_id: i64,
    /// The buildings it serves.
    pub buildings: Vec<TeamBuildingView>,
    /// Its active members, the leader first (every stint, oldest first, when asked for
    /// `include_past`).
    pub members: Vec<MemberView>,
    /// When it was set up.
    pub created_at: DateTime<Utc>,
    /// When it was dissolved; null while it works. A dissolved team serves no building, has
    /// no active member and cannot be changed.
    pub dissolved_at: Option<DateTime<Utc>>,
    /// Who dissolved it.
    pub dissolved_by: Option<i64>,
    /// Every stint of a building on the team, the current ones included, oldest first.
    pub building_history: Vec<BuildingStintView>,
}

/// Teams.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamList {
    /// By id.
    pub items: Vec<TeamView>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// A member's stints, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberList {
    /// The members.
    pub items: Vec<MemberView>,
}

/// A new team.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTeamBody {
    /// Its name, 1–100 characters.
    #[schema(example = "天兴都市花园1号楼兴管家")]
    pub name: String,
    /// The buildings it serves (their public codes), of one community; each has no team yet.
    #[schema(example = json!(["DX-01-1"]))]
    pub building_codes: Vec<String>,
}

/// A new member.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMemberBody {
    /// Their account, if they have one: they are given the butler role on the team's
    /// buildings. Without one, `display_name` is required.
    pub user_id: Option<i64>,
    /// Their name on the card; default the account's display name.
    pub display_name: Option<String>,
    /// What they are.
    pub kind: MemberKindDto,
    /// Their duties.
    #[serde(default)]
    pub duties: Vec<DutyDto>,
    /// The team leader (楼栋长).
    #[serde(default)]
    pub leader: bool,
    /// Public work phone; default the account's public contact phone.
    #[schema(example = "13992900101")]
    pub work_phone: Option<String>,
}

/// A team's new name.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TeamPatch {
    /// Its name, 1–100 characters.
    #[schema(example = "天兴都市花园1号楼兴管家服务团")]
    pub name: String,
}

/// A building for a team.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TeamBuildingBody {
    /// The building's node id: a building of the team's community without a team.
    pub building_id: i64,
}

/// Which stints to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembersParams {
    /// Also those who left (the team's history); default false.
    pub include_past: Option<bool>,
}

/// Which teams to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamsParams {
    /// Page size, 1–100; default 20.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Also dissolved teams; default false.
    pub include_dissolved: Option<bool>,
}

pub(crate) fn team_not_found() -> ApiError {
    ApiError::not_found(
        "butler_team.not_found",
        Msg::new("兴管家服务团不存在", "No such butler team"),
    )
}

fn forbidden() -> ApiError {
    ApiError::forbidden(
        "butler_team.forbidden",
        Msg::new(
            "您无权管理该兴管家服务团",
            "You may not manage this butler team",
        ),
    )
}

fn dissolved() -> ApiError {
    ApiError::conflict(
        "butler_team.dissolved",
        Msg::new(
            "该兴管家服务团已解散，不能再修改",
            "The butler team is dissolved and cannot be changed",
        ),
    )
}

fn building_taken() -> ApiError {
    ApiError::conflict(
        "butler_team.building_taken",
        Msg::new(
            "该楼栋已有兴管家服务团",
            "A building named already has a butler team",
        ),
    )
}

fn field(field: &str, code: &'static str, zh: &str, en: &str) -> ApiError {
    let mut f = Fields::new();
    f.push(field, code, zh, en);
    f.finish().expect_err("one error")
}

/// True when the actor sees the team: they see its community by area, or one of the buildings
/// it serves; a dissolved team also by a building it once served.
fn sees(actor: &Actor, team: &Team) -> bool {
    let v = Visibility::of(actor);
    let seen = |p: &NodePath| v.subtrees.iter().any(|s| s.contains(p));
    seen(&team.community_path)
        || team.buildings.iter().any(|b| seen(&b.path))
        || (team.dissolved_at.is_some() && team.history.iter().any(|s| seen(&s.building.path)))
}

/// Community staff of the team's community, and the levels above.
fn manages(actor: &Actor, team: &Team) -> bool {
    may_manage_team(actor, &team.community_path)
}

fn view(team: Team, members: Vec<Member>) -> TeamView {
    TeamView {
        id: team.id,
        name: team.name,
        community_id: team.community_id.0,
        buildings: team
            .buildings
            .into_iter()
            .map(|b| TeamBuildingView {
                id: b.id.0,
                code: b.code,
                name: b.name,
            })
            .collect(),
        members: members.into_iter().map(Into::into).collect(),
        created_at: team.created_at,
        dissolved_at: team.dissolved_at,
        dissolved_by: team.dissolved_by.map(|u| u.0),
        building_history: team.history.into_iter().map(Into::into).collect(),
    }
}

/// Inside a write transaction: takes the team for writing (changes to one team take turns)
/// and loads it fresh; 404 when the actor does not see it, 403 when they do not manage it,
/// 409 `butler_team.dissolved` when it is dissolved.
fn load_for_change(
    conn: &mut linli_persistence::DbConnection,
    actor: &Actor,
    id: i64,
) -> Result<Team, ApiError> {
    match teams::lock_team(conn, id) {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(team_not_found()),
        Err(e) => return Err(e.into()),
    }
    let team = load_seen(conn, actor, id)?;
    if !manages(actor, &team) {
        return Err(forbidden());
    }
    if team.dissolved_at.is_some() {
        return Err(dissolved());
    }
    Ok(team)
}

fn forget_all(state: &AppState, accounts: &[UserId]) {
    for u in accounts {
        state.caches.actors.forget(u);
    }
}

/// Sets up a team for buildings of one community the actor administers.
pub async fn create(
    state: &AppState,
    actor: Actor,
    body: NewTeamBody,
) -> Result<TeamView, ApiError> {
    let mut f = Fields::new();
    let name = match Label::parse(&body.name) {
        Ok(n) => Some(n),
        Err(e) => {
            f.push(
                "name",
                "invalid",
                "名称应为 1 到 100 个字的一行文字",
                e.to_string(),
            );
            None
        }
    };
    let mut codes = Vec::new();
    for c in &body.building_codes {
        match BuildingCode::parse(c) {
            Ok(code) => codes.push(code),
            Err(_) => f.push(
                "building_codes",
                "not_found",
                "楼栋不存在",
                "No building has this code",
            ),
        }
    }
    if body.building_codes.is_empty() {
        f.push(
            "building_codes",
            "required",
            "请至少选择一个楼栋",
            "Name at least one building",
        );
    }
    f.finish()?;
    let name = name.expect("checked");
    let now = state.clock.now();
    let team = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let mut buildings = Vec::new();
                for code in &codes {
                    match org::find_building(conn, code.as_str()) {
                        Ok(b) if actor.administers(&b.path) => buildings.push(b),
                        // Outside the actor's subtree is as unknown.
                        Ok(_) | Err(StoreError::NotFound) => {
                            return Err(field(
                                "building_codes",
                                "not_found",
                                "楼栋不存在",
                                "No building has this code",
                            ));
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                buildings.dedup_by_key(|b| b.id);
                let community = buildings[0].community_id;
                if community.is_none() || buildings.iter().any(|b| b.community_id != community) {
                    return Err(field(
                        "building_codes",
                        "other_community",
                        "一个兴管家服务团只能服务同一社区的楼栋",
                        "A team serves buildings of one community",
                    ));
                }
                let community = community.expect("checked");
                match teams::create_team(
                    conn,
                    community,
                    name.as_str(),
                    &buildings,
                    Some(actor.user_id),
                    now,
                ) {
                    Err(StoreError::Duplicate(_)) => Err(building_taken()),
                    other => Ok(other?),
                }
            })
        })
        .await?;
    Ok(view(team, Vec::new()))
}

/// One team the actor sees (by area), dissolved or not, with its active members (or every
/// stint, oldest first, with `include_past`).
pub async fn show(
    state: &AppState,
    actor: Actor,
    id: i64,
    include_past: bool,
) -> Result<TeamView, ApiError> {
    state
        .db
        .read(move |conn| {
            let team = load_seen(conn, &actor, id)?;
            let mut members = teams::members(conn, id, include_past)?;
            if include_past {
                members.sort_by_key(|m| (m.joined_at, m.id));
            }
            Ok(view(team, members))
        })
        .await
}

fn load_seen(
    conn: &mut linli_persistence::DbConnection,
    actor: &Actor,
    id: i64,
) -> Result<Team, ApiError> {
    match teams::get_team(conn, id) {
        Ok(t) if sees(actor, &t) => Ok(t),
        Ok(_) | Err(StoreError::NotFound) => Err(team_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// The teams of the buildings the actor sees by area, by id.
pub async fn list(state: &AppState, actor: Actor, p: TeamsParams) -> Result<TeamList, ApiError> {
    let mut f = Fields::new();
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        f.push(
            "limit",
            "out_of_range",
            "limit 应为 1 到 100",
            "limit must be 1 to 100",
        );
    }
    let after = match p.cursor.as_deref() {
        None => 0,
        Some(c) => c.parse::<i64>().unwrap_or_else(|_| {
            f.push("cursor", "invalid", "分页游标无效", "Invalid cursor");
            0
        }),
    };
    f.finish()?;
    let include_dissolved = p.include_dissolved.unwrap_or(false);
    state
        .db
        .read(move |conn| {
            let subtrees = Visibility::of(&actor).subtrees;
            let all = teams::teams_in_subtrees(conn, &subtrees, include_dissolved)?;
            let mut page: Vec<Team> = all.into_iter().filter(|t| t.id > after).collect();
            let more = page.len() as i64 > limit;
            page.truncate(limit as usize);
            let next_cursor = more
                .then(|| page.last().map(|t| t.id.to_string()))
                .flatten();
            let mut items = Vec::new();
            for t in page {
                let members = teams::members(conn, t.id, false)?;
                items.push(view(t, members));
            }
            Ok(TeamList { items, next_cursor })
        })
        .await
}

/// A team's members, the active ones or every stint.
pub async fn members(
    state: &AppState,
    actor: Actor,
    id: i64,
    include_past: bool,
) -> Result<MemberList, ApiError> {
    state
        .db
        .read(move |conn| {
            load_seen(conn, &actor, id)?;
            let mut items = teams::members(conn, id, include_past)?;
            if include_past {
                items.sort_by_key(|m| (m.joined_at, m.id));
            }
            Ok(MemberList {
                items: items.into_iter().map(Into::into).collect(),
            })
        })
        .await
}

/// Adds a member. With an account: the actor must be allowed to grant it the butler role on
/// every building of the team, and it gets that role.
pub async fn add_member(
    state: &AppState,
    actor: Actor,
    team_id: i64,
    body: NewMemberBody,
) -> Result<MemberView, ApiError> {
    let mut f = Fields::new();
    let display_name = match body.display_name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => match Label::parse(n) {
            Ok(l) => Some(l.as_str().to_owned()),
            Err(e) => {
                f.push(
                    "display_name",
                    "invalid",
                    "姓名应为 1 到 100 个字的一行文字",
                    e.to_string(),
                );
                None
            }
        },
    };
    if body.user_id.is_none() && display_name.is_none() && f.is_empty() {
        f.push(
            "display_name",
            "required",
            "请填写姓名",
            "display_name is required without user_id",
        );
    }
    let phone = match body.work_phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => f.check("work_phone", PhoneNumber::parse(p)),
    };
    f.finish()?;
    let kind: MemberKind = body.kind.into();
    let duties = Duties::new(body.duties.iter().map(|d| (*d).into()));
    let user = body.user_id.map(UserId);
    let now = state.clock.now();
    let member = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let team = load_for_change(conn, &actor, team_id)?;
                let (name, phone) = match user {
                    Some(u) => {
                        let account = match users::get_user(conn, u) {
                            Ok(a) if a.active && a.username.is_some() => a,
                            Ok(_) | Err(StoreError::NotFound) => {
                                return Err(field(
                                    "user_id",
                                    "not_found",
                                    "账号不存在",
                                    "No such staff account",
                                ));
                            }
                            Err(e) => return Err(e.into()),
                        };
                        for b in &team.buildings {
                            let site = RoleSite::Node {
                                kind: NodeKind::Building,
                                path: &b.path,
                            };
                            check_grant(&actor, RoleKind::Butler, &site)
                                .map_err(|_| forbidden())?;
                        }
                        (
                            display_name.clone().unwrap_or(account.display_name),
                            phone
                                .as_ref()
                                .map(|p| p.as_str().to_owned())
                                .or(account.contact_phone),
                        )
                    }
                    None => (
                        display_name.clone().expect("checked"),
                        phone.as_ref().map(|p| p.as_str().to_owned()),
                    ),
                };
                let new = NewMember {
                    user_id: user,
                    display_name: &name,
                    kind,
                    duties: &duties,
                    leader: body.leader,
                    work_phone: phone.as_deref(),
                };
                match teams::add_member(conn, &team, &new, Some(actor.user_id), now) {
                    Err(StoreError::Duplicate(_)) => Err(ApiError::conflict(
                        "butler_member.duplicate",
                        Msg::new(
                            "该账号已在本服务团中",
                            "This account is on the team already",
                        ),
                    )),
                    other => Ok(other?),
                }
            })
        })
        .await?;
    if let Some(u) = member.user_id {
        // Their roles changed: their next call must not see the old ones here.
        state.caches.actors.forget(&u);
    }
    Ok(member.into())
}

/// Ends a membership (the row stays, as history); the roles it granted end with it.
pub async fn end_member(
    state: &AppState,
    actor: Actor,
    team_id: i64,
    member_id: i64,
) -> Result<MemberView, ApiError> {
    let now = state.clock.now();
    let member = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                teams::lock_team(conn, team_id).or_else(|e| match e {
                    StoreError::NotFound => Ok(()),
                    e => Err(e),
                })?;
                let team = load_seen(conn, &actor, team_id)?;
                let member = match teams::get_member(conn, member_id) {
                    Ok(m) if m.team_id == team.id => m,
                    Ok(_) | Err(StoreError::NotFound) => {
                        return Err(ApiError::not_found(
                            "butler_member.not_found",
                            Msg::new("成员不存在", "No such team member"),
                        ));
                    }
                    Err(e) => return Err(e.into()),
                };
                if !manages(&actor, &team) {
                    return Err(forbidden());
                }
                if team.dissolved_at.is_some() {
                    return Err(dissolved());
                }
                if !teams::end_member(conn, member.id, Some(actor.user_id), now)? {
                    return Err(ApiError::conflict(
                        "butler_member.already_left",
                        Msg::new("该成员已离开服务团", "The member has left the team already"),
                    ));
                }
                Ok(teams::get_member(conn, member.id)?)
            })
        })
        .await?;
    if let Some(u) = member.user_id {
        state.caches.actors.forget(&u);
    }
    Ok(member.into())
}

/// Renames a team.
pub async fn rename(
    state: &AppState,
    actor: Actor,
    id: i64,
    body: TeamPatch,
) -> Result<TeamView, ApiError> {
    let mut f = Fields::new();
    let name = match Label::parse(&body.name) {
        Ok(n) => Some(n),
        Err(e) => {
            f.push(
                "name",
                "invalid",
                "名称应为 1 到 100 个字的一行文字",
                e.to_string(),
            );
            None
        }
    };
    f.finish()?;
    let name = name.expect("checked");
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                load_for_change(conn, &actor, id)?;
                teams::rename_team(conn, id, name.as_str())?;
                let members = teams::members(conn, id, false)?;
                Ok(view(teams::get_team(conn, id)?, members))
            })
        })
        .await
}

/// Adds a building of the team's community that has no team; the active members with an
/// account get the butler role on it.
pub async fn add_building(
    state: &AppState,
    actor: Actor,
    id: i64,
    body: TeamBuildingBody,
) -> Result<TeamView, ApiError> {
    let now = state.clock.now();
    let (team, changed) = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let team = load_for_change(conn, &actor, id)?;
                let building = match org::get_node(conn, OrgNodeId(body.building_id)) {
                    Ok(b) => b,
                    Err(StoreError::NotFound) => {
                        return Err(field(
                            "building_id",
                            "not_found",
                            "楼栋不存在",
                            "No such building",
                        ));
                    }
                    Err(e) => return Err(e.into()),
                };
                if building.kind != NodeKind::Building {
                    return Err(field(
                        "building_id",
                        "not_a_building",
                        "该节点不是楼栋",
                        "This node is not a building",
                    ));
                }
                if building.community_id != Some(team.community_id) {
                    return Err(field(
                        "building_id",
                        "other_community",
                        "一个兴管家服务团只能服务同一社区的楼栋",
                        "A team serves buildings of one community",
                    ));
                }
                let site = RoleSite::Node {
                    kind: NodeKind::Building,
                    path: &building.path,
                };
                check_grant(&actor, RoleKind::Butler, &site).map_err(|_| forbidden())?;
                match teams::team_of_building(conn, building.id)? {
                    Some(t) if t == team.id => {
                        return Err(ApiError::conflict(
                            "butler_team.building_on_team",
                            Msg::new(
                                "该楼栋已由本服务团服务",
                                "The team serves this building already",
                            ),
                        ));
                    }
                    Some(_) => return Err(building_taken()),
                    None => {}
                }
                let changed =
                    match teams::add_building(conn, &team, &building, Some(actor.user_id), now) {
                        // Another team took it meanwhile.
                        Err(StoreError::Duplicate(_)) => return Err(building_taken()),
                        other => other?,
                    };
                let members = teams::members(conn, id, false)?;
                Ok((view(teams::get_team(conn, id)?, members), changed))
            })
        })
        .await?;
    forget_all(state, &changed);
    Ok(team)
}

/// Takes a building off a team; the butler roles the memberships granted on it end.
pub async fn remove_building(
    state: &AppState,
    actor: Actor,
    id: i64,
    building: i64,
) -> Result<TeamView, ApiError> {
    let now = state.clock.now();
    let (team, changed) = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                load_for_change(conn, &actor, id)?;
                let changed = match teams::remove_building(
                    conn,
                    id,
                    OrgNodeId(building),
                    Some(actor.user_id),
                    now,
                ) {
                    Err(StoreError::NotFound) => {
                        return Err(ApiError::not_found(
                            "butler_team.building_not_found",
                            Msg::new(
                                "该服务团不服务此楼栋",
                                "The team does not serve this building",
                            ),
                        ));
                    }
                    other => other?,
                };
                let members = teams::members(conn, id, false)?;
                Ok((view(teams::get_team(conn, id)?, members), changed))
            })
        })
        .await?;
    forget_all(state, &changed);
    Ok(team)
}

/// Dissolves a team: every active membership ends (with the roles it granted), its buildings
/// are released, and it is marked dissolved. Nothing is deleted.
pub async fn dissolve(state: &AppState, actor: Actor, id: i64) -> Result<TeamView, ApiError> {
    let now = state.clock.now();
    let (team, changed) = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let team = load_for_change(conn, &actor, id)?;
                let changed = teams::dissolve_team(conn, &team, Some(actor.user_id), now)?;
                let members = teams::members(conn, id, true)?;
                let mut members = members;
                members.sort_by_key(|m| (m.joined_at, m.id));
                Ok((view(teams::get_team(conn, id)?, members), changed))
            })
        })
        .await?;
    forget_all(state, &changed);
    Ok(team)
}

/// A butler as residents and the card see them: name, what they do, public phone.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicButler {
    /// Name.
    #[schema(example = "刘兴管家")]
    pub display_name: String,
    /// Public work phone.
    #[schema(example = "13992900101")]
    pub contact_phone: Option<String>,
    /// What they are.
    pub kind: MemberKindDto,
    /// Their duties.
    pub duties: Vec<DutyDto>,
    /// The team leader (楼栋长).
    pub leader: bool,
}

impl From<Member> for PublicButler {
    fn from(m: Member) -> Self {
        PublicButler {
            display_name: m.display_name,
            contact_phone: m.work_phone,
            kind: m.kind.into(),
            duties: m.duties.as_slice().iter().map(|d| (*d).into()).collect(),
            leader: m.leader,
        }
    }
}

/// The active members serving a building, leader first, as the public sees them.
pub fn public_butlers(
    conn: &mut linli_persistence::DbConnection,
    building: OrgNodeId,
) -> Result<Vec<PublicButler>, ApiError> {
    let mut by: HashMap<OrgNodeId, Vec<Member>> = teams::active_members_of(conn, &[building])?;
    Ok(by
        .remove(&building)
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect())
}
