//! The day before a request's deadline its handler is reminded, once per deadline (an
//! extension moves the deadline, and earns another reminder).

use linli_domain::notify::{self, Notice, NoticeKind, REMINDER_LEAD};
use linli_persistence::notifications;
use linli_persistence::requests;

use super::intake::queue;
use super::render::Facts;
use crate::state::AppState;
use crate::wechat::WechatSettings;

/// Queues the reminders due now; returns how many.
pub async fn run(state: &AppState, wechat: &WechatSettings) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let tz = state.tz;
    let settings = wechat.clone();
    let queued = state
        .db
        .write(move |conn| {
            let mut queued = 0;
            for id in notifications::due_between(conn, now, now + REMINDER_LEAD)? {
                let rec = requests::get(conn, id)?;
                let Some(handler) = notify::reminder_due(&rec.request, now) else {
                    continue;
                };
                let facts = Facts {
                    description: &rec.description,
                    building: &rec.labels.building_name,
                    handler: rec.labels.assignee_name.as_deref(),
                    note: None,
                    at: now,
                    due: rec.request.resolution_due,
                    tz,
                };
                let notice = Notice {
                    kind: NoticeKind::DueSoon,
                    to: handler,
                };
                let dedup = format!("due:{}", rec.request.resolution_due.to_rfc3339());
                queued += usize::from(queue(conn, &rec, notice, &dedup, &facts, &settings, now)?);
            }
            Ok(queued)
        })
        .await?;
    Ok(queued)
}
