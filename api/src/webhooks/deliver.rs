//! The delivery worker: claims due messages under a lease, posts them signed, and records what
//! the receiver said. No transaction is open while a post is in flight: the lease is what keeps
//! other workers off, and a worker that dies leaves a lease that runs out, after which another
//! worker sends the message again (at least once; receivers de-duplicate on `webhook-id`).

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use linli_domain::webhook::{Verdict, judge, should_disable};
use linli_persistence::tx::transaction;
use linli_persistence::webhooks::endpoints;
use linli_persistence::webhooks::messages::{self, AttemptLog, Deliverable, Outcome};
use linli_persistence::{DbConnection, StoreError};
use rand::Rng;

use super::client::PostResult;
use super::signature::{WebhookSecret, signature_header};
use crate::state::AppState;

/// Messages claimed per pass; all of them are posted at once, so none waits for a slot while
/// its lease runs.
const BATCH: usize = 16;

/// What a claim holds beyond the longest post: the wait for the writer to record it.
const LEASE_MARGIN: Duration = Duration::minutes(1);

/// How long a claim holds: the longest post and a margin, so a live worker never loses it.
pub fn lease(state: &AppState) -> Duration {
    Duration::from_std(state.webhooks.timeout()).unwrap_or(Duration::minutes(1)) + LEASE_MARGIN
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Messages attempted.
    pub attempted: usize,
    /// Of those, delivered.
    pub delivered: usize,
}

/// Claims what is due and delivers it; one batch.
pub async fn run_once(state: &AppState) -> anyhow::Result<DeliveryReport> {
    let now = state.clock.now();
    let lease = lease(state);
    let claimed = state
        .db
        .write(move |conn| Ok(messages::claim_due(conn, now, lease, BATCH as i64)?))
        .await?;
    let claim = claimed.claim;
    let results: Vec<anyhow::Result<bool>> = futures_util::stream::iter(claimed.items)
        .map(|item| deliver(state, &claim, item))
        .buffer_unordered(BATCH)
        .collect()
        .await;
    let mut report = DeliveryReport::default();
    let mut first_error = None;
    for r in results {
        report.attempted += 1;
        match r {
            Ok(true) => report.delivered += 1,
            Ok(false) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

/// Delivers one message and records the attempt; true when delivered.
async fn deliver(state: &AppState, claim: &str, item: Deliverable) -> anyhow::Result<bool> {
    let result = match secrets(state, &item) {
        Ok(secrets) => {
            let msg = &item.message;
            let ts = state.clock.now().timestamp();
            let refs: Vec<&WebhookSecret> = secrets.iter().collect();
            let headers = [
                ("webhook-id", msg.msg_id.clone()),
                ("webhook-timestamp", ts.to_string()),
                (
                    "webhook-signature",
                    signature_header(&refs, &msg.msg_id, ts, msg.body.as_bytes()),
                ),
            ];
            state
                .webhooks
                .post(&item.url, &headers, msg.body.clone())
                .await
        }
        Err(e) => {
            // Nothing can be signed: recorded as a failed attempt, so the partner sees it and
            // the schedule runs (a fixed data key lets a later attempt succeed).
            tracing::error!(endpoint = item.message.endpoint_id, error = ?e, "cannot read a webhook secret");
            PostResult {
                answer: linli_domain::webhook::Answer::NoAnswer,
                latency_ms: 0,
                error: Some("the signing secret could not be read".to_owned()),
                excerpt: None,
            }
        }
    };
    let verdict = judge(
        result.answer,
        item.message.attempts,
        rand::thread_rng().r#gen::<f64>(),
    );
    let now = state.clock.now();
    let claim = claim.to_owned();
    let id = item.message.id;
    let endpoint = item.message.endpoint_id;
    state
        .db
        .write(move |conn| {
            Ok(transaction(conn, |conn| {
                record(conn, id, endpoint, &claim, verdict, &result, now)
            })?)
        })
        .await?;
    Ok(verdict == Verdict::Delivered)
}

/// The endpoint's secrets, decrypted: the current one, and the previous while it still signs.
fn secrets(state: &AppState, item: &Deliverable) -> anyhow::Result<Vec<WebhookSecret>> {
    let mut out = vec![WebhookSecret::parse(
        &state.cipher.decrypt(&item.secret_enc)?,
    )?];
    if let Some(prev) = &item.previous_secret_enc {
        out.push(WebhookSecret::parse(&state.cipher.decrypt(prev)?)?);
    }
    Ok(out)
}

/// Records the attempt, and what it says of the endpoint's health.
fn record(
    conn: &mut DbConnection,
    id: i64,
    endpoint: i64,
    claim: &str,
    verdict: Verdict,
    result: &PostResult,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let status_code = match result.answer {
        linli_domain::webhook::Answer::Status { code, .. } => Some(i32::from(code)),
        linli_domain::webhook::Answer::NoAnswer => None,
    };
    let outcome = match verdict {
        Verdict::Delivered => Outcome::Delivered,
        Verdict::Retry(wait) => Outcome::Retry(now + wait),
        Verdict::GiveUp => Outcome::Failed,
        // The message waits for the endpoint to be switched on again.
        Verdict::Gone => Outcome::Gone(now),
    };
    let log = AttemptLog {
        status_code,
        latency_ms: result.latency_ms,
        error: result.error.as_deref(),
        response_excerpt: result.excerpt.as_deref(),
    };
    if !messages::record_attempt(conn, id, claim, outcome, &log, now)? {
        // Our lease ran out and another worker has the message: its attempt will count.
        return Ok(());
    }
    match verdict {
        Verdict::Delivered => endpoints::record_success(conn, endpoint)?,
        Verdict::Gone => {
            endpoints::disable(conn, endpoint, "the endpoint answered 410 Gone", now)?;
        }
        Verdict::Retry(_) | Verdict::GiveUp => {
            let since = endpoints::record_failure(conn, endpoint, now)?;
            if should_disable(Some(since), now) {
                let reason = format!(
                    "every delivery has failed since {}",
                    since.format("%Y-%m-%d %H:%M UTC")
                );
                endpoints::disable(conn, endpoint, &reason, now)?;
            }
        }
    }
    Ok(())
}
