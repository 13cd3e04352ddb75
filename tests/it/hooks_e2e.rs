// The receiver example is written against spec 2026.06.3 (its operations' parameter names).
#![cfg(all(feature = "mock", feature = "hooks", feature = "groups", okta_spec = "2026.06.3"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! End to end: the mock org calls `examples/event_hook_receiver.rs` (run in-process), which
//! calls the mock org back through the SDK.
//!
//! Hooks are registered and verified through the SDK (the mock makes the real verification
//! GET), users are created and deactivated through the SDK, the mock delivers the events over
//! HTTP, and the assertions look at the org's state (group members, per-route call counts,
//! delivery outcomes) and at the receiver's counters.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http::HeaderName;
use okta_management::Client;
use okta_management::mock::{Fault, HookDelivery, MockOrg};
use okta_management::secret::SecretString;
use okta_management::types::{CreateUserRequest, EventHook, EventHookStatus, EventHookVerificationStatus};
use serde_json::{Value, json};

use crate::common;

// The example's `main`/`run` and its environment parsing are not used here.
#[allow(dead_code)]
#[path = "../../examples/event_hook_receiver.rs"]
mod receiver;

use receiver::{App, ReceiverConfig};

const SECRET: &str = "Bearer e2e-hook-secret-0123456789";
const PUT_MEMBER: &str = "PUT /api/v1/groups/{groupId}/users/{userId}";
const DELETE_MEMBER: &str = "DELETE /api/v1/groups/{groupId}/users/{userId}";
/// Generous bound for the mock's deliveries; only reached when something is broken.
const WAIT: Duration = Duration::from_secs(15);

