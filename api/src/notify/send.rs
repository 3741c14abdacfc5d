//! Sending: claim what is due (with a lease, so instances share the work), call WeChat with no
//! database transaction open, record the attempt. 43101 is a normal outcome; busy and network
//! failures are retried with backoff; anything else fails for good.

use chrono::{DateTime, Duration, Utc};
use linli_persistence::notifications::{self, Outcome};

use crate::state::AppState;
use crate::wechat::subscribe::NOT_SUBSCRIBED;
use crate::wechat::{Wechat, WechatError};

/// Messages sent per pass.
const BATCH: i64 = 50;
/// How long a claimed message is held before another instance may try it: a batch of calls
/// that each may take seconds (a token fetch, a retry) must fit well inside it.
const LEASE: Duration = Duration::minutes(5);
/// No message is sent this close to the lease's end.
const MARGIN: Duration = Duration::seconds(60);
/// Attempts before giving up.
pub const MAX_ATTEMPTS: i32 = 8;

/// The wait before attempt `n + 1`, after `n` failed: 30 s, 1 min, 2 min… at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let step = 30i64 << (attempts.clamp(1, 8) - 1);
    Duration::seconds(step.min(3600))
}

/// What one attempt's result means.
fn outcome(result: &Result<(), WechatError>, attempts: i32, now: DateTime<Utc>) -> Outcome {
    match result {
        Ok(()) => Outcome::Sent,
        Err(e) if e.errcode() == Some(NOT_SUBSCRIBED) => Outcome::NotSubscribed,
        Err(e) if e.is_transient() && attempts < MAX_ATTEMPTS => {
            Outcome::Retry(now + backoff(attempts))
        }
        Err(_) => Outcome::Failed,
    }
}

/// Sends what is due; returns how many were attempted. Stops short of the lease's end, so
/// that no message is sent by this instance after another may have taken it over.
pub async fn run(state: &AppState, wechat: &Wechat) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let claimed = state
        .db
        .write(move |conn| Ok(notifications::claim_due(conn, now, LEASE, BATCH)?))
        .await?;
    let stop_at = claimed.until - MARGIN;
    let mut attempted = 0;
    for n in claimed.items {
        if state.clock.now() >= stop_at {
            // The rest wait for the lease to run out and go to whoever claims them next.
            break;
        }
        attempted += 1;
        let result = match &n.recipient_openid {
            Some(openid) => {
                wechat
                    .send_subscribe(openid, &n.template_id, &n.page, &n.data)
                    .await
            }
            None => Err(WechatError::Decode("the recipient has no openid".into())),
        };
        let now = state.clock.now();
        let outcome = outcome(&result, n.attempts, now);
        let (errcode, error) = match &result {
            Ok(()) => (None, None),
            Err(e) => (e.errcode(), Some(e.to_string())),
        };
        if let Outcome::Failed = outcome {
            tracing::warn!(
                notification = n.id,
                ?errcode,
                "a subscribe message failed for good"
            );
        }
        let claim = claimed.claim.clone();
        let recorded = state
            .db
            .write(move |conn| {
                Ok(notifications::record_attempt(
                    conn,
                    n.id,
                    &claim,
                    &outcome,
                    errcode,
                    error.as_deref(),
                    now,
                )?)
            })
            .await?;
        if !recorded {
            tracing::warn!(
                notification = n.id,
                "the lease ran out before the attempt was recorded"
            );
        }
    }
    Ok(attempted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(4), Duration::seconds(240));
        assert_eq!(backoff(8), Duration::seconds(3600));
        assert_eq!(backoff(40), Duration::seconds(3600));
    }

    #[test]
    fn outcomes_by_answer() {
        let now = Utc::now();
        let api = |c| {
            Err(WechatError::Api {
                errcode: c,
                errmsg: String::new(),
            })
        };
        assert!(matches!(outcome(&Ok(()), 1, now), Outcome::Sent));
        assert!(matches!(
            outcome(&api(43101), 1, now),
            Outcome::NotSubscribed
        ));
        assert!(matches!(outcome(&api(-1), 1, now), Outcome::Retry(t) if t == now + backoff(1)));
        assert!(matches!(
            outcome(&api(-1), MAX_ATTEMPTS, now),
            Outcome::Failed
        ));
        assert!(matches!(outcome(&api(47003), 1, now), Outcome::Failed));
    }
}
