//! The outbox dispatcher: every event written with a state change is taken once (by whichever
//! instance gets it first) and handed to each consumer in the same transaction: WeChat
//! notifications (when WeChat is configured) and partners' webhooks. Taking the row and queueing
//! its messages commit together, so an event is never lost between them nor handed over twice.

use chrono::{DateTime, Utc};
use linli_domain::category::Category;
use linli_persistence::outbox::{self, OutboxItem};
use linli_persistence::tx::transaction;
use linli_persistence::webhooks::endpoints::{self, Subscriber};
use linli_persistence::{DbConnection, StoreError, categories};

use crate::state::AppState;
use crate::wechat::WechatSettings;

/// Events taken per write: kept small, since a write holds SQLite's writer.
const BATCH: i64 = 100;

/// Batches one pass takes at most.
const MAX_BATCHES: usize = 20;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DispatchReport {
    /// Events taken.
    pub events: usize,
    /// WeChat notifications queued (skipped ones included).
    pub notifications: usize,
    /// Webhook messages queued.
    pub webhook_messages: usize,
}

/// Takes what the outbox holds, a batch at a time until it is empty.
pub async fn run_once(state: &AppState) -> anyhow::Result<DispatchReport> {
    let mut total = DispatchReport::default();
    // Bounded: rows that keep failing stay in the outbox, and a pass must not spin on them.
    for _ in 0..MAX_BATCHES {
        let (report, full) = run_batch(state).await?;
        total.events += report.events;
        total.notifications += report.notifications;
        total.webhook_messages += report.webhook_messages;
        if !full || report.events == 0 {
            break;
        }
    }
    Ok(total)
}

/// One batch; also says whether it was full (more may wait).
async fn run_batch(state: &AppState) -> anyhow::Result<(DispatchReport, bool)> {
    let now = state.clock.now();
    let tz = state.tz;
    let wechat = state.wechat.as_ref().map(|w| w.settings().clone());
    let result = state
        .db
        .write(move |conn| {
            let items = outbox::unprocessed(conn, BATCH)?;
            let full = items.len() as i64 == BATCH;
            let mut report = DispatchReport::default();
            if items.is_empty() {
                return Ok((report, full));
            }
            let subscribers = endpoints::subscribers(conn)?;
            let categories = categories::list(conn)?;
            let consumers = Consumers {
                wechat: wechat.as_ref(),
                subscribers: &subscribers,
                categories: &categories,
                tz,
            };
            // Requests with an event that failed: their later events wait, so that what a
            // request's endpoint receives stays in order.
            let mut held = std::collections::HashSet::new();
            for item in &items {
                let request = crate::webhooks::payload::request_of(item);
                if request.is_some_and(|r| held.contains(&r)) {
                    continue;
                }
                // One event at a time: a bad one is logged and left (with its request's later
                // events), the rest go on.
                match transaction(conn, |conn| consumers.take(conn, item, now)) {
                    Ok(Some((notifications, webhook_messages))) => {
                        report.events += 1;
                        report.notifications += notifications;
                        report.webhook_messages += webhook_messages;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        held.extend(request);
                        tracing::error!(
                            outbox = item.id,
                            error = &e as &dyn std::error::Error,
                            "could not dispatch an event"
                        );
                    }
                }
            }
            Ok((report, full))
        })
        .await?;
    Ok(result)
}

/// Who gets events.
struct Consumers<'a> {
    wechat: Option<&'a WechatSettings>,
    subscribers: &'a [Subscriber],
    categories: &'a [Category],
    tz: chrono_tz::Tz,
}

impl Consumers<'_> {
    /// Takes one row and hands it over; `None` when another instance took it.
    fn take(
        &self,
        conn: &mut DbConnection,
        item: &OutboxItem,
        now: DateTime<Utc>,
    ) -> Result<Option<(usize, usize)>, StoreError> {
        if !outbox::take(conn, item.id, now)? {
            return Ok(None);
        }
        let notifications = match self.wechat {
            Some(settings) => crate::notify::intake::on_event(conn, item, settings, now, self.tz)?,
            None => 0,
        };
        let webhooks =
            crate::webhooks::fanout::on_event(conn, item, self.subscribers, self.categories, now)?;
        Ok(Some((notifications, webhooks)))
    }
}
