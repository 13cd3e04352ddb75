#![cfg(feature = "mock")]
//! Fault injection against the mock org, through the real `okta_management::Client` (generated
//! operations and `.stream()` pagination, so the whole retry → auth → HTTP → decode path is used).
//!
//! For each fault the caller gets either the right result or a typed error; the mock's counters
//! show that nothing was lost (every seeded user listed) and nothing duplicated (exactly the
//! expected number of requests reached the route, at most one user created per POST); nothing
//! panics. Backoffs are a few milliseconds and 429s announce a reset in the current second (so
//! the client backs off instead of waiting for the window), which keeps the suite fast without
//! any timing assertion.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::HashSet;
use std::time::Duration;

use okta_management::error::TimeoutKind;
use okta_management::mock::{Fault, ListEndpoint, MockOrg};
use okta_management::pagination::PaginationError;
use okta_management::retry::RetryPolicy;
use okta_management::{Client, Error, types};
use serde_json::json;

const LIST: &str = "GET /api/v1/users";
const CREATE: &str = "POST /api/v1/users";
const GET_ONE: &str = "GET /api/v1/users/{userId}";

/// Small backoffs, the default 2 retries, and a per-attempt timeout far above what a healthy
/// local request needs (only the slow-response tests lower it).
fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(2)
        .with_backoff(Duration::from_millis(2), Duration::from_millis(10))
        .with_rate_limit_jitter(Duration::from_millis(2))
        .with_request_timeout(Some(Duration::from_secs(10)))
        .with_max_elapsed(Duration::from_secs(60))
}

async fn org(users: usize) -> MockOrg {
    MockOrg::builder()
        .seed_users(users)
        .page_limits(ListEndpoint::Users, 10, 10)
        // Reset "now": the client falls back to its (tiny) backoff instead of waiting ~1 s.
        .rate_limit_reset_delay(Duration::ZERO)
        .start()
        .await
        .unwrap()
}

/// An org with one user (its id returned) whose `GET /api/v1/users/{userId}` meets `faults`, in order.
async fn one_user<const N: usize>(faults: [Fault; N]) -> (MockOrg, String) {
    let org = org(0).await;
    let id = org.seed_users(1).remove(0);
    for fault in faults {
        org.inject(GET_ONE, fault).unwrap();
    }
    (org, id)
}

