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
            // The error names a path that leads to the changed value (its member, the array or union holding it)
            // or lies inside it (an element of an array put where objects are declared). (No path: the body as a
            // whole is the value, for a body decoded whole, e.g. a union of an object and an array.)
            let located = e.split(" at `").nth(1).and_then(|rest| rest.split('`').next()).unwrap_or("");
            let whole = located.is_empty() && e.contains("`the response.(top level)`");
            let changed_at = path_text(leaf);
            prop_assert!(
                whole || leads_to(located, &changed_at) || leads_to(&changed_at, located),
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
    assert!(cases.len() > 500, "{} examples", cases.len());
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

/// A server that answers every request with `body` (a `Link` to page 2 on `/api/v1/users` without `after`).
async fn serve(body: Value, second_page: Value) -> String {
    use axum::extract::Request;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let link = format!("<{base}/api/v1/users?after=2>; rel=\"next\"");
    let app = axum::Router::new().fallback(move |request: Request| {
        let (body, second_page, link) = (body.clone(), second_page.clone(), link.clone());
        async move {
            let query = request.uri().query().unwrap_or_default().to_owned();
            let mut response = axum::response::Response::builder().header("content-type", "application/json");
            if request.uri().path() == "/api/v1/users" && query.is_empty() {
                response = response.header("link", link);
            }
            let body = if query.contains("after=2") { second_page } else { body };
            response.body(axum::body::Body::from(body.to_string())).unwrap()
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

fn client(base: &str, strict: bool) -> okta_management::Client {
    okta_management::Client::builder()
        .org_url(base)
        .token("00test-token")
        .disable_https_check(true)
        .strict_decoding(strict)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_real_response_with_a_wrong_field_decodes_warns_and_is_written_back() {
    let capture = crate::capture::global();
    let user = json!({
        "id": "00u1", "status": 5, "created": "2024-01-01T00:00:00.000Z", "lastLogin": null,
        "profile": {"login": "a@example.com", "email": "a@example.com", "firstName": ["A"], "costCenter": 7}
    });
    let base = serve(user.clone(), json!([])).await;

    let decoded = client(&base, false).get_user().id("00u1").send().await.unwrap();
    assert_eq!(decoded.id.as_deref(), Some("00u1"));
    assert!(decoded.status.is_none());
    assert_eq!(decoded.extra["status"], 5);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), user, "written back exactly");
    let logs = capture.text();
    let warning = logs
        .lines()
        .find(|l| l.contains("WARN") && l.contains("operation=\"get_user\"") && l.contains("member=\"status\""))
        .unwrap_or_else(|| panic!("no warning for get_user's status in:\n{logs}"));
    for part in ["path=\"status\"", "model=\"UserGetSingleton\"", "expected=\"string\"", "found=\"integer\""] {
        assert!(warning.contains(part), "{part} missing: {warning}");
    }
    assert!(logs.contains("path=\"profile.firstName\""), "every mismatch of the response is located: {logs}");

    let error = client(&base, true).get_user().id("00u1").send().await.unwrap_err();
    let okta_management::Error::Decode { path, operation, .. } = &error else { panic!("{error:?}") };
    // The first value that does not fit, in the body's order (`json!` sorts members: `profile` before `status`).
    assert_eq!((path.as_deref(), operation.as_deref()), (Some("profile.costCenter"), Some("get_user")));
    assert!(error.to_string().contains("`UserProfile.costCenter`: expected string, found integer"), "{error}");
}

#[tokio::test]
async fn a_listing_goes_on_past_an_item_with_a_wrong_field_and_strict_mode_names_the_item() {
    let first = json!([{"id": "00u1", "profile": {"login": "a@example.com"}}]);
    let second = json!([{"id": "00u2"}, {"id": "00u3", "credentials": "not an object", "type": {"id": 12}}]);
    let base = serve(first, second.clone()).await;
    let users = client(&base, false).list_users().stream().collect_all().await.unwrap();
    assert_eq!(users.len(), 3);
    assert_eq!(users[2].extra["credentials"], "not an object");
    assert_eq!(serde_json::to_value(&users[1..]).unwrap(), second);

    let error = client(&base, true).list_users().stream().collect_all().await.unwrap_err();
    let okta_management::Error::Decode { path, .. } = &error else { panic!("{error:?}") };
    assert_eq!(path.as_deref(), Some("[1].credentials"), "{error}");
}

#[test]
fn a_body_whose_top_level_is_not_the_declared_kind_fails_with_a_path_less_error_and_an_excerpt() {
    let decode = decoders()[&("getUser", "200")];
    for body in [json!([{"id": "00u1"}]), json!("00u1"), json!(null)] {
        let error = decode(body.clone(), Decoding::Lenient).unwrap_err();
        assert!(!error.contains(" at `"), "{error}");
        assert!(error.contains("body starts with"), "{error}");
    }
}
