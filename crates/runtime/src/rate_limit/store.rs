//! A rate-limit budget shared by several clients: the [`RateLimitStore`] trait, and its in-memory store
//! [`InMemoryRateLimitStore`] (clients of one process). The Redis store, shared by processes, is in
//! `redis_store.rs` (feature `redis`).
//!
//! Each client still paces itself ([`RateLimiter`](super::RateLimiter)); a store adds what one client cannot
//! know: the requests the *other* clients have in flight, and what Okta last told any of them about a bucket.
//! Before each request the client asks the store for a lease in its bucket (and a slot under the shared
//! concurrency cap); the response's `X-Rate-Limit-*` headers go back to the store with the lease.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::sync::lock;

/// What a client asks a store for before sending a request.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct LeaseRequest<'a> {
    /// The org and bucket, e.g. `example.okta.com POST /api/v1/users`.
    pub bucket: &'a str,
    /// The org's clock now (epoch seconds), to tell whether a window's reset has passed.
    pub server_now: u64,
    /// The share of each bucket the clients may use, in percent (1–100).
    pub max_capacity_percent: u8,
    /// The most requests all clients sharing the store may have in flight together (`None`: no cap).
    pub max_concurrency: Option<u32>,
    /// How long a lease holds if it is never given back (its client crashed): longer than any request.
    pub lease_ttl: Duration,
}

impl<'a> LeaseRequest<'a> {
    /// A request for `bucket` at the org's time `server_now`: the whole bucket usable, no concurrency cap, leases
    /// lapsing after a minute.
    pub fn new(bucket: &'a str, server_now: u64) -> Self {
        LeaseRequest {
            bucket,
            server_now,
            max_capacity_percent: 100,
            max_concurrency: None,
            lease_ttl: Duration::from_secs(60),
        }
    }
}

/// A store's answer to a [`LeaseRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeaseDecision {
    /// Send the request; give the lease back with [`RateLimitStore::complete`].
    Granted(Lease),
    /// The bucket's window is used up until `reset` (the org's epoch seconds).
    WaitForReset {
        /// When the window resets.
        reset: u64,
    },
    /// The bucket's room (or the concurrency cap) is taken by requests in flight: ask again when one ends.
    WaitForInFlight,
}

/// A request's place in a shared bucket, from [`LeaseDecision::Granted`] until [`RateLimitStore::complete`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lease {
    id: String,
    /// The bucket's limit as the store knew it when granting (`None`: it knew none).
    bucket_limit: Option<u64>,
}

impl Lease {
    /// A new, unique lease id.
    pub fn new() -> Self {
        use rand::Rng;
        let id: u128 = rand::rng().random();
        Lease { id: format!("{id:032x}"), bucket_limit: None }
    }

    /// The lease, saying that the store knew the bucket's `X-Rate-Limit-Limit` to be `limit` when it granted it.
    /// A client whose own view of the bucket is empty (it just started) then tells Okta's concurrency `429`s,
    /// whose headers report another limit, from the bucket's own.
    #[must_use]
    pub fn with_bucket_limit(mut self, limit: Option<u64>) -> Self {
        self.bucket_limit = limit;
        self
    }

    /// The lease's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The bucket's limit as the store knew it when granting.
    pub fn bucket_limit(&self) -> Option<u64> {
        self.bucket_limit
    }
}

impl Default for Lease {
    fn default() -> Self {
        Lease::new()
    }
}

/// What a response said of its bucket (`X-Rate-Limit-Limit/-Remaining/-Reset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BucketReport {
    /// `X-Rate-Limit-Limit`.
    pub limit: u64,
    /// `X-Rate-Limit-Remaining`.
    pub remaining: u64,
    /// `X-Rate-Limit-Reset` (the org's epoch seconds).
    pub reset: u64,
    /// The response was a `429`. Okta's `429` over its concurrency limit reports the concurrent values in these
    /// headers, not the bucket's: a store keeps a `429`'s report only where its limit is the bucket's known limit,
    /// while a report of any other response is the bucket's for sure and replaces a state whose limit differs.
    pub throttled: bool,
}

impl BucketReport {
    /// A report of these three headers' values, from a response that was not a `429`.
    pub fn new(limit: u64, remaining: u64, reset: u64) -> Self {
        BucketReport { limit, remaining, reset, throttled: false }
    }

    /// The same report, from a `429` (`throttled`) or not.
    #[must_use]
    pub fn with_throttled(mut self, throttled: bool) -> Self {
        self.throttled = throttled;
        self
    }
}

/// How a bucket's known state (`limit`, `reset`) takes in a report: the rule of every store and of each client's
/// own buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Merge {
    /// A `429` whose limit is not the bucket's: the org's concurrency values; the state is left alone.
    Ignore,
    /// The same window: `Remaining` only goes down, so the least reported is kept.
    SameWindow,
    /// A new window (a later reset), a first report, or a non-`429` whose limit differs from the state's: the
    /// report replaces the state.
    Replace,
    /// An earlier reset: a response from a window already over.
    Stale,
}

impl Merge {
    /// How a bucket known as `limit` resetting at `reset` takes in `report`.
    pub(crate) fn of(limit: Option<u64>, reset: Option<u64>, report: &BucketReport) -> Merge {
        match limit {
            Some(known) if known != report.limit && report.throttled => return Merge::Ignore,
            Some(known) if known != report.limit => return Merge::Replace,
            _ => {}
        }
        match reset {
            Some(current) if report.reset == current => Merge::SameWindow,
            Some(current) if report.reset < current => Merge::Stale,
            _ => Merge::Replace,
        }
    }
}

