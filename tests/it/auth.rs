//! Authentication against a mock Okta org (axum on 127.0.0.1): SSWS, Bearer, PrivateKey
//! (assertions verified server-side for RSA/EC in PKCS#1/PKCS#8/SEC1/JWK form), token
//! caching, refresh before expiry, single-flight, 401 -> refresh once -> resend once,
//! DPoP nonces on the token endpoint and resource calls, `ath`, and redaction.
//!
//! RSA test keys are committed fixtures (tests/fixtures, generated once with
//! `openssl genpkey`; JWK derived from the same key); EC keys are generated at test time
//! with aws-lc-rs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::capture;
use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_2048_8192_SHA256,
    RsaKeyPair, UnparsedPublicKey,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use okta_management::auth::{AuthError, Authenticator, PrivateKey, TokenSupplier};
use okta_management::config::{AuthorizationMode, Config, ConfigBuilder};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const CLIENT_ID: &str = "0oa-test-client";

// ---------------------------------------------------------------- mock server

#[derive(Default)]
struct Behavior {
    /// `expires_in` for successive tokens (3600 when empty).
    expires: VecDeque<u64>,
    /// Token endpoint answers `invalid_dpop_proof` without a proof.
    dpop_required: bool,
    /// Current token-endpoint nonce; proofs must carry it.
    token_nonce: Option<String>,
    /// Current resource-server nonce; DPoP resource calls must carry it.
    resource_nonce: Option<String>,
    /// Resource nonce to rotate to (announced on the next successful response).
    rotate_resource_nonce_to: Option<String>,
    /// Tokens (by issue number, 1-based) the resource server rejects with 401.
    reject_tokens: HashSet<usize>,
    /// Reject every token.
    reject_all: bool,
    /// Delay for each token response (widens the race window; not asserted).
    token_delay: Option<Duration>,
    /// The token endpoint refuses the client.
    refuse_client: bool,
    /// Static SSWS token accepted by the resource server.
    ssws: Option<String>,
}

struct Verifier {
    alg: &'static str,
    public_key: Vec<u8>,
}

#[derive(Default)]
struct Seen {
    /// Decoded (header, claims) of client assertions.
    assertions: Vec<(Value, Value)>,
    /// Raw client assertions (to check they never reach logs).
    raw_assertions: Vec<String>,
    /// Decoded (header, claims) of DPoP proofs at the token endpoint.
    token_proofs: Vec<(Value, Value)>,
    /// Decoded (header, claims) of DPoP proofs at the resource server.
    resource_proofs: Vec<(Value, Value)>,
    /// Authorization headers received by the resource server.
    authorizations: Vec<String>,
    /// Tokens issued: (value, dpop).
    issued: Vec<(String, bool)>,
}

struct Mock {
    base: String,
    verifier: Option<Verifier>,
    behavior: Mutex<Behavior>,
    seen: Mutex<Seen>,
    token_posts: AtomicUsize,
    resource_calls: AtomicUsize,
    jtis: Mutex<HashSet<String>>,
}

fn decode_part(p: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
}

fn split_jwt(jwt: &str) -> (Value, Value, Vec<u8>, String) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "compact JWS");
    (
        decode_part(parts[0]),
        decode_part(parts[1]),
        URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
        format!("{}.{}", parts[0], parts[1]),
    )
}

/// Verifies a DPoP proof; returns (header, claims) or a reason.
fn verify_proof(proof: &str, htm: &str, htu: &str) -> Result<(Value, Value), String> {
    let (h, c, sig, input) = split_jwt(proof);
    if h["typ"] != "dpop+jwt" || h["alg"] != "ES256" {
        return Err(format!("bad header {h}"));
    }
    let jwk = &h["jwk"];
    if jwk["kty"] != "EC" || jwk["crv"] != "P-256" || jwk.get("d").is_some() {
        return Err("bad jwk".into());
    }
    let mut point = vec![4u8];
    point.extend(URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap());
    point.extend(URL_SAFE_NO_PAD.decode(jwk["y"].as_str().unwrap()).unwrap());
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
        .verify(input.as_bytes(), &sig)
        .map_err(|_| "bad proof signature".to_string())?;
    if c["htm"] != htm || c["htu"] != htu {
        return Err(format!("bad htm/htu {c}"));
    }
    if !c["jti"].is_string() || !c["iat"].is_u64() {
        return Err("missing jti/iat".into());
    }
    Ok((h, c))
}

