//! The photos of requests and their way through WeChat's asynchronous image check: which are
//! due to be submitted, the claim on a submission (so that two instances never submit the same
//! photo at once), the trace id WeChat gave, and the verdict it pushed back.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::content::{
    ContentReview, FlagReason, PhotoCheck, Subject, Suggest, flagged_event,
};
use linli_domain::request::{Event, RequestStatus};
use linli_domain::{OrgNodeId, RequestId};

use super::events::record;
use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt};
use crate::schema::{request_photos, requests, users};
use crate::time::to_db;

/// A photo's check state, by its position in the request's `photo_urls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoRecord {
    /// Its position in the request's list.
    pub position: usize,
    /// Where it stands.
    pub status: PhotoCheck,
}

fn check(s: &str) -> Result<PhotoCheck, StoreError> {
    PhotoCheck::parse(s).ok_or_else(|| corrupt(s))
}

/// Stores a new request's photos with their first states (pending ones due at once). Runs
/// inside the submit's transaction.
pub(crate) fn insert(
    conn: &mut DbConnection,
    request: RequestId,
    community: OrgNodeId,
    urls: &[String],
    states: &[PhotoCheck],
    now: DateTime<Utc>,
) -> Result<Vec<PhotoRecord>, StoreError> {
    let mut photos = Vec::with_capacity(states.len());
    for (position, (url, status)) in urls.iter().zip(states).enumerate() {
        let due = (*status == PhotoCheck::Pending).then(|| to_db(now));
        diesel::insert_into(request_photos::table)
            .values((
                request_photos::request_id.eq(request.0),
                request_photos::community_id.eq(community.0),
                request_photos::position.eq(position as i32),
                request_photos::url.eq(url),
                request_photos::status.eq(status.as_str()),
                request_photos::attempts.eq(0),
                request_photos::next_attempt_at.eq(due),
                request_photos::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        photos.push(PhotoRecord {
            position,
            status: *status,
        });
    }
    Ok(photos)
}

/// The photo states of the given requests, by request id.
pub(crate) fn of_requests(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<PhotoRecord>>, StoreError> {
    let rows: Vec<(i64, i32, String)> = request_photos::table
        .filter(request_photos::request_id.eq_any(ids))
        .order((request_photos::request_id, request_photos::position))
        .select((
            request_photos::request_id,
            request_photos::position,
            request_photos::status,
        ))
        .load(conn)?;
    let mut by_request: HashMap<i64, Vec<PhotoRecord>> = HashMap::new();
    for (request, position, status) in rows {
        by_request.entry(request).or_default().push(PhotoRecord {
            position: position as usize,
            status: check(&status)?,
        });
    }
    Ok(by_request)
}

/// A pending photo due to be submitted to WeChat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuePhoto {
    /// The photo's row.
    pub id: i64,
    /// Its request.
    pub request_id: RequestId,
    /// The URL WeChat fetches.
    pub url: String,
    /// Submissions so far.
    pub attempts: i32,
    /// The submitter's openid (WeChat checks a photo on behalf of a user).
    pub openid: Option<String>,
}

/// Pending photos due at `now` (of one request, or of all), oldest first.
pub fn due_photos(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    request: Option<RequestId>,
    limit: i64,
) -> Result<Vec<DuePhoto>, StoreError> {
    let mut query = request_photos::table
        .inner_join(requests::table)
        .inner_join(users::table.on(users::id.eq(requests::submitted_by)))
        .filter(request_photos::status.eq(PhotoCheck::Pending.as_str()))
        .filter(request_photos::next_attempt_at.le(to_db(now)))
        .order(request_photos::id.asc())
        .limit(limit)
        .select((
            request_photos::id,
            request_photos::request_id,
            request_photos::url,
            request_photos::attempts,
            users::openid,
        ))
        .into_boxed();
    if let Some(r) = request {
        query = query.filter(request_photos::request_id.eq(r.0));
    }
    let rows: Vec<(i64, i64, String, i32, Option<String>)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, request, url, attempts, openid)| DuePhoto {
            id,
            request_id: RequestId(request),
            url,
            attempts,
            openid,
        })
        .collect())
}

