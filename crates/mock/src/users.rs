//! `/api/v1/users`: create, read, update, lifecycle, delete and list.

use std::ops::Bound;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::paging::{ListRequest, SEARCH_AND_FILTER, any_starts_with};
use crate::respond::{ApiError, empty, json_body, json_response, param, params};
use crate::state::{ListEndpoint, OrgState, PageLimits, Store, UserRec, user_target};
use crate::support::{lock, random_alnum, ts};

const REQUIRED: [&str; 4] = ["login", "email", "firstName", "lastName"];

/// Checks a full profile as Okta's default user schema does.
fn validate_profile(store: &Store, profile: &Map<String, Value>, own_id: Option<&str>) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    for f in REQUIRED {
        match profile.get(f) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            _ => causes.push(format!("{f}: The field cannot be left blank")),
        }
    }
    let login = profile.get("login").and_then(Value::as_str).unwrap_or_default();
    if !login.is_empty() && !login.contains('@') {
        causes.push("login: Username must be in the form of an email address".to_string());
    }
    if let Some(email) = profile.get("email").and_then(Value::as_str)
        && !email.is_empty()
        && !email.contains('@')
    {
        causes.push("email: Does not match required pattern".to_string());
    }
    if let Some(existing) = store.logins.get(&login.to_lowercase())
        && Some(existing.as_str()) != own_id
    {
        causes.push("login: An object with this field already exists in the current organization".to_string());
    }
    ApiError::check_causes(causes)
}

fn bool_param(query_params: &[(String, String)], name: &str, default: bool) -> bool {
    param(query_params, name).map_or(default, |v| !v.eq_ignore_ascii_case("false"))
}

