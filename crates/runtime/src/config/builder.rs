//! Configuration set in code, the highest-precedence source.

use super::*;

/// Private key given in code.
#[derive(Debug, Clone)]
pub(super) enum PrivateKeyInput {
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
    pub(super) org_url: Option<String>,
    pub(super) token: Option<SecretString>,
    pub(super) authorization_mode: Option<AuthorizationMode>,
    pub(super) client_id: Option<String>,
    pub(super) scopes: Option<Vec<String>>,
    pub(super) private_key: Option<PrivateKeyInput>,
    pub(super) kid: Option<String>,
    pub(super) connection_timeout: Option<Duration>,
    pub(super) request_timeout: Option<Duration>,
    pub(super) max_retries: Option<u32>,
    pub(super) max_concurrency: Option<u32>,
    pub(super) max_capacity_percent: Option<u8>,
    pub(super) proxy_host: Option<ProxyHost>,
    pub(super) proxy_port: Option<u16>,
    pub(super) proxy_username: Option<String>,
    pub(super) proxy_password: Option<SecretString>,
    pub(super) disable_https_check: Option<bool>,
    pub(super) strict_decoding: Option<bool>,
    pub(super) user_agent_suffix: Option<String>,
    pub(super) dpop: Option<bool>,
    pub(super) token_refresh_margin: Option<Duration>,
    pub(super) token_supplier: Option<TokenSupplier>,
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

    /// `okta.client.rateLimit.maxConcurrency`: the most requests in flight (0: no cap, the default).
    pub fn max_concurrency(mut self, max: usize) -> Self {
        self.max_concurrency = Some(u32::try_from(max).unwrap_or(u32::MAX));
        self
    }

    /// `okta.client.rateLimit.maxCapacity`: the share of each rate-limit bucket to use, in percent (1-100).
    pub fn max_capacity_percent(mut self, percent: u8) -> Self {
        self.max_capacity_percent = Some(percent);
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

    /// `okta.client.strictDecoding`: fail a response on a value that does not fit the spec's type, instead of
    /// keeping it in the model's `extra` map with a warning (the default).
    pub fn strict_decoding(mut self, strict: bool) -> Self {
        self.strict_decoding = Some(strict);
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
