//! SSWS API-token authentication: `Authorization: SSWS <token>`.

use http::HeaderValue;

use super::{AuthError, sensitive_header};
use crate::secret::SecretString;

/// Holds the API token; builds the header per request so no long-lived copy sits in a
/// non-zeroizing `HeaderValue`.
pub(crate) struct SswsAuth {
    token: SecretString,
}

impl SswsAuth {
    pub(crate) fn new(token: SecretString) -> Self {
        Self { token }
    }

    pub(crate) fn header(&self) -> Result<HeaderValue, AuthError> {
        sensitive_header("SSWS", &self.token)
    }
}
