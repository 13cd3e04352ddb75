//! Rules on enums: value lists typify cannot take, and string enums made open (an `Unknown(String)` variant).

use super::Normalised;
use super::walk::{schemas, walk_all_schemas};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Non-string enums (`enum: [true]`, integer lists) and duplicate values (`BY_DATE_TIME`, `AES256_CBC`) panic
/// typify; non-string enums lose their value list (the type stays), duplicates are removed.
pub(super) fn close_non_string_enums(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        let Some(values) = s.get("enum").and_then(Value::as_array) else { return };
        let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        if strings.is_empty() || s.get("type").and_then(Value::as_str).is_some_and(|t| t != "string") {
            s.remove("enum");
            count += 1;
            return;
        }
        let mut seen = BTreeSet::new();
        let deduped: Vec<Value> = strings.into_iter().filter(|v| seen.insert(*v)).map(|v| json!(v)).collect();
        if deduped.len() != values.len() {
            count += 1;
        }
        s.insert("enum".into(), Value::Array(deduped));
    });
    count
}

/// Closed enums fail a whole response on one new value from Okta. Every string enum (inline ones hoisted into
/// named schemas) is replaced by an open enum with an `Unknown(String)` variant, emitted by codegen.
pub(super) fn open_string_enums(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut named: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Named enum schemas first.
    for (name, s) in schemas(doc).iter_mut() {
        if let Some(values) = enum_values(s) {
            named.insert(name.clone(), values);
            if let Some(obj) = s.as_object_mut() {
                obj.remove("enum");
            }
        }
    }
    let existing: BTreeSet<String> = schemas(doc).keys().cloned().collect();
    let mut hoisted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut by_values: BTreeMap<(String, Vec<String>), String> = BTreeMap::new();
    walk_all_schemas(doc, &mut |s, hint| {
        let Some(values) = enum_values(&Value::Object(s.clone())) else { return };
        let mut name = hint.to_string();
        if name.is_empty() {
            name = "Enum".into();
        }
        let key = (name.clone(), values.clone());
        let name = match by_values.get(&key) {
            Some(existing_name) => existing_name.clone(),
            None => {
                let mut candidate = name.clone();
                let mut i = 2;
                while existing.contains(&candidate) || hoisted.contains_key(&candidate) {
                    if named.get(&candidate) == Some(&values) {
                        break;
                    }
                    candidate = format!("{name}{i}");
                    i += 1;
                }
                if !named.contains_key(&candidate) {
                    hoisted.insert(candidate.clone(), values.clone());
                }
                by_values.insert(key, candidate.clone());
                candidate
            }
        };
        let description = s.get("description").cloned();
        s.clear();
        s.insert("$ref".into(), json!(format!("#/components/schemas/{name}")));
        if let Some(d) = description {
            s.insert("description".into(), d);
        }
    });
    let count = named.len() + hoisted.len();
    for (name, values) in &hoisted {
        schemas(doc).insert(name.clone(), json!({"type": "string"}));
        named.insert(name.clone(), values.clone());
    }
    n.open_enums = named;
    count
}

fn enum_values(s: &Value) -> Option<Vec<String>> {
    let values = s.get("enum")?.as_array()?;
    let strings: Vec<String> = values.iter().filter_map(Value::as_str).map(str::to_string).collect();
    (!strings.is_empty()).then_some(strings)
}
