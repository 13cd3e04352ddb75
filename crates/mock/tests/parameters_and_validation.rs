//! List parameters and request validation as Okta's, over real HTTP: only the `search`/`filter` parameters Okta
//! documents as expressions take the expression grammar, keyword parameters match words, and every body Okta
//! refuses is answered `400 E0000001` with one `errorCauses` entry per problem.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use okta_management_mock::MockOrg;
use serde_json::{Value, json};

/// A started org and an HTTP client sending its API token.
struct Org {
    org: MockOrg,
    http: reqwest::Client,
}

impl Org {
    async fn start() -> Self {
        Org { org: MockOrg::builder().start().await.unwrap(), http: reqwest::Client::new() }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{}", self.org.base_url().as_str().trim_end_matches('/'), path);
        let mut request = self
            .http
            .request(method, url)
            .header("authorization", format!("SSWS {}", self.org.token()))
            .header("accept", "application/json");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
}

/// The `errorSummary` of each of an error's causes.
fn causes(error: &Value) -> Vec<String> {
    error["errorCauses"].as_array().unwrap().iter().map(|c| c["errorSummary"].as_str().unwrap().to_string()).collect()
}

/// Asserts Okta's validation answer: 400, E0000001 summarised by its first field, and these causes.
fn assert_validation(answer: &(u16, Value), expected_causes: &[&str]) {
    let (status, error) = answer;
    assert_eq!(*status, 400, "{error}");
    assert_eq!(error["errorCode"], "E0000001", "{error}");
    let first_field = expected_causes[0].split_once(": ").unwrap().0;
    assert_eq!(error["errorSummary"], format!("Api validation failed: {first_field}"));
    assert_eq!(causes(error), expected_causes);
    for key in ["errorLink", "errorId"] {
        assert!(error[key].as_str().is_some_and(|v| !v.is_empty()), "{key}: {error}");
    }
}

fn names(items: &Value) -> Vec<&str> {
    items.as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect()
}

fn group_rule(name: &str) -> Value {
    json!({
        "type": "group_rule",
        "name": name,
        "conditions": {"expression": {"value": "user.role==\"Engineer\"", "type": "urn:okta:expression:1.0"}},
        "actions": {"assignUserToGroups": {"groupIds": ["00g1ldr1ZXOhM2yJ40g4"]}}
    })
}

#[tokio::test]
async fn a_group_rules_search_is_a_keyword_not_an_expression() {
    let org = Org::start().await;
    for name in ["Engineering RULE_ABC", "Sales rule", "rule_abc for support"] {
        assert_eq!(org.post("/api/v1/groups/rules", group_rule(name)).await.0, 200);
    }
    // Okta: "Specifies the keyword to search rules for" — found in the name, whatever its case.
    let (status, rules) = org.get("/api/v1/groups/rules?search=RULE_ABC").await;
    assert_eq!(status, 200, "{rules}");
    assert_eq!(names(&rules), ["Engineering RULE_ABC", "rule_abc for support"]);
    // Text that reads as an expression is a keyword too: no rule has it in its name.
    let (status, rules) = org.get("/api/v1/groups/rules?search=name%20eq%20%22Sales%20rule%22").await;
    assert_eq!((status, rules), (200, json!([])));
    assert_eq!(names(&org.get("/api/v1/groups/rules").await.1).len(), 3);
}

#[tokio::test]
async fn a_documented_filter_expression_takes_the_grammar_and_q_is_a_prefix() {
    let org = Org::start().await;
    for (name, origin) in [("Portal", "https://portal.example.com"), ("Intranet", "https://intranet.example.com")] {
        let body = json!({"name": name, "origin": origin, "scopes": [{"type": "CORS"}]});
        let (status, created) = org.post("/api/v1/trustedOrigins", body).await;
        assert!(status == 200 || status == 201, "{created}");
    }
    let (status, found) = org.get("/api/v1/trustedOrigins?filter=name%20eq%20%22Portal%22").await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(names(&found), ["Portal"]);
    // A filter's `eq` wants values identical (Okta's operator table; listUsers: "case-sensitive for ... query
    // values"); only a `search` ignores their case.
    let (status, found) = org.get("/api/v1/trustedOrigins?filter=name%20eq%20%22portal%22").await;
    assert_eq!((status, found), (200, json!([])));
    // Not an expression where one is documented: Okta's E0000031.
    let (status, error) = org.get("/api/v1/trustedOrigins?filter=Portal").await;
    assert_eq!((status, error["errorCode"].as_str()), (400, Some("E0000031")), "{error}");
    assert!(!causes(&error).is_empty());
    // `q`: "prefix matches against the `name` and `origin`".
    assert_eq!(names(&org.get("/api/v1/trustedOrigins?q=https%3A%2F%2FINTRA").await.1), ["Intranet"]);
    assert_eq!(names(&org.get("/api/v1/trustedOrigins?q=example").await.1), Vec::<&str>::new());
}

#[tokio::test]
async fn a_filter_naming_an_attribute_is_no_expression() {
    let org = Org::start().await;
    // The YubiKey token list's `filter` is one of the attribute names Okta lists, not an expression.
    let (status, tokens) = org.get("/api/v1/org/factors/yubikey_token/tokens?filter=profile.email").await;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens.is_array());
    let answer = org.get("/api/v1/org/factors/yubikey_token/tokens?filter=profile.colour").await;
    assert_validation(
        &answer,
        &[
            "filter: 'profile.colour' is not one of profile.email, profile.serial, activated, user.id, created, status, lastVerified",
        ],
    );
}

