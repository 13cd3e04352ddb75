//! Retries: rate limits (`429`), unavailability (`503`/`504`) and connection failures.
//!
//! [`execute`] wraps one logical request. It re-sends the request when it is safe and useful:
//!
//! * `429 Too Many Requests`, for **any** method (Okta did not process the request). A bucket's `429` waits until
//!   `X-Rate-Limit-Reset` on the server's clock, placed on ours through the `Date` headers seen so far
//!   ([`crate::rate_limit`]): a lone request wakes when the window resets, and a small random jitter
//!   ([`RetryPolicy::rate_limit_jitter`]) is added only when other requests of the client wait for the same
//!   bucket. A concurrency `429` (Okta's `X-Rate-Limit-Limit: 0`, or one that comes while the bucket still had
//!   room) is retried after a short jittered backoff ([`RetryPolicy::concurrency_backoff`]). Without usable
//!   headers, an exponential backoff (a `Retry-After` in seconds is honoured too).
//!
//!   A `429` is Okta answering that it is busy, not a failure: while its reset is known (`X-Rate-Limit-Reset` or
//!   `Retry-After`, or it is the org's concurrency answer), it is retried for as long as the call's time budget
//!   ([`RetryPolicy::max_elapsed`], default five minutes) allows, however many times that takes; only a `429`
//!   with no usable header counts against [`RetryPolicy::max_retries`]. A bulk job therefore finishes every row
//!   the org accepts.
//! * `502` / `503` / `504` (Okta's or a proxy's, JSON or not), timeouts, connections closed with no answer and
//!   bodies cut off mid-way (when the caller reads the body inside `send`): only for idempotent methods (`GET`,
//!   `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`), with exponential backoff and jitter. A `POST` or `PATCH` whose
//!   outcome is unknown is never re-sent: the error is returned.
//! * Connection failures before anything was sent (`reqwest::Error::is_connect`): for any method.
//!
//! Every re-sent request carries `X-Okta-Retry-For: <X-Okta-Request-Id of the first failed response>` and
//! `X-Okta-Retry-Count: <n>` (replacing any previous value).
//!
//! Limits: [`RetryPolicy::max_retries`] (`5xx`, timeouts, cut-off bodies, connection failures, `429`s without a
//! reset), the total budget [`RetryPolicy::max_elapsed`] (no wait is started that would end past it, and each
//! attempt's timeout is capped by what is left of it) and the per-attempt
//! [`RetryPolicy::request_timeout`]. The connect timeout is a property of the `reqwest::Client`
//! (`ClientBuilder::connect_timeout`), configured where the client is built.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

use crate::error::{ApiError, Error, NotRetryableReason, REQUEST_ID_HEADER, TimeoutKind, request_id_of};
use crate::rate_limit::random_up_to;
pub use crate::rate_limit::{RateLimitInfo, parse_rate_limit};
use crate::rate_limit::{RateLimitPolicy, RateLimiter, Throttle};
use crate::time::millis;

/// Header naming the request id of the first failed attempt, on every retry.
pub const RETRY_FOR_HEADER: HeaderName = HeaderName::from_static("x-okta-retry-for");
/// Header carrying the retry number (1 for the first retry), on every retry.
pub const RETRY_COUNT_HEADER: HeaderName = HeaderName::from_static("x-okta-retry-count");

/// `with_*` methods that set public fields of a policy, by value: `name(param: Type => field, ...)` sets each
/// `field` to its `param`.
macro_rules! with_setters {
    ($($(#[$doc:meta])* $name:ident($($param:ident: $ty:ty => $field:ident),+);)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, $($param: $ty),+) -> Self {
                $(self.$field = $param;)+
                self
            }
        )*
    };
}

