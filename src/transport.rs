//! Where every request goes through: progenitor's `ClientHooks::exec` for the generated methods, and
//! `send` for the hand-written ones (pagination, uploads). One path: retry (outermost) → auth → HTTP.
//!
//! progenitor's `exec` can only return a `reqwest::Response` or a `reqwest::Error`. A failure of ours (an Okta
//! error status, rate-limit exhaustion, an auth failure) is therefore carried out of `exec` as a synthetic
//! response with status `CARRIER_STATUS` and the [`crate::Error`] in its extensions; no operation declares that
//! status, so progenitor hands it back as `Error::UnexpectedResponse`, and `From` turns it into the typed error.

use crate::auth::Authenticator;
use crate::error::Error;
use crate::generated;
use crate::retry::RetryPolicy;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use std::sync::{Arc, Mutex};
use tracing::Instrument;

/// Status of the synthetic response that carries a [`crate::Error`] through progenitor's generated code.
const CARRIER_STATUS: u16 = 599;

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

/// The error carried by a synthetic response; taken out once by the `From` conversion.
#[derive(Clone)]
struct Carried(Arc<Mutex<Option<Error>>>);

fn carrier(error: Error) -> reqwest::Response {
    let mut response = http::Response::new(reqwest::Body::from(Vec::new()));
    *response.status_mut() = StatusCode::from_u16(CARRIER_STATUS).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.extensions_mut().insert(Carried(Arc::new(Mutex::new(Some(error)))));
    reqwest::Response::from(response)
}

/// The typed error a synthetic response carries, if it is one.
fn carried(response: &reqwest::Response) -> Option<Error> {
    let slot = response.extensions().get::<Carried>()?;
    let mut guard = slot.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    guard.take()
}

impl ClientHooks<Arc<Runtime>> for generated::Client {
    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        match send(self, request, info.operation_id).await {
            Ok(response) => Ok(response),
            Err(Error::Transport(e)) => Err(e),
            Err(other) => Ok(carrier(other)),
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

/// Decodes a success response of a generated operation (build.rs routes progenitor's decoding here) so that a
/// decode failure names the operation and status, and a non-JSON body says what it was.
#[doc(hidden)]
pub async fn decode_response<T: serde::de::DeserializeOwned, E>(
    response: reqwest::Response,
    operation: &'static str,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(progenitor_client::Error::ResponseBodyError)?;
    match Error::decode_json::<T>(operation, status, &headers, &body) {
        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
        Err(error) => Err(progenitor_client::Error::UnexpectedResponse(carrier(error))),
    }
}

impl<E> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::UnexpectedResponse(response) => match carried(&response) {
                Some(error) => error,
                None => crate::error::ApiError::from_parts(response.status(), response.headers(), b"").into(),
            },
            P::ErrorResponse(value) => crate::error::ApiError::from_parts(value.status(), value.headers(), b"").into(),
            P::CommunicationError(e) | P::ResponseBodyError(e) => Error::Transport(e),
            P::InvalidResponsePayload(body, e) => Error::decode(None, None, &body, e),
            P::InvalidRequest(message) => Error::InvalidRequest(message),
            P::InvalidUpgrade(e) => Error::Transport(e),
            P::Custom(message) => Error::InvalidRequest(message),
        }
    }
}