fn client_with(org: &MockOrg, policy: RetryPolicy) -> Client {
    Client::builder()
        .org_url(org.base_url().as_str())
        .token(org.token())
        .disable_https_check(true)
        .retry_policy(policy)
        // No system proxy between the client and 127.0.0.1.
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

fn client(org: &MockOrg) -> Client {
    client_with(org, fast_policy())
}

fn new_user(login: &str) -> types::CreateUserRequest {
    serde_json::from_value(json!({
        "profile": {"login": login, "email": login, "firstName": "Fay", "lastName": "Ult"}
    }))
    .unwrap()
}

async fn create(client: &Client, login: &str) -> Result<String, Error> {
    let user = client.create_user().body(new_user(login)).send().await?;
    Ok(user.id.unwrap_or_default())
}

async fn get(client: &Client, id: &str) -> Result<types::UserGetSingleton, Error> {
    client.get_user().id(id).send().await
}

/// Every user id the stream yields, and the error that ended it, if any.
async fn list_all(client: &Client) -> (Vec<String>, Option<Error>) {
    let mut ids = Vec::new();
    let mut users = client.list_users().limit(10).stream();
    loop {
        match users.try_next().await {
            Ok(Some(user)) => ids.push(user.id.unwrap_or_default()),
            Ok(None) => return (ids, None),
            Err(e) => {
                // A stream ends after its first error.
                assert!(users.try_next().await.unwrap().is_none(), "stream went on after {e}");
                return (ids, Some(e));
            }
        }
    }
}

/// Every page of a listing (10 users a page), calling `after_page(n)` once page `n` has arrived (to inject the
/// fault the next page meets); the ids in order. Fails on any error.
async fn list_pages(org: &MockOrg, mut after_page: impl FnMut(usize)) -> Vec<String> {
    let sdk = client(org);
    let mut pages = sdk.list_users().limit(10).pages();
    let (mut ids, mut page_number) = (Vec::new(), 0);
    while let Some(page) = pages.try_next().await.unwrap() {
        page_number += 1;
        ids.extend(page.items.into_iter().map(|u| u.id.unwrap_or_default()));
        after_page(page_number);
    }
    ids
}

fn assert_no_duplicates(ids: &[String]) {
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicated items: {ids:?}");
}

// ------------------------------------------------------------------------------------ 429 storms

#[tokio::test]
async fn a_429_storm_is_retried_past_max_retries_while_the_org_keeps_answering() {
    // A 429 is Okta answering that it is busy, with a reset: not a failure. Eight in a row, with the default two
    // retries for failures, still end in the user.
    let org = org(3).await;
    let seeded = org.seed_users(1);
    org.inject(GET_ONE, Fault::RateLimitBurst(8)).unwrap();
    let user = get(&client(&org), &seeded[0]).await.unwrap();
    assert_eq!(user.id.as_deref(), Some(seeded[0].as_str()));
    assert_eq!(org.route_count(GET_ONE), 9, "each 429 sent again once");
    assert_eq!(org.counters().rate_limited, 8);
}

#[tokio::test]
async fn a_429_storm_longer_than_the_time_budget_is_a_typed_rate_limit_error() {
    let (org, id) = one_user([Fault::RateLimitBurst(1_000_000)]).await;
    let client = client_with(&org, fast_policy().with_max_elapsed(Duration::from_millis(400)));
    let err = get(&client, &id).await.unwrap_err();
    // The budget ends after a 429 (the typed rate-limit error) or during the attempt it capped (a timeout).
    let attempts = match &err {
        Error::RateLimited { attempts, request_id, reset_at, .. } => {
            assert!(request_id.is_some(), "the last 429's request id is kept");
            assert!(reset_at.is_some());
            assert_eq!(err.status(), Some(reqwest::StatusCode::TOO_MANY_REQUESTS));
            *attempts
        }
        Error::Timeout { kind: TimeoutKind::MaxElapsed, attempts, .. } => *attempts,
        other => panic!("expected RateLimited, got {other:?}"),
    };
    assert!(attempts > 3, "bounded by the budget, not by max_retries: {attempts} attempts");
    // Each attempt reached the org once (an attempt cut by the budget may not have reached it).
    let reached = org.route_count(GET_ONE);
    assert!(reached == u64::from(attempts) || reached + 1 == u64::from(attempts), "{reached} of {attempts}");
}

#[tokio::test]
async fn a_429_burst_within_the_retries_creates_exactly_one_user() {
    // Okta did not process a 429'd request, so even a POST is re-sent.
    let org = org(0).await;
    org.inject(CREATE, Fault::RateLimitBurst(2)).unwrap();
    let id = create(&client(&org), "burst@example.com").await.unwrap();
    assert!(org.user(&id).is_some());
    assert_eq!(org.route_count(CREATE), 3);
    assert_eq!(org.counters().users_created, 1);
    assert_eq!(org.user_count(), 1);
}

#[tokio::test]
async fn a_paged_listing_under_a_persistent_429_storm_loses_and_duplicates_nothing() {
    let org = org(45).await;
    // Every second request to the list route is rate limited, on every page.
    org.inject(LIST, Fault::RateLimitEvery(2)).unwrap();
    let (ids, error) = list_all(&client(&org)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids.len(), 45);
    assert_no_duplicates(&ids);
    // 5 pages (10, 10, 10, 10, 5); requests 2, 4, 6 and 8 are 429s, each re-sent once.
    assert_eq!(org.counters().rate_limited, 4);
    assert_eq!(org.route_count(LIST), 9);
}

// ------------------------------------------------------------------------------------ 5xx bursts

#[tokio::test]
async fn a_503_burst_on_get_is_retried_and_succeeds() {
    let (org, id) = one_user([Fault::ServerError { status: 503, count: 2 }]).await;
    let user = get(&client(&org), &id).await.unwrap();
    assert_eq!(user.id.as_deref(), Some(id.as_str()));
    assert_eq!(org.route_count(GET_ONE), 3);
    assert_eq!(org.counters().server_errors_injected, 2);
}

#[tokio::test]
async fn a_504_burst_longer_than_the_retries_is_a_typed_api_error() {
    let (org, id) = one_user([Fault::ServerError { status: 504, count: 10 }]).await;
    let err = get(&client(&org), &id).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected Api, got {err:?}") };
    assert_eq!(api.status().as_u16(), 504);
    assert_eq!(api.error_code(), Some("E0000009"), "Okta's error body is decoded");
    assert!(api.request_id().is_some());
    assert_eq!(org.route_count(GET_ONE), 3);
}

#[tokio::test]
async fn a_500_is_not_retried_even_on_get() {
    // Only 429/503/504 are transient for Okta; a 500 is answered at once with the typed error.
    let (org, id) = one_user([Fault::ServerError { status: 500, count: 1 }]).await;
    let err = get(&client(&org), &id).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(org.route_count(GET_ONE), 1);
}

#[tokio::test]
async fn a_503_on_post_is_not_retried_and_creates_nothing() {
    let org = org(0).await;
    org.inject(CREATE, Fault::ServerError { status: 503, count: 1 }).unwrap();
    let client = client(&org);
    let err = create(&client, "once@example.com").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(org.route_count(CREATE), 1, "a POST with an unknown outcome is never re-sent");
    assert_eq!(org.counters().users_created, 0);
    // The caller decides to try again: exactly one user exists afterwards.
    create(&client, "once@example.com").await.unwrap();
    assert_eq!(org.counters().users_created, 1);
    assert_eq!(org.user_count(), 1);
}

#[tokio::test]
async fn a_503_burst_between_pages_loses_and_duplicates_nothing() {
    let org = org(25).await;
    let client = client(&org);
    let mut ids = Vec::new();
    let mut users = client.list_users().limit(10).stream();
    while let Some(user) = users.try_next().await.unwrap() {
        ids.push(user.id.unwrap_or_default());
        if ids.len() == 10 {
            // The second page is requested on the next poll, into the burst.
            org.inject(LIST, Fault::ServerError { status: 503, count: 2 }).unwrap();
        }
    }
    assert_eq!(ids.len(), 25);
    assert_no_duplicates(&ids);
    assert_eq!(org.route_count(LIST), 3 + 2);
}

#[tokio::test]
async fn a_500_between_pages_ends_the_stream_with_a_typed_error_after_the_first_page() {
    let org = org(25).await;
    let client = client(&org);
    let mut ids = Vec::new();
    let mut users = client.list_users().limit(10).stream();
    let err = loop {
        match users.try_next().await {
            Ok(Some(user)) => {
                ids.push(user.id.unwrap_or_default());
                if ids.len() == 10 {
                    org.inject(LIST, Fault::ServerError { status: 500, count: 1 }).unwrap();
                }
            }
            Ok(None) => panic!("the stream ended without reporting the failed page"),
            Err(e) => break e,
        }
    };
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(ids.len(), 10, "exactly the first page, nothing silently skipped");
    assert_no_duplicates(&ids);
    assert!(users.try_next().await.unwrap().is_none());
}

// ------------------------------------------------------------------------------ connection drops

#[tokio::test]
async fn a_get_dropped_before_processing_is_retried() {
    let (org, id) = one_user([Fault::DropBeforeProcessing]).await;
    let user = get(&client(&org), &id).await.unwrap();
    assert_eq!(user.id.as_deref(), Some(id.as_str()));
    assert_eq!(org.route_count(GET_ONE), 2);
    assert_eq!(org.counters().connections_dropped, 1);
}

#[tokio::test]
async fn a_get_dropped_after_processing_is_retried() {
    let (org, id) = one_user([Fault::DropAfterProcessing]).await;
    get(&client(&org), &id).await.unwrap();
    assert_eq!(org.route_count(GET_ONE), 2);
}

#[tokio::test]
async fn a_post_dropped_before_processing_is_a_transport_error_and_creates_nothing() {
    let org = org(0).await;
    org.inject(CREATE, Fault::DropBeforeProcessing).unwrap();
    let err = create(&client(&org), "dropped@example.com").await.unwrap_err();
    // The client cannot know the request was not processed: the outcome is unknown, not retried.
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(org.route_count(CREATE), 1);
    assert_eq!(org.counters().users_created, 0);
    assert_eq!(org.user_count(), 0);
}

#[tokio::test]
async fn a_post_dropped_after_processing_is_not_resent_so_exactly_one_user_exists() {
    let org = org(0).await;
    org.inject(CREATE, Fault::DropAfterProcessing).unwrap();
    let err = create(&client(&org), "processed@example.com").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(org.route_count(CREATE), 1, "never re-sent");
    assert_eq!(org.counters().users_created, 1);
    assert_eq!(org.user_count(), 1, "created once, not duplicated");
    assert!(org.user("processed@example.com").is_some());
}

#[tokio::test]
async fn dropped_connections_while_paging_lose_and_duplicate_nothing() {
    let org = org(35).await;
    let client = client(&org);
    let mut ids = Vec::new();
    let mut users = client.list_users().limit(10).stream();
    while let Some(user) = users.try_next().await.unwrap() {
        ids.push(user.id.unwrap_or_default());
        match ids.len() {
            10 => org.inject(LIST, Fault::DropAfterProcessing).unwrap(),
            20 => org.inject(LIST, Fault::DropBeforeProcessing).unwrap(),
            _ => {}
        }
    }
    assert_eq!(ids.len(), 35);
    assert_no_duplicates(&ids);
    assert_eq!(org.route_count(LIST), 4 + 2);
}

// ------------------------------------------------------------------------------- slow responses

#[tokio::test]
async fn a_get_slower_than_the_timeout_is_retried_then_a_typed_timeout() {
    let (org, id) = one_user([Fault::Latency(Duration::from_millis(600))]).await;
    let client = client_with(&org, fast_policy().with_request_timeout(Some(Duration::from_millis(100))));
    let err = get(&client, &id).await.unwrap_err();
    match &err {
        Error::Timeout { kind, attempts, .. } => {
            assert_eq!(*kind, TimeoutKind::Request);
            assert_eq!(*attempts, 3);
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert_eq!(org.route_count(GET_ONE), 3);
}

#[tokio::test]
async fn a_post_slower_than_the_timeout_is_sent_once() {
    let org = org(0).await;
    org.inject(CREATE, Fault::Latency(Duration::from_millis(400))).unwrap();
    let client = client_with(&org, fast_policy().with_request_timeout(Some(Duration::from_millis(100))));
    let err = create(&client, "slow@example.com").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    assert_eq!(org.route_count(CREATE), 1, "a timed-out POST is never re-sent");
    // Whether the server finished the abandoned request is unknown to the client; it must not
    // have been processed twice. Wait (bounded) past the injected latency before looking.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(org.counters().users_created <= 1);
    assert!(org.user_count() <= 1);
}

#[tokio::test]
async fn a_slow_but_timely_response_is_not_an_error() {
    let (org, id) = one_user([Fault::Latency(Duration::from_millis(50))]).await;
    get(&client(&org), &id).await.unwrap();
    assert_eq!(org.route_count(GET_ONE), 1);
}

// ----------------------------------------------------------------------------- broken responses

#[tokio::test]
async fn a_truncated_body_on_a_get_is_read_again() {
    let (org, id) = one_user([Fault::TruncatedBody]).await;
    let user = get(&client(&org), &id).await.unwrap();
    assert_eq!(user.id.as_deref(), Some(id.as_str()));
    assert_eq!(org.route_count(GET_ONE), 2);
}

#[tokio::test]
async fn a_get_cut_off_on_every_attempt_is_a_typed_error_never_a_partial_value() {
    let (org, id) = one_user([]).await;
    org.inject_times(GET_ONE, Fault::TruncatedBody, 3).unwrap();
    let err = get(&client(&org), &id).await.unwrap_err();
    // The status line arrived (200), then the body broke on each of the three attempts: a transport error
    // while reading it, never a partial value.
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(org.route_count(GET_ONE), 3);
}

#[tokio::test]
async fn pages_cut_off_mid_body_are_fetched_again_and_the_listing_is_whole() {
    let org = org(45).await;
    // The first page, and later the third, are cut off once each.
    org.inject(LIST, Fault::TruncatedBody).unwrap();
    let ids = list_pages(&org, |page| {
        if page == 2 {
            org.inject(LIST, Fault::TruncatedBody).unwrap();
        }
    })
    .await;
    assert_eq!(ids.len(), 45, "every user");
    assert_no_duplicates(&ids);
    // Five pages, two of them sent twice.
    assert_eq!(org.route_count(LIST), 7);
}

#[tokio::test]
async fn a_truncated_post_response_is_an_error_with_exactly_one_user_created() {
    let org = org(0).await;
    org.inject(CREATE, Fault::TruncatedBody).unwrap();
    let err = create(&client(&org), "half@example.com").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_) | Error::Decode { .. }), "{err:?}");
    assert_eq!(org.route_count(CREATE), 1);
    assert_eq!(org.counters().users_created, 1);
}

