//! Scriptable faults, per route.

use std::time::Duration;

/// A fault to inject on the requests matching a route (see [`MockOrg::inject`](crate::MockOrg::inject)).
///
/// Unless noted, a fault applies to the next matching request only; inject it several times
/// or use [`MockOrg::inject_times`](crate::MockOrg::inject_times) for more.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Every Nth matching request (N, 2N, ...) gets a 429 (E0000047) with
    /// `X-Rate-Limit-Remaining: 0` and `X-Rate-Limit-Reset` = now + the reset delay.
    /// Persistent. N = 0 is treated as 1.
    RateLimitEvery(u32),
    /// The next `count` matching requests get a 429.
    RateLimitBurst(u32),
    /// The next `count` matching requests get `status` with an Okta error body (E0000009),
    /// without being processed.
    ServerError {
        /// HTTP status to answer with (e.g. 500, 502, 503, 504).
        status: u16,
        /// How many requests to fail.
        count: u32,
    },
    /// Every matching request waits this long before being processed. Persistent.
    Latency(Duration),
    /// The connection is closed without a response, before the request is processed.
    DropBeforeProcessing,
    /// The request is processed (side effects happen) and then the connection is closed
    /// without a response.
    DropAfterProcessing,
    /// The request is processed; the response keeps its status and headers but its body is
    /// syntactically invalid JSON.
    MalformedJson,
    /// The request is processed; the response declares the full `Content-Length` but only
    /// half of the body is sent before the connection is closed.
    TruncatedBody,
    /// The request is processed; the response is an HTML page with `Content-Type: text/html`.
    WrongContentType,
    /// The response carries an unparsable `Link` header.
    BrokenLinkHeader,
    /// The response carries an unparsable `Date` header.
    BrokenDateHeader,
    /// The response carries an unparsable `X-Rate-Limit-Reset` header (combine with a rate
    /// limit fault to break a 429's reset).
    BrokenResetHeader,
}

/// A route pattern: `"METHOD /path"`, where `*` as method matches any method, `{...}` segments match any one
/// segment and a trailing `/*` matches any rest.
#[derive(Debug, Clone)]
pub(crate) struct RoutePattern {
    method: String,
    segments: Vec<String>,
}

impl RoutePattern {
    pub(crate) fn new(route: &str) -> Option<Self> {
        let (method, path) = route.trim().split_once(' ')?;
        let path = path.trim();
        if !path.starts_with('/') {
            return None;
        }
        Some(RoutePattern {
            method: method.to_ascii_uppercase(),
            segments: path.trim_end_matches('/').split('/').map(str::to_string).collect(),
        })
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        if self.method != "*" && self.method != method {
            return false;
        }
        let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let mut i = 0;
        for (n, p) in self.segments.iter().enumerate() {
            if p == "*" && n + 1 == self.segments.len() {
                return true;
            }
            match segs.get(i) {
                Some(s) if (p.starts_with('{') && p.ends_with('}')) || p == s => {}
                _ => return false,
            }
            i += 1;
        }
        i == segs.len()
    }
}

/// An injected fault with its route pattern and remaining uses.
#[derive(Debug, Clone)]
pub(crate) struct FaultEntry {
    pub route: RoutePattern,
    pub fault: Fault,
    /// `None`: persistent.
    pub remaining: Option<u32>,
    pub seen: u64,
}

impl FaultEntry {
    /// Parses `"GET /api/v1/users/{userId}"` (`*` as method matches any method; `{...}`
    /// segments match any one segment; a trailing `/*` matches any rest).
    pub fn new(route: &str, fault: Fault, times: Option<u32>) -> Option<Self> {
        let route = RoutePattern::new(route)?;
        let remaining = match (&fault, times) {
            (_, Some(n)) => Some(n),
            (Fault::RateLimitEvery(_) | Fault::Latency(_), None) => None,
            (Fault::RateLimitBurst(n), None) => Some(*n),
            (Fault::ServerError { count, .. }, None) => Some(*count),
            (_, None) => Some(1),
        };
        Some(Self { route, fault, remaining, seen: 0 })
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.route.matches(method, path)
    }
}

/// The faults that apply to one request.
#[derive(Debug, Default, Clone)]
pub(crate) struct Applied {
    pub latency: Duration,
    pub rate_limit: bool,
    pub server_error: Option<u16>,
    pub drop_before: bool,
    pub drop_after: bool,
    pub malformed: bool,
    pub truncated: bool,
    pub wrong_content_type: bool,
    pub broken_link: bool,
    pub broken_date: bool,
    pub broken_reset: bool,
}

/// Decides which faults apply to a request and consumes their uses.
pub(crate) fn apply(entries: &mut Vec<FaultEntry>, method: &str, path: &str) -> Applied {
    let mut a = Applied::default();
    for e in entries.iter_mut() {
        if !e.matches(method, path) || e.remaining == Some(0) {
            continue;
        }
        e.seen += 1;
        let fire = match &e.fault {
            Fault::RateLimitEvery(n) => e.seen % u64::from((*n).max(1)) == 0,
            _ => true,
        };
        if !fire {
            continue;
        }
        if let Some(r) = e.remaining.as_mut() {
            *r -= 1;
        }
        match &e.fault {
            Fault::RateLimitEvery(_) | Fault::RateLimitBurst(_) => a.rate_limit = true,
            Fault::ServerError { status, .. } => a.server_error = Some(*status),
            Fault::Latency(d) => a.latency += *d,
            Fault::DropBeforeProcessing => a.drop_before = true,
            Fault::DropAfterProcessing => a.drop_after = true,
            Fault::MalformedJson => a.malformed = true,
            Fault::TruncatedBody => a.truncated = true,
            Fault::WrongContentType => a.wrong_content_type = true,
            Fault::BrokenLinkHeader => a.broken_link = true,
            Fault::BrokenDateHeader => a.broken_date = true,
            Fault::BrokenResetHeader => a.broken_reset = true,
        }
    }
    entries.retain(|e| e.remaining != Some(0));
    a
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn route_patterns() {
        let e = FaultEntry::new("GET /api/v1/users/{id}", Fault::MalformedJson, None).unwrap();
        assert!(e.matches("GET", "/api/v1/users/00u1"));
        assert!(!e.matches("GET", "/api/v1/users"));
        assert!(!e.matches("POST", "/api/v1/users/00u1"));
        let e = FaultEntry::new("* /api/v1/*", Fault::MalformedJson, None).unwrap();
        assert!(e.matches("DELETE", "/api/v1/groups/x/users/y"));
        assert!(FaultEntry::new("GET", Fault::MalformedJson, None).is_none());
    }

    #[test]
    fn every_nth_and_bursts() {
        let mut v = vec![
            FaultEntry::new("GET /a", Fault::RateLimitEvery(3), None).unwrap(),
            FaultEntry::new("GET /b", Fault::RateLimitBurst(2), None).unwrap(),
        ];
        let hits: Vec<bool> = (0..6).map(|_| apply(&mut v, "GET", "/a").rate_limit).collect();
        assert_eq!(hits, [false, false, true, false, false, true]);
        let hits: Vec<bool> = (0..3).map(|_| apply(&mut v, "GET", "/b").rate_limit).collect();
        assert_eq!(hits, [true, true, false]);
    }
}
