//! Points the crate at the code `okta-management-types` generated from Okta's spec (its build script runs the
//! generator, the `okta-management-codegen` crate, and shares its `OUT_DIR` through `links` metadata), and sets the
//! `okta_spec = "<version>"` cfg for hand-written code that exists for one spec version only.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DEP_OKTA_MANAGEMENT_TYPES_OUT_DIR");
    println!("cargo:rerun-if-env-changed=DEP_OKTA_MANAGEMENT_TYPES_SPEC_VERSION");
    let Ok(generated) = std::env::var("DEP_OKTA_MANAGEMENT_TYPES_OUT_DIR") else {
        eprintln!(
            "error: okta-management-types did not say where its generated code is (DEP_OKTA_MANAGEMENT_TYPES_OUT_DIR)"
        );
        std::process::exit(1);
    };
    println!("cargo:rustc-env=OKTA_GENERATED_DIR={generated}");
    let version = std::env::var("DEP_OKTA_MANAGEMENT_TYPES_SPEC_VERSION").unwrap_or_default();
    println!("cargo::rustc-check-cfg=cfg(okta_spec, values(any()))");
    println!("cargo::rustc-cfg=okta_spec=\"{version}\"");
    // For the User-Agent header: `rust/<version>`.
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = std::process::Command::new(rustc).arg("--version").output().ok();
    let rustc_version = output.and_then(|o| String::from_utf8(o.stdout).ok());
    let rustc_version = rustc_version.as_deref().and_then(|v| v.split_whitespace().nth(1)).unwrap_or("unknown");
    println!("cargo:rustc-env=OKTA_RUSTC_VERSION={rustc_version}");
}
