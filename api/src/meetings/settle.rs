//! Finishing an action item, and what the last one sets off: when a resolution that resolves the
//! meeting's requests has no open item left (and one was done), every linked request that may
//! still be resolved is resolved by the agreement, through the request lifecycle, in the same
//! transaction; those that may not are left and reported. A held meeting with no open item left
//! closes.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use linli_domain::access::Actor;
use linli_domain::meeting::{
    Change, ItemOutcome, MeetingEventKind, MeetingId, MeetingStatus, close_when_settled, settles,
};
use linli_domain::request::{Command, Context, TransitionError, decide};
use linli_domain::text::Note;
use linli_persistence::meetings::{self, LinkedRequest};
use linli_domain::UserId;
use linli_persistence::{DbConnection, categories, requests, users};
use serde_json::json;

use super::change::{Access, change_as};
use super::wire::{FinishResponse, LeftRequest};
use crate::error::{ApiError, Msg};
use crate::state::AppState;

/// Finishes action item `item` of meeting `id` as done or dropped.
pub async fn finish(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    item: i64,
    outcome: ItemOutcome,
    note: Option<String>,
) -> Result<FinishResponse, ApiError> {
    let mut f = crate::validation::Fields::new();
    let note = match (note.as_deref().map(str::trim), outcome) {
        (None | Some(""), ItemOutcome::Dropped) => {
            f.check("note", Note::parse(""));
            None
        }
        (None | Some(""), ItemOutcome::Done) => None,
        (Some(n), _) => f.check("note", Note::parse(n)).map(Note::into_inner),
    };
    f.finish()?;
    let tz = state.tz;
    // An item's owner (a property company's staff, the lawyer) reports their own item done;
    // dropping one is the managers' call.
    let access = match outcome {
        ItemOutcome::Done => Access::ManagersOrOwnerOf(item),
        ItemOutcome::Dropped => Access::Managers,
    };
    let (meeting, (resolved, left)) = change_as(
        state,
        actor,
        id,
        None,
        Change::FinishActionItem,
        access,
        move |conn, s| {
            let detail = meetings::get_detail(conn, id)?;
            let (resolution, record) = detail
                .resolutions
                .iter()
                .find_map(|r| r.items.iter().find(|i| i.id == item).map(|i| (r, i)))
                .ok_or_else(|| {
                    ApiError::not_found(
                        "meeting.action_item_not_found",
                        Msg::new("待办事项不存在", "No such action item"),
                    )
                })?;
            let after = record.item.finish(outcome, s.actor.user_id, s.now)?;
            meetings::finish_item(conn, item, &after, note.as_deref())?;
            let statuses: Vec<_> = resolution
                .items
                .iter()
                .map(|i| {
                    if i.id == item {
                        after.status
                    } else {
                        i.item.status
                    }
                })
                .collect();
            let (mut resolved, mut left) = (Vec::new(), Vec::new());
            if resolution.resolves_requests && resolution.settled_at.is_none() && settles(&statuses)
            {
                // The agreement resolves its requests under the meeting's mandate: the caller's
                // own when they manage it, else its organiser's.
                let organiser;
                let authority = if s.manages {
                    s.actor
                } else {
                    organiser = users::actor_of(conn, s.before.organiser_id)?;
                    &organiser
                };
                (resolved, left) = resolve_linked(
                    conn,
                    authority,
                    s.actor.user_id,
                    s.before,
                    &detail.requests,
                    tz,
                    s.now,
                )?;
                meetings::set_settled(conn, resolution.id, s.now)?;
            }
            if outcome == ItemOutcome::Done {
                meetings::publish(
                    conn,
                    s.before.community_id,
                    MeetingEventKind::ActionItemCompleted,
                    json!({
                        "meeting_id": s.before.id,
                        "resolution_id": resolution.id,
                        "action_item_id": item,
                        "due_on": after.due_on,
                        "completed_at": s.now,
                        "on_time": after.done_on_time(tz),
                        "resolved_request_ids": resolved,
                    }),
                    s.now,
                )?;
            }
            let mut next = s.before.clone();
            next.status = close_when_settled(s.status, detail.open_items() - 1);
            if next.status == MeetingStatus::Closed {
                next.finished_at = Some(s.now);
            }
            Ok((next, (resolved, left)))
        },
    )
    .await?;
    Ok(FinishResponse {
        meeting,
        resolved_requests: resolved,
        left_requests: left,
    })
}

/// Resolves each linked request not yet resolved by this meeting, with `actor`'s authority,
/// through the request lifecycle; the timeline names `by` and says the meeting's agreement
/// resolved it.
fn resolve_linked(
    conn: &mut DbConnection,
    actor: &Actor,
    by: UserId,
    meeting: &meetings::MeetingRecord,
    linked: &[LinkedRequest],
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<(Vec<i64>, Vec<LeftRequest>), ApiError> {
    let note = format!(
        "经会议协议办结：{}（会议编号 {}）",
        meeting.title, meeting.id
    );
    let cmd = Command::ResolveByAgreement {
        meeting_id: meeting.id,
    };
    let (mut resolved, mut left) = (Vec::new(), Vec::new());
    for link in linked.iter().filter(|l| l.resolved_at.is_none()) {
        let rec = requests::get(conn, link.request_id)?;
        let category = categories::get(conn, rec.request.category_id)?;
        let ctx = Context {
            now,
            tz,
            category: &category,
        };
        match decide(&rec.request, actor, &cmd, &ctx) {
            Ok(t) => {
                requests::apply(conn, &rec, &t, Some(by), Some(&note), now)?;
                meetings::mark_request_resolved(conn, meeting.id, link.request_id, now)?;
                resolved.push(link.request_id.0);
            }
            Err(e) => left.push(LeftRequest {
                request_id: link.request_id.0,
                status: rec.request.status.as_str().to_owned(),
                reason: match e {
                    TransitionError::InvalidTransition { .. } => "invalid_transition",
                    TransitionError::Forbidden => "forbidden",
                    _ => "refused",
                }
                .to_owned(),
            }),
        }
    }
    Ok((resolved, left))
}
