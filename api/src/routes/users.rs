//! Routes: accounts and their roles, managed by admins within their subtrees.
//!
//! An account exists for an admin when one of its roles lies in a subtree they administer; any
//! other answers 404. Who may grant which role where is the domain's rule
//! (`linli_domain::access::admin`).

use std::collections::HashMap;

use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use linli_domain::access::admin::{
    GrantError, RoleSite, check_grant, check_revoke, manages_user, sees_user,
};
use linli_domain::access::{Actor, RoleKind};
use linli_domain::org::{NodeKind, NodePath};
use linli_domain::text::PhoneNumber;
use linli_domain::{OrgNodeId, PropertyCompanyId, UserId};
use linli_persistence::butlers::teams;
use linli_persistence::tx::transaction;
use linli_persistence::users::{self, NewUser, RoleBinding, RoleRecord, User};
use linli_persistence::{DbConnection, StoreError, org};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::org::fields::{self, Fields};
use super::org::{entry_paths, visible_node};
use crate::auth::Auth;
use crate::dto::RoleView;
use crate::error::{ApiError, ErrorEnvelope, FieldError, Msg};
use crate::extract::Json;
use crate::state::AppState;

/// Registers this module's routes under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(create_user)
        .service(list_users)
        .service(get_user)
        .service(update_user)
        .service(grant_role)
        .service(revoke_role);
}

/// A role to grant.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RoleGrantBody {
    /// The role. `resident` is refused: residents come in through WeChat.
    #[schema(required = true, value_type = fields::RoleName)]
    role: Option<String>,
    /// The node it is bound to, of the role's level: a building for a butler, a grid for a
    /// grid worker, a community for a volunteer or community staff, a street for street staff,
    /// a district for a district admin. Not for property staff.
    node_id: Option<i64>,
    /// The property company, for property staff only.
    company_id: Option<i64>,
}

/// An account to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserBody {
    /// Login name: 3–32 characters of letters, digits, `_`, `.` and `-`.
    #[schema(required = true, value_type = String, example = "butler-txdsh-2")]
    username: Option<String>,
    /// Shown to others, 1–100 characters.
    #[schema(required = true, value_type = String, example = "钱兴管家")]
    display_name: Option<String>,
    /// 8–128 characters, taken as typed.
    #[schema(required = true, value_type = String, example = "a long passphrase")]
    password: Option<String>,
    /// At least one role; the caller must be allowed to grant each.
    #[schema(required = true, value_type = Vec<RoleGrantBody>)]
    roles: Option<Vec<RoleGrantBody>>,
    /// A public contact phone (mainland mobile or landline), printed on the building notice
    /// cards of a butler's building and a grid worker's grid.
    #[schema(example = "13992900102")]
    contact_phone: Option<String>,
}

/// Changes to an account; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// New display name.
    display_name: Option<String>,
    /// `false` deactivates the account (it can no longer log in, and its sessions end);
    /// `true` reactivates it. Nobody deactivates themselves.
    active: Option<bool>,
    /// New password (8–128 characters); the account's sessions end.
    password: Option<String>,
    /// New public contact phone; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "13992900102")]
    contact_phone: Option<Option<String>>,
}

/// A field that is present, even as `null` (`Some(None)`), as against absent (`None`, by
/// `#[serde(default)]`): a patch tells "remove it" from "leave it".
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// An account with its roles.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// User id.
    id: i64,
    /// Login name (staff); residents have none.
    username: Option<String>,
    /// Display name.
    display_name: String,
    /// Whether the account may log in.
    active: bool,
    /// Public contact phone, normalised (on building notice cards).
    #[schema(example = "13992900101")]
    contact_phone: Option<String>,
    /// Its roles.
    roles: Vec<RoleView>,
    /// When it was created.
    created_at: DateTime<Utc>,
}

impl UserView {
    fn new(u: User, roles: &[RoleRecord]) -> Self {
        UserView {
            id: u.id.0,
            username: u.username,
            display_name: u.display_name,
            active: u.active,
            contact_phone: u.contact_phone,
            roles: roles.iter().map(RoleView::from).collect(),
            created_at: u.created_at,
        }
    }
}

/// A page of accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    /// Accounts, by id.
    items: Vec<UserView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    next_cursor: Option<String>,
}

