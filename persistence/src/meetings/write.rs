use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use linli_domain::meeting::{
    ActionItem, ActionItemStatus, MeetingId, MeetingKind, MeetingStatus, ParticipantRole, PartyKind,
};
use linli_domain::org::NodePath;
use linli_domain::{OrgNodeId, RequestId, UserId};

use super::record::MeetingRecord;
use crate::connection::DbConnection;
use crate::error::{StoreError, on_unique};
use crate::schema::{
    meeting_action_items as mai, meeting_participants as mp, meeting_requests as mr,
    meeting_resolutions as mres, meetings as m,
};
use crate::time::{opt_to_db, to_db};

/// A meeting to call.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    /// The community (tenant).
    pub community_id: OrgNodeId,
    /// Its node.
    pub org_node_id: OrgNodeId,
    /// The node's path.
    pub node_path: NodePath,
    /// Deliberation or joint.
    pub kind: MeetingKind,
    /// Title.
    pub title: String,
    /// When.
    pub starts_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Who calls it (recorded as the organiser participant too).
    pub organiser_id: UserId,
    /// The agenda.
    pub agenda: Option<String>,
    /// A client's key against double submits.
    pub idempotency_key: Option<String>,
    /// The keyed hash of the body sent with it, which a replay must match.
    pub idempotency_hash: Option<String>,
}

/// Who a new participant is.
#[derive(Debug, Clone)]
pub enum ParticipantWho {
    /// A user.
    User(UserId),
    /// An outside party.
    Party {
        /// Name.
        name: String,
        /// Organisation.
        organisation: Option<String>,
        /// Kind.
        kind: PartyKind,
        /// Business contact phone, encrypted.
        contact_phone_enc: Option<String>,
        /// The same, masked.
        contact_phone_masked: Option<String>,
    },
}

/// A participant to add.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    /// Their part.
    pub role: ParticipantRole,
    /// Who.
    pub who: ParticipantWho,
}

/// An agreement to record.
#[derive(Debug, Clone)]
pub struct NewAgreement {
    /// Who signed.
    pub parties: Vec<String>,
    /// What they agreed.
    pub text: String,
    /// When.
    pub signed_on: NaiveDate,
    /// The scanned copy.
    pub attachment_url: Option<String>,
}

/// An action item to record.
#[derive(Debug, Clone)]
pub struct NewActionItem {
    /// What is to be done.
    pub title: String,
    /// The user who owns it, or…
    pub owner_user_id: Option<UserId>,
    /// …the outside owner's name.
    pub owner_name: Option<String>,
    /// The last day.
    pub due_on: NaiveDate,
}

/// A resolution to record.
#[derive(Debug, Clone)]
pub struct NewResolution {
    /// What was decided.
    pub text: String,
    /// When.
    pub decided_at: DateTime<Utc>,
    /// Finishing its items resolves the linked requests.
    pub resolves_requests: bool,
    /// The agreement, if signed.
    pub agreement: Option<NewAgreement>,
    /// Its action items.
    pub items: Vec<NewActionItem>,
}

/// Calls a meeting, with its organiser as the first participant.
pub fn create(
    conn: &mut DbConnection,
    new: &NewMeeting,
    now: DateTime<Utc>,
) -> Result<MeetingRecord, StoreError> {
    let id: i64 = diesel::insert_into(m::table)
        .values((
            (
                m::community_id.eq(new.community_id.0),
                m::org_node_id.eq(new.org_node_id.0),
                m::node_path.eq(new.node_path.as_str()),
                m::kind.eq(new.kind.as_str()),
                m::status.eq(MeetingStatus::Scheduled.as_str()),
                m::title.eq(&new.title),
                m::starts_at.eq(to_db(new.starts_at)),
                m::place.eq(&new.place),
            ),
            (
                m::organiser_id.eq(new.organiser_id.0),
                m::agenda.eq(&new.agenda),
                m::version.eq(0),
                m::idempotency_key.eq(&new.idempotency_key),
                m::idempotency_hash.eq(&new.idempotency_hash),
                m::created_at.eq(to_db(now)),
                m::updated_at.eq(to_db(now)),
            ),
        ))
        .returning(m::id)
        .get_result(conn)
        .map_err(|e| on_unique(e, &[("idempotency", "idempotency_key")]))?;
    let meeting = super::query::get(conn, MeetingId(id))?;
    add_participant(
        conn,
        &meeting,
        &NewParticipant {
            role: ParticipantRole::Organiser,
            who: ParticipantWho::User(new.organiser_id),
        },
        now,
    )?;
    Ok(meeting)
}

