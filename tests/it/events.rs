#![cfg(all(feature = "mock", feature = "full"))]
//! The event processor (`okta_management::events`) against the mock org over real HTTP: event-hook deliveries
//! (a receiver on loopback, which loses a share of them on purpose) reconciled with the System Log poller, each
//! event handled once; handler failures retried, then dead-lettered; the System Log position kept in a file and
//! resumed after a crash; a damaged checkpoint refused with its file named; two processors sharing Redis acting
//! once per event.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use okta_management::Client;
use okta_management::events::{DeadLetter, EventProcessor, FileCheckpoint};
use okta_management::hooks::{DedupStore, EventDeduplicator, EventHookReceiver, SecretString};
use okta_management::mock::MockOrg;
use okta_management::types::LogEvent;
use serde_json::json;

use crate::client_support::ssws;

const CREATE: &str = "user.lifecycle.create";
const SECRET: &str = "events-test-secret";

fn client(org: &MockOrg) -> Client {
    ssws(org).http_client(reqwest::Client::builder().no_proxy().build().unwrap()).build().unwrap()
}

/// What the handler saw: uuid → times handled, and how long after its `published` time each event was handled.
#[derive(Clone, Default)]
struct Handled(Arc<Mutex<HashMap<String, u32>>>, Arc<Mutex<HashMap<String, f64>>>);

