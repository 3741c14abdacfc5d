//! What clients see of a request. Rendering needs names (category, building, handler): a page
//! loads them in one query per kind.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use linli_domain::CategoryId;
use linli_domain::access::Actor;
use linli_domain::category::Category;
use linli_domain::content::{PhotoCheck, photo_visible, sees_hidden};
use linli_domain::request::{Assignee, Request, sees_contact_phone};
use linli_domain::stats::is_overdue;
use linli_persistence::requests::{DuplicateHint, EventRecord, RequestRecord};
use linli_persistence::{DbConnection, categories};
use serde::Serialize;
use utoipa::ToSchema;

use super::wire::{
    AssigneeKindDto, ChannelDto, ContentReviewDto, PhotoCheckDto, QueueLevelDto, RatingDto,
    StatusDto,
};
use crate::cache::Caches;
use crate::content::HIDDEN_TEXT;
use crate::crypto::DataCipher;
use crate::error::ApiError;

/// A category, by code and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryRef {
    /// Stable code.
    #[schema(example = "property")]
    pub code: String,
    /// Name.
    #[schema(example = "物业管理")]
    pub name: String,
}

/// A building, by id, code and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BuildingRef {
    /// Node id.
    pub id: i64,
    /// Public code.
    #[schema(example = "DX-01-1")]
    pub code: Option<String>,
    /// Name.
    #[schema(example = "1号楼")]
    pub name: String,
}

/// The handler a request is assigned to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssigneeView {
    /// A person or a property company.
    pub kind: AssigneeKindDto,
    /// User id or company id.
    pub id: i64,
    /// Display name.
    pub name: String,
}

/// A request as clients see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestView {
    /// Id.
    pub id: i64,
    /// Where it stands.
    pub status: StatusDto,
    /// Service category.
    pub category: CategoryRef,
    /// How it came in.
    pub channel: ChannelDto,
    /// The building it concerns.
    pub building: BuildingRef,
    /// The household, when reported for one.
    pub household_id: Option<i64>,
    /// What the resident wrote; a placeholder once content staff hid it (except for them and
    /// its author).
    pub description: String,
    /// Where exactly (none once hidden, except for content staff and the author).
    pub location_text: Option<String>,
    /// The photos this caller may see: its author sees all of them; others those WeChat passed
    /// or staff cleared (content staff also those waiting for them).
    pub photo_urls: Vec<String>,
    /// The same photos with their check state.
    pub photos: Vec<PhotoView>,
    /// Where the request stands in content review, taken as a whole (`?content_review=` filters
    /// on it).
    pub content_review: ContentReviewDto,
    /// Where its description and location stand in content review.
    pub text_review: ContentReviewDto,
    /// Contact phone: whole for the resident, the handler and community staff; masked
    /// (138****5678) for everyone else.
    pub contact_phone: Option<String>,
    /// True when `contact_phone` is masked.
    pub contact_phone_masked: bool,
    /// Who submitted it.
    pub submitted_by: i64,
    /// When.
    pub submitted_at: DateTime<Utc>,
    /// Whose queue it is in while no handler has it.
    pub queue_level: QueueLevelDto,
    /// The handler.
    pub assignee: Option<AssigneeView>,
    /// When a handler must have claimed it.
    pub first_response_due: DateTime<Utc>,
    /// When it must be resolved (extensions included).
    pub resolution_due: DateTime<Utc>,
    /// When the handler claimed it.
    pub responded_at: Option<DateTime<Utc>>,
    /// When it was resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The resident's rating.
    pub rating: Option<RatingDto>,
    /// Times reopened.
    pub reopen_count: i32,
    /// Days granted by approved extensions.
    pub extension_days: i32,
    /// Days asked for by an extension waiting for a decision.
    pub pending_extension_days: Option<i32>,
    /// Open and past a deadline now.
    pub overdue: bool,
    /// When the sweep flagged it overdue.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Times supervised (督办) by the level above.
    pub supervise_count: i32,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A photo of a request, with its check state.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoView {
    /// Where it is.
    pub url: String,
    /// Where it stands in WeChat's image check.
    pub check: PhotoCheckDto,
}

/// One step of a request's timeline (事事有回音).
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    /// Event id.
    pub id: i64,
    /// Event type, e.g. `request.dispatched`.
    #[schema(example = "request.dispatched")]
    pub r#type: String,
    /// Who did it; null for the system.
    pub actor_name: Option<String>,
    /// What they said; a placeholder once content staff hid it (except for them and its
    /// author).
    pub note: Option<String>,
    /// Where the note stands in content review.
    pub note_review: ContentReviewDto,
    /// What the step decided (e.g. the assignee, the rating).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The status after this step.
    pub status: StatusDto,
    /// When.
    pub at: DateTime<Utc>,
}

/// A request with its timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestDetail {
    /// The request.
    #[serde(flatten)]
    pub request: RequestView,
    /// The butler's work log it was made from (a hazard or concerns turned into a request).
    pub work_log_id: Option<i64>,
    /// The deliberation and joint meetings that took it up, oldest first.
    pub meetings: Vec<RequestMeetingView>,
    /// Every step, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// A meeting that took a request up: enough to follow it (`GET /meetings/{id}` for those who
/// may see the meeting itself).
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestMeetingView {
    /// The meeting's id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Where it stands.
    pub status: crate::meetings::wire::MeetingStatusDto,
}

/// An open request that may be the same problem (same building and category, recent).
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateView {
    /// Its id.
    pub id: i64,
    /// Where it stands.
    pub status: StatusDto,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
}

