//! Okta's rate-limit headers: `X-Rate-Limit-Limit`, `-Remaining`, `-Reset`, and the `Date` they are measured on.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

const RATE_LIMIT_LIMIT: &str = "x-rate-limit-limit";
const RATE_LIMIT_REMAINING: &str = "x-rate-limit-remaining";
const RATE_LIMIT_RESET: &str = "x-rate-limit-reset";

/// Rate-limit headers of a response (`X-Rate-Limit-Limit`, `-Remaining`, `-Reset`) and its `Date`.
///
/// Okta may send a header more than once (several limits apply to one endpoint); the most restrictive value is
/// kept: the smallest limit and remaining, the latest reset. Values that do not parse are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitInfo {
    /// `X-Rate-Limit-Limit`: requests allowed in the current window.
    pub limit: Option<u64>,
    /// `X-Rate-Limit-Remaining`: requests left in the current window.
    pub remaining: Option<u64>,
    /// `X-Rate-Limit-Reset`: when the window resets, in seconds since the Unix epoch (server clock).
    pub reset: Option<u64>,
    /// The response's `Date` header, in seconds since the Unix epoch (server clock).
    pub date: Option<u64>,
}

impl RateLimitInfo {
    /// Reads the rate-limit headers of a response. Pure; never fails: missing or malformed headers give
    /// `None` fields.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        parse_rate_limit(headers)
    }

    /// When the window resets, as a time (server clock).
    pub fn reset_at(&self) -> Option<SystemTime> {
        reset_at(self.reset)
    }

    /// How long to wait for the window to reset, measured on the server's clock (`reset - Date`), so local
    /// clock skew does not matter. `None` without both headers; zero if the reset is already past.
    pub fn wait(&self) -> Option<Duration> {
        let (reset, date) = (self.reset?, self.date?);
        Some(Duration::from_secs(reset.saturating_sub(date)))
    }
}

/// When a window resetting at `reset` (`X-Rate-Limit-Reset`, epoch seconds) resets, as a time (server clock).
pub(crate) fn reset_at(reset: Option<u64>) -> Option<SystemTime> {
    reset.and_then(|s| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s)))
}

/// Parses the rate-limit headers; see [`RateLimitInfo::from_headers`].
pub fn parse_rate_limit(headers: &HeaderMap) -> RateLimitInfo {
    RateLimitInfo {
        limit: numbers(headers, RATE_LIMIT_LIMIT).min(),
        remaining: numbers(headers, RATE_LIMIT_REMAINING).min(),
        reset: numbers(headers, RATE_LIMIT_RESET).max(),
        date: headers
            .get(http::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| httpdate::parse_http_date(s.trim()).ok())
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map(|d| d.as_secs()),
    }
}

/// Every non-negative integer in every instance of a header, comma-separated lists included.
fn numbers<'a>(headers: &'a HeaderMap, name: &'static str) -> impl Iterator<Item = u64> + 'a {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|s| s.split(','))
        .filter_map(|s| s.trim().parse::<u64>().ok())
}

impl RateLimitInfo {
    /// Whether these headers are the older form of Okta's answer over the org's limit of requests in flight,
    /// `X-Rate-Limit-Limit: 0`. (The form Okta documents reports the concurrency limit itself, which only the
    /// bucket's own limit tells apart: the client's rate limiter does that.)
    pub fn is_concurrency_limit(&self) -> bool {
        self.limit == Some(0)
    }
}
