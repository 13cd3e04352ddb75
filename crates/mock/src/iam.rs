//! The org's IAM objects as Okta relates them, kept where `generic.rs` keeps its collections (by path with real
//! ids) so that the operations served from the spec (a role assignment's targets, its get and delete) find them:
//! custom roles (`/api/v1/iam/roles`) and their permissions (by permission type), resource sets and their resources,
//! a resource set's bindings (by role id) and their members, and the role assignments of users and groups
//! (`/api/v1/users/{userId}/roles`, `/api/v1/groups/{groupId}/roles`).
//!
//! A member of a binding is a role assignment of its principal: binding a user to a custom role over a resource set
//! lists a `CUSTOM` assignment among the user's roles (with the member's id), and unbinding removes it, as Okta's
//! Role Assignment and Resource Sets APIs show the same grant from either side. The HTTP handlers:
//! `iam_roles.rs`, `iam_resource_sets.rs`, `role_assignments.rs`.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

use crate::paging::ListRequest;
use crate::respond::{ApiError, json_response};
use crate::state::{PageLimits, Store};
use crate::support::ts;

/// The org's custom roles, by id.
pub(crate) const ROLES: &str = "/api/v1/iam/roles";
/// The org's resource sets, by id.
pub(crate) const RESOURCE_SETS: &str = "/api/v1/iam/resource-sets";

/// The page size of the IAM lists (Okta pages them by `after`, with a `_links.next`).
pub(crate) const PAGE: PageLimits = PageLimits { default: 100, max: 100 };

/// The standard roles and their labels (Okta's Roles API reference, "Standard role types").
const STANDARD_ROLES: [(&str, &str); 13] = [
    ("ACCESS_CERTIFICATIONS_ADMIN", "Access certifications administrator"),
    ("ACCESS_REQUESTS_ADMIN", "Access requests administrator"),
    ("API_ACCESS_MANAGEMENT_ADMIN", "API Access Management administrator"),
    ("APP_ADMIN", "Application administrator"),
    ("GROUP_MEMBERSHIP_ADMIN", "Group membership administrator"),
    ("HELP_DESK_ADMIN", "Help desk administrator"),
    ("MOBILE_ADMIN", "Mobile administrator"),
    ("ORG_ADMIN", "Organization administrator"),
    ("READ_ONLY_ADMIN", "Read-only administrator"),
    ("REPORT_ADMIN", "Report administrator"),
    ("SUPER_ADMIN", "Super administrator"),
    ("USER_ADMIN", "Group administrator"),
    ("WORKFLOWS_ADMIN", "Workflows administrator"),
];

/// The label Okta shows for a standard role type.
pub(crate) fn standard_role_label(kind: &str) -> Option<&'static str> {
    STANDARD_ROLES.iter().find(|(k, _)| *k == kind).map(|(_, label)| *label)
}

pub(crate) fn permissions_path(role: &str) -> String {
    format!("{ROLES}/{role}/permissions")
}
pub(crate) fn resources_path(set: &str) -> String {
    format!("{RESOURCE_SETS}/{set}/resources")
}
pub(crate) fn bindings_path(set: &str) -> String {
    format!("{RESOURCE_SETS}/{set}/bindings")
}
pub(crate) fn members_path(set: &str, role: &str) -> String {
    format!("{RESOURCE_SETS}/{set}/bindings/{role}/members")
}

/// The role assignments of a user (`kind` `users`) or a group (`groups`).
pub(crate) fn assignments_path(kind: &str, id: &str) -> String {
    format!("/api/v1/{kind}/{id}/roles")
}

/// The org's items at a path (created when first written).
pub(crate) fn collection<'a>(store: &'a mut Store, path: &str) -> &'a mut BTreeMap<String, Value> {
    store.generic.collections.entry(path.to_string()).or_default()
}

/// The org's items at a path, if it has any.
pub(crate) fn items<'a>(store: &'a Store, path: &str) -> Option<&'a BTreeMap<String, Value>> {
    store.generic.collections.get(path)
}

/// The id of the item of the collection at `path` that has this id, or else this `label`: Okta takes a custom role
/// or a resource set by either.
pub(crate) fn id_or_label(store: &Store, path: &str, wanted: &str) -> Option<String> {
    let items = items(store, path)?;
    if items.contains_key(wanted) {
        return Some(wanted.to_string());
    }
    items.iter().find(|(_, item)| item.get("label").and_then(Value::as_str) == Some(wanted)).map(|(id, _)| id.clone())
}

