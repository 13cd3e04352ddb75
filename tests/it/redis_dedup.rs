//! Event-hook de-duplication across replicas, on a real redis-server: three receivers (HTTP servers on loopback,
//! each with its own `RedisDedupStore` and connection) are fed the same deliveries in random order, as Okta's
//! at-least-once delivery through a load balancer would; each event must be handled once. Then Redis is stalled,
//! killed and restarted under them, and they must do what `WhenStoreFails` says.
#![cfg(feature = "redis")]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::routing::post;
use bytes::Bytes;
use futures::StreamExt;
use http::{HeaderMap, HeaderName, StatusCode};
use okta_management::hooks::{DedupStore, EventHookReceiver, EventSummary, RedisDedupStore, WhenStoreFails};
use okta_management::secret::SecretString;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand::{Rng, rngs::StdRng};

use crate::redis_server::RedisServer;

const SECRET: &str = "Bearer replica-secret";

/// Which receiver handled each event, how many times.
type Handled = Arc<Mutex<HashMap<String, Vec<usize>>>>;

struct Replica {
    index: usize,
    receiver: EventHookReceiver,
    store: RedisDedupStore,
    handled: Handled,
}

async fn deliver(State(replica): State<Arc<Replica>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let delivery = match replica.receiver.receive_as::<EventSummary>(&headers, &body) {
        Ok(delivery) => delivery,
        Err(e) => return e.to_response().status,
    };
    match delivery.claim_first_time_events(&replica.store).await {
        Ok(events) => {
            let mut handled = replica.handled.lock().unwrap();
            for event in events {
                handled.entry(event.uuid.clone().unwrap()).or_default().push(replica.index);
            }
            StatusCode::OK
        }
        // Okta sends a delivery answered 5xx once more.
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// Three receivers, each with its own store (its own connection to Redis), on loopback.
async fn replicas(url: &str, policy: WhenStoreFails, handled: &Handled) -> Vec<(SocketAddr, Arc<Replica>)> {
    let mut out = Vec::new();
    for index in 0..3 {
        let replica = Arc::new(Replica {
            index,
            receiver: EventHookReceiver::new(HeaderName::from_static("authorization"), SecretString::from(SECRET)),
            store: RedisDedupStore::new(url)
                .unwrap()
                .with_key_prefix("test:org1:")
                .with_timeout(Duration::from_millis(300))
                .when_store_fails(policy),
            handled: handled.clone(),
        });
        let app = axum::Router::new().route("/okta/events", post(deliver)).with_state(replica.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        out.push((addr, replica));
    }
    out
}

/// Every event `copies` times, in deliveries of 1–4 events, shuffled: what at-least-once delivery looks like.
fn deliveries(prefix: &str, events: usize, copies: usize, rng: &mut StdRng) -> Vec<String> {
    let mut sends = Vec::new();
    for _ in 0..copies {
        let mut ids: Vec<usize> = (0..events).collect();
        ids.shuffle(rng);
        let mut rest = ids.as_slice();
        while !rest.is_empty() {
            let (batch, tail) = rest.split_at(rng.random_range(1..=4).min(rest.len()));
            let events: Vec<_> = batch
                .iter()
                .map(|i| serde_json::json!({"uuid": format!("{prefix}-{i}"), "eventType": "user.lifecycle.create"}))
                .collect();
            sends.push(serde_json::json!({"eventType": "com.okta.event_hook", "data": {"events": events}}).to_string());
            rest = tail;
        }
    }
    sends.shuffle(rng);
    sends
}

/// Posts each delivery to a receiver picked at random, 12 at a time; the statuses, in order.
async fn send(replicas: &[(SocketAddr, Arc<Replica>)], sends: &[String], rng: &mut StdRng) -> Vec<StatusCode> {
    let http = reqwest::Client::new();
    let targets: Vec<SocketAddr> = sends.iter().map(|_| replicas[rng.random_range(0..replicas.len())].0).collect();
    futures::stream::iter(sends.iter().zip(targets))
        .map(|(body, addr)| {
            let http = http.clone();
            async move {
                let response = http
                    .post(format!("http://{addr}/okta/events"))
                    .header("authorization", SECRET)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                response.status()
            }
        })
        .buffered(12)
        .collect()
        .await
}

fn times_handled(handled: &Handled, prefix: &str) -> (usize, usize) {
    let handled = handled.lock().unwrap();
    let mine: Vec<_> = handled.iter().filter(|(id, _)| id.starts_with(&format!("{prefix}-"))).collect();
    (mine.len(), mine.iter().map(|(_, by)| by.len()).sum())
}

fn seed() -> u64 {
    let seed = rand::rng().random();
    eprintln!("seed {seed}");
    seed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_handle_each_event_once() {
    let Some(redis) = RedisServer::start_or_skip("three_replicas_handle_each_event_once") else { return };
    let mut rng = StdRng::seed_from_u64(seed());
    let handled = Handled::default();
    let replicas = replicas(&redis.url(), WhenStoreFails::default(), &handled).await;
    let (events, copies) = (400, 3);
    let sends = deliveries("a", events, copies, &mut rng);
    let statuses = send(&replicas, &sends, &mut rng).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");

    let (distinct, total) = times_handled(&handled, "a");
    let by_replica: Vec<usize> =
        (0..3).map(|i| handled.lock().unwrap().values().flatten().filter(|r| **r == i).count()).collect();
    println!(
        "redis de-dup: 3 replicas, {} deliveries of {events} events x {copies} copies: {distinct} events handled \
         {total} times (per replica {by_replica:?}), {} duplicates dropped",
        sends.len(),
        events * copies - total,
    );
    assert_eq!(distinct, events, "every event handled");
    assert_eq!(total, events, "no event handled twice");
    assert!(by_replica.iter().all(|n| *n > 0), "deliveries reached every replica: {by_replica:?}");
    // A released claim (handling failed) lets the redelivery be handled, by any replica.
    assert!(!replicas[1].1.store.claim("a-7").await.unwrap());
    replicas[0].1.store.release("a-7").await.unwrap();
    assert!(replicas[2].1.store.claim("a-7").await.unwrap());
    assert_eq!(replicas.iter().map(|(_, r)| r.store.unanswered_claims()).sum::<u64>(), 0);
}

/// The default, `HandleEvent`: with Redis stalled or down, deliveries are still answered 200 and their events
/// handled (duplicates possible); once Redis is back, de-duplication resumes with no reconnect by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_down_handles_events_and_recovers() {
    let Some(mut redis) = RedisServer::start_or_skip("redis_down_handles_events_and_recovers") else { return };
    let mut rng = StdRng::seed_from_u64(seed());
    let handled = Handled::default();
    let replicas = replicas(&redis.url(), WhenStoreFails::HandleEvent, &handled).await;
    let unanswered = || replicas.iter().map(|(_, r)| r.store.unanswered_claims()).sum::<u64>();

    let before = deliveries("before", 50, 2, &mut rng);
    assert!(send(&replicas, &before, &mut rng).await.iter().all(|s| *s == StatusCode::OK));
    assert_eq!(times_handled(&handled, "before"), (50, 50));

    // Busy Redis: every claim times out (300 ms) and the events are handled anyway.
    redis.stall(3.0);
    let stalled = deliveries("stalled", 6, 1, &mut rng);
    assert!(send(&replicas, &stalled, &mut rng).await.iter().all(|s| *s == StatusCode::OK));
    assert_eq!(times_handled(&handled, "stalled"), (6, 6));
    assert!(unanswered() >= 6, "{}", unanswered());

    redis.kill();
    let down = deliveries("down", 30, 2, &mut rng);
    let statuses = send(&replicas, &down, &mut rng).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    let (distinct, total) = times_handled(&handled, "down");
    assert_eq!(distinct, 30, "every event handled while Redis is down");
    assert_eq!(total, 60, "each copy handled: nothing to de-duplicate against");
    let unanswered_while_down = unanswered();

    redis.restart();
    wait_until_deduplicating(&replicas).await;
    let after = deliveries("after", 100, 3, &mut rng);
    assert!(send(&replicas, &after, &mut rng).await.iter().all(|s| *s == StatusCode::OK));
    assert_eq!(times_handled(&handled, "after"), (100, 100), "each event once again, after Redis came back");
    println!(
        "redis de-dup, Redis stalled then killed (HandleEvent): {unanswered_while_down} claims answered without Redis, \
         30 events handled 60 times meanwhile; after its restart 100 events x 3 copies handled 100 times"
    );
}

/// `FailDelivery`: with Redis down, deliveries are answered 503 and nothing is handled; Okta's redelivery after
/// Redis is back is handled once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_down_fails_deliveries_when_so_configured() {
    let Some(mut redis) = RedisServer::start_or_skip("redis_down_fails_deliveries_when_so_configured") else {
        return;
    };
    let mut rng = StdRng::seed_from_u64(seed());
    let handled = Handled::default();
    let replicas = replicas(&redis.url(), WhenStoreFails::FailDelivery, &handled).await;
    let first = deliveries("warm", 10, 1, &mut rng);
    assert!(send(&replicas, &first, &mut rng).await.iter().all(|s| *s == StatusCode::OK));

    redis.kill();
    let down = deliveries("down", 20, 1, &mut rng);
    let statuses = send(&replicas, &down, &mut rng).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::SERVICE_UNAVAILABLE), "{statuses:?}");
    assert_eq!(times_handled(&handled, "down"), (0, 0));

    redis.restart();
    wait_until_deduplicating(&replicas).await;
    // Okta's redelivery, twice over (at least once), to any replica.
    let mut again = down.clone();
    again.extend(down.iter().cloned());
    again.shuffle(&mut rng);
    assert!(send(&replicas, &again, &mut rng).await.iter().all(|s| *s == StatusCode::OK));
    assert_eq!(times_handled(&handled, "down"), (20, 20));
}

