//! Models written with the crate's macros, as the generator writes them: values that do not fit are kept, reported,
//! and written back exactly; strict mode fails on them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use okta_management_decode::context::{self, Mode};
use serde_json::{Map, Number, Value, json};
use std::collections::BTreeMap;

#[derive(Debug, Default, Clone, PartialEq)]
struct Attribute {
    title: Option<String>,
    unique: Option<bool>,
    max_length: Option<i64>,
    weight: Option<Number>,
    tags: Option<Vec<String>>,
    labels: Option<BTreeMap<String, String>>,
    nested: Option<Box<Attribute>>,
    children: Option<Vec<Attribute>>,
    label: Option<Label>,
    anything: Option<Value>,
    extra: Map<String, Value>,
}
okta_management_decode::object!(
    Attribute,
    extra {
        title: "title",
        unique: "unique",
        max_length: "maxLength",
        weight: "weight",
        tags: "tags",
        labels: "labels",
        nested: "nested",
        children: "children",
        label: "label",
        anything: "anything",
    }
);

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
struct Label(String);
okta_management_decode::newtype!(Label, String);

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}
okta_management_decode::via_json!(Audience, "string or array");

#[derive(Debug, Default, Clone, PartialEq)]
struct Stream {
    aud: Option<Audience>,
    extra: Map<String, Value>,
}
okta_management_decode::object!(Stream, extra { aud: "aud" });

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(input: &Value) -> (T, Value) {
    let decoded: T = serde_json::from_value(input.clone()).expect("decodes");
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    (decoded, encoded)
}

/// Decoding from bytes (what a response is) and from a `Value` take the same path; both are checked.
fn from_both<T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug>(input: &Value) -> T {
    let (from_value, encoded) = round_trip::<T>(input);
    assert_eq!(&encoded, input, "written back exactly");
    let bytes = serde_json::to_vec(input).expect("encodes");
    let from_bytes: T = serde_json::from_slice(&bytes).expect("decodes from bytes");
    assert_eq!(from_value, from_bytes);
    from_value
}

#[test]
fn fitting_values_land_in_their_fields() {
    let input = json!({
        "title": "Badge", "unique": true, "maxLength": 20, "weight": 2.5, "tags": ["a", "b"],
        "labels": {"en": "Badge"}, "nested": {"title": "inner"}, "children": [{"unique": false}],
        "label": "L", "anything": {"x": [1, null]}, "custom": {"kept": 1}
    });
    let attribute: Attribute = from_both(&input);
    assert_eq!(attribute.title.as_deref(), Some("Badge"));
    assert_eq!(attribute.unique, Some(true));
    assert_eq!(attribute.max_length, Some(20));
    assert_eq!(attribute.nested.as_ref().and_then(|n| n.title.as_deref()), Some("inner"));
    assert_eq!(attribute.children.as_ref().map(Vec::len), Some(1));
    assert_eq!(attribute.label, Some(Label("L".into())));
    assert_eq!(attribute.extra.keys().collect::<Vec<_>>(), ["custom"]);
}

#[test]
fn a_value_of_another_kind_is_kept_in_extra_and_written_back() {
    let cases = [
        json!({"unique": "UNIQUE_VALIDATED"}),
        json!({"maxLength": 20.0}),
        json!({"maxLength": "20"}),
        json!({"title": 1700000000000u64}),
        json!({"title": true}),
        json!({"tags": {"a": 1}}),
        json!({"tags": ["a", 2, "c"]}),
        json!({"tags": ["a", null]}),
        json!({"labels": ["en"]}),
        json!({"labels": {"en": "x", "fr": 3}}),
        json!({"nested": "not an object"}),
        json!({"nested": [{"title": "in a list"}]}),
        json!({"children": {"unique": true}}),
        json!({"label": 5}),
        json!({"weight": "heavy"}),
        json!({"maxLength": -1, "weight": 10}),
        json!({"maxLength": 18446744073709551615u64}),
    ];
    for input in cases {
        let attribute: Attribute = from_both(&input);
        let (key, value) = input.as_object().and_then(|o| o.iter().next()).expect("one member");
        if key == "maxLength" && value.is_i64() {
            assert!(attribute.extra.is_empty(), "{input}");
            continue;
        }
        assert_eq!(attribute.extra.get(key), Some(value), "{input}: kept under its key");
    }
}

#[test]
fn a_value_that_does_not_fit_deep_inside_stays_with_the_nearest_object() {
    let input = json!({"children": [{"title": "a"}, {"title": "b", "unique": "yes"}], "nested": {"nested": {"maxLength": true}}});
    let attribute: Attribute = from_both(&input);
    let children = attribute.children.expect("the list decodes");
    assert_eq!(children[1].extra.get("unique"), Some(&json!("yes")));
    assert_eq!(children[1].title.as_deref(), Some("b"));
    let inner = attribute.nested.and_then(|n| n.nested).expect("nested decodes");
    assert_eq!(inner.extra.get("maxLength"), Some(&json!(true)));
}

#[test]
fn null_stays_null_and_absent_stays_absent() {
    let attribute: Attribute = from_both(&json!({"title": null, "tags": [], "anything": null}));
    assert_eq!(attribute.title, None);
    assert_eq!(attribute.extra.get("title"), Some(&Value::Null));
    let empty: Attribute = from_both(&json!({}));
    assert_eq!(empty, Attribute::default());
}

#[test]
fn numbers_keep_their_form() {
    for weight in [json!(10), json!(10.0), json!(-3), json!(1.5e300), json!(0.1)] {
        let attribute: Attribute = from_both(&json!({ "weight": weight }));
        assert!(attribute.extra.is_empty());
    }
}

