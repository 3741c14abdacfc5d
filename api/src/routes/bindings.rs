//! Household binding over HTTP: a resident's own bindings under `/me/households`, the
//! deciders' queue under `/household-bindings`, and a building's households to choose from.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use linli_domain::OrgNodeId;
use linli_domain::binding::BindingAction;
use linli_domain::org::{BuildingCode, NodeKind};
use linli_domain::text::Note;
use linli_persistence::bindings::Binding;
use linli_persistence::{StoreError, org};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::bindings::{self, BindingStatusDto, QueueParams};
use crate::error::{ApiError, ErrorEnvelope, Msg};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::validation::Fields;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(building_households)
        .service(request_binding)
        .service(my_bindings)
        .service(leave_binding)
        .service(binding_queue)
        .service(approve_binding)
        .service(reject_binding);
}

/// The household a binding is for.
#[derive(Debug, Serialize, ToSchema)]
pub struct BindingHousehold {
    /// Household node id.
    id: i64,
    /// Unit and room.
    #[schema(example = "1单元101")]
    name: String,
    /// The building's name.
    #[schema(example = "1号楼")]
    building_name: String,
    /// The building's public code.
    #[schema(example = "DX-01-1")]
    building_code: Option<String>,
}

/// Who asked.
#[derive(Debug, Serialize, ToSchema)]
pub struct BindingResident {
    /// User id.
    id: i64,
    /// Display name.
    display_name: String,
}

/// A household binding.
#[derive(Debug, Serialize, ToSchema)]
pub struct BindingView {
    /// Its id.
    id: i64,
    /// Where it stands.
    status: BindingStatusDto,
    /// The household.
    household: BindingHousehold,
    /// The resident who asked.
    resident: BindingResident,
    /// What the resident said (e.g. "户主的女儿").
    note: Option<String>,
    /// Why it was rejected.
    reason: Option<String>,
    /// When it was asked for.
    requested_at: DateTime<Utc>,
    /// When it was approved or rejected.
    decided_at: Option<DateTime<Utc>>,
    /// When it was withdrawn or left.
    left_at: Option<DateTime<Utc>>,
}

impl From<Binding> for BindingView {
    fn from(b: Binding) -> Self {
        BindingView {
            id: b.id,
            status: b.status.into(),
            household: BindingHousehold {
                id: b.household_id.0,
                name: b.household_name,
                building_name: b.building_name,
                building_code: b.building_code,
            },
            resident: BindingResident {
                id: b.user_id.0,
                display_name: b.user_name,
            },
            note: b.note,
            reason: b.reason,
            requested_at: b.requested_at,
            decided_at: b.decided_at,
            left_at: b.left_at,
        }
    }
}

/// Bindings.
#[derive(Debug, Serialize, ToSchema)]
pub struct BindingList {
    /// Newest first.
    items: Vec<BindingView>,
    /// Pass as `before` for the next page; null on the last page.
    next_before: Option<i64>,
}

/// A household of a building.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdItem {
    /// Household node id (give it as `household_id`).
    id: i64,
    /// Unit and room.
    #[schema(example = "1单元101")]
    name: String,
}

/// A building's households.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdList {
    /// By name.
    items: Vec<HouseholdItem>,
}

/// A request to be bound.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BindingRequestBody {
    /// The household (from `GET /buildings/{code}/households`).
    household_id: i64,
    /// Who you are in the household, up to 1,000 characters.
    #[schema(example = "户主的女儿")]
    note: Option<String>,
}

/// Why a binding is rejected.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RejectBody {
    /// Shown to the resident (1–1,000 characters).
    #[schema(example = "经核实，该户无此成员")]
    reason: String,
}

fn page(items: Vec<Binding>, limit: i64) -> BindingList {
    let next_before = (items.len() as i64 == limit)
        .then(|| items.last().map(|b| b.id))
        .flatten();
    BindingList {
        items: items.into_iter().map(Into::into).collect(),
        next_before,
    }
}

/// The households of a building, for a resident choosing theirs.
#[utoipa::path(tag = "households", security(("bearer" = [])), params(("code" = String, Path)), responses(
    (status = 200, body = HouseholdList),
    (status = 401, body = ErrorEnvelope),
    (status = 404, body = ErrorEnvelope),
))]
#[get("/buildings/{code}/households")]
pub async fn building_households(
    state: web::Data<AppState>,
    _auth: Auth,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let not_found = || {
        ApiError::not_found(
            "building.not_found",
            Msg::new("楼栋不存在", "No such building"),
        )
    };
    let code = BuildingCode::parse(&code).map_err(|_| not_found())?;
    let items = state
        .db
        .read(move |conn| {
            let (building, _) = match org::find_building_and_compound(conn, code.as_str()) {
                Ok(found) => found,
                Err(StoreError::NotFound) => return Err(not_found()),
                Err(e) => return Err(e.into()),
            };
            Ok(org::children(conn, building.id)?
                .into_iter()
                .filter(|n| n.kind == NodeKind::Household)
                .map(|n| HouseholdItem {
                    id: n.id.0,
                    name: n.name,
                })
                .collect())
        })
        .await?;
    Ok(HttpResponse::Ok().json(HouseholdList { items }))
}

