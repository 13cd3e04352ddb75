//! Request validation from the spec, as Okta answers it: `400 E0000001` ("Api validation failed") with one
//! `errorCauses` entry per problem, each naming the field: a missing required field, a value of the wrong JSON type,
//! a value outside an enum, a malformed `date-time` or `email`, an unknown or malformed query parameter. A body
//! that is not JSON is `400 E0000003`.
//!
//! Fields the spec marks `readOnly` are never required of a request, and objects may carry fields the spec does not
//! declare (Okta adds fields faster than its spec does). A scalar is read as Okta's JSON reader reads it: `"true"`
//! is a boolean and `"587"` an integer (Okta's own request examples send them so), a number is a string's text.
//! Where Okta's API reference and the spec's schemas differ, Okta's rules ([`crate::okta_rules`]) win.

use serde_json::Value;

use crate::okta_rules;
use crate::respond::{ApiError, params};
use crate::spec::{Api, Location, Operation, is_json};

/// Checks a request's query string and body against its operation; returns the body parsed, when it is the JSON
/// the operation declares (so that it is parsed once per request).
pub(crate) fn request(
    api: &Api,
    op: &Operation,
    query: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Option<Value>, ApiError> {
    let mut causes = query_causes(api, op, query);
    let mut parsed = None;
    if let Some(declared) = &op.body {
        let empty = body.iter().all(u8::is_ascii_whitespace);
        let json_declared = declared.schema.is_some();
        let sent_json = content_type.is_none_or(is_json);
        if json_declared && !empty && sent_json {
            let value: Value = serde_json::from_slice(body).map_err(|_| ApiError::bad_json())?;
            if let Some(schema) = &declared.schema {
                // A `PATCH` sends only what changes: nothing is required of it.
                let partial = op.method == "PATCH";
                Checker { api, causes: &mut causes, partial, dispatched: Vec::new() }.check(schema, &value, "", 0);
                if causes.is_empty() {
                    causes.extend(okta_rules::body_causes(&op.id, &value));
                }
            }
            parsed = Some(value);
        } else if empty && declared.required && json_declared {
            return Err(ApiError::bad_json());
        }
    }
    ApiError::check_causes(causes)?;
    Ok(parsed)
}

/// Unknown query parameters, missing required ones, and values that are not of the declared type or enum.
fn query_causes(api: &Api, op: &Operation, query: Option<&str>) -> Vec<String> {
    let given: Vec<(String, String)> = params(query);
    let mut causes = Vec::new();
    for (name, value) in &given {
        match op.query_param(name) {
            None => causes.push(format!("{name}: The query parameter is not supported by this operation")),
            Some(p) => {
                let schema = api.resolve(&p.schema);
                let kind = schema.get("type").and_then(Value::as_str).unwrap_or_default();
                let ok = match kind {
                    "integer" => value.trim().parse::<i64>().is_ok(),
                    "number" => value.trim().parse::<f64>().is_ok(),
                    "boolean" => matches!(value.as_str(), "true" | "false"),
                    _ => true,
                };
                if !ok {
                    causes.push(format!("{name}: '{value}' is not a valid {kind}"));
                } else if let Some(allowed) = enum_strings(schema) {
                    if !allowed.iter().any(|a| a == value) {
                        causes.push(format!("{name}: '{value}' is not one of {}", allowed.join(", ")));
                    }
                }
            }
        }
    }
    for p in op.params.iter().filter(|p| p.location == Location::Query && p.required) {
        if !given.iter().any(|(k, _)| *k == p.name) {
            causes.push(format!("{}: The field cannot be left blank", p.name));
        }
    }
    causes
}

fn enum_strings(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array()?;
    let strings: Vec<String> = values.iter().filter_map(Value::as_str).map(str::to_string).collect();
    (!strings.is_empty() && strings.len() == values.len()).then_some(strings)
}

/// Walks a value against a schema, collecting causes.
struct Checker<'a> {
    api: &'a Api,
    causes: &'a mut Vec<String>,
    partial: bool,
    /// The discriminator mappings being followed (`$ref`s): the schema a mapping picks includes its base, whose
    /// discriminator is not followed again.
    dispatched: Vec<String>,
}

