//! Run-time benchmarks of listing through the SDK, each against a hand-rolled floor measured in the same run
//! (issue 7). Figures and how to read them: BENCHMARKS.md.
//!
//! * `list_users_20k`: 20,000 users, 200 a page, from the mock org: the SDK's `stream()` (and `pages()`) vs a
//!   plain reqwest + serde_json loop following the same `Link` headers, decoding into `Vec<types::User>` (the
//!   same work as the SDK) and into `serde_json::Value`.
//! * `rate_limited` (timed by hand, not by criterion: one run waits ~10 s on resets): the same listing with a
//!   429 on every 10th request; total time vs the waits the `X-Rate-Limit-Reset` headers impose.
//! * `group_members_64`: 64 concurrent tasks, each listing one group's 300 members (100 a page), sharing one
//!   client; floor: the same with one shared `reqwest::Client`.
//!
//! The mock org runs on a runtime of its own (one worker thread), the client side on a current-thread runtime:
//! on a 2-core machine each side gets a core, and the server's cost is the same for the SDK and the floor.
//!
//! Without `--bench` (`cargo test --benches`) criterion runs each routine once and the rate-limit run is cut to
//! 2,000 users, so the binary doubles as a smoke test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::error::Error as StdError;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion, SamplingMode};
use futures::TryStreamExt;
use okta_management::mock::{Fault, MockOrg};
use okta_management::retry::RetryPolicy;
use okta_management::types::User;
use tokio::runtime::Runtime;

type BoxError = Box<dyn StdError + Send + Sync>;
type Res<T> = Result<T, BoxError>;

const USERS: usize = 20_000;
const PAGE: u32 = 200;
const GROUPS: usize = 64;
const MEMBERS: usize = 300;
const MEMBER_PAGE: u32 = 100;

/// A mock org and the runtime that serves it (kept alive together).
struct Org {
    mock: MockOrg,
    _rt: Runtime,
}

fn start_org(users: usize) -> Res<Org> {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).thread_name("mock-org").enable_all().build()?;
    let mock = rt.block_on(MockOrg::builder().seed_users(users).start())?;
    Ok(Org { mock, _rt: rt })
}

fn client_runtime() -> Res<Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}

fn sdk_client(mock: &MockOrg, retry: Option<RetryPolicy>) -> Res<okta_management::Client> {
    let mut builder = okta_management::Client::builder()
        .org_url(mock.base_url().as_str().trim_end_matches('/'))
        .token(mock.token().to_string())
        .disable_https_check(true);
    if let Some(policy) = retry {
        builder = builder.retry_policy(policy);
    }
    Ok(builder.build()?)
}

/// The floor's client: reqwest with the SDK's features, nothing else.
fn floor_client() -> Res<reqwest::Client> {
    Ok(reqwest::Client::builder().build()?)
}

// ---------------------------------------------------------------------------------------------------------
// The floor: a hand-rolled Link-following loop.

/// The `rel="next"` target of the `Link` headers, found the simplest way (Okta's and the mock's links are
/// `<url>; rel="next"`, absolute).
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find(|part| part.contains("rel=\"next\""))
        .and_then(|part| {
            let start = part.find('<')? + 1;
            let end = part.find('>')?;
            part.get(start..end).map(str::to_string)
        })
}

/// What to decode each page into.
#[derive(Clone, Copy)]
enum Decode {
    Users,
    Value,
}

/// Lists every item from `first` on, following `next` links; returns the number of items.
async fn floor_list(http: &reqwest::Client, token: &str, first: String, decode: Decode) -> Res<usize> {
    let auth = format!("SSWS {token}");
    let mut url = Some(first);
    let mut count = 0;
    while let Some(u) = url.take() {
        let resp = http
            .get(&u)
            .header(reqwest::header::AUTHORIZATION, &auth)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await?
            .error_for_status()?;
        url = next_link(resp.headers());
        let body = resp.bytes().await?;
        count += match decode {
            Decode::Users => serde_json::from_slice::<Vec<User>>(&body)?.len(),
            Decode::Value => serde_json::from_slice::<serde_json::Value>(&body)?.as_array().map_or(0, Vec::len),
        };
    }
    Ok(count)
}

fn users_url(mock: &MockOrg, limit: u32) -> String {
    format!("{}api/v1/users?limit={limit}", mock.base_url())
}

