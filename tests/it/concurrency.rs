//! 64 tasks sharing one client under a 429 storm while its OAuth access token expires: every call completes,
//! the expired token is refreshed exactly once, and no call is rejected for a stale token.
#![cfg(feature = "mock")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::client_support;

use client_support::{register_rsa, rsa_client};
use okta_management::mock::{Fault, MockOrg};
use okta_management::retry::RetryPolicy;
use std::time::Duration;

const TASKS: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_tasks_through_a_429_storm_and_a_token_expiry() {
    let mock = MockOrg::builder().seed_users(5).rate_limit_reset_delay(Duration::ZERO).start().await.unwrap();
    register_rsa(&mock, &["okta.users.read"]);
    // The first token lives one second and is only refreshed once expired (no margin).
    mock.set_access_token_lifetime(Duration::from_secs(1));
    let policy = RetryPolicy::default()
        .with_max_retries(20)
        .with_backoff(Duration::from_millis(5), Duration::from_millis(50))
        .with_rate_limit_jitter(Duration::ZERO);
    let client = rsa_client(&mock, &["okta.users.read"])
        .token_refresh_margin(Duration::ZERO)
        .retry_policy(policy)
        .build()
        .unwrap();
    assert_eq!(client.list_users().send().await.unwrap().len(), 5);
    assert_eq!(mock.counters().token_requests, 1);
    mock.set_access_token_lifetime(Duration::from_secs(3600));
    tokio::time::sleep(Duration::from_millis(1_300)).await;

    // Every third request to the users route is rate-limited from now on.
    mock.inject("GET /api/v1/users", Fault::RateLimitEvery(3)).unwrap();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_users().send().await.map(|r| r.len()) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), 5, "every call completes");
    }
    let counters = mock.counters();
    assert_eq!(counters.token_requests, 2, "one refresh for the one expiry, however many tasks saw it");
    assert!(counters.rate_limited > 0, "the storm happened");
    // Each request was either answered or rate-limited and re-sent: none was rejected for a stale token
    // (a 401 would have cost a resend beyond these).
    let users_requests = mock.route_count("GET /api/v1/users");
    assert_eq!(users_requests, 1 + TASKS as u64 + counters.rate_limited, "{counters:?}");
}
