//! Rate limits as Okta defines them: per-bucket windows, paced from the headers of every response, and the org's
//! limit of requests in flight.
//!
//! Okta counts requests per *bucket* (an endpoint: a method and a path template) per window, and reports the
//! bucket's `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` (epoch seconds, the server's clock) on every response.
//! A [`RateLimiter`] keeps that state per bucket for one client and all its clones, and [`RateLimiter::acquire`]
//! delays a request that would exceed what is left (minus the requests already in flight, and minus the share of
//! the bucket the [`RateLimitPolicy`] leaves to other integrations) until the window resets. Reset times are placed
//! on the local clock through the responses' `Date` headers, so a wait ends when the server's
//! window has reset, not a rounded second later.
//!
//! Separately, Okta limits the requests an org has in flight; a request over it is answered `429` whose headers
//! report the concurrent values (the concurrency limit, 0 remaining, an estimated reset), or `X-Rate-Limit-Limit:
//! 0` in an older form. [`RateLimitPolicy::max_concurrency`] caps this client's requests in flight so that does not
//! happen, and [`RateLimiter::observe`] tells such a `429` from a bucket's (its limit is not the bucket's: the
//! concurrency limit, or 0) and keeps its headers out of the bucket's state: the retry layer retries
//! it after a short backoff, not at the window's reset, and the client holds its requests in flight to what the
//! org had room for.
//!
//! Every wait goes through `tokio::time`, so tests run it on tokio's paused clock and a minute-long window costs
//! no real time.
//!
//! Each concern has a module of its own, and this one ties them into the [`RateLimiter`]: `bucket` paces the
//! requests of one bucket, `concurrency` keeps to the org's limit of requests in flight (and tells its `429`s from
//! a bucket's), `shared` coordinates with other clients through a [`RateLimitStore`]; `server_clock` places the
//! server's times on the local clock.

mod bucket;
mod concurrency;
pub mod headers;
#[cfg(feature = "redis")]
mod redis_store;
mod server_clock;
mod shared;
mod store;

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::sync::lock;
use crate::time::{millis, now_secs};
pub use bucket::BucketSnapshot;
use bucket::{Bucket, Pace, Waiter, bucket_report};
use concurrency::{Concurrency, SentAgainst};
use headers::reset_at;
pub use headers::{RateLimitInfo, parse_rate_limit};
#[cfg(feature = "redis")]
pub use redis_store::RedisRateLimitStore;
use server_clock::ServerClock;
use shared::Shared;
pub use store::{
    BucketReport, InMemoryRateLimitStore, Lease, LeaseDecision, LeaseRequest, RateLimitStore, StoreError, StoreFuture,
};

/// How a client paces itself. Build with [`RateLimitPolicy::default`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitPolicy {
    /// Delay a request that the bucket's last reported `Remaining` (less the requests in flight) has no room for,
    /// until the window resets, rather than send it and get a `429`. Default `true`. When `false`, a bucket is
    /// waited for only after a `429`.
    pub pacing: bool,
    /// The share of each bucket this client may use, in percent (1–100, like Terraform's `max_api_capacity`):
    /// at 50, requests are paced once half of the bucket's limit is used, leaving the rest to other integrations.
    /// Default 100 (`okta.client.rateLimit.maxCapacity`).
    pub max_capacity_percent: u8,
    /// The most requests this client (and its clones) has in flight; further requests wait for one to finish.
    /// Default `None`, no cap (`okta.client.rateLimit.maxConcurrency`). Okta's org-wide limit is 75 by default
    /// (35 on the free plan), shared by every integration; bulk jobs rarely gain from more than 10.
    pub max_concurrency: Option<NonZeroUsize>,
}

impl Default for RateLimitPolicy {
    fn default() -> Self {
        RateLimitPolicy { pacing: true, max_capacity_percent: 100, max_concurrency: None }
    }
}

impl RateLimitPolicy {
    /// Sets [`RateLimitPolicy::pacing`].
    pub fn with_pacing(mut self, pacing: bool) -> Self {
        self.pacing = pacing;
        self
    }

    /// Sets [`RateLimitPolicy::max_capacity_percent`] (clamped to 1–100).
    pub fn with_max_capacity_percent(mut self, percent: u8) -> Self {
        self.max_capacity_percent = percent.clamp(1, 100);
        self
    }

    /// Sets [`RateLimitPolicy::max_concurrency`] (`0` means no cap).
    pub fn with_max_concurrency(mut self, max: usize) -> Self {
        self.max_concurrency = NonZeroUsize::new(max);
        self
    }
}

