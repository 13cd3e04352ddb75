//! The crate's error type.
//!
//! Every fallible operation of the SDK returns [`Error`]. Errors coming from Okta itself (an HTTP error
//! status) are [`Error::Api`], which decodes Okta's error body (`errorCode`, `errorSummary`, `errorCauses`,
//! ...) when there is one, and otherwise keeps a short, sanitised excerpt of whatever the server sent (an HTML
//! page from a proxy, an empty body, truncated JSON), so the error stays useful.
//!
//! `Display` is always a single line; `std::error::Error::source` chains to the underlying cause.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use serde::Deserialize;

mod pagination;
mod scope;

#[doc(hidden)]
pub use crate::excerpt::excerpt;
pub use pagination::{LinkSyntaxError, PaginationError};
pub use scope::InsufficientScope;

/// `Result` with the crate's [`Error`] as default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Maximum size, in bytes, of a body excerpt kept in an error.
pub const MAX_EXCERPT_BYTES: usize = 512;

/// Maximum number of bytes of an error body read from the network; Okta error bodies are tiny, anything
/// larger is a proxy page of which only the excerpt is kept anyway.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Longest `X-Okta-Request-Id` kept; real ids are ~30 characters, anything longer is not an id.
const MAX_REQUEST_ID_LEN: usize = 128;

/// Number of `errorCauses` kept from an error body.
const MAX_CAUSES: usize = 20;

/// Header carrying Okta's request id.
pub(crate) const REQUEST_ID_HEADER: &str = "x-okta-request-id";

/// Every error returned by the SDK.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Okta answered with an error status (other than exhausted rate limiting).
    #[error(transparent)]
    Api(#[from] ApiError),

    /// The access token lacks a scope the operation needs: Okta answered `403` with `WWW-Authenticate: …
    /// error="insufficient_scope"`. It names the operation and the scopes it needs.
    #[error(transparent)]
    InsufficientScope(InsufficientScope),

    /// Okta kept answering `429 Too Many Requests` and the retries (or the time budget) ran out.
    #[error(
        "rate limited by Okta after {attempts} attempt(s){}{}",
        fmt_reset(*reset_at, *retry_after),
        fmt_request_id(request_id.as_deref())
    )]
    RateLimited {
        /// When the rate-limit window resets, as reported by Okta (`X-Rate-Limit-Reset`, server clock).
        reset_at: Option<SystemTime>,
        /// How long Okta asked to wait, measured against the server's `Date` header (so local clock skew does
        /// not matter), as of the last response.
        retry_after: Option<Duration>,
        /// `X-Okta-Request-Id` of the last `429` response.
        request_id: Option<String>,
        /// Number of requests sent.
        attempts: u32,
    },

    /// A request did not complete in time.
    #[error("request timed out ({kind}) after {elapsed:?} and {attempts} attempt(s)")]
    Timeout {
        /// Which limit was hit.
        kind: TimeoutKind,
        /// Time spent on the whole call, retries included.
        elapsed: Duration,
        /// Number of requests sent.
        attempts: u32,
        /// The underlying transport error, when there is one.
        #[source]
        source: Option<reqwest::Error>,
    },

    /// Connection-level failure (DNS, connect, TLS, connection reset, ...).
    #[error(transparent)]
    Transport(reqwest::Error),

    /// A response body could not be decoded into the expected type.
    #[error(
        "could not decode the response{} (HTTP {}){}: {source}; body starts with: {}",
        fmt_operation(operation.as_deref()),
        fmt_status(*status),
        fmt_path(path.as_deref()),
        fmt_short(excerpt)
    )]
    Decode {
        /// Operation id (e.g. `listUsers`), when known.
        operation: Option<Cow<'static, str>>,
        /// HTTP status of the response, when known.
        status: Option<StatusCode>,
        /// Where in the body decoding failed, as a JSON path (`[3].profile.login`), when known.
        path: Option<String>,
        /// Sanitised excerpt of the body (at most [`MAX_EXCERPT_BYTES`] bytes, one line).
        excerpt: String,
        /// The JSON error, with line and column.
        source: serde_json::Error,
    },

    /// Invalid client configuration.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),

    /// Authentication or authorization failure on the client side (token acquisition, DPoP, ...).
    /// A connection-level failure met while authenticating is [`Error::Transport`] instead.
    #[error(transparent)]
    Auth(crate::auth::AuthError),

    /// Pagination could not continue (malformed `Link` header, next link to another host, ...).
    #[error(transparent)]
    Pagination(#[from] PaginationError),

    /// The request could not be built (a required parameter missing or invalid, a body that does not serialize).
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// A response came with a media type the operation does not produce (e.g. an HTML page from a proxy).
    #[error("{operation}: expected JSON, got `{content_type}` (status {status}): {excerpt}")]
    UnexpectedContentType {
        /// Operation (Rust method name).
        operation: Cow<'static, str>,
        /// HTTP status.
        status: StatusCode,
        /// The `Content-Type` received.
        content_type: String,
        /// Sanitised excerpt of the body.
        excerpt: String,
    },

    /// A retry was needed but the request could not be re-sent; `source` is the error of the last attempt.
    #[error("{reason}: the request was not retried after {attempts} attempt(s)")]
    NotRetryable {
        /// Why the request could not be retried.
        reason: NotRetryableReason,
        /// Number of requests sent.
        attempts: u32,
        /// The error of the last attempt.
        #[source]
        source: Box<Error>,
    },
}

