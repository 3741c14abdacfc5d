//! Calling a meeting (召集): a community's or a street's staff, at their node or below, with its
//! participants and the requests it concerns, in one transaction with `meeting.scheduled`.

use linli_domain::access::Actor;
use linli_domain::meeting::{MeetingEventKind, MeetingId, Title, may_manage};
use linli_domain::org::NodeKind;
use linli_domain::text::Note;
use linli_domain::{OrgNodeId, RequestId};
use linli_persistence::meetings::{self, NewMeeting};
use linli_persistence::tx::transaction;
use linli_persistence::{StoreError, org};
use serde_json::json;

use super::errors::forbidden;
use super::members::{check_request, check_user, parse_participant};
use super::render::render;
use super::wire::{CreateMeetingBody, MeetingView};
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

fn bad_node(code: &'static str, zh: &'static str, en: &'static str) -> ApiError {
    ApiError::unprocessable(code, Msg::new(zh, en))
}

/// Calls a meeting; with an idempotency key seen before from the same organiser, answers the
/// first meeting instead (`true`: replayed).
pub async fn create(
    state: &AppState,
    actor: Actor,
    body: CreateMeetingBody,
    key: Option<String>,
) -> Result<(MeetingView, bool), ApiError> {
    let mut f = Fields::new();
    let title = f.check("title", Title::parse(&body.title));
    let place = f.check("place", Title::parse(&body.place));
    let agenda = match body.agenda.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => f.check("agenda", Note::parse(a)).map(Note::into_inner),
    };
    let participants: Vec<_> = body
        .participants
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            parse_participant(&mut f, &format!("participants[{i}]"), p, &state.cipher)
        })
        .collect();
    if body.participants.len() > 50 {
        f.push(
            "participants",
            "too_many",
            "参会人最多 50 位",
            "At most 50 participants",
        );
    }
    if body.request_ids.len() > 50 {
        f.push(
            "request_ids",
            "too_many",
            "关联诉求最多 50 件",
            "At most 50 requests",
        );
    }
    f.finish()?;
    let hash = key
        .as_ref()
        .map(|_| crate::idempotency::body_hash(&state.cipher, &body));
    let (title, place) = (title.expect("checked"), place.expect("checked"));
    let now = state.clock.now();
    let tz = state.tz;
    let cipher = state.cipher.clone();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                if let Some(k) = key.as_deref()
                    && let Some((seen, first)) = meetings::find_idempotent(conn, actor.user_id, k)?
                {
                    crate::idempotency::check_replay(
                        first.as_deref(),
                        hash.as_deref().unwrap_or_default(),
                    )?;
                    let detail = meetings::get_detail(conn, seen.id)?;
                    let manages = may_manage(&actor, &seen.node_path);
                    return Ok((render(&detail, manages, &cipher, now, tz), true));
                }
                let node = match org::get_node(conn, OrgNodeId(body.org_node_id)) {
                    Ok(n) => n,
                    Err(StoreError::NotFound) => {
                        return Err(bad_node(
                            "meeting.unknown_node",
                            "组织节点不存在",
                            "No such org node",
                        ));
                    }
                    Err(e) => return Err(e.into()),
                };
                if !may_manage(&actor, &node.path) {
                    return Err(forbidden());
                }
                let community_id = match node.kind {
                    NodeKind::Community => node.id,
                    NodeKind::Street => {
                        let host = body
                            .community_id
                            .map(|c| org::get_node(conn, OrgNodeId(c)))
                            .transpose()
                            .or_else(|e| match e {
                                StoreError::NotFound => Ok(None),
                                e => Err(e),
                            })?;
                        match host {
                            Some(c)
                                if c.kind == NodeKind::Community && node.path.contains(&c.path) =>
                            {
                                c.id
                            }
                            _ => {
                                return Err(bad_node(
                                    "meeting.community_required",
                                    "街道召集的会议须指定所属社区（community_id）",
                                    "A street's meeting names the community it is filed under",
                                ));
                            }
                        }
                    }
                    _ => {
                        return Err(bad_node(
                            "meeting.node_kind",
                            "会议只能属于社区或街道",
                            "A meeting belongs to a community or a street",
                        ));
                    }
                };
                let meeting = meetings::create(
                    conn,
                    &NewMeeting {
                        community_id,
                        org_node_id: node.id,
                        node_path: node.path.clone(),
                        kind: body.kind.into(),
                        title: title.as_str().to_owned(),
                        starts_at: body.starts_at,
                        place: place.as_str().to_owned(),
                        organiser_id: actor.user_id,
                        agenda,
                        idempotency_key: key.clone(),
                        idempotency_hash: hash.clone(),
                    },
                    now,
                )?;
                for p in &participants {
                    check_user(conn, p)?;
                    meetings::add_participant(conn, &meeting, p, now).map_err(|e| match e {
                        StoreError::Duplicate(_) => ApiError::conflict(
                            "meeting.duplicate_participant",
                            Msg::new("参会人重复", "A user is listed twice"),
                        ),
                        e => e.into(),
                    })?;
                }
                for r in &body.request_ids {
                    check_request(conn, &node.path, RequestId(*r))?;
                    meetings::link_request(conn, &meeting, RequestId(*r), actor.user_id, now)
                        .map_err(|e| match e {
                            StoreError::Duplicate(_) => ApiError::conflict(
                                "meeting.duplicate_request",
                                Msg::new("关联诉求重复", "A request is listed twice"),
                            ),
                            e => e.into(),
                        })?;
                }
                meetings::publish(
                    conn,
                    community_id,
                    MeetingEventKind::Scheduled,
                    json!({
                        "meeting_id": meeting.id,
                        "kind": meeting.kind.as_str(),
                        "org_node_id": node.id,
                        "community_id": community_id,
                        "starts_at": meeting.starts_at,
                        "participant_count": participants.len() + 1,
                        "request_count": body.request_ids.len(),
                    }),
                    now,
                )?;
                let detail = meetings::get_detail(conn, meeting.id)?;
                Ok((render(&detail, true, &cipher, now, tz), false))
            })
        })
        .await
}

/// One meeting, as the caller may see it.
pub async fn get(state: &AppState, actor: Actor, id: MeetingId) -> Result<MeetingView, ApiError> {
    let now = state.clock.now();
    let tz = state.tz;
    let cipher = state.cipher.clone();
    state
        .db
        .read(move |conn| {
            let (_, manages) = super::scope::load_visible(conn, id, &actor)?;
            let detail = meetings::get_detail(conn, id)?;
            Ok(render(&detail, manages, &cipher, now, tz))
        })
        .await
}
