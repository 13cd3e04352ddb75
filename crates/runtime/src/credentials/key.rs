//! Private keys for `private_key_jwt` client assertions, and compact JWS signing.
//!
//! Why not `jsonwebtoken` (with its `aws_lc_rs` backend): it would sign RS256/ES256 with a `kid`, but it cannot
//! load the *private* keys Okta's admin console hands out as JWK (its `jwk` module is for public keys only; an
//! `EncodingKey` comes from PEM/DER), nor generate the ephemeral P-256 key of DPoP or derive the public JWK that
//! goes in a DPoP proof's `jwk` header. Those need aws-lc-rs directly, which leaves only the ~40 lines of compact
//! JWS encoding below for `jsonwebtoken` to replace: not worth a second JWT stack next to the key code.
//!
//! Crypto backend: aws-lc-rs. It is the same backend rustls (inside reqwest) already links,
//! so the crate ships one audited crypto library instead of two, and it avoids the pure-Rust
//! `rsa` crate, whose RSA private-key operations carry the unpatched Marvin timing advisory
//! RUSTSEC-2023-0071.
//!
//! Zeroization: key material we decode ourselves (PEM bodies, DER, JWK fields) lives in
//! `Zeroizing` buffers or [`SecretString`]s and is wiped on drop. Once parsed, the key lives
//! inside AWS-LC (`EVP_PKEY`); AWS-LC's default `OPENSSL_free` cleanses every allocation
//! before releasing it (unless an application installs its own allocator hooks), so the key
//! is wiped when the last clone of [`PrivateKey`] is dropped.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPairComponents, PublicKeyComponents};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::secret::SecretString;

/// base64url without padding (JWS encoding).
pub(crate) const B64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_encode_padding(false).with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard base64 for PEM bodies.
const B64STD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a private key could not be loaded or used. Never contains key material.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// Neither a PEM private key nor JWK JSON.
    #[error("not a PEM private key or a JWK")]
    UnrecognizedFormat,
    /// A PEM block that is not a private key (e.g. `PUBLIC KEY`, `CERTIFICATE`).
    #[error("PEM block `{label}` is not a private key")]
    NotPrivateKey {
        /// The PEM label found.
        label: String,
    },
    /// Password-protected keys are not supported.
    #[error("encrypted private keys are not supported; provide the decrypted key")]
    Encrypted,
    /// The PEM armor or base64 body is broken.
    #[error("malformed PEM: {0}")]
    Pem(&'static str),
    /// The JWK JSON is malformed or lacks a member.
    #[error("malformed JWK: {0}")]
    Jwk(String),
    /// A well-formed key of a type this crate does not sign with.
    #[error("unsupported key type: {0}; use an RSA (2048-8192 bit) or EC P-256 key")]
    Unsupported(String),
    /// The crypto backend rejected the key (inconsistent or malformed components).
    #[error("invalid private key: {0}")]
    Rejected(&'static str),
    /// Signing failed inside the crypto backend.
    #[error("signing failed")]
    Signing,
}

/// JWS algorithm used for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwsAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RSA keys).
    RS256,
    /// ECDSA P-256 with SHA-256 (EC P-256 keys).
    ES256,
}

impl JwsAlgorithm {
    /// The `alg` header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::ES256 => "ES256",
        }
    }
}

enum KeyInner {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

/// A parsed private key for signing client assertions (RS256 for RSA, ES256 for EC P-256).
///
/// Cheap to clone (shared). `Debug` shows only the algorithm.
#[derive(Clone)]
pub struct PrivateKey {
    inner: Arc<KeyInner>,
    jwk_kid: Option<String>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey").field("alg", &self.algorithm()).field("material", &"[redacted]").finish()
    }
}