impl From<crate::auth::AuthError> for Error {
    /// Connection failures and timeouts reported by the authentication layer (which sends the
    /// request) are transport errors, so that the retry layer can tell a connect failure from a
    /// timeout and retry them, and callers match one variant for every connection problem.
    fn from(error: crate::auth::AuthError) -> Self {
        match error {
            crate::auth::AuthError::Transport(e) => Error::Transport(e),
            other => Error::Auth(other),
        }
    }
}

impl Error {
    /// A sanitised, bounded excerpt of a body, for error messages.
    pub(crate) fn excerpt_of(body: &[u8]) -> String {
        excerpt(body, MAX_EXCERPT_BYTES)
    }

    /// Builds an [`Error::Decode`] from a body that failed to decode, keeping a bounded excerpt of it.
    pub fn decode(
        operation: Option<Cow<'static, str>>,
        status: Option<StatusCode>,
        body: &[u8],
        source: serde_json::Error,
    ) -> Self {
        Error::Decode { operation, status, path: None, excerpt: excerpt(body, MAX_EXCERPT_BYTES), source }
    }

    /// HTTP status of the response behind this error, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::InsufficientScope(e) => Some(e.api_error().status()),
            Error::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            Error::Decode { status, .. } => *status,
            Error::Transport(e) => e.status(),
            Error::NotRetryable { source, .. } => source.status(),
            _ => None,
        }
    }

    /// `X-Okta-Request-Id` of the response behind this error, when there was one (quote it to Okta support).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id(),
            Error::InsufficientScope(e) => e.api_error().request_id(),
            Error::RateLimited { request_id, .. } => request_id.as_deref(),
            Error::NotRetryable { source, .. } => source.request_id(),
            _ => None,
        }
    }
}

/// Which time limit a [`Error::Timeout`] hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// The per-request timeout of one attempt.
    Request,
    /// The total time budget of the call (`RetryPolicy::max_elapsed`), retries included.
    MaxElapsed,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Request => "per-request timeout",
            TimeoutKind::MaxElapsed => "total time budget exhausted",
        })
    }
}

/// Why a request that needed a retry could not be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotRetryableReason {
    /// The request body is a stream, which cannot be cloned to be sent again.
    BodyNotClonable,
}

impl fmt::Display for NotRetryableReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotRetryableReason::BodyNotClonable => "the request body is a stream and cannot be cloned",
        })
    }
}

/// An error response from Okta: HTTP status, `X-Okta-Request-Id`, and Okta's error body when it had one.
///
/// Okta's error body looks like
/// `{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: xyz (User)","errorLink":"E0000007",
/// "errorId":"oae...","errorCauses":[{"errorSummary":"..."}]}`; OAuth endpoints use
/// `{"error":"invalid_client","error_description":"..."}`, which is mapped to the same accessors. Any other body
/// is kept as a sanitised excerpt ([`ApiError::body_excerpt`]).
#[derive(Debug, Clone)]
pub struct ApiError(Box<ApiErrorInner>);

