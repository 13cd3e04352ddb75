//! The mock org keeps what the typed client creates beyond users, groups and apps: authorization servers with
//! their policies, rules, scopes and claims; org policies and their rules; identity providers; factors; role
//! assignments. Each is created, read back, listed, changed, moved through its lifecycle and deleted, and the org
//! answers each step as Okta does (`404 E0000007` once it is gone, `400 E0000001` naming the field for a bad body).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// The typed bodies are 2026.06.3's models (`CreateOrUpdatePolicy`, …), which 2024.08.3 names otherwise.
#![cfg(all(feature = "full", okta_spec = "2026.06.3"))]

use futures::StreamExt;
use okta_management::mock::MockOrg;
use okta_management::{Client, Error, types};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

async fn org_and_client() -> (MockOrg, Client) {
    let org = MockOrg::builder().seed_users(1).start().await.unwrap();
    let client = Client::builder()
        .org_url(org.base_url().as_str())
        .token(org.token())
        .disable_https_check(true)
        .build()
        .unwrap();
    (org, client)
}

/// A request body of the generated type `T`, from JSON.
fn body<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap()
}

/// A response as JSON (the generated types encode back exactly what was received).
fn json_of<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

fn api_error(e: &Error) -> (u16, String) {
    match e {
        Error::Api(api) => (api.status().as_u16(), api.error_code().unwrap_or_default().to_string()),
        other => panic!("not an API error: {other:?}"),
    }
}

