//! Client configuration, with the keys and sources of Okta's official SDKs.
//!
//! # Precedence
//!
//! Each key is resolved on its own ("field by field"), the first source that sets it wins:
//!
//! 1. code ([`ConfigBuilder`]),
//! 2. environment variables (`OKTA_CLIENT_ORGURL`, ...),
//! 3. `./okta.yaml` (the working directory),
//! 4. `~/.okta/okta.yaml`,
//! 5. built-in defaults (`authorizationMode` = `SSWS`, HTTPS check on).
//!
//! Empty or whitespace-only values in the environment or YAML count as unset. Only the
//! winning value of a key is parsed, so a bad value that is overridden by a higher
//! source is not an error. Keys that the chosen authorization mode does not use (e.g.
//! `privateKey` under `SSWS`) are not parsed either.
//!
//! # YAML layout
//!
//! ```yaml
//! okta:
//!   client:
//!     orgUrl: https://dev-123.okta.com
//!     authorizationMode: PrivateKey   # SSWS (default) | PrivateKey | Bearer
//!     token: 00abc...                  # SSWS API token, or Bearer access token
//!     clientId: 0oa...
//!     scopes: [okta.users.read, okta.groups.read]   # or "a b" / "a,b"
//!     privateKey: /path/to/key.pem     # or inline PEM, or JWK JSON / path to a JWK file
//!     kid: my-key-id
//!     connectionTimeout: 30            # seconds; 0 = no timeout
//!     requestTimeout: 0                # seconds; 0 = no timeout
//!     rateLimit:
//!       maxRetries: 4
//!     proxy: { host: proxy.local, port: 3128, username: u, password: p }
//!   testing:
//!     disableHttpsCheck: false         # true allows http:// org URLs (tests only)
//! ```
//!
//! Errors never contain the value of a secret key (`token`, `privateKey`,
//! `proxy.password`).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use url::Url;
use zeroize::Zeroizing;

use crate::auth::{PrivateKey, TokenSupplier};
use crate::secret::SecretString;

/// Default margin before an OAuth access token's expiry at which it is refreshed.
pub const DEFAULT_TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// How requests are authorized (`okta.client.authorizationMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthorizationMode {
    /// `Authorization: SSWS <API token>` (the default).
    #[default]
    Ssws,
    /// OAuth 2.0 client credentials with a `private_key_jwt` client assertion.
    PrivateKey,
    /// A caller-supplied OAuth access token.
    Bearer,
}

impl fmt::Display for AuthorizationMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ssws => "SSWS",
            Self::PrivateKey => "PrivateKey",
            Self::Bearer => "Bearer",
        })
    }
}

impl FromStr for AuthorizationMode {
    type Err = ();

    /// Case-insensitive `SSWS`, `PrivateKey` or `Bearer`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ssws" => Ok(Self::Ssws),
            "privatekey" => Ok(Self::PrivateKey),
            "bearer" => Ok(Self::Bearer),
            _ => Err(()),
        }
    }
}

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigSource {
    /// Set in code through [`ConfigBuilder`].
    Code,
    /// An environment variable.
    Environment {
        /// The variable's name.
        var: &'static str,
    },
    /// A YAML file (`./okta.yaml` or `~/.okta/okta.yaml`).
    File {
        /// The file's path.
        path: PathBuf,
    },
    /// The built-in default.
    Default,
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code => f.write_str("code"),
            Self::Environment { var } => write!(f, "environment ({var})"),
            Self::File { path } => write!(f, "file {}", path.display()),
            Self::Default => f.write_str("default"),
        }
    }
}

/// A configuration problem. Names the key and the source of the offending value; never
/// contains secret values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required key is not set in any source.
    #[error("{key} is not set (checked: code, {env}, ./okta.yaml, ~/.okta/okta.yaml){}", fmt_reason(.reason))]
    Missing {
        /// The YAML key, e.g. `okta.client.orgUrl`.
        key: &'static str,
        /// The environment variable for the key.
        env: &'static str,
        /// Why it is required, if not always.
        reason: Option<String>,
    },
    /// A value is present but invalid.
    #[error("{key}{} from {origin}: {reason}", fmt_value(.value))]
    Invalid {
        /// The YAML key, e.g. `okta.client.authorizationMode`.
        key: &'static str,
        /// The offending value (`None` for secret keys).
        value: Option<String>,
        /// Where the value came from.
        origin: ConfigSource,
        /// What is wrong.
        reason: String,
    },
    /// A YAML file could not be parsed.
    #[error("malformed YAML in {}: {source}", .path.display())]
    Yaml {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        #[source]
        source: serde_norway::Error,
    },
    /// A YAML file exists but could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn fmt_value(v: &Option<String>) -> String {
    v.as_ref().map(|v| format!(" = {v:?}")).unwrap_or_default()
}

