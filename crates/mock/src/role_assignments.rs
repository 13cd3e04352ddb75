//! Role assignments (Okta's Role Assignment API): a standard role, or a custom role over a resource set, assigned
//! to a user (`POST /api/v1/users/{userId}/roles`) or a group (`POST /api/v1/groups/{groupId}/roles`) and
//! unassigned; the Role object answered as Okta shapes it (`label`, `assignmentType`, `_links.assignee`), and the
//! users that have roles (`GET /api/v1/iam/assignees/users`). Reading an assignment, listing a principal's and their
//! targets are served from the spec (`generic.rs`) on the same collections (`iam.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::iam::{
    self, Principal, add_member, answer, assignment_json, assignments_path, collection, forget_custom_assignment,
};
use crate::respond::{ApiError, json_body};
use crate::state::{OrgState, Store};

/// `POST /api/v1/users/{userId}/roles` (assignRoleToUser): `201` with the assignment.
pub(crate) async fn assign_to_user(
    State(org): State<Arc<OrgState>>,
    Path(user): Path<String>,
    body: Bytes,
) -> Response {
    answer(org.with_store(|store| {
        let id = store.resolve_user(&user).ok_or_else(|| ApiError::not_found(&user))?;
        assign(store, &Principal::User(id), &body).map(|v| (StatusCode::CREATED, Some(v)))
    }))
}

/// `POST /api/v1/groups/{groupId}/roles` (assignRoleToGroup): `200` with the assignment.
pub(crate) async fn assign_to_group(
    State(org): State<Arc<OrgState>>,
    Path(group): Path<String>,
    body: Bytes,
) -> Response {
    answer(org.with_store(|store| {
        if !store.groups.contains_key(&group) {
            return Err(ApiError::not_found(&group));
        }
        assign(store, &Principal::Group(group.clone()), &body).map(|v| (StatusCode::OK, Some(v)))
    }))
}

/// Assigns the role the body names (`{"type": "…"}`, or `{"type": "CUSTOM", "role": …, "resource-set": …}`).
fn assign(store: &mut Store, principal: &Principal, body: &[u8]) -> Result<Value, ApiError> {
    let body = json_body(body)?;
    let field = |k: &str| body.get(k).and_then(Value::as_str).filter(|v| !v.is_empty());
    let kind = field("type").ok_or_else(|| ApiError::validation("type: The field cannot be left blank"))?;
    if kind == "CUSTOM" {
        let (Some(role), Some(set)) = (field("role"), field("resource-set")) else {
            return Err(ApiError::validation("role: A custom role assignment names a role and a resource-set"));
        };
        let role = iam::role_id(store, role)?;
        let set = iam::resource_set_id(store, set)?;
        let id = add_member(store, &set, &role, principal);
        return Ok(assignment_json(store, &id, "CUSTOM", Some((&role, &set)), principal));
    }
    if iam::standard_role_label(kind).is_none() {
        return Err(ApiError::validation(format!("type: Invalid role type: {kind}")));
    }
    let (kind_path, principal_id) = match principal {
        Principal::User(id) => ("users", id),
        Principal::Group(id) => ("groups", id),
        Principal::Client(id) => ("clients", id),
    };
    let prefix = if kind_path == "groups" { "gra" } else { "ra1" };
    let id = store.new_id(prefix);
    let assignment = assignment_json(store, &id, kind, None, principal);
    collection(store, &assignments_path(kind_path, principal_id)).insert(id, assignment.clone());
    Ok(assignment)
}

/// `DELETE /api/v1/users/{userId}/roles/{roleAssignmentId}` (unassignRoleFromUser).
pub(crate) async fn unassign_from_user(
    State(org): State<Arc<OrgState>>,
    Path((user, assignment)): Path<(String, String)>,
) -> Response {
    answer(org.with_store(|store| {
        let id = store.resolve_user(&user).ok_or_else(|| ApiError::not_found(&user))?;
        unassign(store, &assignments_path("users", &id), &assignment)
    }))
}

/// `DELETE /api/v1/groups/{groupId}/roles/{roleAssignmentId}` (unassignRoleFromGroup).
pub(crate) async fn unassign_from_group(
    State(org): State<Arc<OrgState>>,
    Path((group, assignment)): Path<(String, String)>,
) -> Response {
    answer(org.with_store(|store| {
        if !store.groups.contains_key(&group) {
            return Err(ApiError::not_found(&group));
        }
        unassign(store, &assignments_path("groups", &group), &assignment)
    }))
}

/// Removes an assignment (a custom role's binding membership with it): `204`, or Okta's 404.
fn unassign(store: &mut Store, path: &str, id: &str) -> Result<(StatusCode, Option<Value>), ApiError> {
    let removed = collection(store, path).remove(id).ok_or_else(|| ApiError::not_found(id))?;
    forget_custom_assignment(store, &removed, id);
    Ok((StatusCode::NO_CONTENT, None))
}

/// `GET /api/v1/iam/assignees/users` (listUsersWithRoleAssignments): every user with a role assigned directly
/// (a standard role, or a custom role's binding), by id, under `value`.
pub(crate) async fn users_with_roles(State(org): State<Arc<OrgState>>, RawQuery(query): RawQuery) -> Response {
    let list = match iam::list_request(query.as_deref()) {
        Ok(list) => list,
        Err(e) => return e.into_response(),
    };
    org.with_store(|store| {
        let org_id = iam::org_id(store);
        // The users whose role assignments the org keeps (`/api/v1/users/{userId}/roles`, not empty).
        let assigned: BTreeMap<String, Value> = store
            .generic
            .collections
            .iter()
            .filter(|(_, assignments)| !assignments.is_empty())
            .filter_map(|(path, _)| path.strip_prefix("/api/v1/users/")?.strip_suffix("/roles"))
            .filter(|id| !id.contains('/') && store.users.contains_key(*id))
            .map(|id| {
                let user = json!({
                    "id": id,
                    "orn": format!("orn:okta:directory:{org_id}:users:{id}"),
                    "_links": {
                        "self": iam::href(store, &format!("/api/v1/users/{id}")),
                        "roles": iam::href(store, &assignments_path("users", id)),
                    }
                });
                (id.to_string(), user)
            })
            .collect();
        iam::list_answer(
            store,
            &list,
            "/api/v1/iam/assignees/users",
            "value",
            Some(&assigned),
            |_, user| Some(user.clone()),
            &[],
        )
    })
}
