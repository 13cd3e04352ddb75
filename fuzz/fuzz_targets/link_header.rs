//! The RFC 8288 `Link` header parser and the `next` link resolution that pagination relies on.
//!
//! Input: the raw header value bytes. Besides "no panic", checks the invariants pagination's
//! security depends on: a next link that is accepted is on the first page's origin and carries no
//! credentials.
#![no_main]

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use okta_management_runtime::pagination::{next_link, parse_link_header};
use url::Url;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(links) = parse_link_header(text) {
            for link in &links {
                let _ = link.has_rel("next");
                let _ = link.rels().count();
                let _ = link.param("type");
            }
        }
    }
    // The header as it comes off the wire: any bytes `http` accepts in a header value, split in two
    // fields at the first 0xff (an impossible header byte) to exercise multi-field handling.
    let mut headers = HeaderMap::new();
    for part in data.split(|b| *b == 0xff).take(2) {
        if let Ok(value) = HeaderValue::from_bytes(part) {
            headers.append(http::header::LINK, value);
        }
    }
    let Ok(base) = Url::parse("https://example.okta.com/api/v1/users?limit=2") else {
        return;
    };
    match next_link(&headers, &base) {
        Ok(Some(next)) => {
            assert_eq!(next.origin(), base.origin(), "accepted a cross-origin next link: {next}");
            assert!(next.username().is_empty() && next.password().is_none(), "accepted credentials: {next}");
        }
        Ok(None) => {}
        Err(e) => {
            let shown = e.to_string();
            assert!(!shown.contains('\n'), "multi-line error: {shown:?}");
        }
    }
});