fn fmt_reason(r: &Option<String>) -> String {
    r.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
}

/// Definition of one configuration key.
#[derive(Clone, Copy)]
struct Key {
    name: &'static str,
    env: &'static str,
    path: &'static [&'static str],
    secret: bool,
    list: bool,
}

const fn key(name: &'static str, env: &'static str, path: &'static [&'static str]) -> Key {
    Key { name, env, path, secret: false, list: false }
}

const ORG_URL: Key = key("okta.client.orgUrl", "OKTA_CLIENT_ORGURL", &["okta", "client", "orgUrl"]);
const TOKEN: Key = Key { secret: true, ..key("okta.client.token", "OKTA_CLIENT_TOKEN", &["okta", "client", "token"]) };
const MODE: Key =
    key("okta.client.authorizationMode", "OKTA_CLIENT_AUTHORIZATIONMODE", &["okta", "client", "authorizationMode"]);
const CLIENT_ID: Key = key("okta.client.clientId", "OKTA_CLIENT_CLIENTID", &["okta", "client", "clientId"]);
const SCOPES: Key =
    Key { list: true, ..key("okta.client.scopes", "OKTA_CLIENT_SCOPES", &["okta", "client", "scopes"]) };
const PRIVATE_KEY: Key =
    Key { secret: true, ..key("okta.client.privateKey", "OKTA_CLIENT_PRIVATEKEY", &["okta", "client", "privateKey"]) };
const KID: Key = key("okta.client.kid", "OKTA_CLIENT_KID", &["okta", "client", "kid"]);
const CONNECTION_TIMEOUT: Key =
    key("okta.client.connectionTimeout", "OKTA_CLIENT_CONNECTIONTIMEOUT", &["okta", "client", "connectionTimeout"]);
const REQUEST_TIMEOUT: Key =
    key("okta.client.requestTimeout", "OKTA_CLIENT_REQUESTTIMEOUT", &["okta", "client", "requestTimeout"]);
const MAX_RETRIES: Key = key(
    "okta.client.rateLimit.maxRetries",
    "OKTA_CLIENT_RATELIMIT_MAXRETRIES",
    &["okta", "client", "rateLimit", "maxRetries"],
);
const PROXY_HOST: Key = key("okta.client.proxy.host", "OKTA_CLIENT_PROXY_HOST", &["okta", "client", "proxy", "host"]);
const PROXY_PORT: Key = key("okta.client.proxy.port", "OKTA_CLIENT_PROXY_PORT", &["okta", "client", "proxy", "port"]);
const PROXY_USERNAME: Key =
    key("okta.client.proxy.username", "OKTA_CLIENT_PROXY_USERNAME", &["okta", "client", "proxy", "username"]);
const PROXY_PASSWORD: Key = Key {
    secret: true,
    ..key("okta.client.proxy.password", "OKTA_CLIENT_PROXY_PASSWORD", &["okta", "client", "proxy", "password"])
};
const DISABLE_HTTPS_CHECK: Key =
    key("okta.testing.disableHttpsCheck", "OKTA_TESTING_DISABLEHTTPSCHECK", &["okta", "testing", "disableHttpsCheck"]);

const ALL_KEYS: &[Key] = &[
    ORG_URL,
    TOKEN,
    MODE,
    CLIENT_ID,
    SCOPES,
    PRIVATE_KEY,
    KID,
    CONNECTION_TIMEOUT,
    REQUEST_TIMEOUT,
    MAX_RETRIES,
    PROXY_HOST,
    PROXY_PORT,
    PROXY_USERNAME,
    PROXY_PASSWORD,
    DISABLE_HTTPS_CHECK,
];

/// Private key given in code.
#[derive(Debug, Clone)]
enum PrivateKeyInput {
    /// PEM text, JWK JSON or a path to a file with either.
    Text(SecretString),
    /// An already parsed key.
    Parsed(PrivateKey),
}

