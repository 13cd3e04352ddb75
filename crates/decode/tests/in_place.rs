//! Models decoded in place (a nested model field, the elements of an array): a member given twice keeps only its
//! last value, never a merge of the two, and an element that does not fit keeps the whole array as it came.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use serde_json::{Map, Value, json};

#[derive(Debug, Default, Clone, PartialEq)]
struct Outer {
    inner: Option<Inner>,
    items: Vec<Inner>,
    extra: Map<String, Value>,
}
okta_management_decode::object!(Outer, extra { inner: "inner", items: "items" });

#[derive(Debug, Default, Clone, PartialEq)]
struct Inner {
    name: Option<String>,
    count: Option<i64>,
    extra: Map<String, Value>,
}
okta_management_decode::object!(Inner, extra { name: "name", count: "count" });

/// Decodes JSON text (not a `json!` value: it would fold a repeated member before the decoder sees it).
fn decode(json: &str) -> Outer {
    // Through the lenient path a response takes (`Body`), and through `Deserialize`: the same model.
    let body: okta_management_decode::Body<Outer> = serde_json::from_str(json).unwrap();
    let direct: Outer = serde_json::from_str(json).unwrap();
    assert_eq!(body.0, direct);
    direct
}

#[test]
fn a_nested_model_given_twice_is_the_last_one_not_a_merge() {
    let outer = decode(r#"{"inner": {"name": "a", "x": 1}, "inner": {"count": 2}}"#);
    assert_eq!(outer.inner, Some(Inner { count: Some(2), ..Inner::default() }));
    let outer = decode(r#"{"inner": {"name": "a"}, "inner": "not an object"}"#);
    assert_eq!(outer.inner, None);
    assert_eq!(outer.extra.get("inner"), Some(&json!("not an object")));
}

#[test]
fn array_elements_are_decoded_in_order_and_a_bad_one_keeps_the_array_whole() {
    let outer = decode(r#"{"items": [{"name": "a"}, {"count": 2}, {"name": "c", "other": true}]}"#);
    let names: Vec<_> = outer.items.iter().map(|i| i.name.as_deref()).collect();
    assert_eq!(names, [Some("a"), None, Some("c")]);
    assert_eq!(outer.items[2].extra.get("other"), Some(&json!(true)));
    let items = json!([{"name": "a"}, 5, {"name": "c"}]);
    let outer = decode(&json!({"items": items}).to_string());
    assert!(outer.items.is_empty());
    assert_eq!(outer.extra.get("items"), Some(&items));
    assert_eq!(serde_json::to_value(&outer).unwrap(), json!({"items": items}));
    let outer = decode(r#"{"items": [{"name": "a"}], "items": [{"name": "b"}]}"#);
    assert_eq!(outer.items.len(), 1);
    assert_eq!(outer.items[0].name.as_deref(), Some("b"));
}
