//! The `okta.request` span every API call opens: what it records once the call is over (operation, method,
//! path, final status, Okta request id, latency and the number of requests sent, retries included).
//!
//! Read from the test binary's global subscriber (`crate::capture::global`), filtered to this test's own requests.
#![cfg(feature = "mock")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use crate::capture;

use std::time::Duration;

use okta_management::Client;
use okta_management::mock::{Fault, MockOrg};
use okta_management::retry::RetryPolicy;

#[tokio::test]
async fn the_request_span_records_the_outcome_and_the_attempts() {
    // The binary's global subscriber is shared with other tests: only spans of this test's user count.
    let capture = capture::global();

    let mock = MockOrg::builder().start().await.unwrap();
    let policy = RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5));
    let client = Client::builder()
        .org_url(mock.base_url().as_str())
        .token(mock.token())
        .disable_https_check(true)
        .retry_policy(policy)
        .build()
        .unwrap();
    let id = mock.seed_users(1).remove(0);
    mock.inject("GET /api/v1/users/{id}", Fault::ServerError { status: 503, count: 2 }).unwrap();
    client.get_user().id(&id).send().await.unwrap();

    let logs = capture.text();
    let path = format!("path=\"/api/v1/users/{id}\"");
    let closed: Vec<&str> =
        logs.lines().filter(|l| l.contains("okta.request{") && l.contains(&path) && l.ends_with_close()).collect();
    assert_eq!(closed.len(), 1, "{logs}");
    let span = closed[0];
    for field in [
        "operation=\"get_user\"".to_owned(),
        "method=GET".to_owned(),
        format!("path=\"/api/v1/users/{id}\""),
        "status=200".to_owned(),
        "attempts=3".to_owned(),
        "request_id=".to_owned(),
        "latency_ms=".to_owned(),
    ] {
        assert!(span.contains(&field), "{field} missing from {span}");
    }

    // One request, no retry.
    client.get_user().id(&id).send().await.unwrap();
    let logs = capture.text();
    let last = logs.lines().rfind(|l| l.contains("okta.request{") && l.contains(&path) && l.ends_with_close()).unwrap();
    assert!(last.contains("attempts=1") && last.contains("status=200"), "{last}");
}

trait EndsWithClose {
    fn ends_with_close(&self) -> bool;
}

impl EndsWithClose for &str {
    /// `FmtSpan::CLOSE` lines read `… okta.request{…}: … close time.busy=… time.idle=…`.
    fn ends_with_close(&self) -> bool {
        self.contains(": close ") || self.contains("close time.busy")
    }
}