/// Configuration set in code (the highest-precedence source). Every field is optional;
/// [`ConfigBuilder::build`] validates it alone, [`ConfigLoader::code`] merges it with the
/// environment and YAML files.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ConfigBuilder {
    org_url: Option<String>,
    token: Option<SecretString>,
    authorization_mode: Option<AuthorizationMode>,
    client_id: Option<String>,
    scopes: Option<Vec<String>>,
    private_key: Option<PrivateKeyInput>,
    kid: Option<String>,
    connection_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    max_retries: Option<u32>,
    proxy_host: Option<ProxyHost>,
    proxy_port: Option<u16>,
    proxy_username: Option<String>,
    proxy_password: Option<SecretString>,
    disable_https_check: Option<bool>,
    user_agent_suffix: Option<String>,
    dpop: Option<bool>,
    token_refresh_margin: Option<Duration>,
    token_supplier: Option<TokenSupplier>,
}

impl ConfigBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// `okta.client.orgUrl`, e.g. `https://dev-123.okta.com`.
    pub fn org_url(mut self, url: impl Into<String>) -> Self {
        self.org_url = Some(url.into());
        self
    }

    /// `okta.client.token`: the SSWS API token, or the Bearer access token.
    pub fn token(mut self, token: impl Into<SecretString>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// `okta.client.authorizationMode`.
    pub fn authorization_mode(mut self, mode: AuthorizationMode) -> Self {
        self.authorization_mode = Some(mode);
        self
    }

    /// `okta.client.clientId` (PrivateKey mode).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// `okta.client.scopes` (PrivateKey mode).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// `okta.client.privateKey`: PEM text, JWK JSON, or a path to a file holding either.
    pub fn private_key(mut self, key: impl Into<SecretString>) -> Self {
        self.private_key = Some(PrivateKeyInput::Text(key.into()));
        self
    }

    /// An already parsed private key (alternative to [`ConfigBuilder::private_key`]).
    pub fn signing_key(mut self, key: PrivateKey) -> Self {
        self.private_key = Some(PrivateKeyInput::Parsed(key));
        self
    }

    /// `okta.client.kid`: the key id put in the client assertion header.
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// `okta.client.connectionTimeout`; zero means no timeout.
    pub fn connection_timeout(mut self, timeout: Duration) -> Self {
        self.connection_timeout = Some(timeout);
        self
    }

    /// `okta.client.requestTimeout`; zero means no timeout.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// `okta.client.rateLimit.maxRetries`.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// `okta.client.proxy.host`.
    pub fn proxy_host(mut self, host: impl Into<String>) -> Self {
        self.proxy_host = Some(ProxyHost(host.into()));
        self
    }

    /// `okta.client.proxy.port`.
    pub fn proxy_port(mut self, port: u16) -> Self {
        self.proxy_port = Some(port);
        self
    }

    /// `okta.client.proxy.username`.
    pub fn proxy_username(mut self, username: impl Into<String>) -> Self {
        self.proxy_username = Some(username.into());
        self
    }

    /// `okta.client.proxy.password`.
    pub fn proxy_password(mut self, password: impl Into<SecretString>) -> Self {
        self.proxy_password = Some(password.into());
        self
    }

    /// `okta.testing.disableHttpsCheck`: allow an `http://` org URL (for test servers only).
    pub fn disable_https_check(mut self, disable: bool) -> Self {
        self.disable_https_check = Some(disable);
        self
    }

    /// Text appended to the `User-Agent` header (code only).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Use DPoP-bound tokens from the start in PrivateKey mode (code only). Without it,
    /// DPoP is still switched on when the token endpoint demands it.
    pub fn dpop(mut self, enabled: bool) -> Self {
        self.dpop = Some(enabled);
        self
    }

    /// How long before expiry an OAuth access token is refreshed (code only; default
    /// [`DEFAULT_TOKEN_REFRESH_MARGIN`]). Capped at half the token's lifetime.
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = Some(margin);
        self
    }

    /// A hook called for every request in Bearer mode to supply the access token
    /// (code only). Takes precedence over a fixed `token`.
    pub fn token_supplier(mut self, supplier: TokenSupplier) -> Self {
        self.token_supplier = Some(supplier);
        self
    }

    /// Validates this builder alone (no environment, no files).
    pub fn build(self) -> Result<Config, ConfigError> {
        ConfigLoader::empty().code(self).load()
    }
}

/// A proxy host as given in code; its `Debug` hides any credentials written into it.
#[derive(Clone)]
struct ProxyHost(String);

impl fmt::Debug for ProxyHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_userinfo(&self.0), f)
    }
}

