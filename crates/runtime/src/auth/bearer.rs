//! Bearer mode: a fixed access token, or a caller hook that supplies one per request.

use http::HeaderValue;

use super::{AuthError, sensitive_header};
use crate::credentials::TokenSupplier;
use crate::secret::SecretString;

pub(crate) struct BearerAuth {
    token: Option<SecretString>,
    supplier: Option<TokenSupplier>,
}

impl BearerAuth {
    pub(crate) fn new(token: Option<SecretString>, supplier: Option<TokenSupplier>) -> Self {
        Self { token, supplier }
    }

    pub(crate) async fn header(&self) -> Result<HeaderValue, AuthError> {
        match (&self.supplier, &self.token) {
            (Some(s), _) => {
                let token = s.token().await.map_err(AuthError::TokenSupplier)?;
                sensitive_header("Bearer", &token)
            }
            (None, Some(t)) => sensitive_header("Bearer", t),
            (None, None) => Err(AuthError::NoToken),
        }
    }
}
