//! `/api/v1/apps`: create, get and list; apps are stored as raw JSON so unknown sign-on modes
//! and fields round-trip unchanged. An OIDC client's secret is generated on creation and shown only then, as Okta
//! does.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::paging::{FILTER, ListRequest, any_starts_with};
use crate::query::json_field;
use crate::respond::{ApiError, json_body, json_response, param, params};
use crate::state::{ListEndpoint, OrgState, Store};
use crate::support::{lock, random_alnum, ts};

/// The `token_endpoint_auth_method`s whose clients authenticate with a secret, which Okta generates when none is
/// given.
const SECRET_METHODS: [&str; 3] = ["client_secret_basic", "client_secret_post", "client_secret_jwt"];

/// An app as the org shows it after its creation: without its OAuth client secret.
pub(crate) fn shown(app: &Value) -> Value {
    let mut app = app.clone();
    if let Some(Value::Object(client)) = app.pointer_mut("/credentials/oauthClient") {
        client.remove("client_secret");
    }
    app
}

/// Completes and stores an app (shared by the endpoint and `MockOrg::seed_app`).
pub(crate) fn create_locked(store: &mut Store, mut app: Map<String, Value>, activate: bool) -> Result<Value, ApiError> {
    let mode = app.get("signOnMode").and_then(Value::as_str).unwrap_or_default().to_string();
    if mode.is_empty() {
        return Err(ApiError::validation("signOnMode: The field cannot be left blank"));
    }
    let label = app.get("label").and_then(Value::as_str).unwrap_or_default().to_string();
    if label.trim().is_empty() {
        return Err(ApiError::validation("label: The field cannot be left blank"));
    }
    let id = store.new_id("0oa");
    let now = ts(Utc::now());
    let base = store.base.clone();
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
                    let method = oc.entry("token_endpoint_auth_method").or_insert(json!("client_secret_basic"));
                    if method.as_str().is_some_and(|m| SECRET_METHODS.contains(&m)) {
                        oc.entry("client_secret").or_insert_with(|| json!(random_alnum(40)));
                    }
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
    store.apps.insert(id.clone(), v.clone());
    store.emit(
        "application.lifecycle.create",
        "Add application",
        vec![json!({"id": id, "type": "AppInstance", "alternateId": label, "displayName": label})],
    );
    Ok(v)
}

/// `POST /api/v1/apps`
pub(crate) async fn create(State(org): State<Arc<OrgState>>, RawQuery(raw_query): RawQuery, body: Bytes) -> Response {
    let query_params = params(raw_query.as_deref());
    let activate = param(&query_params, "activate").is_none_or(|v| !v.eq_ignore_ascii_case("false"));
    let app = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    match org.with_store(|store| create_locked(store, app, activate)) {
        Ok(v) => {
            org.counters.apps_created.inc();
            json_response(StatusCode::OK, &v)
        }
        Err(e) => e.into_response(),
    }
}

/// `PUT /api/v1/apps/{appId}`: the app as sent, keeping what the org set (its id, name, status, creation time, links,
/// OAuth client id and secret, and the defaults the request leaves out); the answer shows the secret, as on creation.
pub(crate) async fn replace(State(org): State<Arc<OrgState>>, Path(id): Path<String>, body: Bytes) -> Response {
    let sent = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let res = org.with_store(|store| {
        let old = store.apps.get(&id).cloned().ok_or_else(|| ApiError::not_found(&id))?;
        let label = sent.get("label").and_then(Value::as_str).unwrap_or_default().to_string();
        if label.trim().is_empty() {
            return Err(ApiError::validation("label: The field cannot be left blank"));
        }
        let mut app = sent;
        for kept in ["id", "name", "status", "created", "_links"] {
            if let Some(v) = old.get(kept) {
                app.insert(kept.into(), v.clone());
            }
        }
        for default in ["features", "visibility", "accessibility"] {
            if let Some(v) = old.get(default) {
                app.entry(default).or_insert_with(|| v.clone());
            }
        }
        if let Some(Value::Object(old_client)) = old.pointer("/credentials/oauthClient") {
            let credentials = app.entry("credentials").or_insert_with(|| json!({}));
            if let Value::Object(credentials) = credentials {
                let client = credentials.entry("oauthClient").or_insert_with(|| json!({}));
                if let Value::Object(client) = client {
                    for (k, v) in old_client {
                        client.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
        }
        app.insert("lastUpdated".into(), json!(ts(Utc::now())));
        let app = Value::Object(app);
        store.apps.insert(id.clone(), app.clone());
        let target = json!({"id": id, "type": "AppInstance", "alternateId": label, "displayName": label});
        store.emit("application.lifecycle.update", "Update application", vec![target]);
        Ok(app)
    });
    match res {
        Ok(app) => json_response(StatusCode::OK, &app),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/apps/{appId}`
pub(crate) async fn get(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    let store = lock(&org.store);
    match store.apps.get(&id) {
        Some(a) => json_response(StatusCode::OK, &shown(a)),
        None => ApiError::not_found(&id).into_response(),
    }
}

/// `GET /api/v1/apps` with `limit`, `after`, `q` (name/label starts with) and `filter`.
pub(crate) async fn list(
    State(org): State<Arc<OrgState>>,
    RawQuery(raw_query): RawQuery,
) -> Result<Response, ApiError> {
    let list = ListRequest::for_list(&org, ListEndpoint::Apps, raw_query.as_deref(), FILTER)?;
    let prefix = list.quick_search();
    let store = lock(&org.store);
    Ok(list.respond_by_id(&org.base, "/api/v1/apps", &store.apps, |app| {
        let wanted =
            prefix.as_deref().is_none_or(|prefix| any_starts_with(app.as_object(), &["name", "label"], prefix))
                && list.matches(&|p: &str| json_field(app, p));
        wanted.then(|| shown(app))
    }))
}
