//! Rules that name things: schema names that collide, and inline bodies, objects and unions that typify would
//! give unpredictable or colliding names, hoisted into components of their own.

use super::Normalised;
use super::walk::{for_each_operation, hoist_property_schemas, hoist_schema, schemas, upper_camel};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Schema names that differ only in case (`AppLink` and `appLink`) map to one Rust type name. The later one is
/// renamed `{Name}Links` when its properties are all links (`appLink`), else `{Name}Object`/`{Name}Value`;
/// references follow.
pub(super) fn rename_case_colliding_schemas(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut renames = Vec::new();
    let names: Vec<String> = schemas(doc).keys().cloned().collect();
    // Upper-case names keep theirs; a lower-case twin is renamed.
    let mut ordered = names.clone();
    ordered.sort_by_key(|n| n.starts_with(|c: char| c.is_ascii_lowercase()));
    for name in ordered {
        let rust = upper_camel(&name);
        if !seen.insert(rust.clone()) {
            let links =
                schemas(doc).get(&name).and_then(|s| s.get("properties")).and_then(Value::as_object).is_some_and(|p| {
                    p.values().all(|v| v.get("$ref").and_then(Value::as_str).is_some_and(|r| r.ends_with("Link")))
                });
            let object = schemas(doc).get(&name).is_some_and(|s| s.get("properties").is_some());
            let mut new_name = match (links, object) {
                (true, _) => format!("{rust}Links"),
                (false, true) => format!("{rust}Object"),
                (false, false) => format!("{rust}Value"),
            };
            while names.contains(&new_name) {
                new_name.push('_');
            }
            renames.push((name, new_name));
        }
    }
    for (old, new) in &renames {
        if let Some(s) = schemas(doc).remove(old) {
            schemas(doc).insert(new.clone(), s);
        }
        let from = format!("#/components/schemas/{old}");
        let to = json!(format!("#/components/schemas/{new}"));
        rewrite_refs(doc, &from, &to);
    }
    renames.len()
}

/// Models named like the SDK's own types would sit beside them in user code: `types::Error` (the JSON body of an
/// Okta error) next to `okta_management::Error`, `types::Client` (an OAuth 2.0 client application, RFC 7591) next
/// to `okta_management::Client`. They are renamed (`ErrorBody`, `OAuthClient`); references follow.
pub(super) fn rename_schemas_named_like_sdk_types(doc: &mut Value, _: &mut Normalised) -> usize {
    const RENAMES: [(&str, &str); 2] = [("Error", "ErrorBody"), ("Client", "OAuthClient")];
    let mut count = 0;
    for (old, new) in RENAMES {
        let names: BTreeSet<String> = schemas(doc).keys().cloned().collect();
        if !names.contains(old) {
            continue;
        }
        let mut new_name = new.to_string();
        while names.contains(&new_name) {
            new_name.push_str("Model");
        }
        if let Some(s) = schemas(doc).remove(old) {
            schemas(doc).insert(new_name.clone(), s);
        }
        rewrite_refs(doc, &format!("#/components/schemas/{old}"), &json!(format!("#/components/schemas/{new_name}")));
        count += 1;
    }
    count
}

fn rewrite_refs(v: &mut Value, from: &str, to: &Value) {
    match v {
        Value::Object(o) => {
            if o.get("$ref").and_then(Value::as_str) == Some(from) {
                o.insert("$ref".into(), to.clone());
            }
            o.values_mut().for_each(|c| rewrite_refs(c, from, to));
        }
        Value::Array(a) => a.iter_mut().for_each(|c| rewrite_refs(c, from, to)),
        _ => {}
    }
}

/// Inline request and response schemas get typify names nobody can predict; they are named `{Operation}Body`
/// and `{Operation}Response` (array items: `...Item`) so users and the conformance test can name every type.
pub(super) fn name_inline_bodies(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let taken: BTreeSet<String> = schemas(doc).keys().cloned().collect();
    let mut bodies = Vec::new();
    for_each_operation(doc, |id, method, path, op| {
        let stem = upper_camel(id);
        let escaped = path.replace('~', "~0").replace('/', "~1");
        let mut slots: Vec<(String, String, String)> = Vec::new();
        if op.pointer("/requestBody/content/application~1json/schema").is_some() {
            slots.push((
                "request".into(),
                "/requestBody/content/application~1json/schema".into(),
                format!("{stem}Body"),
            ));
        }
        let codes: Vec<String> = op
            .get("responses")
            .and_then(Value::as_object)
            .map(|r| r.keys().filter(|c| c.starts_with('2')).cloned().collect())
            .unwrap_or_default();
        for code in codes {
            let pointer = format!("/responses/{code}/content/application~1json/schema");
            if op.pointer(&pointer).is_some() {
                slots.push((code, pointer, format!("{stem}Response")));
            }
        }
        for (which, pointer, name) in slots {
            bodies.push((id.to_string(), which, format!("/paths/{escaped}/{method}{pointer}")));
            let Some(schema) = op.pointer_mut(&pointer) else { continue };
            let target = match schema.get("type").and_then(Value::as_str) {
                Some("array") => schema.get_mut("items").map(|items| (items, format!("{name}Item"))),
                _ => Some((schema, name)),
            };
            let Some((target, name)) = target else { continue };
            if needs_name(target) {
                hoist_schema(target, &name, &|n| taken.contains(n), &mut hoisted);
            }
        }
    });
    n.bodies = bodies;
    let count = hoisted.len();
    for (name, schema) in hoisted {
        schemas(doc).insert(name, schema);
    }
    count
}

