//! Decoding of Okta error responses (`ApiError::from_parts`): any status, request-id header and body.
//!
//! Input layout: 2 bytes of status (mapped into 100..=999), 1 byte of request-id length `n`, `n`
//! bytes of `X-Okta-Request-Id`, then the body. Checks the documented guarantees: no panic, a
//! one-line `Display`, a bounded excerpt.
#![no_main]

use http::{HeaderMap, HeaderValue, StatusCode};
use libfuzzer_sys::fuzz_target;
use okta_management_runtime::error::{ApiError, MAX_EXCERPT_BYTES};

fuzz_target!(|data: &[u8]| {
    let [s0, s1, n, rest @ ..] = data else {
        return;
    };
    let code = 100 + u16::from_le_bytes([*s0, *s1]) % 900;
    let Ok(status) = StatusCode::from_u16(code) else {
        return;
    };
    let n = usize::from(*n).min(rest.len());
    let (id, body) = rest.split_at(n);
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(id) {
        headers.insert("x-okta-request-id", value);
    }
    let error = ApiError::from_parts(status, &headers, body);
    let shown = error.to_string();
    assert!(!shown.contains(['\n', '\r']), "multi-line Display: {shown:?}");
    let _ = format!("{error:?}");
    if let Some(excerpt) = error.body_excerpt() {
        assert!(excerpt.len() <= MAX_EXCERPT_BYTES, "excerpt of {} bytes", excerpt.len());
    }
    for field in [error.error_code(), error.summary(), error.error_link(), error.error_id()].into_iter().flatten() {
        assert!(!field.contains(['\n', '\r']), "multi-line field: {field:?}");
    }
    assert!(error.causes().len() <= 20);
    assert_eq!(error.status(), status);
    // The same through the crate's error type, as callers see it.
    let wrapped = okta_management_runtime::Error::from(error);
    let _ = wrapped.to_string();
    let _ = wrapped.request_id();
});
