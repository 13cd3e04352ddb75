//! `okta-mock`: a mock Okta org on 127.0.0.1 until Ctrl-C, for any client (this crate's, other languages' official
//! Okta SDKs, curl).
//!
//! ```text
//! cargo run -p okta-management-mock -- --port 8080 --users 1000
//! ```
//!
//! The first two lines of stdout are `OKTA_CLIENT_ORGURL=…` and `OKTA_CLIENT_TOKEN=…` (an API token: send it as
//! `Authorization: SSWS <token>`); `--help` lists the options.

use std::io::Write;
use std::time::{Duration, Instant};

use okta_management_mock::{ConcurrencyHeaders, Fault, MockOrg, MockOrgBuilder};

const USAGE: &str = "usage: okta-mock [--port P] [--users N] [--oauth-client ID --jwks FILE [--scopes S]]
                 [--rate-limit \"METHOD /path=LIMIT/SECONDS\"]... [--concurrency-limit N [--concurrency-limit-zero]]
                 [--fault \"METHOD /path=KIND\"]...

  --port P                 port on 127.0.0.1 (default 0: a free one)
  --users N                ACTIVE users to seed (user1@example.com ...)
  --oauth-client ID        an OAuth 2.0 service app authenticating with private_key_jwt, with the public keys of
  --jwks FILE                FILE (a JWK or a JWK set) and the scopes S (space-separated; default: users, groups
  --scopes S                 and logs, read and manage)
  --rate-limit R=L/S       a bucket of L requests per S-second window on the routes R matches (`{name}` matches
                           any segment, a final `/*` any rest, method `*` any method)
  --concurrency-limit N    Okta's concurrency 429 past N requests in flight (its X-Rate-Limit-* headers report
                           the concurrent values: Limit N, Remaining 0, an estimated Reset, as Okta documents)
  --concurrency-limit-zero   ... reported in the older form instead: X-Rate-Limit-Limit: 0
  --fault R=KIND           a fault on the routes R matches, KIND one of: rate-limit-every:N, rate-limit-burst:N,
                           server-error:STATUS:COUNT, latency:MILLISECONDS, drop-before, drop-after,
                           malformed-json, truncated-body, wrong-content-type";

fn usage(msg: &str) -> ! {
    eprintln!("okta-mock: {msg}\n{USAGE}");
    std::process::exit(2)
}

#[derive(Default)]
struct Args {
    port: u16,
    users: usize,
    oauth_client: Option<String>,
    jwks: Option<String>,
    scopes: Option<String>,
    /// (route, limit, window seconds)
    rate_limits: Vec<(String, u64, u64)>,
    concurrency_limit: Option<usize>,
    concurrency_limit_zero: bool,
    faults: Vec<(String, Fault)>,
}

/// `"POST /api/v1/users=200/2"` → (`POST /api/v1/users`, 200, 2).
fn parse_rate_limit(spec: &str) -> (String, u64, u64) {
    let bad = || -> ! { usage(&format!("bad --rate-limit `{spec}` (want \"METHOD /path=LIMIT/SECONDS\")")) };
    let (route, amounts) = spec.rsplit_once('=').unwrap_or_else(|| bad());
    let (limit, window) = amounts.split_once('/').unwrap_or_else(|| bad());
    let limit: u64 = limit.trim().parse().unwrap_or_else(|_| bad());
    let window: u64 = window.trim().parse().ok().filter(|w| *w > 0).unwrap_or_else(|| bad());
    (route.trim().to_owned(), limit, window)
}

/// `"GET /api/v1/users=rate-limit-every:3"` → (`GET /api/v1/users`, `Fault::RateLimitEvery(3)`).
fn parse_fault(spec: &str) -> (String, Fault) {
    let bad = |why: &str| -> ! { usage(&format!("bad --fault `{spec}`: {why}")) };
    let (route, kind) = spec.rsplit_once('=').unwrap_or_else(|| bad("want \"METHOD /path=KIND\""));
    let mut parts = kind.trim().split(':');
    let name = parts.next().unwrap_or_default();
    let mut number = |what: &str| -> u64 {
        parts.next().and_then(|n| n.trim().parse().ok()).unwrap_or_else(|| bad(&format!("{name} needs {what}")))
    };
    let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    let fault = match name {
        "rate-limit-every" => Fault::RateLimitEvery(small(number("a count"))),
        "rate-limit-burst" => Fault::RateLimitBurst(small(number("a count"))),
        "server-error" => {
            let status = u16::try_from(number("a status")).unwrap_or_else(|_| bad("the status is too large"));
            Fault::ServerError { status, count: small(number("a count")) }
        }
        "latency" => Fault::Latency(Duration::from_millis(number("milliseconds"))),
        "drop-before" => Fault::DropBeforeProcessing,
        "drop-after" => Fault::DropAfterProcessing,
        "malformed-json" => Fault::MalformedJson,
        "truncated-body" => Fault::TruncatedBody,
        "wrong-content-type" => Fault::WrongContentType,
        other => bad(&format!("unknown fault `{other}`")),
    };
    (route.trim().to_owned(), fault)
}

fn parse_args() -> Args {
    let mut parsed = Args::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().unwrap_or_else(|| usage(&format!("{name} needs a value")));
        match a.as_str() {
            "--port" => parsed.port = value("--port").parse().unwrap_or_else(|_| usage("bad --port")),
            "--users" => parsed.users = value("--users").parse().unwrap_or_else(|_| usage("bad --users")),
            "--oauth-client" => parsed.oauth_client = Some(value("--oauth-client")),
            "--jwks" => parsed.jwks = Some(value("--jwks")),
            "--scopes" => parsed.scopes = Some(value("--scopes")),
            "--rate-limit" => parsed.rate_limits.push(parse_rate_limit(&value("--rate-limit"))),
            "--concurrency-limit" => {
                let n = value("--concurrency-limit").parse().unwrap_or_else(|_| usage("bad --concurrency-limit"));
                parsed.concurrency_limit = Some(n);
            }
            "--concurrency-limit-zero" => parsed.concurrency_limit_zero = true,
            "--fault" => parsed.faults.push(parse_fault(&value("--fault"))),
            "-h" | "--help" => {
                println!("okta-mock: a mock Okta org on 127.0.0.1\n{USAGE}");
                std::process::exit(0)
            }
            other => usage(&format!("unknown argument {other}")),
        }
    }
    if parsed.oauth_client.is_some() != parsed.jwks.is_some() {
        usage("--oauth-client and --jwks go together");
    }
    parsed
}