/// Takes the next submission of a photo: counts it and sets when the photo is due again should
/// this one come to nothing. False when another caller took it first (or it is no longer
/// pending).
pub fn claim_photo(
    conn: &mut DbConnection,
    photo: &DuePhoto,
    due_again: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        request_photos::table
            .filter(request_photos::id.eq(photo.id))
            .filter(request_photos::status.eq(PhotoCheck::Pending.as_str()))
            .filter(request_photos::attempts.eq(photo.attempts)),
    )
    .set((
        request_photos::attempts.eq(photo.attempts + 1),
        request_photos::next_attempt_at.eq(to_db(due_again)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Keeps the trace id WeChat gave the claimed submission (`attempts` is the count after the
/// claim), and when to ask again if no verdict comes.
pub fn photo_submitted(
    conn: &mut DbConnection,
    photo_id: i64,
    attempts: i32,
    trace_id: &str,
    due_again: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        request_photos::table
            .filter(request_photos::id.eq(photo_id))
            .filter(request_photos::status.eq(PhotoCheck::Pending.as_str()))
            .filter(request_photos::attempts.eq(attempts)),
    )
    .set((
        request_photos::trace_id.eq(trace_id),
        request_photos::next_attempt_at.eq(to_db(due_again)),
    ))
    .execute(conn)
    .map_err(|e| crate::error::on_unique(e, &[("trace", "trace_id")]))?;
    Ok(n == 1)
}

/// WeChat reported that it could not check the submission `trace_id`: the photo is due again
/// now.
pub fn retry_photo(
    conn: &mut DbConnection,
    trace_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        request_photos::table
            .filter(request_photos::trace_id.eq(trace_id))
            .filter(request_photos::status.eq(PhotoCheck::Pending.as_str())),
    )
    .set(request_photos::next_attempt_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(n == 1)
}

/// What a pushed verdict did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushedVerdict {
    /// The photo took the verdict's state.
    Recorded {
        /// Its request.
        request: RequestId,
        /// The new state.
        status: PhotoCheck,
    },
    /// The photo already had a verdict: a repeated push changes nothing.
    AlreadyDecided,
    /// No photo has this trace id (a push for an older submission, or not ours).
    Unknown,
}

/// Records WeChat's verdict on the submission `trace_id`; a photo under review or risky puts
/// its request in front of content staff, in the same transaction. Only a pending photo takes
/// a verdict, so a repeated push is harmless.
pub fn record_photo_verdict(
    conn: &mut DbConnection,
    trace_id: &str,
    suggest: Suggest,
    label: Option<i64>,
    now: DateTime<Utc>,
) -> Result<PushedVerdict, StoreError> {
    conn.transaction(|conn| {
        let found: Option<(i64, i64, i32, String)> = request_photos::table
            .filter(request_photos::trace_id.eq(trace_id))
            .select((
                request_photos::id,
                request_photos::request_id,
                request_photos::position,
                request_photos::status,
            ))
            .get_result(conn)
            .optional()?;
        let Some((id, request, position, status)) = found else {
            return Ok(PushedVerdict::Unknown);
        };
        if check(&status)? != PhotoCheck::Pending {
            return Ok(PushedVerdict::AlreadyDecided);
        }
        let next = PhotoCheck::from_verdict(suggest);
        let n = diesel::update(
            request_photos::table
                .filter(request_photos::id.eq(id))
                .filter(request_photos::status.eq(PhotoCheck::Pending.as_str())),
        )
        .set((
            request_photos::status.eq(next.as_str()),
            request_photos::label.eq(label),
            request_photos::checked_at.eq(to_db(now)),
            request_photos::next_attempt_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
        if n == 0 {
            return Ok(PushedVerdict::AlreadyDecided);
        }
        let request = RequestId(request);
        if next.flags_request() {
            let reason = FlagReason::Wechat { suggest, label };
            let event = flagged_event(Subject::Photo(position as usize), reason);
            flag_request(conn, request, &event, now)?;
        }
        Ok(PushedVerdict::Recorded {
            request,
            status: next,
        })
    })
}

/// WeChat never gave a verdict on a photo however often it was asked: it goes to content staff
/// instead. False when it had a verdict meanwhile.
pub fn give_up_photo(
    conn: &mut DbConnection,
    photo: &DuePhoto,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    conn.transaction(|conn| {
        let position: i32 = request_photos::table
            .filter(request_photos::id.eq(photo.id))
            .select(request_photos::position)
            .get_result(conn)?;
        let n = diesel::update(
            request_photos::table
                .filter(request_photos::id.eq(photo.id))
                .filter(request_photos::status.eq(PhotoCheck::Pending.as_str())),
        )
        .set((
            request_photos::status.eq(PhotoCheck::Review.as_str()),
            request_photos::next_attempt_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
        if n == 0 {
            return Ok(false);
        }
        let event = flagged_event(Subject::Photo(position as usize), FlagReason::Unchecked);
        flag_request(conn, photo.request_id, &event, now)?;
        Ok(true)
    })
}

/// Puts a request in front of content staff (a new version, so that a decision read before
/// this is decided again) and records why on its timeline, as the system.
fn flag_request(
    conn: &mut DbConnection,
    request: RequestId,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (community, status): (i64, String) = requests::table
        .filter(requests::id.eq(request.0))
        .select((requests::community_id, requests::status))
        .get_result(conn)?;
    let status = RequestStatus::parse(&status).ok_or_else(|| corrupt(&status))?;
    diesel::update(requests::table.filter(requests::id.eq(request.0)))
        .set((
            requests::content_review.eq(ContentReview::Pending.as_str()),
            requests::version.eq(requests::version + 1),
            requests::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    record(
        conn,
        request,
        OrgNodeId(community),
        std::slice::from_ref(event),
        None,
        None,
        status,
        now,
    )
}
