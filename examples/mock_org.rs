//! Runs a mock Okta org until killed.
//!
//! `cargo run --example mock_org --features mock -- [--port P] [--users N] [--oauth-client ID --jwks FILE [--scopes S]]
//! [--rate-limit "METHOD /path=LIMIT/SECONDS"]... [--concurrency-limit N]` prints `OKTA_CLIENT_ORGURL=...` and `OKTA_CLIENT_TOKEN=...` on the first two lines of stdout.
//!
//! `--rate-limit "POST /api/v1/users=200/2"` enforces a bucket of 200 requests per 2-second window on that route
//! (repeatable; `{name}` segments match any segment); `--concurrency-limit 10` answers Okta's concurrency `429`
//! past 10 requests in flight.
//!
//! `--oauth-client` registers an OAuth 2.0 service client with the public keys of `FILE` (a JWK or a JWK set), so
//! `examples/private_key_auth.rs` can run against the mock; `--scopes` (space-separated) defaults to
//! `okta.users.read okta.users.manage okta.groups.read okta.groups.manage okta.logs.read`.

use std::io::Write;

use okta_management::mock::MockOrg;

fn usage(msg: &str) -> ! {
    eprintln!(
        "mock_org: {msg}\nusage: mock_org [--port P] [--users N] [--oauth-client ID --jwks FILE [--scopes S]] \
         [--rate-limit \"METHOD /path=LIMIT/SECONDS\"]... [--concurrency-limit N]"
    );
    std::process::exit(2)
}

struct Args {
    port: u16,
    users: usize,
    oauth_client: Option<String>,
    jwks: Option<String>,
    scopes: String,
    /// (route, limit, window seconds)
    rate_limits: Vec<(String, u64, u64)>,
    concurrency_limit: Option<usize>,
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

fn parse_args() -> Args {
    let mut port = 0u16;
    let mut users = 0usize;
    let mut oauth_client = None;
    let mut jwks = None;
    let mut rate_limits = Vec::new();
    let mut concurrency_limit = None;
    let mut scopes = "okta.users.read okta.users.manage okta.groups.read okta.groups.manage okta.logs.read".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().unwrap_or_else(|| usage(&format!("{name} needs a value")));
        match a.as_str() {
            "--port" => port = value("--port").parse().unwrap_or_else(|_| usage("bad --port")),
            "--users" => users = value("--users").parse().unwrap_or_else(|_| usage("bad --users")),
            "--oauth-client" => oauth_client = Some(value("--oauth-client")),
            "--jwks" => jwks = Some(value("--jwks")),
            "--scopes" => scopes = value("--scopes"),
            "--rate-limit" => rate_limits.push(parse_rate_limit(&value("--rate-limit"))),
            "--concurrency-limit" => {
                concurrency_limit =
                    Some(value("--concurrency-limit").parse().unwrap_or_else(|_| usage("bad --concurrency-limit")))
            }
            "-h" | "--help" => usage("runs a mock Okta org on 127.0.0.1"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    if oauth_client.is_some() != jwks.is_some() {
        usage("--oauth-client and --jwks go together");
    }
    Args { port, users, oauth_client, jwks, scopes, rate_limits, concurrency_limit }
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

#[tokio::main]
async fn main() {
    let args = parse_args();
    let users = args.users;
    let mut builder = MockOrg::builder().port(args.port).seed_users(users);
    for (route, limit, window) in &args.rate_limits {
        builder = builder
            .rate_limit(route, *limit, std::time::Duration::from_secs(*window))
            .unwrap_or_else(|e| usage(&e.to_string()));
    }
    if let Some(limit) = args.concurrency_limit {
        builder = builder.concurrency_limit(limit);
    }
    let org = match builder.start().await {
        Ok(o) => o,
        Err(e) => {
            eprintln!("mock_org: {e}");
            std::process::exit(1);
        }
    };
    if let (Some(client_id), Some(path)) = (&args.oauth_client, &args.jwks) {
        let scopes: Vec<&str> = args.scopes.split_whitespace().collect();
        if let Err(e) = org.register_oauth_client(client_id, public_jwks(path), &scopes) {
            eprintln!("mock_org: {e}");
            std::process::exit(1);
        }
    }
    let base = org.base_url();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "OKTA_CLIENT_ORGURL={}", base.as_str().trim_end_matches('/'));
    let _ = writeln!(out, "OKTA_CLIENT_TOKEN={}", org.token());
    let _ = out.flush();
    drop(out);
    eprintln!("mock_org: serving {base} with {users} users; Ctrl-C to stop");
    let _ = tokio::signal::ctrl_c().await;
    org.shutdown().await;
}
