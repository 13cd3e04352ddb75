//! Who an app is assigned to, read from the org's assignments: a user's app links, a group's apps and an app's users,
//! each directly assigned (scope `USER`) or a member of an assigned group (scope `GROUP`). The assignments themselves
//! are written by the operations served from the spec (`generic.rs`), kept under `/api/v1/apps/{appId}/users/{userId}`
//! and `/api/v1/apps/{appId}/groups/{groupId}`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::apps::shown;
use crate::paging::{ListRequest, any_starts_with, id_of};
use crate::respond::{ApiError, json_response, params};
use crate::state::{OrgState, PageLimits, Store};
use crate::support::lock;

/// `listApplicationUsers`' page size: 50 unless asked, at most 500 (the spec's `limit`).
const APP_USER_LIMITS: PageLimits = PageLimits { default: 50, max: 500 };
/// `listAssignedApplicationsForGroup`'s page size: 20 unless asked (the spec's `limit`), at most 200.
const GROUP_APP_LIMITS: PageLimits = PageLimits { default: 20, max: 200 };

/// The users assigned to an app directly, by user id, as kept.
fn direct_users<'a>(store: &'a Store, app_id: &str) -> Option<&'a BTreeMap<String, Value>> {
    store.generic.collections.get(&format!("/api/v1/apps/{app_id}/users"))
}

/// The ids of the groups assigned to an app, in priority order (`priority`, then id).
fn assigned_groups(store: &Store, app_id: &str) -> Vec<String> {
    let Some(groups) = store.generic.collections.get(&format!("/api/v1/apps/{app_id}/groups")) else {
        return Vec::new();
    };
    let mut ids: Vec<(i64, &String)> = groups
        .iter()
        .filter(|(id, _)| store.groups.contains_key(id.as_str()))
        .map(|(id, g)| (g.get("priority").and_then(Value::as_i64).unwrap_or(i64::MAX), id))
        .collect();
    ids.sort();
    ids.into_iter().map(|(_, id)| id.clone()).collect()
}

/// Every user an app is assigned to, by user id: the direct assignments as kept, then (for users not assigned
/// directly) the members of its groups, through the first group by priority.
fn app_users(store: &Store, base: &str, app_id: &str) -> BTreeMap<String, Value> {
    let mut users = BTreeMap::new();
    for (user_id, assignment) in direct_users(store, app_id).into_iter().flatten() {
        if store.users.contains_key(user_id) {
            users.insert(user_id.clone(), with_links(assignment.clone(), base, app_id, user_id, None));
        }
    }
    for group_id in assigned_groups(store, app_id) {
        for user_id in store.members.get(&group_id).into_iter().flatten() {
            if users.contains_key(user_id) {
                continue;
            }
            if let Some(user) = store.users.get(user_id) {
                let assignment = json!({
                    "id": user_id,
                    "externalId": null,
                    "created": user.created,
                    "lastUpdated": user.last_updated,
                    "scope": "GROUP",
                    "status": "ACTIVE",
                    "statusChanged": user.status_changed,
                    "passwordChanged": null,
                    "syncState": "DISABLED",
                    "lastSync": null,
                    "credentials": {"userName": user.login()},
                    "profile": {},
                });
                users.insert(user_id.clone(), with_links(assignment, base, app_id, user_id, Some(&group_id)));
            }
        }
    }
    users
}

/// An app user's links: its app, its user (and the group it is assigned through), as the org's URLs; what an
/// example left in `_embedded` is not the org's.
fn with_links(mut assignment: Value, base: &str, app_id: &str, user_id: &str, group: Option<&str>) -> Value {
    if let Value::Object(m) = &mut assignment {
        let mut links = Map::new();
        links.insert("app".into(), json!({"href": format!("{base}/api/v1/apps/{app_id}")}));
        links.insert("user".into(), json!({"href": format!("{base}/api/v1/users/{user_id}")}));
        if let Some(group_id) = group {
            links.insert("group".into(), json!({"href": format!("{base}/api/v1/groups/{group_id}")}));
        }
        m.insert("_links".into(), Value::Object(links));
        m.remove("_embedded");
    }
    assignment
}

/// With `expand=user`: the user itself in `_embedded.user`.
fn embed_user(store: &Store, base: &str, mut assignment: Value) -> Value {
    let user = assignment.get("id").and_then(Value::as_str).and_then(|id| store.users.get(id));
    if let (Some(user), Value::Object(m)) = (user, &mut assignment) {
        m.insert("_embedded".into(), json!({ "user": user.to_json(base) }));
    }
    assignment
}

