//! End to end through `okta_management::Client` against the mock org: every authorization mode, scope
//! enforcement, single-flight token refresh, 401 -> refresh once -> resend once, DPoP nonces, the HTTPS check,
//! configuration precedence, User-Agent, and that no secret reaches `Debug` or `tracing` output.
#![cfg(feature = "mock")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use crate::client_support;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use client_support::{CLIENT_ID, Proxy, base, ec_key, list_count, mint_access_token, register_rsa, rsa_client, ssws};
use okta_management::auth::{AuthError, TokenSupplier};
use okta_management::config::{AuthorizationMode, ConfigError, ConfigLoader};
use okta_management::mock::MockOrg;
use okta_management::secret::SecretString;
use okta_management::{Client, Error};
use serde_json::json;

fn new_user_body(login: &str) -> okta_management::types::CreateUserRequest {
    serde_json::from_value(json!({
        "profile": {"login": login, "email": login, "firstName": "New", "lastName": "User"}
    }))
    .unwrap()
}

// ---------------------------------------------------------------- SSWS, User-Agent, api-version

#[tokio::test]
async fn ssws_lists_users_with_the_sdk_user_agent() {
    let mock = MockOrg::builder().seed_users(7).start().await.unwrap();
    let client = ssws(&mock).user_agent_suffix("client-auth-test/1.0").build().unwrap();
    assert_eq!(client.authorization_mode(), AuthorizationMode::Ssws);
    let users = client.list_users().send().await.unwrap();
    assert_eq!(users.len(), 7);
    assert!(users.iter().all(|u| u.profile.as_ref().and_then(|p| p.login.as_deref()).is_some()));

    let reqs = mock.requests();
    let r = reqs.iter().find(|r| r.method == "GET" && r.path_and_query.starts_with("/api/v1/users")).unwrap();
    assert_eq!(r.header("authorization"), Some("SSWS [redacted]"));
    let ua = r.header("user-agent").unwrap();
    let expected_prefix = format!(
        "okta-management-rust/{} okta-spec/{}+{} rust/",
        env!("CARGO_PKG_VERSION"),
        okta_management::SPEC_VERSION,
        &okta_management::SPEC_SHA256[..12]
    );
    assert!(ua.starts_with(&expected_prefix), "{ua}");
    assert!(
        ua.ends_with(&format!(" {}/{} client-auth-test/1.0", std::env::consts::OS, std::env::consts::ARCH)),
        "{ua}"
    );
    // `rust/<version>`: a dotted version number.
    let rust = ua.split(' ').nth(2).unwrap().strip_prefix("rust/").unwrap();
    assert!(rust.split('.').count() >= 3 && rust.chars().next().unwrap().is_ascii_digit(), "{ua}");
    assert_eq!(ua, okta_management::user_agent(Some("client-auth-test/1.0")));
}

#[tokio::test]
async fn the_api_version_header_progenitor_adds_is_not_sent() {
    // The mock's request log does not keep `api-version`; a recording proxy sees every header.
    let mock = MockOrg::builder().seed_users(3).start().await.unwrap();
    let proxy = Proxy::start(&base(&mock)).await;
    let client = Client::builder().org_url(&proxy.base).token(mock.token()).disable_https_check(true).build().unwrap();
    assert_eq!(list_count(&client).await.unwrap(), 3);
    let user = client.create_user().body(new_user_body("apiversion@example.com")).send().await;
    assert!(user.is_ok(), "{user:?}");
    let seen = proxy.seen();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(s.header_count("api-version"), 0, "{} {} sent api-version", s.method, s.path_and_query);
        assert!(s.header("authorization").unwrap().starts_with("SSWS "));
    }
}

#[tokio::test]
async fn wrong_ssws_token_is_a_typed_401() {
    let mock = MockOrg::start().await.unwrap();
    let client = ssws(&mock).token("00wrong-token").build().unwrap();
    match list_count(&client).await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status().as_u16(), 401);
            assert_eq!(e.error_code(), Some("E0000011"));
            assert!(e.request_id().is_some());
        }
        other => panic!("expected a 401 Api error, got {other:?}"),
    }
}

