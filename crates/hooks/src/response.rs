//! Framework-independent HTTP response produced by the hook receivers.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};

/// A response to send back to Okta: status, headers and body bytes.
///
/// Convert it into an `http::Response<Bytes>` with [`HookResponse::into_http`] (or `From`),
/// which most Rust web frameworks accept directly or with a one-line adapter.
#[derive(Debug, Clone, PartialEq)]
pub struct HookResponse {
    /// Status code.
    pub status: StatusCode,
    /// Response headers (`Content-Type` is set for JSON bodies).
    pub headers: HeaderMap,
    /// Response body (empty for `204` / plain `200` acknowledgements).
    pub body: Bytes,
}

impl HookResponse {
    /// A JSON response with the given status.
    ///
    /// Serializing a `serde_json::Value` cannot fail, so this is infallible.
    pub fn json(status: StatusCode, body: &serde_json::Value) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Self { status, headers, body: Bytes::from(body.to_string()) }
    }

    /// A bodiless response with the given status (e.g. `200` to acknowledge an event delivery).
    pub fn empty(status: StatusCode) -> Self {
        Self { status, headers: HeaderMap::new(), body: Bytes::new() }
    }

    /// `204 No Content`: tells Okta to continue an inline hook flow with its default action.
    pub fn no_content() -> Self {
        Self::empty(StatusCode::NO_CONTENT)
    }

    /// The `Content-Type` header value, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// Converts into an `http::Response<Bytes>`.
    pub fn into_http(self) -> http::Response<Bytes> {
        let mut response = http::Response::new(self.body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }
}

impl From<HookResponse> for http::Response<Bytes> {
    fn from(value: HookResponse) -> Self {
        value.into_http()
    }
}
