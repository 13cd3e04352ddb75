#![cfg(all(feature = "mock", feature = "full"))]
//! `examples/event_hook_receiver`, run as a user runs it (the built binary, `OKTA_CLIENT_*` and `HOOK_*` in its
//! environment), against the mock org losing 30 % of its event hook deliveries: it registers its own event hook
//! (`HOOK_PUBLIC_URL`), acts on each user lifecycle event once (`HOOK_HANDLED_FILE` has a line per event handled),
//! and a replica killed with SIGKILL mid-run and started again resumes from its checkpoint: every event is
//! handled, none twice but what the crash rule allows (an event whose actions ran but whose completion was not
//! recorded), which is counted and printed. Two replicas on one Redis handle each event once between them.
//!
//! These spawn processes on ports the test picks free and then releases (a restarted receiver binds its port again,
//! as its event hook names it), so they are `#[ignore]`d in the parallel run, where another test's server could take
//! such a port: `.ci/run` runs them alone, one at a time. (Run in parallel on a loaded machine they once missed
//! events published between the hook's activation and the poller's start; the poller now starts where its
//! processor was built, and `events::a_poller_started_late_finds_the_events_since_its_processor_was_built` keeps it
//! so.)

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use okta_management::Client;
use okta_management::mock::{HookDeliveryFaults, MockOrg};
use serde_json::{Value, json};

const SECRET: &str = "Bearer receiver-process-secret";

