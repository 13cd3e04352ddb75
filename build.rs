//! Generates the Okta Management API client from Okta's OpenAPI spec.
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
    // For the User-Agent header: `rust/<version>`.
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version =
        std::process::Command::new(rustc).arg("--version").output().ok().and_then(|o| String::from_utf8(o.stdout).ok());
    let version = version.as_deref().and_then(|v| v.split_whitespace().nth(1)).unwrap_or("unknown").to_string();
    println!("cargo:rustc-env=OKTA_RUSTC_VERSION={version}");
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