/// Which accounts to list.
// `utoipa::IntoParams` stays qualified: the path macro writes it out in full, and an import
// would make that an unused qualification.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// The subtree (a node the caller administers); defaults to the node of the caller's
    /// first admin role.
    node_id: Option<i64>,
    /// Page size, 1–200 (default 50).
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

fn user_not_found() -> ApiError {
    ApiError::not_found("user.not_found", Msg::new("用户不存在", "No such user"))
}

fn user_forbidden() -> ApiError {
    ApiError::forbidden(
        "user.forbidden",
        Msg::new(
            "无权在此授予或管理该角色或账号",
            "You may not grant or manage this role or account",
        ),
    )
}

/// Where a role is bound, owned, for the domain's rules to borrow.
enum Site {
    Node(NodeKind, NodePath),
    Company(NodePath),
    Unbound,
}

impl Site {
    fn borrow(&self) -> RoleSite<'_> {
        match self {
            Site::Node(kind, path) => RoleSite::Node { kind: *kind, path },
            Site::Company(path) => RoleSite::Company {
                registered_under: path,
            },
            Site::Unbound => RoleSite::Unbound,
        }
    }
}

/// The sites of a user's roles, read in two queries.
fn sites_of(conn: &mut DbConnection, roles: &[RoleRecord]) -> Result<Vec<Site>, StoreError> {
    let node_ids: Vec<OrgNodeId> = roles
        .iter()
        .filter_map(|r| match r.binding {
            RoleBinding::Node(n) => Some(n),
            _ => None,
        })
        .collect();
    let company_ids: Vec<PropertyCompanyId> = roles
        .iter()
        .filter_map(|r| match r.binding {
            RoleBinding::Company(c) => Some(c),
            _ => None,
        })
        .collect();
    let nodes: HashMap<OrgNodeId, (NodeKind, NodePath)> = if node_ids.is_empty() {
        HashMap::new()
    } else {
        org::get_nodes(conn, &node_ids)?
            .into_iter()
            .map(|n| (n.id, (n.kind, n.path)))
            .collect()
    };
    let companies: HashMap<PropertyCompanyId, NodePath> = if company_ids.is_empty() {
        HashMap::new()
    } else {
        org::company_scopes(conn, &company_ids)?
            .into_iter()
            .collect()
    };
    Ok(roles
        .iter()
        .map(|r| match r.binding {
            RoleBinding::Node(n) => nodes
                .get(&n)
                .map_or(Site::Unbound, |(k, p)| Site::Node(*k, p.clone())),
            RoleBinding::Company(c) => companies
                .get(&c)
                .map_or(Site::Unbound, |p| Site::Company(p.clone())),
            RoleBinding::Unbound => Site::Unbound,
        })
        .collect())
}

/// An account the actor sees, with its roles and their sites; else 404.
fn visible_user(
    conn: &mut DbConnection,
    actor: &Actor,
    id: UserId,
) -> Result<(User, Vec<RoleRecord>, Vec<Site>), ApiError> {
    let user = match users::get_user(conn, id) {
        Ok(u) => u,
        Err(StoreError::NotFound) => return Err(user_not_found()),
        Err(e) => return Err(e.into()),
    };
    let roles = users::roles_of(conn, id)?;
    let sites = sites_of(conn, &roles)?;
    let borrowed: Vec<RoleSite<'_>> = sites.iter().map(Site::borrow).collect();
    if !sees_user(actor, &borrowed) {
        return Err(user_not_found());
    }
    Ok((user, roles, sites))
}

