//! A rate-limit budget shared by several clients, each with its own store object (its own Redis connection, as
//! separate processes would have): importing users together against the mock org's enforced bucket and
//! concurrency limit, they stay under both. The in-memory store runs the same scenario (no Redis needed); the
//! Redis one also runs with Redis killed mid-import and restarted.
#![cfg(all(feature = "mock", feature = "users"))]

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use okta_management::mock::{Counters, MockOrg};
use okta_management::rate_limit::{InMemoryRateLimitStore, RateLimitStore};
use serde_json::json;

use crate::client_support::ssws;

/// The org's limits: creating users is 30 a second, and 6 requests may be in flight.
const BUCKET: &str = "POST /api/v1/users";
const PER_SECOND: u64 = 30;
const ORG_CONCURRENCY: usize = 6;

async fn org() -> MockOrg {
    MockOrg::builder()
        .rate_limit(BUCKET, PER_SECOND, Duration::from_secs(1))
        .unwrap()
        .concurrency_limit(ORG_CONCURRENCY)
        .start()
        .await
        .unwrap()
}

/// An org whose user creation takes 100 ms, under a bucket too large to matter: the requests in flight pile up
/// against the org's concurrency limit.
async fn slow_org() -> MockOrg {
    let mock = MockOrg::builder()
        .rate_limit(BUCKET, 10_000, Duration::from_secs(1))
        .unwrap()
        .concurrency_limit(ORG_CONCURRENCY)
        .start()
        .await
        .unwrap();
    mock.inject(BUCKET, okta_management::mock::Fault::Latency(Duration::from_millis(100))).unwrap();
    mock
}

fn user(login: &str) -> okta_management::types::CreateUserRequest {
    serde_json::from_value(json!({
        "profile": {"login": login, "email": login, "firstName": "Shared", "lastName": "Budget"}
    }))
    .unwrap()
}

/// `workers` clients create `per_worker` users each, 8 requests at a time per client; each client with the
/// store `store_for(i)` (or none). Returns the org's counters and the users created.
async fn import<F>(mock: &MockOrg, tag: &str, workers: usize, per_worker: usize, store_for: F) -> (Counters, usize)
where
    F: Fn(usize) -> Option<Arc<dyn RateLimitStore>>,
{
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let mut builder = ssws(mock).max_concurrency(ORG_CONCURRENCY);
        if let Some(store) = store_for(worker) {
            builder = builder.rate_limit_store(store);
        }
        let client = builder.build().unwrap();
        let tag = tag.to_owned();
        tasks.push(tokio::spawn(async move {
            futures::stream::iter(0..per_worker)
                .map(|i| {
                    let (client, login) = (client.clone(), format!("{tag}-w{worker}-{i}@example.com"));
                    async move { client.create_user().body(user(&login)).send().await }
                })
                .buffer_unordered(8)
                .filter(|r| std::future::ready(r.is_ok()))
                .count()
                .await
        }));
    }
    let mut created = 0;
    for task in tasks {
        created += task.await.unwrap();
    }
    (mock.counters(), created)
}

