//! Shared helpers of the integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Okta's spec as JSON, parsed once per test binary (from `OKTA_SPEC_PATH`, else the committed default).
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(spec_path()).expect("the Okta spec is readable");
        serde_norway::from_str(&text).expect("the Okta spec is YAML")
    })
}

/// The spec the crate was built from: the same rule as build.rs.
pub fn spec_path() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("OKTA_SPEC_PATH")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("spec/okta-management-2026.06.3.yaml"))
}

/// Follows a local `$ref` (`#/components/...`) if `v` is one.
pub fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => spec.pointer(&r.replacen('#', "", 1)).map(|t| resolve(spec, t)).unwrap_or(v),
        None => v,
    }
}

/// Every operation of the spec (paths and `x-webhooks`): (operationId, METHOD, path, operation).
pub fn operations(spec: &Value) -> Vec<(String, String, String, &Value)> {
    let mut ops = Vec::new();
    for section in ["paths", "x-webhooks"] {
        for (path, item) in spec[section].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    ops.push((id.to_string(), method.to_uppercase(), format!("{section}:{path}"), op));
                }
            }
        }
    }
    ops
}

/// A built example's binary, beside the test binary: `target/<profile>/deps/it-<hash>` →
/// `target/<profile>/examples/<name>`. `cargo test --all-features` builds every example; a test run that builds
/// none (`--test it` alone) is told how to build it.
pub fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let binary = profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is not built: `cargo test --all-features` builds every example (or run `cargo build --all-features \
         --example {name}`)",
        binary.display()
    );
    binary
}
