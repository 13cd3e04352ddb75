//! The configuration keys: their names in okta.yaml, their environment variables, and which are secret.

/// Definition of one configuration key.
#[derive(Clone, Copy)]
pub(super) struct Key {
    pub(super) name: &'static str,
    pub(super) env: &'static str,
    pub(super) path: &'static [&'static str],
    pub(super) secret: bool,
    pub(super) list: bool,
}

pub(super) const fn key(name: &'static str, env: &'static str, path: &'static [&'static str]) -> Key {
    Key { name, env, path, secret: false, list: false }
}

pub(super) const ORG_URL: Key = key("okta.client.orgUrl", "OKTA_CLIENT_ORGURL", &["okta", "client", "orgUrl"]);
pub(super) const TOKEN: Key =
    Key { secret: true, ..key("okta.client.token", "OKTA_CLIENT_TOKEN", &["okta", "client", "token"]) };
pub(super) const MODE: Key =
    key("okta.client.authorizationMode", "OKTA_CLIENT_AUTHORIZATIONMODE", &["okta", "client", "authorizationMode"]);
pub(super) const CLIENT_ID: Key = key("okta.client.clientId", "OKTA_CLIENT_CLIENTID", &["okta", "client", "clientId"]);
pub(super) const SCOPES: Key =
    Key { list: true, ..key("okta.client.scopes", "OKTA_CLIENT_SCOPES", &["okta", "client", "scopes"]) };
pub(super) const PRIVATE_KEY: Key =
    Key { secret: true, ..key("okta.client.privateKey", "OKTA_CLIENT_PRIVATEKEY", &["okta", "client", "privateKey"]) };
pub(super) const KID: Key = key("okta.client.kid", "OKTA_CLIENT_KID", &["okta", "client", "kid"]);
pub(super) const CONNECTION_TIMEOUT: Key =
    key("okta.client.connectionTimeout", "OKTA_CLIENT_CONNECTIONTIMEOUT", &["okta", "client", "connectionTimeout"]);
pub(super) const REQUEST_TIMEOUT: Key =
    key("okta.client.requestTimeout", "OKTA_CLIENT_REQUESTTIMEOUT", &["okta", "client", "requestTimeout"]);
pub(super) const MAX_RETRIES: Key = key(
    "okta.client.rateLimit.maxRetries",
    "OKTA_CLIENT_RATELIMIT_MAXRETRIES",
    &["okta", "client", "rateLimit", "maxRetries"],
);
pub(super) const MAX_CONCURRENCY: Key = key(
    "okta.client.rateLimit.maxConcurrency",
    "OKTA_CLIENT_RATELIMIT_MAXCONCURRENCY",
    &["okta", "client", "rateLimit", "maxConcurrency"],
);
pub(super) const MAX_CAPACITY: Key = key(
    "okta.client.rateLimit.maxCapacity",
    "OKTA_CLIENT_RATELIMIT_MAXCAPACITY",
    &["okta", "client", "rateLimit", "maxCapacity"],
);
pub(super) const PROXY_HOST: Key =
    key("okta.client.proxy.host", "OKTA_CLIENT_PROXY_HOST", &["okta", "client", "proxy", "host"]);
pub(super) const PROXY_PORT: Key =
    key("okta.client.proxy.port", "OKTA_CLIENT_PROXY_PORT", &["okta", "client", "proxy", "port"]);
pub(super) const PROXY_USERNAME: Key =
    key("okta.client.proxy.username", "OKTA_CLIENT_PROXY_USERNAME", &["okta", "client", "proxy", "username"]);
pub(super) const PROXY_PASSWORD: Key = Key {
    secret: true,
    ..key("okta.client.proxy.password", "OKTA_CLIENT_PROXY_PASSWORD", &["okta", "client", "proxy", "password"])
};
pub(super) const STRICT_DECODING: Key =
    key("okta.client.strictDecoding", "OKTA_CLIENT_STRICTDECODING", &["okta", "client", "strictDecoding"]);
pub(super) const DISABLE_HTTPS_CHECK: Key =
    key("okta.testing.disableHttpsCheck", "OKTA_TESTING_DISABLEHTTPSCHECK", &["okta", "testing", "disableHttpsCheck"]);

pub(super) const ALL_KEYS: &[Key] = &[
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
    MAX_CONCURRENCY,
    MAX_CAPACITY,
    PROXY_HOST,
    PROXY_PORT,
    PROXY_USERNAME,
    PROXY_PASSWORD,
    STRICT_DECODING,
    DISABLE_HTTPS_CHECK,
];