/// The custom role named by id or label, else Okta's 404.
pub(crate) fn role_id(store: &Store, wanted: &str) -> Result<String, ApiError> {
    id_or_label(store, ROLES, wanted).ok_or_else(|| ApiError::not_found(wanted))
}

/// The resource set named by id or label, else Okta's 404.
pub(crate) fn resource_set_id(store: &Store, wanted: &str) -> Result<String, ApiError> {
    id_or_label(store, RESOURCE_SETS, wanted).ok_or_else(|| ApiError::not_found(wanted))
}

/// The org's clock, as the objects' `created` and `lastUpdated` show it.
pub(crate) fn now() -> Value {
    json!(ts(Utc::now()))
}

/// `{"href": …}` on the org.
pub(crate) fn href(store: &Store, path: &str) -> Value {
    json!({ "href": format!("{}{path}", store.base) })
}

/// A request for an IAM list (`after`, `limit`), or Okta's 400 for a bad `limit`.
pub(crate) fn list_request(query: Option<&str>) -> Result<ListRequest, ApiError> {
    ListRequest::new(crate::respond::params(query), Some(PAGE), &[])
}

/// An IAM list's answer: the page after the request's `after` of `items` (`select` shows each, or leaves it out),
/// under `field`, with `_links` (`extra`, and `next` when more follow).
pub(crate) fn list_answer(
    store: &Store,
    list: &ListRequest,
    path: &str,
    field: &str,
    items: Option<&BTreeMap<String, Value>>,
    mut select: impl FnMut(&str, &Value) -> Option<Value>,
    extra: &[(&str, Value)],
) -> Response {
    let empty = BTreeMap::new();
    let items = items.unwrap_or(&empty);
    let page = list.page(items.range::<str, _>(list.after()), |(id, item)| Some((id.clone(), select(id, item)?)));
    let mut links = serde_json::Map::new();
    for (name, link) in extra {
        links.insert((*name).to_string(), link.clone());
    }
    if let Some(last) = page.next(|(id, _)| Some(id.clone())) {
        links.insert("next".into(), href(store, &format!("{path}?after={last}")));
    }
    let shown: Vec<Value> = page.items.into_iter().map(|(_, v)| v).collect();
    let mut answer = serde_json::Map::new();
    answer.insert(field.to_string(), Value::Array(shown));
    answer.insert("_links".into(), Value::Object(links));
    json_response(StatusCode::OK, &Value::Object(answer))
}

/// The answer of a handler: its JSON with a status, or Okta's error.
pub(crate) fn answer(result: Result<(StatusCode, Option<Value>), ApiError>) -> Response {
    match result {
        Ok((status, Some(v))) => json_response(status, &v),
        Ok((status, None)) => crate::respond::empty(status),
        Err(e) => e.into_response(),
    }
}

// ----- principals and resources -----

/// Who a binding's member (or a role assignment) is: a user, a group, or an OAuth 2.0 client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Principal {
    User(String),
    Group(String),
    Client(String),
}

impl Principal {
    /// The principal a member's REST URL names (`…/api/v1/users/{userId}`, `…/api/v1/groups/{groupId}`,
    /// `…/oauth2/v1/clients/{clientId}`), which must be the org's: Okta's 404 for one it does not have, its 400 for a
    /// URL that names no principal.
    pub(crate) fn of_url(store: &Store, url: &str) -> Result<Principal, ApiError> {
        let path = url_path(url);
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["api", "v1", "users", id] => {
                store.resolve_user(id).map(Principal::User).ok_or_else(|| ApiError::not_found(id))
            }
            ["api", "v1", "groups", id] if store.groups.contains_key(*id) => Ok(Principal::Group((*id).to_string())),
            ["api", "v1", "groups", id] => Err(ApiError::not_found(id)),
            ["oauth2", "v1", "clients", id] if !id.is_empty() => Ok(Principal::Client((*id).to_string())),
            _ => Err(ApiError::validation(format!("members: Invalid member: {url}"))),
        }
    }

    /// The principal's REST URL on the org.
    pub(crate) fn url(&self, store: &Store) -> String {
        match self {
            Principal::User(id) => format!("{}/api/v1/users/{id}", store.base),
            Principal::Group(id) => format!("{}/api/v1/groups/{id}", store.base),
            Principal::Client(id) => format!("{}/oauth2/v1/clients/{id}", store.base),
        }
    }

    /// Where the principal's role assignments are kept (clients' are not kept: their roles are the OAuth 2.0
    /// client's own API).
    fn assignments(&self) -> Option<String> {
        match self {
            Principal::User(id) => Some(assignments_path("users", id)),
            Principal::Group(id) => Some(assignments_path("groups", id)),
            Principal::Client(_) => None,
        }
    }

    fn assignment_type(&self) -> &'static str {
        match self {
            Principal::User(_) => "USER",
            Principal::Group(_) => "GROUP",
            Principal::Client(_) => "CLIENT",
        }
    }
}

