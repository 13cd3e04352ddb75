//! OAuth 2.0 for the mock: `/oauth2/v1/token` (client credentials, `private_key_jwt`), access
//! token checks with scopes, and DPoP (proof verification, nonce challenges). Its state (registered clients, issued
//! tokens, seen `jti`s, the DPoP nonce) is kept here, apart from the org's data.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents, UnparsedPublicKey,
};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::respond::{ApiError, json_response};
use crate::state::OrgState;
use crate::support::{lock, random_alnum};

/// A registered OAuth service app.
#[derive(Debug, Clone)]
pub(crate) struct ClientRec {
    pub keys: Vec<Value>,
    pub scopes: Vec<String>,
}

/// An issued access token (stored under the SHA-256 of its value, never the value itself).
#[derive(Debug, Clone)]
pub(crate) struct TokenRec {
    pub scopes: Vec<String>,
    pub expires: Instant,
    /// JWK thumbprint the token is bound to, for DPoP tokens.
    pub jkt: Option<String>,
}

/// OAuth state of the org.
#[derive(Debug)]
pub(crate) struct OAuthState {
    pub clients: HashMap<String, ClientRec>,
    /// Issued access tokens, by the SHA-256 of their value.
    pub tokens: HashMap<Vec<u8>, TokenRec>,
    /// `jti`s of the client assertions used, with when they may be forgotten (epoch secs).
    pub jtis: HashMap<String, i64>,
    /// `jti`s of the DPoP proofs presented to resource routes, with when they may be forgotten (epoch secs).
    pub proof_jtis: HashMap<String, i64>,
    pub require_dpop: bool,
    pub nonce: String,
    pub lifetime: Duration,
}

impl Default for OAuthState {
    fn default() -> Self {
        Self {
            clients: HashMap::new(),
            tokens: HashMap::new(),
            jtis: HashMap::new(),
            proof_jtis: HashMap::new(),
            require_dpop: false,
            nonce: random_alnum(32),
            lifetime: Duration::from_secs(3600),
        }
    }
}

fn sha256(b: &[u8]) -> Vec<u8> {
    digest(&SHA256, b).as_ref().to_vec()
}