/// `raw` with the user-info part of its authority (`user:password@`) replaced by `[redacted]`, so that a URL or
/// host shows no credentials in `Debug` output or errors: `http://u:p@proxy:3128` -> `http://[redacted]@proxy:3128`.
/// Works on text that does not parse as a URL, and on a host without a scheme.
fn redact_userinfo(host: &str) -> String {
    let authority_start = host.find("://").map_or(0, |i| i + 3);
    let rest = host.get(authority_start..).unwrap_or_default();
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest.get(..authority_end).and_then(|authority| authority.rfind('@')) {
        Some(at) => {
            format!(
                "{}[redacted]{}",
                host.get(..authority_start).unwrap_or_default(),
                rest.get(at..).unwrap_or_default()
            )
        }
        None => host.to_owned(),
    }
}

/// Splits credentials out of a proxy host: `(host without them, user name, password)`, percent-decoded.
fn split_proxy_userinfo(host: &str) -> Result<(String, Option<String>, Option<SecretString>), String> {
    if redact_userinfo(host) == host {
        return Ok((host.to_owned(), None, None));
    }
    let with_scheme = if host.contains("://") { host.to_owned() } else { format!("http://{host}") };
    let mut url = Url::parse(&with_scheme).map_err(|e| e.to_string())?;
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    let user = Some(decode(url.username())).filter(|u| !u.is_empty());
    let password = url.password().map(|p| SecretString::new(decode(p)));
    // Neither call can fail on an http(s) URL with a host, which `with_scheme` parsed into.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let mut bare = url.to_string();
    if bare.ends_with('/') && !host.ends_with('/') {
        bare.pop();
    }
    if !host.contains("://") {
        bare = bare.trim_start_matches("http://").to_owned();
    }
    Ok((bare, user, password))
}

/// Proxy settings (`okta.client.proxy.*`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ProxyConfig {
    /// Host name or address (a scheme such as `http://` is allowed).
    pub host: String,
    /// Port, if set.
    pub port: Option<u16>,
    /// User name for proxy authentication.
    pub username: Option<String>,
    /// Password for proxy authentication.
    pub password: Option<SecretString>,
}

impl ProxyConfig {
    /// The proxy URL (`http://host[:port]` unless the host carries a scheme), no credentials.
    pub fn url(&self) -> Result<Url, url::ParseError> {
        let base = if self.host.contains("://") { self.host.clone() } else { format!("http://{}", self.host) };
        let mut url = Url::parse(&base)?;
        if let Some(port) = self.port {
            url.set_port(Some(port)).map_err(|()| url::ParseError::InvalidPort)?;
        }
        Ok(url)
    }

    /// A `reqwest::Proxy` for all traffic, with basic auth when a username is set.
    pub fn to_reqwest(&self) -> Result<reqwest::Proxy, reqwest::Error> {
        let url = self.url().map(String::from).unwrap_or_default();
        let mut proxy = reqwest::Proxy::all(url)?;
        if let Some(user) = &self.username {
            let pass = self.password.as_ref().map(|p| p.expose_secret()).unwrap_or("");
            proxy = proxy.basic_auth(user, pass);
        }
        Ok(proxy)
    }
}

/// Authentication settings of a validated [`Config`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuthConfig {
    /// SSWS API token.
    Ssws {
        /// The API token.
        token: SecretString,
    },
    /// OAuth 2.0 client credentials with `private_key_jwt`.
    PrivateKey {
        /// The OAuth client id (assertion `iss` and `sub`).
        client_id: String,
        /// Requested scopes.
        scopes: Vec<String>,
        /// The signing key.
        key: PrivateKey,
        /// `kid` header for the assertion (from config, else from a JWK input).
        kid: Option<String>,
    },
    /// Caller-supplied access token.
    Bearer {
        /// A fixed access token.
        token: Option<SecretString>,
        /// A per-request token hook (wins over `token`).
        supplier: Option<TokenSupplier>,
    },
}

/// A validated configuration. `Debug` prints no secrets.
#[derive(Debug, Clone)]
pub struct Config {
    org_url: Url,
    auth: AuthConfig,
    connection_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    max_retries: Option<u32>,
    proxy: Option<ProxyConfig>,
    disable_https_check: bool,
    user_agent_suffix: Option<String>,
    dpop: bool,
    token_refresh_margin: Duration,
}