/// Whether a schema would become a typify-named type (not a reference, a primitive or a list).
fn needs_name(s: &Value) -> bool {
    if s.get("$ref").is_some() {
        return false;
    }
    match s.get("type").and_then(Value::as_str) {
        Some("string" | "integer" | "number" | "boolean" | "array") => s.get("enum").is_some(),
        _ => s.as_object().is_some_and(|o| {
            o.contains_key("properties")
                || o.contains_key("allOf")
                || o.contains_key("oneOf")
                || o.contains_key("anyOf")
                || o.contains_key("additionalProperties")
        }),
    }
}

/// Inline object members of a component's `oneOf` (`DeviceIntegrationsMetadata`: one object per integration
/// type) cannot be told apart or named by users; each becomes a component `{Union}{Value}` named after the value
/// it pins its `type` (or other single-valued enum property) to, else `{Union}Variant{i}`.
pub(super) fn name_inline_union_members(doc: &mut Value, _: &mut Normalised) -> usize {
    let taken: BTreeSet<String> = schemas(doc).keys().cloned().collect();
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    for (parent, schema) in schemas(doc).iter_mut() {
        let Some(members) = schema.get_mut("oneOf").and_then(Value::as_array_mut) else { continue };
        for (i, member) in members.iter_mut().enumerate() {
            if !is_inline_object(member) {
                continue;
            }
            let pinned = member.get("properties").and_then(Value::as_object).and_then(|props| {
                let mut names: Vec<&String> = props.keys().collect();
                names.sort_by_key(|p| p.as_str() != "type");
                names.into_iter().find_map(|name| match props.get(name)?.get("enum")?.as_array()?.as_slice() {
                    [Value::String(only)] => Some(only.clone()),
                    _ => None,
                })
            });
            // Named by the value that pins it, else by its `title` (`UserFactorVerifyRequest`'s `sms`, `push`, …).
            let title =
                member.get("title").and_then(Value::as_str).map(|t| t.replace(|c: char| !c.is_alphanumeric(), " "));
            let suffix = pinned
                .map(|v| upper_camel(&v.to_lowercase()))
                .or_else(|| title.map(|t| upper_camel(&t.to_lowercase())).filter(|t| !t.is_empty()))
                .unwrap_or_else(|| format!("Variant{i}"));
            hoist_schema(member, &format!("{}{suffix}", upper_camel(parent)), &|n| taken.contains(n), &mut hoisted);
        }
    }
    let count = hoisted.len();
    schemas(doc).extend(hoisted);
    count
}

/// typify names an inline object `{Parent}{Property}`, which collides with components of that name
/// (`AppLink`, `UserType`, `AccessPolicyRuleActions`, ...) and is duplicated into every subtype once allOf is
/// flattened. Inline objects under component properties get component names of their own, chosen unique.
pub(super) fn name_inline_objects(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    let mut work: Vec<String> = schemas(doc).keys().cloned().collect();
    while let Some(parent) = work.pop() {
        let Some(schema) = schemas(doc).get(&parent).cloned() else { continue };
        let mut schema = schema;
        let mut new = Vec::new();
        {
            let taken: BTreeSet<String> = schemas(doc).keys().cloned().collect();
            let mut slots: Vec<(&mut Value, String)> = Vec::new();
            collect_object_slots(&mut schema, &upper_camel(&parent), &mut slots);
            for (slot, hint) in slots {
                hoist_schema(slot, &hint, &|name| taken.contains(name), &mut new);
            }
        }
        if new.is_empty() {
            continue;
        }
        let s = schemas(doc);
        s.insert(parent, schema);
        for (name, object) in new {
            count += 1;
            s.insert(name.clone(), object);
            work.push(name);
        }
    }
    count
}

/// Inline object schemas directly under `schema`'s properties (and their array items), with name hints.
fn collect_object_slots<'a>(schema: &'a mut Value, parent: &str, slots: &mut Vec<(&'a mut Value, String)>) {
    let Some(obj) = schema.as_object_mut() else { return };
    for (key, value) in obj.iter_mut() {
        match key.as_str() {
            "properties" => {
                let Some(props) = value.as_object_mut() else { continue };
                for (name, prop) in props.iter_mut() {
                    let hint = format!("{parent}{}", upper_camel(name));
                    if is_inline_object(prop) {
                        slots.push((prop, hint));
                    } else if let Some(items) = prop.get_mut("items").filter(|i| is_inline_object(i)) {
                        slots.push((items, format!("{hint}Item")));
                    }
                }
            }
            "allOf" => {
                for part in value.as_array_mut().into_iter().flatten() {
                    collect_object_slots(part, parent, slots);
                }
            }
            _ => {}
        }
    }
}

fn is_inline_object(s: &Value) -> bool {
    s.get("$ref").is_none()
        && (s.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty()) || s.get("allOf").is_some())
}

/// typify makes an inline `oneOf` with a discriminator (`IdentityProvider.protocol`, keyed on `type`) an untagged
/// enum whose first member always matches. Such unions under component properties (and array items) become
/// components of their own, so [`tagged_discriminator_unions`](super::unions::tagged_discriminator_unions) makes
/// them tagged unions.
pub(super) fn name_inline_discriminated_unions(doc: &mut Value, _: &mut Normalised) -> usize {
    hoist_property_schemas(doc, |slot| {
        slot.get("$ref").is_none()
            && slot.get("discriminator").is_some()
            && (slot.get("oneOf").is_some() || slot.get("anyOf").is_some())
    })
}
