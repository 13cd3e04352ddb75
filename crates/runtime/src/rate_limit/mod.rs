//! Rate limits as Okta defines them: per-bucket windows, paced from the headers of every response, and the org's
//! limit of requests in flight.
//!
//! Okta counts requests per *bucket* (an endpoint: a method and a path template) per window, and reports the
//! bucket's `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` (epoch seconds, the server's clock) on every response.
//! A [`RateLimiter`] keeps that state per bucket for one client and all its clones, and [`RateLimiter::acquire`]
//! delays a request that would exceed what is left (minus the requests already in flight, and minus the share of
//! the bucket the [`RateLimitPolicy`] leaves to other integrations) until the window resets. Reset times are placed
//! on the local clock through the responses' `Date` headers ([`server_clock`]), so a wait ends when the server's
//! window has reset, not a rounded second later.
//!
//! Separately, Okta limits the requests an org has in flight; a request over it is answered `429` with
//! `X-Rate-Limit-Limit: 0`. [`RateLimitPolicy::max_concurrency`] caps this client's requests in flight so that
//! does not happen, and the retry layer tells such a `429` (or one that comes while the bucket still had room)
//! from a bucket's: it is retried after a short backoff, not at the window's reset.
//!
//! Every wait goes through `tokio::time`, so tests run it on tokio's paused clock and a minute-long window costs
//! no real time.

pub mod headers;
mod server_clock;

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

pub use headers::{RateLimitInfo, parse_rate_limit};
use server_clock::ServerClock;

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

    /// The part of a bucket of `limit` requests left to others.
    fn reserved(&self, limit: u64) -> u64 {
        let percent = u64::from(self.max_capacity_percent.clamp(1, 100));
        // Our share rounds down, so what is left to others rounds up.
        limit - limit.saturating_mul(percent) / 100
    }
}

/// What is known of one bucket's current window.
#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    /// `X-Rate-Limit-Limit` of the window, once any response reported it.
    limit: Option<u64>,
    /// The least `X-Rate-Limit-Remaining` reported in the window.
    remaining: u64,
    /// When the window resets (server epoch seconds); `None` once a window has reset and no response of the new
    /// one has been seen (`remaining` is then assumed to be the whole limit).
    reset: Option<u64>,
    /// Requests sent and not answered yet.
    in_flight: u64,
    /// Tasks waiting for this bucket.
    waiting: u64,
    /// When the last response that set this state arrived.
    updated: Option<Instant>,
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
    /// Too many requests in flight (`X-Rate-Limit-Limit: 0`, or the bucket had room when the request was sent):
    /// retry after a short backoff.
    Concurrency,
}

/// What [`RateLimiter::decide`] found.
enum Decision<'a> {
    Admit { window: Option<u64>, had_room: bool },
    Wait { wake: Option<Instant>, notified: tokio::sync::futures::Notified<'a> },
    TooLate(PacingTimeout),
}

/// The rate-limit state of one client and all its clones: per-bucket windows, the server's clock, the cap on
/// requests in flight. See the [module documentation](self).
#[derive(Debug)]
pub struct RateLimiter {
    policy: RateLimitPolicy,
    state: Mutex<State>,
    /// Woken whenever a bucket's state changes (a response arrived, a request ended).
    changed: Notify,
    slots: Option<Arc<Semaphore>>,
    /// Upper bound of the random delay added when several tasks wait for the same reset.
    jitter: Duration,
}

#[derive(Debug)]
struct State {
    clock: ServerClock,
    buckets: HashMap<&'static str, Bucket>,
}