fn b64(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A decoded (not yet verified) compact JWS.
struct Jws {
    header: Value,
    claims: Value,
    signing_input: String,
    signature: Vec<u8>,
}

fn decode_jws(s: &str) -> Option<Jws> {
    let mut parts = s.split('.');
    let (h, c, sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&b64(h)?).ok()?;
    let claims: Value = serde_json::from_slice(&b64(c)?).ok()?;
    Some(Jws { header, claims, signing_input: format!("{h}.{c}"), signature: b64(sig)? })
}

/// Verifies a JWS signature with a public JWK (RS256 with RSA n/e, ES256 with P-256 x/y).
fn verify_with_jwk(jws: &Jws, jwk: &Value) -> bool {
    let alg = jws.header.get("alg").and_then(Value::as_str).unwrap_or_default();
    let field = |k: &str| jwk.get(k).and_then(Value::as_str).and_then(b64);
    let msg = jws.signing_input.as_bytes();
    match (alg, jwk.get("kty").and_then(Value::as_str)) {
        ("RS256", Some("RSA")) => match (field("n"), field("e")) {
            (Some(n), Some(e)) => RsaPublicKeyComponents { n: n.as_slice(), e: e.as_slice() }
                .verify(&RSA_PKCS1_2048_8192_SHA256, msg, &jws.signature)
                .is_ok(),
            _ => false,
        },
        ("ES256", Some("EC")) => {
            if jwk.get("crv").and_then(Value::as_str) != Some("P-256") {
                return false;
            }
            match (field("x"), field("y")) {
                (Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => {
                    let mut point = Vec::with_capacity(65);
                    point.push(4u8);
                    point.extend_from_slice(&x);
                    point.extend_from_slice(&y);
                    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point).verify(msg, &jws.signature).is_ok()
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// RFC 7638 thumbprint of a public JWK.
pub(crate) fn jwk_thumbprint(jwk: &Value) -> Option<String> {
    let s = |k: &str| jwk.get(k).and_then(Value::as_str);
    let canonical = match s("kty")? {
        "EC" => format!(r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#, s("crv")?, s("x")?, s("y")?),
        "RSA" => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, s("e")?, s("n")?),
        _ => return None,
    };
    Some(URL_SAFE_NO_PAD.encode(sha256(canonical.as_bytes())))
}

/// Outcome of checking a DPoP proof.
enum DpopCheck {
    Ok(String),
    NeedNonce,
    Invalid(&'static str),
}

/// Checks a DPoP proof for `method` and `htu`; `ath` binds it to an access token.
fn check_dpop(proof: &str, method: &str, htu: &str, access_token: Option<&str>, nonce: Option<&str>) -> DpopCheck {
    let Some(jws) = decode_jws(proof) else {
        return DpopCheck::Invalid("malformed DPoP proof");
    };
    if jws.header.get("typ").and_then(Value::as_str) != Some("dpop+jwt") {
        return DpopCheck::Invalid("DPoP proof typ must be dpop+jwt");
    }
    let Some(jwk) = jws.header.get("jwk") else {
        return DpopCheck::Invalid("DPoP proof has no jwk");
    };
    if jwk.get("d").is_some() {
        return DpopCheck::Invalid("DPoP proof jwk contains a private key");
    }
    if !verify_with_jwk(&jws, jwk) {
        return DpopCheck::Invalid("DPoP proof signature is invalid");
    }
    let c = &jws.claims;
    if c.get("htm").and_then(Value::as_str) != Some(method) {
        return DpopCheck::Invalid("DPoP proof htm does not match");
    }
    let same_url = c
        .get("htu")
        .and_then(Value::as_str)
        .and_then(|u| url::Url::parse(u).ok())
        .zip(url::Url::parse(htu).ok())
        .is_some_and(|(a, b)| {
            a.scheme() == b.scheme()
                && a.host_str() == b.host_str()
                && a.port_or_known_default() == b.port_or_known_default()
                && a.path() == b.path()
        });
    if !same_url {
        return DpopCheck::Invalid("DPoP proof htu does not match");
    }
    if c.get("jti").and_then(Value::as_str).is_none_or(str::is_empty) {
        return DpopCheck::Invalid("DPoP proof has no jti");
    }
    match c.get("iat").and_then(Value::as_i64) {
        Some(iat) if (iat - now_secs()).abs() <= 300 => {}
        _ => return DpopCheck::Invalid("DPoP proof iat is missing or out of range"),
    }
    if let Some(tok) = access_token {
        let want = URL_SAFE_NO_PAD.encode(sha256(tok.as_bytes()));
        if c.get("ath").and_then(Value::as_str) != Some(want.as_str()) {
            return DpopCheck::Invalid("DPoP proof ath does not match the access token");
        }
    }
    if let Some(n) = nonce
        && c.get("nonce").and_then(Value::as_str) != Some(n)
    {
        return DpopCheck::NeedNonce;
    }
    match jwk_thumbprint(jwk) {
        Some(t) => DpopCheck::Ok(t),
        None => DpopCheck::Invalid("unsupported DPoP key"),
    }
}

fn oauth_error(status: StatusCode, error: &str, desc: &str) -> Response {
    let mut r = json_response(status, &json!({"error": error, "error_description": desc}));
    r.headers_mut().insert("cache-control", axum::http::HeaderValue::from_static("no-store"));
    r
}

/// `POST /oauth2/v1/token`
pub(crate) async fn token(
    State(org): State<Arc<OrgState>>,
    State(oauth): State<Arc<Mutex<OAuthState>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    org.counters.token_requests.inc();
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| form.get(k).map(String::as_str);
    if get("grant_type") != Some("client_credentials") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        );
    }
    if get("client_assertion_type") != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "client_assertion_type is missing or invalid.");
    }
    let Some(jws) = get("client_assertion").and_then(decode_jws) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client_assertion is malformed.");
    };
    let claim = |k: &str| jws.claims.get(k).and_then(Value::as_str).map(str::to_string);
    let Some(client_id) = claim("iss") else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client_assertion has no iss.");
    };
    let client = lock(&oauth).clients.get(&client_id).cloned();
    let Some(client) = client else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client is not registered.");
    };
    let kid = jws.header.get("kid").and_then(Value::as_str);
    let verified = client
        .keys
        .iter()
        .filter(|k| kid.is_none() || k.get("kid").and_then(Value::as_str) == kid)
        .any(|k| verify_with_jwk(&jws, k));
    if !verified {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client_assertion signature is invalid.");
    }
    if claim("sub").as_deref() != Some(client_id.as_str()) || get("client_id").is_some_and(|c| c != client_id) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The client_assertion sub must equal iss (the client_id).",
        );
    }
    let token_url = format!("{}/oauth2/v1/token", org.base);
    let aud_ok = match jws.claims.get("aud") {
        Some(Value::String(a)) => *a == token_url,
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(token_url.as_str())),
        _ => false,
    };
    if !aud_ok {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client_assertion audience is invalid.");
    }
    let now = now_secs();
    match jws.claims.get("exp").and_then(Value::as_i64) {
        Some(exp) if exp <= now => {
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client_assertion token is expired.");
        }
        Some(exp) if exp > now + 3600 + 60 => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "The client_assertion expiration is more than one hour in the future.",
            );
        }
        Some(_) => {}
        None => {
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client_assertion has no exp.");
        }
    }
    let Some(jti) = claim("jti") else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client_assertion has no jti.");
    };
    // DPoP is checked before the jti is consumed, so a client answering a nonce challenge
    // with the same assertion is not mistaken for a replay.
    let (require, nonce) = {
        let state = lock(&oauth);
        (state.require_dpop, state.nonce.clone())
    };
    let proof = headers.get("dpop").and_then(|v| v.to_str().ok());
    let jkt = match proof {
        None if require => {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", "The DPoP proof JWT header is missing.");
        }
        None => None,
        Some(p) => match check_dpop(p, "POST", &token_url, None, require.then_some(nonce.as_str())) {
            DpopCheck::Ok(t) => Some(t),
            DpopCheck::NeedNonce => {
                let mut r = oauth_error(
                    StatusCode::BAD_REQUEST,
                    "use_dpop_nonce",
                    "Authorization server requires nonce in DPoP proof.",
                );
                if let Ok(v) = axum::http::HeaderValue::from_str(&nonce) {
                    r.headers_mut().insert("dpop-nonce", v);
                }
                return r;
            }
            DpopCheck::Invalid(why) => {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", why);
            }
        },
    };
    let scopes: Vec<String> = get("scope").unwrap_or_default().split_whitespace().map(str::to_string).collect();
    if scopes.is_empty() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        );
    }
    if let Some(bad) = scopes.iter().find(|s| !client.scopes.contains(s)) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("The following scopes are not allowed: {bad}"),
        );
    }
    let (access, lifetime) = {
        let mut state = lock(&oauth);
        state.jtis.retain(|_, exp| *exp > now);
        if state.jtis.contains_key(&jti) {
            drop(state);
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "The client_assertion token has already been used (jti replay).",
            );
        }
        state.jtis.insert(jti, now + 3700);
        let access = random_alnum(48);
        let lifetime = state.lifetime;
        let at = Instant::now();
        state.tokens.retain(|_, t| t.expires > at);
        state.tokens.insert(
            sha256(access.as_bytes()),
            TokenRec { scopes: scopes.clone(), expires: at + lifetime, jkt: jkt.clone() },
        );
        (access, lifetime)
    };
    org.counters.tokens_issued.inc();
    let body = json!({
        "token_type": if jkt.is_some() { "DPoP" } else { "Bearer" },
        "expires_in": lifetime.as_secs(),
        "access_token": access,
        "scope": scopes.join(" "),
    });
    let mut r = json_response(StatusCode::OK, &body);
    r.headers_mut().insert("cache-control", axum::http::HeaderValue::from_static("no-store"));
    r
}