/// `GET /api/v1/apps/{appId}/users`: direct and group assignments, paged by user id; `q` matches the start of the
/// user name, first name, last name or email.
pub(crate) async fn list_app_users(
    State(org): State<Arc<OrgState>>,
    Path(app_id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> Result<Response, ApiError> {
    let list = ListRequest::new(params(raw_query.as_deref()), Some(APP_USER_LIMITS), &[])?;
    let prefix = list.quick_search();
    let expand_user = list.param("expand") == Some("user");
    let store = lock(&org.store);
    if !store.apps.contains_key(&app_id) {
        return Err(ApiError::not_found(&app_id));
    }
    let users = app_users(&store, &org.base, &app_id);
    let page = list.page(users.range::<str, _>(list.after()), |(user_id, assignment)| {
        if let Some(prefix) = &prefix {
            let profile = store.users.get(user_id).map(|u| &u.profile);
            let credentials = assignment.get("credentials").and_then(Value::as_object);
            let matched = any_starts_with(credentials, &["userName"], prefix)
                || any_starts_with(profile, &["firstName", "lastName", "email"], prefix);
            if !matched {
                return None;
            }
        }
        Some(if expand_user { embed_user(&store, &org.base, assignment.clone()) } else { assignment.clone() })
    });
    let path = format!("/api/v1/apps/{app_id}/users");
    Ok(list.respond(&org.base, &path, &page.items, page.next(id_of).as_deref()))
}

/// `GET /api/v1/apps/{appId}/users/{userId}`: the user's assignment, direct or through a group.
pub(crate) async fn get_app_user(
    State(org): State<Arc<OrgState>>,
    Path((app_id, user)): Path<(String, String)>,
    RawQuery(raw_query): RawQuery,
) -> Response {
    let expand_user = params(raw_query.as_deref()).iter().any(|(k, v)| k == "expand" && v == "user");
    let store = lock(&org.store);
    if !store.apps.contains_key(&app_id) {
        return ApiError::not_found(&app_id).into_response();
    }
    let Some(user_id) = store.resolve_user(&user) else { return ApiError::not_found(&user).into_response() };
    match app_users(&store, &org.base, &app_id).remove(&user_id) {
        Some(assignment) if expand_user => json_response(StatusCode::OK, &embed_user(&store, &org.base, assignment)),
        Some(assignment) => json_response(StatusCode::OK, &assignment),
        None => ApiError::not_found(&user).into_response(),
    }
}

/// `GET /api/v1/groups/{groupId}/apps`: the apps the group is assigned to, paged by app id.
pub(crate) async fn list_group_apps(
    State(org): State<Arc<OrgState>>,
    Path(group_id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> Result<Response, ApiError> {
    let list = ListRequest::new(params(raw_query.as_deref()), Some(GROUP_APP_LIMITS), &[])?;
    let store = lock(&org.store);
    if !store.groups.contains_key(&group_id) {
        return Err(ApiError::not_found(&group_id));
    }
    let path = format!("/api/v1/groups/{group_id}/apps");
    Ok(list.respond_by_id(&org.base, &path, &store.apps, |app| {
        let app_id = app.get("id").and_then(Value::as_str)?;
        assigned_groups(&store, app_id).contains(&group_id).then(|| shown(app))
    }))
}

/// `GET /api/v1/users/{id}/appLinks`: a link for each active app the user is assigned to, directly or through a
/// group (not paged).
pub(crate) async fn list_app_links(State(org): State<Arc<OrgState>>, Path(user): Path<String>) -> Response {
    let store = lock(&org.store);
    let Some(user_id) = store.resolve_user(&user) else { return ApiError::not_found(&user).into_response() };
    let groups: BTreeSet<String> = store.groups_of(&user_id).into_iter().collect();
    let base = &org.base;
    let mut links = Vec::new();
    for (app_id, app) in &store.apps {
        if app.get("status").and_then(Value::as_str) != Some("ACTIVE") {
            continue;
        }
        let direct = direct_users(&store, app_id).is_some_and(|users| users.contains_key(&user_id));
        if !direct && !assigned_groups(&store, app_id).iter().any(|g| groups.contains(g)) {
            continue;
        }
        let text = |k: &str| app.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let name = text("name");
        let hidden = app.pointer("/visibility/hide/web").and_then(Value::as_bool).unwrap_or(false);
        links.push(json!({
            "id": user_id,
            "label": text("label"),
            "linkUrl": format!("{base}/home/{name}/{app_id}/{}", links.len() + 1),
            "logoUrl": format!("{base}/img/logos/default.png"),
            "appName": name,
            "appInstanceId": app_id,
            "appAssignmentId": format!("0ua{}", app_id.get(3..).unwrap_or_default()),
            "credentialsSetup": false,
            "hidden": hidden,
            "sortOrder": links.len(),
        }));
    }
    json_response(StatusCode::OK, &Value::Array(links))
}
