//! Generates the Okta Management API from Okta's OpenAPI spec with the generator crate (`crates/codegen`,
//! `okta-management-codegen`): this crate compiles the models (`okta_types.rs`, `okta_models.rs`); the client,
//! manifest and tables are written beside them for `okta-management`, whose build script finds them through this
//! crate's `links` metadata (`DEP_OKTA_MANAGEMENT_TYPES_OUT_DIR`). Nothing generated is committed.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let dir = |var: &str| std::env::var_os(var).map(PathBuf::from).ok_or_else(|| format!("{var} is not set"));
    let (manifest_dir, out_dir) = (dir("CARGO_MANIFEST_DIR")?, dir("OUT_DIR")?);
    // The API groups are this crate's cargo features (`CARGO_FEATURE_<GROUP>`).
    let enabled = okta_management_codegen::enabled_groups();
    let generated = okta_management_codegen::generate(&manifest_dir, &out_dir, &enabled)?;
    generated.print_cargo_instructions();
    let version = &generated.spec_version;
    // `#[cfg(okta_spec = "2024.08.3")]` for hand-written code of operations a spec version does not have.
    println!("cargo::rustc-check-cfg=cfg(okta_spec, values(any()))");
    println!("cargo::rustc-cfg=okta_spec=\"{version}\"");
    // For okta-management's build script: where the generated files are, and which spec they come from.
    println!("cargo::metadata=out_dir={}", out_dir.display());
    println!("cargo::metadata=spec_version={version}");
    Ok(())
}
