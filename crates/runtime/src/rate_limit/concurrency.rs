//! The org's limit of requests in flight: the cap the policy sets ([`RateLimitPolicy::max_concurrency`]), what
//! tells a concurrency `429` from a bucket's, and the cap learned from the org's concurrency `429`s (what was in
//! flight when one came, growing back by one a second).
//!
//! Okta's rate-limit docs ("Rate limit best practices") say that while requests exceed the concurrent limit, the
//! `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` headers report the *concurrent* values (the concurrency limit,
//! 0, and a reset that is only an estimate), and switch back to the bucket's once the requests in flight drop
//! below it. Some orgs answer in an older form, `X-Rate-Limit-Limit: 0`. Either way such a `429` says nothing of
//! the bucket, whose state it must not overwrite.
//!
//! [`RateLimitPolicy::max_concurrency`]: super::RateLimitPolicy::max_concurrency

use std::time::Duration;

use http::StatusCode;
use tokio::time::Instant;

use super::headers::RateLimitInfo;
use super::{Permit, RateLimiter, Throttle};
use crate::sync::lock;

/// The client's requests in flight, every bucket together, and what the org's concurrency `429`s taught.
#[derive(Debug, Default)]
pub(super) struct Concurrency {
    /// Requests of the client sent and not answered, every bucket together.
    in_flight: usize,
    /// How many requests were in flight before the last concurrency `429`, and when.
    learned: Option<Learned>,
    /// The `X-Rate-Limit-Limit` the org's concurrency `429`s report (its concurrency limit, e.g. 75), once seen:
    /// a `429` that reports it on a bucket whose own limit is not known yet is the org's concurrency answer too.
    pub(super) org_limit: Option<u64>,
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

impl Concurrency {
    /// The most requests in flight the org's concurrency limit has shown room for: what was in flight when its
    /// last `429` came, plus one per second since (probing for room freed by other integrations).
    pub(super) fn learned_cap(&self, now: Instant) -> Option<usize> {
        let learned = self.learned?;
        let grown = usize::try_from(now.saturating_duration_since(learned.since).as_secs()).unwrap_or(usize::MAX);
        Some(learned.cap.saturating_add(grown))
    }

    /// Counts one more request in flight when the learned cap has room: `Ok` with the requests in flight, itself
    /// included; else `Err` with when the cap grows next (a request ending may make room before).
    fn enter(&mut self, now: Instant) -> Result<usize, Instant> {
        match self.learned_cap(now) {
            Some(cap) if self.in_flight >= cap => {
                let since = self.learned.map_or(now, |l| l.since);
                let elapsed = now.saturating_duration_since(since).as_secs();
                Err(since + Duration::from_secs(elapsed + 1))
            }
            _ => {
                self.in_flight += 1;
                Ok(self.in_flight)
            }
        }
    }