/// Whether the scopes granted cover every scope an operation's OAuth requirement lists (OpenAPI: a requirement's
/// scopes are all required; `.manage` includes `.read`). An operation that lists none cannot be called with an
/// access token (its only requirement is an API token).
fn scope_ok(have: &[String], required: &[String]) -> bool {
    !required.is_empty()
        && required.iter().all(|need| {
            have.iter().any(|s| {
                s == need || need.strip_suffix(".read").is_some_and(|stem| s.strip_suffix(".manage") == Some(stem))
            })
        })
}

/// Okta's answer to an access token without the scopes an operation needs: `403`, no body, and a
/// `WWW-Authenticate` challenge naming them (`error="insufficient_scope"`), in the scheme the token came in.
fn insufficient_scope(org: &OrgState, path: &str, required: &[String], dpop: bool) -> Response {
    let scheme = if dpop { "DPoP algs=\"RS256 RS384 RS512 ES256 ES384 ES512\"," } else { "Bearer" };
    let base = org.base.trim_end_matches('/');
    let challenge = format!(
        "{scheme} authorization_uri=\"{base}/oauth2/v1/authorize\", realm=\"{base}\", scope=\"{}\", \
         error=\"insufficient_scope\", error_description=\"The access token provided does not contain the required \
         scopes.\", resource=\"{path}\"",
        required.join(" ")
    );
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::FORBIDDEN;
    if let Ok(value) = axum::http::HeaderValue::from_str(&challenge) {
        response.headers_mut().insert("www-authenticate", value);
    }
    response
}

/// Checks the caller of a resource endpoint (SSWS: all scopes; Bearer or DPoP access tokens: `need`): `None` when
/// it may call, else Okta's refusal.
pub(crate) fn refusal(
    org: &OrgState,
    oauth: &Mutex<OAuthState>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    need: &[String],
) -> Option<Response> {
    match caller(org, oauth, method, path, headers) {
        Err(e) => Some(e.into_response()),
        Ok(None) => None,
        Ok(Some((granted, _))) if scope_ok(&granted, need) => None,
        Ok(Some((_, dpop))) => Some(insufficient_scope(org, path, need, dpop)),
    }
}