/// How requests are retried. Build with [`RetryPolicy::default`] and the `with_*` methods, or assign fields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Re-sends after a `5xx`, a timeout, a cut-off body, a connection failure or a `429` without a usable reset.
    /// Default 2, as Okta's official SDKs. `429`s whose reset is known are bounded by
    /// [`RetryPolicy::max_elapsed`] instead.
    pub max_retries: u32,
    /// Total time budget of a call, waits and attempts included: `429`s (Okta busy: a bucket used up, or too many
    /// requests in flight) are retried while it lasts. Default 300 s: room for several of Okta's one-minute
    /// rate-limit windows while other integrations share them. A wait that would end past the budget is not
    /// started (the error is returned at once), and each attempt's timeout is capped by what is left.
    pub max_elapsed: Duration,
    /// Timeout of each attempt, unless the request already has its own (`reqwest::RequestBuilder::timeout`).
    /// Default 60 s. `None`: only the total budget applies.
    pub request_timeout: Option<Duration>,
    /// First backoff (503/504/connection errors, and 429 without usable headers); doubles on each retry.
    /// Default 500 ms.
    pub backoff_base: Duration,
    /// Backoff ceiling. Default 10 s.
    pub backoff_max: Duration,
    /// Upper bound of the random delay added to a rate-limit wait when other requests of the client wait for the
    /// same bucket, so they do not all wake at once. A lone waiter gets none. Default 50 ms.
    pub rate_limit_jitter: Duration,
    /// First backoff after a concurrency `429` (too many requests in flight); doubles on each, up to 16 times the
    /// base, of which the upper half is random. Default 50 ms. Such `429`s are retried while
    /// [`RetryPolicy::max_elapsed`] lasts.
    pub concurrency_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            max_elapsed: Duration::from_secs(300),
            request_timeout: Some(Duration::from_secs(60)),
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(10),
            rate_limit_jitter: Duration::from_millis(50),
            concurrency_backoff: Duration::from_millis(50),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (timeouts still apply).
    pub fn no_retries() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    with_setters! {
        /// Sets [`RetryPolicy::max_retries`].
        with_max_retries(max_retries: u32 => max_retries);
        /// Sets [`RetryPolicy::max_elapsed`].
        with_max_elapsed(max_elapsed: Duration => max_elapsed);
        /// Sets [`RetryPolicy::request_timeout`].
        with_request_timeout(timeout: Option<Duration> => request_timeout);
        /// Sets [`RetryPolicy::backoff_base`] and [`RetryPolicy::backoff_max`].
        with_backoff(base: Duration => backoff_base, max: Duration => backoff_max);
        /// Sets [`RetryPolicy::rate_limit_jitter`].
        with_rate_limit_jitter(jitter: Duration => rate_limit_jitter);
        /// Sets [`RetryPolicy::concurrency_backoff`].
        with_concurrency_backoff(base: Duration => concurrency_backoff);
    }

    /// Backoff before the `n`th (1-based) re-send after a concurrency `429`: `base * 2^(n-1)`, at most 16 times
    /// the base, of which the upper half is random.
    pub fn concurrency_delay(&self, n: u32) -> Duration {
        let full = self.concurrency_backoff.saturating_mul(1u32 << n.saturating_sub(1).min(4));
        let half = full / 2;
        half + random_up_to(full.saturating_sub(half))
    }

    /// Exponential backoff before retry number `retry` (1-based): `base * 2^(retry-1)`, capped at
    /// `backoff_max`, of which the upper half is random ("equal jitter", so it is never zero unless the base
    /// is).
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let full = self.backoff_base.saturating_mul(1u32 << exp).min(self.backoff_max);
        let half = full / 2;
        half + random_up_to(full.saturating_sub(half))
    }
}

/// `Retry-After` in delta-seconds (an HTTP-date form is ignored: it would need the local clock).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// How long to wait after a bucket's 429 before retry number `retry` when the limiter cannot place the reset on
/// our clock: `reset - Date` of the response (plus jitter), else `Retry-After`, else a backoff.
fn rate_limit_delay(policy: &RetryPolicy, headers: &HeaderMap, retry: u32) -> Duration {
    let info = parse_rate_limit(headers);
    match info.wait().or_else(|| retry_after(headers)) {
        Some(wait) if !wait.is_zero() => wait.saturating_add(random_up_to(policy.rate_limit_jitter)),
        // No usable headers, or a reset already past (clock granularity): back off rather than retry at once.
        _ => policy.backoff(retry),
    }
}

