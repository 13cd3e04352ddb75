#![cfg(all(feature = "mock", feature = "full"))]
//! `examples/event_hook_receiver`, run as a user runs it (the built binary, `OKTA_CLIENT_*` and `HOOK_*` in its
//! environment), behind a load balancer the test holds, against the mock org losing 30 % of its event hook
//! deliveries. The receiver registers its own event hook (`HOOK_PUBLIC_URL`: the load balancer's URL) and acts on
//! each user lifecycle event once (`HOOK_HANDLED_FILE` has a line per event handled, with when).
//!
//! - One replica with a checkpoint file, SIGKILLed mid-run and started again: it resumes from its checkpoint.
//! - 1,000 events, two replicas on one Redis, one of them SIGKILLed mid-run and started again.
//! - Two replicas on one Redis while Redis is stopped for a few seconds mid-run.
//!
//! Every event is handled; none twice but what the crash rule allows (an event whose actions ran but whose
//! completion was not recorded), which is counted and printed. Each run's numbers are also appended to
//! `target/tmp/event_receiver_report.txt`, which `.ci/run` prints after the suite.
//!
//! Replicas listen on port 0 and print their address; the load balancer's port is held by the test: no port is
//! released and bound again, so these run in the parallel suite.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use okta_management::Client;
use okta_management::mock::{HookDeliveryFaults, MockOrg};
use serde_json::{Value, json};

use crate::load_balancer::LoadBalancer;

const SECRET: &str = "Bearer receiver-process-secret";

fn client(org: &MockOrg) -> Client {
    crate::client_support::ssws(org)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

/// Prints a run's numbers and appends them to the report `.ci/run` prints.
fn report(line: &str) {
    use std::io::Write;
    println!("{line}");
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("event_receiver_report.txt");
    if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(file, "{line}");
    }
}

/// A receiver process and the address it listens on.
struct Replica {
    child: std::process::Child,
    addr: SocketAddr,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }
}

/// Where a replica keeps its position and claims.
#[derive(Clone, Copy)]
enum Store<'a> {
    /// `HOOK_CHECKPOINT_FILE` (and the claims beside it).
    File,
    /// `HOOK_REDIS_URL`.
    Redis(&'a str),
}

/// Starts the receiver on a free port, registering (or reusing) the hook for `public_url`, and adds it to `lb`.
async fn start(org: &MockOrg, group: &str, lb: &LoadBalancer, dir: &Path, name: &str, store: Store<'_>) -> Replica {
    let mut command = std::process::Command::new(crate::common::example_binary("event_hook_receiver"));
    command
        .current_dir(dir)
        .env("HOME", dir)
        .env("OKTA_CLIENT_ORGURL", org.base_url().as_str())
        .env("OKTA_CLIENT_TOKEN", org.token())
        .env("OKTA_TESTING_DISABLEHTTPSCHECK", "true")
        .env("HOOK_LISTEN_ADDR", "127.0.0.1:0")
        .env("HOOK_PUBLIC_URL", lb.url("/okta/events"))
        .env("HOOK_AUTH_SECRET", SECRET)
        .env("HOOK_GROUP_ID", group)
        .env("HOOK_HANDLED_FILE", dir.join(format!("{name}.handled")))
        .env("HOOK_POLL_SECONDS", "0.3")
        .env("HOOK_GRACE_SECONDS", "1")
        .env("HOOK_LEASE_SECONDS", "3")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdout(std::process::Stdio::piped())
        // Appended: a restarted replica's log follows its killed predecessor's.
        .stderr(std::fs::OpenOptions::new().create(true).append(true).open(dir.join(format!("{name}.log"))).unwrap());
    match store {
        Store::Redis(url) => command.env("HOOK_REDIS_URL", url),
        Store::File => command.env("HOOK_CHECKPOINT_FILE", dir.join(format!("{name}.checkpoint"))),
    };
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    // Its first line on stdout: `listening on http://127.0.0.1:<port>`.
    let line = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufReader::new(stdout).read_line(&mut line).map(|_| line)
        }),
    )
    .await
    .unwrap_or_else(|_| panic!("{name} did not say where it listens within 60 s"))
    .unwrap()
    .unwrap();
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("{name}'s first line: {line:?}\n{}", logs(dir)));
    lb.add(addr);
    Replica { child, addr }
}