/// Stores `after` over `before`: every changeable column, the version bumped, only if nobody
/// changed the meeting since `before` was read (else `Stale`). Returns the new version.
pub fn bump(
    conn: &mut DbConnection,
    before: &MeetingRecord,
    after: &MeetingRecord,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    let n = diesel::update(
        m::table
            .filter(m::id.eq(before.id.0))
            .filter(m::version.eq(before.version)),
    )
    .set((
        m::status.eq(after.status.as_str()),
        m::title.eq(&after.title),
        m::starts_at.eq(to_db(after.starts_at)),
        m::place.eq(&after.place),
        m::agenda.eq(&after.agenda),
        m::minutes.eq(&after.minutes),
        m::held_at.eq(opt_to_db(after.held_at)),
        m::cancel_reason.eq(&after.cancel_reason),
        m::finished_at.eq(opt_to_db(after.finished_at)),
        m::version.eq(before.version + 1),
        m::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(before.version + 1)
}

/// Adds a participant; a user already at the table is `Duplicate("participant")`.
pub fn add_participant(
    conn: &mut DbConnection,
    meeting: &MeetingRecord,
    p: &NewParticipant,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let (user, name, org, kind, enc, masked) = match &p.who {
        ParticipantWho::User(u) => (Some(u.0), None, None, None, None, None),
        ParticipantWho::Party {
            name,
            organisation,
            kind,
            contact_phone_enc,
            contact_phone_masked,
        } => (
            None,
            Some(name.as_str()),
            organisation.as_deref(),
            Some(kind.as_str()),
            contact_phone_enc.as_deref(),
            contact_phone_masked.as_deref(),
        ),
    };
    diesel::insert_into(mp::table)
        .values((
            mp::meeting_id.eq(meeting.id.0),
            mp::community_id.eq(meeting.community_id.0),
            mp::role.eq(p.role.as_str()),
            mp::user_id.eq(user),
            mp::party_name.eq(name),
            mp::party_organisation.eq(org),
            mp::party_kind.eq(kind),
            mp::contact_phone_enc.eq(enc),
            mp::contact_phone_masked.eq(masked),
            mp::created_at.eq(to_db(now)),
        ))
        .returning(mp::id)
        .get_result(conn)
        .map_err(|e| on_unique(e, &[("user", "participant")]))
}

/// Removes a participant of the meeting; `NotFound` when it has no such participant.
pub fn remove_participant(
    conn: &mut DbConnection,
    meeting: MeetingId,
    participant: i64,
) -> Result<(), StoreError> {
    let n = diesel::delete(
        mp::table
            .filter(mp::id.eq(participant))
            .filter(mp::meeting_id.eq(meeting.0)),
    )
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Records who attended: the listed participants did, the others did not.
pub fn set_attendance(
    conn: &mut DbConnection,
    meeting: MeetingId,
    attended: &[i64],
) -> Result<(), StoreError> {
    diesel::update(mp::table.filter(mp::meeting_id.eq(meeting.0)))
        .set(mp::attended.eq(Some(false)))
        .execute(conn)?;
    diesel::update(
        mp::table
            .filter(mp::meeting_id.eq(meeting.0))
            .filter(mp::id.eq_any(attended)),
    )
    .set(mp::attended.eq(Some(true)))
    .execute(conn)?;
    Ok(())
}

/// Links a request; linked already is `Duplicate("request")`.
pub fn link_request(
    conn: &mut DbConnection,
    meeting: &MeetingRecord,
    request: RequestId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(mr::table)
        .values((
            mr::meeting_id.eq(meeting.id.0),
            mr::request_id.eq(request.0),
            mr::community_id.eq(meeting.community_id.0),
            mr::linked_by.eq(by.0),
            mr::linked_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map_err(|e| on_unique(e, &[("meeting_requests", "request")]))?;
    Ok(())
}

/// Unlinks a request; `NotFound` when it is not linked.
pub fn unlink_request(
    conn: &mut DbConnection,
    meeting: MeetingId,
    request: RequestId,
) -> Result<(), StoreError> {
    let n = diesel::delete(
        mr::table
            .filter(mr::meeting_id.eq(meeting.0))
            .filter(mr::request_id.eq(request.0)),
    )
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Notes that the meeting's agreement resolved a linked request.
pub fn mark_request_resolved(
    conn: &mut DbConnection,
    meeting: MeetingId,
    request: RequestId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        mr::table
            .filter(mr::meeting_id.eq(meeting.0))
            .filter(mr::request_id.eq(request.0)),
    )
    .set(mr::resolved_at.eq(Some(to_db(now))))
    .execute(conn)?;
    Ok(())
}

/// Records a resolution with its agreement and action items; returns its id and the items' ids.
pub fn record_resolution(
    conn: &mut DbConnection,
    meeting: &MeetingRecord,
    r: &NewResolution,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(i64, Vec<i64>), StoreError> {
    let a = r.agreement.as_ref();
    let parties = a.map(|a| serde_json::to_string(&a.parties).expect("names serialise"));
    let rid: i64 = diesel::insert_into(mres::table)
        .values((
            mres::meeting_id.eq(meeting.id.0),
            mres::community_id.eq(meeting.community_id.0),
            mres::text.eq(&r.text),
            mres::decided_at.eq(to_db(r.decided_at)),
            mres::resolves_requests.eq(r.resolves_requests),
            mres::agreement_parties.eq(parties),
            mres::agreement_text.eq(a.map(|a| a.text.as_str())),
            mres::agreement_signed_on.eq(a.map(|a| a.signed_on)),
            mres::agreement_url.eq(a.and_then(|a| a.attachment_url.as_deref())),
            mres::created_by.eq(by.0),
            mres::created_at.eq(to_db(now)),
        ))
        .returning(mres::id)
        .get_result(conn)?;
    let mut ids = Vec::with_capacity(r.items.len());
    for it in &r.items {
        let id: i64 = diesel::insert_into(mai::table)
            .values((
                mai::resolution_id.eq(rid),
                mai::meeting_id.eq(meeting.id.0),
                mai::community_id.eq(meeting.community_id.0),
                mai::title.eq(&it.title),
                mai::owner_user_id.eq(it.owner_user_id.map(|u| u.0)),
                mai::owner_name.eq(&it.owner_name),
                mai::due_on.eq(it.due_on),
                mai::status.eq(ActionItemStatus::Open.as_str()),
                mai::created_at.eq(to_db(now)),
            ))
            .returning(mai::id)
            .get_result(conn)?;
        ids.push(id);
    }
    Ok((rid, ids))
}

/// Stores a finished item, only if it is still open (else `Stale`).
pub fn finish_item(
    conn: &mut DbConnection,
    item_id: i64,
    after: &ActionItem,
    note: Option<&str>,
) -> Result<(), StoreError> {
    let n = diesel::update(
        mai::table
            .filter(mai::id.eq(item_id))
            .filter(mai::status.eq(ActionItemStatus::Open.as_str())),
    )
    .set((
        mai::status.eq(after.status.as_str()),
        mai::note.eq(note),
        mai::finished_by.eq(after.finished_by.map(|u| u.0)),
        mai::finished_at.eq(opt_to_db(after.finished_at)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Notes that a resolution settled the linked requests.
pub fn set_settled(
    conn: &mut DbConnection,
    resolution: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(mres::table.find(resolution))
        .set(mres::settled_at.eq(Some(to_db(now))))
        .execute(conn)?;
    Ok(())
}
