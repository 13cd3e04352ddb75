//! De-duplication of event hook deliveries by event `uuid`: the [`DedupStore`] trait, and its in-memory store
//! [`EventDeduplicator`] (bounded, one process). The Redis store, shared by replicas, is in `dedup_redis.rs`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use okta_management_runtime::sync::lock;

/// Where a receiver remembers the events it has taken on, so that each event is handled once.
///
/// Okta delivers each event at least once, and a redelivery may reach another replica of the receiver. A store
/// shared by the replicas ([`RedisDedupStore`](crate::RedisDedupStore), feature `redis`) lets exactly one of them
/// claim an event; [`EventDeduplicator`] does so within one process. Use it through
/// [`EventHookDelivery::claim_first_time_events`](crate::EventHookDelivery::claim_first_time_events), or call
/// [`claim`](Self::claim) per event.
pub trait DedupStore: Send + Sync + std::fmt::Debug {
    /// Claims `uuid`: `Ok(true)` when no one sharing the store has claimed it (it is now this caller's to handle),
    /// `Ok(false)` for a duplicate. Atomic: of callers racing on one id, exactly one gets `true`.
    ///
    /// `Err` only when the store cannot answer and is set to fail rather than guess (the Redis store's
    /// [`WhenStoreFails::FailDelivery`](crate::WhenStoreFails::FailDelivery)); answer the delivery with a `5xx`
    /// then, so that Okta sends it again.
    fn claim<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, bool>;

    /// Gives a claim up: handling the event failed, so its redelivery should be handled.
    fn release<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, ()>;

    /// Claims `uuid` while it is handled, for at most `lease` (the event processor's claim, taken before its
    /// handler runs): [`Claim::Claimed`] when it is now the caller's, [`Claim::Handled`] when someone sharing the
    /// store [completed](Self::complete) it, [`Claim::InProgress`] while another holds it. A holder that dies
    /// before completing lets the claim lapse after `lease`, and the event can be claimed again: that is the one
    /// way an event is handled twice.
    ///
    /// The default, for stores that only know [`claim`](Self::claim): a claim that never lapses, and `false`
    /// read as handled.
    fn claim_for<'a>(&'a self, uuid: &'a str, lease: Duration) -> StoreFuture<'a, Claim> {
        let _ = lease;
        let claim = self.claim(uuid);
        Box::pin(async move { Ok(if claim.await? { Claim::Claimed } else { Claim::Handled }) })
    }

    /// Extends a claim held by `lease` from now. The event processor renews its claims while their handler runs,
    /// so that a lease need only outlast a dead holder's absence, not the slowest handler. `Ok(true)` while the
    /// event is in progress, `Ok(false)` when it no longer is (its lease lapsed, or it was completed or released).
    /// The default, for stores whose claims never lapse: `Ok(true)`.
    fn renew<'a>(&'a self, uuid: &'a str, lease: Duration) -> StoreFuture<'a, bool> {
        let _ = (uuid, lease);
        Box::pin(std::future::ready(Ok(true)))
    }

    /// Records that `uuid` was handled: from now on a claim of it answers [`Claim::Handled`] (for as long as the
    /// store remembers events). The default does nothing (its claims never lapse).
    fn complete<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, ()> {
        let _ = uuid;
        Box::pin(std::future::ready(Ok(())))
    }
}

/// What [`DedupStore::claim_for`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Claim {
    /// The event is the caller's to handle, until its lease lapses: [`complete`](DedupStore::complete) it after
    /// handling, or [`release`](DedupStore::release) it if handling failed.
    Claimed,
    /// Someone sharing the store handled it already.
    Handled,
    /// Someone sharing the store holds it and is handling it now.
    InProgress,
}

/// What a [`DedupStore`] returns: a boxed future, so that a store can be chosen at run time (`Arc<dyn DedupStore>`).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DedupError>> + Send + 'a>>;

/// A de-duplication store could not answer (and is set to fail rather than guess).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the event de-duplication store could not answer: {message}")]
pub struct DedupError {
    message: String,
}

impl DedupError {
    /// An error with this message (which must hold no secret: it is logged).
    pub fn new(message: impl Into<String>) -> Self {
        DedupError { message: message.into() }
    }
}