/// An account the actor may edit (see `manages_user`): 404 when unseen, 403 when seen only.
fn managed_user(
    conn: &mut DbConnection,
    actor: &Actor,
    id: UserId,
) -> Result<(User, Vec<RoleRecord>), ApiError> {
    let (user, roles, sites) = visible_user(conn, actor, id)?;
    let held: Vec<(RoleKind, RoleSite<'_>)> = roles
        .iter()
        .zip(&sites)
        .map(|(r, s)| (r.kind, s.borrow()))
        .collect();
    if !manages_user(actor, &held) {
        return Err(user_forbidden());
    }
    Ok((user, roles))
}

/// A role's body, checked field by field; `prefix` names it in errors (`roles[0].`).
fn parse_role(f: &mut Fields, prefix: &str, b: &RoleGrantBody) -> Option<(RoleKind, Binding)> {
    let field = |name: &str| format!("{prefix}{name}");
    let role = f
        .required(&field("role"), b.role.as_deref())
        .and_then(|r| {
            f.check(RoleKind::parse(r).map_err(|_| {
                fields::invalid_value(&field("role"), &RoleKind::ALL.map(RoleKind::as_str))
            }))
        })?;
    if role == RoleKind::Resident {
        f.push(fields::not_allowed(
            &field("role"),
            Msg::new(
                "居民账号通过微信登录产生，不能在此创建",
                "Residents come in through WeChat login, not from here",
            ),
        ));
        return None;
    }
    let binding = if role == RoleKind::PropertyStaff {
        if b.node_id.is_some() {
            f.push(fields::not_allowed(
                &field("node_id"),
                Msg::new(
                    "物业工作人员绑定物业公司，而不是组织节点",
                    "Property staff are bound to a company, not a node",
                ),
            ));
        }
        f.required(&field("company_id"), b.company_id)
            .map(|c| Binding::Company(PropertyCompanyId(c)))
    } else {
        if b.company_id.is_some() {
            f.push(fields::not_allowed(
                &field("company_id"),
                Msg::new(
                    "只有物业工作人员绑定物业公司",
                    "Only property staff are bound to a company",
                ),
            ));
        }
        f.required(&field("node_id"), b.node_id)
            .map(|n| Binding::Node(OrgNodeId(n)))
    };
    Some((role, binding?))
}

/// Where a role is to be bound, as the client named it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binding {
    Node(OrgNodeId),
    Company(PropertyCompanyId),
}

impl From<Binding> for RoleBinding {
    fn from(b: Binding) -> Self {
        match b {
            Binding::Node(n) => RoleBinding::Node(n),
            Binding::Company(c) => RoleBinding::Company(c),
        }
    }
}

fn grant_error(e: GrantError, role_field: &str) -> ApiError {
    match e {
        GrantError::OutOfScope | GrantError::Outranks { .. } => user_forbidden(),
        GrantError::Resident => ApiError::validation(vec![fields::not_allowed(
            role_field,
            Msg::new(
                "居民账号通过微信登录产生，不能在此创建",
                "Residents come in through WeChat login, not from here",
            ),
        )]),
        GrantError::WrongSite { role } => {
            let expected = role.node_kind().map(NodeKind::as_str);
            ApiError::unprocessable(
                "user.role_node_mismatch",
                Msg::new(
                    format!(
                        "角色 {} 应绑定到{}",
                        role.as_str(),
                        expected.unwrap_or("物业公司")
                    ),
                    format!(
                        "A {} is bound to a {}",
                        role.as_str(),
                        expected.unwrap_or("property company")
                    ),
                ),
            )
            .with_details(serde_json::json!({
                "field": role_field,
                "role": role.as_str(),
                "expected": expected.unwrap_or("company"),
            }))
        }
    }
}

/// Checks that the actor may grant `role` there. A node or company the actor cannot see is
/// refused like one outside their subtree, so that its existence does not show.
fn check_may_grant(
    conn: &mut DbConnection,
    actor: &Actor,
    role: RoleKind,
    binding: Binding,
    role_field: &str,
) -> Result<(), ApiError> {
    let site = match binding {
        Binding::Node(id) => match org::get_node(conn, id) {
            Ok(n) => Site::Node(n.kind, n.path),
            Err(StoreError::NotFound) => return Err(user_forbidden()),
            Err(e) => return Err(e.into()),
        },
        Binding::Company(id) => match org::company_scopes(conn, &[id])?.pop() {
            Some((_, path)) => Site::Company(path),
            None => return Err(user_forbidden()),
        },
    };
    check_grant(actor, role, &site.borrow()).map_err(|e| grant_error(e, role_field))
}

