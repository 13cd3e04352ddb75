#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg(feature = "mock")]
//! The mock org's own behaviour, over real HTTP with plain reqwest.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use okta_management::mock::{Fault, ListEndpoint, MockOrg};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};

fn client() -> Client {
    Client::builder().no_proxy().build().unwrap()
}

fn url(org: &MockOrg, path: &str) -> String {
    format!("{}{}", org.base_url().as_str().trim_end_matches('/'), path)
}

async fn call(org: &MockOrg, m: Method, path: &str, body: Option<Value>) -> Response {
    let mut r = client().request(m, url(org, path)).header("Authorization", format!("SSWS {}", org.token()));
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

fn next_link(r: &Response) -> Option<String> {
    r.headers().get_all("link").iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        v.contains("rel=\"next\"").then(|| v.trim_start_matches('<').split('>').next().unwrap().to_string())
    })
}

fn new_user(login: &str, password: bool) -> Value {
    let mut u = json!({"profile": {"login": login, "email": login, "firstName": "Ann", "lastName": "Lee"}});
    if password {
        u["credentials"] = json!({"password": {"value": "S3cret!pass"}});
    }
    u
}

#[tokio::test]
async fn users_paging_follows_link_headers_and_preserves_params() {
    let org = MockOrg::builder().seed_users(25).page_limits(ListEndpoint::Users, 7, 10).start().await.unwrap();
    let r = call(&org, Method::GET, "/api/v1/users", None).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-okta-request-id"));
    assert!(r.headers().contains_key("x-rate-limit-remaining"));
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 7, "default limit");
    let r = call(&org, Method::GET, "/api/v1/users?limit=500", None).await;
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 10, "clamped to max");

    let mut next = Some(url(&org, "/api/v1/users?filter=status+eq+%22ACTIVE%22&limit=4"));
    let mut ids = Vec::new();
    let mut pages = 0;
    while let Some(u) = next.take() {
        pages += 1;
        assert!(pages <= 20);
        let r = client().get(&u).header("Authorization", format!("SSWS {}", org.token())).send().await.unwrap();
        assert_eq!(r.status(), 200);
        next = next_link(&r);
        if let Some(n) = &next {
            assert!(n.contains("limit=4") && n.contains("filter=status") && n.contains("after="), "{n}");
        }
        for u in r.json::<Vec<Value>>().await.unwrap() {
            ids.push(u["id"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(pages, 7);
    let mut dedup = ids.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!((ids.len(), dedup.len()), (25, 25));
}

#[tokio::test]
async fn user_crud_search_and_lifecycle_rules() {
    let org = MockOrg::start().await.unwrap();
    let r = call(&org, Method::POST, "/api/v1/users?activate=true", Some(new_user("ann@example.com", true))).await;
    assert_eq!(r.status(), 200);
    let ann: Value = r.json().await.unwrap();
    assert_eq!(ann["status"], "ACTIVE");
    let id = ann["id"].as_str().unwrap().to_string();
    let r = call(&org, Method::POST, "/api/v1/users?activate=false", Some(new_user("bob@example.com", false))).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "STAGED");
    // Duplicate login and missing fields: E0000001 with causes.
    let r = call(&org, Method::POST, "/api/v1/users", Some(new_user("ANN@example.com", true))).await;
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["errorCode"], "E0000001");
    assert!(e["errorCauses"][0]["errorSummary"].as_str().unwrap().contains("login"));
    let r = call(&org, Method::POST, "/api/v1/users", Some(json!({"profile": {"login": "x@y.z"}}))).await;
    assert_eq!(r.json::<Value>().await.unwrap()["errorCauses"].as_array().unwrap().len(), 3);
    // Get by login, partial and full update.
    let r = call(&org, Method::GET, "/api/v1/users/ann@example.com", None).await;
    assert_eq!(r.json::<Value>().await.unwrap()["id"], id.as_str());
    let r = call(&org, Method::POST, &format!("/api/v1/users/{id}"), Some(json!({"profile": {"title": "CTO"}}))).await;
    let u: Value = r.json().await.unwrap();
    assert_eq!((u["profile"]["title"].as_str(), u["profile"]["firstName"].as_str()), (Some("CTO"), Some("Ann")));
    let r =
        call(&org, Method::PUT, &format!("/api/v1/users/{id}"), Some(json!({"profile": {"login": "ann@example.com"}})))
            .await;
    assert_eq!(r.status(), 400);
    // Search, filter, q.
    let r = call(&org, Method::GET, "/api/v1/users?search=profile.title+eq+%22cto%22", None).await;
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 1);
    let r = call(&org, Method::GET, "/api/v1/users?q=bo", None).await;
    let found = r.json::<Vec<Value>>().await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["profile"]["login"], "bob@example.com");
    let r = call(&org, Method::GET, "/api/v1/users?search=status+eq", None).await;
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["errorCode"].clone()),
        (StatusCode::BAD_REQUEST, json!("E0000031"))
    );
    // Lifecycle.
    let bob = "bob@example.com";
    let r = call(&org, Method::POST, &format!("/api/v1/users/{bob}/lifecycle/suspend"), None).await;
    assert_eq!(r.status(), 400);
    let r = call(&org, Method::POST, &format!("/api/v1/users/{id}/lifecycle/suspend"), None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(org.user(&id).unwrap()["status"], "SUSPENDED");
    let r = call(&org, Method::POST, &format!("/api/v1/users/{id}/lifecycle/unsuspend"), None).await;
    assert_eq!(r.status(), 200);
    let r = call(&org, Method::POST, &format!("/api/v1/users/{id}/lifecycle/activate"), None).await;
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["errorCode"].clone()),
        (StatusCode::FORBIDDEN, json!("E0000016"))
    );
    // Delete: the first DELETE deactivates, the second deletes.
    let r = call(&org, Method::DELETE, &format!("/api/v1/users/{id}"), None).await;
    assert_eq!(r.status(), 204);
    assert_eq!(org.user(&id).unwrap()["status"], "DEPROVISIONED");
    let listed = call(&org, Method::GET, "/api/v1/users", None).await.json::<Vec<Value>>().await.unwrap();
    assert_eq!(listed.len(), 1, "DEPROVISIONED users are not listed without search");
    let r = call(&org, Method::DELETE, &format!("/api/v1/users/{id}"), None).await;
    assert_eq!(r.status(), 204);
    let r = call(&org, Method::GET, &format!("/api/v1/users/{id}"), None).await;
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["errorCode"].clone()),
        (StatusCode::NOT_FOUND, json!("E0000007"))
    );
    let c = org.counters();
    assert_eq!((c.users_created, c.users_deleted), (2, 1));
    assert_eq!(org.route_count("DELETE /api/v1/users/{userId}"), 2);
}