/// Whether a bucket's `429` says when to try again: an `X-Rate-Limit-Reset` that can be placed on the org's clock
/// (the `Date`s seen, or its own `Date`), even one already past when the answer is read (a busy machine reads it
/// late: then it is retried after a backoff), or a `Retry-After`. Then it is retried while the time budget lasts,
/// not counted against `max_retries`.
fn says_when(limiter: &RateLimiter, headers: &HeaderMap) -> bool {
    let info = parse_rate_limit(headers);
    let placed = info.reset.is_some_and(|reset| limiter.until(reset).is_some() || info.wait().is_some());
    placed || retry_after(headers).is_some()
}

/// Methods that may be re-sent when their outcome is unknown (RFC 9110 §9.2.2).
pub fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

/// What went wrong with one attempt.
enum Failure {
    /// 429: always safe to retry; what it was, judged by the rate limiter.
    RateLimited(reqwest::Response, Throttle),
    /// 502/503/504: the request may have been processed.
    Unavailable(reqwest::Response),
    /// Failed before the request was sent: always safe to retry.
    NotSent(Error),
    /// Timed out, broke after sending, or its body was cut off: outcome unknown.
    Ambiguous(Error),
}

impl Failure {
    fn status(&self) -> Option<StatusCode> {
        match self {
            Failure::RateLimited(r, _) | Failure::Unavailable(r) => Some(r.status()),
            Failure::NotSent(_) | Failure::Ambiguous(_) => None,
        }
    }

    fn request_id(&self) -> Option<&HeaderValue> {
        match self {
            Failure::RateLimited(r, _) | Failure::Unavailable(r) => r.headers().get(REQUEST_ID_HEADER),
            Failure::NotSent(_) | Failure::Ambiguous(_) => None,
        }
    }
}

fn classify(
    result: Result<reqwest::Response, Error>,
    throttle: Throttle,
) -> Result<Result<reqwest::Response, Failure>, Error> {
    match result {
        Ok(resp) => Ok(match resp.status() {
            StatusCode::TOO_MANY_REQUESTS => Err(Failure::RateLimited(resp, throttle)),
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => {
                Err(Failure::Unavailable(resp))
            }
            _ => Ok(resp),
        }),
        // A connect error (DNS, refused, TLS handshake, connect timeout) means nothing reached the server.
        Err(Error::Transport(e)) if e.is_connect() => Ok(Err(Failure::NotSent(Error::Transport(e)))),
        Err(e @ (Error::Transport(_) | Error::Timeout { .. })) => Ok(Err(Failure::Ambiguous(e))),
        // Auth, configuration, ... errors are not transient.
        Err(e) => Err(e),
    }
}

/// Turns the failure that ends the loop into the error returned to the caller.
async fn final_error(failure: Failure, attempts: u32, started: Instant, budget_capped: bool) -> Error {
    match failure {
        Failure::RateLimited(resp, _) => {
            let info = parse_rate_limit(resp.headers());
            Error::RateLimited {
                reset_at: info.reset_at(),
                retry_after: info.wait(),
                request_id: request_id_of(resp.headers()),
                attempts,
            }
        }
        Failure::Unavailable(resp) => ApiError::from_response(resp).await,
        Failure::NotSent(e) | Failure::Ambiguous(e) => match e {
            Error::Transport(t) if t.is_timeout() => Error::Timeout {
                kind: if budget_capped { TimeoutKind::MaxElapsed } else { TimeoutKind::Request },
                elapsed: started.elapsed(),
                attempts,
                source: Some(t),
            },
            other => other,
        },
    }
}