impl From<DuplicateHint> for DuplicateView {
    fn from(d: DuplicateHint) -> Self {
        DuplicateView {
            id: d.id.0,
            status: d.status.into(),
            submitted_at: d.submitted_at,
        }
    }
}

/// The answer to a submit: the new request and possible duplicates, as a hint.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitResponse {
    /// The request.
    #[serde(flatten)]
    pub request: RequestView,
    /// Open requests for the same building and category from the last 30 days.
    pub possible_duplicates: Vec<DuplicateView>,
}

/// A page of requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestPage {
    /// The requests, newest first.
    pub items: Vec<RequestView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The service categories, from the cache (loaded on a miss).
pub fn all_categories(
    conn: &mut DbConnection,
    caches: &Caches,
) -> Result<Arc<Vec<Category>>, ApiError> {
    caches.categories(|| categories::list(conn).map_err(ApiError::from))
}

/// A category by id: from the cache, or from storage when it is newer than the cache.
pub fn category_by_id(
    conn: &mut DbConnection,
    caches: &Caches,
    id: CategoryId,
) -> Result<Category, ApiError> {
    if let Some(c) = all_categories(conn, caches)?.iter().find(|c| c.id == id) {
        return Ok(c.clone());
    }
    Ok(categories::get(conn, id)?)
}

/// Renders one record for an actor, masking what they may not see.
pub fn render(
    rec: &RequestRecord,
    categories: &[Category],
    actor: &Actor,
    cipher: &DataCipher,
    now: DateTime<Utc>,
) -> RequestView {
    let r = &rec.request;
    let (category_code, category_name) = categories
        .iter()
        .find(|c| c.id == r.category_id)
        .map(|c| (c.code.as_str().to_owned(), c.name.clone()))
        .unwrap_or_default();
    let whole = sees_contact_phone(actor, r);
    let contact_phone = match (&rec.contact_phone_enc, whole) {
        (Some(enc), true) => match cipher.decrypt(enc) {
            Ok(p) => Some(p),
            Err(e) => {
                // A key mismatch must not take the whole page down: show it masked.
                tracing::error!(request = r.id.0, error = %e, "cannot decrypt a contact phone");
                rec.contact_phone_masked.clone()
            }
        },
        _ => rec.contact_phone_masked.clone(),
    };
    let name = rec.labels.assignee_name.clone().unwrap_or_default();
    let text_shown = sees_hidden(actor, rec.text_review, r.submitted_by, &r.building_path);
    let photos: Vec<PhotoView> = rec
        .photo_urls
        .iter()
        .enumerate()
        .filter_map(|(position, url)| {
            let check = photo_check(rec, position);
            photo_visible(check, actor, r.submitted_by, &r.building_path).then(|| PhotoView {
                url: url.clone(),
                check: check.into(),
            })
        })
        .collect();
    let assignee = r.assignee.map(|a| match a {
        Assignee::User(u) => AssigneeView {
            kind: AssigneeKindDto::User,
            id: u.0,
            name,
        },
        Assignee::Company(c) => AssigneeView {
            kind: AssigneeKindDto::Company,
            id: c.0,
            name,
        },
    });
    RequestView {
        id: r.id.0,
        status: r.status.into(),
        category: CategoryRef {
            code: category_code,
            name: category_name,
        },
        channel: r.channel.into(),
        building: BuildingRef {
            id: rec.building_id.0,
            code: rec.labels.building_code.clone(),
            name: rec.labels.building_name.clone(),
        },
        household_id: rec.household_id.map(|h| h.0),
        description: if text_shown {
            rec.description.clone()
        } else {
            HIDDEN_TEXT.to_owned()
        },
        location_text: rec.location_text.clone().filter(|_| text_shown),
        photo_urls: photos.iter().map(|p| p.url.clone()).collect(),
        photos,
        content_review: rec.content_review.into(),
        text_review: rec.text_review.into(),
        contact_phone_masked: rec.contact_phone_enc.is_some() && !whole,
        contact_phone,
        submitted_by: r.submitted_by.0,
        submitted_at: r.submitted_at,
        queue_level: r.queue_level.into(),
        assignee,
        first_response_due: r.first_response_due,
        resolution_due: r.resolution_due,
        responded_at: r.responded_at,
        resolved_at: r.resolved_at,
        closed_at: r.closed_at,
        rating: r.rating.map(Into::into),
        reopen_count: r.reopen_count,
        extension_days: r.extension_days,
        pending_extension_days: r.pending_extension_days,
        overdue: is_overdue(
            r.status,
            r.resolution_due,
            r.first_response_due,
            r.responded_at,
            now,
        ),
        overdue_at: r.overdue_at,
        supervise_count: r.supervise_count,
        updated_at: rec.updated_at,
    }
}

/// A photo's check state; one stored before photos were checked was never checked.
pub(super) fn photo_check(rec: &RequestRecord, position: usize) -> PhotoCheck {
    rec.photos
        .iter()
        .find(|p| p.position == position)
        .map_or(PhotoCheck::Unchecked, |p| p.status)
}

/// A timeline entry of `req` as `actor` sees it.
pub fn timeline_entry(e: EventRecord, actor: &Actor, req: &Request) -> TimelineEntry {
    let shown = match e.actor_user_id {
        Some(author) => sees_hidden(actor, e.note_review, author, &req.building_path),
        None => true,
    };
    TimelineEntry {
        id: e.id,
        r#type: e.kind.as_str().to_owned(),
        actor_name: e.actor_name,
        note: if shown {
            e.note
        } else {
            e.note.map(|_| HIDDEN_TEXT.to_owned())
        },
        note_review: e.note_review.into(),
        data: e.data,
        status: e.status_after.into(),
        at: e.created_at,
    }
}