/// Who calls: `None` for the API token (every scope), else the access token's scopes and whether it is DPoP-bound.
fn caller(
    org: &OrgState,
    oauth: &Mutex<OAuthState>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<Option<(Vec<String>, bool)>, ApiError> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    // SSWS with or without a space before the token: the official Python SDK (3.x) sends `SSWS<token>`, and it is
    // used against real orgs (the mock assumes they take it; not checked against one here).
    if let Some(value) = auth.get(..4).filter(|s| s.eq_ignore_ascii_case("SSWS")).and_then(|_| auth.get(4..)) {
        let value = value.trim();
        use subtle::ConstantTimeEq;
        return if bool::from(value.as_bytes().ct_eq(org.token.as_bytes())) {
            Ok(None)
        } else {
            Err(ApiError::invalid_token())
        };
    }
    let (scheme, value) = auth.split_once(' ').unwrap_or((auth, ""));
    let value = value.trim();
    let is_dpop = scheme.eq_ignore_ascii_case("DPoP");
    if !is_dpop && !scheme.eq_ignore_ascii_case("Bearer") || value.is_empty() {
        return Err(ApiError::invalid_token());
    }
    let (rec, require, nonce) = {
        let state = lock(oauth);
        (state.tokens.get(&sha256(value.as_bytes())).cloned(), state.require_dpop, state.nonce.clone())
    };
    let Some(rec) = rec else {
        return Err(ApiError::invalid_token());
    };
    if rec.expires <= Instant::now() {
        return Err(ApiError::invalid_token());
    }
    match (&rec.jkt, is_dpop) {
        (None, false) => {}
        (Some(_), false) | (None, true) => return Err(ApiError::invalid_token()),
        (Some(jkt), true) => {
            let proof = headers.get("dpop").and_then(|v| v.to_str().ok()).unwrap_or_default();
            let htu = format!("{}{}", org.base, path);
            let challenge = || {
                let mut e = ApiError::invalid_token();
                e.headers.clear();
                e.header(
                    "www-authenticate",
                    "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"",
                )
                .header("dpop-nonce", nonce.clone())
            };
            if proof.is_empty() {
                return Err(ApiError::invalid_token().header("www-authenticate", "DPoP error=\"invalid_dpop_proof\""));
            }
            match check_dpop(proof, method.as_str(), &htu, Some(value), require.then_some(nonce.as_str())) {
                DpopCheck::Ok(t) if t == *jkt => {}
                DpopCheck::Ok(_) | DpopCheck::Invalid(_) => {
                    let mut e = ApiError::invalid_token();
                    e.headers.clear();
                    return Err(e.header("www-authenticate", "DPoP error=\"invalid_dpop_proof\""));
                }
                DpopCheck::NeedNonce => return Err(challenge()),
            }
        }
    }
    Ok(Some((rec.scopes, is_dpop)))
}

/// A DPoP proof presented to a resource route whose `jti` was presented before: Okta accepts each proof once,
/// so a client that re-sends a request (after a 429, a 5xx, a dropped connection) must sign a new proof. Every
/// proof is remembered as it arrives, whatever the answer, for 5 minutes (the proof's accepted age).
pub(crate) fn replayed_dpop_proof(oauth: &Mutex<OAuthState>, headers: &HeaderMap) -> Option<Response> {
    let proof = headers.get("dpop")?.to_str().ok()?;
    let jti = decode_jws(proof)?.claims.get("jti")?.as_str()?.to_owned();
    let now = now_secs();
    let mut state = lock(oauth);
    state.proof_jtis.retain(|_, forget_at| *forget_at > now);
    let seen_before = state.proof_jtis.insert(jti, now + 300).is_some();
    if !seen_before {
        return None;
    }
    drop(state);
    let mut e = ApiError::invalid_token();
    e.headers.clear();
    let e = e.header(
        "www-authenticate",
        "DPoP error=\"invalid_dpop_proof\", error_description=\"The DPoP proof has already been used.\"",
    );
    Some(e.into_response())
}

/// Required scope of a route (`None`: no auth, e.g. the token endpoint).
pub(crate) fn scope_for(method: &Method, path: &str) -> Option<String> {
    let read = method == Method::GET || method == Method::HEAD;
    if path.starts_with("/api/v1/logs") {
        return Some("okta.logs.read".into());
    }
    // Okta's scopes are named after the API area: `okta.users.read`, `okta.authorizationServers.manage`.
    let area = path.strip_prefix("/api/v1/")?.split('/').next().filter(|a| !a.is_empty())?;
    Some(format!("okta.{area}.{}", if read { "read" } else { "manage" }))
}

/// Expires every access token issued so far (for tests of token renewal).
pub(crate) fn expire_all(oauth: &Mutex<OAuthState>) {
    let mut state = lock(oauth);
    let past = Instant::now();
    for t in state.tokens.values_mut() {
        t.expires = past;
    }
}