#[tokio::test]
async fn ssws_auth_is_checked_and_logged_redacted() {
    let org = MockOrg::start().await.unwrap();
    let r = client().get(url(&org, "/api/v1/users")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000011");
    let r = client().get(url(&org, "/api/v1/users")).header("Authorization", "SSWS wrong").send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = call(&org, Method::GET, "/api/v1/nothing-here", None).await;
    assert_eq!(r.status(), 404);
    assert!(r.headers().contains_key("x-okta-request-id"));
    let reqs = org.requests();
    assert_eq!(reqs.len(), 2, "unmatched routes are not logged");
    assert_eq!(reqs[1].header("authorization"), Some("SSWS [redacted]"));
    assert!(!format!("{reqs:?}{org:?}").contains(org.token()));
}

#[tokio::test]
async fn ssws_with_no_space_before_the_token_is_taken_as_the_python_sdk_sends_it() {
    let org = MockOrg::start().await.unwrap();
    let get = |auth: String| client().get(url(&org, "/api/v1/users")).header("Authorization", auth).send();
    assert_eq!(get(format!("SSWS{}", org.token())).await.unwrap().status(), 200);
    assert_eq!(get(format!("ssws  {}", org.token())).await.unwrap().status(), 200);
    assert_eq!(get("SSWSwrong".to_owned()).await.unwrap().status(), 401);
    assert_eq!(get("SSWS".to_owned()).await.unwrap().status(), 401);
    assert_eq!(get(format!("SSWX{}", org.token())).await.unwrap().status(), 401);
}

// ---------- OAuth ----------

struct EcKey {
    kp: EcdsaKeyPair,
    jwk: Value,
}

fn ec_key(kid: &str) -> EcKey {
    let kp = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
    let p = kp.public_key().as_ref().to_vec();
    let jwk = json!({"kty": "EC", "crv": "P-256", "kid": kid, "x": B64.encode(&p[1..33]), "y": B64.encode(&p[33..65])});
    EcKey { kp, jwk }
}

fn jws(header: &Value, claims: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
    let sig = sign(input.as_bytes());
    format!("{input}.{}", B64.encode(sig))
}

fn es256(k: &EcKey, header: Value, claims: &Value) -> String {
    jws(&header, claims, |m| k.kp.sign(&SystemRandom::new(), m).unwrap().as_ref().to_vec())
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn jti() -> String {
    format!("jti-{}", rand::random::<u64>())
}

fn assertion_claims(org: &MockOrg, client_id: &str) -> Value {
    json!({"iss": client_id, "sub": client_id, "aud": url(org, "/oauth2/v1/token"), "exp": now() + 300, "iat": now(), "jti": jti()})
}

async fn token_request(org: &MockOrg, assertion: &str, scope: &str, dpop: Option<String>) -> Response {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("scope", scope)
        .append_pair("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .append_pair("client_assertion", assertion)
        .finish();
    let mut r = client()
        .post(url(org, "/oauth2/v1/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(p) = dpop {
        r = r.header("DPoP", p);
    }
    r.send().await.unwrap()
}

#[tokio::test]
async fn oauth_es256_token_flow_and_scopes() {
    let org = MockOrg::start().await.unwrap();
    let key = ec_key("k1");
    org.register_oauth_client("svc", json!({"keys": [key.jwk.clone()]}), &["okta.users.read", "okta.logs.read"])
        .unwrap();
    let hdr = json!({"alg": "ES256", "kid": "k1"});
    let claims = assertion_claims(&org, "svc");
    let a = es256(&key, hdr.clone(), &claims);
    let r = token_request(&org, &a, "okta.users.read", None).await;
    assert_eq!(r.status(), 200);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["token_type"], "Bearer");
    let token = t["access_token"].as_str().unwrap().to_string();
    let get = |path: &str| client().get(url(&org, path)).bearer_auth(&token).send();
    assert_eq!(get("/api/v1/users").await.unwrap().status(), 200);
    // Without the scope: Okta's documented answer, 403 with no body and the challenge naming the scope.
    let r = get("/api/v1/groups").await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let base = org.base_url().as_str().trim_end_matches('/').to_owned();
    assert_eq!(
        r.headers()["www-authenticate"].to_str().unwrap(),
        format!(
            "Bearer authorization_uri=\"{base}/oauth2/v1/authorize\", realm=\"{base}\", scope=\"okta.groups.read\", \
             error=\"insufficient_scope\", error_description=\"The access token provided does not contain the \
             required scopes.\", resource=\"/api/v1/groups\""
        )
    );
    assert_eq!(r.bytes().await.unwrap().len(), 0);
    // Per operation, from the spec: an operation whose OAuth requirement lists two scopes needs both.
    let r = get("/api/v1/apps/0oa1/group-push/mappings").await.unwrap();
    let challenge = r.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(challenge.contains("scope=\"okta.apps.read okta.groups.read\""), "{challenge}");
    // An operation an access token cannot call at all (an API token only).
    let r = client().delete(url(&org, "/api/v1/api-tokens/current")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Replayed jti, wrong aud, expired, too far in the future, bad signature, unknown scope.
    let r = token_request(&org, &a, "okta.users.read", None).await;
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["error"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_client"))
    );
    let mut c = assertion_claims(&org, "svc");
    c["aud"] = json!("https://elsewhere.example/oauth2/v1/token");
    assert_eq!(token_request(&org, &es256(&key, hdr.clone(), &c), "okta.users.read", None).await.status(), 401);
    let mut c = assertion_claims(&org, "svc");
    c["exp"] = json!(now() - 10);
    assert_eq!(token_request(&org, &es256(&key, hdr.clone(), &c), "okta.users.read", None).await.status(), 401);
    let mut c = assertion_claims(&org, "svc");
    c["exp"] = json!(now() + 7200);
    assert_eq!(token_request(&org, &es256(&key, hdr.clone(), &c), "okta.users.read", None).await.status(), 401);
    let other = ec_key("k1");
    let r =
        token_request(&org, &es256(&other, hdr.clone(), &assertion_claims(&org, "svc")), "okta.users.read", None).await;
    assert_eq!(r.status(), 401);
    let r =
        token_request(&org, &es256(&key, hdr.clone(), &assertion_claims(&org, "svc")), "okta.users.manage", None).await;
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_scope"))
    );
    // Expired access token.
    org.expire_access_tokens();
    let r = get("/api/v1/users").await.unwrap();
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["errorCode"].clone()),
        (StatusCode::UNAUTHORIZED, json!("E0000011"))
    );
    let c = org.counters();
    assert_eq!((c.token_requests, c.tokens_issued), (7, 1));
}

#[tokio::test]
async fn oauth_rs256_assertion_is_verified() {
    use aws_lc_rs::rsa::KeySize;
    use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
    let org = MockOrg::start().await.unwrap();
    let kp = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
    let pk = kp.public_key();
    let jwk = json!({
        "kty": "RSA", "kid": "r1",
        "n": B64.encode(pk.modulus().big_endian_without_leading_zero()),
        "e": B64.encode(pk.exponent().big_endian_without_leading_zero()),
    });
    org.register_oauth_client("rsa-svc", json!({"keys": [jwk]}), &["okta.apps.manage"]).unwrap();
    let sign = |m: &[u8]| {
        let mut sig = vec![0; kp.public_modulus_len()];
        kp.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), m, &mut sig).unwrap();
        sig
    };
    let a = jws(&json!({"alg": "RS256", "kid": "r1"}), &assertion_claims(&org, "rsa-svc"), sign);
    let r = token_request(&org, &a, "okta.apps.manage", None).await;
    assert_eq!(r.status(), 200);
    let token = r.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_string();
    // manage implies read
    let r = client().get(url(&org, "/api/v1/apps")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // A tampered signature is rejected.
    let mut bad = a.clone();
    bad.truncate(bad.len() - 4);
    bad.push_str("AAAA");
    let r = token_request(&org, &bad, "okta.apps.manage", None).await;
    assert_eq!(r.status(), 401);
}