    /// A request counted in by [`enter`](Self::enter) ended.
    pub(super) fn leave(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// Learns from a concurrency `429` to a request sent at `sent`, once it has [left](Self::leave): the org had no
    /// room for it while the client's others were in flight, so send no more than those at once (at most halving
    /// the cap at a time, as some of them may be refused too), until the cap grows back. A `429` to a request sent
    /// before the cap was last lowered tells nothing new.
    pub(super) fn learn(&mut self, sent: Instant, now: Instant) {
        let others = self.in_flight.max(1);
        let current = self.learned_cap(now);
        let learned = match self.learned {
            Some(l) if sent <= l.lowered => Learned { cap: current.unwrap_or(l.cap), since: now, ..l },
            _ => {
                let cap = current.map_or(others, |c| c.min(others.max(c.div_ceil(2))));
                Learned { cap, since: now, lowered: now }
            }
        };
        self.learned = Some(learned);
        if current.is_none_or(|c| learned.cap < c) {
            tracing::debug!(
                cap = learned.cap,
                "okta concurrency limit met; holding this client to that many requests in flight"
            );
        }
    }
}

/// What the client knew of a request's bucket when its response came: the bucket's limit (`None` until a response
/// reported it).
#[derive(Debug, Clone, Copy)]
pub(super) struct SentAgainst {
    pub(super) bucket_limit: Option<u64>,
}

/// What a response of status `status` to a request is, when it is a `429`: Okta's concurrency limit or the
/// bucket's own; `None` for any other status. A concurrency `429` is one whose headers say so (`Limit: 0`, the
/// older form), whose `X-Rate-Limit-Limit` is not the limit the bucket has been reporting (Okta's documented form:
/// the concurrent values), or is the org's concurrency limit seen before (`org_limit`) on a bucket whose limit is
/// not known yet. A `429` with the bucket's own limit is the bucket's, even in a window the client saw room in:
/// the bucket is the org's, and other integrations spend it too.
pub(super) fn throttle(
    status: StatusCode,
    info: &RateLimitInfo,
    sent: SentAgainst,
    org_limit: Option<u64>,
) -> Option<Throttle> {
    if status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let not_the_buckets_limit = match (info.limit, sent.bucket_limit) {
        (Some(reported), Some(known)) => reported != known,
        (Some(reported), None) => org_limit == Some(reported),
        (None, _) => false,
    };
    let concurrency = info.is_concurrency_limit() || not_the_buckets_limit;
    Some(if concurrency { Throttle::Concurrency } else { Throttle::Bucket })
}

impl RateLimiter {
    /// Waits for a slot under the policy's cap, then for room under the learned cap, and counts `permit`'s request
    /// among the client's requests in flight.
    pub(super) async fn enter_in_flight(&self, permit: &mut Permit<'_>) {
        if let Some(slots) = &self.slots {
            // The semaphore is never closed, so acquiring cannot fail; without a slot the request goes uncapped.
            permit._slot = slots.clone().acquire_owned().await.ok();
        }
        loop {
            let (wake, notified) = {
                let mut state = lock(&self.state);
                match state.concurrency.enter(Instant::now()) {
                    Ok(in_flight) => {
                        permit.in_flight_at_send = in_flight;
                        break;
                    }
                    // Woken by a request ending, or by the cap growing at the next whole second.
                    Err(wake) => (wake, self.changed.notified()),
                }
            };
            tokio::select! {
                () = tokio::time::sleep_until(wake) => {}
                () = notified => {}
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::super::tests::{EPOCH, answered, headers, limiter};
    use super::super::{Permit, RateLimitPolicy, RateLimiter, Throttle};
    use super::*;
    use http::{HeaderMap, HeaderValue};

    /// Okta's answer over the concurrency limit (`X-Rate-Limit-Limit: 0`) to `p`'s request.
    fn refused(l: &RateLimiter, p: Permit<'_>) {
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-limit", HeaderValue::from(0));
        assert_eq!(l.observe(p, StatusCode::TOO_MANY_REQUESTS, &h), Some(Throttle::Concurrency));
    }

    /// The concurrency cap learned so far.
    fn cap(l: &RateLimiter) -> usize {
        lock(&l.state).concurrency.learned_cap(Instant::now()).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_is_concurrency_when_the_org_says_so_and_the_buckets_when_its_limit_is() {
        let l = limiter(RateLimitPolicy::default());
        answered(&l, StatusCode::OK, &headers(10, 8, EPOCH + 60, EPOCH)).await;
        // Okta's concurrency answer: limit 0.
        assert_eq!(
            answered(&l, StatusCode::TOO_MANY_REQUESTS, &headers(0, 0, EPOCH + 60, EPOCH)).await,
            Some(Throttle::Concurrency)
        );
        assert_eq!(l.bucket("b").unwrap().remaining, 8, "kept out of the bucket");
        // The bucket's own limit in the window the client saw 8 left in: other integrations spent them. It is the
        // bucket's 429, and the bucket is used up until that window resets.
        assert_eq!(
            answered(&l, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 60, EPOCH)).await,
            Some(Throttle::Bucket)
        );
        let bucket = l.bucket("b").unwrap();
        assert_eq!((bucket.remaining, bucket.reset), (0, Some(EPOCH + 60)));
        assert!(l.waits_for_reset("b", Some(EPOCH + 60)));
        // A 429 of a window the client did not know of: the bucket's.
        let other = limiter(RateLimitPolicy::default());
        assert_eq!(
            answered(&other, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 60, EPOCH)).await,
            Some(Throttle::Bucket)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_reporting_the_concurrency_limit_is_concurrency_and_leaves_the_bucket_alone() {
        // Okta's documented form: over the concurrent limit, the headers report the concurrent values.
        let l = limiter(RateLimitPolicy::default());
        answered(&l, StatusCode::OK, &headers(200, 150, EPOCH + 2, EPOCH)).await;
        assert_eq!(
            answered(&l, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 1, EPOCH)).await,
            Some(Throttle::Concurrency)
        );
        let bucket = l.bucket("b").unwrap();
        assert_eq!((bucket.limit, bucket.remaining, bucket.reset), (Some(200), 150, Some(EPOCH + 2)));
        // A request is not held back by it: the bucket has room.
        let started = Instant::now();
        drop(l.acquire("b", None).await.unwrap());
        assert_eq!(started.elapsed(), Duration::ZERO);
        // Its limit is the org's concurrency limit from now on, on any bucket.
        assert_eq!(lock(&l.state).concurrency.org_limit, Some(10));
        // The bucket's own 429 (its limit, a window the client did not know had room) is the bucket's.
        assert_eq!(
            answered(&l, StatusCode::TOO_MANY_REQUESTS, &headers(200, 0, EPOCH + 4, EPOCH + 2)).await,
            Some(Throttle::Bucket)
        );
        assert_eq!(l.bucket("b").unwrap().remaining, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_on_an_unknown_bucket_is_believed_until_an_answer_names_another_limit() {
        let l = limiter(RateLimitPolicy::default());
        // Nothing known yet: a 429 is taken at its word.
        assert_eq!(
            answered(&l, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 1, EPOCH)).await,
            Some(Throttle::Bucket)
        );
        assert_eq!(l.bucket("b").unwrap().limit, Some(10));
        // A success names the bucket's limit, with the same reset: it replaces the 429's values (the least
        // remaining of one window would otherwise have kept 0), and the 429's limit was the org's concurrency limit.
        let in_flight = l.acquire("b", None).await.unwrap();
        l.observe(in_flight, StatusCode::OK, &headers(200, 190, EPOCH + 1, EPOCH));
        let bucket = l.bucket("b").unwrap();
        assert_eq!((bucket.limit, bucket.remaining, bucket.reset), (Some(200), 190, Some(EPOCH + 1)));
        assert_eq!(lock(&l.state).concurrency.org_limit, Some(10));
        // So the same 429 on a bucket not known yet is the org's concurrency answer, kept out of that bucket.
        let p = l.acquire("c", None).await.unwrap();
        assert_eq!(
            l.observe(p, StatusCode::TOO_MANY_REQUESTS, &headers(10, 0, EPOCH + 1, EPOCH)),
            Some(Throttle::Concurrency)
        );
        assert_eq!(l.bucket("c").unwrap().limit, None);
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