/// The path of a URL (what follows its host), or the text itself when it has no scheme.
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = rest.find('/').and_then(|i| rest.get(i..)).unwrap_or("");
    path.split(['?', '#']).next().unwrap_or(path)
}

/// The org's id, which its ORNs name.
pub(crate) fn org_id(store: &Store) -> String {
    store
        .generic
        .singletons
        .get("/api/v1/org")
        .and_then(|org| org.get("id"))
        .and_then(Value::as_str)
        .unwrap_or("00omockorg000000000")
        .to_string()
}

/// A resource of a resource set, from its REST URL or its ORN (Okta's Resource Sets API, "Supported resources"):
/// the ORN, and the REST URL (on the org) where the resource has one.
pub(crate) fn resource_of(store: &Store, given: &str) -> Result<(String, Option<String>), ApiError> {
    let invalid = || ApiError::validation(format!("resources: Invalid resource: {given}"));
    let org = org_id(store);
    if let Some(rest) = given.strip_prefix("orn:") {
        // orn:{partition}:{service}:{orgId}:{objectType}[:{objectId}…]
        let parts: Vec<&str> = rest.split(':').collect();
        let (Some(service), Some(object)) = (parts.get(1), parts.get(3..)) else { return Err(invalid()) };
        if object.is_empty() {
            return Err(invalid());
        }
        let path = match (*service, object) {
            ("directory", ["users"]) => Some("/api/v1/users".to_string()),
            ("directory", ["groups"]) => Some("/api/v1/groups".to_string()),
            ("directory", ["groups", g]) => Some(format!("/api/v1/groups/{g}")),
            ("directory", ["groups", g, "contained_resources"]) => Some(format!("/api/v1/groups/{g}/users")),
            ("directory", ["devices"]) => Some("/api/v1/devices".to_string()),
            ("directory", ["realms"]) => Some("/api/v1/realms".to_string()),
            ("directory", ["realms", r]) => Some(format!("/api/v1/realms/{r}")),
            ("idp", ["apps"]) => Some("/api/v1/apps".to_string()),
            ("idp", ["apps", _, a]) => Some(format!("/api/v1/apps/{a}")),
            ("idp", ["authorization_servers"]) => Some("/api/v1/authorizationServers".to_string()),
            ("idp", ["authorization_servers", s]) => Some(format!("/api/v1/authorizationServers/{s}")),
            _ => None,
        };
        return Ok((given.to_string(), path.map(|p| format!("{}{p}", store.base))));
    }
    let path = url_path(given);
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (service, object) = match segments.as_slice() {
        ["api", "v1", "users"] => ("directory", "users".to_string()),
        ["api", "v1", "groups"] => ("directory", "groups".to_string()),
        ["api", "v1", "groups", g] => ("directory", format!("groups:{g}")),
        ["api", "v1", "groups", g, "users"] => ("directory", format!("groups:{g}:contained_resources")),
        ["api", "v1", "devices"] => ("directory", "devices".to_string()),
        ["api", "v1", "realms"] => ("directory", "realms".to_string()),
        ["api", "v1", "realms", r] => ("directory", format!("realms:{r}")),
        ["api", "v1", "apps"] => ("idp", "apps".to_string()),
        ["api", "v1", "apps", a] => {
            let name = store.apps.get(*a).and_then(|app| app.get("name")).and_then(Value::as_str).unwrap_or("app");
            ("idp", format!("apps:{name}:{a}"))
        }
        ["api", "v1", "authorizationServers"] => ("idp", "authorization_servers".to_string()),
        ["api", "v1", "authorizationServers", s] => ("idp", format!("authorization_servers:{s}")),
        _ => return Err(invalid()),
    };
    if segments.iter().any(|s| s.is_empty()) {
        return Err(invalid());
    }
    Ok((format!("orn:okta:{service}:{org}:{object}"), Some(format!("{}{path}", store.base))))
}

