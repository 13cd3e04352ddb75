//! Finds Okta's spec and checks it: the committed default (`spec/okta-management-2026.06.3.yaml`), or the file
//! `OKTA_SPEC_PATH` names. A file is recognised by its SHA-256 against the table of vetted specs; an unvetted file
//! builds only when `OKTA_SPEC_SHA256` vouches for it. Nothing is downloaded: the build works offline.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A spec version the generator has been run and tested on.
pub struct VettedSpec {
    /// `info.version` of the file.
    pub version: &'static str,
    /// Where Okta publishes it, at a pinned commit of okta/okta-management-openapi-spec.
    pub upstream: &'static str,
    /// SHA-256 of the file as published.
    pub sha256: &'static str,
}

/// Every spec known to generate a working client. The first is the default, committed under `spec/`.
pub const VETTED: &[VettedSpec] = &[
    VettedSpec {
        version: "2026.06.3",
        upstream: "https://raw.githubusercontent.com/okta/okta-management-openapi-spec/2e5a2c4a2432b8b8b516f2a9f535a79b04813f7e/dist/2026.06.3/management-minimal.yaml",
        sha256: "291293032a071bc368f139fea20442cc72e30fe1adfcff3b9753a2b9ddfece52",
    },
    VettedSpec {
        version: "2024.08.3",
        upstream: "https://raw.githubusercontent.com/okta/okta-management-openapi-spec/62f81c821debba7882b5e9d2f088c5ca5fc1d519/dist/2024.08.3/management-minimal.yaml",
        sha256: "8c8628d3e321542871d9755069d5f757b1387d61b08c30d6f8a70fba2d60e260",
    },
];

/// The default spec, relative to the package root (the `manifest_dir` given to [`resolve`]).
pub const DEFAULT_FILE: &str = "spec/okta-management-2026.06.3.yaml";

/// A spec file that passed the checksum check.
pub struct Spec {
    /// The file: `OKTA_SPEC_PATH`, else [`DEFAULT_FILE`] under the package root.
    pub path: PathBuf,
    /// Its contents (UTF-8).
    pub text: String,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
    /// The table entry it matched; `None` for a file vouched for by `OKTA_SPEC_SHA256`.
    pub vetted: Option<&'static VettedSpec>,
}

/// The environment variables [`resolve`] reads (a build script reruns when they change).
pub const ENV_VARS: [&str; 2] = ["OKTA_SPEC_PATH", "OKTA_SPEC_SHA256"];

/// Reads and verifies the spec to generate from, as `OKTA_SPEC_PATH` and `OKTA_SPEC_SHA256` say ([`ENV_VARS`]; a
/// build script reruns when they or [`Spec::path`] change).
pub fn resolve(manifest_dir: &Path) -> Result<Spec, String> {
    let chosen = std::env::var_os("OKTA_SPEC_PATH").filter(|p| !p.is_empty()).map(PathBuf::from);
    let vouched = std::env::var("OKTA_SPEC_SHA256").ok().filter(|s| !s.is_empty());
    resolve_from(manifest_dir, chosen, vouched)
}

/// [`resolve`] with the settings given: the chosen file (else the default) and the checksum vouched for.
pub fn resolve_from(manifest_dir: &Path, chosen: Option<PathBuf>, vouched: Option<String>) -> Result<Spec, String> {
    let (path, source) = match chosen {
        Some(path) => (path, "OKTA_SPEC_PATH"),
        None => (manifest_dir.join(DEFAULT_FILE), "the default"),
    };
    let bytes = std::fs::read(&path).map_err(|e| {
        format!("cannot read the Okta spec at {} ({source}): {e}\n  {}", path.display(), how_to_choose())
    })?;
    let sha256 = hex(&Sha256::digest(&bytes));
    let vetted = VETTED.iter().find(|v| v.sha256 == sha256);
    if vetted.is_none() {
        let vouched = vouched.map(|s| s.trim().to_ascii_lowercase());
        match vouched.as_deref() {
            Some(expected) if expected == sha256 => {}
            Some(expected) => {
                return Err(format!(
                    "the Okta spec at {} has SHA-256 {sha256}, but OKTA_SPEC_SHA256 is {expected}: the file is not \
                     the one you vouched for; fix OKTA_SPEC_SHA256 or OKTA_SPEC_PATH",
                    path.display()
                ));
            }
            None => {
                return Err(format!(
                    "the Okta spec at {} ({source}) is not a vetted spec (SHA-256 {sha256}).\n  {}\n  To build from it \
                     anyway, set OKTA_SPEC_SHA256={sha256}",
                    path.display(),
                    how_to_choose()
                ));
            }
        }
    }
    let text =
        String::from_utf8(bytes).map_err(|e| format!("the Okta spec at {} is not UTF-8: {e}", path.display()))?;
    Ok(Spec { path, text, sha256, vetted })
}

/// Checks the parsed document against its table entry; for an unvetted file, returns the warning cargo must print.
pub fn check_version(spec: &Spec, info_version: &str) -> Result<Option<String>, String> {
    match spec.vetted {
        Some(v) if v.version != info_version => Err(format!(
            "the Okta spec at {} matches the checksum of vetted spec {} but says it is version {info_version}",
            spec.path.display(),
            v.version
        )),
        Some(_) => Ok(None),
        None => Ok(Some(format!(
            "okta-management is generated from Okta spec {info_version} ({}), which is not vetted: the build may \
             fail or the client may be incomplete (vetted: {})",
            spec.path.display(),
            VETTED.iter().map(|v| v.version).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Parses the spec's YAML; an error says what to do.
pub fn parse(spec: &Spec) -> Result<serde_json::Value, String> {
    serde_norway::from_str(&spec.text).map_err(|e| {
        format!(
            "the Okta spec at {} is not valid YAML: {e}\n  Point OKTA_SPEC_PATH at Okta's management-minimal.yaml, or unset it to build the default",
            spec.path.display()
        )
    })
}

fn how_to_choose() -> String {
    let table: String =
        VETTED.iter().map(|v| format!("\n    {} sha256 {} from {}", v.version, v.sha256, v.upstream)).collect();
    format!(
        "Unset OKTA_SPEC_PATH to build the default ({DEFAULT_FILE}), or point it at one of the vetted specs:{table}"
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