/// Creates a staff account with its roles.
///
/// The caller must administer each role's node (for property staff, the node the company is
/// registered on) and may not grant a role that outranks their own there (district admin >
/// street staff > community staff > every other role). Residents are not created here.
/// Every invalid field is listed.
#[utoipa::path(tag = "users", security(("bearer" = [])), request_body = NewUserBody, responses(
    (status = 201, body = UserView),
    (status = 401, body = ErrorEnvelope),
    (status = 403, description = "A role the caller may not grant there (`user.forbidden`)", body = ErrorEnvelope),
    (status = 409, description = "Username taken (`conflict.duplicate`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid fields (`validation.failed`), or a role bound to the wrong kind of node (`user.role_node_mismatch`)", body = ErrorEnvelope),
))]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewUserBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let mut f = Fields::new();
    let username = f
        .required("username", b.username)
        .and_then(|u| f.check(fields::username("username", &u)));
    let display_name = f
        .required("display_name", b.display_name)
        .and_then(|d| f.check(fields::label("display_name", &d)));
    let password = f
        .required("password", b.password)
        .and_then(|p| f.check(fields::password("password", &p)));
    let contact_phone = b
        .contact_phone
        .and_then(|p| f.check(fields::phone("contact_phone", &p)));
    let mut roles: Vec<(RoleKind, Binding, String)> = Vec::new();
    match b.roles {
        None => f.push(fields::required("roles")),
        Some(list) if list.is_empty() => f.push(FieldError::new(
            "roles",
            "empty",
            Msg::new("至少授予一个角色", "Grant at least one role"),
        )),
        Some(list) => {
            for (i, r) in list.iter().enumerate() {
                let prefix = format!("roles[{i}].");
                if let Some((kind, binding)) = parse_role(&mut f, &prefix, r)
                    && !roles.iter().any(|(k, b, _)| *k == kind && *b == binding)
                {
                    roles.push((kind, binding, format!("{prefix}role")));
                }
            }
        }
    }
    f.finish()?;
    let (Some(username), Some(display_name), Some(password)) = (username, display_name, password)
    else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let actor = auth.actor;
    {
        let (actor, roles) = (actor.clone(), roles.clone());
        state
            .db
            .read(move |conn| {
                for (kind, binding, field) in &roles {
                    check_may_grant(conn, &actor, *kind, *binding, field)?;
                }
                Ok(())
            })
            .await?;
    }
    let hash = tokio::task::spawn_blocking(move || crate::auth::password::hash(password.as_str()))
        .await?
        .map_err(ApiError::internal)?;
    let now = state.clock.now();
    let view = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let user = users::create_user(
                    conn,
                    &NewUser {
                        username: Some(username.into_inner()),
                        password_hash: Some(hash),
                        display_name: display_name.into_inner(),
                        openid: None,
                        contact_phone: contact_phone.map(PhoneNumber::into_inner),
                    },
                    now,
                )?;
                for (kind, binding, _) in &roles {
                    users::add_role(conn, user.id, *kind, (*binding).into(), now)?;
                }
                let records = users::roles_of(conn, user.id)?;
                Ok::<_, ApiError>(UserView::new(user, &records))
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/users/{}", view.id)))
        .json(view))
}