fn dpop_proof(k: &EcKey, method: &str, htu: &str, nonce: Option<&str>, token: Option<&str>) -> String {
    let mut claims = json!({"htm": method, "htu": htu, "iat": now(), "jti": jti()});
    if let Some(n) = nonce {
        claims["nonce"] = json!(n);
    }
    if let Some(t) = token {
        let h = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, t.as_bytes());
        claims["ath"] = json!(B64.encode(h.as_ref()));
    }
    let mut jwk = k.jwk.clone();
    jwk.as_object_mut().unwrap().remove("kid");
    es256(k, json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk}), &claims)
}

#[tokio::test]
async fn dpop_nonce_challenges_and_bound_tokens() {
    let org = MockOrg::start().await.unwrap();
    org.require_dpop(true);
    let key = ec_key("k1");
    let dpop_key = ec_key("d1");
    org.register_oauth_client("svc", json!({"keys": [key.jwk.clone()]}), &["okta.users.read"]).unwrap();
    let token_url = url(&org, "/oauth2/v1/token");
    let a = es256(&key, json!({"alg": "ES256"}), &assertion_claims(&org, "svc"));
    let r = token_request(&org, &a, "okta.users.read", None).await;
    assert_eq!(
        (r.status(), r.json::<Value>().await.unwrap()["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_dpop_proof"))
    );
    let r =
        token_request(&org, &a, "okta.users.read", Some(dpop_proof(&dpop_key, "POST", &token_url, None, None))).await;
    assert_eq!(r.status(), 400);
    let nonce = r.headers().get("dpop-nonce").unwrap().to_str().unwrap().to_string();
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "use_dpop_nonce");
    // Same assertion again with the nonce: not a replay, since the nonce challenge came first.
    let r =
        token_request(&org, &a, "okta.users.read", Some(dpop_proof(&dpop_key, "POST", &token_url, Some(&nonce), None)))
            .await;
    assert_eq!(r.status(), 200);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["token_type"], "DPoP");
    let token = t["access_token"].as_str().unwrap().to_string();
    let users = url(&org, "/api/v1/users");
    let send = |proof: String, scheme: &str| {
        client().get(&users).header("Authorization", format!("{scheme} {token}")).header("DPoP", proof).send()
    };
    let ok = send(dpop_proof(&dpop_key, "GET", &users, Some(&nonce), Some(&token)), "DPoP").await.unwrap();
    assert_eq!(ok.status(), 200);
    let r = send(dpop_proof(&dpop_key, "GET", &users, Some(&nonce), Some(&token)), "Bearer").await.unwrap();
    assert_eq!(r.status(), 401, "a DPoP-bound token is not a bearer token");
    let r = send(dpop_proof(&ec_key("x"), "GET", &users, Some(&nonce), Some(&token)), "DPoP").await.unwrap();
    assert_eq!(r.status(), 401, "proof from another key");
    let new_nonce = org.rotate_dpop_nonce();
    let r = send(dpop_proof(&dpop_key, "GET", &users, Some(&nonce), Some(&token)), "DPoP").await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers()["www-authenticate"].to_str().unwrap().contains("use_dpop_nonce"));
    assert_eq!(r.headers()["dpop-nonce"].to_str().unwrap(), new_nonce);
    let r = send(dpop_proof(&dpop_key, "GET", &users, Some(&new_nonce), Some(&token)), "DPoP").await.unwrap();
    assert_eq!(r.status(), 200);
}

