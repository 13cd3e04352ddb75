//! Where every request goes through: progenitor's `ClientHooks::exec` for the generated methods, and
//! `send` for the hand-written ones (pagination, uploads). One path: retry (outermost) → auth → HTTP.
//!
//! progenitor's `exec` can only return a `reqwest::Response` or a `reqwest::Error`; a failure of ours leaves it
//! as a synthetic response that carries the [`crate::Error`] (`okta_management_runtime::error::carrier`).

use crate::auth::Authenticator;
use crate::error::Error;
use crate::generated;
use crate::retry::RetryPolicy;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use std::sync::Arc;
use tracing::Instrument;

/// Shared runtime state of a client: the generated client's inner part.
pub struct Runtime {
    pub(crate) auth: Authenticator,
    pub(crate) retry: RetryPolicy,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").field("auth", &self.auth).field("retry", &self.retry).finish()
    }
}

impl ClientHooks<Arc<Runtime>> for generated::Client {
    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        match send(self, request, info.operation_id).await {
            Ok(response) => Ok(response),
            Err(Error::Transport(e)) => Err(e),
            Err(other) => Ok(okta_management_runtime::error::carrier(other)),
        }
    }
}

/// Sends one operation's request through retry and auth; error statuses become [`Error::Api`] (and the
/// retry layer's rate-limit/timeout errors), so `Ok` is always a success (1xx–3xx) response.
pub(crate) async fn send(
    client: &generated::Client,
    mut request: reqwest::Request,
    operation: &'static str,
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
    let result = async {
        crate::retry::execute(&runtime.retry, request, |attempt| async move {
            runtime.auth.execute(http, attempt).await.map_err(Error::from)
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
        return Err(crate::error::ApiError::from_response(response).await);
    }
    Ok(response)
}

/// Kept at this path for the generated code (`crate::transport::decode_response`).
#[doc(hidden)]
pub use okta_management_runtime::error::decode_response;
