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
//!     strictDecoding: false            # true: a value that does not fit the spec's type fails the response
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

use crate::credentials::{PrivateKey, TokenSupplier};
use crate::secret::SecretString;

mod builder;
mod error;
mod keys;
mod loader;
mod proxy;
mod sources;
mod validation;

pub use builder::ConfigBuilder;
#[allow(unused_imports)]
use builder::*;
pub use error::ConfigError;
#[allow(unused_imports)]
use error::*;
use keys::*;
pub use loader::ConfigLoader;
use loader::*;
pub use proxy::ProxyConfig;
use proxy::*;
use sources::*;
use validation::*;

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
    max_concurrency: Option<u32>,
    max_capacity_percent: Option<u8>,
    proxy: Option<ProxyConfig>,
    disable_https_check: bool,
    strict_decoding: bool,
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

    /// `rateLimit.maxConcurrency`; `None` (or 0) means no cap.
    pub fn max_concurrency(&self) -> Option<u32> {
        self.max_concurrency
    }

    /// `rateLimit.maxCapacity` in percent; `None` means 100.
    pub fn max_capacity_percent(&self) -> Option<u8> {
        self.max_capacity_percent
    }

    /// The rate-limit policy these settings describe (pacing on, the capacity share and the concurrency cap).
    pub fn rate_limit_policy(&self) -> crate::rate_limit::RateLimitPolicy {
        let mut policy = crate::rate_limit::RateLimitPolicy::default();
        if let Some(max) = self.max_concurrency {
            policy = policy.with_max_concurrency(usize::try_from(max).unwrap_or(usize::MAX));
        }
        if let Some(percent) = self.max_capacity_percent {
            policy = policy.with_max_capacity_percent(percent);
        }
        policy
    }

    /// Proxy settings, if a proxy host is configured.
    pub fn proxy(&self) -> Option<&ProxyConfig> {
        self.proxy.as_ref()
    }

    /// Whether `http://` org URLs are allowed (`okta.testing.disableHttpsCheck`).
    pub fn disable_https_check(&self) -> bool {
        self.disable_https_check
    }

    /// Whether a response value that does not fit the spec's type fails the response (`okta.client.strictDecoding`);
    /// by default it is kept in the model's `extra` map and logged as a warning.
    pub fn strict_decoding(&self) -> bool {
        self.strict_decoding
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
