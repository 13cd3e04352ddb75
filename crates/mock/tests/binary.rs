//! The `okta-mock` binary as a user runs it: it prints the org URL and token, serves plain HTTP clients (what curl
//! or another language's SDK sends) with Okta's paging, and refuses bad flags with its usage.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mock");

/// Kills the server when the test ends, however it ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Running, String, String) {
    let mut child = Command::new(BIN).args(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut value = |name: &str| {
        let line = lines.next().unwrap().unwrap();
        line.strip_prefix(&format!("{name}=")).unwrap_or_else(|| panic!("{line}")).to_string()
    };
    let (url, token) = (value("OKTA_CLIENT_ORGURL"), value("OKTA_CLIENT_TOKEN"));
    (Running(child), url, token)
}

/// The `rel="next"` target of a response's `Link` headers.
fn next_link(r: &reqwest::Response) -> Option<String> {
    r.headers().get_all("link").iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        let (target, rel) = v.split_once(';')?;
        rel.contains("rel=\"next\"").then(|| target.trim().trim_start_matches('<').trim_end_matches('>').to_string())
    })
}

#[tokio::test]
async fn a_plain_http_client_pages_through_every_seeded_user() {
    let (_server, url, token) = start(&["--users", "250", "--fault", "GET /api/v1/users=rate-limit-every:2"]);
    let http = reqwest::Client::new();
    let mut next = Some(format!("{url}/api/v1/users?limit=100"));
    let (mut logins, mut pages, mut throttled) = (Vec::new(), 0, 0);
    while let Some(page) = next.take() {
        let r = http.get(&page).header("authorization", format!("SSWS {token}")).send().await.unwrap();
        if r.status() == 429 {
            // The injected fault: Okta's 429 with its headers; the same page is asked again.
            assert_eq!(r.headers()["x-rate-limit-remaining"], "0");
            throttled += 1;
            next = Some(page);
            continue;
        }
        assert_eq!(r.status(), 200);
        pages += 1;
        next = next_link(&r);
        let users: Vec<serde_json::Value> = r.json().await.unwrap();
        logins.extend(users.iter().map(|u| u["profile"]["login"].as_str().unwrap().to_string()));
    }
    let mut distinct = logins.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!((logins.len(), distinct.len(), pages), (250, 250, 3));
    assert_eq!(throttled, 2);
    // Without a token: Okta's 401.
    let r = http.get(format!("{url}/api/v1/groups")).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

#[test]
fn help_and_bad_flags() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--users N"));
    for bad in [&["--users", "many"][..], &["--fault", "GET /api/v1/users=sometimes"], &["--frobnicate"]] {
        let out = Command::new(BIN).args(bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage: okta-mock"), "{bad:?}");
    }
}
