//! Rules on the shape of schemas: annotations on references, validation keywords, defaults, `required`, maps of
//! untyped values, `allOf` inheritance, unknown properties and optional collections, so that the models decode what
//! Okta really sends and write back what they read.

use super::Normalised;
use super::walk::{ANNOTATIONS, schemas, walk_all_schemas};
use serde_json::{Map, Value, json};

/// The spec attaches annotations to references as extra `allOf` parts (`allOf: [{$ref: createdProperty},
/// {example: …}, {readOnly: true}]`), or wraps a reference alone to annotate it (`allOf: [{$ref:
/// UserSchemaAttributeType}], description: …`); typify would merge the first into an empty object and copy the second
/// into a numbered twin (`UserSchemaAttributeType2`). Both become the reference.
/// A component that is only `allOf: [$ref: Base]` is a subtype declaration (`AuthenticatorSimple`), which the union
/// rules need: it is left alone; everywhere else a lone annotated reference is the reference.
pub(super) fn unwrap_annotated_refs(doc: &mut Value, _: &mut Normalised) -> usize {
    let subtypes: std::collections::BTreeSet<String> = schemas(doc)
        .iter()
        .filter(|(_, s)| s.get("allOf").and_then(Value::as_array).is_some_and(|parts| parts.len() == 1))
        .map(|(name, _)| super::walk::upper_camel(name))
        .collect();
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, hint| {
        let Some(parts) = s.get("allOf").and_then(Value::as_array) else { return };
        if parts.len() == 1 && subtypes.contains(hint) && s.get("$ref").is_none() {
            // The component itself (its walk hint is its name). A property whose `{Parent}{Property}` hint equals
            // such a component's name is left too: rare, and then only keeps its old, copied type.
            return;
        }
        let typed: Vec<&Value> = parts
            .iter()
            .filter(|p| p.as_object().is_some_and(|o| o.keys().any(|k| !ANNOTATIONS.contains(&k.as_str()))))
            .collect();
        let own_type = s.keys().any(|k| !ANNOTATIONS.contains(&k.as_str()) && k != "allOf");
        let reference = match typed.as_slice() {
            [only] if !own_type && only.get("$ref").is_some() => (*only).clone(),
            _ => return,
        };
        let description = s.get("description").cloned();
        s.clear();
        if let Some(reference) = reference.as_object() {
            s.extend(reference.clone());
        }
        if let Some(d) = description {
            s.insert("description".into(), d);
        }
        count += 1;
    });
    count
}

/// `date-time` strings would be plain `String`s, or chrono times that re-format on write-back (`.000Z` → `Z`) and
/// reject what Okta sometimes sends: every `{type: string, format: date-time}` (`created`, `lastUpdated`,
/// `published`, `since`, …) becomes a `$ref` to `Timestamp`, which the generator replaces with
/// `okta_management_types::Timestamp` (the text as sent, readable as a chrono time).
pub(super) fn timestamps_keep_their_text(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    let mut swap = |s: &mut Map<String, Value>| {
        let date_time = s.get("type").and_then(Value::as_str) == Some("string")
            && s.get("format").and_then(Value::as_str) == Some("date-time")
            && s.keys().all(|k| ["type", "format"].contains(&k.as_str()) || ANNOTATIONS.contains(&k.as_str()));
        if date_time {
            let description = s.get("description").cloned();
            let nullable = s.get("nullable").cloned();
            s.clear();
            s.insert("$ref".into(), json!("#/components/schemas/Timestamp"));
            if let Some(d) = description {
                s.insert("description".into(), d);
            }
            if let Some(n) = nullable {
                s.insert("nullable".into(), n);
            }
            count += 1;
        }
    };
    walk_all_schemas(doc, &mut |s, _| swap(s));
    if count > 0 {
        schemas(doc)
            .insert("Timestamp".into(), json!({"type": "string", "description": "A date-time as Okta sent it"}));
    }
    count
}