// ---------- event hooks ----------

#[derive(Default)]
struct Receiver {
    posts: Vec<(Option<String>, Value)>,
    fail_next_posts: u32,
}

async fn start_receiver(state: Arc<Mutex<Receiver>>) -> String {
    use axum::extract::State;
    use axum::http::HeaderMap;
    use axum::routing::get;
    async fn verify(headers: HeaderMap) -> axum::Json<Value> {
        let c = headers.get("x-okta-verification-challenge").and_then(|v| v.to_str().ok()).unwrap_or("");
        axum::Json(json!({"verification": c}))
    }
    async fn event(State(s): State<Arc<Mutex<Receiver>>>, headers: HeaderMap, body: axum::Json<Value>) -> StatusCode {
        let mut s = s.lock().unwrap();
        let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
        s.posts.push((auth, body.0));
        if s.fail_next_posts > 0 {
            s.fail_next_posts -= 1;
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
        StatusCode::OK
    }
    let app = axum::Router::new().route("/hook", get(verify).post(event)).with_state(state);
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    format!("http://{addr}/hook")
}

#[tokio::test]
async fn event_hooks_verify_deliver_retry_and_redeliver() {
    let org = MockOrg::start().await.unwrap();
    let rx = Arc::new(Mutex::new(Receiver { fail_next_posts: 1, ..Default::default() }));
    let hook_url = start_receiver(rx.clone()).await;
    let hook = json!({
        "name": "provisioning", "events": {"type": "EVENT_TYPE", "items": ["user.lifecycle.create", "group.user_membership.add"]},
        "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": hook_url, "authScheme": {"type": "HEADER", "key": "Authorization", "value": "hook-secret"}}}
    });
    let r = call(&org, Method::POST, "/api/v1/eventHooks", Some(hook)).await;
    assert_eq!(r.status(), 200);
    let h: Value = r.json().await.unwrap();
    assert_eq!((h["status"].as_str(), h["verificationStatus"].as_str()), (Some("ACTIVE"), Some("UNVERIFIED")));
    assert!(h["channel"]["config"]["authScheme"].get("value").is_none(), "secret not echoed");
    let id = h["id"].as_str().unwrap().to_string();
    // Unverified: no delivery.
    call(&org, Method::POST, "/api/v1/users", Some(new_user("early@example.com", true))).await;
    let r = call(&org, Method::POST, &format!("/api/v1/eventHooks/{id}/lifecycle/verify"), None).await;
    assert_eq!(r.json::<Value>().await.unwrap()["verificationStatus"], "VERIFIED");
    let r = call(&org, Method::POST, "/api/v1/users", Some(new_user("hooked@example.com", true))).await;
    let uid = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let gid = org.seed_group("Team").unwrap();
    let r = call(&org, Method::PUT, &format!("/api/v1/groups/{gid}/users/{uid}"), None).await;
    assert_eq!(r.status(), 204);
    let ds = org.wait_for_deliveries(2, Duration::from_secs(20)).await.unwrap();
    assert_eq!(ds.len(), 2);
    assert!(ds.iter().all(|d| d.delivered));
    assert_eq!(ds.iter().map(|d| d.attempts).sum::<u32>(), 3, "one retry after the 500");
    let mut types: Vec<_> = ds.iter().flat_map(|d| d.event_types.clone()).collect();
    types.sort();
    assert_eq!(types, ["group.user_membership.add", "user.lifecycle.create"]);
    {
        let s = rx.lock().unwrap();
        assert_eq!(s.posts.len(), 3);
        assert!(s.posts.iter().all(|(a, _)| a.as_deref() == Some("hook-secret")));
        let env = &s.posts[2].1;
        assert_eq!(env["eventType"], "com.okta.event_hook");
        assert_eq!(env["data"]["events"].as_array().unwrap().len(), 1);
        assert!(env["data"]["events"][0]["uuid"].is_string());
    }
    let again = org.redeliver(&ds[0].event_id).await.unwrap();
    assert!(again.delivered && again.redelivery);
    assert_eq!(rx.lock().unwrap().posts.last().unwrap().1["eventId"], ds[0].event_id.as_str());
    // Delete only when INACTIVE: an active hook's delete is refused with the `403` the spec declares.
    let r = call(&org, Method::DELETE, &format!("/api/v1/eventHooks/{id}"), None).await;
    assert_eq!(r.status(), 403);
    call(&org, Method::POST, &format!("/api/v1/eventHooks/{id}/lifecycle/deactivate"), None).await;
    assert_eq!(call(&org, Method::DELETE, &format!("/api/v1/eventHooks/{id}"), None).await.status(), 204);
    let c = org.counters();
    assert_eq!((c.hook_deliveries_ok, c.hook_deliveries_failed, c.hook_attempts, c.hook_verifications), (3, 0, 4, 1));
}

