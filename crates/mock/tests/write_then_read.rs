//! Write, then read: every object the org serves from the spec is the org's. The walk finds in the spec every
//! resource with a lifecycle (`…/lifecycle/activate|deactivate`, `enable|disable`, `subscribe|unsubscribe`, an agent
//! pool update's `pause|resume`), every setting with actions of its own (`/org/preferences/hideEndUserFooter`), every
//! schema that custom properties are added to and removed from, every single object that is replaced and deleted,
//! and every CSR that is published; it writes, reads back over HTTP, and checks what Okta documents: the state the
//! write left (status, flags, the property gone, the setting as written or deleted), the org's clock on the write,
//! and links on the org naming the objects' real ids.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeMap, HashMap};

use chrono::{SecondsFormat, Utc};
use okta_management_mock::MockOrg;
use serde_json::{Value, json};

/// The steps that take an object down, then up again, with the states each leaves (`status` or `enabled`).
const STEP_PAIRS: &[(&str, &str)] =
    &[("deactivate", "activate"), ("disable", "enable"), ("unsubscribe", "subscribe"), ("pause", "resume")];
const DOWN: &[&str] = &["INACTIVE", "DISABLED", "DEACTIVATED", "unsubscribed", "Paused", "false"];
const UP: &[&str] = &["ACTIVE", "ENABLED", "subscribed", "InProgress", "true"];

/// Objects with hand-written handlers of their own, whose lifecycles other tests cover.
const HAND_WRITTEN: &[&str] = &["/api/v1/users/{id}", "/api/v1/eventHooks/{eventHookId}"];

struct Spec(Value);

impl Spec {
    fn load() -> Spec {
        Spec(serde_json::from_str(okta_management_mock::spec_json()).unwrap())
    }
    fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        while let Some(target) = v.get("$ref").and_then(Value::as_str) {
            v = self.0.pointer(target.trim_start_matches('#')).unwrap_or(&Value::Null);
        }
        v
    }
    fn paths(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0["paths"].as_object().unwrap().iter()
    }
    fn op(&self, method: &str, template: &str) -> Option<&Value> {
        self.0["paths"].get(template)?.get(method)
    }
    /// The first example of an operation's JSON request body (or success answer).
    fn example(&self, op: &Value, response: bool) -> Option<Value> {
        let holder = if response {
            let responses = op.get("responses")?.as_object()?;
            let (_, r) = responses.iter().filter(|(c, _)| c.starts_with('2')).min_by_key(|(c, _)| c.as_str())?;
            self.resolve(r)
        } else {
            self.resolve(op.get("requestBody")?)
        };
        let media = holder.get("content")?.get("application/json")?;
        let example = media.get("example").cloned().or_else(|| {
            let named = media.get("examples")?.as_object()?.values().next()?;
            self.resolve(named).get("value").cloned()
        })?;
        Some(match example {
            Value::Array(items) if !items.is_empty() && !response => items[0].clone(),
            Value::Array(items) if response && items.len() == 1 => items[0].clone(),
            other => other,
        })
    }
}

/// What names an object in its collection's paths.
fn identifier(object: &Value) -> Option<String> {
    ["id", "kid", "key", "name", "type", "notificationType"]
        .iter()
        .find_map(|k| object.get(*k).and_then(Value::as_str))
        .map(str::to_string)
}

/// `/api/v1/apps/{appId}/users` → `/api/v1/apps/{}/users`.
fn shape(template: &str) -> String {
    template.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/")
}

/// Every `href`, and every string naming a placeholder host, in an answer.
fn links(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match x {
                    Value::String(s) if k == "href" || s.contains("yourOktaDomain") => out.push(s.clone()),
                    other => links(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| links(x, out)),
        _ => {}
    }
}

struct Walk {
    org: MockOrg,
    http: reqwest::Client,
    base: String,
    spec: Spec,
    /// An object of each collection (by shape) the walk has made or found.
    ids: HashMap<String, String>,
    failures: Vec<String>,
    /// Objects the walk could neither make nor list, named by a guess.
    guessed: Vec<String>,
    skipped: Vec<String>,
    covered: BTreeMap<&'static str, Vec<String>>,
    started: String,
}

