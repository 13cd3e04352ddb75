//! Redaction, end to end through `okta_management::Client` against the mock org: the `Debug` output of clients
//! and errors, and everything `tracing` records at TRACE level during authenticated calls in every mode,
//! contain no API token, private key or access token.
//!
//! Alone in its test binary on purpose: `tracing` caches per-callsite interest process-wide, and a thread-local
//! subscriber racing with other tests' threads can miss events; here nothing else runs.
#![cfg(feature = "mock")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use crate::client_support;

use client_support::{
    CLIENT_ID, Capture, base, fixture, list_count, mint_access_token, register_rsa, rsa_client, ssws, subscriber,
};
use okta_management::Client;
use okta_management::config::AuthorizationMode;
use okta_management::mock::MockOrg;

// ---------------------------------------------------------------- redaction

/// Every run of exactly `n` ASCII alphanumerics in `text` (the mock's access tokens are 48 of them).
fn alnum_runs(text: &str, n: usize) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() == n).map(str::to_string).collect()
}

#[test]
fn secrets_never_reach_debug_or_tracing_output() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let capture = Capture::default();
    // Current-thread runtime: the client, the connection tasks and the mock all log into `capture`.
    let _guard = tracing::subscriber::set_default(subscriber(&capture));
    rt.block_on(async {
        let mock = MockOrg::builder().seed_users(3).start().await.unwrap();
        register_rsa(&mock, &["okta.users.read"]);
        let key_pem = fixture("rsa_pkcs8.pem");
        // A line from the middle of the PEM body: any leak of the key would contain it.
        let key_line = key_pem.lines().nth(5).unwrap().to_string();
        let jwk_d = serde_json::from_str::<serde_json::Value>(&fixture("rsa.jwk.json")).unwrap()["d"]
            .as_str()
            .unwrap()
            .to_string();

        let ssws_client = ssws(&mock).build().unwrap();
        assert_eq!(list_count(&ssws_client).await.unwrap(), 3);

        let pk = rsa_client(&mock, &["okta.users.read"]).build().unwrap();
        assert_eq!(list_count(&pk).await.unwrap(), 3);
        mock.expire_access_tokens();
        assert_eq!(list_count(&pk).await.unwrap(), 3);
        mock.require_dpop(true);
        let dpop = rsa_client(&mock, &["okta.users.read"]).dpop(true).build().unwrap();
        assert_eq!(list_count(&dpop).await.unwrap(), 3);
        mock.require_dpop(false);

        let minted = mint_access_token(&base(&mock), CLIENT_ID, "okta.users.read").await;
        let bearer = Client::builder()
            .org_url(base(&mock))
            .disable_https_check(true)
            .authorization_mode(AuthorizationMode::Bearer)
            .token(minted.clone())
            .build()
            .unwrap();
        assert_eq!(list_count(&bearer).await.unwrap(), 3);
        // A failing call too: errors are logged and displayed.
        let wrong = ssws(&mock).token("00wrong-secret-token-value").build().unwrap();
        let err = list_count(&wrong).await.unwrap_err();

        let secrets = [mock.token(), key_line.as_str(), jwk_d.as_str(), minted.as_str(), "00wrong-secret-token-value"];
        let debug =
            format!("{ssws_client:?}\n{pk:?}\n{dpop:?}\n{bearer:?}\n{wrong:?}\n{err:?}\n{err}\n{ssws_client:#?}");
        let logs = capture.text();
        assert!(logs.contains("okta.request"), "the capture must see the client's spans:\n{logs}");
        assert!(logs.contains("OAuth access token refreshed"), "the capture must see the auth events:\n{logs}");
        for s in secrets {
            assert!(!debug.contains(s), "a secret is in Debug output: {debug}");
            assert!(!logs.contains(s), "a secret is in the tracing output");
        }
        // Access tokens issued to the PrivateKey clients are never known to the test: look for any
        // token-shaped word (48 alphanumerics) in the output instead.
        assert_eq!(alnum_runs(&logs, 48), Vec::<String>::new());
        assert_eq!(alnum_runs(&debug, 48), Vec::<String>::new());
        assert!(debug.contains("[redacted]"), "{debug}");
    });
}
