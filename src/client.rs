//! `okta_management::Client`: the hand-written client around the generated one.

use crate::auth::Authenticator;
use crate::config::{AuthorizationMode, Config, ConfigBuilder, ConfigLoader};
use crate::error::Error;
use crate::rate_limit::RateLimitPolicy;
use crate::retry::RetryPolicy;
use crate::transport::Runtime;
use std::sync::Arc;

/// A client for one Okta org. Every operation of the spec is a method that returns its request builder:
/// `client.list_users().limit(200).send().await?`. Cheap to clone (`Send + Sync`); clones share the connection
/// pool, the token cache and the retry policy.
#[derive(Clone, Debug)]
pub struct Client {
    /// progenitor's client: base URL, `reqwest` client and the runtime (auth, retry); private to the crate.
    pub(crate) api: crate::generated::Client,
}

impl Client {
    /// Starts a client configured in code only (no environment, no `okta.yaml`), unless
    /// [`ClientBuilder::with_environment`] is called.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured the way Okta's SDKs are: `OKTA_CLIENT_*` environment variables over `./okta.yaml` over
    /// `~/.okta/okta.yaml`.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().with_environment().build()
    }

    /// A client from an already loaded configuration.
    pub fn from_config(config: Config) -> Result<Self, Error> {
        build_client(&config, None, None, None, None)
    }

    /// The org's base URL, e.g. `https://example.okta.com`.
    pub fn org_url(&self) -> &str {
        progenitor_client::ClientInfo::baseurl(&self.api)
    }

    /// The authorization mode in use.
    pub fn authorization_mode(&self) -> AuthorizationMode {
        progenitor_client::ClientInfo::inner(&self.api).auth.mode()
    }
}

/// Builder of a [`Client`]. Code settings win over the environment and `okta.yaml` when those are enabled.
///
/// Every setter of [`ConfigBuilder`] is a method of this builder too, with the same name and arguments.
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    config: ConfigBuilder,
    environment: Option<ConfigLoader>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    rate_limit: Option<RateLimitPolicy>,
    rate_limit_store: Option<Arc<dyn crate::rate_limit::RateLimitStore>>,
}

impl ClientBuilder {
    /// Also reads `OKTA_CLIENT_*` variables, `./okta.yaml` and `~/.okta/okta.yaml` (below code settings).
    pub fn with_environment(mut self) -> Self {
        self.environment = Some(ConfigLoader::new());
        self
    }

    /// Reads configuration from this loader (its environment and files) below the code settings.
    pub fn with_loader(mut self, loader: ConfigLoader) -> Self {
        self.environment = Some(loader);
        self
    }

    // Every setter of `ConfigBuilder`, passing its value on to `self.config` (the list, with the docs, is the
    // runtime's `config_builder_setters!`).
    okta_management_runtime::config_builder_setters!(forward config);

    /// The whole retry policy (limits, backoff); `max_retries` and `request_timeout` from the configuration are
    /// applied on top of it.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The whole rate-limit policy (pacing, capacity share, concurrency cap); replaces what the configuration
    /// says of those.
    pub fn rate_limit_policy(mut self, policy: RateLimitPolicy) -> Self {
        self.rate_limit = Some(policy);
        self
    }

    /// Shares this client's rate-limit budget (each bucket, and the cap on requests in flight) with every client
    /// using `store`: [`RedisRateLimitStore`](crate::rate_limit) (feature `redis`) for several processes,
    /// [`InMemoryRateLimitStore`](crate::rate_limit::InMemoryRateLimitStore) for several clients of one process.
    /// When the store does not answer, the client paces on its own and logs a warning.
    pub fn rate_limit_store(mut self, store: Arc<dyn crate::rate_limit::RateLimitStore>) -> Self {
        self.rate_limit_store = Some(store);
        self
    }

    /// Uses this `reqwest::Client` (proxies, TLS roots, ...); timeouts and proxy settings of the configuration
    /// are then the caller's to set on it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let config = match self.environment {
            Some(loader) => loader.code(self.config).load()?,
            None => self.config.build()?,
        };
        build_client(&config, self.http, self.retry, self.rate_limit, self.rate_limit_store)
    }
}

/// `okta-management-rust/<version> okta-spec/<spec version>+<sha256 prefix> rust/<rustc version> <os>/<arch>`,
/// then the caller's suffix.
pub fn user_agent(suffix: Option<&str>) -> String {
    let mut agent = format!(
        "okta-management-rust/{} okta-spec/{}+{} rust/{} {}/{}",
        env!("CARGO_PKG_VERSION"),
        crate::SPEC_VERSION,
        crate::SPEC_SHA256.get(..12).unwrap_or(crate::SPEC_SHA256),
        env!("OKTA_RUSTC_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    if let Some(suffix) = suffix.filter(|s| !s.is_empty()) {
        agent.push(' ');
        agent.push_str(suffix);
    }
    agent
}

fn build_client(
    config: &Config,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    rate_limit: Option<RateLimitPolicy>,
    rate_limit_store: Option<Arc<dyn crate::rate_limit::RateLimitStore>>,
) -> Result<Client, Error> {
    let http = match http {
        Some(http) => http,
        None => {
            let mut builder = reqwest::Client::builder().user_agent(user_agent(config.user_agent_suffix()));
            if let Some(timeout) = config.connection_timeout().filter(|t| !t.is_zero()) {
                builder = builder.connect_timeout(timeout);
            }
            if let Some(proxy) = config.proxy() {
                builder = builder.proxy(
                    proxy
                        .to_reqwest()
                        .map_err(|e| Error::InvalidRequest(format!("invalid proxy configuration: {e}")))?,
                );
            }
            builder.build().map_err(Error::Transport)?
        }
    };
    let mut retry = retry.unwrap_or_default();
    if let Some(max) = config.max_retries() {
        retry.max_retries = max;
    }
    if let Some(timeout) = config.request_timeout() {
        retry.request_timeout = (!timeout.is_zero()).then_some(timeout);
    }
    let auth = Authenticator::new(config, http.clone())?;
    let base = config.org_url().as_str().trim_end_matches('/').to_string();
    let decoding = crate::decode::Decoding::strict(config.strict_decoding());
    let rate_limit = rate_limit.unwrap_or_else(|| config.rate_limit_policy());
    let mut rate_limiter = crate::rate_limit::RateLimiter::new(rate_limit, retry.rate_limit_jitter);
    if let Some(store) = rate_limit_store {
        let org = &config.org_url()[url::Position::BeforeHost..url::Position::AfterPort];
        rate_limiter = rate_limiter.with_store(store, org);
    }
    let runtime = Arc::new(Runtime { auth, retry, rate_limiter, decoding });
    Ok(Client { api: crate::generated::Client::new_with_client(&base, http, runtime) })
}