impl PrivateKey {
    /// Parses PEM text (`RSA PRIVATE KEY` = PKCS#1, `PRIVATE KEY` = PKCS#8 RSA or EC,
    /// `EC PRIVATE KEY` = SEC1) or JWK JSON (a single key, or a JWKS holding exactly one).
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let t = text.trim_start();
        if t.starts_with("-----BEGIN") {
            Self::from_pem(t)
        } else if t.starts_with('{') {
            Self::from_jwk(t)
        } else {
            Err(KeyError::UnrecognizedFormat)
        }
    }

    /// Whether `text` looks like inline key material (PEM or JWK) rather than a file path.
    pub(crate) fn looks_inline(text: &str) -> bool {
        let t = text.trim_start();
        t.starts_with("-----BEGIN") || t.starts_with('{')
    }

    /// Parses the first private-key block of PEM text.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let mut rest = pem;
        loop {
            let Some(start) = rest.find("-----BEGIN ") else {
                return Err(KeyError::Pem("no BEGIN line"));
            };
            let after = rest.get(start + 11..).unwrap_or("");
            let Some(label_end) = after.find("-----") else {
                return Err(KeyError::Pem("unterminated BEGIN line"));
            };
            let label = after.get(..label_end).unwrap_or("").trim().to_owned();
            let body_and_more = after.get(label_end + 5..).unwrap_or("");
            let end_marker = format!("-----END {label}-----");
            let Some(body_end) = body_and_more.find(&end_marker) else {
                return Err(KeyError::Pem("missing END line"));
            };
            let body = body_and_more.get(..body_end).unwrap_or("");
            rest = body_and_more.get(body_end + end_marker.len()..).unwrap_or("");
            match label.as_str() {
                // `openssl ecparam -genkey` emits a parameters block first.
                "EC PARAMETERS" => continue,
                "ENCRYPTED PRIVATE KEY" => return Err(KeyError::Encrypted),
                "RSA PRIVATE KEY" | "PRIVATE KEY" | "EC PRIVATE KEY" => {
                    // Legacy OpenSSL encryption puts `Proc-Type:` headers in the body.
                    if body.contains("Proc-Type:") || body.contains("DEK-Info:") {
                        return Err(KeyError::Encrypted);
                    }
                    let b64: Zeroizing<String> = Zeroizing::new(body.chars().filter(|c| !c.is_whitespace()).collect());
                    let der = Zeroizing::new(
                        B64STD.decode(b64.as_bytes()).map_err(|_| KeyError::Pem("invalid base64 body"))?,
                    );
                    return match label.as_str() {
                        "RSA PRIVATE KEY" => Self::from_pkcs1_der(&der),
                        "EC PRIVATE KEY" => Self::from_sec1_der(&der),
                        _ => Self::from_pkcs8_der(&der),
                    };
                }
                _ => return Err(KeyError::NotPrivateKey { label }),
            }
        }
    }

    /// Parses a DER PKCS#1 `RSAPrivateKey`.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        RsaKeyPair::from_der(der).map(|k| Self::new(KeyInner::Rsa(k))).map_err(|e| KeyError::Rejected(e.description_()))
    }

    /// Parses a DER PKCS#8 `PrivateKeyInfo` holding an RSA or EC P-256 key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        if let Ok(k) = RsaKeyPair::from_pkcs8(der) {
            return Ok(Self::new(KeyInner::Rsa(k)));
        }
        match EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der) {
            Ok(k) => Ok(Self::new(KeyInner::Ec(k))),
            Err(e) => Err(diagnose(der).unwrap_or(KeyError::Rejected(e.description_()))),
        }
    }

    /// Parses a DER SEC1 (RFC 5915) `ECPrivateKey` on P-256.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self, KeyError> {
        EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_FIXED_SIGNING, der)
            .map(|k| Self::new(KeyInner::Ec(k)))
            .map_err(|e| diagnose(der).unwrap_or(KeyError::Rejected(e.description_())))
    }

    /// Parses a private JWK (RSA with n, e, d, p, q, dp, dq, qi; or EC P-256 with x, y, d),
    /// or a JWKS with exactly one key. The JWK's `kid`, if any, is remembered as a default.
    pub fn from_jwk(json: &str) -> Result<Self, KeyError> {
        let jwk: Jwk = serde_json::from_str(json).map_err(|e| {
            // serde_json messages may quote values; report only category and position.
            KeyError::Jwk(format!("{:?} error at line {} column {}", e.classify(), e.line(), e.column()))
        })?;
        let jwk = match jwk.keys {
            Some(mut keys) if keys.len() == 1 => keys.pop().ok_or(KeyError::UnrecognizedFormat)?,
            Some(keys) => return Err(KeyError::Jwk(format!("JWKS holds {} keys, expected exactly one", keys.len()))),
            None => jwk,
        };
        let kid = jwk.kid.clone();
        let inner = match jwk.kty.as_deref() {
            Some("RSA") => {
                let n = b64_field(jwk.n.as_deref(), "n")?;
                let e = b64_field(jwk.e.as_deref(), "e")?;
                let d = secret_field(&jwk.d, "d")?;
                let p = secret_field(&jwk.p, "p")?;
                let q = secret_field(&jwk.q, "q")?;
                let dp = secret_field(&jwk.dp, "dp")?;
                let dq = secret_field(&jwk.dq, "dq")?;
                let qi = secret_field(&jwk.qi, "qi")?;
                let components = KeyPairComponents {
                    public_key: PublicKeyComponents { n: strip_zeros(&n), e: strip_zeros(&e) },
                    d: d.as_slice(),
                    p: p.as_slice(),
                    q: q.as_slice(),
                    dP: dp.as_slice(),
                    dQ: dq.as_slice(),
                    qInv: qi.as_slice(),
                };
                KeyInner::Rsa(
                    RsaKeyPair::from_components(&components).map_err(|e| KeyError::Rejected(e.description_()))?,
                )
            }
            Some("EC") => {
                match jwk.crv.as_deref() {
                    Some("P-256") => {}
                    Some(other) => return Err(KeyError::Unsupported(format!("EC curve {other}"))),
                    None => return Err(KeyError::Jwk("EC key without `crv`".into())),
                }
                let x = b64_field(jwk.x.as_deref(), "x")?;
                let y = b64_field(jwk.y.as_deref(), "y")?;
                let d = secret_field(&jwk.d, "d")?;
                let (Some(x), Some(y), Some(d)) = (left_pad32(&x), left_pad32(&y), left_pad32(&d)) else {
                    return Err(KeyError::Jwk("P-256 coordinates must be 32 bytes".into()));
                };
                let d = Zeroizing::new(d);
                let mut point = Vec::with_capacity(65);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                KeyInner::Ec(
                    EcdsaKeyPair::from_private_key_and_public_key(
                        &ECDSA_P256_SHA256_FIXED_SIGNING,
                        d.as_slice(),
                        &point,
                    )
                    .map_err(|e| KeyError::Rejected(e.description_()))?,
                )
            }
            Some(other) => return Err(KeyError::Unsupported(format!("JWK kty {other}"))),
            None => return Err(KeyError::Jwk("missing `kty`".into())),
        };
        Ok(Self { inner: Arc::new(inner), jwk_kid: kid })
    }

    fn new(inner: KeyInner) -> Self {
        Self { inner: Arc::new(inner), jwk_kid: None }
    }

    /// The JWS algorithm this key signs with.
    pub fn algorithm(&self) -> JwsAlgorithm {
        match *self.inner {
            KeyInner::Rsa(_) => JwsAlgorithm::RS256,
            KeyInner::Ec(_) => JwsAlgorithm::ES256,
        }
    }

    /// The `kid` found in a JWK input, if any.
    pub fn jwk_kid(&self) -> Option<&str> {
        self.jwk_kid.as_deref()
    }

    /// Signs `header.claims` as a compact JWS; `alg` is set from the key.
    pub(crate) fn sign_jwt(&self, kid: Option<&str>, claims: &impl Serialize) -> Result<String, KeyError> {
        let header = JwsHeader { alg: self.algorithm().as_str(), typ: Some("JWT"), kid, jwk: None };
        encode_jws(&header, claims, |msg| self.sign(msg))
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        match &*self.inner {
            KeyInner::Rsa(k) => {
                let mut sig = vec![0u8; k.public_modulus_len()];
                k.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), msg, &mut sig).map_err(|_| KeyError::Signing)?;
                Ok(sig)
            }
            KeyInner::Ec(k) => sign_es256(k, msg),
        }
    }
}

