//! Where every request goes through: the generated builders' `send` / `send_with_response` (the generator makes
//! them call [`json`], [`empty`] or [`bytes`] with the request the builder describes), each page of a listing, and
//! the hand-written operations. One path: retry (outermost) → auth → HTTP, in one `okta.request` span.

use crate::auth::Authenticator;
use crate::decode::Decoding;
use crate::error::Error;
use crate::generated;
use crate::rate_limit::RateLimiter;
use crate::retry::RetryPolicy;
use crate::{ByteStream, Response};
use okta_management_types::Lenient;
use progenitor_client::{ClientHooks, ClientInfo};
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::sync::Arc;
use tracing::Instrument;

/// Shared runtime state of a client: the generated client's inner part.
pub struct Runtime {
    pub(crate) auth: Authenticator,
    pub(crate) retry: RetryPolicy,
    /// Per-bucket pacing and the cap on requests in flight, shared by every clone of the client.
    pub(crate) rate_limiter: RateLimiter,
    /// Lenient or strict; every response carries it in its extensions to whatever decodes it.
    pub(crate) decoding: Decoding,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("rate_limit", self.rate_limiter.policy())
            .field("decoding", &self.decoding)
            .finish()
    }
}

// progenitor's generated client asserts this impl; its hooks are not used (the builders' `send` is the crate's).
impl ClientHooks<Arc<Runtime>> for generated::Client {}

/// A request a builder describes, or why it could not be built.
pub(crate) type Built<'a> = Result<(&'a generated::Client, reqwest::Request), Error>;

/// What a path parameter keeps as it is: RFC 3986's unreserved characters (letters, digits, `-._~`) and the `@` of
/// a login. Everything else is percent-encoded: `/`, `\`, `%`, `?`, `#`, spaces and non-ASCII, and also the
/// sub-delimiters RFC 3986 would allow raw in a segment (`!$&'()*+,;=`, `:`), since servers read some of them
/// apart from the value: Java servlet containers cut a `;` and what follows off a segment (path parameters), and
/// some decoders take a `+` for a space. Encoded, every server reads back the value given.
const PATH_SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'@');

/// A path parameter's value as one path segment (the generated code calls it for each; see the codegen's
/// `encode_path_segments_strictly`). A value that cannot be one is refused: empty (`/api/v1/users/` is another
/// operation), `.` or `..` (URL parsers resolve them, even percent-encoded, to another path).
pub(crate) fn encode_path_segment(value: &str) -> Result<String, Error> {
    match value {
        "" => Err(Error::InvalidRequest("a path parameter is empty".to_owned())),
        "." | ".." => Err(Error::InvalidRequest(format!("a path parameter is `{value}`, which names another path"))),
        _ => Ok(percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()),
    }
}

/// What `reqwest` says when a request cannot be built (an invalid URL, header or body).
pub(crate) fn unbuildable_request(error: reqwest::Error) -> Error {
    Error::InvalidRequest(format!("the request cannot be built: {error}"))
}

/// A header parameter whose value cannot be sent (a line break, a non-visible character); the value is not
/// repeated, it may be a secret.
pub(crate) fn invalid_header(name: &str) -> Error {
    Error::InvalidRequest(format!("the `{name}` header parameter is not a valid header value"))
}

/// The body of a response future: what every builder's `send` and `send_as` return. The generated methods are
/// plain functions returning these futures (no async state machine per operation: one per body type).
pub(crate) async fn body<T>(response: impl Future<Output = Result<Response<T>, Error>>) -> Result<T, Error> {
    response.await.map(Response::into_body)
}

/// A success response read whole: what [`model`] and [`json`] decode.
struct Read {
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: bytes::Bytes,
    decoding: Decoding,
}

/// Sends `request` and reads its body (one state machine for every body type; only the decoding is per type).
async fn read(request: Built<'_>, operation: &'static str) -> Result<Read, Error> {
    let (client, request) = request?;
    let mut response = send(client, request, operation).await?;
    let status = response.status();
    let decoding = Decoding::of(&response);
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(Error::Transport)?;
    Ok(Read { status, headers, body, decoding })
}

/// Sends `request` and decodes its JSON body into a generated model, leniently (what does not fit the spec is kept;
/// see `okta_management::decode`).
pub(crate) async fn model<T: Lenient>(request: Built<'_>, operation: &'static str) -> Result<Response<T>, Error> {
    let Read { status, headers, body, decoding } = read(request, operation).await?;
    let value = crate::decode::model::<T>(operation, status, &headers, &body, decoding)?;
    Ok(Response::new(status, headers, value))
}

/// Sends `request` and decodes its JSON body into a type of the caller's (`send_as`).
pub(crate) async fn json<T: DeserializeOwned>(
    request: Built<'_>,
    operation: &'static str,
) -> Result<Response<T>, Error> {
    let Read { status, headers, body, decoding } = read(request, operation).await?;
    let value = crate::decode::json::<T>(operation, status, &headers, &body, decoding)?;
    Ok(Response::new(status, headers, value))
}

