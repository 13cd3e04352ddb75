//! Event hook deliveries as Okta makes them, over real HTTP on loopback: hooks registered and verified through the
//! API call a small axum receiver, which records what it is posted and answers as each test scripts it. What is
//! checked: an event hook's filter (`events.filter`, Okta Expression Language) kept as sent, refused as Okta refuses
//! it, and keeping from the receiver the events it is not true for, which stay in the System Log; every delivered
//! event is the System Log's, same `uuid`; injected faults drop a seeded share of deliveries and delay the others;
//! a failed or timed-out attempt is retried once, then given up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use okta_management_mock::{DELIVERABLE_EVENTS, HookDelivery, HookDeliveryFaults};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

mod support;
use support::Org;

/// Generous bound for deliveries; only reached when something is broken.
const WAIT: Duration = Duration::from_secs(20);

/// How the receiver answers the deliveries posted to one of its paths.
#[derive(Debug, Clone, Copy)]
enum Answer {
    /// `200` every time.
    Ok,
    /// `status` to the first post, `200` after.
    FailFirst(u16),
    /// `status` every time.
    AlwaysFail(u16),
    /// The first post waits this long (past Okta's 3-second timeout) before its `200`; `200` at once after.
    HangFirst(Duration),
}

#[derive(Default)]
struct Received {
    /// Every post, in arrival order: the path's name and the envelope.
    posts: Vec<(String, Value)>,
    answers: HashMap<String, Answer>,
}

type Receiver = Arc<Mutex<Received>>;

/// Answers Okta's one-time verification GET with its challenge.
async fn verification(headers: HeaderMap) -> Json<Value> {
    let challenge = headers.get("x-okta-verification-challenge").and_then(|v| v.to_str().ok()).unwrap_or_default();
    Json(json!({ "verification": challenge }))
}

async fn delivery(
    State(received): State<Receiver>,
    Path(name): Path<String>,
    Json(envelope): Json<Value>,
) -> StatusCode {
    let (answer, nth) = {
        let mut r = received.lock().unwrap();
        r.posts.push((name.clone(), envelope));
        let nth = r.posts.iter().filter(|(n, _)| *n == name).count();
        (r.answers.get(&name).copied().unwrap_or(Answer::Ok), nth)
    };
    let status = match answer {
        Answer::Ok => 200,
        Answer::FailFirst(status) if nth == 1 => status,
        Answer::FailFirst(_) => 200,
        Answer::AlwaysFail(status) => status,
        Answer::HangFirst(wait) => {
            if nth == 1 {
                tokio::time::sleep(wait).await;
            }
            200
        }
    };
    StatusCode::from_u16(status).unwrap()
}

/// A running org and a receiver for its hooks.
struct Fixture {
    /// The org, and its admin's calls.
    api: Org,
    received: Receiver,
    receiver_base: String,
}

impl std::ops::Deref for Fixture {
    type Target = Org;
    fn deref(&self) -> &Org {
        &self.api
    }
}