/// What a [`RateLimitStore`] returns: a boxed future, so that a store can be chosen at run time
/// (`Arc<dyn RateLimitStore>`).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The store could not answer (a client then paces on its own, with a warning).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the shared rate-limit store could not answer: {0}")]
pub struct StoreError(pub String);

/// Where clients share their rate-limit budget: per bucket, what Okta last reported (limit, least remaining,
/// reset) and the requests in flight, and the requests in flight over all buckets. Every method is atomic
/// (several clients, in several processes, call them at once).
///
/// [`InMemoryRateLimitStore`] shares among the clients of one process; `RedisRateLimitStore` (feature `redis`)
/// among processes. Give it to a client with `ClientBuilder::rate_limit_store`.
///
/// Every request waits for `acquire`, so a store must fail fast when its backend is away (the Redis store bounds
/// each command and then leaves Redis alone for a second): on `Err` the client paces on its own.
pub trait RateLimitStore: Send + Sync + fmt::Debug {
    /// Takes a lease for one request of `request.bucket` if the bucket (less what is in flight and the share left
    /// to others) and the concurrency cap have room; otherwise says what to wait for.
    fn acquire<'a>(&'a self, request: LeaseRequest<'a>) -> StoreFuture<'a, LeaseDecision>;

    /// Gives `lease` back, with what the response said of its bucket (`None`: no response, or no headers).
    fn complete<'a>(&'a self, bucket: &'a str, lease: &'a Lease, report: Option<BucketReport>) -> StoreFuture<'a, ()>;
}

/// What a store knows of one bucket.
#[derive(Debug, Default)]
struct SharedBucket {
    limit: Option<u64>,
    remaining: u64,
    reset: Option<u64>,
    /// Leases out, and when each lapses.
    leases: HashMap<String, Instant>,
}

/// The same budget the Redis store keeps, for the clients of one process (e.g. clients with different
/// credentials for one org), and the reference the Redis store is tested against.
#[derive(Debug, Default)]
pub struct InMemoryRateLimitStore {
    state: Mutex<InMemoryState>,
}

#[derive(Debug, Default)]
struct InMemoryState {
    buckets: HashMap<String, SharedBucket>,
}

impl InMemoryRateLimitStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl RateLimitStore for InMemoryRateLimitStore {
    fn acquire<'a>(&'a self, request: LeaseRequest<'a>) -> StoreFuture<'a, LeaseDecision> {
        let mut state = lock(&self.state);
        let now = Instant::now();
        // The concurrency cap counts the leases of every bucket (a handful of buckets: no index of their own).
        let mut total_in_flight = 0;
        for bucket in state.buckets.values_mut() {
            bucket.leases.retain(|_, lapses| *lapses > now);
            total_in_flight += bucket.leases.len();
        }
        let b = state.buckets.entry(request.bucket.to_owned()).or_default();
        if let (Some(reset), Some(limit)) = (b.reset, b.limit) {
            if request.server_now >= reset {
                b.remaining = limit;
                b.reset = None;
            }
        }
        let decision = if let Some(limit) = b.limit {
            let usable = b.remaining.saturating_sub(super::bucket::reserved(limit, request.max_capacity_percent));
            let in_flight = u64::try_from(b.leases.len()).unwrap_or(u64::MAX);
            match b.reset {
                Some(reset) if usable == 0 => Some(LeaseDecision::WaitForReset { reset }),
                _ if usable <= in_flight => Some(LeaseDecision::WaitForInFlight),
                _ => None,
            }
        } else {
            None
        };
        let capped = request.max_concurrency.is_some_and(|cap| total_in_flight >= cap as usize);
        let decision = match decision {
            Some(wait) => wait,
            None if capped => LeaseDecision::WaitForInFlight,
            None => {
                let lease = Lease::new().with_bucket_limit(b.limit);
                b.leases.insert(lease.id.clone(), now + request.lease_ttl);
                LeaseDecision::Granted(lease)
            }
        };
        Box::pin(std::future::ready(Ok(decision)))
    }

    fn complete<'a>(&'a self, bucket: &'a str, lease: &'a Lease, report: Option<BucketReport>) -> StoreFuture<'a, ()> {
        let mut state = lock(&self.state);
        let b = state.buckets.entry(bucket.to_owned()).or_default();
        b.leases.remove(&lease.id);
        if let Some(report) = report {
            b.merge(report);
        }
        Box::pin(std::future::ready(Ok(())))
    }
}

impl SharedBucket {
    /// Takes in a report as [`Merge`] says, except that a `429` teaches a store nothing until an answer that is not
    /// a `429` has named the bucket's limit: every client sharing the store would otherwise wait for the "reset" of
    /// a concurrency answer taken for the bucket's. (A client's own bucket still believes such a `429`, and is
    /// woken as soon as another answer corrects it.) The Redis store's script does the same.
    fn merge(&mut self, report: BucketReport) {
        if report.throttled && self.limit.is_none() {
            return;
        }
        match Merge::of(self.limit, self.reset, &report) {
            Merge::SameWindow => self.remaining = self.remaining.min(report.remaining),
            Merge::Ignore | Merge::Stale => {}
            Merge::Replace => {
                self.limit = Some(report.limit);
                self.remaining = report.remaining;
                self.reset = Some(report.reset);
            }
        }
    }
}