impl Checker<'_> {
    fn check(&mut self, schema: &Value, value: &Value, at: &str, depth: usize) {
        if depth > 48 {
            return;
        }
        let component =
            schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"));
        let schema = self.api.resolve(schema);
        if let Some(fixed) = component.and_then(|name| okta_rules::corrected_schema(name, schema)) {
            return self.check_resolved(&fixed, value, at, depth, component);
        }
        self.check_resolved(schema, value, at, depth, component);
    }

    /// Checks a value against a resolved schema, the spec's component `component` when it is one.
    fn check_resolved(&mut self, schema: &Value, value: &Value, at: &str, depth: usize, component: Option<&str>) {
        if schema.get("readOnly").and_then(Value::as_bool) == Some(true) || value.is_null() {
            return;
        }
        // A base schema whose discriminator picks the value's own schema (`authType: BASIC_SMTP_AUTH` → the basic
        // SMTP server, which requires a password): the picked schema is checked, base included.
        let follows = component.is_none_or(|c| !okta_rules::NOT_CHECKED_BY_SUBTYPE.contains(&c));
        if let Some(chosen) = discriminated(schema, value).filter(|c| follows && !self.dispatched.contains(c)) {
            if !["oneOf", "anyOf"].iter().any(|k| schema.get(*k).is_some()) {
                self.dispatched.push(chosen.clone());
                self.check(&serde_json::json!({ "$ref": chosen }), value, at, depth + 1);
                self.dispatched.pop();
                return;
            }
        }
        for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.check(part, value, at, depth + 1);
        }
        if let Some(alternatives) = ["oneOf", "anyOf"].iter().find_map(|k| schema.get(*k).and_then(Value::as_array)) {
            self.one_of(schema, alternatives, value, at, depth);
        }
        let properties = self.api.own_properties(schema);
        let declared = schema.get("type").and_then(Value::as_str);
        let kind = declared.or(if properties.is_empty() { None } else { Some("object") });
        let name = if at.is_empty() { "body" } else { at };
        match (kind, value) {
            (Some("object"), Value::Object(m)) => {
                let required = if self.partial { Vec::new() } else { self.api.required(schema) };
                for field in required {
                    let read_only = properties
                        .get(&field)
                        .is_some_and(|p| self.api.resolve(p).get("readOnly").and_then(Value::as_bool) == Some(true));
                    if !read_only && !m.contains_key(&field) {
                        self.causes.push(format!("{}: The field cannot be left blank", join(at, &field)));
                    }
                }
                for (field, v) in m {
                    if let Some(p) = properties.get(field) {
                        self.check(p, v, &join(at, field), depth + 1);
                    } else if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                        self.check(extra, v, &join(at, field), depth + 1);
                    }
                }
            }
            (Some("array"), Value::Array(items)) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, v) in items.iter().enumerate() {
                        self.check(item_schema, v, &format!("{at}[{i}]"), depth + 1);
                    }
                }
            }
            (Some("string"), Value::String(_) | Value::Number(_) | Value::Bool(_)) => {
                let s = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let s = s.as_str();
                if let Some(allowed) = enum_strings(schema) {
                    if !allowed.iter().any(|a| a == s) {
                        self.causes.push(format!("{name}: '{s}' is not one of {}", allowed.join(", ")));
                    }
                }
                self.check_length(schema, s, name);
                match schema.get("format").and_then(Value::as_str) {
                    Some("date-time") if chrono::DateTime::parse_from_rfc3339(s).is_err() => {
                        self.causes.push(format!("{name}: '{s}' is not a valid date-time"));
                    }
                    Some("email") if !looks_like_email(s) => {
                        self.causes.push(format!("{name}: '{s}' is not a valid email address"));
                    }
                    _ => {}
                }
            }
            (Some("integer"), Value::Number(n)) if n.is_i64() || n.is_u64() => {}
            (Some("integer"), Value::Number(n)) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => {}
            (Some("number"), Value::Number(_)) | (Some("boolean"), Value::Bool(_)) => {}
            // Okta's JSON reader takes a scalar's text for the scalar.
            (Some("boolean"), Value::String(s)) if matches!(s.as_str(), "true" | "false") => {}
            (Some("integer"), Value::String(s)) if s.trim().parse::<i64>().is_ok() => {}
            (Some("number"), Value::String(s)) if s.trim().parse::<f64>().is_ok() => {}
            (Some(expected @ ("object" | "array" | "string" | "integer" | "number" | "boolean")), other) => {
                self.causes.push(format!("{name}: expected {} but got {}", article(expected), describe(other)));
            }
            _ => {}
        }
    }

    /// Valid when one alternative is (the discriminator's mapping picks it when there is one); otherwise the
    /// causes of the alternative closest to valid.
    fn one_of(&mut self, schema: &Value, alternatives: &[Value], value: &Value, at: &str, depth: usize) {
        if let Some(chosen) = discriminated(schema, value) {
            self.check(&serde_json::json!({"$ref": chosen}), value, at, depth + 1);
            return;
        }
        let mut best: Option<Vec<String>> = None;
        for alternative in alternatives {
            let mut causes = Vec::new();
            Checker { api: self.api, causes: &mut causes, partial: self.partial, dispatched: self.dispatched.clone() }
                .check(alternative, value, at, depth + 1);
            if causes.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| causes.len() < b.len()) {
                best = Some(causes);
            }
        }
        self.causes.extend(best.unwrap_or_default());
    }
}

