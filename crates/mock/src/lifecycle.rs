//! What a lifecycle step (`…/lifecycle/activate`, `…/enable`, `…/subscribe`, `…/pause`) or a setting's action
//! (`/org/preferences/hideEndUserFooter`) leaves on the object it is about, so that a following read shows it, as
//! an org's does. The field a step sets is the one the object's schema declares (`status` as `ACTIVE`/`INACTIVE`,
//! `ENABLED`/`DISABLED`, `subscribed`…, or the `enabled` flag), in the spelling its enum uses.

use chrono::DateTime;
use serde_json::{Map, Value, json};

use crate::spec::Api;

/// A value a step may set.
#[derive(Debug, Clone, Copy)]
enum Set {
    Text(&'static str),
    Flag(bool),
}

/// Each step with the field values it may set, preferred first: the first one the object's schema allows is set.
const STEPS: &[(&str, &[(&str, Set)])] = &[
    ("activate", &[("status", Set::Text("ACTIVE")), ("status", Set::Text("ENABLED")), ("enabled", Set::Flag(true))]),
    (
        "deactivate",
        &[
            ("status", Set::Text("INACTIVE")),
            ("status", Set::Text("DISABLED")),
            // A device's.
            ("status", Set::Text("DEACTIVATED")),
            ("enabled", Set::Flag(false)),
        ],
    ),
    ("enable", &[("status", Set::Text("ENABLED")), ("status", Set::Text("ACTIVE")), ("enabled", Set::Flag(true))]),
    ("disable", &[("status", Set::Text("DISABLED")), ("status", Set::Text("INACTIVE")), ("enabled", Set::Flag(false))]),
    ("suspend", &[("status", Set::Text("SUSPENDED"))]),
    ("unsuspend", &[("status", Set::Text("ACTIVE"))]),
    ("unlock", &[("status", Set::Text("ACTIVE"))]),
    ("subscribe", &[("status", Set::Text("subscribed"))]),
    ("unsubscribe", &[("status", Set::Text("unsubscribed"))]),
    // An agent pool update's job.
    ("pause", &[("status", Set::Text("Paused"))]),
    ("resume", &[("status", Set::Text("InProgress"))]),
    ("retry", &[("status", Set::Text("InProgress"))]),
    ("stop", &[("status", Set::Text("Cancelled"))]),
];

/// Whether `step` is a step this module knows (`ENABLE` as the feature API spells it included).
pub(crate) fn is_step(step: &str) -> bool {
    let step = step.to_ascii_lowercase();
    STEPS.iter().any(|(name, _)| *name == step)
}

/// Applies a step to `object`, whose schema is `schema`: sets the first field value the schema (or the object)
/// allows. Whether anything was set.
pub(crate) fn apply_step(api: &Api, schema: &Value, object: &mut Value, step: &str) -> bool {
    let step = step.to_ascii_lowercase();
    let Some((_, candidates)) = STEPS.iter().find(|(name, _)| *name == step) else { return false };
    let declared = api.properties(schema);
    let Value::Object(m) = object else { return false };
    for (field, value) in *candidates {
        let field_schema = declared.get(*field).map(|s| api.resolve(s).clone());
        if field_schema.is_none() && !m.contains_key(*field) {
            continue;
        }
        let allowed = field_schema.as_ref().and_then(|s| s.get("enum")).and_then(Value::as_array);
        let chosen = match (value, allowed) {
            (Set::Flag(b), _) if m.get(*field).is_none_or(Value::is_boolean) => json!(b),
            (Set::Flag(_), _) => continue,
            // The enum's own spelling (`Paused`, `ACTIVE`).
            (Set::Text(t), Some(values)) => {
                match values.iter().find(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(t))) {
                    Some(v) => v.clone(),
                    None => continue,
                }
            }
            // No enum: only a field that already holds a status of the same family takes it.
            (Set::Text(t), None) => match m.get(*field) {
                None => json!(t),
                Some(Value::String(old)) if same_family(old, t) => json!(t),
                Some(_) => continue,
            },
        };
        m.insert((*field).to_string(), chosen);
        return true;
    }
    false
}

