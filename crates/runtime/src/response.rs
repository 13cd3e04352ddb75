//! What a successful call gives back: [`Response`] (the decoded body with the status and headers, from an
//! operation's `send_with_response`) and [`ByteStream`] (the body of a binary download).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
use http::{HeaderMap, StatusCode};

use crate::error::{Error, Result};
use crate::retry::RateLimitInfo;

/// A successful response: its status, its headers and its decoded body.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// A response from its parts.
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response { status, headers, body }
    }

    /// The HTTP status (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Every response header.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// `X-Okta-Request-Id`, the id Okta support asks for.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get(crate::error::REQUEST_ID_HEADER).and_then(|v| v.to_str().ok())
    }

    /// The `X-Rate-Limit-*` headers: how much of the endpoint's bucket is left and when it resets.
    pub fn rate_limit(&self) -> RateLimitInfo {
        RateLimitInfo::from_headers(&self.headers)
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, by value.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Status, headers and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }

    /// The same response with its body changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

/// The body of a binary download, as it arrives: a `Stream` of `Result<Bytes>` that is `Unpin` and `Send`.
#[must_use = "a body does nothing until it is read"]
pub struct ByteStream {
    inner: BoxStream<'static, Result<Bytes>>,
}

impl ByteStream {
    /// The body of `response`, chunk by chunk; a connection failure mid-body is [`Error::Transport`].
    pub fn from_response(response: reqwest::Response) -> Self {
        ByteStream::new(response.bytes_stream().map_err(Error::Transport))
    }

    /// Wraps any stream of chunks.
    pub fn new(chunks: impl Stream<Item = Result<Bytes>> + Send + 'static) -> Self {
        ByteStream { inner: chunks.boxed() }
    }

    /// The next chunk; `Ok(None)` at the end of the body.
    pub async fn try_next(&mut self) -> Result<Option<Bytes>> {
        self.inner.try_next().await
    }

    /// The whole body in memory.
    pub async fn collect(mut self) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        while let Some(chunk) = self.inner.try_next().await? {
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_reads_its_request_id_and_rate_limit_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-okta-request-id", "req-1".parse().unwrap_or_else(|_| unreachable!()));
        headers.insert("x-rate-limit-remaining", "7".parse().unwrap_or_else(|_| unreachable!()));
        let response = Response::new(StatusCode::CREATED, headers, 5u8).map(|n| n * 2);
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.request_id(), Some("req-1"));
        assert_eq!(response.rate_limit().remaining, Some(7));
        assert_eq!(response.into_body(), 10);
    }

    #[tokio::test]
    async fn a_byte_stream_is_read_whole_or_chunk_by_chunk_and_keeps_a_failure() {
        let chunks = futures::stream::iter([Ok(Bytes::from_static(b"ab")), Ok(Bytes::from_static(b"c"))]);
        assert_eq!(ByteStream::new(chunks).collect().await.ok(), Some(b"abc".to_vec()));
        let failing = futures::stream::iter([Ok(Bytes::from_static(b"a")), Err(Error::InvalidRequest("cut".into()))]);
        let mut stream = ByteStream::new(failing);
        assert_eq!(stream.try_next().await.ok().flatten(), Some(Bytes::from_static(b"a")));
        assert!(matches!(stream.try_next().await, Err(Error::InvalidRequest(_))));
    }
}
