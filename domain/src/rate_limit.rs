//! Rate limits by the generic cell rate algorithm (GCRA): one stored number per client, its
//! theoretical arrival time (TAT). Each allowed call pushes the TAT one emission interval
//! (window / limit) into the future; a call is refused while that would put the TAT more than
//! one window ahead of now. The quota refills smoothly rather than all at once at a window's
//! edge, so no client can spend two quotas back to back across a boundary.
//!
//! Times are milliseconds on the caller's clock. Whoever stores the TAT must apply [`gcra`]
//! atomically (Redis runs the same step as a script; see the api crate's `rate_limit`).

/// A quota: `limit` calls per `window_ms`, spent at any pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    limit: u32,
    window_ms: i64,
}

/// Why a quota is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuotaError {
    /// Not `CALLS/SECONDS`.
    #[error("expected CALLS/SECONDS, e.g. 600/60")]
    Format,
    /// Zero calls, a window under a second or over a day, or more calls than milliseconds.
    #[error("calls must be 1 or more, seconds 1 to 86400, calls at most 1000 a second")]
    Range,
}

impl Quota {
    /// `limit` calls per `window_secs` seconds.
    pub fn new(limit: u32, window_secs: u32) -> Result<Self, QuotaError> {
        let window_ms = i64::from(window_secs) * 1000;
        if limit == 0 || !(1..=86_400).contains(&window_secs) || i64::from(limit) > window_ms {
            return Err(QuotaError::Range);
        }
        Ok(Quota { limit, window_ms })
    }

    /// Parses `CALLS/SECONDS`, e.g. `600/60`.
    pub fn parse(s: &str) -> Result<Self, QuotaError> {
        let (calls, secs) = s.trim().split_once('/').ok_or(QuotaError::Format)?;
        let calls = calls.trim().parse().map_err(|_| QuotaError::Format)?;
        let secs = secs.trim().parse().map_err(|_| QuotaError::Format)?;
        Quota::new(calls, secs)
    }

    /// Calls per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The window in seconds.
    pub fn window_secs(&self) -> i64 {
        self.window_ms / 1000
    }

    /// The window in milliseconds.
    pub fn window_ms(&self) -> i64 {
        self.window_ms
    }

    /// Milliseconds one call costs: window / limit, rounded down so that `limit` calls always
    /// fit in a window.
    pub fn interval_ms(&self) -> i64 {
        self.window_ms / i64::from(self.limit)
    }
}

/// What [`gcra`] decided about one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The call may proceed.
    pub allowed: bool,
    /// The TAT to store (unchanged when refused); it may be forgotten once `now` passes it.
    pub tat_ms: i64,
    /// Calls left right now (`r` of the `RateLimit` header).
    pub remaining: u32,
    /// Seconds until the whole quota is back (`t` of the `RateLimit` header).
    pub reset_secs: i64,
    /// Seconds to wait before the next call can pass (`Retry-After`); 0 when allowed.
    pub retry_after_secs: i64,
}

fn ceil_secs(ms: i64) -> i64 {
    (ms.max(0) + 999) / 1000
}

/// Decides one call at `now_ms` given the stored TAT (`None`: never seen, or forgotten).
pub fn gcra(stored_tat_ms: Option<i64>, now_ms: i64, quota: &Quota) -> Verdict {
    let interval = quota.interval_ms();
    let tat = stored_tat_ms.map_or(now_ms, |t| t.max(now_ms));
    let next = tat + interval;
    if next - now_ms > quota.window_ms {
        return Verdict {
            allowed: false,
            tat_ms: tat,
            remaining: 0,
            reset_secs: ceil_secs(tat - now_ms),
            // At least a second: a client told 0 would hammer us.
            retry_after_secs: ceil_secs(next - quota.window_ms - now_ms).max(1),
        };
    }
    let remaining = (quota.window_ms - (next - now_ms)) / interval;
    Verdict {
        allowed: true,
        tat_ms: next,
        remaining: u32::try_from(remaining).unwrap_or(0),
        reset_secs: ceil_secs(next - now_ms),
        retry_after_secs: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(quota: &Quota, tat: &mut Option<i64>, now: i64) -> Verdict {
        let v = gcra(*tat, now, quota);
        *tat = Some(v.tat_ms);
        v
    }

    #[test]
    fn quotas_parse_and_refuse_nonsense() {
        let q = Quota::parse(" 600 / 60 ").unwrap();
        assert_eq!(
            (q.limit(), q.window_secs(), q.interval_ms()),
            (600, 60, 100)
        );
        assert_eq!(Quota::parse("600"), Err(QuotaError::Format));
        assert_eq!(Quota::parse("a/60"), Err(QuotaError::Format));
        assert_eq!(Quota::parse("0/60"), Err(QuotaError::Range));
        assert_eq!(Quota::parse("5/0"), Err(QuotaError::Range));
        assert_eq!(Quota::parse("2000/1"), Err(QuotaError::Range));
    }

    #[test]
    fn exactly_the_limit_passes_at_once_then_one_per_interval() {
        let q = Quota::new(7, 60).unwrap();
        let mut tat = None;
        for used in 1..=7 {
            let v = run(&q, &mut tat, 0);
            assert!(v.allowed, "call {used}");
            assert_eq!(v.remaining, 7 - used);
        }
        let refused = run(&q, &mut tat, 0);
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        assert_eq!(
            refused.retry_after_secs, 9,
            "one interval of 8571 ms, rounded up"
        );
        assert_eq!(refused.reset_secs, 60);
        // Refusals cost nothing; one interval later exactly one more passes.
        assert!(!run(&q, &mut tat, 8_000).allowed);
        assert!(run(&q, &mut tat, 8_571).allowed);
        assert!(!run(&q, &mut tat, 8_572).allowed);
        // A whole quiet window refills the whole quota, never more.
        let mut passed = 0;
        for _ in 0..10 {
            passed += u32::from(run(&q, &mut tat, 200_000).allowed);
        }
        assert_eq!(passed, 7);
    }

    #[test]
    fn a_forgotten_tat_in_the_past_means_a_full_quota() {
        let q = Quota::new(3, 1).unwrap();
        let v = gcra(Some(-5_000), 0, &q);
        assert!(v.allowed);
        assert_eq!(v.remaining, 2);
        assert_eq!(v.reset_secs, 1);
    }
}
