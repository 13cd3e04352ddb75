//! Writes the spec the mock serves every operation from (`OUT_DIR/mock-spec.json`): Okta's document without its
//! prose, chosen as the client's is (the committed default, linked from `spec/`, or `OKTA_SPEC_PATH`).

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
    let written = okta_management_codegen::mock_spec::write_mock_spec(&manifest_dir, &out_dir)?;
    written.print_cargo_instructions();
    // `okta_management_mock::SPEC_VERSION`.
    println!("cargo::rustc-env=OKTA_MOCK_SPEC_VERSION={}", written.spec_version);
    Ok(())
}
