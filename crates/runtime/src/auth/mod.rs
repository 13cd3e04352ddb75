//! Authentication: adds credentials to each request attempt and handles the
//! authentication-level resends (401 -> refresh token once -> resend once; DPoP nonce
//! challenge -> resend once with the nonce).
//!
//! Modes (see [`crate::config::AuthorizationMode`]):
//! - SSWS: `Authorization: SSWS <token>`.
//! - PrivateKey: OAuth 2.0 client credentials with a `private_key_jwt` assertion (RS256
//!   or ES256) against `<orgUrl>/oauth2/v1/token`; the access token is cached and
//!   refreshed [`crate::config::Config::token_refresh_margin`] before expiry, one fetch
//!   at a time (concurrent callers wait for the one in flight). DPoP (RFC 9449) when
//!   configured or when the token endpoint demands it.
//! - Bearer: a fixed access token or a per-request [`TokenSupplier`] hook.
//!
//! Secrets are held in [`SecretString`]/AWS-LC key objects; headers carrying them are
//! marked sensitive, and no `Debug`, error or `tracing` event contains them.

mod bearer;
mod dpop;
mod private_key;
mod ssws;

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode};
use zeroize::Zeroizing;

pub use crate::credentials::{BoxError, JwsAlgorithm, KeyError, PrivateKey, TokenSupplier};

use crate::config::{AuthConfig, AuthorizationMode, Config};
use crate::secret::SecretString;

/// Authentication failure. Never contains tokens, assertions or key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The OAuth token endpoint refused the request.
    #[error("token endpoint returned HTTP {status}{}{}", fmt_opt(": ", .error), fmt_opt(" - ", .error_description))]
    TokenEndpoint {
        /// HTTP status.
        status: StatusCode,
        /// OAuth `error` code, e.g. `invalid_client`.
        error: Option<String>,
        /// OAuth `error_description` (length-bounded).
        error_description: Option<String>,
    },
    /// The token endpoint answered 2xx with an unusable body.
    #[error("invalid token endpoint response: {0}")]
    TokenResponse(String),
    /// The private key (or DPoP key) could not be used.
    #[error("private key error: {0}")]
    Key(#[from] KeyError),
    /// Connection-level failure (token endpoint or resource call).
    #[error("transport error: {0}")]
    Transport(#[from] reqwest::Error),
    /// The caller's Bearer [`TokenSupplier`] failed.
    #[error("bearer token supplier failed: {0}")]
    TokenSupplier(#[source] BoxError),
    /// No Bearer token is available.
    #[error("no bearer token configured")]
    NoToken,
    /// A token contains characters not allowed in an HTTP header.
    #[error("token contains characters not allowed in an HTTP header")]
    InvalidHeaderValue,
}

fn fmt_opt(prefix: &str, v: &Option<String>) -> String {
    v.as_ref().map(|v| format!("{prefix}{v}")).unwrap_or_default()
}

enum Mode {
    Ssws(ssws::SswsAuth),
    Bearer(bearer::BearerAuth),
    OAuth(Box<private_key::OAuthAuth>),
}

/// Adds authentication to requests. `Send + Sync`; clones share state (token cache,
/// DPoP key and nonces).
#[derive(Clone)]
pub struct Authenticator {
    mode: Arc<Mode>,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Authenticator");
        d.field("mode", &self.mode());
        if let Mode::OAuth(o) = &*self.mode {
            d.field("dpop", &o.dpop);
        }
        d.field("credentials", &"[redacted]").finish()
    }
}

impl Authenticator {
    /// Builds the authenticator for `config`; `token_http` is used for token endpoint
    /// calls (it may be the same client as for resource calls).
    pub fn new(config: &Config, token_http: reqwest::Client) -> Result<Self, AuthError> {
        let mode = match config.auth() {
            AuthConfig::Ssws { token } => Mode::Ssws(ssws::SswsAuth::new(token.clone())),
            AuthConfig::Bearer { token, supplier } => {
                Mode::Bearer(bearer::BearerAuth::new(token.clone(), supplier.clone()))
            }
            AuthConfig::PrivateKey { client_id, scopes, key, kid } => {
                Mode::OAuth(Box::new(private_key::OAuthAuth::new(private_key::OAuthParams {
                    client_id: client_id.clone(),
                    scopes: scopes.clone(),
                    key: key.clone(),
                    kid: kid.clone(),
                    token_url: config.token_url(),
                    http: token_http,
                    margin: config.token_refresh_margin(),
                    dpop: config.dpop(),
                })?))
            }
        };
        Ok(Self { mode: Arc::new(mode) })
    }

    /// The authorization mode.
    pub fn mode(&self) -> AuthorizationMode {
        match &*self.mode {
            Mode::Ssws(_) => AuthorizationMode::Ssws,
            Mode::Bearer(_) => AuthorizationMode::Bearer,
            Mode::OAuth(_) => AuthorizationMode::PrivateKey,
        }
    }

    /// Whether DPoP is in use (PrivateKey mode; may switch on at the server's request).
    pub fn dpop_enabled(&self) -> bool {
        matches!(&*self.mode, Mode::OAuth(o) if o.dpop.enabled())
    }

    /// Sends one request attempt with authentication. In PrivateKey mode a 401 makes the
    /// cached token invalid, fetches a new one and resends once; a DPoP nonce challenge
    /// resends once with the nonce. A request whose body cannot be cloned is never
    /// resent: its 401 response is returned as is. Any non-transport HTTP response
    /// (including a final 401) is returned as `Ok`.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> Result<reqwest::Response, AuthError> {
        match &*self.mode {
            Mode::Ssws(s) => {
                request.headers_mut().insert(AUTHORIZATION, s.header()?);
                Ok(http.execute(request).await?)
            }
            Mode::Bearer(b) => {
                request.headers_mut().insert(AUTHORIZATION, b.header().await?);
                Ok(http.execute(request).await?)
            }
            Mode::OAuth(o) => o.execute(http, request).await,
        }
    }
}

/// `"<scheme> <token>"` as a header value marked sensitive (kept out of HPACK tables and
/// shown as `Sensitive` by `Debug`).
pub(crate) fn sensitive_header(scheme: &str, token: &SecretString) -> Result<HeaderValue, AuthError> {
    let text = Zeroizing::new(format!("{scheme} {}", token.expose_secret()));
    let mut v = HeaderValue::from_str(&text).map_err(|_| AuthError::InvalidHeaderValue)?;
    v.set_sensitive(true);
    Ok(v)
}

/// 128 random bits, base64url.
pub(crate) fn random_jti() -> Result<String, KeyError> {
    let mut b = [0u8; 16];
    aws_lc_rs::rand::fill(&mut b).map_err(|_| KeyError::Signing)?;
    Ok(crate::credentials::B64URL.encode(b))
}

/// The `error` parameter of the first `WWW-Authenticate` challenge that has one.
pub(crate) fn www_authenticate_error(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .find_map(|v| crate::www_authenticate::param(&String::from_utf8_lossy(v.as_bytes()), "error"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn header_is_sensitive() {
        let v = sensitive_header("SSWS", &SecretString::from("abc")).unwrap();
        assert!(v.is_sensitive());
        assert!(!format!("{v:?}").contains("abc"));
    }

    #[test]
    fn error_display_has_no_secret() {
        let e = AuthError::TokenEndpoint {
            status: StatusCode::UNAUTHORIZED,
            error: Some("invalid_client".into()),
            error_description: Some("bad assertion".into()),
        };
        assert_eq!(e.to_string(), "token endpoint returned HTTP 401 Unauthorized: invalid_client - bad assertion");
    }
}
