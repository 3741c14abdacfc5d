//! Requests as the public reads them (Open311 GeoReport v2): no actor, only a jurisdiction.
//! What may be shown of them is the api crate's concern; this only selects.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::content::ContentReview;
use linli_domain::org::NodePath;
use linli_domain::request::RequestStatus;
use linli_domain::{CategoryId, RequestId};

use super::query::{in_subtree, with_context};
use super::row::{RequestRecord, RequestRow};
use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{request_events, requests};
use crate::time::to_db;

/// Filters of a public query; every one narrows.
#[derive(Debug, Clone, Default)]
pub struct PublicQuery {
    /// Only under this node (a jurisdiction); everything when `None`.
    pub within: Option<NodePath>,
    /// Only these requests.
    pub ids: Option<Vec<RequestId>>,
    /// Only these categories.
    pub category_ids: Option<Vec<CategoryId>>,
    /// Only in these statuses.
    pub statuses: Option<Vec<RequestStatus>>,
    /// Submitted at or after, and at or before.
    pub submitted_between: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// At most this many, the most recent first.
    pub limit: i64,
}

/// The requests a public query selects, the most recent first.
pub fn public_list(
    conn: &mut DbConnection,
    q: &PublicQuery,
) -> Result<Vec<RequestRecord>, StoreError> {
    let mut query = requests::table
        .select(RequestRow::as_select())
        .order(requests::id.desc())
        .limit(q.limit)
        .into_boxed();
    if let Some(path) = &q.within {
        query = query.filter(in_subtree(path));
    }
    if let Some(ids) = &q.ids {
        query = query.filter(requests::id.eq_any(ids.iter().map(|i| i.0).collect::<Vec<_>>()));
    }
    if let Some(cats) = &q.category_ids {
        query = query
            .filter(requests::category_id.eq_any(cats.iter().map(|c| c.0).collect::<Vec<_>>()));
    }
    if let Some(statuses) = &q.statuses {
        query = query.filter(
            requests::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        );
    }
    if let Some((from, until)) = q.submitted_between {
        query = query
            .filter(requests::submitted_at.ge(to_db(from)))
            .filter(requests::submitted_at.le(to_db(until)));
    }
    let rows = query.load(conn)?;
    with_context(conn, rows)
}

/// The latest note of each request's timeline that content staff have not hidden.
pub fn latest_public_notes(
    conn: &mut DbConnection,
    ids: &[RequestId],
) -> Result<HashMap<RequestId, String>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, Option<String>)> = request_events::table
        .filter(request_events::request_id.eq_any(ids.iter().map(|i| i.0).collect::<Vec<_>>()))
        .filter(request_events::note.is_not_null())
        .filter(request_events::note_review.ne(ContentReview::Hidden.as_str()))
        .order(request_events::id.desc())
        .select((request_events::request_id, request_events::note))
        .load(conn)?;
    let mut notes = HashMap::new();
    for (id, note) in rows {
        if let Some(note) = note.filter(|n| !n.trim().is_empty()) {
            // Newest first: the first note seen for a request is its latest.
            notes.entry(RequestId(id)).or_insert(note);
        }
    }
    Ok(notes)
}
