//! Security properties as tests: no secret in any `Debug`/`Display` of the public types or in
//! `tracing` output, `http://` refused without the testing switch, next links to another origin
//! refused, hook secrets compared in constant time, secrets zeroized.
//!
//! Every secret is seeded with a distinctive value and the output is scanned for it, so a leak
//! through any formatting path (derived `Debug`, an error message, a log field) fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use crate::capture;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use http::{HeaderMap, HeaderName, HeaderValue};
use okta_management::auth::{Authenticator, PrivateKey, TokenSupplier};
use okta_management::config::{AuthorizationMode, Config, ConfigError, ConfigLoader};
use okta_management::hooks::{EventHookReceiver, HeaderAuth, InlineHookReceiver, Sensitive, TokenInlineHookRequest};
use okta_management::secret::SecretString;
use okta_management::{Client, Error};
use serde_json::{Value, json};

const TOKEN: &str = "00SEEDssws7q2Wm9Xk4Lp6Rt8Vz1Nb3Hc5Jd";
const BEARER: &str = "SEEDbearerAccess4Fh8Qk2Lw6Zp0Tm";
const PROXY_PASSWORD: &str = "SEEDproxyPassw0rd5Xq9Kc";
const URL_PASSWORD: &str = "SEEDurlPassw0rd3Jh7Ny";
const HOOK_SECRET: &str = "SEEDhookSecret7Hq2Wm4Zr";
const USER_PASSWORD: &str = "SEEDuserPassw0rd!8Kq";

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

/// Fragments of the fixture key that must never be printed: every base64 line of the PEM body
/// and every private member of the JWK.
fn key_fragments() -> Vec<String> {
    let mut fragments: Vec<String> = fixture("rsa_pkcs8.pem")
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 20)
        .map(str::to_owned)
        .collect();
    let jwk: Value = serde_json::from_str(&fixture("rsa.jwk.json")).unwrap();
    for member in ["d", "p", "q", "dp", "dq", "qi"] {
        let v = jwk[member].as_str().unwrap();
        // A prefix is enough to spot a leak and avoids depending on line wrapping.
        fragments.push(v[..24.min(v.len())].to_owned());
    }
    fragments
}

fn secrets() -> Vec<String> {
    let mut all: Vec<String> = [TOKEN, BEARER, PROXY_PASSWORD, URL_PASSWORD, HOOK_SECRET, USER_PASSWORD]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    all.extend(key_fragments());
    all
}

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    for secret in secrets() {
        assert!(!text.contains(&secret), "{what} shows a secret ({}…): {text}", &secret[..6]);
    }
}

fn public_jwk() -> Value {
    let jwk: Value = serde_json::from_str(&fixture("rsa.jwk.json")).unwrap();
    json!({"kty": jwk["kty"], "kid": jwk["kid"], "n": jwk["n"], "e": jwk["e"], "alg": "RS256", "use": "sig"})
}

// ------------------------------------------------------------------------ Debug and Display

