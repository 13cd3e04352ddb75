#![cfg(feature = "full")]
//! `examples/quickstart` run as a newcomer runs it (the built example binary, no org, no configuration), and with an
//! org's URL and token set, when it only reads. (Built by `cargo test --all-features`, which builds every example;
//! the slim-feature run skips this module.)

use okta_management::mock::MockOrg;

/// Runs the example in an empty directory with an empty HOME, so no okta.yaml of the machine is read.
async fn run(env: &[(&str, &str)]) -> (bool, String, String) {
    let dir = std::env::temp_dir().join(format!("okta-quickstart-{}-{}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = tokio::process::Command::new(crate::common::example_binary("quickstart"));
    command.current_dir(&dir).env("HOME", &dir);
    for var in ["OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN", "OKTA_TESTING_DISABLEHTTPSCHECK"] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    let output = command.output().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn with_no_org_it_shows_the_whole_lifecycle_on_the_mock_org() {
    let (ok, stdout, stderr) = run(&[]).await;
    assert!(ok, "exit status: failure\nstdout:\n{stdout}\nstderr:\n{stderr}");
    for expected in [
        "event hook who",
        "created user ada@example.com: 00u",
        "created group Engineering",
        "and assigned the user",
        "the hook received: user.lifecycle.create, group.user_membership.add",
        "the System Log has 5 events: user.lifecycle.create, user.lifecycle.activate, group.lifecycle.create, \
         group.user_membership.add, application.lifecycle.create",
        "listed 451 users in 3 pages",
        "met a 429; the client waited",
    ] {
        assert!(stdout.contains(expected), "missing `{expected}` in:\n{stdout}");
    }
}

#[tokio::test]
async fn with_an_org_configured_it_only_reads() {
    let org = MockOrg::builder().seed_users(7).start().await.unwrap();
    let (ok, stdout, stderr) = run(&[
        ("OKTA_CLIENT_ORGURL", org.base_url().as_str()),
        ("OKTA_CLIENT_TOKEN", org.token()),
        ("OKTA_TESTING_DISABLEHTTPSCHECK", "true"),
    ])
    .await;
    assert!(ok, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.starts_with("first 5 users:"), "{stdout}");
    let writes = org.requests().iter().filter(|r| r.method != "GET").count();
    assert_eq!(writes, 0, "the real-org mode must not change the org");
    // A bad URL: one clear error, exit 1.
    let (ok, _, stderr) = run(&[("OKTA_CLIENT_ORGURL", "not a url"), ("OKTA_CLIENT_TOKEN", "x")]).await;
    assert!(!ok);
    assert!(stderr.starts_with("quickstart: "), "{stderr}");
}
