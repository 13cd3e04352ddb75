//! The relations between the org's users, groups and apps, over HTTP: a user found by login shortname, the groups a
//! user is in (the built-in Everyone group included, which nobody may change), group rules changed only while
//! inactive, an OIDC client's generated secret, and who an app is assigned to (directly or through a group), read
//! from each side.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

mod support;
use support::Org;

impl Org {
    async fn list(&self, path: &str) -> Vec<Value> {
        self.ok(Method::GET, path, None).await.as_array().cloned().unwrap_or_else(|| panic!("GET {path}: not a list"))
    }

    /// Okta's error: its status and `errorCode`.
    async fn refused(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, String) {
        let (status, answer) = self.call(method, path, body).await;
        (status, answer["errorCode"].as_str().unwrap_or_default().to_string())
    }

    async fn new_user(&self, login: &str) -> String {
        let body = json!({"profile": {"firstName": "Ada", "lastName": "Test", "email": login, "login": login}});
        id(&self.ok(Method::POST, "/api/v1/users", Some(body)).await)
    }

    async fn new_group(&self, name: &str) -> String {
        id(&self.ok(Method::POST, "/api/v1/groups", Some(json!({"profile": {"name": name}}))).await)
    }

    async fn new_bookmark(&self, label: &str) -> String {
        let app = json!({"name": "bookmark", "label": label, "signOnMode": "BOOKMARK",
            "settings": {"app": {"url": "https://example.com/b"}}});
        id(&self.ok(Method::POST, "/api/v1/apps", Some(app)).await)
    }
}

fn id(object: &Value) -> String {
    object["id"].as_str().unwrap_or_else(|| panic!("no id: {object}")).to_string()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id).collect()
}