#[tokio::test]
async fn failed_verification_and_failed_delivery_are_reported() {
    let org = MockOrg::start().await.unwrap();
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/gone", l.local_addr().unwrap())
    };
    let hook = json!({"name": "h", "events": {"type": "EVENT_TYPE", "items": ["user.lifecycle.create"]},
        "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": dead}}});
    let id = call(&org, Method::POST, "/api/v1/eventHooks", Some(hook)).await.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = call(&org, Method::POST, &format!("/api/v1/eventHooks/{id}/lifecycle/verify"), None).await;
    assert_eq!(r.status(), 400);
    assert!(org.wait_for_deliveries(1, Duration::from_millis(200)).await.is_err());
}

// ---------- logs ----------

#[tokio::test]
async fn logs_filter_paging_and_polling() {
    let org = MockOrg::start().await.unwrap();
    for i in 0..5 {
        call(&org, Method::POST, "/api/v1/users?activate=false", Some(new_user(&format!("l{i}@example.com"), false)))
            .await;
    }
    let mut next = Some(url(
        &org,
        "/api/v1/logs?filter=eventType+eq+%22user.lifecycle.create%22&limit=2&until=2999-01-01T00:00:00Z",
    ));
    let mut n = 0;
    let mut pages = 0;
    while let Some(u) = next.take() {
        pages += 1;
        assert!(pages < 10);
        let r = client().get(&u).header("Authorization", format!("SSWS {}", org.token())).send().await.unwrap();
        next = next_link(&r);
        let evs: Vec<Value> = r.json().await.unwrap();
        assert!(evs.iter().all(|e| e["eventType"] == "user.lifecycle.create" && e["actor"]["id"].is_string()));
        n += evs.len();
    }
    assert_eq!((n, pages), (5, 3));
    // Polling: the next link is always there, even on an empty page.
    let r = call(&org, Method::GET, "/api/v1/logs?limit=100", None).await;
    let poll = next_link(&r).unwrap();
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 5);
    let r = client().get(&poll).header("Authorization", format!("SSWS {}", org.token())).send().await.unwrap();
    let poll2 = next_link(&r).expect("next link on an empty polling page");
    assert!(r.json::<Vec<Value>>().await.unwrap().is_empty());
    call(&org, Method::POST, "/api/v1/users/l0@example.com/lifecycle/activate", None).await;
    let r = client().get(&poll2).header("Authorization", format!("SSWS {}", org.token())).send().await.unwrap();
    let evs: Vec<Value> = r.json().await.unwrap();
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0]["eventType"], "user.lifecycle.activate");
}

