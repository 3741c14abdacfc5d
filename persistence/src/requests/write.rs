use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::content::{ContentReview, PhotoCheck};
use linli_domain::request::{Event, NewRequest, Transition};
use linli_domain::{OrgNodeId, RequestId, UserId};

use super::events::record;
use super::idempotency::{IdempotentSubmit, find_idempotent, remember};
use super::photos;
use super::row::{RequestRecord, assignee_columns};
use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::requests;
use crate::time::{opt_to_db, to_db};

/// What a new request carries beside its domain state.
#[derive(Debug, Clone)]
pub struct NewRequestDetails {
    /// The community (tenant).
    pub community_id: OrgNodeId,
    /// The building.
    pub building_id: OrgNodeId,
    /// The building's compound.
    pub compound_id: OrgNodeId,
    /// The household, if any.
    pub household_id: Option<OrgNodeId>,
    /// The description.
    pub description: String,
    /// Location text.
    pub location_text: Option<String>,
    /// Photo URLs.
    pub photo_urls: Vec<String>,
    /// Encrypted contact phone.
    pub contact_phone_enc: Option<String>,
    /// Masked contact phone.
    pub contact_phone_masked: Option<String>,
    /// What content screening decided.
    pub content: Screened,
}

/// What content screening decided for a new request.
#[derive(Debug, Clone, Default)]
pub struct Screened {
    /// Its text's review state: none, or pending when flagged.
    pub text_review: ContentReview,
    /// `request.content_flagged` events, recorded after `request.submitted`.
    pub flags: Vec<Event>,
    /// Each photo's first state, by position. Empty: its photos are never checked.
    pub photos: Vec<PhotoCheck>,
}

impl Screened {
    /// The request's review state as a whole.
    fn content_review(&self) -> ContentReview {
        if self.text_review == ContentReview::Pending || !self.flags.is_empty() {
            ContentReview::Pending
        } else {
            ContentReview::None
        }
    }
}

/// A note on an action, screened.
#[derive(Debug, Clone)]
pub struct Noted<'a> {
    /// The text.
    pub text: &'a str,
    /// None, or pending when flagged.
    pub review: ContentReview,
    /// The `request.content_flagged` event when flagged.
    pub flag: Option<Event>,
}