fn sdk_client(mock: &MockOrg) -> Client {
    Client::builder().org_url(mock.base_url().as_str()).token(mock.token()).disable_https_check(true).build().unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn config(group_id: &str) -> ReceiverConfig {
    ReceiverConfig {
        listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        auth_header: HeaderName::from_static("authorization"),
        auth_secret: SecretString::from(SECRET.to_owned()),
        group_id: group_id.to_owned(),
        allowed_domains: receiver::parse_domains("example.com"),
        redis_url: None,
        public_url: None,
        handled_file: None,
        checkpoint_file: None,
        poll_interval: Duration::from_secs(10),
        hook_grace: Duration::from_secs(10),
        lease: Duration::from_secs(30),
    }
}

/// Serves the example's router on 127.0.0.1:0 for the rest of the test.
async fn start_receiver(client: Client, config: &ReceiverConfig) -> (Arc<App>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = App::new(client, config).unwrap();
    let router = receiver::router(app.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (app, base)
}

fn n(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

fn hook_body(url: &str, secret: &str, events: &[&str]) -> EventHook {
    serde_json::from_value(json!({
        "name": "e2e lifecycle hook",
        "events": {"type": "EVENT_TYPE", "items": events},
        "channel": {"type": "HTTP", "version": "1.0.0", "config": {
            "uri": url,
            "authScheme": {"type": "HEADER", "key": "Authorization", "value": secret},
        }},
    }))
    .unwrap()
}

/// Creates, verifies and activates a hook through the SDK; returns its id.
async fn register_hook(client: &Client, url: &str, secret: &str, events: &[&str]) -> String {
    let created = client.create_event_hook().body(hook_body(url, secret, events)).send().await.unwrap();
    assert_eq!(created.verification_status, Some(EventHookVerificationStatus::Unverified));
    let id = created.id.unwrap();
    let verified = client.verify_event_hook().event_hook_id(id.as_str()).send().await.unwrap();
    assert_eq!(verified.verification_status, Some(EventHookVerificationStatus::Verified));
    let active = client.activate_event_hook().event_hook_id(id.as_str()).send().await.unwrap();
    assert_eq!(active.status, Some(EventHookStatus::Active));
    id
}

fn new_user(login: &str, password: bool) -> CreateUserRequest {
    let mut user = json!({"profile": {
        "login": login, "email": login, "firstName": "Dana", "lastName": "Scully"}});
    if password {
        user["credentials"] = json!({"password": {"value": "Tr0ub4dor&3-e2e"}});
    }
    serde_json::from_value(user).unwrap()
}

async fn create_user(client: &Client, login: &str, activate: bool) -> String {
    client.create_user().activate(activate).body(new_user(login, true)).send().await.unwrap().id.unwrap()
}

fn types_of(deliveries: &[HookDelivery]) -> Vec<String> {
    let mut types: Vec<String> = deliveries.iter().flat_map(|d| d.event_types.clone()).collect();
    types.sort();
    types
}

#[tokio::test]
async fn lifecycle_events_drive_group_membership() {
    let mock = MockOrg::start().await.unwrap();
    let group = mock.seed_group("Engineering").unwrap();
    let client = sdk_client(&mock);
    let (app, base) = start_receiver(client.clone(), &config(&group)).await;
    let url = format!("{base}/okta/events");

    // Register: the mock's verification GET reaches the receiver and gets the challenge back.
    let hook = register_hook(
        &client,
        &url,
        SECRET,
        &["user.lifecycle.create", "user.lifecycle.activate", "user.lifecycle.deactivate"],
    )
    .await;
    assert_eq!(mock.counters().hook_verifications, 1);
    assert_eq!(n(&app.stats.verifications), 1);

    // A new active user: one delivery for `create`, one for `activate`.
    let user = create_user(&client, "dana@example.com", true).await;
    let deliveries = mock.wait_for_deliveries(2, WAIT).await.unwrap();
    assert_eq!(deliveries.len(), 2);
    for d in &deliveries {
        assert_eq!(d.hook_id, hook);
        assert!(d.delivered, "{d:?}");
        assert_eq!((d.status, d.attempts), (Some(200), 1), "authenticated at once");
        assert_eq!(d.body["data"]["events"][0]["target"][0]["id"], user.as_str());
    }
    assert_eq!(types_of(&deliveries), ["user.lifecycle.activate", "user.lifecycle.create"]);
    // The receiver acts before answering, so a completed delivery means the call was made.
    assert_eq!(mock.group_members(&group), [user.as_str()]);
    assert_eq!(mock.route_count(PUT_MEMBER), 2, "one add per distinct event");
    assert_eq!(n(&app.stats.deliveries_accepted), 2);
    assert_eq!(n(&app.stats.events_applied), 2);
    assert_eq!(n(&app.stats.requests_rejected), 0);

    // Okta delivers at least once: the same envelope again is acknowledged, not re-applied.
    let again = mock.redeliver(&deliveries[0].event_id).await.unwrap();
    assert!(again.redelivery && again.delivered);
    assert_eq!(again.status, Some(200));
    assert_eq!(mock.route_count(PUT_MEMBER), 2, "duplicate applied once");
    assert_eq!(n(&app.stats.duplicates_skipped), 1);
    assert_eq!(n(&app.stats.events_applied), 2);

    // Deactivation removes the user from the group.
    client.deactivate_user().id(user.as_str()).send().await.unwrap();
    let deliveries = mock.wait_for_deliveries(4, WAIT).await.unwrap();
    let last = deliveries.last().unwrap();
    assert_eq!(last.event_types, ["user.lifecycle.deactivate"]);
    assert_eq!((last.status, last.delivered), (Some(200), true));
    assert!(mock.group_members(&group).is_empty());
    assert_eq!(mock.route_count(DELETE_MEMBER), 1);

    // A stale `activate` arriving after the deactivation (a new event uuid, so not a
    // duplicate) must not put the deprovisioned user back.
    let stale = json!({
        "eventType": "com.okta.event_hook", "eventId": "late-delivery",
        "data": {"events": [{
            "uuid": "late-activate-1", "eventType": "user.lifecycle.activate",
            "outcome": {"result": "SUCCESS"},
            "target": [{"id": user, "type": "User"}],
        }]},
    });
    let r = http().post(&url).header("authorization", SECRET).json(&stale).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(mock.group_members(&group).is_empty());
    assert_eq!(mock.route_count(PUT_MEMBER), 2);

    // A hook registered with the wrong secret: its deliveries are rejected (401, and 401
    // again on Okta's retry) and change nothing.
    client.deactivate_event_hook().event_hook_id(hook.as_str()).send().await.unwrap();
    let rejected_before = n(&app.stats.requests_rejected);
    register_hook(&client, &url, "Bearer not-the-secret", &["user.lifecycle.create"]).await;
    let other = create_user(&client, "fox@example.com", false).await;
    let deliveries = mock.wait_for_deliveries(5, WAIT).await.unwrap();
    let last = deliveries.last().unwrap();
    assert_eq!(last.event_types, ["user.lifecycle.create"]);
    assert_eq!((last.status, last.delivered, last.attempts), (Some(401), false, 2));
    assert_eq!(n(&app.stats.requests_rejected) - rejected_before, 2);
    assert!(!mock.group_members(&group).contains(&other));
    assert_eq!(mock.route_count(PUT_MEMBER), 2);
    assert_eq!(mock.counters().hook_deliveries_failed, 1);
}

#[tokio::test]
async fn failed_sdk_call_is_retried_through_okta_redelivery() {
    let mock = MockOrg::start().await.unwrap();
    let group = mock.seed_group("Support").unwrap();
    let client = sdk_client(&mock);
    // No SDK-level retries, so the injected 503 reaches the receiver's event handling.
    let receiver_client = Client::builder()
        .org_url(mock.base_url().as_str())
        .token(mock.token())
        .disable_https_check(true)
        .max_retries(0)
        .build()
        .unwrap();
    let (app, base) = start_receiver(receiver_client, &config(&group)).await;
    register_hook(&client, &format!("{base}/okta/events"), SECRET, &["user.lifecycle.create"]).await;
    mock.inject(PUT_MEMBER, Fault::ServerError { status: 503, count: 1 }).unwrap();

    let user = create_user(&client, "walter@example.com", false).await;
    let deliveries = mock.wait_for_deliveries(1, WAIT).await.unwrap();
    let d = &deliveries[0];
    // First attempt: the add failed, the receiver answered 500 and forgot the event; Okta's
    // retry carried the same event uuid and this time it was applied.
    assert_eq!((d.attempts, d.status, d.delivered), (2, Some(200), true));
    assert_eq!(mock.group_members(&group), [user]);
    assert_eq!(mock.route_count(PUT_MEMBER), 2);
    assert_eq!(n(&app.stats.events_failed), 1);
    assert_eq!(n(&app.stats.events_applied), 1);
    assert_eq!(n(&app.stats.duplicates_skipped), 0);
}

#[tokio::test]
async fn bad_requests_get_documented_statuses() {
    let mock = MockOrg::start().await.unwrap();
    let (app, base) = start_receiver(sdk_client(&mock), &config("00gnone")).await;
    let url = format!("{base}/okta/events");
    let h = http();

    let r = h.post(&url).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    assert!(!body.to_string().contains("e2e-hook-secret"));

    let r =
        h.post(&url).header("authorization", "Bearer e2e-hook-secret-012345678").json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 401, "a prefix of the secret is not the secret");

    let r = h
        .post(&url)
        .header("authorization", SECRET)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);

    let r = h
        .post(&url)
        .header("authorization", SECRET)
        .header("content-type", "application/json")
        .body("{\"data\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let big = vec![b' '; okta_management::hooks::DEFAULT_MAX_BODY_BYTES + 1];
    let r = h
        .post(&url)
        .header("authorization", SECRET)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);

    let r = h.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 400, "verification without a challenge");
    let r = h.get(&url).header("x-okta-verification-challenge", "abc123").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"verification": "abc123"}));

    let r = h.put(&url).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET, POST");

    // A valid, authenticated delivery without events is acknowledged and does nothing.
    let r = h
        .post(&url)
        .header("authorization", SECRET)
        .json(&json!({"eventType": "com.okta.event_hook", "data": {"events": []}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(n(&app.stats.requests_rejected), 7);
    assert_eq!(n(&app.stats.deliveries_accepted), 1);
    assert_eq!(mock.counters().requests_total, 0, "no SDK call was made");
}

/// A spec example (`components.examples.<name>.value`).
fn example(name: &str) -> Value {
    common::spec()["components"]["examples"][name]["value"].clone()
}

/// A response example of the spec, with the command type the spec misspells
/// (`com.action.update`) corrected as the spec's schema describes it.
fn response_example(name: &str) -> Value {
    let mut v = example(name);
    assert_eq!(v["commands"][0]["type"], "com.action.update");
    v["commands"][0]["type"] = json!("com.okta.action.update");
    v
}

#[tokio::test]
async fn registration_hook_allows_only_configured_domains() {
    let mock = MockOrg::start().await.unwrap();
    let (app, base) = start_receiver(sdk_client(&mock), &config("00gnone")).await;
    let url = format!("{base}/okta/registration");
    let h = http();
    let post = |body: Value| h.post(&url).header("authorization", SECRET).json(&body).send();

    // The spec's SSR request registers rosario.jones@example.com: allowed.
    let request = example("ProfileEnrollmentRequest");
    assert_eq!(request["data"]["userProfile"]["email"], "rosario.jones@example.com");
    let r = post(request.clone()).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.json::<Value>().await.unwrap(), response_example("ProfileEnrollmentResponse"));

    // Another domain: denied, with exactly the spec's deny example (its message names
    // example.com, the one allowed domain here).
    let mut denied = request.clone();
    denied["data"]["userProfile"]["email"] = json!("rosario.jones@example.org");
    let r = post(denied).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), response_example("ProfileEnrollmentResponseDeny"));

    // Domains compare case-insensitively, and a look-alike suffix is not the domain.
    let mut upper = request.clone();
    upper["data"]["userProfile"]["email"] = json!("Rosario.Jones@EXAMPLE.COM");
    let r: Value = post(upper).await.unwrap().json().await.unwrap();
    assert_eq!(r["commands"][0]["value"]["registration"], "ALLOW");
    let mut lookalike = request.clone();
    lookalike["data"]["userProfile"]["email"] = json!("mallory@badexample.com");
    let r: Value = post(lookalike).await.unwrap().json().await.unwrap();
    assert_eq!(r["commands"][0]["value"]["registration"], "DENY");
    let mut missing = request.clone();
    missing["data"]["userProfile"] = json!({"firstName": "No", "lastName": "Email"});
    let r: Value = post(missing).await.unwrap().json().await.unwrap();
    assert_eq!(r["commands"][0]["value"]["registration"], "DENY");

    // Progressive profile: the email is the existing user's.
    let r: Value = post(example("ProgressiveProfileRequest")).await.unwrap().json().await.unwrap();
    assert_eq!(r["commands"][0]["value"]["registration"], "ALLOW");

    assert_eq!(n(&app.stats.registrations_allowed), 3);
    assert_eq!(n(&app.stats.registrations_denied), 3);

    // Inline hooks authenticate like event hooks.
    let r = h.post(&url).json(&request).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = h.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(n(&app.stats.registrations_allowed), 3);
}

#[test]
fn domain_parsing() {
    assert_eq!(
        receiver::parse_domains(" Example.com, @corp.test ,, sub.example.net. "),
        ["example.com", "corp.test", "sub.example.net"]
    );
    assert_eq!(receiver::email_domain("a@b@Example.COM."), Some("example.com".to_owned()));
    assert_eq!(receiver::email_domain("@example.com"), None);
    assert_eq!(receiver::email_domain("no-at-sign"), None);
    assert_eq!(receiver::email_domain("trailing@"), None);
}
