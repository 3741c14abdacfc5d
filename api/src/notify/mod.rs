//! Notifications: WeChat subscribe messages made from the outbox and sent by a worker. Sending
//! never blocks or fails the request that caused it: it happens here, later, with retries.

pub(crate) mod intake;
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

/// One pass: dispatch new events, queue reminders, send what is due. Without WeChat, events
/// are still dispatched (to webhooks) and nothing is queued for WeChat.
pub async fn run_once(state: &AppState) -> anyhow::Result<NotifyReport> {
    let dispatched = crate::dispatch::run_once(state).await?;
    let mut report = run_pass(state, true).await?;
    report.events = dispatched.events;
    report.queued += dispatched.notifications;
    Ok(report)
}

/// A pass over what was dispatched, with or without the reminders (the worker looks for those
/// once a minute). Each part runs even when another failed, so one bad request cannot stop all
/// sending; the first failure is returned after.
pub async fn run_pass(state: &AppState, reminders: bool) -> anyhow::Result<NotifyReport> {
    let Some(wechat) = state.wechat.clone() else {
        return Ok(NotifyReport::default());
    };
    let mut report = NotifyReport::default();
    let mut first_error = None;
    if reminders {
        match reminders::run(state, wechat.settings()).await {
            Ok(n) => report.queued += n,
            Err(e) => {
                first_error.get_or_insert(e.context("queueing reminders"));
            }
        }
    }
    match send::run(state, &wechat).await {
        Ok(n) => report.attempted = n,
        Err(e) => {
            first_error.get_or_insert(e.context("sending"));
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(report),
    }
}