/// Validation keywords are the server's business and break decoding of what Okta really sends: `(?i)` regex
/// flags are rejected by typify (PrivilegedAccount, SplunkToken), patterns and lengths turn strings into
/// validated newtypes, `minItems == maxItems` into fixed-size arrays. Removed everywhere.
pub(super) fn relax_validation_constraints(doc: &mut Value, _: &mut Normalised) -> usize {
    const KEYWORDS: [&str; 11] = [
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "uniqueItems",
        "multipleOf",
    ];
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        for k in KEYWORDS {
            if s.remove(k).is_some() {
                count += 1;
            }
        }
        // Formats typify maps to strict types that real payloads do not always satisfy.
        if let Some(format) = s.get("format").and_then(Value::as_str) {
            // `date-time` too: chrono would re-format timestamps (`.000Z` → `Z`) on write-back, and examples carry
            // values it rejects; timestamps stay the exact strings Okta sent.
            if matches!(format, "uri" | "email" | "ipv4" | "ipv6" | "hostname" | "uuid" | "date" | "date-time" | "byte")
            {
                s.remove("format");
                count += 1;
            }
        }
    });
    count
}

/// A map whose values are declared as objects with no properties says nothing about its values, and Okta puts
/// strings there (`UserFactorVerifyResponse.profile`: `{"phoneNumber": "+1…"}`); such values become any JSON.
pub(super) fn untyped_map_values_are_any_json(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        let Some(values) = s.get_mut("additionalProperties").and_then(Value::as_object_mut) else { return };
        let bare_object = values.get("type").and_then(Value::as_str) == Some("object")
            && values.get("properties").and_then(Value::as_object).is_none_or(|p| p.is_empty())
            && !values.contains_key("additionalProperties")
            && !values.contains_key("$ref")
            && !values.contains_key("allOf")
            && !values.contains_key("oneOf")
            && !values.contains_key("anyOf");
        if bare_object {
            values.clear();
            count += 1;
        }
    });
    count
}

/// One-time pass codes are strings everywhere (`UserFactorTokenFactorVerificationObject`, the spec's examples)
/// but `UserFactorTokenVerifySymantec.nextPassCode` is declared an integer, which would drop leading zeros and
/// reject the codes as Okta documents them. Touches every `passCode`/`nextPassCode` declared `integer` (one).
pub(super) fn pass_codes_are_strings(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) else { return };
        for (name, prop) in props.iter_mut() {
            if matches!(name.as_str(), "passCode" | "nextPassCode") && prop.get("type") == Some(&json!("integer")) {
                if let Some(p) = prop.as_object_mut() {
                    p.insert("type".into(), json!("string"));
                    p.remove("format");
                    count += 1;
                }
            }
        }
    });
    count
}

/// Invalid defaults (`Policy.priority`: integer with a string default; `default: null` on non-nullable) stop
/// typify, and valid ones make fields non-optional so a read-modify-write would write defaults Okta never sent.
pub(super) fn drop_defaults(doc: &mut Value, _: &mut Normalised) -> usize {
    remove_keyword_everywhere(doc, "default")
}

/// `required` makes 33 readOnly properties mandatory in request bodies and breaks decoding where Okta omits a
/// property or sends `null`; every property becomes optional (`Option`), which is what Okta really sends.
pub(super) fn drop_required(doc: &mut Value, _: &mut Normalised) -> usize {
    remove_keyword_everywhere(doc, "required")
}

/// Removes `keyword` from every schema of the document; returns how many schemas had it.
fn remove_keyword_everywhere(doc: &mut Value, keyword: &str) -> usize {
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        count += usize::from(s.remove(keyword).is_some());
    });
    count
}

/// typify merges `allOf` itself and names merged property types `{Type}{Property}`, colliding with components
/// when a subtype narrows a base property (`AccessPolicyRule.actions`). Inheritance is flattened here instead:
/// base properties first, the subtype's own override them; the base keeps its discriminator, subtypes do not.
pub(super) fn flatten_all_of(doc: &mut Value, _: &mut Normalised) -> usize {
    let snapshot = schemas(doc).clone();
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        if s.contains_key("allOf") {
            if let Some(merged) = merge_all_of(s, &snapshot, 0) {
                *s = merged;
                count += 1;
            }
        }
    });
    count
}

