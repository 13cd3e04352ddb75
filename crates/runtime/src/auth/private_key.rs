//! PrivateKey mode: OAuth 2.0 client credentials with a `private_key_jwt` client
//! assertion, a cached access token refreshed before expiry (single-flight), optional
//! DPoP binding, and the "401 -> refresh once -> resend once" rule.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use url::Url;
use zeroize::Zeroizing;

use super::dpop::DpopState;
use super::{AuthError, PrivateKey, random_jti, sensitive_header, www_authenticate_error};
use crate::secret::SecretString;
use crate::sync::lock;
use crate::time::now_secs;

/// Lifetime of a client assertion (Okta accepts at most one hour).
const ASSERTION_LIFETIME_SECS: u64 = 300;
/// Assumed token lifetime when the token endpoint omits `expires_in`.
const DEFAULT_EXPIRES_IN: u64 = 300;
/// Bounded length of `error_description` kept in errors.
const MAX_DESCRIPTION: usize = 512;

/// A cached access token.
pub(crate) struct CachedToken {
    pub(crate) token: SecretString,
    pub(crate) dpop: bool,
    refresh_at: Instant,
    expires_at: Instant,
    generation: u64,
}

pub(crate) struct OAuthAuth {
    client_id: String,
    scope: String,
    key: PrivateKey,
    kid: Option<String>,
    token_url: Url,
    http: reqwest::Client,
    margin: Duration,
    cache: Mutex<Option<Arc<CachedToken>>>,
    /// Serializes token fetches (single-flight); holders re-check the cache first.
    refresh: tokio::sync::Mutex<()>,
    generation: AtomicU64,
    pub(crate) dpop: DpopState,
}

#[derive(Serialize)]
struct AssertionClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
    jti: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    token_type: Option<String>,
    expires_in: Option<u64>,
}

#[derive(Deserialize, Default)]
struct OAuthErrorBody {
    error: Option<String>,
    error_description: Option<String>,
}

pub(crate) struct OAuthParams {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) key: PrivateKey,
    pub(crate) kid: Option<String>,
    pub(crate) token_url: Url,
    pub(crate) http: reqwest::Client,
    pub(crate) margin: Duration,
    pub(crate) dpop: bool,
}

impl OAuthAuth {
    pub(crate) fn new(p: OAuthParams) -> Result<Self, AuthError> {
        Ok(Self {
            client_id: p.client_id,
            scope: p.scopes.join(" "),
            key: p.key,
            kid: p.kid,
            token_url: p.token_url,
            http: p.http,
            margin: p.margin,
            cache: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            dpop: DpopState::new(p.dpop)?,
        })
    }

    fn current(&self) -> Option<Arc<CachedToken>> {
        lock(&self.cache).clone()
    }

    /// Drops the cached token if it is still generation `generation`.
    fn invalidate(&self, generation: u64) {
        let mut guard = lock(&self.cache);
        if guard.as_ref().map(|t| t.generation) == Some(generation) {
            *guard = None;
        }
    }

    /// A usable token. `rejected` is the generation a server just refused (401), which
    /// must not be returned again.
    pub(crate) async fn token(&self, rejected: Option<u64>) -> Result<Arc<CachedToken>, AuthError> {
        let seen = self.current();
        if let Some(t) = &seen {
            if Some(t.generation) != rejected && Instant::now() < t.refresh_at {
                return Ok(Arc::clone(t));
            }
        }
        let seen_generation = seen.map(|t| t.generation);
        let _flight = self.refresh.lock().await;
        if let Some(t) = self.current() {
            let now = Instant::now();
            let usable = Some(t.generation) != rejected
                && (now < t.refresh_at
                    // Fetched by another task while we waited: use it even if it is
                    // already inside the refresh margin, as long as it has not expired.
                    || (Some(t.generation) != seen_generation && now < t.expires_at));
            if usable {
                return Ok(t);
            }
        }
        let t = Arc::new(self.fetch().await?);
        *lock(&self.cache) = Some(Arc::clone(&t));
        Ok(t)
    }

    fn assertion(&self) -> Result<Zeroizing<String>, AuthError> {
        let iat = now_secs();
        let aud = self.token_url.as_str();
        let claims = AssertionClaims {
            iss: &self.client_id,
            sub: &self.client_id,
            aud,
            iat,
            exp: iat + ASSERTION_LIFETIME_SECS,
            jti: random_jti()?,
        };
        Ok(Zeroizing::new(self.key.sign_jwt(self.kid.as_deref(), &claims)?))
    }