impl Checker<'_> {
    /// A string's length within the schema's `minLength`/`maxLength`, worded as Okta words its length errors; an
    /// empty string where one character is the least is a blank field.
    fn check_length(&mut self, schema: &Value, s: &str, name: &str) {
        let bound = |k: &str| schema.get(k).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok());
        let length = s.chars().count();
        match (bound("minLength"), bound("maxLength")) {
            (Some(min), _) if length < min && length == 0 => {
                self.causes.push(format!("{name}: The field cannot be left blank"));
            }
            (Some(min), _) if length < min => {
                self.causes.push(format!("{name}: '{name}' must be at least '{min}' characters long."));
            }
            (_, Some(max)) if length > max => {
                self.causes.push(format!("{name}: '{name}' can't be more than '{max}' characters long."));
            }
            _ => {}
        }
    }
}

/// The `$ref` a discriminator's mapping gives for the value's property, if any.
fn discriminated(schema: &Value, value: &Value) -> Option<String> {
    let discriminator = schema.get("discriminator")?;
    let property = discriminator.get("propertyName")?.as_str()?;
    let tag = value.get(property)?.as_str()?;
    discriminator.get("mapping")?.get(tag)?.as_str().map(str::to_string)
}

fn join(at: &str, field: &str) -> String {
    if at.is_empty() { field.to_string() } else { format!("{at}.{field}") }
}

fn looks_like_email(s: &str) -> bool {
    s.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
}