/// Whether two statuses are of one pair (`ACTIVE`/`INACTIVE`, `ENABLED`/`DISABLED`): a status without an enum in
/// the spec keeps its vocabulary.
fn same_family(old: &str, new: &str) -> bool {
    let family = |s: &str| match s.to_ascii_uppercase().as_str() {
        "ACTIVE" | "INACTIVE" | "SUSPENDED" => 1,
        "ENABLED" | "DISABLED" => 2,
        _ => 0,
    };
    family(old) == family(new) || family(old) == 0
}

/// What a setting's action shows it changes (its success example next to the setting's current state): the plain
/// values (`"showEndUserFooter": false`, `"optInStatus": "OPTING_IN"`) of fields the setting has, timestamps aside.
pub(crate) fn apply_example(object: &mut Value, example: &Value) -> bool {
    let (Value::Object(current), Value::Object(shown)) = (object, example) else { return false };
    let mut changed = false;
    for (k, v) in shown {
        let plain = matches!(v, Value::Bool(_) | Value::Number(_))
            || v.as_str().is_some_and(|s| DateTime::parse_from_rfc3339(s).is_err());
        if plain && !k.starts_with('_') && k != "id" && current.contains_key(k) && current.get(k) != Some(v) {
            current.insert(k.clone(), v.clone());
            changed = true;
        }
    }
    changed
}

/// A JSON merge patch (RFC 7396): objects merged key by key, a `null` removes the key (how a custom property leaves a
/// user schema: Okta's partial update removes the properties set to `null`), anything else replaced.
pub(crate) fn merge_patch(into: &mut Value, patch: Value) {
    match (into, patch) {
        (Value::Object(a), Value::Object(b)) => merge_maps(a, b),
        (slot, v) => *slot = v,
    }
}

fn merge_maps(into: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (k, v) in patch {
        match (into.get_mut(&k), v) {
            (_, Value::Null) => {
                into.remove(&k);
            }
            (Some(slot @ Value::Object(_)), v @ Value::Object(_)) => merge_patch(slot, v),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Api {
        let doc = json!({"paths": {}, "components": {"schemas": {
            "Rule": {"properties": {"status": {"type": "string", "enum": ["ACTIVE", "INACTIVE"]}}},
            "Connection": {"properties": {"status": {"$ref": "#/components/schemas/ConnectionStatus"}}},
            "ConnectionStatus": {"type": "string", "enum": ["DISABLED", "ENABLED", "UNKNOWN"]},
            "Job": {"properties": {"enabled": {"type": "boolean"},
                "status": {"type": "string", "enum": ["Paused", "InProgress", "Cancelled", "Scheduled"]}}}
        }}});
        Api::parse(&doc.to_string()).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn schema(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn a_step_sets_the_field_its_schema_declares_in_its_spelling() {
        let api = api();
        let mut rule = json!({"status": "INACTIVE"});
        assert!(apply_step(&api, &schema("Rule"), &mut rule, "activate"));
        assert_eq!(rule["status"], "ACTIVE");
        let mut connection = json!({"status": "DISABLED"});
        assert!(apply_step(&api, &schema("Connection"), &mut connection, "activate"));
        assert_eq!(connection["status"], "ENABLED");
        let mut job = json!({"status": "Scheduled", "enabled": true});
        assert!(apply_step(&api, &schema("Job"), &mut job, "PAUSE"));
        assert!(apply_step(&api, &schema("Job"), &mut job, "deactivate"));
        assert_eq!(job, json!({"status": "Paused", "enabled": false}));
        assert!(!apply_step(&api, &schema("Rule"), &mut rule, "frobnicate"));
    }

    #[test]
    fn an_action_example_changes_the_plain_fields_it_shows() {
        let mut preferences = json!({"showEndUserFooter": true, "_links": {}});
        let shown = json!({"showEndUserFooter": false, "granted": "2024-01-01T00:00:00.000Z", "_links": {"x": {}}});
        assert!(apply_example(&mut preferences, &shown));
        assert_eq!(preferences, json!({"showEndUserFooter": false, "_links": {}}));
    }

    #[test]
    fn a_null_in_a_partial_update_removes_the_property() {
        let mut schema = json!({"definitions": {"custom": {"properties": {"a": {"type": "string"}, "b": {}}}}});
        merge_patch(
            &mut schema,
            json!({"definitions": {"custom": {"properties": {"a": null, "c": {"type": "integer"}}}}}),
        );
        assert_eq!(schema, json!({"definitions": {"custom": {"properties": {"b": {}, "c": {"type": "integer"}}}}}));
    }
}
