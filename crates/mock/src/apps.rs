//! `/api/v1/apps`: create, get and list; apps are stored as raw JSON so unknown sign-on modes
//! and fields round-trip unchanged.

use std::ops::Bound;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::ListEndpoint;
use super::query::{self, json_field};
use super::respond::{ApiError, json_body, json_response, limit, link_headers, page_response, param, params};
use super::state::{CounterSet, Inner, Store, lock, random_alnum, ts};

type S = State<Arc<Inner>>;

/// Completes and stores an app (shared by the endpoint and `MockOrg::seed_app`).
pub(crate) fn create_locked(s: &mut Store, mut app: Map<String, Value>, activate: bool) -> Result<Value, ApiError> {
    let mode = app.get("signOnMode").and_then(Value::as_str).unwrap_or_default().to_string();
    if mode.is_empty() {
        return Err(ApiError::validation("signOnMode: The field cannot be left blank"));
    }
    let label = app.get("label").and_then(Value::as_str).unwrap_or_default().to_string();
    if label.trim().is_empty() {
        return Err(ApiError::validation("label: The field cannot be left blank"));
    }
    let id = s.new_id("0oa");
    let now = ts(Utc::now());
    let base = s.base.clone();
    match mode.as_str() {
        "BOOKMARK" => {
            let url = app.get("settings").and_then(|x| x.get("app")).and_then(|x| x.get("url"));
            if !url.is_some_and(Value::is_string) {
                return Err(ApiError::validation("settings.app.url: The field cannot be left blank"));
            }
            app.insert("name".into(), json!("bookmark"));
        }
        "OPENID_CONNECT" => {
            app.insert("name".into(), json!("oidc_client"));
            let creds = app.entry("credentials").or_insert_with(|| json!({}));
            if let Value::Object(c) = creds {
                let oc = c.entry("oauthClient").or_insert_with(|| json!({}));
                if let Value::Object(oc) = oc {
                    oc.entry("client_id").or_insert_with(|| json!(id.clone()));
                    oc.entry("autoKeyRotation").or_insert(json!(true));
                    oc.entry("token_endpoint_auth_method").or_insert(json!("client_secret_basic"));
                }
            }
        }
        "SAML_2_0" => {
            let slug: String =
                label.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
            app.insert("name".into(), json!(format!("{slug}_{}", random_alnum(4).to_lowercase())));
        }
        // Other modes (including ones the spec does not list) are kept exactly as sent.
        _ => {}
    }
    app.insert("id".into(), json!(id));
    app.insert("created".into(), json!(now));
    app.insert("lastUpdated".into(), json!(now));
    app.insert("status".into(), json!(if activate { "ACTIVE" } else { "INACTIVE" }));
    app.entry("features").or_insert_with(|| json!([]));
    app.entry("visibility")
        .or_insert_with(|| json!({"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}, "appLinks": {}}));
    app.entry("accessibility").or_insert_with(|| json!({"selfService": false}));
    let href = format!("{base}/api/v1/apps/{id}");
    app.insert(
        "_links".into(),
        json!({
            "self": {"href": href},
            "users": {"href": format!("{href}/users")},
            "groups": {"href": format!("{href}/groups")},
            "deactivate": {"href": format!("{href}/lifecycle/deactivate")},
        }),
    );
    let v = Value::Object(app);
    s.apps.insert(id.clone(), v.clone());
    s.emit(
        "application.lifecycle.create",
        "Add application",
        vec![json!({"id": id, "type": "AppInstance", "alternateId": label, "displayName": label})],
    );
    Ok(v)
}

/// `POST /api/v1/apps`
pub(crate) async fn create(State(st): S, RawQuery(q): RawQuery, body: Bytes) -> Response {
    let ps = params(q.as_deref());
    let activate = param(&ps, "activate").is_none_or(|v| !v.eq_ignore_ascii_case("false"));
    let app = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    match st.with_store(|s| create_locked(s, app, activate)) {
        Ok(v) => {
            CounterSet::inc(&st.counters.apps_created);
            json_response(StatusCode::OK, &v)
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/apps/{appId}`
pub(crate) async fn get(State(st): S, Path(id): Path<String>) -> Response {
    let s = lock(&st.store);
    match s.apps.get(&id) {
        Some(a) => json_response(StatusCode::OK, a),
        None => ApiError::not_found(&id).into_response(),
    }
}

/// `GET /api/v1/apps` with `limit`, `after`, `q` (name/label starts with) and `filter`.
pub(crate) async fn list(State(st): S, RawQuery(q): RawQuery) -> Response {
    let ps = params(q.as_deref());
    let lim = lock(&st.settings).limits(ListEndpoint::Apps);
    let n = match limit(&ps, lim.default, lim.max) {
        Ok(n) => n,
        Err(e) => return e.into_response(),
    };
    let filter = match param(&ps, "filter").map(query::parse).transpose() {
        Ok(f) => f,
        Err(e) => return ApiError::search(&e.0).into_response(),
    };
    let qv = param(&ps, "q").map(str::to_lowercase);
    let after = param(&ps, "after");
    let (items, next) = {
        let s = lock(&st.store);
        let range = match after {
            Some(a) => s.apps.range::<str, _>((Bound::Excluded(a), Bound::Unbounded)),
            None => s.apps.range::<str, _>((Bound::Unbounded, Bound::Unbounded)),
        };
        let mut out: Vec<Value> = Vec::new();
        let mut more = false;
        for (_, a) in range {
            if let Some(qv) = &qv {
                let hit = ["name", "label"].iter().any(|f| {
                    a.get(*f).and_then(Value::as_str).is_some_and(|v| v.to_lowercase().starts_with(qv.as_str()))
                });
                if !hit {
                    continue;
                }
            }
            if let Some(f) = &filter
                && !f.matches(&|p: &str| json_field(a, p))
            {
                continue;
            }
            if out.len() == n {
                more = true;
                break;
            }
            out.push(a.clone());
        }
        let next =
            if more { out.last().and_then(|v| v.get("id")).and_then(Value::as_str).map(str::to_string) } else { None };
        (out, next)
    };
    page_response(&items, link_headers(&st.base, "/api/v1/apps", &ps, next.as_deref()))
}
