//! Partner platforms and their API keys as stored.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use linli_domain::org::NodePath;
use linli_domain::{OrgNodeId, UserId};

use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt, on_unique};
use crate::org::{OrgNode, subtree_bounds};
use crate::schema::{partner_keys as pk, partners as p};
use crate::time::{from_db, opt_from_db, to_db};

/// A partner as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    /// Its id.
    pub id: i64,
    /// Its name, unique.
    pub name: String,
    /// The street or community it reaches.
    pub scope_node_id: OrgNodeId,
    /// That node's path.
    pub scope_path: NodePath,
    /// False once suspended.
    pub active: bool,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

/// An API key as stored: its public id and the hash of its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRecord {
    /// Row id.
    pub id: i64,
    /// Its partner.
    pub partner_id: i64,
    /// The public id.
    pub key_id: String,
    /// SHA-256 of the secret, hex.
    pub secret_hash: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = p)]
struct PartnerRow {
    id: i64,
    name: String,
    scope_node_id: i64,
    scope_path: String,
    status: String,
    created_at: chrono::NaiveDateTime,
}

impl TryFrom<PartnerRow> for Partner {
    type Error = StoreError;

    fn try_from(r: PartnerRow) -> Result<Self, StoreError> {
        Ok(Partner {
            id: r.id,
            name: r.name,
            scope_node_id: OrgNodeId(r.scope_node_id),
            scope_path: NodePath::parse(&r.scope_path).map_err(corrupt)?,
            active: r.status == "active",
            created_at: from_db(r.created_at),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = pk)]
struct KeyRow {
    id: i64,
    partner_id: i64,
    key_id: String,
    secret_hash: String,
    created_at: chrono::NaiveDateTime,
    revoked_at: Option<chrono::NaiveDateTime>,
    last_used_at: Option<chrono::NaiveDateTime>,
}

impl From<KeyRow> for KeyRecord {
    fn from(r: KeyRow) -> Self {
        KeyRecord {
            id: r.id,
            partner_id: r.partner_id,
            key_id: r.key_id,
            secret_hash: r.secret_hash,
            created_at: from_db(r.created_at),
            revoked_at: opt_from_db(r.revoked_at),
            last_used_at: opt_from_db(r.last_used_at),
        }
    }
}

/// Registers a partner scoped to `scope`; a taken name is `Duplicate("name")`.
pub fn create(
    conn: &mut DbConnection,
    name: &str,
    scope: &OrgNode,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<Partner, StoreError> {
    let id: i64 = diesel::insert_into(p::table)
        .values((
            p::name.eq(name),
            p::scope_node_id.eq(scope.id.0),
            p::scope_path.eq(scope.path.as_str()),
            p::status.eq("active"),
            p::created_by.eq(by.0),
            p::created_at.eq(to_db(now)),
            p::updated_at.eq(to_db(now)),
        ))
        .returning(p::id)
        .get_result(conn)
        .map_err(|e| on_unique(e, &[("name", "name")]))?;
    get(conn, id)
}

/// One partner.
pub fn get(conn: &mut DbConnection, id: i64) -> Result<Partner, StoreError> {
    p::table
        .find(id)
        .select(PartnerRow::as_select())
        .get_result(conn)?
        .try_into()
}

/// The partners scoped inside any of `subtrees`, by name.
pub fn in_subtrees(
    conn: &mut DbConnection,
    subtrees: &[NodePath],
) -> Result<Vec<Partner>, StoreError> {
    type Pred = Box<dyn BoxableExpression<p::table, MultiBackend, SqlType = Bool>>;
    let mut inside: Pred = Box::new(sql::<Bool>("1 = 0"));
    for path in subtrees {
        let (lo, hi) = subtree_bounds(path);
        inside = Box::new(inside.or(p::scope_path.ge(lo).and(p::scope_path.lt(hi))));
    }
    p::table
        .filter(inside)
        .order(p::name.asc())
        .select(PartnerRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// Suspends or resumes a partner.
pub fn set_active(
    conn: &mut DbConnection,
    id: i64,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = diesel::update(p::table.find(id))
        .set((
            p::status.eq(if active { "active" } else { "suspended" }),
            p::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Stores a new key of a partner.
pub fn add_key(
    conn: &mut DbConnection,
    partner_id: i64,
    key_id: &str,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<KeyRecord, StoreError> {
    let id: i64 = diesel::insert_into(pk::table)
        .values((
            pk::partner_id.eq(partner_id),
            pk::key_id.eq(key_id),
            pk::secret_hash.eq(secret_hash),
            pk::created_at.eq(to_db(now)),
        ))
        .returning(pk::id)
        .get_result(conn)?;
    Ok(pk::table
        .find(id)
        .select(KeyRow::as_select())
        .get_result(conn)?
        .into())
}

/// A partner's keys, oldest first.
pub fn keys_of(conn: &mut DbConnection, partner_id: i64) -> Result<Vec<KeyRecord>, StoreError> {
    Ok(pk::table
        .filter(pk::partner_id.eq(partner_id))
        .order(pk::id.asc())
        .select(KeyRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Revokes a partner's key; false when it was revoked already.
pub fn revoke_key(
    conn: &mut DbConnection,
    partner_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let exists: i64 = pk::table
        .filter(pk::id.eq(id))
        .filter(pk::partner_id.eq(partner_id))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        return Err(StoreError::NotFound);
    }
    let n = diesel::update(
        pk::table
            .filter(pk::id.eq(id))
            .filter(pk::revoked_at.is_null()),
    )
    .set(pk::revoked_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(n == 1)
}

/// A key by its public id, with its partner.
pub fn find_key(conn: &mut DbConnection, key_id: &str) -> Result<(KeyRecord, Partner), StoreError> {
    let k: KeyRecord = pk::table
        .filter(pk::key_id.eq(key_id))
        .select(KeyRow::as_select())
        .get_result::<KeyRow>(conn)?
        .into();
    let owner = get(conn, k.partner_id)?;
    Ok((k, owner))
}
