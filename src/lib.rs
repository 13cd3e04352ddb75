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
//! let client = okta_management::Client::from_env()?;
//! let mut users = client.list_users().limit(200).stream();
//! while let Some(user) = users.try_next().await? {
//!     println!("{} {}", user.id.unwrap_or_default(), user.profile.and_then(|p| p.login).unwrap_or_default());
//! }
//! let group = client.get_group().group_id("00g1").send().await?;
//! # let _ = group;
//! # Ok(()) }
//! ```
//!
//! Every call returns [`Result<T, okta_management::Error>`](Error): an Okta error status is [`Error::Api`] with its
//! real HTTP status, `errorCode` and `X-Okta-Request-Id`. `send_with_response()` also gives the headers.
//!
//! ## What is where
//!
//! This crate is the generated API plus the hand-written customizations on top of it; the rest lives in crates of
//! its own, re-exported here at the paths users know:
//!
//! | path | crate | what |
//! |---|---|---|
//! | [`Client`], [`builders`], [`types`], [`manifest`] | this one (`client.rs`, `generated.rs`) | the client, a builder per operation, typify's models |
//! | `.pages()`/`.stream()`/`.resume_from()`, uploads, System Log tail | this one (`customizations/`) | hand-written operations on the generated client |
//! | [`filter`], [`scopes`], [`events`] | this one (`filter.rs`, `scopes.rs`, `events/`) | search/filter expressions built from parts; the OAuth scopes a program needs; every Okta event handled once |
//! | [`config`], [`auth`], [`credentials`], [`retry`], [`pagination`], [`error`], [`Response`], [`secret`], [`query`] | `okta-management-runtime` | no generated code |
//! | [`hooks`] | `okta-management-hooks` | receiving event and inline hooks |
//! | [`mock`] (feature `mock`) | `okta-management-mock` | a mock Okta org over real HTTP |
//!
//! What this crate must not hold: behaviour that does not need the generated client (it goes to the runtime or
//! the hooks crate, where it is unit-tested without compiling 270k generated lines), or edits of generated code
//! (the generator makes them, on the syntax tree).
#![warn(missing_docs)]
#![deny(unsafe_code)]
// docs.rs (`--cfg docsrs`, Cargo.toml): each item behind a feature says which.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod customizations;
pub mod events;
pub mod filter;
mod generated;
pub mod manifest;
pub mod pagination;
pub mod scopes;
mod transport;

/// The request builder of every operation, as the [`Client`]'s methods return them: set parameters, then
/// `.send().await` (the decoded body) or `.send_with_response().await` (with status and headers); paged list
/// operations also have `.stream()`, `.pages()` and `.resume_from(&cursor)`.
pub mod builders {
    pub use crate::generated::builder::*;
}

pub use okta_management_runtime::{auth, config, credentials, decode, error, query, rate_limit, retry, secret};

pub use okta_management_hooks as hooks;
/// The mock Okta org (feature `mock`): the `okta-management-mock` crate.
#[cfg(feature = "mock")]
pub use okta_management_mock as mock;
#[doc(hidden)]
pub use okta_management_types::open_enum;
#[doc(hidden)]
pub use okta_management_types::tagged_union;

pub use client::{Client, ClientBuilder, user_agent};
pub use customizations::uploads::Upload;
pub use error::{Error, Result};
pub use okta_management_runtime::response::{ByteStream, Response};
// The generated code names it `crate::Timestamp` in both halves (models and client).
#[doc(hidden)]
pub use okta_management_types::Timestamp;

/// `SPEC_VERSION` and `SPEC_SHA256`: which Okta spec this build was generated from (also in the User-Agent).
pub use okta_management_types::{SPEC_SHA256, SPEC_VERSION};

/// The spec's models: typify's structs plus the open enums and tagged unions that replace its enums.
pub mod types {
    pub use crate::generated::models::*;
    pub use crate::generated::types::*;
    pub use okta_management_types::{Field, Timestamp};

    /// Turns a value of one of your types into a model (or back) through its JSON form: e.g. a profile struct
    /// with your org's custom attributes into the [`UserProfile`] a request body takes, where the custom
    /// attributes land in `extra` and are sent as they are. Reading goes the other way with a builder's
    /// `send_as::<YourType>()`.
    ///
    /// ```
    /// # fn run() -> Result<(), okta_management::Error> {
    /// #[derive(serde::Serialize)]
    /// #[serde(rename_all = "camelCase")]
    /// struct Profile { login: String, email: String, first_name: String, last_name: String, badge_number: u32 }
    ///
    /// let mine = Profile { login: "a@example.com".into(), email: "a@example.com".into(),
    ///     first_name: "A".into(), last_name: "B".into(), badge_number: 7 };
    /// let profile: okta_management::types::UserProfile = okta_management::types::convert(&mine)?;
    /// assert_eq!(profile.extra["badgeNumber"], 7);
    /// # Ok(()) }
    /// ```
    pub fn convert<T: serde::Serialize, U: serde::de::DeserializeOwned>(value: &T) -> Result<U, crate::Error> {
        let json = serde_json::to_value(value).map_err(|e| crate::Error::InvalidRequest(format!("{e}")))?;
        serde_json::from_value(json)
            .map_err(|e| crate::Error::InvalidRequest(format!("does not fit {}: {e}", std::any::type_name::<U>())))
    }
}

/// The README's Rust snippets, compiled as doctests so that they cannot drift from the API.
#[cfg(all(doctest, feature = "users"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
