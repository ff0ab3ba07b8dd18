//! Pipeline-level revocation triggers: more than 5 errors a
//! minute, 60 s without progress, any CRITICAL violation, more than 100
//! calls a minute (rate-limited first, revoked if it goes on).

use std::collections::VecDeque;

use serde::Serialize;

/// One minute, in microseconds.
pub const MINUTE_US: i64 = 60_000_000;
/// Errors a minute above which an agent is revoked.
pub const MAX_ERRORS_PER_MINUTE: usize = 5;
/// Time without progress after which an agent is revoked (µs).
pub const STUCK_US: i64 = 60_000_000;
/// Calls a minute above which an agent is rate-limited, then revoked.
pub const MAX_CALLS_PER_MINUTE: usize = 100;

/// Event times within the last minute.
#[derive(Clone, Debug, Default)]
pub struct Window {
    times: VecDeque<i64>,
}

impl Window {
    /// Records one event at `now_us`; returns how many fell within the last minute.
    pub fn record(&mut self, now_us: i64) -> usize {
        self.times.push_back(now_us);
        self.count(now_us)
    }

    /// Events within the minute before `now_us`.
    pub fn count(&mut self, now_us: i64) -> usize {
        while self.times.front().is_some_and(|&t| t <= now_us - MINUTE_US) {
            self.times.pop_front();
        }
        self.times.len()
    }
}

/// What a trigger asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "trigger", rename_all = "snake_case")]
pub enum Verdict {
    /// Slow the agent down (answer its calls late).
    RateLimit {
        /// Calls in the last minute.
        calls: usize,
    },
    /// Revoke the agent.
    Revoke {
        /// Why.
        reason: String,
    },
    /// Revoke every agent of the pipeline.
    RevokeAll {
        /// Why.
        reason: String,
    },
}

/// The triggers' view of one agent.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    errors: Window,
    calls: Window,
    last_progress_us: i64,
    limited_since_us: Option<i64>,
}

impl Watch {
    /// Starts watching at `now_us` (counts as progress).
    pub fn new(now_us: i64) -> Watch {
        Watch {
            last_progress_us: now_us,
            ..Watch::default()
        }
    }

    /// The agent made progress (a phase change, a step, an artifact).
    pub fn progress(&mut self, now_us: i64) {
        self.last_progress_us = now_us;
    }

    /// The agent reported an error.
    pub fn error(&mut self, now_us: i64) -> Option<Verdict> {
        let n = self.errors.record(now_us);
        (n > MAX_ERRORS_PER_MINUTE).then(|| Verdict::Revoke {
            reason: format!("{n} errors in the last minute (more than {MAX_ERRORS_PER_MINUTE})"),
        })
    }

    /// The agent called the governor (an action request, a read, an LLM
    /// call): above the limit it is to be throttled ([`Verdict::RateLimit`]);
    /// still above it after a minute of throttling, revoked.
    pub fn call(&mut self, now_us: i64) -> Option<Verdict> {
        let n = self.calls.record(now_us);
        // Hysteresis: throttling ends once the rate is well below the limit.
        if n <= MAX_CALLS_PER_MINUTE * 9 / 10 {
            self.limited_since_us = None;
        }
        if n <= MAX_CALLS_PER_MINUTE {
            return None;
        }
        let since = *self.limited_since_us.get_or_insert(now_us);
        if now_us - since > MINUTE_US {
            return Some(Verdict::Revoke {
                reason: format!(
                    "more than {MAX_CALLS_PER_MINUTE} calls a minute for over a minute, throttled all along"
                ),
            });
        }
        Some(Verdict::RateLimit { calls: n })
    }

    /// Periodic check: no progress for more than 60 s revokes.
    pub fn tick(&mut self, now_us: i64) -> Option<Verdict> {
        let idle = now_us - self.last_progress_us;
        (idle > STUCK_US).then(|| Verdict::Revoke {
            reason: format!(
                "no progress for {} s (limit {} s)",
                idle / 1_000_000,
                STUCK_US / 1_000_000
            ),
        })
    }

    /// A violation of CRITICAL severity stops the whole pipeline.
    pub fn critical(&self, what: &str) -> Verdict {
        Verdict::RevokeAll {
            reason: format!("critical violation: {what}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000;

    #[test]
    fn six_errors_in_a_minute_revoke_but_spread_out_they_do_not() {
        let mut w = Watch::new(0);
        for i in 0..5 {
            assert_eq!(w.error(i * S), None);
        }
        assert!(matches!(w.error(5 * S), Some(Verdict::Revoke { .. })));
        let mut w = Watch::new(0);
        for i in 0..20 {
            assert_eq!(w.error(i * 13 * S), None, "error {i}");
        }
    }

    #[test]
    fn sixty_seconds_without_progress_revoke() {
        let mut w = Watch::new(0);
        assert_eq!(w.tick(60 * S), None);
        w.progress(30 * S);
        assert_eq!(w.tick(89 * S), None);
        assert!(
            matches!(w.tick(91 * S), Some(Verdict::Revoke { reason }) if reason.contains("61 s"))
        );
    }

    #[test]
    fn call_floods_are_rate_limited_then_revoked() {
        let mut w = Watch::new(0);
        let mut verdicts = Vec::new();
        // Ten calls a second: throttled from the 101st (10 s), revoked once
        // that has gone on for a minute.
        let mut revoked_at = None;
        for i in 0..1000 {
            match w.call(i * 100_000) {
                Some(Verdict::Revoke { .. }) => {
                    revoked_at = Some(i);
                    break;
                }
                Some(v) => verdicts.push(v),
                None => {}
            }
        }
        assert!(matches!(verdicts[0], Verdict::RateLimit { calls: 101 }));
        assert_eq!(revoked_at, Some(701));
        // A burst that calms down is throttled, never revoked.
        let mut w = Watch::new(0);
        for i in 0..150 {
            w.call(i * 100_000);
        }
        for i in 0..100 {
            assert!(
                !matches!(w.call(20 * S + i * 2 * S), Some(Verdict::Revoke { .. })),
                "call {i}"
            );
        }
        assert!(matches!(
            w.critical("wrote /etc/passwd"),
            Verdict::RevokeAll { .. }
        ));
    }
}