// ---------------------------------------------------------------- PrivateKey

#[tokio::test]
async fn private_key_rs256_and_es256() {
    let mock = MockOrg::builder().seed_users(4).start().await.unwrap();
    register_rsa(&mock, &["okta.users.read"]);
    let client = rsa_client(&mock, &["okta.users.read"]).build().unwrap();
    assert_eq!(client.authorization_mode(), AuthorizationMode::PrivateKey);
    assert_eq!(list_count(&client).await.unwrap(), 4);
    assert_eq!(list_count(&client).await.unwrap(), 4);
    // The token is cached: two calls, one token request.
    assert_eq!(mock.counters().token_requests, 1);
    let last = mock.requests().into_iter().rev().find(|r| r.method == "GET").unwrap();
    assert_eq!(last.header("authorization"), Some("Bearer [redacted]"));

    let (pkcs8, jwk) = ec_key("ec-kid-1");
    mock.register_oauth_client("0oa-ec-client", json!({"keys": [jwk]}), &["okta.users.read"]).unwrap();
    let ec = Client::builder()
        .org_url(base(&mock))
        .disable_https_check(true)
        .authorization_mode(AuthorizationMode::PrivateKey)
        .client_id("0oa-ec-client")
        .scopes(["okta.users.read"])
        .private_key(pkcs8)
        .kid("ec-kid-1")
        .build()
        .unwrap();
    assert_eq!(list_count(&ec).await.unwrap(), 4);
    assert_eq!(mock.counters().tokens_issued, 2);
}

#[tokio::test]
async fn scopes_are_enforced_with_typed_errors() {
    let mock = MockOrg::builder().seed_users(2).start().await.unwrap();
    register_rsa(&mock, &["okta.users.read", "okta.groups.read"]);
    let client = rsa_client(&mock, &["okta.users.read"]).build().unwrap();
    assert_eq!(list_count(&client).await.unwrap(), 2);
    // Creating a user needs okta.users.manage: the org answers 403 insufficient_scope, which names the operation
    // and the scope it needs.
    let err = client.create_user().body(new_user_body("nope@example.com")).send().await;
    match err {
        Err(Error::InsufficientScope(e)) => {
            assert_eq!(e.operation(), "create_user");
            assert_eq!(e.required_scopes(), ["okta.users.manage"]);
            assert_eq!(e.challenged_scopes(), ["okta.users.manage"]);
            assert_eq!(e.api_error().status().as_u16(), 403);
            let text = e.to_string();
            assert!(text.starts_with("create_user needs the OAuth scope(s) `okta.users.manage`"), "{text}");
        }
        other => panic!("expected InsufficientScope, got {other:?}"),
    }
    // Each page of a listing too: groups need okta.groups.read.
    #[cfg(feature = "groups")]
    match client.list_groups().stream().try_next().await {
        Err(Error::InsufficientScope(e)) => {
            assert_eq!((e.operation(), e.required_scopes()), ("list_groups", &["okta.groups.read".to_owned()][..]));
            assert_eq!(Error::InsufficientScope(e).status().map(|s| s.as_u16()), Some(403));
        }
        other => panic!("expected InsufficientScope, got {other:?}"),
    }
    assert_eq!(mock.counters().users_created, 0);

    // Asking for a scope the app was not granted fails at the token endpoint, as a typed auth error.
    let greedy = rsa_client(&mock, &["okta.users.manage"]).build().unwrap();
    match list_count(&greedy).await {
        Err(Error::Auth(AuthError::TokenEndpoint { status, error, .. })) => {
            assert_eq!(status.as_u16(), 400);
            assert_eq!(error.as_deref(), Some("invalid_scope"));
        }
        other => panic!("expected an invalid_scope token error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn single_flight_refresh_of_an_expired_token() {
    let mock = MockOrg::builder().seed_users(3).start().await.unwrap();
    register_rsa(&mock, &["okta.users.read"]);
    // A token that expires after one second, refreshed only once expired (no margin).
    mock.set_access_token_lifetime(Duration::from_secs(1));
    let client = rsa_client(&mock, &["okta.users.read"]).token_refresh_margin(Duration::ZERO).build().unwrap();
    assert_eq!(list_count(&client).await.unwrap(), 3);
    assert_eq!(mock.counters().token_requests, 1);
    mock.set_access_token_lifetime(Duration::from_secs(3600));
    // Let the token expire on both sides.
    tokio::time::sleep(Duration::from_millis(1_300)).await;

    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.list_users().send().await.map(|r| r.len()) })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), 3);
    }
    let c = mock.counters();
    assert_eq!(c.token_requests, 2, "32 concurrent calls with an expired token must fetch exactly one token");
    assert_eq!(c.tokens_issued, 2);
    // No call was rejected: the expired token was never sent.
    assert_eq!(mock.route_count("GET /api/v1/users"), 33);
}

