//! Event hook deliveries: `EventHookReceiver::receive` (envelope with the generated `LogEvent`),
//! `receive_as::<EventSummary>`, and the typed views callers use on a delivery.
//!
//! Input: the first byte picks the request's headers (authenticated or not, content type), the
//! rest is the body.
#![no_main]

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use libfuzzer_sys::fuzz_target;
use okta_management_hooks::{EventDeduplicator, EventHookReceiver, EventSummary};
use okta_management_runtime::secret::SecretString;

const SECRET: &str = "fuzz-hook-secret-0123456789";

fuzz_target!(|data: &[u8]| {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    let receiver = EventHookReceiver::new(HeaderName::from_static("authorization"), SecretString::from(SECRET))
        .max_body_bytes(64 * 1024);
    let mut headers = HeaderMap::new();
    if selector & 1 == 0 {
        headers.insert("authorization", HeaderValue::from_static(SECRET));
    } else if selector & 2 == 0 {
        headers.insert("authorization", HeaderValue::from_static("fuzz-hook-secret-012345678X"));
    }
    let content_type = match (selector >> 2) & 3 {
        0 | 1 => "application/json",
        2 => "application/json; charset=UTF-8",
        _ => "text/plain",
    };
    headers.insert("content-type", HeaderValue::from_static(content_type));
    if selector & 16 != 0 {
        headers.insert("x-okta-verification-challenge", HeaderValue::from_static("challenge"));
        let _ = receiver.verify(&headers);
    }

    match receiver.receive(&headers, body) {
        Ok(delivery) => {
            assert!(selector & 1 == 0, "accepted a request without the right secret");
            let _ = delivery.event_time_parsed();
            for summary in delivery.summaries() {
                if let Ok(summary) = summary {
                    let _ = summary.succeeded();
                    let _ = summary.target_user_ids().count();
                }
            }
            let dedup = EventDeduplicator::new(8);
            let _ = delivery.first_time_events(&dedup).len();
            let _ = format!("{delivery:?}");
        }
        Err(error) => {
            let response = error.to_response();
            // Error responses never echo the body (it may hold secrets or attacker-controlled
            // text). No error message of the hooks module contains `~`, so a `~` from the body
            // showing up in the response is an echo. (Comparing whole bodies is not enough: the
            // fuzzer builds bodies that *are* an error message.)
            if body.contains(&b'~') {
                assert!(!response.body.contains(&b'~'), "error response echoes the body");
            }
            let _ = error.to_string();
        }
    }
    if let Ok(delivery) = receiver.receive_as::<EventSummary>(&headers, body) {
        for event in delivery.events() {
            let _ = event.is("user.lifecycle.create");
            let _ = event.target_user_ids().count();
        }
    }
    let request = http::Request::builder().method(Method::POST).body(bytes_of(body));
    if let Ok(mut request) = request {
        *request.headers_mut() = headers;
        let _ = receiver.handle_request::<EventSummary>(&request).response();
    }
});

fn bytes_of(body: &[u8]) -> bytes::Bytes {
    bytes::Bytes::copy_from_slice(body)
}