fn merge_all_of(s: &Map<String, Value>, all: &Map<String, Value>, depth: usize) -> Option<Map<String, Value>> {
    let parts = s.get("allOf")?.as_array()?;
    let own_properties = s.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
    let polymorphic_target = parts
        .first()
        .and_then(|p| p.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| all.get(r.rsplit('/').next()?))
        .is_some_and(|t| t.get("discriminator").is_some());
    if parts.len() == 1 && !own_properties && !polymorphic_target {
        // `allOf: [$ref]` is how the spec attaches a description to a reference: keep the reference.
        let mut single = parts.first()?.as_object()?.clone();
        if single.contains_key("allOf") {
            single = merge_all_of(&single, all, depth + 1)?;
        }
        return Some(single);
    }
    let mut merged = Map::new();
    let mut properties = Map::new();
    for part in parts {
        let resolved = resolve_object(part, all, depth)?;
        if let Some(p) = resolved.get("properties").and_then(Value::as_object) {
            for (k, v) in p {
                properties.insert(k.clone(), v.clone());
            }
        }
        for key in ["additionalProperties", "nullable"] {
            if let Some(v) = resolved.get(key) {
                merged.insert(key.into(), v.clone());
            }
        }
    }
    for (k, v) in s {
        match k.as_str() {
            "allOf" | "discriminator" => {}
            "properties" => {
                for (pk, pv) in v.as_object().into_iter().flatten() {
                    properties.insert(pk.clone(), pv.clone());
                }
            }
            _ => {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
    merged.insert("type".into(), json!("object"));
    merged.insert("properties".into(), Value::Object(properties));
    Some(merged)
}

/// A part of an `allOf`, with references followed and its own `allOf` merged.
fn resolve_object(part: &Value, all: &Map<String, Value>, depth: usize) -> Option<Map<String, Value>> {
    if depth > 32 {
        return None;
    }
    let obj = match part.get("$ref").and_then(Value::as_str) {
        Some(reference) => all.get(reference.rsplit('/').next()?)?.as_object()?,
        None => part.as_object()?,
    };
    if obj.contains_key("allOf") { merge_all_of(obj, all, depth + 1) } else { Some(obj.clone()) }
}

/// Real responses carry many properties the spec does not list; every object schema with properties gets
/// `additionalProperties: {}`, which typify turns into a flattened `extra` map, so nothing is dropped on
/// read and everything is written back.
pub(super) fn keep_unknown_properties(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        let has_properties = s.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
        match s.get("additionalProperties") {
            None | Some(Value::Bool(_)) if has_properties => {
                s.insert("additionalProperties".into(), json!({}));
                count += 1;
            }
            _ => {}
        }
    });
    count
}

/// typify skips empty arrays and maps on write (`exclude: []` would vanish from a replace); optional arrays
/// and maps become `Option<Vec<_>>` / `Option<Map>` so that absent and empty stay distinct.
pub(super) fn optional_collections_keep_empty(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) else { return };
        for prop in props.values_mut().filter_map(Value::as_object_mut) {
            let is_array = prop.get("type").and_then(Value::as_str) == Some("array");
            // Maps: `additionalProperties` given (a schema or `true`), or a bare `type: object` (`LogActor.detailEntry`,
            // which Okta sends as `null`).
            let is_map = prop.get("properties").is_none()
                && (prop.get("additionalProperties").is_some_and(|a| a.is_object() || a == &Value::Bool(true))
                    || (prop.get("type").and_then(Value::as_str) == Some("object")
                        && !prop.contains_key("allOf")
                        && !prop.contains_key("oneOf")
                        && !prop.contains_key("anyOf")));
            if (is_array || is_map) && !prop.contains_key("$ref") {
                prop.insert("nullable".into(), Value::Bool(true));
                count += 1;
            }
        }
    });
    count
}
