//! The objects a new org has before anyone calls it, read back over HTTP by each operation the spec has for them:
//! ids the same in a list and a get, links on the org's own URL, and Okta's refusals where it refuses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

mod support;
use support::{Org, assert_okta_error};

impl Org {
    async fn start() -> Org {
        Org::with_users(2).await
    }

    /// A `200` answer's body.
    async fn get(&self, path: &str) -> Value {
        let (status, body) = self.call(Method::GET, path, None).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    /// A list's items.
    async fn list(&self, path: &str) -> Vec<Value> {
        self.get(path).await.as_array().cloned().unwrap_or_else(|| panic!("GET {path} is not a list"))
    }

    /// `_links.self.href` is the object's own path on this org.
    fn assert_self_link(&self, object: &Value, path: &str) {
        assert_eq!(object["_links"]["self"]["href"], json!(format!("{}{path}", self.base)), "{object}");
    }
}

/// Every item of a list answers the same by its own get, at the path its self link names.
async fn assert_each_gettable(org: &Org, collection: &str, items: &[Value], key: &str) {
    for item in items {
        let path = format!("{collection}/{}", item[key].as_str().unwrap());
        org.assert_self_link(item, &path);
        assert_eq!(&org.get(&path).await, item, "GET {path}");
    }
}

/// An Okta-shaped id: the prefix and 17 more letters or digits.
fn assert_okta_id(id: &Value, prefix: &str) {
    let id = id.as_str().unwrap_or_else(|| panic!("no id: {id}"));
    assert!(id.starts_with(prefix) && id.len() == 20 && id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
}

#[tokio::test]
async fn the_org_settings_link_the_org_logo_on_the_org_url() {
    let org = Org::start().await;
    let settings = org.get("/api/v1/org").await;
    assert_okta_id(&settings["id"], "00o");
    assert_eq!(settings["status"], "ACTIVE");
    let logo = settings["_links"]["logo"]["href"].as_str().unwrap();
    assert!(logo.starts_with(&format!("{}/assets/img/logos/", org.base)) && logo.ends_with(".png"), "{logo}");
    assert_eq!(settings["_links"]["uploadLogo"]["href"], json!(format!("{}/api/v1/org/logo", org.base)));
    assert_eq!(settings["_links"]["uploadLogo"]["hints"]["allow"], json!(["POST"]));
    // The theme of the default brand shows the same logo.
    let brands = org.list("/api/v1/brands").await;
    let brand_id = brands[0]["id"].as_str().unwrap();
    let themes = org.list(&format!("/api/v1/brands/{brand_id}/themes")).await;
    assert_eq!(themes[0]["logo"], json!(logo));
}

#[tokio::test]
async fn the_current_api_token_is_the_one_the_request_was_made_with_by_id_too() {
    let org = Org::start().await;
    let current = org.get("/api/v1/api-tokens/current").await;
    assert_okta_id(&current["id"], "00T");
    let id = current["id"].as_str().unwrap();
    assert_eq!(current["userId"], "00umockadmin0000000");
    assert_eq!(current["clientName"], "Okta API");
    org.assert_self_link(&current, &format!("/api/v1/api-tokens/{id}"));
    assert_eq!(current["_links"]["user"]["href"], json!(format!("{}/api/v1/users/00umockadmin0000000", org.base)));
    assert_eq!(org.get(&format!("/api/v1/api-tokens/{id}")).await, current);
    let tokens = org.list("/api/v1/api-tokens").await;
    assert_eq!(tokens, std::slice::from_ref(&current), "the org's one token, as `current` shows it");
    // The same token on every call: its id is the org's, not the request's.
    assert_eq!(org.get("/api/v1/api-tokens/current").await["id"], current["id"]);
    // A request with no valid token is refused before it is asked about: Okta's 401.
    let r = org
        .http
        .get(format!("{}/api/v1/api-tokens/current", org.base))
        .header("authorization", "SSWS not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_default_authorization_server_has_its_reserved_scopes_and_default_policy_and_rule() {
    let org = Org::start().await;
    let servers = org.list("/api/v1/authorizationServers").await;
    let default: Vec<&Value> = servers.iter().filter(|s| s["id"] == "default").collect();
    assert_eq!(default.len(), 1, "{servers:?}");
    let server = org.get("/api/v1/authorizationServers/default").await;
    assert_eq!(&server, default[0]);
    assert_eq!(server["name"], "default");
    assert_eq!(server["audiences"], json!(["api://default"]));
    assert_eq!(server["issuer"], json!(format!("{}/oauth2/default", org.base)));
    assert_eq!(server["status"], "ACTIVE");
    org.assert_self_link(&server, "/api/v1/authorizationServers/default");
    assert_eq!(
        server["_links"]["scopes"]["href"],
        json!(format!("{}/api/v1/authorizationServers/default/scopes", org.base))
    );

    let scopes_path = "/api/v1/authorizationServers/default/scopes";
    let scopes = org.list(scopes_path).await;
    let names: Vec<&str> = scopes.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["openid", "profile", "email", "address", "phone", "offline_access", "device_sso"]);
    for scope in &scopes {
        assert_okta_id(&scope["id"], "scp");
        assert_eq!(scope["system"], true, "{scope}");
    }
    assert_each_gettable(&org, scopes_path, &scopes, "id").await;

    // A reserved scope is Okta's: the org cannot delete it, and it stays.
    let openid = scopes[0]["id"].as_str().unwrap();
    let (status, body) = org.call(Method::DELETE, &format!("{scopes_path}/{openid}"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_okta_error(&body, "E0000006");
    assert_eq!(org.list(scopes_path).await.len(), 7);
    // A scope of the org's own is deleted as ever.
    let (status, custom) = org.call(Method::POST, scopes_path, Some(json!({"name": "car:drive"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{custom}");
    let custom_path = format!("{scopes_path}/{}", custom["id"].as_str().unwrap());
    assert_eq!(org.call(Method::DELETE, &custom_path, None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(org.list(scopes_path).await.len(), 7);

    let policies_path = "/api/v1/authorizationServers/default/policies";
    let policies = org.list(policies_path).await;
    assert_eq!(policies.len(), 1);
    assert_eq!(
        (&policies[0]["name"], &policies[0]["type"]),
        (&json!("Default Policy"), &json!("OAUTH_AUTHORIZATION_POLICY"))
    );
    assert_eq!(policies[0]["conditions"]["clients"]["include"], json!(["ALL_CLIENTS"]));
    assert_okta_id(&policies[0]["id"], "00p");
    assert_each_gettable(&org, policies_path, &policies, "id").await;
    let rules_path = format!("{policies_path}/{}/rules", policies[0]["id"].as_str().unwrap());
    assert_eq!(policies[0]["_links"]["rules"]["href"], json!(format!("{}{rules_path}", org.base)));
    let rules = org.list(&rules_path).await;
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["name"], "Default Policy Rule");
    assert_eq!(rules[0]["conditions"]["people"]["groups"]["include"], json!(["EVERYONE"]));
    assert_eq!(rules[0]["conditions"]["scopes"]["include"], json!(["*"]));
    assert_eq!(rules[0]["actions"]["token"]["accessTokenLifetimeMinutes"], 60);
    assert_okta_id(&rules[0]["id"], "0pr");
    assert_each_gettable(&org, &rules_path, &rules, "id").await;

    // No server is associated with it yet: an empty list, not a 404.
    let associated = org.list("/api/v1/authorizationServers/default/associatedServers?trusted=true").await;
    assert!(associated.is_empty(), "{associated:?}");
}

#[tokio::test]
async fn the_okta_dashboard_and_admin_console_apps_and_the_admin_console_settings() {
    let org = Org::start().await;
    let apps = org.list("/api/v1/apps").await;
    let by_name = |name: &str| apps.iter().find(|a| a["name"] == name).cloned().unwrap_or_else(|| panic!("{name}"));
    let (dashboard, console) = (by_name("okta_enduser"), by_name("saasure"));
    assert_eq!((&dashboard["label"], &console["label"]), (&json!("Okta Dashboard"), &json!("Okta Admin Console")));
    for app in [&dashboard, &console] {
        assert_okta_id(&app["id"], "0oa");
        assert_eq!(app["status"], "ACTIVE");
        let redirect = app["settings"]["oauthClient"]["redirect_uris"][0].as_str().unwrap();
        assert!(redirect.starts_with(&org.base), "{redirect}");
    }
    assert_each_gettable(&org, "/api/v1/apps", &[dashboard.clone(), console], "id").await;
    // Okta keeps an active app: the dashboard is not deleted.
    let (status, body) =
        org.call(Method::DELETE, &format!("/api/v1/apps/{}", dashboard["id"].as_str().unwrap()), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_okta_error(&body, "E0000056");

    let path = "/api/v1/first-party-app-settings/admin-console";
    assert_eq!(org.get(path).await, json!({"sessionIdleTimeoutMinutes": 15, "sessionMaxLifetimeMinutes": 720}));
    let changed = json!({"sessionIdleTimeoutMinutes": 30, "sessionMaxLifetimeMinutes": 600});
    let (status, body) = org.call(Method::PUT, path, Some(changed.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(org.get(path).await, changed);
}

#[tokio::test]
async fn the_default_brand_with_its_theme_and_email_templates_and_not_deletable() {
    let org = Org::start().await;
    let brands = org.list("/api/v1/brands").await;
    assert_eq!(brands.len(), 1);
    let brand = &brands[0];
    assert_okta_id(&brand["id"], "bnd");
    assert_eq!(brand["isDefault"], true);
    assert_each_gettable(&org, "/api/v1/brands", &brands, "id").await;
    let brand_path = format!("/api/v1/brands/{}", brand["id"].as_str().unwrap());

    let (status, body) = org.call(Method::DELETE, &brand_path, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_okta_error(&body, "E0000200");
    assert_eq!(org.list("/api/v1/brands").await, brands, "the default brand stays");

    let themes_path = format!("{brand_path}/themes");
    assert_eq!(brand["_links"]["themes"]["href"], json!(format!("{}{themes_path}", org.base)));
    let themes = org.list(&themes_path).await;
    assert_eq!(themes.len(), 1);
    assert_okta_id(&themes[0]["id"], "thd");
    assert_eq!(themes[0]["signInPageTouchPointVariant"], "OKTA_DEFAULT");
    assert_each_gettable(&org, &themes_path, &themes, "id").await;

    let templates_path = format!("{brand_path}/templates/email");
    // One page of Okta's default 20, then all of them in a page of 100.
    assert_eq!(org.list(&templates_path).await.len(), 20);
    let templates = org.list(&format!("{templates_path}?limit=100")).await;
    let names: Vec<&str> = templates.iter().map(|t| t["name"].as_str().unwrap()).collect();
    for name in ["UserActivation", "ForgotPassword", "PasswordChanged", "AccountLockout", "EmailChallenge"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert_eq!(names.len(), 31);
    assert_each_gettable(&org, &templates_path, &templates, "name").await;
    let activation = org.get(&format!("{templates_path}/UserActivation")).await;
    assert_eq!(
        activation["_links"]["settings"]["href"],
        json!(format!("{}{templates_path}/UserActivation/settings", org.base))
    );
    let (status, body) = org.call(Method::GET, &format!("{templates_path}/NoSuchTemplate"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_okta_error(&body, "E0000007");
}

#[tokio::test]
async fn each_standard_role_has_its_notification_subscriptions_which_switch_on_and_off() {
    let org = Org::start().await;
    let path = "/api/v1/roles/SUPER_ADMIN/subscriptions";
    let subscriptions = org.list(path).await;
    assert_eq!(subscriptions.len(), 13);
    assert!(subscriptions.iter().all(|s| s["status"] == "subscribed" && s["channels"] == json!(["email"])));
    assert_each_gettable(&org, path, &subscriptions, "notificationType").await;
    assert_eq!(org.list("/api/v1/roles/HELP_DESK_ADMIN/subscriptions").await.len(), 13);

    let (status, _) = org.call(Method::POST, &format!("{path}/USER_LOCKED_OUT/unsubscribe"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(org.get(&format!("{path}/USER_LOCKED_OUT")).await["status"], "unsubscribed");
    // Another role's subscription is its own.
    let other = org.get("/api/v1/roles/ORG_ADMIN/subscriptions/USER_LOCKED_OUT").await;
    assert_eq!(other["status"], "subscribed");
    let (status, _) = org.call(Method::POST, &format!("{path}/USER_LOCKED_OUT/subscribe"), None).await;
    assert_eq!(status, StatusCode::OK);
    let listed = org.list(path).await;
    assert!(listed.iter().all(|s| s["status"] == "subscribed"));
}

#[tokio::test]
async fn a_linked_object_definition_added_by_the_api_is_found_by_either_name() {
    let org = Org::start().await;
    let path = "/api/v1/meta/schemas/user/linkedObjects";
    assert!(org.list(path).await.is_empty(), "a new org defines none");
    let definition = json!({
        "primary": {"name": "manager", "title": "Manager", "description": "Manager link property", "type": "USER"},
        "associated": {"name": "subordinate", "title": "Subordinate", "description": "Subordinate", "type": "USER"}
    });
    let (status, body) = org.call(Method::POST, path, Some(definition)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let by_primary = org.get(&format!("{path}/manager")).await;
    assert_eq!(by_primary["primary"]["name"], "manager");
    assert_eq!(org.get(&format!("{path}/subordinate")).await, by_primary);
    assert_eq!(org.list(path).await, [by_primary]);
    assert_eq!(org.call(Method::DELETE, &format!("{path}/subordinate"), None).await.0, StatusCode::NO_CONTENT);
    let (status, body) = org.call(Method::GET, &format!("{path}/manager"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_okta_error(&body, "E0000007");
}

#[tokio::test]
async fn standing_objects_leave_the_seeded_users_names_and_lists_as_they_were() {
    let org = Org::start().await;
    let users = org.list("/api/v1/users").await;
    let logins: Vec<&str> = users.iter().map(|u| u["profile"]["login"].as_str().unwrap()).collect();
    assert_eq!(logins, ["user1@example.com", "user2@example.com"]);
    // An authorization server made now is listed with the default one.
    let (status, made) = org
        .call(Method::POST, "/api/v1/authorizationServers", Some(json!({"name": "Orders", "audiences": ["api://o"]})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let all = org.list("/api/v1/authorizationServers").await;
    let names: Vec<&str> = all.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"default") && names.contains(&"Orders"), "{names:?}");
}
