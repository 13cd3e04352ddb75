//! The models' names are the spec's or say what a type is: no numbered twin (`UserType2` beside `UserType`) and no
//! `…Variant3`, which tell a user nothing (the normalisation names inline schemas; see crates/codegen).

use std::collections::BTreeSet;

/// Every type name the generated models define.
fn model_names() -> BTreeSet<String> {
    let path = concat!(env!("OKTA_GENERATED_DIR"), "/okta_types.rs");
    let code = std::fs::read_to_string(path).unwrap();
    let mut names = BTreeSet::new();
    for line in code.lines() {
        let line = line.trim_start();
        for prefix in ["pub struct ", "pub enum ", "pub type "] {
            if let Some(rest) = line.strip_prefix(prefix) {
                names.insert(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
            }
        }
    }
    names
}

/// `Base` when `name` is `Base` + digits and `Base` is a type too (a numbered twin), or `…Variant` + digits.
fn numbered(name: &str, all: &BTreeSet<String>) -> bool {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
    base.len() < name.len() && (all.contains(base) || base.ends_with("Variant"))
}

#[test]
fn no_model_has_a_numbered_name() {
    let names = model_names();
    assert!(names.len() > 100, "the generated models were read: {}", names.len());
    let numbered: Vec<&String> = names.iter().filter(|n| numbered(n, &names)).collect();
    assert!(numbered.is_empty(), "numbered type names in the public API: {numbered:?}");
}

#[test]
fn the_check_recognises_numbered_names() {
    let all: BTreeSet<String> =
        ["UserType", "UserType2", "AppCsrPkcs10", "FactorVariant0", "OAuth2Claim", "ErrorBody", "Error409"]
            .into_iter()
            .map(String::from)
            .collect();
    let found: Vec<&String> = all.iter().filter(|n| numbered(n, &all)).collect();
    assert_eq!(found, ["FactorVariant0", "UserType2"]);
}
