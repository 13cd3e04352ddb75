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
    let spec_text = spec_source::resolve(&out_dir)?;
    let mut document: serde_json::Value =
        serde_norway::from_str(&spec_text).map_err(|e| format!("the Okta spec is not valid YAML: {e}"))?;
    groups::check_every_tag_is_grouped(&document)?;
    let mut normalised = normalise::run(&mut document)?;
    let enabled = groups::enabled();
    if enabled.len() < groups::GROUPS.len() {
        groups::prune(&mut document, &mut normalised, &enabled);
    }
    // Kept for whoever debugs the generator: the exact document progenitor sees.
    let dump = serde_json::to_vec(&document).map_err(|e| e.to_string())?;
    std::fs::write(out_dir.join("normalised-spec.json"), dump).map_err(|e| e.to_string())?;
    codegen::generate(&document, &normalised, &out_dir)
}
