//! Rate-limit header handling: `RateLimitInfo::from_headers`, `wait()`, `reset_at()`, and the
//! `Error::RateLimited` the retry layer builds from them when 429s outlast the retries.
//!
//! Input: lines `<selector byte><value bytes>`; the selector picks the header name
//! (`X-Rate-Limit-Limit`, `-Remaining`, `-Reset`, `Date`, `Retry-After`, `X-Okta-Request-Id`), so
//! repeated and missing headers are covered.
#![no_main]

use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use okta_management_runtime::retry::RateLimitInfo;

const NAMES: [&str; 6] =
    ["x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset", "date", "retry-after", "x-okta-request-id"];

fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    for line in data.split(|b| *b == b'\n').take(16) {
        let Some((selector, value)) = line.split_first() else {
            continue;
        };
        let name = HeaderName::from_static(NAMES[usize::from(*selector) % NAMES.len()]);
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(name, value);
        }
    }
    let info = RateLimitInfo::from_headers(&headers);
    let wait = info.wait();
    let reset_at = info.reset_at();
    if let (Some(reset), Some(date)) = (info.reset, info.date) {
        assert_eq!(wait.map(|w| w.as_secs()), Some(reset.saturating_sub(date)));
    }
    // What `retry::execute` returns when the last attempt is a 429 with these headers; printing it
    // (as every caller's error log does) must not panic whatever the server sent.
    let error = okta_management_runtime::Error::RateLimited {
        reset_at,
        retry_after: wait,
        request_id: headers.get("x-okta-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned),
        attempts: 3,
    };
    let shown = error.to_string();
    assert!(!shown.contains('\n'));
    let _ = format!("{error:?}");
});
