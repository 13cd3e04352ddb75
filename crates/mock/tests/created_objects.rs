//! Objects the spec-served handler creates and replaces, read back over HTTP: what the client sent plus what the org
//! sets (ids, timestamps, status, links, the defaults Okta documents), never the spec example's other values; no
//! `{…Id}` placeholder left in a served string; the uniqueness and the refusals Okta answers with.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

mod support;
use support::Org;

impl Org {
    async fn start() -> Org {
        Org::with_users(2).await
    }

    async fn refused(&self, method: Method, path: &str, body: Option<Value>, status: StatusCode, code: &str) -> Value {
        let (got, answer) = self.call(method.clone(), path, body).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
        assert_eq!(answer["errorCode"], code, "{answer}");
        for field in ["errorSummary", "errorLink", "errorId", "errorCauses"] {
            assert!(answer.get(field).is_some(), "{field} missing from {answer}");
        }
        answer
    }
}

/// Every string of `value` with a `{…Id}` placeholder.
fn placeholders(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if s.contains("Id}") => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| placeholders(v, out)),
        Value::Object(m) => m.values().for_each(|v| placeholders(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn a_new_authorization_server_has_its_own_issuer_and_automatic_key_rotation() {
    let org = Org::start().await;
    let body = json!({"name": "Orders", "description": "orders API", "audiences": ["api://orders"]});
    let server = org.ok(Method::POST, "/api/v1/authorizationServers", Some(body)).await;
    let id = server["id"].as_str().unwrap();
    assert_eq!(server["issuer"], json!(format!("{}/oauth2/{id}", org.base)));
    assert_eq!(server["issuerMode"], "ORG_URL");
    assert_eq!(server["status"], "ACTIVE");
    assert_eq!(server["audiences"], json!(["api://orders"]));
    assert_eq!(server["credentials"]["signing"]["rotationMode"], "AUTO");
    // The example's own values are not the new server's.
    assert_ne!(server["credentials"]["signing"]["kid"], "WYQxoK4XAwGFn5Zw5AzLxFvqEKLP79BbsKmWeuc5TB4");
    assert_ne!(server["created"], "2023-05-17T22:25:57.000Z");
    let mut left = Vec::new();
    placeholders(&server, &mut left);
    assert!(left.is_empty(), "placeholders left: {left:?}");
    let metadata = server["_links"]["metadata"][0]["href"].as_str().unwrap();
    assert!(metadata.starts_with(&format!("{}/oauth2/{id}/.well-known/", org.base)), "{metadata}");

    // Read back and replaced without them, the server keeps what the org set.
    let read = org.ok(Method::GET, &format!("/api/v1/authorizationServers/{id}"), None).await;
    assert_eq!(read["issuer"], server["issuer"]);
    let replaced = org
        .ok(
            Method::PUT,
            &format!("/api/v1/authorizationServers/{id}"),
            Some(json!({"name": "Orders", "description": "replaced", "audiences": ["api://orders"]})),
        )
        .await;
    assert_eq!(replaced["description"], "replaced");
    assert_eq!(replaced["issuer"], server["issuer"]);
    assert_eq!(replaced["credentials"]["signing"]["kid"], server["credentials"]["signing"]["kid"]);
}

#[tokio::test]
async fn a_scope_made_from_a_name_has_okta_s_defaults_and_names_are_unique() {
    let org = Org::start().await;
    let server =
        org.ok(Method::POST, "/api/v1/authorizationServers", Some(json!({"name": "S", "audiences": ["a"]}))).await;
    let scopes = format!("/api/v1/authorizationServers/{}/scopes", server["id"].as_str().unwrap());
    let scope = org.ok(Method::POST, &scopes, Some(json!({"name": "orders:read"}))).await;
    assert_eq!(scope["name"], "orders:read");
    assert_eq!(scope["consent"], "IMPLICIT");
    assert_eq!(scope["metadataPublish"], "NO_CLIENTS");
    assert_eq!(scope["system"], false);
    assert_eq!(scope["default"], false);
    assert!(scope.get("description").is_none(), "{scope}");
    assert!(scope.get("displayName").is_none(), "{scope}");

    let answer = org
        .refused(Method::POST, &scopes, Some(json!({"name": "orders:read"})), StatusCode::BAD_REQUEST, "E0000001")
        .await;
    assert!(answer["errorCauses"][0]["errorSummary"].as_str().unwrap().contains("name"), "{answer}");
    let listed = org.ok(Method::GET, &scopes, None).await;
    assert_eq!(listed.as_array().unwrap().iter().filter(|s| s["name"] == "orders:read").count(), 1);
}

#[tokio::test]
async fn an_identity_provider_links_its_users_and_the_step_its_status_allows() {
    let org = Org::start().await;
    let body = json!({
        "type": "GOOGLE", "name": "Google",
        "protocol": {"type": "OIDC", "scopes": ["openid"], "credentials": {"client": {"client_id": "c", "client_secret": "s"}}},
        "policy": {"provisioning": {"action": "AUTO", "profileMaster": false, "groups": {"action": "NONE"}},
                   "accountLink": {"action": "AUTO", "filter": null},
                   "subject": {"userNameTemplate": {"template": "idpuser.email"}, "matchType": "USERNAME"}, "maxClockSkew": 0}
    });
    let idp = org.ok(Method::POST, "/api/v1/idps", Some(body)).await;
    let id = idp["id"].as_str().unwrap();
    let own = format!("{}/api/v1/idps/{id}", org.base);
    assert_eq!(idp["_links"]["users"]["href"], json!(format!("{own}/users")));
    assert_eq!(idp["_links"]["deactivate"]["href"], json!(format!("{own}/lifecycle/deactivate")));
    assert!(idp["_links"].get("activate").is_none(), "{idp}");

    let inactive = org.ok(Method::POST, &format!("/api/v1/idps/{id}/lifecycle/deactivate"), None).await;
    assert_eq!(inactive["status"], "INACTIVE");
    assert_eq!(inactive["_links"]["activate"]["href"], json!(format!("{own}/lifecycle/activate")));
    assert!(inactive["_links"].get("deactivate").is_none(), "{inactive}");

    // No user is linked to a new IdP.
    assert_eq!(org.ok(Method::GET, &format!("/api/v1/idps/{id}/users"), None).await, json!([]));
}

#[tokio::test]
async fn lists_select_by_the_field_a_parameter_names() {
    let org = Org::start().await;
    let hook = |name: &str, kind: &str| {
        json!({"name": name, "version": "1.0.0", "type": kind,
               "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": "https://example.com/h", "method": "POST"}}})
    };
    let token = org.ok(Method::POST, "/api/v1/inlineHooks", Some(hook("t", "com.okta.oauth2.tokens.transform"))).await;
    let import = org.ok(Method::POST, "/api/v1/inlineHooks", Some(hook("i", "com.okta.import.transform"))).await;
    let ids = |list: Value| list.as_array().unwrap().iter().map(|h| h["id"].clone()).collect::<Vec<_>>();
    let tokens = org.ok(Method::GET, "/api/v1/inlineHooks?type=com.okta.oauth2.tokens.transform", None).await;
    assert_eq!(ids(tokens), vec![token["id"].clone()]);
    let saml = org.ok(Method::GET, "/api/v1/inlineHooks?type=com.okta.saml.tokens.transform", None).await;
    assert_eq!(ids(saml), Vec::<Value>::new());
    assert_eq!(ids(org.ok(Method::GET, "/api/v1/inlineHooks", None).await).len(), 2);

    // An active inline hook is not deleted (the spec's `403`); an inactive one is.
    let path = format!("/api/v1/inlineHooks/{}", import["id"].as_str().unwrap());
    org.refused(Method::DELETE, &path, None, StatusCode::FORBIDDEN, "E0000006").await;
    org.ok(Method::POST, &format!("{path}/lifecycle/deactivate"), None).await;
    let (status, _) = org.call(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn an_active_event_hook_is_not_deleted() {
    let org = Org::start().await;
    let body = json!({"name": "e", "events": {"type": "EVENT_TYPE", "items": ["user.lifecycle.create"]},
                      "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": "https://example.com/e"}}});
    let hook = org.ok(Method::POST, "/api/v1/eventHooks", Some(body)).await;
    let path = format!("/api/v1/eventHooks/{}", hook["id"].as_str().unwrap());
    org.refused(Method::DELETE, &path, None, StatusCode::FORBIDDEN, "E0000006").await;
    assert_eq!(org.ok(Method::GET, &path, None).await["status"], "ACTIVE");
}

