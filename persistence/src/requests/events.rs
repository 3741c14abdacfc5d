use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::content::ContentReview;
use linli_domain::request::{Event, EventKind, RequestStatus};
use linli_domain::{OrgNodeId, RequestId, UserId};

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt};
use crate::schema::{outbox, request_events, users};
use crate::time::{from_db, to_db};

/// One entry of a request's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// Its id (also the outbox row's event id).
    pub id: i64,
    /// What happened.
    pub kind: EventKind,
    /// Who did it; `None` for the system (sweep, auto-close).
    pub actor_user_id: Option<UserId>,
    /// Their display name.
    pub actor_name: Option<String>,
    /// What they said.
    pub note: Option<String>,
    /// Where the note stands in content review.
    pub note_review: ContentReview,
    /// What the transition decided.
    pub data: serde_json::Value,
    /// The status after it.
    pub status_after: RequestStatus,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A note on an event and where it stands in content review.
pub(crate) type NoteRow<'a> = Option<(&'a str, ContentReview)>;

/// Stores events with their outbox rows. Runs inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    conn: &mut DbConnection,
    request: RequestId,
    community: OrgNodeId,
    events: &[Event],
    actor: Option<UserId>,
    note: NoteRow<'_>,
    status_after: RequestStatus,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (note, note_review) = match note {
        Some((text, review)) => (Some(text), review),
        None => (None, ContentReview::None),
    };
    for event in events {
        let data = event.data.to_string();
        let id: i64 = diesel::insert_into(request_events::table)
            .values((
                request_events::request_id.eq(request.0),
                request_events::community_id.eq(community.0),
                request_events::kind.eq(event.kind.as_str()),
                request_events::actor_user_id.eq(actor.map(|a| a.0)),
                request_events::note.eq(note),
                request_events::note_review.eq(note_review.as_str()),
                request_events::data.eq(&data),
                request_events::status_after.eq(status_after.as_str()),
                request_events::created_at.eq(to_db(now)),
            ))
            .returning(request_events::id)
            .get_result(conn)?;
        let payload = serde_json::json!({
            "event_id": id,
            "type": event.kind.as_str(),
            "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "request_id": request.0,
            "community_id": community.0,
            "actor_user_id": actor.map(|a| a.0),
            "status": status_after.as_str(),
            "data": event.data,
        });
        diesel::insert_into(outbox::table)
            .values((
                outbox::event_id.eq(id),
                outbox::community_id.eq(community.0),
                outbox::topic.eq(event.kind.as_str()),
                outbox::payload.eq(payload.to_string()),
                outbox::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A request's timeline, oldest first.
pub fn timeline(conn: &mut DbConnection, id: RequestId) -> Result<Vec<EventRecord>, StoreError> {
    type Row = (
        i64,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        String,
        String,
        chrono::NaiveDateTime,
        String,
    );
    let rows: Vec<Row> = request_events::table
        .left_join(users::table.on(users::id.nullable().eq(request_events::actor_user_id)))
        .filter(request_events::request_id.eq(id.0))
        .order(request_events::id.asc())
        .select((
            request_events::id,
            request_events::kind,
            request_events::actor_user_id,
            users::display_name.nullable(),
            request_events::note,
            request_events::data,
            request_events::status_after,
            request_events::created_at,
            request_events::note_review,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, kind, actor, name, note, data, status, at, review)| {
            Ok(EventRecord {
                id,
                kind: EventKind::parse(&kind).ok_or_else(|| corrupt(&kind))?,
                actor_user_id: actor.map(UserId),
                actor_name: name,
                note,
                note_review: super::row::review(&review)?,
                data: serde_json::from_str(&data).map_err(corrupt)?,
                status_after: RequestStatus::parse(&status).ok_or_else(|| corrupt(&status))?,
                created_at: from_db(at),
            })
        })
        .collect()
}