// ---------- groups and apps ----------

#[tokio::test]
async fn groups_members_paging_and_apps_round_trip() {
    let org = MockOrg::builder().seed_users(5).start().await.unwrap();
    let r =
        call(&org, Method::POST, "/api/v1/groups", Some(json!({"profile": {"name": "Eng", "description": "x"}}))).await;
    let gid = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(
        call(&org, Method::POST, "/api/v1/groups", Some(json!({"profile": {"name": "Eng"}}))).await.status(),
        400
    );
    let users: Vec<Value> = call(&org, Method::GET, "/api/v1/users", None).await.json().await.unwrap();
    for u in &users {
        let id = u["id"].as_str().unwrap();
        assert_eq!(call(&org, Method::PUT, &format!("/api/v1/groups/{gid}/users/{id}"), None).await.status(), 204);
    }
    let r = call(&org, Method::GET, &format!("/api/v1/groups/{gid}/users?limit=2"), None).await;
    let next = next_link(&r).unwrap();
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 2);
    assert!(next.contains("limit=2"));
    let first = users[0]["id"].as_str().unwrap();
    assert_eq!(call(&org, Method::DELETE, &format!("/api/v1/groups/{gid}/users/{first}"), None).await.status(), 204);
    assert_eq!(org.group_members(&gid).len(), 4);
    let groups: Vec<Value> = call(&org, Method::GET, "/api/v1/groups?q=en", None).await.json().await.unwrap();
    assert_eq!(groups.len(), 1);

    let apps = [
        json!({"name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK", "settings": {"app": {"url": "https://wiki.example.com"}}}),
        json!({"name": "oidc_client", "label": "Portal", "signOnMode": "OPENID_CONNECT", "settings": {"oauthClient": {"grant_types": ["client_credentials"]}}, "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}}}),
        json!({"label": "Payroll", "signOnMode": "SAML_2_0", "settings": {"signOn": {"ssoAcsUrl": "https://p.example.com/acs"}}}),
    ];
    // A sign-on mode from a newer Okta: the org holds it (the mock validates requests against its own spec, whose
    // enum does not have it, as the Okta of that spec would).
    let future_app = json!({"label": "Future", "signOnMode": "QUANTUM_LOGIN", "futureField": {"nested": [1, 2]}});
    let r = call(&org, Method::POST, "/api/v1/apps", Some(future_app.clone())).await;
    assert_eq!(r.status(), 400);
    let mut ids = Vec::new();
    for a in &apps {
        let r = call(&org, Method::POST, "/api/v1/apps", Some(a.clone())).await;
        let status = r.status();
        let body = r.json::<Value>().await.unwrap();
        assert_eq!(status, 200, "{a} → {body}");
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    ids.push(org.seed_app(future_app).unwrap());
    let future: Value = call(&org, Method::GET, &format!("/api/v1/apps/{}", ids[3]), None).await.json().await.unwrap();
    assert_eq!(
        (future["signOnMode"].clone(), future["futureField"].clone()),
        (json!("QUANTUM_LOGIN"), json!({"nested": [1, 2]}))
    );
    let oidc: Value = call(&org, Method::GET, &format!("/api/v1/apps/{}", ids[1]), None).await.json().await.unwrap();
    assert_eq!(oidc["credentials"]["oauthClient"]["token_endpoint_auth_method"], "private_key_jwt");
    let r = call(&org, Method::GET, "/api/v1/apps?limit=3", None).await;
    assert!(next_link(&r).is_some());
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 3);
    let r = call(&org, Method::POST, "/api/v1/apps", Some(json!({"signOnMode": "BOOKMARK"}))).await;
    assert_eq!(r.status(), 400);
}

// ---------- faults ----------

#[tokio::test]
async fn rate_limit_and_server_error_faults() {
    let org = MockOrg::builder().rate_limit_reset_delay(Duration::from_secs(1)).start().await.unwrap();
    org.inject("GET /api/v1/users", Fault::RateLimitEvery(2)).unwrap();
    let statuses: Vec<u16> = {
        let mut v = Vec::new();
        for _ in 0..4 {
            v.push(call(&org, Method::GET, "/api/v1/users", None).await.status().as_u16());
        }
        v
    };
    assert_eq!(statuses, [200, 429, 200, 429]);
    org.clear_faults();
    org.inject("GET /api/v1/groups", Fault::RateLimitBurst(1)).unwrap();
    let r = call(&org, Method::GET, "/api/v1/groups", None).await;
    assert_eq!(r.status(), 429);
    let reset: u64 = r.headers()["x-rate-limit-reset"].to_str().unwrap().parse().unwrap();
    let date = httpdate::parse_http_date(r.headers()["date"].to_str().unwrap()).unwrap();
    let date = date.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert_eq!(reset - date, 1);
    assert_eq!(r.headers()["x-rate-limit-remaining"], "0");
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000047");
    assert_eq!(call(&org, Method::GET, "/api/v1/groups", None).await.status(), 200);
    org.inject("POST /api/v1/groups", Fault::ServerError { status: 503, count: 1 }).unwrap();
    let body = json!({"profile": {"name": "G"}});
    assert_eq!(call(&org, Method::POST, "/api/v1/groups", Some(body.clone())).await.status(), 503);
    assert_eq!(call(&org, Method::POST, "/api/v1/groups", Some(body)).await.status(), 200);
    let c = org.counters();
    assert_eq!((c.rate_limited, c.server_errors_injected, c.groups_created), (3, 1, 1));
}

#[tokio::test]
async fn dropped_connections_before_and_after_processing() {
    let org = MockOrg::start().await.unwrap();
    org.inject("POST /api/v1/users", Fault::DropBeforeProcessing).unwrap();
    let send = |login: &str| {
        client()
            .post(url(&org, "/api/v1/users"))
            .header("Authorization", format!("SSWS {}", org.token()))
            .json(&new_user(login, true))
            .send()
    };
    assert!(send("a@example.com").await.is_err());
    assert_eq!((org.user_count(), org.counters().users_created), (0, 0));
    org.inject("POST /api/v1/users", Fault::DropAfterProcessing).unwrap();
    assert!(send("b@example.com").await.is_err());
    assert_eq!((org.user_count(), org.counters().users_created), (1, 1), "side effect happened");
    assert!(org.user("b@example.com").is_some());
    assert_eq!(send("c@example.com").await.unwrap().status(), 200);
    assert_eq!(org.counters().connections_dropped, 2);
}

#[tokio::test]
async fn body_and_header_faults() {
    let org = MockOrg::builder().seed_users(3).start().await.unwrap();
    let route = "GET /api/v1/users";
    org.inject(route, Fault::MalformedJson).unwrap();
    let r = call(&org, Method::GET, "/api/v1/users", None).await;
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.is_err());
    org.inject(route, Fault::TruncatedBody).unwrap();
    let r = call(&org, Method::GET, "/api/v1/users", None).await;
    assert!(r.bytes().await.is_err(), "body cut short");
    org.inject(route, Fault::WrongContentType).unwrap();
    let r = call(&org, Method::GET, "/api/v1/users", None).await;
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    org.inject(route, Fault::BrokenLinkHeader).unwrap();
    org.inject(route, Fault::BrokenDateHeader).unwrap();
    org.inject(route, Fault::BrokenResetHeader).unwrap();
    let r = call(&org, Method::GET, "/api/v1/users", None).await;
    assert!(httpdate::parse_http_date(r.headers()["date"].to_str().unwrap()).is_err());
    assert!(r.headers()["x-rate-limit-reset"].to_str().unwrap().parse::<u64>().is_err());
    let link = r.headers()["link"].to_str().unwrap();
    assert!(!link.starts_with('<'));
    org.inject(route, Fault::Latency(Duration::from_millis(50))).unwrap();
    let r = call(&org, Method::GET, "/api/v1/users", None).await;
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 3, "latency alone keeps the answer intact");
    assert!(org.inject("nonsense", Fault::MalformedJson).is_err());
    assert_eq!(org.route_count("GET /api/v1/users"), 5);
}

