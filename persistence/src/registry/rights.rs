//! A resident's rights over their data (PIPL): what is held about them, to export it, and
//! their erasure, which anonymises what must be kept for the record.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::UserId;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{categories, request_events as ev, requests as rq, users};
use crate::time::{from_db, to_db};
use crate::users::revoke_sessions;

/// A request the user submitted, with its timeline, as held.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnRequest {
    /// Its id.
    pub id: i64,
    /// Category code.
    pub category: String,
    /// Status.
    pub status: String,
    /// What they wrote.
    pub description: String,
    /// Where.
    pub location_text: Option<String>,
    /// Contact phone: ciphertext (the API decrypts it for the export).
    pub contact_phone_enc: Option<String>,
    /// When submitted.
    pub submitted_at: DateTime<Utc>,
    /// The timeline.
    pub events: Vec<OwnRequestEvent>,
}

/// A timeline event.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnRequestEvent {
    /// Kind.
    pub kind: String,
    /// Note.
    pub note: Option<String>,
    /// Status after.
    pub status_after: String,
    /// When.
    pub at: DateTime<Utc>,
}

type RequestRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    chrono::NaiveDateTime,
);

/// The requests `user` submitted, oldest first, with their timelines.
pub fn requests_of(conn: &mut DbConnection, user: UserId) -> Result<Vec<OwnRequest>, StoreError> {
    let rows: Vec<RequestRow> = rq::table
        .inner_join(categories::table)
        .filter(rq::submitted_by.eq(user.0))
        .order(rq::id.asc())
        .select((
            rq::id,
            categories::code,
            rq::status,
            rq::description,
            rq::location_text,
            rq::contact_phone_enc,
            rq::submitted_at,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let events: Vec<(i64, String, Option<String>, String, chrono::NaiveDateTime)> = ev::table
        .filter(ev::request_id.eq_any(&ids))
        .order(ev::id.asc())
        .select((
            ev::request_id,
            ev::kind,
            ev::note,
            ev::status_after,
            ev::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, category, status, description, location_text, phone, at)| OwnRequest {
                id,
                category,
                status,
                description,
                location_text,
                contact_phone_enc: phone,
                submitted_at: from_db(at),
                events: events
                    .iter()
                    .filter(|e| e.0 == id)
                    .map(|e| OwnRequestEvent {
                        kind: e.1.clone(),
                        note: e.2.clone(),
                        status_after: e.3.clone(),
                        at: from_db(e.4),
                    })
                    .collect(),
            },
        )
        .collect())
}

/// The account's personal fields as held: the phone shared through WeChat (ciphertext) and
/// the public contact phone, besides what `get_user` gives.
pub fn account_phones(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<(Option<String>, Option<String>), StoreError> {
    Ok(users::table
        .find(user.0)
        .select((users::phone_enc, users::contact_phone))
        .get_result(conn)?)
}

/// Erases an account's personal data: its name becomes `placeholder`, its WeChat identity,
/// phones and password go (so it can no longer sign in), it is deactivated and its sessions
/// end; the contact phones on its requests are erased. The requests and their timelines stay,
/// submitted by the anonymised account.
pub fn erase_account(
    conn: &mut DbConnection,
    user: UserId,
    placeholder: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = diesel::update(users::table.find(user.0))
        .set((
            users::display_name.eq(placeholder),
            users::username.eq(None::<String>),
            users::password_hash.eq(None::<String>),
            users::openid.eq(None::<String>),
            users::unionid.eq(None::<String>),
            users::phone_enc.eq(None::<String>),
            users::phone_masked.eq(None::<String>),
            users::phone_hash.eq(None::<String>),
            users::contact_phone.eq(None::<String>),
            users::active.eq(false),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    revoke_sessions(conn, user, now)?;
    diesel::update(rq::table.filter(rq::submitted_by.eq(user.0)))
        .set((
            rq::contact_phone_enc.eq(None::<String>),
            rq::contact_phone_masked.eq(None::<String>),
            rq::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}