/// Asks to be bound to a household. A butler of the building or the community's staff decides;
/// until then the resident reports only for the building's common areas.
#[utoipa::path(tag = "households", security(("bearer" = [])), request_body = BindingRequestBody, responses(
    (status = 201, body = BindingView),
    (status = 403, description = "Not a resident (`binding.not_allowed`)", body = ErrorEnvelope),
    (status = 409, description = "Already asked for or bound (`binding.duplicate`)", body = ErrorEnvelope),
    (status = 422, description = "No such household, or a bad note", body = ErrorEnvelope),
))]
#[post("/me/households")]
pub async fn request_binding(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<BindingRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let mut f = Fields::new();
    let note = match body.0.note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => f.check("note", Note::parse(n)),
    };
    f.finish()?;
    let household = OrgNodeId(body.0.household_id);
    let b = bindings::request(&state, auth.actor, household, note).await?;
    Ok(HttpResponse::Created().json(BindingView::from(b)))
}

/// The caller's household bindings, newest first.
#[utoipa::path(tag = "households", security(("bearer" = [])), responses(
    (status = 200, body = BindingList),
    (status = 401, body = ErrorEnvelope),
))]
#[get("/me/households")]
pub async fn my_bindings(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let user = auth.actor.user_id;
    let items = state
        .db
        .read(move |conn| Ok(linli_persistence::bindings::of_user(conn, user)?))
        .await?;
    Ok(HttpResponse::Ok().json(BindingList {
        items: items.into_iter().map(Into::into).collect(),
        next_before: None,
    }))
}

/// Withdraws a pending binding or leaves a household: the resident role on it ends.
#[utoipa::path(tag = "households", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = BindingView),
    (status = 404, body = ErrorEnvelope),
    (status = 409, description = "Already rejected or left (`binding.invalid_transition`)", body = ErrorEnvelope),
))]
#[delete("/me/households/{id}")]
pub async fn leave_binding(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let b = bindings::act(&state, auth.actor, *id, BindingAction::Leave, None).await?;
    Ok(HttpResponse::Ok().json(BindingView::from(b)))
}

/// The bindings of households under the caller's butler or community-staff roles.
#[utoipa::path(tag = "households", security(("bearer" = [])), params(QueueParams), responses(
    (status = 200, body = BindingList),
    (status = 403, description = "Neither a butler nor community staff (`binding.not_allowed`)", body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[get("/household-bindings")]
pub async fn binding_queue(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<QueueParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        let mut f = Fields::new();
        f.push(
            "limit",
            "out_of_range",
            "limit 应为 1 到 100",
            "limit must be 1 to 100",
        );
        f.finish()?;
    }
    let items = bindings::queue(
        &state,
        auth.actor,
        p.status.map(Into::into),
        p.before,
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(page(items, limit)))
}

/// Approves a pending binding: the resident now holds the resident role on the household.
#[utoipa::path(tag = "households", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = BindingView),
    (status = 404, description = "Not found, or not under the caller's roles", body = ErrorEnvelope),
    (status = 409, description = "No longer pending (`binding.invalid_transition`)", body = ErrorEnvelope),
))]
#[post("/household-bindings/{id}/approve")]
pub async fn approve_binding(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let b = bindings::act(&state, auth.actor, *id, BindingAction::Approve, None).await?;
    Ok(HttpResponse::Ok().json(BindingView::from(b)))
}

/// Rejects a pending binding, with a reason the resident sees.
#[utoipa::path(tag = "households", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RejectBody, responses(
    (status = 200, body = BindingView),
    (status = 404, body = ErrorEnvelope),
    (status = 409, body = ErrorEnvelope),
    (status = 422, body = ErrorEnvelope),
))]
#[post("/household-bindings/{id}/reject")]
pub async fn reject_binding(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<RejectBody>,
) -> Result<HttpResponse, ApiError> {
    let reason = crate::requests::act::required_note("reason", &body.0.reason)?;
    let b = bindings::act(
        &state,
        auth.actor,
        *id,
        BindingAction::Reject,
        Some(reason.note),
    )
    .await?;
    Ok(HttpResponse::Ok().json(BindingView::from(b)))
}
