//! Household binding: residents ask, the building's butlers or the community's staff decide.
//! The rules are `linli_domain::binding`; this is where they meet storage and the role cache.

use linli_domain::access::{Actor, RoleKind};
use linli_domain::binding::{self as rules, BindingAction, BindingError, BindingStatus};
use linli_domain::org::NodeKind;
use linli_domain::text::Note;
use linli_domain::{OrgNodeId, UserId};
use linli_persistence::bindings::{self, Binding};
use linli_persistence::tx::transaction;
use linli_persistence::users::{self, RoleBinding};
use linli_persistence::{DbConnection, StoreError, org};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, FieldError, Msg};
use crate::state::AppState;

/// Where a binding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BindingStatusDto {
    /// Waiting for a butler or the community.
    Pending,
    /// Approved: the resident may report for the household.
    Approved,
    /// Rejected (see `reason`).
    Rejected,
    /// Withdrawn or left.
    Left,
}

impl From<BindingStatus> for BindingStatusDto {
    fn from(s: BindingStatus) -> Self {
        match s {
            BindingStatus::Pending => Self::Pending,
            BindingStatus::Approved => Self::Approved,
            BindingStatus::Rejected => Self::Rejected,
            BindingStatus::Left => Self::Left,
        }
    }
}

impl From<BindingStatusDto> for BindingStatus {
    fn from(s: BindingStatusDto) -> Self {
        match s {
            BindingStatusDto::Pending => Self::Pending,
            BindingStatusDto::Approved => Self::Approved,
            BindingStatusDto::Rejected => Self::Rejected,
            BindingStatusDto::Left => Self::Left,
        }
    }
}

/// Filters for the queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only bindings in this status (e.g. `pending`).
    pub status: Option<BindingStatusDto>,
    /// Only bindings older than this id (from `next_before`).
    pub before: Option<i64>,
    /// Page size, 1–100; default 20.
    pub limit: Option<i64>,
}

fn not_found() -> ApiError {
    ApiError::not_found(
        "binding.not_found",
        Msg::new("绑定申请不存在", "No such household binding"),
    )
}

fn refused(e: BindingError) -> ApiError {
    match e {
        BindingError::NotAllowed => ApiError::forbidden(
            "binding.not_allowed",
            Msg::new("无权处理该绑定申请", "You may not do this to the binding"),
        ),
        BindingError::InvalidTransition { from, .. } => ApiError::conflict(
            "binding.invalid_transition",
            Msg::new(
                format!("该绑定申请当前为“{}”，不能这样处理", zh(from)),
                format!("The binding is {}; that cannot be done now", from.as_str()),
            ),
        )
        .with_details(serde_json::json!({ "status": from.as_str() })),
    }
}

fn zh(s: BindingStatus) -> &'static str {
    match s {
        BindingStatus::Pending => "待审核",
        BindingStatus::Approved => "已通过",
        BindingStatus::Rejected => "已驳回",
        BindingStatus::Left => "已解除",
    }
}

/// A resident asks to be bound to a household.
pub async fn request(
    state: &AppState,
    actor: Actor,
    household: OrgNodeId,
    note: Option<Note>,
) -> Result<Binding, ApiError> {
    if !rules::may_request(&actor) {
        return Err(refused(BindingError::NotAllowed));
    }
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            let node = match org::get_node(conn, household) {
                Ok(n) if n.kind == NodeKind::Household => n,
                Ok(_) | Err(StoreError::NotFound) => {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "household_id",
                        "not_found",
                        Msg::new("住户不存在", "No such household"),
                    )]));
                }
                Err(e) => return Err(e.into()),
            };
            match bindings::request(
                conn,
                actor.user_id,
                &node,
                note.as_ref().map(Note::as_str),
                now,
            ) {
                Err(StoreError::Duplicate(_)) => Err(ApiError::conflict(
                    "binding.duplicate",
                    Msg::new(
                        "已申请或已绑定该住户",
                        "You have already asked for, or hold, this household",
                    ),
                )),
                other => Ok(other?),
            }
        })
        .await
}

/// The bindings a decider may see: households under their butler or community-staff roles.
pub async fn queue(
    state: &AppState,
    actor: Actor,
    status: Option<BindingStatus>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Binding>, ApiError> {
    let scopes: Vec<_> = actor
        .paths_of(RoleKind::Butler)
        .chain(actor.paths_of(RoleKind::CommunityStaff))
        .cloned()
        .collect();
    if scopes.is_empty() {
        return Err(refused(BindingError::NotAllowed));
    }
    state
        .db
        .read(move |conn| Ok(bindings::in_subtrees(conn, &scopes, status, before, limit)?))
        .await
}

/// Approves, rejects or leaves a binding. A binding the actor may not see is 404; one they
/// see but may not act on is 403; one that is no longer where it was is 409.
pub async fn act(
    state: &AppState,
    actor: Actor,
    id: i64,
    action: BindingAction,
    reason: Option<Note>,
) -> Result<Binding, ApiError> {
    let now = state.clock.now();
    let decided = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let b = match bindings::get(conn, id) {
                    Ok(b) => b,
                    Err(StoreError::NotFound) => return Err(not_found()),
                    Err(e) => return Err(e.into()),
                };
                let visible =
                    b.user_id == actor.user_id || rules::may_decide(&actor, &b.household_path);
                if !visible {
                    return Err(not_found());
                }
                let to = rules::decide(&actor, b.user_id, &b.household_path, b.status, action)
                    .map_err(refused)?;
                let reason = reason.as_ref().map(Note::as_str);
                if !bindings::transition(conn, id, b.status, to, Some(actor.user_id), reason, now)?
                {
                    // Someone else decided in between: tell against what is there now.
                    let now_status = bindings::get(conn, id)?.status;
                    return Err(refused(BindingError::InvalidTransition {
                        from: now_status,
                        action,
                    }));
                }
                match (b.status, to) {
                    (BindingStatus::Pending, BindingStatus::Approved) => {
                        grant_household_role(conn, id, b.user_id, b.household_id, now)?
                    }
                    (BindingStatus::Approved, BindingStatus::Left) => {
                        if let Some(role) = b.role_id {
                            match users::remove_role(conn, b.user_id, role) {
                                // Revoked by an admin meanwhile: nothing left to take.
                                Ok(()) | Err(StoreError::NotFound) => {}
                                Err(e) => return Err(e.into()),
                            }
                        }
                    }
                    _ => {}
                }
                Ok(bindings::get(conn, id)?)
            })
        })
        .await?;
    // The resident's roles changed: their next request must not see the old ones here.
    state.caches.actors.forget(&decided.user_id);
    Ok(decided)
}

/// Grants the resident role on the household, unless the resident holds it already (an admin
/// granted it): then the binding records none, and leaving leaves the admin's grant alone.
fn grant_household_role(
    conn: &mut DbConnection,
    binding: i64,
    user: UserId,
    household: OrgNodeId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let held = users::roles_of(conn, user)?
        .iter()
        .any(|r| r.kind == RoleKind::Resident && r.binding == RoleBinding::Node(household));
    if !held {
        let role = users::add_role(
            conn,
            user,
            RoleKind::Resident,
            RoleBinding::Node(household),
            now,
        )?;
        bindings::set_role(conn, binding, role)?;
    }
    Ok(())
}
