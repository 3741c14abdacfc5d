use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use linli_domain::content::ContentReview;
use linli_domain::org::NodePath;
use linli_domain::request::{Assignee, Channel, QueueLevel, Rating, Request, RequestStatus};
use linli_domain::{CategoryId, OrgNodeId, PropertyCompanyId, RequestId, UserId};

use super::photos::PhotoRecord;
use crate::error::{StoreError, corrupt};
use crate::schema::requests;
use crate::time::{from_db, opt_from_db};

/// A request as stored: the domain state plus what the rules don't read.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    /// The state the rules act on.
    pub request: Request,
    /// The community (tenant) it belongs to.
    pub community_id: OrgNodeId,
    /// The building it concerns.
    pub building_id: OrgNodeId,
    /// The building's compound.
    pub compound_id: OrgNodeId,
    /// The household, when reported for one.
    pub household_id: Option<OrgNodeId>,
    /// What the resident wrote.
    pub description: String,
    /// Where exactly, in the resident's words.
    pub location_text: Option<String>,
    /// Photos uploaded by the client.
    pub photo_urls: Vec<String>,
    /// The contact phone, encrypted with the data key.
    pub contact_phone_enc: Option<String>,
    /// The contact phone, masked, for those who may not see it whole.
    pub contact_phone_masked: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Names read with the record, for display.
    pub labels: Labels,
    /// Where the request stands in content review, taken as a whole.
    pub content_review: ContentReview,
    /// Where its own text (description and location) stands in content review.
    pub text_review: ContentReview,
    /// Its photos' check states, by position; a photo without one was never checked.
    pub photos: Vec<PhotoRecord>,
}

impl RequestRecord {
    /// True when the request has photos, whose states are read with it.
    pub(crate) fn has_photos(&self) -> bool {
        !self.photo_urls.is_empty()
    }
}

/// Display names read with a request: its building's, and its handler's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    /// The building's name.
    pub building_name: String,
    /// The building's public code.
    pub building_code: Option<String>,
    /// The assignee's display name (a person's or a company's).
    pub assignee_name: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = requests)]
pub(crate) struct RequestRow {
    id: i64,
    community_id: i64,
    category_id: i64,
    building_id: i64,
    compound_id: i64,
    household_id: Option<i64>,
    building_path: String,
    channel: String,
    status: String,
    queue_level: String,
    submitted_by: i64,
    submitted_at: NaiveDateTime,
    description: String,
    location_text: Option<String>,
    photo_urls: String,
    contact_phone_enc: Option<String>,
    contact_phone_masked: Option<String>,
    assignee_user_id: Option<i64>,
    assignee_company_id: Option<i64>,
    first_response_due: NaiveDateTime,
    resolution_due: NaiveDateTime,
    responded_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    resolved_by: Option<i64>,
    closed_at: Option<NaiveDateTime>,
    rating: Option<String>,
    reopen_count: i32,
    pending_extension_days: Option<i32>,
    extension_days: i32,
    overdue_at: Option<NaiveDateTime>,
    supervise_count: i32,
    version: i32,
    updated_at: NaiveDateTime,
    content_review: String,
    text_review: String,
}

pub(crate) fn assignee_columns(a: Option<Assignee>) -> (Option<i64>, Option<i64>) {
    match a {
        Some(Assignee::User(u)) => (Some(u.0), None),
        Some(Assignee::Company(c)) => (None, Some(c.0)),
        None => (None, None),
    }
}

impl RequestRow {
    pub(crate) fn compound(&self) -> i64 {
        self.compound_id
    }

    /// Joins the row with the company that manages its compound now.
    pub(crate) fn building(&self) -> i64 {
        self.building_id
    }

    pub(crate) fn assignee(&self) -> (Option<i64>, Option<i64>) {
        (self.assignee_user_id, self.assignee_company_id)
    }

    pub(crate) fn into_record(
        self,
        managing_company: Option<i64>,
        labels: Labels,
    ) -> Result<RequestRecord, StoreError> {
        let assignee = match (self.assignee_user_id, self.assignee_company_id) {
            (Some(u), _) => Some(Assignee::User(UserId(u))),
            (None, Some(c)) => Some(Assignee::Company(PropertyCompanyId(c))),
            (None, None) => None,
        };
        let rating = match &self.rating {
            Some(r) => Some(Rating::parse(r).ok_or_else(|| corrupt(r))?),
            None => None,
        };
        let request = Request {
            id: RequestId(self.id),
            status: RequestStatus::parse(&self.status).ok_or_else(|| corrupt(&self.status))?,
            category_id: CategoryId(self.category_id),
            building_path: NodePath::parse(&self.building_path).map_err(corrupt)?,
            managing_company: managing_company.map(PropertyCompanyId),
            channel: Channel::parse(&self.channel).map_err(corrupt)?,
            submitted_by: UserId(self.submitted_by),
            submitted_at: from_db(self.submitted_at),
            queue_level: QueueLevel::parse(&self.queue_level)
                .ok_or_else(|| corrupt(&self.queue_level))?,
            assignee,
            first_response_due: from_db(self.first_response_due),
            resolution_due: from_db(self.resolution_due),
            responded_at: opt_from_db(self.responded_at),
            resolved_at: opt_from_db(self.resolved_at),
            resolved_by: self.resolved_by.map(UserId),
            closed_at: opt_from_db(self.closed_at),
            rating,
            reopen_count: self.reopen_count,
            pending_extension_days: self.pending_extension_days,
            extension_days: self.extension_days,
            overdue_at: opt_from_db(self.overdue_at),
            supervise_count: self.supervise_count,
        };
        Ok(RequestRecord {
            request,
            community_id: OrgNodeId(self.community_id),
            building_id: OrgNodeId(self.building_id),
            compound_id: OrgNodeId(self.compound_id),
            household_id: self.household_id.map(OrgNodeId),
            description: self.description,
            location_text: self.location_text,
            photo_urls: serde_json::from_str(&self.photo_urls).map_err(corrupt)?,
            contact_phone_enc: self.contact_phone_enc,
            contact_phone_masked: self.contact_phone_masked,
            version: self.version,
            updated_at: from_db(self.updated_at),
            labels,
            content_review: review(&self.content_review)?,
            text_review: review(&self.text_review)?,
            photos: Vec::new(),
        })
    }
}

pub(crate) fn review(s: &str) -> Result<ContentReview, StoreError> {
    ContentReview::parse(s).ok_or_else(|| corrupt(s))
}
