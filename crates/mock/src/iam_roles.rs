//! Custom roles (Okta's Custom Roles API, `/api/v1/iam/roles`): created with their permissions, read, replaced and
//! deleted by id or label, and their permissions (`…/permissions/{permissionType}`) listed, added, read, given
//! conditions and removed, each kept as the org's (`iam.rs`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::iam::{self, ROLES, answer, collection, href, items, list_request, now, permissions_path, role_id};
use crate::respond::{ApiError, json_body};
use crate::state::OrgState;
use crate::state::Store;

/// A custom role's JSON as kept: its label, description and times, with its links.
fn role_json(store: &Store, id: &str, label: &str, description: &Value) -> Value {
    json!({
        "id": id,
        "label": label,
        "description": description,
        "created": now(),
        "lastUpdated": now(),
        "_links": {
            "permissions": href(store, &permissions_path(id)),
            "self": href(store, &format!("{ROLES}/{id}")),
        }
    })
}

/// A permission of a role as kept: its type (`label`), its conditions if any, its times and links.
fn permission_json(store: &Store, role: &str, permission: &str, conditions: Option<&Value>) -> Value {
    let mut p = json!({
        "label": permission,
        "created": now(),
        "lastUpdated": now(),
        "_links": {
            "role": href(store, &format!("{ROLES}/{role}")),
            "self": href(store, &format!("{}/{permission}", permissions_path(role))),
        }
    });
    if let (Some(conditions), Value::Object(m)) = (conditions.filter(|c| !c.is_null()), &mut p) {
        m.insert("conditions".into(), conditions.clone());
    }
    p
}

/// A required text field of a body, else Okta's E0000001 naming it.
fn required<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    body.get(field)
        .and_then(Value::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| ApiError::validation(format!("{field}: The field cannot be left blank")))
}

/// Okta's refusal of a second role with the same label.
fn check_label_free(store: &Store, label: &str, except: Option<&str>) -> Result<(), ApiError> {
    let taken = items(store, ROLES).is_some_and(|roles| {
        roles.iter().any(|(id, r)| Some(id.as_str()) != except && r.get("label").and_then(Value::as_str) == Some(label))
    });
    if taken {
        Err(ApiError::validation(format!("label: A role with the label '{label}' already exists")))
    } else {
        Ok(())
    }
}

/// `GET /api/v1/iam/roles` (listRoles): the org's custom roles under `roles`.
pub(crate) async fn list(State(org): State<Arc<OrgState>>, RawQuery(query): RawQuery) -> Response {
    let list = match list_request(query.as_deref()) {
        Ok(list) => list,
        Err(e) => return e.into_response(),
    };
    org.with_store(|store| {
        iam::list_answer(store, &list, ROLES, "roles", items(store, ROLES), |_, r| Some(r.clone()), &[])
    })
}

/// `POST /api/v1/iam/roles` (createRole): the role, with the permissions the body lists.
pub(crate) async fn create(State(org): State<Arc<OrgState>>, body: Bytes) -> Response {
    answer(org.with_store(|store| {
        let body = json_body(&body)?;
        let label = required(&body, "label")?;
        required(&body, "description")?;
        let permissions: Vec<String> = body
            .get("permissions")
            .and_then(Value::as_array)
            .map(|p| p.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        if permissions.is_empty() {
            return Err(ApiError::validation("permissions: The field cannot be left blank"));
        }
        check_label_free(store, label, None)?;
        let id = store.new_id("cr0");
        let role = role_json(store, &id, label, body.get("description").unwrap_or(&Value::Null));
        collection(store, ROLES).insert(id.clone(), role.clone());
        for permission in permissions {
            let p = permission_json(store, &id, &permission, None);
            collection(store, &permissions_path(&id)).insert(permission, p);
        }
        Ok((StatusCode::OK, Some(role)))
    }))
}

/// `GET /api/v1/iam/roles/{roleIdOrLabel}` (getRole).
pub(crate) async fn get(State(org): State<Arc<OrgState>>, Path(role): Path<String>) -> Response {
    answer(org.with_store(|store| {
        let id = role_id(store, &role)?;
        Ok((StatusCode::OK, items(store, ROLES).and_then(|r| r.get(&id)).cloned()))
    }))
}

/// `PUT /api/v1/iam/roles/{roleIdOrLabel}` (replaceRole): a new label and description.
pub(crate) async fn replace(State(org): State<Arc<OrgState>>, Path(role): Path<String>, body: Bytes) -> Response {
    answer(org.with_store(|store| {
        let id = role_id(store, &role)?;
        let body = json_body(&body)?;
        let label = required(&body, "label")?;
        required(&body, "description")?;
        check_label_free(store, label, Some(&id))?;
        let role = collection(store, ROLES).get_mut(&id).ok_or_else(|| ApiError::not_found(&id))?;
        if let Value::Object(m) = role {
            m.insert("label".into(), json!(label));
            m.insert("description".into(), body.get("description").cloned().unwrap_or(Value::Null));
            m.insert("lastUpdated".into(), now());
        }
        Ok((StatusCode::OK, Some(role.clone())))
    }))
}

/// `DELETE /api/v1/iam/roles/{roleIdOrLabel}` (deleteRole): the role, its permissions and its bindings.
pub(crate) async fn delete(State(org): State<Arc<OrgState>>, Path(role): Path<String>) -> Response {
    answer(org.with_store(|store| {
        let id = role_id(store, &role)?;
        collection(store, ROLES).remove(&id);
        store.generic.collections.remove(&permissions_path(&id));
        let sets: Vec<String> =
            items(store, iam::RESOURCE_SETS).map(|s| s.keys().cloned().collect()).unwrap_or_default();
        for set in sets {
            iam::remove_binding(store, &set, &id);
        }
        Ok((StatusCode::NO_CONTENT, None))
    }))
}

/// `GET /api/v1/iam/roles/{roleIdOrLabel}/permissions` (listRolePermissions): the role's permissions.
pub(crate) async fn list_permissions(State(org): State<Arc<OrgState>>, Path(role): Path<String>) -> Response {
    answer(org.with_store(|store| {
        let id = role_id(store, &role)?;
        let permissions: Vec<Value> =
            items(store, &permissions_path(&id)).map(|p| p.values().cloned().collect()).unwrap_or_default();
        Ok((StatusCode::OK, Some(json!({ "permissions": permissions }))))
    }))
}

/// The role (by id or label) and the permission of it the path names, if it has it.
fn permission<'a>(store: &'a Store, role: &str, permission: &str) -> Result<(String, Option<&'a Value>), ApiError> {
    let id = role_id(store, role)?;
    let found = items(store, &permissions_path(&id)).and_then(|p| p.get(permission));
    Ok((id, found))
}

