//! `/api/v1/eventHooks`: CRUD, lifecycle and the one-time verification call. The deliveries: `hook_delivery.rs`; the
//! filters (`events.filter`) checked here and applied there: `hook_filter.rs`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::hook_delivery::{HOOK_TIMEOUT, HookCalls, hook_headers, hook_uri};
use crate::hook_filter;
use crate::respond::{ApiError, bytes_response, empty, json_body, json_response, page_bytes};
use crate::state::OrgState;
use crate::support::{lock, random_alnum, ts};

/// Sets a field of a JSON object (stored hooks always are objects).
fn set(v: &mut Value, k: &str, val: Value) {
    if let Value::Object(m) = v {
        m.insert(k.to_string(), val);
    }
}

/// The hook as returned by the API: the auth header's secret value is never echoed.
fn public_view(h: &Value) -> Value {
    let mut v = h.clone();
    if let Some(auth) = v.pointer_mut("/channel/config/authScheme")
        && let Value::Object(m) = auth
    {
        m.remove("value");
    }
    v
}

fn validate(body: &Map<String, Value>) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    if body.get("name").and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
        causes.push("name: The field cannot be left blank".to_string());
    }
    let events = body.get("events");
    if events.and_then(|e| e.get("type")).and_then(Value::as_str) != Some("EVENT_TYPE") {
        causes.push("events.type: must be EVENT_TYPE".to_string());
    }
    match events.and_then(|e| e.get("items")).and_then(Value::as_array) {
        Some(items) if !items.is_empty() && items.iter().all(Value::is_string) => {}
        _ => causes.push("events.items: The field cannot be left blank".to_string()),
    }
    if let Some(events) = events {
        causes.extend(hook_filter::filter_causes(events));
    }
    let channel = body.get("channel");
    if channel.and_then(|c| c.get("type")).and_then(Value::as_str) != Some("HTTP") {
        causes.push("channel.type: must be HTTP".to_string());
    }
    let uri = channel.and_then(|c| c.get("config")).and_then(|c| c.get("uri")).and_then(Value::as_str);
    if uri.is_none_or(|u| url::Url::parse(u).is_err()) {
        causes.push("channel.config.uri: must be a valid URL".to_string());
    }
    ApiError::check_causes(causes)
}

/// Adds to a valid hook's filter what Okta sets on it (its `type`, each condition's `version`).
fn complete(body: &mut Map<String, Value>) {
    if let Some(Value::Object(events)) = body.get_mut("events") {
        hook_filter::complete_filter(events);
    }
}

fn links(base: &str, id: &str) -> Value {
    let href = format!("{base}/api/v1/eventHooks/{id}");
    json!({
        "self": {"href": href},
        "verify": {"href": format!("{href}/lifecycle/verify"), "hints": {"allow": ["POST"]}},
        "deactivate": {"href": format!("{href}/lifecycle/deactivate"), "hints": {"allow": ["POST"]}},
    })
}

/// `POST /api/v1/eventHooks`
pub(crate) async fn create(State(org): State<Arc<OrgState>>, body: Bytes) -> Response {
    let mut body = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = validate(&body) {
        return e.into_response();
    }
    complete(&mut body);
    let base = org.base.clone();
    let v = org.with_store(|store| {
        let id = store.new_id("who");
        let now = ts(Utc::now());
        body.insert("id".into(), json!(id));
        body.insert("status".into(), json!("ACTIVE"));
        body.insert("verificationStatus".into(), json!("UNVERIFIED"));
        body.insert("created".into(), json!(now));
        body.insert("lastUpdated".into(), json!(now));
        body.insert("createdBy".into(), json!("00umockadmin0000000"));
        body.insert("_links".into(), links(&base, &id));
        let v = Value::Object(body);
        store.hooks.insert(id, v.clone());
        v
    });
    json_response(StatusCode::OK, &public_view(&v))
}

/// `GET /api/v1/eventHooks/{eventHookId}`
pub(crate) async fn get(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    match lock(&org.store).hooks.get(&id) {
        Some(h) => json_response(StatusCode::OK, &public_view(h)),
        None => ApiError::not_found(&id).into_response(),
    }
}

/// `GET /api/v1/eventHooks`
pub(crate) async fn list(State(org): State<Arc<OrgState>>) -> Response {
    let items: Vec<Value> = lock(&org.store).hooks.values().map(public_view).collect();
    bytes_response(StatusCode::OK, page_bytes(&items))
}

