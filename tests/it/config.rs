//! Configuration: precedence of every layer, misconfiguration errors naming key and source,
//! HTTPS enforcement, and redaction.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use okta_management::config::{
    AuthConfig, AuthorizationMode, Config, ConfigBuilder, ConfigError, ConfigLoader, ConfigSource,
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A fresh directory under the system temp dir (no extra crates).
fn temp_dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "okta-config-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Loader with only the given env map and files (never the real environment or HOME).
fn loader(env: &[(&str, &str)], local: Option<&Path>, home: Option<&Path>) -> ConfigLoader {
    let mut l =
        ConfigLoader::new().env(env.iter().map(|(k, v)| (k.to_string(), v.to_string()))).no_local_file().no_home_file();
    if let Some(p) = local {
        l = l.local_file(p);
    }
    if let Some(p) = home {
        l = l.home_file(p);
    }
    l
}

fn private_key_parts(c: &Config) -> (String, Vec<String>, Option<String>) {
    match c.auth() {
        AuthConfig::PrivateKey { client_id, scopes, kid, .. } => (client_id.clone(), scopes.clone(), kid.clone()),
        other => panic!("expected PrivateKey auth, got {other:?}"),
    }
}

#[test]
fn precedence_code_env_local_home_field_by_field() {
    let dir = temp_dir();
    let pkcs8 = format!("{FIXTURES}/rsa_pkcs8.pem");
    let home = write(
        &dir,
        "home.yaml",
        &format!(
            r#"
okta:
  client:
    orgUrl: https://home.okta.com
    authorizationMode: PrivateKey
    clientId: home-client
    scopes: [okta.users.read, okta.groups.read]
    privateKey: {pkcs8}
    kid: home-kid
    connectionTimeout: 11
    requestTimeout: 12
    rateLimit:
      maxRetries: 1
    proxy:
      host: home-proxy
      port: 1111
      username: home-user
      password: home-pass
"#
        ),
    );
    let local = write(
        &dir,
        "local.yaml",
        r#"
okta:
  client:
    orgUrl: https://local.okta.com
    clientId: local-client
    connectionTimeout: 21
    rateLimit:
      maxRetries: 2
    proxy:
      port: 2222
"#,
    );
    let env = [
        ("OKTA_CLIENT_ORGURL", "https://env.okta.com"),
        ("OKTA_CLIENT_CLIENTID", "env-client"),
        ("OKTA_CLIENT_RATELIMIT_MAXRETRIES", "3"),
        ("OKTA_CLIENT_REQUESTTIMEOUT", "32"),
        ("OKTA_CLIENT_SCOPES", "okta.apps.read, okta.logs.read"),
        ("OKTA_CLIENT_PROXY_USERNAME", "env-user"),
    ];

    // home only
    let c = loader(&[], None, Some(&home)).load().unwrap();
    assert_eq!(c.org_url().as_str(), "https://home.okta.com/");
    assert_eq!(c.authorization_mode(), AuthorizationMode::PrivateKey);
    let (id, scopes, kid) = private_key_parts(&c);
    assert_eq!(id, "home-client");
    assert_eq!(scopes, vec!["okta.users.read", "okta.groups.read"]);
    assert_eq!(kid.as_deref(), Some("home-kid"));
    assert_eq!(c.connection_timeout(), Some(Duration::from_secs(11)));
    assert_eq!(c.request_timeout(), Some(Duration::from_secs(12)));
    assert_eq!(c.max_retries(), Some(1));
    let p = c.proxy().unwrap();
    assert_eq!((p.host.as_str(), p.port), ("home-proxy", Some(1111)));
    assert_eq!(p.password.as_ref().unwrap().expose_secret(), "home-pass");

    // local over home, field by field
    let c = loader(&[], Some(&local), Some(&home)).load().unwrap();
    assert_eq!(c.org_url().as_str(), "https://local.okta.com/");
    let (id, scopes, kid) = private_key_parts(&c);
    assert_eq!(id, "local-client");
    assert_eq!(scopes, vec!["okta.users.read", "okta.groups.read"]); // from home
    assert_eq!(kid.as_deref(), Some("home-kid"));
    assert_eq!(c.connection_timeout(), Some(Duration::from_secs(21)));
    assert_eq!(c.request_timeout(), Some(Duration::from_secs(12))); // from home
    assert_eq!(c.max_retries(), Some(2));
    assert_eq!(c.proxy().unwrap().port, Some(2222));
    assert_eq!(c.proxy().unwrap().host, "home-proxy");

    // env over local over home
    let c = loader(&env, Some(&local), Some(&home)).load().unwrap();
    assert_eq!(c.org_url().as_str(), "https://env.okta.com/");
    let (id, scopes, _) = private_key_parts(&c);
    assert_eq!(id, "env-client");
    assert_eq!(scopes, vec!["okta.apps.read", "okta.logs.read"]);
    assert_eq!(c.connection_timeout(), Some(Duration::from_secs(21))); // local
    assert_eq!(c.request_timeout(), Some(Duration::from_secs(32)));
    assert_eq!(c.max_retries(), Some(3));
    assert_eq!(c.proxy().unwrap().username.as_deref(), Some("env-user"));
    assert_eq!(c.proxy().unwrap().port, Some(2222));

    // code over everything
    let code = ConfigBuilder::new()
        .org_url("https://code.okta.com/")
        .client_id("code-client")
        .scopes(["okta.users.manage"])
        .kid("code-kid")
        .max_retries(4)
        .connection_timeout(Duration::from_secs(41))
        .proxy_port(4444)
        .user_agent_suffix("my-app/1.0");
    let c = loader(&env, Some(&local), Some(&home)).code(code).load().unwrap();
    assert_eq!(c.org_url().as_str(), "https://code.okta.com/");
    let (id, scopes, kid) = private_key_parts(&c);
    assert_eq!(id, "code-client");
    assert_eq!(scopes, vec!["okta.users.manage"]);
    assert_eq!(kid.as_deref(), Some("code-kid"));
    assert_eq!(c.max_retries(), Some(4));
    assert_eq!(c.connection_timeout(), Some(Duration::from_secs(41)));
    assert_eq!(c.request_timeout(), Some(Duration::from_secs(32))); // env
    assert_eq!(c.proxy().unwrap().port, Some(4444));
    assert_eq!(c.user_agent_suffix(), Some("my-app/1.0"));
    assert_eq!(c.token_url().as_str(), "https://code.okta.com/oauth2/v1/token");
}

