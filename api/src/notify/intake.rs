//! From an outbox event to the notifications queue: the rules say who is told, and a message
//! is queued for each, or recorded as skipped when there is no template or the person has no
//! WeChat. The dispatcher ([`crate::dispatch`]) hands each event over once.

use chrono::{DateTime, Utc};
use linli_domain::notify::{self, Notice};
use linli_domain::request::{Assignee, EventKind};
use linli_domain::{RequestId, UserId};
use linli_persistence::notifications::{self, DeliveryStatus, NewNotification};
use linli_persistence::outbox::OutboxItem;
use linli_persistence::requests::{self, RequestRecord};
use linli_persistence::{DbConnection, StoreError, users};

use super::render::{self, Facts};
use crate::wechat::WechatSettings;

/// Queues the messages one event makes; returns how many. Runs in the dispatcher's
/// transaction, with the outbox row taken.
pub(crate) fn on_event(
    conn: &mut DbConnection,
    item: &OutboxItem,
    settings: &WechatSettings,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Result<usize, StoreError> {
    let p = &item.payload;
    // Residents hear of their requests' steps; grid work (no request event) tells them nothing.
    let (Some(kind), Some(event_id)) =
        (p["type"].as_str().and_then(EventKind::parse), item.event_id)
    else {
        return Ok(0);
    };
    let happened = p["timestamp"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    if happened.is_some_and(|t| notify::is_stale(t, now)) {
        return Ok(0);
    }
    let request = RequestId(p["request_id"].as_i64().unwrap_or_default());
    let actor = p["actor_user_id"].as_i64().map(UserId);
    let rec = requests::get(conn, request)?;
    let mut state_then = rec.request.clone();
    // Who it was dispatched to then, whatever has happened since.
    if let Ok(Some(a)) = serde_json::from_value::<Option<Assignee>>(p["data"]["assignee"].clone()) {
        state_then.assignee = Some(a);
    }
    let notices = notify::on_event(kind, &state_then, actor);
    if notices.is_empty() {
        return Ok(0);
    }
    let event = requests::timeline(conn, request)?
        .into_iter()
        .find(|e| e.id == event_id);
    let at = event.as_ref().map_or(now, |e| e.created_at);
    let note = event.as_ref().and_then(|e| e.note.clone());
    let facts = Facts {
        description: &rec.description,
        building: &rec.labels.building_name,
        handler: rec.labels.assignee_name.as_deref(),
        note: note.as_deref(),
        at,
        due: rec.request.resolution_due,
        tz,
    };
    let dedup = format!("event:{event_id}");
    let mut queued = 0;
    for notice in notices {
        queued += usize::from(queue(conn, &rec, notice, &dedup, &facts, settings, now)?);
    }
    Ok(queued)
}

/// Queues one message (or records it as skipped); false when it was queued before.
pub(super) fn queue(
    conn: &mut DbConnection,
    rec: &RequestRecord,
    notice: Notice,
    dedup: &str,
    facts: &Facts<'_>,
    settings: &WechatSettings,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let template = settings.template(notice.kind);
    let openid = users::get_user(conn, notice.to)?.openid;
    let (status, note) = match (template, &openid) {
        (None, _) => (
            DeliveryStatus::Skipped,
            Some(format!(
                "no template configured for `{}`",
                notice.kind.as_str()
            )),
        ),
        (Some(_), None) => (
            DeliveryStatus::Skipped,
            Some("the person has no WeChat account here".to_owned()),
        ),
        (Some(_), Some(_)) => (DeliveryStatus::Pending, None),
    };
    notifications::enqueue(
        conn,
        &NewNotification {
            request_id: rec.request.id,
            community_id: rec.community_id,
            recipient: notice.to,
            kind: notice.kind,
            dedup: dedup.to_owned(),
            template_id: template.unwrap_or_default().to_owned(),
            page: format!("{}?id={}", settings.request_page, rec.request.id.0),
            data: render::data(notice.kind, facts),
            status,
            note,
        },
        now,
    )
}
