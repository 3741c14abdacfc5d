//! Routes: building butler teams (楼栋"兴管家") — community staff set them up, everyone they
//! serve sees who they are — and a resident's own butlers.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use linli_domain::OrgNodeId;
use linli_domain::binding::BindingStatus;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::butlers::teams::{
    self, MemberList, MemberView, MembersParams, NewMemberBody, NewTeamBody, PublicButler,
    TeamBuildingBody, TeamList, TeamPatch, TeamView, TeamsParams, public_butlers,
};
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::{Json, Query};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(create_team)
        .service(list_teams)
        .service(show_team)
        .service(team_members)
        .service(add_member)
        .service(end_member)
        .service(my_butlers)
        .service(rename_team)
        .service(add_team_building)
        .service(remove_team_building)
        .service(dissolve_team);
}

/// Sets up a butler team for buildings of one community (community staff and the levels above,
/// over every building named). A building has at most one team.
#[utoipa::path(tag = "butlers", security(("bearer" = [])), request_body = NewTeamBody, responses(
    (status = 201, body = TeamView),
    (status = 409, description = "A building has a team already (`butler_team.building_taken`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid fields; unknown buildings or buildings outside the caller's subtree; buildings of several communities", body = ErrorEnvelope),
))]
#[post("/butler-teams")]
pub async fn create_team(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewTeamBody>,
) -> Result<HttpResponse, ApiError> {
    let team = teams::create(&state, auth.actor, body.0).await?;
    Ok(HttpResponse::Created().json(team))
}

/// The teams of the buildings the caller sees by area (their buildings, grid, community…),
/// and every team of a community the caller sees whole. Dissolved teams only with
/// `include_dissolved=true`.
#[utoipa::path(tag = "butlers", security(("bearer" = [])), params(TeamsParams), responses(
    (status = 200, body = TeamList),
    (status = 401, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/butler-teams")]
pub async fn list_teams(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<TeamsParams>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(teams::list(&state, auth.actor, params.into_inner()).await?))
}

/// One team with its buildings, its building history and its active members (every stint
/// with `include_past=true`). A dissolved team still shows, with `dissolved_at`.
#[utoipa::path(tag = "butlers", security(("bearer" = [])), params(("id" = i64, Path), MembersParams), responses(
    (status = 200, body = TeamView),
    (status = 404, description = "No such team, or not in the caller's area (`butler_team.not_found`)", body = ErrorEnvelope),
))]
#[get("/butler-teams/{id}")]
pub async fn show_team(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    params: Query<MembersParams>,
) -> Result<HttpResponse, ApiError> {
    let past = params.into_inner().include_past.unwrap_or(false);
    Ok(HttpResponse::Ok().json(teams::show(&state, auth.actor, *id, past).await?))
}

/// A team's members; with `include_past=true` its history: every stint, with who added and
/// who ended it, oldest first.
#[utoipa::path(tag = "butlers", security(("bearer" = [])), params(("id" = i64, Path), MembersParams), responses(
    (status = 200, body = MemberList),
    (status = 404, body = ErrorEnvelope),
))]
#[get("/butler-teams/{id}/members")]
pub async fn team_members(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    params: Query<MembersParams>,
) -> Result<HttpResponse, ApiError> {
    let past = params.into_inner().include_past.unwrap_or(false);
    Ok(HttpResponse::Ok().json(teams::members(&state, auth.actor, *id, past).await?))
}

/// Adds a member. One with an account (`user_id`) is given the butler role on every building
/// of the team, so they can sign in and log work there; the caller must be allowed to grant it.
#[utoipa::path(tag = "butlers", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NewMemberBody, responses(
    (status = 201, body = MemberView),
    (status = 403, description = "The caller does not administer the team's buildings (`butler_team.forbidden`)", body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "The account is on the team already (`butler_member.duplicate`), or the team is dissolved (`butler_team.dissolved`)", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/butler-teams/{id}/members")]
pub async fn add_member(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<NewMemberBody>,
) -> Result<HttpResponse, ApiError> {
    let m = teams::add_member(&state, auth.actor, *id, body.0).await?;
    Ok(HttpResponse::Created().json(m))
}

/// Ends a membership: the row stays in the team's history with the date and who ended it; the
/// butler roles the membership granted end with it.
#[utoipa::path(tag = "butlers", security(("bearer" = [])), params(("id" = i64, Path), ("member_id" = i64, Path)), responses(
    (status = 200, body = MemberView),
    (status = 403, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Left already (`butler_member.already_left`), or the team is dissolved (`butler_team.dissolved`)", body = ErrorEnvelope),
))]
#[delete("/butler-teams/{id}/members/{member_id}")]
pub async fn end_member(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, member) = path.into_inner();
    Ok(HttpResponse::Ok().json(teams::end_member(&state, auth.actor, id, member).await?))
}

/// The butlers of one of the caller's households.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdButlers {
    /// The household.
    pub household_id: i64,
    /// Its name (unit and room).
    pub household_name: String,
    /// The building's code.
    pub building_code: Option<String>,
    /// The building's name.
    pub building_name: String,
    /// The building's butlers, the leader first: names and public work phones.
    pub butlers: Vec<PublicButler>,
}

