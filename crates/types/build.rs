//! Generates the Okta Management API from Okta's OpenAPI spec: this crate compiles the models (`okta_types.rs`,
//! `okta_models.rs`); the client, manifest and tables are written beside them for `okta-management`, whose build
//! script finds them through this crate's `links` metadata (`DEP_OKTA_MANAGEMENT_TYPES_OUT_DIR`).
//!
//! Steps: resolve the spec file (and check its SHA-256), run the normalisation pass (each fix a named function
//! in `build/normalise.rs`), hand the result to progenitor, and write the generated code plus an operation
//! manifest into `OUT_DIR`. Nothing generated is committed.

// A build script reports failure by stopping: its invariant checks may panic, and the spec is indexed freely.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

#[path = "build/codegen.rs"]
mod codegen;
#[path = "build/groups.rs"]
mod groups;
#[path = "build/normalise.rs"]
mod normalise;
#[path = "build/spec_source.rs"]
mod spec_source;

use std::path::PathBuf;

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let spec = spec_source::resolve(&manifest_dir)?;
    let mut document = spec_source::parse(&spec)?;
    let info_version = document.pointer("/info/version").and_then(serde_json::Value::as_str).unwrap_or("unknown");
    if let Some(warning) = spec_source::check_version(&spec, info_version)? {
        println!("cargo:warning={warning}");
    }
    let info_version = info_version.to_string();
    // `#[cfg(okta_spec = "2024.08.3")]` for hand-written code of operations a spec version does not have.
    println!("cargo::rustc-check-cfg=cfg(okta_spec, values(any()))");
    println!("cargo::rustc-cfg=okta_spec=\"{info_version}\"");
    // For okta-management's build script: where the generated files are, and which spec they come from.
    println!("cargo::metadata=out_dir={}", out_dir.display());
    println!("cargo::metadata=spec_version={info_version}");
    let tag_groups = groups::TagGroups::of(&document, &manifest_dir)?;
    let mut normalised = normalise::run(&mut document, &tag_groups, spec.vetted.map(|v| v.version))?;
    let enabled = groups::enabled();
    if enabled.len() < groups::FEATURES.len() {
        groups::prune(&mut document, &mut normalised, &tag_groups, &enabled);
    }
    // Kept for whoever debugs the generator: the exact document progenitor sees.
    let dump = serde_json::to_vec(&document).map_err(|e| e.to_string())?;
    std::fs::write(out_dir.join("normalised-spec.json"), dump).map_err(|e| e.to_string())?;
    codegen::generate(&document, &normalised, &out_dir, &info_version, &spec.sha256)
}