/// Why a request could not be sent within its time budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacingTimeout {
    /// When the bucket's window resets (server clock).
    pub reset_at: Option<SystemTime>,
    /// How long the request would have had to wait.
    pub wait: Duration,
}

/// What a `429` was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// The bucket is used up until its window resets: wait for the reset.
    Bucket,
    /// Too many requests in flight (the headers report the org's concurrency limit instead of the bucket's, or
    /// `X-Rate-Limit-Limit: 0`): retry after a short backoff.
    Concurrency,
}

/// What [`RateLimiter::decide`] found: [`Pace`], with what wakes a waiting request early.
enum Decision<'a> {
    Admit,
    Wait { wake: Option<Instant>, notified: tokio::sync::futures::Notified<'a> },
    TooLate(PacingTimeout),
}

/// The rate-limit state of one client and all its clones: per-bucket windows, the server's clock, the cap on
/// requests in flight. See the [module documentation](self).
#[derive(Debug)]
pub struct RateLimiter {
    policy: RateLimitPolicy,
    /// Plain numbers, consistent after every statement: a poisoned lock is still usable (`sync::lock`).
    state: Mutex<State>,
    /// Woken whenever a bucket's state changes (a response arrived, a request ended).
    changed: Notify,
    /// The policy's cap on requests in flight ([`RateLimitPolicy::max_concurrency`]), when it sets one.
    slots: Option<Arc<Semaphore>>,
    /// Upper bound of the random delay added when several tasks wait for the same reset.
    jitter: Duration,
    /// The budget shared with other clients (other processes through Redis), when there is one.
    shared: Option<Shared>,
}

#[derive(Debug)]
struct State {
    clock: ServerClock,
    buckets: HashMap<&'static str, Bucket>,
    /// The client's requests in flight, every bucket together, and what the org's concurrency `429`s taught.
    concurrency: Concurrency,
}

/// A request's place in its bucket (and its slot under the concurrency cap), from [`RateLimiter::acquire`] until
/// its response is [observed](RateLimiter::observe) or the permit is dropped.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a RateLimiter,
    bucket: &'static str,
    sent: Instant,
    _slot: Option<OwnedSemaphorePermit>,
    /// Requests of the client in flight when this one was sent, itself included (0 until it is).
    in_flight_at_send: usize,
    /// Whether the request is still counted in its bucket (and in flight): until it is observed or dropped.
    open: bool,
    /// The lease of the shared bucket, when the limiter has a store and it answered.
    lease: Option<Lease>,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.open {
            self.limiter.finish(self.bucket, self.in_flight_at_send > 0);
        }
        if let Some(lease) = self.lease.take() {
            self.limiter.complete_shared(self.bucket, lease, None);
        }
    }
}

impl RateLimiter {
    /// A limiter following `policy`; `jitter` bounds the random delay spread over tasks that wait for the same
    /// window reset (a lone waiter gets none).
    pub fn new(policy: RateLimitPolicy, jitter: Duration) -> Self {
        let slots = policy.max_concurrency.map(|n| Arc::new(Semaphore::new(n.get())));
        RateLimiter {
            policy,
            state: Mutex::new(State {
                clock: ServerClock::new(Instant::now()),
                buckets: HashMap::new(),
                concurrency: Concurrency::default(),
            }),
            changed: Notify::new(),
            slots,
            jitter,
            shared: None,
        }
    }

    /// Shares this limiter's budget with every client using `store` for the org at `org_host`: each request then
    /// also takes a lease in the store's bucket (and a slot under the shared concurrency cap). When the store does
    /// not answer, the limiter paces on its own and logs a warning.
    #[must_use]
    pub fn with_store(mut self, store: Arc<dyn RateLimitStore>, org_host: &str) -> Self {
        self.shared = Some(Shared::new(store, org_host));
        self
    }

    /// The policy this limiter follows.
    pub fn policy(&self) -> &RateLimitPolicy {
        &self.policy
    }

