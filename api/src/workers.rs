//! Background work: the outbox dispatcher, WeChat notifications, webhook deliveries, the
//! overdue sweep and auto-close, and photos due for WeChat's image check (again). Each pass is a function the tests call directly with a set
//! clock; the server runs them on an interval.

use std::time::Duration;

use actix_web::web;

use crate::state::AppState;

/// How often the server sweeps.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// How often events are taken from the outbox and notifications sent.
const DISPATCH_EVERY: Duration = Duration::from_secs(2);

/// How often due webhook messages are looked for, when the last pass found none to spare.
const DELIVER_EVERY: Duration = Duration::from_secs(1);

/// Starts the periodic work on the current runtime.
pub fn spawn(state: web::Data<AppState>) {
    let dispatching = state.clone();
    tokio::spawn(async move {
        let state = dispatching;
        let mut tick = tokio::time::interval(DISPATCH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        for n in 0u64.. {
            tick.tick().await;
            if let Err(e) = crate::dispatch::run_once(&state).await {
                tracing::error!(error = ?e, "outbox dispatch failed");
            }
            // Reminders are a day's notice: looking once a minute is plenty.
            let reminders = n % 30 == 0;
            if let Err(e) = crate::notify::run_pass(&state, reminders).await {
                tracing::error!(error = ?e, "notification pass failed");
            }
        }
    });
    let delivering = state.clone();
    tokio::spawn(async move {
        let state = delivering;
        loop {
            // A busy pass goes straight on to the next; an idle one waits.
            match crate::webhooks::deliver::run_once(&state).await {
                Ok(r) if r.attempted > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = ?e, "webhook delivery pass failed"),
            }
            tokio::time::sleep(DELIVER_EVERY).await;
        }
    });
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
            if let Err(e) = crate::webhooks::retention::run_once(&state).await {
                tracing::error!(error = ?e, "purging the webhook delivery log failed");
            }
            if let Err(e) = crate::volunteers::expiry::run_once(&state).await {
                tracing::error!(error = ?e, "the points expiry sweep failed");
            }
        }
    });
}