/// Remembers the most recently seen event ids, up to a fixed capacity.
///
/// Okta delivers event hooks at least once and possibly out of order, so the same System Log
/// event (same `uuid`) can arrive twice, possibly in different batches. Keep one instance per
/// receiver and call [`first_time`](Self::first_time) before acting on an event. When full, the
/// oldest remembered id is forgotten (FIFO), so memory stays bounded; pick a capacity that covers
/// Okta's retry window at your event rate. State is in memory only: it does not survive restarts
/// or span several replicas.
#[derive(Debug)]
pub struct EventDeduplicator {
    capacity: usize,
    // A poisoned lock only means another thread panicked mid-call; the set/queue pair is still consistent after
    // every individual operation, so it is kept in use (`lock`).
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    order: VecDeque<String>,
    seen: HashSet<String>,
    /// Events claimed with a lease ([`DedupStore::claim_for`]) and not yet completed, with when the lease lapses.
    in_progress: HashMap<String, Instant>,
}

impl EventDeduplicator {
    /// Default capacity: 10 000 ids (about a megabyte of memory).
    pub const DEFAULT_CAPACITY: usize = 10_000;

    /// Creates a de-duplicator remembering up to `capacity` ids (a capacity of 0 is raised to 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            capacity,
            inner: Mutex::new(Inner {
                order: VecDeque::with_capacity(capacity.min(1024)),
                seen: HashSet::with_capacity(capacity.min(1024)),
                in_progress: HashMap::new(),
            }),
        }
    }

    /// Returns `true` the first time `uuid` is seen (and remembers it), `false` for a duplicate.
    ///
    /// Atomic: when several threads race on the same id, exactly one gets `true`.
    pub fn first_time(&self, uuid: &str) -> bool {
        let mut inner = lock(&self.inner);
        if inner.seen.contains(uuid) {
            return false;
        }
        while inner.order.len() >= self.capacity {
            match inner.order.pop_front() {
                Some(old) => {
                    inner.seen.remove(&old);
                }
                None => break,
            }
        }
        inner.order.push_back(uuid.to_owned());
        inner.seen.insert(uuid.to_owned());
        true
    }

    /// Whether `uuid` is currently remembered.
    pub fn contains(&self, uuid: &str) -> bool {
        lock(&self.inner).seen.contains(uuid)
    }

    /// Forgets `uuid`, e.g. when processing it failed and Okta's redelivery should be handled.
    /// Returns whether it was remembered.
    pub fn forget(&self, uuid: &str) -> bool {
        let mut inner = lock(&self.inner);
        let leased = inner.in_progress.remove(uuid).is_some();
        if inner.seen.remove(uuid) {
            inner.order.retain(|id| id != uuid);
            true
        } else {
            leased
        }
    }

    /// [`DedupStore::claim_for`] in memory.
    fn claim_with_lease(&self, uuid: &str, lease: Duration) -> Claim {
        let mut inner = lock(&self.inner);
        if inner.seen.contains(uuid) {
            return Claim::Handled;
        }
        let now = Instant::now();
        // Leases held by no one any more (their holder died before completing) lapse; the map stays small.
        inner.in_progress.retain(|_, lapses| *lapses > now);
        if inner.in_progress.contains_key(uuid) {
            return Claim::InProgress;
        }
        inner.in_progress.insert(uuid.to_owned(), now.checked_add(lease).unwrap_or(now));
        Claim::Claimed
    }

    /// [`DedupStore::renew`] in memory.
    fn renew_lease(&self, uuid: &str, lease: Duration) -> bool {
        let mut inner = lock(&self.inner);
        let now = Instant::now();
        match inner.in_progress.get_mut(uuid) {
            Some(lapses) if *lapses > now => {
                *lapses = now.checked_add(lease).unwrap_or(now);
                true
            }
            _ => false,
        }
    }

    /// Number of remembered ids.
    pub fn len(&self) -> usize {
        lock(&self.inner).order.len()
    }

    /// Whether no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Maximum number of remembered ids.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// In this process's memory: claims are [`first_time`](EventDeduplicator::first_time), releases
/// [`forget`](EventDeduplicator::forget). It never fails.
impl DedupStore for EventDeduplicator {
    fn claim<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(std::future::ready(Ok(self.first_time(uuid))))
    }

    fn release<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, ()> {
        self.forget(uuid);
        Box::pin(std::future::ready(Ok(())))
    }

    fn claim_for<'a>(&'a self, uuid: &'a str, lease: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(std::future::ready(Ok(self.claim_with_lease(uuid, lease))))
    }

    fn renew<'a>(&'a self, uuid: &'a str, lease: Duration) -> StoreFuture<'a, bool> {
        Box::pin(std::future::ready(Ok(self.renew_lease(uuid, lease))))
    }

    fn complete<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, ()> {
        lock(&self.inner).in_progress.remove(uuid);
        self.first_time(uuid);
        Box::pin(std::future::ready(Ok(())))
    }
}