/// Each replica's store answers again (a probe id claimed twice is refused the second time): it reconnected on
/// its own.
async fn wait_until_deduplicating(replicas: &[(SocketAddr, Arc<Replica>)]) {
    for (round, (_, replica)) in (0u32..).zip(replicas) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let probe = format!("probe-{}-{round}-{}", replica.index, rand::rng().random::<u64>());
            if matches!(replica.store.claim(&probe).await, Ok(true))
                && matches!(replica.store.claim(&probe).await, Ok(false))
            {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "replica {} never reconnected to Redis", replica.index);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The event processor's claims on Redis: a claim held while an event is handled, seen by another replica as in
/// progress, then as handled once completed; given back, or lapsed with its lease when its holder died.
#[tokio::test]
async fn leased_claims_are_in_progress_until_completed_released_or_lapsed() {
    use okta_management::hooks::Claim;
    let Some(redis) = RedisServer::start_or_skip("leased_claims_are_in_progress") else { return };
    let (a, b) = (RedisDedupStore::new(&redis.url()).unwrap(), RedisDedupStore::new(&redis.url()).unwrap());
    let lease = Duration::from_millis(300);
    assert_eq!(a.claim_for("e1", lease).await.unwrap(), Claim::Claimed);
    assert_eq!(b.claim_for("e1", lease).await.unwrap(), Claim::InProgress);
    a.complete("e1").await.unwrap();
    assert_eq!(b.claim_for("e1", lease).await.unwrap(), Claim::Handled);
    // A claim taken the old way (`claim`) counts as handled.
    assert!(a.claim("e2").await.unwrap());
    assert_eq!(b.claim_for("e2", lease).await.unwrap(), Claim::Handled);
    // Given back: claimable again at once.
    assert_eq!(a.claim_for("e3", lease).await.unwrap(), Claim::Claimed);
    a.release("e3").await.unwrap();
    assert_eq!(b.claim_for("e3", lease).await.unwrap(), Claim::Claimed);
    // Its holder died before completing: claimable again once the lease lapses.
    assert_eq!(a.claim_for("e4", lease).await.unwrap(), Claim::Claimed);
    assert_eq!(b.claim_for("e4", lease).await.unwrap(), Claim::InProgress);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(b.claim_for("e4", lease).await.unwrap(), Claim::Claimed);
    // Renewed by its holder: in progress past its first lease; nothing to renew once completed or never claimed.
    assert_eq!(a.claim_for("e5", lease).await.unwrap(), Claim::Claimed);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(a.renew("e5", lease).await.unwrap());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(b.claim_for("e5", lease).await.unwrap(), Claim::InProgress, "renewed at 200 ms, asked at 400 ms");
    a.complete("e5").await.unwrap();
    assert!(!a.renew("e5", lease).await.unwrap(), "a completed event stays done");
    assert_eq!(b.claim_for("e5", lease).await.unwrap(), Claim::Handled);
    assert!(!a.renew("never-claimed", lease).await.unwrap());
}
