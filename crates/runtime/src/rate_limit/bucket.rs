//! Pacing within one bucket: what is known of its current window, whether a request has room in it now, and what
//! a response's `X-Rate-Limit-*` headers change.

use std::time::Duration;

use tokio::time::Instant;

use super::headers::{RateLimitInfo, reset_at};
use super::server_clock::ServerClock;
use super::store::{BucketReport, Merge};
use super::{PacingTimeout, RateLimitPolicy, RateLimiter, random_up_to};
use crate::sync::lock;

/// What is known of one bucket's current window.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Bucket {
    /// `X-Rate-Limit-Limit` of the window, once any response reported it.
    limit: Option<u64>,
    /// The least `X-Rate-Limit-Remaining` reported in the window.
    remaining: u64,
    /// When the window resets (server epoch seconds); `None` once a window has reset and no response of the new
    /// one has been seen (`remaining` is then assumed to be the whole limit).
    pub(super) reset: Option<u64>,
    /// Requests sent and not answered yet.
    in_flight: u64,
    /// Tasks waiting for this bucket.
    waiting: u64,
    /// When the last response that set this state arrived.
    updated: Option<Instant>,
    /// The state was set by a `429` and no other response has confirmed its limit since: it may have been Okta's
    /// concurrency answer, taken for the bucket's before the bucket's limit was known.
    from_throttled: bool,
}

/// What [`Bucket::pace`] found.
pub(super) enum Pace {
    /// Send now: the request is counted in.
    Admit,
    /// Wait until `wake` (the window's reset), or until a request of the bucket ends (`None`); counted among the
    /// bucket's waiters.
    Wait { wake: Option<Instant> },
    /// The wait would end past the deadline.
    TooLate(PacingTimeout),
}

impl Bucket {
    /// Whether one more request may go now (when `policy` paces): there is room in the window, less the share left
    /// to others and the requests in flight. Counts an admitted request in, or a waiting one among the waiters.
    /// `jitter` is this request's delay after a reset, drawn (up to `max_jitter`) the first time it waits with
    /// others for one.
    pub(super) fn pace(
        &mut self,
        policy: &RateLimitPolicy,
        clock: &ServerClock,
        now: Instant,
        deadline: Option<Instant>,
        jitter: &mut Option<Duration>,
        max_jitter: Duration,
    ) -> Pace {
        // A window whose reset has passed on the server's clock: the whole limit is available again.
        if let (Some(reset), Some(server_now)) = (self.reset, clock.server_now_nanos(now)) {
            if server_now >= i128::from(reset).saturating_mul(1_000_000_000) {
                self.reset = None;
                self.remaining = self.limit.unwrap_or(0);
            }
        }
        // What this client may still use of the window (its share), and of that what is not in flight.
        let usable =
            self.limit.map(|limit| self.remaining.saturating_sub(reserved(limit, policy.max_capacity_percent)));
        let room = usable.map(|u| u.saturating_sub(self.in_flight));
        // A used-up window is waited for until its reset, when that can be placed on our clock; a window whose
        // room is all in flight, until one of those requests ends.
        let local_reset = self.reset.and_then(|r| clock.local_instant_of(r));
        let wait = match (room, usable) {
            (Some(0), Some(0)) => local_reset.is_some(),
            (Some(0), Some(_)) => true,
            _ => false,
        };
        if !policy.pacing || !wait {
            self.in_flight += 1;
            return Pace::Admit;
        }
        let mut wake = if usable == Some(0) { local_reset } else { None };
        if let Some(at) = wake.as_mut() {
            // Several tasks waking at the same reset are spread a little; a lone waiter wakes on time.
            if self.waiting > 0 || jitter.is_some() {
                *at += *jitter.get_or_insert_with(|| random_up_to(max_jitter));
            }
        }
        if let (Some(at), Some(deadline)) = (wake, deadline) {
            if at > deadline {
                return Pace::TooLate(PacingTimeout {
                    reset_at: reset_at(self.reset),
                    wait: at.saturating_duration_since(now),
                });
            }
        }
        self.waiting += 1;
        Pace::Wait { wake }
    }

