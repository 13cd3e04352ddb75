//! Okta's rate limits, enforced: per-bucket windows (`X-Rate-Limit-*` on every response, `429 E0000047` past the
//! limit) and the org's limit of requests in flight (`429` whose headers report the concurrency limit, as Okta's
//! rate-limit docs describe), on a clock that follows tokio's, so a test on paused time spends no real time in a
//! minute-long window.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::faults::RoutePattern;

/// The org's clock: the system time when the org started, advanced by tokio's clock since (which a test can
/// pause and advance).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrgClock {
    epoch_at_start: Duration,
    started: tokio::time::Instant,
}

impl OrgClock {
    pub(crate) fn new() -> Self {
        OrgClock {
            epoch_at_start: SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default(),
            started: tokio::time::Instant::now(),
        }
    }

    /// Now, as a duration since the Unix epoch.
    pub(crate) fn now(&self) -> Duration {
        self.epoch_at_start + self.started.elapsed()
    }
}

/// One enforced bucket: the routes it covers, its limit and its window.
#[derive(Debug, Clone)]
pub(crate) struct BucketRule {
    pub route: RoutePattern,
    pub limit: u64,
    pub window_secs: u64,
}

/// What the rate-limit headers of a response say, or that the request is over the bucket's limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub limit: u64,
    pub remaining: u64,
    /// Epoch seconds.
    pub reset: u64,
    pub over: bool,
}

/// Per-bucket request counts: `(window index, requests admitted in it)`.
#[derive(Debug, Default)]
pub(crate) struct Windows {
    counts: HashMap<String, (u64, u64)>,
}

impl Windows {
    /// Counts a request of `route_key` (`METHOD /pattern`) in its bucket at `now_secs`. A route under one of
    /// `rules` is enforced (a request past the limit is `over` and not counted); any other is reported against
    /// `default_limit` per minute, per route, without enforcement.
    pub(crate) fn admit(
        &mut self,
        rules: &[BucketRule],
        default_limit: u64,
        method: &str,
        path: &str,
        route_key: &str,
        now_secs: u64,
    ) -> Window {
        let (key, limit, window_secs, enforced) =
            match rules.iter().enumerate().find(|(_, r)| r.route.matches(method, path)) {
                Some((i, rule)) => (format!("rule {i}"), rule.limit, rule.window_secs.max(1), true),
                None => (route_key.to_string(), default_limit, 60, false),
            };
        let index = now_secs / window_secs;
        let reset = (index + 1) * window_secs;
        let entry = self.counts.entry(key).or_insert((index, 0));
        if entry.0 != index {
            *entry = (index, 0);
        }
        if enforced && entry.1 >= limit {
            return Window { limit, remaining: 0, reset, over: true };
        }
        entry.1 += 1;
        Window { limit, remaining: limit.saturating_sub(entry.1), reset, over: false }
    }
}

/// How the org's `429` over its concurrency limit reports itself in `X-Rate-Limit-*`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConcurrencyHeaders {
    /// As Okta's "Rate limit best practices" documents it: while a request is over the concurrent limit the three
    /// headers report the concurrent values (`Limit` the org's concurrency limit, `Remaining: 0`, and a `Reset`
    /// that is only an estimate: here the next second); below the limit they report the buckets' again.
    #[default]
    Documented,
    /// The older form some orgs still send: `X-Rate-Limit-Limit: 0`, `Remaining: 0`, `Reset` a minute out.
    LimitZero,
}

impl ConcurrencyHeaders {
    /// The `(limit, remaining, reset)` of a `429` over `concurrency_limit` at `now_secs` (epoch seconds).
    pub(crate) fn values(self, concurrency_limit: usize, now_secs: u64) -> (u64, u64, u64) {
        match self {
            ConcurrencyHeaders::Documented => (u64::try_from(concurrency_limit).unwrap_or(u64::MAX), 0, now_secs + 1),
            ConcurrencyHeaders::LimitZero => (0, 0, now_secs + 60),
        }
    }
}

/// Requests being processed, against the org's concurrency limit.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    count: AtomicUsize,
}

/// A request's place among those in flight; leaves when dropped (a handler cancelled by a closed connection
/// included).
pub(crate) struct InFlightGuard<'a>(&'a InFlight);

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        self.0.count.fetch_sub(1, Ordering::SeqCst);
    }
}

impl InFlight {
    /// Enters a request, which holds a place until the guard drops; `None` when it is over `limit` (a refused
    /// request is not processed, so it takes no place).
    pub(crate) fn enter(&self, limit: Option<usize>) -> Option<InFlightGuard<'_>> {
        let before = self.count.fetch_add(1, Ordering::SeqCst);
        let guard = InFlightGuard(self);
        if limit.is_some_and(|l| before >= l) {
            drop(guard);
            return None;
        }
        Some(guard)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_enforced_bucket_refuses_past_its_limit_until_the_window_turns() {
        let rules =
            vec![BucketRule { route: RoutePattern::new("POST /api/v1/users").unwrap(), limit: 2, window_secs: 2 }];
        let mut w = Windows::default();
        let t = 1_000;
        let a = w.admit(&rules, 600, "POST", "/api/v1/users", "POST /api/v1/users", t);
        assert_eq!((a.remaining, a.reset, a.over), (1, 1_002, false));
        let b = w.admit(&rules, 600, "POST", "/api/v1/users", "POST /api/v1/users", t + 1);
        assert_eq!((b.remaining, b.over), (0, false));
        let c = w.admit(&rules, 600, "POST", "/api/v1/users", "POST /api/v1/users", t + 1);
        assert_eq!((c.remaining, c.reset, c.over), (0, 1_002, true));
        let d = w.admit(&rules, 600, "POST", "/api/v1/users", "POST /api/v1/users", t + 2);
        assert_eq!((d.remaining, d.reset, d.over), (1, 1_004, false));
        // Other routes are reported, never refused.
        for _ in 0..700 {
            assert!(!w.admit(&rules, 600, "GET", "/api/v1/users", "GET /api/v1/users", t).over);
        }
    }

    #[test]
    fn a_concurrency_429_reports_the_concurrency_limit_or_the_older_limit_zero() {
        assert_eq!(ConcurrencyHeaders::default().values(10, 1_000), (10, 0, 1_001));
        assert_eq!(ConcurrencyHeaders::LimitZero.values(10, 1_000), (0, 0, 1_060));
    }

    #[test]
    fn in_flight_counts_and_releases() {
        let f = InFlight::default();
        let first = f.enter(Some(1));
        assert!(first.is_some());
        assert!(f.enter(Some(1)).is_none(), "over the limit");
        // The refused request took no place: once the first ends, one more fits.
        drop(first);
        assert!(f.enter(Some(1)).is_some());
    }
}