#[tokio::test]
async fn an_email_server_is_checked_by_its_auth_type() {
    let org = Org::start().await;
    let basic = json!({"alias": "CustomServer1", "enabled": true, "authType": "BASIC_SMTP_AUTH",
        "host": "smtp.example.com", "port": 587, "username": "user@example.com"});
    // A basic SMTP server signs in with a password: required of it, as the Email Servers API says.
    assert_validation(
        &org.post("/api/v1/email-servers", basic.clone()).await,
        &["password: The field cannot be left blank"],
    );
    let mut with_password = basic.clone();
    with_password["password"] = json!("securepassword");
    let (status, created) = org.post("/api/v1/email-servers", with_password).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["alias"], "CustomServer1");
    // An unknown auth type is refused by name, and nothing else is asked of it.
    let mut unknown = basic;
    unknown["authType"] = json!("NTLM");
    assert_validation(
        &org.post("/api/v1/email-servers", unknown).await,
        &["authType: 'NTLM' is not one of BASIC_SMTP_AUTH, OAUTH2_CLIENT_CREDENTIALS, OAUTH2_JWT_BEARER_GRANT"],
    );
}

#[tokio::test]
async fn an_email_domain_names_each_missing_field_once() {
    let org = Org::start().await;
    assert_validation(
        &org.post("/api/v1/email-domains", json!({"domain": "example.com"})).await,
        &[
            "displayName: The field cannot be left blank",
            "userName: The field cannot be left blank",
            "brandId: The field cannot be left blank",
        ],
    );
    let body = json!({"displayName": "Admin", "userName": "admin", "domain": "example.com", "brandId": "bnd100iSrkcN6aR680g1"});
    let (status, created) = org.post("/api/v1/email-domains", body).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!((created["domain"].as_str(), created["userName"].as_str()), (Some("example.com"), Some("admin")));
}