/// Lists the accounts of a subtree the caller administers, a page at a time.
///
/// Accounts holding a role on a node of the subtree, and property staff of companies registered
/// in it.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(UserListQuery), responses(
    (status = 200, body = UserList),
    (status = 401, body = ErrorEnvelope),
    (status = 403, description = "The caller does not administer the node (`user.forbidden`)", body = ErrorEnvelope),
    (status = 404, description = "No such node, or not visible (`org.node_not_found`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid `limit` or `cursor` (`validation.failed`)", body = ErrorEnvelope),
))]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let mut f = Fields::new();
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        f.push(FieldError::new(
            "limit",
            "out_of_range",
            Msg::new("应在 1 到 200 之间", "Must lie between 1 and 200"),
        ));
    }
    let after = match q.cursor.as_deref().map(str::parse::<i64>) {
        None => None,
        Some(Ok(id)) => Some(UserId(id)),
        Some(Err(_)) => {
            f.push(FieldError::new(
                "cursor",
                "invalid",
                Msg::new("分页游标无效", "Not a cursor this endpoint gave out"),
            ));
            None
        }
    };
    f.finish()?;
    let actor = auth.actor;
    let Some(first_admin) = actor.administered().next().cloned() else {
        return Err(user_forbidden());
    };
    let node_id = q.node_id.map(OrgNodeId);
    let list = state
        .db
        .read(move |conn| {
            let root = match node_id {
                None => first_admin,
                Some(id) => {
                    let entries = entry_paths(conn, &actor)?;
                    let node = visible_node(conn, &entries, id)?;
                    if !actor.administers(&node.path) {
                        return Err(user_forbidden());
                    }
                    node.path
                }
            };
            let page = users::administered_users(conn, &root, after, limit)?;
            let ids: Vec<UserId> = page.iter().map(|u| u.id).collect();
            let mut roles = users::roles_of_many(conn, &ids)?;
            let next_cursor = if page.len() as i64 == limit {
                page.last().map(|u| u.id.0.to_string())
            } else {
                None
            };
            let items = page
                .into_iter()
                .map(|u| {
                    let r = roles.remove(&u.id).unwrap_or_default();
                    UserView::new(u, &r)
                })
                .collect();
            Ok(UserList { items, next_cursor })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One account the caller administers, with its roles.
#[utoipa::path(tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, body = UserView),
        (status = 401, body = ErrorEnvelope),
        (status = 404, description = "No such account in the caller's subtrees (`user.not_found`)", body = ErrorEnvelope),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = UserId(path.into_inner());
    let actor = auth.actor;
    let view = state
        .db
        .read(move |conn| {
            let (user, roles, _) = visible_user(conn, &actor, id)?;
            Ok(UserView::new(user, &roles))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Renames, deactivates or reactivates an account, sets its password or its public contact
/// phone.
///
/// The caller must be able to revoke every role the account holds, so nobody takes over an
/// account that outranks them. Deactivating an account or setting its password ends its
/// sessions. Nobody deactivates themselves.
#[utoipa::path(tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = UserPatch,
    responses(
        (status = 200, body = UserView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, description = "The account holds a role beyond the caller (`user.forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such account in the caller's subtrees (`user.not_found`)", body = ErrorEnvelope),
        (status = 422, description = "Invalid fields (`validation.failed`), or deactivating oneself (`user.cannot_deactivate_self`)", body = ErrorEnvelope),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    let id = UserId(path.into_inner());
    let b = body.0;
    let mut f = Fields::new();
    let display_name = b
        .display_name
        .and_then(|d| f.check(fields::label("display_name", &d)));
    let password = b
        .password
        .and_then(|p| f.check(fields::password("password", &p)));
    // Outer `None`: leave it; `Some(None)`: remove it.
    let contact_phone: Option<Option<PhoneNumber>> = match b.contact_phone {
        None => None,
        Some(None) => Some(None),
        Some(Some(p)) => f.check(fields::phone("contact_phone", &p)).map(Some),
    };
    f.finish()?;
    let actor = auth.actor;
    if b.active == Some(false) && id == actor.user_id {
        return Err(ApiError::unprocessable(
            "user.cannot_deactivate_self",
            Msg::new(
                "不能停用自己的账号",
                "You cannot deactivate your own account",
            ),
        ));
    }
    {
        let actor = actor.clone();
        state
            .db
            .read(move |conn| managed_user(conn, &actor, id).map(|_| ()))
            .await?;
    }
    let hash = match password {
        Some(p) => Some(
            tokio::task::spawn_blocking(move || crate::auth::password::hash(p.as_str()))
                .await?
                .map_err(ApiError::internal)?,
        ),
        None => None,
    };
    let active = b.active;
    let now = state.clock.now();
    let view = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                // Roles may have changed since the check: check again where it counts.
                let (user, _) = managed_user(conn, &actor, id)?;
                if let Some(name) = &display_name {
                    users::set_display_name(conn, id, name.as_str())?;
                }
                if let Some(hash) = &hash {
                    users::set_password(conn, id, hash)?;
                }
                if let Some(phone) = &contact_phone {
                    users::set_contact_phone(conn, id, phone.as_ref().map(PhoneNumber::as_str))?;
                }
                if let Some(active) = active {
                    users::set_active(conn, id, active)?;
                }
                if hash.is_some() || (active == Some(false) && user.active) {
                    users::revoke_sessions(conn, id, now)?;
                }
                let user = users::get_user(conn, id)?;
                let roles = users::roles_of(conn, id)?;
                Ok::<_, ApiError>(UserView::new(user, &roles))
            })
        })
        .await?;
    // Take effect at once in this instance (others within the cache's time to live).
    state.caches.actors.forget(&id);
    Ok(HttpResponse::Ok().json(view))
}

