//! `/api/v1/groups`: create, get, list, replace, delete and memberships.

use std::ops::Bound;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value};

use super::ListEndpoint;
use super::query::{self, json_field};
use super::respond::{ApiError, empty, json_body, json_response, limit, link_headers, page_response, param, params};
use super::state::{CounterSet, GroupRec, Inner, Store, group_target, lock, ts, user_target};

type S = State<Arc<Inner>>;

/// Creates a group in a locked store (shared by the endpoint and `MockOrg::seed_group`).
pub(crate) fn create_locked(s: &mut Store, profile: Map<String, Value>) -> Result<GroupRec, ApiError> {
    let name = profile.get("name").and_then(Value::as_str).unwrap_or_default();
    if name.trim().is_empty() {
        return Err(ApiError::validation("name: The field cannot be left blank"));
    }
    let dup = s.groups.values().any(|g| g.profile.get("name").and_then(Value::as_str) == Some(name));
    if dup {
        return Err(ApiError::validation("name: An object with this field already exists in the current organization"));
    }
    let now = ts(Utc::now());
    let g = GroupRec {
        id: s.new_id("00g"),
        created: now.clone(),
        last_updated: now.clone(),
        last_membership_updated: now,
        profile,
    };
    s.groups.insert(g.id.clone(), g.clone());
    s.members.entry(g.id.clone()).or_default();
    s.emit("group.lifecycle.create", "Create Okta group", vec![group_target(&g)]);
    Ok(g)
}