#[tokio::test]
async fn an_sms_template_needs_its_type_and_the_code_variable() {
    let org = Org::start().await;
    let template = |fields: Value| {
        let mut t =
            json!({"name": "Custom", "type": "SMS_VERIFY_CODE", "template": "${org.name}: your code is ${code}"});
        for (k, v) in fields.as_object().unwrap() {
            t[k] = v.clone();
        }
        t
    };
    assert_validation(
        &org.post("/api/v1/templates/sms", template(json!({"type": null}))).await,
        &["type: The field cannot be left blank"],
    );
    assert_validation(
        &org.post("/api/v1/templates/sms", template(json!({"type": "SMS_VERIFY_EMAIL"}))).await,
        &["type: 'SMS_VERIFY_EMAIL' is not one of SMS_VERIFY_CODE"],
    );
    assert_validation(
        &org.post("/api/v1/templates/sms", template(json!({"template": "Your code is ready"}))).await,
        &["template: The template must contain the ${code} variable"],
    );
    assert_validation(
        &org.post("/api/v1/templates/sms", template(json!({"name": "n".repeat(51)}))).await,
        &["name: 'name' can't be more than '50' characters long."],
    );
    let (status, created) = org.post("/api/v1/templates/sms", template(json!({}))).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["type"], "SMS_VERIFY_CODE");
    // A partial update (`POST …/sms/{id}`) sends only what changes.
    let id = created["id"].as_str().unwrap();
    let (status, updated) =
        org.post(&format!("/api/v1/templates/sms/{id}"), json!({"translations": {"de": "Ihr Code: ${code}"}})).await;
    assert_eq!(status, 200, "{updated}");
}

#[tokio::test]
async fn role_permission_conditions_take_lists_of_attributes() {
    let org = Org::start().await;
    let role = json!({"label": "UserViewer", "description": "Views users", "permissions": ["okta.users.read"]});
    let (status, role) = org.post("/api/v1/iam/roles", role).await;
    assert!(status == 200 || status == 201, "{role}");
    let permissions = format!("/api/v1/iam/roles/{}/permissions", role["id"].as_str().unwrap());
    // The Roles API's documented request: each condition attribute with a list of profile attributes.
    let conditions = json!({"conditions": {"include": {"okta:ResourceAttribute/User/Profile": ["city", "state"]}}});
    let (status, answer) = org.post(&format!("{permissions}/okta.users.read"), conditions).await;
    assert!((200..300).contains(&status), "{answer}");
    let number = json!({"conditions": {"exclude": {"okta:ResourceAttribute/User/Profile": 7}}});
    assert_validation(
        &org.post(&format!("{permissions}/okta.users.manage"), number).await,
        &["conditions.exclude.okta:ResourceAttribute/User/Profile: expected an array but got a number"],
    );
}

#[tokio::test]
async fn an_idp_is_read_as_okta_reads_it() {
    let org = Org::start().await;
    // Okta's generic OIDC IdP request sends `pkce_required` as the text "true"; no inquiry template (Persona only).
    let oidc = json!({
        "type": "OIDC", "name": "Example OIDC IdP",
        "protocol": {
            "type": "OIDC", "scopes": ["openid"],
            "algorithms": {"request": {"signature": {"algorithm": "HS256", "scope": "REQUEST"}}},
            "credentials": {"client": {"client_id": "your-client-id", "client_secret": "your-client-secret", "pkce_required": "true"}},
            "issuer": {"url": "https://idp.example.com"}
        }
    });
    let (status, created) = org.post("/api/v1/idps", oidc.clone()).await;
    assert!(status == 200 || status == 201, "{created}");
    // A signature algorithm Okta does not offer for OIDC requests is refused by name.
    let mut es = oidc;
    es["protocol"]["algorithms"]["request"]["signature"]["algorithm"] = json!("PS256");
    assert_validation(
        &org.post("/api/v1/idps", es).await,
        &[
            "protocol.algorithms.request.signature.algorithm: 'PS256' is not one of HS256, HS384, HS512, RS256, RS384, RS512",
        ],
    );
    let persona =
        json!({"type": "IDV_PERSONA", "name": "Persona", "protocol": {"type": "ID_PROOFING"}, "properties": {}});
    assert_validation(
        &org.post("/api/v1/idps", persona).await,
        &["properties.inquiryTemplateId: The field cannot be left blank"],
    );
}