impl Fixture {
    async fn start() -> Fixture {
        let api = Org::with_users(0).await;
        let received = Receiver::default();
        let app =
            axum::Router::new().route("/hooks/{name}", get(verification).post(delivery)).with_state(received.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver_base = format!("http://{}/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Fixture { api, received, receiver_base }
    }

    /// An event hook's body: subscribed to `items`, posting to the receiver's path `name`, with `filter` if any.
    fn hook_body(&self, name: &str, items: &[&str], filter: Option<Value>) -> Value {
        let mut events = json!({"type": "EVENT_TYPE", "items": items});
        if let Some(filter) = filter {
            events["filter"] = filter;
        }
        json!({
            "name": format!("hook {name}"),
            "events": events,
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {
                "uri": format!("{}/{name}", self.receiver_base),
                "authScheme": {"type": "HEADER", "key": "Authorization", "value": "hook-secret"},
            }},
        })
    }

    /// Creates and verifies a hook (active from its creation, as Okta); its id.
    async fn hook(&self, name: &str, items: &[&str], filter: Option<Value>) -> String {
        let created = self.ok(Method::POST, "/api/v1/eventHooks", Some(self.hook_body(name, items, filter))).await;
        let id = created["id"].as_str().unwrap().to_string();
        let verified = self.ok(Method::POST, &format!("/api/v1/eventHooks/{id}/lifecycle/verify"), None).await;
        assert_eq!(verified["verificationStatus"], "VERIFIED");
        id
    }

    fn answer(&self, name: &str, answer: Answer) {
        self.received.lock().unwrap().answers.insert(name.to_string(), answer);
    }

    /// The envelopes posted to the receiver's path `name`, in arrival order.
    fn posts_to(&self, name: &str) -> Vec<Value> {
        self.received.lock().unwrap().posts.iter().filter(|(n, _)| n == name).map(|(_, e)| e.clone()).collect()
    }

    /// The System Log, oldest first, through `GET /api/v1/logs`.
    async fn system_log(&self) -> Vec<Value> {
        let log = self.ok(Method::GET, "/api/v1/logs?limit=1000", None).await;
        log.as_array().unwrap().clone()
    }

    async fn new_user(&self, login: &str, first: &str, last: &str) -> String {
        let user = json!({"profile": {"login": login, "email": login, "firstName": first, "lastName": last}});
        let created = self.ok(Method::POST, "/api/v1/users?activate=false", Some(user)).await;
        created["id"].as_str().unwrap().to_string()
    }

    async fn new_group(&self, name: &str) -> String {
        let group = self.ok(Method::POST, "/api/v1/groups", Some(json!({"profile": {"name": name}}))).await;
        group["id"].as_str().unwrap().to_string()
    }

    async fn add_member(&self, group: &str, user: &str) {
        let (status, answer) = self.call(Method::PUT, &format!("/api/v1/groups/{group}/users/{user}"), None).await;
        assert_eq!(status, 204, "{answer}");
    }
}

/// A hook filter of one condition.
fn filter(event: &str, expression: &str) -> Value {
    json!({"type": "EXPRESSION_LANGUAGE", "eventFilterMap": [
        {"event": event, "condition": {"expression": expression, "version": null}},
    ]})
}

/// The one event a delivery's envelope carries.
fn delivered_event(envelope: &Value) -> &Value {
    let events = envelope["data"]["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{envelope}");
    &events[0]
}

fn uuid_of(event: &Value) -> String {
    event["uuid"].as_str().unwrap().to_string()
}

/// The uuid of the event each delivery carries.
fn delivered_uuids(deliveries: &[HookDelivery]) -> BTreeSet<String> {
    deliveries.iter().map(|d| uuid_of(delivered_event(&d.body))).collect()
}

fn of_type<'a>(log: &'a [Value], event_type: &str) -> Vec<&'a Value> {
    log.iter().filter(|e| e["eventType"] == event_type).collect()
}

const ENGINEERING_ONLY: &str = "event.target.?[type eq 'UserGroup' && displayName eq 'Engineering'].size() > 0";

// ---------- filters ----------

#[tokio::test]
async fn a_filter_keeps_an_event_from_its_hook_but_not_from_the_system_log() {
    let f = Fixture::start().await;
    let add = "group.user_membership.add";
    f.hook("engineering", &[add], Some(filter(add, ENGINEERING_ONLY))).await;
    let user = f.new_user("ada@example.com", "Ada", "Lovelace").await;
    let sales = f.new_group("Sales").await;
    let engineering = f.new_group("Engineering").await;
    f.add_member(&sales, &user).await;
    f.add_member(&engineering, &user).await;

    // Events are taken in order: once Engineering's delivery is done, Sales' was decided.
    let deliveries = f.org.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(deliveries.len(), 1);
    let d = &deliveries[0];
    assert!(d.delivered && !d.dropped, "{d:?}");
    let event = delivered_event(&d.body);
    assert_eq!(event["target"][1]["displayName"], "Engineering");
    assert_eq!(f.posts_to("engineering").len(), 1);
    assert_eq!(f.org.counters().hook_deliveries_filtered, 1);

    // Both are in the System Log; the delivered one is the log's event, same uuid and same content.
    let log = f.system_log().await;
    let adds = of_type(&log, add);
    assert_eq!(adds.len(), 2);
    let (sales_event, engineering_event) = (adds[0], adds[1]);
    assert_eq!(sales_event["target"][1]["displayName"], "Sales");
    assert_eq!(engineering_event, event);
    assert_ne!(uuid_of(sales_event), uuid_of(event));
    assert!(f.posts_to("engineering").iter().all(|p| uuid_of(delivered_event(p)) != uuid_of(sales_event)));
}

