use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use linli_domain::meeting::{
    ActionItem, ActionItemStatus, MeetingId, MeetingInput, MeetingKind, MeetingStatus,
    ParticipantRole, PartyKind,
};
use linli_domain::org::NodePath;
use linli_domain::{OrgNodeId, RequestId, UserId};

use super::record::*;
use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt};
use crate::names::user_names;
use crate::org::subtree_bounds;
use crate::schema::{
    meeting_action_items as mai, meeting_participants as mp, meeting_requests as mr,
    meeting_resolutions as mres, meetings as m,
};
use crate::time::{from_db, opt_from_db, to_db};

#[derive(Queryable, Selectable)]
#[diesel(table_name = m)]
struct Row {
    id: i64,
    community_id: i64,
    org_node_id: i64,
    node_path: String,
    kind: String,
    status: String,
    title: String,
    starts_at: NaiveDateTime,
    place: String,
    organiser_id: i64,
    agenda: Option<String>,
    minutes: Option<String>,
    held_at: Option<NaiveDateTime>,
    cancel_reason: Option<String>,
    finished_at: Option<NaiveDateTime>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<Row> for MeetingRecord {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(MeetingRecord {
            id: MeetingId(r.id),
            community_id: OrgNodeId(r.community_id),
            org_node_id: OrgNodeId(r.org_node_id),
            node_path: NodePath::parse(&r.node_path).map_err(corrupt)?,
            kind: MeetingKind::parse(&r.kind).map_err(corrupt)?,
            status: MeetingStatus::parse(&r.status).map_err(corrupt)?,
            title: r.title,
            starts_at: from_db(r.starts_at),
            place: r.place,
            organiser_id: UserId(r.organiser_id),
            agenda: r.agenda,
            minutes: r.minutes,
            held_at: opt_from_db(r.held_at),
            cancel_reason: r.cancel_reason,
            finished_at: opt_from_db(r.finished_at),
            version: r.version,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
        })
    }
}

/// One meeting.
pub fn get(conn: &mut DbConnection, id: MeetingId) -> Result<MeetingRecord, StoreError> {
    m::table
        .find(id.0)
        .select(Row::as_select())
        .get_result(conn)?
        .try_into()
}

/// The meeting an organiser called with this idempotency key, if any, with the hash of the
/// body it came with.
pub fn find_idempotent(
    conn: &mut DbConnection,
    organiser: UserId,
    key: &str,
) -> Result<Option<(MeetingRecord, Option<String>)>, StoreError> {
    m::table
        .filter(m::organiser_id.eq(organiser.0))
        .filter(m::idempotency_key.eq(key))
        .select((Row::as_select(), m::idempotency_hash))
        .get_result::<(Row, Option<String>)>(conn)
        .optional()?
        .map(|(row, hash)| Ok((row.try_into()?, hash)))
        .transpose()
}

type ParticipantRow = (
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<bool>,
);

type ItemRow = (
    i64,
    i64,
    String,
    Option<i64>,
    Option<String>,
    NaiveDate,
    String,
    Option<String>,
    Option<i64>,
    Option<NaiveDateTime>,
);

type ResolutionRow = (
    i64,
    String,
    NaiveDateTime,
    bool,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
    Option<NaiveDateTime>,
);