/// Sends `request` through `send`, retrying as described in the [module documentation](self), without pacing
/// (a limiter of its own, used only to judge `429`s; see [`execute_paced`]).
///
/// `send` performs one attempt (in the SDK: authentication, then the HTTP client); it must map
/// `reqwest::Error`s to [`Error::Transport`] so that connect errors and timeouts can be told apart.
///
/// Returns the response for any status but 429/502/503/504 (so the caller decodes success and error bodies
/// itself). Errors: [`Error::RateLimited`] when 429s outlast the retries or the budget; [`Error::Api`] for a
/// final 502/503/504; [`Error::Timeout`] for a final timeout; [`Error::Transport`] for a final connection error;
/// [`Error::NotRetryable`] when a retry was needed but the body is a stream; any other error of `send` as is,
/// without retry.
pub async fn execute<F, Fut>(
    policy: &RetryPolicy,
    request: reqwest::Request,
    send: F,
) -> Result<reqwest::Response, Error>
where
    F: Fn(reqwest::Request) -> Fut,
    Fut: Future<Output = Result<reqwest::Response, Error>>,
{
    let limiter = RateLimiter::new(RateLimitPolicy::default().with_pacing(false), policy.rate_limit_jitter);
    execute_paced(policy, &limiter, "", request, send).await
}