fn oauth_error(status: StatusCode, error: &str, nonce: Option<&str>) -> Response {
    let mut r =
        (status, axum::Json(json!({"error": error, "error_description": format!("mock: {error}")}))).into_response();
    if let Some(n) = nonce {
        r.headers_mut().insert("DPoP-Nonce", n.parse().unwrap());
    }
    r
}

async fn token_endpoint(State(m): State<Arc<Mock>>, headers: HeaderMap, body: Bytes) -> Response {
    m.token_posts.fetch_add(1, Ordering::SeqCst);
    let delay = m.behavior.lock().unwrap().token_delay;
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let form: std::collections::HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let token_url = format!("{}/oauth2/v1/token", m.base);
    if form.get("grant_type").map(String::as_str) != Some("client_credentials")
        || form.get("client_assertion_type").map(String::as_str)
            != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        || form.get("scope").map(String::as_str) != Some("okta.users.read okta.groups.read")
    {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", None);
    }
    // client assertion
    let assertion = form.get("client_assertion").cloned().unwrap_or_default();
    let (h, c, sig, input) = split_jwt(&assertion);
    let v = m.verifier.as_ref().unwrap();
    let ok_sig = match v.alg {
        "RS256" => {
            UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &v.public_key).verify(input.as_bytes(), &sig).is_ok()
        }
        _ => UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &v.public_key).verify(input.as_bytes(), &sig).is_ok(),
    };
    let iat = c["iat"].as_u64().unwrap_or(0);
    let exp = c["exp"].as_u64().unwrap_or(0);
    let jti = c["jti"].as_str().unwrap_or("").to_string();
    let fresh_jti = !jti.is_empty() && m.jtis.lock().unwrap().insert(jti);
    let valid = ok_sig
        && h["alg"] == v.alg
        && c["iss"] == CLIENT_ID
        && c["sub"] == CLIENT_ID
        && c["aud"] == token_url.as_str()
        && exp > iat
        && exp - iat <= 3600
        && fresh_jti;
    {
        let mut seen = m.seen.lock().unwrap();
        seen.assertions.push((h, c));
        seen.raw_assertions.push(assertion);
    }
    if !valid || m.behavior.lock().unwrap().refuse_client {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", None);
    }
    // DPoP
    let (dpop_required, nonce) = {
        let b = m.behavior.lock().unwrap();
        (b.dpop_required, b.token_nonce.clone())
    };
    let proof = headers.get("dpop").map(|v| v.to_str().unwrap().to_string());
    let dpop = match proof {
        None if dpop_required => return oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", None),
        None => false,
        Some(p) => {
            let (ph, pc) = match verify_proof(&p, "POST", &token_url) {
                Ok(x) => x,
                Err(_) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", None),
            };
            if pc.get("ath").is_some() {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", None);
            }
            m.seen.lock().unwrap().token_proofs.push((ph, pc.clone()));
            if let Some(n) = &nonce {
                if pc["nonce"] != n.as_str() {
                    return oauth_error(StatusCode::BAD_REQUEST, "use_dpop_nonce", Some(n));
                }
            }
            true
        }
    };
    let expires_in = m.behavior.lock().unwrap().expires.pop_front().unwrap_or(3600);
    let mut seen = m.seen.lock().unwrap();
    let token = format!("access-token-secret-{}", seen.issued.len() + 1);
    seen.issued.push((token.clone(), dpop));
    axum::Json(json!({
        "token_type": if dpop { "DPoP" } else { "Bearer" },
        "access_token": token,
        "expires_in": expires_in,
        "scope": "okta.users.read okta.groups.read",
    }))
    .into_response()
}