#[tokio::test]
async fn every_operator_filters_end_to_end() {
    let f = Fixture::start().await;
    let create = "user.lifecycle.create";
    // (receiver path, condition, delivered for Ada, delivered for Bob)
    let cases = [
        ("eq", "event.target.?[alternateId eq 'ada@example.com'].size() > 0", true, false),
        ("ne", "event.target.?[alternateId ne 'ada@example.com'].size() > 0", false, true),
        ("double-equals", "event.target[0].displayName == \"Ada Lovelace\"", true, false),
        ("not-equals", "event.actor.alternateId != 'admin@mock.okta.invalid'", false, false),
        ("gt", "event.target.size() gt 0", true, true),
        ("lt", "event.target.size() lt 1 || event.target.size() < 1", false, false),
        ("ge-le", "event.target.size() ge 1 && event.target.size() le 1", true, true),
        ("greater", "event.target[0].alternateId > 'b'", false, true),
        ("at-most-and", "event.target[0].alternateId <= 'b' and event.target[0].alternateId >= 'a'", true, false),
        ("or", "event.target[0].displayName eq 'Nobody' or event.target[0].displayName eq 'Bob Dylan'", false, true),
        ("bang", "!(event.target[0].alternateId eq 'ada@example.com')", false, true),
        ("not", "not (event.outcome.result eq 'SUCCESS')", false, false),
        ("null", "event.outcome.reason eq null && event.legacyEventType == null", true, true),
        ("booleans", "(event.outcome.result eq 'SUCCESS') == true && false == false", true, true),
        ("number", "event.authenticationContext.authenticationStep eq 0", true, true),
        ("string-contains", "String.stringContains(event.target[0].alternateId, 'bob')", false, true),
        ("lower-case", "String.toLowerCase(event.target[0].displayName) eq 'ada lovelace'", true, false),
        (
            "conditional",
            "event.target.size() > 0 ? event.target[0].alternateId eq 'ada@example.com' : false",
            true,
            false,
        ),
        ("event-type", "event.eventType eq 'user.lifecycle.create' && event.outcome.result eq 'SUCCESS'", true, true),
    ];
    for (name, expression, _, _) in cases {
        f.hook(name, &[create], Some(filter(create, expression))).await;
    }
    f.hook("unfiltered", &[create], None).await;
    f.new_user("ada@example.com", "Ada", "Lovelace").await;
    f.new_user("bob@example.com", "Bob", "Dylan").await;

    let wanted = cases.iter().map(|(_, _, ada, bob)| usize::from(*ada) + usize::from(*bob)).sum::<usize>() + 2;
    let deliveries = f.org.wait_for_deliveries(wanted, WAIT).await.unwrap();
    assert!(deliveries.iter().all(|d| d.delivered), "{deliveries:?}");
    // Every (hook, event) pair was decided: the others were filtered.
    assert_eq!(f.org.counters().hook_deliveries_filtered as usize, cases.len() * 2 + 2 - wanted);
    for (name, expression, ada, bob) in cases {
        let logins: Vec<String> = f
            .posts_to(name)
            .iter()
            .map(|p| delivered_event(p)["target"][0]["alternateId"].as_str().unwrap().to_string())
            .collect();
        let mut expected = Vec::new();
        if ada {
            expected.push("ada@example.com");
        }
        if bob {
            expected.push("bob@example.com");
        }
        let mut logins = logins;
        logins.sort();
        assert_eq!(logins, expected, "{name}: {expression}");
    }
    assert_eq!(f.posts_to("unfiltered").len(), 2);
    assert_eq!(f.org.hook_deliveries().len(), wanted);
}

