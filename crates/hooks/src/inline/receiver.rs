//! [`InlineHookReceiver`]: authenticates, limits and decodes inline hook requests.

use http::{HeaderMap, HeaderName, Method};
use okta_management_runtime::secret::SecretString;
use serde::de::DeserializeOwned;

use crate::error::HookError;
use crate::verify::{self, DEFAULT_MAX_BODY_BYTES, HeaderAuth};

/// Receives inline hook requests: authenticates (constant time), limits and decodes them.
///
/// Answer with an [`InlineHookResponse`](crate::InlineHookResponse) (`200`) or
/// [`HookResponse::no_content`](crate::HookResponse::no_content) (`204`, default action) within
/// Okta's 3 second timeout; response bodies must stay under 256 KB.
#[derive(Debug, Clone)]
pub struct InlineHookReceiver {
    auth: HeaderAuth,
    max_body_bytes: usize,
}

impl InlineHookReceiver {
    /// A receiver accepting requests whose header `auth_header_name` equals `secret`, with a
    /// body limit of [`DEFAULT_MAX_BODY_BYTES`] (1 MiB).
    pub fn new(auth_header_name: HeaderName, secret: SecretString) -> Self {
        Self { auth: HeaderAuth::new(auth_header_name, secret), max_body_bytes: DEFAULT_MAX_BODY_BYTES }
    }

    /// Sets the maximum accepted body size in bytes.
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The configured body limit.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Checks auth (401), announced `Content-Length` (413) and content type (415).
    pub fn precheck(&self, headers: &HeaderMap) -> Result<(), HookError> {
        self.auth.check(headers)?;
        verify::check_content_length(headers, self.max_body_bytes)?;
        verify::check_content_type(headers)
    }

    /// Authenticates and decodes a request as `T` (e.g. [`RegistrationInlineHookRequest`](crate::RegistrationInlineHookRequest)).
    ///
    /// Checks, in order: auth (401), size (413, before parsing), content type (415), JSON (400).
    pub fn receive<T: DeserializeOwned>(&self, headers: &HeaderMap, body: &[u8]) -> Result<T, HookError> {
        self.precheck(headers)?;
        verify::check_body_size(body, self.max_body_bytes)?;
        serde_json::from_slice(body).map_err(|e| HookError::from_json(&e))
    }

    /// [`receive`](Self::receive) for an `http::Request<Bytes>`; methods other than `POST` get
    /// [`HookError::MethodNotAllowed`] (405).
    pub fn receive_request<T: DeserializeOwned>(&self, request: &http::Request<bytes::Bytes>) -> Result<T, HookError> {
        if request.method() != Method::POST {
            return Err(HookError::MethodNotAllowed { method: request.method().clone(), allow: "POST" });
        }
        self.receive(request.headers(), request.body())
    }
}
