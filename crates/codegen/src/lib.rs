//! The generator of the Okta Management API client: the build-dependency of `okta-management-types`, whose build
//! script calls [`generate`] and prints the cargo instructions it returns.
//!
//! What this crate owns:
//! - loading the spec: the committed default or `OKTA_SPEC_PATH`, recognised by SHA-256 against the table of vetted
//!   specs ([`spec_source`]; an unvetted file needs `OKTA_SPEC_SHA256`);
//! - the normalisation pass (`normalise/`): small, named rules, each fixing one defect of Okta's spec that stops
//!   progenitor/typify or that would make the models lose data, listed in run order in its `RULES` table;
//! - the feature groups (`groups.rs`): spec tags → cargo features, and pruning the spec to the enabled groups;
//! - the mock org's copy of the spec (`mock_spec.rs`): Okta's document as published, without its prose;
//! - emitting (`emit/`): progenitor on the normalised spec, named edits of its output as a syntax tree, listed in
//!   run order in its `EDITS` table (each checking how many places it changed), and the generated files (models,
//!   client, manifest, tables) in `OUT_DIR`.
//!
//! What it must not do: hold runtime code (the transport, pagination, `open_enum!`/`tagged_union!` live in the
//! crates that compile the generated files), depend on the other workspace crates (it is their build-dependency),
//! or touch the network (the build works offline; a spec is a file on disk).

mod emit;
mod groups;
pub mod mock_spec;
mod normalise;
pub mod spec_source;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use groups::FEATURES;

/// What [`generate`] did, and what the calling build script must tell cargo.
#[derive(Debug)]
pub struct Generated {
    /// `info.version` of the spec generated from (for `cfg(okta_spec = "…")` and `cargo::metadata`).
    pub spec_version: String,
    /// Cargo warnings (an unvetted spec, spec tags in no feature group), one line each, without `cargo:warning=`.
    pub warnings: Vec<String>,
    /// Files whose change must rerun the build script (the spec).
    pub rerun_if_changed: Vec<PathBuf>,
    /// Environment variables whose change must rerun the build script (`OKTA_SPEC_PATH`, `OKTA_SPEC_SHA256`, and the
    /// decode benchmark's `OKTA_CODEGEN_PLAIN_SERDE`).
    pub rerun_if_env_changed: Vec<&'static str>,
}

impl Generated {
    /// Prints what cargo must know (the spec file and variables to rerun on, the warnings) for the calling build
    /// script.
    pub fn print_cargo_instructions(&self) {
        for var in &self.rerun_if_env_changed {
            println!("cargo:rerun-if-env-changed={var}");
        }
        for path in &self.rerun_if_changed {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        for warning in &self.warnings {
            println!("cargo:warning={warning}");
        }
    }
}

/// Generates the API into `out_dir` for the package at `manifest_dir` (the spec is resolved against it) with the
/// API groups `enabled` (names from [`FEATURES`]; all of them for the whole API): resolves and checks the spec,
/// tags operations with their groups, normalises, prunes to the enabled groups, writes the normalised spec
/// (`normalised-spec.json`, for whoever debugs the generator) and the generated files. Prints nothing.
pub fn generate(manifest_dir: &Path, out_dir: &Path, enabled: &BTreeSet<&str>) -> Result<Generated, String> {
    let spec = spec_source::resolve(manifest_dir)?;
    let mut document = spec_source::parse(&spec)?;
    let info_version = document.pointer("/info/version").and_then(serde_json::Value::as_str).unwrap_or("unknown");
    let mut warnings: Vec<String> = spec_source::check_version(&spec, info_version)?.into_iter().collect();
    let spec_version = info_version.to_string();
    let tag_groups = groups::TagGroups::of(&document, manifest_dir)?;
    warnings.extend(tag_groups.warnings.iter().cloned());
    let mut normalised =
        normalise::run(&mut document, &|op| tag_groups.feature_of(op), spec.vetted.map(|v| v.version))?;
    if FEATURES.iter().any(|feature| !enabled.contains(feature)) {
        groups::prune(&mut document, &mut normalised, &tag_groups, enabled);
    }
    // Kept for whoever debugs the generator: the exact document progenitor sees.
    let dump = serde_json::to_vec(&document).map_err(|e| e.to_string())?;
    std::fs::write(out_dir.join("normalised-spec.json"), dump).map_err(|e| e.to_string())?;
    emit::emit(&document, &normalised, out_dir, &spec_version, &spec.sha256)?;
    Ok(Generated {
        spec_version,
        warnings,
        rerun_if_changed: vec![spec.path],
        rerun_if_env_changed: spec_source::ENV_VARS.iter().copied().chain([emit::PLAIN_SERDE_ENV]).collect(),
    })
}

/// The API groups the calling build script's package enables: the [`FEATURES`] whose `CARGO_FEATURE_<NAME>` is
/// set (cargo sets them for a build script).
pub fn enabled_groups() -> BTreeSet<&'static str> {
    groups::enabled()
}
