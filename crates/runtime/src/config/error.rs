//! What can be wrong with a configuration: each error names the key and the source of the value, never a secret.

use super::*;

/// A configuration problem. Names the key and the source of the offending value; never
/// contains secret values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required key is not set in any source.
    #[error("{key} is not set (checked: code, {env}, ./okta.yaml, ~/.okta/okta.yaml){}", fmt_reason(.reason))]
    Missing {
        /// The YAML key, e.g. `okta.client.orgUrl`.
        key: &'static str,
        /// The environment variable for the key.
        env: &'static str,
        /// Why it is required, if not always.
        reason: Option<String>,
    },
    /// A value is present but invalid.
    #[error("{key}{} from {origin}: {reason}", fmt_value(.value))]
    Invalid {
        /// The YAML key, e.g. `okta.client.authorizationMode`.
        key: &'static str,
        /// The offending value (`None` for secret keys).
        value: Option<String>,
        /// Where the value came from.
        origin: ConfigSource,
        /// What is wrong.
        reason: String,
    },
    /// A YAML file could not be parsed.
    #[error("malformed YAML in {}: {message}", .path.display())]
    Yaml {
        /// The file.
        path: PathBuf,
        /// The parser's message (with the line and column where it has them).
        message: String,
        /// 1-based line of the error, when the parser knows it.
        line: Option<usize>,
    },
    /// A YAML file exists but could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

pub(super) fn fmt_value(v: &Option<String>) -> String {
    v.as_ref().map(|v| format!(" = {v:?}")).unwrap_or_default()
}

pub(super) fn fmt_reason(r: &Option<String>) -> String {
    r.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
}
