//! What the rules share: walking the document's operations and schemas, component names, hoisting inline
//! schemas into components.

use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

pub(super) const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// `components.schemas`; [`run`](super::run) checks first that the document has it as an object.
#[allow(clippy::expect_used)]
pub(super) fn schemas(doc: &mut Value) -> &mut Map<String, Value> {
    doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut).expect("checked by run()")
}

/// Calls `f(parameter)` for every parameter: the shared ones in `components/parameters`, then each operation's.
pub(super) fn for_each_parameter(doc: &mut Value, mut f: impl FnMut(&mut Value)) {
    if let Some(params) = doc.pointer_mut("/components/parameters").and_then(Value::as_object_mut) {
        params.values_mut().for_each(&mut f);
    }
    for_each_operation(doc, |_, _, _, op| {
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            params.iter_mut().for_each(&mut f);
        }
    });
}

/// Calls `f(operationId, method, path, operation)` for every path operation.
pub(super) fn for_each_operation(doc: &mut Value, mut f: impl FnMut(&str, &str, &str, &mut Value)) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for method in HTTP_METHODS {
            if let Some(op) = item.get_mut(method).filter(|op| op.is_object()) {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string();
                f(&id, method, path, op);
            }
        }
    }
}

/// Visits every schema object below `v` (depth first), with a name hint for inline schemas.
fn walk_schemas(v: &mut Value, hint: &str, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let Some(obj) = v.as_object_mut() else { return };
    if obj.contains_key("$ref") {
        return;
    }
    f(obj, hint);
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, p) in props.iter_mut() {
            walk_schemas(p, &format!("{hint}{}", upper_camel(name)), f);
        }
    }
    if let Some(items) = obj.get_mut("items") {
        walk_schemas(items, &format!("{hint}Item"), f);
    }
    if let Some(extra) = obj.get_mut("additionalProperties") {
        walk_schemas(extra, &format!("{hint}Value"), f);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for (i, s) in list.iter_mut().enumerate() {
                walk_schemas(
                    s,
                    &format!("{hint}{}", if key == "allOf" { String::new() } else { format!("Variant{i}") }),
                    f,
                );
            }
        }
    }
    if let Some(not) = obj.get_mut("not") {
        walk_schemas(not, hint, f);
    }
}

/// Visits every schema in the document: components, parameters, request and response bodies.
pub(super) fn walk_all_schemas(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    for (name, s) in schemas(doc).iter_mut() {
        walk_schemas(s, &upper_camel(name), f);
    }
    if let Some(params) = doc.pointer_mut("/components/parameters").and_then(Value::as_object_mut) {
        for (key, p) in params.iter_mut() {
            // Named after the component (`pathWellKnownUriPath` → `WellKnownUriPathParam`), not the parameter's
            // name, which many share (`path`, `status`, `type`).
            let stem = ["path", "query", "header"]
                .iter()
                .find_map(|prefix| key.strip_prefix(prefix).filter(|rest| rest.starts_with(char::is_uppercase)))
                .unwrap_or(key);
            if let Some(s) = p.get_mut("schema") {
                walk_schemas(s, &format!("{}Param", upper_camel(stem)), f);
            }
        }
    }
    for section in ["responses", "requestBodies"] {
        if let Some(entries) = doc.pointer_mut(&format!("/components/{section}")).and_then(Value::as_object_mut) {
            for (name, r) in entries.iter_mut() {
                walk_media(r, &upper_camel(name), f);
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (_, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
                for p in params {
                    let pname = p.get("name").and_then(Value::as_str).map(upper_camel).unwrap_or_default();
                    if let Some(s) = p.get_mut("schema") {
                        walk_schemas(s, &format!("{pname}Param"), f);
                    }
                }
            }
            for method in HTTP_METHODS {
                let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else { continue };
                let id = op.get("operationId").and_then(Value::as_str).map(upper_camel).unwrap_or_default();
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    for p in params {
                        let pname = p.get("name").and_then(Value::as_str).map(upper_camel).unwrap_or_default();
                        if let Some(s) = p.get_mut("schema") {
                            walk_schemas(s, &format!("{id}{pname}"), f);
                        }
                    }
                }
                if let Some(body) = op.get_mut("requestBody") {
                    walk_media(body, &format!("{id}Body"), f);
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for (_, r) in responses.iter_mut() {
                        walk_media(r, &format!("{id}Response"), f);
                    }
                }
            }
        }
    }
}

fn walk_media(v: &mut Value, hint: &str, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    if let Some(content) = v.get_mut("content").and_then(Value::as_object_mut) {
        for (_, media) in content.iter_mut() {
            if let Some(s) = media.get_mut("schema") {
                walk_schemas(s, hint, f);
            }
        }
    }
}

/// `fooBar_baz-qux` -> `FooBarBazQux` (the same convention typify uses for type names).
pub(crate) fn upper_camel(s: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(s)
}

/// Schema keywords that document a schema without changing what it accepts.
pub(super) const ANNOTATIONS: [&str; 9] =
    ["default", "example", "readOnly", "writeOnly", "description", "title", "deprecated", "nullable", "externalDocs"];

/// Moves the inline schema in `slot` into `hoisted` under a fresh component name and leaves a `$ref` to it behind.
/// The name is `hint`, or when a component already has it, `hint` + what the schema is (`UserTypeObject` for
/// `User.type` beside the `UserType` component); a number is the last resort (typify's `UserType2` told users
/// nothing).
pub(super) fn hoist_schema(
    slot: &mut Value,
    hint: &str,
    taken: &dyn Fn(&str) -> bool,
    hoisted: &mut Vec<(String, Value)>,
) {
    let free = |name: &str| !taken(name) && !hoisted.iter().any(|(h, _)| h == name);
    let kind = match slot.get("type").and_then(Value::as_str) {
        Some("object") | None if slot.get("properties").is_some() => "Object",
        Some("array") => "List",
        _ => "Value",
    };
    let mut name = hint.to_owned();
    if !free(&name) {
        name = format!("{hint}{kind}");
    }
    let mut i = 2;
    while !free(&name) {
        name = format!("{hint}{kind}{i}");
        i += 1;
    }
    hoisted.push((name.clone(), slot.take()));
    *slot = json!({"$ref": format!("#/components/schemas/{name}")});
}

/// Hoists the inline schemas of component properties (or of their array items) that `hoist` selects into
/// components named `{Parent}{Property}` (`…Item` for items), leaving `$ref`s behind; returns how many.
pub(super) fn hoist_property_schemas(doc: &mut Value, hoist: impl Fn(&Value) -> bool) -> usize {
    let taken: BTreeSet<String> = schemas(doc).keys().cloned().collect();
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    for (parent, schema) in schemas(doc).iter_mut() {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for (property, schema) in props.iter_mut() {
            let hint = format!("{}{}", upper_camel(parent), upper_camel(property));
            let (slot, hint) = match schema.get("type").and_then(Value::as_str) {
                Some("array") => match schema.get_mut("items") {
                    Some(items) => (items, format!("{hint}Item")),
                    None => continue,
                },
                _ => (schema, hint),
            };
            if hoist(slot) {
                hoist_schema(slot, &hint, &|name| taken.contains(name), &mut hoisted);
            }
        }
    }
    let count = hoisted.len();
    schemas(doc).extend(hoisted);
    count
}