#[tokio::test]
async fn a_filter_reads_back_as_sent_and_is_replaced_with_the_hook() {
    let f = Fixture::start().await;
    let add = "group.user_membership.add";
    let body = f.hook_body("groups", &[add, "user.lifecycle.create"], Some(filter(add, ENGINEERING_ONLY)));
    let created = f.ok(Method::POST, "/api/v1/eventHooks", Some(body.clone())).await;
    assert_eq!(created["events"], body["events"]);
    let id = created["id"].as_str().unwrap().to_string();
    let read = f.ok(Method::GET, &format!("/api/v1/eventHooks/{id}"), None).await;
    assert_eq!(read["events"], body["events"]);
    let listed = f.ok(Method::GET, "/api/v1/eventHooks", None).await;
    assert_eq!(listed[0]["events"], body["events"]);

    // What Okta sets and a request may leave out (the filter's type, a condition's read-only version) is filled in.
    let bare = json!({"eventFilterMap": [{"event": add, "condition": {"expression": "event.target.size() > 1"}}]});
    let replacement = f.hook_body("groups", &[add], Some(bare));
    let replaced = f.ok(Method::PUT, &format!("/api/v1/eventHooks/{id}"), Some(replacement)).await;
    assert_eq!(replaced["events"]["filter"], filter(add, "event.target.size() > 1"));
    let read = f.ok(Method::GET, &format!("/api/v1/eventHooks/{id}"), None).await;
    assert_eq!(read["events"]["filter"], filter(add, "event.target.size() > 1"));

    // Replaced without a filter: none left; `null` is no filter either.
    let replaced =
        f.ok(Method::PUT, &format!("/api/v1/eventHooks/{id}"), Some(f.hook_body("groups", &[add], None))).await;
    assert!(replaced["events"].get("filter").is_none(), "{replaced}");
    let mut null_filter = f.hook_body("groups", &[add], None);
    null_filter["events"]["filter"] = Value::Null;
    let replaced = f.ok(Method::PUT, &format!("/api/v1/eventHooks/{id}"), Some(null_filter)).await;
    assert_eq!(replaced["events"]["filter"], Value::Null);
}

#[tokio::test]
async fn filters_okta_refuses_are_refused_naming_the_problem() {
    let f = Fixture::start().await;
    let add = "group.user_membership.add";
    let refused = |body: Value| {
        let f = &f;
        async move {
            let (status, answer) = f.call(Method::POST, "/api/v1/eventHooks", Some(body)).await;
            assert_eq!(status, 400, "{answer}");
            assert_eq!(answer["errorCode"], "E0000001", "{answer}");
            let causes: Vec<String> = answer["errorCauses"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["errorSummary"].as_str().unwrap().to_string())
                .collect();
            (answer["errorSummary"].as_str().unwrap().to_string(), causes)
        }
    };

    // A filter for an event the hook does not subscribe to.
    let (summary, causes) =
        refused(f.hook_body("h", &[add], Some(filter("user.lifecycle.create", "event.target.size() > 0")))).await;
    assert_eq!(summary, "Api validation failed: events.filter.eventFilterMap[0].event");
    assert_eq!(
        causes,
        ["events.filter.eventFilterMap[0].event: 'user.lifecycle.create' is not one of the event hook's events.items"]
    );

    // Malformed expressions, each named with what is wrong and where.
    for (expression, problem) in [
        ("event.target.?[type eq 'UserGroup'.size() > 0", "expected `]` closing the selection"),
        ("event.eventType = 'group.user_membership.add'", "compare with `eq` or `==`"),
        ("event.eventType eq 'unclosed", "a string is not closed"),
        ("String.startsWith(event.eventType, 'group')", "`String.startsWith` is not supported"),
        ("event.target.![displayName].size() > 0", "projection `.![...]` is not supported"),
        ("user.profile.department eq 'Sales'", "unknown name `user`"),
        ("event.target.size()", "must be a Boolean"),
        ("", "The field cannot be left blank"),
    ] {
        let (summary, causes) = refused(f.hook_body("h", &[add], Some(filter(add, expression)))).await;
        assert_eq!(
            summary, "Api validation failed: events.filter.eventFilterMap[0].condition.expression",
            "{expression}"
        );
        assert_eq!(causes.len(), 1, "{expression}: {causes:?}");
        assert!(causes[0].starts_with("events.filter.eventFilterMap[0].condition.expression: "), "{causes:?}");
        assert!(causes[0].contains(problem), "{expression}: {causes:?}");
    }

    // Two conditions for one event type, a filter type Okta does not have.
    let twice = json!({"eventFilterMap": [
        {"event": add, "condition": {"expression": "true"}},
        {"event": add, "condition": {"expression": "false"}},
    ]});
    let (_, causes) = refused(f.hook_body("h", &[add], Some(twice))).await;
    assert!(causes[0].starts_with("events.filter.eventFilterMap[1].event: "), "{causes:?}");
    let mut other_type = filter(add, "true");
    other_type["type"] = json!("JSON_PATH");
    let (_, causes) = refused(f.hook_body("h", &[add], Some(other_type))).await;
    assert_eq!(causes, ["events.filter.type: The filter type must be EXPRESSION_LANGUAGE"]);

    // A replacement with a bad filter changes nothing.
    let id = f.hook("h", &[add], Some(filter(add, ENGINEERING_ONLY))).await;
    let bad = f.hook_body("h", &[add], Some(filter(add, "event.target.size() >")));
    let (status, _) = f.call(Method::PUT, &format!("/api/v1/eventHooks/{id}"), Some(bad)).await;
    assert_eq!(status, 400);
    let read = f.ok(Method::GET, &format!("/api/v1/eventHooks/{id}"), None).await;
    assert_eq!(read["events"]["filter"], filter(add, ENGINEERING_ONLY));
    assert_eq!(f.ok(Method::GET, "/api/v1/eventHooks", None).await.as_array().unwrap().len(), 1);
}

