//! A caller's hook that supplies Bearer access tokens (the token may come from a vault, another OAuth flow, ...).

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures::FutureExt as _;
use futures::future::BoxFuture;

use crate::secret::SecretString;

/// Error type a [`TokenSupplier`] may return.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

type SupplierFn = dyn Fn() -> BoxFuture<'static, Result<SecretString, BoxError>> + Send + Sync;

/// A caller-supplied hook returning the access token to use for a request (Bearer mode).
/// It is called once per request attempt, so it can implement its own caching/rotation.
#[derive(Clone)]
pub struct TokenSupplier(Arc<SupplierFn>);

impl fmt::Debug for TokenSupplier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSupplier(..)")
    }
}

impl TokenSupplier {
    /// Wraps an async hook.
    pub fn from_async<F, Fut>(f: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<SecretString, BoxError>> + Send + 'static,
    {
        Self(Arc::new(move || f().boxed()))
    }

    /// Wraps a synchronous hook (must not block for long: it runs on the async executor).
    pub fn from_fn<F>(f: F) -> Self
    where
        F: Fn() -> Result<SecretString, BoxError> + Send + Sync + 'static,
    {
        Self(Arc::new(move || futures::future::ready(f()).boxed()))
    }

    /// Asks the hook for a token.
    pub async fn token(&self) -> Result<SecretString, BoxError> {
        (self.0)().await
    }
}