impl Config {
    /// A builder for configuration set in code.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::new()
    }

    /// Loads from the environment, `./okta.yaml` and `~/.okta/okta.yaml`.
    pub fn load() -> Result<Self, ConfigError> {
        ConfigLoader::new().load()
    }

    /// The org URL, normalized to end with `/`.
    pub fn org_url(&self) -> &Url {
        &self.org_url
    }

    /// The OAuth token endpoint, `<orgUrl>/oauth2/v1/token`.
    pub fn token_url(&self) -> Url {
        // Joining a relative path onto a URL ending in `/` cannot fail; fall back to the
        // org URL itself rather than panic.
        self.org_url.join("oauth2/v1/token").unwrap_or_else(|_| self.org_url.clone())
    }

    /// The authorization mode.
    pub fn authorization_mode(&self) -> AuthorizationMode {
        match self.auth {
            AuthConfig::Ssws { .. } => AuthorizationMode::Ssws,
            AuthConfig::PrivateKey { .. } => AuthorizationMode::PrivateKey,
            AuthConfig::Bearer { .. } => AuthorizationMode::Bearer,
        }
    }

    /// Authentication settings.
    pub fn auth(&self) -> &AuthConfig {
        &self.auth
    }

    /// `connectionTimeout`; `Some(ZERO)` means explicitly no timeout, `None` unset.
    pub fn connection_timeout(&self) -> Option<Duration> {
        self.connection_timeout
    }

    /// `requestTimeout`; `Some(ZERO)` means explicitly no timeout, `None` unset.
    pub fn request_timeout(&self) -> Option<Duration> {
        self.request_timeout
    }

    /// `rateLimit.maxRetries`; `None` means the retry policy's default.
    pub fn max_retries(&self) -> Option<u32> {
        self.max_retries
    }

    /// Proxy settings, if a proxy host is configured.
    pub fn proxy(&self) -> Option<&ProxyConfig> {
        self.proxy.as_ref()
    }

    /// Whether `http://` org URLs are allowed (`okta.testing.disableHttpsCheck`).
    pub fn disable_https_check(&self) -> bool {
        self.disable_https_check
    }

    /// Caller suffix for the `User-Agent` header.
    pub fn user_agent_suffix(&self) -> Option<&str> {
        self.user_agent_suffix.as_deref()
    }

    /// Whether DPoP is requested from the start (PrivateKey mode).
    pub fn dpop(&self) -> bool {
        self.dpop
    }

    /// Margin before expiry at which OAuth access tokens are refreshed.
    pub fn token_refresh_margin(&self) -> Duration {
        self.token_refresh_margin
    }
}

/// Where environment variables come from.
#[derive(Debug, Clone)]
enum EnvSource {
    Process,
    Map(HashMap<String, SecretString>),
}

/// Merges code, environment and YAML sources into a [`Config`].
///
/// `ConfigLoader::new()` reads the process environment, `./okta.yaml` and
/// `$HOME/.okta/okta.yaml` (`%USERPROFILE%` on Windows); each can be replaced for tests.
#[derive(Debug, Clone)]
#[must_use]
pub struct ConfigLoader {
    code: ConfigBuilder,
    env: EnvSource,
    local_file: Option<PathBuf>,
    home_file: Option<PathBuf>,
}

impl Default for ConfigLoader {
    fn default() -> Self {
        Self::new()
    }
}

impl ConfigLoader {
    /// Loader over the real process environment and default YAML paths.
    pub fn new() -> Self {
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(|h| PathBuf::from(h).join(".okta").join("okta.yaml"));
        Self {
            code: ConfigBuilder::new(),
            env: EnvSource::Process,
            local_file: Some(PathBuf::from("okta.yaml")),
            home_file: home,
        }
    }

    /// Loader with no sources besides code.
    pub fn empty() -> Self {
        Self { code: ConfigBuilder::new(), env: EnvSource::Map(HashMap::new()), local_file: None, home_file: None }
    }

    /// The code layer (highest precedence).
    pub fn code(mut self, builder: ConfigBuilder) -> Self {
        self.code = builder;
        self
    }

    /// Uses these variables instead of the process environment.
    pub fn env<I, K, V>(mut self, vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.env = EnvSource::Map(vars.into_iter().map(|(k, v)| (k.into(), SecretString::new(v.into()))).collect());
        self
    }

    /// Ignores the environment.
    pub fn no_env(self) -> Self {
        self.env(std::iter::empty::<(String, String)>())
    }

    /// Uses `path` in place of `./okta.yaml`.
    pub fn local_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.local_file = Some(path.into());
        self
    }

    /// Skips `./okta.yaml`.
    pub fn no_local_file(mut self) -> Self {
        self.local_file = None;
        self
    }

    /// Uses `path` in place of `~/.okta/okta.yaml`.
    pub fn home_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.home_file = Some(path.into());
        self
    }

    /// Skips `~/.okta/okta.yaml`.
    pub fn no_home_file(mut self) -> Self {
        self.home_file = None;
        self
    }

    /// Reads the sources, merges them key by key and validates the result.
    pub fn load(self) -> Result<Config, ConfigError> {
        let mut layers = Vec::with_capacity(3);
        layers.push(env_layer(&self.env));
        if let Some(p) = &self.local_file {
            layers.extend(yaml_layer(p)?);
        }
        if let Some(p) = &self.home_file {
            layers.extend(yaml_layer(p)?);
        }
        let raw = Layers(layers);
        let config = resolve(self.code, &raw)?;
        tracing::debug!(
            org_url = %config.org_url,
            mode = %config.authorization_mode(),
            "okta configuration loaded"
        );
        Ok(config)
    }
}

