//! Accounts and the roles they hold.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::access::{RoleGrant, RoleKind, RoleScope};
use linli_domain::org::NodePath;
use linli_domain::{OrgNodeId, PropertyCompanyId, UserId};

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt, on_unique};
use crate::schema::{org_nodes, property_companies, refresh_tokens, user_roles, users};
use crate::time::{from_db, to_db};

/// An account as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Login name, for staff; residents who come through WeChat have none.
    pub username: Option<String>,
    /// The argon2 PHC string.
    pub password_hash: Option<String>,
    /// Shown to others.
    pub display_name: String,
    /// WeChat openid, for residents.
    pub openid: Option<String>,
    /// A deactivated account cannot log in or act.
    pub active: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// A public contact phone (staff), normalised; printed on building notice cards.
    pub contact_phone: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: i64,
    username: Option<String>,
    password_hash: Option<String>,
    display_name: String,
    openid: Option<String>,
    active: bool,
    created_at: chrono::NaiveDateTime,
    contact_phone: Option<String>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: UserId(r.id),
            username: r.username,
            password_hash: r.password_hash,
            display_name: r.display_name,
            openid: r.openid,
            active: r.active,
            created_at: from_db(r.created_at),
            contact_phone: r.contact_phone,
        }
    }
}

/// An account to create.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    /// Login name.
    pub username: Option<String>,
    /// The argon2 PHC string.
    pub password_hash: Option<String>,
    /// Shown to others.
    pub display_name: String,
    /// WeChat openid.
    pub openid: Option<String>,
    /// A public contact phone (staff), normalised.
    pub contact_phone: Option<String>,
}

/// Where a role is bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleBinding {
    /// To an org node.
    Node(OrgNodeId),
    /// To a property company.
    Company(PropertyCompanyId),
    /// A resident with no household yet.
    Unbound,
}

/// A role as listed for administration.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleRecord {
    /// Row id.
    pub id: i64,
    /// The role.
    pub kind: RoleKind,
    /// Where it is bound.
    pub binding: RoleBinding,
    /// The node's path and name, when bound to a node.
    pub node: Option<(NodePath, String)>,
}

/// Creates an account.
pub fn create_user(
    conn: &mut DbConnection,
    new: &NewUser,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let id: i64 = diesel::insert_into(users::table)
        .values((
            users::username.eq(&new.username),
            users::password_hash.eq(&new.password_hash),
            users::display_name.eq(&new.display_name),
            users::openid.eq(&new.openid),
            users::contact_phone.eq(&new.contact_phone),
            users::active.eq(true),
            users::created_at.eq(to_db(now)),
        ))
        .returning(users::id)
        .get_result(conn)
        .map_err(|e| on_unique(e, &[("username", "username"), ("openid", "openid")]))?;
    get_user(conn, UserId(id))
}

/// One account.
pub fn get_user(conn: &mut DbConnection, id: UserId) -> Result<User, StoreError> {
    Ok(users::table
        .find(id.0)
        .select(UserRow::as_select())
        .get_result(conn)?
        .into())
}

/// An account by login name.
pub fn find_by_username(conn: &mut DbConnection, username: &str) -> Result<User, StoreError> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .get_result(conn)?
        .into())
}

/// An account by WeChat openid.
pub fn find_by_openid(conn: &mut DbConnection, openid: &str) -> Result<User, StoreError> {
    Ok(users::table
        .filter(users::openid.eq(openid))
        .select(UserRow::as_select())
        .get_result(conn)?
        .into())
}

