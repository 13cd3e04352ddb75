//! The spec resolution the generator runs (`okta_management_codegen::spec_source`): vetted files are recognised by
//! checksum, unvetted ones need `OKTA_SPEC_SHA256`, and every failure is one error that says what to do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use okta_management_codegen::spec_source::{check_version, parse, resolve_from};
use std::path::{Path, PathBuf};

/// The package the generator runs for (`okta-management-types`, whose `spec/` holds the default spec).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../types")
}

fn shared_2024() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/okta-management-2024.08.3.yaml")
}

/// A file of its own in the temp dir.
fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("okta-spec-source-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn sha256_of(path: &Path) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_default_is_the_committed_2026_spec_and_vetted() {
    let spec = resolve_from(&root(), None, None).unwrap();
    assert_eq!(spec.vetted.map(|v| v.version), Some("2026.06.3"));
    assert_eq!(spec.sha256, "291293032a071bc368f139fea20442cc72e30fe1adfcff3b9753a2b9ddfece52");
    assert!(spec.path.ends_with("spec/okta-management-2026.06.3.yaml"));
    let doc = parse(&spec).unwrap();
    assert_eq!(check_version(&spec, doc["info"]["version"].as_str().unwrap()).unwrap(), None);
}

#[test]
fn a_vetted_file_is_recognised_by_its_checksum_wherever_it_is() {
    let path = shared_2024();
    if !path.exists() {
        eprintln!("skipped: {} is not there", path.display());
        return;
    }
    let copy = temp_file("renamed-2024.yaml", &std::fs::read(&path).unwrap());
    let spec = resolve_from(&root(), Some(copy), None).unwrap();
    assert_eq!(spec.vetted.map(|v| v.version), Some("2024.08.3"));
    assert_eq!(check_version(&spec, "2024.08.3").unwrap(), None);
    // A vetted checksum whose file claims another version is refused.
    let err = check_version(&spec, "2099.01.0").unwrap_err();
    assert!(err.contains("vetted spec 2024.08.3") && err.contains("2099.01.0"), "{err}");
}

#[test]
fn an_unvetted_file_needs_its_checksum_vouched_for() {
    let path = temp_file("custom.yaml", b"openapi: 3.0.3\ninfo:\n  title: t\n  version: 2027.01.0\npaths: {}\n");
    let sha = sha256_of(&path);

    let err = resolve_from(&root(), Some(path.clone()), None).err().expect("unvetted without OKTA_SPEC_SHA256");
    assert!(err.contains("is not a vetted spec"), "{err}");
    assert!(err.contains(&format!("OKTA_SPEC_SHA256={sha}")), "says what to set: {err}");
    assert!(err.contains("2026.06.3") && err.contains("2024.08.3"), "lists the vetted specs: {err}");

    let err = resolve_from(&root(), Some(path.clone()), Some("00".repeat(32))).err().expect("wrong checksum");
    assert!(err.contains("not the one you vouched for") && err.contains(&sha), "{err}");

    let spec = resolve_from(&root(), Some(path), Some(sha.to_uppercase())).unwrap();
    assert!(spec.vetted.is_none());
    let doc = parse(&spec).unwrap();
    let warning = check_version(&spec, doc["info"]["version"].as_str().unwrap()).unwrap().expect("a warning");
    assert!(warning.contains("2027.01.0") && warning.contains("not vetted"), "{warning}");
}

#[test]
fn a_missing_file_or_bad_yaml_is_one_error_that_says_what_to_do() {
    let missing = std::env::temp_dir().join("okta-spec-source-does-not-exist.yaml");
    let err = resolve_from(&root(), Some(missing.clone()), None).err().expect("missing");
    assert!(err.contains("cannot read the Okta spec") && err.contains(&missing.display().to_string()), "{err}");
    assert!(err.contains("Unset OKTA_SPEC_PATH"), "{err}");

    let path = temp_file("broken.yaml", b"openapi: [3.0.3\n  info: {\n");
    let sha = sha256_of(&path);
    let spec = resolve_from(&root(), Some(path), Some(sha)).unwrap();
    let err = parse(&spec).unwrap_err();
    assert!(err.contains("is not valid YAML") && err.contains("OKTA_SPEC_PATH"), "{err}");
}