/// `POST /api/v1/groups`
pub(crate) async fn create(State(st): S, body: Bytes) -> Response {
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
    match st.with_store(|s| create_locked(s, profile)) {
        Ok(g) => {
            CounterSet::inc(&st.counters.groups_created);
            json_response(StatusCode::OK, &g.to_json(&st.base))
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/groups/{groupId}`
pub(crate) async fn get(State(st): S, Path(id): Path<String>) -> Response {
    let s = lock(&st.store);
    match s.groups.get(&id) {
        Some(g) => json_response(StatusCode::OK, &g.to_json(&st.base)),
        None => ApiError::not_found(&id).into_response(),
    }
}

/// `PUT /api/v1/groups/{groupId}`: a new profile (its name still unique in the org).
pub(crate) async fn replace(State(st): S, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let Some(Value::Object(profile)) = body.get("profile").cloned() else {
        return ApiError::validation("profile: The field cannot be left blank").into_response();
    };
    let base = st.base.clone();
    let res = st.with_store(|s| {
        let name = profile.get("name").and_then(Value::as_str).unwrap_or_default();
        if name.trim().is_empty() {
            return Err(ApiError::validation("name: The field cannot be left blank"));
        }
        let taken =
            s.groups.values().any(|g| g.id != id && g.profile.get("name").and_then(Value::as_str) == Some(name));
        if taken {
            return Err(ApiError::validation(
                "name: An object with this field already exists in the current organization",
            ));
        }
        let g = s.groups.get_mut(&id).ok_or_else(|| ApiError::not_found(&id))?;
        g.profile = profile;
        g.last_updated = ts(Utc::now());
        let g = g.clone();
        s.emit("group.profile.update", "Update Okta group profile", vec![group_target(&g)]);
        Ok(g.to_json(&base))
    });
    match res {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

/// `DELETE /api/v1/groups/{groupId}`
pub(crate) async fn delete(State(st): S, Path(id): Path<String>) -> Response {
    let res = st.with_store(|s| match s.groups.remove(&id) {
        Some(g) => {
            s.members.remove(&id);
            s.emit("group.lifecycle.delete", "Delete Okta group", vec![group_target(&g)]);
            Ok(())
        }
        None => Err(ApiError::not_found(&id)),
    });
    match res {
        Ok(()) => empty(StatusCode::NO_CONTENT),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/groups` with `limit`, `after`, `q` (name starts with), `search`, `filter`.
pub(crate) async fn list(State(st): S, RawQuery(q): RawQuery) -> Response {
    let ps = params(q.as_deref());
    let lim = lock(&st.settings).limits(ListEndpoint::Groups);
    let n = match limit(&ps, lim.default, lim.max) {
        Ok(n) => n,
        Err(e) => return e.into_response(),
    };
    let exprs = match query::search_and_filter(&ps) {
        Ok(exprs) => exprs,
        Err(e) => return e.into_response(),
    };
    let qv = param(&ps, "q").map(str::to_lowercase);
    let after = param(&ps, "after");
    let (items, next) = {
        let s = lock(&st.store);
        let range = match after {
            Some(a) => s.groups.range::<str, _>((Bound::Excluded(a), Bound::Unbounded)),
            None => s.groups.range::<str, _>((Bound::Unbounded, Bound::Unbounded)),
        };
        let mut out = Vec::new();
        let mut more = false;
        for g in range.map(|(_, g)| g) {
            if let Some(qv) = &qv {
                let name = g.profile.get("name").and_then(Value::as_str).unwrap_or_default();
                if !name.to_lowercase().starts_with(qv.as_str()) {
                    continue;
                }
            }
            let json = g.to_json(&st.base);
            if !exprs.iter().all(|e| e.matches(&|p: &str| json_field(&json, p))) {
                continue;
            }
            if out.len() == n {
                more = true;
                break;
            }
            out.push(json);
        }
        let next =
            if more { out.last().and_then(|v| v.get("id")).and_then(Value::as_str).map(str::to_string) } else { None };
        (out, next)
    };
    page_response(&items, link_headers(&st.base, "/api/v1/groups", &ps, next.as_deref()))
}

/// `PUT /api/v1/groups/{groupId}/users/{userId}`
pub(crate) async fn add_member(State(st): S, Path((gid, uid)): Path<(String, String)>) -> Response {
    let res = st.with_store(|s| {
        if !s.groups.contains_key(&gid) {
            return Err(ApiError::not_found(&gid));
        }
        let uid = s.resolve_user(&uid).ok_or_else(|| ApiError::not_found(&uid))?;
        Ok(super::users::add_member_locked(s, &gid, &uid))
    });
    match res {
        Ok(added) => {
            if added {
                CounterSet::inc(&st.counters.memberships_added);
            }
            empty(StatusCode::NO_CONTENT)
        }
        Err(e) => e.into_response(),
    }
}

/// `DELETE /api/v1/groups/{groupId}/users/{userId}`
pub(crate) async fn remove_member(State(st): S, Path((gid, uid)): Path<(String, String)>) -> Response {
    let res = st.with_store(|s| {
        if !s.groups.contains_key(&gid) {
            return Err(ApiError::not_found(&gid));
        }
        let uid = s.resolve_user(&uid).ok_or_else(|| ApiError::not_found(&uid))?;
        let removed = s.members.get_mut(&gid).is_some_and(|m| m.remove(&uid));
        if removed {
            let mut targets = Vec::new();
            if let Some(u) = s.users.get(&uid) {
                targets.push(user_target(u));
            }
            if let Some(g) = s.groups.get_mut(&gid) {
                g.last_membership_updated = ts(Utc::now());
                targets.push(group_target(g));
            }
            s.emit("group.user_membership.remove", "Remove user from group membership", targets);
        }
        Ok(())
    });
    match res {
        Ok(()) => empty(StatusCode::NO_CONTENT),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/v1/groups/{groupId}/users` (paged by user id).
pub(crate) async fn list_members(State(st): S, Path(gid): Path<String>, RawQuery(q): RawQuery) -> Response {
    let ps = params(q.as_deref());
    let lim = lock(&st.settings).limits(ListEndpoint::GroupMembers);
    let n = match limit(&ps, lim.default, lim.max) {
        Ok(n) => n,
        Err(e) => return e.into_response(),
    };
    let after = param(&ps, "after");
    let res = {
        let s = lock(&st.store);
        match s.members.get(&gid) {
            None => Err(ApiError::not_found(&gid)),
            Some(m) => {
                let range = match after {
                    Some(a) => m.range::<str, _>((Bound::Excluded(a), Bound::Unbounded)),
                    None => m.range::<str, _>((Bound::Unbounded, Bound::Unbounded)),
                };
                let mut out = Vec::new();
                let mut last = None;
                let mut more = false;
                for uid in range {
                    let Some(u) = s.users.get(uid) else { continue };
                    if out.len() == n {
                        more = true;
                        break;
                    }
                    out.push(u.to_json(&st.base));
                    last = Some(uid.clone());
                }
                Ok((out, if more { last } else { None }))
            }
        }
    };
    match res {
        Ok((items, next)) => {
            let path = format!("/api/v1/groups/{gid}/users");
            page_response(&items, link_headers(&st.base, &path, &ps, next.as_deref()))
        }
        Err(e) => e.into_response(),
    }
}