/// A JWK set from a file holding one JWK or a set; private members are dropped, the mock needs public keys only.
fn public_jwks(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| usage(&format!("cannot read {path}: {e}")));
    let value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| usage(&format!("{path} is not JSON: {e}")));
    let keys = match value.get("keys").and_then(|k| k.as_array()) {
        Some(keys) => keys.clone(),
        None => vec![value],
    };
    let public: Vec<serde_json::Value> = keys
        .into_iter()
        .map(|mut key| {
            if let Some(object) = key.as_object_mut() {
                for private in ["d", "p", "q", "dp", "dq", "qi"] {
                    object.remove(private);
                }
            }
            key
        })
        .collect();
    serde_json::json!({ "keys": public })
}

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("okta-mock: {e}");
    std::process::exit(1)
}

fn builder(args: &Args) -> MockOrgBuilder {
    let mut builder = MockOrg::builder().port(args.port).seed_users(args.users);
    for (route, limit, window) in &args.rate_limits {
        builder =
            builder.rate_limit(route, *limit, Duration::from_secs(*window)).unwrap_or_else(|e| usage(&e.to_string()));
    }
    if let Some(limit) = args.concurrency_limit {
        builder = builder.concurrency_limit(limit);
    }
    if args.concurrency_limit_zero {
        builder = builder.concurrency_headers(ConcurrencyHeaders::LimitZero);
    }
    builder
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    let started = Instant::now();
    let org = builder(&args).start().await.unwrap_or_else(|e| fail(e));
    let startup = started.elapsed();
    for (route, fault) in &args.faults {
        org.inject(route, fault.clone()).unwrap_or_else(|e| usage(&e.to_string()));
    }
    if let (Some(client_id), Some(path)) = (&args.oauth_client, &args.jwks) {
        let default = "okta.users.read okta.users.manage okta.groups.read okta.groups.manage okta.logs.read";
        let scopes: Vec<&str> = args.scopes.as_deref().unwrap_or(default).split_whitespace().collect();
        org.register_oauth_client(client_id, public_jwks(path), &scopes).unwrap_or_else(|e| fail(e));
    }
    let base = org.base_url();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "OKTA_CLIENT_ORGURL={}", base.as_str().trim_end_matches('/'));
    let _ = writeln!(out, "OKTA_CLIENT_TOKEN={}", org.token());
    let _ = out.flush();
    drop(out);
    eprintln!(
        "okta-mock: serving {base} with {} users (started in {:.1} ms), spec {}; Ctrl-C to stop",
        args.users,
        startup.as_secs_f64() * 1000.0,
        okta_management_mock::SPEC_VERSION
    );
    let _ = tokio::signal::ctrl_c().await;
    org.shutdown().await;
}
