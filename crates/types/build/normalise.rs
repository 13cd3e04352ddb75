//! The normalisation pass: small, named transformations of Okta's spec, each fixing one defect that stops
//! progenitor/typify or that would make the generated models lose data. `spec/README.md` lists them in a table.
//!
//! Every function works on the parsed document as JSON and records what it touched in [`Normalised`], so
//! that codegen can emit the hand-written parts (open enums, tagged unions, raw-body content types) and the
//! manifest can say which operations are hand-written.

use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// What the pass found and changed; consumed by codegen.
#[derive(Default)]
pub struct Normalised {
    /// Every operation of the original spec: (operationId, METHOD, path, cargo feature group).
    pub operations: Vec<(String, String, String, &'static str)>,
    /// Operations taken out of progenitor's input and written by hand (multipart uploads).
    pub hand_written: BTreeSet<String>,
    /// operationId -> real request media type, for bodies progenitor sends as raw bytes/text or as plain JSON.
    pub body_media_types: BTreeMap<String, String>,
    /// Open string enums: schema name -> values.
    pub open_enums: BTreeMap<String, Vec<String>>,
    /// Discriminated unions, by base schema name.
    pub polymorphic: BTreeMap<String, Union>,
    /// Inline hook payload schemas hoisted from `x-webhooks`: (operationId, request schema, response schema).
    pub webhooks: Vec<(String, String, Option<String>)>,
    /// Operations whose list response was corrected from an object to an array.
    pub array_responses: Vec<String>,
    /// Operations that have an `after` query parameter (paged lists).
    pub paged: BTreeSet<String>,
    /// JSON bodies: (operationId, "request" or the status code, JSON pointer to the schema in the document).
    pub bodies: Vec<(String, String, String)>,
    /// A line per transformation: (name, count of places touched).
    pub log: Vec<(&'static str, usize)>,
}

/// A discriminated union emitted by codegen as a `tagged_union!`.
pub struct Union {
    /// The discriminator property.
    pub property: String,
    /// (value, subtype schema), as the spec (or [`discriminate_untagged_one_of`]) maps them.
    pub mapping: Vec<(String, String)>,
    /// The subtype for values the mapping lacks (and for no value), where one member does not declare the property.
    pub fallback: Option<String>,
}

/// A named transformation; returns how many places it touched.
type Transform = fn(&mut Value, &mut Normalised) -> usize;

/// One rule of the pass: its name, its function, and the vetted spec versions it is known not to apply to (a rule
/// that touches nothing on any other vetted spec fails the build, so a rule that silently stopped matching after a
/// spec update is noticed).
pub struct Rule {
    pub name: &'static str,
    pub apply: Transform,
    pub not_on: &'static [&'static str],
}

macro_rules! rule {
    ($f:ident) => {
        Rule { name: stringify!($f), apply: $f, not_on: &[] }
    };
    ($f:ident, not_on: [$($v:literal),+]) => {
        Rule { name: stringify!($f), apply: $f, not_on: &[$($v),+] }
    };
}

/// The rules, in the order they run (later rules rely on earlier ones; see spec/README.md).
pub const RULES: &[Rule] = &[
    rule!(rename_case_colliding_schemas),
    rule!(unwrap_annotated_refs),
    rule!(inline_shared_bodies),
    rule!(hoist_inline_hook_payloads),
    rule!(take_out_multipart_operations),
    rule!(json_bodies_for_json_suffix_media, not_on: ["2024.08.3"]),
    rule!(raw_bodies_for_non_json_media),
    rule!(schema_for_untyped_json_responses, not_on: ["2024.08.3"]),
    rule!(error_schema_for_bodyless_errors),
    rule!(one_error_type_per_operation, not_on: ["2024.08.3"]),
    rule!(one_success_type_per_operation),
    rule!(require_path_parameters),
    rule!(name_inline_bodies),
    rule!(array_response_for_list_operations),
    rule!(comma_separated_expand_parameters),
    rule!(relax_validation_constraints),
    rule!(untyped_map_values_are_any_json),
    rule!(pass_codes_are_strings),
    rule!(drop_defaults),
    rule!(drop_required),
    rule!(close_non_string_enums),
    rule!(name_inline_union_members),
    rule!(open_string_enums),
    rule!(name_inline_objects),
    rule!(flatten_all_of),
    rule!(keep_unknown_properties),
    rule!(optional_collections_keep_empty),
    rule!(collapse_same_type_unions),
    rule!(name_inline_discriminated_unions, not_on: ["2024.08.3"]),
    rule!(discriminate_untagged_one_of),
    rule!(merge_object_unions),
    rule!(tagged_discriminator_unions),
    rule!(drop_examples),
    rule!(plain_text_code_blocks),
];

/// Runs every rule, in order. `vetted` is the version of a vetted spec (rules must match on it), or `None`.
pub fn run(doc: &mut Value, groups: &crate::groups::TagGroups, vetted: Option<&str>) -> Result<Normalised, String> {
    if !doc.pointer("/components/schemas").is_some_and(Value::is_object)
        || !doc.get("paths").is_some_and(Value::is_object)
    {
        return Err("the spec has no `paths` or no `components.schemas` object".into());
    }
    let mut n =
        Normalised { operations: list_operations(doc, groups), paged: paged_operations(doc), ..Normalised::default() };
    let mut idle = Vec::new();
    for rule in RULES {
        let touched = (rule.apply)(doc, &mut n);
        n.log.push((rule.name, touched));
        if let Some(version) = vetted {
            if touched == 0 && !rule.not_on.contains(&version) {
                idle.push(rule.name);
            }
        }
    }
    if !idle.is_empty() {
        return Err(format!(
            "normalisation rules touched nothing on vetted spec {}: {} (build/normalise.rs). A rule that stopped \
             matching means the spec changed under it: fix the rule, or list the version in its `not_on`.",
            vetted.unwrap_or_default(),
            idle.join(", ")
        ));
    }
    Ok(n)
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/// `components.schemas`; [`run`] checks first that the document has it as an object.
#[allow(clippy::expect_used)]
fn schemas(doc: &mut Value) -> &mut Map<String, Value> {
    doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut).expect("checked by run()")
}

/// Calls `f(operationId, method, path, operation)` for every path operation.
fn for_each_operation(doc: &mut Value, mut f: impl FnMut(&str, &str, &str, &mut Value)) {
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

fn list_operations(doc: &mut Value, groups: &crate::groups::TagGroups) -> Vec<(String, String, String, &'static str)> {
    let mut ops = Vec::new();
    for_each_operation(doc, |id, method, path, op| {
        let group = groups.feature_of(op);
        ops.push((id.to_string(), method.to_uppercase(), path.to_string(), group))
    });
    ops
}

fn resolve_parameter<'a>(doc: &'a Value, p: &'a Value) -> &'a Value {
    match p.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/parameters/")) {
        Some(name) => doc.pointer(&format!("/components/parameters/{name}")).unwrap_or(p),
        None => p,
    }
}

fn paged_operations(doc: &mut Value) -> BTreeSet<String> {
    let snapshot = doc.clone();
    let mut paged = BTreeSet::new();
    for_each_operation(doc, |id, _, path, op| {
        let path_params =
            snapshot.pointer(&format!("/paths/{}/parameters", path.replace('~', "~0").replace('/', "~1")));
        let params = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(path_params.and_then(Value::as_array).into_iter().flatten());
        for p in params {
            let p = resolve_parameter(&snapshot, p);
            if p.get("name").and_then(Value::as_str) == Some("after")
                && p.get("in").and_then(Value::as_str) == Some("query")
            {
                paged.insert(id.to_string());
            }
        }
    });
    paged
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
fn walk_all_schemas(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
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
pub fn upper_camel(s: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(s)
}

fn responses_of(op: &mut Value) -> impl Iterator<Item = (&String, &mut Value)> {
    op.get_mut("responses").and_then(Value::as_object_mut).into_iter().flat_map(|r| r.iter_mut())
}

// ---------------------------------------------------------------------------------------------------------------
// The transformations

/// progenitor ignores `x-webhooks`; hoists the six inline-hook request/response schemas into components so typify
/// generates them (`TelephonyInlineHookRequest`, ...). Touches every `x-webhooks` entry.
fn hoist_inline_hook_payloads(doc: &mut Value, n: &mut Normalised) -> usize {
    let Some(hooks) = doc.get("x-webhooks").and_then(Value::as_object).cloned() else { return 0 };
    let mut count = 0;
    for (_, item) in hooks {
        let Some(op) = item.get("post") else { continue };
        let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
        let stem = upper_camel(id.strip_prefix("create").unwrap_or(id));
        let request_name = format!("{stem}Request");
        let Some(request) = op.pointer("/requestBody/content/application~1json/schema").cloned() else { continue };
        schemas(doc).insert(request_name.clone(), request);
        let response = op.pointer("/responses/200/content/application~1json/schema").cloned();
        let response_name = response.map(|r| match r.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference.rsplit('/').next().unwrap_or_default().to_string(),
            None => {
                let name = format!("{stem}Response");
                schemas(doc).insert(name.clone(), r);
                name
            }
        });
        n.webhooks.push((id.to_string(), request_name, response_name));
        count += 1;
    }
    count
}

/// Schema names that differ only in case (`AppLink` and `appLink`) map to one Rust type name. The later one is
/// renamed `{Name}Links` when its properties are all links (`appLink`), else `{Name}2`; references follow.
fn rename_case_colliding_schemas(doc: &mut Value, _: &mut Normalised) -> usize {
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
            let mut new_name = if links { format!("{rust}Links") } else { format!("{rust}2") };
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

/// Schema keywords that document a schema without changing what it accepts.
const ANNOTATIONS: [&str; 9] =
    ["default", "example", "readOnly", "writeOnly", "description", "title", "deprecated", "nullable", "externalDocs"];

/// The spec attaches annotations to references as extra `allOf` parts (`allOf: [{$ref: createdProperty},
/// {example: …}, {readOnly: true}]`); typify would merge them into an empty object. They become the reference.
fn unwrap_annotated_refs(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        let Some(parts) = s.get("allOf").and_then(Value::as_array) else { return };
        let typed: Vec<&Value> = parts
            .iter()
            .filter(|p| p.as_object().is_some_and(|o| o.keys().any(|k| !ANNOTATIONS.contains(&k.as_str()))))
            .collect();
        let own_type = s.keys().any(|k| !ANNOTATIONS.contains(&k.as_str()) && k != "allOf");
        if typed.len() == 1 && parts.len() > 1 && !own_type && typed[0].get("$ref").is_some() {
            let reference = typed[0].clone();
            let description = s.get("description").cloned();
            s.clear();
            if let Some(reference) = reference.as_object() {
                s.extend(reference.clone());
            }
            if let Some(d) = description {
                s.insert("description".into(), d);
            }
            count += 1;
        }
    });
    count
}

/// Request bodies and 2xx responses given as `$ref` to `components/requestBodies|responses` are copied into
/// their operations, so that every operation's body types can be named (and listed for the conformance test).
fn inline_shared_bodies(doc: &mut Value, _: &mut Normalised) -> usize {
    let snapshot = doc.clone();
    let resolve = |v: &mut Value| -> bool {
        let Some(target) =
            v.get("$ref").and_then(Value::as_str).and_then(|r| snapshot.pointer(&r.replacen('#', "", 1)))
        else {
            return false;
        };
        *v = target.clone();
        true
    };
    let mut count = 0;
    for_each_operation(doc, |_, _, _, op| {
        if let Some(body) = op.get_mut("requestBody") {
            count += usize::from(resolve(body));
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (code, r) in responses.iter_mut() {
                if code.starts_with('2') {
                    count += usize::from(resolve(r));
                }
            }
        }
    });
    count
}

/// typify skips empty arrays and maps on write (`exclude: []` would vanish from a replace); optional arrays
/// and maps become `Option<Vec<_>>` / `Option<Map>` so that absent and empty stay distinct.
fn optional_collections_keep_empty(doc: &mut Value, _: &mut Normalised) -> usize {
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

/// progenitor cannot express multipart/form-data bodies: the five logo/favicon/background-image uploads are taken
/// out of its input and written by hand in `src/uploads.rs` with the same method names.
fn take_out_multipart_operations(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut taken = Vec::new();
    for_each_operation(doc, |id, method, path, op| {
        let multipart = op
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
            .is_some_and(|c| c.contains_key("multipart/form-data"));
        if multipart {
            taken.push((id.to_string(), method.to_string(), path.to_string()));
        }
    });
    for (id, method, path) in &taken {
        if let Some(item) = doc.get_mut("paths").and_then(|p| p.get_mut(path.as_str())).and_then(Value::as_object_mut) {
            item.remove(method.as_str());
        }
        n.hand_written.insert(id.clone());
    }
    taken.len()
}

/// progenitor types only `application/json` bodies; a JSON-based media type (`updateCustomAAGUID`'s
/// `application/merge-patch+json`) is typed as JSON and the transport sends it with its real Content-Type.
fn json_bodies_for_json_suffix_media(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut count = 0;
    for_each_operation(doc, |id, _, _, op| {
        let Some(content) = op.pointer_mut("/requestBody/content").and_then(Value::as_object_mut) else { return };
        if content.contains_key("application/json") || content.len() != 1 {
            return;
        }
        let Some(real) = content.keys().find(|k| k.ends_with("+json")).cloned() else { return };
        if let Some(media) = content.remove(&real) {
            content.insert("application/json".into(), media);
            n.body_media_types.insert(id.to_string(), real);
            count += 1;
        }
    });
    count
}

/// progenitor rejects request media other than JSON/form/text/octet-stream and several media types per body
/// (`publishCsrFromApplication`, `publishCsrForIdentityProvider`: PEM/DER certificates; `publishSecurityEventTokens`:
/// secevent+jwt). Keeps one media type as a raw body; the transport sets the real Content-Type from the table.
fn raw_bodies_for_non_json_media(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut count = 0;
    for_each_operation(doc, |id, _, _, op| {
        let Some(content) = op.pointer_mut("/requestBody/content").and_then(Value::as_object_mut) else { return };
        if content.contains_key("application/json") || content.contains_key("application/x-www-form-urlencoded") {
            return;
        }
        let Some(real) =
            content.keys().find(|k| *k == "application/x-pem-file").or_else(|| content.keys().next()).cloned()
        else {
            return;
        };
        let (progenitor_type, schema) = if real.contains("jwt") {
            ("text/plain", json!({"type": "string"}))
        } else {
            ("application/octet-stream", json!({"type": "string", "format": "binary"}))
        };
        content.clear();
        content.insert(progenitor_type.to_string(), json!({ "schema": schema }));
        n.body_media_types.insert(id.to_string(), real);
        count += 1;
    });
    count
}

/// An `application/json` response without a schema panics progenitor, inline or `$ref`'d
/// (`Error-FF-NotEnabled-Response-401`): a success body becomes any JSON value, an error body Okta's `Error`
/// (what the examples show). `$ref`'d responses without a schema are copied into their operations first.
fn schema_for_untyped_json_responses(doc: &mut Value, _: &mut Normalised) -> usize {
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
                    let schema =
                        if code.starts_with('2') { json!({}) } else { json!({"$ref": "#/components/schemas/Error"}) };
                    media.insert("schema".into(), schema);
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
fn one_error_type_per_operation(doc: &mut Value, _: &mut Normalised) -> usize {
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

/// Operations mixing error responses with and without a body (sessions, role/user subscriptions) panic progenitor;
/// Okta sends its error object on every error, so body-less error responses get the `Error` schema.
fn error_schema_for_bodyless_errors(doc: &mut Value, _: &mut Normalised) -> usize {
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
                        json!({"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}),
                    );
                    count += 1;
                }
            }
        }
    });
    count
}