/// A meeting with its participants, linked requests, resolutions and action items.
pub fn get_detail(conn: &mut DbConnection, id: MeetingId) -> Result<MeetingDetail, StoreError> {
    let meeting = get(conn, id)?;
    let participants: Vec<ParticipantRow> = mp::table
        .filter(mp::meeting_id.eq(id.0))
        .order(mp::id.asc())
        .select((
            mp::id,
            mp::role,
            mp::user_id,
            mp::party_name,
            mp::party_organisation,
            mp::party_kind,
            mp::contact_phone_enc,
            mp::contact_phone_masked,
            mp::attended,
        ))
        .load(conn)?;
    let links: Vec<(i64, NaiveDateTime, Option<NaiveDateTime>)> = mr::table
        .filter(mr::meeting_id.eq(id.0))
        .order(mr::id.asc())
        .select((mr::request_id, mr::linked_at, mr::resolved_at))
        .load(conn)?;
    let resolutions: Vec<ResolutionRow> = mres::table
        .filter(mres::meeting_id.eq(id.0))
        .order(mres::id.asc())
        .select((
            mres::id,
            mres::text,
            mres::decided_at,
            mres::resolves_requests,
            mres::agreement_parties,
            mres::agreement_text,
            mres::agreement_signed_on,
            mres::agreement_url,
            mres::settled_at,
        ))
        .load(conn)?;
    let items: Vec<ItemRow> = mai::table
        .filter(mai::meeting_id.eq(id.0))
        .order(mai::id.asc())
        .select((
            mai::id,
            mai::resolution_id,
            mai::title,
            mai::owner_user_id,
            mai::owner_name,
            mai::due_on,
            mai::status,
            mai::note,
            mai::finished_by,
            mai::finished_at,
        ))
        .load(conn)?;
    let mut users: Vec<UserId> = vec![meeting.organiser_id];
    users.extend(participants.iter().filter_map(|p| p.2.map(UserId)));
    users.extend(items.iter().filter_map(|i| i.3.map(UserId)));
    let names = user_names(conn, &users)?;
    let participants = participants
        .into_iter()
        .map(
            |(pid, role, user, name, org, kind, enc, masked, attended)| {
                let party = match (name, kind) {
                    (Some(name), Some(kind)) => Some(OutsideParty {
                        name,
                        organisation: org,
                        kind: PartyKind::parse(&kind).map_err(corrupt)?,
                        contact_phone_enc: enc,
                        contact_phone_masked: masked,
                    }),
                    _ => None,
                };
                Ok(ParticipantRecord {
                    id: pid,
                    role: ParticipantRole::parse(&role).map_err(corrupt)?,
                    user_id: user.map(UserId),
                    user_name: user.and_then(|u| names.get(&UserId(u)).cloned()),
                    party,
                    attended,
                })
            },
        )
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut by_resolution: HashMap<i64, Vec<ActionItemRecord>> = HashMap::new();
    for (iid, rid, title, owner, owner_name, due_on, status, note, by, at) in items {
        let status = ActionItemStatus::parse(&status).ok_or_else(|| corrupt(&status))?;
        let owner_name = match owner {
            Some(u) => names.get(&UserId(u)).cloned().unwrap_or_default(),
            None => owner_name.unwrap_or_default(),
        };
        by_resolution
            .entry(rid)
            .or_default()
            .push(ActionItemRecord {
                id: iid,
                resolution_id: rid,
                title,
                owner_user_id: owner.map(UserId),
                owner_name,
                item: ActionItem {
                    status,
                    due_on,
                    finished_at: opt_from_db(at),
                    finished_by: by.map(UserId),
                },
                note,
            });
    }
    let resolutions = resolutions
        .into_iter()
        .map(
            |(rid, text, decided_at, resolves, parties, a_text, signed_on, url, settled)| {
                let agreement = match (parties, a_text, signed_on) {
                    (Some(p), Some(t), Some(d)) => Some(AgreementRecord {
                        parties: serde_json::from_str(&p).map_err(corrupt)?,
                        text: t,
                        signed_on: d,
                        attachment_url: url,
                    }),
                    _ => None,
                };
                Ok(ResolutionRecord {
                    id: rid,
                    text,
                    decided_at: from_db(decided_at),
                    resolves_requests: resolves,
                    agreement,
                    settled_at: opt_from_db(settled),
                    items: by_resolution.remove(&rid).unwrap_or_default(),
                })
            },
        )
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(MeetingDetail {
        organiser_name: names
            .get(&meeting.organiser_id)
            .cloned()
            .unwrap_or_default(),
        meeting,
        participants,
        requests: links
            .into_iter()
            .map(|(rid, at, resolved)| LinkedRequest {
                request_id: RequestId(rid),
                linked_at: from_db(at),
                resolved_at: opt_from_db(resolved),
            })
            .collect(),
        resolutions,
    })
}

