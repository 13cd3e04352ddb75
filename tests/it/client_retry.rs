//! Retry, pagination and typed errors end to end through `okta_management::Client` against the mock org:
//! 20,000 users listed through a 429 every tenth request, query parameters kept on every page, the POST rules
//! (never re-sent when its outcome is unknown, re-sent after a 429), retry headers, timeouts and the time
//! budget, malformed headers, and decode failures that name the operation.
#![cfg(feature = "mock")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use crate::client_support;

use std::collections::HashSet;
use std::time::Duration;

use client_support::{Proxy, base};
use futures::{StreamExt, TryStreamExt};
use okta_management::error::TimeoutKind;
use okta_management::mock::{Fault, MockOrg};
use okta_management::pagination::PaginationError;
use okta_management::retry::RetryPolicy;
use okta_management::{Client, Error};
use serde_json::json;

/// Millisecond backoff and no rate-limit jitter, so that retries cost nothing; limits as the defaults.
fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(10))
        .with_rate_limit_jitter(Duration::ZERO)
}

fn client_for(url: &str, token: &str, policy: RetryPolicy) -> Client {
    Client::builder().org_url(url).token(token).disable_https_check(true).retry_policy(policy).build().unwrap()
}

fn client(mock: &MockOrg, policy: RetryPolicy) -> Client {
    client_for(&base(mock), mock.token(), policy)
}

fn new_user_body(login: &str) -> okta_management::types::CreateUserRequest {
    serde_json::from_value(json!({
        "profile": {"login": login, "email": login, "firstName": "New", "lastName": "User"}
    }))
    .unwrap()
}

async fn create(client: &Client, login: &str) -> Result<(), Error> {
    client.create_user().body(new_user_body(login)).send().await?;
    Ok(())
}

async fn get_user(client: &Client, id: &str) -> Result<String, Error> {
    Ok(client.get_user().id(id).send().await?.id.unwrap_or_default())
}

// ---------------------------------------------------------------- pagination under rate limiting

#[tokio::test]
async fn twenty_thousand_users_through_a_429_every_tenth_request() {
    let mock = MockOrg::start().await.unwrap();
    let seeded = mock.seed_users(20_000);
    mock.set_rate_limit_reset_delay(Duration::ZERO);
    mock.inject("GET /api/v1/users", Fault::RateLimitEvery(10)).unwrap();
    let client = client(&mock, fast_policy());

    let mut users = client.list_users().limit(200).stream();
    let mut seen = HashSet::with_capacity(20_000);
    let mut listed = Vec::with_capacity(20_000);
    while let Some(user) = users.try_next().await.unwrap() {
        let id = user.id.unwrap();
        assert!(seen.insert(id.clone()), "user {id} listed twice");
        listed.push(id);
    }
    assert_eq!(listed.len(), 20_000);
    // Nothing lost, nothing reordered: exactly the seeded users, in Okta's (creation) order.
    assert_eq!(listed, seeded);
    let c = mock.counters();
    let requests = mock.route_count("GET /api/v1/users");
    assert_eq!(requests, 100 + c.rate_limited, "100 pages of 200 plus one resend per 429");
    assert_eq!(c.rate_limited, requests / 10);
    assert!(c.rate_limited >= 10);
}

