//! Issue 18's import benchmark: `examples/import_users`' import (the same module, included below) of 1,000 users
//! from a CSV file against the mock org allowing 200 creates per 2-second window and 10 requests in flight, with
//! 16 tasks through one client. Timed by hand (one run takes ~8 s of windows); figures: BENCHMARKS.md.
//!
//! Each run starts right after a window opens on the org's clock, so what the windows allow is exact: the 1,000th
//! create can go no earlier than the fifth window's opening, 8 s after the start, plus the time to send that
//! window's 200 creates (measured first, against an org without a bucket). Printed per run: elapsed, that bound,
//! users created (and whether each login was created exactly once), bucket and concurrency 429s, requests.
//! Four variants: the client capped at the org's 10 in flight or not, creates answered at once (the mock's own
//! speed, ~0.1 ms) or after 50 ms (closer to a real org, so 16 tasks really meet the limit of 10 in flight).
//!
//! `cargo bench --bench import_users` runs 3 runs of each variant; without `--bench` (cargo test) one run of 200
//! users, as a smoke test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

#[path = "../examples/import_users/import.rs"]
mod import;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use okta_management::Client;
use okta_management::mock::{Fault, MockOrg};
use okta_management::rate_limit::RateLimitPolicy;

const CREATE: &str = "POST /api/v1/users";
const WINDOW: Duration = Duration::from_secs(2);
const PER_WINDOW: u64 = 200;
const IN_FLIGHT: usize = 10;
const TASKS: usize = 16;

fn csv(users: usize, tag: &str) -> String {
    let mut csv = String::from("login,email,firstName,lastName\n");
    for i in 0..users {
        csv.push_str(&format!("{tag}{i}@example.com,{tag}{i}@example.com,Bench,User{i}\n"));
    }
    csv
}

fn client(org: &MockOrg, policy: RateLimitPolicy) -> Client {
    Client::builder()
        .org_url(org.base_url().as_str())
        .token(org.token())
        .disable_https_check(true)
        .rate_limit_policy(policy)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

struct Outcome {
    elapsed: Duration,
    created: usize,
    unique: usize,
    failed: usize,
}

async fn run_import(client: &Client, csv: &str) -> Outcome {
    let rows = import::read_rows(csv.as_bytes()).unwrap();
    let (mut logins, mut failed) = (Vec::new(), 0);
    let started = Instant::now();
    import::import(client, rows, TASKS, false, |outcome| match outcome {
        import::Outcome::Created { id, login } => {
            assert!(!id.is_empty(), "{login} created without an id");
            logins.push(login);
        }
        import::Outcome::Failed { line, login, reason } => {
            failed += 1;
            eprintln!("line {line}: {login:?}: {reason}");
        }
    })
    .await;
    let elapsed = started.elapsed();
    let unique = logins.iter().collect::<HashSet<_>>().len();
    Outcome { elapsed, created: logins.len(), unique, failed }
}

/// Sleeps until the org's clock is just past the opening of a window.
async fn align_to_window(org: &MockOrg) {
    let now = org.now();
    let window = WINDOW.as_nanos();
    let into = now.as_nanos() % window;
    let wait = u64::try_from(window - into).unwrap() + 5_000_000;
    tokio::time::sleep(Duration::from_nanos(wait)).await;
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (users, runs) = if full { (1_000usize, 3) } else { (400, 1) };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        // What the windows allow: the fifth window opens 8 s after the start, and its 200 creates then take what a
        // burst of 200 takes without a bucket (same latency, the org's 10 in flight, a client capped at 10).
        let windows_after_the_first = u32::try_from((users as u64).div_ceil(PER_WINDOW) - 1).unwrap();
        let variants = [
            (
                "capped at 10 in flight, instant creates",
                RateLimitPolicy::default().with_max_concurrency(IN_FLIGHT),
                None,
            ),
            ("uncapped, instant creates", RateLimitPolicy::default(), None),
            (
                "capped at 10 in flight, 50 ms creates",
                RateLimitPolicy::default().with_max_concurrency(IN_FLIGHT),
                Some(Duration::from_millis(50)),
            ),
            ("uncapped, 50 ms creates", RateLimitPolicy::default(), Some(Duration::from_millis(50))),
        ];
        for (name, policy, latency) in variants {
            let free = MockOrg::builder().concurrency_limit(IN_FLIGHT).start().await.unwrap();
            if let Some(latency) = latency {
                free.inject(CREATE, Fault::Latency(latency)).unwrap();
            }
            let capped = client(&free, RateLimitPolicy::default().with_max_concurrency(IN_FLIGHT));
            let burst = run_import(&capped, &csv(PER_WINDOW as usize, "burst")).await;
            assert_eq!(burst.created, PER_WINDOW as usize);
            let bound = WINDOW * windows_after_the_first + burst.elapsed;
            for run in 1..=runs {
                let org = MockOrg::builder()
                    .rate_limit(CREATE, PER_WINDOW, WINDOW)
                    .unwrap()
                    .concurrency_limit(IN_FLIGHT)
                    .start()
                    .await
                    .unwrap();
                if let Some(latency) = latency {
                    org.inject(CREATE, Fault::Latency(latency)).unwrap();
                }
                let sdk = client(&org, policy.clone());
                align_to_window(&org).await;
                let outcome = run_import(&sdk, &csv(users, &format!("run{run}-"))).await;
                let c = org.counters();
                let requests = org.route_count(CREATE);
                println!(
                    "import_users: {name}, run {run}: {users} users, elapsed {:.3} s, windows allow {:.3} s \
                     ({:+.1} %; a 200 burst {:.3} s), created {} ({} unique, org counted {}), failed {}, \
                     requests {requests}, bucket 429s {} ({:.2} %), concurrency 429s {}",
                    outcome.elapsed.as_secs_f64(),
                    bound.as_secs_f64(),
                    (outcome.elapsed.as_secs_f64() / bound.as_secs_f64() - 1.0) * 100.0,
                    burst.elapsed.as_secs_f64(),
                    outcome.created,
                    outcome.unique,
                    c.users_created,
                    outcome.failed,
                    c.rate_limited,
                    c.rate_limited as f64 * 100.0 / requests as f64,
                    c.concurrency_limited,
                );
                assert_eq!((outcome.created, outcome.unique, c.users_created), (users, users, users as u64));
            }
        }
    });
}
