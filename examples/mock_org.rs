//! Runs a mock Okta org until killed.
//!
//! `cargo run --example mock_org --features mock -- [--port P] [--users N]`
//! prints `OKTA_CLIENT_ORGURL=...` and `OKTA_CLIENT_TOKEN=...` on the first two lines of stdout.

use std::io::Write;

use okta_management::mock::MockOrg;

fn usage(msg: &str) -> ! {
    eprintln!("mock_org: {msg}\nusage: mock_org [--port P] [--users N]");
    std::process::exit(2)
}

fn parse_args() -> (u16, usize) {
    let mut port = 0u16;
    let mut users = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().unwrap_or_else(|| usage(&format!("{name} needs a value")));
        match a.as_str() {
            "--port" => port = value("--port").parse().unwrap_or_else(|_| usage("bad --port")),
            "--users" => users = value("--users").parse().unwrap_or_else(|_| usage("bad --users")),
            "-h" | "--help" => usage("runs a mock Okta org on 127.0.0.1"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    (port, users)
}

#[tokio::main]
async fn main() {
    let (port, users) = parse_args();
    let org = match MockOrg::builder().port(port).seed_users(users).start().await {
        Ok(o) => o,
        Err(e) => {
            eprintln!("mock_org: {e}");
            std::process::exit(1);
        }
    };
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