    /// Waits until `bucket` has room for one more request (when pacing) and a slot is free under the concurrency
    /// cap, then counts the request in. Fails, without waiting, when the wait would end past `deadline`.
    pub async fn acquire(&self, bucket: &'static str, deadline: Option<Instant>) -> Result<Permit<'_>, PacingTimeout> {
        let mut jitter = None;
        loop {
            let (wake, notified) = match self.decide(bucket, deadline, &mut jitter) {
                Decision::Admit => {
                    let mut permit = self.admitted(bucket).await;
                    // Dropping the permit on a timeout gives back its place here.
                    self.acquire_shared(&mut permit, deadline).await?;
                    return Ok(permit);
                }
                Decision::TooLate(timeout) => return Err(timeout),
                Decision::Wait { wake, notified } => (wake, notified),
            };
            // Counted among the bucket's waiters (by `decide`) until this wait ends, however it ends: a caller
            // that gives up on the request drops the future here.
            let waiter = Waiter { limiter: self, bucket };
            match wake {
                Some(at) => tracing::debug!(
                    bucket,
                    wait_ms = millis(at.saturating_duration_since(Instant::now())),
                    "okta rate limit: the bucket is used up; waiting for its window to reset"
                ),
                None => {
                    tracing::trace!(bucket, "okta rate limit: the bucket's room is in flight; waiting for a response")
                }
            }
            // A response may bring news (a new window, more remaining) before the reset: either wakes us.
            let until = match (wake, deadline) {
                (Some(w), Some(d)) => Some(w.min(d)),
                (w, d) => w.or(d),
            };
            match until {
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = notified => {}
                    }
                }
                None => notified.await,
            }
            drop(waiter);
            if deadline.is_some_and(|d| Instant::now() >= d) {
                let reset = lock(&self.state).buckets.get(bucket).and_then(|b| b.reset);
                return Err(PacingTimeout { reset_at: reset_at(reset), wait: Duration::ZERO });
            }
        }
    }

    /// Whether a request of `bucket` may go now; if not, what to wait for. Counts an admitted request in.
    fn decide(&self, bucket: &'static str, deadline: Option<Instant>, jitter: &mut Option<Duration>) -> Decision<'_> {
        let mut state = lock(&self.state);
        let now = Instant::now();
        let clock = state.clock;
        let b = state.buckets.entry(bucket).or_default();
        match b.pace(&self.policy, &clock, now, deadline, jitter, self.jitter) {
            Pace::Admit => Decision::Admit,
            Pace::TooLate(timeout) => Decision::TooLate(timeout),
            // Notified of what happens from now on: the lock is still held.
            Pace::Wait { wake } => Decision::Wait { wake, notified: self.changed.notified() },
        }
    }

    /// The org's clock now, in epoch seconds: from the responses' `Date`s, else this machine's clock.
    fn server_now_secs(&self) -> u64 {
        let from_dates = lock(&self.state).clock.server_now_nanos(Instant::now());
        match from_dates {
            Some(nanos) => u64::try_from(nanos / 1_000_000_000).unwrap_or(0),
            None => now_secs(),
        }
    }

    /// The permit of a request `decide` admitted, once it is also in flight under the concurrency caps.
    async fn admitted(&self, bucket: &'static str) -> Permit<'_> {
        let mut permit = Permit {
            limiter: self,
            bucket,
            sent: Instant::now(),
            _slot: None,
            in_flight_at_send: 0,
            open: true,
            lease: None,
        };
        self.enter_in_flight(&mut permit).await;
        permit.sent = Instant::now();
        permit
    }

    /// Takes in the response to `permit`'s request (any status, a `429` included) and ends the permit. For a
    /// `429`, returns what it was, judged against the bucket as it stood when the request was sent (and a
    /// concurrency `429` holds the client to the requests in flight then); `None` for any other status.
    ///
    /// A lease of the shared store is given back on a task of its own; [`settle`](Self::settle) awaits it instead.
    pub fn observe(&self, permit: Permit<'_>, status: StatusCode, headers: &HeaderMap) -> Option<Throttle> {
        let (throttle, lease) = self.take_in(permit, status, headers);
        if let Some((bucket, lease, report)) = lease {
            self.complete_shared(bucket, lease, report);
        }
        throttle
    }

    /// [`observe`](Self::observe), then gives the shared store's lease back before returning (bounded by the
    /// store's timeout): a process that exits after its last request leaves no lease behind to hold other
    /// processes' room until it lapses. What the retry layer uses.
    pub async fn settle(&self, permit: Permit<'_>, status: StatusCode, headers: &HeaderMap) -> Option<Throttle> {
        let (throttle, lease) = self.take_in(permit, status, headers);
        if let Some((bucket, lease, report)) = lease {
            self.complete_shared_now(bucket, lease, report).await;
        }
        throttle
    }

    /// Ends `permit`'s request without a response (it failed), giving the shared store's lease back before
    /// returning.
    pub async fn abandon(&self, mut permit: Permit<'_>) {
        if let Some(lease) = permit.lease.take() {
            self.complete_shared_now(permit.bucket, lease, None).await;
        }
    }

    /// What [`observe`](Self::observe) learns from a response, and the lease to give back with its report.
    #[allow(clippy::type_complexity)]
    fn take_in(
        &self,
        mut permit: Permit<'_>,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> (Option<Throttle>, Option<(&'static str, Lease, Option<BucketReport>)>) {
        permit.open = false;
        let info = parse_rate_limit(headers);
        let received = Instant::now();
        let mut state = lock(&self.state);
        if let Some(date) = info.date {
            state.clock.observe(date, permit.sent, received);
        }
        if permit.in_flight_at_send > 0 {
            state.concurrency.leave();
        }
        let org_limit = state.concurrency.org_limit;
        let b = state.buckets.entry(permit.bucket).or_default();
        b.end_request();
        // The bucket's limit as this client knows it, else as the shared store did when it granted the request.
        let bucket_limit = b.limit().or_else(|| permit.lease.as_ref().and_then(Lease::bucket_limit));
        let sent = SentAgainst { bucket_limit };
        let throttle = concurrency::throttle(status, &info, sent, org_limit);
        // A concurrency 429's headers are the concurrent values, not the bucket's: kept from its state, here and in
        // the shared store.
        let report = match throttle {
            Some(Throttle::Concurrency) => None,
            _ => bucket_report(&info, throttle.is_some()),
        };
        if let Some(report) = report {
            if let Some(limit) = b.record(report, permit.sent, received) {
                tracing::debug!(
                    bucket = permit.bucket,
                    concurrency_limit = limit,
                    "okta rate limit: an earlier 429 was the org's concurrency answer; its limit is the org's concurrency limit"
                );
                state.concurrency.org_limit = Some(limit);
            }
        }
        if throttle == Some(Throttle::Concurrency) {
            if let Some(limit) = info.limit.filter(|l| *l > 0) {
                state.concurrency.org_limit = Some(limit);
            }
            if permit.in_flight_at_send > 0 {
                state.concurrency.learn(permit.sent, Instant::now());
            }
        }
        drop(state);
        let lease = permit.lease.take().map(|lease| (permit.bucket, lease, report));
        self.changed.notify_waiters();
        (throttle, lease)
    }

    /// The request of a permit ended without a response; `counted`: it was in flight.
    fn finish(&self, bucket: &'static str, counted: bool) {
        let mut state = lock(&self.state);
        if counted {
            state.concurrency.leave();
        }
        if let Some(b) = state.buckets.get_mut(bucket) {
            b.end_request();
        }
        drop(state);
        self.changed.notify_waiters();
    }

    /// How long until the server's clock reaches `reset` (epoch seconds), from the `Date`s seen so far.
    pub fn until(&self, reset: u64) -> Option<Duration> {
        let at = lock(&self.state).clock.local_instant_of(reset)?;
        Some(at.saturating_duration_since(Instant::now()))
    }

    /// Whether [`acquire`](Self::acquire) of `bucket` will wait for the window resetting at `reset`: pacing is on,
    /// the bucket is known to be used up until then, and that reset can be placed on our clock.
    pub fn waits_for_reset(&self, bucket: &str, reset: Option<u64>) -> bool {
        let Some(reset) = reset else { return false };
        let state = lock(&self.state);
        let used_up = state.buckets.get(bucket).is_some_and(|b| b.reset == Some(reset) && b.snapshot().remaining == 0);
        self.policy.pacing && used_up && state.clock.local_instant_of(reset).is_some()
    }

    /// A snapshot of a bucket: limit, least remaining, reset (epoch seconds) and requests in flight.
    pub fn bucket(&self, bucket: &str) -> Option<BucketSnapshot> {
        lock(&self.state).buckets.get(bucket).map(Bucket::snapshot)
    }
}

