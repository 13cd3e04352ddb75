//! The generator's modules compiled as a test crate, so the rules' unit tests (`build/normalise_tests.rs`) run.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

#[path = "../build/groups.rs"]
mod groups;
#[path = "../build/normalise.rs"]
mod normalise;
#[path = "../build/spec_source.rs"]
mod spec_source;
