//! What a partner platform sees of a request: in webhook payloads and through the partner API
//! alike. A partner is an outsider: it gets the state of the case, not the people in it (no
//! submitter, no contact phone, no handler's personal id), and hidden content stays hidden.

use chrono::{DateTime, Utc};
use linli_domain::category::Category;
use linli_domain::content::ContentReview;
use linli_domain::request::Assignee;
use linli_domain::stats::is_overdue;
use linli_persistence::requests::{EventRecord, RequestRecord};
use serde::Serialize;
use utoipa::ToSchema;

use super::view::{BuildingRef, CategoryRef, photo_check};
use super::wire::{AssigneeKindDto, ChannelDto, RatingDto, StatusDto};
use crate::content::HIDDEN_TEXT;

/// The handler, as a partner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerAssignee {
    /// A person (a grid worker, a volunteer…) or a property company.
    pub kind: AssigneeKindDto,
    /// The person's display name or the company's name.
    pub name: String,
}

/// A request as a partner platform sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerRequestView {
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
    /// The community it belongs to (org node id).
    pub community_id: i64,
    /// What was reported; a placeholder once content staff hid it.
    pub description: String,
    /// Where exactly; none once hidden.
    pub location_text: Option<String>,
    /// The photos anyone may see (checked and passed, or cleared by staff).
    pub photo_urls: Vec<String>,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// The handler it is dispatched to.
    pub assignee: Option<PartnerAssignee>,
    /// When a handler must have claimed it.
    pub first_response_due: DateTime<Utc>,
    /// When it must be resolved (extensions included).
    pub resolution_due: DateTime<Utc>,
    /// When a handler claimed it.
    pub responded_at: Option<DateTime<Utc>>,
    /// When it was resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The resident's rating.
    pub rating: Option<RatingDto>,
    /// Times reopened.
    pub reopen_count: i32,
    /// Open and past a deadline at the time of rendering.
    pub overdue: bool,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// One step of a request's timeline, as a partner sees it (without who did it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerTimelineEntry {
    /// Event id.
    pub id: i64,
    /// Event type, e.g. `request.dispatched`.
    #[schema(example = "request.dispatched")]
    pub r#type: String,
    /// What was said; a placeholder once content staff hid it.
    pub note: Option<String>,
    /// The status after this step.
    pub status: StatusDto,
    /// When.
    pub at: DateTime<Utc>,
}

/// Renders a record for a partner.
pub fn partner_view(
    rec: &RequestRecord,
    categories: &[Category],
    now: DateTime<Utc>,
) -> PartnerRequestView {
    let r = &rec.request;
    let category = categories
        .iter()
        .find(|c| c.id == r.category_id)
        .map_or_else(
            || CategoryRef {
                code: String::new(),
                name: String::new(),
            },
            |c| CategoryRef {
                code: c.code.as_str().to_owned(),
                name: c.name.clone(),
            },
        );
    let text_shown = rec.text_review != ContentReview::Hidden;
    let photo_urls = rec
        .photo_urls
        .iter()
        .enumerate()
        .filter(|(position, _)| photo_check(rec, *position).public())
        .map(|(_, url)| url.clone())
        .collect();
    PartnerRequestView {
        id: r.id.0,
        status: r.status.into(),
        category,
        channel: r.channel.into(),
        building: BuildingRef {
            id: rec.building_id.0,
            code: rec.labels.building_code.clone(),
            name: rec.labels.building_name.clone(),
        },
        community_id: rec.community_id.0,
        description: if text_shown {
            rec.description.clone()
        } else {
            HIDDEN_TEXT.to_owned()
        },
        location_text: rec.location_text.clone().filter(|_| text_shown),
        photo_urls,
        submitted_at: r.submitted_at,
        assignee: r.assignee.map(|a| PartnerAssignee {
            kind: match a {
                Assignee::User(_) => AssigneeKindDto::User,
                Assignee::Company(_) => AssigneeKindDto::Company,
            },
            name: rec.labels.assignee_name.clone().unwrap_or_default(),
        }),
        first_response_due: r.first_response_due,
        resolution_due: r.resolution_due,
        responded_at: r.responded_at,
        resolved_at: r.resolved_at,
        closed_at: r.closed_at,
        rating: r.rating.map(Into::into),
        reopen_count: r.reopen_count,
        overdue: is_overdue(
            r.status,
            r.resolution_due,
            r.first_response_due,
            r.responded_at,
            now,
        ),
        updated_at: rec.updated_at,
    }
}

/// Renders a timeline step for a partner.
pub fn partner_timeline_entry(e: EventRecord) -> PartnerTimelineEntry {
    let shown = e.note_review != ContentReview::Hidden;
    PartnerTimelineEntry {
        id: e.id,
        r#type: e.kind.as_str().to_owned(),
        note: if shown {
            e.note
        } else {
            e.note.map(|_| HIDDEN_TEXT.to_owned())
        },
        status: e.status_after.into(),
        at: e.created_at,
    }
}
