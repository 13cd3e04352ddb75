//! Response bodies into models. Okta's spec is often wrong about what Okta sends; by default a value that does not
//! fit its field is kept in the model's `extra` map (and written back as it came) and logged as a `tracing`
//! warning naming the operation, the JSON path and the two types. [`Decoding::Strict`] makes it an error. Either
//! way a body that is not JSON, or not the declared kind at its top, is an [`Error::Decode`] with the path and a
//! bounded excerpt.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use http::{HeaderMap, StatusCode};
use okta_management_decode::Body;
/// The trait every generated model implements: how it takes a JSON value of any kind (see `okta-management-decode`).
pub use okta_management_decode::Lenient;
use okta_management_decode::context::{self, Mode, Report};
use serde::de::DeserializeOwned;

use crate::error::Error;

/// How a client decodes response bodies (`okta.client.strictDecoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Decoding {
    /// A value that does not fit its field is kept in the model's `extra` map, with a warning.
    #[default]
    Lenient,
    /// A value that does not fit its field fails the response ([`Error::Decode`] with its path).
    Strict,
}

impl Decoding {
    /// The decoding of `strict_decoding`.
    pub fn strict(strict: bool) -> Self {
        if strict { Decoding::Strict } else { Decoding::Lenient }
    }

    /// How the client that sent the request asked for `response` to be decoded (the transport puts it in the
    /// response's extensions); lenient when it did not say.
    pub fn of(response: &reqwest::Response) -> Self {
        response.extensions().get::<Decoding>().copied().unwrap_or_default()
    }
}

/// At most this many values that do not fit are located (each costs one more decode) and logged per response.
const MAX_LOCATED: usize = 5;

/// Decodes a success body into a generated model (or a list of them), straight from its bytes, as `decoding` says:
/// like [`json`], but with the top level decoded leniently too (an array at the top tracks its elements for the
/// path of a failure). A failure is an error as [`json`] gives.
pub fn model<T: Lenient>(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    decoding: Decoding,
) -> Result<T, Error> {
    json::<Body<T>>(operation, status, headers, body, decoding).map(|Body(value)| value)
}

/// Decodes a success body as JSON, straight from its bytes, as `decoding` says. A failure is
/// [`Error::UnexpectedContentType`] when the response says it is not JSON, [`Error::Decode`] (with the JSON path
/// of the failure) otherwise; both name the operation and status.
pub fn json<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    decoding: Decoding,
) -> Result<T, Error> {
    let mode = match decoding {
        Decoding::Lenient => Mode::Lenient,
        Decoding::Strict => Mode::Strict,
    };
    let (result, report) = context::decode_with(mode, || read_json::<T>(body));
    match result {
        Ok(value) => {
            if report.count > 0 {
                warn_mismatches::<T>(operation, body, &report);
            }
            Ok(value)
        }
        Err(e) => Err(failure(operation, status, headers, body, e, report.failed_at)),
    }
}

/// `body` as JSON: checked as UTF-8 once, then read as text, which spares serde_json checking each string on its
/// own (BENCHMARKS.md: 5-10 % of a page's decode); a body that is not UTF-8 is read as bytes for serde_json's error.
fn read_json<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

/// The error of a body that did not decode.
fn failure(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    e: serde_json::Error,
    failed_at: Option<String>,
) -> Error {
    let content_type = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !content_type.is_empty() && !content_type.contains("json") {
        return Error::UnexpectedContentType {
            operation: Cow::Borrowed(operation),
            status,
            content_type: content_type.chars().take(100).collect(),
            excerpt: Error::excerpt_of(body),
        };
    }
    // A value that does not fit (strict mode): the decoders kept its path. Otherwise (malformed JSON, the wrong
    // kind at the top), the path of the place the error points to; a success pays nothing for either.
    let path =
        failed_at.filter(|p| !p.is_empty()).or_else(|| crate::json_path::at_position(body, e.line(), e.column()));
    Error::Decode {
        operation: Some(Cow::Borrowed(operation)),
        status: Some(status),
        path,
        excerpt: Error::excerpt_of(body),
        source: e,
    }
}

/// Logs the values that did not fit: a warning the first time an operation shows one (model, member and found type),
/// at debug level after that. The JSON path costs one more decode (failing at that value), so it is found only for
/// a line that is logged, and for the first few values of a response.
fn warn_mismatches<T: DeserializeOwned>(operation: &'static str, body: &[u8], report: &Report) {
    for (n, mismatch) in report.mismatches.iter().enumerate().take(MAX_LOCATED) {
        let (model, member, expected, found) =
            (mismatch.owner, mismatch.member.as_str(), mismatch.expected, mismatch.found);
        let first = first_time(operation, mismatch);
        if !first && !tracing::enabled!(tracing::Level::DEBUG) {
            continue;
        }
        let (_, located) = context::decode_with(Mode::FailAt(n), || read_json::<T>(body));
        let path = located.failed_at.unwrap_or_default();
        let path = path.as_str();
        if first {
            tracing::warn!(
                operation,
                path,
                model,
                member,
                expected,
                found,
                "a response value does not fit the spec's type: kept in the model's `extra` map"
            );
        } else {
            tracing::debug!(
                operation,
                path,
                model,
                member,
                expected,
                found,
                "a response value does not fit the spec's type"
            );
        }
    }
    if report.count > MAX_LOCATED {
        tracing::debug!(
            operation,
            more = report.count - MAX_LOCATED,
            "more response values do not fit the spec's type"
        );
    }
}

/// Whether this operation has not shown this mismatch before in this process (a listing would repeat it per item).
fn first_time(operation: &'static str, mismatch: &context::Mismatch) -> bool {
    const MAX_REMEMBERED: usize = 4096;
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let key = format!("{operation} {}.{} {}", mismatch.owner, mismatch.member, mismatch.found);
    let Ok(mut seen) = SEEN.get_or_init(Default::default).lock() else { return true };
    if seen.len() >= MAX_REMEMBERED {
        return !seen.contains(&key);
    }
    seen.insert(key)
}