#[test]
fn debug_and_display_of_configuration_and_clients_show_no_secret() {
    let pem = fixture("rsa_pkcs8.pem");
    let jwk = fixture("rsa.jwk.json");

    let ssws = Config::builder()
        .org_url("https://example.okta.com")
        .token(TOKEN)
        .proxy_host("proxy.local")
        .proxy_port(3128)
        .proxy_username("proxy-user")
        .proxy_password(PROXY_PASSWORD);
    assert_clean("ConfigBuilder", &format!("{ssws:?}"));
    let config = ssws.build().unwrap();
    assert_clean("Config (SSWS)", &format!("{config:?} {:?}", config.auth()));
    let proxy = config.proxy().unwrap();
    assert_clean("ProxyConfig", &format!("{proxy:?} {:?}", proxy.url()));

    let oauth = Config::builder()
        .org_url("https://example.okta.com")
        .authorization_mode(AuthorizationMode::PrivateKey)
        .client_id("0oa-security")
        .scopes(["okta.users.read"])
        .private_key(pem.as_str());
    assert_clean("ConfigBuilder (PrivateKey)", &format!("{oauth:?}"));
    let oauth = oauth.build().unwrap();
    assert_clean("Config (PrivateKey)", &format!("{oauth:?}"));
    let authenticator = Authenticator::new(&oauth, reqwest::Client::new()).unwrap();
    assert_clean("Authenticator", &format!("{authenticator:?}"));

    let bearer = Config::builder()
        .org_url("https://example.okta.com")
        .authorization_mode(AuthorizationMode::Bearer)
        .token(BEARER)
        .token_supplier(TokenSupplier::from_fn(|| Ok(SecretString::from(BEARER))));
    assert_clean("ConfigBuilder (Bearer)", &format!("{bearer:?}"));
    let bearer = bearer.build().unwrap();
    assert_clean("Config (Bearer)", &format!("{bearer:?}"));

    let loader = ConfigLoader::empty().env([
        ("OKTA_CLIENT_ORGURL", "https://example.okta.com"),
        ("OKTA_CLIENT_TOKEN", TOKEN),
        ("OKTA_CLIENT_PROXY_HOST", "proxy.local"),
        ("OKTA_CLIENT_PROXY_USERNAME", "proxy-user"),
        ("OKTA_CLIENT_PROXY_PASSWORD", PROXY_PASSWORD),
    ]);
    assert_clean("ConfigLoader", &format!("{loader:?}"));
    assert_clean("loaded Config", &format!("{:?}", loader.load().unwrap()));

    let builder = Client::builder().org_url("https://example.okta.com").token(TOKEN).private_key(pem.as_str());
    assert_clean("ClientBuilder", &format!("{builder:?}"));
    let client = Client::builder().org_url("https://example.okta.com").token(TOKEN).build().unwrap();
    assert_clean("Client (SSWS)", &format!("{client:?} {client:#?}"));
    let client = Client::from_config(oauth).unwrap();
    assert_clean("Client (PrivateKey)", &format!("{client:?}"));

    for key in [PrivateKey::parse(&pem).unwrap(), PrivateKey::parse(&jwk).unwrap()] {
        assert_clean("PrivateKey", &format!("{key:?}"));
    }
    let secret = SecretString::from(TOKEN);
    assert_clean("SecretString", &format!("{secret:?} {secret}"));
    let supplier = TokenSupplier::from_fn(|| Ok(SecretString::from(BEARER)));
    assert_clean("TokenSupplier", &format!("{supplier:?}"));
}