/// Sends `request`, whose success has no body (any body sent anyway is read and dropped).
pub(crate) async fn empty(request: Built<'_>, operation: &'static str) -> Result<Response<()>, Error> {
    let (client, request) = request?;
    let mut response = send(client, request, operation).await?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    response.bytes().await.map_err(Error::Transport)?;
    Ok(Response::new(status, headers, ()))
}

/// Sends `request` and hands its body over as it arrives (binary downloads).
// Unused in builds whose API groups have no binary download.
#[allow(dead_code)]
pub(crate) async fn bytes(request: Built<'_>, operation: &'static str) -> Result<Response<ByteStream>, Error> {
    let (client, request) = request?;
    let mut response = send_streaming(client, request, operation).await?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    Ok(Response::new(status, headers, ByteStream::from_response(response)))
}

/// Sends one operation's request through rate limiting, retry and auth; error statuses become [`Error::Api`] (and
/// the retry layer's rate-limit/timeout errors), so `Ok` is always a success (1xx–3xx) response, whose body has
/// been read whole inside the retry loop: a body cut off mid-way is retried like a dropped connection (for
/// idempotent requests), so a page is never lost or yielded twice because of it.
pub(crate) async fn send(
    client: &generated::Client,
    request: reqwest::Request,
    operation: &'static str,
) -> Result<reqwest::Response, Error> {
    exchange(client, request, operation, true).await
}

/// [`send`] for a response whose body is handed over as it arrives (downloads): a failure while reading it is the
/// caller's.
#[allow(dead_code)]
pub(crate) async fn send_streaming(
    client: &generated::Client,
    request: reqwest::Request,
    operation: &'static str,
) -> Result<reqwest::Response, Error> {
    exchange(client, request, operation, false).await
}

async fn exchange(
    client: &generated::Client,
    mut request: reqwest::Request,
    operation: &'static str,
    buffered: bool,
) -> Result<reqwest::Response, Error> {
    // progenitor adds an `api-version` header Okta does not define.
    request.headers_mut().remove("api-version");
    if let Some(media) = crate::manifest::body_media_type(operation) {
        request.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(media));
    }
    let runtime = client.inner();
    let http = client.client();
    let span = tracing::debug_span!(
        "okta.request",
        operation,
        method = %request.method(),
        path = request.url().path(),
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
        attempts = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    // Okta's buckets are per endpoint: an operation is one method on one path template.
    let bucket = operation;
    let result = async {
        crate::retry::execute_paced(&runtime.retry, &runtime.rate_limiter, bucket, request, |attempt| async move {
            let response = runtime.auth.execute(http, attempt).await.map_err(Error::from)?;
            if buffered && response.status().is_success() { read_whole(response).await } else { Ok(response) }
        })
        .await
    }
    .instrument(span.clone())
    .await;
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    let response = result?;
    span.record("status", response.status().as_u16());
    if let Some(id) = response.headers().get("x-okta-request-id").and_then(|v| v.to_str().ok()) {
        span.record("request_id", id);
    }
    if response.status().is_client_error() || response.status().is_server_error() {
        return Err(scope_refusal(operation, crate::error::ApiError::from_response(response).await));
    }
    let mut response = response;
    response.extensions_mut().insert(runtime.decoding);
    Ok(response)
}

/// Okta's `403 insufficient_scope` becomes [`Error::InsufficientScope`], naming the operation and the scopes the
/// spec gives it; any other error is as it came.
fn scope_refusal(operation: &'static str, error: Error) -> Error {
    match error {
        Error::Api(api) if api.challenged_scopes().is_some() => {
            let required = crate::scopes::required_for(operation).unwrap_or_default();
            let required = required.iter().map(|s| (*s).to_owned()).collect();
            Error::InsufficientScope(crate::error::InsufficientScope::new(operation, required, api))
        }
        other => other,
    }
}

/// Reads a response's body whole and gives back an equivalent response holding it, so that a body cut off
/// mid-way fails inside the retry loop (as [`Error::Transport`], an unknown outcome) rather than after it.
async fn read_whole(mut response: reqwest::Response) -> Result<reqwest::Response, Error> {
    use reqwest::ResponseBuilderExt;
    let status = response.status();
    let version = response.version();
    let url = response.url().clone();
    // Moved, not copied: reading the body needs none of them.
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(Error::Transport)?;
    let mut builder = http::Response::builder().status(status).version(version).url(url);
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    let rebuilt = builder.body(body).map_err(|e| Error::InvalidRequest(format!("cannot rebuild a response: {e}")))?;
    Ok(reqwest::Response::from(rebuilt))
}