/// A random duration from zero to `max`, both included.
pub(crate) fn random_up_to(max: Duration) -> Duration {
    use rand::Rng;
    let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    Duration::from_nanos(rand::rng().random_range(0..=nanos))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use http::HeaderValue;

    pub(super) const EPOCH: u64 = 1_800_000_000;

    /// Headers of a response at `now` (server epoch seconds).
    pub(super) fn headers(limit: u64, remaining: u64, reset: u64, now: u64) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-limit", HeaderValue::from(limit));
        h.insert("x-rate-limit-remaining", HeaderValue::from(remaining));
        h.insert("x-rate-limit-reset", HeaderValue::from(reset));
        let date = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(now));
        h.insert(http::header::DATE, HeaderValue::from_str(&date).unwrap());
        h
    }

    pub(super) fn limiter(policy: RateLimitPolicy) -> RateLimiter {
        RateLimiter::new(policy, Duration::ZERO)
    }

    /// What `l` makes of the answer to a request of bucket `b` sent now: `status` with `headers`.
    pub(super) async fn answered(l: &RateLimiter, status: StatusCode, headers: &HeaderMap) -> Option<Throttle> {
        let p = l.acquire("b", None).await.unwrap();
        l.observe(p, status, headers)
    }

    #[tokio::test(start_paused = true)]
    async fn a_used_up_bucket_is_waited_for_until_its_reset() {
        let l = limiter(RateLimitPolicy::default());
        assert_eq!(
            answered(&l, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 5, EPOCH)).await,
            Some(Throttle::Bucket)
        );
        let started = Instant::now();
        let p = l.acquire("b", None).await.unwrap();
        // The server's clock was at EPOCH (at least) when the response arrived: 5 s to go, at most.
        assert_eq!(started.elapsed(), Duration::from_secs(5));
        drop(p);
        // After the reset the whole limit is assumed, until a response says otherwise.
        let snapshot = l.bucket("b").unwrap();
        assert_eq!((snapshot.remaining, snapshot.reset, snapshot.in_flight), (10, None, 0));
    }

    #[tokio::test(start_paused = true)]
    async fn requests_in_flight_count_against_the_room_left() {
        let l = limiter(RateLimitPolicy::default());
        answered(&l, StatusCode::OK, &headers(10, 2, EPOCH + 60, EPOCH)).await;
        let a = l.acquire("b", None).await.unwrap();
        let b = l.acquire("b", None).await.unwrap();
        // Two left, two in flight: the third waits for a response, not for the reset.
        let third = tokio::time::timeout(Duration::from_millis(10), l.acquire("b", None)).await;
        assert!(third.is_err(), "admitted past the room left");
        // A response that shows room (another integration's requests ended, or a new window) lets it go.
        l.observe(a, StatusCode::OK, &headers(10, 5, EPOCH + 60, EPOCH));
        let c = tokio::time::timeout(Duration::from_millis(10), l.acquire("b", None)).await;
        assert!(c.is_ok(), "a response with room admits the waiting request");
        drop(b);
    }

    #[tokio::test(start_paused = true)]
    async fn the_share_left_to_others_is_not_used() {
        let l = limiter(RateLimitPolicy::default().with_max_capacity_percent(50));
        answered(&l, StatusCode::OK, &headers(10, 6, EPOCH + 30, EPOCH)).await;
        answered(&l, StatusCode::OK, &headers(10, 5, EPOCH + 30, EPOCH)).await;
        // 5 left of 10, 5 reserved: wait for the reset.
        let started = Instant::now();
        drop(l.acquire("b", None).await.unwrap());
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        assert_eq!(RateLimitPolicy::default().with_max_capacity_percent(0).max_capacity_percent, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_that_gives_up_leaves_the_count_of_waiters() {
        let l = limiter(RateLimitPolicy::default());
        answered(&l, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 60, EPOCH)).await;
        let gave_up = tokio::time::timeout(Duration::from_secs(1), l.acquire("b", None)).await;
        assert!(gave_up.is_err());
        assert_eq!(l.bucket("b").unwrap().waiting, 0);
        // A waiter that waits it out leaves the count too.
        drop(l.acquire("b", None).await.unwrap());
        assert_eq!(l.bucket("b").unwrap().waiting, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn without_pacing_nothing_waits() {
        let l = limiter(RateLimitPolicy::default().with_pacing(false));
        answered(&l, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 60, EPOCH)).await;
        let started = Instant::now();
        drop(l.acquire("b", None).await.unwrap());
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_deadline_is_refused_at_once() {
        let l = limiter(RateLimitPolicy::default());
        answered(&l, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 60, EPOCH)).await;
        let started = Instant::now();
        let refused = l.acquire("b", Some(Instant::now() + Duration::from_secs(10))).await.unwrap_err();
        assert_eq!(started.elapsed(), Duration::ZERO);
        assert_eq!(refused.wait, Duration::from_secs(60));
        assert_eq!(refused.reset_at, SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(EPOCH + 60)));
    }
}