impl Default for EventDeduplicator {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_and_eviction() {
        let d = EventDeduplicator::new(2);
        assert!(d.first_time("a"));
        assert!(!d.first_time("a"));
        assert!(d.first_time("b"));
        assert!(d.first_time("c")); // evicts "a"
        assert_eq!(d.len(), 2);
        assert!(!d.contains("a"));
        assert!(d.first_time("a")); // evicts "b"
        assert!(!d.first_time("c"));
        assert!(d.forget("c"));
        assert!(!d.forget("c"));
        assert!(d.first_time("c"));
        assert_eq!(EventDeduplicator::new(0).capacity(), 1);
    }

    #[test]
    fn a_leased_claim_is_in_progress_until_completed_released_or_lapsed() {
        let d = EventDeduplicator::new(10);
        let claim = |uuid| d.claim_with_lease(uuid, Duration::from_millis(50));
        assert_eq!(claim("a"), Claim::Claimed);
        assert_eq!(claim("a"), Claim::InProgress);
        futures_lite_block_on(d.complete("a")).unwrap();
        assert_eq!(claim("a"), Claim::Handled);
        assert!(!d.first_time("a"), "a completed event is remembered as seen");
        // Released: claimable again at once.
        assert_eq!(claim("b"), Claim::Claimed);
        futures_lite_block_on(d.release("b")).unwrap();
        assert_eq!(claim("b"), Claim::Claimed);
        // Its holder died: claimable again once the lease lapses.
        assert_eq!(claim("c"), Claim::Claimed);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(claim("c"), Claim::Claimed);
        // Renewed while held: still in progress after its first lease would have lapsed.
        assert_eq!(claim("d"), Claim::Claimed);
        std::thread::sleep(Duration::from_millis(30));
        assert!(futures_lite_block_on(d.renew("d", Duration::from_millis(50))).unwrap());
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(claim("d"), Claim::InProgress, "renewed 30 ms into a 50 ms lease, asked 60 ms after the claim");
        // Nothing to renew once lapsed, completed or never claimed.
        std::thread::sleep(Duration::from_millis(60));
        assert!(!futures_lite_block_on(d.renew("d", Duration::from_millis(50))).unwrap());
        assert!(!futures_lite_block_on(d.renew("a", Duration::from_millis(50))).unwrap());
        assert!(!futures_lite_block_on(d.renew("z", Duration::from_millis(50))).unwrap());
    }

    /// Polls a future that is ready at once (the in-memory store's are).
    fn futures_lite_block_on<T>(mut future: StoreFuture<'_, T>) -> Result<T, DedupError> {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(result) => result,
            std::task::Poll::Pending => panic!("the in-memory store's futures are ready at once"),
        }
    }

    /// A store that fails its `fail_at`-th claim (counting from 1), and otherwise is an [`EventDeduplicator`].
    #[derive(Debug)]
    struct FailingAt {
        inner: EventDeduplicator,
        claims: std::sync::atomic::AtomicUsize,
        fail_at: usize,
    }

    impl DedupStore for FailingAt {
        fn claim<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, bool> {
            if self.claims.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1 == self.fail_at {
                return Box::pin(std::future::ready(Err(DedupError::new("down"))));
            }
            self.inner.claim(uuid)
        }

        fn release<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, ()> {
            self.inner.release(uuid)
        }
    }

    /// Runs a future that never waits (these stores answer at once).
    fn now<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        match future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("the store waited"),
        }
    }

    #[test]
    fn a_claim_that_fails_midway_releases_what_the_delivery_claimed() {
        let body = br#"{"data":{"events":[{"uuid":"e1"},{"uuid":"e2"},{"uuid":"e3"},{}]}}"#;
        let delivery: crate::EventHookDelivery<serde_json::Value> = serde_json::from_slice(body).unwrap();
        let store = FailingAt { inner: EventDeduplicator::default(), claims: Default::default(), fail_at: 3 };
        assert_eq!(now(delivery.claim_first_time_events(&store)), Err(DedupError::new("down")));
        // e1 and e2 were released: Okta's redelivery finds them new (and the event without a uuid is always new).
        let again = now(delivery.claim_first_time_events(&store)).unwrap();
        assert_eq!(again.len(), 4);
        let third = now(delivery.claim_first_time_events(&store)).unwrap();
        assert_eq!(third, vec![&serde_json::json!({})], "a redelivery after that is a duplicate but for no-uuid");
    }
}
