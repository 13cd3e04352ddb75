//! What the mock org's HTTP tests share: a started org and a client calling it as the org's admin (SSWS), as any
//! HTTP client would. Each test file adds the helpers of its own area in an `impl Org` of its own.
#![allow(dead_code)]

use okta_management_mock::MockOrg;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A started org with a client for it.
pub struct Org {
    pub org: MockOrg,
    pub http: reqwest::Client,
    /// The org's URL, without a trailing `/`.
    pub base: String,
}

impl Org {
    /// An org seeded with `users` users.
    pub async fn with_users(users: usize) -> Org {
        let org = MockOrg::builder().seed_users(users).start().await.unwrap();
        let base = org.base_url().as_str().trim_end_matches('/').to_string();
        Org { org, http: reqwest::Client::new(), base }
    }

    /// The answer to `method path` with `body` (as JSON): its status and its body (`Null` when not JSON).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("authorization", format!("SSWS {}", self.org.token()))
            .header("accept", "application/json");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let bytes = response.bytes().await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// A successful answer's body.
    pub async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.call(method.clone(), path, body).await;
        assert!(status.is_success(), "{method} {path}: {status} {answer}");
        answer
    }
}

/// Okta's error shape, with the code expected.
pub fn assert_okta_error(body: &Value, code: &str) {
    assert_eq!(body["errorCode"], code, "{body}");
    assert_eq!(body["errorLink"], code, "{body}");
    assert!(body["errorSummary"].as_str().is_some_and(|s| !s.is_empty()), "{body}");
    assert!(body["errorId"].as_str().is_some_and(|s| !s.is_empty()), "{body}");
    assert!(body["errorCauses"].is_array(), "{body}");
}
