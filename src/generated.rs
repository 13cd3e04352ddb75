//! The one place generated code enters the crate: progenitor's client, compiled here, and the models
//! (typify's structs, the open enums and tagged unions), compiled by `okta-management-types` — both written by its
//! build script (the `okta-management-codegen` crate), whose `OUT_DIR` build.rs passes on as `OKTA_GENERATED_DIR`.
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

pub use okta_management_types::generated::{models, types};

include!(concat!(env!("OKTA_GENERATED_DIR"), "/okta_generated.rs"));

include!(concat!(env!("OKTA_GENERATED_DIR"), "/okta_paginated.rs"));
