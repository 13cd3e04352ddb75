//! The spec the mock org serves from: Okta's document as it was published (not normalised: the mock validates
//! requests against Okta's own `required` lists, enums and formats, and answers with its examples), as compact JSON
//! with the prose taken out. `okta-management-mock`'s build script writes it with [`write_mock_spec`]; the mock
//! parses it the first time it serves an operation it has no hand-written handler for.

use std::path::Path;

use serde_json::{Map, Value};

use crate::Generated;
use crate::spec_source;

/// The file [`write_mock_spec`] writes in `out_dir`.
pub const MOCK_SPEC_FILE: &str = "mock-spec.json";

/// Writes the spec chosen as for [`crate::generate`] (the package's default, or `OKTA_SPEC_PATH`) to
/// `out_dir/`[`MOCK_SPEC_FILE`], without its documentation.
pub fn write_mock_spec(manifest_dir: &Path, out_dir: &Path) -> Result<Generated, String> {
    let spec = spec_source::resolve(manifest_dir)?;
    let document = spec_source::parse(&spec)?;
    let info_version = document.pointer("/info/version").and_then(Value::as_str).unwrap_or("unknown").to_string();
    let warnings: Vec<String> = spec_source::check_version(&spec, &info_version)?.into_iter().collect();
    let mut stripped = without_prose(&document);
    if let Some(top) = stripped.as_object_mut() {
        // Tag descriptions and their grouping: documentation only.
        top.remove("tags");
        top.remove("x-tagGroups");
    }
    let bytes = serde_json::to_vec(&stripped).map_err(|e| e.to_string())?;
    std::fs::write(out_dir.join(MOCK_SPEC_FILE), bytes).map_err(|e| format!("cannot write {MOCK_SPEC_FILE}: {e}"))?;
    Ok(Generated {
        spec_version: info_version,
        warnings,
        rerun_if_changed: vec![spec.path],
        rerun_if_env_changed: spec_source::ENV_VARS.to_vec(),
    })
}

/// Keys that only document (removed from every node of the document).
const PROSE: [&str; 6] = ["description", "summary", "x-codeSamples", "externalDocs", "title", "x-okta-lifecycle"];

/// Keys whose value is a map from names to nodes: the names are kept whatever they are (a property may be called
/// `description`).
const NAME_MAPS: [&str; 14] = [
    "properties",
    "paths",
    "schemas",
    "responses",
    "examples",
    "parameters",
    "requestBodies",
    "headers",
    "content",
    "securitySchemes",
    "links",
    "callbacks",
    "x-webhooks",
    "patternProperties",
];

/// Keys whose value is data (an example, a default, enum values): kept exactly.
const DATA: [&str; 5] = ["example", "value", "default", "enum", "const"];

/// The document without its prose: `description`, `summary`, `title`, `externalDocs`, `x-codeSamples` and
/// `x-okta-lifecycle` are dropped from every node; names (of properties, paths, schemas…) and data (examples,
/// defaults, enums) are kept.
pub fn without_prose(node: &Value) -> Value {
    match node {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, value) in map {
                if PROSE.contains(&key.as_str()) {
                    continue;
                }
                let kept = if DATA.contains(&key.as_str()) {
                    value.clone()
                } else if NAME_MAPS.contains(&key.as_str()) {
                    match value {
                        Value::Object(names) => Value::Object(
                            names.iter().map(|(name, child)| (name.clone(), without_prose(child))).collect(),
                        ),
                        // `parameters` of an operation is a list of nodes.
                        other => without_prose(other),
                    }
                } else {
                    without_prose(value)
                };
                out.insert(key.clone(), kept);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(without_prose).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prose_goes_names_and_data_stay() {
        let doc = json!({
            "paths": {"/api/v1/users": {"get": {
                "summary": "List users", "description": "Lists users", "operationId": "listUsers",
                "x-codeSamples": [{"lang": "curl"}],
                "responses": {"200": {"description": "OK", "content": {"application/json": {
                    "examples": {"one": {"summary": "one user", "value": [{"description": "kept: data"}]}}
                }}}}
            }}},
            "components": {"schemas": {"Thing": {
                "description": "A thing", "title": "Thing",
                "properties": {"description": {"type": "string", "description": "its description"}},
                "example": {"description": "kept too"}
            }}}
        });
        let stripped = without_prose(&doc);
        assert_eq!(
            stripped,
            json!({
                "paths": {"/api/v1/users": {"get": {
                    "operationId": "listUsers",
                    "responses": {"200": {"content": {"application/json": {
                        "examples": {"one": {"value": [{"description": "kept: data"}]}}
                    }}}}
                }}},
                "components": {"schemas": {"Thing": {
                    "properties": {"description": {"type": "string"}},
                    "example": {"description": "kept too"}
                }}}
            })
        );
    }
}