/// One non-code source: raw text values by key name.
struct Layer {
    values: HashMap<&'static str, SecretString>,
    source: LayerSource,
}

enum LayerSource {
    Env,
    File(PathBuf),
}

struct Layers(Vec<Layer>);

impl Layers {
    /// The winning raw value for `key` and its source.
    fn pick(&self, key: &Key) -> Option<(&SecretString, ConfigSource)> {
        self.0.iter().find_map(|layer| {
            layer.values.get(key.name).map(|v| {
                let src = match &layer.source {
                    LayerSource::Env => ConfigSource::Environment { var: key.env },
                    LayerSource::File(p) => ConfigSource::File { path: p.clone() },
                };
                (v, src)
            })
        })
    }
}

fn env_layer(env: &EnvSource) -> Layer {
    let mut values = HashMap::new();
    for k in ALL_KEYS {
        let v = match env {
            EnvSource::Process => std::env::var_os(k.env).map(|v| SecretString::new(v.to_string_lossy().into_owned())),
            EnvSource::Map(m) => m.get(k.env).cloned(),
        };
        if let Some(v) = v.filter(|v| !v.expose_secret().trim().is_empty()) {
            values.insert(k.name, v);
        }
    }
    Layer { values, source: LayerSource::Env }
}

/// Reads a YAML layer; a missing file is no layer.
fn yaml_layer(path: &Path) -> Result<Option<Layer>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => Zeroizing::new(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ConfigError::Io { path: path.to_owned(), source: e }),
    };
    let doc: serde_norway::Value =
        serde_norway::from_str(&text).map_err(|e| ConfigError::Yaml { path: path.to_owned(), source: e })?;
    let origin = || ConfigSource::File { path: path.to_owned() };
    let mut values = HashMap::new();
    for k in ALL_KEYS {
        let mut node = &doc;
        let mut found = true;
        for seg in k.path {
            match node {
                serde_norway::Value::Mapping(m) => match m.get(*seg) {
                    Some(n) => node = n,
                    None => {
                        found = false;
                        break;
                    }
                },
                serde_norway::Value::Null => {
                    found = false;
                    break;
                }
                _ => {
                    return Err(invalid(k, None, origin(), "expected a YAML mapping on the way to this key"));
                }
            }
        }
        if !found {
            continue;
        }
        let text = match node {
            serde_norway::Value::Null => continue,
            serde_norway::Value::Sequence(items) if k.list => {
                let mut parts = Vec::with_capacity(items.len());
                for item in items {
                    match yaml_scalar(item) {
                        Some(s) => parts.push(s),
                        None => return Err(invalid(k, None, origin(), "list items must be strings")),
                    }
                }
                parts.join(" ")
            }
            other => match yaml_scalar(other) {
                Some(s) => s,
                None => {
                    let what = if k.list { "a string or a list" } else { "a single value" };
                    return Err(invalid(k, None, origin(), &format!("expected {what}")));
                }
            },
        };
        if !text.trim().is_empty() {
            values.insert(k.name, SecretString::new(text));
        }
    }
    Ok(Some(Layer { values, source: LayerSource::File(path.to_owned()) }))
}

