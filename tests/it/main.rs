//! The integration tests, as one test binary: each module is one area (auth, config, hooks, the mock org, ...).
//!
//! One binary instead of one per file: every integration-test binary links the whole generated client, so
//! twenty of them cost minutes of linking and gigabytes of disk for nothing. Modules that need a feature say so
//! with `#![cfg(feature = "…")]` at their top; `cargo test --test it <module>::` runs one area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

// Helpers shared by several areas.
mod capture;
#[cfg(feature = "mock")]
mod client_support;
mod common;
#[cfg(feature = "redis")]
mod redis_server;

mod architecture;
mod auth;
mod bulk_import;
mod client_auth;
mod client_redaction;
mod client_retry;
mod concurrency;
mod config;
mod conformance;
mod encoding;
mod event_receiver;
mod events;
mod faults;
mod features;
mod filter_search;
mod forward_compat;
mod fuzz_regressions;
mod hooks;
mod hooks_e2e;
mod import_users;
mod lenient_decoding;
mod load_balancer;
mod manifest;
mod mock_every_operation;
mod mock_org;
mod mock_stateful;
mod pagination;
mod pagination_spawn;
mod public_api;
mod quickstart;
mod rate_limits;
mod redis_dedup;
mod retry;
mod scopes;
mod security;
mod shared_rate_limits;
mod spec_2026;
mod tracing_span;
mod type_names;
