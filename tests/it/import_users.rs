#![cfg(all(feature = "mock", feature = "full"))]
//! `examples/import_users` run as a user runs it: the built example binary, a CSV file, the org's URL and token
//! in the environment, against the mock org enforcing a bucket and a concurrency limit. (Built by `cargo test`,
//! which builds every example; the slim-feature run, which builds none, skips this module.)

use std::collections::HashMap;
use std::time::Duration;

use okta_management::mock::{Fault, MockOrg};

const CREATE: &str = "POST /api/v1/users";

pub struct Run {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

async fn run(org: &MockOrg, csv: &str, args: &[&str]) -> Run {
    run_with(org, csv, args, &[]).await
}

/// Runs the example on `csv` with `args` and, besides the org's URL and token, the variables `env`.
pub async fn run_with(org: &MockOrg, csv: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let dir = std::env::temp_dir().join(format!("okta-import-{}-{}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("users.csv"), csv).unwrap();
    let output = tokio::process::Command::new(crate::common::example_binary("import_users"))
        .arg("users.csv")
        .args(args)
        // No okta.yaml of the machine's (HOME) or of the working directory is read: only these variables.
        .current_dir(&dir)
        .env("HOME", &dir)
        .env("OKTA_CLIENT_ORGURL", org.base_url().as_str())
        .env("OKTA_CLIENT_TOKEN", org.token())
        .env("OKTA_TESTING_DISABLEHTTPSCHECK", "true")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .envs(env.iter().copied())
        .output();
    let output = tokio::time::timeout(Duration::from_secs(120), output).await.expect("the import finishes").unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    Run {
        status: output.status,
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// `ID LOGIN` lines: login → id.
pub fn created(stdout: &str) -> HashMap<String, String> {
    let mut by_login = HashMap::new();
    for line in stdout.lines() {
        let (id, login) = line.split_once(' ').unwrap_or_else(|| panic!("not `ID LOGIN`: {line:?}"));
        assert!(by_login.insert(login.to_owned(), id.to_owned()).is_none(), "{login} printed twice");
    }
    by_login
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_each_good_row_once_reports_bad_rows_by_line_and_exits_non_zero() {
    let org = MockOrg::builder()
        .concurrency_limit(4)
        .rate_limit(CREATE, 15, Duration::from_secs(1))
        .unwrap()
        .rate_limit_reset_delay(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let taken = org.seed_users(1).remove(0);
    let taken_login = org.user(&taken).unwrap()["profile"]["login"].as_str().unwrap().to_owned();
    // Requests last a little, so 8 tasks meet the org's limit of 4 in flight; one create meets a 429 storm.
    org.inject(CREATE, Fault::Latency(Duration::from_millis(20))).unwrap();
    org.inject(CREATE, Fault::RateLimitBurst(2)).unwrap();

    let mut csv = String::from("login,email,firstName,lastName\n");
    for i in 0..40 {
        csv.push_str(&format!("import{i}@example.com,import{i}@example.com,Im,Port{i}\n"));
    }
    // Line 42: too few fields. Line 43: an empty email. Line 44: quoted, with a comma. Line 45: a login the org
    // already has. Line 46: too many fields.
    csv.push_str("short@example.com,short@example.com,Short\n");
    csv.push_str("noemail@example.com,,No,Email\n");
    csv.push_str("\"quoted@example.com\",quoted@example.com,\"Smith, Jr.\",\"O'Neil\"\n");
    csv.push_str(&format!("{taken_login},{taken_login},Dup,Licate\n"));
    csv.push_str("long@example.com,long@example.com,Lo,Ng,extra\n");

    let run = run(&org, &csv, &["--concurrency", "8"]).await;
    assert_eq!(run.status.code(), Some(1), "a failed row makes the exit status 1\n{}", run.stderr);
    let created = created(&run.stdout);
    assert_eq!(created.len(), 41, "40 plain rows and the quoted one\n{}", run.stderr);
    assert!(created.contains_key("quoted@example.com"));
    // Exactly once each: the org holds the seeded user and the 41 created, and created no more.
    let c = org.counters();
    assert_eq!(c.users_created, 41);
    assert_eq!(org.user_count(), 42);
    for (login, id) in &created {
        let user = org.user(id).unwrap();
        assert_eq!(user["profile"]["login"], login.as_str());
    }
    assert!(c.concurrency_limited > 0 && c.rate_limited > 0, "the limits were met and survived: {c:?}");

    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("users.csv:")).collect();
    assert_eq!(errors.len(), 4, "{}", run.stderr);
    let error = |line: u32| errors.iter().find(|e| e.starts_with(&format!("users.csv:{line}:"))).copied();
    assert!(error(42).unwrap().contains("expected 4 fields, found 3"), "{errors:?}");
    assert!(error(43).unwrap().contains("`email` is empty"), "{errors:?}");
    let duplicate = error(45).unwrap();
    assert!(duplicate.contains(&taken_login) && duplicate.contains("E0000001"), "{duplicate}");
    assert!(duplicate.contains("already exists"), "Okta's error cause is reported: {duplicate}");
    assert!(error(46).unwrap().contains("expected 4 fields, found 5"), "{errors:?}");
    // Not a terminal: no progress line, only the summary.
    assert!(!run.stderr.contains('\r'), "{}", run.stderr);
    assert!(run.stderr.contains("imported 41, failed 4"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_file_exits_zero_and_a_bad_header_or_argument_exits_two() {
    let org = MockOrg::start().await.unwrap();
    let run_ok = run(&org, "firstName,lastName,email,login\nAda,Lovelace,ada@example.com,ada@example.com\n", &[]).await;
    assert_eq!(run_ok.status.code(), Some(0), "{}", run_ok.stderr);
    assert_eq!(created(&run_ok.stdout).len(), 1);

    let bad_header = run(&org, "login,mail,firstName,lastName\nx,y,z,w\n", &[]).await;
    assert_eq!(bad_header.status.code(), Some(2));
    assert!(bad_header.stderr.contains("line 1: the header has no `email` column"), "{}", bad_header.stderr);

    let bad_arg = run(&org, "login,email,firstName,lastName\n", &["--concurrency", "0"]).await;
    assert_eq!(bad_arg.status.code(), Some(2));
    assert!(bad_arg.stderr.contains("not a positive whole number"), "{}", bad_arg.stderr);
    assert_eq!(org.counters().users_created, 1);
}
