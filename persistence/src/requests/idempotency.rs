use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::{RequestId, UserId};

use super::row::RequestRecord;
use crate::connection::DbConnection;
use crate::error::{StoreError, on_unique};
use crate::schema::idempotency_keys;
use crate::time::to_db;

/// What a submit with an `Idempotency-Key` led to.
#[derive(Debug)]
pub enum IdempotentSubmit {
    /// A new request was stored.
    Created(Box<RequestRecord>),
    /// The key was seen before: the first submit's request, and the hash of its body, which the
    /// caller compares with this body's.
    Replayed {
        /// Hash of the first body.
        request_hash: String,
        /// The request the first submit created.
        request_id: RequestId,
    },
}

/// The earlier use of a key by this user, if any.
pub fn find_idempotent(
    conn: &mut DbConnection,
    user: UserId,
    key: &str,
) -> Result<Option<IdempotentSubmit>, StoreError> {
    let row: Option<(String, i64)> = idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(user.0))
        .filter(idempotency_keys::idem_key.eq(key))
        .select((idempotency_keys::request_hash, idempotency_keys::request_id))
        .get_result(conn)
        .optional()?;
    Ok(row.map(|(request_hash, id)| IdempotentSubmit::Replayed {
        request_hash,
        request_id: RequestId(id),
    }))
}

pub(crate) fn remember(
    conn: &mut DbConnection,
    user: UserId,
    key: &str,
    hash: &str,
    request: RequestId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(user.0),
            idempotency_keys::idem_key.eq(key),
            idempotency_keys::request_hash.eq(hash),
            idempotency_keys::request_id.eq(request.0),
            idempotency_keys::created_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map_err(|e| on_unique(e, &[("idem", "idempotency_key")]))?;
    Ok(())
}