/// `GET /api/v1/iam/roles/{roleIdOrLabel}/permissions/{permissionType}` (getRolePermission).
pub(crate) async fn get_permission(
    State(org): State<Arc<OrgState>>,
    Path((role, kind)): Path<(String, String)>,
) -> Response {
    answer(org.with_store(|store| {
        let (_, found) = permission(store, &role, &kind)?;
        let found = found.ok_or_else(|| ApiError::not_found(&kind))?;
        Ok((StatusCode::OK, Some(found.clone())))
    }))
}

/// The conditions a permission's body gives (`{"conditions": …}`; the body is optional).
fn conditions_of(body: &[u8]) -> Result<Option<Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Ok(json_body(body)?.get("conditions").cloned())
}

/// `POST /api/v1/iam/roles/{roleIdOrLabel}/permissions/{permissionType}` (createRolePermission): `204`. A permission
/// the role already has takes the conditions given (kept from when it was first granted).
pub(crate) async fn create_permission(
    State(org): State<Arc<OrgState>>,
    Path((role, kind)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    answer(org.with_store(|store| {
        let (id, found) = permission(store, &role, &kind)?;
        let created = found.and_then(|p| p.get("created")).cloned();
        let mut p = permission_json(store, &id, &kind, conditions_of(&body)?.as_ref());
        if let (Some(created), Value::Object(m)) = (created, &mut p) {
            m.insert("created".into(), created);
        }
        collection(store, &permissions_path(&id)).insert(kind, p);
        Ok((StatusCode::NO_CONTENT, None))
    }))
}

/// `PUT /api/v1/iam/roles/{roleIdOrLabel}/permissions/{permissionType}` (replaceRolePermission): its conditions.
pub(crate) async fn replace_permission(
    State(org): State<Arc<OrgState>>,
    Path((role, kind)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    answer(org.with_store(|store| {
        let (id, found) = permission(store, &role, &kind)?;
        let created = found.ok_or_else(|| ApiError::not_found(&kind))?.get("created").cloned();
        let mut p = permission_json(store, &id, &kind, conditions_of(&body)?.as_ref());
        if let (Some(created), Value::Object(m)) = (created, &mut p) {
            m.insert("created".into(), created);
        }
        collection(store, &permissions_path(&id)).insert(kind, p.clone());
        Ok((StatusCode::OK, Some(p)))
    }))
}

/// `DELETE /api/v1/iam/roles/{roleIdOrLabel}/permissions/{permissionType}` (deleteRolePermission).
pub(crate) async fn delete_permission(
    State(org): State<Arc<OrgState>>,
    Path((role, kind)): Path<(String, String)>,
) -> Response {
    answer(org.with_store(|store| {
        let id = role_id(store, &role)?;
        collection(store, &permissions_path(&id)).remove(&kind).ok_or_else(|| ApiError::not_found(&kind))?;
        Ok((StatusCode::NO_CONTENT, None))
    }))
}