    /// One token acquisition: at most three POSTs (plain -> `invalid_dpop_proof` ->
    /// with proof -> `use_dpop_nonce` -> with nonce), each transition taken once.
    async fn fetch(&self) -> Result<CachedToken, AuthError> {
        let mut use_dpop = self.dpop.enabled();
        let mut nonce_retried = false;
        let mut proof_retried = false;
        loop {
            tracing::debug!(token_url = %self.token_url, dpop = use_dpop, "requesting OAuth access token");
            let assertion = self.assertion()?;
            let form = Zeroizing::new(
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("grant_type", "client_credentials")
                    .append_pair("scope", &self.scope)
                    .append_pair("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                    .append_pair("client_assertion", &assertion)
                    .finish(),
            );
            let mut req = self
                .http
                .post(self.token_url.clone())
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(ACCEPT, "application/json")
                .body(form.as_bytes().to_vec());
            if use_dpop {
                let nonce = self.dpop.token_nonce();
                let proof = self.dpop.proof("POST", &self.token_url, nonce.as_deref(), None)?;
                req = req.header("DPoP", proof);
            }
            let resp = req.send().await?;
            let got_nonce = self.dpop.observe_token_nonce(resp.headers());
            let status = resp.status();
            let body = Zeroizing::new(Vec::from(resp.bytes().await?));
            if status.is_success() {
                return self.parse_token(&body);
            }
            let err: OAuthErrorBody = serde_json::from_slice(&body).unwrap_or_default();
            if status == StatusCode::BAD_REQUEST {
                match err.error.as_deref() {
                    Some("use_dpop_nonce") if got_nonce && !nonce_retried => {
                        tracing::debug!("token endpoint asked for a DPoP nonce; retrying once");
                        self.dpop.enable();
                        use_dpop = true;
                        nonce_retried = true;
                        continue;
                    }
                    Some("invalid_dpop_proof") if !use_dpop && !proof_retried => {
                        tracing::debug!("token endpoint requires DPoP; retrying with a proof");
                        self.dpop.enable();
                        use_dpop = true;
                        proof_retried = true;
                        continue;
                    }
                    _ => {}
                }
            }
            tracing::debug!(status = status.as_u16(), error = ?err.error, "token request failed");
            return Err(AuthError::TokenEndpoint {
                status,
                error: err.error,
                error_description: err.error_description.map(|mut d| {
                    if d.len() > MAX_DESCRIPTION {
                        let cut = (0..=MAX_DESCRIPTION).rev().find(|i| d.is_char_boundary(*i)).unwrap_or(0);
                        d.truncate(cut);
                    }
                    d
                }),
            });
        }
    }

    fn parse_token(&self, body: &[u8]) -> Result<CachedToken, AuthError> {
        let resp: TokenResponse = serde_json::from_slice(body).map_err(|e| {
            // Position only: the message could quote the token.
            AuthError::TokenResponse(format!("{:?} error at line {} column {}", e.classify(), e.line(), e.column()))
        })?;
        let dpop = match resp.token_type.as_deref() {
            Some(t) if t.eq_ignore_ascii_case("dpop") => true,
            Some(t) if t.eq_ignore_ascii_case("bearer") => false,
            None => false,
            Some(other) => return Err(AuthError::TokenResponse(format!("unsupported token_type {other:?}"))),
        };
        if resp.access_token.is_empty() {
            return Err(AuthError::TokenResponse("empty access_token".into()));
        }
        let expires_in = resp.expires_in.unwrap_or(DEFAULT_EXPIRES_IN);
        let now = Instant::now();
        let lifetime = Duration::from_secs(expires_in);
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        tracing::debug!(
            expires_in,
            token_type = if dpop { "DPoP" } else { "Bearer" },
            generation,
            "OAuth access token refreshed"
        );
        Ok(CachedToken {
            token: resp.access_token,
            dpop,
            // Refresh once less than `margin` remains (immediately if the lifetime is
            // shorter than the margin).
            refresh_at: now + lifetime.saturating_sub(self.margin),
            expires_at: now + lifetime,
            generation,
        })
    }

    /// Sets `Authorization` (and `DPoP`) on a resource request.
    fn authorize(&self, req: &mut reqwest::Request, tok: &CachedToken) -> Result<(), AuthError> {
        if tok.dpop {
            let nonce = self.dpop.resource_nonce();
            let proof = self.dpop.proof(req.method().as_str(), req.url(), nonce.as_deref(), Some(&tok.token))?;
            let mut v = HeaderValue::from_str(&proof).map_err(|_| AuthError::InvalidHeaderValue)?;
            v.set_sensitive(true);
            req.headers_mut().insert("DPoP", v);
            req.headers_mut().insert(AUTHORIZATION, sensitive_header("DPoP", &tok.token)?);
        } else {
            req.headers_mut().insert(AUTHORIZATION, sensitive_header("Bearer", &tok.token)?);
        }
        Ok(())
    }

    pub(crate) async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> Result<reqwest::Response, AuthError> {
        // Unauthorized copy kept for resends; `None` for streaming bodies.
        let template = request.try_clone();
        let mut req = request;
        let mut rejected = None;
        let mut refreshed = false;
        let mut nonce_retried = false;
        loop {
            let tok = self.token(rejected).await?;
            self.authorize(&mut req, &tok)?;
            let resp = http.execute(req).await?;
            let got_nonce = tok.dpop && self.dpop.observe_resource_nonce(resp.headers());
            if resp.status() != StatusCode::UNAUTHORIZED {
                return Ok(resp);
            }
            let challenge = www_authenticate_error(resp.headers());
            if tok.dpop && got_nonce && !nonce_retried && challenge.as_deref() == Some("use_dpop_nonce") {
                nonce_retried = true;
                tracing::debug!("resource server asked for a DPoP nonce; resending once");
            } else if !refreshed {
                refreshed = true;
                rejected = Some(tok.generation);
                self.invalidate(tok.generation);
                tracing::debug!(challenge = ?challenge, "401 with a cached access token; refreshing and resending once");
            } else {
                return Ok(resp);
            }
            match template.as_ref().and_then(reqwest::Request::try_clone) {
                Some(next) => req = next,
                None => return Ok(resp),
            }
        }
    }
}