/// What every store must do, step by step: the in-memory store and the Redis store's scripts are held to it.
async fn store_contract(store: &dyn RateLimitStore) {
    use okta_management::rate_limit::{BucketReport, LeaseDecision, LeaseRequest};
    const NOW: u64 = 1_800_000_000;
    let ask = |bucket: &'static str, server_now: u64, percent: u8, cap: Option<u32>| {
        let mut request = LeaseRequest::new(bucket, server_now);
        request.max_capacity_percent = percent;
        request.max_concurrency = cap;
        request
    };
    let granted = |d: LeaseDecision| match d {
        LeaseDecision::Granted(lease) => lease,
        other => panic!("expected a lease, got {other:?}"),
    };
    // Nothing known of a bucket: a lease.
    let a = granted(store.acquire(ask("org b1", NOW, 100, None)).await.unwrap());
    // Okta says 3 remain until NOW+10; with `a` given back, 3 leases fit, the 4th waits for one to end.
    store.complete("org b1", &a, Some(BucketReport::new(10, 3, NOW + 10))).await.unwrap();
    let leases: Vec<_> = futures::future::join_all((0..3).map(|_| store.acquire(ask("org b1", NOW, 100, None)))).await;
    let leases: Vec<_> = leases.into_iter().map(|d| granted(d.unwrap())).collect();
    // A lease says what the store knew of the bucket's limit: a client that just started tells Okta's concurrency
    // 429s (which report another limit) from the bucket's by it.
    assert_eq!(a.bucket_limit(), None, "nothing was known when `a` was granted");
    assert_eq!(leases[0].bucket_limit(), Some(10));
    assert_eq!(store.acquire(ask("org b1", NOW, 100, None)).await.unwrap(), LeaseDecision::WaitForInFlight);
    // Answers of the same window keep the least remaining: 0 left means waiting for the reset.
    store.complete("org b1", &leases[0], Some(BucketReport::new(10, 2, NOW + 10))).await.unwrap();
    store.complete("org b1", &leases[1], Some(BucketReport::new(10, 0, NOW + 10))).await.unwrap();
    // An answer from a window already over (a late response) changes nothing: 0 remain until NOW+10.
    store.complete("org b1", &leases[2], Some(BucketReport::new(10, 9, NOW - 50))).await.unwrap();
    assert_eq!(
        store.acquire(ask("org b1", NOW + 5, 100, None)).await.unwrap(),
        LeaseDecision::WaitForReset { reset: NOW + 10 }
    );
    // Once the reset has passed on the org's clock, the whole limit is there again.
    let fresh = granted(store.acquire(ask("org b1", NOW + 10, 100, None)).await.unwrap());
    store.complete("org b1", &fresh, Some(BucketReport::new(10, 9, NOW + 70))).await.unwrap();
    // A share of 50 % leaves 5 of 10 to others: with 6 remaining, one request fits.
    store
        .complete(
            "org b3",
            &granted(store.acquire(ask("org b3", NOW, 50, None)).await.unwrap()),
            Some(BucketReport::new(10, 6, NOW + 60)),
        )
        .await
        .unwrap();
    let half = granted(store.acquire(ask("org b3", NOW, 50, None)).await.unwrap());
    assert_eq!(store.acquire(ask("org b3", NOW, 50, None)).await.unwrap(), LeaseDecision::WaitForInFlight);
    store.complete("org b3", &half, None).await.unwrap();
    // A 429 whose limit is not the bucket's is Okta's concurrency answer (its headers report the concurrent values,
    // not the bucket's): the bucket's state is left alone.
    let lease = granted(store.acquire(ask("org b4", NOW, 100, None)).await.unwrap());
    store.complete("org b4", &lease, Some(BucketReport::new(200, 150, NOW + 2))).await.unwrap();
    let lease = granted(store.acquire(ask("org b4", NOW, 100, None)).await.unwrap());
    store.complete("org b4", &lease, Some(BucketReport::new(10, 0, NOW + 1).with_throttled(true))).await.unwrap();
    let lease = granted(store.acquire(ask("org b4", NOW, 100, None)).await.unwrap());
    // A 429 of the bucket's own limit is the bucket's: used up until its reset.
    store.complete("org b4", &lease, Some(BucketReport::new(200, 0, NOW + 2).with_throttled(true))).await.unwrap();
    assert_eq!(
        store.acquire(ask("org b4", NOW + 1, 100, None)).await.unwrap(),
        LeaseDecision::WaitForReset { reset: NOW + 2 }
    );
    // Before an answer that is not a 429 has named the bucket's limit, a 429 teaches the store nothing (it may be a
    // concurrency answer: every client would wait for its "reset"); then it is the bucket's own when its limit is.
    let first = granted(store.acquire(ask("org b5", NOW, 100, None)).await.unwrap());
    let second = granted(store.acquire(ask("org b5", NOW, 100, None)).await.unwrap());
    store.complete("org b5", &first, Some(BucketReport::new(10, 0, NOW + 1).with_throttled(true))).await.unwrap();
    let third = granted(store.acquire(ask("org b5", NOW, 100, None)).await.unwrap());
    store.complete("org b5", &second, Some(BucketReport::new(200, 190, NOW + 1))).await.unwrap();
    store.complete("org b5", &third, Some(BucketReport::new(200, 0, NOW + 1).with_throttled(true))).await.unwrap();
    assert_eq!(
        store.acquire(ask("org b5", NOW, 100, None)).await.unwrap(),
        LeaseDecision::WaitForReset { reset: NOW + 1 }
    );
    // The concurrency cap counts leases of every bucket.
    let x = granted(store.acquire(ask("org c1", NOW, 100, Some(2))).await.unwrap());
    let y = granted(store.acquire(ask("org c2", NOW, 100, Some(2))).await.unwrap());
    assert_eq!(store.acquire(ask("org c3", NOW, 100, Some(2))).await.unwrap(), LeaseDecision::WaitForInFlight);
    store.complete("org c1", &x, None).await.unwrap();
    let z = granted(store.acquire(ask("org c3", NOW, 100, Some(2))).await.unwrap());
    // A lease never given back (its client died) lapses.
    let mut short = ask("org c4", NOW, 100, None);
    short.lease_ttl = Duration::from_millis(200);
    let _lost = granted(store.acquire(short).await.unwrap());
    assert_eq!(store.acquire(ask("org c5", NOW, 100, Some(3))).await.unwrap(), LeaseDecision::WaitForInFlight);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let w = granted(store.acquire(ask("org c5", NOW, 100, Some(3))).await.unwrap());
    for (bucket, lease) in [("org c2", &y), ("org c3", &z), ("org c5", &w)] {
        store.complete(bucket, lease, None).await.unwrap();
    }
}