impl Walk {
    async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("authorization", format!("SSWS {}", self.org.token()));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// The path of `template` with each parameter naming an object of the org: one made through the API (a new one
    /// for the last when `fresh`), or listed.
    async fn path_for(&mut self, template: &str, fresh: bool) -> Option<String> {
        let segments: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        let last_param = segments.iter().rposition(|s| s.starts_with('{'));
        let mut path = String::new();
        for (i, segment) in segments.iter().enumerate() {
            if !segment.starts_with('{') {
                path.push('/');
                path.push_str(segment);
                continue;
            }
            let collection_template = format!("/{}", segments[..i].join("/"));
            let key = shape(&collection_template);
            let id = match self.ids.get(&key) {
                Some(id) if !(fresh && Some(i) == last_param) => id.clone(),
                _ => Box::pin(self.object_of(&collection_template, &path)).await?,
            };
            self.ids.insert(key, id.clone());
            path.push('/');
            path.push_str(&id);
        }
        Some(path)
    }

    /// An object of the collection at `template` (its path `collection`): made from the spec's example, or listed.
    async fn object_of(&mut self, template: &str, collection: &str) -> Option<String> {
        match template {
            "/api/v1/users" => return self.org.seed_users(1).pop(),
            "/api/v1/groups" => return self.org.seed_group(&format!("Walk {}", self.ids.len())).ok(),
            // An app's user schema is named by the app's id: only an app of the org has one.
            "/api/v1/apps" | "/api/v1/meta/schemas/apps" => {
                let app = json!({"label": "Walk", "signOnMode": "BOOKMARK",
                    "settings": {"app": {"url": "https://wiki.example.com"}}});
                return self.org.seed_app(app).ok();
            }
            _ => {}
        }
        let create = self.spec.op("post", template).and_then(|op| self.spec.example(op, false)).or_else(|| {
            // A CSR's request has no example in the spec: the smallest one Okta takes.
            template.ends_with("/csrs").then(|| {
                json!({"subject": {"countryName": "US", "commonName": "walk.example.com"},
                    "subjectAltNames": {"dnsNames": ["walk.example.com"]}})
            })
        });
        let mut tried = String::new();
        if let Some(body) = create {
            let (status, made) = self.call("POST", collection, Some(&body)).await;
            if (200..300).contains(&status) {
                self.check_new(template, &made);
                return identifier(&made);
            }
            tried = format!("POST {collection}: {status} {made}; ");
        }
        let (status, listed) = self.call("GET", collection, None).await;
        let found = listed.as_array().and_then(|items| items.first()).and_then(identifier);
        if status == 200 && found.is_some() {
            return found;
        }
        // Objects the org names itself (a role's `roleRef`, the `default` schema): the parameter's example, else
        // `default`. A guess: what cannot be read under it is skipped, not failed.
        let name = self.parameter_example(template).unwrap_or_else(|| "default".to_string());
        self.guessed.push(format!("{template}: {tried}GET {collection}: {status}; tried {name}"));
        Some(name)
    }

    /// The example value of the parameter that names an item of the collection at `template`.
    fn parameter_example(&self, template: &str) -> Option<String> {
        let (item_template, item) = self.spec.paths().find(|(t, _)| {
            t.rsplit_once('/').is_some_and(|(parent, last)| parent == template && last.starts_with('{'))
        })?;
        let name = item_template.rsplit('/').next()?.trim_matches(['{', '}']);
        let params = item
            .get("parameters")
            .into_iter()
            .chain(["get", "post", "put", "delete"].iter().filter_map(|m| item.get(*m)?.get("parameters")));
        params.flat_map(|p| p.as_array().into_iter().flatten()).map(|p| self.spec.resolve(p)).find_map(|p| {
            if p.get("name").and_then(Value::as_str) != Some(name) {
                return None;
            }
            let schema = p.get("schema").map(|s| self.spec.resolve(s));
            [p.get("example"), schema.and_then(|s| s.get("example")), schema.and_then(|s| s.pointer("/enum/0"))]
                .into_iter()
                .flatten()
                .find_map(|v| v.as_str().map(str::to_string))
        })
    }