fn names(groups: &[Value]) -> Vec<&str> {
    groups.iter().map(|g| g["profile"]["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_user_is_found_by_login_shortname_only_when_one_user_has_it() {
    let org = Org::with_users(0).await;
    let ada = org.new_user("ada.lovelace@example.com").await;
    let got = org.ok(Method::GET, "/api/v1/users/ada.lovelace", None).await;
    assert_eq!(id(&got), ada);
    // Any path naming the user takes it.
    assert_eq!(names(&org.list("/api/v1/users/ada.lovelace/groups").await), ["Everyone"]);
    // Two logins with one shortname: neither is found by it; each still by its login.
    let other = org.new_user("ada.lovelace@example.org").await;
    let refused = org.refused(Method::GET, "/api/v1/users/ada.lovelace", None).await;
    assert_eq!(refused, (StatusCode::NOT_FOUND, "E0000007".to_string()));
    assert_eq!(id(&org.ok(Method::GET, "/api/v1/users/ada.lovelace@example.org", None).await), other);
    let refused = org.refused(Method::GET, "/api/v1/users/ada", None).await;
    assert_eq!(refused, (StatusCode::NOT_FOUND, "E0000007".to_string()));
}

#[tokio::test]
async fn every_user_is_in_the_everyone_group_which_nobody_may_change() {
    let org = Org::with_users(3).await;
    let built_in = org.list("/api/v1/groups?filter=type%20eq%20%22BUILT_IN%22").await;
    assert_eq!(names(&built_in), ["Everyone"]);
    assert_eq!(built_in[0]["type"], "BUILT_IN");
    let everyone = id(&built_in[0]);
    let okta_groups = org.list("/api/v1/groups?filter=type%20eq%20%22OKTA_GROUP%22").await;
    assert!(okta_groups.is_empty(), "{okta_groups:?}");

    let ada = org.new_user("ada@example.com").await;
    let members = org.list(&format!("/api/v1/groups/{everyone}/users")).await;
    assert_eq!(members.len(), 4, "the 3 seeded users and Ada");
    assert!(ids(&members).contains(&ada));
    assert_eq!(org.org.group_members(&everyone).len(), 4);

    // A user's groups: Everyone, then the groups the user was added to, until removed.
    let eng = org.new_group("Engineering").await;
    assert_eq!(names(&org.list(&format!("/api/v1/users/{ada}/groups")).await), ["Everyone"]);
    org.ok(Method::PUT, &format!("/api/v1/groups/{eng}/users/{ada}"), None).await;
    let groups = org.list(&format!("/api/v1/users/{ada}/groups")).await;
    assert_eq!(ids(&groups), [everyone.clone(), eng.clone()]);
    assert_eq!(groups[1]["type"], "OKTA_GROUP");
    org.ok(Method::DELETE, &format!("/api/v1/groups/{eng}/users/{ada}"), None).await;
    assert_eq!(ids(&org.list(&format!("/api/v1/users/{ada}/groups")).await), [everyone.as_str()]);

    // Okta manages Everyone: its members, profile and existence are not the API's to change.
    let unsupported = (StatusCode::BAD_REQUEST, "E0000060".to_string());
    let member = format!("/api/v1/groups/{everyone}/users/{ada}");
    assert_eq!(org.refused(Method::DELETE, &member, None).await, unsupported);
    assert_eq!(org.refused(Method::PUT, &member, None).await, unsupported);
    let rename = json!({"profile": {"name": "Everybody"}});
    let group = format!("/api/v1/groups/{everyone}");
    assert_eq!(org.refused(Method::PUT, &group, Some(rename)).await, unsupported);
    assert_eq!(org.refused(Method::DELETE, &group, None).await, unsupported);
    assert_eq!(org.ok(Method::GET, &group, None).await["profile"]["name"], "Everyone");
    assert_eq!(org.org.group_members(&everyone).len(), 4);
    assert_eq!(
        org.refused(Method::POST, "/api/v1/groups", Some(json!({"profile": {"name": "Everyone"}}))).await,
        (StatusCode::BAD_REQUEST, "E0000001".to_string())
    );
    // A deleted user leaves it.
    org.ok(Method::DELETE, &format!("/api/v1/users/{ada}"), None).await;
    org.ok(Method::DELETE, &format!("/api/v1/users/{ada}"), None).await;
    assert_eq!(org.list(&format!("/api/v1/groups/{everyone}/users")).await.len(), 3);
}

#[tokio::test]
async fn a_group_rule_is_replaced_only_while_inactive() {
    let org = Org::with_users(0).await;
    let group = org.new_group("Research").await;
    let rule = |expression: &str| {
        json!({"type": "group_rule", "name": "Researchers",
            "conditions": {"expression": {"type": "urn:okta:expression:1.0", "value": expression}},
            "actions": {"assignUserToGroups": {"groupIds": [group]}}})
    };
    let created = org.ok(Method::POST, "/api/v1/groups/rules", Some(rule("user.department==\"R\""))).await;
    assert_eq!(created["status"], "INACTIVE", "{created}");
    let path = format!("/api/v1/groups/rules/{}", id(&created));
    assert_eq!(org.ok(Method::GET, &path, None).await["status"], "INACTIVE");
    org.ok(Method::PUT, &path, Some(rule("user.department==\"R&D\""))).await;
    org.ok(Method::POST, &format!("{path}/lifecycle/activate"), None).await;
    let refused = org.refused(Method::PUT, &path, Some(rule("user.department==\"X\""))).await;
    assert_eq!(refused, (StatusCode::BAD_REQUEST, "E0000001".to_string()));
    let kept = org.ok(Method::GET, &path, None).await;
    assert_eq!(kept["conditions"]["expression"]["value"], "user.department==\"R&D\"");
    assert_eq!(kept["status"], "ACTIVE");
    org.ok(Method::POST, &format!("{path}/lifecycle/deactivate"), None).await;
    let replaced = org.ok(Method::PUT, &path, Some(rule("user.department==\"X\""))).await;
    assert_eq!(replaced["conditions"]["expression"]["value"], "user.department==\"X\"");
}

#[tokio::test]
async fn an_oidc_client_gets_a_secret_shown_only_on_creation() {
    let org = Org::with_users(0).await;
    let web = |label: &str, method: &str| {
        json!({"name": "oidc_client", "label": label, "signOnMode": "OPENID_CONNECT",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": method}},
            "settings": {"oauthClient": {"redirect_uris": ["https://example.com/cb"], "response_types": ["code"],
                "grant_types": ["authorization_code"], "application_type": "web"}}})
    };
    let created = org.ok(Method::POST, "/api/v1/apps", Some(web("Portal", "client_secret_post"))).await;
    let client = &created["credentials"]["oauthClient"];
    assert_eq!(client["client_id"], created["id"]);
    assert_eq!(client["client_secret"].as_str().map(str::len), Some(40), "{client}");
    let path = format!("/api/v1/apps/{}", id(&created));
    let read = org.ok(Method::GET, &path, None).await;
    assert_eq!(read["credentials"]["oauthClient"]["client_id"], created["id"]);
    assert_eq!(read["credentials"]["oauthClient"].get("client_secret"), None);
    let listed = org.list("/api/v1/apps?q=Portal").await;
    assert_eq!(ids(&listed), [id(&created)]);
    assert_eq!(listed[0]["credentials"]["oauthClient"].get("client_secret"), None);
    // A replacement keeps what the org set, and shows the secret again.
    let secret = client["client_secret"].clone();
    let replaced = org.ok(Method::PUT, &path, Some(web("Portal v2", "client_secret_post"))).await;
    assert_eq!(replaced["label"], "Portal v2");
    assert_eq!(
        (&replaced["id"], &replaced["created"], &replaced["status"]),
        (&created["id"], &created["created"], &created["status"])
    );
    assert_eq!(replaced["credentials"]["oauthClient"]["client_id"], created["id"]);
    assert_eq!(replaced["credentials"]["oauthClient"]["client_secret"], secret);
    assert_eq!(replaced["visibility"], created["visibility"]);
    let read = org.ok(Method::GET, &path, None).await;
    assert_eq!(read["label"], "Portal v2");
    assert_eq!(read["credentials"]["oauthClient"].get("client_secret"), None);
    // A client that signs its assertions with its own key has no secret.
    let keyed = org.ok(Method::POST, "/api/v1/apps", Some(web("Keyed", "private_key_jwt"))).await;
    assert_eq!(keyed["credentials"]["oauthClient"].get("client_secret"), None);
}

#[tokio::test]
async fn an_apps_assignments_are_read_the_same_from_the_app_the_group_and_the_user() {
    let org = Org::with_users(0).await;
    let app = org.new_bookmark("Wiki").await;
    let other_app = org.new_bookmark("Other").await;
    let direct = org.new_user("direct@example.com").await;
    let member = org.new_user("member@example.com").await;
    let outsider = org.new_user("outsider@example.com").await;
    let group = org.new_group("Wiki readers").await;
    org.ok(Method::PUT, &format!("/api/v1/groups/{group}/users/{member}"), None).await;
    let assignment = json!({"id": direct, "scope": "USER", "credentials": {"userName": "direct@example.com"}});
    org.ok(Method::POST, &format!("/api/v1/apps/{app}/users"), Some(assignment)).await;
    org.ok(Method::PUT, &format!("/api/v1/apps/{app}/groups/{group}"), Some(json!({"priority": 0}))).await;

    let users = org.list(&format!("/api/v1/apps/{app}/users")).await;
    let scopes: Vec<(String, &str)> = users.iter().map(|u| (id(u), u["scope"].as_str().unwrap())).collect();
    assert_eq!(scopes, [(direct.clone(), "USER"), (member.clone(), "GROUP")]);
    let via_group = &users[1];
    assert_eq!(via_group["credentials"]["userName"], "member@example.com");
    assert_eq!(via_group["_links"]["group"]["href"], json!(format!("{}/api/v1/groups/{group}", org.base)));
    assert_eq!(via_group["_links"]["user"]["href"], json!(format!("{}/api/v1/users/{member}", org.base)));
    assert_eq!(users[0]["_links"]["app"]["href"], json!(format!("{}/api/v1/apps/{app}", org.base)));
    // Paged by user id; `q` by the start of the user name; `expand=user` embeds the user.
    let first = org.list(&format!("/api/v1/apps/{app}/users?limit=1")).await;
    assert_eq!(ids(&first), [direct.as_str()]);
    let after = org.list(&format!("/api/v1/apps/{app}/users?after={direct}")).await;
    assert_eq!(ids(&after), [member.as_str()]);
    assert_eq!(ids(&org.list(&format!("/api/v1/apps/{app}/users?q=memb")).await), [member.as_str()]);
    let expanded = org.list(&format!("/api/v1/apps/{app}/users?expand=user")).await;
    assert_eq!(expanded[1]["_embedded"]["user"]["profile"]["login"], "member@example.com");

    let got = org.ok(Method::GET, &format!("/api/v1/apps/{app}/users/{member}"), None).await;
    assert_eq!(got["scope"], "GROUP");
    let got = org.ok(Method::GET, &format!("/api/v1/apps/{app}/users/{direct}"), None).await;
    assert_eq!(got["scope"], "USER");
    let refused = org.refused(Method::GET, &format!("/api/v1/apps/{app}/users/{outsider}"), None).await;
    assert_eq!(refused, (StatusCode::NOT_FOUND, "E0000007".to_string()));

    assert_eq!(ids(&org.list(&format!("/api/v1/groups/{group}/apps")).await), [app.as_str()]);
    let links = |user: String| {
        let org = &org;
        async move { org.list(&format!("/api/v1/users/{user}/appLinks")).await }
    };
    let direct_links = links(direct.clone()).await;
    assert_eq!(direct_links.len(), 1, "{direct_links:?}");
    assert_eq!(direct_links[0]["appInstanceId"], json!(app));
    assert_eq!(direct_links[0]["label"], "Wiki");
    assert_eq!(direct_links[0]["appName"], "bookmark");
    let member_links = links(member.clone()).await;
    assert_eq!(member_links.iter().map(|l| l["appInstanceId"].clone()).collect::<Vec<_>>(), [json!(app)]);
    assert!(links(outsider.clone()).await.is_empty());

    // Out of the group, the member has no assignment left; the group unassigned, it has no app.
    org.ok(Method::DELETE, &format!("/api/v1/groups/{group}/users/{member}"), None).await;
    assert_eq!(ids(&org.list(&format!("/api/v1/apps/{app}/users")).await), [direct.as_str()]);
    assert!(links(member.clone()).await.is_empty());
    org.ok(Method::DELETE, &format!("/api/v1/apps/{app}/groups/{group}"), None).await;
    assert!(org.list(&format!("/api/v1/groups/{group}/apps")).await.is_empty());
    // Everyone assigned to an app: every user is assigned through it.
    let everyone = id(&org.list("/api/v1/groups?filter=type%20eq%20%22BUILT_IN%22").await[0]);
    org.ok(Method::PUT, &format!("/api/v1/apps/{other_app}/groups/{everyone}"), Some(json!({"priority": 1}))).await;
    let all = org.list(&format!("/api/v1/apps/{other_app}/users")).await;
    assert_eq!(ids(&all), [direct.clone(), member.clone(), outsider.clone()]);
    assert!(all.iter().all(|u| u["scope"] == "GROUP"));
    // A deleted user's assignment goes with it.
    org.ok(Method::DELETE, &format!("/api/v1/users/{direct}"), None).await;
    org.ok(Method::DELETE, &format!("/api/v1/users/{direct}"), None).await;
    assert!(org.list(&format!("/api/v1/apps/{app}/users")).await.is_empty());
    // An inactive app has no link.
    org.ok(Method::POST, &format!("/api/v1/apps/{other_app}/lifecycle/deactivate"), None).await;
    assert!(links(outsider).await.is_empty());
}