#[tokio::test]
async fn an_authorization_server_keeps_its_policies_rules_scopes_and_claims() {
    let (_org, client) = org_and_client().await;
    let server = client
        .create_authorization_server()
        .body(body::<types::AuthorizationServer>(json!({
            "name": "Payments API", "description": "for the payments service", "audiences": ["api://payments"]
        })))
        .send()
        .await
        .unwrap();
    let server = json_of(&server);
    let server_id = server["id"].as_str().unwrap().to_string();
    assert_eq!(server["name"], "Payments API");
    assert_eq!(server["audiences"], json!(["api://payments"]));
    assert_eq!(server["status"], "ACTIVE");
    assert!(server["created"].is_string() && server["_links"]["self"]["href"].as_str().unwrap().ends_with(&server_id));

    let policy = client
        .create_authorization_server_policy()
        .auth_server_id(&server_id)
        .body(body::<types::AuthorizationServerPolicy>(json!({
            "type": "OAUTH_AUTHORIZATION_POLICY", "name": "Default", "description": "all clients", "priority": 1,
            "conditions": {"clients": {"include": ["ALL_CLIENTS"]}}
        })))
        .send()
        .await
        .unwrap();
    let policy_id = json_of(&policy)["id"].as_str().unwrap().to_string();
    let rule = client
        .create_authorization_server_policy_rule()
        .auth_server_id(&server_id)
        .policy_id(&policy_id)
        .body(body::<types::AuthorizationServerPolicyRuleRequest>(json!({
            "type": "RESOURCE_ACCESS", "name": "client credentials",
            "conditions": {"grantTypes": {"include": ["client_credentials"]}, "scopes": {"include": ["*"]}},
            "actions": {"token": {"accessTokenLifetimeMinutes": 60}}
        })))
        .send()
        .await
        .unwrap();
    let rule_id = json_of(&rule)["id"].as_str().unwrap().to_string();
    for scope in ["payments:read", "payments:write"] {
        client
            .create_o_auth2_scope()
            .auth_server_id(&server_id)
            .body(body::<types::OAuth2Scope>(json!({"name": scope, "consent": "IMPLICIT"})))
            .send()
            .await
            .unwrap();
    }
    client
        .create_o_auth2_claim()
        .auth_server_id(&server_id)
        .body(body::<types::OAuth2Claim>(json!({
            "name": "tenant", "status": "ACTIVE", "claimType": "RESOURCE", "valueType": "EXPRESSION",
            "value": "user.tenant", "alwaysIncludeInToken": true
        })))
        .send()
        .await
        .unwrap();

    let scopes = client.list_o_auth2_scopes().auth_server_id(&server_id).send().await.unwrap();
    let names: Vec<Value> = scopes.iter().map(|s| json_of(s)["name"].clone()).collect();
    assert_eq!(names, [json!("payments:read"), json!("payments:write")]);
    let claims = client.list_o_auth2_claims().auth_server_id(&server_id).send().await.unwrap();
    assert_eq!(json_of(&claims)[0]["value"], "user.tenant");
    let rules = client
        .list_authorization_server_policy_rules()
        .auth_server_id(&server_id)
        .policy_id(&policy_id)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(&rules)[0]["actions"]["token"]["accessTokenLifetimeMinutes"], 60);

    // Lifecycle: the policy goes INACTIVE and back, as a later read shows.
    client
        .deactivate_authorization_server_policy()
        .auth_server_id(&server_id)
        .policy_id(&policy_id)
        .send()
        .await
        .unwrap();
    let read = client.get_authorization_server_policy().auth_server_id(&server_id).policy_id(&policy_id).send().await;
    assert_eq!(json_of(&read.unwrap())["status"], "INACTIVE");
    client
        .activate_authorization_server_policy()
        .auth_server_id(&server_id)
        .policy_id(&policy_id)
        .send()
        .await
        .unwrap();
    let read = client.get_authorization_server_policy().auth_server_id(&server_id).policy_id(&policy_id).send().await;
    assert_eq!(json_of(&read.unwrap())["status"], "ACTIVE");

    // Replace keeps the server-set fields.
    let replaced = client
        .replace_authorization_server()
        .auth_server_id(&server_id)
        .body(body::<types::AuthorizationServer>(json!({
            "name": "Payments API v2", "description": "renamed", "audiences": ["api://payments"]
        })))
        .send()
        .await
        .unwrap();
    let replaced = json_of(&replaced);
    assert_eq!((replaced["name"].clone(), replaced["id"].clone()), (json!("Payments API v2"), json!(server_id)));
    assert_eq!(replaced["created"], server["created"]);

    // Deleting a rule: gone from reads and lists.
    client
        .delete_authorization_server_policy_rule()
        .auth_server_id(&server_id)
        .policy_id(&policy_id)
        .rule_id(&rule_id)
        .send()
        .await
        .unwrap();
    let gone = client
        .get_authorization_server_policy_rule()
        .auth_server_id(&server_id)
        .policy_id(&policy_id)
        .rule_id(&rule_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_error(&gone), (404, "E0000007".into()));
    let rules = client
        .list_authorization_server_policy_rules()
        .auth_server_id(&server_id)
        .policy_id(&policy_id)
        .send()
        .await
        .unwrap();
    assert!(rules.is_empty());

    // Under a server that does not exist, nothing is found.
    let missing = client.list_o_auth2_scopes().auth_server_id("ausNoSuchServer00000").send().await.unwrap_err();
    assert_eq!(api_error(&missing), (404, "E0000007".into()));
}

