//! Refresh tokens: stored as hashes, rotated on use, revoked by family on reuse.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::UserId;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::refresh_tokens;
use crate::time::{from_db, opt_from_db, to_db};

/// A refresh token as stored (the token itself is never stored, only its hash).
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshToken {
    /// Row id.
    pub id: i64,
    /// Whose it is.
    pub user_id: UserId,
    /// Every rotation of one login shares a family.
    pub family: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was exchanged for a new one.
    pub used_at: Option<DateTime<Utc>>,
    /// When its family was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

type Row = (
    i64,
    i64,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
);

fn from_row(r: Row) -> RefreshToken {
    RefreshToken {
        id: r.0,
        user_id: UserId(r.1),
        family: r.2,
        expires_at: from_db(r.3),
        used_at: opt_from_db(r.4),
        revoked_at: opt_from_db(r.5),
    }
}

/// Stores a new token of a family.
pub fn insert(
    conn: &mut DbConnection,
    user: UserId,
    family: &str,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user.0),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(to_db(expires_at)),
            refresh_tokens::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A token by its hash.
pub fn find(conn: &mut DbConnection, token_hash: &str) -> Result<RefreshToken, StoreError> {
    let row: Row = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::id,
            refresh_tokens::user_id,
            refresh_tokens::family,
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            refresh_tokens::revoked_at,
        ))
        .get_result(conn)?;
    Ok(from_row(row))
}

/// Marks a token used, only if nobody used it first: false means it was already used
/// (two refreshes raced, or a stolen token was replayed).
pub fn mark_used(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes every token of a family.
pub fn revoke_family(
    conn: &mut DbConnection,
    family: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(())
}