/// Waits until the org has an active event hook for `url`.
async fn hook_ready(client: &Client, url: &str) -> String {
    for _ in 0..600 {
        for hook in client.list_event_hooks().send().await.unwrap() {
            let value = serde_json::to_value(&hook).unwrap();
            if value["channel"]["config"]["uri"] == url && value["status"] == "ACTIVE" {
                return hook.id.unwrap();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no active hook for {url}");
}

async fn create_users(client: &Client, tag: &str, range: std::ops::Range<usize>) -> Vec<String> {
    let mut ids = Vec::new();
    for i in range {
        let login = format!("{tag}{i}@example.com");
        let body: okta_management::types::CreateUserRequest = serde_json::from_value(json!({"profile": {
            "login": login, "email": login, "firstName": "Re", "lastName": format!("Ceiver{i}")}}))
        .unwrap();
        ids.push(client.create_user().body(body).activate(true).send().await.unwrap().id.unwrap());
    }
    ids
}

/// The handled files' lines: uuid → when each handling of it ended.
fn handled(dir: &Path) -> HashMap<String, Vec<chrono::DateTime<chrono::Utc>>> {
    let mut all: HashMap<String, Vec<_>> = HashMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "handled") {
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
                let at = chrono::DateTime::parse_from_rfc3339(value["handledAt"].as_str().unwrap()).unwrap();
                all.entry(value["uuid"].as_str().unwrap().to_owned()).or_default().push(at.into());
            }
        }
    }
    all
}

fn logs(dir: &Path) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect()
}

/// Waits (up to `limit`) until `n` distinct events were handled; on a timeout, says what the org saw too.
async fn until_handled(org: &MockOrg, dir: &Path, n: usize, limit: Duration) {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if handled(dir).len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let polls: Vec<String> = org
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.starts_with("/api/v1/logs"))
        .map(|r| r.path_and_query.rsplit('&').next().unwrap_or_default().to_owned())
        .collect();
    let tail = polls.len().saturating_sub(5);
    panic!(
        "{} of {n} events handled in {limit:?}; the org's System Log has {} events, its last polls ended with {:?}\n{}",
        handled(dir).len(),
        org.log_events().len(),
        &polls[tail..],
        logs(dir)
    );
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("okta-receiver-{tag}-{}-{:08x}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What a run came to: events handled, how many twice, and the time from `published` to handled (first time) for
/// the events a hook delivery reached a receiver with and for those the System Log poller found.
struct Outcome {
    handled: usize,
    twice: usize,
    by_hook: Latency,
    reconciled: Latency,
}

struct Latency {
    p50_ms: f64,
    p99_ms: f64,
    n: usize,
}

impl std::fmt::Display for Latency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} events, p50 {:.0} ms, p99 {:.0} ms", self.n, self.p50_ms, self.p99_ms)
    }
}

