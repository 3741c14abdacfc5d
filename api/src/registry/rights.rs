//! A resident's rights over their data (PIPL arts. 45 and 47): everything held about them as
//! JSON, and erasure, which anonymises what must be kept for the record.
//!
//! Kept after erasure, anonymised: the account row (id, so the requests still have a
//! submitter, named "已注销用户"), its requests and their timelines (the community's record of
//! what was reported and done: 事事有回音), its household bindings (who decided what), and
//! registry entries linked to it (relation only: the household's size and care history still
//! add up). Gone: display name, login name, password, WeChat openid and unionid, every phone
//! (the account's, the requests' contact phones, the registry's), the registry name and birth
//! year, every session.

use chrono::{DateTime, Utc};
use linli_domain::registry::ResidentName;
use linli_persistence::registry::households;
use linli_persistence::registry::rights::{self, OwnRequest};
use linli_persistence::registry::{NewAccess, access_log};
use linli_persistence::tx::transaction;
use linli_persistence::users::RoleRecord;
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::RelationDto;
use super::seal;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// What replaces an erased account's name.
pub const ERASED_ACCOUNT: &str = "已注销用户";
/// What replaces an erased resident's name in the registry.
pub const ERASED_RESIDENT: &str = "已注销居民";

/// The account, as held.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportAccount {
    /// Account id.
    pub id: i64,
    /// Display name.
    pub display_name: String,
    /// Login name (staff).
    pub username: Option<String>,
    /// True when a WeChat identity is linked.
    pub wechat_linked: bool,
    /// The phone shared through WeChat, whole.
    pub phone: Option<String>,
    /// The public contact phone (staff).
    pub contact_phone: Option<String>,
}

/// A role held.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportRole {
    /// Role.
    pub role: String,
    /// The node it is bound to.
    pub node_id: Option<i64>,
    /// The node's name.
    pub node_name: Option<String>,
}

/// A household binding.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportBinding {
    /// Id.
    pub id: i64,
    /// Household node.
    pub household_id: i64,
    /// Household name.
    pub household_name: String,
    /// Status.
    pub status: String,
    /// What the resident wrote.
    pub note: Option<String>,
    /// When asked.
    pub requested_at: DateTime<Utc>,
}

/// A registry entry about the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportResident {
    /// Entry id.
    pub id: i64,
    /// Household node.
    pub household_id: i64,
    /// Name.
    pub name: String,
    /// Relation to the head.
    pub relation: RelationDto,
    /// Birth year.
    pub birth_year: Option<i32>,
    /// Phone.
    pub phone: Option<String>,
}

/// A timeline event of the caller's request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportEvent {
    /// Kind.
    pub kind: String,
    /// Note.
    pub note: Option<String>,
    /// Status after.
    pub status_after: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A request the caller submitted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportRequest {
    /// Id.
    pub id: i64,
    /// Category.
    pub category: String,
    /// Status.
    pub status: String,
    /// Description.
    pub description: String,
    /// Location.
    pub location_text: Option<String>,
    /// Contact phone, whole.
    pub contact_phone: Option<String>,
    /// When submitted.
    pub submitted_at: DateTime<Utc>,
    /// Timeline.
    pub events: Vec<ExportEvent>,
}

/// Everything held about the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct DataExport {
    /// When exported.
    pub exported_at: DateTime<Utc>,
    /// The account.
    pub account: ExportAccount,
    /// Roles.
    pub roles: Vec<ExportRole>,
    /// Household bindings.
    pub bindings: Vec<ExportBinding>,
    /// Registry entries linked to the account.
    pub registry_entries: Vec<ExportResident>,
    /// Requests submitted, with their timelines.
    pub requests: Vec<ExportRequest>,
}

/// What erasure did and kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletionReport {
    /// When.
    pub erased_at: DateTime<Utc>,
    /// Registry entries anonymised.
    pub registry_entries_anonymised: usize,
    /// Requests kept for the record, their contact phones erased.
    pub requests_kept: usize,
}

fn role_view(r: &RoleRecord) -> ExportRole {
    let (node_id, node_name) = match &r.node {
        Some((path, name)) => (Some(path.node_id().0), Some(name.clone())),
        None => (None, None),
    };
    ExportRole {
        role: r.kind.as_str().to_owned(),
        node_id,
        node_name,
    }
}