fn yaml_scalar(v: &serde_norway::Value) -> Option<String> {
    match v {
        serde_norway::Value::String(s) => Some(s.clone()),
        serde_norway::Value::Number(n) => Some(n.to_string()),
        serde_norway::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn invalid(k: &Key, value: Option<&str>, origin: ConfigSource, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        key: k.name,
        // Secret values never reach an error message.
        value: if k.secret { None } else { value.map(|v| v.trim().to_owned()) },
        origin,
        reason: reason.to_owned(),
    }
}

/// Resolves one key: the code value if set, else the winning raw value parsed by `parse`.
fn resolve_key<T>(
    code: Option<T>,
    layers: &Layers,
    k: &Key,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<(T, ConfigSource)>, ConfigError> {
    if let Some(v) = code {
        return Ok(Some((v, ConfigSource::Code)));
    }
    match layers.pick(k) {
        None => Ok(None),
        Some((raw, src)) => match parse(raw.expose_secret()) {
            Ok(v) => Ok(Some((v, src))),
            Err(reason) => Err(invalid(k, Some(raw.expose_secret()), src, &reason)),
        },
    }
}

fn parse_string(s: &str) -> Result<String, String> {
    Ok(s.trim().to_owned())
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    s.trim().parse::<u64>().map(Duration::from_secs).map_err(|_| "expected a whole number of seconds".to_owned())
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err("expected true or false".to_owned()),
    }
}

fn split_scopes(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',').filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

fn missing(k: &Key, reason: Option<String>) -> ConfigError {
    ConfigError::Missing { key: k.name, env: k.env, reason }
}

fn resolve(code: ConfigBuilder, layers: &Layers) -> Result<Config, ConfigError> {
    let disable_https_check = resolve_key(code.disable_https_check, layers, &DISABLE_HTTPS_CHECK, parse_bool)?
        .map(|(v, _)| v)
        .unwrap_or(false);

    let (org_url, org_src) = match resolve_key(code.org_url, layers, &ORG_URL, parse_string)? {
        Some(v) => v,
        None => return Err(missing(&ORG_URL, None)),
    };
    let org_url = validate_org_url(&org_url, disable_https_check)
        .map_err(|reason| invalid(&ORG_URL, Some(&redact_userinfo(&org_url)), org_src, &reason))?;

    let (mode, mode_src) = resolve_key(code.authorization_mode, layers, &MODE, |s| {
        AuthorizationMode::from_str(s).map_err(|()| "unknown mode, expected SSWS, PrivateKey or Bearer".to_owned())
    })?
    .unwrap_or((AuthorizationMode::Ssws, ConfigSource::Default));
    let because = || Some(format!("required because {} = {mode} (from {mode_src})", MODE.name));

    let token = resolve_key(code.token, layers, &TOKEN, |s| Ok(SecretString::new(s.trim())))?.map(|(v, _)| v);

    let auth = match mode {
        AuthorizationMode::Ssws => AuthConfig::Ssws { token: token.ok_or_else(|| missing(&TOKEN, because()))? },
        AuthorizationMode::Bearer => {
            if token.is_none() && code.token_supplier.is_none() {
                return Err(missing(&TOKEN, because()));
            }
            AuthConfig::Bearer { token, supplier: code.token_supplier }
        }
        AuthorizationMode::PrivateKey => {
            let client_id = resolve_key(code.client_id, layers, &CLIENT_ID, parse_string)?
                .map(|(v, _)| v)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| missing(&CLIENT_ID, because()))?;
            let (scopes, scopes_src) = resolve_key(code.scopes, layers, &SCOPES, |s| Ok(split_scopes(s)))?
                .ok_or_else(|| missing(&SCOPES, because()))?;
            let scopes: Vec<String> =
                scopes.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
            if scopes.is_empty() {
                return Err(invalid(&SCOPES, None, scopes_src, "at least one scope is required"));
            }
            let key = match code.private_key {
                Some(PrivateKeyInput::Parsed(k)) => k,
                Some(PrivateKeyInput::Text(t)) => load_key(t.expose_secret())
                    .map_err(|reason| invalid(&PRIVATE_KEY, None, ConfigSource::Code, &reason))?,
                None => match layers.pick(&PRIVATE_KEY) {
                    Some((raw, src)) => {
                        load_key(raw.expose_secret()).map_err(|reason| invalid(&PRIVATE_KEY, None, src, &reason))?
                    }
                    None => return Err(missing(&PRIVATE_KEY, because())),
                },
            };
            let kid = resolve_key(code.kid, layers, &KID, parse_string)?
                .map(|(v, _)| v)
                .filter(|v| !v.is_empty())
                .or_else(|| key.jwk_kid().map(str::to_owned));
            AuthConfig::PrivateKey { client_id, scopes, key, kid }
        }
    };

    let connection_timeout =
        resolve_key(code.connection_timeout, layers, &CONNECTION_TIMEOUT, parse_secs)?.map(|(v, _)| v);
    let request_timeout = resolve_key(code.request_timeout, layers, &REQUEST_TIMEOUT, parse_secs)?.map(|(v, _)| v);
    let max_retries = resolve_key(code.max_retries, layers, &MAX_RETRIES, |s| {
        s.trim().parse::<u32>().map_err(|_| "expected a non-negative whole number".to_owned())
    })?
    .map(|(v, _)| v);

    let proxy_host = resolve_key(code.proxy_host.map(|h| h.0), layers, &PROXY_HOST, parse_string)?;
    let proxy_port = resolve_key(code.proxy_port, layers, &PROXY_PORT, |s| {
        s.trim().parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| "expected a port number 1-65535".to_owned())
    })?
    .map(|(v, _)| v);
    let proxy_username = resolve_key(code.proxy_username, layers, &PROXY_USERNAME, parse_string)?.map(|(v, _)| v);
    let proxy_password =
        resolve_key(code.proxy_password, layers, &PROXY_PASSWORD, |s| Ok(SecretString::new(s)))?.map(|(v, _)| v);
    let proxy = match proxy_host {
        Some((host, host_src)) => {
            // Credentials written into the host (`http://user:pass@proxy`) are moved to username/password
            // (explicit keys win), so the host never carries them into `Debug` output or error messages.
            let (host, url_user, url_password) = split_proxy_userinfo(&host).map_err(|e| {
                invalid(
                    &PROXY_HOST,
                    Some(&redact_userinfo(&host)),
                    host_src.clone(),
                    &format!("not a valid proxy: {e}"),
                )
            })?;
            let p = ProxyConfig {
                host,
                port: proxy_port,
                username: proxy_username.or(url_user),
                password: proxy_password.or(url_password),
            };
            if let Err(e) = p.url() {
                return Err(invalid(&PROXY_HOST, Some(&p.host), host_src, &format!("not a valid proxy: {e}")));
            }
            Some(p)
        }
        None if proxy_port.is_some() || proxy_username.is_some() || proxy_password.is_some() => {
            return Err(missing(&PROXY_HOST, Some("required because other okta.client.proxy keys are set".to_owned())));
        }
        None => None,
    };

    Ok(Config {
        org_url,
        auth,
        connection_timeout,
        request_timeout,
        max_retries,
        proxy,
        disable_https_check,
        user_agent_suffix: code.user_agent_suffix,
        dpop: code.dpop.unwrap_or(false),
        token_refresh_margin: code.token_refresh_margin.unwrap_or(DEFAULT_TOKEN_REFRESH_MARGIN),
    })
}