async fn resource(State(m): State<Arc<Mock>>, headers: HeaderMap) -> Response {
    m.resource_calls.fetch_add(1, Ordering::SeqCst);
    let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    m.seen.lock().unwrap().authorizations.push(auth.clone());
    let unauthorized = |challenge: &str| {
        let mut r = (StatusCode::UNAUTHORIZED, "{\"errorCode\":\"E0000011\"}").into_response();
        r.headers_mut().insert("WWW-Authenticate", challenge.parse().unwrap());
        r
    };
    let b = m.behavior.lock().unwrap();
    if let Some(s) = &b.ssws {
        return if auth == format!("SSWS {s}") {
            axum::Json(json!({"ok": true})).into_response()
        } else {
            unauthorized("SSWS")
        };
    }
    let (scheme, token) = auth.split_once(' ').unwrap_or(("", ""));
    let seen = m.seen.lock().unwrap();
    let Some(index) = seen.issued.iter().position(|(t, _)| t == token) else {
        return unauthorized("Bearer error=\"invalid_token\"");
    };
    let is_dpop = seen.issued[index].1;
    drop(seen);
    if (is_dpop && scheme != "DPoP") || (!is_dpop && scheme != "Bearer") {
        return unauthorized("Bearer error=\"invalid_token\"");
    }
    let mut nonce_to_announce = None;
    if is_dpop {
        let Some(proof) = headers.get("dpop").map(|v| v.to_str().unwrap().to_string()) else {
            return unauthorized("DPoP error=\"invalid_dpop_proof\"");
        };
        let htu = format!("{}/api/v1/users", m.base);
        let Ok((ph, pc)) = verify_proof(&proof, "GET", &htu) else {
            return unauthorized("DPoP error=\"invalid_dpop_proof\"");
        };
        let expected_ath = URL_SAFE_NO_PAD.encode(digest(&SHA256, token.as_bytes()));
        if pc["ath"] != expected_ath.as_str() {
            return unauthorized("DPoP error=\"invalid_dpop_proof\"");
        }
        m.seen.lock().unwrap().resource_proofs.push((ph, pc.clone()));
        if let Some(n) = &b.resource_nonce {
            if pc["nonce"] != n.as_str() {
                let mut r = unauthorized("DPoP error=\"use_dpop_nonce\", error_description=\"nonce\"");
                r.headers_mut().insert("DPoP-Nonce", n.parse().unwrap());
                return r;
            }
        }
        nonce_to_announce = b.rotate_resource_nonce_to.clone();
    }
    if b.reject_all || b.reject_tokens.contains(&(index + 1)) {
        return unauthorized("Bearer error=\"invalid_token\", error_description=\"expired\"");
    }
    drop(b);
    let mut r = axum::Json(json!({"token": index + 1})).into_response();
    if let Some(n) = nonce_to_announce {
        let mut b = m.behavior.lock().unwrap();
        b.resource_nonce = Some(n.clone());
        b.rotate_resource_nonce_to = None;
        r.headers_mut().insert("DPoP-Nonce", n.parse().unwrap());
    }
    r
}

fn capture() -> Capture {
    capture::global()
}

async fn start(verifier: Option<Verifier>, behavior: Behavior) -> Arc<Mock> {
    capture();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let mock = Arc::new(Mock {
        base: format!("http://{addr}"),
        verifier,
        behavior: Mutex::new(behavior),
        seen: Mutex::new(Seen::default()),
        token_posts: AtomicUsize::new(0),
        resource_calls: AtomicUsize::new(0),
        jtis: Mutex::new(HashSet::new()),
    });
    let app = Router::new()
        .route("/oauth2/v1/token", post(token_endpoint))
        .route("/api/v1/users", get(resource).post(resource))
        .with_state(Arc::clone(&mock));
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    mock
}

