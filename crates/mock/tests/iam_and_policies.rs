//! Roles, custom roles, resource sets and policies over HTTP, as Okta keeps them: a role assigned is answered as
//! Okta's Role object and lists its user among those with roles; a custom role's permissions are the ones given;
//! a resource set, its resources, bindings and members are what was made (never the spec's examples); every org has
//! its system default policies, listed by the `type` the request names.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

mod support;
use support::{Org, assert_okta_error};

impl Org {
    async fn start() -> Org {
        Org::with_users(3).await
    }

    /// The body of an answer with this status.
    async fn expect(&self, method: Method, path: &str, body: Option<Value>, status: u16) -> Value {
        let (got, answer) = self.call(method.clone(), path, body).await;
        assert_eq!(got.as_u16(), status, "{method} {path}: {answer}");
        answer
    }

    async fn get(&self, path: &str) -> Value {
        self.expect(Method::GET, path, None, 200).await
    }

    async fn post(&self, path: &str, body: Value, status: u16) -> Value {
        self.expect(Method::POST, path, Some(body), status).await
    }

    async fn delete(&self, path: &str) {
        self.expect(Method::DELETE, path, None, 204).await;
    }

    /// A new user's id.
    async fn user(&self, login: &str) -> String {
        let profile = json!({"profile": {"firstName": "Ada", "lastName": "Admin", "email": login, "login": login}});
        self.post("/api/v1/users?activate=true", profile, 200).await["id"].as_str().unwrap().to_string()
    }