/// progenitor needs one success type per operation. `assignRoleToGroup` declares 200 with a role and 201 with no
/// body: body-less successes get the typed one's schema. `verifyFactor` declares 200 and 201 of different types:
/// they become one `{Operation}Response` union (`oneOf` of both), which [`discriminate_untagged_one_of`] or
/// [`merge_object_unions`] then makes decodable.
fn one_success_type_per_operation(doc: &mut Value, _: &mut Normalised) -> usize {
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

fn has_content(response: &Value) -> bool {
    response.get("content").and_then(Value::as_object).is_some_and(|c| !c.is_empty())
}

/// Inline request and response schemas get typify names nobody can predict; they are named `{Operation}Body`
/// and `{Operation}Response` (array items: `...Item`) so users and the conformance test can name every type.
fn name_inline_bodies(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let taken: BTreeSet<String> = schemas(doc).keys().cloned().collect();
    let unique = |name: String, hoisted: &Vec<(String, Value)>| {
        let mut candidate = name.clone();
        let mut i = 2;
        while taken.contains(&candidate) || hoisted.iter().any(|(h, _)| h == &candidate) {
            candidate = format!("{name}{i}");
            i += 1;
        }
        candidate
    };
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
                let name = unique(name, &hoisted);
                hoisted.push((name.clone(), target.take()));
                *target = json!({"$ref": format!("#/components/schemas/{name}")});
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

/// A path parameter not marked `required` (`getHookKey`'s `id`) panics progenitor; path parameters always are.
fn require_path_parameters(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    let mut fix = |p: &mut Value| {
        if p.get("in").and_then(Value::as_str) == Some("path") && p.get("required") != Some(&Value::Bool(true)) {
            p["required"] = Value::Bool(true);
            count += 1;
        }
    };
    if let Some(params) = doc.pointer_mut("/components/parameters").and_then(Value::as_object_mut) {
        params.values_mut().for_each(&mut fix);
    }
    for_each_operation(doc, |_, _, _, op| {
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            params.iter_mut().for_each(&mut fix);
        }
    });
    count
}

/// A list operation (`GET`, `list…`) declared to return one object that wraps no array (`listPolicies` and
/// `listRolesForClient` in 2024.08.3, `listAuthenticatorEnrollments` in 2026.06.3) returns an array, as every other
/// list does (the spec's own examples of the latter two are arrays). Wrappers (`{"roles": [...]}`) are left alone.
fn array_response_for_list_operations(doc: &mut Value, n: &mut Normalised) -> usize {
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

/// Array query parameters with `explode: false` (the 13 `expand` parameters) must be sent comma-separated, but
/// progenitor repeats the key; they become `CommaSeparatedList`, replaced by `crate::query::CommaSeparated`.
fn comma_separated_expand_parameters(doc: &mut Value, _: &mut Normalised) -> usize {
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
    if let Some(params) = doc.pointer_mut("/components/parameters").and_then(Value::as_object_mut) {
        params.values_mut().for_each(&mut fix);
    }
    for_each_operation(doc, |_, _, _, op| {
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            params.iter_mut().for_each(&mut fix);
        }
    });
    schemas(doc).insert("CommaSeparatedList".into(), json!({"type": "array", "items": {"type": "string"}}));
    count
}

/// Validation keywords are the server's business and break decoding of what Okta really sends: `(?i)` regex
/// flags are rejected by typify (PrivilegedAccount, SplunkToken), patterns and lengths turn strings into
/// validated newtypes, `minItems == maxItems` into fixed-size arrays. Removed everywhere.
fn relax_validation_constraints(doc: &mut Value, _: &mut Normalised) -> usize {
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
fn untyped_map_values_are_any_json(doc: &mut Value, _: &mut Normalised) -> usize {
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
fn pass_codes_are_strings(doc: &mut Value, _: &mut Normalised) -> usize {
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
fn drop_defaults(doc: &mut Value, _: &mut Normalised) -> usize {
    remove_keyword_everywhere(doc, "default")
}

/// `required` makes 33 readOnly properties mandatory in request bodies and breaks decoding where Okta omits a
/// property or sends `null`; every property becomes optional (`Option`), which is what Okta really sends.
fn drop_required(doc: &mut Value, _: &mut Normalised) -> usize {
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

/// Real responses carry many properties the spec does not list; every object schema with properties gets
/// `additionalProperties: {}`, which typify turns into a flattened `extra` map, so nothing is dropped on
/// read and everything is written back.
fn keep_unknown_properties(doc: &mut Value, _: &mut Normalised) -> usize {
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

/// Non-string enums (`enum: [true]`, integer lists) and duplicate values (`BY_DATE_TIME`, `AES256_CBC`) panic
/// typify; non-string enums lose their value list (the type stays), duplicates are removed.
fn close_non_string_enums(doc: &mut Value, _: &mut Normalised) -> usize {
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
fn open_string_enums(doc: &mut Value, n: &mut Normalised) -> usize {
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

/// typify names an inline object `{Parent}{Property}`, which collides with components of that name
/// (`AppLink`, `UserType`, `AccessPolicyRuleActions`, ...) and is duplicated into every subtype once allOf is
/// flattened. Inline objects under component properties get component names of their own, chosen unique.
fn name_inline_objects(doc: &mut Value, _: &mut Normalised) -> usize {
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

/// Moves the inline schema in `slot` into `hoisted` under a fresh component name (`hint`, `hint2`, …: not `taken`,
/// not hoisted yet) and leaves a `$ref` to it behind.
fn hoist_schema(slot: &mut Value, hint: &str, taken: &dyn Fn(&str) -> bool, hoisted: &mut Vec<(String, Value)>) {
    let mut name = hint.to_owned();
    let mut i = 2;
    while taken(&name) || hoisted.iter().any(|(h, _)| h == &name) {
        name = format!("{hint}{i}");
        i += 1;
    }
    hoisted.push((name.clone(), slot.take()));
    *slot = json!({"$ref": format!("#/components/schemas/{name}")});
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

/// typify merges `allOf` itself and names merged property types `{Type}{Property}`, colliding with components
/// when a subtype narrows a base property (`AccessPolicyRule.actions`). Inheritance is flattened here instead:
/// base properties first, the subtype's own override them; the base keeps its discriminator, subtypes do not.
fn flatten_all_of(doc: &mut Value, _: &mut Normalised) -> usize {
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
        let mut single = parts[0].as_object()?.clone();
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

fn enum_values(s: &Value) -> Option<Vec<String>> {
    let values = s.get("enum")?.as_array()?;
    let strings: Vec<String> = values.iter().filter_map(Value::as_str).map(str::to_string).collect();
    (!strings.is_empty()).then_some(strings)
}

/// `anyOf`, and `oneOf` without a discriminator, over objects become untagged enums whose first member always
/// matches (all properties are optional): a group's `profile` always decoded as `OktaUserGroupProfile` with the
/// Active Directory fields only in `extra`. Members whose shared properties agree are merged into one object.
/// Runs after [`discriminate_untagged_one_of`], which handles the unions a property can tell apart. Touches
/// `GroupProfile`, `UserFactorToken.verify`, two `_links` objects and five request bodies.
fn merge_object_unions(doc: &mut Value, _: &mut Normalised) -> usize {
    let components = schemas(doc).clone();
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        if s.contains_key("discriminator") {
            return;
        }
        let Some((keyword, members)) = ["anyOf", "oneOf"].into_iter().find_map(|k| Some((k, s.get(k)?.as_array()?)))
        else {
            return;
        };
        let mut properties = Map::new();
        for member in members {
            let member = match member.get("$ref").and_then(Value::as_str) {
                Some(r) => match components.get(r.rsplit('/').next().unwrap_or_default()) {
                    Some(target) => target,
                    None => return,
                },
                None => member,
            };
            let Some(props) = member.get("properties").and_then(Value::as_object) else { return };
            if member.get("anyOf").is_some() || member.get("oneOf").is_some() || member.get("discriminator").is_some() {
                return;
            }
            for (name, schema) in props {
                match properties.get(name) {
                    Some(existing) if !same_schema(existing, schema) => return,
                    _ => {
                        properties.insert(name.clone(), schema.clone());
                    }
                }
            }
        }
        s.remove(keyword);
        s.insert("type".into(), json!("object"));
        s.insert("properties".into(), Value::Object(properties));
        s.insert("additionalProperties".into(), json!({}));
        count += 1;
    });
    count
}

/// Two property schemas agree when they are equal apart from their [`ANNOTATIONS`] and `x-` extensions.
fn same_schema(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.retain(|k, _| !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"));
        }
        v
    };
    strip(a) == strip(b)
}

/// `oneOf` without a discriminator is an untagged enum whose first member always matches (all properties are
/// optional): an OIDC identity provider's `protocol` decoded as SAML, a custom role as a standard one. When every
/// member pins a shared property to its own values (`type`: `SAML2` / `OIDC` / …, `CUSTOM`; the constant an
/// `eventType` description names), a discriminator mapping is derived (a value listed by several members goes to
/// the one listing fewest); one member that does not declare the property may take every other value (a signing
/// JWK beside the encryption key pinned to `use: enc`). Inline unions under component properties and their array
/// items get a component name first. Touches `DeviceIntegrationsMetadata`, the `executeInlineHook` body, the JWK
/// set's keys, the role responses (`StandardRole | CustomRole`), `verifyFactor`'s response.
fn discriminate_untagged_one_of(doc: &mut Value, n: &mut Normalised) -> usize {
    let mut count = 0;
    let components = schemas(doc).clone();
    // The members are existing components, so `components` still resolves them after the hoisting.
    hoist_property_schemas(doc, |slot| union_mapping(slot, &components, &n.open_enums).is_some());
    for s in schemas(doc).values_mut() {
        let Some(found) = union_mapping(s, &components, &n.open_enums) else { continue };
        let mapping: Map<String, Value> = found
            .mapping
            .into_iter()
            .map(|(value, target)| (value, json!(format!("#/components/schemas/{target}"))))
            .collect();
        if let Some(o) = s.as_object_mut() {
            let mut discriminator = json!({"propertyName": found.property, "mapping": mapping});
            if let Some(fallback) = found.fallback {
                discriminator["x-fallback"] = json!(format!("#/components/schemas/{fallback}"));
            }
            o.insert("discriminator".into(), discriminator);
            count += 1;
        }
    }
    count
}

/// What tells the members of an untagged union apart (see [`discriminate_untagged_one_of`]).
struct DerivedDiscriminator {
    property: String,
    mapping: BTreeMap<String, String>,
    /// The member that does not declare the property: it takes any other value, and its absence.
    fallback: Option<String>,
}

/// For a `oneOf` of component references without a discriminator: the property and the value → member mapping
/// that tell its members apart, if there is one (see [`discriminate_untagged_one_of`]).
fn union_mapping(
    s: &Value,
    components: &Map<String, Value>,
    open_enums: &BTreeMap<String, Vec<String>>,
) -> Option<DerivedDiscriminator> {
    if s.get("discriminator").is_some() {
        return None;
    }
    let members: Vec<&str> = s
        .get("oneOf")?
        .as_array()?
        .iter()
        .map(|m| m.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()))
        .collect::<Option<_>>()?;
    if members.len() < 2 {
        return None;
    }
    // The values each member allows for `property`: the open enum its property refers to (`true`), else the one
    // constant its description names in backticks (`The token inline hook type is `com.okta.oauth2.tokens.transform``).
    let values_of = |member: &str, property: &str| -> Option<(Vec<String>, bool)> {
        let prop = components.get(member)?.get("properties")?.get(property)?;
        if let Some(target) = prop.get("$ref").and_then(Value::as_str) {
            return open_enums.get(target.rsplit('/').next()?).filter(|v| !v.is_empty()).map(|v| (v.clone(), true));
        }
        let description = prop.get("description")?.as_str()?;
        let quoted: Vec<&str> = description.split('`').skip(1).step_by(2).collect();
        match quoted.as_slice() {
            [only] if !only.is_empty() && !only.contains(' ') => Some((vec![only.to_string()], false)),
            _ => None,
        }
    };
    // A member that is itself a union discriminated by `property` cannot be the fallback for it.
    let discriminated_by = |member: &str, property: &str| {
        components.get(member).and_then(|m| m.pointer("/discriminator/propertyName")).and_then(Value::as_str)
            == Some(property)
    };
    let mut candidates: BTreeSet<&String> = BTreeSet::new();
    for member in &members {
        if let Some(props) = components.get(*member).and_then(|m| m.get("properties")).and_then(Value::as_object) {
            candidates.extend(props.keys());
        }
    }
    let mut candidates: Vec<&String> = candidates.into_iter().collect();
    // `type` first: it is Okta's discriminating property wherever one exists.
    candidates.sort_by_key(|p| p.as_str() != "type");
    // A property every member pins is preferred; only then one that all but one member pin to an enum constant.
    for allow_fallback in [false, true] {
        'property: for property in &candidates {
            let mut sets = Vec::new();
            let mut fallback = None;
            for member in &members {
                match values_of(member, property) {
                    Some((values, _)) if !allow_fallback => sets.push((*member, values)),
                    Some((values, true)) if values.len() == 1 => sets.push((*member, values)),
                    None if allow_fallback && fallback.is_none() && !discriminated_by(member, property) => {
                        fallback = Some(member.to_string())
                    }
                    _ => continue 'property,
                }
            }
            if sets.is_empty() {
                continue;
            }
            let mut mapping = BTreeMap::new();
            let all: BTreeSet<&String> = sets.iter().flat_map(|(_, v)| v.iter()).collect();
            for value in all {
                let mut owners: Vec<&(&str, Vec<String>)> = sets.iter().filter(|(_, v)| v.contains(value)).collect();
                owners.sort_by_key(|(_, v)| v.len());
                match owners.as_slice() {
                    [only] => mapping.insert(value.clone(), only.0.to_string()),
                    [a, b, ..] if a.1.len() < b.1.len() => mapping.insert(value.clone(), a.0.to_string()),
                    _ => continue 'property,
                };
            }
            if sets.iter().all(|(m, _)| mapping.values().any(|t| t == m)) {
                return Some(DerivedDiscriminator { property: property.to_string(), mapping, fallback });
            }
        }
    }
    None
}

/// A `oneOf`/`anyOf` whose members are all the same primitive type once validation is relaxed
/// (`GracePeriod.expiry`: a date-time or an ISO 8601 duration, both strings) is an untagged enum whose first
/// member always matches; it becomes that type, which keeps the value whichever member it is.
fn collapse_same_type_unions(doc: &mut Value, _: &mut Normalised) -> usize {
    let components = schemas(doc).clone();
    let primitive = |m: &Value| -> Option<String> {
        let m = match m.get("$ref").and_then(Value::as_str) {
            Some(r) => components.get(r.rsplit('/').next()?)?,
            None => m,
        };
        let o = m.as_object()?;
        let ty = o.get("type")?.as_str()?;
        let plain =
            o.keys().all(|k| k == "type" || k == "format" || ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"));
        (plain && matches!(ty, "string" | "integer" | "number" | "boolean")).then(|| ty.to_string())
    };
    let mut count = 0;
    walk_all_schemas(doc, &mut |s, _| {
        let Some((keyword, members)) = ["oneOf", "anyOf"].into_iter().find_map(|k| Some((k, s.get(k)?.as_array()?)))
        else {
            return;
        };
        let types: Option<BTreeSet<String>> = members.iter().map(primitive).collect();
        let Some(types) = types.filter(|t| t.len() == 1 && members.len() > 1) else { return };
        let ty = types.into_iter().next().unwrap_or_default();
        s.remove(keyword);
        s.insert("type".into(), json!(ty));
        count += 1;
    });
    count
}

/// typify makes an inline `oneOf` with a discriminator (`IdentityProvider.protocol`, keyed on `type`) an untagged
/// enum whose first member always matches. Such unions under component properties (and array items) become
/// components of their own, so [`tagged_discriminator_unions`] makes them tagged unions.
fn name_inline_discriminated_unions(doc: &mut Value, _: &mut Normalised) -> usize {
    hoist_property_schemas(doc, |slot| {
        slot.get("$ref").is_none()
            && slot.get("discriminator").is_some()
            && (slot.get("oneOf").is_some() || slot.get("anyOf").is_some())
    })
}

/// Hoists the inline schemas of component properties (or of their array items) that `hoist` selects into
/// components named `{Parent}{Property}` (`…Item` for items), leaving `$ref`s behind; returns how many.
fn hoist_property_schemas(doc: &mut Value, hoist: impl Fn(&Value) -> bool) -> usize {
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

/// Inline object members of a component's `oneOf` (`DeviceIntegrationsMetadata`: one object per integration
/// type) cannot be told apart or named by users; each becomes a component `{Union}{Value}` named after the value
/// it pins its `type` (or other single-valued enum property) to, else `{Union}Variant{i}`.
fn name_inline_union_members(doc: &mut Value, _: &mut Normalised) -> usize {
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
            let suffix = pinned.map(|v| upper_camel(&v.to_lowercase())).unwrap_or_else(|| format!("Variant{i}"));
            hoist_schema(member, &format!("{}{suffix}", upper_camel(parent)), &|n| taken.contains(n), &mut hoisted);
        }
    }
    let count = hoisted.len();
    schemas(doc).extend(hoisted);
    count
}

/// typify ignores `discriminator`: the 28 base schemas with a discriminator mapping (`Application`, `Policy`,
/// `PolicyRule`, `UserFactor`, ...) would become plain structs that drop every subtype field. Each becomes a
/// tagged union emitted by codegen (a variant per subtype plus `Unknown` keeping the whole JSON); the subtypes'
/// `allOf` still merges the base schema's properties.
fn tagged_discriminator_unions(doc: &mut Value, n: &mut Normalised) -> usize {
    for (name, s) in schemas(doc).iter() {
        let Some(d) = s.get("discriminator") else { continue };
        let Some(property) = d.get("propertyName").and_then(Value::as_str) else { continue };
        let Some(mapping) = d.get("mapping").and_then(Value::as_object) else { continue };
        let mapping = mapping
            .iter()
            .filter_map(|(value, target)| Some((value.clone(), target.as_str()?.rsplit('/').next()?.to_string())))
            .collect();
        let fallback =
            d.get("x-fallback").and_then(Value::as_str).and_then(|t| t.rsplit('/').next()).map(str::to_string);
        n.polymorphic.insert(name.clone(), Union { property: property.to_string(), mapping, fallback });
    }
    n.polymorphic.len()
}

/// Examples are not needed by progenitor (the conformance test reads them from the original spec); dropping
/// them makes the document progenitor digests a third smaller.
fn drop_examples(doc: &mut Value, _: &mut Normalised) -> usize {
    let mut count = 0;
    if let Some(c) = doc.get_mut("components").and_then(Value::as_object_mut) {
        if c.remove("examples").is_some() {
            count += 1;
        }
    }
    if let Some(root) = doc.as_object_mut() {
        root.remove("x-webhooks");
    }
    for_each_operation(doc, |_, _, _, op| {
        let Some(op) = op.as_object_mut() else { return };
        let bodies = op.iter_mut().filter(|(k, _)| *k == "requestBody" || *k == "responses").flat_map(|(k, v)| {
            if k == "requestBody" {
                vec![v]
            } else {
                v.as_object_mut().map(|r| r.values_mut().collect()).unwrap_or_default()
            }
        });
        for body in bodies {
            if let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) {
                for media in content.values_mut().filter_map(Value::as_object_mut) {
                    count += usize::from(media.remove("examples").is_some())
                        + usize::from(media.remove("example").is_some());
                }
            }
        }
    });
    count
}

/// Descriptions become rustdoc comments, where a Markdown code block (JSON, HTTP, curl in Okta's prose) is a
/// Rust doctest that cannot compile; every fenced block is marked `text`.
fn plain_text_code_blocks(doc: &mut Value, _: &mut Normalised) -> usize {
    fn visit(v: &mut Value, count: &mut usize) {
        match v {
            Value::Object(o) => {
                for (k, child) in o.iter_mut() {
                    match (k.as_str(), child) {
                        ("description" | "summary", Value::String(text)) if text.contains("```") => {
                            *text = fence_as_text(text);
                            *count += 1;
                        }
                        (_, child) => visit(child, count),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| visit(c, count)),
            _ => {}
        }
    }
    let mut count = 0;
    visit(doc, &mut count);
    count
}

fn fence_as_text(text: &str) -> String {
    let mut inside = false;
    let mut out = String::with_capacity(text.len() + 32);
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if inside {
                out.push_str(line);
            } else {
                let indent = &line[..line.len() - trimmed.len()];
                out.push_str(indent);
                out.push_str("```text");
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            inside = !inside;
        } else {
            out.push_str(line);
        }
    }
    out
}

// Unit tests of the rules on small fixtures; compiled by `crates/types/tests/rules.rs`, never by the build script.
#[cfg(test)]
#[path = "normalise_tests.rs"]
mod tests;
