//! Precedence: merges code, environment and YAML sources key by key (the first source that sets a key wins),
//! then validates the winning values into a [`Config`].

use super::*;

/// Where environment variables come from.
#[derive(Debug, Clone)]
pub(super) enum EnvSource {
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
    pub(super) code: ConfigBuilder,
    pub(super) env: EnvSource,
    pub(super) local_file: Option<PathBuf>,
    pub(super) home_file: Option<PathBuf>,
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

pub(super) fn invalid(k: &Key, value: Option<&str>, origin: ConfigSource, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        key: k.name,
        // Secret values never reach an error message.
        value: if k.secret { None } else { value.map(|v| v.trim().to_owned()) },
        origin,
        reason: reason.to_owned(),
    }
}

/// Resolves one key: the code value if set, else the winning raw value parsed by `parse`.
pub(super) fn resolve_key<T>(
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

pub(super) fn missing(k: &Key, reason: Option<String>) -> ConfigError {
    ConfigError::Missing { key: k.name, env: k.env, reason }
}

pub(super) fn resolve(code: ConfigBuilder, layers: &Layers) -> Result<Config, ConfigError> {
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

    let (token, token_src) = resolve_key(code.token, layers, &TOKEN, |s| Ok(SecretString::new(s.trim())))?.unzip();

    let auth = match mode {
        AuthorizationMode::Ssws => {
            let token = token.ok_or_else(|| missing(&TOKEN, because()))?;
            if let (Some(reason), Some(src)) = (ssws_token_problem(token.expose_secret()), token_src) {
                return Err(invalid(&TOKEN, None, src, &reason));
            }
            AuthConfig::Ssws { token }
        }
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
    let max_concurrency = resolve_key(code.max_concurrency, layers, &MAX_CONCURRENCY, |s| {
        s.trim().parse::<u32>().map_err(|_| "expected a non-negative whole number (0: no cap)".to_owned())
    })?
    .map(|(v, _)| v);
    let max_capacity_percent = match resolve_key(code.max_capacity_percent, layers, &MAX_CAPACITY, |s| {
        s.trim()
            .trim_end_matches('%')
            .trim()
            .parse::<u8>()
            .map_err(|_| "expected a percentage from 1 to 100".to_owned())
    })? {
        Some((v, src)) if !(1..=100).contains(&v) => {
            return Err(invalid(&MAX_CAPACITY, Some(&v.to_string()), src, "expected a percentage from 1 to 100"));
        }
        other => other.map(|(v, _)| v),
    };

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

    let strict_decoding =
        resolve_key(code.strict_decoding, layers, &STRICT_DECODING, parse_bool)?.map(|(v, _)| v).unwrap_or(false);

    Ok(Config {
        org_url,
        auth,
        connection_timeout,
        request_timeout,
        max_retries,
        max_concurrency,
        max_capacity_percent,
        proxy,
        disable_https_check,
        strict_decoding,
        user_agent_suffix: code.user_agent_suffix,
        dpop: code.dpop.unwrap_or(false),
        token_refresh_margin: code.token_refresh_margin.unwrap_or(DEFAULT_TOKEN_REFRESH_MARGIN),
    })
}
