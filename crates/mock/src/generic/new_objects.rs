//! What the org puts on an object the API creates or replaces: the fields it sets itself (id, timestamps, status,
//! links, defaults) on top of what the client sent, and the uniqueness it keeps within a collection.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::{Call, set_self_link};
use crate::respond::ApiError;
use crate::spec::{Kind, parent_template};
use crate::support::{random_alnum, ts};

/// A field whose value is unique within a collection (a path template), and Okta's answer to a duplicate.
struct Unique {
    collection: &'static str,
    field: &'static str,
    refusal: Refusal,
}

enum Refusal {
    /// `400 E0000001` with this cause.
    Validation(&'static str),
    /// This status-409 error.
    Conflict(&'static str, &'static str),
}

const UNIQUE: &[Unique] = &[
    // A custom authorization server's scope names are unique (an access token's `scp` names them).
    Unique {
        collection: "/api/v1/authorizationServers/{authServerId}/scopes",
        field: "name",
        refusal: Refusal::Validation("name: A scope with the same name already exists."),
    },
    // One customization per language (the spec's `ErrorEmailCustomizationLanguageAlreadyExists`).
    Unique {
        collection: "/api/v1/brands/{brandId}/templates/email/{templateName}/customizations",
        field: "language",
        refusal: Refusal::Conflict("E0000183", "An email template customization for that language already exists."),
    },
];

/// A value made when an object is created (a key id, a time).
type MakeValue = fn() -> Value;

/// Defaults Okta documents that the spec does not declare, by the schema of the new object: a custom authorization
/// server's issuer is the org's URL and its signing keys rotate automatically ("Okta rotates keys automatically by
/// default", Okta Help: Rotate signing keys).
const DOCUMENTED_DEFAULTS: &[(&str, &str, MakeValue)] = &[
    ("AuthorizationServer", "issuerMode", || json!("ORG_URL")),
    ("AuthorizationServer", "credentials", || {
        let now = Utc::now();
        json!({ "signing": {
            "rotationMode": "AUTO",
            "use": "sig",
            "kid": random_alnum(43),
            "lastRotated": ts(now),
            "nextRotation": ts(now + chrono::Duration::days(90)),
        }})
    }),
];

/// The documented defaults of `schema`, for the fields the object lacks (inside those it has too: a client's
/// `credentials.signing` without a `rotationMode` rotates automatically).
fn add_documented_defaults(object: &mut Value, schema: &str) {
    for (_, field, value) in DOCUMENTED_DEFAULTS.iter().filter(|(s, _, _)| *s == schema) {
        fill_missing(object, &json!({ *field: value() }));
    }
}

/// Adds to `object` what `defaults` has and it lacks, object by object.
fn fill_missing(object: &mut Value, defaults: &Value) {
    let (Value::Object(out), Value::Object(given)) = (object, defaults) else { return };
    for (k, v) in given {
        match out.get_mut(k) {
            Some(mine) => fill_missing(mine, v),
            None => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Whether `field` is one the org sets by a documented default on an object of `schema`.
fn documented_default(field: &str, schema: &Value) -> bool {
    schema_name(schema).is_some_and(|name| DOCUMENTED_DEFAULTS.iter().any(|(s, f, _)| *s == name && *f == field))
}

/// The name of a schema given by reference (`#/components/schemas/AuthorizationServer` → `AuthorizationServer`).
fn schema_name(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
}

/// Whether a string has a `{…Id}` placeholder: a value Okta derives from an object's id.
fn names_an_id_placeholder(s: &str) -> bool {
    s.split('{').skip(1).filter_map(|rest| rest.split_once('}')).any(|(name, _)| {
        name.len() > 2 && name.ends_with("Id") && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

impl Call<'_> {
    /// A new object (or a setting written whole): what the client sent, with what the org sets on it, never the
    /// example's other values. The org sets what the schema marks `readOnly`, the `_links`, what the answer requires
    /// and the client left out, values the example derives from the object's id (an authorization server's
    /// `issuer`), the schema's declared defaults (a scope's `consent`) and the defaults Okta documents beyond them
    /// ([`DOCUMENTED_DEFAULTS`]); the example chosen is of the same kind (`type`, `signOnMode`, `factorType`).
    pub(super) fn made_from(&self, body: Map<String, Value>) -> Value {
        let examples: Vec<&Value> = self
            .op
            .success
            .iter()
            .flat_map(|s| s.examples.iter())
            .map(|e| match e {
                Value::Array(items) => items.first().unwrap_or(e),
                other => other,
            })
            .filter(|e| e.is_object())
            .collect();
        let same_kind = |e: &&Value| {
            ["type", "signOnMode", "factorType", "provider"].iter().all(|k| match (e.get(*k), body.get(*k)) {
                (Some(a), Some(b)) => a == b,
                (Some(_), None) => false,
                _ => true,
            })
        };
        let schema = self.answer_schema();
        let mut object = Value::Object(body.clone());
        if let Some(name) = schema_name(&schema) {
            add_documented_defaults(&mut object, name);
        }
        if let Some(example) = examples.into_iter().find(same_kind) {
            self.add_server_set(&mut object, example, &schema, 0);
        }
        self.add_defaults(&mut object, &schema);
        object
    }

    /// The schema of the object the operation answers (an array's items).
    pub(super) fn answer_schema(&self) -> Value {
        let schema = self.op.success.as_ref().and_then(|s| s.schema.as_ref()).cloned().unwrap_or(Value::Null);
        match self.api.resolve(&schema) {
            s if s.get("type").and_then(Value::as_str) == Some("array") => s.get("items").cloned().unwrap_or_default(),
            _ => schema,
        }
    }

    /// Adds to `object` the fields of `example` the org sets (see [`Self::made_from`]); an object the client did
    /// not send whose schema has server-set fields inside (an authorization server's `credentials.signing.kid`)
    /// gets those.
    fn add_server_set(&self, object: &mut Value, example: &Value, schema: &Value, depth: usize) {
        let (Value::Object(out), Value::Object(shown)) = (object, example) else { return };
        if depth > 8 {
            return;
        }
        let declared = self.api.properties(schema);
        let required = self.api.required(schema);
        for (k, v) in shown {
            let property = declared.get(k).cloned().unwrap_or(Value::Null);
            match out.get_mut(k) {
                Some(sent @ Value::Object(_)) => self.add_server_set(sent, v, &property, depth + 1),
                Some(_) => {}
                None if self.server_set(k, &property, v) || required.contains(k) => {
                    out.insert(k.clone(), self.fresh(&property, v));
                }
                None if v.is_object() && self.has_read_only_inside(&property, 0) => {
                    let mut inner = json!({});
                    self.add_server_set(&mut inner, v, &property, depth + 1);
                    if inner.as_object().is_some_and(|m| !m.is_empty()) {
                        out.insert(k.clone(), inner);
                    }
                }
                None => {}
            }
        }
    }

    /// Whether the org sets the field `name` (of schema `property`, shown as `shown`): `readOnly`, the links, or a
    /// value the example makes of the object's id (`https://{yourOktaDomain}/oauth2/{authorizationServerId}`).
    pub(super) fn server_set(&self, name: &str, property: &Value, shown: &Value) -> bool {
        name == "_links" || self.read_only(property) || shown.as_str().is_some_and(names_an_id_placeholder)
    }

    fn read_only(&self, property: &Value) -> bool {
        let marked = |s: &Value| s.get("readOnly").and_then(Value::as_bool) == Some(true);
        marked(property) || marked(self.api.resolve(property))
    }

    fn has_read_only_inside(&self, schema: &Value, depth: usize) -> bool {
        depth < 4
            && self
                .api
                .properties(schema)
                .values()
                .any(|p| self.read_only(p) || self.has_read_only_inside(p, depth + 1))
    }

    /// An example's server-set value as a new object shows it: a timestamp is now, a key id is new.
    fn fresh(&self, property: &Value, shown: &Value) -> Value {
        let resolved = self.api.resolve(property);
        let is_time = resolved.get("format").and_then(Value::as_str) == Some("date-time")
            || shown.as_str().is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok());
        match shown {
            Value::String(_) if is_time => json!(ts(Utc::now())),
            other => other.clone(),
        }
    }

    /// The defaults the schema declares (through `$ref`s: a scope's `consent` is `IMPLICIT`) for the fields the
    /// object lacks.
    fn add_defaults(&self, object: &mut Value, schema: &Value) {
        let Value::Object(out) = object else { return };
        for (k, property) in self.api.properties(schema) {
            if out.contains_key(&k) {
                continue;
            }
            let default = property.get("default").or_else(|| self.api.resolve(&property).get("default"));
            if let Some(default) = default {
                out.insert(k, default.clone());
            }
        }
    }

    /// A replacement keeps what the org set on the original: its id, creation, status and links, what the schema
    /// marks `readOnly` (a brand's `isDefault`: the client cannot change it) and the org's other fields the client
    /// did not send (an authorization server's `issuer` and `credentials`).
    pub(super) fn keep_server_fields(&self, old: &Value, new: &mut Value) {
        let (Value::Object(o), Value::Object(n)) = (old, new) else { return };
        let schema = self.answer_schema();
        let declared = self.api.properties(&schema);
        for (k, v) in o {
            let property = declared.get(k).cloned().unwrap_or(Value::Null);
            if self.read_only(&property) {
                n.insert(k.clone(), v.clone());
            } else if ["id", "created", "status"].contains(&k.as_str())
                || self.server_set(k, &property, v)
                || documented_default(k, &schema)
            {
                n.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }

    /// The uniqueness Okta keeps in a collection ([`UNIQUE`]): a second object with the same value is refused.
    pub(super) fn check_unique(
        &self,
        items: &BTreeMap<String, Value>,
        object: &Value,
        itself: Option<&str>,
    ) -> Result<(), ApiError> {
        let template = match self.op.kind {
            Kind::Create => self.op.template.clone(),
            _ => parent_template(&self.op.template).unwrap_or_default(),
        };
        for rule in UNIQUE.iter().filter(|r| r.collection == template) {
            let Some(value) = object.get(rule.field).filter(|v| !v.is_null()) else { continue };
            let taken =
                items.iter().any(|(key, other)| Some(key.as_str()) != itself && other.get(rule.field) == Some(value));
            if taken {
                return Err(match rule.refusal {
                    Refusal::Validation(cause) => ApiError::validation(cause),
                    Refusal::Conflict(code, summary) => ApiError::new(StatusCode::CONFLICT, code, summary),
                });
            }
        }
        Ok(())
    }

    /// The prefix of new ids: the first three characters of the example's id when it looks like Okta's.
    pub(super) fn id_prefix(&self) -> String {
        let example_id = self.example().and_then(|e| match e {
            Value::Array(items) => items.first().and_then(|i| i.get("id")).cloned(),
            other => other.get("id").cloned(),
        });
        match example_id.as_ref().and_then(Value::as_str) {
            Some(id) if id.len() == 20 && id.chars().all(|c| c.is_ascii_alphanumeric()) => {
                id.get(..3).unwrap_or("00x").to_string()
            }
            _ => "00x".into(),
        }
    }

    /// `id`, `created`, `lastUpdated`, `status` and `_links.self` where the answer's schema (or example) has them.
    pub(super) fn set_server_fields(&self, object: &mut Value, id: Option<&str>, href: &str, new: bool) {
        let schema = self.op.success.as_ref().and_then(|s| s.schema.as_ref()).cloned().unwrap_or(Value::Null);
        let item_schema = match self.api.resolve(&schema) {
            s if s.get("type").and_then(Value::as_str) == Some("array") => s.get("items").cloned().unwrap_or_default(),
            _ => schema,
        };
        let declared = self.api.properties(&item_schema);
        let Value::Object(m) = object else { return };
        let has = |m: &Map<String, Value>, k: &str| declared.contains_key(k) || m.contains_key(k);
        let now = json!(ts(Utc::now()));
        // A new object always gets an `id`: its item paths name it (the spec does not always declare the field).
        if let Some(id) = id {
            if new || has(m, "id") {
                m.insert("id".into(), json!(id));
            }
        }
        // The org's clock: a new object's `created` and every `…Updated` (`lastMembershipUpdated`), a change's
        // `lastUpdated`.
        let stamped: Vec<String> = if new {
            let named = declared.keys().chain(m.keys()).filter(|k| *k == "created" || k.ends_with("Updated"));
            named.cloned().collect()
        } else {
            vec!["lastUpdated".to_string()]
        };
        for k in stamped {
            if has(m, &k) {
                m.insert(k, now.clone());
            }
        }
        if new && declared.contains_key("status") && !m.get("status").is_some_and(Value::is_string) {
            m.insert("status".into(), json!("ACTIVE"));
        }
        if has(m, "_links") {
            let mut object_value = Value::Object(std::mem::take(m));
            set_self_link(&mut object_value, href);
            if let Value::Object(back) = object_value {
                *m = back;
            }
        }
    }
}