/// [`execute`], with each attempt counted in `bucket` of `limiter` (shared by every request of a client): it waits
/// for room in the bucket and a slot under the concurrency cap before each attempt, and the limiter learns from
/// every response.
pub async fn execute_paced<F, Fut>(
    policy: &RetryPolicy,
    limiter: &RateLimiter,
    bucket: &'static str,
    request: reqwest::Request,
    send: F,
) -> Result<reqwest::Response, Error>
where
    F: Fn(reqwest::Request) -> Fut,
    Fut: Future<Output = Result<reqwest::Response, Error>>,
{
    let started = Instant::now();
    let deadline = started.checked_add(policy.max_elapsed);
    let method = request.method().clone();
    let idempotent = is_idempotent(&method);
    let mut attempts: u32 = 0;
    // Re-sends after a failure (bounded by `max_retries`), after a bucket's 429 that says when to retry and after a
    // concurrency 429 (both bounded by the time budget; counted for their backoffs).
    let mut retries: u32 = 0;
    let mut rate_limited_retries: u32 = 0;
    let mut concurrency_retries: u32 = 0;
    let mut first_request_id: Option<HeaderValue> = None;
    let mut req = request;

    loop {
        // A pristine copy for the next attempt, taken before this one is modified; `None` for a streaming
        // body, which can be sent only once.
        let spare = req.try_clone();
        if attempts > 0 {
            let headers = req.headers_mut();
            headers.insert(RETRY_COUNT_HEADER, HeaderValue::from(attempts));
            if let Some(id) = &first_request_id {
                headers.insert(RETRY_FOR_HEADER, id.clone());
            }
        }
        let permit = match limiter.acquire(bucket, deadline).await {
            Ok(permit) => permit,
            Err(paced) => {
                tracing::info!(
                    attempt = attempts,
                    wait_ms = millis(paced.wait),
                    "okta rate limit: the bucket's reset is past the time budget; not sending"
                );
                return Err(Error::RateLimited {
                    reset_at: paced.reset_at,
                    retry_after: Some(paced.wait),
                    request_id: first_request_id.and_then(|v| v.to_str().ok().map(str::to_owned)),
                    attempts,
                });
            }
        };
        // The attempt's timeout: its own, else the policy's, capped by what is left of the budget.
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let configured = req.timeout().copied().or(policy.request_timeout);
        let (timeout, budget_capped) = match (configured, remaining) {
            (Some(c), Some(r)) if r < c => (Some(r), true),
            (Some(c), _) => (Some(c), false),
            (None, Some(r)) => (Some(r), true),
            (None, None) => (None, false),
        };
        *req.timeout_mut() = timeout;

        attempts = attempts.saturating_add(1);
        // The caller's `okta.request` span (when there is one) shows how many requests the call took.
        tracing::Span::current().record("attempts", attempts);
        let attempt_start = Instant::now();
        let result = send(req).await;
        let throttle = match &result {
            Ok(resp) => limiter.settle(permit, resp.status(), resp.headers()).await.unwrap_or(Throttle::Bucket),
            Err(_) => {
                limiter.abandon(permit).await;
                Throttle::Bucket
            }
        };
        let failure = match classify(result, throttle)? {
            Ok(resp) => {
                tracing::debug!(
                    attempt = attempts,
                    status = resp.status().as_u16(),
                    request_id = request_id_of(resp.headers()).as_deref(),
                    latency_ms = millis(attempt_start.elapsed()),
                    "okta request completed"
                );
                return Ok(resp);
            }
            Err(f) => f,
        };
        if first_request_id.is_none() {
            first_request_id = failure.request_id().cloned();
        }
        let status = failure.status().map(|s| s.as_u16());
        let request_id = failure.request_id().and_then(|v| v.to_str().ok()).map(str::to_owned);

        let safe = match &failure {
            Failure::RateLimited(..) | Failure::NotSent(_) => true,
            Failure::Unavailable(_) | Failure::Ambiguous(_) => idempotent,
        };
        if !safe {
            tracing::debug!(attempt = attempts, status, request_id, %method,
                "okta request failed with an unknown outcome; not retrying a non-idempotent request");
            return Err(final_error(failure, attempts, started, budget_capped).await);
        }
        // The org answering 429 with a time to come back is busy, not failing: only the time budget bounds that.
        let bounded_by_time = match &failure {
            Failure::RateLimited(_, Throttle::Concurrency) => true,
            Failure::RateLimited(resp, Throttle::Bucket) => says_when(limiter, resp.headers()),
            Failure::Unavailable(_) | Failure::NotSent(_) | Failure::Ambiguous(_) => false,
        };
        let exhausted = !bounded_by_time && retries >= policy.max_retries;
        if exhausted {
            tracing::debug!(attempt = attempts, status, request_id, "okta request failed; retries exhausted");
            return Err(final_error(failure, attempts, started, budget_capped).await);
        }
        let Some(spare) = spare else {
            tracing::debug!(
                attempt = attempts,
                status,
                request_id,
                "okta request failed; body is a stream and cannot be retried"
            );
            return Err(Error::NotRetryable {
                reason: NotRetryableReason::BodyNotClonable,
                attempts,
                source: Box::new(final_error(failure, attempts, started, budget_capped).await),
            });
        };
        let wait = match &failure {
            Failure::RateLimited(_, Throttle::Concurrency) => {
                concurrency_retries += 1;
                policy.concurrency_delay(concurrency_retries)
            }
            Failure::RateLimited(resp, Throttle::Bucket) if bounded_by_time => {
                rate_limited_retries += 1;
                let wait = bucket_wait(policy, limiter, bucket, resp.headers(), rate_limited_retries);
                // When the limiter holds this reset as the bucket's, its `acquire` waits for it, and wakes early
                // when another response brings news (a new window; or the bucket's real limit, when this 429 was
                // a concurrency answer taken for the bucket's before that limit was known).
                if limiter.waits_for_reset(bucket, parse_rate_limit(resp.headers()).reset) {
                    tracing::debug!(wait_ms = millis(wait), "okta rate limit: the pacing waits for the bucket's reset");
                    Duration::ZERO
                } else {
                    wait
                }
            }
            Failure::RateLimited(resp, Throttle::Bucket) => {
                retries += 1;
                bucket_wait(policy, limiter, bucket, resp.headers(), retries)
            }
            _ => {
                retries += 1;
                policy.backoff(retries)
            }
        };
        // No deadline means a budget too large to represent: every wait fits.
        let fits = match deadline {
            None => true,
            Some(d) => Instant::now().checked_add(wait).is_some_and(|end| end < d),
        };
        if !fits {
            tracing::info!(
                attempt = attempts,
                status,
                request_id,
                wait_ms = millis(wait),
                "okta request failed; the wait before a retry would exceed the time budget"
            );
            return Err(final_error(failure, attempts, started, budget_capped).await);
        }
        let (what, error) = match &failure {
            Failure::RateLimited(_, Throttle::Bucket) => {
                ("okta rate limit hit; waiting for the bucket's reset before retrying", None)
            }
            Failure::RateLimited(_, Throttle::Concurrency) => {
                ("okta concurrency limit hit; backing off briefly before retrying", None)
            }
            Failure::Unavailable(_) => ("okta unavailable; backing off before retrying", None),
            Failure::NotSent(e) | Failure::Ambiguous(e) => {
                ("okta request failed; backing off before retrying", Some(e))
            }
        };
        // `status`, `request_id` and `error` are recorded only when known (a response's, or a transport error).
        tracing::info!(
            attempt = attempts,
            status,
            request_id,
            error = error.map(tracing::field::display),
            wait_ms = millis(wait),
            "{what}"
        );
        // Release the failed response (and its connection) before sleeping.
        drop(failure);
        tokio::time::sleep(wait).await;
        req = spare;
    }
}