#[test]
fn token_mode_and_env_precedence_for_secrets() {
    let dir = temp_dir();
    let home = write(&dir, "okta.yaml", "okta:\n  client:\n    orgUrl: https://a.okta.com\n    token: home-token\n");
    let c = loader(&[], None, Some(&home)).load().unwrap();
    match c.auth() {
        AuthConfig::Ssws { token } => assert_eq!(token.expose_secret(), "home-token"),
        other => panic!("{other:?}"),
    }
    let c = loader(&[("OKTA_CLIENT_TOKEN", "env-token")], None, Some(&home)).load().unwrap();
    match c.auth() {
        AuthConfig::Ssws { token } => assert_eq!(token.expose_secret(), "env-token"),
        other => panic!("{other:?}"),
    }
    let c =
        loader(&[("OKTA_CLIENT_TOKEN", "env-token"), ("OKTA_CLIENT_AUTHORIZATIONMODE", "bearer")], None, Some(&home))
            .code(ConfigBuilder::new().token("code-token"))
            .load()
            .unwrap();
    match c.auth() {
        AuthConfig::Bearer { token, supplier } => {
            assert_eq!(token.as_ref().unwrap().expose_secret(), "code-token");
            assert!(supplier.is_none());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn empty_values_are_unset_and_overridden_bad_values_are_ignored() {
    let dir = temp_dir();
    let home = write(
        &dir,
        "okta.yaml",
        "okta:\n  client:\n    orgUrl: https://a.okta.com\n    token: t\n    connectionTimeout: soon\n",
    );
    // env overrides the bad YAML value; an empty env value counts as unset
    let c = loader(&[("OKTA_CLIENT_CONNECTIONTIMEOUT", "5"), ("OKTA_CLIENT_ORGURL", "  ")], None, Some(&home))
        .load()
        .unwrap();
    assert_eq!(c.connection_timeout(), Some(Duration::from_secs(5)));
    assert_eq!(c.org_url().as_str(), "https://a.okta.com/");
    // without the override the bad value is reported with its file
    let e = loader(&[], None, Some(&home)).load().unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "okta.client.connectionTimeout = \"soon\" from file {}: expected a whole number of seconds",
            home.display()
        )
    );
}

fn invalid_parts(e: &ConfigError) -> (&'static str, Option<String>, ConfigSource) {
    match e {
        ConfigError::Invalid { key, value, origin, .. } => (key, value.clone(), origin.clone()),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn missing_key(e: &ConfigError) -> &'static str {
    match e {
        ConfigError::Missing { key, .. } => key,
        other => panic!("expected Missing, got {other:?}"),
    }
}

#[test]
fn unknown_mode_names_key_value_and_source() {
    let e =
        loader(&[("OKTA_CLIENT_ORGURL", "https://a.okta.com"), ("OKTA_CLIENT_AUTHORIZATIONMODE", "Foo")], None, None)
            .load()
            .unwrap_err();
    assert_eq!(
        e.to_string(),
        "okta.client.authorizationMode = \"Foo\" from environment (OKTA_CLIENT_AUTHORIZATIONMODE): \
         unknown mode, expected SSWS, PrivateKey or Bearer"
    );
}

#[test]
fn missing_org_url() {
    let e = loader(&[("OKTA_CLIENT_TOKEN", "t")], None, None).load().unwrap_err();
    assert_eq!(missing_key(&e), "okta.client.orgUrl");
    assert!(e.to_string().contains("OKTA_CLIENT_ORGURL"), "{e}");
}

#[test]
fn malformed_url_names_source() {
    let dir = temp_dir();
    let local = write(&dir, "okta.yaml", "okta:\n  client:\n    orgUrl: 'not a url'\n");
    let e = loader(&[("OKTA_CLIENT_TOKEN", "t")], Some(&local), None).load().unwrap_err();
    let (key, value, origin) = invalid_parts(&e);
    assert_eq!(key, "okta.client.orgUrl");
    assert_eq!(value.as_deref(), Some("not a url"));
    assert_eq!(origin, ConfigSource::File { path: local.clone() });
    assert!(e.to_string().contains("not a valid URL"), "{e}");
}

#[test]
fn http_refused_unless_testing_switch_on() {
    let base = [("OKTA_CLIENT_ORGURL", "http://127.0.0.1:8080"), ("OKTA_CLIENT_TOKEN", "t")];
    let e = loader(&base, None, None).load().unwrap_err();
    let (key, _, origin) = invalid_parts(&e);
    assert_eq!(key, "okta.client.orgUrl");
    assert_eq!(origin, ConfigSource::Environment { var: "OKTA_CLIENT_ORGURL" });
    assert!(e.to_string().contains("okta.testing.disableHttpsCheck"), "{e}");

    let mut on = base.to_vec();
    on.push(("OKTA_TESTING_DISABLEHTTPSCHECK", "true"));
    let c = loader(&on, None, None).load().unwrap();
    assert_eq!(c.org_url().as_str(), "http://127.0.0.1:8080/");
    assert!(c.disable_https_check());

    // the switch in YAML works too
    let dir = temp_dir();
    let home = write(&dir, "okta.yaml", "okta:\n  testing:\n    disableHttpsCheck: true\n");
    assert!(loader(&base, None, Some(&home)).load().is_ok());

    // code can turn it back off
    let e = loader(&on, None, None).code(ConfigBuilder::new().disable_https_check(false)).load().unwrap_err();
    assert_eq!(invalid_parts(&e).0, "okta.client.orgUrl");

    // a bad switch value is itself an error
    let mut bad = base.to_vec();
    bad.push(("OKTA_TESTING_DISABLEHTTPSCHECK", "maybe"));
    let e = loader(&bad, None, None).load().unwrap_err();
    assert_eq!(invalid_parts(&e).0, "okta.testing.disableHttpsCheck");
}

#[test]
fn bad_numbers_name_key_and_source() {
    let ok = [("OKTA_CLIENT_ORGURL", "https://a.okta.com"), ("OKTA_CLIENT_TOKEN", "t")];
    for (var, value, key) in [
        ("OKTA_CLIENT_CONNECTIONTIMEOUT", "-1", "okta.client.connectionTimeout"),
        ("OKTA_CLIENT_REQUESTTIMEOUT", "1.5", "okta.client.requestTimeout"),
        ("OKTA_CLIENT_RATELIMIT_MAXRETRIES", "many", "okta.client.rateLimit.maxRetries"),
        ("OKTA_CLIENT_PROXY_PORT", "70000", "okta.client.proxy.port"),
    ] {
        let mut env = ok.to_vec();
        env.push((var, value));
        env.push(("OKTA_CLIENT_PROXY_HOST", "proxy.local"));
        let e = loader(&env, None, None).load().unwrap_err();
        let (k, v, origin) = invalid_parts(&e);
        assert_eq!(k, key);
        assert_eq!(v.as_deref(), Some(value));
        assert_eq!(
            origin,
            ConfigSource::Environment {
                var: match var {
                    "OKTA_CLIENT_CONNECTIONTIMEOUT" => "OKTA_CLIENT_CONNECTIONTIMEOUT",
                    "OKTA_CLIENT_REQUESTTIMEOUT" => "OKTA_CLIENT_REQUESTTIMEOUT",
                    "OKTA_CLIENT_RATELIMIT_MAXRETRIES" => "OKTA_CLIENT_RATELIMIT_MAXRETRIES",
                    _ => "OKTA_CLIENT_PROXY_PORT",
                }
            }
        );
        assert!(e.to_string().contains(var), "{e}");
    }
    // proxy keys without a host
    let mut env = ok.to_vec();
    env.push(("OKTA_CLIENT_PROXY_PORT", "8080"));
    assert_eq!(missing_key(&loader(&env, None, None).load().unwrap_err()), "okta.client.proxy.host");
}

#[test]
fn mode_requirements() {
    let org = ("OKTA_CLIENT_ORGURL", "https://a.okta.com");
    // SSWS (default) needs a token
    let e = loader(&[org], None, None).load().unwrap_err();
    assert_eq!(missing_key(&e), "okta.client.token");
    assert!(e.to_string().contains("SSWS (from default)"), "{e}");
    // Bearer needs a token or a supplier
    let e = loader(&[org, ("OKTA_CLIENT_AUTHORIZATIONMODE", "Bearer")], None, None).load().unwrap_err();
    assert_eq!(missing_key(&e), "okta.client.token");
    assert!(
        loader(&[org, ("OKTA_CLIENT_AUTHORIZATIONMODE", "Bearer")], None, None)
            .code(ConfigBuilder::new().token_supplier(okta_management::auth::TokenSupplier::from_fn(|| Ok("x".into()))))
            .load()
            .is_ok()
    );
    // PrivateKey needs clientId, scopes and a key
    let pk = ("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey");
    let key_path = format!("{FIXTURES}/rsa_pkcs1.pem");
    let e = loader(&[org, pk], None, None).load().unwrap_err();
    assert_eq!(missing_key(&e), "okta.client.clientId");
    assert!(e.to_string().contains("PrivateKey (from environment (OKTA_CLIENT_AUTHORIZATIONMODE))"), "{e}");
    let e = loader(&[org, pk, ("OKTA_CLIENT_CLIENTID", "c")], None, None).load().unwrap_err();
    assert_eq!(missing_key(&e), "okta.client.scopes");
    let e = loader(&[org, pk, ("OKTA_CLIENT_CLIENTID", "c"), ("OKTA_CLIENT_SCOPES", " , ")], None, None)
        .load()
        .unwrap_err();
    assert_eq!(invalid_parts(&e).0, "okta.client.scopes");
    let e = loader(&[org, pk, ("OKTA_CLIENT_CLIENTID", "c"), ("OKTA_CLIENT_SCOPES", "okta.users.read")], None, None)
        .load()
        .unwrap_err();
    assert_eq!(missing_key(&e), "okta.client.privateKey");
    let c = loader(
        &[
            org,
            pk,
            ("OKTA_CLIENT_CLIENTID", "c"),
            ("OKTA_CLIENT_SCOPES", "okta.users.read"),
            ("OKTA_CLIENT_PRIVATEKEY", &key_path),
        ],
        None,
        None,
    )
    .load()
    .unwrap();
    assert_eq!(c.authorization_mode(), AuthorizationMode::PrivateKey);
}

#[test]
fn bad_keys_name_key_and_source_without_secrets() {
    let dir = temp_dir();
    let public = write(
        &dir,
        "public.pem",
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n",
    );
    let base = |key: String| {
        ConfigBuilder::new()
            .org_url("https://a.okta.com")
            .authorization_mode(AuthorizationMode::PrivateKey)
            .client_id("c")
            .scopes(["s"])
            .private_key(key)
    };
    // unreadable file
    let missing_path = dir.join("nope.pem").display().to_string();
    let e = base(missing_path.clone()).build().unwrap_err();
    let (k, v, origin) = invalid_parts(&e);
    assert_eq!((k, v, origin), ("okta.client.privateKey", None, ConfigSource::Code));
    assert!(e.to_string().contains("cannot be read"), "{e}");
    assert!(!e.to_string().contains("nope.pem"), "{e}");
    // wrong type: a public key
    let e = base(public.display().to_string()).build().unwrap_err();
    assert!(e.to_string().contains("PUBLIC KEY"), "{e}");
    // garbage inline PEM: the content never appears
    let e = loader(
        &[
            ("OKTA_CLIENT_ORGURL", "https://a.okta.com"),
            ("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey"),
            ("OKTA_CLIENT_CLIENTID", "c"),
            ("OKTA_CLIENT_SCOPES", "s"),
            ("OKTA_CLIENT_PRIVATEKEY", "-----BEGIN PRIVATE KEY-----\nU0VDUkVUU0VDUkVU\n-----END PRIVATE KEY-----"),
        ],
        None,
        None,
    )
    .load()
    .unwrap_err();
    let (k, v, origin) = invalid_parts(&e);
    assert_eq!(k, "okta.client.privateKey");
    assert_eq!(v, None);
    assert_eq!(origin, ConfigSource::Environment { var: "OKTA_CLIENT_PRIVATEKEY" });
    assert!(!format!("{e} {e:?}").contains("U0VDUkVU"), "{e}");
    // a P-384 EC key is the wrong type
    let p384 =
        aws_lc_rs::signature::EcdsaKeyPair::generate(&aws_lc_rs::signature::ECDSA_P384_SHA384_FIXED_SIGNING).unwrap();
    let der = p384.to_pkcs8v1().unwrap();
    let key = okta_management::auth::PrivateKey::from_pkcs8_der(der.as_ref());
    assert!(key.unwrap_err().to_string().contains("P-384"));
}

#[test]
fn malformed_yaml_names_file() {
    let dir = temp_dir();
    let bad = write(&dir, "okta.yaml", "okta:\n  client: [unclosed\n");
    let e = loader(&[], Some(&bad), None).load().unwrap_err();
    match &e {
        ConfigError::Yaml { path, .. } => assert_eq!(path, &bad),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains(&bad.display().to_string()));
    // structurally wrong: a mapping where a secret scalar is expected, value not shown
    let wrong = write(
        &dir,
        "wrong.yaml",
        "okta:\n  client:\n    orgUrl: https://a.okta.com\n    token:\n      nested: s3cr3t\n",
    );
    let e = loader(&[], None, Some(&wrong)).load().unwrap_err();
    let (k, v, origin) = invalid_parts(&e);
    assert_eq!(k, "okta.client.token");
    assert_eq!(v, None);
    assert_eq!(origin, ConfigSource::File { path: wrong.clone() });
    assert!(!e.to_string().contains("s3cr3t"));
}

#[test]
fn debug_output_is_redacted() {
    let c = ConfigBuilder::new()
        .org_url("https://a.okta.com")
        .token("very-secret-api-token")
        .proxy_host("proxy.local")
        .proxy_username("u")
        .proxy_password("very-secret-proxy-password")
        .build()
        .unwrap();
    let d = format!("{c:?}");
    assert!(!d.contains("very-secret"), "{d}");
    assert!(d.contains("[redacted]"), "{d}");

    let jwk = std::fs::read_to_string(format!("{FIXTURES}/rsa.jwk.json")).unwrap();
    let builder = ConfigBuilder::new()
        .org_url("https://a.okta.com")
        .authorization_mode(AuthorizationMode::PrivateKey)
        .client_id("c")
        .scopes(["s"])
        .private_key(jwk.clone());
    let d = format!("{builder:?}");
    let c = builder.build().unwrap();
    let d2 = format!("{c:?}");
    let secret_d = jwk.split("\"d\": \"").nth(1).unwrap().split('"').next().unwrap();
    for out in [&d, &d2] {
        assert!(!out.contains(&secret_d[..20]), "{out}");
    }
    // JWK kid is used when no kid is configured
    assert_eq!(private_key_parts(&c).2.as_deref(), Some("test-rsa-jwk"));
}

#[test]
fn proxy_credentials_written_into_the_host_are_moved_out_of_it() {
    let builder = ConfigBuilder::new()
        .org_url("https://a.okta.com")
        .token("t")
        .proxy_host("http://proxy-user:pa%40ss-very-secret@proxy.local:3128");
    let debug_builder = format!("{builder:?}");
    let c = builder.build().unwrap();
    let p = c.proxy().unwrap();
    assert_eq!(p.host, "http://proxy.local:3128");
    assert_eq!(p.username.as_deref(), Some("proxy-user"));
    assert_eq!(p.password.as_ref().map(|s| s.expose_secret()), Some("pa@ss-very-secret"));
    assert_eq!(p.url().unwrap().as_str(), "http://proxy.local:3128/");
    for out in [debug_builder, format!("{c:?}")] {
        assert!(!out.contains("very-secret"), "{out}");
        assert!(out.contains("proxy.local"), "{out}");
    }

    // Explicit keys win over credentials in the host; a host without a scheme keeps having none.
    let env = [("OKTA_CLIENT_PROXY_HOST", "u:from-host@proxy.local"), ("OKTA_CLIENT_PROXY_PASSWORD", "explicit")];
    let c =
        loader(&env, None, None).code(ConfigBuilder::new().org_url("https://a.okta.com").token("t")).load().unwrap();
    let p = c.proxy().unwrap();
    assert_eq!((p.host.as_str(), p.username.as_deref()), ("proxy.local", Some("u")));
    assert_eq!(p.password.as_ref().map(|s| s.expose_secret()), Some("explicit"));
}

#[test]
fn an_invalid_proxy_host_error_does_not_echo_its_credentials() {
    let err = ConfigBuilder::new()
        .org_url("https://a.okta.com")
        .token("t")
        .proxy_host("http://u:very-secret@[not-an-address")
        .build()
        .unwrap_err();
    let ConfigError::Invalid { key, value, .. } = &err else { panic!("expected Invalid, got {err:?}") };
    assert_eq!(*key, "okta.client.proxy.host");
    assert_eq!(value.as_deref(), Some("http://[redacted]@[not-an-address"));
    assert!(!err.to_string().contains("very-secret"), "{err}");
    assert!(!format!("{err:?}").contains("very-secret"), "{err:?}");
}

#[test]
fn real_default_loader_uses_process_env() {
    // ConfigLoader::new() reads the real process environment (never modified here, to
    // stay race-free); code values win over whatever it holds.
    let c = ConfigLoader::new()
        .no_local_file()
        .no_home_file()
        .code(
            ConfigBuilder::new()
                .org_url("https://a.okta.com")
                .token("t")
                .authorization_mode(AuthorizationMode::Ssws)
                .disable_https_check(false),
        )
        .load()
        .unwrap();
    assert_eq!(c.org_url().as_str(), "https://a.okta.com/");
    let _ = Config::builder();
}

#[test]
fn rate_limit_keys_from_the_environment_and_okta_yaml() {
    let ok = [("OKTA_CLIENT_ORGURL", "https://a.okta.com"), ("OKTA_CLIENT_TOKEN", "t")];
    let mut env = ok.to_vec();
    env.push(("OKTA_CLIENT_RATELIMIT_MAXCONCURRENCY", "10"));
    env.push(("OKTA_CLIENT_RATELIMIT_MAXCAPACITY", "50%"));
    let c = loader(&env, None, None).load().unwrap();
    assert_eq!((c.max_concurrency(), c.max_capacity_percent()), (Some(10), Some(50)));
    let policy = c.rate_limit_policy();
    assert_eq!(policy.max_concurrency.map(std::num::NonZeroUsize::get), Some(10));
    assert_eq!(policy.max_capacity_percent, 50);
    assert!(policy.pacing);

    let dir = temp_dir();
    let local = write(
        &dir,
        "okta.yaml",
        "okta:\n  client:\n    orgUrl: https://a.okta.com\n    token: t\n    rateLimit:\n      maxConcurrency: 4\n      maxCapacity: 80\n",
    );
    let c = loader(&[], Some(&local), None).load().unwrap();
    assert_eq!((c.max_concurrency(), c.max_capacity_percent()), (Some(4), Some(80)));
    // Unset: no cap, the whole bucket.
    let c = loader(&ok, None, None).load().unwrap();
    assert_eq!(c.rate_limit_policy(), okta_management::rate_limit::RateLimitPolicy::default());
    // Zero concurrency means no cap.
    let mut env = ok.to_vec();
    env.push(("OKTA_CLIENT_RATELIMIT_MAXCONCURRENCY", "0"));
    assert_eq!(loader(&env, None, None).load().unwrap().rate_limit_policy().max_concurrency, None);

    for (var, value, key) in [
        ("OKTA_CLIENT_RATELIMIT_MAXCAPACITY", "0", "okta.client.rateLimit.maxCapacity"),
        ("OKTA_CLIENT_RATELIMIT_MAXCAPACITY", "150", "okta.client.rateLimit.maxCapacity"),
        ("OKTA_CLIENT_RATELIMIT_MAXCAPACITY", "half", "okta.client.rateLimit.maxCapacity"),
        ("OKTA_CLIENT_RATELIMIT_MAXCONCURRENCY", "-2", "okta.client.rateLimit.maxConcurrency"),
    ] {
        let mut env = ok.to_vec();
        env.push((var, value));
        let e = loader(&env, None, None).load().unwrap_err();
        assert_eq!(invalid_parts(&e).0, key, "{var}={value}");
        assert!(e.to_string().contains(var), "{e}");
    }
}

#[test]
fn a_newcomers_mistakes_are_named_with_what_to_do() {
    // The placeholder from Okta's documentation.
    let e = loader(&[("OKTA_CLIENT_ORGURL", "https://{yourOktaDomain}"), ("OKTA_CLIENT_TOKEN", "t")], None, None)
        .load()
        .unwrap_err();
    let (key, _, origin) = invalid_parts(&e);
    assert_eq!((key, origin), ("okta.client.orgUrl", ConfigSource::Environment { var: "OKTA_CLIENT_ORGURL" }));
    assert!(e.to_string().contains("placeholder from Okta's documentation"), "{e}");

    // An OAuth access token (a JWT) used as an SSWS API token: named, never shown, with the setting to change.
    let jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiIwMG8xIiwic2NwIjpbIm9rdGEudXNlcnMucmVhZCJdfQ.c2lnbmF0dXJl";
    let dir = temp_dir();
    let local = write(&dir, "okta.yaml", &format!("okta:\n  client:\n    token: {jwt}\n"));
    let e = loader(&[("OKTA_CLIENT_ORGURL", "https://dev-1.okta.com")], Some(&local), None).load().unwrap_err();
    let (key, value, origin) = invalid_parts(&e);
    assert_eq!((key, value, origin), ("okta.client.token", None, ConfigSource::File { path: local.clone() }));
    let message = e.to_string();
    assert!(message.contains("OKTA_CLIENT_AUTHORIZATIONMODE=Bearer"), "{message}");
    assert!(!message.contains(jwt), "the token must not be shown");
    // The same token in Bearer mode is what it should be.
    let bearer = loader(
        &[("OKTA_CLIENT_ORGURL", "https://dev-1.okta.com"), ("OKTA_CLIENT_AUTHORIZATIONMODE", "Bearer")],
        Some(&local),
        None,
    );
    assert!(bearer.load().is_ok());
    // An API token is taken as it is.
    assert!(
        loader(&[("OKTA_CLIENT_ORGURL", "https://dev-1.okta.com"), ("OKTA_CLIENT_TOKEN", "00abcDEF123")], None, None)
            .load()
            .is_ok()
    );
}

/// Every setter of `ConfigBuilder` is a method of `Client::builder()` as well, chained the same way (both are made
/// from one list, the runtime's `config_builder_setters!`): the proxy setters and `signing_key` included.
#[test]
fn every_config_builder_setter_is_a_client_builder_method() {
    let jwk = std::fs::read_to_string(format!("{FIXTURES}/rsa.jwk.json")).unwrap();
    let key = okta_management::auth::PrivateKey::parse(&jwk).unwrap();
    let client = okta_management::Client::builder()
        .org_url("https://a.okta.com")
        .token("t")
        .authorization_mode(AuthorizationMode::PrivateKey)
        .client_id("c")
        .scopes(["okta.users.read"])
        .private_key(jwk)
        .signing_key(key)
        .kid("k")
        .connection_timeout(Duration::from_secs(1))
        .request_timeout(Duration::from_secs(1))
        .max_retries(1)
        .max_concurrency(2)
        .max_capacity_percent(50)
        .proxy_host("proxy.local")
        .proxy_port(3128)
        .proxy_username("u")
        .proxy_password("p")
        .disable_https_check(false)
        .strict_decoding(true)
        .user_agent_suffix("test")
        .dpop(false)
        .token_refresh_margin(Duration::from_secs(30))
        .token_supplier(okta_management::auth::TokenSupplier::from_fn(|| Ok("x".into())))
        .build()
        .unwrap();
    assert_eq!(client.authorization_mode(), AuthorizationMode::PrivateKey);
    // The proxy reaches the client's configuration: one it cannot use fails the build.
    let error = okta_management::Client::builder()
        .org_url("https://a.okta.com")
        .token("t")
        .proxy_host("http://u:very-secret@[not-an-address")
        .build()
        .unwrap_err();
    assert!(!error.to_string().contains("very-secret"), "{error}");
}