#[tokio::test]
async fn a_401_refreshes_once_and_resends_once() {
    let mock = MockOrg::builder().seed_users(2).start().await.unwrap();
    register_rsa(&mock, &["okta.users.read"]);
    let client = rsa_client(&mock, &["okta.users.read"]).build().unwrap();
    assert_eq!(list_count(&client).await.unwrap(), 2);
    // The server forgets the token while the client still holds it (within its lifetime).
    mock.expire_access_tokens();
    assert_eq!(list_count(&client).await.unwrap(), 2);
    assert_eq!(mock.counters().token_requests, 2);
    // First call, then the rejected attempt and its resend.
    assert_eq!(mock.route_count("GET /api/v1/users"), 3);

    // Tokens that are already expired when issued: one refresh, one resend, then the 401 is returned.
    mock.set_access_token_lifetime(Duration::ZERO);
    mock.expire_access_tokens();
    match list_count(&client).await {
        Err(Error::Api(e)) => assert_eq!(e.status().as_u16(), 401),
        other => panic!("expected a final 401, got {other:?}"),
    }
    assert_eq!(mock.counters().token_requests, 3, "exactly one refresh, never a loop");
    assert_eq!(mock.route_count("GET /api/v1/users"), 5);
}

#[tokio::test]
async fn dpop_nonces_on_the_token_endpoint_and_resource_calls() {
    let mock = MockOrg::builder().seed_users(5).start().await.unwrap();
    register_rsa(&mock, &["okta.users.read"]);
    mock.require_dpop(true);
    // DPoP not configured: the token endpoint's `invalid_dpop_proof` switches it on, then `use_dpop_nonce`
    // supplies the nonce.
    let client = rsa_client(&mock, &["okta.users.read"]).build().unwrap();
    assert_eq!(list_count(&client).await.unwrap(), 5);
    let c = mock.counters();
    assert_eq!(c.tokens_issued, 1);
    assert_eq!(c.token_requests, 3, "no proof -> invalid_dpop_proof, proof -> use_dpop_nonce, proof + nonce -> token");
    let users_calls = mock.route_count("GET /api/v1/users");
    assert!(users_calls <= 2, "at most one nonce challenge on the resource call, got {users_calls}");
    let last = mock.requests().into_iter().rev().find(|r| r.method == "GET").unwrap();
    assert_eq!(last.header("authorization"), Some("DPoP [redacted]"));
    assert_eq!(last.header("dpop"), Some("[present]"));

    // Once the nonce is known, calls go through at once.
    assert_eq!(list_count(&client).await.unwrap(), 5);
    assert_eq!(mock.route_count("GET /api/v1/users"), users_calls + 1);

    // Nonce rotation on a resource call: one 401 challenge, one resend with the new nonce, same token.
    mock.rotate_dpop_nonce();
    assert_eq!(list_count(&client).await.unwrap(), 5);
    assert_eq!(mock.route_count("GET /api/v1/users"), users_calls + 3);
    assert_eq!(mock.counters().tokens_issued, 1);

    // DPoP configured from the start: the proof is sent on the first token request.
    let configured = rsa_client(&mock, &["okta.users.read"]).dpop(true).build().unwrap();
    let before = mock.counters().token_requests;
    assert_eq!(list_count(&configured).await.unwrap(), 5);
    assert_eq!(mock.counters().token_requests - before, 2, "proof -> use_dpop_nonce, proof + nonce -> token");
}