/// A resident's butlers.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyButlers {
    /// One entry per household the caller is bound to.
    pub items: Vec<HouseholdButlers>,
}

/// Who the caller's butlers are and how to reach them: the butler team of each household the
/// caller is bound to (approved bindings).
#[utoipa::path(tag = "butlers", security(("bearer" = [])), responses(
    (status = 200, body = MyButlers),
    (status = 401, body = ErrorEnvelope),
))]
#[get("/me/butlers")]
pub async fn my_butlers(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let user = auth.actor.user_id;
    let items = state
        .db
        .read(move |conn| {
            let mut items = Vec::new();
            for b in linli_persistence::bindings::of_user(conn, user)? {
                if b.status != BindingStatus::Approved {
                    continue;
                }
                let ids = b.household_path.ids();
                let Some(building) = ids.len().checked_sub(2).map(|i| ids[i]) else {
                    continue;
                };
                items.push(HouseholdButlers {
                    household_id: b.household_id.0,
                    household_name: b.household_name,
                    building_code: b.building_code,
                    building_name: b.building_name,
                    butlers: public_butlers(conn, OrgNodeId(building.0))?,
                });
            }
            Ok(items)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MyButlers { items }))
}

/// Renames a team (community staff of its community, and the levels above).
#[utoipa::path(tag = "butlers", security(("bearer" = [])), params(("id" = i64, Path)), request_body = TeamPatch, responses(
    (status = 200, body = TeamView),
    (status = 403, description = "The caller does not administer the team's community (`butler_team.forbidden`)", body = ErrorEnvelope),
    (status = 404, description = "`butler_team.not_found`", body = ErrorEnvelope),
    (status = 409, description = "The team is dissolved (`butler_team.dissolved`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid name (`validation.failed`)", body = ErrorEnvelope),
))]
#[patch("/butler-teams/{id}")]
pub async fn rename_team(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<TeamPatch>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(teams::rename(&state, auth.actor, *id, body.0).await?))
}

/// Adds a building to a team: a building of the team's community that has no team. Every
/// active member with an account is given the butler role on it (where they lack it), as
/// joining does. Answers the team.
#[utoipa::path(tag = "butlers", security(("bearer" = [])), params(("id" = i64, Path)), request_body = TeamBuildingBody, responses(
    (status = 201, body = TeamView),
    (status = 403, description = "`butler_team.forbidden`", body = ErrorEnvelope),
    (status = 404, description = "`butler_team.not_found`", body = ErrorEnvelope),
    (status = 409, description = "The building has another team (`butler_team.building_taken`), the team serves it already (`butler_team.building_on_team`), or the team is dissolved (`butler_team.dissolved`)", body = ErrorEnvelope),
    (status = 422, description = "`building_id` unknown (`not_found`), not a building (`not_a_building`) or of another community (`other_community`) (`validation.failed`)", body = ErrorEnvelope),
))]
#[post("/butler-teams/{id}/buildings")]
pub async fn add_team_building(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<TeamBuildingBody>,
) -> Result<HttpResponse, ApiError> {
    let team = teams::add_building(&state, auth.actor, *id, body.0).await?;
    Ok(HttpResponse::Created().json(team))
}

/// Takes a building off a team: the butler roles the memberships granted on it end (roles
/// held otherwise stay), its card no longer lists the team, and its stint stays in
/// `building_history`. A team may be left with no building until it is dissolved.
#[utoipa::path(tag = "butlers", security(("bearer" = [])), params(("id" = i64, Path), ("building_id" = i64, Path)), responses(
    (status = 200, body = TeamView),
    (status = 403, description = "`butler_team.forbidden`", body = ErrorEnvelope),
    (status = 404, description = "No such team (`butler_team.not_found`), or it does not serve the building (`butler_team.building_not_found`)", body = ErrorEnvelope),
    (status = 409, description = "The team is dissolved (`butler_team.dissolved`)", body = ErrorEnvelope),
))]
#[delete("/butler-teams/{id}/buildings/{building_id}")]
pub async fn remove_team_building(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, building) = path.into_inner();
    Ok(HttpResponse::Ok().json(teams::remove_building(&state, auth.actor, id, building).await?))
}

/// Dissolves a team: every active membership ends (left by the caller, with the roles it
/// granted), its buildings are released, and the team is marked dissolved. Nothing is deleted:
/// the team still shows, with its history (`members` here lists every stint), but cannot be
/// changed and is left out of the default list.
#[utoipa::path(tag = "butlers", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = TeamView),
    (status = 403, description = "`butler_team.forbidden`", body = ErrorEnvelope),
    (status = 404, description = "`butler_team.not_found`", body = ErrorEnvelope),
    (status = 409, description = "Dissolved already (`butler_team.dissolved`)", body = ErrorEnvelope),
))]
#[delete("/butler-teams/{id}")]
pub async fn dissolve_team(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(teams::dissolve(&state, auth.actor, *id).await?))
}