#[tokio::test]
async fn the_default_brand_stays_default_through_a_replace_and_is_not_deleted() {
    let org = Org::start().await;
    let brands = org.ok(Method::GET, "/api/v1/brands", None).await;
    let brand = brands.as_array().unwrap().iter().find(|b| b["isDefault"] == true).cloned().unwrap();
    let path = format!("/api/v1/brands/{}", brand["id"].as_str().unwrap());
    // `isDefault` is read-only: a replacement neither drops nor changes it.
    let body = json!({"name": brand["name"], "removePoweredByOkta": true, "isDefault": false});
    let replaced = org.ok(Method::PUT, &path, Some(body)).await;
    assert_eq!(replaced["isDefault"], true);
    assert_eq!(replaced["removePoweredByOkta"], true);
    org.refused(Method::DELETE, &path, None, StatusCode::CONFLICT, "E0000200").await;

    // A created brand is not the default one.
    let created = org.ok(Method::POST, "/api/v1/brands", Some(json!({"name": "Second"}))).await;
    assert_eq!(created["isDefault"], false);
}

#[tokio::test]
async fn one_email_customization_per_language() {
    let org = Org::start().await;
    let brands = org.ok(Method::GET, "/api/v1/brands", None).await;
    let brand = brands[0]["id"].as_str().unwrap().to_string();
    let customizations = format!("/api/v1/brands/{brand}/templates/email/UserActivation/customizations");
    let en = json!({"language": "en", "isDefault": true, "subject": "Hi", "body": "<p>${activationLink}</p>"});
    let first = org.ok(Method::POST, &customizations, Some(en)).await;
    let again = json!({"language": "en", "isDefault": false, "subject": "x", "body": "<p>${activationLink}</p>"});
    let answer = org.refused(Method::POST, &customizations, Some(again), StatusCode::CONFLICT, "E0000183").await;
    assert_eq!(answer["errorSummary"], "An email template customization for that language already exists.");
    let fr = json!({"language": "fr", "isDefault": false, "subject": "Salut", "body": "<p>${activationLink}</p>"});
    let second = org.ok(Method::POST, &customizations, Some(fr)).await;
    let listed = org.ok(Method::GET, &customizations, None).await;
    let ids: Vec<&Value> = listed.as_array().unwrap().iter().map(|c| &c["id"]).collect();
    assert_eq!(ids, vec![&first["id"], &second["id"]]);
    // The template's own `${…}` variables are the customer's text, not placeholders of the org's.
    assert_eq!(first["body"], "<p>${activationLink}</p>");
}

