//! Coordination through a [`RateLimitStore`]: before each request the limiter takes a lease in the store's bucket
//! (the other clients' requests in flight and what Okta told them count too), and gives it back with what the
//! response said. A store that does not answer lets the limiter pace on its own, with a warning.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::headers::reset_at;
use super::store::{BucketReport, Lease, LeaseDecision, LeaseRequest, RateLimitStore, StoreError};
use super::{PacingTimeout, Permit, RateLimiter, random_up_to};
use crate::sync::lock;
use crate::time::millis;

/// How long a lease of a shared bucket holds if its client never gives it back (it crashed).
const LEASE_TTL: Duration = Duration::from_secs(60);
/// The first wait between two asks for a lease while the shared room is in flight.
const POLL_MIN: Duration = Duration::from_millis(5);
/// The longest wait between two asks for a lease while the shared room is in flight.
const POLL_MAX: Duration = Duration::from_millis(100);

/// A [`RateLimitStore`] and what this limiter asks it under.
#[derive(Debug)]
pub(super) struct Shared {
    store: Arc<dyn RateLimitStore>,
    /// The org's host: buckets are `<host> <bucket>` in the store.
    scope: String,
    /// Whether the store's last answer was an error (a warning is logged when it stops answering, not at every
    /// request).
    failing: AtomicBool,
}

impl Shared {
    /// `store`, for the org at `org_host`.
    pub(super) fn new(store: Arc<dyn RateLimitStore>, org_host: &str) -> Self {
        Shared { store, scope: org_host.to_owned(), failing: AtomicBool::new(false) }
    }

    /// The store's name of `bucket`.
    fn key(&self, bucket: &str) -> String {
        format!("{} {bucket}", self.scope)
    }

    fn answered(&self) {
        if self.failing.swap(false, Ordering::Relaxed) {
            tracing::info!("the shared rate-limit store answers again: the budget is shared again");
        }
    }

