//! `POST /api/v1/inlineHooks/{inlineHookId}/execute`: the inline hook's external service is really called, as
//! Okta calls it during a flow — the request body posted to the hook's `channel.config.uri` with its headers and
//! its `authScheme` header, within Okta's 3-second timeout — and its answer is returned. The other inline hook
//! operations (create, list, activate…) are served from the spec (`generic.rs`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::hook_delivery::{HOOK_TIMEOUT, HookCalls, hook_headers, hook_uri};
use crate::respond::{ApiError, json_response};
use crate::state::OrgState;
use crate::support::lock;

/// Where the generic store keeps inline hooks.
const COLLECTION: &str = "/api/v1/inlineHooks";

/// `POST /api/v1/inlineHooks/{inlineHookId}/execute`
pub(crate) async fn execute(
    State(org): State<Arc<OrgState>>,
    State(calls): State<Arc<HookCalls>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let hook = lock(&org.store).generic.item(COLLECTION, &id).cloned();
    let Some(hook) = hook else { return ApiError::not_found(&id).into_response() };
    let Some(uri) = hook_uri(&hook) else {
        return ApiError::validation("channel.config.uri: The field cannot be left blank").into_response();
    };
    let http = match calls.client() {
        Ok(http) => http,
        Err(e) => return call_failed(&e).into_response(),
    };
    let mut request = http.post(&uri).timeout(HOOK_TIMEOUT).header("content-type", "application/json").body(body);
    for (k, v) in hook_headers(&hook) {
        request = request.header(k, v);
    }
    let answer = match request.send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.map_err(|e| e.to_string()),
        Ok(r) => Err(format!("the external service answered {}", r.status())),
        Err(e) if e.is_timeout() => Err("the external service did not answer within 3 seconds".to_string()),
        Err(e) => Err(format!("the external service could not be reached: {e}")),
    };
    match answer.and_then(|bytes| {
        serde_json::from_slice::<Value>(&bytes).map_err(|_| "the external service's answer is not JSON".to_string())
    }) {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(why) => call_failed(&why).into_response(),
    }
}

fn call_failed(why: &str) -> ApiError {
    ApiError::validation(format!("Inline hook call failed: {why}"))
}