/// Grants another role to an account the caller administers.
///
/// Under the same rules as creating an account with it.
#[utoipa::path(tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = RoleGrantBody,
    responses(
        (status = 201, body = RoleView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, description = "A role the caller may not grant there (`user.forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such account in the caller's subtrees (`user.not_found`)", body = ErrorEnvelope),
        (status = 409, description = "The account already holds that role there (`user.role_exists`)", body = ErrorEnvelope),
        (status = 422, description = "Invalid fields (`validation.failed`), or the wrong kind of node (`user.role_node_mismatch`)", body = ErrorEnvelope),
    )
)]
#[post("/users/{id}/roles")]
pub async fn grant_role(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<RoleGrantBody>,
) -> Result<HttpResponse, ApiError> {
    let id = UserId(path.into_inner());
    let mut f = Fields::new();
    let parsed = parse_role(&mut f, "", &body.0);
    f.finish()?;
    let Some((kind, binding)) = parsed else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validated role missing"
        )));
    };
    let actor = auth.actor;
    let now = state.clock.now();
    let view = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (_, roles, _) = visible_user(conn, &actor, id)?;
                check_may_grant(conn, &actor, kind, binding, "role")?;
                let wanted: RoleBinding = binding.into();
                if roles.iter().any(|r| r.kind == kind && r.binding == wanted) {
                    return Err(ApiError::conflict(
                        "user.role_exists",
                        Msg::new("该用户已拥有此角色", "The account already holds that role"),
                    ));
                }
                let role_id = users::add_role(conn, id, kind, wanted, now)?;
                let record = users::roles_of(conn, id)?
                    .into_iter()
                    .find(|r| r.id == role_id)
                    .ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!("a new role went missing"))
                    })?;
                Ok(RoleView::from(&record))
            })
        })
        .await?;
    state.caches.actors.forget(&id);
    Ok(HttpResponse::Created().json(view))
}

/// Revokes one role of an account the caller administers.
///
/// The role must lie in the caller's subtree and not outrank them. An account's last role is
/// not revoked: deactivate the account instead. A `butler` role that a butler-team membership
/// granted ends that membership (left by the caller), with the other roles it granted; a
/// butler role held apart from any membership touches no team.
#[utoipa::path(tag = "users", security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "User id"),
        ("role_id" = i64, Path, description = "Role id (from `roles[].id`)"),
    ),
    responses(
        (status = 204),
        (status = 401, body = ErrorEnvelope),
        (status = 403, description = "A role beyond the caller (`user.forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such account in the caller's subtrees (`user.not_found`), or no such role of it (`user.role_not_found`)", body = ErrorEnvelope),
        (status = 422, description = "The account's last role (`user.last_role`)", body = ErrorEnvelope),
    )
)]
#[delete("/users/{id}/roles/{role_id}")]
pub async fn revoke_role(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, role_id) = path.into_inner();
    let id = UserId(id);
    let actor = auth.actor;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (_, roles, sites) = visible_user(conn, &actor, id)?;
                let Some((role, site)) = roles.iter().zip(&sites).find(|(r, _)| r.id == role_id)
                else {
                    return Err(ApiError::not_found(
                        "user.role_not_found",
                        Msg::new("该用户没有此角色", "The account holds no such role"),
                    ));
                };
                check_revoke(&actor, role.kind, &site.borrow())
                    .map_err(|e| grant_error(e, "role"))?;
                if roles.len() == 1 {
                    return Err(ApiError::unprocessable(
                        "user.last_role",
                        Msg::new(
                            "不能撤销账号的最后一个角色，请改为停用账号",
                            "This is the account's last role; deactivate the account instead",
                        ),
                    ));
                }
                // A butler role a team membership granted: the membership ends with it, and
                // the other roles it granted go too. The team is taken first, as the team's
                // own changes do, so the two take turns.
                if let Some((_, team)) = teams::membership_granting(conn, role_id)? {
                    teams::lock_team(conn, team)?;
                }
                let membership = teams::membership_granting(conn, role_id)?;
                users::remove_role(conn, id, role_id)?;
                if let Some((member, _)) = membership {
                    teams::end_member(conn, member, Some(actor.user_id), now)?;
                }
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    state.caches.actors.forget(&id);
    Ok(HttpResponse::NoContent().finish())
}