/// True when `user` takes part in the meeting or owns one of its action items.
pub fn involves(
    conn: &mut DbConnection,
    meeting: MeetingId,
    user: UserId,
) -> Result<bool, StoreError> {
    let participant: i64 = mp::table
        .filter(mp::meeting_id.eq(meeting.0))
        .filter(mp::user_id.eq(user.0))
        .count()
        .get_result(conn)?;
    if participant > 0 {
        return Ok(true);
    }
    let owner: i64 = mai::table
        .filter(mai::meeting_id.eq(meeting.0))
        .filter(mai::owner_user_id.eq(user.0))
        .count()
        .get_result(conn)?;
    Ok(owner > 0)
}

/// True when `user` owns action item `item` of the meeting.
pub fn owns_item(
    conn: &mut DbConnection,
    meeting: MeetingId,
    item: i64,
    user: UserId,
) -> Result<bool, StoreError> {
    let n: i64 = mai::table
        .filter(mai::id.eq(item))
        .filter(mai::meeting_id.eq(meeting.0))
        .filter(mai::owner_user_id.eq(user.0))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// What a list is narrowed to. `managed` and `involving` say what the caller may see: meetings
/// under any of the managed subtrees or about a managed community, or that involve the user.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Subtrees the caller administers.
    pub managed: Vec<NodePath>,
    /// The caller, whose own meetings they see wherever they are.
    pub involving: Option<UserId>,
    /// Only under this node.
    pub under: Option<NodePath>,
    /// Only of this status.
    pub status: Option<MeetingStatus>,
    /// Only of this kind.
    pub kind: Option<MeetingKind>,
    /// Only meetings concerning this request.
    pub request: Option<RequestId>,
    /// Only ids below this (the cursor).
    pub before: Option<MeetingId>,
}

/// A page of meetings, newest first.
pub fn list(
    conn: &mut DbConnection,
    f: &ListFilter,
    limit: i64,
) -> Result<Vec<MeetingRecord>, StoreError> {
    let mut visible: Box<dyn BoxableExpression<m::table, MultiBackend, SqlType = Bool>> =
        Box::new(sql::<Bool>("1 = 0"));
    for p in &f.managed {
        let (lo, hi) = subtree_bounds(p);
        visible = Box::new(visible.or(m::node_path.ge(lo).and(m::node_path.lt(hi))));
    }
    // A street's meeting about a community the caller administers (see `meeting::may_see`).
    let administered: Vec<i64> = f.managed.iter().map(|p| p.node_id().0).collect();
    if !administered.is_empty() {
        visible = Box::new(visible.or(m::community_id.eq_any(administered)));
    }
    if let Some(u) = f.involving {
        let as_participant = mp::table.filter(mp::user_id.eq(u.0)).select(mp::meeting_id);
        let as_owner = mai::table
            .filter(mai::owner_user_id.eq(u.0))
            .select(mai::meeting_id);
        visible = Box::new(
            visible
                .or(m::id.eq_any(as_participant))
                .or(m::id.eq_any(as_owner)),
        );
    }
    let mut q = m::table.filter(visible).into_boxed::<MultiBackend>();
    if let Some(p) = &f.under {
        let (lo, hi) = subtree_bounds(p);
        q = q.filter(m::node_path.ge(lo).and(m::node_path.lt(hi)));
    }
    if let Some(s) = f.status {
        q = q.filter(m::status.eq(s.as_str()));
    }
    if let Some(k) = f.kind {
        q = q.filter(m::kind.eq(k.as_str()));
    }
    if let Some(r) = f.request {
        q = q.filter(
            m::id.eq_any(
                mr::table
                    .filter(mr::request_id.eq(r.0))
                    .select(mr::meeting_id),
            ),
        );
    }
    if let Some(b) = f.before {
        q = q.filter(m::id.lt(b.0));
    }
    q.order(m::id.desc())
        .limit(limit)
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// The meetings that concern a request, oldest first: (id, title, status).
pub fn meetings_of_request(
    conn: &mut DbConnection,
    request: RequestId,
) -> Result<Vec<(MeetingId, String, MeetingStatus)>, StoreError> {
    let rows: Vec<(i64, String, String)> = m::table
        .filter(
            m::id.eq_any(
                mr::table
                    .filter(mr::request_id.eq(request.0))
                    .select(mr::meeting_id),
            ),
        )
        .order(m::id.asc())
        .select((m::id, m::title, m::status))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, t, s)| Ok((MeetingId(id), t, MeetingStatus::parse(&s).map_err(corrupt)?)))
        .collect()
}