fn latency(mut ms: Vec<f64>) -> Latency {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms.get(((ms.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
    Latency { p50_ms: at(0.5), p99_ms: at(0.99), n: ms.len() }
}

fn outcome(org: &MockOrg, dir: &Path) -> Outcome {
    let handled = handled(dir);
    let published: HashMap<String, chrono::DateTime<chrono::Utc>> = org
        .log_events()
        .iter()
        .filter_map(|e| {
            let at = chrono::DateTime::parse_from_rfc3339(e["published"].as_str()?).ok()?;
            Some((e["uuid"].as_str()?.to_owned(), at.into()))
        })
        .collect();
    // Events whose delivery a receiver answered 200 (the others were dropped by the org, or failed).
    let delivered: HashSet<String> = org
        .hook_deliveries()
        .iter()
        .filter(|d| d.delivered)
        .flat_map(|d| d.body["data"]["events"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["uuid"].as_str().map(str::to_owned))
        .collect();
    let (mut by_hook, mut reconciled) = (Vec::new(), Vec::new());
    for (uuid, times) in &handled {
        let (Some(first), Some(published)) = (times.iter().min(), published.get(uuid)) else { continue };
        let ms = (*first - *published).num_microseconds().unwrap_or(0) as f64 / 1000.0;
        if delivered.contains(uuid) { by_hook.push(ms) } else { reconciled.push(ms) }
    }
    Outcome {
        handled: handled.len(),
        twice: handled.values().filter(|t| t.len() > 1).count(),
        by_hook: latency(by_hook),
        reconciled: latency(reconciled),
    }
}

/// One run's org (losing 30 % of its deliveries, seeded), the group the receivers manage, a client, a directory for
/// the receivers' files, and the load balancer whose URL is the event hook's.
struct Scene {
    org: MockOrg,
    group: String,
    client: Client,
    dir: PathBuf,
    lb: LoadBalancer,
    url: String,
}

async fn scene(group: &str, tag: &str, seed: u64) -> Scene {
    let org = MockOrg::start().await.unwrap();
    let group = org.seed_group(group).unwrap();
    let client = client(&org);
    org.set_hook_delivery_faults(HookDeliveryFaults { drop_share: 0.3, delay: Duration::ZERO, seed: Some(seed) });
    let lb = LoadBalancer::start().await;
    let url = lb.url("/okta/events");
    Scene { org, group, client, dir: temp_dir(tag), lb, url }
}

/// Every created user is in the group (a created and activated user joins it).
fn assert_members(org: &MockOrg, group: &str, mut users: Vec<String>) {
    let mut members = org.group_members(group);
    members.sort();
    users.sort();
    assert_eq!(members, users, "every created user joined the group");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_killed_mid_run_and_restarted_handles_every_event_once() {
    let Scene { org, group, client, dir, lb, url } = scene("Engineering", "kill", 32).await;
    // Users created (each: `user.lifecycle.create` and `.activate`): `OKTA_RECEIVER_USERS`, default 80. Half
    // before the kill, a quarter while it is down, a quarter after.
    let n: usize = std::env::var("OKTA_RECEIVER_USERS").ok().and_then(|v| v.parse().ok()).unwrap_or(80);
    let events = 2 * n;
    let replica = start(&org, &group, &lb, &dir, "a", Store::File).await;
    let hook = hook_ready(&client, &url).await;
    let mut users = create_users(&client, "kill", 0..n / 2).await;
    until_handled(&org, &dir, n / 2, Duration::from_secs(120)).await;
    lb.remove(replica.addr);
    drop(replica); // SIGKILL, mid-run: deliveries and polls in flight
    users.extend(create_users(&client, "kill", n / 2..3 * n / 4).await); // while it is down: deliveries fail
    let replica = start(&org, &group, &lb, &dir, "a", Store::File).await;
    users.extend(create_users(&client, "kill", 3 * n / 4..n).await);
    until_handled(&org, &dir, events, Duration::from_secs(180)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(replica);
    let o = outcome(&org, &dir);
    report(&format!(
        "event_hook_receiver killed mid-run (checkpoint file): {events} events, {} deliveries dropped by the org, {} \
         handled, {} handled twice (the crash rule: actions ran, completion not recorded); by hook: {}; \
         reconciled: {}",
        org.counters().hook_deliveries_dropped,
        o.handled,
        o.twice,
        o.by_hook,
        o.reconciled
    ));
    assert_eq!(o.handled, events, "every event handled");
    assert!(o.twice <= 2, "at most the events in flight at the kill: {}", o.twice);
    // The hook was reused on the restart, not registered again.
    assert_eq!(client.list_event_hooks().send().await.unwrap().len(), 1);
    assert_eq!(hook_ready(&client, &url).await, hook);
    assert_members(&org, &group, users);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The scenario: 1,000 user lifecycle events (`OKTA_RECEIVER_USERS` users, default 500), 30 % of the
/// deliveries dropped, two replicas on one Redis behind one URL, one SIGKILLed a quarter of the way in (with
/// events in flight) and started again half-way.
#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_events_two_replicas_on_redis_one_killed_and_restarted_each_handled_once() {
    let Some(redis) = crate::redis_server::RedisServer::start_or_skip("a_thousand_events_two_replicas") else {
        return;
    };
    let Scene { org, group, client, dir, lb, url } = scene("Support", "thousand", 33).await;
    let n: usize = std::env::var("OKTA_RECEIVER_USERS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    let events = 2 * n;
    let redis_url = redis.url();
    let a = start(&org, &group, &lb, &dir, "a", Store::Redis(&redis_url)).await;
    hook_ready(&client, &url).await;
    let b = start(&org, &group, &lb, &dir, "b", Store::Redis(&redis_url)).await;
    let started = std::time::Instant::now();
    let mut users = create_users(&client, "thousand", 0..n / 4).await;
    // Killed while handling: some of the first quarter's events are in flight.
    until_handled(&org, &dir, n / 4, Duration::from_secs(120)).await;
    drop(a);
    users.extend(create_users(&client, "thousand", n / 4..n / 2).await);
    let a = start(&org, &group, &lb, &dir, "a", Store::Redis(&redis_url)).await;
    users.extend(create_users(&client, "thousand", n / 2..n).await);
    until_handled(&org, &dir, events, Duration::from_secs(600)).await;
    let took = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop((a, b));
    let o = outcome(&org, &dir);
    report(&format!(
        "two event_hook_receiver replicas on one Redis, one killed mid-run and restarted: {events} events, {} \
         deliveries dropped by the org, {} failed (the replica down), {} handled, {} handled twice (the crash rule); \
         by hook: {}; reconciled: {}; {:.1} s from the first user created to the last event handled; {} Management \
         API calls, {} answered 429",
        org.counters().hook_deliveries_dropped,
        org.counters().hook_deliveries_failed,
        o.handled,
        o.twice,
        o.by_hook,
        o.reconciled,
        took.as_secs_f64(),
        org.counters().requests_total,
        org.counters().rate_limited + org.counters().concurrency_limited,
    ));
    assert_eq!(o.handled, events, "every event handled");
    // The crash rule: only events whose actions the killed replica finished but had not recorded as handled.
    assert!(o.twice <= 4, "at most the events in flight at the kill: {}", o.twice);
    assert_eq!(client.list_event_hooks().send().await.unwrap().len(), 1, "one hook for the shared URL");
    assert_members(&org, &group, users);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Two replicas on one Redis; Redis is stopped (its data saved, as an operator restarts it) for 3 s while users are
/// created, then started again: deliveries meanwhile are answered `500`, the pollers wait for Redis, and every
/// event is handled once it is back — none twice.
#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receivers_on_redis_handle_each_event_once_across_a_redis_outage() {
    let Some(mut redis) = crate::redis_server::RedisServer::start_or_skip("receivers_across_a_redis_outage") else {
        return;
    };
    let Scene { org, group, client, dir, lb, url } = scene("Sales", "outage", 34).await;
    let redis_url = redis.url();
    let a = start(&org, &group, &lb, &dir, "a", Store::Redis(&redis_url)).await;
    hook_ready(&client, &url).await;
    let b = start(&org, &group, &lb, &dir, "b", Store::Redis(&redis_url)).await;
    let mut users = create_users(&client, "outage", 0..20).await;
    until_handled(&org, &dir, 40, Duration::from_secs(120)).await;
    redis.shutdown_saving();
    let down = std::time::Instant::now();
    users.extend(create_users(&client, "outage", 20..40).await);
    tokio::time::sleep(Duration::from_secs(3).saturating_sub(down.elapsed())).await;
    let handled_while_down = handled(&dir).len() - 40;
    redis.restart();
    let outage = down.elapsed();
    users.extend(create_users(&client, "outage", 40..50).await);
    until_handled(&org, &dir, 100, Duration::from_secs(180)).await;
    let caught_up = down.elapsed() - outage;
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop((a, b));
    let o = outcome(&org, &dir);
    report(&format!(
        "two event_hook_receiver replicas, Redis stopped for {:.1} s mid-run: 100 events, {} deliveries dropped by \
         the org, {} failed (answered 500 while Redis was down), {} handled ({handled_while_down} while Redis was \
         down), {} handled twice; all handled {:.1} s after Redis was back",
        outage.as_secs_f64(),
        org.counters().hook_deliveries_dropped,
        org.counters().hook_deliveries_failed,
        o.handled,
        o.twice,
        caught_up.as_secs_f64()
    ));
    assert_eq!(o.handled, 100, "every event handled");
    assert_eq!(o.twice, 0, "none twice: without Redis, no event is handled unclaimed");
    assert_eq!(handled_while_down, 0, "nothing is handled while the claims cannot be taken");
    assert_members(&org, &group, users);
    std::fs::remove_dir_all(dir).unwrap();
}
