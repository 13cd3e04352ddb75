//! Resource sets (Okta's Resource Sets API, `/api/v1/iam/resource-sets`): a set created with its resources (REST
//! URLs or ORNs), read, relabeled and deleted by id or label; its resources listed, added (one or several), read,
//! given conditions and removed; its bindings of a custom role to members (users, groups, clients) made, listed,
//! read and deleted, and their members listed, added, read and removed. All of it the org's (`iam.rs`): what a
//! list shows is what was made.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::iam::{
    self, Principal, RESOURCE_SETS, add_member, answer, bindings_path, collection, href, items, list_request,
    members_path, now, resource_of, resource_set_id, resources_path, role_id,
};
use crate::respond::{ApiError, json_body};
use crate::state::{OrgState, Store};

fn set_path(set: &str) -> String {
    format!("{RESOURCE_SETS}/{set}")
}

/// A required text field of a body, else Okta's E0000001 naming it.
fn required<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    body.get(field)
        .and_then(Value::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| ApiError::validation(format!("{field}: The field cannot be left blank")))
}

/// The strings of an array field of a body (none when absent).
fn strings(body: &Map<String, Value>, field: &str) -> Vec<String> {
    body.get(field)
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

// ----- resource sets -----

/// `GET /api/v1/iam/resource-sets` (listResourceSets).
pub(crate) async fn list(State(org): State<Arc<OrgState>>, RawQuery(query): RawQuery) -> Response {
    let list = match list_request(query.as_deref()) {
        Ok(list) => list,
        Err(e) => return e.into_response(),
    };
    org.with_store(|store| {
        let sets = items(store, RESOURCE_SETS);
        iam::list_answer(store, &list, RESOURCE_SETS, "resource-sets", sets, |_, s| Some(s.clone()), &[])
    })
}

/// `POST /api/v1/iam/resource-sets` (createResourceSet): the set, with the resources the body lists.
pub(crate) async fn create(State(org): State<Arc<OrgState>>, body: Bytes) -> Response {
    answer(org.with_store(|store| {
        let body = json_body(&body)?;
        let label = required(&body, "label")?;
        required(&body, "description")?;
        let resources = strings(&body, "resources");
        if resources.is_empty() {
            return Err(ApiError::validation("resources: The field cannot be left blank"));
        }
        if iam::id_or_label(store, RESOURCE_SETS, label).is_some() {
            return Err(ApiError::validation(format!("label: A resource set with the label '{label}' already exists")));
        }
        // Every resource is checked before anything is kept.
        let resolved = resources.iter().map(|r| resource_of(store, r)).collect::<Result<Vec<_>, _>>()?;
        let id = store.new_id("iam");
        let path = set_path(&id);
        let set = json!({
            "id": id,
            "label": label,
            "description": body.get("description").cloned().unwrap_or(Value::Null),
            "created": now(),
            "lastUpdated": now(),
            "_links": {
                "self": href(store, &path),
                "resources": href(store, &resources_path(&id)),
                "bindings": href(store, &bindings_path(&id)),
            }
        });
        collection(store, RESOURCE_SETS).insert(id.clone(), set.clone());
        for (orn, url) in resolved {
            add_resource_to(store, &id, orn, url, None);
        }
        Ok((StatusCode::OK, Some(set)))
    }))
}

/// Keeps a resource in a set (a resource already in it is kept once): its JSON.
fn add_resource_to(store: &mut Store, set: &str, orn: String, url: Option<String>, conditions: Option<Value>) -> Value {
    let path = resources_path(set);
    if let Some(existing) = items(store, &path).and_then(|r| r.values().find(|r| r.get("orn") == Some(&json!(orn)))) {
        return existing.clone();
    }
    let id = store.new_id("ire");
    let mut links = Map::new();
    if let Some(url) = url {
        links.insert("self".into(), json!({ "href": url }));
    }
    links.insert("resource".into(), href(store, &format!("{path}/{id}")));
    let mut resource = json!({ "id": id, "orn": orn, "created": now(), "lastUpdated": now(), "_links": links });
    if let (Some(conditions), Value::Object(m)) = (conditions.filter(|c| !c.is_null()), &mut resource) {
        m.insert("conditions".into(), conditions);
    }
    collection(store, &path).insert(id, resource.clone());
    resource
}

/// The set the path names (by id or label), as kept.
fn the_set(store: &Store, set: &str) -> Result<(String, Value), ApiError> {
    let id = resource_set_id(store, set)?;
    let set = items(store, RESOURCE_SETS).and_then(|s| s.get(&id)).cloned().ok_or_else(|| ApiError::not_found(&id))?;
    Ok((id, set))
}

/// `GET /api/v1/iam/resource-sets/{resourceSetIdOrLabel}` (getResourceSet).
pub(crate) async fn get(State(org): State<Arc<OrgState>>, Path(set): Path<String>) -> Response {
    answer(org.with_store(|store| Ok((StatusCode::OK, Some(the_set(store, &set)?.1)))))
}

/// `PUT /api/v1/iam/resource-sets/{resourceSetIdOrLabel}` (replaceResourceSet): a new label and description.
pub(crate) async fn replace(State(org): State<Arc<OrgState>>, Path(set): Path<String>, body: Bytes) -> Response {
    answer(org.with_store(|store| {
        let (id, _) = the_set(store, &set)?;
        let body = json_body(&body)?;
        let label = required(&body, "label")?;
        if iam::id_or_label(store, RESOURCE_SETS, label).is_some_and(|other| other != id) {
            return Err(ApiError::validation(format!("label: A resource set with the label '{label}' already exists")));
        }
        let kept = collection(store, RESOURCE_SETS).get_mut(&id).ok_or_else(|| ApiError::not_found(&id))?;
        if let Value::Object(m) = kept {
            m.insert("label".into(), json!(label));
            if let Some(description) = body.get("description") {
                m.insert("description".into(), description.clone());
            }
            m.insert("lastUpdated".into(), now());
        }
        Ok((StatusCode::OK, Some(kept.clone())))
    }))
}

/// `DELETE /api/v1/iam/resource-sets/{resourceSetIdOrLabel}` (deleteResourceSet): with its resources and bindings.
pub(crate) async fn delete(State(org): State<Arc<OrgState>>, Path(set): Path<String>) -> Response {
    answer(org.with_store(|store| {
        let (id, _) = the_set(store, &set)?;
        let roles: Vec<String> =
            items(store, &bindings_path(&id)).map(|b| b.keys().cloned().collect()).unwrap_or_default();
        for role in roles {
            iam::remove_binding(store, &id, &role);
        }
        store.generic.collections.remove(&bindings_path(&id));
        store.generic.collections.remove(&resources_path(&id));
        collection(store, RESOURCE_SETS).remove(&id);
        Ok((StatusCode::NO_CONTENT, None))
    }))
}

// ----- resources -----

/// `GET …/{resourceSetIdOrLabel}/resources` (listResourceSetResources).
pub(crate) async fn list_resources(
    State(org): State<Arc<OrgState>>,
    Path(set): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    list_under(
        &org,
        query.as_deref(),
        |store| the_set(store, &set).map(|(id, _)| id),
        |store, list, id| {
            let path = resources_path(id);
            let extra = [("resource-set", href(store, &set_path(id)))];
            iam::list_answer(store, list, &path, "resources", items(store, &path), |_, r| Some(r.clone()), &extra)
        },
    )
}

/// A list under an object of a resource set: the list request parsed, the object found (`find`), then listed
/// (`answer`); Okta's error when either fails.
fn list_under<T>(
    org: &OrgState,
    query: Option<&str>,
    find: impl FnOnce(&Store) -> Result<T, ApiError>,
    answer: impl FnOnce(&mut Store, &crate::paging::ListRequest, &T) -> Response,
) -> Response {
    let list = match list_request(query) {
        Ok(list) => list,
        Err(e) => return e.into_response(),
    };
    org.with_store(|store| match find(store) {
        Ok(found) => answer(store, &list, &found),
        Err(e) => e.into_response(),
    })
}

/// `POST …/{resourceSetIdOrLabel}/resources` (addResourceSetResource): one resource, with conditions.
pub(crate) async fn add_resource(State(org): State<Arc<OrgState>>, Path(set): Path<String>, body: Bytes) -> Response {
    answer(org.with_store(|store| {
        let (id, _) = the_set(store, &set)?;
        let body = json_body(&body)?;
        let (orn, url) = resource_of(store, required(&body, "resourceOrnOrUrl")?)?;
        let resource = add_resource_to(store, &id, orn, url, body.get("conditions").cloned());
        Ok((StatusCode::OK, Some(resource)))
    }))
}

/// `PATCH …/{resourceSetIdOrLabel}/resources` (addResourceSetResources): the `additions`; the set answered.
pub(crate) async fn add_resources(State(org): State<Arc<OrgState>>, Path(set): Path<String>, body: Bytes) -> Response {
    answer(org.with_store(|store| {
        let (id, _) = the_set(store, &set)?;
        let additions = strings(&json_body(&body)?, "additions");
        if additions.is_empty() {
            return Err(ApiError::validation("additions: The field cannot be left blank"));
        }
        let resolved = additions.iter().map(|r| resource_of(store, r)).collect::<Result<Vec<_>, _>>()?;
        for (orn, url) in resolved {
            add_resource_to(store, &id, orn, url, None);
        }
        Ok((StatusCode::OK, Some(the_set(store, &id)?.1)))
    }))
}

/// `GET …/resources/{resourceId}` (getResourceSetResource).
pub(crate) async fn get_resource(
    State(org): State<Arc<OrgState>>,
    Path((set, resource)): Path<(String, String)>,
) -> Response {
    answer(org.with_store(|store| {
        let (id, _) = the_set(store, &set)?;
        let found = items(store, &resources_path(&id)).and_then(|r| r.get(&resource)).cloned();
        Ok((StatusCode::OK, Some(found.ok_or_else(|| ApiError::not_found(&resource))?)))
    }))
}

/// `PUT …/resources/{resourceId}` (replaceResourceSetResource): its conditions.
pub(crate) async fn replace_resource(
    State(org): State<Arc<OrgState>>,
    Path((set, resource)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    answer(org.with_store(|store| {
        let (id, _) = the_set(store, &set)?;
        let conditions = json_body(&body)?.get("conditions").cloned().unwrap_or(Value::Null);
        let kept =
            collection(store, &resources_path(&id)).get_mut(&resource).ok_or_else(|| ApiError::not_found(&resource))?;
        if let Value::Object(m) = kept {
            if conditions.is_null() {
                m.remove("conditions");
            } else {
                m.insert("conditions".into(), conditions);
            }
            m.insert("lastUpdated".into(), now());
        }
        Ok((StatusCode::OK, Some(kept.clone())))
    }))
}

/// `DELETE …/resources/{resourceId}` (deleteResourceSetResource).
pub(crate) async fn delete_resource(
    State(org): State<Arc<OrgState>>,
    Path((set, resource)): Path<(String, String)>,
) -> Response {
    answer(org.with_store(|store| {
        let (id, _) = the_set(store, &set)?;
        collection(store, &resources_path(&id)).remove(&resource).ok_or_else(|| ApiError::not_found(&resource))?;
        Ok((StatusCode::NO_CONTENT, None))
    }))
}

// ----- bindings and members -----

/// The links of an answer about a binding (`createResourceSetBinding`, `addMembersToBinding`).
fn binding_edit(store: &Store, set: &str, role: &str) -> Value {
    json!({ "_links": {
        "self": href(store, &format!("{}/{role}", bindings_path(set))),
        "bindings": href(store, &bindings_path(set)),
        "resource-set": href(store, &set_path(set)),
    } })
}

/// Binds each member URL to the role over the set (all checked before any is bound).
fn bind(store: &mut Store, set: &str, role: &str, members: &[String]) -> Result<(), ApiError> {
    let principals = members.iter().map(|m| Principal::of_url(store, m)).collect::<Result<Vec<_>, _>>()?;
    for principal in principals {
        add_member(store, set, role, &principal);
    }
    Ok(())
}

/// The set and the role the path names, which must be bound: their ids.
fn the_binding(store: &Store, set: &str, role: &str) -> Result<(String, String), ApiError> {
    let (set, _) = the_set(store, set)?;
    let role_id = iam::id_or_label(store, iam::ROLES, role).unwrap_or_else(|| role.to_string());
    if items(store, &bindings_path(&set)).is_some_and(|b| b.contains_key(&role_id)) {
        Ok((set, role_id))
    } else {
        Err(ApiError::not_found(role))
    }
}

/// `GET …/{resourceSetIdOrLabel}/bindings` (listBindings): the roles bound, under `roles`.
pub(crate) async fn list_bindings(
    State(org): State<Arc<OrgState>>,
    Path(set): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    list_under(
        &org,
        query.as_deref(),
        |store| the_set(store, &set).map(|(id, _)| id),
        |store, list, id| {
            let path = bindings_path(id);
            let extra = [("self", href(store, &path)), ("resource-set", href(store, &set_path(id)))];
            let shown = |role: &str, _: &Value| {
                Some(json!({ "id": role, "_links": {
                "self": href(store, &format!("{}/{role}", iam::ROLES)),
                "members": href(store, &members_path(id, role)),
            } }))
            };
            iam::list_answer(store, list, &path, "roles", items(store, &path), shown, &extra)
        },
    )
}

/// `POST …/{resourceSetIdOrLabel}/bindings` (createResourceSetBinding): the role bound to the members.
pub(crate) async fn create_binding(State(org): State<Arc<OrgState>>, Path(set): Path<String>, body: Bytes) -> Response {
    answer(org.with_store(|store| {
        let (set, _) = the_set(store, &set)?;
        let body = json_body(&body)?;
        let role = role_id(store, required(&body, "role")?)?;
        let members = strings(&body, "members");
        if members.is_empty() {
            return Err(ApiError::validation("members: The field cannot be left blank"));
        }
        bind(store, &set, &role, &members)?;
        Ok((StatusCode::OK, Some(binding_edit(store, &set, &role))))
    }))
}

/// `GET …/bindings/{roleIdOrLabel}` (getBinding): the binding, by its role.
pub(crate) async fn get_binding(
    State(org): State<Arc<OrgState>>,
    Path((set, role)): Path<(String, String)>,
) -> Response {
    answer(org.with_store(|store| {
        let (set, role) = the_binding(store, &set, &role)?;
        let binding = json!({ "id": role, "_links": {
            "self": href(store, &format!("{}/{role}", bindings_path(&set))),
            "members": href(store, &members_path(&set, &role)),
            "resource-set": href(store, &set_path(&set)),
        } });
        Ok((StatusCode::OK, Some(binding)))
    }))
}

/// `DELETE …/bindings/{roleIdOrLabel}` (deleteBinding): with its members' role assignments.
pub(crate) async fn delete_binding(
    State(org): State<Arc<OrgState>>,
    Path((set, role)): Path<(String, String)>,
) -> Response {
    answer(org.with_store(|store| {
        let (set, role) = the_binding(store, &set, &role)?;
        iam::remove_binding(store, &set, &role);
        Ok((StatusCode::NO_CONTENT, None))
    }))
}

/// `GET …/bindings/{roleIdOrLabel}/members` (listMembersOfBinding).
pub(crate) async fn list_members(
    State(org): State<Arc<OrgState>>,
    Path((set, role)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    list_under(
        &org,
        query.as_deref(),
        |store| the_binding(store, &set, &role),
        |store, list, (set, role)| {
            let path = members_path(set, role);
            let extra =
                [("self", href(store, &path)), ("binding", href(store, &format!("{}/{role}", bindings_path(set))))];
            iam::list_answer(store, list, &path, "members", items(store, &path), |_, m| Some(m.clone()), &extra)
        },
    )
}

/// `PATCH …/bindings/{roleIdOrLabel}/members` (addMembersToBinding): the `additions` bound too.
pub(crate) async fn add_members(
    State(org): State<Arc<OrgState>>,
    Path((set, role)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    answer(org.with_store(|store| {
        let (set, role) = the_binding(store, &set, &role)?;
        let additions = strings(&json_body(&body)?, "additions");
        if additions.is_empty() {
            return Err(ApiError::validation("additions: The field cannot be left blank"));
        }
        bind(store, &set, &role, &additions)?;
        Ok((StatusCode::OK, Some(binding_edit(store, &set, &role))))
    }))
}

/// `GET …/members/{memberId}` (getMemberOfBinding).
pub(crate) async fn get_member(
    State(org): State<Arc<OrgState>>,
    Path((set, role, member)): Path<(String, String, String)>,
) -> Response {
    answer(org.with_store(|store| {
        let (set, role) = the_binding(store, &set, &role)?;
        let found = items(store, &members_path(&set, &role)).and_then(|m| m.get(&member)).cloned();
        Ok((StatusCode::OK, Some(found.ok_or_else(|| ApiError::not_found(&member))?)))
    }))
}

/// `DELETE …/members/{memberId}` (unassignMemberFromBinding): the member's role assignment with it.
pub(crate) async fn delete_member(
    State(org): State<Arc<OrgState>>,
    Path((set, role, member)): Path<(String, String, String)>,
) -> Response {
    answer(org.with_store(|store| {
        let (set, role) = the_binding(store, &set, &role)?;
        if !iam::remove_member(store, &set, &role, &member) {
            return Err(ApiError::not_found(&member));
        }
        Ok((StatusCode::NO_CONTENT, None))
    }))
}
