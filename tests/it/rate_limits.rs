#![cfg(feature = "mock")]
//! Rate limits as Okta defines them, against the mock org enforcing them: per-bucket windows and the
//! concurrency limit. Every test runs on tokio's paused clock (the mock's `Date` and `X-Rate-Limit-Reset`
//! follow it), so a window costs no real time and the elapsed times below are exact, not measured.

use std::time::Duration;

use futures::StreamExt;
use okta_management::auth::AuthError;
use okta_management::mock::{ConcurrencyHeaders, Fault, MockOrg};
use okta_management::rate_limit::RateLimitPolicy;
use okta_management::retry::RetryPolicy;
use okta_management::{Client, Error};
use tokio::time::Instant;

use crate::client_support::{list_count, register_rsa, rsa_client, ssws};

const GET_ONE: &str = "GET /api/v1/users/{userId}";

fn client(org: &MockOrg, policy: RateLimitPolicy) -> Client {
    ssws(org)
        .rate_limit_policy(policy)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

/// `n` GETs of one user, `tasks` at a time; how many failed.
async fn get_many(client: &Client, id: &str, n: usize, tasks: usize) -> usize {
    futures::stream::iter(0..n)
        .map(|_| async move { client.get_user().id(id).send().await })
        .buffer_unordered(tasks)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await
}

#[tokio::test(start_paused = true)]
async fn a_paced_client_alone_never_meets_a_bucket_429() {
    let org = MockOrg::builder().rate_limit(GET_ONE, 20, Duration::from_secs(2)).unwrap().start().await.unwrap();
    let id = org.seed_users(1).remove(0);
    let paced = client(&org, RateLimitPolicy::default());
    let started = Instant::now();
    assert_eq!(get_many(&paced, &id, 100, 8).await, 0);
    let elapsed = started.elapsed();
    let c = org.counters();
    assert_eq!(c.rate_limited, 0, "no bucket 429 for a paced client alone");
    assert_eq!(org.route_count(GET_ONE), 100, "every request sent once");
    // 100 requests at 20 per 2-second window: the last 20 go when the fifth window opens, 6 to 8 s after the
    // start (the first window may be partly over when the run starts).
    assert!(elapsed >= Duration::from_secs(6) && elapsed <= Duration::from_millis(8100), "{elapsed:?}");

    // The same run without pacing meets the limit (each 429 then waits for the reset, and a request that meets
    // more 429s than its retries fails).
    let unpaced = client(&org, RateLimitPolicy::default().with_pacing(false));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let failed = get_many(&unpaced, &id, 100, 8).await;
    let c = org.counters();
    assert!(c.rate_limited > 0, "the bucket is really enforced");
    assert_eq!(
        org.route_count(GET_ONE) - 100,
        100 - failed as u64 + c.rate_limited,
        "each 429 was sent again or failed"
    );
}

#[tokio::test(start_paused = true)]
async fn a_share_of_the_bucket_is_left_to_other_integrations() {
    let org = MockOrg::builder().rate_limit(GET_ONE, 20, Duration::from_secs(60)).unwrap().start().await.unwrap();
    let id = org.seed_users(1).remove(0);
    let half = client(&org, RateLimitPolicy::default().with_max_capacity_percent(50));
    let started_on_the_org = org.now();
    let started = Instant::now();
    assert_eq!(get_many(&half, &id, 15, 1).await, 0);
    // 10 requests fit in the first window's half; the other 5 waited for the next minute (never before it, and
    // late by no more than the one-second resolution of `Date` when the client has seen only one second).
    let next_minute = Duration::from_secs((started_on_the_org.as_secs() / 60 + 1) * 60) - started_on_the_org;
    let elapsed = started.elapsed();
    assert!(elapsed >= next_minute && elapsed <= next_minute + Duration::from_secs(1), "{elapsed:?} {next_minute:?}");
    assert_eq!(org.counters().rate_limited, 0);
    // The half left is there for another integration: 15 more fit in this window (5 used), without a 429.
    let other = client(&org, RateLimitPolicy::default().with_pacing(false));
    for _ in 0..15 {
        other.get_user().id(&id).send().await.unwrap();
    }
    assert_eq!(org.counters().rate_limited, 0);
    // And the window is then full: the bucket is enforced.
    let over = client(&org, RateLimitPolicy::default().with_pacing(false));
    let before = org.counters().rate_limited;
    over.get_user().id(&id).send().await.unwrap();
    assert_eq!(org.counters().rate_limited - before, 1, "the 21st request of the window met a 429 (then waited)");
}

#[tokio::test(start_paused = true)]
async fn concurrency_429s_are_retried_after_a_short_backoff_not_at_the_reset() {
    // Both forms: the concurrent values in the headers (Okta's docs; the reset an estimate, the next second here),
    // and the older `X-Rate-Limit-Limit: 0` with a reset a minute out.
    for form in [ConcurrencyHeaders::Documented, ConcurrencyHeaders::LimitZero] {
        let org = MockOrg::builder().concurrency_limit(2).concurrency_headers(form).start().await.unwrap();
        let id = org.seed_users(1).remove(0);
        org.inject(GET_ONE, Fault::Latency(Duration::from_millis(100))).unwrap();
        let uncapped = client(&org, RateLimitPolicy::default());
        // One answer first, so the client knows the bucket's limit (600 a minute) when the 429s come.
        uncapped.get_user().id(&id).send().await.unwrap();
        let started = Instant::now();
        assert_eq!(get_many(&uncapped, &id, 16, 8).await, 0);
        let elapsed = started.elapsed();
        assert!(org.counters().concurrency_limited > 0, "the org's concurrency limit was met ({form:?})");
        // 16 requests of 100 ms, 2 at a time, take 0.8 s on the paused clock (the short backoffs overlap the
        // requests in flight; a loaded machine adds a little). Taking a concurrency 429 for the bucket's waits for
        // its reset again and again: 3.1 s when planted, or a minute.
        assert!(elapsed <= Duration::from_millis(1500), "{form:?}: {elapsed:?}");
    }

    // Capped at the org's limit, the client never meets it.
    let capped_org = MockOrg::builder().concurrency_limit(2).start().await.unwrap();
    let id = capped_org.seed_users(1).remove(0);
    capped_org.inject(GET_ONE, Fault::Latency(Duration::from_millis(100))).unwrap();
    let capped = client(&capped_org, RateLimitPolicy::default().with_max_concurrency(2));
    let started = Instant::now();
    assert_eq!(get_many(&capped, &id, 16, 8).await, 0);
    assert_eq!(capped_org.counters().concurrency_limited, 0);
    // 16 requests of 100 ms, two at a time.
    assert!(started.elapsed() >= Duration::from_millis(800), "{:?}", started.elapsed());
}

#[tokio::test(start_paused = true)]
async fn a_bucket_429_waits_until_the_reset_exactly() {
    let org = MockOrg::builder().start().await.unwrap();
    let id = org.seed_users(1).remove(0);
    let sdk = client(&org, RateLimitPolicy::default());
    // A few responses first, so the client knows the org's clock to the millisecond.
    for _ in 0..3 {
        sdk.get_user().id(&id).send().await.unwrap();
        tokio::time::sleep(Duration::from_millis(370)).await;
    }
    org.set_rate_limit_reset_delay(Duration::from_secs(3));
    org.inject(GET_ONE, Fault::RateLimitBurst(1)).unwrap();
    let now = org.now();
    let reset = now.as_secs() + 3;
    let started = Instant::now();
    sdk.get_user().id(&id).send().await.unwrap();
    let waited = started.elapsed();
    let exact = Duration::from_secs(reset) - now;
    // Never before the reset, and not the second more that `Reset - Date` would give.
    assert!(waited >= exact && waited <= exact + Duration::from_millis(400), "{waited:?} for {exact:?}");
}

#[tokio::test(start_paused = true)]
async fn a_bucket_spent_by_another_integration_is_waited_for_not_hammered() {
    // The bucket is the org's, not the client's: another integration can spend what the client last saw left. The
    // 429 that follows carries the bucket's own limit and the very window the client saw room in; it is the
    // bucket's, and the client waits for that window's reset instead of retrying into it.
    let org = MockOrg::builder().rate_limit(GET_ONE, 20, Duration::from_secs(60)).unwrap().start().await.unwrap();
    let id = org.seed_users(1).remove(0);
    // All of it in one window of the org's minute (its clock starts at the wall clock's).
    let into_minute = org.now().as_secs() % 60;
    if into_minute >= 50 {
        tokio::time::sleep(Duration::from_secs(61 - into_minute)).await;
    }
    let sdk = client(&org, RateLimitPolicy::default());
    sdk.get_user().id(&id).send().await.unwrap();
    // The rest of the window, spent by another integration with its own client.
    let other = client(&org, RateLimitPolicy::default().with_pacing(false));
    for _ in 0..19 {
        other.get_user().id(&id).send().await.unwrap();
    }
    assert_eq!(org.counters().rate_limited, 0);
    let now = org.now();
    let next_window = Duration::from_secs((now.as_secs() / 60 + 1) * 60);
    let started = Instant::now();
    sdk.get_user().id(&id).send().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(org.counters().rate_limited, 1, "one 429, then the wait for the reset; none retried into the window");
    assert_eq!(org.route_count(GET_ONE), 22);
    let exact = next_window - now;
    assert!(waited >= exact && waited <= exact + Duration::from_secs(1), "{waited:?} for {exact:?}");
}

#[tokio::test]
async fn a_dpop_retry_signs_a_new_proof() {
    let org = MockOrg::builder().seed_users(3).start().await.unwrap();
    register_rsa(&org, &["okta.users.read"]);
    org.require_dpop(true);
    let sdk = rsa_client(&org, &["okta.users.read"])
        .dpop(true)
        .retry_policy(RetryPolicy::default().with_backoff(Duration::from_millis(5), Duration::from_millis(10)))
        .build()
        .unwrap();
    assert_eq!(list_count(&sdk).await.unwrap(), 3);
    // The org accepts each proof once; a 429 and a 503 are each followed by a new proof, which it accepts.
    org.set_rate_limit_reset_delay(Duration::ZERO);
    for fault in [Fault::RateLimitBurst(1), Fault::ServerError { status: 503, count: 1 }] {
        org.inject("GET /api/v1/users", fault).unwrap();
        let before = org.route_count("GET /api/v1/users");
        assert_eq!(list_count(&sdk).await.unwrap(), 3);
        assert_eq!(org.route_count("GET /api/v1/users") - before, 2);
    }
}

#[tokio::test]
async fn a_replayed_dpop_proof_is_refused_by_the_org() {
    // What the test above relies on: the org refuses a proof it has seen, as Okta does.
    use base64::Engine;
    let org = MockOrg::builder().seed_users(1).start().await.unwrap();
    let b64 = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let proof = format!(
        "{}.{}.{}",
        b64(serde_json::json!({"typ": "dpop+jwt", "alg": "ES256"})),
        b64(serde_json::json!({"jti": "proof-1", "htm": "GET", "iat": 0})),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b"not a signature"),
    );
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{}api/v1/users", org.base_url());
    let first = http.get(&url).header("dpop", &proof).header("authorization", "DPoP x").send().await.unwrap();
    let second = http.get(&url).header("dpop", &proof).header("authorization", "DPoP x").send().await.unwrap();
    assert_eq!(first.status(), 401);
    assert_eq!(second.status(), 401);
    let challenge = second.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.contains("already been used"), "{challenge}");
    let challenge = first.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(!challenge.contains("already been used"), "{challenge}");
}

#[tokio::test]
async fn a_token_endpoint_401_surfaces_oktas_error_and_description() {
    let org = MockOrg::builder().seed_users(1).start().await.unwrap();
    // The client id is not registered with the org.
    let sdk = rsa_client(&org, &["okta.users.read"]).build().unwrap();
    match list_count(&sdk).await {
        Err(e @ Error::Auth(AuthError::TokenEndpoint { .. })) => {
            let Error::Auth(AuthError::TokenEndpoint { status, error, error_description }) = &e else { unreachable!() };
            assert_eq!(status.as_u16(), 401);
            assert_eq!(error.as_deref(), Some("invalid_client"));
            assert_eq!(error_description.as_deref(), Some("The client is not registered."));
            let shown = e.to_string();
            assert!(shown.contains("invalid_client") && shown.contains("not registered"), "{shown}");
        }
        other => panic!("expected the token endpoint's error, got {other:?}"),
    }
    assert_eq!(org.route_count("GET /api/v1/users"), 0, "no API call without a token");
}