/// ES256 signature (fixed-length r||s, as JWS requires).
pub(crate) fn sign_es256(key: &EcdsaKeyPair, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
    key.sign(&SystemRandom::new(), msg).map(|s| s.as_ref().to_vec()).map_err(|_| KeyError::Signing)
}

/// JOSE header fields this crate emits.
#[derive(Serialize)]
pub(crate) struct JwsHeader<'a> {
    pub(crate) alg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) typ: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) jwk: Option<&'a serde_json::Value>,
}

/// Builds `b64(header).b64(claims).b64(sig)`.
pub(crate) fn encode_jws(
    header: &impl Serialize,
    claims: &impl Serialize,
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, KeyError>,
) -> Result<String, KeyError> {
    let h = serde_json::to_vec(header).map_err(|_| KeyError::Signing)?;
    let c = serde_json::to_vec(claims).map_err(|_| KeyError::Signing)?;
    let mut out = B64URL.encode(h);
    out.push('.');
    out.push_str(&B64URL.encode(c));
    let sig = sign(out.as_bytes())?;
    out.push('.');
    out.push_str(&B64URL.encode(sig));
    Ok(out)
}

#[derive(Deserialize)]
struct Jwk {
    kty: Option<String>,
    crv: Option<String>,
    kid: Option<String>,
    n: Option<String>,
    e: Option<String>,
    x: Option<String>,
    y: Option<String>,
    d: Option<SecretString>,
    p: Option<SecretString>,
    q: Option<SecretString>,
    dp: Option<SecretString>,
    dq: Option<SecretString>,
    qi: Option<SecretString>,
    keys: Option<Vec<Jwk>>,
}