// ---------------------------------------------------------------- keys

fn pem_der(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(b64).unwrap()
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

fn rsa_verifier() -> Verifier {
    let k = RsaKeyPair::from_pkcs8(&pem_der(&fixture("rsa_pkcs8.pem"))).unwrap();
    Verifier { alg: "RS256", public_key: k.public_key().as_ref().to_vec() }
}

/// A fresh EC P-256 key: (verifier, PKCS#8 PEM, SEC1 PEM, JWK JSON).
fn ec_key() -> (Verifier, String, String, String) {
    use aws_lc_rs::encoding::{AsBigEndian, AsDer, EcPrivateKeyBin, EcPrivateKeyRfc5915Der};
    let k = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
    let pkcs8 = pem("PRIVATE KEY", k.to_pkcs8v1().unwrap().as_ref());
    let sec1_der: EcPrivateKeyRfc5915Der = k.private_key().as_der().unwrap();
    let sec1 = pem("EC PRIVATE KEY", sec1_der.as_ref());
    let d: EcPrivateKeyBin = k.private_key().as_be_bytes().unwrap();
    let point = k.public_key().as_ref();
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "kid": "ec-jwk-kid",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        "d": URL_SAFE_NO_PAD.encode(d.as_ref()),
    })
    .to_string();
    (Verifier { alg: "ES256", public_key: point.to_vec() }, pkcs8, sec1, jwk)
}

// ---------------------------------------------------------------- helpers

fn oauth_config(m: &Mock, key: &str) -> ConfigBuilder {
    ConfigBuilder::new()
        .org_url(&m.base)
        .disable_https_check(true)
        .authorization_mode(AuthorizationMode::PrivateKey)
        .client_id(CLIENT_ID)
        .scopes(["okta.users.read", "okta.groups.read"])
        .private_key(key.to_string())
}

fn authenticator(config: &Config) -> Authenticator {
    Authenticator::new(config, reqwest::Client::new()).unwrap()
}

async fn call(auth: &Authenticator, m: &Mock) -> reqwest::Response {
    let http = reqwest::Client::new();
    let req = http.get(format!("{}/api/v1/users?limit=1#frag", m.base)).build().unwrap();
    auth.execute(&http, req).await.unwrap()
}

async fn call_token_index(auth: &Authenticator, m: &Mock) -> u64 {
    let r = call(auth, m).await;
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["token"].as_u64().unwrap()
}

// ---------------------------------------------------------------- tests

#[test]
fn authenticator_and_its_future_are_send_sync() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<Authenticator>();
    send_sync::<AuthError>();
    send_sync::<okta_management::config::ConfigError>();
    let config = ConfigBuilder::new().org_url("https://a.okta.com").token("t").build().unwrap();
    let auth = authenticator(&config);
    let http = reqwest::Client::new();
    let req = http.get("https://a.okta.com/api/v1/users").build().unwrap();
    let fut = auth.execute(&http, req);
    send(&fut);
}

