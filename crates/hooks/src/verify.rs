//! Request checks shared by event and inline hooks: header authentication (constant time),
//! content type, body size limit, and the one-time event hook verification challenge.

use http::{HeaderMap, HeaderName, StatusCode, header};
use subtle::{Choice, ConstantTimeEq};

use super::error::HookError;
use super::response::HookResponse;
use okta_management_runtime::secret::SecretString;

/// Header Okta sends on the one-time event hook verification request.
pub const VERIFICATION_CHALLENGE_HEADER: &str = "x-okta-verification-challenge";

/// Default body limit for hook requests: 1 MiB.
///
/// Okta batches event hook deliveries, and a batch of System Log events is typically tens of
/// KiB; inline hook requests are smaller still. 1 MiB leaves ample headroom while bounding the
/// memory an unauthenticated or misbehaving sender can make the receiver parse.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Checks that a configured header carries a shared secret, comparing in constant time.
///
/// This is how Okta authenticates hook calls: the hook is registered with a header name
/// (e.g. `Authorization`) and a secret value, which Okta sends verbatim on every request.
#[derive(Clone)]
pub struct HeaderAuth {
    name: HeaderName,
    secret: SecretString,
}

impl std::fmt::Debug for HeaderAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeaderAuth").field("name", &self.name).field("secret", &self.secret).finish()
    }
}

impl HeaderAuth {
    /// Creates the check for header `name` carrying `secret`.
    pub fn new(name: HeaderName, secret: SecretString) -> Self {
        Self { name, secret }
    }

    /// The configured header name.
    pub fn header_name(&self) -> &HeaderName {
        &self.name
    }

    /// Succeeds when exactly one `name` header is present and equals the secret.
    ///
    /// The comparison runs over the whole secret whatever the presented value is, so its
    /// duration depends only on the secret's length, not on how many bytes match.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), HookError> {
        let mut values = headers.get_all(&self.name).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            tracing::debug!(header = %self.name, "hook request without (single) auth header");
            return Err(HookError::MissingAuthHeader { header: self.name.to_string() });
        };
        if constant_time_eq(value.as_bytes(), self.secret.expose_secret().as_bytes()) {
            Ok(())
        } else {
            tracing::debug!(header = %self.name, "hook request with wrong auth header value");
            Err(HookError::Unauthorized { header: self.name.to_string() })
        }
    }
}

/// Constant-time equality of `presented` against `expected`.
///
/// Iterates over every byte of `expected` (missing presented bytes compare as 0) and folds in
/// the length equality, so timing reveals neither the matching prefix nor the secret's content.
pub(crate) fn constant_time_eq(presented: &[u8], expected: &[u8]) -> bool {
    let mut equal: Choice = (presented.len() as u64).ct_eq(&(expected.len() as u64));
    for (i, byte) in expected.iter().enumerate() {
        let other = presented.get(i).copied().unwrap_or(0);
        equal &= byte.ct_eq(&other);
    }
    equal.into()
}

/// Checks that `Content-Type` is `application/json`.
///
/// The media type is compared case-insensitively; parameters are allowed, but a `charset`
/// other than UTF-8 is rejected because JSON must be UTF-8 (RFC 8259).
pub fn check_content_type(headers: &HeaderMap) -> Result<(), HookError> {
    let mut values = headers.get_all(header::CONTENT_TYPE).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(HookError::UnsupportedContentType { found: None });
    };
    let raw = String::from_utf8_lossy(value.as_bytes());
    let mut parts = raw.split(';');
    let media_type = parts.next().unwrap_or_default().trim();
    let rejected = || HookError::UnsupportedContentType { found: Some(media_type.chars().take(100).collect()) };
    if !media_type.eq_ignore_ascii_case("application/json") {
        return Err(rejected());
    }
    for param in parts {
        let param = param.trim();
        if param.is_empty() {
            continue;
        }
        let (key, val) = param.split_once('=').unwrap_or((param, ""));
        if key.trim().eq_ignore_ascii_case("charset") {
            let val = val.trim().trim_matches('"');
            if !(val.eq_ignore_ascii_case("utf-8") || val.eq_ignore_ascii_case("utf8")) {
                return Err(rejected());
            }
        }
    }
    Ok(())
}

/// Rejects a request whose announced `Content-Length` exceeds `limit`, before the body is read.
///
/// Useful in a framework handler to refuse oversized requests without buffering them; a missing
/// or unparsable header passes (the body length is checked again once read).
pub fn check_content_length(headers: &HeaderMap, limit: usize) -> Result<(), HookError> {
    let announced =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    match announced {
        Some(size) if size > limit as u64 => Err(HookError::PayloadTooLarge { size, limit }),
        _ => Ok(()),
    }
}

/// Rejects a body longer than `limit`.
pub fn check_body_size(body: &[u8], limit: usize) -> Result<(), HookError> {
    if body.len() > limit { Err(HookError::PayloadTooLarge { size: body.len() as u64, limit }) } else { Ok(()) }
}

/// Reads the event hook verification challenge from the headers.
///
/// Exactly one `X-Okta-Verification-Challenge` header made of visible ASCII is required.
pub fn verification_challenge(headers: &HeaderMap) -> Result<&str, HookError> {
    let mut values = headers.get_all(VERIFICATION_CHALLENGE_HEADER).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(HookError::MissingChallenge);
    };
    match value.to_str() {
        Ok(challenge) if !challenge.is_empty() => Ok(challenge),
        _ => Err(HookError::MissingChallenge),
    }
}

/// Answers the one-time event hook verification: `200 {"verification": "<challenge>"}`,
/// or the `400` error response when the challenge header is missing or invalid.
pub fn verification_response(headers: &HeaderMap) -> HookResponse {
    match verification_challenge(headers) {
        Ok(challenge) => HookResponse::json(StatusCode::OK, &serde_json::json!({ "verification": challenge })),
        Err(err) => err.to_response(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn constant_time_eq_cases() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secreT", b"secret"));
        assert!(!constant_time_eq(b"secret1", b"secret"));
        assert!(!constant_time_eq(b"secre", b"secret"));
        assert!(!constant_time_eq(b"", b"secret"));
        assert!(constant_time_eq(b"", b""));
        // A presented value that is the secret followed by NULs must not match.
        assert!(!constant_time_eq(b"secret\0", b"secret"));
    }

    fn ct(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn content_type_variants() {
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
            "application/json; foo=bar",
            "application/json;",
        ] {
            assert!(check_content_type(&ct(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "text/plain",
            "application/jsonx",
            "application/json; charset=iso-8859-1",
            "application/x-www-form-urlencoded",
            "",
        ] {
            let err = check_content_type(&ct(bad)).unwrap_err();
            assert_eq!(err.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{bad}");
        }
        assert!(check_content_type(&HeaderMap::new()).is_err());
    }

    #[test]
    fn content_length_precheck() {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("11"));
        assert!(check_content_length(&h, 10).is_err());
        assert!(check_content_length(&h, 11).is_ok());
        h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("garbage"));
        assert!(check_content_length(&h, 1).is_ok());
    }
}