/// Stores a new request with its `submitted` event and outbox row, and the idempotency key if
/// one was given, all in one transaction. A key seen before replays the first result instead.
#[allow(clippy::too_many_arguments)]
pub fn submit(
    conn: &mut DbConnection,
    new: &NewRequest,
    details: &NewRequestDetails,
    event: &Event,
    actor: UserId,
    note: Option<&str>,
    idempotency: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> Result<IdempotentSubmit, StoreError> {
    let result = conn.transaction(|conn| {
        if let Some((key, _)) = idempotency
            && let Some(seen) = find_idempotent(conn, actor, key)?
        {
            return Ok(seen);
        }
        let (assignee_user, assignee_company) = assignee_columns(new.assignee);
        let id: i64 = diesel::insert_into(requests::table)
            .values((
                (
                    requests::community_id.eq(details.community_id.0),
                    requests::category_id.eq(new.category_id.0),
                    requests::building_id.eq(details.building_id.0),
                    requests::compound_id.eq(details.compound_id.0),
                    requests::household_id.eq(details.household_id.map(|h| h.0)),
                    requests::building_path.eq(new.building_path.as_str()),
                    requests::channel.eq(new.channel.as_str()),
                    requests::status.eq(new.status.as_str()),
                    requests::queue_level.eq(new.queue_level.as_str()),
                    requests::submitted_by.eq(new.submitted_by.0),
                    requests::submitted_at.eq(to_db(new.submitted_at)),
                ),
                (
                    requests::description.eq(&details.description),
                    requests::location_text.eq(&details.location_text),
                    requests::photo_urls.eq(serde_json::to_string(&details.photo_urls)
                        .expect("a list of strings serialises")),
                    requests::contact_phone_enc.eq(&details.contact_phone_enc),
                    requests::contact_phone_masked.eq(&details.contact_phone_masked),
                    requests::assignee_user_id.eq(assignee_user),
                    requests::assignee_company_id.eq(assignee_company),
                    requests::first_response_due.eq(to_db(new.first_response_due)),
                    requests::resolution_due.eq(to_db(new.resolution_due)),
                    requests::reopen_count.eq(0),
                    requests::extension_days.eq(0),
                    requests::supervise_count.eq(0),
                    requests::version.eq(0),
                    requests::updated_at.eq(to_db(now)),
                    requests::content_review.eq(details.content.content_review().as_str()),
                    requests::text_review.eq(details.content.text_review.as_str()),
                ),
            ))
            .returning(requests::id)
            .get_result(conn)?;
        let id = RequestId(id);
        record(
            conn,
            id,
            details.community_id,
            std::slice::from_ref(event),
            Some(actor),
            note.map(|n| (n, ContentReview::None)),
            new.status,
            now,
        )?;
        // The system flags, not the submitter.
        record(
            conn,
            id,
            details.community_id,
            &details.content.flags,
            None,
            None,
            new.status,
            now,
        )?;
        let photos = photos::insert(
            conn,
            id,
            details.community_id,
            &details.photo_urls,
            &details.content.photos,
            now,
        )?;
        if let Some((key, hash)) = idempotency {
            remember(conn, actor, key, hash, id, now)?;
        }
        // Exactly what was written: no need to read it back while holding the writer.
        Ok(IdempotentSubmit::Created(Box::new(RequestRecord {
            request: new.clone().with_id(id),
            community_id: details.community_id,
            building_id: details.building_id,
            compound_id: details.compound_id,
            household_id: details.household_id,
            description: details.description.clone(),
            location_text: details.location_text.clone(),
            photo_urls: details.photo_urls.clone(),
            contact_phone_enc: details.contact_phone_enc.clone(),
            contact_phone_masked: details.contact_phone_masked.clone(),
            version: 0,
            updated_at: now,
            // The caller knows the building it chose; there is no assignee yet.
            labels: Default::default(),
            content_review: details.content.content_review(),
            text_review: details.content.text_review,
            photos,
        })))
    });
    match result {
        // Two retries with one key raced: the loser rolled back; replay the winner's.
        Err(StoreError::Duplicate("idempotency_key")) => {
            let (key, _) = idempotency.expect("only a keyed submit remembers a key");
            find_idempotent(conn, actor, key)?.ok_or(StoreError::NotFound)
        }
        other => other,
    }
}

/// Applies a decided transition: the new state (only if nobody changed the request since it was
/// read, else `Stale`), its events and outbox rows, in one transaction.
pub fn apply(
    conn: &mut DbConnection,
    before: &RequestRecord,
    transition: &Transition,
    actor: Option<UserId>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<RequestRecord, StoreError> {
    let note = note.map(|text| Noted {
        text,
        review: ContentReview::None,
        flag: None,
    });
    apply_noted(conn, before, transition, actor, note.as_ref(), now)
}

/// [`apply`] with a screened note: a flagged note puts the request in front of content staff,
/// in the same transaction.
pub fn apply_noted(
    conn: &mut DbConnection,
    before: &RequestRecord,
    transition: &Transition,
    actor: Option<UserId>,
    note: Option<&Noted<'_>>,
    now: DateTime<Utc>,
) -> Result<RequestRecord, StoreError> {
    let r = &transition.request;
    let (assignee_user, assignee_company) = assignee_columns(r.assignee);
    conn.transaction(|conn| {
        let n = diesel::update(
            requests::table
                .filter(requests::id.eq(r.id.0))
                .filter(requests::version.eq(before.version)),
        )
        .set((
            (
                requests::status.eq(r.status.as_str()),
                requests::queue_level.eq(r.queue_level.as_str()),
                requests::assignee_user_id.eq(assignee_user),
                requests::assignee_company_id.eq(assignee_company),
                requests::first_response_due.eq(to_db(r.first_response_due)),
                requests::resolution_due.eq(to_db(r.resolution_due)),
                requests::responded_at.eq(opt_to_db(r.responded_at)),
                requests::resolved_at.eq(opt_to_db(r.resolved_at)),
                requests::resolved_by.eq(r.resolved_by.map(|u| u.0)),
                requests::closed_at.eq(opt_to_db(r.closed_at)),
            ),
            (
                requests::rating.eq(r.rating.map(|x| x.as_str())),
                requests::reopen_count.eq(r.reopen_count),
                requests::pending_extension_days.eq(r.pending_extension_days),
                requests::extension_days.eq(r.extension_days),
                requests::overdue_at.eq(opt_to_db(r.overdue_at)),
                requests::supervise_count.eq(r.supervise_count),
                requests::version.eq(before.version + 1),
                requests::updated_at.eq(to_db(now)),
            ),
        ))
        .execute(conn)?;
        if n == 0 {
            return Err(StoreError::Stale);
        }
        record(
            conn,
            r.id,
            before.community_id,
            &transition.events,
            actor,
            note.map(|n| (n.text, n.review)),
            r.status,
            now,
        )?;
        let mut content_review = before.content_review;
        if let Some(flag) = note.and_then(|n| n.flag.as_ref()) {
            diesel::update(requests::table.filter(requests::id.eq(r.id.0)))
                .set(requests::content_review.eq(ContentReview::Pending.as_str()))
                .execute(conn)?;
            record(
                conn,
                r.id,
                before.community_id,
                std::slice::from_ref(flag),
                None,
                None,
                r.status,
                now,
            )?;
            content_review = ContentReview::Pending;
        }
        Ok(RequestRecord {
            request: r.clone(),
            version: before.version + 1,
            updated_at: now,
            content_review,
            ..before.clone()
        })
    })
}
