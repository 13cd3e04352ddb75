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

/// The setters of [`ConfigBuilder`], each written once, with its doc. `config_builder_setters!(define)` defines
/// them on `ConfigBuilder`, setting its fields; `config_builder_setters!(forward field)` defines them on a builder
/// that holds a `ConfigBuilder` in `field` (okta-management's `ClientBuilder`), each passing its call on. So every
/// setter is a plain method of both, chained by value. Not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! config_builder_setters {
    ($($mode:tt)+) => {
        $crate::__config_builder_setters! { [$($mode)+];
            /// `okta.client.orgUrl`: the org's URL, e.g. `https://dev-123.okta.com` (`https://` required unless
            /// [`disable_https_check`](Self::disable_https_check)).
            fn org_url(url: impl Into<String>) |b| b.org_url = Some(url.into());
            /// `okta.client.token`: the SSWS API token (SSWS, the default mode), or the Bearer access token.
            fn token(token: impl Into<$crate::secret::SecretString>) |b| b.token = Some(token.into());
            /// `okta.client.authorizationMode`: `SSWS` (the default), `PrivateKey` (OAuth 2.0 `private_key_jwt`) or
            /// `Bearer`.
            fn authorization_mode(mode: $crate::config::AuthorizationMode) |b| b.authorization_mode = Some(mode);
            /// `okta.client.clientId`: the OAuth 2.0 client id (PrivateKey mode).
            fn client_id(client_id: impl Into<String>) |b| b.client_id = Some(client_id.into());
            /// `okta.client.scopes`: the OAuth 2.0 scopes (PrivateKey mode), e.g. `["okta.users.read"]`.
            fn scopes<I, S>(scopes: I) where [I: IntoIterator<Item = S>, S: Into<String>]
                |b| b.scopes = Some(scopes.into_iter().map(Into::into).collect());
            /// `okta.client.privateKey` (PrivateKey mode): PEM text (PKCS#1, PKCS#8 or SEC1), JWK JSON, or a path to
            /// a file holding either.
            fn private_key(key: impl Into<$crate::secret::SecretString>)
                |b| b.private_key = Some(PrivateKeyInput::Text(key.into()));
            /// An already parsed private key (alternative to [`private_key`](Self::private_key)).
            fn signing_key(key: $crate::credentials::PrivateKey) |b| b.private_key = Some(PrivateKeyInput::Parsed(key));
            /// `okta.client.kid`: the key id put in the client assertion's header.
            fn kid(kid: impl Into<String>) |b| b.kid = Some(kid.into());
            /// `okta.client.connectionTimeout`: the TCP connect timeout; zero means no timeout.
            fn connection_timeout(timeout: ::std::time::Duration) |b| b.connection_timeout = Some(timeout);
            /// `okta.client.requestTimeout`: the timeout of each request attempt; zero means no timeout.
            fn request_timeout(timeout: ::std::time::Duration) |b| b.request_timeout = Some(timeout);
            /// `okta.client.rateLimit.maxRetries`: the most retries of a failed request (a `5xx`, a timeout, a cut-off
            /// body, a `429` without a reset; default 2). `429`s with a reset are retried while the call's time budget
            /// lasts.
            fn max_retries(retries: u32) |b| b.max_retries = Some(retries);
            /// `okta.client.rateLimit.maxConcurrency`: the most requests in flight of the client and its clones (0:
            /// no cap, the default); further requests wait for one to end. Okta's org-wide concurrency limit (75 by
            /// default) is shared by every integration.
            fn max_concurrency(max: usize) |b| b.max_concurrency = Some(u32::try_from(max).unwrap_or(u32::MAX));
            /// `okta.client.rateLimit.maxCapacity`: the share of each rate-limit bucket to use, in percent (1-100,
            /// default 100): requests are paced to leave the rest to other integrations.
            fn max_capacity_percent(percent: u8) |b| b.max_capacity_percent = Some(percent);
            /// `okta.client.proxy.host`.
            fn proxy_host(host: impl Into<String>) |b| b.proxy_host = Some(ProxyHost(host.into()));
            /// `okta.client.proxy.port`.
            fn proxy_port(port: u16) |b| b.proxy_port = Some(port);
            /// `okta.client.proxy.username`.
            fn proxy_username(username: impl Into<String>) |b| b.proxy_username = Some(username.into());
            /// `okta.client.proxy.password`.
            fn proxy_password(password: impl Into<$crate::secret::SecretString>)
                |b| b.proxy_password = Some(password.into());
            /// `okta.testing.disableHttpsCheck`: allow an `http://` org URL. For tests against a local server (e.g.
            /// the mock org) only.
            fn disable_https_check(disable: bool) |b| b.disable_https_check = Some(disable);
            /// `okta.client.strictDecoding`: fail a response on a value that does not fit the spec's type (an error
            /// naming its JSON path), instead of keeping it in the model's `extra` map with a warning (the default).
            fn strict_decoding(strict: bool) |b| b.strict_decoding = Some(strict);
            /// Text appended to the `User-Agent` header (code only).
            fn user_agent_suffix(suffix: impl Into<String>) |b| b.user_agent_suffix = Some(suffix.into());
            /// Uses DPoP-bound access tokens (RFC 9449) from the start in PrivateKey mode (code only). Without it,
            /// DPoP is still switched on when the token endpoint demands it.
            fn dpop(enabled: bool) |b| b.dpop = Some(enabled);
            /// How long before expiry an OAuth access token is refreshed (code only; default
            /// [`DEFAULT_TOKEN_REFRESH_MARGIN`](crate::config::DEFAULT_TOKEN_REFRESH_MARGIN)). Capped at half the
            /// token's lifetime.
            fn token_refresh_margin(margin: ::std::time::Duration) |b| b.token_refresh_margin = Some(margin);
            /// A hook called for every request in Bearer mode to supply the access token (code only). Takes
            /// precedence over a fixed [`token`](Self::token).
            fn token_supplier(supplier: $crate::credentials::TokenSupplier) |b| b.token_supplier = Some(supplier);
        }
    };
}

/// Expands [`config_builder_setters!`]'s list in one of its two modes. Not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! __config_builder_setters {
    ($mode:tt; $(
        $(#[$doc:meta])*
        fn $name:ident $(<$($generic:ident),+>)? ($($arg:ident: $ty:ty),+) $(where [$($bound:tt)+])?
            |$builder:ident| $set:expr;
    )+) => {
        $(
            $(#[$doc])*
            pub fn $name $(<$($generic),+>)? (mut self, $($arg: $ty),+) -> Self $(where $($bound)+)? {
                $crate::__config_builder_setters!(@set $mode self $name($($arg),+) |$builder| $set);
                self
            }
        )+
    };
    // The setter's own work on a `ConfigBuilder`.
    (@set [define] $self:ident $name:ident($($arg:ident),+) |$builder:ident| $set:expr) => {{
        let $builder = &mut $self;
        $set;
    }};
    // A call of the `ConfigBuilder`'s setter on the builder's field.
    (@set [forward $field:ident] $self:ident $name:ident($($arg:ident),+) |$builder:ident| $set:expr) => {
        $self.$field = $self.$field.$name($($arg),+)
    };
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

    crate::config_builder_setters!(define);

    /// Validates this builder alone (no environment, no files).
    pub fn build(self) -> Result<Config, ConfigError> {
        ConfigLoader::empty().code(self).load()
    }
}