/// A request's place in its bucket (and its slot under the concurrency cap), from [`RateLimiter::acquire`] until
/// its response is [observed](RateLimiter::observe) or the permit is dropped.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a RateLimiter,
    bucket: &'static str,
    /// The window the request was counted against, and whether it had room in it.
    window: Option<u64>,
    had_room: bool,
    sent: Instant,
    _slot: Option<OwnedSemaphorePermit>,
    open: bool,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.open {
            self.limiter.finish(self.bucket);
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
            state: Mutex::new(State { clock: ServerClock::new(Instant::now()), buckets: HashMap::new() }),
            changed: Notify::new(),
            slots,
            jitter,
        }
    }

    /// The policy this limiter follows.
    pub fn policy(&self) -> &RateLimitPolicy {
        &self.policy
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is plain numbers, consistent after every statement: a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until `bucket` has room for one more request (when pacing) and a slot is free under the concurrency
    /// cap, then counts the request in. Fails, without waiting, when the wait would end past `deadline`.
    pub async fn acquire(
        &self,
        bucket: &'static str,
        deadline: Option<Instant>,
    ) -> Result<Permit<'_>, PacingTimeout> {
        let mut jitter = None;
        loop {
            let (wake, notified) = match self.decide(bucket, deadline, &mut jitter) {
                Decision::Admit { window, had_room } => return Ok(self.admitted(bucket, window, had_room).await),
                Decision::TooLate(timeout) => return Err(timeout),
                Decision::Wait { wake, notified } => (wake, notified),
            };
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
            let mut state = self.lock();
            let b = state.buckets.entry(bucket).or_default();
            b.waiting = b.waiting.saturating_sub(1);
            if deadline.is_some_and(|d| Instant::now() >= d) {
                let reset_at = b.reset.and_then(|r| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(r)));
                return Err(PacingTimeout { reset_at, wait: Duration::ZERO });
            }
        }
    }

    /// Whether a request of `bucket` may go now; if not, what to wait for. Counts an admitted request in.
    fn decide(&self, bucket: &'static str, deadline: Option<Instant>, jitter: &mut Option<Duration>) -> Decision<'_> {
        let mut state = self.lock();
        let now = Instant::now();
        let clock = state.clock;
        let b = state.buckets.entry(bucket).or_default();
        // A window whose reset has passed on the server's clock: the whole limit is available again.
        if let (Some(reset), Some(server_now)) = (b.reset, clock.server_now_nanos(now)) {
            if server_now >= i128::from(reset).saturating_mul(1_000_000_000) {
                b.reset = None;
                b.remaining = b.limit.unwrap_or(0);
            }
        }
        // What this client may still use of the window (its share), and of that what is not in flight.
        let usable = b.limit.map(|limit| b.remaining.saturating_sub(self.policy.reserved(limit)));
        let room = usable.map(|u| u.saturating_sub(b.in_flight));
        // A used-up window is waited for until its reset, when that can be placed on our clock; a window whose
        // room is all in flight, until one of those requests ends.
        let reset_at = b.reset.and_then(|r| clock.local_instant_of(r));
        let wait = match (room, usable) {
            (Some(0), Some(0)) => reset_at.is_some(),
            (Some(0), Some(_)) => true,
            _ => false,
        };
        if !self.policy.pacing || !wait {
            b.in_flight += 1;
            return Decision::Admit { window: b.reset, had_room: room.is_some_and(|r| r > 0) };
        }
        let mut wake = if usable == Some(0) { reset_at } else { None };
        if let Some(at) = wake.as_mut() {
            // Several tasks waking at the same reset are spread a little; a lone waiter wakes on time.
            if b.waiting > 0 || jitter.is_some() {
                *at += *jitter.get_or_insert_with(|| random_up_to(self.jitter));
            }
        }
        if let (Some(at), Some(deadline)) = (wake, deadline) {
            if at > deadline {
                let reset_at = b.reset.and_then(|r| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(r)));
                return Decision::TooLate(PacingTimeout { reset_at, wait: at.saturating_duration_since(now) });
            }
        }
        b.waiting += 1;
        Decision::Wait { wake, notified: self.changed.notified() }
    }

    async fn admitted(&self, bucket: &'static str, window: Option<u64>, had_room: bool) -> Permit<'_> {
        let mut permit = Permit { limiter: self, bucket, window, had_room, sent: Instant::now(), _slot: None, open: true };
        if let Some(slots) = &self.slots {
            // The semaphore is never closed, so acquiring cannot fail; without a slot the request goes uncapped.
            permit._slot = slots.clone().acquire_owned().await.ok();
            permit.sent = Instant::now();
        }
        permit
    }

    /// Takes in the headers of the response to `permit`'s request (any status, a `429` included) and ends the
    /// permit. Returns what a `429` was, judged against the bucket as it stood when the request was sent.
    pub fn observe(&self, mut permit: Permit<'_>, headers: &HeaderMap) -> Throttle {
        permit.open = false;
        let info = parse_rate_limit(headers);
        let received = Instant::now();
        let mut state = self.lock();
        if let Some(date) = info.date {
            state.clock.observe(date, permit.sent, received);
        }
        let b = state.buckets.entry(permit.bucket).or_default();
        b.in_flight = b.in_flight.saturating_sub(1);
        let concurrency = info.is_concurrency_limit();
        if let (false, Some(limit), Some(remaining), Some(reset)) = (concurrency, info.limit, info.remaining, info.reset)
        {
            // A request sent after the state was last set has the newest word; one that overlapped others is
            // merged: the least remaining of a window, or a later window.
            let newest = b.updated.is_none_or(|updated| permit.sent >= updated);
            match b.reset {
                Some(current) if !newest && reset < current => {} // a response of an older window
                Some(current) if !newest && reset == current => b.remaining = b.remaining.min(remaining),
                _ => {
                    b.limit = Some(limit);
                    b.remaining = remaining;
                    b.reset = Some(reset);
                }
            }
            b.updated = Some(received);
        }
        drop(state);
        self.changed.notify_waiters();
        let same_window = info.reset.is_some() && info.reset == permit.window;
        if concurrency || (permit.had_room && same_window) { Throttle::Concurrency } else { Throttle::Bucket }
    }

    /// The request of a permit ended without a response.
    fn finish(&self, bucket: &'static str) {
        let mut state = self.lock();
        if let Some(b) = state.buckets.get_mut(bucket) {
            b.in_flight = b.in_flight.saturating_sub(1);
        }
        drop(state);
        self.changed.notify_waiters();
    }

    /// Whether the server's clock is known (a `Date` was seen), so that a reset can be waited for exactly.
    pub fn knows_server_time(&self) -> bool {
        self.lock().clock.server_now_nanos(Instant::now()).is_some()
    }

    /// How long until the server's clock reaches `reset` (epoch seconds), from the `Date`s seen so far.
    pub fn until(&self, reset: u64) -> Option<Duration> {
        let at = self.lock().clock.local_instant_of(reset)?;
        Some(at.saturating_duration_since(Instant::now()))
    }

    /// A snapshot of a bucket: limit, least remaining, reset (epoch seconds) and requests in flight.
    pub fn bucket(&self, bucket: &str) -> Option<BucketSnapshot> {
        let state = self.lock();
        let b = state.buckets.get(bucket)?;
        Some(BucketSnapshot {
            limit: b.limit,
            remaining: b.remaining,
            reset: b.reset,
            in_flight: b.in_flight,
            waiting: b.waiting,
        })
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

pub(crate) fn random_up_to(max: Duration) -> Duration {
    use rand::Rng;
    let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    Duration::from_nanos(rand::rng().random_range(0..=nanos))
}