    /// A request of this bucket ended (answered or not).
    pub(super) fn end_request(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// `X-Rate-Limit-Limit` of the bucket, once any response reported it.
    pub(super) fn limit(&self) -> Option<u64> {
        self.limit
    }

    /// Takes in what the response to a request sent at `sent` said of the bucket, received at `received`
    /// ([`Merge`], the shared stores' rule). Returns the limit of a state it replaced that only a `429` had reported
    /// and that a response of another status contradicts: that `429` was Okta's concurrency answer, and its limit
    /// the org's concurrency limit.
    pub(super) fn record(&mut self, report: BucketReport, sent: Instant, received: Instant) -> Option<u64> {
        // An earlier reset is believed only from a request sent after the state was last set (the org has changed
        // its mind, e.g. a 429 whose reset has since passed).
        let newest = self.updated.is_none_or(|updated| sent > updated);
        let mut concurrency_limit = None;
        match Merge::of(self.limit, self.reset, &report) {
            Merge::Ignore => return None,
            Merge::SameWindow => {
                self.remaining = self.remaining.min(report.remaining);
                self.from_throttled &= report.throttled;
            }
            Merge::Stale if !newest => {}
            Merge::Stale | Merge::Replace => {
                if self.from_throttled && !report.throttled && self.limit != Some(report.limit) {
                    concurrency_limit = self.limit;
                }
                self.limit = Some(report.limit);
                self.remaining = report.remaining;
                self.reset = Some(report.reset);
                self.from_throttled = report.throttled;
            }
        }
        self.updated = Some(received);
        concurrency_limit
    }

    /// What a client knows of this bucket.
    pub(super) fn snapshot(&self) -> BucketSnapshot {
        BucketSnapshot {
            limit: self.limit,
            remaining: self.remaining,
            reset: self.reset,
            in_flight: self.in_flight,
            waiting: self.waiting,
        }
    }
}

/// What a response (a `429` when `throttled`) said of its bucket: `None` when it did not say all of limit,
/// remaining and reset, or spoke of the org's concurrency limit in the older form (`X-Rate-Limit-Limit: 0`).
pub(super) fn bucket_report(info: &RateLimitInfo, throttled: bool) -> Option<BucketReport> {
    match (info.is_concurrency_limit(), info.limit, info.remaining, info.reset) {
        (false, Some(limit), Some(remaining), Some(reset)) => {
            Some(BucketReport::new(limit, remaining, reset).with_throttled(throttled))
        }
        _ => None,
    }
}

/// The part of a bucket of `limit` requests left to others when `percent` of it may be used (the policy's and the
/// shared stores' rule).
pub(super) fn reserved(limit: u64, percent: u8) -> u64 {
    let percent = u64::from(percent.clamp(1, 100));
    // Our share rounds down, so what is left to others rounds up.
    limit - limit.saturating_mul(percent) / 100
}

/// A task waiting for room in a bucket; leaves the bucket's count of waiters when dropped.
pub(super) struct Waiter<'a> {
    pub(super) limiter: &'a RateLimiter,
    pub(super) bucket: &'static str,
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        if let Some(b) = lock(&self.limiter.state).buckets.get_mut(self.bucket) {
            b.waiting = b.waiting.saturating_sub(1);
        }
    }
}

/// What a client knows of one bucket ([`RateLimiter::bucket`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BucketSnapshot {
    /// `X-Rate-Limit-Limit` of the current window, once reported.
    pub limit: Option<u64>,
    /// The least `X-Rate-Limit-Remaining` reported in the window (the whole limit after a reset).
    pub remaining: u64,
    /// When the window resets, in server epoch seconds; `None` after a reset until a response reports it.
    pub reset: Option<u64>,
    /// Requests of this bucket in flight.
    pub in_flight: u64,
    /// Requests of this bucket waiting for room.
    pub waiting: u64,
}
