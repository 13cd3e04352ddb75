//! `/api/v1/groups`: create, get, list, replace, delete and memberships (and a user's groups). The org's `BUILT_IN`
//! Everyone group is managed by Okta alone: its profile and memberships cannot be changed, nor the group deleted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value};

use crate::paging::{ListRequest, SEARCH_AND_FILTER, any_starts_with, id_of};
use crate::query::json_field;
use crate::respond::{ApiError, empty, json_body, json_response};
use crate::state::{GroupRec, ListEndpoint, OrgState, Store, group_target, user_target};
use crate::support::{lock, ts};

/// Creates a group in a locked store (shared by the endpoint and `MockOrg::seed_group`).
pub(crate) fn create_locked(store: &mut Store, profile: Map<String, Value>) -> Result<GroupRec, ApiError> {
    let name = profile.get("name").and_then(Value::as_str).unwrap_or_default();
    if name.trim().is_empty() {
        return Err(ApiError::validation("name: The field cannot be left blank"));
    }
    let dup = store.groups.values().any(|g| g.profile.get("name").and_then(Value::as_str) == Some(name));
    if dup {
        return Err(ApiError::validation("name: An object with this field already exists in the current organization"));
    }
    let now = ts(Utc::now());
    let g = GroupRec {
        id: store.new_id("00g"),
        created: now.clone(),
        last_updated: now.clone(),
        last_membership_updated: now,
        profile,
        group_type: "OKTA_GROUP",
    };
    store.groups.insert(g.id.clone(), g.clone());
    store.members.entry(g.id.clone()).or_default();
    store.emit("group.lifecycle.create", "Create Okta group", vec![group_target(&g)]);
    Ok(g)
}

/// `POST /api/v1/groups`
pub(crate) async fn create(State(org): State<Arc<OrgState>>, body: Bytes) -> Response {
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let profile = match body.get("profile") {
        Some(Value::Object(p)) => p.clone(),
        _ => {
            return ApiError::validation("profile: The field cannot be left blank").into_response();
        }
    };
    match org.with_store(|store| create_locked(store, profile)) {
        Ok(g) => {
            org.counters.groups_created.inc();
            json_response(StatusCode::OK, &g.to_json(&org.base))
        }
        Err(e) => e.into_response(),
    }
}

/// Okta's refusal to change a `BUILT_IN` group (its profile, its members) or delete it: only `OKTA_GROUP` groups
/// are changed through the API.
fn unless_built_in(store: &Store, group_id: &str) -> Result<(), ApiError> {
    match store.groups.get(group_id) {
        Some(g) if g.group_type == "BUILT_IN" => {
            Err(ApiError::new(StatusCode::BAD_REQUEST, "E0000060", "Unsupported operation."))
        }
        _ => Ok(()),
    }
}

/// `GET /api/v1/groups/{groupId}`
pub(crate) async fn get(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    let store = lock(&org.store);
    match store.groups.get(&id) {
        Some(g) => json_response(StatusCode::OK, &g.to_json(&org.base)),
        None => ApiError::not_found(&id).into_response(),
    }
}