// ---------- the System Log ----------

#[tokio::test]
async fn every_delivered_event_is_the_system_logs_with_its_uuid() {
    let f = Fixture::start().await;
    let types = [
        "user.lifecycle.create",
        "user.lifecycle.activate",
        "user.lifecycle.suspend",
        "user.lifecycle.unsuspend",
        "user.lifecycle.deactivate",
        "user.lifecycle.delete.initiated",
        "user.session.start",
        "user.session.end",
        "group.lifecycle.create",
        "group.profile.update",
        "group.user_membership.add",
        "group.user_membership.remove",
        "group.lifecycle.delete",
        "application.lifecycle.create",
    ];
    for t in types {
        assert!(DELIVERABLE_EVENTS.contains(&t), "{t}");
    }
    f.hook("all", &types, None).await;

    let login = "grace@example.com";
    let user = json!({"profile": {"login": login, "email": login, "firstName": "Grace", "lastName": "Hopper"},
        "credentials": {"password": {"value": "correct-horse-battery-staple-1"}}});
    let user = f.ok(Method::POST, "/api/v1/users?activate=true", Some(user)).await["id"].as_str().unwrap().to_string();
    let authn = f
        .ok(
            Method::POST,
            "/api/v1/authn",
            Some(json!({"username": login, "password": "correct-horse-battery-staple-1"})),
        )
        .await;
    let session = f.ok(Method::POST, "/api/v1/sessions", Some(json!({"sessionToken": authn["sessionToken"]}))).await;
    let (status, _) =
        f.call(Method::DELETE, &format!("/api/v1/sessions/{}", session["id"].as_str().unwrap()), None).await;
    assert_eq!(status, 204);
    let group = f.new_group("Compilers").await;
    f.add_member(&group, &user).await;
    f.ok(Method::PUT, &format!("/api/v1/groups/{group}"), Some(json!({"profile": {"name": "Compiler team"}}))).await;
    let (status, _) = f.call(Method::DELETE, &format!("/api/v1/groups/{group}/users/{user}"), None).await;
    assert_eq!(status, 204);
    let (status, _) = f.call(Method::DELETE, &format!("/api/v1/groups/{group}"), None).await;
    assert_eq!(status, 204);
    let app = json!({"name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK",
        "settings": {"app": {"url": "https://example.com/wiki"}}});
    f.ok(Method::POST, "/api/v1/apps", Some(app)).await;
    for op in ["suspend", "unsuspend", "deactivate"] {
        f.ok(Method::POST, &format!("/api/v1/users/{user}/lifecycle/{op}"), None).await;
    }
    let (status, _) = f.call(Method::DELETE, &format!("/api/v1/users/{user}"), None).await;
    assert_eq!(status, 204);

    let log = f.system_log().await;
    let subscribed: Vec<&Value> = log.iter().filter(|e| types.contains(&e["eventType"].as_str().unwrap())).collect();
    let seen: BTreeSet<&str> = subscribed.iter().map(|e| e["eventType"].as_str().unwrap()).collect();
    let all_types: BTreeSet<&str> = types.iter().copied().collect();
    assert_eq!(seen, all_types, "each type was recorded");
    let deliveries = f.org.wait_for_deliveries(subscribed.len(), WAIT).await.unwrap();
    assert_eq!(deliveries.len(), subscribed.len());
    let by_uuid: HashMap<String, &Value> = log.iter().map(|e| (uuid_of(e), e)).collect();
    for d in &deliveries {
        assert!(d.delivered, "{d:?}");
        let event = delivered_event(&d.body);
        assert_eq!(d.event_types, [event["eventType"].as_str().unwrap()]);
        // The same event as the System Log's, uuid and all.
        assert_eq!(by_uuid.get(&uuid_of(event)).copied(), Some(event), "{event}");
    }
    // Each recorded event delivered once.
    let recorded: BTreeSet<String> = subscribed.iter().map(|e| uuid_of(e)).collect();
    assert_eq!(delivered_uuids(&deliveries), recorded);
    assert_eq!(f.posts_to("all").len(), subscribed.len());
}

