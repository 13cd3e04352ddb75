//! Runs a mock Okta org until killed.
//!
//! `cargo run --example mock_org --features mock -- [--port P] [--users N] [--oauth-client ID --jwks FILE [--scopes S]]`
//! prints `OKTA_CLIENT_ORGURL=...` and `OKTA_CLIENT_TOKEN=...` on the first two lines of stdout.
//!
//! `--oauth-client` registers an OAuth 2.0 service client with the public keys of `FILE` (a JWK or a JWK set), so
//! `examples/private_key_auth.rs` can run against the mock; `--scopes` (space-separated) defaults to
//! `okta.users.read okta.users.manage okta.groups.read okta.groups.manage okta.logs.read`.

use std::io::Write;

use okta_management::mock::MockOrg;

fn usage(msg: &str) -> ! {
    eprintln!("mock_org: {msg}\nusage: mock_org [--port P] [--users N] [--oauth-client ID --jwks FILE [--scopes S]]");
    std::process::exit(2)
}

struct Args {
    port: u16,
    users: usize,
    oauth_client: Option<String>,
    jwks: Option<String>,
    scopes: String,
}

fn parse_args() -> Args {
    let mut port = 0u16;
    let mut users = 0usize;
    let mut oauth_client = None;
    let mut jwks = None;
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
            "-h" | "--help" => usage("runs a mock Okta org on 127.0.0.1"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    if oauth_client.is_some() != jwks.is_some() {
        usage("--oauth-client and --jwks go together");
    }
    Args { port, users, oauth_client, jwks, scopes }
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
    let org = match MockOrg::builder().port(args.port).seed_users(users).start().await {
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