    fn unanswered(&self, error: &StoreError) {
        if !self.failing.swap(true, Ordering::Relaxed) {
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

impl RateLimiter {
    /// Waits for a lease of `permit`'s bucket in the shared store (the other clients' requests in flight and what
    /// Okta told them count too). A store that does not answer lets the request go, paced by this limiter alone
    /// (the store fails fast: the Redis one leaves Redis alone for a second after a failure).
    pub(super) async fn acquire_shared(
        &self,
        permit: &mut Permit<'_>,
        deadline: Option<Instant>,
    ) -> Result<(), PacingTimeout> {
        let Some(shared) = &self.shared else { return Ok(()) };
        let key = shared.key(permit.bucket);
        let mut poll = POLL_MIN;
        loop {
            let request = LeaseRequest {
                bucket: &key,
                server_now: self.server_now_secs(),
                max_capacity_percent: self.policy.max_capacity_percent,
                max_concurrency: self.shared_concurrency_cap(),
                lease_ttl: LEASE_TTL,
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
                        wait_ms = millis(wait),
                        "okta rate limit: the shared bucket is used up; waiting for its window to reset"
                    );
                    wait
                }
                Ok(_) => {
                    shared.answered();
                    // Another client's request will end: ask again soon, less often the longer it takes.
                    let wait = poll + random_up_to(poll);
                    poll = (poll * 2).min(POLL_MAX);
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
                    return Err(PacingTimeout { reset_at: reset_at(reset), wait });
                }
            }
            tokio::time::sleep_until(wake).await;
        }
    }

    /// The cap on the requests in flight of every client sharing the store: the policy's, and the org's
    /// concurrency limit once one of its `429`s reported it (Okta's documented form names it in
    /// `X-Rate-Limit-Limit`), whichever is lower. Clients that share a store then keep to the org's limit together
    /// instead of each learning its share from `429`s.
    fn shared_concurrency_cap(&self) -> Option<u32> {
        let policy = self.policy.max_concurrency.map(|n| u32::try_from(n.get()).unwrap_or(u32::MAX));
        let org = lock(&self.state).concurrency.org_limit.map(|l| u32::try_from(l).unwrap_or(u32::MAX));
        match (policy, org) {
            (Some(p), Some(o)) => Some(p.min(o)),
            (p, o) => p.or(o),
        }
    }

    /// Gives a lease back to the shared store with what the response reported. The in-memory store answers at
    /// once; another's answer is awaited on a task of its own, so that no caller waits for it.
    /// Gives a lease back and waits for the store's answer (bounded by its timeout).
    pub(super) async fn complete_shared_now(&self, bucket: &'static str, lease: Lease, report: Option<BucketReport>) {
        let Some(shared) = &self.shared else { return };
        let key = shared.key(bucket);
        shared.note(shared.store.complete(&key, &lease, report).await);
    }

    pub(super) fn complete_shared(&self, bucket: &'static str, lease: Lease, report: Option<BucketReport>) {
        let Some(shared) = &self.shared else { return };
        let key = shared.key(bucket);
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
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::super::tests::{EPOCH, answered, headers, limiter};
    use super::super::{InMemoryRateLimitStore, RateLimitPolicy, Throttle};
    use super::*;
    use http::StatusCode;

    #[tokio::test(start_paused = true)]
    async fn clients_sharing_a_store_keep_together_to_the_concurrency_limit_one_of_them_was_told() {
        let store: Arc<dyn RateLimitStore> = Arc::new(InMemoryRateLimitStore::new());
        let told = limiter(RateLimitPolicy::default()).with_store(store.clone(), "org.example");
        let other = limiter(RateLimitPolicy::default()).with_store(store, "org.example");
        answered(&told, StatusCode::OK, &headers(600, 500, EPOCH + 60, EPOCH)).await;
        // Okta's documented concurrency answer names the org's limit: 3.
        assert_eq!(
            answered(&told, StatusCode::TOO_MANY_REQUESTS, &headers(3, 0, EPOCH + 1, EPOCH)).await,
            Some(Throttle::Concurrency)
        );
        assert_eq!(told.shared_concurrency_cap(), Some(3));
        // Long enough for the cap it learned on its own (one in flight, growing by one a second) not to matter.
        tokio::time::advance(Duration::from_secs(10)).await;
        // The other client, told nothing, has two requests in flight: the first may send one more, not two.
        let in_flight = [other.acquire("b", None).await.unwrap(), other.acquire("b", None).await.unwrap()];
        let third = told.acquire("b", None).await.unwrap();
        let fourth = tokio::time::timeout(Duration::from_secs(1), told.acquire("b", None)).await;
        assert!(fourth.is_err(), "a fourth request in flight across the clients sharing the store");
        drop(in_flight);
        let fourth = tokio::time::timeout(Duration::from_secs(1), told.acquire("b", None)).await;
        assert!(fourth.is_ok(), "one ended: room for one more");
        drop((third, fourth));
        // A client that has just started knows nothing of the bucket, but the store does (its lease says 600):
        // the documented concurrency answer is told from the bucket's, and kept out of its state.
        let fresh = limiter(RateLimitPolicy::default()).with_store(Arc::new(InMemoryRateLimitStore::new()), "o");
        let store: Arc<dyn RateLimitStore> = Arc::new(InMemoryRateLimitStore::new());
        let veteran = limiter(RateLimitPolicy::default()).with_store(store.clone(), "org.example");
        answered(&veteran, StatusCode::OK, &headers(600, 500, EPOCH + 60, EPOCH)).await;
        let newcomer = limiter(RateLimitPolicy::default()).with_store(store, "org.example");
        assert_eq!(
            answered(&newcomer, StatusCode::TOO_MANY_REQUESTS, &headers(3, 0, EPOCH + 1, EPOCH)).await,
            Some(Throttle::Concurrency)
        );
        assert_eq!(newcomer.bucket("b").unwrap().limit, None, "the concurrency values are not the bucket's");
        // Without a store that knew, the same answer is taken at its word (nothing tells it apart yet).
        assert_eq!(
            answered(&fresh, StatusCode::TOO_MANY_REQUESTS, &headers(3, 0, EPOCH + 1, EPOCH)).await,
            Some(Throttle::Bucket)
        );
        // A policy's lower cap still wins.
        let capped = limiter(RateLimitPolicy::default().with_max_concurrency(2));
        assert_eq!(capped.shared_concurrency_cap(), Some(2));
    }
}
