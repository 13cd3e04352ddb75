//! [`Timestamp`]: a `date-time` of the spec, kept as the text Okta sent and readable as a `chrono` time.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// A point in time as Okta wrote it (`2024-01-01T00:00:00.000Z`). The text is kept as is, so a model decoded and
/// encoded again writes back the same bytes (parsing and formatting would turn `.000Z` into `Z`), and a value Okta
/// sends that is not RFC 3339 still decodes; [`Timestamp::to_datetime`] reads it as a `chrono` time.
///
/// ```
/// use okta_management_types::Timestamp;
///
/// let created = Timestamp::from("2024-01-01T10:00:00.000Z");
/// assert_eq!(created.to_datetime().map(|t| t.timestamp()), Ok(1_704_103_200));
/// let since = Timestamp::from(created.to_datetime().unwrap_or_default());
/// assert_eq!(since.as_str(), "2024-01-01T10:00:00.000Z");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(String);

impl Timestamp {
    /// The text as Okta sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The time, read as RFC 3339 (what Okta sends), in UTC.
    pub fn to_datetime(&self) -> Result<DateTime<Utc>, chrono::ParseError> {
        DateTime::parse_from_rfc3339(&self.0).map(|t| t.with_timezone(&Utc))
    }
}

/// Any string is kept as a timestamp (its text is what is kept); another kind of value does not fit.
impl okta_management_decode::Lenient for Timestamp {
    const EXPECTED: &'static str = "string (date-time)";
    fn from_str(value: &str) -> Option<Self> {
        Some(Timestamp(value.to_owned()))
    }
    fn from_string(value: String) -> Result<Self, String> {
        Ok(Timestamp(value))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    /// RFC 3339 in UTC with milliseconds, as Okta writes its own timestamps.
    fn from(time: DateTime<Utc>) -> Self {
        Timestamp(time.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl From<String> for Timestamp {
    fn from(text: String) -> Self {
        Timestamp(text)
    }
}

impl From<&str> for Timestamp {
    fn from(text: &str) -> Self {
        Timestamp(text.to_owned())
    }
}

impl From<Timestamp> for String {
    fn from(time: Timestamp) -> Self {
        time.0
    }
}

impl std::str::FromStr for Timestamp {
    type Err = std::convert::Infallible;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Timestamp(text.to_owned()))
    }
}

impl AsRef<str> for Timestamp {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Timestamp {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Timestamp {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn the_text_is_written_back_as_it_came_and_reads_as_a_time() -> Result<(), serde_json::Error> {
        for text in [r#""2024-01-01T00:00:00.000Z""#, r#""2024-01-01T00:00:00Z""#, r#""not a time""#] {
            let time: Timestamp = serde_json::from_str(text)?;
            assert_eq!(serde_json::to_string(&time)?, text);
        }
        let time = Timestamp::from("2024-06-01T12:30:00.250+02:00");
        assert_eq!(time.to_datetime().map(|t| Timestamp::from(t).0), Ok("2024-06-01T10:30:00.250Z".to_string()));
        assert!(Timestamp::from("yesterday").to_datetime().is_err());
        Ok(())
    }
}