fn client(org: &MockOrg) -> Client {
    crate::client_support::ssws(org)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Replica {
    child: std::process::Child,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the receiver on `port`, registering (or reusing) the hook for `public_url`.
fn start(
    org: &MockOrg,
    group: &str,
    port: u16,
    public_url: &str,
    dir: &Path,
    name: &str,
    redis: Option<&str>,
) -> Replica {
    let mut command = std::process::Command::new(crate::common::example_binary("event_hook_receiver"));
    command
        .current_dir(dir)
        .env("HOME", dir)
        .env("OKTA_CLIENT_ORGURL", org.base_url().as_str())
        .env("OKTA_CLIENT_TOKEN", org.token())
        .env("OKTA_TESTING_DISABLEHTTPSCHECK", "true")
        .env("HOOK_LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("HOOK_PUBLIC_URL", public_url)
        .env("HOOK_AUTH_SECRET", SECRET)
        .env("HOOK_GROUP_ID", group)
        .env("HOOK_HANDLED_FILE", dir.join(format!("{name}.handled")))
        .env("HOOK_POLL_SECONDS", "0.3")
        .env("HOOK_GRACE_SECONDS", "1")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdout(std::process::Stdio::null())
        // Appended: a restarted replica's log follows its killed predecessor's.
        .stderr(std::fs::OpenOptions::new().create(true).append(true).open(dir.join(format!("{name}.log"))).unwrap());
    match redis {
        Some(url) => command.env("HOOK_REDIS_URL", url),
        None => command.env("HOOK_CHECKPOINT_FILE", dir.join(format!("{name}.checkpoint"))),
    };
    Replica { child: command.spawn().unwrap() }
}

/// Waits until the org has an active event hook for `url`.
async fn hook_ready(client: &Client, url: &str) -> String {
    for _ in 0..300 {
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

/// uuid → times handled, over the handled files in `dir`.
fn handled(dir: &Path) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "handled") {
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
                *counts.entry(value["uuid"].as_str().unwrap().to_owned()).or_default() += 1;
            }
        }
    }
    counts
}

/// Waits (up to 120 s) until `n` distinct events were handled; on a timeout, says what the org saw too.
async fn until_handled(org: &MockOrg, dir: &Path, n: usize) -> HashMap<String, usize> {
    for _ in 0..1200 {
        let counts = handled(dir);
        if counts.len() >= n {
            return counts;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let counts = handled(dir);
    let logs: String = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect();
    let polls: Vec<String> = org
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.starts_with("/api/v1/logs"))
        .map(|r| r.path_and_query.rsplit('&').next().unwrap_or_default().to_owned())
        .collect();
    let tail = polls.len().saturating_sub(5);
    panic!(
        "{} of {n} events handled; the org's System Log has {} events, its last polls ended with {:?}\n{logs}",
        counts.len(),
        org.log_events().len(),
        &polls[tail..]
    );
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("okta-receiver-{tag}-{}-{:08x}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "spawns receiver processes: .ci/run runs these alone (`-- event_receiver --ignored --test-threads=1`)"]
async fn a_receiver_killed_mid_run_and_restarted_handles_every_event_once() {
    let org = MockOrg::start().await.unwrap();
    let group = org.seed_group("Engineering").unwrap();
    let client = client(&org);
    org.set_hook_delivery_faults(HookDeliveryFaults { drop_share: 0.3, delay: Duration::ZERO, seed: Some(32) });
    let dir = temp_dir("kill");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/okta/events");

    // Users created (each: `user.lifecycle.create` and `.activate`): `OKTA_RECEIVER_USERS`, default 80 (500 for
    // the 1,000 events BENCHMARKS.md records). Half before the kill, a quarter while down, a quarter after.
    let n: usize = std::env::var("OKTA_RECEIVER_USERS").ok().and_then(|v| v.parse().ok()).unwrap_or(80);
    let events = 2 * n;
    let replica = start(&org, &group, port, &url, &dir, "a", None);
    let hook = hook_ready(&client, &url).await;
    let mut users = create_users(&client, "kill", 0..n / 2).await;
    until_handled(&org, &dir, n / 2).await;
    drop(replica); // SIGKILL, mid-run: deliveries and polls in flight
    users.extend(create_users(&client, "kill", n / 2..3 * n / 4).await); // while it is down: deliveries fail
    let replica = start(&org, &group, port, &url, &dir, "a", None);
    users.extend(create_users(&client, "kill", 3 * n / 4..n).await);
    let started = std::time::Instant::now();
    let counts = until_handled(&org, &dir, events).await;
    let caught_up = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(replica);
    let counts_after = handled(&dir);
    let twice = counts_after.values().filter(|n| **n > 1).count();
    let c = org.counters();
    println!(
        "event_hook_receiver killed mid-run: {events} events, {} deliveries dropped by the org, {} handled, {twice} \
         handled twice (the crash rule: actions ran, completion not recorded); all handled {:.1} s after the last \
         user was created",
        c.hook_deliveries_dropped,
        counts.len(),
        caught_up.as_secs_f64()
    );
    assert_eq!(counts_after.len(), events, "every event handled");
    assert!(twice <= 2, "at most the events in flight at the kill: {twice}");
    // The hook was reused on the restart, not registered again.
    assert_eq!(client.list_event_hooks().send().await.unwrap().len(), 1);
    assert_eq!(hook_ready(&client, &url).await, hook);
    let mut members = org.group_members(&group);
    members.sort();
    users.sort();
    assert_eq!(members, users, "every created user joined the group");
    if std::env::var_os("OKTA_RECEIVER_KEEP").is_none() {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "spawns receiver processes: .ci/run runs these alone (`-- event_receiver --ignored --test-threads=1`)"]
async fn two_receiver_replicas_on_one_redis_handle_each_event_once() {
    let Some(redis) = crate::redis_server::RedisServer::start_or_skip("two_receiver_replicas_on_one_redis") else {
        return;
    };
    let org = MockOrg::start().await.unwrap();
    let group = org.seed_group("Support").unwrap();
    let client = client(&org);
    org.set_hook_delivery_faults(HookDeliveryFaults { drop_share: 0.3, delay: Duration::ZERO, seed: Some(33) });
    let dir = temp_dir("redis");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/okta/events");
    // Both given the same public URL (the load balancer's, here replica a's): one hook, shared.
    let a = start(&org, &group, port, &url, &dir, "a", Some(&redis.url()));
    hook_ready(&client, &url).await;
    let b = start(&org, &group, free_port(), &url, &dir, "b", Some(&redis.url()));
    create_users(&client, "shared", 0..50).await;
    let counts = until_handled(&org, &dir, 100).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop((a, b));
    let counts_after = handled(&dir);
    println!(
        "two event_hook_receiver replicas on one Redis: 100 events, {} deliveries dropped, {} handled, {} twice",
        org.counters().hook_deliveries_dropped,
        counts.len(),
        counts_after.values().filter(|n| **n > 1).count()
    );
    assert_eq!(counts_after.len(), 100);
    assert!(counts_after.values().all(|n| *n == 1), "each event once between the replicas");
    assert_eq!(client.list_event_hooks().send().await.unwrap().len(), 1, "one hook for the shared URL");
    std::fs::remove_dir_all(dir).unwrap();
}