/// `PUT /api/v1/eventHooks/{eventHookId}`: replaces name, events, channel and description.
pub(crate) async fn replace(State(org): State<Arc<OrgState>>, Path(id): Path<String>, body: Bytes) -> Response {
    let mut body = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = validate(&body) {
        return e.into_response();
    }
    complete(&mut body);
    let res: Result<Value, ApiError> = org.with_store(|store| {
        let h = store.hooks.get_mut(&id).ok_or_else(|| ApiError::not_found(&id))?;
        if let Value::Object(m) = h {
            for k in ["name", "events", "channel", "description"] {
                match body.get(k) {
                    Some(v) => m.insert(k.to_string(), v.clone()),
                    None => m.remove(k),
                };
            }
            m.insert("lastUpdated".into(), json!(ts(Utc::now())));
        }
        Ok(h.clone())
    });
    match res {
        Ok(v) => json_response(StatusCode::OK, &public_view(&v)),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/v1/eventHooks/{eventHookId}/lifecycle/{activate|deactivate}`
fn set_status(org: &OrgState, id: &str, status: &str) -> Response {
    let res = org.with_store(|store| {
        let h = store.hooks.get_mut(id).ok_or_else(|| ApiError::not_found(id))?;
        set(h, "status", json!(status));
        set(h, "lastUpdated", json!(ts(Utc::now())));
        Ok::<_, ApiError>(h.clone())
    });
    match res {
        Ok(v) => json_response(StatusCode::OK, &public_view(&v)),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/v1/eventHooks/{eventHookId}/lifecycle/activate`
pub(crate) async fn activate(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    set_status(&org, &id, "ACTIVE")
}

/// `POST /api/v1/eventHooks/{eventHookId}/lifecycle/deactivate`
pub(crate) async fn deactivate(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    set_status(&org, &id, "INACTIVE")
}

/// `POST /api/v1/eventHooks/{eventHookId}/lifecycle/verify`: a real one-time GET with
/// `X-Okta-Verification-Challenge`, expecting `{"verification": "<challenge>"}` back.
pub(crate) async fn verify(
    State(org): State<Arc<OrgState>>,
    State(calls): State<Arc<HookCalls>>,
    Path(id): Path<String>,
) -> Response {
    let hook = lock(&org.store).hooks.get(&id).cloned();
    let Some(hook) = hook else {
        return ApiError::not_found(&id).into_response();
    };
    if hook.get("status").and_then(Value::as_str) != Some("ACTIVE") {
        return ApiError::validation("Event hook must be ACTIVE to be verified").into_response();
    }
    let Some(uri) = hook_uri(&hook) else {
        return ApiError::validation("channel.config.uri: missing").into_response();
    };
    org.counters.hook_verifications.inc();
    let challenge = random_alnum(40);
    let http = match calls.client() {
        Ok(http) => http,
        Err(e) => return ApiError::validation(format!("the mock org cannot call the hook: {e}")).into_response(),
    };
    let mut req = http.get(&uri).timeout(HOOK_TIMEOUT).header("X-Okta-Verification-Challenge", &challenge);
    for (k, v) in hook_headers(&hook) {
        req = req.header(k, v);
    }
    let ok = match req.send().await {
        Ok(r) if r.status().is_success() => r
            .json::<Value>()
            .await
            .ok()
            .and_then(|v| v.get("verification").and_then(Value::as_str).map(|s| s == challenge))
            .unwrap_or(false),
        _ => false,
    };
    if !ok {
        return ApiError::validation("Verification failed: the endpoint did not answer the verification challenge")
            .into_response();
    }
    let res = org.with_store(|store| {
        let h = store.hooks.get_mut(&id).ok_or_else(|| ApiError::not_found(&id))?;
        set(h, "verificationStatus", json!("VERIFIED"));
        set(h, "lastUpdated", json!(ts(Utc::now())));
        Ok::<_, ApiError>(h.clone())
    });
    match res {
        Ok(v) => json_response(StatusCode::OK, &public_view(&v)),
        Err(e) => e.into_response(),
    }
}

/// `DELETE /api/v1/eventHooks/{eventHookId}`: only an INACTIVE hook can be deleted; Okta refuses an active one
/// with the `403` the operation declares.
pub(crate) async fn delete(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    let res = org.with_store(|store| {
        let h = store.hooks.get(&id).ok_or_else(|| ApiError::not_found(&id))?;
        if h.get("status").and_then(Value::as_str) != Some("INACTIVE") {
            return Err(ApiError::forbidden());
        }
        store.hooks.remove(&id);
        Ok(())
    });
    match res {
        Ok(()) => empty(StatusCode::NO_CONTENT),
        Err(e) => e.into_response(),
    }
}