#[derive(Debug, Clone)]
struct ApiErrorInner {
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
    error_code: Option<String>,
    summary: Option<String>,
    link: Option<String>,
    error_id: Option<String>,
    causes: Vec<String>,
    /// Set when the body was not a recognisable Okta error body.
    excerpt: Option<String>,
}

/// Okta's error body, and the OAuth 2.0 one, in one lenient shape.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    error_code: Option<String>,
    error_summary: Option<String>,
    error_link: Option<String>,
    error_id: Option<String>,
    #[serde(default)]
    error_causes: Option<Vec<ErrorCause>>,
    error: Option<String>,
    #[serde(rename = "error_description")]
    error_description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorCause {
    error_summary: Option<String>,
}

impl ApiError {
    /// Reads an error response (at most 64 KiB of its body) and turns it into [`Error::Api`].
    ///
    /// Never fails: if the body cannot be read completely, what was read is used.
    pub async fn from_response(mut resp: reqwest::Response) -> Error {
        let status = resp.status();
        let headers = std::mem::take(resp.headers_mut());
        let mut body: Vec<u8> = Vec::new();
        // Read chunk by chunk so a huge proxy page is not buffered whole.
        while body.len() < MAX_ERROR_BODY_BYTES {
            match resp.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                // A body cut by the network is treated like a truncated body: the excerpt shows it.
                Ok(None) | Err(_) => break,
            }
        }
        Error::Api(ApiError::from_parts(status, &headers, &body))
    }

    /// Builds the error from a status, the response headers and the (possibly partial) body. Pure; never
    /// panics whatever the bytes.
    pub fn from_parts(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ApiError {
        let request_id = request_id_of(headers);
        let mut inner = ApiErrorInner {
            status,
            headers: kept_headers(headers),
            request_id,
            error_code: None,
            summary: None,
            link: None,
            error_id: None,
            causes: Vec::new(),
            excerpt: None,
        };
        let looks_like_object = body.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| *b == b'{');
        let parsed = if looks_like_object { serde_json::from_slice::<ErrorBody>(body).ok() } else { None };
        match parsed {
            Some(b)
                if b.error_code.is_some()
                    || b.error_summary.is_some()
                    || b.error.is_some()
                    || b.error_description.is_some() =>
            {
                inner.error_code = b.error_code.or(b.error).map(|s| clean(&s));
                inner.summary = b.error_summary.or(b.error_description).map(|s| clean(&s));
                inner.link = b.error_link.map(|s| clean(&s));
                inner.error_id = b.error_id.map(|s| clean(&s));
                inner.causes = b
                    .error_causes
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|c| c.error_summary)
                    .take(MAX_CAUSES)
                    .map(|s| clean(&s))
                    .collect();
            }
            _ => inner.excerpt = Some(excerpt(body, MAX_EXCERPT_BYTES)),
        }
        ApiError(Box::new(inner))
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// `X-Okta-Request-Id` of the response.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The response's headers that describe it (`X-Rate-Limit-*`, `Date`, `Retry-After`, `X-Okta-Request-Id`,
    /// `Content-Type`, `WWW-Authenticate`): `retry::RateLimitInfo::from_headers(err.headers())` reads the bucket.
    /// Others (cookies, say) are not kept.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// Okta's `errorCode` (e.g. `E0000007`), or the OAuth `error` code.
    pub fn error_code(&self) -> Option<&str> {
        self.0.error_code.as_deref()
    }

    /// Okta's `errorSummary`, or the OAuth `error_description`.
    pub fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }

    /// Okta's `errorLink`.
    pub fn error_link(&self) -> Option<&str> {
        self.0.link.as_deref()
    }

    /// Okta's `errorId` (identifies this occurrence in Okta's logs).
    pub fn error_id(&self) -> Option<&str> {
        self.0.error_id.as_deref()
    }

    /// The `errorSummary` of each of Okta's `errorCauses` (e.g. per-field validation messages).
    pub fn causes(&self) -> &[String] {
        &self.0.causes
    }

    /// When the body was not an Okta error body: a sanitised one-line excerpt of it (at most
    /// [`MAX_EXCERPT_BYTES`] bytes; empty for an empty body).
    pub fn body_excerpt(&self) -> Option<&str> {
        self.0.excerpt.as_deref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.0;
        write!(f, "Okta API error {}", i.status.as_u16())?;
        match (&i.error_code, &i.summary, &i.excerpt) {
            (code, summary, None) => {
                if let Some(code) = code {
                    write!(f, " {code}")?;
                }
                if let Some(summary) = summary {
                    write!(f, ": {summary}")?;
                }
                if !i.causes.is_empty() {
                    write!(f, " (causes: {})", i.causes.join("; "))?;
                }
            }
            (_, _, Some(excerpt)) => {
                if let Some(reason) = i.status.canonical_reason() {
                    write!(f, " {reason}")?;
                }
                if excerpt.is_empty() {
                    f.write_str(" (empty body)")?;
                } else {
                    write!(f, " (unrecognised body: {})", fmt_short(excerpt))?;
                }
            }
        }
        f.write_str(&fmt_request_id(i.request_id.as_deref()))
    }
}