    /// A new object: the org's clock on it, its links on the org.
    fn check_new(&mut self, what: &str, made: &Value) {
        for k in ["created", "lastUpdated"] {
            if let Some(t) = made.get(k).and_then(Value::as_str) {
                if t < self.started.as_str() {
                    self.failures.push(format!("{what}: new object's {k} is {t}, before the walk began"));
                }
            }
        }
        self.check_links(what, made, None);
    }

    /// Every link on the org; `_links.self` naming `own` (the object's real path) where given.
    fn check_links(&mut self, what: &str, answer: &Value, own: Option<&str>) {
        let mut found = Vec::new();
        links(answer, &mut found);
        for href in &found {
            // A templated link's query names what the caller fills in (`{clientId}`): its address is what counts.
            let href = href.split('?').next().unwrap_or_default();
            let example_host = href.contains("yourOktaDomain")
                || href.contains("subdomain.okta.com")
                || href.contains("//example.okta.com")
                || href.contains("${");
            if example_host {
                self.failures.push(format!("{what}: a link is the example's: {href}"));
            }
        }
        if let (Some(own), Some(self_href)) = (own, answer.pointer("/_links/self/href").and_then(Value::as_str)) {
            if self_href != format!("{}{own}", self.base) {
                self.failures.push(format!("{what}: _links.self is {self_href}, not {}{own}", self.base));
            }
        }
    }

    fn pass(&mut self, kind: &'static str, what: String) {
        self.covered.entry(kind).or_default().push(what);
    }