/// `PUT /api/v1/groups/{groupId}`: a new profile (its name still unique in the org).
pub(crate) async fn replace(State(org): State<Arc<OrgState>>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let Some(Value::Object(profile)) = body.get("profile").cloned() else {
        return ApiError::validation("profile: The field cannot be left blank").into_response();
    };
    let base = org.base.clone();
    let res = org.with_store(|store| {
        unless_built_in(store, &id)?;
        let name = profile.get("name").and_then(Value::as_str).unwrap_or_default();
        if name.trim().is_empty() {
            return Err(ApiError::validation("name: The field cannot be left blank"));
        }
        let taken =
            store.groups.values().any(|g| g.id != id && g.profile.get("name").and_then(Value::as_str) == Some(name));
        if taken {
            return Err(ApiError::validation(
                "name: An object with this field already exists in the current organization",
            ));
        }
        let g = store.groups.get_mut(&id).ok_or_else(|| ApiError::not_found(&id))?;
        g.profile = profile;
        g.last_updated = ts(Utc::now());
        let g = g.clone();
        store.emit("group.profile.update", "Update Okta group profile", vec![group_target(&g)]);
        Ok(g.to_json(&base))
    });
    match res {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// `DELETE /api/v1/groups/{groupId}`
pub(crate) async fn delete(State(org): State<Arc<OrgState>>, Path(id): Path<String>) -> Response {
    let res = org.with_store(|store| -> Result<(), ApiError> {
        unless_built_in(store, &id)?;
        let g = store.groups.remove(&id).ok_or_else(|| ApiError::not_found(&id))?;
        store.members.remove(&id);
        // The apps assigned to the group are no longer.
        store.forget_app_assignments("groups", &id);
        store.emit("group.lifecycle.delete", "Delete Okta group", vec![group_target(&g)]);
        Ok(())
    });
    match res {
        Ok(()) => empty(StatusCode::NO_CONTENT),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/groups` with `limit`, `after`, `q` (name starts with), `search`, `filter`.
pub(crate) async fn list(
    State(org): State<Arc<OrgState>>,
    RawQuery(raw_query): RawQuery,
) -> Result<Response, ApiError> {
    let list = ListRequest::for_list(&org, ListEndpoint::Groups, raw_query.as_deref(), SEARCH_AND_FILTER)?;
    let name_prefix = list.quick_search();
    let store = lock(&org.store);
    Ok(list.respond_by_id(&org.base, "/api/v1/groups", &store.groups, |group| {
        if let Some(prefix) = &name_prefix
            && !any_starts_with(Some(&group.profile), &["name"], prefix)
        {
            return None;
        }
        let json = group.to_json(&org.base);
        list.matches(&|p: &str| json_field(&json, p)).then_some(json)
    }))
}

/// The id of the user (given by id or login) of a membership to change, once the group is known to exist and to
/// be one whose members the API manages.
fn member_of(store: &Store, group_id: &str, user: &str) -> Result<String, ApiError> {
    if !store.groups.contains_key(group_id) {
        return Err(ApiError::not_found(group_id));
    }
    let user_id = store.resolve_user(user).ok_or_else(|| ApiError::not_found(user))?;
    unless_built_in(store, group_id)?;
    Ok(user_id)
}

/// `PUT /api/v1/groups/{groupId}/users/{userId}`
pub(crate) async fn add_member(
    State(org): State<Arc<OrgState>>,
    Path((group_id, user)): Path<(String, String)>,
) -> Response {
    let res = org.with_store(|store| -> Result<_, ApiError> {
        let user_id = member_of(store, &group_id, &user)?;
        Ok(store.add_member(&group_id, &user_id))
    });
    match res {
        Ok(added) => {
            if added {
                org.counters.memberships_added.inc();
            }
            empty(StatusCode::NO_CONTENT)
        }
        Err(e) => e.into_response(),
    }
}

/// `DELETE /api/v1/groups/{groupId}/users/{userId}`
pub(crate) async fn remove_member(
    State(org): State<Arc<OrgState>>,
    Path((group_id, user)): Path<(String, String)>,
) -> Response {
    let res = org.with_store(|store| -> Result<_, ApiError> {
        let user_id = member_of(store, &group_id, &user)?;
        let removed = store.members.get_mut(&group_id).is_some_and(|m| m.remove(&user_id));
        if removed {
            let mut targets = Vec::new();
            if let Some(u) = store.users.get(&user_id) {
                targets.push(user_target(u));
            }
            if let Some(g) = store.groups.get_mut(&group_id) {
                g.last_membership_updated = ts(Utc::now());
                targets.push(group_target(g));
            }
            store.emit("group.user_membership.remove", "Remove user from group membership", targets);
        }
        Ok(())
    });
    match res {
        Ok(()) => empty(StatusCode::NO_CONTENT),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/groups/{groupId}/users` (paged by user id).
pub(crate) async fn list_members(
    State(org): State<Arc<OrgState>>,
    Path(group_id): Path<String>,
    RawQuery(raw_query): RawQuery,
) -> Result<Response, ApiError> {
    let list = ListRequest::for_list(&org, ListEndpoint::GroupMembers, raw_query.as_deref(), &[])?;
    let page = {
        let store = lock(&org.store);
        let members = store.members.get(&group_id).ok_or_else(|| ApiError::not_found(&group_id))?;
        list.page(members.range::<str, _>(list.after()), |user_id| {
            store.users.get(user_id).map(|u| u.to_json(&org.base))
        })
    };
    let path = format!("/api/v1/groups/{group_id}/users");
    Ok(list.respond(&org.base, &path, &page.items, page.next(id_of).as_deref()))
}

/// `GET /api/v1/users/{id}/groups`: the groups the user is a member of (Everyone included), not paged.
pub(crate) async fn list_user_groups(State(org): State<Arc<OrgState>>, Path(user): Path<String>) -> Response {
    let store = lock(&org.store);
    let Some(user_id) = store.resolve_user(&user) else { return ApiError::not_found(&user).into_response() };
    let groups: Vec<Value> =
        store.groups_of(&user_id).iter().filter_map(|id| store.groups.get(id)).map(|g| g.to_json(&org.base)).collect();
    json_response(StatusCode::OK, &Value::Array(groups))
}