// ---------- faults ----------

#[tokio::test]
async fn with_every_delivery_dropped_nothing_arrives_and_everything_is_logged() {
    let f = Fixture::start().await;
    let add = "group.user_membership.add";
    f.hook("all", &[add], None).await;
    f.org.set_hook_delivery_faults(HookDeliveryFaults { drop_share: 1.0, seed: Some(1), ..Default::default() });
    assert_eq!(f.org.hook_delivery_faults().drop_share, 1.0);
    let group = f.new_group("Everyone else").await;
    let users = f.org.seed_users(20);
    for user in &users {
        f.add_member(&group, user).await;
    }

    let deliveries = f.org.wait_for_deliveries(20, WAIT).await.unwrap();
    assert_eq!(deliveries.len(), 20);
    for d in &deliveries {
        assert!(d.dropped && !d.delivered && !d.redelivery, "{d:?}");
        assert_eq!((d.attempts, d.status), (0, None));
    }
    assert!(f.posts_to("all").is_empty());
    let c = f.org.counters();
    assert_eq!(
        (c.hook_deliveries_dropped, c.hook_deliveries_ok, c.hook_deliveries_failed, c.hook_attempts),
        (20, 0, 0, 0)
    );
    let log = f.system_log().await;
    let logged: BTreeSet<String> = of_type(&log, add).into_iter().map(uuid_of).collect();
    assert_eq!(logged.len(), 20);
    assert_eq!(delivered_uuids(&deliveries), logged);

    // A dropped delivery can still be sent again, faults or not.
    let again = f.org.redeliver(&deliveries[0].event_id).await.unwrap();
    assert!(again.delivered && again.redelivery && !again.dropped, "{again:?}");
    assert_eq!(f.posts_to("all"), [deliveries[0].body.clone()]);
}

/// Adds 200 members through the API with `faults` on; the positions (in the System Log's order) of the events
/// whose delivery was dropped.
async fn drop_pattern(faults: HookDeliveryFaults) -> BTreeSet<usize> {
    const EVENTS: usize = 200;
    let f = Fixture::start().await;
    let add = "group.user_membership.add";
    f.hook("all", &[add], None).await;
    f.org.set_hook_delivery_faults(faults);
    let group = f.new_group("Crowd").await;
    for user in f.org.seed_users(EVENTS) {
        f.add_member(&group, &user).await;
    }

    let deliveries = f.org.wait_for_deliveries(EVENTS, WAIT).await.unwrap();
    assert_eq!(deliveries.len(), EVENTS);
    let (dropped, sent): (Vec<&HookDelivery>, Vec<&HookDelivery>) = deliveries.iter().partition(|d| d.dropped);
    assert!((40..=80).contains(&dropped.len()), "{} of {EVENTS} dropped for a share of 0.3", dropped.len());
    assert!(sent.iter().all(|d| d.delivered && d.attempts == 1), "the others are delivered, at once");
    let c = f.org.counters();
    assert_eq!((c.hook_deliveries_dropped, c.hook_deliveries_ok), (dropped.len() as u64, sent.len() as u64));

    // Exactly the others reached the receiver, once each.
    let received: Vec<String> = f.posts_to("all").iter().map(|p| uuid_of(delivered_event(p))).collect();
    let received_set: BTreeSet<String> = received.iter().cloned().collect();
    assert_eq!(received.len(), received_set.len());
    let sent_uuids: BTreeSet<String> = sent.iter().map(|d| uuid_of(delivered_event(&d.body))).collect();
    assert_eq!(received_set, sent_uuids);
    // Every event is in the System Log, dropped or not.
    let log = f.system_log().await;
    let adds = of_type(&log, add);
    assert_eq!(adds.len(), EVENTS);
    let dropped_uuids: BTreeSet<String> = dropped.iter().map(|d| uuid_of(delivered_event(&d.body))).collect();
    let logged: BTreeSet<String> = adds.iter().map(|e| uuid_of(e)).collect();
    let sent_or_dropped: BTreeSet<String> = sent_uuids.union(&dropped_uuids).cloned().collect();
    assert_eq!(logged, sent_or_dropped);
    adds.iter().enumerate().filter(|(_, e)| dropped_uuids.contains(&uuid_of(e))).map(|(i, _)| i).collect()
}

