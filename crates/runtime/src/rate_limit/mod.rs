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
//! Separately, Okta limits the requests an org has in flight; a request over it is answered `429` with
//! `X-Rate-Limit-Limit: 0`. [`RateLimitPolicy::max_concurrency`] caps this client's requests in flight so that
//! does not happen, and the retry layer tells such a `429` (or one that comes while the bucket still had room)
//! from a bucket's: it is retried after a short backoff, not at the window's reset.
//!
//! Every wait goes through `tokio::time`, so tests run it on tokio's paused clock and a minute-long window costs
//! no real time.

pub mod headers;
#[cfg(feature = "redis")]
mod redis_store;
mod server_clock;
mod store;

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

pub use headers::{RateLimitInfo, parse_rate_limit};
#[cfg(feature = "redis")]
pub use redis_store::RedisRateLimitStore;
use server_clock::ServerClock;
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

    /// The part of a bucket of `limit` requests left to others.
    fn reserved(&self, limit: u64) -> u64 {
        reserved(limit, self.max_capacity_percent)
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
    /// The budget shared with other clients (other processes through Redis), when there is one.
    shared: Option<Shared>,
}

/// A [`RateLimitStore`] and what this limiter asks it under.
#[derive(Debug)]
struct Shared {
    store: Arc<dyn RateLimitStore>,
    /// The org's host: buckets are `<host> <bucket>` in the store.
    scope: String,
    /// Whether the store's last answer was an error (a warning is logged when it stops answering, not at every
    /// request).
    failing: std::sync::atomic::AtomicBool,
}

/// How long a lease of a shared bucket holds if its client never gives it back (it crashed).
const SHARED_LEASE_TTL: Duration = Duration::from_secs(60);
/// The longest wait between two asks for a lease while the shared room is in flight.
const SHARED_POLL_MAX: Duration = Duration::from_millis(100);

#[derive(Debug)]
struct State {
    clock: ServerClock,
    buckets: HashMap<&'static str, Bucket>,
    /// Requests of the client sent and not answered, every bucket together.
    in_flight: usize,
    /// What the org's concurrency `429`s taught: how many requests were in flight before the last one, and when.
    learned: Option<Learned>,
}

/// What the org's concurrency `429`s taught.
#[derive(Debug, Clone, Copy)]
struct Learned {
    /// Requests in flight the org had room for when its last `429` came.
    cap: usize,
    /// When the cap stopped growing (the last `429`); it grows by one a second from there.
    since: Instant,
    /// When the cap was last lowered: a `429` to a request sent before then tells nothing new.
    lowered: Instant,
}

impl State {
    /// The most requests in flight the org's concurrency limit has shown room for: what was in flight when its
    /// last `429` came, plus one per second since (probing for room freed by other integrations).
    fn learned_cap(&self, now: Instant) -> Option<usize> {
        let learned = self.learned?;
        let grown = usize::try_from(now.saturating_duration_since(learned.since).as_secs()).unwrap_or(usize::MAX);
        Some(learned.cap.saturating_add(grown))
    }
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
    /// Requests of the client in flight when this one was sent, itself included (0 until it is).
    in_flight_at_send: usize,
    open: bool,
    /// The lease of the shared bucket, when the limiter has a store and it answered.
    lease: Option<Lease>,
}

