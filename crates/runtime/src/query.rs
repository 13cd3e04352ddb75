//! Query-parameter encodings progenitor does not do itself.

use std::fmt;

/// A list sent as one comma-separated query value (`expand=themes,domains`), as Okta's `explode: false`
/// array parameters require; progenitor would otherwise repeat the key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommaSeparated(pub Vec<String>);

impl CommaSeparated {
    /// The items.
    pub fn items(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for CommaSeparated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(","))
    }
}

impl<S: Into<String>> FromIterator<S> for CommaSeparated {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        Self(iter.into_iter().map(Into::into).collect())
    }
}

impl From<Vec<String>> for CommaSeparated {
    fn from(items: Vec<String>) -> Self {
        Self(items)
    }
}

impl From<Vec<&str>> for CommaSeparated {
    fn from(items: Vec<&str>) -> Self {
        items.into_iter().collect()
    }
}

impl<const N: usize> From<[&str; N]> for CommaSeparated {
    fn from(items: [&str; N]) -> Self {
        items.into_iter().collect()
    }
}

impl From<&str> for CommaSeparated {
    fn from(list: &str) -> Self {
        list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
    }
}

impl std::str::FromStr for CommaSeparated {
    type Err = std::convert::Infallible;
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(list))
    }
}

impl serde::Serialize for CommaSeparated {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CommaSeparated {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Accept both forms: a JSON array of strings or one comma-separated string.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Form {
            List(Vec<String>),
            Joined(String),
        }
        Ok(match Form::deserialize(deserializer)? {
            Form::List(items) => Self(items),
            Form::Joined(joined) => Self::from(joined.as_str()),
        })
    }
}