// ---------------------------------------------------------------------------------------------------------
// The SDK.

async fn sdk_stream(client: &okta_management::Client, limit: u32) -> Res<usize> {
    let count = client.list_users().limit(limit).stream().try_fold(0usize, |n, _user| async move { Ok(n + 1) }).await?;
    Ok(count)
}

async fn sdk_pages(client: &okta_management::Client, limit: u32) -> Res<usize> {
    let count = client
        .list_users()
        .limit(limit)
        .pages()
        .try_fold(0usize, |n, page| async move { Ok(n + page.items.len()) })
        .await?;
    Ok(count)
}

fn check(what: &str, got: usize, want: usize) -> Res<()> {
    if got == want { Ok(()) } else { Err(format!("{what}: listed {got} items, expected {want}").into()) }
}

// ---------------------------------------------------------------------------------------------------------
// 1. Listing 20,000 users.

fn bench_list_users(c: &mut Criterion) -> Res<()> {
    let org = start_org(USERS)?;
    let rt = client_runtime()?;
    let client = sdk_client(&org.mock, None)?;
    let http = floor_client()?;
    let token = org.mock.token().to_string();
    let url = users_url(&org.mock, PAGE);

    // Every path must list everything before it is timed.
    check("sdk stream", rt.block_on(sdk_stream(&client, PAGE))?, USERS)?;
    check("sdk pages", rt.block_on(sdk_pages(&client, PAGE))?, USERS)?;
    for decode in [Decode::Users, Decode::Value] {
        check("floor", rt.block_on(floor_list(&http, &token, url.clone(), decode))?, USERS)?;
    }

    let mut group = c.benchmark_group("list_users_20k");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(12));
    group.bench_function("sdk_stream", |b| b.to_async(&rt).iter(|| sdk_stream(&client, PAGE)));
    group.bench_function("sdk_pages", |b| b.to_async(&rt).iter(|| sdk_pages(&client, PAGE)));
    group.bench_function("floor_typed", |b| {
        b.to_async(&rt).iter(|| floor_list(&http, &token, url.clone(), Decode::Users))
    });
    group.bench_function("floor_value", |b| {
        b.to_async(&rt).iter(|| floor_list(&http, &token, url.clone(), Decode::Value))
    });
    group.finish();
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// 2. The same listing with a 429 on every 10th request.

/// Collects the `wait_ms` of the retry layer's "rate limit hit" events: the waits the SDK actually took.
#[derive(Clone, Default)]
struct WaitRecorder(Arc<Mutex<Vec<u64>>>);

struct WaitVisitor {
    wait_ms: Option<u64>,
    rate_limit: bool,
}

