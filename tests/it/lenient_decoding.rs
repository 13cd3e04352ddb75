//! One value of a real response changed to another JSON type: the response still decodes and is written back
//! exactly (lenient mode), and strict mode fails on it with an error whose JSON path leads to it. The responses are
//! the spec's 2xx examples (whose top level fits the declared body), each leaf a property test may pick.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg(feature = "full")]

use crate::conformance::{Decoder, Example, decoders, examples, is_known_bad};
use okta_management::decode::Decoding;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};
use std::sync::OnceLock;

/// A response example, its decoder, and the paths of its leaves that sit in an object member (a leaf directly in a
/// top-level array has no object to be kept in: the whole response is then not the declared kind).
struct Case {
    example: &'static Example,
    decode: Decoder,
    leaves: Vec<Vec<Step>>,
    /// Whether the unchanged example decodes in strict mode (some of the spec's examples contradict its schema).
    strict_clean: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    static EXAMPLES: OnceLock<Vec<Example>> = OnceLock::new();
    CASES.get_or_init(|| {
        let decoders = decoders();
        let examples = EXAMPLES.get_or_init(|| examples("response"));
        examples
            .iter()
            .filter(|e| !is_known_bad(e))
            .filter_map(|example| {
                let decode = *decoders.get(&(example.id.as_str(), example.which.as_str()))?;
                let mut leaves = Vec::new();
                collect_leaves(example.value, &mut Vec::new(), &mut leaves);
                let strict_clean = decode(example.value.clone(), Decoding::Strict).is_ok();
                (!leaves.is_empty()).then_some(Case { example, decode, leaves, strict_clean })
            })
            .collect()
    })
}

fn collect_leaves(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                path.push(Step::Key(key.clone()));
                collect_leaves(member, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                collect_leaves(item, path, out);
                path.pop();
            }
        }
        _ if path.iter().any(|s| matches!(s, Step::Key(_))) => out.push(path.clone()),
        _ => {}
    }
}

/// Replacement values of every JSON type; the one picked differs in type from the leaf it replaces.
fn replacements() -> [Value; 7] {
    [json!(null), json!(true), json!(42), json!(20.5), json!("changed"), json!([1, "two"]), json!({"k": "v"})]
}

fn kind(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(n) if n.is_f64() => 3,
        Value::Number(_) => 2,
        Value::String(_) => 4,
        Value::Array(_) => 5,
        Value::Object(_) => 6,
    }
}

fn leaf_mut<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k).unwrap(),
        Step::Index(i) => v.get_mut(*i).unwrap(),
    })
}

/// A path as the decode errors write it: `a.b[2].c`.
fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Whether `prefix` is `path` or leads to it (`a.b` leads to `a.b[1].c`, not to `a.bc`).
fn leads_to(prefix: &str, path: &str) -> bool {
    path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with(['.', '[']))
}

/// Checks one mutation: lenient decode + exact round trip, and strict mode's error path.
fn check(case: &Case, leaf: &[Step], replacement: &Value) -> Result<(), TestCaseError> {
    let mut changed = case.example.value.clone();
    *leaf_mut(&mut changed, leaf) = replacement.clone();
    let name = format!("{} {} {} at {}", case.example.id, case.example.which, case.example.name, path_text(leaf));
    let encoded = (case.decode)(changed.clone(), Decoding::Lenient)
        .map_err(|e| TestCaseError::fail(format!("{name} = {replacement}: does not decode: {e}")))?;
    prop_assert!(
        encoded == changed,
        "{name} = {replacement}: written back differently:\n in:  {changed}\n out: {encoded}"
    );
    if case.strict_clean {
        if let Err(e) = (case.decode)(changed, Decoding::Strict) {
            // The error names a path that leads to the changed value (its member, the array or union holding it).
            // (No path: the body as a whole is the value, for a body decoded whole, e.g. a union of an object and
            // an array.)
            let located = e.split(" at `").nth(1).and_then(|rest| rest.split('`').next()).unwrap_or("");
            let whole = located.is_empty() && e.contains("`the response.(top level)`");
            prop_assert!(
                whole || leads_to(located, &path_text(leaf)),
                "{name} = {replacement}: strict error at `{located}` does not lead to the changed value: {e}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_response_with_one_value_of_another_type_decodes_and_round_trips(
        example in any::<Index>(),
        leaf in any::<Index>(),
        choice in any::<Index>(),
    ) {
        let cases = cases();
        let case = &cases[example.index(cases.len())];
        let leaf = &case.leaves[leaf.index(case.leaves.len())];
        let original = kind(leaf_mut(&mut case.example.value.clone(), leaf));
        let others: Vec<Value> = replacements().into_iter().filter(|r| kind(r) != original).collect();
        check(case, leaf, &others[choice.index(others.len())])?;
    }
}

#[test]
fn most_response_examples_take_part_and_strict_mode_is_checked_on_most() {
    let cases = cases();
    let strict = cases.iter().filter(|c| c.strict_clean).count();
    let leaves: usize = cases.iter().map(|c| c.leaves.len()).sum();
    println!("{} response examples, {leaves} leaves; {strict} decode in strict mode unchanged", cases.len());
    assert!(cases.len() > 800, "{} examples", cases.len());
    assert!(strict * 5 > cases.len() * 4, "{strict} of {} decode strictly", cases.len());
}

#[test]
fn every_leaf_of_the_users_and_groups_examples_survives_every_other_type() {
    // Exhaustive on the examples users meet most, where the sampled test may miss a leaf.
    for case in cases().iter().filter(|c| c.example.id.contains("User") || c.example.id.contains("Group")) {
        for leaf in &case.leaves {
            let original = kind(leaf_mut(&mut case.example.value.clone(), leaf));
            for replacement in replacements().iter().filter(|r| kind(r) != original) {
                check(case, leaf, replacement).unwrap();
            }
        }
    }
}

#[test]
fn strict_mode_names_the_path_of_a_string_where_the_spec_says_boolean() {
    let decode = decoders()[&("getUserSchema", "200")];
    let schema =
        json!({"definitions": {"custom": {"properties": {"badge": {"type": "string", "unique": "UNIQUE_VALIDATED"}}}}});
    assert_eq!(decode(schema.clone(), Decoding::Lenient).unwrap(), schema);
    let error = decode(schema, Decoding::Strict).unwrap_err();
    assert!(error.contains("at `definitions.custom.properties.badge.unique`"), "{error}");
    assert!(error.contains("expected boolean, found string"), "{error}");
}