/// Sets a new password hash.
pub fn set_password(conn: &mut DbConnection, id: UserId, hash: &str) -> Result<(), StoreError> {
    let n = diesel::update(users::table.find(id.0))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Activates or deactivates an account.
pub fn set_active(conn: &mut DbConnection, id: UserId, active: bool) -> Result<(), StoreError> {
    let n = diesel::update(users::table.find(id.0))
        .set(users::active.eq(active))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Grants a role.
pub fn add_role(
    conn: &mut DbConnection,
    user: UserId,
    kind: RoleKind,
    binding: RoleBinding,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let (node, company) = match binding {
        RoleBinding::Node(n) => (Some(n.0), None),
        RoleBinding::Company(c) => (None, Some(c.0)),
        RoleBinding::Unbound => (None, None),
    };
    Ok(diesel::insert_into(user_roles::table)
        .values((
            user_roles::user_id.eq(user.0),
            user_roles::role.eq(kind.as_str()),
            user_roles::node_id.eq(node),
            user_roles::company_id.eq(company),
            user_roles::created_at.eq(to_db(now)),
        ))
        .returning(user_roles::id)
        .get_result(conn)?)
}

/// Revokes one role of a user.
pub fn remove_role(conn: &mut DbConnection, user: UserId, role_id: i64) -> Result<(), StoreError> {
    let n = diesel::delete(
        user_roles::table
            .filter(user_roles::id.eq(role_id))
            .filter(user_roles::user_id.eq(user.0)),
    )
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

type RoleRow = (
    i64,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn role_record(row: RoleRow) -> Result<(UserId, RoleRecord), StoreError> {
    let (id, user, role, node, company, path, name) = row;
    let kind = RoleKind::parse(&role).map_err(corrupt)?;
    let binding = match (node, company) {
        (Some(n), _) => RoleBinding::Node(OrgNodeId(n)),
        (None, Some(c)) => RoleBinding::Company(PropertyCompanyId(c)),
        (None, None) => RoleBinding::Unbound,
    };
    let node = match (path, name) {
        (Some(p), Some(n)) => Some((NodePath::parse(&p).map_err(corrupt)?, n)),
        _ => None,
    };
    Ok((
        UserId(user),
        RoleRecord {
            id,
            kind,
            binding,
            node,
        },
    ))
}

fn load_roles(conn: &mut DbConnection, users: &[UserId]) -> Result<Vec<RoleRow>, StoreError> {
    let ids: Vec<i64> = users.iter().map(|u| u.0).collect();
    Ok(user_roles::table
        .left_join(org_nodes::table)
        .filter(user_roles::user_id.eq_any(ids))
        .order(user_roles::id.asc())
        .select((
            user_roles::id,
            user_roles::user_id,
            user_roles::role,
            user_roles::node_id,
            user_roles::company_id,
            org_nodes::path.nullable(),
            org_nodes::name.nullable(),
        ))
        .load(conn)?)
}

/// Every role a user holds, with the node each is bound to.
pub fn roles_of(conn: &mut DbConnection, user: UserId) -> Result<Vec<RoleRecord>, StoreError> {
    load_roles(conn, &[user])?
        .into_iter()
        .map(|row| role_record(row).map(|(_, r)| r))
        .collect()
}

/// The roles of several users, by user; a user with none is absent.
pub fn roles_of_many(
    conn: &mut DbConnection,
    users: &[UserId],
) -> Result<HashMap<UserId, Vec<RoleRecord>>, StoreError> {
    let mut by_user: HashMap<UserId, Vec<RoleRecord>> = HashMap::new();
    for row in load_roles(conn, users)? {
        let (user, record) = role_record(row)?;
        by_user.entry(user).or_default().push(record);
    }
    Ok(by_user)
}

/// A user as an actor: their id and the roles they hold now.
pub fn actor_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<linli_domain::access::Actor, StoreError> {
    let roles = roles_of(conn, user)?;
    Ok(linli_domain::access::Actor {
        user_id: user,
        roles: grants(&roles),
    })
}

/// The grants the domain's access rules read.
pub fn grants(records: &[RoleRecord]) -> Vec<RoleGrant> {
    records
        .iter()
        .map(|r| RoleGrant {
            kind: r.kind,
            scope: match (&r.binding, &r.node) {
                (RoleBinding::Company(c), _) => RoleScope::Company(*c),
                (RoleBinding::Node(_), Some((path, _))) => RoleScope::Node(path.clone()),
                _ => RoleScope::Unbound,
            },
        })
        .collect()
}

/// Accounts holding a role on a node in a subtree, for administration lists.
pub fn users_in_subtree(conn: &mut DbConnection, root: &NodePath) -> Result<Vec<User>, StoreError> {
    let (lo, hi) = crate::org::subtree_bounds(root);
    Ok(users::table
        .filter(
            users::id.eq_any(
                user_roles::table
                    .inner_join(org_nodes::table)
                    .filter(org_nodes::path.ge(lo))
                    .filter(org_nodes::path.lt(hi))
                    .select(user_roles::user_id),
            ),
        )
        .order(users::id.asc())
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Users holding `role` on exactly `node`.
pub fn holders_of(
    conn: &mut DbConnection,
    role: RoleKind,
    node: OrgNodeId,
) -> Result<Vec<User>, StoreError> {
    Ok(users::table
        .inner_join(user_roles::table)
        .filter(user_roles::role.eq(role.as_str()))
        .filter(user_roles::node_id.eq(node.0))
        .filter(users::active.eq(true))
        .order(users::id.asc())
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Accounts an administrator of `root` sees: those holding a role on a node in the subtree, or
/// as staff of a property company registered in it. In id order, after `after`, at most `limit`.
pub fn administered_users(
    conn: &mut DbConnection,
    root: &NodePath,
    after: Option<UserId>,
    limit: i64,
) -> Result<Vec<User>, StoreError> {
    let (lo, hi) = crate::org::subtree_bounds(root);
    let companies: Vec<i64> = property_companies::table
        .inner_join(org_nodes::table.on(org_nodes::id.eq(property_companies::registered_under_id)))
        .filter(org_nodes::path.ge(&lo))
        .filter(org_nodes::path.lt(&hi))
        .select(property_companies::id)
        .load(conn)?;
    let on_nodes = user_roles::table
        .inner_join(org_nodes::table)
        .filter(org_nodes::path.ge(lo))
        .filter(org_nodes::path.lt(hi))
        .select(user_roles::user_id);
    let for_companies = user_roles::table
        .filter(user_roles::company_id.eq_any(companies))
        .select(user_roles::user_id);
    Ok(users::table
        .filter(
            users::id
                .eq_any(on_nodes)
                .or(users::id.eq_any(for_companies)),
        )
        .filter(users::id.gt(after.map_or(0, |u| u.0)))
        .order(users::id.asc())
        .limit(limit)
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Renames an account.
pub fn set_display_name(
    conn: &mut DbConnection,
    id: UserId,
    display_name: &str,
) -> Result<(), StoreError> {
    let n = diesel::update(users::table.find(id.0))
        .set(users::display_name.eq(display_name))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Sets or clears an account's public contact phone.
pub fn set_contact_phone(
    conn: &mut DbConnection,
    id: UserId,
    phone: Option<&str>,
) -> Result<(), StoreError> {
    let n = diesel::update(users::table.find(id.0))
        .set(users::contact_phone.eq(phone))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Ends every session of an account (its refresh tokens stop working), e.g. after its password
/// changed or it was deactivated.
pub fn revoke_sessions(
    conn: &mut DbConnection,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(id.0))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(())
}