#[tokio::test]
async fn schemas_are_the_org_s_and_an_unknown_app_has_none() {
    let org = Org::start().await;
    let group = org.ok(Method::GET, "/api/v1/meta/schemas/group/default", None).await;
    assert_eq!(group["definitions"]["base"]["properties"]["name"]["type"], "string");
    assert_eq!(group["definitions"]["base"]["properties"]["description"]["type"], "string");
    assert_eq!(group["definitions"]["base"]["required"], json!(["name"]));

    org.refused(
        Method::GET,
        "/api/v1/meta/schemas/apps/0oaNoSuchApp000000000/default",
        None,
        StatusCode::NOT_FOUND,
        "E0000007",
    )
    .await;
    let app = json!({"name": "bookmark", "label": "B", "signOnMode": "BOOKMARK",
                     "settings": {"app": {"requestIntegration": false, "url": "https://example.com/b"}}});
    let app = org.ok(Method::POST, "/api/v1/apps", Some(app)).await;
    let id = app["id"].as_str().unwrap();
    let schema = org.ok(Method::GET, &format!("/api/v1/meta/schemas/apps/{id}/default"), None).await;
    // The schema's `id` names the app asked about, not a placeholder.
    assert_eq!(schema["id"], json!(format!("{}/meta/schemas/apps/{id}/default", org.base)));
}