fn article(kind: &str) -> String {
    match kind {
        "object" | "array" | "integer" => format!("an {kind}"),
        other => format!("a {other}"),
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api() -> Api {
        let doc = json!({
            "paths": {"/api/v1/things": {"post": {
                "operationId": "createThing",
                "parameters": [{"name": "activate", "in": "query", "schema": {"type": "boolean"}},
                               {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["A", "B"]}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "responses": {"200": {}}
            }}},
            "components": {"schemas": {
                "Thing": {"type": "object", "required": ["name", "kind", "id"], "properties": {
                    "id": {"type": "string", "readOnly": true},
                    "name": {"type": "string"},
                    "kind": {"type": "string", "enum": ["ONE", "TWO"]},
                    "count": {"type": "integer"},
                    "when": {"type": "string", "format": "date-time"},
                    "contact": {"$ref": "#/components/schemas/Contact"},
                    "tags": {"type": "array", "items": {"type": "string"}}
                }},
                "Contact": {"type": "object", "required": ["email"], "properties": {"email": {"type": "string", "format": "email"}}}
            }}
        });
        Api::parse(&doc.to_string()).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn causes(query: Option<&str>, body: &str) -> Vec<String> {
        let api = api();
        let op = api.operations.first().unwrap_or_else(|| unreachable!());
        match request(&api, op, query, Some("application/json"), body.as_bytes()) {
            Ok(_) => Vec::new(),
            Err(e) => {
                assert_eq!(e.code, "E0000001", "{e:?}");
                e.causes
            }
        }
    }

    #[test]
    fn a_valid_request_passes_and_read_only_fields_are_not_required() {
        assert!(causes(Some("activate=true&mode=A"), r#"{"name": "x", "kind": "ONE", "extra": 1}"#).is_empty());
    }

    #[test]
    fn each_problem_is_one_cause_naming_its_field() {
        let got = causes(
            Some("activate=yes&mode=C&colour=red"),
            r#"{"kind": "THREE", "count": "seven", "when": "yesterday", "contact": {"email": "nobody"}, "tags": [[1]]}"#,
        );
        assert_eq!(
            got,
            [
                "activate: 'yes' is not a valid boolean",
                "mode: 'C' is not one of A, B",
                "colour: The query parameter is not supported by this operation",
                "name: The field cannot be left blank",
                "contact.email: 'nobody' is not a valid email address",
                "count: expected an integer but got a string",
                "kind: 'THREE' is not one of ONE, TWO",
                "tags[0]: expected a string but got an array",
                "when: 'yesterday' is not a valid date-time",
            ]
        );
    }

    #[test]
    fn scalars_are_read_as_okta_reads_them() {
        // `"7"` is an integer and `7` a string's text to Okta's JSON reader; `"seven"` is no integer.
        assert!(causes(None, r#"{"name": 7, "kind": "ONE", "count": "7"}"#).is_empty());
        assert_eq!(
            causes(Some("activate=TRUE"), r#"{"name": "x", "kind": "ONE"}"#),
            ["activate: 'TRUE' is not a valid boolean"]
        );
    }

    fn servers_api() -> Api {
        let doc = json!({
            "paths": {"/api/v1/servers": {"post": {
                "operationId": "createServer",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Server"}}}},
                "responses": {"200": {}}
            }}},
            "components": {"schemas": {
                "Server": {"type": "object", "required": ["alias", "authType"], "properties": {
                    "alias": {"type": "string", "minLength": 1, "maxLength": 5},
                    "authType": {"type": "string", "enum": ["BASIC", "OAUTH"]}},
                    "discriminator": {"propertyName": "authType", "mapping": {
                        "BASIC": "#/components/schemas/Basic", "OAUTH": "#/components/schemas/OAuth"}}},
                "Basic": {"allOf": [{"$ref": "#/components/schemas/Server"},
                    {"type": "object", "required": ["password"], "properties": {"password": {"type": "string"}}}]},
                "OAuth": {"allOf": [{"$ref": "#/components/schemas/Server"},
                    {"type": "object", "required": ["clientId"], "properties": {"clientId": {"type": "string"}}}]}
            }}
        });
        Api::parse(&doc.to_string()).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn server_causes(body: &str) -> Vec<String> {
        let api = servers_api();
        let op = api.operations.first().unwrap_or_else(|| unreachable!());
        request(&api, op, None, None, body.as_bytes()).err().map(|e| e.causes).unwrap_or_default()
    }

    #[test]
    fn a_discriminator_picks_the_schema_that_checks_the_body() {
        assert!(server_causes(r#"{"alias": "a", "authType": "BASIC", "password": "p"}"#).is_empty());
        assert_eq!(
            server_causes(r#"{"alias": "a", "authType": "BASIC"}"#),
            ["password: The field cannot be left blank"]
        );
        assert_eq!(
            server_causes(r#"{"alias": "a", "authType": "OAUTH"}"#),
            ["clientId: The field cannot be left blank"]
        );
        // No tag: the base alone, each missing field once.
        assert_eq!(
            server_causes(r#"{}"#),
            ["alias: The field cannot be left blank", "authType: The field cannot be left blank"]
        );
    }

    #[test]
    fn lengths_are_checked_as_okta_words_them() {
        assert_eq!(
            server_causes(r#"{"alias": "", "authType": "BASIC", "password": "p"}"#),
            ["alias: The field cannot be left blank"]
        );
        assert_eq!(
            server_causes(r#"{"alias": "toolong", "authType": "BASIC", "password": "p"}"#),
            ["alias: 'alias' can't be more than '5' characters long."]
        );
    }

    #[test]
    fn a_body_that_is_not_json_is_e0000003() {
        let api = api();
        let op = api.operations.first().unwrap_or_else(|| unreachable!());
        let e = request(&api, op, None, Some("application/json"), b"{\"name\": ").err();
        assert_eq!(e.map(|e| e.code), Some("E0000003"));
        let missing = request(&api, op, None, Some("application/json"), b"").err();
        assert_eq!(missing.map(|e| e.code), Some("E0000003"));
    }
}
