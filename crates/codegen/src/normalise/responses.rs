//! Rules on responses: progenitor needs one success and one error type per operation, a schema for every JSON
//! body, and list operations that return what Okta really sends (an array).

use super::Normalised;
use super::walk::{for_each_operation, hoist_schema, schemas, upper_camel};
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn responses_of(op: &mut Value) -> impl Iterator<Item = (&String, &mut Value)> {
    op.get_mut("responses").and_then(Value::as_object_mut).into_iter().flat_map(|r| r.iter_mut())
}

fn has_content(response: &Value) -> bool {
    response.get("content").and_then(Value::as_object).is_some_and(|c| !c.is_empty())
}

/// An `application/json` response without a schema panics progenitor, inline or `$ref`'d
/// (`Error-FF-NotEnabled-Response-401`): a success body becomes any JSON value, an error body Okta's `Error`
/// (what the examples show). `$ref`'d responses without a schema are copied into their operations first.
pub(super) fn schema_for_untyped_json_responses(doc: &mut Value, _: &mut Normalised) -> usize {
    let snapshot = doc.clone();
    let untyped = |r: &Value| {
        r.pointer("/content/application~1json").and_then(Value::as_object).is_some_and(|m| !m.contains_key("schema"))
    };
    let mut count = 0;
    for_each_operation(doc, |_, _, _, op| {
        for (code, r) in responses_of(op) {
            if let Some(target) =
                r.get("$ref").and_then(Value::as_str).and_then(|t| snapshot.pointer(&t.replacen('#', "", 1)))
            {
                if untyped(target) {
                    *r = target.clone();
                }
            }
            if let Some(media) = r.pointer_mut("/content/application~1json").and_then(Value::as_object_mut) {
                if !media.contains_key("schema") {
                    let schema = if code.starts_with('2') {
                        json!({})
                    } else {
                        json!({"$ref": "#/components/schemas/ErrorBody"})
                    };
                    media.insert("schema".into(), schema);
                    count += 1;
                }
            }
        }
    });
    count
}

/// Operations mixing error responses with and without a body (sessions, role/user subscriptions) panic progenitor;
/// Okta sends its error object on every error, so body-less error responses get the `Error` schema.
pub(super) fn error_schema_for_bodyless_errors(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    for_each_operation(doc, |_, _, _, op| {
        let has_typed_error =
            responses_of(op).any(|(code, r)| !code.starts_with('2') && (r.get("$ref").is_some() || has_content(r)));
        if !has_typed_error {
            return;
        }
        for (code, r) in responses_of(op) {
            if !code.starts_with('2') && r.get("$ref").is_none() && !has_content(r) {
                if let Some(r) = r.as_object_mut() {
                    r.insert(
                        "content".into(),
                        json!({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}),
                    );
                    count += 1;
                }
            }
        }
    });
    count
}

/// progenitor needs one error type per operation; `replaceEmailSettings` declares its 409 as `Error409` (Okta's
/// error object again) and its other errors as `Error`. Every error response of such an operation gets the schema
/// most of them use; fields only the other schema had stay in its flattened `extra` map.
pub(super) fn one_error_type_per_operation(doc: &mut Value, _: &mut Normalised) -> usize {
    let snapshot = doc.clone();
    let mut count = 0;
    for_each_operation(doc, |_, _, _, op| {
        let schema_of = |r: &Value| -> Option<Value> {
            let r = match r.get("$ref").and_then(Value::as_str) {
                Some(t) => snapshot.pointer(&t.replacen('#', "", 1))?,
                None => r,
            };
            r.pointer("/content/application~1json/schema").cloned()
        };
        let mut uses: Vec<(Value, usize)> = Vec::new();
        for (code, r) in responses_of(op) {
            if code.starts_with('2') {
                continue;
            }
            if let Some(schema) = schema_of(r) {
                match uses.iter_mut().find(|(s, _)| *s == schema) {
                    Some((_, n)) => *n += 1,
                    None => uses.push((schema, 1)),
                }
            }
        }
        if uses.len() < 2 {
            return;
        }
        let Some(common) = uses.iter().max_by_key(|(_, n)| *n).map(|(s, _)| s.clone()) else { return };
        for (code, r) in responses_of(op) {
            if code.starts_with('2') || schema_of(r).is_none_or(|s| s == common) {
                continue;
            }
            let mut inline = match r.get("$ref").and_then(Value::as_str) {
                Some(t) => snapshot.pointer(&t.replacen('#', "", 1)).cloned().unwrap_or_default(),
                None => r.clone(),
            };
            if let Some(schema) = inline.pointer_mut("/content/application~1json/schema") {
                *schema = common.clone();
                *r = inline;
                count += 1;
            }
        }
    });
    count
}