impl Handled {
    fn record(&self, event: &LogEvent) {
        let uuid = event.uuid.clone().unwrap_or_default();
        if let Some(published) = event.published.as_ref().and_then(|p| p.to_datetime().ok()) {
            let after = (chrono::Utc::now() - published).num_microseconds().unwrap_or(0) as f64 / 1000.0;
            self.1.lock().unwrap().insert(uuid.clone(), after);
        }
        *self.0.lock().unwrap().entry(uuid).or_default() += 1;
    }
    /// The p50 and p99 (ms) of how long after `published` the events `of` were handled.
    fn latency(&self, of: impl Fn(&str) -> bool) -> (f64, f64, usize) {
        let mut ms: Vec<f64> = self.1.lock().unwrap().iter().filter(|(u, _)| of(u)).map(|(_, m)| *m).collect();
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms.get(((ms.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        (at(0.5), at(0.99), ms.len())
    }
    fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    fn twice(&self) -> usize {
        self.0.lock().unwrap().values().filter(|n| **n > 1).count()
    }
}

/// A receiver on loopback that hands deliveries to `processor`, losing every `lose_every`-th one (as Okta loses
/// a delivery whose retry also failed). Returns its URL.
async fn receiver(processor: EventProcessor, lose_every: usize) -> String {
    #[derive(Clone)]
    struct Receiver {
        hooks: Arc<EventHookReceiver>,
        processor: EventProcessor,
        seen: Arc<Mutex<usize>>,
        lose_every: usize,
    }
    async fn post(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
        let delivery = match r.hooks.receive(&headers, &body) {
            Ok(delivery) => delivery,
            Err(e) => return axum_response(e.to_response()),
        };
        let n = {
            let mut seen = r.seen.lock().unwrap();
            *seen += 1;
            *seen
        };
        if r.lose_every > 0 && n % r.lose_every == 0 {
            return StatusCode::OK.into_response();
        }
        r.processor.on_delivery(&delivery).await;
        StatusCode::OK.into_response()
    }
    async fn get(State(r): State<Receiver>, headers: HeaderMap) -> Response {
        axum_response(r.hooks.verify(&headers))
    }
    let hooks = EventHookReceiver::new(http::header::AUTHORIZATION, SecretString::from(SECRET.to_owned()));
    let state = Receiver { hooks: Arc::new(hooks), processor, seen: Arc::default(), lose_every };
    let app = axum::Router::new().route("/hook", axum::routing::post(post).get(get)).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn axum_response(response: okta_management::hooks::HookResponse) -> Response {
    let (parts, body) = http::Response::<Bytes>::from(response).into_parts();
    Response::from_parts(parts, axum::body::Body::from(body))
}

async fn register_hook(client: &Client, url: &str) {
    let body: okta_management::types::EventHook = serde_json::from_value(json!({
        "name": "event processor test",
        "events": {"type": "EVENT_TYPE", "items": [CREATE]},
        "channel": {"type": "HTTP", "version": "1.0.0", "config": {
            "uri": url, "authScheme": {"type": "HEADER", "key": "Authorization", "value": SECRET},
        }},
    }))
    .unwrap();
    let id = client.create_event_hook().body(body).send().await.unwrap().id.unwrap();
    client.verify_event_hook().event_hook_id(id.as_str()).send().await.unwrap();
    client.activate_event_hook().event_hook_id(id.as_str()).send().await.unwrap();
}

async fn create_users(client: &Client, tag: &str, n: usize) {
    for i in 0..n {
        let login = format!("{tag}{i}@example.com");
        let body: okta_management::types::CreateUserRequest = serde_json::from_value(json!({"profile": {
            "login": login, "email": login, "firstName": "Ev", "lastName": format!("Ent{i}")}}))
        .unwrap();
        client.create_user().body(body).activate(false).send().await.unwrap();
    }
}

/// Waits (up to 20 s) until `done()`.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..400 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// A processor recording what it handles in `handled`; its handler takes `work` after recording (a process killed
/// then has handled an event without recording it as handled).
fn processor(
    client: &Client,
    handled: &Handled,
    claims: Arc<dyn DedupStore>,
    work: Duration,
) -> okta_management::events::EventProcessorBuilder {
    let handled = handled.clone();
    EventProcessor::builder(client.clone())
        .event_types([CREATE])
        .claims(claims)
        .poll_interval(Duration::from_millis(100))
        .attempts(4, Duration::from_millis(10), Duration::from_millis(50))
        .start_since(chrono::Utc::now() - chrono::Duration::seconds(5))
        .hook_grace(Duration::ZERO)
        .handler(move |event: LogEvent| {
            let handled = handled.clone();
            async move {
                handled.record(&event);
                tokio::time::sleep(work).await;
                Ok::<(), std::io::Error>(())
            }
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_is_handled_once_when_hooks_lose_a_third_and_the_poller_finds_them() {
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    let handled = Handled::default();
    let processor = processor(&client, &handled, Arc::new(EventDeduplicator::default()), Duration::ZERO)
        .hook_grace(Duration::from_millis(500))
        .build()
        .unwrap();
    assert_eq!(processor.filter(), "eventType eq \"user.lifecycle.create\"");
    let url = receiver(processor.clone(), 3).await;
    register_hook(&client, &url).await;
    let poller = tokio::spawn({
        let processor = processor.clone();
        async move { processor.run_poller().await }
    });
    create_users(&client, "once", 60).await;
    until("60 events handled", || handled.count() == 60).await;
    // Give late deliveries and polls a moment to show any double handling.
    tokio::time::sleep(Duration::from_millis(500)).await;
    poller.abort();
    let stats = processor.stats();
    println!("event processor: 60 events, a third of the deliveries lost: {stats:?}");
    assert_eq!(handled.count(), 60);
    assert_eq!(handled.twice(), 0, "no event handled twice");
    assert_eq!(stats.handled_from_log, 20, "the poller found the 20 lost ones: {stats:?}");
    assert_eq!(stats.handled_from_hooks, 40, "the hooks handled the rest at once: {stats:?}");
    assert_eq!(stats.handled_from_hooks + stats.handled_from_log, 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_failing_three_times_handles_once_and_a_poison_event_is_dead_lettered() {
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    let handled = Handled::default();
    let failures: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let letters: Arc<Mutex<Vec<DeadLetter>>> = Arc::default();
    let processor = {
        let (handled, failures, letters) = (handled.clone(), failures.clone(), letters.clone());
        EventProcessor::builder(client.clone())
            .event_types([CREATE])
            .poll_interval(Duration::from_millis(100))
            .attempts(4, Duration::from_millis(10), Duration::from_millis(50))
            .start_since(chrono::Utc::now() - chrono::Duration::seconds(5))
            .hook_grace(Duration::ZERO)
            .on_dead_letter(move |letter| letters.lock().unwrap().push(letter.clone()))
            .handler(move |event: LogEvent| {
                let (handled, failures) = (handled.clone(), failures.clone());
                async move {
                    let login = event
                        .target
                        .as_ref()
                        .into_iter()
                        .flatten()
                        .find_map(|t| t.alternate_id.clone())
                        .unwrap_or_default();
                    let uuid = event.uuid.clone().unwrap_or_default();
                    let failed = {
                        let mut failures = failures.lock().unwrap();
                        let n = failures.entry(uuid).or_default();
                        *n += 1;
                        *n
                    };
                    if login.starts_with("flaky") && failed <= 3 {
                        return Err(format!("flaky: attempt {failed}").into());
                    }
                    if login.starts_with("poison") {
                        return Err("poison: never works".into());
                    }
                    handled.record(&event);
                    Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
                }
            })
            .build()
            .unwrap()
    };
    let poller = tokio::spawn({
        let processor = processor.clone();
        async move { processor.run_poller().await }
    });
    create_users(&client, "flaky", 1).await;
    create_users(&client, "poison", 1).await;
    create_users(&client, "fine", 5).await;
    until("the flaky and the fine ones handled", || handled.count() == 6).await;
    until("the poison one dead-lettered", || letters.lock().unwrap().len() == 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    poller.abort();
    assert_eq!(handled.twice(), 0);
    let letters = letters.lock().unwrap();
    assert_eq!(letters[0].attempts, 4);
    assert!(letters[0].error.contains("poison"), "{:?}", letters[0]);
    assert!(letters[0].uuid.is_some());
    let stats = processor.stats();
    assert_eq!((stats.dead_lettered, stats.handled_from_log), (1, 6), "{stats:?}");
    assert_eq!(stats.handler_failures, 3 + 4, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poller_killed_mid_run_resumes_from_its_checkpoint_and_loses_nothing() {
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    let dir = std::env::temp_dir().join(format!("okta-events-{}-{:08x}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let checkpoint = Arc::new(FileCheckpoint::new(dir.join("position.json")));
    // The claims outlive the killed poller (as Redis does a process); its lease is short, so that an event it
    // claimed and never completed is handled again soon: the crash rule.
    let claims: Arc<dyn DedupStore> = Arc::new(EventDeduplicator::default());
    let handled = Handled::default();
    let build = || {
        processor(&client, &handled, claims.clone(), Duration::from_millis(20))
            .checkpoint(checkpoint.clone())
            .lease(Duration::from_millis(300))
            .build()
            .unwrap()
    };
    create_users(&client, "before", 20).await;
    let first = build();
    let killed = tokio::spawn({
        let first = first.clone();
        async move { first.run_poller().await }
    });
    until("some events handled", || handled.count() >= 5).await;
    killed.abort();
    let _ = killed.await;
    let saved = checkpoint.path().exists();
    create_users(&client, "while-down", 20).await;
    let second = build();
    let resumed = tokio::spawn({
        let second = second.clone();
        async move { second.run_poller().await }
    });
    until("all 40 events handled", || handled.count() == 40).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    resumed.abort();
    println!(
        "event processor killed mid-run: 40 events, {} handled twice (the crash rule allows those in flight at the \
         kill), checkpoint saved before the kill: {saved}; first {:?}, second {:?}",
        handled.twice(),
        first.stats(),
        second.stats()
    );
    assert!(handled.twice() <= 1, "at most the event in flight at the kill: {}", handled.twice());
    assert!(checkpoint.path().exists());
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_damaged_checkpoint_stops_the_poller_with_an_error_naming_the_file() {
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    let dir =
        std::env::temp_dir().join(format!("okta-events-bad-{}-{:08x}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("position.json");
    std::fs::write(&path, "{\"okta_system_log_checkpoint\": 1, \"next\": \"https://x").unwrap();
    let handled = Handled::default();
    let processor = processor(&client, &handled, Arc::new(EventDeduplicator::default()), Duration::ZERO)
        .checkpoint(Arc::new(FileCheckpoint::new(&path)))
        .build()
        .unwrap();
    create_users(&client, "never", 3).await;
    let error = tokio::time::timeout(Duration::from_secs(5), processor.run_poller()).await.unwrap().unwrap_err();
    assert!(error.to_string().contains(&path.display().to_string()), "{error}");
    assert_eq!(handled.count(), 0, "nothing handled from a guessed position");
    // Another org's position is refused too.
    std::fs::write(
        &path,
        "{\"okta_system_log_checkpoint\": 1, \"next\": \"https://other.okta.com/api/v1/logs?after=1\"}",
    )
    .unwrap();
    let error = processor.run_poller().await.unwrap_err();
    assert!(error.to_string().contains("another origin"), "{error}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Two processors both given every delivery (as replicas behind one URL receive Okta's retries) and both polling:
/// `n` users are created, and once `n` events were handled, `settle` more passes before the pollers stop.
async fn both_given_everything(
    client: &Client,
    handled: &Handled,
    processors: [&EventProcessor; 2],
    tag: &str,
    n: usize,
    settle: Duration,
) {
    let mut pollers = Vec::new();
    for processor in processors {
        register_hook(client, &receiver(processor.clone(), 0).await).await;
        let processor = processor.clone();
        pollers.push(tokio::spawn(async move { processor.run_poller().await }));
    }
    create_users(client, tag, n).await;
    until(&format!("{n} events handled"), || handled.count() == n).await;
    tokio::time::sleep(settle).await;
    for poller in pollers {
        poller.abort();
    }
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processors_sharing_redis_handle_each_event_once() {
    use okta_management::hooks::RedisDedupStore;
    let Some(redis) = crate::redis_server::RedisServer::start_or_skip("two_processors_sharing_redis") else { return };
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    let handled = Handled::default();
    let replica = || {
        let claims: Arc<dyn DedupStore> = Arc::new(RedisDedupStore::new(&redis.url()).unwrap());
        processor(&client, &handled, claims, Duration::ZERO).build().unwrap()
    };
    let (a, b) = (replica(), replica());
    both_given_everything(&client, &handled, [&a, &b], "shared", 40, Duration::from_millis(500)).await;
    let (sa, sb) = (a.stats(), b.stats());
    println!("two processors on one Redis, 40 events delivered to both: {sa:?} / {sb:?}");
    assert_eq!(handled.twice(), 0);
    assert_eq!(sa.handled_from_hooks + sa.handled_from_log + sb.handled_from_hooks + sb.handled_from_log, 40);
    assert!(sa.duplicates + sb.duplicates >= 40, "each event was met twice at least (two hooks, two pollers)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_orgs_own_lost_deliveries_are_found_in_the_system_log() {
    use okta_management::mock::HookDeliveryFaults;
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    // The org loses 30 % of its deliveries (after its one retry, as Okta does), the same ones on every run.
    org.set_hook_delivery_faults(HookDeliveryFaults {
        drop_share: 0.3,
        delay: Duration::from_millis(20),
        seed: Some(33),
    });
    let handled = Handled::default();
    let processor = processor(&client, &handled, Arc::new(EventDeduplicator::default()), Duration::ZERO)
        .poll_interval(Duration::from_millis(250))
        .hook_grace(Duration::from_secs(1))
        .build()
        .unwrap();
    let url = receiver(processor.clone(), 0).await;
    register_hook(&client, &url).await;
    let poller = tokio::spawn({
        let processor = processor.clone();
        async move { processor.run_poller().await }
    });
    create_users(&client, "lost", 200).await;
    until("200 events handled", || handled.count() == 200).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    poller.abort();
    let stats = processor.stats();
    let dropped = org.counters().hook_deliveries_dropped;
    let lost: std::collections::HashSet<String> = org
        .hook_deliveries()
        .iter()
        .filter(|d| d.dropped)
        .filter_map(|d| d.body.pointer("/data/events/0/uuid").and_then(|u| u.as_str()).map(str::to_owned))
        .collect();
    let (hook50, hook99, hooked) = handled.latency(|u| !lost.contains(u));
    let (log50, log99, logged) = handled.latency(|u| lost.contains(u));
    println!(
        "event processor: 200 events, the org dropped {dropped} deliveries: {stats:?}; from published to handled: \
         by hook {hooked} events p50 {hook50:.1} ms p99 {hook99:.1} ms, reconciled from the System Log {logged} \
         events p50 {log50:.1} ms p99 {log99:.1} ms (poll interval 250 ms, hook grace 1 s)"
    );
    assert_eq!(handled.count(), 200);
    assert_eq!(handled.twice(), 0);
    assert!((40..=80).contains(&dropped), "about 30 % dropped: {dropped}");
    assert_eq!(stats.handled_from_log, dropped, "the poller handled exactly the lost ones: {stats:?}");
    assert_eq!(stats.handled_from_hooks, 200 - dropped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poller_started_late_finds_the_events_since_its_processor_was_built() {
    // A receiver builds its processor, then registers its hook, then starts polling; on a busy machine events can
    // come between the two. The poller's start is when the processor was built, not when it starts.
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    let handled = Handled::default();
    let processor = {
        let handled = handled.clone();
        EventProcessor::builder(client.clone())
            .event_types([CREATE])
            .poll_interval(Duration::from_millis(100))
            .hook_grace(Duration::ZERO)
            .handler(move |event: LogEvent| {
                let handled = handled.clone();
                async move {
                    handled.record(&event);
                    Ok::<(), std::io::Error>(())
                }
            })
            .build()
            .unwrap()
    };
    create_users(&client, "early", 3).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let poller = tokio::spawn({
        let processor = processor.clone();
        async move { processor.run_poller().await }
    });
    until("the 3 events from before the poller started", || handled.count() == 3).await;
    poller.abort();
    assert_eq!(handled.twice(), 0);
}

/// Two processors sharing one claims store, both given every delivery and both polling, with a lease far shorter
/// than their handler: the holder renews its claim while the handler runs, so the other never takes it over.
async fn slow_handlers_keep_their_claims(claims: impl Fn() -> Arc<dyn DedupStore>, store: &str) {
    let org = MockOrg::start().await.unwrap();
    let client = client(&org);
    let handled = Handled::default();
    let replica = || {
        processor(&client, &handled, claims(), Duration::from_millis(700))
            .lease(Duration::from_millis(150))
            .build()
            .unwrap()
    };
    let (a, b) = (replica(), replica());
    // The wait after: long enough for a lapsed claim to be taken and handled again.
    both_given_everything(&client, &handled, [&a, &b], "renewed", 10, Duration::from_millis(1200)).await;
    assert_eq!(handled.twice(), 0, "{store}: a handler 4.7 times as long as its lease kept its claim");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_longer_than_its_lease_keeps_its_claim_in_memory() {
    let shared: Arc<dyn DedupStore> = Arc::new(EventDeduplicator::default());
    slow_handlers_keep_their_claims(|| shared.clone(), "in memory").await;
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_longer_than_its_lease_keeps_its_claim_in_redis() {
    use okta_management::hooks::RedisDedupStore;
    let Some(redis) = crate::redis_server::RedisServer::start_or_skip("a_handler_longer_than_its_lease") else {
        return;
    };
    slow_handlers_keep_their_claims(|| Arc::new(RedisDedupStore::new(&redis.url()).unwrap()), "Redis").await;
}