// ---------------------------------------------------------------- Bearer

#[tokio::test]
async fn bearer_with_a_fixed_token_and_with_a_supplier() {
    let mock = MockOrg::builder().seed_users(6).start().await.unwrap();
    register_rsa(&mock, &["okta.users.read"]);
    let token = mint_access_token(&base(&mock), CLIENT_ID, "okta.users.read").await;
    let fixed = Client::builder()
        .org_url(base(&mock))
        .disable_https_check(true)
        .authorization_mode(AuthorizationMode::Bearer)
        .token(token.clone())
        .build()
        .unwrap();
    assert_eq!(fixed.authorization_mode(), AuthorizationMode::Bearer);
    assert_eq!(list_count(&fixed).await.unwrap(), 6);
    let last = mock.requests().into_iter().rev().find(|r| r.method == "GET").unwrap();
    assert_eq!(last.header("authorization"), Some("Bearer [redacted]"));

    let calls = Arc::new(AtomicUsize::new(0));
    let supplier = {
        let calls = calls.clone();
        let token = token.clone();
        TokenSupplier::from_async(move || {
            calls.fetch_add(1, Ordering::SeqCst);
            let token = token.clone();
            async move { Ok(SecretString::new(token)) }
        })
    };
    let supplied = Client::builder()
        .org_url(base(&mock))
        .disable_https_check(true)
        .authorization_mode(AuthorizationMode::Bearer)
        .token_supplier(supplier)
        .build()
        .unwrap();
    assert_eq!(list_count(&supplied).await.unwrap(), 6);
    assert_eq!(list_count(&supplied).await.unwrap(), 6);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "the supplier is asked once per request");

    // A supplier failure is a typed auth error, and nothing is sent.
    let before = mock.route_count("GET /api/v1/users");
    let failing = Client::builder()
        .org_url(base(&mock))
        .disable_https_check(true)
        .authorization_mode(AuthorizationMode::Bearer)
        .token_supplier(TokenSupplier::from_fn(|| Err("vault unavailable".into())))
        .build()
        .unwrap();
    match list_count(&failing).await {
        Err(Error::Auth(AuthError::TokenSupplier(e))) => assert_eq!(e.to_string(), "vault unavailable"),
        other => panic!("expected a supplier error, got {other:?}"),
    }
    assert_eq!(mock.route_count("GET /api/v1/users"), before);
}

// ---------------------------------------------------------------- HTTPS check