#[tokio::test]
async fn a_malformed_json_body_is_a_decode_error_naming_the_operation() {
    let (org, id) = one_user([Fault::MalformedJson]).await;
    let err = get(&client(&org), &id).await.unwrap_err();
    match &err {
        Error::Decode { operation, status, excerpt, .. } => {
            assert_eq!(operation.as_deref(), Some("get_user"));
            assert_eq!(status.map(|s| s.as_u16()), Some(200));
            assert!(excerpt.contains("\"login\": }"), "{excerpt}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(org.route_count(GET_ONE), 1);
}

#[tokio::test]
async fn a_malformed_page_is_a_decode_error() {
    let org = org(15).await;
    org.inject(LIST, Fault::MalformedJson).unwrap();
    let (ids, error) = list_all(&client(&org)).await;
    assert!(matches!(error, Some(Error::Decode { .. })), "{error:?}");
    assert!(ids.is_empty());
}

#[tokio::test]
async fn an_html_page_instead_of_json_is_an_unexpected_content_type_error() {
    let (org, id) = one_user([Fault::WrongContentType]).await;
    let err = get(&client(&org), &id).await.unwrap_err();
    match &err {
        Error::UnexpectedContentType { operation, content_type, excerpt, .. } => {
            assert_eq!(operation, "get_user");
            assert!(content_type.starts_with("text/html"), "{content_type}");
            assert!(excerpt.contains("Service temporarily unavailable"), "{excerpt}");
        }
        other => panic!("expected UnexpectedContentType, got {other:?}"),
    }
}

#[tokio::test]
async fn an_html_error_page_keeps_the_status_and_an_excerpt() {
    let (org, id) = one_user([Fault::ServerError { status: 500, count: 1 }, Fault::WrongContentType]).await;
    let err = get(&client(&org), &id).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected Api, got {err:?}") };
    assert_eq!(api.status().as_u16(), 500);
    assert!(api.body_excerpt().unwrap_or_default().contains("Service temporarily unavailable"));
}

#[tokio::test]
async fn a_wrong_content_type_on_a_page_is_a_typed_error() {
    let org = org(15).await;
    org.inject(LIST, Fault::WrongContentType).unwrap();
    let (ids, error) = list_all(&client(&org)).await;
    assert!(
        matches!(&error, Some(Error::UnexpectedContentType { operation, .. }) if operation == "list_users"),
        "{error:?}"
    );
    assert!(ids.is_empty());
}

#[tokio::test]
async fn a_later_page_fails_with_the_same_error_as_the_first() {
    // Pages after the first are fetched by the pagination layer, not by the generated call: same error variants.
    let org = org(25).await;
    let client = client(&org);
    for (fault, want) in [(Fault::WrongContentType, "UnexpectedContentType"), (Fault::MalformedJson, "Decode")] {
        let mut users = client.list_users().limit(10).stream();
        for _ in 0..10 {
            users.try_next().await.unwrap().expect("an item of the first page");
        }
        org.inject_times(LIST, fault, 1).unwrap();
        let error = users.try_next().await.expect_err("the second page fails");
        let got = match &error {
            Error::UnexpectedContentType { operation, status, .. } => {
                assert_eq!((operation.as_ref(), status.as_u16()), ("list_users", 200));
                "UnexpectedContentType"
            }
            Error::Decode { operation, status, .. } => {
                assert_eq!((operation.as_deref(), status.map(|s| s.as_u16())), (Some("list_users"), Some(200)));
                "Decode"
            }
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(got, want);
    }
}

// -------------------------------------------------------------------------------- bogus headers

#[tokio::test]
async fn a_bogus_link_header_ends_the_listing_with_a_pagination_error() {
    let org = org(25).await;
    let client = client(&org);
    org.inject(LIST, Fault::BrokenLinkHeader).unwrap();
    let (ids, error) = list_all(&client).await;
    // The first page itself is fine: its items are yielded, then the unfollowable link is reported.
    assert_eq!(ids.len(), 10);
    assert!(matches!(error, Some(Error::Pagination(PaginationError::MalformedLink { .. }))), "{error:?}");
    assert_eq!(org.route_count(LIST), 1);
}

#[tokio::test]
async fn a_bogus_link_header_on_a_later_page_keeps_the_earlier_pages() {
    let org = org(35).await;
    let client = client(&org);
    let mut ids = Vec::new();
    let mut users = client.list_users().limit(10).stream();
    let err = loop {
        match users.try_next().await {
            Ok(Some(user)) => {
                ids.push(user.id.unwrap_or_default());
                if ids.len() == 10 {
                    org.inject(LIST, Fault::BrokenLinkHeader).unwrap();
                }
            }
            Ok(None) => panic!("the broken link was not reported"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err, Error::Pagination(PaginationError::MalformedLink { .. })), "{err:?}");
    assert_eq!(ids.len(), 20);
    assert_no_duplicates(&ids);
}

#[tokio::test]
async fn bogus_date_and_reset_headers_on_429s_fall_back_to_backoff() {
    let org = org(0).await;
    let seeded = org.seed_users(1);
    // Without a usable Date or X-Rate-Limit-Reset the wait cannot be computed: back off, retry.
    org.inject(GET_ONE, Fault::RateLimitBurst(2)).unwrap();
    org.inject_times(GET_ONE, Fault::BrokenDateHeader, 1).unwrap();
    org.inject_times(GET_ONE, Fault::BrokenResetHeader, 2).unwrap();
    get(&client(&org), &seeded[0]).await.unwrap();
    assert_eq!(org.route_count(GET_ONE), 3);
    assert_eq!(org.counters().rate_limited, 2);
}

#[tokio::test]
async fn a_429_storm_with_bogus_reset_headers_is_still_a_typed_rate_limit_error() {
    let (org, id) = one_user([Fault::RateLimitBurst(20)]).await;
    org.inject_times(GET_ONE, Fault::BrokenResetHeader, 20).unwrap();
    org.inject_times(GET_ONE, Fault::BrokenDateHeader, 20).unwrap();
    let err = get(&client(&org), &id).await.unwrap_err();
    match &err {
        Error::RateLimited { attempts, reset_at, retry_after, .. } => {
            assert_eq!(*attempts, 3);
            // Nothing made up from unparsable headers.
            assert_eq!((*reset_at, *retry_after), (None, None));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    let _ = err.to_string();
    assert_eq!(org.route_count(GET_ONE), 3);
}

#[tokio::test]
async fn bogus_date_and_reset_headers_on_a_success_are_ignored() {
    let (org, id) = one_user([Fault::BrokenDateHeader, Fault::BrokenResetHeader]).await;
    get(&client(&org), &id).await.unwrap();
    assert_eq!(org.route_count(GET_ONE), 1);
}

#[tokio::test]
async fn a_fault_on_one_route_does_not_disturb_another() {
    // Many operations through one client while every route of the org has a fault pending:
    // the outcomes add up exactly (successes + typed errors = requests made).
    let org = org(0).await;
    let seeded = org.seed_users(4);
    let client = client(&org);
    org.inject(GET_ONE, Fault::ServerError { status: 503, count: 1 }).unwrap();
    org.inject(CREATE, Fault::DropAfterProcessing).unwrap();
    let results = futures::future::join_all(seeded.iter().map(|id| get(&client, id)).collect::<Vec<_>>()).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let created = futures::future::join_all(
        (0..4)
            .map(|i| {
                let client = &client;
                async move { create(client, &format!("c{i}@example.com")).await }
            })
            .collect::<Vec<_>>(),
    )
    .await;
    let failed = created.iter().filter(|r| r.is_err()).count();
    assert_eq!(failed, 1, "exactly the dropped POST failed: {created:?}");
    // The dropped POST was processed once: 4 users created by 4 POSTs, none twice.
    assert_eq!(org.counters().users_created, 4);
    assert_eq!(org.route_count(CREATE), 4);
    assert_eq!(org.route_count(GET_ONE), 5);
}

#[tokio::test]
async fn a_listing_through_a_proxy_502_a_dropped_connection_and_a_cut_off_page_yields_every_user_once() {
    let org = org(55).await;
    // The next page meets one fault each time.
    let ids = list_pages(&org, |page| match page {
        1 => {
            // A proxy's 502: an HTML page, not Okta's JSON.
            org.inject(LIST, Fault::ServerError { status: 502, count: 1 }).unwrap();
            org.inject(LIST, Fault::WrongContentType).unwrap();
        }
        2 => org.inject(LIST, Fault::DropBeforeProcessing).unwrap(),
        3 => org.inject(LIST, Fault::DropAfterProcessing).unwrap(),
        4 => org.inject(LIST, Fault::TruncatedBody).unwrap(),
        _ => {}
    })
    .await;
    assert_eq!(ids.len(), 55, "every user");
    assert_no_duplicates(&ids);
    // Six pages, four of them sent twice.
    assert_eq!(org.route_count(LIST), 10);
    assert_eq!(org.counters().server_errors_injected, 1);
}