fn open_opt(state: &AppState, enc: Option<&String>, id: i64) -> Result<Option<String>, ApiError> {
    enc.map(|e| seal::open(&state.cipher, e, id)).transpose()
}

/// Everything held about the caller; the registry entries read whole are logged (capacity
/// `self`, purpose `data_export`).
pub async fn export(state: &AppState, auth: Auth) -> Result<DataExport, ApiError> {
    let user = auth.user.id;
    let now = state.clock.now();
    type Held = (
        (Option<String>, Option<String>),
        Vec<linli_persistence::bindings::Binding>,
        Vec<households::ResidentRecord>,
        Vec<OwnRequest>,
    );
    let (phones, bindings, entries, requests): Held = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let entries = households::residents_of_user(conn, user)?;
                for e in &entries {
                    access_log::record(
                        conn,
                        &NewAccess {
                            community_id: e.community_id,
                            household_path: &e.household_path,
                            household_id: e.household_id,
                            resident_id: Some(e.id),
                            actor: user,
                            capacity: "self",
                            fields: "name,phone",
                            purpose: "data_export",
                        },
                        now,
                    )?;
                }
                Ok::<_, ApiError>((
                    rights::account_phones(conn, user)?,
                    linli_persistence::bindings::of_user(conn, user)?,
                    entries,
                    rights::requests_of(conn, user)?,
                ))
            })
        })
        .await?;
    let registry_entries = entries
        .iter()
        .map(|e| {
            Ok(ExportResident {
                id: e.id,
                household_id: e.household_id.0,
                name: seal::open(&state.cipher, &e.name_enc, e.id)?,
                relation: e.relation.into(),
                birth_year: e.birth_year,
                phone: open_opt(state, e.phone_enc.as_ref(), e.id)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let requests = requests
        .into_iter()
        .map(|r| {
            Ok(ExportRequest {
                id: r.id,
                contact_phone: open_opt(state, r.contact_phone_enc.as_ref(), r.id)?,
                category: r.category,
                status: r.status,
                description: r.description,
                location_text: r.location_text,
                submitted_at: r.submitted_at,
                events: r
                    .events
                    .into_iter()
                    .map(|e| ExportEvent {
                        kind: e.kind,
                        note: e.note,
                        status_after: e.status_after,
                        at: e.at,
                    })
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(DataExport {
        exported_at: now,
        account: ExportAccount {
            id: user.0,
            display_name: auth.user.display_name.clone(),
            username: auth.user.username.clone(),
            wechat_linked: auth.user.openid.is_some(),
            phone: open_opt(state, phones.0.as_ref(), user.0)?,
            contact_phone: phones.1,
        },
        roles: auth.roles.iter().map(role_view).collect(),
        bindings: bindings
            .into_iter()
            .map(|b| ExportBinding {
                id: b.id,
                household_id: b.household_id.0,
                household_name: b.household_name,
                status: b.status.as_str().to_owned(),
                note: b.note,
                requested_at: b.requested_at,
            })
            .collect(),
        registry_entries,
        requests,
    })
}

/// Erases the caller's personal data in one transaction (see the module's note on what stays).
pub async fn erase(state: &AppState, auth: Auth) -> Result<DeletionReport, ApiError> {
    let user = auth.user.id;
    let now = state.clock.now();
    let placeholder = seal::name(
        &state.cipher,
        &ResidentName::parse(ERASED_RESIDENT).expect("a valid name"),
    )?;
    let report = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let anonymised = households::anonymise_user_entries(conn, user, &placeholder, now)?;
                let requests = rights::requests_of(conn, user)?.len();
                rights::erase_account(conn, user, ERASED_ACCOUNT, now)?;
                Ok::<_, ApiError>(DeletionReport {
                    erased_at: now,
                    registry_entries_anonymised: anonymised,
                    requests_kept: requests,
                })
            })
        })
        .await?;
    state.caches.actors.forget(&user);
    tracing::info!(user = user.0, "personal data erased at the user's request");
    Ok(report)
}
