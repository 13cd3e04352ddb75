//! Rules on parameters: path parameters progenitor requires, array query parameters sent comma-separated.

use super::Normalised;
use super::walk::{for_each_parameter, schemas};
use serde_json::{Value, json};

/// A path parameter not marked `required` (`getHookKey`'s `id`) panics progenitor; path parameters always are.
pub(super) fn require_path_parameters(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    let mut fix = |p: &mut Value| {
        if p.get("in").and_then(Value::as_str) == Some("path") && p.get("required") != Some(&Value::Bool(true)) {
            p["required"] = Value::Bool(true);
            count += 1;
        }
    };
    for_each_parameter(doc, &mut fix);
    count
}

/// Array query parameters with `explode: false` (the 13 `expand` parameters) must be sent comma-separated, but
/// progenitor repeats the key; they become `CommaSeparatedList`, replaced by `crate::query::CommaSeparated`.
pub(super) fn comma_separated_expand_parameters(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    let mut fix = |p: &mut Value| {
        let is_array = p.pointer("/schema/type").and_then(Value::as_str) == Some("array");
        if p.get("in").and_then(Value::as_str) == Some("query")
            && p.get("explode") == Some(&Value::Bool(false))
            && is_array
        {
            p["schema"] = json!({"$ref": "#/components/schemas/CommaSeparatedList"});
            count += 1;
        }
    };
    for_each_parameter(doc, &mut fix);
    schemas(doc).insert("CommaSeparatedList".into(), json!({"type": "array", "items": {"type": "string"}}));
    count
}
