//! Errors for hook receivers and their mapping to HTTP responses.

use http::StatusCode;

use super::response::HookResponse;

/// Broad class of a JSON decoding failure.
///
/// Only the class and position are kept: `serde_json`'s own messages can quote parts of the body
/// (for example a mistyped password field), and bodies must never be echoed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// The body is not syntactically valid JSON.
    Syntax,
    /// The body ended before the JSON value was complete (truncated delivery).
    Eof,
    /// The JSON is valid but does not have the expected shape or types.
    Data,
}

impl std::fmt::Display for JsonErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Syntax => "syntax error",
            Self::Eof => "unexpected end of input",
            Self::Data => "unexpected structure",
        })
    }
}

/// Why a hook request was rejected.
///
/// Messages never contain the configured secret, the presented credential or body content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HookError {
    /// The configured authentication header is absent (or present more than once).
    #[error("missing or ambiguous authentication header `{header}`")]
    MissingAuthHeader {
        /// Name of the configured header.
        header: String,
    },
    /// The authentication header does not carry the configured secret.
    #[error("authentication header `{header}` does not match")]
    Unauthorized {
        /// Name of the configured header.
        header: String,
    },
    /// The `X-Okta-Verification-Challenge` header is absent, repeated or not visible ASCII.
    #[error("missing or invalid `x-okta-verification-challenge` header")]
    MissingChallenge,
    /// The request `Content-Type` is not `application/json` (parameters such as `charset=utf-8` allowed).
    #[error("unsupported content type {found:?}; expected application/json")]
    UnsupportedContentType {
        /// The received media type (without parameters), if any; at most 100 characters.
        found: Option<String>,
    },
    /// The body (or its announced `Content-Length`) exceeds the configured limit.
    #[error("body of {size} bytes exceeds the limit of {limit} bytes")]
    PayloadTooLarge {
        /// Announced or actual size in bytes.
        size: u64,
        /// Configured limit in bytes.
        limit: usize,
    },
    /// The body is not valid JSON for the expected type.
    #[error("malformed JSON body ({kind}) at line {line} column {column}")]
    MalformedJson {
        /// Class of failure.
        kind: JsonErrorKind,
        /// 1-based line of the failure (0 when unknown).
        line: usize,
        /// 1-based column of the failure (0 when unknown).
        column: usize,
    },
    /// The HTTP method is not one the hook endpoint accepts.
    #[error("method {method} not allowed")]
    MethodNotAllowed {
        /// The received method.
        method: http::Method,
        /// The methods the endpoint accepts, as sent in the `Allow` header (e.g. `"GET, POST"`).
        allow: &'static str,
    },
}

impl HookError {
    /// Builds [`HookError::MalformedJson`] from a `serde_json` error, keeping only class and position.
    pub(crate) fn from_json(err: &serde_json::Error) -> Self {
        let kind = match err.classify() {
            serde_json::error::Category::Eof => JsonErrorKind::Eof,
            serde_json::error::Category::Data => JsonErrorKind::Data,
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => JsonErrorKind::Syntax,
        };
        Self::MalformedJson { kind, line: err.line(), column: err.column() }
    }

    /// The HTTP status this error maps to: 401 (auth), 400 (challenge, JSON), 415, 413, 405.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingAuthHeader { .. } | Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::MissingChallenge | Self::MalformedJson { .. } => StatusCode::BAD_REQUEST,
            Self::UnsupportedContentType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    /// A stable machine-readable code for the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingAuthHeader { .. } | Self::Unauthorized { .. } => "unauthorized",
            Self::MissingChallenge => "missing_verification_challenge",
            Self::UnsupportedContentType { .. } => "unsupported_media_type",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::MalformedJson { .. } => "malformed_json",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
        }
    }

    /// The response to send for this error: its status and a JSON body
    /// `{"error": code, "message": text}`.
    ///
    /// Both authentication failures get the same generic message so a caller cannot tell a
    /// missing header from a wrong secret.
    pub fn to_response(&self) -> HookResponse {
        let message = match self {
            Self::MissingAuthHeader { .. } | Self::Unauthorized { .. } => "authentication failed".to_owned(),
            other => other.to_string(),
        };
        let body = serde_json::json!({ "error": self.code(), "message": message });
        let mut response = HookResponse::json(self.status(), &body);
        if let Self::MethodNotAllowed { allow, .. } = self {
            if let Ok(value) = http::HeaderValue::from_str(allow) {
                response.headers.insert(http::header::ALLOW, value);
            }
        }
        response
    }
}