#[tokio::test]
async fn http_org_urls_are_refused_without_the_testing_switch() {
    let mock = MockOrg::builder().seed_users(1).start().await.unwrap();
    let err = Client::builder().org_url(base(&mock)).token(mock.token()).build().unwrap_err();
    match &err {
        Error::Config(ConfigError::Invalid { key, .. }) => assert_eq!(*key, "okta.client.orgUrl"),
        other => panic!("expected an invalid orgUrl, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("https"), "{text}");
    assert!(!text.contains(mock.token()), "{text}");
    // The switch off in the environment is the same refusal; on, the client works.
    let env_off = Client::builder()
        .with_loader(ConfigLoader::empty().env([
            ("OKTA_CLIENT_ORGURL", base(&mock)),
            ("OKTA_CLIENT_TOKEN", mock.token().to_string()),
            ("OKTA_TESTING_DISABLEHTTPSCHECK", "false".to_string()),
        ]))
        .build();
    assert!(matches!(env_off, Err(Error::Config(ConfigError::Invalid { key: "okta.client.orgUrl", .. }))));
    let env_on = Client::builder()
        .with_loader(ConfigLoader::empty().env([
            ("OKTA_CLIENT_ORGURL", base(&mock)),
            ("OKTA_CLIENT_TOKEN", mock.token().to_string()),
            ("OKTA_TESTING_DISABLEHTTPSCHECK", "true".to_string()),
        ]))
        .build()
        .unwrap();
    assert_eq!(list_count(&env_on).await.unwrap(), 1);
}

// ---------------------------------------------------------------- configuration precedence

/// A fresh directory under the system temp dir (removed at the end of the test that made it).
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "okta-client-auth-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn yaml(&self, name: &str, org_url: &str, token: Option<&str>) -> PathBuf {
        let path = self.0.join(name);
        let token = token.map(|t| format!("    token: {t}\n")).unwrap_or_default();
        std::fs::write(
            &path,
            format!("okta:\n  client:\n    orgUrl: {org_url}\n{token}  testing:\n    disableHttpsCheck: true\n"),
        )
        .unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn configuration_precedence_code_env_local_home() {
    let mock = MockOrg::builder().seed_users(2).start().await.unwrap();
    let dir = TempDir::new("precedence");
    let home = dir.yaml("home.yaml", "http://127.0.0.1:1001", Some(mock.token()));
    let local = dir.yaml("local.yaml", "http://127.0.0.1:1002", None);
    let env = [("OKTA_CLIENT_ORGURL", "http://127.0.0.1:1003")];
    let org = |c: Client| c.org_url().to_string();

    let only_home = Client::builder().with_loader(ConfigLoader::empty().home_file(&home)).build().unwrap();
    assert_eq!(org(only_home), "http://127.0.0.1:1001");
    let local_over_home =
        Client::builder().with_loader(ConfigLoader::empty().home_file(&home).local_file(&local)).build().unwrap();
    assert_eq!(org(local_over_home), "http://127.0.0.1:1002");
    let env_over_files = Client::builder()
        .with_loader(ConfigLoader::empty().home_file(&home).local_file(&local).env(env))
        .build()
        .unwrap();
    assert_eq!(org(env_over_files), "http://127.0.0.1:1003");
    let code_over_all = Client::builder()
        .with_loader(ConfigLoader::empty().home_file(&home).local_file(&local).env(env))
        .org_url("http://127.0.0.1:1004")
        .build()
        .unwrap();
    assert_eq!(org(code_over_all), "http://127.0.0.1:1004");

    // Key by key, end to end: the org URL from the environment, the token from ~/.okta/okta.yaml.
    let merged = Client::builder()
        .with_loader(
            ConfigLoader::empty()
                .home_file(&home)
                .local_file(&local)
                .env([("OKTA_CLIENT_ORGURL", base(&mock).as_str())]),
        )
        .build()
        .unwrap();
    assert_eq!(list_count(&merged).await.unwrap(), 2);
    // A token in code beats the one in the file.
    let code_token = Client::builder()
        .with_loader(ConfigLoader::empty().home_file(&home).env([("OKTA_CLIENT_ORGURL", base(&mock).as_str())]))
        .token("00code-token")
        .build()
        .unwrap();
    assert!(matches!(list_count(&code_token).await, Err(Error::Api(e)) if e.status().as_u16() == 401));
    // A token in the environment beats the one in the file too.
    let env_token = Client::builder()
        .with_loader(
            ConfigLoader::empty()
                .home_file(&home)
                .env([("OKTA_CLIENT_ORGURL", base(&mock).as_str()), ("OKTA_CLIENT_TOKEN", "00env-token")]),
        )
        .build()
        .unwrap();
    assert!(matches!(list_count(&env_token).await, Err(Error::Api(e)) if e.status().as_u16() == 401));

    // A missing key names itself and the places looked at.
    let missing = Client::builder().with_loader(ConfigLoader::empty()).build().unwrap_err();
    let text = missing.to_string();
    assert!(text.contains("okta.client.orgUrl") && text.contains("OKTA_CLIENT_ORGURL"), "{text}");
}
