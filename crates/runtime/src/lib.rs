//! # okta-management-runtime
//!
//! The hand-written runtime of the `okta-management` SDK: configuration (`okta.yaml`, `OKTA_CLIENT_*`, code),
//! credentials and authentication (SSWS, OAuth 2.0 `private_key_jwt`, Bearer, DPoP), retry and rate limits,
//! `Link`-header pagination as `Stream`s, and the one error type.
//!
//! What it must not do: contain or depend on generated code (it is unit-tested on its own, and the generated API
//! crate depends on it, never the reverse), or know any particular Okta operation. Users normally reach it
//! through `okta-management`, which re-exports its modules at the same paths (`okta_management::config`, …).
//!
//! Modules depend only downwards, in this order (no cycles):
//! `sync`, `time`, `secret`, `excerpt`, `json_path` ← `credentials` ← `config` ← `auth` ← `error` ← `decode` ← `rate_limit` ← `retry` ← `pagination`, `response`; `query`
//! stands alone.
#![warn(missing_docs)]
#![deny(unsafe_code)]
// docs.rs (`--cfg docsrs`, Cargo.toml): each item behind a feature says which.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
pub mod config;
pub mod credentials;
pub mod decode;
pub mod error;
#[doc(hidden)]
pub mod excerpt;
#[doc(hidden)]
pub mod json_path;
pub mod pagination;
pub mod query;
pub mod rate_limit;
#[cfg(feature = "redis")]
pub mod redis_connection;
pub mod response;
pub mod retry;
pub mod secret;
#[doc(hidden)]
pub mod sync;
#[doc(hidden)]
pub mod time;
mod www_authenticate;

pub use error::{Error, Result};
