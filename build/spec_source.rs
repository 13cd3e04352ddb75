//! Finds Okta's spec: `OKTA_SPEC_PATH`, then `spec/okta-management-2024.08.3.yaml`, then a download of the pinned
//! upstream file. Every source is checked against the pinned SHA-256.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const SPEC_FILE: &str = "okta-management-2024.08.3.yaml";
const SPEC_SHA256: &str = "8c8628d3e321542871d9755069d5f757b1387d61b08c30d6f8a70fba2d60e260";
const SPEC_URL: &str = "https://raw.githubusercontent.com/okta/okta-management-openapi-spec/62f81c821debba7882b5e9d2f088c5ca5fc1d519/dist/2024.08.3/management-minimal.yaml";

/// Returns the spec's text, verified.
pub fn resolve(out_dir: &Path) -> Result<String, String> {
    println!("cargo:rerun-if-env-changed=OKTA_SPEC_PATH");
    let local = PathBuf::from("spec").join(SPEC_FILE);
    // A missing path given to rerun-if-changed makes cargo re-run the script on every build: watch the file when
    // it is there, else the directory (whose mtime changes when the file is added).
    if local.exists() {
        println!("cargo:rerun-if-changed={}", local.display());
    } else {
        println!("cargo:rerun-if-changed=spec");
    }
    if let Some(path) = std::env::var_os("OKTA_SPEC_PATH").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        println!("cargo:rerun-if-changed={}", path.display());
        return read_verified(&path, "OKTA_SPEC_PATH");
    }
    if local.exists() {
        return read_verified(&local, "spec/");
    }
    let cached = out_dir.join(SPEC_FILE);
    if cached.exists() {
        if let Ok(text) = read_verified(&cached, "download cache") {
            return Ok(text);
        }
    }
    download(&cached)?;
    read_verified(&cached, SPEC_URL)
}

fn read_verified(path: &Path, source: &str) -> Result<String, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read the Okta spec at {} (from {source}): {e}{}", path.display(), HOW_TO))?;
    let digest = hex(&Sha256::digest(&bytes));
    if digest != SPEC_SHA256 {
        return Err(format!(
            "the Okta spec at {} (from {source}) has SHA-256 {digest}, expected {SPEC_SHA256}{HOW_TO}",
            path.display()
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("the Okta spec at {} is not UTF-8: {e}", path.display()))
}

fn download(target: &Path) -> Result<(), String> {
    // curl is everywhere CI and developers build; a TLS stack in build-dependencies would cost every build.
    let status = std::process::Command::new("curl")
        .args(["--fail", "--silent", "--show-error", "--location", "--max-time", "120", "--output"])
        .arg(target)
        .arg(SPEC_URL)
        .status()
        .map_err(|e| format!("cannot run curl to download the Okta spec from {SPEC_URL}: {e}{HOW_TO}"))?;
    if !status.success() {
        let _ = std::fs::remove_file(target);
        return Err(format!("downloading the Okta spec from {SPEC_URL} failed ({status}){HOW_TO}"));
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const HOW_TO: &str = "\n  Provide Okta's management-minimal.yaml 2024.08.3 (SHA-256 8c8628d3…0e260) in one of these ways:\n  - set OKTA_SPEC_PATH=/path/to/okta-management-2024.08.3.yaml\n  - copy it to spec/okta-management-2024.08.3.yaml (git-ignored)\n  - allow network access so build.rs can download it (see spec/README.md)";