#[tokio::test]
async fn the_in_memory_store_keeps_the_contract() {
    store_contract(&InMemoryRateLimitStore::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clients_sharing_an_in_memory_store_stay_under_the_orgs_limits() {
    let mock = org().await;
    let shared: Arc<dyn RateLimitStore> = Arc::new(InMemoryRateLimitStore::new());
    let (counters, created) = import(&mock, "a", 3, 40, |_| Some(shared.clone())).await;
    println!(
        "in-memory store: 3 clients, 120 users: {created} created, {} bucket 429s, {} concurrency 429s, {} requests",
        counters.rate_limited, counters.concurrency_limited, counters.requests_total
    );
    assert_eq!(created, 120);
    assert!(counters.rate_limited <= 3, "bucket 429s: {}", counters.rate_limited);
    assert_eq!(counters.concurrency_limited, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clients_sharing_an_in_memory_store_share_the_concurrency_cap() {
    let mock = slow_org().await;
    let shared: Arc<dyn RateLimitStore> = Arc::new(InMemoryRateLimitStore::new());
    let (counters, created) = import(&mock, "c", 3, 20, |_| Some(shared.clone())).await;
    println!(
        "in-memory store, 100 ms per request: 3 clients, 60 users: {created} created, {} concurrency 429s",
        counters.concurrency_limited
    );
    assert_eq!(created, 60);
    assert_eq!(counters.concurrency_limited, 0);
}

#[cfg(feature = "redis")]
mod redis {
    use super::*;
    use crate::redis_server::RedisServer;
    use okta_management::rate_limit::RedisRateLimitStore;

    fn store(url: &str) -> Arc<dyn RateLimitStore> {
        Arc::new(RedisRateLimitStore::new(url).unwrap())
    }

    #[tokio::test]
    async fn the_redis_store_keeps_the_contract() {
        let Some(redis) = RedisServer::start_or_skip("the_redis_store_keeps_the_contract") else { return };
        store_contract(store(&redis.url()).as_ref()).await;
        assert_eq!(redis.settled("ZCARD okta:rate-limit:in-flight", ":0").await.as_deref(), Some(":0"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn three_clients_with_their_own_redis_connections_stay_under_the_orgs_limits() {
        let Some(redis) = RedisServer::start_or_skip("three_clients_with_their_own_redis_connections") else {
            return;
        };
        // Without a store, for comparison: each client paces itself from the headers, blind to the others' requests
        // in flight.
        let alone = org().await;
        let (alone_counters, alone_created) = import(&alone, "a", 3, 40, |_| None).await;

        let mock = org().await;
        let (counters, created) = import(&mock, "a", 3, 40, |_| Some(store(&redis.url()))).await;
        println!(
            "redis store: 3 clients (a connection each), 120 users against {PER_SECOND}/s and {ORG_CONCURRENCY} in \
             flight: {created} created in {} requests, {} bucket 429s, {} concurrency 429s; without the store: \
             {alone_created} created in {} requests, {} bucket 429s, {} concurrency 429s",
            counters.requests_total,
            counters.rate_limited,
            counters.concurrency_limited,
            alone_counters.requests_total,
            alone_counters.rate_limited,
            alone_counters.concurrency_limited,
        );
        assert_eq!(created, 120);
        assert!(counters.rate_limited <= 3, "bucket 429s: {}", counters.rate_limited);
        assert_eq!(counters.concurrency_limited, 0);
        // Every lease was given back.
        assert_eq!(redis.settled("ZCARD okta:rate-limit:in-flight", ":0").await.as_deref(), Some(":0"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn three_clients_with_their_own_redis_connections_share_the_concurrency_cap() {
        let Some(redis) = RedisServer::start_or_skip("three_clients_share_the_concurrency_cap") else { return };
        let alone = slow_org().await;
        let (alone_counters, _) = import(&alone, "c", 3, 20, |_| None).await;
        let mock = slow_org().await;
        let (counters, created) = import(&mock, "c", 3, 20, |_| Some(store(&redis.url()))).await;
        println!(
            "redis store, 100 ms per request, {ORG_CONCURRENCY} in flight allowed: 3 clients (max_concurrency \
             {ORG_CONCURRENCY} each), 60 users: {created} created, {} concurrency 429s; without the store: {} \
             concurrency 429s",
            counters.concurrency_limited, alone_counters.concurrency_limited
        );
        assert_eq!(created, 60);
        assert_eq!(counters.concurrency_limited, 0);
    }

    /// Three `import_users` processes, one CSV each, started together with `--redis`: separate processes, as users
    /// run them, against the org's bucket and concurrency limit.
    #[cfg(feature = "full")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn three_import_processes_share_the_orgs_limits_through_redis() {
        let Some(redis) = RedisServer::start_or_skip("three_import_processes") else { return };
        let (alone, alone_created) = import_processes(&org().await, None).await;
        let mock = org().await;
        let (counters, created) = import_processes(&mock, Some(&redis.url())).await;
        println!(
            "redis store: 3 import_users processes, 40 users each, against {PER_SECOND}/s and {ORG_CONCURRENCY} in \
             flight: {created} created in {} requests, {} bucket 429s, {} concurrency 429s; without --redis: \
             {alone_created} created in {} requests, {} bucket 429s, {} concurrency 429s",
            counters.requests_total,
            counters.rate_limited,
            counters.concurrency_limited,
            alone.requests_total,
            alone.rate_limited,
            alone.concurrency_limited
        );
        assert_eq!(created, 120);
        assert!(counters.rate_limited <= 3, "bucket 429s: {}", counters.rate_limited);
        assert_eq!(counters.concurrency_limited, 0);
    }

    /// `rediss://`: an import process shares the budget over TLS, checking Redis's certificate against the CA in
    /// `SSL_CERT_FILE`. Without that CA it does not trust the server: nothing reaches Redis, and the import still
    /// completes, paced by the process alone.
    #[cfg(feature = "full")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn an_import_process_shares_the_budget_over_tls() {
        let Some(redis) = RedisServer::start_tls_or_skip("an_import_process_shares_the_budget_over_tls") else {
            return;
        };
        let mock = org().await;
        let csv = |tag: &str| -> String {
            std::iter::once("login,email,firstName,lastName\n".to_owned())
                .chain((0..20).map(|i| format!("{tag}-{i}@example.com,{tag}-{i}@example.com,Tls,{i}\n")))
                .collect()
        };
        let ca = redis.ca_file().to_string_lossy().into_owned();
        let url = redis.tls_url();
        let trusted =
            crate::import_users::run_with(&mock, &csv("trusted"), &["--redis", &url], &[("SSL_CERT_FILE", &ca)]).await;
        assert!(trusted.status.success(), "{}", trusted.stderr);
        assert_eq!(crate::import_users::created(&trusted.stdout).len(), 20);
        assert_ne!(redis.command("DBSIZE").as_deref(), Some(":0"), "the budget was kept in Redis, over TLS");

        assert_eq!(redis.command("FLUSHALL").as_deref(), Some("+OK"));
        let untrusted = crate::import_users::run_with(&mock, &csv("untrusted"), &["--redis", &url], &[]).await;
        assert!(untrusted.status.success(), "{}", untrusted.stderr);
        assert_eq!(crate::import_users::created(&untrusted.stdout).len(), 20);
        assert_eq!(redis.command("DBSIZE").as_deref(), Some(":0"), "an untrusted server is not used");
    }

    /// Runs the three processes (with `--redis url` when given); the org's counters and the users created.
    #[cfg(feature = "full")]
    async fn import_processes(mock: &MockOrg, redis: Option<&str>) -> (Counters, usize) {
        let runs = futures::future::join_all((0..3).map(|p| {
            let csv: String = std::iter::once("login,email,firstName,lastName\n".to_owned())
                .chain((0..40).map(|i| format!("p{p}-{i}@example.com,p{p}-{i}@example.com,Proc,{p}\n")))
                .collect();
            let mut args = vec!["--concurrency".to_owned(), "8".to_owned()];
            if let Some(url) = redis {
                args.extend(["--redis".to_owned(), url.to_owned()]);
            }
            async move {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                crate::import_users::run_with(mock, &csv, &args, &[("OKTA_CLIENT_RATELIMIT_MAXCONCURRENCY", "6")]).await
            }
        }))
        .await;
        let mut created = 0;
        for run in &runs {
            assert!(run.status.success(), "{}", run.stderr);
            created += crate::import_users::created(&run.stdout).len();
        }
        (mock.counters(), created)
    }

    /// Redis killed in the middle of an import: the clients pace on their own (no call fails or blocks), and share
    /// again once it is back.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn redis_killed_mid_import_falls_back_to_each_clients_own_pacing() {
        let Some(mut redis) = RedisServer::start_or_skip("redis_killed_mid_import") else { return };
        let mock = org().await;
        let url = redis.url();
        let stores: Vec<Arc<dyn RateLimitStore>> = (0..3).map(|_| store(&url)).collect();
        let first = import(&mock, "before", 3, 20, |i| Some(stores[i].clone()));
        let (before, created_before) = first.await;
        assert_eq!(created_before, 60);

        // Redis busy (DEBUG SLEEP): its commands time out, the clients go on.
        let log = crate::capture::global();
        redis.stall(2.0);
        let (stalled, created_stalled) =
            tokio::time::timeout(Duration::from_secs(60), import(&mock, "stalled", 3, 10, |i| Some(stores[i].clone())))
                .await
                .expect("no call blocks on a stalled Redis");
        assert_eq!(created_stalled, 30, "every user created while Redis is stalled");
        assert!(log.text().contains("the shared rate-limit store does not answer"), "one warning said so");
        tokio::time::sleep(Duration::from_secs(2)).await;

        redis.kill();
        let during = import(&mock, "during", 3, 20, |i| Some(stores[i].clone()));
        let (during_counters, created_during) =
            tokio::time::timeout(Duration::from_secs(60), during).await.expect("no call blocks on a dead Redis");
        assert_eq!(created_during, 60, "every user created while Redis is down");

        redis.restart();
        let (after, created_after) = import(&mock, "after", 3, 20, |i| Some(stores[i].clone())).await;
        assert_eq!(created_after, 60);
        let keys = redis.command("DBSIZE").unwrap();
        assert_ne!(keys, ":0", "the clients use the restarted Redis again");
        let text = log.text();
        assert!(text.contains("the shared rate-limit store answers again"), "and said so");
        assert!(!text.contains(&url), "no log line holds the Redis URL");
        println!(
            "redis store stalled, then killed mid-import: 60 users before ({} bucket 429s), 30 while Redis was \
             stalled ({} bucket 429s), 60 while it was down ({} bucket 429s, {} concurrency 429s: each client paced \
             alone), 60 after its restart ({} bucket 429s)",
            before.rate_limited,
            stalled.rate_limited - before.rate_limited,
            during_counters.rate_limited - stalled.rate_limited,
            during_counters.concurrency_limited - stalled.concurrency_limited,
            after.rate_limited - during_counters.rate_limited,
        );
    }
}
