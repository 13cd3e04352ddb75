//! A string type for secrets (API tokens, access tokens, key material, passwords).
//!
//! [`SecretString`] never shows its content through `Debug` or `Display`, is wiped
//! from memory when dropped, and compares in constant time.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A secret string: `Debug` and `Display` print `[redacted]`, the buffer is zeroized on
/// drop, and `==` runs in constant time (for equal lengths).
///
/// Use [`SecretString::expose_secret`] at the single place the value is really needed
/// (e.g. when building an `Authorization` header).
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Returns the secret itself. Callers must not log or format the result.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (safe to expose: reveals no content).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        // `ct_eq` on slices of different length returns false early; only the length
        // can leak, which is acceptable for tokens of fixed format.
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for SecretString {}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn redacts_and_compares() {
        let s = SecretString::from("hunter2");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(s.expose_secret(), "hunter2");
        assert_eq!(s, SecretString::new("hunter2"));
        assert_ne!(s, SecretString::new("hunter3"));
        assert_ne!(s, SecretString::new("hunter22"));
        let d: SecretString = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(d.expose_secret(), "abc");
        assert!(serde_json::from_str::<SecretString>("12").is_err());
    }
}