#[tokio::test]
async fn org_policies_and_rules_identity_providers_factors_and_roles_are_kept() {
    let (org, client) = org_and_client().await;
    let user_id = org.seed_users(1)[0].clone();

    let policy = client
        .create_policy()
        .body(body::<types::CreateOrUpdatePolicy>(json!({
            "type": "PASSWORD", "name": "Contractors", "priority": 2,
            "conditions": {"people": {"groups": {"include": []}}},
            "settings": {"password": {"complexity": {"minLength": 12}}}
        })))
        .send()
        .await
        .unwrap();
    let policy = json_of(&policy);
    let policy_id = policy["id"].as_str().unwrap().to_string();
    assert_eq!(policy["settings"]["password"]["complexity"]["minLength"], 12);
    let listed = client.list_policies().type_("PASSWORD").send().await.unwrap();
    assert!(json_of(&listed).as_array().unwrap().iter().any(|p| p["id"] == policy_id.as_str()));
    client.deactivate_policy().policy_id(&policy_id).send().await.unwrap();
    assert_eq!(json_of(&client.get_policy().policy_id(&policy_id).send().await.unwrap())["status"], "INACTIVE");
    client.delete_policy().policy_id(&policy_id).send().await.unwrap();
    let gone = client.get_policy().policy_id(&policy_id).send().await.unwrap_err();
    assert_eq!(api_error(&gone), (404, "E0000007".into()));

    let idp = client
        .create_identity_provider()
        .body(body::<types::IdentityProvider>(json!({
            "type": "GOOGLE", "name": "Google Workspace",
            "protocol": {"type": "OIDC", "scopes": ["openid", "email"],
                         "credentials": {"client": {"client_id": "abc", "client_secret": "def"}}}
        })))
        .send()
        .await
        .unwrap();
    let idp_id = json_of(&idp)["id"].as_str().unwrap().to_string();
    let idps = client.list_identity_providers().send().await.unwrap();
    assert_eq!(json_of(&idps)[0]["name"], "Google Workspace");
    client.deactivate_identity_provider().idp_id(&idp_id).send().await.unwrap();
    let read = client.get_identity_provider().idp_id(&idp_id).send().await.unwrap();
    assert_eq!(json_of(&read)["status"], "INACTIVE");

    let factor = client
        .enroll_factor()
        .user_id(&user_id)
        .body(body::<types::UserFactor>(json!({
            "factorType": "sms", "provider": "OKTA", "profile": {"phoneNumber": "+1-555-415-1337"}
        })))
        .send()
        .await
        .unwrap();
    let factor_id = json_of(&factor)["id"].as_str().unwrap().to_string();
    let factors = client.list_factors().user_id(&user_id).send().await.unwrap();
    assert_eq!(json_of(&factors)[0]["profile"]["phoneNumber"], "+1-555-415-1337");
    client.unenroll_factor().user_id(&user_id).factor_id(&factor_id).send().await.unwrap();
    assert!(client.list_factors().user_id(&user_id).send().await.unwrap().is_empty());
    // A user that does not exist has no factors to list.
    let missing = client.list_factors().user_id("00uNoSuchUser0000000").send().await.unwrap_err();
    assert_eq!(api_error(&missing), (404, "E0000007".into()));

    let role = client
        .assign_role_to_user()
        .user_id(&user_id)
        .body(body::<types::AssignRoleToUserBody>(json!({"type": "HELP_DESK_ADMIN"})))
        .send()
        .await
        .unwrap();
    let role = json_of(&role);
    assert_eq!(role["type"], "HELP_DESK_ADMIN");
    let roles = client.list_assigned_roles_for_user().user_id(&user_id).send().await.unwrap();
    assert_eq!(json_of(&roles).as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_body_that_breaks_the_spec_is_refused_with_a_cause_per_field() {
    let org = MockOrg::start().await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}api/v1/authorizationServers?limit=ten&color=red", org.base_url());
    let r = http
        .post(url)
        .header("authorization", format!("SSWS {}", org.token()))
        // A number would be read as a name's text, as Okta's JSON reader reads it: a list is no name.
        .json(&json!({"name": ["x"], "audiences": "api://one"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errorCode"], "E0000001");
    let causes: Vec<&str> =
        body["errorCauses"].as_array().unwrap().iter().map(|c| c["errorSummary"].as_str().unwrap()).collect();
    assert_eq!(
        causes,
        [
            "limit: The query parameter is not supported by this operation",
            "color: The query parameter is not supported by this operation",
            "audiences: expected an array but got a string",
            "name: expected a string but got an array",
        ]
    );
    // An object the org has under a name of its own, as every org has its `default` user schema.
    let r = http
        .get(format!("{}api/v1/meta/schemas/user/default", org.base_url()))
        .header("authorization", format!("SSWS {}", org.token()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["id"], "default");
    // A path the spec does not have, and a method a path does not take.
    let r = http.get(format!("{}api/v1/nothing", org.base_url())).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000007");
    let r = http
        .patch(format!("{}api/v1/authorizationServers", org.base_url()))
        .header("authorization", format!("SSWS {}", org.token()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000022");
}

#[tokio::test]
async fn lists_served_from_the_spec_page_with_link_headers_and_search_with_q() {
    let (_org, client) = org_and_client().await;
    for i in 0..25 {
        client
            .create_authorization_server()
            .body(body::<types::AuthorizationServer>(json!({
                "name": format!("{} {i:02}", if i % 5 == 0 { "Billing" } else { "Orders" }), "audiences": ["api://x"]
            })))
            .send()
            .await
            .unwrap();
    }
    // Every page through the crate's stream, 10 at a time: each server once, in creation order.
    let servers = client.list_authorization_servers().limit(10).send().await.unwrap();
    let names: Vec<String> = servers.iter().map(|s| json_of(s)["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names.len(), 10, "the first page");
    let mut all = Vec::new();
    let mut pages = client.list_authorization_servers().limit(10).pages();
    let mut page_count = 0;
    while let Some(page) = pages.next().await {
        page_count += 1;
        all.extend(page.unwrap().items.iter().map(|s| json_of(s)["name"].as_str().unwrap().to_string()));
    }
    assert_eq!(page_count, 3);
    // With the org's own `default` server, once (it is keyed by its id, `default`, so it lists after the `aus…` ones).
    let mut expected: Vec<String> =
        (0..25).map(|i| format!("{} {i:02}", if i % 5 == 0 { "Billing" } else { "Orders" })).collect();
    expected.push("default".to_string());
    assert_eq!(all, expected);
    // `q` matches the start of the name, as Okta's does.
    let billing = client.list_authorization_servers().q("billing").send().await.unwrap();
    assert_eq!(billing.len(), 5);
}

#[tokio::test]
async fn executing_an_inline_hook_calls_its_service_with_its_auth_header_and_returns_its_answer() {
    use std::sync::{Arc, Mutex};
    // The external service: records the header Okta authenticates with and allows the registration.
    // (the `Authorization` header, the payload) of each call.
    type Calls = Arc<Mutex<Vec<(Option<String>, Value)>>>;
    let seen: Calls = Arc::default();
    let recorder = seen.clone();
    let service = axum::Router::new().route(
        "/okta/registration",
        axum::routing::post(move |headers: axum::http::HeaderMap, axum::Json(payload): axum::Json<Value>| {
            let recorder = recorder.clone();
            async move {
                let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
                recorder.lock().unwrap().push((auth, payload));
                axum::Json(
                    json!({"commands": [{"type": "com.okta.action.update", "value": {"registration": "ALLOW"}}]}),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}/okta/registration", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });

    let (_org, client) = org_and_client().await;
    let hook = client
        .create_inline_hook()
        .body(body::<types::InlineHookCreate>(json!({
            "name": "Registration check", "type": "com.okta.user.pre-registration", "version": "1.0.0",
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {
                "uri": uri, "method": "POST",
                "authScheme": {"type": "HEADER", "key": "Authorization", "value": "Bearer hook-secret"}
            }}
        })))
        .send()
        .await
        .unwrap();
    let hook_id = json_of(&hook)["id"].as_str().unwrap().to_string();
    // The secret is kept for the calls but never echoed, as Okta does.
    assert_eq!(json_of(&hook)["channel"]["config"]["authScheme"], json!({"type": "HEADER", "key": "Authorization"}));
    let listed = client.list_inline_hooks().send().await.unwrap();
    assert!(json_of(&listed)[0]["channel"]["config"]["authScheme"].get("value").is_none());
    let payload = crate::common::spec()["components"]["examples"]["ProfileEnrollmentRequest"]["value"].clone();
    let answer = client
        .execute_inline_hook()
        .inline_hook_id(&hook_id)
        .body(body::<types::ExecuteInlineHookBody>(payload.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(&answer)["commands"][0]["value"]["registration"], "ALLOW");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, [(Some("Bearer hook-secret".to_string()), payload.clone())]);

    // A hook that does not exist, and a service that cannot be reached: Okta-shaped errors, not a 200.
    let execute = |id: String| {
        let client = client.clone();
        let payload = payload.clone();
        async move {
            client
                .execute_inline_hook()
                .inline_hook_id(id)
                .body(body::<types::ExecuteInlineHookBody>(payload))
                .send()
                .await
        }
    };
    assert_eq!(api_error(&execute("calNoSuchHook0000000".into()).await.unwrap_err()), (404, "E0000007".into()));
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let unreachable = client
        .create_inline_hook()
        .body(body::<types::InlineHookCreate>(json!({
            "name": "Gone", "type": "com.okta.user.pre-registration", "version": "1.0.0",
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": format!("http://{closed}/x"), "method": "POST"}}
        })))
        .send()
        .await
        .unwrap();
    let failed = execute(json_of(&unreachable)["id"].as_str().unwrap().to_string()).await.unwrap_err();
    assert_eq!(api_error(&failed), (400, "E0000001".into()));
    assert!(format!("{failed}").contains("Inline hook call failed"), "{failed}");
}

#[tokio::test]
async fn an_app_is_deleted_only_once_deactivated_as_okta_requires() {
    let (_org, client) = org_and_client().await;
    let app = client
        .create_application()
        .body(body::<types::Application>(json!({
            "label": "Wiki", "signOnMode": "BOOKMARK", "settings": {"app": {"url": "https://wiki.example.com"}}
        })))
        .send()
        .await
        .unwrap();
    let app_id = json_of(&app)["id"].as_str().unwrap().to_string();
    let refused = client.delete_application().app_id(&app_id).send().await.unwrap_err();
    assert_eq!(api_error(&refused), (403, "E0000056".into()));
    client.deactivate_application().app_id(&app_id).send().await.unwrap();
    assert_eq!(json_of(&client.get_application().app_id(&app_id).send().await.unwrap())["status"], "INACTIVE");
    client.delete_application().app_id(&app_id).send().await.unwrap();
    let gone = client.get_application().app_id(&app_id).send().await.unwrap_err();
    assert_eq!(api_error(&gone), (404, "E0000007".into()));
}

#[tokio::test]
async fn an_app_user_assignment_is_kept_under_the_users_id() {
    let (org, client) = org_and_client().await;
    let user_id = org.seed_users(1)[0].clone();
    let app_id = org
        .seed_app(
            json!({"label": "Wiki", "signOnMode": "BOOKMARK", "settings": {"app": {"url": "https://w.example.com"}}}),
        )
        .unwrap();
    let assigned = client
        .assign_user_to_application()
        .app_id(&app_id)
        .body(body::<types::AppUserAssignRequest>(
            json!({"id": user_id, "scope": "USER", "credentials": {"userName": "wiki-user"}}),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(&assigned)["id"], user_id.as_str());
    let read = client.get_application_user().app_id(&app_id).user_id(&user_id).send().await.unwrap();
    assert_eq!(json_of(&read)["credentials"]["userName"], "wiki-user");
    // The same user again: Okta's validation error, not a second assignment.
    let again = client
        .assign_user_to_application()
        .app_id(&app_id)
        .body(body::<types::AppUserAssignRequest>(json!({"id": user_id, "scope": "USER"})))
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_error(&again), (400, "E0000001".into()));
    client.unassign_user_from_application().app_id(&app_id).user_id(&user_id).send().await.unwrap();
    assert!(client.list_application_users().app_id(&app_id).send().await.unwrap().is_empty());
}