/// The meetings under `node` starting in `[from, before)`, with what the rates count.
pub fn stat_rows(
    conn: &mut DbConnection,
    node: &NodePath,
    from: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
) -> Result<Vec<MeetingInput>, StoreError> {
    let (lo, hi) = subtree_bounds(node);
    let mut q = m::table
        .filter(m::node_path.ge(lo).and(m::node_path.lt(hi)))
        .into_boxed::<MultiBackend>();
    if let Some(f) = from {
        q = q.filter(m::starts_at.ge(to_db(f)));
    }
    if let Some(b) = before {
        q = q.filter(m::starts_at.lt(to_db(b)));
    }
    let rows: Vec<(i64, String, String, NaiveDateTime)> = q
        .order(m::id.asc())
        .select((m::id, m::kind, m::status, m::starts_at))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut agreements: HashMap<i64, i64> = HashMap::new();
    for (mid, _) in mres::table
        .filter(mres::meeting_id.eq_any(&ids))
        .filter(mres::agreement_signed_on.is_not_null())
        .select((mres::meeting_id, mres::id))
        .load::<(i64, i64)>(conn)?
    {
        *agreements.entry(mid).or_default() += 1;
    }
    let mut resolved: HashMap<i64, i64> = HashMap::new();
    for (mid, _) in mr::table
        .filter(mr::meeting_id.eq_any(&ids))
        .filter(mr::resolved_at.is_not_null())
        .select((mr::meeting_id, mr::id))
        .load::<(i64, i64)>(conn)?
    {
        *resolved.entry(mid).or_default() += 1;
    }
    let mut items: HashMap<i64, Vec<ActionItem>> = HashMap::new();
    type StatItemRow = (i64, String, NaiveDate, Option<NaiveDateTime>, Option<i64>);
    for (mid, status, due_on, at, by) in mai::table
        .filter(mai::meeting_id.eq_any(&ids))
        .select((
            mai::meeting_id,
            mai::status,
            mai::due_on,
            mai::finished_at,
            mai::finished_by,
        ))
        .load::<StatItemRow>(conn)?
    {
        items.entry(mid).or_default().push(ActionItem {
            status: ActionItemStatus::parse(&status).ok_or_else(|| corrupt(&status))?,
            due_on,
            finished_at: opt_from_db(at),
            finished_by: by.map(UserId),
        });
    }
    rows.into_iter()
        .map(|(id, kind, status, _)| {
            Ok(MeetingInput {
                kind: MeetingKind::parse(&kind).map_err(corrupt)?,
                status: MeetingStatus::parse(&status).map_err(corrupt)?,
                agreements: agreements.get(&id).copied().unwrap_or(0),
                items: items.remove(&id).unwrap_or_default(),
                requests_resolved: resolved.get(&id).copied().unwrap_or(0),
            })
        })
        .collect()
}