/// A task waiting for room in a bucket; leaves the bucket's count of waiters when dropped.
struct Waiter<'a> {
    limiter: &'a RateLimiter,
    bucket: &'static str,
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        if let Some(b) = self.limiter.lock().buckets.get_mut(self.bucket) {
            b.waiting = b.waiting.saturating_sub(1);
        }
    }
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
                in_flight: 0,
                learned: None,
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
        self.shared =
            Some(Shared { store, scope: org_host.to_owned(), failing: std::sync::atomic::AtomicBool::new(false) });
        self
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
    pub async fn acquire(&self, bucket: &'static str, deadline: Option<Instant>) -> Result<Permit<'_>, PacingTimeout> {
        let mut jitter = None;
        loop {
            let (wake, notified) = match self.decide(bucket, deadline, &mut jitter) {
                Decision::Admit { window, had_room } => {
                    let mut permit = self.admitted(bucket, window, had_room).await;
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
                    wait_ms =
                        u64::try_from(at.saturating_duration_since(Instant::now()).as_millis()).unwrap_or(u64::MAX),
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
                let reset = self.lock().buckets.get(bucket).and_then(|b| b.reset);
                let reset_at = reset.and_then(|r| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(r)));
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

    /// Waits for a lease of `permit`'s bucket in the shared store (the other clients' requests in flight and what
    /// Okta told them count too). A store that does not answer lets the request go, paced by this limiter alone
    /// (the store fails fast: the Redis one leaves Redis alone for a second after a failure).
    async fn acquire_shared(&self, permit: &mut Permit<'_>, deadline: Option<Instant>) -> Result<(), PacingTimeout> {
        let Some(shared) = &self.shared else { return Ok(()) };
        let key = format!("{} {}", shared.scope, permit.bucket);
        let mut poll = Duration::from_millis(5);
        loop {
            let request = LeaseRequest {
                bucket: &key,
                server_now: self.server_now_secs(),
                max_capacity_percent: self.policy.max_capacity_percent,
                max_concurrency: self.policy.max_concurrency.map(|n| u32::try_from(n.get()).unwrap_or(u32::MAX)),
                lease_ttl: SHARED_LEASE_TTL,
            };
            let decision = shared.store.acquire(request).await;
            let wait = match decision {
                Ok(LeaseDecision::Granted(lease)) => {
                    shared.answered();
                    permit.lease = Some(lease);
                    permit.sent = Instant::now();
                    return Ok(());
                }
                Err(e) => {
                    shared.unanswered(&e);
                    return Ok(());
                }
                Ok(LeaseDecision::WaitForReset { reset }) => {
                    shared.answered();
                    let until = self
                        .until(reset)
                        .unwrap_or_else(|| Duration::from_secs(reset.saturating_sub(self.server_now_secs()).max(1)));
                    let wait = until + random_up_to(self.jitter);
                    tracing::debug!(
                        bucket = permit.bucket,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "okta rate limit: the shared bucket is used up; waiting for its window to reset"
                    );
                    wait
                }
                Ok(_) => {
                    shared.answered();
                    // Another client's request will end: ask again soon, less often the longer it takes.
                    let wait = poll + random_up_to(poll);
                    poll = (poll * 2).min(SHARED_POLL_MAX);
                    wait
                }
            };
            let wake = Instant::now() + wait;
            if let Some(deadline) = deadline {
                if wake > deadline {
                    let reset = match decision {
                        Ok(LeaseDecision::WaitForReset { reset }) => Some(reset),
                        _ => None,
                    };
                    let reset_at = reset.and_then(|r| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(r)));
                    return Err(PacingTimeout { reset_at, wait });
                }
            }
            tokio::time::sleep_until(wake).await;
        }
    }

    /// The org's clock now, in epoch seconds: from the responses' `Date`s, else this machine's clock.
    fn server_now_secs(&self) -> u64 {
        let from_dates = self.lock().clock.server_now_nanos(Instant::now());
        match from_dates {
            Some(nanos) => u64::try_from(nanos / 1_000_000_000).unwrap_or(0),
            None => SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        }
    }

    /// Gives a lease back to the shared store with what the response reported. The in-memory store answers at
    /// once; another's answer is awaited on a task of its own, so that no caller waits for it.
    fn complete_shared(&self, bucket: &'static str, lease: Lease, report: Option<BucketReport>) {
        let Some(shared) = &self.shared else { return };
        let key = format!("{} {bucket}", shared.scope);
        let store = shared.store.clone();
        let mut completion = Box::pin(async move { store.complete(&key, &lease, report).await });
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match std::future::Future::poll(completion.as_mut(), &mut cx) {
            std::task::Poll::Ready(result) => shared.note(result),
            std::task::Poll::Pending => {
                // Without a runtime (a permit dropped at shutdown) the lease lapses on its own in the store.
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(async move {
                        if let Err(e) = completion.await {
                            tracing::debug!(problem = %e.0, "okta rate limit: a lease could not be given back");
                        }
                    });
                }
            }
        }
    }

    async fn admitted(&self, bucket: &'static str, window: Option<u64>, had_room: bool) -> Permit<'_> {
        let mut permit = Permit {
            limiter: self,
            bucket,
            window,
            had_room,
            sent: Instant::now(),
            _slot: None,
            in_flight_at_send: 0,
            open: true,
            lease: None,
        };
        if let Some(slots) = &self.slots {
            // The semaphore is never closed, so acquiring cannot fail; without a slot the request goes uncapped.
            permit._slot = slots.clone().acquire_owned().await.ok();
        }
        // Below what the org's concurrency 429s have shown room for.
        loop {
            let (wake, notified) = {
                let mut state = self.lock();
                let now = Instant::now();
                match state.learned_cap(now) {
                    Some(cap) if state.in_flight >= cap => {
                        // Woken by a request ending, or by the cap growing at the next whole second.
                        let since = state.learned.map_or(now, |l| l.since);
                        let elapsed = now.saturating_duration_since(since).as_secs();
                        (since + Duration::from_secs(elapsed + 1), self.changed.notified())
                    }
                    _ => {
                        state.in_flight += 1;
                        permit.in_flight_at_send = state.in_flight;
                        break;
                    }
                }
            };
            tokio::select! {
                () = tokio::time::sleep_until(wake) => {}
                () = notified => {}
            }
        }
        permit.sent = Instant::now();
        permit
    }

    /// Takes in the response to `permit`'s request (any status, a `429` included) and ends the permit. For a
    /// `429`, returns what it was, judged against the bucket as it stood when the request was sent (and a
    /// concurrency `429` holds the client to the requests in flight then); `None` for any other status.
    pub fn observe(&self, mut permit: Permit<'_>, status: StatusCode, headers: &HeaderMap) -> Option<Throttle> {
        permit.open = false;
        let info = parse_rate_limit(headers);
        if let Some(lease) = permit.lease.take() {
            let report = match (info.is_concurrency_limit(), info.limit, info.remaining, info.reset) {
                (false, Some(limit), Some(remaining), Some(reset)) => Some(BucketReport { limit, remaining, reset }),
                _ => None,
            };
            self.complete_shared(permit.bucket, lease, report);
        }
        let received = Instant::now();
        let mut state = self.lock();
        if let Some(date) = info.date {
            state.clock.observe(date, permit.sent, received);
        }
        if permit.in_flight_at_send > 0 {
            state.in_flight = state.in_flight.saturating_sub(1);
        }
        let b = state.buckets.entry(permit.bucket).or_default();
        b.in_flight = b.in_flight.saturating_sub(1);
        let concurrency = info.is_concurrency_limit();
        if let (false, Some(limit), Some(remaining), Some(reset)) =
            (concurrency, info.limit, info.remaining, info.reset)
        {
            // Within a window, `Remaining` only goes down: the least reported is kept, whatever order responses
            // arrive in. A later reset is a new window. An earlier one is believed only from a request sent after
            // the state was last set (the org has changed its mind, e.g. a 429 whose reset has since passed).
            let newest = b.updated.is_none_or(|updated| permit.sent > updated);
            match b.reset {
                Some(current) if reset == current => b.remaining = b.remaining.min(remaining),
                Some(current) if reset < current && !newest => {}
                _ => {
                    b.limit = Some(limit);
                    b.remaining = remaining;
                    b.reset = Some(reset);
                }
            }
            b.updated = Some(received);
        }
        let same_window = info.reset.is_some() && info.reset == permit.window;
        let kind =
            if concurrency || (permit.had_room && same_window) { Throttle::Concurrency } else { Throttle::Bucket };
        let throttle = (status == StatusCode::TOO_MANY_REQUESTS).then_some(kind);
        if throttle == Some(Throttle::Concurrency) && permit.in_flight_at_send > 0 {
            // The org had no room for this request while the client's others were in flight: send no more than
            // those at once (at most halving the cap at a time, as some of them may be refused too), until the cap
            // grows back. A 429 to a request sent before the cap was last lowered tells nothing new.
            let now = Instant::now();
            let others = state.in_flight.max(1);
            let current = state.learned_cap(now);
            let learned = match state.learned {
                Some(l) if permit.sent <= l.lowered => Learned { cap: current.unwrap_or(l.cap), since: now, ..l },
                _ => {
                    let cap = current.map_or(others, |c| c.min(others.max(c.div_ceil(2))));
                    Learned { cap, since: now, lowered: now }
                }
            };
            state.learned = Some(learned);
            if current.is_none_or(|c| learned.cap < c) {
                tracing::debug!(
                    cap = learned.cap,
                    "okta concurrency limit met; holding this client to that many requests in flight"
                );
            }
        }
        drop(state);
        self.changed.notify_waiters();
        throttle
    }

    /// The request of a permit ended without a response.
    fn finish(&self, bucket: &'static str, counted: bool) {
        let mut state = self.lock();
        if counted {
            state.in_flight = state.in_flight.saturating_sub(1);
        }
        if let Some(b) = state.buckets.get_mut(bucket) {
            b.in_flight = b.in_flight.saturating_sub(1);
        }
        drop(state);
        self.changed.notify_waiters();
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

impl Shared {
    fn answered(&self) {
        if self.failing.swap(false, std::sync::atomic::Ordering::Relaxed) {
            tracing::info!("the shared rate-limit store answers again: the budget is shared again");
        }
    }

    fn unanswered(&self, error: &StoreError) {
        if !self.failing.swap(true, std::sync::atomic::Ordering::Relaxed) {
            tracing::warn!(
                problem = %error.0,
                "the shared rate-limit store does not answer: this client paces on its own until it does"
            );
        }
    }

    fn note(&self, result: Result<(), StoreError>) {
        match result {
            Ok(()) => self.answered(),
            Err(e) => self.unanswered(&e),
        }
    }
}

/// The part of a bucket of `limit` requests left to others when `percent` of it may be used (the policy's and the
/// shared stores' rule).
pub(crate) fn reserved(limit: u64, percent: u8) -> u64 {
    let percent = u64::from(percent.clamp(1, 100));
    // Our share rounds down, so what is left to others rounds up.
    limit - limit.saturating_mul(percent) / 100
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const EPOCH: u64 = 1_800_000_000;

    /// Headers of a response at `now` (server epoch seconds).
    fn headers(limit: u64, remaining: u64, reset: u64, now: u64) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-limit", HeaderValue::from(limit));
        h.insert("x-rate-limit-remaining", HeaderValue::from(remaining));
        h.insert("x-rate-limit-reset", HeaderValue::from(reset));
        let date = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(now));
        h.insert(http::header::DATE, HeaderValue::from_str(&date).unwrap());
        h
    }

    /// Okta's answer over the concurrency limit (`X-Rate-Limit-Limit: 0`) to `p`'s request.
    fn refused(l: &RateLimiter, p: Permit<'_>) {
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-limit", HeaderValue::from(0));
        assert_eq!(l.observe(p, StatusCode::TOO_MANY_REQUESTS, &h), Some(Throttle::Concurrency));
    }

    /// The concurrency cap learned so far.
    fn cap(l: &RateLimiter) -> usize {
        l.lock().learned_cap(Instant::now()).unwrap()
    }

    fn limiter(policy: RateLimitPolicy) -> RateLimiter {
        RateLimiter::new(policy, Duration::ZERO)
    }

    #[tokio::test(start_paused = true)]
    async fn a_used_up_bucket_is_waited_for_until_its_reset() {
        let l = limiter(RateLimitPolicy::default());
        let p = l.acquire("b", None).await.unwrap();
        assert_eq!(
            l.observe(p, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 5, EPOCH)),
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
        let first = l.acquire("b", None).await.unwrap();
        l.observe(first, StatusCode::OK, &headers(10, 2, EPOCH + 60, EPOCH));
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
        let p = l.acquire("b", None).await.unwrap();
        l.observe(p, StatusCode::OK, &headers(10, 6, EPOCH + 30, EPOCH));
        let p = l.acquire("b", None).await.unwrap();
        l.observe(p, StatusCode::OK, &headers(10, 5, EPOCH + 30, EPOCH));
        // 5 left of 10, 5 reserved: wait for the reset.
        let started = Instant::now();
        drop(l.acquire("b", None).await.unwrap());
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        assert_eq!(RateLimitPolicy::default().with_max_capacity_percent(0).max_capacity_percent, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_that_gives_up_leaves_the_count_of_waiters() {
        let l = limiter(RateLimitPolicy::default());
        let p = l.acquire("b", None).await.unwrap();
        l.observe(p, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 60, EPOCH));
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
        let p = l.acquire("b", None).await.unwrap();
        l.observe(p, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 60, EPOCH));
        let started = Instant::now();
        drop(l.acquire("b", None).await.unwrap());
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_deadline_is_refused_at_once() {
        let l = limiter(RateLimitPolicy::default());
        let p = l.acquire("b", None).await.unwrap();
        l.observe(p, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 60, EPOCH));
        let started = Instant::now();
        let refused = l.acquire("b", Some(Instant::now() + Duration::from_secs(10))).await.unwrap_err();
        assert_eq!(started.elapsed(), Duration::ZERO);
        assert_eq!(refused.wait, Duration::from_secs(60));
        assert_eq!(refused.reset_at, SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(EPOCH + 60)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_is_concurrency_when_the_org_says_so_or_the_bucket_had_room() {
        let l = limiter(RateLimitPolicy::default());
        let p = l.acquire("b", None).await.unwrap();
        l.observe(p, StatusCode::OK, &headers(10, 8, EPOCH + 60, EPOCH));
        // Okta's concurrency answer: limit 0.
        let p = l.acquire("b", None).await.unwrap();
        assert_eq!(
            l.observe(p, StatusCode::TOO_MANY_REQUESTS, &headers(0, 0, EPOCH + 60, EPOCH)),
            Some(Throttle::Concurrency)
        );
        // The bucket's own window, which had 8 left when the request was sent.
        let p = l.acquire("b", None).await.unwrap();
        assert_eq!(
            l.observe(p, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 60, EPOCH)),
            Some(Throttle::Concurrency)
        );
        // A 429 of a window the client did not know of: the bucket's.
        let other = limiter(RateLimitPolicy::default());
        let p = other.acquire("b", None).await.unwrap();
        assert_eq!(
            other.observe(p, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 60, EPOCH)),
            Some(Throttle::Bucket)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_concurrency_cap_holds_and_a_dropped_permit_frees_its_slot() {
        let l = limiter(RateLimitPolicy::default().with_max_concurrency(2));
        let a = l.acquire("b", None).await.unwrap();
        let b = l.acquire("c", None).await.unwrap();
        assert!(tokio::time::timeout(Duration::from_millis(10), l.acquire("d", None)).await.is_err());
        // A request cancelled without a response (its permit dropped) frees its slot and its bucket count.
        drop(a);
        assert_eq!(l.bucket("b").unwrap().in_flight, 0);
        let c = tokio::time::timeout(Duration::from_millis(10), l.acquire("d", None)).await;
        assert!(c.is_ok());
        drop(b);
    }

    #[tokio::test(start_paused = true)]
    async fn a_concurrency_429_holds_the_client_to_what_was_in_flight_then_the_cap_grows_back() {
        let l = limiter(RateLimitPolicy::default());
        let mut permits = Vec::new();
        for bucket in ["a", "b", "c", "d"] {
            permits.push(l.acquire(bucket, None).await.unwrap());
        }
        // The fourth was refused with three in flight: three at once from now on.
        refused(&l, permits.pop().unwrap());
        assert!(tokio::time::timeout(Duration::from_millis(100), l.acquire("e", None)).await.is_err());
        // One ends: one more may go.
        drop(permits.pop());
        let e = tokio::time::timeout(Duration::from_millis(100), l.acquire("e", None)).await.unwrap().unwrap();
        // A second later the cap has grown by one, with no 429 since.
        tokio::time::advance(Duration::from_secs(1)).await;
        let f = tokio::time::timeout(Duration::from_millis(100), l.acquire("f", None)).await;
        assert!(f.is_ok(), "the cap grows back by one a second");
        drop((e, f, permits));
    }

    #[tokio::test(start_paused = true)]
    async fn one_burst_lowers_the_cap_once_and_no_lowering_more_than_halves_it() {
        let l = limiter(RateLimitPolicy::default());
        let mut burst = Vec::new();
        for _ in 0..8 {
            burst.push(l.acquire("b", None).await.unwrap());
        }
        // Two of the burst refused: the first 429 says 7 fit at most; the second, to a request sent before that
        // lowering, says nothing new (it was refused while the first was still in flight).
        refused(&l, burst.pop().unwrap());
        assert_eq!(cap(&l), 7);
        refused(&l, burst.pop().unwrap());
        assert_eq!(cap(&l), 7);
        burst.clear();
        // A request sent after the lowering and refused with 5 others in flight: 6 at most... but never below
        // half the cap in one step.
        tokio::time::advance(Duration::from_millis(10)).await;
        let mut later = Vec::new();
        for _ in 0..6 {
            later.push(l.acquire("b", None).await.unwrap());
        }
        refused(&l, later.pop().unwrap());
        assert_eq!(cap(&l), 5);
        later.truncate(1);
        tokio::time::advance(Duration::from_millis(10)).await;
        let lone = l.acquire("b", None).await.unwrap();
        refused(&l, lone);
        assert_eq!(cap(&l), 3, "5 halved, rounded up, not the 1 other in flight");
    }
}