#[tokio::test]
async fn ssws_header() {
    let m = start(None, Behavior { ssws: Some("00ssws-secret".into()), ..Default::default() }).await;
    let config =
        ConfigBuilder::new().org_url(&m.base).disable_https_check(true).token("00ssws-secret").build().unwrap();
    let auth = authenticator(&config);
    assert_eq!(call(&auth, &m).await.status(), 200);
    assert_eq!(m.seen.lock().unwrap().authorizations, vec!["SSWS 00ssws-secret"]);
    assert!(!format!("{auth:?}").contains("00ssws"));

    // wrong token: the 401 is returned as is, no resend in SSWS mode
    let config = ConfigBuilder::new().org_url(&m.base).disable_https_check(true).token("wrong").build().unwrap();
    assert_eq!(call(&authenticator(&config), &m).await.status(), 401);
    assert_eq!(m.resource_calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn bearer_fixed_and_supplier() {
    let m = start(None, Behavior::default()).await;
    // issue two tokens out of band so the resource server accepts them
    m.seen.lock().unwrap().issued.push(("fixed-bearer".into(), false));
    m.seen.lock().unwrap().issued.push(("supplied-bearer".into(), false));

    let config = ConfigBuilder::new()
        .org_url(&m.base)
        .disable_https_check(true)
        .authorization_mode(AuthorizationMode::Bearer)
        .token("fixed-bearer")
        .build()
        .unwrap();
    assert_eq!(call_token_index(&authenticator(&config), &m).await, 1);

    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = Arc::clone(&calls);
    let supplier = TokenSupplier::from_async(move || {
        let c2 = Arc::clone(&c2);
        async move {
            c2.fetch_add(1, Ordering::SeqCst);
            Ok("supplied-bearer".into())
        }
    });
    let config = ConfigBuilder::new()
        .org_url(&m.base)
        .disable_https_check(true)
        .authorization_mode(AuthorizationMode::Bearer)
        .token_supplier(supplier)
        .build()
        .unwrap();
    let auth = authenticator(&config);
    assert_eq!(call_token_index(&auth, &m).await, 2);
    assert_eq!(call_token_index(&auth, &m).await, 2);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "supplier called per request");

    // a failing supplier is a typed error
    let config = ConfigBuilder::new()
        .org_url(&m.base)
        .disable_https_check(true)
        .authorization_mode(AuthorizationMode::Bearer)
        .token_supplier(TokenSupplier::from_fn(|| Err("vault down".into())))
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let req = http.get(format!("{}/api/v1/users", m.base)).build().unwrap();
    let e = authenticator(&config).execute(&http, req).await.unwrap_err();
    assert!(matches!(e, AuthError::TokenSupplier(_)), "{e:?}");
}

/// Runs one PrivateKey request with `key` and returns the decoded assertion.
async fn assertion_for(verifier: Verifier, key: &str, kid: Option<&str>) -> (Value, Value) {
    let m = start(Some(verifier), Behavior::default()).await;
    let mut b = oauth_config(&m, key);
    if let Some(k) = kid {
        b = b.kid(k);
    }
    let auth = authenticator(&b.build().unwrap());
    assert_eq!(call_token_index(&auth, &m).await, 1);
    assert_eq!(m.token_posts.load(Ordering::SeqCst), 1);
    assert_eq!(m.seen.lock().unwrap().authorizations, vec!["Bearer access-token-secret-1"]);
    let seen = m.seen.lock().unwrap();
    let (h, c) = seen.assertions[0].clone();
    let aud = format!("{}/oauth2/v1/token", m.base);
    assert_eq!(c["iss"], CLIENT_ID);
    assert_eq!(c["sub"], CLIENT_ID);
    assert_eq!(c["aud"], aud.as_str());
    let (iat, exp) = (c["iat"].as_u64().unwrap(), c["exp"].as_u64().unwrap());
    assert!(exp > iat && exp - iat <= 3600);
    assert_eq!(h["typ"], "JWT");
    (h, c)
}

#[tokio::test]
async fn rsa_pkcs1_pkcs8_and_jwk_assertions_verify() {
    let (h, _) = assertion_for(rsa_verifier(), &fixture("rsa_pkcs1.pem"), Some("kid-1")).await;
    assert_eq!(h["alg"], "RS256");
    assert_eq!(h["kid"], "kid-1");
    let (h, _) = assertion_for(rsa_verifier(), &fixture("rsa_pkcs8.pem"), None).await;
    assert_eq!(h["alg"], "RS256");
    assert!(h.get("kid").is_none());
    let (h, _) = assertion_for(rsa_verifier(), &fixture("rsa.jwk.json"), None).await;
    assert_eq!(h["alg"], "RS256");
    assert_eq!(h["kid"], "test-rsa-jwk");
    // and from a file path
    let path = format!("{FIXTURES}/rsa_pkcs1.pem");
    let (h, _) = assertion_for(rsa_verifier(), &path, None).await;
    assert_eq!(h["alg"], "RS256");
}

#[tokio::test]
async fn ec_pkcs8_sec1_and_jwk_assertions_verify() {
    let (v, pkcs8, sec1, jwk) = ec_key();
    let public = v.public_key.clone();
    let (h, _) = assertion_for(v, &pkcs8, Some("ec-kid")).await;
    assert_eq!(h["alg"], "ES256");
    assert_eq!(h["kid"], "ec-kid");
    let v = || Verifier { alg: "ES256", public_key: public.clone() };
    let (h, _) = assertion_for(v(), &sec1, None).await;
    assert_eq!(h["alg"], "ES256");
    let (h, _) = assertion_for(v(), &jwk, None).await;
    assert_eq!(h["alg"], "ES256");
    assert_eq!(h["kid"], "ec-jwk-kid");
    // a parsed key can be handed over directly
    let key = PrivateKey::parse(&pkcs8).unwrap();
    assert!(!format!("{key:?}").contains(&pkcs8[30..60]));
}

#[tokio::test]
async fn wrong_key_for_server_is_typed_token_error() {
    // the server expects the RSA key; we sign with a fresh EC key
    let (_, pkcs8, _, _) = ec_key();
    let m = start(Some(rsa_verifier()), Behavior::default()).await;
    let auth = authenticator(&oauth_config(&m, &pkcs8).build().unwrap());
    let http = reqwest::Client::new();
    let req = http.get(format!("{}/api/v1/users", m.base)).build().unwrap();
    let e = auth.execute(&http, req).await.unwrap_err();
    match &e {
        AuthError::TokenEndpoint { status, error, error_description } => {
            assert_eq!(*status, 401);
            assert_eq!(error.as_deref(), Some("invalid_client"));
            assert_eq!(error_description.as_deref(), Some("mock: invalid_client"));
        }
        other => panic!("{other:?}"),
    }
    let assertion = m.seen.lock().unwrap().raw_assertions[0].clone();
    assert!(!format!("{e} {e:?}").contains(&assertion));
    assert_eq!(m.resource_calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn token_is_cached() {
    let m = start(Some(rsa_verifier()), Behavior::default()).await;
    let auth = authenticator(&oauth_config(&m, &fixture("rsa_pkcs8.pem")).build().unwrap());
    for _ in 0..3 {
        assert_eq!(call_token_index(&auth, &m).await, 1);
    }
    // clones share the cache
    assert_eq!(call_token_index(&auth.clone(), &m).await, 1);
    assert_eq!(m.token_posts.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn token_refreshed_before_expiry() {
    // first token valid 60 s, inside the 120 s margin -> refreshed on next use although
    // not expired; the second (3600 s) is then reused.
    let m = start(Some(rsa_verifier()), Behavior { expires: VecDeque::from([60, 3600]), ..Default::default() }).await;
    let config =
        oauth_config(&m, &fixture("rsa_pkcs8.pem")).token_refresh_margin(Duration::from_secs(120)).build().unwrap();
    let auth = authenticator(&config);
    assert_eq!(call_token_index(&auth, &m).await, 1);
    assert_eq!(call_token_index(&auth, &m).await, 2);
    assert_eq!(call_token_index(&auth, &m).await, 2);
    assert_eq!(m.token_posts.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn single_flight_refresh() {
    let m = start(Some(rsa_verifier()), Behavior { expires: VecDeque::from([0, 3600]), ..Default::default() }).await;
    let auth = authenticator(&oauth_config(&m, &fixture("rsa_pkcs8.pem")).build().unwrap());
    assert_eq!(call_token_index(&auth, &m).await, 1); // token 1 is now expired
    m.behavior.lock().unwrap().token_delay = Some(Duration::from_millis(100));
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let auth = auth.clone();
            let m = Arc::clone(&m);
            tokio::spawn(async move { call_token_index(&auth, &m).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), 2);
    }
    assert_eq!(m.token_posts.load(Ordering::SeqCst), 2, "exactly one refresh");
    assert_eq!(m.resource_calls.load(Ordering::SeqCst), 33);
}

#[tokio::test]
async fn unauthorized_refreshes_once_and_resends_once() {
    let m = start(Some(rsa_verifier()), Behavior { reject_tokens: HashSet::from([1]), ..Default::default() }).await;
    let auth = authenticator(&oauth_config(&m, &fixture("rsa_pkcs8.pem")).build().unwrap());
    assert_eq!(call_token_index(&auth, &m).await, 2);
    assert_eq!(m.token_posts.load(Ordering::SeqCst), 2);
    assert_eq!(m.resource_calls.load(Ordering::SeqCst), 2);
    // the new token stays cached
    assert_eq!(call_token_index(&auth, &m).await, 2);
    assert_eq!(m.token_posts.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn second_unauthorized_is_returned_without_loop() {
    let m = start(Some(rsa_verifier()), Behavior { reject_all: true, ..Default::default() }).await;
    let auth = authenticator(&oauth_config(&m, &fixture("rsa_pkcs8.pem")).build().unwrap());
    let r = call(&auth, &m).await;
    assert_eq!(r.status(), 401);
    assert_eq!(m.resource_calls.load(Ordering::SeqCst), 2);
    assert_eq!(m.token_posts.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn unclonable_request_is_not_resent() {
    let m = start(Some(rsa_verifier()), Behavior { reject_all: true, ..Default::default() }).await;
    let auth = authenticator(&oauth_config(&m, &fixture("rsa_pkcs8.pem")).build().unwrap());
    let http = reqwest::Client::new();
    let stream = futures::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from_static(b"{}"))]);
    let req = http.post(format!("{}/api/v1/users", m.base)).body(reqwest::Body::wrap_stream(stream)).build().unwrap();
    let r = auth.execute(&http, req).await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(m.resource_calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn dpop_required_by_token_endpoint_with_nonce() {
    let m = start(
        Some(rsa_verifier()),
        Behavior { dpop_required: true, token_nonce: Some("token-nonce-1".into()), ..Default::default() },
    )
    .await;
    let auth = authenticator(&oauth_config(&m, &fixture("rsa_pkcs8.pem")).build().unwrap());
    assert!(!auth.dpop_enabled());
    assert_eq!(call_token_index(&auth, &m).await, 1);
    assert!(auth.dpop_enabled());
    // plain -> invalid_dpop_proof; proof -> use_dpop_nonce; proof+nonce -> token
    assert_eq!(m.token_posts.load(Ordering::SeqCst), 3);
    let seen = m.seen.lock().unwrap();
    assert_eq!(seen.token_proofs.len(), 2);
    assert!(seen.token_proofs[0].1.get("nonce").is_none());
    assert_eq!(seen.token_proofs[1].1["nonce"], "token-nonce-1");
    assert_ne!(seen.token_proofs[0].1["jti"], seen.token_proofs[1].1["jti"]);
    assert_eq!(seen.authorizations, vec!["DPoP access-token-secret-1"]);
    // resource proof: same key as at the token endpoint, correct ath, htu without query
    let (rh, rc) = &seen.resource_proofs[0];
    assert_eq!(rh["jwk"], seen.token_proofs[1].0["jwk"]);
    let ath = URL_SAFE_NO_PAD.encode(digest(&SHA256, b"access-token-secret-1"));
    assert_eq!(rc["ath"], ath.as_str());
    assert_eq!(rc["htu"], format!("{}/api/v1/users", m.base).as_str());
    assert_eq!(rc["htm"], "GET");
}

#[tokio::test]
async fn dpop_configured_and_resource_nonce_challenge_and_rotation() {
    let m = start(
        Some(rsa_verifier()),
        Behavior { token_nonce: Some("tn".into()), resource_nonce: Some("rn-1".into()), ..Default::default() },
    )
    .await;
    let config = oauth_config(&m, &fixture("rsa_pkcs1.pem")).dpop(true).build().unwrap();
    let auth = authenticator(&config);
    assert!(auth.dpop_enabled());
    assert_eq!(call_token_index(&auth, &m).await, 1);
    // proof (no nonce) -> use_dpop_nonce -> proof with nonce
    assert_eq!(m.token_posts.load(Ordering::SeqCst), 2);
    // resource: proof without nonce -> 401 use_dpop_nonce -> resend once with rn-1
    assert_eq!(m.resource_calls.load(Ordering::SeqCst), 2);
    {
        let seen = m.seen.lock().unwrap();
        let last = &seen.resource_proofs.last().unwrap().1;
        assert_eq!(last["nonce"], "rn-1");
        // the token-endpoint nonce is kept apart from the resource nonce
        assert_eq!(seen.token_proofs.last().unwrap().1["nonce"], "tn");
    }
    // the server rotates its nonce on a success response; the next call uses it directly
    m.behavior.lock().unwrap().rotate_resource_nonce_to = Some("rn-2".into());
    assert_eq!(call_token_index(&auth, &m).await, 1); // announces rn-2, used rn-1
    assert_eq!(call_token_index(&auth, &m).await, 1);
    assert_eq!(m.resource_calls.load(Ordering::SeqCst), 4, "no extra challenge");
    let seen = m.seen.lock().unwrap();
    assert_eq!(seen.resource_proofs.last().unwrap().1["nonce"], "rn-2");
    assert_eq!(m.token_posts.load(Ordering::SeqCst), 2);
}

// Captures everything `tracing` emits (TRACE level) in this test binary. A global
// subscriber (installed by `start`) is used because a thread-scoped one misses events
// whose callsite interest was cached by tests running in parallel.
use capture::Capture;

#[tokio::test]
async fn secrets_absent_from_debug_and_tracing() {
    let capture = capture();

    let m = start(
        Some(rsa_verifier()),
        Behavior {
            dpop_required: true,
            token_nonce: Some("tn".into()),
            resource_nonce: Some("rn".into()),
            reject_tokens: HashSet::from([1]),
            ..Default::default()
        },
    )
    .await;
    let config = oauth_config(&m, &fixture("rsa_pkcs8.pem")).build().unwrap();
    let auth = authenticator(&config);
    assert_eq!(call_token_index(&auth, &m).await, 2);

    // Everything every test in this binary logged so far (all modes), at TRACE level.
    let logs = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    assert!(logs.contains("OAuth access token refreshed"), "{logs}");
    assert!(logs.contains("DPoP"), "{logs}");
    let seen = m.seen.lock().unwrap();
    let key_body: String = fixture("rsa_pkcs8.pem").lines().nth(1).unwrap().to_string();
    let mut secrets: Vec<String> = vec![
        "access-token-secret".into(),
        "00ssws-secret".into(),
        "fixed-bearer".into(),
        "supplied-bearer".into(),
        key_body,
    ];
    secrets.extend(seen.raw_assertions.iter().cloned());
    let debug = format!("{config:?} {auth:?}");
    for s in &secrets {
        assert!(!logs.contains(s.as_str()), "secret in logs");
        assert!(!debug.contains(s.as_str()), "secret in Debug");
    }
    // DPoP proofs (signatures) never logged either
    for (h, _) in &seen.resource_proofs {
        assert!(!logs.contains(h["jwk"]["x"].as_str().unwrap()));
    }
}