#[tokio::test]
async fn search_and_filter_are_kept_on_every_page_and_every_retry() {
    let mock = MockOrg::builder().seed_users(1_000).start().await.unwrap();
    for i in 0..25 {
        mock.create_user_raw(json!({"status": "SUSPENDED", "profile": {
            "login": format!("suspended{i}@example.com"), "firstName": "User", "lastName": "Suspended"}}))
            .unwrap();
        mock.create_user_raw(json!({"profile": {
            "login": format!("other{i}@example.com"), "firstName": "Other", "lastName": "Person"}}))
            .unwrap();
    }
    mock.set_rate_limit_reset_delay(Duration::ZERO);
    mock.inject("GET /api/v1/users", Fault::RateLimitEvery(4)).unwrap();
    mock.clear_requests();
    let client = client(&mock, fast_policy());
    let users: Vec<_> = client
        .list_users()
        .search(r#"profile.firstName eq "User""#)
        .filter(r#"status eq "ACTIVE""#)
        .limit(100)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(users.len(), 1_000);
    assert!(users.iter().all(|u| u.profile.as_ref().unwrap().first_name.as_deref() == Some("User")));

    let pages: Vec<_> = mock.requests().into_iter().filter(|r| r.method == "GET").collect();
    assert!(pages.len() > 10, "10 pages plus the 429s: {}", pages.len());
    assert!(mock.counters().rate_limited >= 2);
    for r in &pages {
        let url = url::Url::parse(&format!("http://x{}", r.path_and_query)).unwrap();
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("search"), Some(r#"profile.firstName eq "User""#), "{}", r.path_and_query);
        assert_eq!(get("filter"), Some(r#"status eq "ACTIVE""#), "{}", r.path_and_query);
        assert_eq!(get("limit"), Some("100"), "{}", r.path_and_query);
    }
}

// ---------------------------------------------------------------- POST and ambiguous failures

#[tokio::test]
async fn post_is_not_resent_when_the_connection_drops_after_processing() {
    let mock = MockOrg::start().await.unwrap();
    mock.inject("POST /api/v1/users", Fault::DropAfterProcessing).unwrap();
    let client = client(&mock, fast_policy());
    let err = create(&client, "dropped.after@example.com").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "expected a transport error, got {err:?}");
    // Okta created the user; the SDK did not create it twice.
    assert_eq!(mock.counters().users_created, 1);
    assert_eq!(mock.route_count("POST /api/v1/users"), 1);
    assert!(mock.user("dropped.after@example.com").is_some());
}

#[tokio::test]
async fn post_is_not_resent_when_the_connection_drops_after_sending() {
    // The mock closes the connection before processing, but the request was already sent: from the client's
    // side the outcome is unknown, which for a POST means no resend (only a failure to connect is retried).
    let mock = MockOrg::start().await.unwrap();
    mock.inject("POST /api/v1/users", Fault::DropBeforeProcessing).unwrap();
    let client = client(&mock, fast_policy());
    let err = create(&client, "dropped.before@example.com").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "expected a transport error, got {err:?}");
    assert_eq!(mock.counters().users_created, 0);
    assert_eq!(mock.route_count("POST /api/v1/users"), 1);
}

#[tokio::test]
async fn get_is_resent_after_a_dropped_connection() {
    let mock = MockOrg::start().await.unwrap();
    let id = mock.seed_users(1).remove(0);
    let client = client(&mock, fast_policy());
    // One fault at a time: every injected fault applies to the next matching request.
    mock.inject("GET /api/v1/users/{userId}", Fault::DropBeforeProcessing).unwrap();
    assert_eq!(get_user(&client, &id).await.unwrap(), id);
    assert_eq!(mock.route_count("GET /api/v1/users/{userId}"), 2);
    mock.inject("GET /api/v1/users/{userId}", Fault::DropAfterProcessing).unwrap();
    assert_eq!(get_user(&client, &id).await.unwrap(), id);
    assert_eq!(mock.route_count("GET /api/v1/users/{userId}"), 4);
    assert_eq!(mock.counters().connections_dropped, 2);
}

#[tokio::test]
async fn post_is_resent_after_a_429_but_not_after_a_503() {
    let mock = MockOrg::start().await.unwrap();
    mock.set_rate_limit_reset_delay(Duration::ZERO);
    let client = client(&mock, fast_policy());
    mock.inject("POST /api/v1/users", Fault::RateLimitBurst(1)).unwrap();
    create(&client, "after.429@example.com").await.unwrap();
    assert_eq!(mock.route_count("POST /api/v1/users"), 2);
    assert_eq!(mock.counters().users_created, 1);

    mock.inject("POST /api/v1/users", Fault::ServerError { status: 503, count: 1 }).unwrap();
    match create(&client, "after.503@example.com").await {
        Err(Error::Api(e)) => assert_eq!(e.status().as_u16(), 503),
        other => panic!("expected the 503, got {other:?}"),
    }
    assert_eq!(mock.route_count("POST /api/v1/users"), 3);
    assert_eq!(mock.counters().users_created, 1);

    // The same 503 on a GET is retried.
    mock.inject("GET /api/v1/users", Fault::ServerError { status: 503, count: 1 }).unwrap();
    client.list_users().send().await.unwrap();
    assert_eq!(mock.route_count("GET /api/v1/users"), 2);
}

// ---------------------------------------------------------------- retry headers

#[tokio::test]
async fn retries_carry_the_retry_headers() {
    // The mock's request log keeps only a few headers; the proxy records them all.
    let mock = MockOrg::builder().seed_users(3).start().await.unwrap();
    mock.set_rate_limit_reset_delay(Duration::ZERO);
    let proxy = Proxy::start(&base(&mock)).await;
    let client = client_for(&proxy.base, mock.token(), fast_policy());

    mock.inject("GET /api/v1/users", Fault::RateLimitBurst(2)).unwrap();
    assert_eq!(client.list_users().send().await.unwrap().len(), 3);
    mock.inject("POST /api/v1/users", Fault::RateLimitBurst(1)).unwrap();
    create(&client, "retry.headers@example.com").await.unwrap();

    let seen = proxy.seen();
    assert_eq!(seen.len(), 5);
    let (gets, posts) = seen.split_at(3);
    let first_id = gets[0].request_id().unwrap();
    assert_eq!(gets[0].status, 429);
    assert_eq!(gets[0].header_count("x-okta-retry-for") + gets[0].header_count("x-okta-retry-count"), 0);
    for (n, s) in gets.iter().enumerate().skip(1) {
        // Set, not appended: exactly one of each.
        assert_eq!(s.header_count("x-okta-retry-count"), 1);
        assert_eq!(s.header_count("x-okta-retry-for"), 1);
        assert_eq!(s.header("x-okta-retry-count").unwrap(), n.to_string());
        assert_eq!(s.header("x-okta-retry-for").unwrap(), first_id, "names the first failure");
    }
    assert_eq!(gets[1].status, 429);
    assert_eq!(gets[2].status, 200);

    assert_eq!(posts[0].method, "POST");
    assert_eq!(posts[0].status, 429);
    assert_eq!(posts[0].header_count("x-okta-retry-count"), 0);
    assert_eq!(posts[1].header("x-okta-retry-count").unwrap(), "1");
    assert_eq!(posts[1].header("x-okta-retry-for").unwrap(), posts[0].request_id().unwrap());
    assert_eq!(posts[1].status, 200);
}

// ---------------------------------------------------------------- time limits

#[tokio::test]
async fn per_request_timeout_is_honoured_and_typed() {
    let mock = MockOrg::start().await.unwrap();
    let id = mock.seed_users(1).remove(0);
    mock.inject("GET /api/v1/users/{userId}", Fault::Latency(Duration::from_secs(3))).unwrap();
    let policy = fast_policy().with_request_timeout(Some(Duration::from_millis(150))).with_max_retries(1);
    let client = client(&mock, policy);
    match get_user(&client, &id).await {
        Err(Error::Timeout { kind, attempts, .. }) => {
            assert_eq!(kind, TimeoutKind::Request);
            assert_eq!(attempts, 2, "a GET that timed out is retried once (max_retries = 1)");
        }
        other => panic!("expected a per-request timeout, got {other:?}"),
    }
    assert_eq!(mock.route_count("GET /api/v1/users/{userId}"), 2);
}

#[tokio::test]
async fn the_total_time_budget_is_honoured_and_typed() {
    let mock = MockOrg::start().await.unwrap();
    let id = mock.seed_users(1).remove(0);
    mock.inject("GET /api/v1/users/{userId}", Fault::Latency(Duration::from_secs(3))).unwrap();
    let policy = fast_policy().with_request_timeout(None).with_max_elapsed(Duration::from_millis(300));
    let client = client(&mock, policy);
    match get_user(&client, &id).await {
        Err(Error::Timeout { kind, .. }) => assert_eq!(kind, TimeoutKind::MaxElapsed),
        other => panic!("expected the time budget to run out, got {other:?}"),
    }
}

#[tokio::test]
async fn a_rate_limit_wait_past_the_budget_is_not_started() {
    let mock = MockOrg::start().await.unwrap();
    mock.set_rate_limit_reset_delay(Duration::from_secs(30));
    mock.inject("GET /api/v1/users", Fault::RateLimitBurst(1)).unwrap();
    let policy = fast_policy().with_max_elapsed(Duration::from_secs(2));
    let client = client(&mock, policy);
    match client.list_users().send().await {
        Err(Error::RateLimited { attempts, retry_after, reset_at, request_id }) => {
            assert_eq!(attempts, 1);
            let wait = retry_after.unwrap();
            assert!(wait >= Duration::from_secs(29) && wait <= Duration::from_secs(31), "{wait:?}");
            assert!(reset_at.is_some());
            assert!(request_id.is_some());
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(mock.route_count("GET /api/v1/users"), 1);
}

// ---------------------------------------------------------------- malformed headers

#[tokio::test]
async fn malformed_link_header_ends_the_listing_with_a_typed_error() {
    let mock = MockOrg::builder().seed_users(30).start().await.unwrap();
    mock.inject("GET /api/v1/users", Fault::BrokenLinkHeader).unwrap();
    let client = client(&mock, fast_policy());
    let results: Vec<_> = client.list_users().limit(10).stream().collect().await;
    assert_eq!(results.len(), 11, "the first page's items, then the error");
    assert!(results[..10].iter().all(Result::is_ok));
    match &results[10] {
        Err(Error::Pagination(PaginationError::MalformedLink { .. })) => {}
        other => panic!("expected a malformed Link error, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_reset_and_date_headers_fall_back_to_backoff() {
    let mock = MockOrg::builder().seed_users(2).start().await.unwrap();
    // A reset far away: waiting for it would blow the 5 s budget, so success shows the fallback was used.
    mock.set_rate_limit_reset_delay(Duration::from_secs(60));
    let sdk = client(&mock, fast_policy().with_max_elapsed(Duration::from_secs(5)));

    mock.inject("GET /api/v1/users", Fault::RateLimitBurst(1)).unwrap();
    mock.inject("GET /api/v1/users", Fault::BrokenResetHeader).unwrap();
    assert_eq!(sdk.list_users().send().await.unwrap().len(), 2);
    assert_eq!(mock.route_count("GET /api/v1/users"), 2);

    // A broken Date on the 429 of a client that has not seen the server's clock yet: nothing places the reset.
    let fresh = client(&mock, fast_policy().with_max_elapsed(Duration::from_secs(5)));
    mock.inject("GET /api/v1/users", Fault::RateLimitBurst(1)).unwrap();
    mock.inject("GET /api/v1/users", Fault::BrokenDateHeader).unwrap();
    assert_eq!(fresh.list_users().send().await.unwrap().len(), 2);
    assert_eq!(mock.route_count("GET /api/v1/users"), 4);

    // A client that has seen the server's clock on earlier responses places the reset without this Date: the
    // 60 s wait is past the 5 s budget, so it is not started.
    mock.inject("GET /api/v1/users", Fault::RateLimitBurst(1)).unwrap();
    mock.inject("GET /api/v1/users", Fault::BrokenDateHeader).unwrap();
    match sdk.list_users().send().await {
        Err(Error::RateLimited { attempts: 1, .. }) => {}
        other => panic!("expected the reset to be honoured, got {other:?}"),
    }
    assert_eq!(mock.route_count("GET /api/v1/users"), 5);

    // On a success response the broken headers are harmless (a client that has not been told the bucket is used
    // up for the next minute).
    let sdk = client(&mock, fast_policy());
    mock.inject("GET /api/v1/users", Fault::BrokenDateHeader).unwrap();
    mock.inject("GET /api/v1/users", Fault::BrokenResetHeader).unwrap();
    let page = sdk.list_users().pages().next().await.unwrap().unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.rate_limit().reset, None);
    assert_eq!(page.rate_limit().date, None);
}

// ---------------------------------------------------------------- decode failures

#[tokio::test]
async fn decode_failures_are_typed_and_name_the_operation() {
    let mock = MockOrg::start().await.unwrap();
    let id = mock.seed_users(25).remove(0);
    let client = client(&mock, fast_policy());

    mock.inject("GET /api/v1/users/{userId}", Fault::MalformedJson).unwrap();
    match get_user(&client, &id).await {
        Err(e @ Error::Decode { .. }) => {
            let Error::Decode { operation, status, excerpt, .. } = &e else { unreachable!() };
            assert_eq!(operation.as_deref(), Some("get_user"));
            assert_eq!(status.map(|s| s.as_u16()), Some(200));
            assert!(excerpt.contains("\"login\""), "{excerpt}");
            assert!(e.to_string().contains("get_user"), "{e}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }

    mock.inject("GET /api/v1/users/{userId}", Fault::WrongContentType).unwrap();
    match get_user(&client, &id).await {
        Err(e @ Error::UnexpectedContentType { .. }) => {
            assert!(e.to_string().contains("get_user"), "{e}");
            assert!(e.to_string().contains("text/html"), "{e}");
        }
        other => panic!("expected an unexpected content type error, got {other:?}"),
    }

    // The body ends before its Content-Length: a GET is read again, inside the retry loop.
    mock.inject("GET /api/v1/users/{userId}", Fault::TruncatedBody).unwrap();
    let before = mock.route_count("GET /api/v1/users/{userId}");
    assert_eq!(get_user(&client, &id).await.unwrap(), id);
    assert_eq!(mock.route_count("GET /api/v1/users/{userId}"), before + 2);
    // Cut off every time: a body read failure, reported as a transport error once the retries are spent.
    mock.inject_times("GET /api/v1/users/{userId}", Fault::TruncatedBody, 3).unwrap();
    match get_user(&client, &id).await {
        Err(Error::Transport(e)) => assert!(e.is_body() || e.is_decode(), "{e:?}"),
        other => panic!("expected a transport error for a truncated body, got {other:?}"),
    }

    // A later page of a listing: the decode error names the list operation.
    let mut calls = 0;
    let mut pages = client.list_users().limit(10).pages();
    while let Some(page) = pages.next().await {
        calls += 1;
        if calls == 1 {
            page.unwrap();
            mock.inject("GET /api/v1/users", Fault::MalformedJson).unwrap();
            continue;
        }
        match page {
            Err(Error::Decode { operation, .. }) => assert_eq!(operation.as_deref(), Some("list_users")),
            other => panic!("expected a decode error on page 2, got {other:?}"),
        }
    }
    assert_eq!(calls, 2);
}
