//! Lifecycle steps and settings' actions on what the spec-served handler keeps: a step (`…/lifecycle/activate`,
//! `…/pause`) sets the field the object's schema declares ([`crate::lifecycle`]), a setting's action
//! (`/org/preferences/hideEndUserFooter`) what its example shows it changes, and publishing a CSR makes a key of it.

use axum::response::Response;
use chrono::Utc;
use serde_json::{Value, json};

use super::{Call, collection_mut, touch};
use crate::lifecycle::{apply_example, apply_step};
use crate::respond::ApiError;
use crate::spec::{Kind, parent_template};
use crate::state::Store;
use crate::support::{random_alnum, ts};

impl Call<'_> {
    /// A lifecycle step or a setting's action on the object at `target` (an item of a collection at `template`, or a
    /// single object at a fixed path), kept so that a following read and list show it.
    pub(super) fn act(
        &self,
        store: &mut Store,
        target: &str,
        template: &str,
        step: &str,
    ) -> Result<Response, ApiError> {
        if !template.ends_with('}') {
            return self.act_on_setting(store, target, template, step);
        }
        if step == "publish" {
            return self.publish_csr(store, target, template);
        }
        let (collection, id) = target.rsplit_once('/').unwrap_or_default();
        let collection_template = parent_template(template).unwrap_or_default();
        self.seed_if_provided(store, collection, &collection_template);
        let kept = self.api.is_creatable(&collection_template)
            || matches!(collection_template.as_str(), "/api/v1/apps" | "/api/v1/eventHooks");
        let schema = self.schema_of(template);
        let Some(item) = collection_mut(store, collection).get_mut(id) else {
            return if kept { Err(ApiError::not_found(id)) } else { self.action() };
        };
        if apply_step(self.api, &schema, item, step) {
            touch(item);
        }
        let item = item.clone();
        if self.returns_object(&schema) { Ok(self.respond_with(item)) } else { self.action() }
    }

    /// An action on a single object (`/org/preferences/hideEndUserFooter`, an app's provisioning connection's
    /// `lifecycle/activate`): the step's field, else what the action's example shows it changes.
    fn act_on_setting(
        &self,
        store: &mut Store,
        target: &str,
        template: &str,
        step: &str,
    ) -> Result<Response, ApiError> {
        let Some((path, template)) = self.setting_acted_on(target, template) else { return self.action() };
        let schema = self.schema_of(&template);
        let Some(mut object) = self.setting(store, &path, &template) else { return self.action() };
        let stepped = apply_step(self.api, &schema, &mut object, step);
        let shown = self.example().is_some_and(|e| apply_example(&mut object, &e));
        if stepped || shown {
            touch(&mut object);
            store.generic.singletons.insert(path, object.clone());
        }
        if self.returns_object(&schema) { Ok(self.respond_with(object)) } else { self.action() }
    }

    /// The single object an action changes, with its template: the one at the action's parent path, else
    /// (`/iam/governance/optOut`) a sibling read as the same schema (`/iam/governance/optIn`).
    fn setting_acted_on(&self, target: &str, template: &str) -> Option<(String, String)> {
        let is_setting = |t: &str| self.api.operations.iter().any(|o| o.kind == Kind::SingletonGet && o.template == t);
        if is_setting(template) {
            return Some((target.to_string(), template.to_string()));
        }
        let own = self.api.resolve(self.op.success.as_ref()?.schema.as_ref()?);
        let sibling = self.api.operations.iter().find(|o| {
            o.kind == Kind::SingletonGet
                && parent_template(&o.template).as_deref() == parent_template(&self.op.template).as_deref()
                && o.success.as_ref().and_then(|s| s.schema.as_ref()).is_some_and(|s| self.api.resolve(s) == own)
        })?;
        let name = sibling.template.rsplit('/').next()?;
        let parent = self.path.rsplit_once('/')?.0;
        Some((format!("{parent}/{name}"), sibling.template.clone()))
    }

    /// What a single object holds now: what was written last, else what the org starts with (the spec's example).
    pub(super) fn setting(&self, store: &Store, path: &str, template: &str) -> Option<Value> {
        match store.generic.singletons.get(path) {
            Some(Value::Null) | None => self.example_of(template),
            Some(object) => Some(object.clone()),
        }
    }

    /// Publishing a CSR (`…/credentials/csrs/{csrId}/lifecycle/publish`): the signed certificate becomes a key of the
    /// app's (or identity provider's) key credentials under a new `kid`, listed with them, and the CSR is gone, as
    /// Okta documents.
    fn publish_csr(&self, store: &mut Store, target: &str, template: &str) -> Result<Response, ApiError> {
        let (csrs, csr_id) = target.rsplit_once('/').unwrap_or_default();
        if collection_mut(store, csrs).remove(csr_id).is_none() {
            return Err(ApiError::not_found(csr_id));
        }
        let credentials = |p: &str| p.rsplitn(3, '/').nth(2).map(|c| format!("{c}/keys")).unwrap_or_default();
        let (keys, keys_template) = (credentials(target), credentials(template));
        self.seed_if_provided(store, &keys, &keys_template);
        let shown = self.example().or_else(|| {
            self.op.success.as_ref().and_then(|s| s.schema.as_ref()).map(|schema| self.instance(schema, 0))
        });
        let mut key = match shown {
            Some(Value::Array(items)) => items.into_iter().next().unwrap_or_else(|| json!({})),
            Some(other) => other,
            None => json!({}),
        };
        let kid = random_alnum(43);
        let now = Utc::now();
        if let Value::Object(m) = &mut key {
            m.insert("kid".into(), json!(kid));
            m.insert("created".into(), json!(ts(now)));
            m.insert("lastUpdated".into(), json!(ts(now)));
            m.insert("expiresAt".into(), json!(ts(now + chrono::Duration::days(365))));
            m.entry("kty").or_insert_with(|| json!("RSA"));
            m.entry("use").or_insert_with(|| json!("sig"));
        }
        collection_mut(store, &keys).insert(kid, key.clone());
        Ok(self.respond_with(key))
    }

    /// The schema of the object at `template`: its read's answer, else this operation's.
    pub(super) fn schema_of(&self, template: &str) -> Value {
        let read = self.api.operations.iter().find(|o| o.method == "GET" && o.template == template);
        read.or(Some(self.op)).and_then(|o| o.success.as_ref()).and_then(|s| s.schema.clone()).unwrap_or(Value::Null)
    }

    /// Whether this operation answers the object acted on (its schema, or one with an `id`), not a document of its
    /// own.
    fn returns_object(&self, schema: &Value) -> bool {
        let Some(own) = self.op.success.as_ref().and_then(|s| s.schema.as_ref()) else { return false };
        self.api.resolve(own) == self.api.resolve(schema) || self.api.properties(own).contains_key("id")
    }

    /// The example of the read at `template` (one object: the first of an array where one object is declared).
    pub(super) fn example_of(&self, template: &str) -> Option<Value> {
        let read = self.api.operations.iter().find(|o| o.method == "GET" && o.template == template)?;
        let success = read.success.as_ref()?;
        let example = success.examples.iter().find(|e| !e.is_string())?.clone();
        let declared_array = success
            .schema
            .as_ref()
            .is_some_and(|s| self.api.resolve(s).get("type").and_then(Value::as_str) == Some("array"));
        match example {
            Value::Array(items) if !declared_array => items.into_iter().next(),
            other => Some(other),
        }
    }
}
