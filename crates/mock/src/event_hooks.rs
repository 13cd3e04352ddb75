//! `/api/v1/eventHooks`: CRUD, lifecycle, one-time verification and real event deliveries.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::respond::{ApiError, bytes_response, empty, json_body, json_response, page_bytes};
use super::state::{CounterSet, Inner, lock, random_alnum, ts, uuid};

type S = State<Arc<Inner>>;

/// Timeout of one delivery or verification request, as Okta.
pub(crate) const HOOK_TIMEOUT: Duration = Duration::from_secs(3);

/// The event types this mock delivers to hooks.
pub const DELIVERABLE_EVENTS: [&str; 5] = [
    "user.lifecycle.create",
    "user.lifecycle.activate",
    "user.lifecycle.deactivate",
    "user.lifecycle.delete.initiated",
    "group.user_membership.add",
];

/// One completed delivery (after its retry, if any) as seen by the mock.
#[derive(Debug, Clone)]
pub struct HookDelivery {
    /// Id of the event hook.
    pub hook_id: String,
    /// The envelope's `eventId` (repeated by [`super::MockOrg::redeliver`]).
    pub event_id: String,
    /// `eventType` of each LogEvent in `data.events`.
    pub event_types: Vec<String>,
    /// The hook URL posted to.
    pub url: String,
    /// Attempts made: 1, or 2 when the first failed and the one retry was made.
    pub attempts: u32,
    /// HTTP status of the last attempt, `None` if it got no response (timeout, refused).
    pub status: Option<u16>,
    /// Whether an attempt got a 2xx answer.
    pub delivered: bool,
    /// Whether this was a re-sent duplicate.
    pub redelivery: bool,
    /// The envelope that was posted.
    pub body: Value,
}

/// A queued delivery: where to post what, with which headers.
#[derive(Debug, Clone)]
pub(crate) struct DeliveryJob {
    pub hook_id: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub envelope: Value,
    pub event_id: String,
    pub event_types: Vec<String>,
}

/// Headers the hook's channel config asks for: `authScheme` (HEADER) then `headers[]`.
pub(crate) fn hook_headers(hook: &Value) -> Vec<(String, String)> {
    let cfg = hook.get("channel").and_then(|c| c.get("config"));
    let mut out = Vec::new();
    if let Some(auth) = cfg.and_then(|c| c.get("authScheme"))
        && let (Some(k), Some(v)) = (auth.get("key").and_then(Value::as_str), auth.get("value").and_then(Value::as_str))
    {
        out.push((k.to_string(), v.to_string()));
    }
    if let Some(hs) = cfg.and_then(|c| c.get("headers")).and_then(Value::as_array) {
        for h in hs {
            if let (Some(k), Some(v)) = (h.get("key").and_then(Value::as_str), h.get("value").and_then(Value::as_str)) {
                out.push((k.to_string(), v.to_string()));
            }
        }
    }
    out
}

