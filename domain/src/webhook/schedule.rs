//! When a delivery is tried again, and what a receiver's answer means.

use chrono::{DateTime, Duration, Utc};

/// Waits between attempts: after the first failure 5 seconds, then 5 minutes, 30 minutes,
/// 2, 5, 10 and 10 hours (the Standard Webhooks reference schedule), some 27 hours in all.
pub const RETRY_DELAYS: [Duration; 7] = [
    Duration::seconds(5),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(10),
];

/// Attempts in all before a message is given up: the first and one per retry delay.
pub const MAX_ATTEMPTS: i32 = RETRY_DELAYS.len() as i32 + 1;

/// An endpoint that has failed every delivery for this long is switched off.
pub const DISABLE_AFTER: Duration = Duration::days(5);

/// What the receiver did with one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// It answered with this HTTP status, and perhaps a `Retry-After` in seconds.
    Status {
        /// The status code.
        code: u16,
        /// `Retry-After`, when it gave one.
        retry_after: Option<Duration>,
    },
    /// No answer: refused connection, timeout, TLS or DNS failure, a forbidden address.
    NoAnswer,
}

/// What follows from an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A 2xx: delivered.
    Delivered,
    /// Try again after this long.
    Retry(Duration),
    /// Retries ran out: the message is given up.
    GiveUp,
    /// 410 Gone: the receiver says the endpoint is no more; it is switched off and the
    /// message waits, should the partner switch it on again.
    Gone,
}

/// Judges attempt number `attempt` (1 for the first). `jitter` in `[0, 1)` spreads retries of
/// messages that failed together (±10%), so a receiver coming back is not hit by all of them
/// at once. A `Retry-After` longer than the scheduled wait is honoured, up to the longest wait
/// of the schedule.
pub fn judge(answer: Answer, attempt: i32, jitter: f64) -> Verdict {
    let retry_after = match answer {
        Answer::Status { code, .. } if (200..300).contains(&code) => return Verdict::Delivered,
        Answer::Status { code: 410, .. } => return Verdict::Gone,
        Answer::Status { retry_after, .. } => retry_after,
        Answer::NoAnswer => None,
    };
    match retry_delay(attempt, jitter) {
        None => Verdict::GiveUp,
        Some(wait) => {
            let longest = RETRY_DELAYS[RETRY_DELAYS.len() - 1];
            let asked = retry_after.unwrap_or(Duration::zero()).min(longest);
            Verdict::Retry(wait.max(asked))
        }
    }
}

/// The wait after failed attempt number `attempt` (1 for the first), with jitter; `None` once
/// the schedule is over.
pub fn retry_delay(attempt: i32, jitter: f64) -> Option<Duration> {
    let index = usize::try_from(attempt.checked_sub(1)?).ok()?;
    let base = *RETRY_DELAYS.get(index)?;
    let factor = 0.9 + 0.2 * jitter.clamp(0.0, 1.0);
    let ms = (base.num_milliseconds() as f64 * factor).round() as i64;
    Some(Duration::milliseconds(ms))
}

/// True when an endpoint failing without a success since `failing_since` is to be switched
/// off at `now`.
pub fn should_disable(failing_since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    failing_since.is_some_and(|since| now - since >= DISABLE_AFTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MID: f64 = 0.5;

    fn status(code: u16) -> Answer {
        Answer::Status {
            code,
            retry_after: None,
        }
    }

    #[test]
    fn only_2xx_delivers() {
        assert_eq!(judge(status(200), 1, MID), Verdict::Delivered);
        assert_eq!(judge(status(204), 1, MID), Verdict::Delivered);
        for code in [301, 400, 404, 429, 500, 503] {
            assert!(
                matches!(judge(status(code), 1, MID), Verdict::Retry(_)),
                "{code}"
            );
        }
        assert!(matches!(judge(Answer::NoAnswer, 1, MID), Verdict::Retry(_)));
    }

    #[test]
    fn follows_the_schedule_then_gives_up() {
        let waits: Vec<_> = (1..MAX_ATTEMPTS)
            .map(|n| match judge(status(500), n, MID) {
                Verdict::Retry(d) => d,
                other => panic!("attempt {n}: {other:?}"),
            })
            .collect();
        assert_eq!(waits, RETRY_DELAYS);
        assert_eq!(judge(status(500), MAX_ATTEMPTS, MID), Verdict::GiveUp);
        assert_eq!(MAX_ATTEMPTS, 8);
    }

    #[test]
    fn jitter_stays_within_a_tenth() {
        assert_eq!(retry_delay(2, 0.0), Some(Duration::seconds(270)));
        assert_eq!(retry_delay(2, 1.0), Some(Duration::seconds(330)));
        assert_eq!(retry_delay(0, MID), None);
        assert_eq!(retry_delay(9, MID), None);
    }

    #[test]
    fn retry_after_is_honoured_within_the_longest_wait() {
        let asked = |secs| Answer::Status {
            code: 429,
            retry_after: Some(Duration::seconds(secs)),
        };
        assert_eq!(
            judge(asked(120), 1, MID),
            Verdict::Retry(Duration::seconds(120))
        );
        // Shorter than the schedule: the schedule wins.
        assert_eq!(
            judge(asked(1), 2, MID),
            Verdict::Retry(Duration::minutes(5))
        );
        assert_eq!(
            judge(asked(1_000_000), 1, MID),
            Verdict::Retry(Duration::hours(10))
        );
    }

    #[test]
    fn gone_switches_off() {
        assert_eq!(judge(status(410), 1, MID), Verdict::Gone);
    }

    #[test]
    fn disables_after_five_days_of_failure() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert!(!should_disable(None, now));
        assert!(!should_disable(Some(now - Duration::days(4)), now));
        assert!(should_disable(Some(now - Duration::days(5)), now));
    }
}
