//! The one place generated code enters the crate: progenitor's client and typify's models from `OUT_DIR`,
//! plus the open enums and tagged unions build.rs emits for them (see `build/normalise.rs`).
#![allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    unused,
    deprecated,
    rustdoc::all
)]

include!(concat!(env!("OUT_DIR"), "/okta_generated.rs"));

/// Open enums and discriminated unions that replace typify's closed enums and plain base structs.
pub mod models {
    include!(concat!(env!("OUT_DIR"), "/okta_models.rs"));
}

include!(concat!(env!("OUT_DIR"), "/okta_paginated.rs"));
