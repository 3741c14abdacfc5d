//! Staff's decision on a request's flagged content: the request, its text, its pending notes and
//! its photos under review take the decision together, with a timeline event, in one
//! transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::UserId;
use linli_domain::content::{ContentReview, Decided, PhotoCheck, ReviewDecision, reviewed_event};

use super::events::record;
use super::row::RequestRecord;
use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{request_events, request_photos, requests};
use crate::time::to_db;

/// Applies staff's `decision` to what is pending on the request read as `before` (`Stale` if it
/// changed since, something new may have been flagged); `after` is the request's state, as the
/// domain decided. Returns what the decision covered.
pub fn review_content(
    conn: &mut DbConnection,
    before: &RequestRecord,
    decision: ReviewDecision,
    after: ContentReview,
    actor: UserId,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Decided, StoreError> {
    let id = before.request.id;
    let text_after = before.text_review.after(decision);
    let note_after = ContentReview::Pending.after(decision);
    let photo_after = PhotoCheck::Review.after(decision);
    conn.transaction(|conn| {
        let n = diesel::update(
            requests::table
                .filter(requests::id.eq(id.0))
                .filter(requests::version.eq(before.version)),
        )
        .set((
            requests::content_review.eq(after.as_str()),
            requests::text_review.eq(text_after.as_str()),
            requests::version.eq(before.version + 1),
            requests::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
        if n == 0 {
            return Err(StoreError::Stale);
        }
        let notes = diesel::update(
            request_events::table
                .filter(request_events::request_id.eq(id.0))
                .filter(request_events::note_review.eq(ContentReview::Pending.as_str())),
        )
        .set(request_events::note_review.eq(note_after.as_str()))
        .execute(conn)?;
        let photos = diesel::update(
            request_photos::table
                .filter(request_photos::request_id.eq(id.0))
                .filter(request_photos::status.eq(PhotoCheck::Review.as_str())),
        )
        .set(request_photos::status.eq(photo_after.as_str()))
        .execute(conn)?;
        let decided = Decided {
            text: before.text_review == ContentReview::Pending,
            notes,
            photos,
        };
        record(
            conn,
            id,
            before.community_id,
            &[reviewed_event(decision, decided)],
            Some(actor),
            note.map(|n| (n, ContentReview::None)),
            before.request.status,
            now,
        )?;
        Ok(decided)
    })
}