fn b64_field(v: Option<&str>, name: &str) -> Result<Vec<u8>, KeyError> {
    let v = v.ok_or_else(|| KeyError::Jwk(format!("missing `{name}`")))?;
    B64URL.decode(v).map_err(|_| KeyError::Jwk(format!("`{name}` is not base64url")))
}

fn secret_field(v: &Option<SecretString>, name: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let v = v.as_ref().ok_or_else(|| KeyError::Jwk(format!("missing private member `{name}`")))?;
    B64URL
        .decode(v.expose_secret())
        .map(Zeroizing::new)
        .map_err(|_| KeyError::Jwk(format!("`{name}` is not base64url")))
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b.get(first..).unwrap_or(b)
}

/// Left-pads a big-endian integer to 32 bytes (JWKs sometimes drop leading zeros).
fn left_pad32(b: &[u8]) -> Option<[u8; 32]> {
    let b = strip_zeros(b);
    if b.len() > 32 {
        return None;
    }
    let mut out = [0u8; 32];
    out.get_mut(32 - b.len()..)?.copy_from_slice(b);
    Some(out)
}

/// Best-effort explanation for a DER key that did not parse as RSA or EC P-256, by
/// looking for well-known algorithm/curve OIDs.
fn diagnose(der: &[u8]) -> Option<KeyError> {
    const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const CURVES: &[(&[u8], &str)] = &[
        (&[0x2b, 0x81, 0x04, 0x00, 0x22], "EC curve P-384"),
        (&[0x2b, 0x81, 0x04, 0x00, 0x23], "EC curve P-521"),
        (&[0x2b, 0x81, 0x04, 0x00, 0x0a], "EC curve secp256k1"),
    ];
    const ED25519: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
    const ED448: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x71];
    let has = |needle: &[u8]| der.windows(needle.len()).any(|w| w == needle);
    for (oid, name) in CURVES {
        if has(oid) {
            return Some(KeyError::Unsupported((*name).to_owned()));
        }
    }
    if has(ED25519) {
        return Some(KeyError::Unsupported("Ed25519".into()));
    }
    if has(ED448) {
        return Some(KeyError::Unsupported("Ed448".into()));
    }
    if has(EC_PUBLIC_KEY) {
        return Some(KeyError::Unsupported("EC key on an unknown curve".into()));
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{ECDSA_P384_SHA384_FIXED_SIGNING, KeyPair};

    #[test]
    fn garbage_is_typed_error() {
        assert_eq!(PrivateKey::parse("hello").unwrap_err(), KeyError::UnrecognizedFormat);
        assert!(matches!(
            PrivateKey::parse("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----").unwrap_err(),
            KeyError::Pem(_)
        ));
        assert!(matches!(
            PrivateKey::parse("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----").unwrap_err(),
            KeyError::Rejected(_)
        ));
        assert!(matches!(
            PrivateKey::parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").unwrap_err(),
            KeyError::NotPrivateKey { .. }
        ));
        assert_eq!(
            PrivateKey::parse("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----")
                .unwrap_err(),
            KeyError::Encrypted
        );
        assert!(matches!(PrivateKey::parse("{\"kty\":\"OKP\"}").unwrap_err(), KeyError::Unsupported(_)));
        let e = PrivateKey::parse("{\"kty\":\"EC\",\"d\":\"c2VjcmV0LXZhbHVl\",").unwrap_err();
        assert!(!format!("{e}").contains("c2VjcmV0"));
    }

    #[test]
    fn p384_is_unsupported() {
        let k = EcdsaKeyPair::generate(&ECDSA_P384_SHA384_FIXED_SIGNING).unwrap();
        let der = k.to_pkcs8v1().unwrap();
        assert_eq!(
            PrivateKey::from_pkcs8_der(der.as_ref()).unwrap_err(),
            KeyError::Unsupported("EC curve P-384".into())
        );
    }

    #[test]
    fn ec_pkcs8_roundtrip_signs() {
        let k = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let der = k.to_pkcs8v1().unwrap();
        let pk = PrivateKey::from_pkcs8_der(der.as_ref()).unwrap();
        assert_eq!(pk.algorithm(), JwsAlgorithm::ES256);
        let jwt = pk.sign_jwt(Some("k1"), &serde_json::json!({"a": 1})).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        let sig = B64URL.decode(parts[2]).unwrap();
        let input = format!("{}.{}", parts[0], parts[1]);
        aws_lc_rs::signature::UnparsedPublicKey::new(
            &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED,
            k.public_key().as_ref(),
        )
        .verify(input.as_bytes(), &sig)
        .unwrap();
        assert!(format!("{pk:?}").contains("redacted"));
    }
}