#[test]
fn the_typed_field_wins_once_it_is_set() {
    let mut attribute: Attribute = serde_json::from_value(json!({"unique": "UNIQUE_VALIDATED"})).expect("decodes");
    attribute.unique = Some(true);
    assert_eq!(serde_json::to_value(&attribute).expect("encodes"), json!({"unique": true}));
}

#[test]
fn types_with_serde_decoding_keep_what_does_not_fit() {
    from_both::<Stream>(&json!({"aud": "one"}));
    from_both::<Stream>(&json!({"aud": ["a", "b"]}));
    let stream: Stream = from_both(&json!({"aud": 7}));
    assert_eq!(stream.extra.get("aud"), Some(&json!(7)));
}

#[test]
fn the_top_level_must_be_an_object() {
    for input in ["[]", "\"user\"", "12", "null"] {
        let error = serde_json::from_str::<Attribute>(input).expect_err(input);
        assert!(error.to_string().contains("Attribute object"), "{error}");
    }
}

#[test]
fn lenient_mode_collects_mismatches_strict_mode_fails_on_the_first() {
    let body = r#"{"title": "t", "unique": "UNIQUE_VALIDATED", "children": [{"maxLength": 2.5}]}"#;
    let (result, report) = context::decode_with(Mode::Lenient, || serde_json::from_str::<Attribute>(body));
    assert!(result.is_ok());
    assert_eq!(report.count, 2);
    assert_eq!(report.mismatches[0].to_string(), "`Attribute.unique`: expected boolean, found string");
    assert_eq!(report.mismatches[1].to_string(), "`Attribute.maxLength`: expected integer, found number");

    let (result, report) = context::decode_with(Mode::Strict, || serde_json::from_str::<Attribute>(body));
    let error = result.expect_err("strict mode fails");
    assert!(error.to_string().starts_with("`Attribute.unique`: expected boolean, found string"), "{error}");
    assert_eq!((error.line(), error.column()), (1, 43), "the position is just past the value");
    assert_eq!(report.count, 0);

    let (result, _) = context::decode_with(Mode::FailAt(1), || serde_json::from_str::<Attribute>(body));
    let error = result.expect_err("fails at the second mismatch");
    assert!(error.to_string().contains("maxLength"), "{error}");
}

#[test]
fn with_no_context_nothing_is_reported_and_contexts_nest() {
    let body = r#"{"unique": "x"}"#;
    assert!(serde_json::from_str::<Attribute>(body).is_ok());
    let ((inner, inner_report), outer_report) = context::decode_with(Mode::Lenient, || {
        let _ = serde_json::from_str::<Attribute>(body);
        context::decode_with(Mode::Strict, || serde_json::from_str::<Attribute>(body))
    });
    assert!(inner.is_err());
    assert_eq!(inner_report.count, 0);
    assert_eq!(outer_report.count, 1, "the outer context is back after the inner one");
}

#[test]
fn a_report_keeps_a_bounded_number_of_mismatches() {
    let children: Vec<Value> = (0..200).map(|_| json!({"unique": "no"})).collect();
    let body = json!({ "children": children }).to_string();
    let (result, report) = context::decode_with(Mode::Lenient, || serde_json::from_str::<Attribute>(&body));
    assert!(result.is_ok());
    assert_eq!(report.count, 200);
    assert_eq!(report.mismatches.len(), context::MAX_KEPT);
}

#[test]
fn malformed_json_is_still_an_error() {
    for body in [r#"{"title": "#, r#"{"title": "a",}"#, r#"{"tags": [1, 2"#, "{\"title\": \"\\x\"}"] {
        assert!(serde_json::from_str::<Attribute>(body).is_err(), "{body}");
    }
}

#[test]
fn a_failed_decode_names_the_path_of_the_value_even_when_decoded_from_a_json_value() {
    let body = json!({"children": [{"title": "a"}, {"nested": {"labels": {"en": "x", "fr": 3}}}]});
    let from_bytes = body.to_string();
    let (result, report) = context::decode_with(Mode::Strict, || serde_json::from_str::<Attribute>(&from_bytes));
    assert!(result.is_err());
    assert_eq!(report.failed_at.as_deref(), Some("children[1].nested.labels.fr"));
    let (result, report) = context::decode_with(Mode::Strict, || serde_json::from_value::<Attribute>(body.clone()));
    assert!(result.is_err());
    assert_eq!(report.failed_at.as_deref(), Some("children[1].nested.labels.fr"));
    let (result, report) = context::decode_with(Mode::Lenient, || serde_json::from_value::<Attribute>(body));
    assert!(result.is_ok());
    assert_eq!((report.count, report.failed_at), (1, None));
}

#[test]
fn a_member_given_twice_keeps_the_last_value_as_json_readers_do() {
    for body in [
        r#"{"title": "a", "title": null}"#,
        r#"{"title": null, "title": "a"}"#,
        r#"{"title": 5, "title": "a"}"#,
        r#"{"title": "a", "title": 5}"#,
        r#"{"custom": 1, "custom": [2]}"#,
    ] {
        let last: Value = serde_json::from_str(body).unwrap();
        let attribute: Attribute = serde_json::from_str(body).unwrap();
        assert_eq!(serde_json::to_value(&attribute).unwrap(), last, "{body}");
        // The earlier value is gone from the model too, not only from what it writes.
        if body.contains("title") {
            let typed = attribute.title.is_some();
            assert_eq!(typed, attribute.extra.get("title").is_none(), "{body}: {attribute:?}");
        }
    }
}