// ----- role assignments and binding members -----

/// A role assignment's JSON: a standard role's (`kind`), or a custom role's over a resource set (`custom`: the role's
/// id and the set's id), of `principal`.
pub(crate) fn assignment_json(
    store: &Store,
    id: &str,
    kind: &str,
    custom: Option<(&str, &str)>,
    principal: &Principal,
) -> Value {
    let now = now();
    let assignee = json!({ "href": principal.url(store) });
    match custom {
        None => json!({
            "id": id,
            "label": standard_role_label(kind).unwrap_or(kind),
            "type": kind,
            "status": "ACTIVE",
            "created": now,
            "lastUpdated": now,
            "assignmentType": principal.assignment_type(),
            "_links": { "assignee": assignee }
        }),
        Some((role, set)) => {
            let label = items(store, ROLES)
                .and_then(|roles| roles.get(role))
                .and_then(|r| r.get("label"))
                .cloned()
                .unwrap_or_else(|| json!(role));
            json!({
                "id": id,
                "role": role,
                "label": label,
                "type": "CUSTOM",
                "status": "ACTIVE",
                "created": now,
                "lastUpdated": now,
                "assignmentType": principal.assignment_type(),
                "resource-set": set,
                "_links": {
                    "assignee": assignee,
                    "resource-set": href(store, &format!("{RESOURCE_SETS}/{set}")),
                    "role": href(store, &format!("{ROLES}/{role}")),
                    "permissions": href(store, &permissions_path(role)),
                    "member": href(store, &format!("{}/{id}", members_path(set, role))),
                }
            })
        }
    }
}

/// Binds `principal` to the role over the resource set (the binding made if it is the set's first for the role):
/// the new member's id, which is also the id of the principal's `CUSTOM` role assignment. A principal already a
/// member keeps its membership.
pub(crate) fn add_member(store: &mut Store, set: &str, role: &str, principal: &Principal) -> String {
    let url = principal.url(store);
    let members = members_path(set, role);
    let existing = items(store, &members).and_then(|m| {
        m.iter()
            .find(|(_, member)| member.pointer("/_links/self/href").and_then(Value::as_str) == Some(url.as_str()))
            .map(|(id, _)| id.clone())
    });
    if let Some(id) = existing {
        return id;
    }
    let binding = json!({ "id": role, "created": now(), "lastUpdated": now() });
    collection(store, &bindings_path(set)).entry(role.to_string()).or_insert(binding);
    let id = store.new_id("irb");
    let member = json!({ "id": id, "created": now(), "lastUpdated": now(), "_links": { "self": { "href": url } } });
    collection(store, &members).insert(id.clone(), member);
    if let Some(path) = principal.assignments() {
        let assignment = assignment_json(store, &id, "CUSTOM", Some((role, set)), principal);
        collection(store, &path).insert(id.clone(), assignment);
    }
    id
}

/// Removes a member of a binding, and the role assignment it is; whether there was one.
pub(crate) fn remove_member(store: &mut Store, set: &str, role: &str, member: &str) -> bool {
    let Some(removed) = collection(store, &members_path(set, role)).remove(member) else { return false };
    let url = removed.pointer("/_links/self/href").and_then(Value::as_str).unwrap_or_default();
    if let Some(path) = Principal::of_url(store, url).ok().and_then(|p| p.assignments()) {
        collection(store, &path).remove(member);
    }
    true
}

/// Removes a binding with all its members (and their role assignments); whether there was one.
pub(crate) fn remove_binding(store: &mut Store, set: &str, role: &str) -> bool {
    let members: Vec<String> =
        items(store, &members_path(set, role)).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    for member in members {
        remove_member(store, set, role, &member);
    }
    store.generic.collections.remove(&members_path(set, role));
    collection(store, &bindings_path(set)).remove(role).is_some()
}

/// A role assignment removed from its principal's side: a `CUSTOM` one's binding membership goes with it.
pub(crate) fn forget_custom_assignment(store: &mut Store, assignment: &Value, id: &str) {
    let field = |k: &str| assignment.get(k).and_then(Value::as_str).map(str::to_string);
    if let (Some(role), Some(set)) = (field("role"), field("resource-set")) {
        collection(store, &members_path(&set, &role)).remove(id);
    }
}