#[test]
fn config_errors_built_from_inputs_holding_secrets_show_no_secret() {
    let load = |vars: &[(&str, &str)]| {
        ConfigLoader::empty().env(vars.iter().map(|(k, v)| (k.to_string(), v.to_string()))).load().unwrap_err()
    };
    let mut errors: Vec<ConfigError> = Vec::new();
    // An org URL rejected *because* it carries credentials must not print them.
    errors.push(load(&[
        ("OKTA_CLIENT_ORGURL", &format!("https://admin:{URL_PASSWORD}@example.okta.com")),
        ("OKTA_CLIENT_TOKEN", TOKEN),
    ]));
    errors.push(load(&[
        ("OKTA_CLIENT_ORGURL", &format!("http://admin:{URL_PASSWORD}@example.okta.com/x")),
        ("OKTA_CLIENT_TOKEN", TOKEN),
    ]));
    // A broken private key, inline PEM or JWK, holding key material.
    let pem = fixture("rsa_pkcs8.pem");
    let broken_pem = pem.replacen("MII", "M!I", 1);
    let jwk: Value = serde_json::from_str(&fixture("rsa.jwk.json")).unwrap();
    let mut broken_jwk = jwk.clone();
    broken_jwk["n"] = json!(12345);
    let mut no_modulus = jwk.clone();
    no_modulus.as_object_mut().unwrap().remove("n");
    let mut numeric_d = jwk.clone();
    numeric_d["d"] = json!([1, 2, 3]);
    numeric_d["p"] = json!(jwk["p"].as_str().unwrap().chars().rev().collect::<String>());
    for key in [
        broken_pem,
        broken_jwk.to_string(),
        no_modulus.to_string(),
        numeric_d.to_string(),
        format!("{}x", &pem[..pem.len() / 2]),
    ] {
        errors.push(load(&[
            ("OKTA_CLIENT_ORGURL", "https://example.okta.com"),
            ("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey"),
            ("OKTA_CLIENT_CLIENTID", "0oa1"),
            ("OKTA_CLIENT_SCOPES", "okta.users.read"),
            ("OKTA_CLIENT_PRIVATEKEY", &key),
        ]));
    }
    // A bad value next to the secrets. (A secret put under a key that is not secret, e.g. the
    // token as `authorizationMode`, is shown like any value of that key: not covered.)
    errors.push(load(&[
        ("OKTA_CLIENT_ORGURL", "https://example.okta.com"),
        ("OKTA_CLIENT_TOKEN", TOKEN),
        ("OKTA_CLIENT_PROXY_HOST", "proxy.local"),
        ("OKTA_CLIENT_PROXY_PASSWORD", PROXY_PASSWORD),
        ("OKTA_CLIENT_PROXY_PORT", "not-a-port"),
    ]));
    assert!(errors.iter().all(|e| matches!(e, ConfigError::Invalid { .. })), "{errors:?}");
    for error in &errors {
        assert_clean("ConfigError", &format!("{error} {error:?}"));
        let wrapped = Error::from(error_clone(error));
        assert_clean("Error::Config", &format!("{wrapped} {wrapped:?}"));
    }

    // A YAML file holding the token that does not parse.
    let dir = std::env::temp_dir().join(format!("okta-security-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("okta.yaml");
    std::fs::write(&file, format!("okta:\n  client:\n    token: {TOKEN}\n    orgUrl: [unclosed {TOKEN}\n")).unwrap();
    let error = ConfigLoader::empty().local_file(&file).load().unwrap_err();
    assert!(matches!(error, ConfigError::Yaml { .. }), "{error:?}");
    assert_clean("ConfigError::Yaml", &format!("{error} {error:?}"));
    std::fs::write(&file, format!("okta:\n  client:\n    token: {{nested: {TOKEN}}}\n")).unwrap();
    let error = ConfigLoader::empty().local_file(&file).load().unwrap_err();
    assert_clean("ConfigError (YAML shape)", &format!("{error} {error:?}"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `ConfigError` is not `Clone`; rebuild the same message for the wrapping check.
fn error_clone(error: &ConfigError) -> ConfigError {
    match error {
        ConfigError::Invalid { key, value, origin, reason } => {
            ConfigError::Invalid { key, value: value.clone(), origin: origin.clone(), reason: reason.clone() }
        }
        other => ConfigError::Missing {
            key: "okta.client.orgUrl",
            env: "OKTA_CLIENT_ORGURL",
            reason: Some(other.to_string()),
        },
    }
}

#[test]
fn key_errors_show_no_key_material() {
    let pem = fixture("rsa_pkcs8.pem");
    let jwk: Value = serde_json::from_str(&fixture("rsa.jwk.json")).unwrap();
    let mut inputs = vec![
        pem.replacen("MII", "M!I", 1),
        pem.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY"),
        pem.replace("PRIVATE KEY", "CERTIFICATE"),
        pem.lines().take(5).collect::<Vec<_>>().join("\n"),
    ];
    for (member, value) in [("n", json!(1)), ("kty", json!("oct")), ("d", json!(null)), ("e", json!("AQAB!"))] {
        let mut broken = jwk.clone();
        broken[member] = value;
        inputs.push(broken.to_string());
    }
    inputs.push(json!({"keys": [jwk, jwk]}).to_string());
    for input in inputs {
        let error = PrivateKey::parse(&input).unwrap_err();
        assert_clean("KeyError", &format!("{error} {error:?}"));
        let wrapped = Error::from(okta_management::auth::AuthError::from(error));
        assert_clean("Error::Auth(Key)", &format!("{wrapped} {wrapped:?}"));
    }
}

#[tokio::test]
async fn auth_errors_from_bad_tokens_show_no_token() {
    // Tokens that cannot be put in a header fail before anything is sent.
    let request = || reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1:9/".parse().unwrap());
    for (mode, token) in [
        (AuthorizationMode::Ssws, format!("{TOKEN}\n")),
        (AuthorizationMode::Bearer, format!("{BEARER}\r\nX-Injected: 1")),
    ] {
        let config = Config::builder()
            .org_url("https://example.okta.com")
            .authorization_mode(mode)
            .token(token.as_str())
            .build()
            .unwrap();
        let auth = Authenticator::new(&config, reqwest::Client::new()).unwrap();
        let error = auth.execute(&reqwest::Client::new(), request()).await.unwrap_err();
        assert_clean("AuthError", &format!("{error} {error:?}"));
    }
    // A failing token supplier's message is the caller's own; the SDK adds nothing secret.
    let config = Config::builder()
        .org_url("https://example.okta.com")
        .authorization_mode(AuthorizationMode::Bearer)
        .token_supplier(TokenSupplier::from_fn(|| Err("vault unavailable".into())))
        .build()
        .unwrap();
    let auth = Authenticator::new(&config, reqwest::Client::new()).unwrap();
    let error = auth.execute(&reqwest::Client::new(), request()).await.unwrap_err();
    assert_clean("AuthError (supplier)", &format!("{error} {error:?}"));
}

#[test]
fn hook_receivers_and_their_errors_show_no_secret() {
    let name = HeaderName::from_static("authorization");
    let event = EventHookReceiver::new(name.clone(), SecretString::from(HOOK_SECRET));
    let inline = InlineHookReceiver::new(name.clone(), SecretString::from(HOOK_SECRET));
    let auth = HeaderAuth::new(name, SecretString::from(HOOK_SECRET));
    assert_clean("receivers", &format!("{event:?} {inline:?} {auth:?}"));

    // Wrong secrets that are close to the right one (a prefix, one byte off, longer).
    let mut near = HOOK_SECRET.to_owned();
    near.pop();
    for presented in [near.clone(), format!("{near}X"), format!("{HOOK_SECRET}X"), format!("Bearer {HOOK_SECRET}")] {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_str(&presented).unwrap());
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        let error = event.receive(&headers, b"{}").unwrap_err();
        let response = error.to_response();
        let shown = format!("{error} {error:?} {response:?} {}", String::from_utf8_lossy(&response.body));
        assert_clean("HookError", &shown);
        assert!(!shown.contains(&presented), "the presented value is echoed: {shown}");
        assert_eq!(response.status.as_u16(), 401);
    }

    // Sensitive members of a hook payload are redacted in the request's Debug.
    let password_import: okta_management::hooks::PasswordImportInlineHookRequest = serde_json::from_value(json!({
        "eventType": "com.okta.user.credential.password.import",
        "data": {"context": {"credential": {"username": "a@example.com", "password": USER_PASSWORD}}}
    }))
    .unwrap();
    assert_clean("PasswordImportInlineHookRequest", &format!("{password_import:?}"));
    let sensitive = Sensitive::new(USER_PASSWORD.to_owned());
    assert_clean("Sensitive", &format!("{sensitive:?}"));
}

// ------------------------------------------------------------------- constant-time hook secrets

#[test]
fn hook_secrets_are_compared_in_constant_time() {
    // Timing is not asserted: on a shared 2-core CI machine, scheduler and cache noise is orders
    // of magnitude larger than the few nanoseconds a byte-by-byte comparison could leak, so a
    // timing test would be flaky without proving anything. Instead: (1) behaviour, the right
    // secret passes and wrong secrets of the same length (differing at the first, a middle or the
    // last byte) fail; (2) a tripwire on the implementation, which must keep going through
    // `subtle`'s `ConstantTimeEq` rather than `==`.
    let receiver = InlineHookReceiver::new(HeaderName::from_static("x-hook-auth"), SecretString::from(HOOK_SECRET));
    let body = br#"{"eventType":"com.okta.oauth2.tokens.transform","data":{}}"#;
    let with = |value: &str| {
        let mut headers = HeaderMap::new();
        headers.insert("x-hook-auth", HeaderValue::from_str(value).unwrap());
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        receiver.receive::<TokenInlineHookRequest>(&headers, body)
    };
    assert!(with(HOOK_SECRET).is_ok());
    let bytes = HOOK_SECRET.as_bytes();
    for at in [0, bytes.len() / 2, bytes.len() - 1] {
        let mut wrong = bytes.to_vec();
        wrong[at] = if wrong[at] == b'A' { b'B' } else { b'A' };
        let wrong = String::from_utf8(wrong).unwrap();
        assert_eq!(wrong.len(), HOOK_SECRET.len());
        assert_eq!(with(&wrong).unwrap_err().status().as_u16(), 401, "differs at {at}");
    }
    assert!(with("").is_err());
    assert!(with(&HOOK_SECRET[..HOOK_SECRET.len() - 1]).is_err());

    let verify = include_str!("../../crates/hooks/src/verify.rs");
    assert!(verify.contains("use subtle::{Choice, ConstantTimeEq};"));
    assert!(verify.contains("constant_time_eq(value.as_bytes(), self.secret.expose_secret().as_bytes())"));
    assert!(verify.contains(".ct_eq(&other)"));
    let secret = include_str!("../../crates/runtime/src/secret.rs");
    assert!(secret.contains(".ct_eq(other.0.as_bytes())"));
    assert_eq!(SecretString::from(HOOK_SECRET), SecretString::from(HOOK_SECRET));
    assert_ne!(SecretString::from(HOOK_SECRET), SecretString::from(near_miss()));
}

fn near_miss() -> String {
    let mut s = HOOK_SECRET.to_owned();
    s.pop();
    s.push('!');
    s
}

// ---------------------------------------------------------------------------------- zeroizing

#[test]
fn secrets_are_zeroized() {
    // What can be checked without `unsafe` (denied in this crate, tests included): that the
    // types holding secrets are wired to `zeroize`. `SecretString` derives `ZeroizeOnDrop`, so its
    // buffer is wiped when dropped (the trait bound below fails to compile if that derive goes);
    // reading freed memory to watch it happen would need `unsafe` and be undefined behaviour.
    fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    fn wipeable<T: zeroize::Zeroize>() {}
    wiped_on_drop::<SecretString>();
    wipeable::<SecretString>();
    let mut secret = SecretString::from(TOKEN);
    zeroize::Zeroize::zeroize(&mut secret);
    assert!(secret.is_empty());
    assert_eq!(secret.expose_secret(), "");

    // `Sensitive<T>` (hook payload passwords and one-time codes) requires `T: Zeroize` and wipes
    // its value in `Drop`.
    fn sensitive_needs_zeroize<T: zeroize::Zeroize>(_: &Sensitive<T>) {}
    sensitive_needs_zeroize(&Sensitive::new(USER_PASSWORD.to_owned()));

    // Private keys: the PEM/DER/JWK text is decoded in `Zeroizing` buffers; once parsed the key
    // lives in AWS-LC, which cleanses every allocation it frees (`OPENSSL_free`). Not observable
    // from safe Rust: this test documents the limit, it does not assert it.
    let key = PrivateKey::parse(&fixture("rsa_pkcs8.pem")).unwrap();
    let clone = key.clone();
    drop(key);
    assert_clean("PrivateKey", &format!("{clone:?}"));
}

// ------------------------------------------------------------------------------ HTTPS check

#[test]
fn http_org_urls_are_refused_without_the_testing_switch() {
    let refused = |result: Result<Client, Error>| match result {
        Err(Error::Config(ConfigError::Invalid { key, reason, .. })) => {
            assert_eq!(key, "okta.client.orgUrl");
            assert!(reason.contains("https"), "{reason}");
        }
        other => panic!("expected the org URL to be refused, got {other:?}"),
    };
    refused(Client::builder().org_url("http://example.okta.com").token(TOKEN).build());
    refused(Client::builder().org_url("http://127.0.0.1:8080").token(TOKEN).disable_https_check(false).build());
    let env = |check: Option<&str>| {
        let mut vars = vec![("OKTA_CLIENT_ORGURL", "http://127.0.0.1:8080"), ("OKTA_CLIENT_TOKEN", TOKEN)];
        if let Some(check) = check {
            vars.push(("OKTA_TESTING_DISABLEHTTPSCHECK", check));
        }
        Client::builder().with_loader(ConfigLoader::empty().env(vars)).build()
    };
    refused(env(None));
    refused(env(Some("false")));
    // Only the explicit switch allows it (as the mock org's tests do).
    assert!(env(Some("true")).is_ok());
    assert!(Client::builder().org_url("http://127.0.0.1:8080").token(TOKEN).disable_https_check(true).build().is_ok());
    // Other schemes are never allowed.
    for url in ["ftp://example.okta.com", "file:///etc/passwd"] {
        assert!(Client::builder().org_url(url).token(TOKEN).disable_https_check(true).build().is_err(), "{url}");
    }
}

// ------------------------------------------------------------------------ cross-origin links

/// A tiny org serving one page of users whose `Link` points wherever the test says, and counting
/// the requests it gets (to prove a refused link is never fetched).
struct LinkServer {
    base: String,
    hits: Arc<AtomicUsize>,
    _task: tokio::task::JoinHandle<()>,
}

async fn link_server(link: Arc<Mutex<String>>) -> LinkServer {
    use axum::response::IntoResponse;
    use axum::routing::get;
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let app = axum::Router::new().route(
        "/api/v1/users",
        get(move || {
            let link = link.lock().unwrap().clone();
            counted.fetch_add(1, Ordering::SeqCst);
            async move {
                let mut response = axum::Json(json!([{
                    "id": "00u1", "status": "ACTIVE", "profile": {"login": "a@example.com"}
                }]))
                .into_response();
                if !link.is_empty() {
                    response.headers_mut().insert("link", HeaderValue::from_str(&link).unwrap());
                }
                response
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    LinkServer { base, hits, _task: task }
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused_and_never_fetched() {
    use okta_management::pagination::PaginationError;

    let other_link = Arc::new(Mutex::new(String::new()));
    let other = link_server(other_link).await;
    let link = Arc::new(Mutex::new(String::new()));
    let org = link_server(link.clone()).await;
    let port = org.base.rsplit(':').next().unwrap().to_owned();
    let client = Client::builder()
        .org_url(&org.base)
        .token(TOKEN)
        .disable_https_check(true)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap();

    let cases = [
        // Another server (another port on the same address is another origin).
        format!("<{}/api/v1/users?after=00u1>; rel=\"next\"", other.base),
        // Another host name for the same address.
        format!("<http://localhost:{port}/api/v1/users?after=00u1>; rel=\"next\""),
        // Another host altogether, and another scheme.
        "<https://evil.example/api/v1/users?after=00u1>; rel=\"next\"".to_owned(),
        format!("<https://127.0.0.1:{port}/api/v1/users?after=00u1>; rel=\"next\""),
        // Protocol-relative.
        "<//evil.example/api/v1/users>; rel=\"next\"".to_owned(),
    ];
    for case in &cases {
        *link.lock().unwrap() = case.clone();
        let before = org.hits.load(Ordering::SeqCst);
        let mut users = client.list_users().stream();
        let first = users.try_next().await.unwrap().unwrap();
        assert_eq!(first.id.as_deref(), Some("00u1"));
        match users.try_next().await {
            Err(Error::Pagination(PaginationError::CrossOrigin { expected, found })) => {
                assert_ne!(expected, found);
            }
            other => panic!("{case}: expected CrossOrigin, got {other:?}"),
        }
        assert!(users.try_next().await.unwrap().is_none());
        assert_eq!(org.hits.load(Ordering::SeqCst), before + 1, "{case}");
    }
    assert_eq!(other.hits.load(Ordering::SeqCst), 0, "the other origin was contacted");

    // Same origin but carrying credentials: refused too.
    *link.lock().unwrap() =
        format!("<http://user:{URL_PASSWORD}@127.0.0.1:{port}/api/v1/users?after=00u1>; rel=\"next\"");
    let mut users = client.list_users().stream();
    users.try_next().await.unwrap().unwrap();
    let error = users.try_next().await.unwrap_err();
    assert!(matches!(error, Error::Pagination(PaginationError::CredentialsInNextLink)), "{error:?}");
    assert_clean("PaginationError", &format!("{error} {error:?}"));

    // A relative link on the same origin is followed (and a loop back to it is stopped).
    *link.lock().unwrap() = "</api/v1/users?after=00u1>; rel=\"next\"".to_owned();
    let before = org.hits.load(Ordering::SeqCst);
    let users: Vec<_> = {
        let stream = client.list_users().stream();
        futures::StreamExt::collect::<Vec<_>>(stream).await
    };
    assert!(users.len() >= 2, "{users:?}");
    assert!(org.hits.load(Ordering::SeqCst) >= before + 2);
    assert!(org.hits.load(Ordering::SeqCst) <= before + 3, "bounded: a looping link is stopped");
}

// --------------------------------------------------------------------------------- tracing

/// Whether `text` holds something shaped like a JWT: `eyJ` (a JSON header in base64url) then at least ten more
/// base64url characters and a `.` (a model name such as `InlineHookOAuthPrivateKeyJwtConfig` is not one).
fn contains_jwt(text: &str) -> bool {
    let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices("eyJ").any(|(i, _)| {
        let rest = &text[i + 3..];
        let run = rest.chars().take_while(|c| base64url(*c)).count();
        run >= 10 && rest[run..].starts_with('.')
    })
}

#[test]
fn the_jwt_detector_finds_tokens_and_not_model_names() {
    assert!(contains_jwt("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));
    assert!(!contains_jwt("model=\"InlineHookOAuthPrivateKeyJwtConfig\""));
    assert!(!contains_jwt("eyJ"));
}

// Everything `tracing` (and, through it, the `log` crate) emits in this test binary at TRACE
// level. A global subscriber is used because a thread-scoped one misses events whose callsite
// interest was cached while another test's thread had no subscriber.
use capture::Capture;

fn capture() -> Capture {
    capture::global()
}

#[cfg(feature = "mock")]
#[tokio::test]
async fn tracing_output_of_real_request_flows_shows_no_secret() {
    use futures::TryStreamExt;
    use okta_management::mock::{Fault, MockOrg};

    let capture = capture();
    let org = MockOrg::builder().seed_users(5).rate_limit_reset_delay(std::time::Duration::ZERO).start().await.unwrap();
    assert_clean("MockOrg", &format!("{org:?}"));
    assert!(!format!("{org:?}").contains(org.token()));
    let base = org.base_url().as_str().trim_end_matches('/').to_owned();
    let http = || reqwest::Client::builder().no_proxy().build().unwrap();
    let fast = okta_management::retry::RetryPolicy::default()
        .with_backoff(std::time::Duration::from_millis(2), std::time::Duration::from_millis(5));

    // SSWS: a create carrying a password, a read, a paged listing through a 429, a 404.
    let client = Client::builder()
        .org_url(&base)
        .token(org.token())
        .disable_https_check(true)
        .http_client(http())
        .retry_policy(fast.clone())
        .build()
        .unwrap();
    let body: okta_management::types::CreateUserRequest = serde_json::from_value(json!({
        "profile": {"login": "trace@example.com", "email": "trace@example.com", "firstName": "T", "lastName": "R"},
        "credentials": {"password": {"value": USER_PASSWORD}}
    }))
    .unwrap();
    let created = client.create_user().body(body).send().await.unwrap();
    let id = created.id.unwrap();
    client.get_user().id(&id).send().await.unwrap();
    org.inject("GET /api/v1/users", Fault::RateLimitBurst(1)).unwrap();
    let listed: Vec<_> = client.list_users().limit(2).stream().try_collect().await.unwrap();
    assert_eq!(listed.len(), 6);
    let missing = client.get_user().id("00unknown").send().await.unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));

    // PrivateKey: a successful token call, then one refused by the token endpoint.
    let jwk = public_jwk();
    org.register_oauth_client("0oa-security", json!({"keys": [jwk.clone()]}), &["okta.users.read"]).unwrap();
    let oauth = |client_id: &str| {
        Client::builder()
            .org_url(&base)
            .disable_https_check(true)
            .http_client(http())
            .authorization_mode(AuthorizationMode::PrivateKey)
            .client_id(client_id)
            .scopes(["okta.users.read"])
            .private_key(fixture("rsa_pkcs8.pem"))
            .kid(jwk["kid"].as_str().unwrap())
            .build()
            .unwrap()
    };
    let users = oauth("0oa-security").list_users().send().await.unwrap();
    assert_eq!(users.len(), 6);
    let refused = oauth("0oa-unknown").list_users().send().await.unwrap_err();
    assert!(matches!(refused, Error::Auth(_)), "{refused:?}");
    assert_clean("token endpoint error", &format!("{refused} {refused:?}"));
    assert!(!format!("{refused:?}").contains("eyJ"), "a JWT in the error: {refused:?}");

    // Bearer with a token the org does not know.
    let bearer = Client::builder()
        .org_url(&base)
        .disable_https_check(true)
        .http_client(http())
        .authorization_mode(AuthorizationMode::Bearer)
        .token(BEARER)
        .build()
        .unwrap();
    let error = bearer.list_users().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_clean("401 error", &format!("{error} {error:?}"));

    let logs = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    // The capture works (otherwise the scan below would prove nothing).
    assert!(logs.contains("okta request completed"), "{logs}");
    assert!(logs.contains("okta rate limit hit"), "{logs}");
    assert_clean("tracing output", &logs);
    assert!(!logs.contains(org.token()), "the SSWS token is in the logs");
    // No JWT (client assertion, access token) of any kind: they all start with `{"` in base64url.
    assert!(!contains_jwt(&logs), "a JWT is in the logs");
}