/// progenitor needs one success type per operation. `assignRoleToGroup` declares 200 with a role and 201 with no
/// body: body-less successes get the typed one's schema. `verifyFactor` declares 200 and 201 of different types:
/// they become one `{Operation}Response` union (`oneOf` of both), which
/// [`discriminate_untagged_one_of`](super::unions::discriminate_untagged_one_of) or
/// [`merge_object_unions`](super::unions::merge_object_unions) then makes decodable.
pub(super) fn one_success_type_per_operation(doc: &mut Value, _: &mut Normalised) -> usize {
    let taken: BTreeSet<String> = schemas(doc).keys().cloned().collect();
    let mut hoisted = Vec::new();
    let mut count = 0;
    for_each_operation(doc, |id, _, _, op| {
        let mut typed: Vec<Value> = Vec::new();
        let mut bodyless = 0;
        for (code, r) in responses_of(op) {
            if !code.starts_with('2') || r.get("$ref").is_some() {
                continue;
            }
            match r.pointer("/content/application~1json/schema") {
                Some(schema) if !typed.contains(schema) => typed.push(schema.clone()),
                Some(_) => {}
                None if !has_content(r) => bodyless += 1,
                None => {}
            }
        }
        let schema = match typed.len() {
            0 => return,
            1 if bodyless == 0 => return,
            1 => typed.remove(0),
            _ => json!({"oneOf": typed}),
        };
        // An inline schema copied twice would be two distinct types to progenitor: name it once.
        let schema = if schema.get("$ref").is_some() {
            schema
        } else {
            let mut slot = schema;
            hoist_schema(&mut slot, &format!("{}Response", upper_camel(id)), &|n| taken.contains(n), &mut hoisted);
            slot
        };
        for (code, r) in responses_of(op) {
            if !code.starts_with('2') || r.get("$ref").is_some() {
                continue;
            }
            let has_json = r.pointer("/content/application~1json/schema").is_some();
            if has_json || !has_content(r) {
                if let Some(r) = r.as_object_mut() {
                    r.insert("content".into(), json!({"application/json": {"schema": schema.clone()}}));
                    count += 1;
                }
            }
        }
    });
    schemas(doc).extend(hoisted);
    count
}

/// A list operation (`GET`, `list…`) declared to return one object that wraps no array (`listPolicies` and
/// `listRolesForClient` in 2024.08.3, `listAuthenticatorEnrollments` in 2026.06.3) returns an array, as every other
/// list does (the spec's own examples of the latter two are arrays). Wrappers (`{"roles": [...]}`) are left alone.
pub(super) fn array_response_for_list_operations(doc: &mut Value, n: &mut Normalised) -> usize {
    let components = schemas(doc).clone();
    let resolve = |s: &Value| -> Value {
        let mut s = s.clone();
        for _ in 0..8 {
            let Some(target) =
                s.get("$ref").and_then(Value::as_str).and_then(|r| components.get(r.rsplit('/').next()?))
            else {
                break;
            };
            s = target.clone();
        }
        s
    };
    let mut count = 0;
    for_each_operation(doc, |id, method, _, op| {
        if method != "get" || !id.starts_with("list") {
            return;
        }
        let Some(schema) = op.pointer_mut("/responses/200/content/application~1json/schema") else { return };
        let resolved = resolve(schema);
        let is_array = resolved.get("type").and_then(Value::as_str) == Some("array");
        let wraps_array = resolved
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| p.values().any(|v| resolve(v).get("type").and_then(Value::as_str) == Some("array")));
        let is_object = resolved.get("properties").is_some() || resolved.get("oneOf").is_some();
        if !is_array && !wraps_array && is_object {
            *schema = json!({"type": "array", "items": schema.take()});
            n.array_responses.push(id.to_string());
            count += 1;
        }
    });
    count
}