impl std::error::Error for ApiError {}

/// `X-Okta-Request-Id` of a response, if present, printable and of sane length.
pub(crate) fn request_id_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= MAX_REQUEST_ID_LEN)
        .map(str::to_owned)
}

/// The headers an [`ApiError`] keeps: what describes the error and the rate limit, nothing that could be a secret.
fn kept_headers(headers: &HeaderMap) -> HeaderMap {
    const KEPT: [&str; 8] = [
        "x-rate-limit-limit",
        "x-rate-limit-remaining",
        "x-rate-limit-reset",
        "date",
        "retry-after",
        REQUEST_ID_HEADER,
        "content-type",
        "www-authenticate",
    ];
    let mut kept = HeaderMap::new();
    for (name, value) in headers {
        if KEPT.contains(&name.as_str()) {
            kept.append(name.clone(), value.clone());
        }
    }
    kept
}

/// Sanitises a string field of an error body for display.
fn clean(s: &str) -> String {
    crate::excerpt::one_line(s, MAX_EXCERPT_BYTES).0
}

/// At most ~120 bytes of an excerpt, for `Display` lines.
fn fmt_short(excerpt: &str) -> String {
    const SHORT: usize = 120;
    if excerpt.len() <= SHORT {
        return format!("\"{excerpt}\"");
    }
    let mut end = SHORT;
    while !excerpt.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    format!("\"{}…\"", excerpt.get(..end).unwrap_or_default())
}

fn fmt_request_id(id: Option<&str>) -> String {
    id.map(|id| format!(" (request id {id})")).unwrap_or_default()
}

fn fmt_operation(op: Option<&str>) -> String {
    op.map(|op| format!(" of {op}")).unwrap_or_default()
}

fn fmt_path(path: Option<&str>) -> String {
    path.map(|p| format!(" at `{p}`")).unwrap_or_default()
}

fn fmt_status(status: Option<StatusCode>) -> String {
    status.map_or_else(|| "status unknown".to_owned(), |s| s.as_u16().to_string())
}

fn fmt_reset(reset_at: Option<SystemTime>, retry_after: Option<Duration>) -> String {
    match (reset_at, retry_after) {
        (Some(at), Some(after)) => format!("; limit resets at {} (in {}s)", fmt_time(at), after.as_secs()),
        (Some(at), None) => format!("; limit resets at {}", fmt_time(at)),
        (None, Some(after)) => format!("; limit resets in {}s", after.as_secs()),
        (None, None) => String::new(),
    }
}