pub(crate) fn hook_uri(hook: &Value) -> Option<String> {
    hook.get("channel")
        .and_then(|c| c.get("config"))
        .and_then(|c| c.get("uri"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The deliveries one event causes: active, verified hooks subscribed to its type.
pub(crate) fn jobs_for_event(hooks: &BTreeMap<String, Value>, base: &str, event: &Value) -> Vec<DeliveryJob> {
    let et = event.get("eventType").and_then(Value::as_str).unwrap_or_default();
    if !DELIVERABLE_EVENTS.contains(&et) {
        return Vec::new();
    }
    let mut jobs = Vec::new();
    for (id, h) in hooks {
        let active = h.get("status").and_then(Value::as_str) == Some("ACTIVE");
        let verified = h.get("verificationStatus").and_then(Value::as_str) == Some("VERIFIED");
        let subscribed = h
            .get("events")
            .and_then(|e| e.get("items"))
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().any(|i| i.as_str() == Some(et)));
        let Some(url) = hook_uri(h) else { continue };
        if !(active && verified && subscribed) {
            continue;
        }
        let event_id = uuid();
        let envelope = json!({
            "eventType": "com.okta.event_hook",
            "eventTypeVersion": "1.0",
            "cloudEventsVersion": "0.1",
            "source": format!("{base}/api/v1/eventHooks/{id}"),
            "eventId": event_id,
            "eventTime": ts(Utc::now()),
            "contentType": "application/json",
            "data": { "events": [event] },
        });
        jobs.push(DeliveryJob {
            hook_id: id.clone(),
            url,
            headers: hook_headers(h),
            envelope,
            event_id,
            event_types: vec![et.to_string()],
        });
    }
    jobs
}

/// Posts a delivery in the background: 3 s timeout, one retry, result recorded.
pub(crate) fn spawn_delivery(st: Arc<Inner>, job: DeliveryJob, redelivery: bool) {
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let mut shutdown = st.shutdown.clone();
    rt.spawn(async move {
        tokio::select! {
            d = deliver(&st, job, redelivery) => record(&st, d),
            _ = shutdown.wait_for(|s| *s) => {}
        }
    });
}

/// Posts a delivery now (used by `redeliver`, which waits for the outcome).
pub(crate) async fn deliver(st: &Arc<Inner>, job: DeliveryJob, redelivery: bool) -> HookDelivery {
    lock(&st.sent_jobs).insert(job.event_id.clone(), job.clone());
    let mut attempts = 0;
    let mut status = None;
    let mut delivered = false;
    while attempts < 2 && !delivered {
        attempts += 1;
        CounterSet::inc(&st.counters.hook_attempts);
        let Ok(http) = st.http() else { break };
        let mut req = http.post(&job.url).timeout(HOOK_TIMEOUT).json(&job.envelope);
        for (k, v) in &job.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        match req.send().await {
            Ok(r) => {
                status = Some(r.status().as_u16());
                delivered = r.status().is_success();
            }
            Err(_) => status = None,
        }
    }
    HookDelivery {
        hook_id: job.hook_id,
        event_id: job.event_id,
        event_types: job.event_types,
        url: job.url,
        attempts,
        status,
        delivered,
        redelivery,
        body: job.envelope,
    }
}

/// Records a finished delivery and wakes waiters.
pub(crate) fn record(st: &Inner, d: HookDelivery) {
    if d.delivered {
        CounterSet::inc(&st.counters.hook_deliveries_ok);
    } else {
        CounterSet::inc(&st.counters.hook_deliveries_failed);
    }
    let n = {
        let mut all = lock(&st.deliveries);
        all.push(d);
        all.len()
    };
    st.deliveries_done.send_replace(n);
}

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

fn links(base: &str, id: &str) -> Value {
    let href = format!("{base}/api/v1/eventHooks/{id}");
    json!({
        "self": {"href": href},
        "verify": {"href": format!("{href}/lifecycle/verify"), "hints": {"allow": ["POST"]}},
        "deactivate": {"href": format!("{href}/lifecycle/deactivate"), "hints": {"allow": ["POST"]}},
    })
}

/// `POST /api/v1/eventHooks`
pub(crate) async fn create(State(st): S, body: Bytes) -> Response {
    let mut body = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = validate(&body) {
        return e.into_response();
    }
    let base = st.base.clone();
    let v = st.with_store(|s| {
        let id = s.new_id("who");
        let now = ts(Utc::now());
        body.insert("id".into(), json!(id));
        body.insert("status".into(), json!("ACTIVE"));
        body.insert("verificationStatus".into(), json!("UNVERIFIED"));
        body.insert("created".into(), json!(now));
        body.insert("lastUpdated".into(), json!(now));
        body.insert("createdBy".into(), json!("00umockadmin0000000"));
        body.insert("_links".into(), links(&base, &id));
        let v = Value::Object(body);
        s.hooks.insert(id, v.clone());
        v
    });
    json_response(StatusCode::OK, &public_view(&v))
}

/// `GET /api/v1/eventHooks/{eventHookId}`
pub(crate) async fn get(State(st): S, Path(id): Path<String>) -> Response {
    match lock(&st.store).hooks.get(&id) {
        Some(h) => json_response(StatusCode::OK, &public_view(h)),
        None => ApiError::not_found(&id).into_response(),
    }
}

/// `GET /api/v1/eventHooks`
pub(crate) async fn list(State(st): S) -> Response {
    let items: Vec<Value> = lock(&st.store).hooks.values().map(public_view).collect();
    bytes_response(StatusCode::OK, page_bytes(&items))
}

/// `PUT /api/v1/eventHooks/{eventHookId}`: replaces name, events, channel and description.
pub(crate) async fn replace(State(st): S, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = validate(&body) {
        return e.into_response();
    }
    let res: Result<Value, ApiError> = st.with_store(|s| {
        let h = s.hooks.get_mut(&id).ok_or_else(|| ApiError::not_found(&id))?;
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
pub(crate) async fn set_status(st: &Arc<Inner>, id: &str, status: &str) -> Response {
    let res = st.with_store(|s| {
        let h = s.hooks.get_mut(id).ok_or_else(|| ApiError::not_found(id))?;
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
pub(crate) async fn activate(State(st): S, Path(id): Path<String>) -> Response {
    set_status(&st, &id, "ACTIVE").await
}

/// `POST /api/v1/eventHooks/{eventHookId}/lifecycle/deactivate`
pub(crate) async fn deactivate(State(st): S, Path(id): Path<String>) -> Response {
    set_status(&st, &id, "INACTIVE").await
}

/// `POST /api/v1/eventHooks/{eventHookId}/lifecycle/verify`: a real one-time GET with
/// `X-Okta-Verification-Challenge`, expecting `{"verification": "<challenge>"}` back.
pub(crate) async fn verify(State(st): S, Path(id): Path<String>) -> Response {
    let hook = lock(&st.store).hooks.get(&id).cloned();
    let Some(hook) = hook else {
        return ApiError::not_found(&id).into_response();
    };
    if hook.get("status").and_then(Value::as_str) != Some("ACTIVE") {
        return ApiError::validation("Event hook must be ACTIVE to be verified").into_response();
    }
    let Some(uri) = hook_uri(&hook) else {
        return ApiError::validation("channel.config.uri: missing").into_response();
    };
    CounterSet::inc(&st.counters.hook_verifications);
    let challenge = random_alnum(40);
    let http = match st.http() {
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
    let res = st.with_store(|s| {
        let h = s.hooks.get_mut(&id).ok_or_else(|| ApiError::not_found(&id))?;
        set(h, "verificationStatus", json!("VERIFIED"));
        set(h, "lastUpdated", json!(ts(Utc::now())));
        Ok::<_, ApiError>(h.clone())
    });
    match res {
        Ok(v) => json_response(StatusCode::OK, &public_view(&v)),
        Err(e) => e.into_response(),
    }
}

/// `DELETE /api/v1/eventHooks/{eventHookId}`: only an INACTIVE hook can be deleted.
pub(crate) async fn delete(State(st): S, Path(id): Path<String>) -> Response {
    let res = st.with_store(|s| {
        let h = s.hooks.get(&id).ok_or_else(|| ApiError::not_found(&id))?;
        if h.get("status").and_then(Value::as_str) != Some("INACTIVE") {
            return Err(ApiError::validation("Cannot delete an ACTIVE event hook: deactivate it first"));
        }
        s.hooks.remove(&id);
        Ok(())
    });
    match res {
        Ok(()) => empty(StatusCode::NO_CONTENT),
        Err(e) => e.into_response(),
    }
}