    /// The state a step leaves: `status`, else `enabled`.
    fn state(object: &Value) -> Option<String> {
        match (object.get("status"), object.get("enabled")) {
            (Some(Value::String(s)), _) => Some(s.clone()),
            (_, Some(Value::Bool(b))) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A resource with a lifecycle: taken down, read back (and listed), brought up, read back.
    async fn lifecycle(&mut self, target: &str, steps: &BTreeMap<String, String>) {
        self.guessed.clear();
        let Some(path) = self.path_for(target, true).await else {
            self.failures.push(format!("{target}: no object to act on"));
            return;
        };
        let (status, before) = self.call("GET", &path, None).await;
        if status == 404 && !self.guessed.is_empty() {
            self.skipped.push(format!("{target}: nothing to act on at {path} ({})", self.guessed.join("; ")));
            self.guessed.clear();
            return;
        }
        self.guessed.clear();
        if status != 200 {
            self.failures.push(format!("{target}: GET {path} answered {status} {before}"));
            return;
        }
        let last_updated = before.get("lastUpdated").and_then(Value::as_str).map(str::to_string);
        let mut checked = 0;
        for (down, up) in STEP_PAIRS {
            let (Some(down_path), Some(up_path)) = (steps.get(*down), steps.get(*up)) else { continue };
            for (step, step_path, wanted) in [(*down, down_path, DOWN), (*up, up_path, UP)] {
                let (status, answer) = self.call("POST", &format!("{path}{step_path}"), None).await;
                if !(200..300).contains(&status) {
                    self.failures.push(format!("{target} {step}: answered {status} {answer}"));
                    return;
                }
                let (_, read) = self.call("GET", &path, None).await;
                let state = Self::state(&read);
                if !state.as_deref().is_some_and(|s| wanted.contains(&s)) {
                    self.failures.push(format!("{target} {step}: read back as {state:?}"));
                }
                self.check_links(&format!("{target} after {step}"), &read, target.ends_with('}').then_some(&path));
                if let (Some(before), Some(now)) = (&last_updated, read.get("lastUpdated").and_then(Value::as_str)) {
                    if now < before.as_str() || now < self.started.as_str() {
                        self.failures.push(format!("{target} {step}: lastUpdated {now} is not the org's clock"));
                    }
                }
                self.listed_as(target, &path, state.as_deref()).await;
                self.pass("lifecycle steps", format!("{target} {step}"));
            }
            checked += 1;
        }
        if checked > 0 {
            self.pass("resources with a lifecycle", target.to_string());
        }
    }

    /// The list the object is in shows it as read.
    async fn listed_as(&mut self, target: &str, path: &str, state: Option<&str>) {
        let Some(collection_template) = target.rsplit_once('/').map(|(c, _)| c) else { return };
        if !target.ends_with('}') || self.spec.op("get", collection_template).is_none() {
            return;
        }
        let Some((collection, id)) = path.rsplit_once('/') else { return };
        let (status, listed) = self.call("GET", collection, None).await;
        if status != 200 {
            return;
        }
        let item = listed.as_array().and_then(|items| items.iter().find(|i| identifier(i).as_deref() == Some(id)));
        match item {
            Some(item) if Self::state(item).as_deref() == state => {
                self.check_links(&format!("{target} listed"), item, Some(path));
            }
            Some(item) => self.failures.push(format!("{target}: listed as {:?}, read as {state:?}", Self::state(item))),
            None => self.failures.push(format!("{target}: {id} is not listed in {collection}")),
        }
    }

    /// A setting's action (`hideEndUserFooter`): the setting reads back with what the action's example shows.
    async fn setting_action(&mut self, setting: &str, action: &str) {
        let Some(shown) = self.spec.op("post", action).and_then(|op| self.spec.example(op, true)) else { return };
        let (Some(path), Some(action_path)) = (self.path_for(setting, false).await, self.path_for(action, false).await)
        else {
            return;
        };
        let (status, answer) = self.call("POST", &action_path, None).await;
        if !(200..300).contains(&status) {
            self.failures.push(format!("{action}: answered {status} {answer}"));
            return;
        }
        let (_, read) = self.call("GET", &path, None).await;
        let mut compared = 0;
        for (k, v) in shown.as_object().into_iter().flatten() {
            if k.starts_with('_') || !(v.is_boolean() || v.is_string()) || read.get(k).is_none() {
                continue;
            }
            compared += 1;
            if read.get(k) != Some(v) {
                self.failures.push(format!("{action}: {setting} reads {k} = {}, the action shows {v}", read[k]));
            }
        }
        self.check_links(action, &read, None);
        if compared > 0 {
            self.pass("setting actions", action.to_string());
        }
    }

    /// A custom property added to a schema, then removed with `null`.
    async fn schema_property(&mut self, template: &str) {
        let Some(path) = self.path_for(template, false).await else { return };
        let property = json!({"title": "Walk", "type": "string", "description": "write then read"});
        let add = json!({"definitions": {"custom": {"id": "#custom", "type": "object",
            "properties": {"writeThenRead": property}}}});
        let custom = "/definitions/custom/properties/writeThenRead";
        let (status, answer) = self.call("POST", &path, Some(&add)).await;
        let (_, read) = self.call("GET", &path, None).await;
        if !(200..300).contains(&status) || read.pointer(custom).is_none() {
            self.failures.push(format!("{template}: the property added ({status} {answer}) reads back as absent"));
            return;
        }
        let remove = json!({"definitions": {"custom": {"id": "#custom", "type": "object",
            "properties": {"writeThenRead": null}}}});
        let (status, _) = self.call("POST", &path, Some(&remove)).await;
        let (_, read) = self.call("GET", &path, None).await;
        if !(200..300).contains(&status) || read.pointer(custom).is_some() {
            self.failures.push(format!("{template}: the property removed ({status}) is still listed"));
            return;
        }
        self.check_links(template, &read, None);
        self.pass("schemas with a property added and removed", template.to_string());
    }

    /// A single object replaced: it reads back as written.
    async fn replace(&mut self, template: &str, path: &str, body: &Value) {
        let (status, answer) = self.call("PUT", path, Some(body)).await;
        if !(200..300).contains(&status) {
            // The spec's example is not always what its schema accepts: Okta's 400 is the answer then.
            self.skipped.push(format!("{template}: the spec's example was refused: {status} {answer}"));
            return;
        }
        let (_, read) = self.call("GET", path, None).await;
        for (k, v) in body.as_object().into_iter().flatten() {
            if !k.starts_with('_') && (v.is_string() || v.is_boolean() || v.is_number()) && read.get(k) != Some(v) {
                self.failures.push(format!("{template}: replaced {k} with {v}, reads {}", read[k]));
            }
        }
        self.check_links(template, &read, None);
        self.check_links(template, &answer, None);
        self.pass("single objects replaced", template.to_string());
    }

    /// A single object replaced (it reads back as written), then deleted where it can be (it reads back gone).
    async fn replace_then_delete(&mut self, template: &str) {
        let Some(path) = self.path_for(template, false).await else { return };
        if let Some(body) = self.spec.op("put", template).and_then(|op| self.spec.example(op, false)) {
            self.replace(template, &path, &body).await;
        }
        if self.spec.op("delete", template).is_none() {
            return;
        }
        let (status, _) = self.call("DELETE", &path, None).await;
        let (after, read) = self.call("GET", &path, None).await;
        // Gone: not found, an empty settings object (the org's CAPTCHA settings), or an empty list (all tokens).
        let empty = read.as_object().is_some_and(|m| m.keys().all(|k| k.starts_with('_')))
            || read.as_array().is_some_and(Vec::is_empty);
        let gone = after == 404 || (after == 200 && empty);
        if !(200..300).contains(&status) || !gone {
            self.failures.push(format!("{template}: deleted ({status}), reads back {after} {read}"));
            return;
        }
        self.pass("single objects deleted", template.to_string());
    }

    /// A CSR published: a key with a new `kid`, listed with the keys; the CSR gone.
    async fn publish_csr(&mut self, publish: &str) {
        let csr = publish.trim_end_matches("/lifecycle/publish");
        let Some(csr_path) = self.path_for(csr, true).await else {
            self.failures.push(format!("{publish}: no CSR to publish"));
            return;
        };
        let Some(example_kid) = self
            .spec
            .op("post", publish)
            .and_then(|op| self.spec.example(op, true))
            .and_then(|e| e.get("kid").and_then(Value::as_str).map(str::to_string))
            .or_else(|| Some(String::new()))
        else {
            return;
        };
        let certificate = "MIIFgjCCA2qgAwIBAgICEAcwDQYJKoZIhvcNAQELBQAwXjELMAkGA1UEBhMCVVMx";
        let response = self
            .http
            .post(format!("{}{csr_path}/lifecycle/publish", self.base))
            .header("authorization", format!("SSWS {}", self.org.token()))
            .header("content-type", "application/pkix-cert")
            .body(certificate)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let key: Value = response.json().await.unwrap_or(Value::Null);
        let kid = key.get("kid").and_then(Value::as_str).unwrap_or_default().to_string();
        if !(200..300).contains(&status) || kid.is_empty() || kid == example_kid {
            self.failures.push(format!("{publish}: answered {status} with kid {kid:?} (the example's: {example_kid})"));
            return;
        }
        let keys = format!("{}/keys", csr_path.rsplitn(3, '/').nth(2).unwrap());
        let (_, listed) = self.call("GET", &keys, None).await;
        let listed_kids: Vec<String> = listed.as_array().into_iter().flatten().filter_map(identifier).collect();
        if !listed_kids.contains(&kid) {
            self.failures.push(format!("{publish}: key {kid} is not listed in {keys}: {listed_kids:?}"));
        }
        let (after, _) = self.call("GET", &csr_path, None).await;
        if after != 404 {
            self.failures.push(format!("{publish}: the published CSR still reads ({after})"));
        }
        self.pass("CSRs published", publish.to_string());
    }
}

/// Whether the object at `template` is a single one (its read answers an object, not a list).
fn single(spec: &Spec, template: &str) -> bool {
    let Some(read) = spec.op("get", template) else { return false };
    let responses = read.get("responses").and_then(Value::as_object);
    let success = responses.and_then(|r| r.iter().find(|(c, _)| c.starts_with('2'))).map(|(_, r)| spec.resolve(r));
    let schema = success.and_then(|r| r.pointer("/content/application~1json/schema")).map(|s| spec.resolve(s));
    schema.is_some_and(|s| s.get("type").and_then(Value::as_str) != Some("array"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_reads_back_as_the_org_left_it() {
    let org = MockOrg::builder().start().await.unwrap();
    let base = org.base_url().as_str().trim_end_matches('/').to_string();
    let started = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut walk = Walk {
        org,
        http: reqwest::Client::new(),
        base,
        spec: Spec::load(),
        ids: HashMap::new(),
        failures: Vec::new(),
        guessed: Vec::new(),
        skipped: Vec::new(),
        covered: BTreeMap::new(),
        started,
    };

    // What the spec says can be written: lifecycles by resource, settings' actions, schemas, single objects, CSRs.
    let mut lifecycles: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let (mut actions, mut schemas, mut singles, mut publishes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let steps: Vec<&str> = STEP_PAIRS.iter().flat_map(|(a, b)| [*a, *b]).collect();
    let templates: Vec<(String, Value)> = walk.spec.paths().map(|(t, item)| (t.clone(), item.clone())).collect();
    for (template, item) in &templates {
        let (parent, last) = template.rsplit_once('/').unwrap();
        if template.ends_with("/lifecycle/publish") {
            publishes.push(template.clone());
        }
        if item.get("post").is_some() {
            let lifecycle_parent = parent.strip_suffix("/lifecycle");
            if let Some(target) = lifecycle_parent.filter(|_| steps.contains(&last)) {
                lifecycles.entry(target.to_string()).or_default().insert(last.into(), format!("/lifecycle/{last}"));
            } else if steps.contains(&last) {
                lifecycles.entry(parent.to_string()).or_default().insert(last.into(), format!("/{last}"));
            } else if last == "{lifecycle}" {
                // `/features/{featureId}/{lifecycle}`: the step is the parameter.
                let target = lifecycles.entry(parent.to_string()).or_default();
                target.insert("enable".into(), "/enable".into());
                target.insert("disable".into(), "/disable".into());
            } else if !last.starts_with('{')
                && !parent.ends_with('}')
                && single(&walk.spec, parent)
                && item["post"].get("requestBody").is_none()
            {
                actions.push((parent.to_string(), template.clone()));
            }
        }
        let whole_schema = template.ends_with("/default") || template.ends_with("/{schemaId}");
        if template.contains("/meta/schemas/")
            && whole_schema
            && item.get("get").is_some()
            && item.get("post").is_some()
        {
            schemas.push(template.clone());
        }
        let listed = item.get("get").and_then(|op| walk.spec.example(op, true)).is_some_and(|e| e.is_array());
        if !last.starts_with('{')
            && item.get("get").is_some()
            && !listed
            && (item.get("put").is_some() || item.get("delete").is_some())
        {
            singles.push(template.clone());
        }
    }
    // Steps of objects that can be read (not `/webauthn-registration/api/v1/activate`, an action of its own).
    lifecycles.retain(|target, _| !HAND_WRITTEN.contains(&target.as_str()) && walk.spec.op("get", target).is_some());

    for (target, steps) in &lifecycles {
        walk.lifecycle(target, steps).await;
    }
    for (setting, action) in &actions {
        walk.setting_action(setting, action).await;
    }
    for template in &schemas {
        walk.schema_property(template).await;
    }
    for template in &singles {
        walk.replace_then_delete(template).await;
    }
    for publish in &publishes {
        walk.publish_csr(publish).await;
    }

    for (kind, what) in &walk.covered {
        println!("{kind}: {}", what.len());
        for w in what {
            println!("    {w}");
        }
    }
    for skipped in &walk.skipped {
        println!("skipped (the walk could not make one): {skipped}");
    }
    assert!(walk.failures.is_empty(), "{} failures:\n{}", walk.failures.len(), walk.failures.join("\n"));
    // What the walk covers today with the 2026.06.3 spec, so that a regression that skips some fails.
    let count = |kind: &str| walk.covered.get(kind).map_or(0, Vec::len);
    let floors = [
        ("resources with a lifecycle", 21),
        ("lifecycle steps", 42),
        ("setting actions", 4),
        ("schemas with a property added and removed", 3),
        ("single objects replaced", 8),
        ("single objects deleted", 12),
        ("CSRs published", 2),
    ];
    for (kind, floor) in floors {
        assert!(count(kind) >= floor, "only {} {kind} covered (floor {floor})", count(kind));
    }
}