impl tracing::field::Visit for WaitVisitor {
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        if field.name() == "wait_ms" {
            self.wait_ms = Some(value);
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" && format!("{value:?}").contains("rate limit hit") {
            self.rate_limit = true;
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for WaitRecorder {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: tracing_subscriber::layer::Context<'_, S>) {
        if !event.metadata().target().ends_with("::retry") {
            return;
        }
        let mut visitor = WaitVisitor { wait_ms: None, rate_limit: false };
        event.record(&mut visitor);
        if let (true, Some(ms)) = (visitor.rate_limit, visitor.wait_ms) {
            self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(ms);
        }
    }
}

/// One rate-limited floor run: on a 429 it waits for the reset and re-sends, as the headers say.
struct FloorRateLimited {
    items: usize,
    rate_limited: usize,
    /// Σ (X-Rate-Limit-Reset − Date): the waits the headers impose at their one-second resolution.
    header_waits: Duration,
    /// Σ (reset instant − now) on the local clock: the physical minimum (only knowable because the mock
    /// shares this machine's clock).
    physical_waits: Duration,
}

fn header_secs(headers: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn date_secs(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    let date = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    let t = httpdate::parse_http_date(date).ok()?;
    Some(t.duration_since(UNIX_EPOCH).ok()?.as_secs())
}

async fn floor_rate_limited(http: &reqwest::Client, token: &str, first: String) -> Res<FloorRateLimited> {
    let auth = format!("SSWS {token}");
    let mut out =
        FloorRateLimited { items: 0, rate_limited: 0, header_waits: Duration::ZERO, physical_waits: Duration::ZERO };
    let mut url = Some(first);
    // Bounded: every 10th request is limited, so a page never needs more than a couple of tries.
    let mut budget = 10_000u32;
    while let Some(u) = url.take() {
        budget = budget.checked_sub(1).ok_or("floor: too many requests")?;
        let resp = http
            .get(&u)
            .header(reqwest::header::AUTHORIZATION, &auth)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await?;
        if resp.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
            let reset = header_secs(resp.headers(), "x-rate-limit-reset").ok_or("429 without a reset")?;
            let date = date_secs(resp.headers()).ok_or("429 without a date")?;
            out.rate_limited += 1;
            out.header_waits += Duration::from_secs(reset.saturating_sub(date));
            let until = UNIX_EPOCH + Duration::from_secs(reset);
            let wait = until.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO);
            out.physical_waits += wait;
            drop(resp);
            tokio::time::sleep(wait).await;
            url = Some(u);
            continue;
        }
        let resp = resp.error_for_status()?;
        url = next_link(resp.headers());
        let body = resp.bytes().await?;
        out.items += serde_json::from_slice::<Vec<User>>(&body)?.len();
    }
    Ok(out)
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn bench_rate_limited(full: bool) -> Res<()> {
    let users = if full { USERS } else { 2_000 };
    let runs = if full { 3 } else { 1 };
    let org = start_org(users)?;
    org.mock.set_rate_limit_reset_delay(Duration::from_secs(1));
    let rt = client_runtime()?;
    let http = floor_client()?;
    let token = org.mock.token().to_string();
    let url = users_url(&org.mock, PAGE);

    // The unlimited listing first, for the overhead left once the waits are taken out.
    let plain_client = sdk_client(&org.mock, None)?;
    let started = Instant::now();
    check("sdk (no faults)", rt.block_on(sdk_stream(&plain_client, PAGE))?, users)?;
    let plain = started.elapsed();

    org.mock.inject("GET /api/v1/users", Fault::RateLimitEvery(10))?;
    println!(
        "rate_limited: {users} users, {PAGE} a page, 429 on every 10th GET /api/v1/users, reset delay 1 s; {runs} run(s) each"
    );
    println!("rate_limited: sdk without faults: {}", secs(plain));

    // The default policy: a lone client waits until each Reset, placed on its clock through the `Date`s seen,
    // with no jitter (nobody else waits for the same bucket).
    let policies = [("sdk_default", RetryPolicy::default())];
    for (name, policy) in policies {
        let client = sdk_client(&org.mock, Some(policy))?;
        for run in 1..=runs {
            let recorder = WaitRecorder::default();
            let dispatch = tracing::Dispatch::new(tracing_subscriber::layer::SubscriberExt::with(
                tracing_subscriber::registry(),
                recorder.clone(),
            ));
            let before = org.mock.counters().rate_limited;
            let started = Instant::now();
            let count =
                rt.block_on(tracing::instrument::WithSubscriber::with_subscriber(sdk_stream(&client, PAGE), dispatch))?;
            let total = started.elapsed();
            check(name, count, users)?;
            let limited = org.mock.counters().rate_limited - before;
            let waits = recorder.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
            let waited = Duration::from_millis(waits.iter().sum());
            println!(
                "rate_limited: {name} run {run}: total {}, 429s served {limited}, waits taken {} ({}), total − waits {}",
                secs(total),
                waits.len(),
                secs(waited),
                secs(total.saturating_sub(waited)),
            );
        }
    }
    for run in 1..=runs {
        let started = Instant::now();
        let floor = rt.block_on(floor_rate_limited(&http, &token, url.clone()))?;
        let total = started.elapsed();
        check("floor (rate limited)", floor.items, users)?;
        println!(
            "rate_limited: floor run {run}: total {}, 429s {}, Σ(Reset−Date) {}, Σ time to reset {}, total − time to reset {}",
            secs(total),
            floor.rate_limited,
            secs(floor.header_waits),
            secs(floor.physical_waits),
            secs(total.saturating_sub(floor.physical_waits)),
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// 4. 64 concurrent tasks listing group members through one client.

async fn sdk_members(client: okta_management::Client, group: String) -> Res<usize> {
    let mut users = client.list_group_users().group_id(group).limit(MEMBER_PAGE).stream();
    let mut count = 0;
    while let Some(_user) = users.try_next().await? {
        count += 1;
    }
    Ok(count)
}

async fn sdk_concurrent(client: &okta_management::Client, groups: &[String]) -> Res<usize> {
    let tasks: Vec<_> = groups.iter().map(|g| tokio::spawn(sdk_members(client.clone(), g.clone()))).collect();
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    Ok(total)
}

async fn floor_concurrent(http: &reqwest::Client, token: &str, base: &str, groups: &[String]) -> Res<usize> {
    let tasks: Vec<_> = groups
        .iter()
        .map(|g| {
            let (http, token) = (http.clone(), token.to_string());
            let url = format!("{base}api/v1/groups/{g}/users?limit={MEMBER_PAGE}");
            tokio::spawn(async move { floor_list(&http, &token, url, Decode::Users).await })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    Ok(total)
}

fn bench_group_members(c: &mut Criterion) -> Res<()> {
    let org = start_org(0)?;
    let users = org.mock.seed_users(USERS);
    let mut groups = Vec::with_capacity(GROUPS);
    for g in 0..GROUPS {
        let id = org.mock.seed_group(&format!("bench-group-{g}"))?;
        // Overlapping windows of the seeded users, so members are shared between groups as in a real org.
        for user in users.iter().cycle().skip(g * MEMBERS / 2).take(MEMBERS) {
            org.mock.add_group_member(&id, user)?;
        }
        groups.push(id);
    }
    let rt = client_runtime()?;
    let client = sdk_client(&org.mock, None)?;
    let http = floor_client()?;
    let token = org.mock.token().to_string();
    let base = org.mock.base_url().to_string();
    let want = GROUPS * MEMBERS;
    check("sdk concurrent", rt.block_on(sdk_concurrent(&client, &groups))?, want)?;
    check("floor concurrent", rt.block_on(floor_concurrent(&http, &token, &base, &groups))?, want)?;

    let mut group = c.benchmark_group("group_members_64");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    group.bench_function(BenchmarkId::new("sdk", "64x300"), |b| {
        b.to_async(&rt).iter(|| sdk_concurrent(&client, &groups))
    });
    group.bench_function(BenchmarkId::new("floor", "64x300"), |b| {
        b.to_async(&rt).iter(|| floor_concurrent(&http, &token, &base, &groups))
    });
    group.finish();
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Summary: ratios from criterion's own estimates.

/// Where criterion 0.5 writes its estimates (its rule minus the `cargo metadata` step: `CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `target/criterion`).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir).join("criterion"),
        None => PathBuf::from("target/criterion"),
    }
}

/// Mean time (ns) of one benchmark from its `new/estimates.json`, if it ran.
fn mean_ns(id: &str) -> Option<f64> {
    let path = criterion_dir().join(id).join("new").join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("mean")?.get("point_estimate")?.as_f64()
}

fn print_ratio(label: &str, numerator: &str, denominator: &str) {
    if let (Some(n), Some(d)) = (mean_ns(numerator), mean_ns(denominator)) {
        println!("summary: {label}: {:.1} ms / {:.1} ms = {:.3}", n / 1e6, d / 1e6, n / d);
    }
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; without it (cargo test) everything runs once, as a smoke test.
    let full = args.iter().any(|a| a == "--bench");
    let filter: Option<&String> = args.iter().find(|a| !a.starts_with('-'));
    let selected = |name: &str| filter.is_none_or(|f| name.contains(f.as_str()));

    let mut c = Criterion::default().configure_from_args();
    if selected("list_users_20k") {
        bench_list_users(&mut c)?;
    }
    if selected("rate_limited") {
        bench_rate_limited(full)?;
    }
    if selected("group_members_64") {
        bench_group_members(&mut c)?;
    }
    c.final_summary();
    if full {
        print_ratio(
            "list_users_20k sdk_stream / floor_typed",
            "list_users_20k/sdk_stream",
            "list_users_20k/floor_typed",
        );
        print_ratio("list_users_20k sdk_pages / floor_typed", "list_users_20k/sdk_pages", "list_users_20k/floor_typed");
        print_ratio(
            "list_users_20k sdk_stream / floor_value",
            "list_users_20k/sdk_stream",
            "list_users_20k/floor_value",
        );
        print_ratio(
            "list_users_20k floor_typed / floor_value",
            "list_users_20k/floor_typed",
            "list_users_20k/floor_value",
        );
        print_ratio("group_members_64 sdk / floor", "group_members_64/sdk/64x300", "group_members_64/floor/64x300");
    }
    Ok(())
}