#[tokio::test]
async fn a_seeded_drop_share_drops_about_that_share_the_same_on_every_run() {
    let faults = HookDeliveryFaults { drop_share: 0.3, delay: Duration::ZERO, seed: Some(2024) };
    let first = drop_pattern(faults).await;
    let second = drop_pattern(faults).await;
    assert_eq!(first, second, "the same seed drops the same events' deliveries");
    let other = drop_pattern(HookDeliveryFaults { seed: Some(2025), ..faults }).await;
    assert_ne!(first, other);
}

#[tokio::test]
async fn deliveries_wait_the_delay_set() {
    let f = Fixture::start().await;
    let create = "user.lifecycle.create";
    f.hook("late", &[create], None).await;
    let delay = Duration::from_millis(600);
    f.org.set_hook_delivery_faults(HookDeliveryFaults { delay, ..Default::default() });
    let started = Instant::now();
    f.new_user("late@example.com", "Late", "Comer").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(f.posts_to("late").is_empty(), "not before the delay");
    let deliveries = f.org.wait_for_deliveries(1, WAIT).await.unwrap();
    assert!(started.elapsed() >= delay);
    assert!(deliveries[0].delivered && deliveries[0].attempts == 1);

    // Faults off: the next one goes at once.
    f.org.set_hook_delivery_faults(HookDeliveryFaults::default());
    let started = Instant::now();
    f.new_user("early@example.com", "Early", "Bird").await;
    f.org.wait_for_deliveries(2, WAIT).await.unwrap();
    assert!(started.elapsed() < delay, "{:?}", started.elapsed());
}

// ---------- retries ----------

#[tokio::test]
async fn a_failed_first_attempt_is_retried_once_and_delivered() {
    let f = Fixture::start().await;
    let create = "user.lifecycle.create";
    f.hook("flaky", &[create], None).await;
    f.answer("flaky", Answer::FailFirst(500));
    f.new_user("retry@example.com", "Re", "Try").await;

    let deliveries = f.org.wait_for_deliveries(1, WAIT).await.unwrap();
    let d = &deliveries[0];
    assert_eq!((d.attempts, d.status, d.delivered), (2, Some(200), true));
    let posts = f.posts_to("flaky");
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0], posts[1], "the retry is the same envelope (eventId, event uuid)");
    let c = f.org.counters();
    assert_eq!((c.hook_attempts, c.hook_deliveries_ok, c.hook_deliveries_failed), (2, 1, 0));
}

#[tokio::test]
async fn a_receiver_that_always_fails_gets_two_attempts_then_is_given_up() {
    let f = Fixture::start().await;
    let create = "user.lifecycle.create";
    f.hook("down", &[create], None).await;
    f.answer("down", Answer::AlwaysFail(503));
    f.new_user("lost@example.com", "Lost", "Cause").await;

    let deliveries = f.org.wait_for_deliveries(1, WAIT).await.unwrap();
    let d = &deliveries[0];
    assert_eq!((d.attempts, d.status, d.delivered, d.dropped), (2, Some(503), false, false));
    assert_eq!(f.posts_to("down").len(), 2);
    let c = f.org.counters();
    assert_eq!((c.hook_attempts, c.hook_deliveries_ok, c.hook_deliveries_failed), (2, 0, 1));
    // Given up: no third attempt comes later.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(f.posts_to("down").len(), 2);
    // The event is in the System Log all the same.
    let log = f.system_log().await;
    assert!(log.iter().any(|e| uuid_of(e) == uuid_of(delivered_event(&d.body))));
}

#[tokio::test]
async fn an_attempt_past_the_timeout_is_retried() {
    let f = Fixture::start().await;
    let create = "user.lifecycle.create";
    f.hook("slow", &[create], None).await;
    f.answer("slow", Answer::HangFirst(Duration::from_secs(5)));
    let started = Instant::now();
    f.new_user("slow@example.com", "Slow", "Poke").await;

    let deliveries = f.org.wait_for_deliveries(1, WAIT).await.unwrap();
    let d = &deliveries[0];
    assert_eq!((d.attempts, d.status, d.delivered), (2, Some(200), true));
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(3) && elapsed < Duration::from_secs(5), "Okta's 3 s timeout: {elapsed:?}");
    assert_eq!(f.posts_to("slow").len(), 2);
}