fn validate_org_url(raw: &str, allow_http: bool) -> Result<Url, String> {
    let mut url = Url::parse(raw.trim()).map_err(|e| format!("not a valid URL: {e}"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => {
            return Err(format!(
                "must use https:// (http:// is allowed only when {} is true, for testing)",
                DISABLE_HTTPS_CHECK.name
            ));
        }
        other => return Err(format!("unsupported scheme {other:?}, expected https://")),
    }
    let Some(host) = url.host_str() else {
        return Err("has no host".to_owned());
    };
    if host.contains("-admin.") {
        return Err("looks like an admin console URL; use the org URL without `-admin`".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not contain a query or fragment".to_owned());
    }
    let path = format!("{}/", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Ok(url)
}

/// Loads a key from inline PEM/JWK or from a file path (`~/` expanded).
fn load_key(text: &str) -> Result<PrivateKey, String> {
    if PrivateKey::looks_inline(text) {
        return PrivateKey::parse(text).map_err(|e| e.to_string());
    }
    let trimmed = text.trim();
    let path = match trimmed.strip_prefix("~/") {
        Some(rest) => {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(rest)).unwrap_or_else(|| PathBuf::from(trimmed))
        }
        None => PathBuf::from(trimmed),
    };
    // The path is not echoed: if the value was mangled key material, it is a secret.
    let contents = std::fs::read_to_string(&path)
        .map(Zeroizing::new)
        .map_err(|e| format!("not inline PEM/JWK and cannot be read as a key file ({})", e.kind()))?;
    PrivateKey::parse(&contents).map_err(|e| format!("key file: {e}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn org_url_normalization() {
        let u = validate_org_url("https://x.okta.com", false).unwrap();
        assert_eq!(u.as_str(), "https://x.okta.com/");
        let u = validate_org_url("https://x.okta.com///", false).unwrap();
        assert_eq!(u.as_str(), "https://x.okta.com/");
        assert!(validate_org_url("http://x.okta.com", false).is_err());
        assert!(validate_org_url("http://x.okta.com", true).is_ok());
        assert!(validate_org_url("https://u:p@x.okta.com", false).unwrap_err().contains("credentials"));
        assert!(validate_org_url("https://x-admin.okta.com", false).is_err());
        assert!(validate_org_url("ftp://x", true).is_err());
    }

    #[test]
    fn scopes_split() {
        assert_eq!(split_scopes("a b,c ,, d"), vec!["a", "b", "c", "d"]);
    }
}