/// `POST /api/v1/users`
pub(crate) async fn create(State(org): State<Arc<OrgState>>, RawQuery(raw_query): RawQuery, body: Bytes) -> Response {
    let query_params = params(raw_query.as_deref());
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let activate = bool_param(&query_params, "activate", true);
    let profile = match body.get("profile") {
        Some(Value::Object(p)) => p.clone(),
        _ => {
            return ApiError::validation("profile: The field cannot be left blank").into_response();
        }
    };
    let has_password = body
        .get("credentials")
        .and_then(|c| c.get("password"))
        .and_then(|p| p.get("value").or_else(|| p.get("hash")))
        .is_some();
    // A hashed password (`hash`) is imported but cannot be checked here: only a `value` signs the user in.
    let password = password_value(&body);
    let group_ids: Vec<String> = body
        .get("groupIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let type_id = body
        .get("type")
        .and_then(|t| t.get("id"))
        .and_then(Value::as_str)
        .map_or_else(|| "otymock000000000000".to_string(), str::to_string);
    let base = org.base.clone();
    let res = org.with_store(|store| {
        validate_profile(store, &profile, None)?;
        for group_id in &group_ids {
            if !store.groups.contains_key(group_id) {
                return Err(ApiError::validation(format!("groupIds: Group {group_id} does not exist")));
            }
        }
        let now = ts(Utc::now());
        let status = match (activate, has_password) {
            (false, _) => "STAGED",
            (true, true) => "ACTIVE",
            (true, false) => "PROVISIONED",
        };
        let id = store.new_id("00u");
        let u = UserRec {
            id: id.clone(),
            status: status.to_string(),
            created: now.clone(),
            activated: activate.then(|| now.clone()),
            status_changed: activate.then(|| now.clone()),
            last_updated: now.clone(),
            password_changed: has_password.then(|| now.clone()),
            profile,
            has_password,
            type_id,
            extra: Map::new(),
        };
        let target = user_target(&u);
        store.insert_user(u.clone());
        if let Some(password) = &password {
            store.credentials.set_password(&id, password);
        }
        store.emit("user.lifecycle.create", "Create Okta user", vec![target.clone()]);
        if activate {
            store.emit("user.lifecycle.activate", "Activate Okta user", vec![target.clone()]);
        }
        for group_id in &group_ids {
            store.add_member(group_id, &id);
        }
        Ok(u.to_json(&base))
    });
    match res {
        Ok(v) => {
            org.counters.users_created.inc();
            json_response(StatusCode::OK, &v)
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/users/{userId}` (id or login)
pub(crate) async fn get(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    let store = lock(&org.store);
    match store.resolve_user(&id).and_then(|i| store.users.get(&i)) {
        Some(u) => json_response(StatusCode::OK, &u.to_json(&org.base)),
        None => ApiError::not_found(&id).into_response(),
    }
}

/// `POST /api/v1/users/{userId}` (partial) and `PUT /api/v1/users/{userId}` (full).
async fn update(org: Arc<OrgState>, id: String, body: Bytes, partial: bool) -> Response {
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let new_profile = match body.get("profile") {
        Some(Value::Object(p)) => Some(p.clone()),
        None if partial => None,
        _ => {
            return ApiError::validation("profile: The field cannot be left blank").into_response();
        }
    };
    let new_password = password_value(&body);
    let base = org.base.clone();
    let res: Result<Value, ApiError> = org.with_store(|store| {
        let uid = store.resolve_user(&id).ok_or_else(|| ApiError::not_found(&id))?;
        let mut u = store.users.get(&uid).cloned().ok_or_else(|| ApiError::not_found(&id))?;
        let old_login = u.login().to_lowercase();
        if let Some(p) = new_profile {
            if partial {
                for (k, v) in p {
                    u.profile.insert(k, v);
                }
            } else {
                u.profile = p;
            }
            validate_profile(store, &u.profile, Some(&uid))?;
        }
        let now = ts(Utc::now());
        if let Some(password) = &new_password {
            u.has_password = true;
            u.password_changed = Some(now.clone());
            store.credentials.set_password(&uid, password);
        }
        u.last_updated = now;
        store.logins.remove(&old_login);
        let target = user_target(&u);
        store.insert_user(u.clone());
        store.emit("user.account.update_profile", "Update user profile for Okta", vec![target]);
        Ok(u.to_json(&base))
    });
    match res {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/v1/users/{userId}`
pub(crate) async fn partial_update(State(org): State<Arc<OrgState>>, Path(id): Path<String>, body: Bytes) -> Response {
    update(org, id, body, true).await
}

/// `PUT /api/v1/users/{userId}`
pub(crate) async fn full_update(State(org): State<Arc<OrgState>>, Path(id): Path<String>, body: Bytes) -> Response {
    update(org, id, body, false).await
}

/// `POST /api/v1/users/{userId}/lifecycle/{op}`
pub(crate) async fn lifecycle(
    State(org): State<Arc<OrgState>>,
    Path((id, op)): Path<(String, String)>,
    RawQuery(raw_query): RawQuery,
) -> Response {
    let query_params = params(raw_query.as_deref());
    let send_email = bool_param(&query_params, "sendEmail", true);
    let base = org.base.clone();
    let res = org.with_store(|store| {
        let uid = store.resolve_user(&id).ok_or_else(|| ApiError::not_found(&id))?;
        let u = store.users.get_mut(&uid).ok_or_else(|| ApiError::not_found(&id))?;
        let now = ts(Utc::now());
        if op == "reset_factors" {
            // The factors are reset; the status stays.
            let target = user_target(u);
            store.emit("user.mfa.factor.reset_all", "Reset all factors for user", vec![target]);
            return Ok(json!({}));
        }
        let (new_status, event, msg) = match (op.as_str(), u.status.as_str()) {
            ("activate", "STAGED" | "DEPROVISIONED" | "PROVISIONED") => {
                (if u.has_password { "ACTIVE" } else { "PROVISIONED" }, "user.lifecycle.activate", "Activate Okta user")
            }
            ("activate", _) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "E0000016",
                    "Activation failed because the user is already active",
                ));
            }
            ("deactivate", "DEPROVISIONED") => return Ok(json!({})),
            ("deactivate", _) => ("DEPROVISIONED", "user.lifecycle.deactivate", "Deactivate Okta user"),
            ("suspend", "ACTIVE") => ("SUSPENDED", "user.lifecycle.suspend", "Suspend Okta user"),
            ("suspend", _) => {
                return Err(ApiError::validation("Cannot suspend a user that is not active"));
            }
            ("unsuspend", "SUSPENDED") => ("ACTIVE", "user.lifecycle.unsuspend", "Unsuspend Okta user"),
            ("unsuspend", _) => {
                return Err(ApiError::validation("Cannot unsuspend a user that is not suspended"));
            }
            ("unlock", "LOCKED_OUT") => ("ACTIVE", "user.account.unlock", "Unlock user account"),
            ("unlock", _) => {
                return Err(ApiError::new(StatusCode::FORBIDDEN, "E0000032", "Unlock is not allowed for this user."));
            }
            ("reactivate", "PROVISIONED") => ("PROVISIONED", "user.lifecycle.reactivate", "Reactivate Okta user"),
            ("reactivate", _) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "E0000038",
                    "This operation is not allowed in the user's current status.",
                ));
            }
            ("expire_password" | "expire_password_with_temp_password", "ACTIVE" | "PASSWORD_EXPIRED") => {
                ("PASSWORD_EXPIRED", "user.password.reset", "Expire password")
            }
            ("reset_password", "ACTIVE" | "PASSWORD_EXPIRED" | "RECOVERY" | "LOCKED_OUT") => {
                ("RECOVERY", "user.account.reset_password", "Reset password")
            }
            ("expire_password" | "expire_password_with_temp_password" | "reset_password", _) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "E0000038",
                    "This operation is not allowed in the user's current status.",
                ));
            }
            _ => return Err(ApiError::not_found(&format!("lifecycle/{op}"))),
        };
        u.status = new_status.to_string();
        u.status_changed = Some(now.clone());
        u.last_updated = now.clone();
        if op == "activate" {
            u.activated = Some(now);
        }
        let target = user_target(u);
        let user = u.to_json(&base);
        store.emit(event, msg, vec![target]);
        match op.as_str() {
            // A user who may no longer sign in keeps no session.
            "deactivate" | "suspend" => {
                store.credentials.end_sessions_of(&uid);
            }
            "unlock" => store.credentials.clear_failures(&uid),
            _ => {}
        }
        match op.as_str() {
            "expire_password" => return Ok(user),
            "expire_password_with_temp_password" => {
                // The temporary password is the user's password now, to be changed at the next sign-in.
                let temp = random_alnum(10);
                store.credentials.set_password(&uid, &temp);
                return Ok(json!({ "tempPassword": temp }));
            }
            "reset_password" if !send_email => {
                return Ok(json!({ "resetPasswordUrl": format!("{base}/reset_password/{}", random_alnum(20)) }));
            }
            _ => {}
        }
        if matches!(op.as_str(), "activate" | "reactivate") && !send_email {
            let token = random_alnum(20);
            return Ok(json!({
                "activationUrl": format!("{base}/welcome/{token}"),
                "activationToken": token,
            }));
        }
        Ok(json!({}))
    });
    match res {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// `DELETE /api/v1/users/{userId}`: deactivates a user that is not DEPROVISIONED, deletes one
/// that is, as Okta does.
pub(crate) async fn delete(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    let res: Result<bool, ApiError> = org.with_store(|store| {
        let uid = store.resolve_user(&id).ok_or_else(|| ApiError::not_found(&id))?;
        let u = store.users.get_mut(&uid).ok_or_else(|| ApiError::not_found(&id))?;
        let target = user_target(u);
        if u.status != "DEPROVISIONED" {
            let now = ts(Utc::now());
            u.status = "DEPROVISIONED".into();
            u.status_changed = Some(now.clone());
            u.last_updated = now;
            store.emit("user.lifecycle.deactivate", "Deactivate Okta user", vec![target]);
            store.credentials.end_sessions_of(&uid);
            return Ok(false);
        }
        let login = u.login().to_lowercase();
        store.users.remove(&uid);
        store.logins.remove(&login);
        store.credentials.forget_user(&uid);
        for m in store.members.values_mut() {
            m.remove(&uid);
        }
        store.forget_app_assignments("users", &uid);
        store.emit("user.lifecycle.delete.initiated", "Delete Okta user", vec![target]);
        Ok(true)
    });
    match res {
        Ok(deleted) => {
            if deleted {
                org.counters.users_deleted.inc();
            }
            empty(StatusCode::NO_CONTENT)
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/users`
pub(crate) async fn list(
    State(org): State<Arc<OrgState>>,
    RawQuery(raw_query): RawQuery,
) -> Result<Response, ApiError> {
    let query_params = params(raw_query.as_deref());
    let limits = lock(&org.settings).limits(ListEndpoint::Users);
    let quick_search = param(&query_params, "q").map(str::to_lowercase);
    // `q` is not paged and defaults to 10 results, as Okta documents.
    let limits = if quick_search.is_some() { PageLimits { default: 10, ..limits } } else { limits };
    let list = ListRequest::new(query_params, Some(limits), SEARCH_AND_FILTER)?;
    let (items, next) = {
        let store = lock(&org.store);
        let keys = if quick_search.is_none() { list.after() } else { (Bound::Unbounded, Bound::Unbounded) };
        let page = list.page(store.users.range::<str, _>(keys), |(_, u)| {
            let keep = if let Some(prefix) = &quick_search {
                any_starts_with(Some(&u.profile), &["firstName", "lastName", "email", "login"], prefix)
            } else if !list.has_expressions() {
                // Without search/filter Okta lists every user but the DEPROVISIONED ones.
                u.status != "DEPROVISIONED"
            } else {
                list.matches(&|p: &str| u.field(p))
            };
            keep.then_some(u)
        });
        let next = if quick_search.is_none() { page.next(|u| Some(u.id.clone())) } else { None };
        let json: Vec<Value> = page.items.iter().map(|u| u.to_json(&org.base)).collect();
        (json, next)
    };
    Ok(list.respond(&org.base, "/api/v1/users", &items, next.as_deref()))
}

/// The password a request body sets (`credentials.password.value`).
fn password_value(body: &Map<String, Value>) -> Option<String> {
    let password = body.get("credentials")?.get("password")?;
    password.get("value")?.as_str().map(str::to_string)
}

/// Changes a user's password after checking the current one, as Okta's change-password operations do (the Users
/// API's and the Authn API's for an expired password): the user is `ACTIVE` afterwards.
pub(crate) fn change_password_locked(
    store: &mut Store,
    user_id: &str,
    old: &str,
    new: &str,
    revoke_sessions: bool,
) -> Result<(), ApiError> {
    let status = store.users.get(user_id).map(|u| u.status.clone()).ok_or_else(|| ApiError::not_found(user_id))?;
    let allowed = matches!(status.as_str(), "STAGED" | "ACTIVE" | "PASSWORD_EXPIRED" | "RECOVERY");
    if !allowed || !store.credentials.has_password(user_id) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "E0000035", "Change password not allowed on specified user."));
    }
    if !store.credentials.password_matches(user_id, old) {
        let mut e = ApiError::new(StatusCode::FORBIDDEN, "E0000014", "Update of credentials failed");
        e.causes.push("oldPassword: Old Password is not correct".into());
        return Err(e);
    }
    store.credentials.set_password(user_id, new);
    if revoke_sessions {
        store.credentials.end_sessions_of(user_id);
    }
    let now = ts(Utc::now());
    let Some(u) = store.users.get_mut(user_id) else { return Err(ApiError::not_found(user_id)) };
    if matches!(status.as_str(), "PASSWORD_EXPIRED" | "RECOVERY") {
        u.status = "ACTIVE".into();
        u.status_changed = Some(now.clone());
    }
    u.password_changed = Some(now.clone());
    u.last_updated = now;
    let target = user_target(u);
    store.emit("user.account.update_password", "User update password for Okta", vec![target]);
    Ok(())
}

/// `POST /api/v1/users/{userId}/credentials/change_password`
pub(crate) async fn change_password(State(org): State<Arc<OrgState>>, Path(id): Path<String>, body: Bytes) -> Response {
    let answer = (|| {
        let body = json_body(&body)?;
        let value = |name: &str| body.get(name).and_then(|p| p.get("value")).and_then(Value::as_str);
        let (old, new) = (value("oldPassword"), value("newPassword"));
        let missing = [("oldPassword", old), ("newPassword", new)].into_iter().filter(|(_, v)| v.is_none());
        ApiError::check_causes(missing.map(|(k, _)| format!("{k}: The field cannot be left blank")).collect())?;
        let revoke = body.get("revokeSessions").and_then(Value::as_bool).unwrap_or(false);
        org.with_store(|store| {
            let uid = store.resolve_user(&id).ok_or_else(|| ApiError::not_found(&id))?;
            change_password_locked(store, &uid, old.unwrap_or_default(), new.unwrap_or_default(), revoke)
        })
    })();
    match answer {
        Ok(()) => json_response(StatusCode::OK, &json!({"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}})),
        Err(e) => e.into_response(),
    }
}
