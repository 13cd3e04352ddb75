//! DPoP (RFC 9449): proof-of-possession JWTs signed with a per-`Authenticator` EC P-256 key,
//! and the server nonces (`DPoP-Nonce`) for the token endpoint and the resource server.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use base64::Engine as _;
use http::HeaderMap;
use serde::Serialize;
use url::Url;

use super::random_jti;
use crate::auth::KeyError;
use crate::credentials::{B64URL, JwsHeader, encode_jws, sign_es256};
use crate::secret::SecretString;
use crate::sync::lock;
use crate::time::now_secs;

/// Header carrying a server-chosen nonce.
pub(crate) const DPOP_NONCE: &str = "dpop-nonce";

pub(crate) struct DpopState {
    enabled: AtomicBool,
    // Lives inside AWS-LC, whose allocator cleanses memory on free.
    key: EcdsaKeyPair,
    jwk: serde_json::Value,
    token_nonce: Mutex<Option<String>>,
    resource_nonce: Mutex<Option<String>>,
}

impl std::fmt::Debug for DpopState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopState").field("enabled", &self.enabled()).field("key", &"[redacted]").finish()
    }
}

#[derive(Serialize)]
struct ProofClaims<'a> {
    jti: String,
    htm: &'a str,
    htu: &'a str,
    iat: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ath: Option<String>,
}

impl DpopState {
    pub(crate) fn new(enabled: bool) -> Result<Self, KeyError> {
        let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .map_err(|_| KeyError::Rejected("DPoP key generation failed"))?;
        // Uncompressed point: 0x04 || x (32) || y (32).
        let point = key.public_key().as_ref();
        let (Some(x), Some(y)) = (point.get(1..33), point.get(33..65)) else {
            return Err(KeyError::Rejected("unexpected DPoP public key encoding"));
        };
        let jwk = serde_json::json!({
            "kty": "EC",
            "crv": "P-256",
            "x": B64URL.encode(x),
            "y": B64URL.encode(y),
        });
        Ok(Self {
            enabled: AtomicBool::new(enabled),
            key,
            jwk,
            token_nonce: Mutex::new(None),
            resource_nonce: Mutex::new(None),
        })
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Acquire)
    }

    pub(crate) fn enable(&self) {
        if !self.enabled.swap(true, Ordering::AcqRel) {
            tracing::debug!("DPoP enabled at the token endpoint's request");
        }
    }

    pub(crate) fn token_nonce(&self) -> Option<String> {
        lock(&self.token_nonce).clone()
    }

    pub(crate) fn resource_nonce(&self) -> Option<String> {
        lock(&self.resource_nonce).clone()
    }

    /// Records a `DPoP-Nonce` from a token endpoint response; true if one was present.
    pub(crate) fn observe_token_nonce(&self, headers: &HeaderMap) -> bool {
        observe(&self.token_nonce, headers, "token endpoint")
    }

    /// Records a `DPoP-Nonce` from a resource server response; true if one was present.
    pub(crate) fn observe_resource_nonce(&self, headers: &HeaderMap) -> bool {
        observe(&self.resource_nonce, headers, "resource server")
    }

    /// A proof for `method url`; `access_token` adds the `ath` claim (resource calls).
    pub(crate) fn proof(
        &self,
        method: &str,
        url: &Url,
        nonce: Option<&str>,
        access_token: Option<&SecretString>,
    ) -> Result<String, KeyError> {
        let htu = htu(url);
        let header = JwsHeader { alg: "ES256", typ: Some("dpop+jwt"), kid: None, jwk: Some(&self.jwk) };
        let claims = ProofClaims {
            jti: random_jti()?,
            htm: method,
            htu: &htu,
            iat: now_secs(),
            nonce,
            ath: access_token.map(ath),
        };
        encode_jws(&header, &claims, |msg| sign_es256(&self.key, msg))
    }
}

/// `ath` = base64url(SHA-256(access token)).
pub(crate) fn ath(token: &SecretString) -> String {
    B64URL.encode(digest(&SHA256, token.expose_secret().as_bytes()))
}

/// The `htu` claim: the request URL without query and fragment.
pub(crate) fn htu(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.into()
}

fn observe(slot: &Mutex<Option<String>>, headers: &HeaderMap, who: &str) -> bool {
    let Some(nonce) = headers.get(DPOP_NONCE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut guard = lock(slot);
    if guard.as_deref() != Some(nonce) {
        tracing::debug!(server = who, "DPoP nonce rotated");
        *guard = Some(nonce.to_owned());
    }
    true
}