    /// A new group's id.
    async fn group(&self, name: &str) -> String {
        self.post("/api/v1/groups", json!({"profile": {"name": name}}), 200).await["id"].as_str().unwrap().to_string()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The ids of the users `listUsersWithRoleAssignments` lists.
    async fn users_with_roles(&self) -> Vec<String> {
        let answer = self.get("/api/v1/iam/assignees/users").await;
        answer["value"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap().to_string()).collect()
    }
}

fn labels(values: &Value, field: &str, key: &str) -> Vec<String> {
    let mut out: Vec<String> =
        values[field].as_array().unwrap().iter().map(|v| v[key].as_str().unwrap().to_string()).collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_role_assigned_to_a_user_is_okta_s_role_object_and_lists_the_user_among_those_with_roles() {
    let org = Org::start().await;
    let admin = org.user("ada.admin@example.com").await;
    let bystander = org.user("bob.bystander@example.com").await;
    assert!(org.users_with_roles().await.is_empty(), "a new org's users have no roles");

    let roles = format!("/api/v1/users/{admin}/roles");
    let role = org.post(&roles, json!({"type": "GROUP_MEMBERSHIP_ADMIN"}), 201).await;
    assert_eq!(role["type"], "GROUP_MEMBERSHIP_ADMIN");
    assert_eq!(role["label"], "Group membership administrator");
    assert_eq!(role["assignmentType"], "USER");
    assert_eq!(role["status"], "ACTIVE");
    assert_eq!(role["_links"]["assignee"]["href"], json!(org.url(&format!("/api/v1/users/{admin}"))));
    let id = role["id"].as_str().unwrap();

    // Read back and listed as it was answered (served from the spec, on the same collection).
    let read = org.get(&format!("{roles}/{id}")).await;
    assert_eq!((&read["label"], &read["assignmentType"]), (&role["label"], &role["assignmentType"]));
    let listed = org.get(&roles).await;
    assert_eq!(listed.as_array().unwrap().iter().map(|r| &r["id"]).collect::<Vec<_>>(), [&role["id"]]);

    let with_roles = org.get("/api/v1/iam/assignees/users").await;
    assert_eq!(with_roles["value"].as_array().unwrap().len(), 1, "{with_roles}");
    let entry = &with_roles["value"][0];
    assert_eq!(entry["id"], json!(admin));
    assert_eq!(entry["_links"]["roles"]["href"], json!(org.url(&roles)));
    assert!(!org.users_with_roles().await.contains(&bystander));

    org.delete(&format!("{roles}/{id}")).await;
    let gone = org.expect(Method::GET, &format!("{roles}/{id}"), None, 404).await;
    assert_okta_error(&gone, "E0000007");
    assert!(org.users_with_roles().await.is_empty(), "no roles left");
}

#[tokio::test]
async fn a_role_assigned_to_a_group_names_the_group_as_its_assignee() {
    let org = Org::start().await;
    let group = org.group("Auditors").await;
    let role = org.post(&format!("/api/v1/groups/{group}/roles"), json!({"type": "READ_ONLY_ADMIN"}), 200).await;
    assert_eq!(role["assignmentType"], "GROUP");
    assert_eq!(role["label"], "Read-only administrator");
    assert_eq!(role["_links"]["assignee"]["href"], json!(org.url(&format!("/api/v1/groups/{group}"))));
    let listed = org.get(&format!("/api/v1/groups/{group}/roles")).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");

    // Bad input: an unknown group, an unknown role type.
    let missing = org.post("/api/v1/groups/00gnosuchgroup000000/roles", json!({"type": "ORG_ADMIN"}), 404).await;
    assert_okta_error(&missing, "E0000007");
    let (status, bad) =
        org.call(Method::POST, &format!("/api/v1/groups/{group}/roles"), Some(json!({"type": "NO_SUCH_ADMIN"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    assert_okta_error(&bad, "E0000001");
}

#[tokio::test]
async fn a_custom_role_has_the_permissions_it_was_given_and_those_added_later() {
    let org = Org::start().await;
    let body =
        json!({"label": "Reader", "description": "Reads", "permissions": ["okta.users.read", "okta.groups.read"]});
    let role = org.post("/api/v1/iam/roles", body, 200).await;
    let id = role["id"].as_str().unwrap();
    assert_eq!(role["label"], "Reader");
    assert_eq!(role["_links"]["permissions"]["href"], json!(org.url(&format!("/api/v1/iam/roles/{id}/permissions"))));
    // By id and by label alike.
    assert_eq!(org.get("/api/v1/iam/roles/Reader").await["id"], role["id"]);

    let permissions = format!("/api/v1/iam/roles/{id}/permissions");
    assert_eq!(labels(&org.get(&permissions).await, "permissions", "label"), ["okta.groups.read", "okta.users.read"]);
    org.expect(Method::POST, &format!("{permissions}/okta.apps.read"), None, 204).await;
    let added = org.get(&format!("{permissions}/okta.apps.read")).await;
    assert_eq!(added["label"], "okta.apps.read");
    assert_eq!(added["_links"]["role"]["href"], json!(org.url(&format!("/api/v1/iam/roles/{id}"))));
    assert_eq!(
        labels(&org.get(&permissions).await, "permissions", "label"),
        ["okta.apps.read", "okta.groups.read", "okta.users.read"]
    );

    let conditions = json!({"include": {"okta:ResourceAttribute/User/Profile": ["city"]}});
    let replaced = org
        .expect(Method::PUT, &format!("{permissions}/okta.users.read"), Some(json!({"conditions": conditions})), 200)
        .await;
    assert_eq!(replaced["conditions"], conditions);
    assert_eq!(org.get(&format!("{permissions}/okta.users.read")).await["conditions"], conditions);

    org.delete(&format!("{permissions}/okta.groups.read")).await;
    let gone = org.expect(Method::GET, &format!("{permissions}/okta.groups.read"), None, 404).await;
    assert_okta_error(&gone, "E0000007");
    let listed = org.get("/api/v1/iam/roles").await;
    assert_eq!(labels(&listed, "roles", "label"), ["Reader"], "the org's roles, not the spec's example");

    org.delete(&format!("/api/v1/iam/roles/{id}")).await;
    assert_okta_error(&org.expect(Method::GET, &format!("/api/v1/iam/roles/{id}"), None, 404).await, "E0000007");
    assert_okta_error(&org.expect(Method::GET, &permissions, None, 404).await, "E0000007");
}

#[tokio::test]
async fn a_resource_set_its_resources_bindings_and_members_are_the_org_s_through_their_whole_lifecycle() {
    let org = Org::start().await;
    let user = org.user("carol.custom@example.com").await;
    let group = org.group("Managed").await;
    let role = org
        .post(
            "/api/v1/iam/roles",
            json!({"label": "Grouper", "description": "g", "permissions": ["okta.groups.read"]}),
            200,
        )
        .await;
    let role_id = role["id"].as_str().unwrap();
    let group_url = org.url(&format!("/api/v1/groups/{group}"));
    let body =
        json!({"label": "Managed set", "description": "Set", "resources": [group_url, org.url("/api/v1/users")]});
    let set = org.post("/api/v1/iam/resource-sets", body, 200).await;
    let set_id = set["id"].as_str().unwrap();
    let set_path = format!("/api/v1/iam/resource-sets/{set_id}");
    assert_eq!(set["_links"]["bindings"]["href"], json!(org.url(&format!("{set_path}/bindings"))));
    assert_eq!(labels(&org.get("/api/v1/iam/resource-sets").await, "resource-sets", "id"), [set_id]);
    assert_eq!(org.get("/api/v1/iam/resource-sets/Managed set").await["id"], set["id"]);

    let org_id = org.get("/api/v1/org").await["id"].as_str().unwrap().to_string();
    let resources = org.get(&format!("{set_path}/resources")).await;
    let ours: Vec<&Value> = resources["resources"].as_array().unwrap().iter().collect();
    assert_eq!(ours.len(), 2, "{resources}");
    let group_resource = ours.iter().find(|r| r["_links"]["self"]["href"] == json!(group_url)).unwrap();
    assert_eq!(group_resource["orn"], json!(format!("orn:okta:directory:{org_id}:groups:{group}")));
    let resource_id = group_resource["id"].as_str().unwrap();
    assert_eq!(org.get(&format!("{set_path}/resources/{resource_id}")).await["orn"], group_resource["orn"]);
    org.delete(&format!("{set_path}/resources/{resource_id}")).await;
    assert_eq!(org.get(&format!("{set_path}/resources")).await["resources"].as_array().unwrap().len(), 1);

    // A binding of the custom role to the user: read by the role, listed, its member the user.
    let binding = json!({"role": role_id, "members": [org.url(&format!("/api/v1/users/{user}"))]});
    let made = org.post(&format!("{set_path}/bindings"), binding, 200).await;
    assert_eq!(made["_links"]["self"]["href"], json!(org.url(&format!("{set_path}/bindings/{role_id}"))));
    let read = org.get(&format!("{set_path}/bindings/{role_id}")).await;
    assert_eq!(read["id"], json!(role_id));
    assert_eq!(labels(&org.get(&format!("{set_path}/bindings")).await, "roles", "id"), [role_id]);
    let members = org.get(&format!("{set_path}/bindings/{role_id}/members")).await;
    let members = members["members"].as_array().unwrap().clone();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["_links"]["self"]["href"], json!(org.url(&format!("/api/v1/users/{user}"))));
    let member_id = members[0]["id"].as_str().unwrap();

    // The same grant from the user's side: a CUSTOM role assignment named by the member's id.
    let assigned = org.get(&format!("/api/v1/users/{user}/roles")).await;
    let assigned = assigned.as_array().unwrap();
    assert_eq!(assigned.len(), 1, "{assigned:?}");
    assert_eq!(
        (&assigned[0]["id"], &assigned[0]["type"], &assigned[0]["role"], &assigned[0]["resource-set"]),
        (&json!(member_id), &json!("CUSTOM"), &json!(role_id), &json!(set_id))
    );
    assert_eq!(assigned[0]["label"], "Grouper");
    assert_eq!(org.users_with_roles().await, std::slice::from_ref(&user));

    org.delete(&format!("{set_path}/bindings/{role_id}")).await;
    let gone = org.expect(Method::GET, &format!("{set_path}/bindings/{role_id}"), None, 404).await;
    assert_okta_error(&gone, "E0000007");
    assert_okta_error(
        &org.expect(Method::GET, &format!("{set_path}/bindings/{role_id}/members"), None, 404).await,
        "E0000007",
    );
    assert!(org.get(&format!("/api/v1/users/{user}/roles")).await.as_array().unwrap().is_empty());
    assert!(org.users_with_roles().await.is_empty());

    org.delete(&set_path).await;
    assert_okta_error(&org.expect(Method::GET, &set_path, None, 404).await, "E0000007");
    assert!(org.get("/api/v1/iam/resource-sets").await["resource-sets"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn resource_sets_and_bindings_refuse_what_okta_refuses() {
    let org = Org::start().await;
    let set = json!({"label": "Bad", "description": "d", "resources": ["https://elsewhere.example/no/such/thing"]});
    assert_okta_error(&org.post("/api/v1/iam/resource-sets", set, 400).await, "E0000001");
    let set = org
        .post(
            "/api/v1/iam/resource-sets",
            json!({"label": "Good", "description": "d", "resources": [org.url("/api/v1/groups")]}),
            200,
        )
        .await;
    let set_id = set["id"].as_str().unwrap();
    let user = org.user("dan.denied@example.com").await;
    let binding = json!({"role": "cr0nosuchrole0000000", "members": [org.url(&format!("/api/v1/users/{user}"))]});
    let unknown_role = org.post(&format!("/api/v1/iam/resource-sets/{set_id}/bindings"), binding, 404).await;
    assert_okta_error(&unknown_role, "E0000007");
    assert!(org.users_with_roles().await.is_empty(), "nothing bound");
    let missing = org.expect(Method::GET, "/api/v1/iam/resource-sets/iamnosuchset00000000", None, 404).await;
    assert_okta_error(&missing, "E0000007");
}

#[tokio::test]
async fn every_org_has_a_system_default_policy_of_each_type_with_its_default_rule() {
    let org = Org::start().await;
    for (kind, rule_kind) in [
        ("OKTA_SIGN_ON", "SIGN_ON"),
        ("PASSWORD", "PASSWORD"),
        ("MFA_ENROLL", "MFA_ENROLL"),
        ("ACCESS_POLICY", "ACCESS_POLICY"),
        ("PROFILE_ENROLLMENT", "PROFILE_ENROLLMENT"),
        ("IDP_DISCOVERY", "IDP_DISCOVERY"),
    ] {
        let listed = org.get(&format!("/api/v1/policies?type={kind}")).await;
        let listed = listed.as_array().unwrap();
        assert_eq!(listed.len(), 1, "{kind}: {listed:?}");
        let policy = &listed[0];
        assert_eq!(
            (&policy["type"], &policy["system"], &policy["status"]),
            (&json!(kind), &json!(true), &json!("ACTIVE"))
        );
        let id = policy["id"].as_str().unwrap();
        assert_eq!(policy["_links"]["rules"]["href"], json!(org.url(&format!("/api/v1/policies/{id}/rules"))));
        assert_eq!(&org.get(&format!("/api/v1/policies/{id}")).await, policy);
        let rules = org.get(&format!("/api/v1/policies/{id}/rules")).await;
        let rules = rules.as_array().unwrap();
        assert_eq!(rules.len(), 1, "{kind}: {rules:?}");
        assert_eq!((&rules[0]["type"], &rules[0]["system"]), (&json!(rule_kind), &json!(true)), "{kind}");
    }
    let sign_on = org.get("/api/v1/policies?type=OKTA_SIGN_ON").await;
    assert_eq!(sign_on[0]["name"], "Default Policy");
    let everyone: Vec<Value> = org.get("/api/v1/groups?q=Everyone").await.as_array().unwrap().clone();
    let group = everyone.iter().find(|g| g["profile"]["name"] == "Everyone").expect("every org has Everyone");
    assert_eq!(sign_on[0]["conditions"]["people"]["groups"]["include"], json!([group["id"]]));
    let password = org.get("/api/v1/policies?type=PASSWORD").await;
    assert_eq!(password[0]["settings"]["password"]["complexity"]["minLength"], 8);
    // Okta requires the type.
    assert_okta_error(&org.expect(Method::GET, "/api/v1/policies", None, 400).await, "E0000001");
}

#[tokio::test]
async fn list_policies_shows_the_type_status_and_name_asked_for() {
    let org = Org::start().await;
    let body = json!({"type": "OKTA_SIGN_ON", "name": "Contractors sign-on", "priority": 1});
    let made = org.post("/api/v1/policies", body, 200).await;
    let id = made["id"].as_str().unwrap();
    let ids = |list: &Value| {
        list.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };

    let sign_on = org.get("/api/v1/policies?type=OKTA_SIGN_ON").await;
    assert_eq!(sign_on.as_array().unwrap().len(), 2, "the default and the new one: {sign_on}");
    assert!(ids(&sign_on).contains(&id.to_string()));
    assert!(!ids(&org.get("/api/v1/policies?type=PASSWORD").await).contains(&id.to_string()));
    assert_eq!(ids(&org.get("/api/v1/policies?type=OKTA_SIGN_ON&q=contractors").await), [id]);

    org.expect(Method::POST, &format!("/api/v1/policies/{id}/lifecycle/deactivate"), None, 204).await;
    assert_eq!(ids(&org.get("/api/v1/policies?type=OKTA_SIGN_ON&status=INACTIVE").await), [id]);
    assert!(!ids(&org.get("/api/v1/policies?type=OKTA_SIGN_ON&status=ACTIVE").await).contains(&id.to_string()));

    // Paged: one a page, the next page after the first.
    let (status, first) = org.call(Method::GET, "/api/v1/policies?type=OKTA_SIGN_ON&limit=1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first.as_array().unwrap().len(), 1);
    let after = first[0]["id"].as_str().unwrap();
    let second = org.get(&format!("/api/v1/policies?type=OKTA_SIGN_ON&limit=1&after={after}")).await;
    assert_eq!(ids(&second), [id]);
}