#[tokio::test]
async fn large_listing_is_complete() {
    let org = MockOrg::builder().seed_users(20_000).start().await.unwrap();
    let mut next = Some(url(&org, "/api/v1/users?limit=200"));
    let mut n = 0;
    let mut pages = 0;
    while let Some(u) = next.take() {
        pages += 1;
        assert!(pages <= 101);
        let r = client().get(&u).header("Authorization", format!("SSWS {}", org.token())).send().await.unwrap();
        next = next_link(&r);
        n += r.json::<Vec<Value>>().await.unwrap().len();
    }
    assert_eq!((n, pages), (20_000, 100));
}

#[tokio::test]
async fn raw_users_round_trip_and_server_stops_on_drop() {
    let org = MockOrg::start().await.unwrap();
    let id = org
        .create_user_raw(json!({"status": "STAGED", "profile": {"login": "raw@example.com", "nickName": "r"}, "futureTopLevel": {"a": 1}}))
        .unwrap();
    let u: Value = call(&org, Method::GET, &format!("/api/v1/users/{id}"), None).await.json().await.unwrap();
    assert_eq!((u["status"].clone(), u["futureTopLevel"].clone()), (json!("STAGED"), json!({"a": 1})));
    assert!(org.create_user_raw(json!({"profile": {}})).is_err());
    let app = org.seed_app(json!({"label": "X", "signOnMode": "SOMETHING_NEW", "extra": true})).unwrap();
    let a: Value = call(&org, Method::GET, &format!("/api/v1/apps/{app}"), None).await.json().await.unwrap();
    assert_eq!(a["extra"], true);
    let base = url(&org, "/api/v1/users");
    drop(org);
    let mut refused = false;
    for _ in 0..50 {
        if client().get(&base).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(refused, "server still answering after the handle dropped");
}
