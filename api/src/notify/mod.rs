//! Notifications: WeChat subscribe messages made from the outbox and sent by a worker. Sending
//! never blocks or fails the request that caused it: it happens here, later, with retries.

mod intake;
mod reminders;
pub mod render;
pub mod send;

use crate::state::AppState;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NotifyReport {
    /// Outbox events taken.
    pub events: usize,
    /// Messages queued (including reminders and skipped ones).
    pub queued: usize,
    /// Messages attempted.
    pub attempted: usize,
}

/// One pass: take new events, queue reminders, send what is due. Nothing happens while WeChat
/// is not configured (the outbox waits).
pub async fn run_once(state: &AppState) -> anyhow::Result<NotifyReport> {
    let Some(wechat) = state.wechat.clone() else {
        return Ok(NotifyReport::default());
    };
    let (events, queued) = intake::run(state, wechat.settings()).await?;
    let reminded = reminders::run(state, wechat.settings()).await?;
    let attempted = send::run(state, &wechat).await?;
    Ok(NotifyReport {
        events,
        queued: queued + reminded,
        attempted,
    })
}
