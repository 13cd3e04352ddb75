//! Small serde building blocks shared by the hook payload types.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use zeroize::Zeroize;

/// Unknown JSON members kept verbatim so a payload re-encodes without loss.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// A value documented as a string that Okta sometimes sends as a JSON number
/// (e.g. `"eventTypeVersion": 1`, `"cloudEventVersion": 0.1`, `"otpCode": 11111`).
///
/// The original JSON type is kept so re-encoding is lossless.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LooseString {
    /// Sent as a JSON string.
    String(String),
    /// Sent as a JSON number.
    Number(serde_json::Number),
    /// Sent as a JSON boolean.
    Bool(bool),
}

impl LooseString {
    /// The value as text (numbers and booleans in their JSON spelling).
    pub fn to_text(&self) -> String {
        match self {
            Self::String(s) => s.clone(),
            Self::Number(n) => n.to_string(),
            Self::Bool(b) => b.to_string(),
        }
    }

    /// The value when it was sent as a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }
}

impl std::fmt::Display for LooseString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::String(s) => f.write_str(s),
            Self::Number(n) => write!(f, "{n}"),
            Self::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl From<&str> for LooseString {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for LooseString {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

/// A sensitive value inside a hook payload (a user's password, a one-time passcode).
///
/// `Debug` prints `[redacted]`; the content is zeroized on drop. Serde is transparent so the
/// payload still round-trips; read it with [`expose`](Self::expose).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The wrapped value.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl Zeroize for LooseString {
    fn zeroize(&mut self) {
        match self {
            Self::String(s) => s.zeroize(),
            // Numbers/booleans cannot be scrubbed in place; overwrite with an empty string.
            Self::Number(_) | Self::Bool(_) => *self = Self::String(String::new()),
        }
    }
}

/// Deserializes a present member as `Some(..)`, so that with `#[serde(default)]`
/// an absent member is `None` and an explicit JSON `null` stays `Some(null)` / `Some(None)`.
/// This keeps `null` members when re-encoding.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// The JSON a payload's `Serialize` writes: the one description of a response's JSON. A hook payload has string keys
/// and no `Serialize` that fails, so `serde_json` cannot fail here (the `null` fallback keeps building a response
/// infallible, and is never written).
pub(crate) fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A string that is none of a wire enum's values: the error of `FromStr` for [`CommandType`](crate::CommandType),
/// [`InlineHookType`](crate::InlineHookType) and the other closed enums of hook payloads (the string itself is not
/// kept: it comes from a request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a known {enum_name} value")]
pub struct UnknownWireValue {
    enum_name: &'static str,
}

impl UnknownWireValue {
    pub(crate) fn new(enum_name: &'static str) -> Self {
        Self { enum_name }
    }

    /// The enum that has no such value (`CommandType`).
    pub fn enum_name(&self) -> &'static str {
        self.enum_name
    }
}
