//! # okta-management
//!
//! A typed, async client for the [Okta Management API](https://developer.okta.com/docs/api/), generated from
//! Okta's OpenAPI spec (2026.06.3 by default; see [`SPEC_VERSION`]), with the parts a generated client lacks
//! written by hand: configuration (`okta.yaml`, `OKTA_CLIENT_*`), authentication (SSWS, OAuth 2.0 private_key_jwt, Bearer,
//! DPoP), rate-limit-aware retry, Link-header pagination as `Stream`s, typed errors, tracing, helpers to
//! receive Okta's event and inline hooks, and a mock Okta org for tests (feature `mock`).
//!
//! ```no_run
//! # async fn run() -> Result<(), okta_management::Error> {
//! use futures::TryStreamExt;
//! use okta_management::pagination::Paginated;
//!
//! let client = okta_management::Client::from_env()?;
//! let mut users = std::pin::pin!(client.list_users().limit(200).stream());
//! while let Some(user) = users.try_next().await? {
//!     println!("{} {}", user.id.unwrap_or_default(), user.profile.and_then(|p| p.login).unwrap_or_default());
//! }
//! # Ok(()) }
//! ```
//!
//! Layout: generated code enters in one place, [`generated`] (progenitor's client and builders, compiled here;
//! typify's models, compiled by the `okta-management-types` crate); everything else is hand-written, one module per
//! concern.
#![warn(missing_docs)]
#![deny(unsafe_code)]

// The unit tests of the hand-written modules do not need the 270k-line generated client; leaving it out of the
// `cfg(test)` build keeps `cargo test` from compiling it twice. Integration tests use the real crate.
#[cfg(not(test))]
mod client;
#[cfg(not(test))]
pub mod generated;
#[cfg(not(test))]
pub mod manifest;
#[cfg(not(test))]
mod system_log;
#[cfg(not(test))]
pub mod transport;
#[cfg(not(test))]
mod uploads;

pub mod auth;
pub mod config;
pub mod error;
pub mod hooks;
/// The mock Okta org (feature `mock`): the `okta-management-mock` crate.
#[cfg(feature = "mock")]
pub use okta_management_mock as mock;
#[doc(hidden)]
pub use okta_management_types::open_enum;
pub mod pagination;
pub mod query;
pub mod retry;
pub mod secret;
#[doc(hidden)]
pub use okta_management_types::tagged_union;

#[cfg(not(test))]
pub use client::{Client, ClientBuilder, user_agent};
pub use error::{Error, Result};

/// `SPEC_VERSION` and `SPEC_SHA256`: which Okta spec this build was generated from (also in the User-Agent).
pub use okta_management_types::{SPEC_SHA256, SPEC_VERSION};
#[cfg(not(test))]
pub use uploads::Upload;

/// The spec's models: typify's structs plus the open enums and tagged unions that replace its enums.
#[cfg(not(test))]
pub mod types {
    pub use crate::generated::models::*;
    pub use crate::generated::types::*;
}

/// Stand-ins for the generated models in the unit-test build (see above).
#[cfg(test)]
pub mod types {
    /// The generated `LogEvent` in the real build.
    pub type LogEvent = serde_json::Value;
}

/// The README's Rust snippets, compiled as doctests so that they cannot drift from the API.
#[cfg(all(doctest, feature = "users"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
