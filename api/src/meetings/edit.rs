//! Editing a meeting and moving it through its statuses: details and minutes, held, cancelled,
//! closed. Each takes the version the client read (optimistic concurrency).

use linli_domain::access::Actor;
use linli_domain::meeting::{Change, MeetingEventKind, MeetingId, MeetingStatus, Title};
use linli_domain::text::Note;
use linli_persistence::meetings;
use serde_json::json;

use super::change::change;
use super::wire::{CancelBody, CloseBody, HoldBody, MeetingView, UpdateMeetingBody};
use crate::error::ApiError;
use crate::state::AppState;
use crate::validation::Fields;

/// Changes title, time, place, agenda and (once held) minutes.
pub async fn update(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    body: UpdateMeetingBody,
) -> Result<MeetingView, ApiError> {
    let mut f = Fields::new();
    let title = body
        .title
        .as_deref()
        .and_then(|t| f.check("title", Title::parse(t)));
    let place = body
        .place
        .as_deref()
        .and_then(|t| f.check("place", Title::parse(t)));
    let agenda = body
        .agenda
        .as_deref()
        .and_then(|t| f.check("agenda", Note::parse(t)));
    let minutes = body
        .minutes
        .as_deref()
        .and_then(|t| f.check("minutes", Note::parse(t)));
    f.finish()?;
    // Minutes belong to a held meeting; the rest may change while it is scheduled or held.
    let what = if minutes.is_some() {
        Change::EditMinutes
    } else {
        Change::EditDetails
    };
    let (view, ()) = change(state, actor, id, Some(body.version), what, move |_, s| {
        let mut after = s.before.clone();
        if let Some(t) = title {
            after.title = t.as_str().to_owned();
        }
        if let Some(p) = place {
            after.place = p.as_str().to_owned();
        }
        if let Some(a) = agenda {
            after.agenda = Some(a.into_inner());
        }
        if let Some(m) = minutes {
            after.minutes = Some(m.into_inner());
        }
        if let Some(at) = body.starts_at {
            after.starts_at = at;
        }
        Ok((after, ()))
    })
    .await?;
    Ok(view)
}

/// Records the meeting as held, with its minutes and who attended.
pub async fn hold(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    body: HoldBody,
) -> Result<MeetingView, ApiError> {
    let mut f = Fields::new();
    let minutes = f.check("minutes", Note::parse(&body.minutes));
    f.finish()?;
    let minutes = minutes.expect("checked").into_inner();
    let (view, ()) = change(
        state,
        actor,
        id,
        Some(body.version),
        Change::Hold,
        move |conn, s| {
            let detail = meetings::get_detail(conn, id)?;
            let attended = match &body.attended {
                Some(ids) => {
                    if let Some(stranger) = ids
                        .iter()
                        .find(|i| !detail.participants.iter().any(|p| p.id == **i))
                    {
                        let mut f = Fields::new();
                        f.push(
                            "attended",
                            "unknown_participant",
                            format!("参会人 {stranger} 不在名单中"),
                            format!("Participant {stranger} is not on the list"),
                        );
                        f.finish()?;
                    }
                    meetings::set_attendance(conn, id, ids)?;
                    ids.len()
                }
                None => 0,
            };
            let mut after = s.before.clone();
            after.status = s.status;
            after.minutes = Some(minutes);
            after.held_at = Some(s.now);
            meetings::publish(
                conn,
                after.community_id,
                MeetingEventKind::Held,
                json!({
                    "meeting_id": after.id,
                    "kind": after.kind.as_str(),
                    "held_at": s.now,
                    "participant_count": detail.participants.len(),
                    "attended_count": attended,
                    "request_count": detail.requests.len(),
                }),
                s.now,
            )?;
            Ok((after, ()))
        },
    )
    .await?;
    Ok(view)
}

/// Calls a scheduled meeting off.
pub async fn cancel(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    body: CancelBody,
) -> Result<MeetingView, ApiError> {
    let mut f = Fields::new();
    let reason = f.check("reason", Note::parse(&body.reason));
    f.finish()?;
    let reason = reason.expect("checked").into_inner();
    let (view, ()) = change(
        state,
        actor,
        id,
        Some(body.version),
        Change::Cancel,
        move |conn, s| {
            let mut after = s.before.clone();
            after.status = s.status;
            after.cancel_reason = Some(reason);
            after.finished_at = Some(s.now);
            meetings::publish(
                conn,
                after.community_id,
                MeetingEventKind::Cancelled,
                json!({
                    "meeting_id": after.id,
                    "kind": after.kind.as_str(),
                    "starts_at": after.starts_at,
                    "cancelled_at": s.now,
                }),
                s.now,
            )?;
            Ok((after, ()))
        },
    )
    .await?;
    Ok(view)
}

/// Closes a held meeting whose action items are all finished (or that has none).
pub async fn close(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    body: CloseBody,
) -> Result<MeetingView, ApiError> {
    // The open items are counted inside the transaction; the domain decides again with them.
    let (view, ()) = change(
        state,
        actor,
        id,
        Some(body.version),
        Change::EditDetails,
        move |conn, s| {
            let open = meetings::get_detail(conn, id)?.open_items();
            let status = linli_domain::meeting::decide(
                s.before.status,
                s.before.version,
                None,
                Change::Close { open_items: open },
            )?;
            debug_assert_eq!(status, MeetingStatus::Closed);
            let mut after = s.before.clone();
            after.status = status;
            after.finished_at = Some(s.now);
            Ok((after, ()))
        },
    )
    .await?;
    Ok(view)
}
