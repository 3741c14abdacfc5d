//! Background work: the overdue sweep and auto-close, WeChat notifications, and photos due for
//! WeChat's image check (again). Each pass is a function the tests call directly with a set
//! clock; the server runs them on an interval.

use std::time::Duration;

use actix_web::web;

use crate::state::AppState;

/// How often the server sweeps.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// How often notifications are taken from the outbox and sent.
const NOTIFY_EVERY: Duration = Duration::from_secs(2);

/// Starts the periodic sweep (and, with WeChat, the notifications) on the current runtime.
pub fn spawn(state: web::Data<AppState>) {
    if state.wechat.is_some() {
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(NOTIFY_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            for n in 0u64.. {
                tick.tick().await;
                // Reminders are a day's notice: looking once a minute is plenty.
                let reminders = n % 30 == 0;
                if let Err(e) = crate::notify::run_pass(&state, reminders).await {
                    tracing::error!(error = ?e, "notification pass failed");
                }
            }
        });
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = crate::requests::sweep::run_once(&state).await {
                tracing::error!(error = ?e, "request sweep failed");
            }
            if let Err(e) = crate::content::photos::run_once(&state).await {
                tracing::error!(error = ?e, "submitting photos for checking failed");
            }
            if let Err(e) = crate::requests::partner_inbound::forget_old_message_ids(&state).await {
                tracing::error!(error = ?e, "forgetting old partner message ids failed");
            }
        }
    });
}