/// An HTTP date, or the Unix time in seconds when the time is outside what an HTTP date can show
/// (`httpdate` panics after year 9999, and `X-Rate-Limit-Reset` is whatever the server sent).
fn fmt_time(at: SystemTime) -> String {
    /// 10000-01-01T00:00:00Z.
    const HTTP_DATE_END: u64 = 253_402_300_800;
    match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) if since.as_secs() < HTTP_DATE_END => httpdate::fmt_http_date(at),
        Ok(since) => format!("{}s after the Unix epoch", since.as_secs()),
        Err(_) => "a time before the Unix epoch".to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use std::error::Error as _;

    fn headers_with_id(id: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(REQUEST_ID_HEADER, HeaderValue::from_str(id).unwrap());
        h
    }

    #[test]
    fn okta_json_error_body() {
        let body = br#"{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: xyz (User)",
            "errorLink":"E0000007","errorId":"oaeABC","errorCauses":[]}"#;
        let e = ApiError::from_parts(StatusCode::NOT_FOUND, &headers_with_id("reqABC"), body);
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
        assert_eq!(e.error_code(), Some("E0000007"));
        assert_eq!(e.error_link(), Some("E0000007"));
        assert_eq!(e.error_id(), Some("oaeABC"));
        assert_eq!(e.request_id(), Some("reqABC"));
        assert!(e.body_excerpt().is_none());
        assert_eq!(
            e.to_string(),
            "Okta API error 404 E0000007: Not found: Resource not found: xyz (User) (request id reqABC)"
        );
    }

    #[test]
    fn causes_are_listed() {
        let body = br#"{"errorCode":"E0000001","errorSummary":"Api validation failed: login",
            "errorCauses":[{"errorSummary":"login: An object with this field already exists"},
            {"errorSummary":"email: bad\nvalue"}, {"other": 1}]}"#;
        let e = ApiError::from_parts(StatusCode::BAD_REQUEST, &HeaderMap::new(), body);
        assert_eq!(e.causes().len(), 2);
        let s = e.to_string();
        assert!(!s.contains('\n'));
        assert_eq!(
            s,
            "Okta API error 400 E0000001: Api validation failed: login (causes: login: An object with \
             this field already exists; email: bad value)"
        );
    }

    #[test]
    fn oauth_error_body() {
        let body = br#"{"error":"invalid_client","error_description":"Client authentication failed."}"#;
        let e = ApiError::from_parts(StatusCode::UNAUTHORIZED, &HeaderMap::new(), body);
        assert_eq!(e.error_code(), Some("invalid_client"));
        assert_eq!(e.summary(), Some("Client authentication failed."));
    }

    #[test]
    fn html_body_gives_excerpt() {
        let body = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>";
        let e = ApiError::from_parts(StatusCode::BAD_GATEWAY, &headers_with_id("r1"), body);
        assert_eq!(
            e.body_excerpt(),
            Some("<html> <head><title>502 Bad Gateway</title></head> <body>nginx</body></html>")
        );
        let s = e.to_string();
        assert!(s.starts_with("Okta API error 502 Bad Gateway (unrecognised body: \"<html>"), "{s}");
        assert!(s.ends_with("(request id r1)"), "{s}");
    }

    #[test]
    fn empty_body() {
        let e = ApiError::from_parts(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
        assert_eq!(e.body_excerpt(), Some(""));
        assert_eq!(e.to_string(), "Okta API error 503 Service Unavailable (empty body)");
    }

    #[test]
    fn truncated_json_and_unrelated_json() {
        let e = ApiError::from_parts(StatusCode::INTERNAL_SERVER_ERROR, &HeaderMap::new(), br#"{"errorCode":"E00"#);
        assert_eq!(e.error_code(), None);
        assert_eq!(e.body_excerpt(), Some(r#"{"errorCode":"E00"#));
        let e = ApiError::from_parts(StatusCode::BAD_REQUEST, &HeaderMap::new(), br#"{"foo":1}"#);
        assert_eq!(e.body_excerpt(), Some(r#"{"foo":1}"#));
        let e = ApiError::from_parts(StatusCode::BAD_REQUEST, &HeaderMap::new(), br#"{"errorCode":5}"#);
        assert!(e.body_excerpt().is_some());
        let e = ApiError::from_parts(StatusCode::BAD_REQUEST, &HeaderMap::new(), b"[1,2]");
        assert_eq!(e.body_excerpt(), Some("[1,2]"));
    }

    #[test]
    fn excerpt_is_bounded_and_char_safe() {
        // 'é' is 2 bytes: 300 of them = 600 bytes, the cut at 512 falls on a boundary, at 511 inside one.
        let body = "é".repeat(300);
        let ex = excerpt(body.as_bytes(), 511);
        assert!(ex.len() <= 511);
        assert!(ex.ends_with('…'));
        assert_eq!(ex.trim_end_matches('…').chars().count(), 254);
        let ex = excerpt(body.as_bytes(), 512);
        assert!(ex.len() <= 512 && ex.ends_with('…'));
        // Not cut: no ellipsis.
        assert_eq!(excerpt("ééé".as_bytes(), 6), "ééé");
        let ex = excerpt(&[0xff, 0xfe, b'a', 0xc3], 10);
        assert_eq!(ex, "\u{fffd}\u{fffd}a\u{fffd}");
        assert_eq!(excerpt(b"  \n\t ", 10), "");
        assert_eq!(excerpt(b"abc", 0), "…");
    }

    #[test]
    fn request_id_is_bounded() {
        let long = "a".repeat(500);
        let e = ApiError::from_parts(StatusCode::BAD_REQUEST, &headers_with_id(&long), b"");
        assert_eq!(e.request_id(), None);
    }

    #[test]
    fn from_parts_never_panics_on_random_bytes() {
        use rand::Rng;
        let mut rng = rand::rng();
        let seeds: [&[u8]; 4] = [b"{\"errorCode\":", b"{\"errorCauses\":[{", b"<html>", b"{\"error\":\"x\""];
        for i in 0..2000 {
            let len = rng.random_range(0..700);
            let mut body: Vec<u8> = seeds[i % seeds.len()].to_vec();
            body.extend((0..len).map(|_| rng.random::<u8>()));
            let e = ApiError::from_parts(StatusCode::BAD_REQUEST, &HeaderMap::new(), &body);
            let s = e.to_string();
            assert!(!s.contains('\n') && !s.contains('\r'));
            if let Some(ex) = e.body_excerpt() {
                assert!(ex.len() <= MAX_EXCERPT_BYTES);
            }
        }
    }

    #[test]
    fn decode_error_display_and_source() {
        let body = b"{\"id\": oops}";
        let err = serde_json::from_slice::<serde_json::Value>(body).unwrap_err();
        let e = Error::decode(Some("listUsers".into()), Some(StatusCode::OK), body, err);
        let s = e.to_string();
        assert!(s.starts_with("could not decode the response of listUsers (HTTP 200): "), "{s}");
        assert!(s.contains("{\"id\": oops}"), "{s}");
        assert!(e.source().is_some());
        assert_eq!(e.status(), Some(StatusCode::OK));
    }

    #[test]
    fn not_retryable_chains() {
        let inner = Error::Api(ApiError::from_parts(StatusCode::SERVICE_UNAVAILABLE, &headers_with_id("q"), b""));
        let e =
            Error::NotRetryable { reason: NotRetryableReason::BodyNotClonable, attempts: 1, source: Box::new(inner) };
        assert_eq!(
            e.to_string(),
            "the request body is a stream and cannot be cloned: the request was not retried after 1 attempt(s)"
        );
        assert!(e.source().unwrap().to_string().contains("503"));
        assert_eq!(e.request_id(), Some("q"));
        assert_eq!(e.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    }

    #[test]
    fn rate_limited_display() {
        let e = Error::RateLimited {
            reset_at: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            retry_after: Some(Duration::from_secs(42)),
            request_id: Some("abc".into()),
            attempts: 3,
        };
        assert_eq!(
            e.to_string(),
            "rate limited by Okta after 3 attempt(s); limit resets at Tue, 14 Nov 2023 22:13:20 GMT (in 42s) \
             (request id abc)"
        );
    }

    #[test]
    fn error_is_small() {
        // Keeps `Result<T, Error>` cheap to move (clippy::result_large_err).
        assert!(std::mem::size_of::<Error>() <= 128, "{}", std::mem::size_of::<Error>());
    }
}
