//! Shared helpers of `client_auth.rs` and `client_retry.rs`: a recording reverse proxy in front of the mock
//! org, the mock's RSA fixture as keys and JWKs, and a tracing capture.
//!
//! The mock's request log keeps only a few headers (`authorization` reduced to its scheme, `user-agent`, ...),
//! so checks on headers it does not keep (`api-version`, `X-Okta-Retry-*`) go through [`Proxy`], which records
//! every header of every request and forwards it unchanged to the mock.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// One request seen by the proxy, with the mock's answer.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub status: u16,
    pub response_headers: HeaderMap,
    /// The request body, as sent.
    pub body: bytes::Bytes,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_string())
    }
    pub fn header_count(&self, name: &str) -> usize {
        self.headers.get_all(name).iter().count()
    }
    pub fn request_id(&self) -> Option<String> {
        self.response_headers.get("x-okta-request-id").map(|v| v.to_str().unwrap().to_string())
    }
}

struct ProxyState {
    upstream: String,
    own: String,
    http: reqwest::Client,
    log: Mutex<Vec<Seen>>,
}

/// A reverse proxy on 127.0.0.1 in front of the mock org; rewrites the mock's base URL in `Link` headers so
/// that pagination stays on the proxy's origin.
pub struct Proxy {
    pub base: String,
    state: Arc<ProxyState>,
}

impl Proxy {
    pub async fn start(upstream: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(ProxyState {
            upstream: upstream.trim_end_matches('/').to_string(),
            own: base.clone(),
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            log: Mutex::new(Vec::new()),
        });
        let app = axum::Router::new().fallback(forward).with_state(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Proxy { base, state }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.log.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.state.log.lock().unwrap().clear();
    }
}

async fn forward(State(st): State<Arc<ProxyState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path_and_query = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
    let body = axum::body::to_bytes(body, 64 << 20).await.unwrap();
    let mut out =
        st.http.request(parts.method.clone(), format!("{}{}", st.upstream, path_and_query)).body(body.clone());
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            out = out.header(name, value);
        }
    }
    let (status, response_headers, bytes) = match out.send().await {
        Ok(r) => {
            let status = r.status();
            let headers = r.headers().clone();
            match r.bytes().await {
                Ok(b) => (status, headers, b),
                Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
            }
        }
        Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
    };
    st.log.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path_and_query,
        headers: parts.headers.clone(),
        status: status.as_u16(),
        response_headers: response_headers.clone(),
        body,
    });
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = status;
    for (name, value) in &response_headers {
        if name == "content-length" || name == "transfer-encoding" || name == "connection" {
            continue;
        }
        if name == "link" {
            let rewritten = value.to_str().unwrap().replace(&st.upstream, &st.own);
            resp.headers_mut().append(name, rewritten.parse().unwrap());
        } else {
            resp.headers_mut().append(name, value.clone());
        }
    }
    resp
}

// ---------------------------------------------------------------- keys

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

pub fn pem_der(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(b64).unwrap()
}

pub fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

/// The RSA fixture's public JWK (private members removed), as registered with the mock.
pub fn rsa_public_jwk() -> Value {
    let mut jwk: Value = serde_json::from_str(&fixture("rsa.jwk.json")).unwrap();
    let m = jwk.as_object_mut().unwrap();
    for k in ["d", "p", "q", "dp", "dq", "qi"] {
        m.remove(k);
    }
    jwk
}

/// A fresh EC P-256 key: (PKCS#8 PEM, public JWK).
pub fn ec_key(kid: &str) -> (String, Value) {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
    let k = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
    let pkcs8 = pem("PRIVATE KEY", k.to_pkcs8v1().unwrap().as_ref());
    let point = k.public_key().as_ref();
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
    });
    (pkcs8, jwk)
}

/// Gets an access token from the mock's token endpoint the way a separate OAuth client would (an RS256
/// `private_key_jwt` assertion signed here with the RSA fixture), for the Bearer-mode tests.
pub async fn mint_access_token(base: &str, client_id: &str, scopes: &str) -> String {
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
    let base = base.trim_end_matches('/');
    let key = RsaKeyPair::from_pkcs8(&pem_der(&fixture("rsa_pkcs8.pem"))).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "JWT"}).to_string());
    let jti = format!("mint-{:016x}{:016x}", rand::random::<u64>(), rand::random::<u64>());
    let claims = URL_SAFE_NO_PAD.encode(
        json!({"iss": client_id, "sub": client_id, "aud": format!("{base}/oauth2/v1/token"),
               "iat": now, "exp": now + 300, "jti": jti})
        .to_string(),
    );
    let input = format!("{header}.{claims}");
    let mut sig = vec![0u8; key.public_modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut sig).unwrap();
    let assertion = format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig));
    let resp: Value = reqwest::Client::new()
        .post(format!("{base}/oauth2/v1/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("grant_type", "client_credentials")
                .append_pair("scope", scopes)
                .append_pair("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .append_pair("client_assertion", &assertion)
                .finish(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    resp["access_token"].as_str().unwrap_or_else(|| panic!("no access token: {resp}")).to_string()
}

// ---------------------------------------------------------------- tracing capture

pub use crate::capture::Capture;

/// A TRACE-level subscriber writing into `capture` (install it with `tracing::subscriber::set_default` in a
/// current-thread runtime so every task, the mock's included, logs into it).
pub fn subscriber(capture: &Capture) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(capture.clone())
        .finish()
}

/// The OAuth service app the client tests register with the mock org.
pub const CLIENT_ID: &str = "0oa-client-test";

/// The mock org's base URL without the trailing slash.
pub fn base(mock: &okta_management::mock::MockOrg) -> String {
    mock.base_url().as_str().trim_end_matches('/').to_string()
}

/// An SSWS client of the mock org (plain http allowed).
pub fn ssws(mock: &okta_management::mock::MockOrg) -> okta_management::ClientBuilder {
    okta_management::Client::builder().org_url(base(mock)).token(mock.token()).disable_https_check(true)
}

/// PrivateKey mode against the mock with the RSA fixture (PKCS#8 PEM) and its `kid`, as [`CLIENT_ID`].
pub fn rsa_client(mock: &okta_management::mock::MockOrg, scopes: &[&str]) -> okta_management::ClientBuilder {
    let kid = rsa_public_jwk()["kid"].as_str().unwrap().to_string();
    okta_management::Client::builder()
        .org_url(base(mock))
        .disable_https_check(true)
        .authorization_mode(okta_management::config::AuthorizationMode::PrivateKey)
        .client_id(CLIENT_ID)
        .scopes(scopes.iter().copied())
        .private_key(fixture("rsa_pkcs8.pem"))
        .kid(kid)
}

/// Registers [`CLIENT_ID`] with the RSA fixture's public key and `scopes`.
pub fn register_rsa(mock: &okta_management::mock::MockOrg, scopes: &[&str]) {
    mock.register_oauth_client(CLIENT_ID, json!({"keys": [rsa_public_jwk()]}), scopes).unwrap();
}

/// One page of up to 200 users: how many came back.
pub async fn list_count(client: &okta_management::Client) -> Result<usize, okta_management::Error> {
    Ok(client.list_users().limit(200).send().await?.len())
}