/// How long a bucket's 429 waits: until its reset on the server's clock (exactly, once a `Date` placed it on
/// ours), with a little jitter only when other requests of the client are waiting for or using the same bucket.
fn bucket_wait(
    policy: &RetryPolicy,
    limiter: &RateLimiter,
    bucket: &'static str,
    headers: &HeaderMap,
    retry: u32,
) -> Duration {
    let info = parse_rate_limit(headers);
    match info.reset.and_then(|reset| limiter.until(reset)) {
        // A reset already past on the server's clock: the 429 was not the window's; back off rather than retry
        // at once.
        Some(wait) if wait.is_zero() => policy.backoff(retry),
        Some(wait) => {
            let crowded = limiter.bucket(bucket).is_some_and(|b| b.in_flight > 0 || b.waiting > 0);
            if crowded { wait.saturating_add(random_up_to(policy.rate_limit_jitter)) } else { wait }
        }
        None => rate_limit_delay(policy, headers, retry),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn parses_rate_limit_headers() {
        let h = headers(&[
            ("x-rate-limit-limit", "600"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "1700000060"),
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
        ]);
        let info = RateLimitInfo::from_headers(&h);
        assert_eq!(info.limit, Some(600));
        assert_eq!(info.remaining, Some(0));
        assert_eq!(info.reset, Some(1_700_000_060));
        assert_eq!(info.date, Some(1_700_000_000));
        assert_eq!(info.wait(), Some(Duration::from_secs(60)));
        assert_eq!(info.reset_at(), Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_060)));
    }

    #[test]
    fn several_values_keep_the_most_restrictive() {
        let h = headers(&[
            ("x-rate-limit-limit", "600"),
            ("x-rate-limit-limit", "50, 100"),
            ("x-rate-limit-remaining", "10"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "100, 160"),
            ("x-rate-limit-reset", "junk"),
        ]);
        let info = parse_rate_limit(&h);
        assert_eq!((info.limit, info.remaining, info.reset), (Some(50), Some(0), Some(160)));
    }

    #[test]
    fn malformed_headers_give_none() {
        for (reset, date) in [
            ("abc", "Tue, 14 Nov 2023 22:13:20 GMT"),
            ("-5", "yesterday"),
            ("1.5", ""),
            ("99999999999999999999999", "Tue, 14 Nov 2023 22:13:20 GMT"),
        ] {
            let info = parse_rate_limit(&headers(&[("x-rate-limit-reset", reset), ("date", date)]));
            assert_eq!(info.wait(), None, "{reset} / {date}");
        }
        assert_eq!(parse_rate_limit(&HeaderMap::new()), RateLimitInfo::default());
    }

    #[test]
    fn huge_reset_does_not_overflow() {
        let info = parse_rate_limit(&headers(&[
            ("x-rate-limit-reset", &u64::MAX.to_string()),
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
        ]));
        assert_eq!(info.reset, Some(u64::MAX));
        assert!(info.wait().unwrap() > Duration::from_secs(1 << 60));
        // Not representable as a SystemTime on every platform: must not panic either way.
        let _ = info.reset_at();
        let p = RetryPolicy::default();
        let d = rate_limit_delay(
            &p,
            &headers(&[("x-rate-limit-reset", &u64::MAX.to_string()), ("date", "Tue, 14 Nov 2023 22:13:20 GMT")]),
            1,
        );
        assert!(d > Duration::from_secs(1 << 60));
    }

    #[test]
    fn rate_limit_delay_uses_server_clock_and_falls_back_to_backoff() {
        let p = RetryPolicy::default()
            .with_rate_limit_jitter(Duration::from_millis(100))
            .with_backoff(Duration::from_millis(200), Duration::from_secs(1));
        // Server clock far from ours: only reset - Date matters.
        let h = headers(&[("x-rate-limit-reset", "4102444803"), ("date", "Fri, 01 Jan 2100 00:00:00 GMT")]);
        let d = rate_limit_delay(&p, &h, 1);
        assert!(d >= Duration::from_secs(3) && d <= Duration::from_millis(3100), "{d:?}");
        // Reset already past: backoff, not an instant retry.
        let h = headers(&[("x-rate-limit-reset", "4102444790"), ("date", "Fri, 01 Jan 2100 00:00:00 GMT")]);
        let d = rate_limit_delay(&p, &h, 1);
        assert!(d >= Duration::from_millis(100) && d <= Duration::from_millis(200), "{d:?}");
        // Missing headers: backoff; Retry-After honoured.
        let d = rate_limit_delay(&p, &HeaderMap::new(), 2);
        assert!(d >= Duration::from_millis(200) && d <= Duration::from_millis(400), "{d:?}");
        let d = rate_limit_delay(&p, &headers(&[("retry-after", "2")]), 1);
        assert!(d >= Duration::from_secs(2), "{d:?}");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_millis(350));
        for _ in 0..50 {
            let b1 = p.backoff(1);
            assert!(b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100));
            let b2 = p.backoff(2);
            assert!(b2 >= Duration::from_millis(100) && b2 <= Duration::from_millis(200));
            let b9 = p.backoff(9);
            assert!(b9 >= Duration::from_millis(175) && b9 <= Duration::from_millis(350));
            let huge = p.backoff(u32::MAX);
            assert!(huge <= Duration::from_millis(350));
        }
        let p = RetryPolicy::default().with_backoff(Duration::MAX, Duration::MAX);
        assert!(p.backoff(40) >= Duration::MAX / 2);
    }

    #[tokio::test]
    async fn an_unbounded_budget_still_retries() {
        // `Duration::MAX` cannot be added to an `Instant`: it must mean "no limit", not "no retry".
        let policy = RetryPolicy::default()
            .with_max_elapsed(Duration::MAX)
            .with_request_timeout(None)
            .with_backoff(Duration::from_millis(1), Duration::from_millis(2));
        let calls = std::sync::atomic::AtomicU32::new(0);
        let req = reqwest::Request::new(Method::GET, "http://127.0.0.1:9/".parse().unwrap());
        let res = execute(&policy, req, |r| {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            assert_eq!(r.timeout(), None);
            async {
                let resp = http::Response::builder().status(503).body(Vec::<u8>::new()).unwrap();
                Ok(reqwest::Response::from(resp))
            }
        })
        .await;
        assert_eq!(res.unwrap_err().status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 3);
    }

    #[test]
    fn idempotent_methods() {
        for m in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS] {
            assert!(is_idempotent(&m));
        }
        for m in [Method::POST, Method::PATCH, Method::CONNECT] {
            assert!(!is_idempotent(&m));
        }
    }
}
