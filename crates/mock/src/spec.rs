//! The spec the mock serves from (written by `build.rs`: Okta's document as published, without its prose): every
//! operation with its path template, parameters, request body and success response, found by method and path.
//!
//! Parsed once per process, the first time it is needed ([`Api::get`]); [`crate::MockOrg::start`] starts that in
//! the background, so an org starts in milliseconds and its first request does not wait for it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

/// The spec as the build wrote it.
pub(crate) static SPEC_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/mock-spec.json"));

/// What an operation does to the org's state, decided from its method, its path and its neighbours in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `GET` of a collection (the success body is an array): a page of its items.
    List,
    /// `POST` to a collection: a new item with server-set fields.
    Create,
    /// `GET` of one item (`…/{id}`).
    Get,
    /// `PUT` of one item: replaces it (or adds it under the path's id, where the collection has no create).
    Replace,
    /// `POST` or `PATCH` of one item: merges the body into it.
    Merge,
    /// `DELETE` of one item.
    Delete,
    /// `POST …/{id}/lifecycle/{action}`: a status change of the item before `/lifecycle`.
    Lifecycle,
    /// `GET` of a single object at a fixed path (org settings and the like).
    SingletonGet,
    /// `PUT`/`POST`/`PATCH` of a single object at a fixed path.
    SingletonWrite,
    /// `DELETE` of a single object at a fixed path.
    SingletonDelete,
    /// Anything else (`…/verify`, `…/clone`, uploads): answered from the spec's example or schema.
    Action,
}

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    Param(String),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
    Other,
}

/// One declared parameter.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub schema: Value,
}

/// The declared request body.
#[derive(Debug, Clone)]
pub(crate) struct RequestBody {
    pub required: bool,
    /// The JSON schema, when a JSON media type is declared.
    pub schema: Option<Value>,
}

/// The success response the mock answers with: the lowest 2xx the operation declares (a 3xx where it declares
/// only that).
#[derive(Debug, Clone)]
pub(crate) struct Success {
    pub status: u16,
    /// The media type (`None`: no body).
    pub media: Option<String>,
    pub schema: Option<Value>,
    /// The media's examples, in the spec's order.
    pub examples: Vec<Value>,
}

/// One operation of the spec.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    pub id: String,
    pub method: String,
    pub template: String,
    pub segments: Vec<Segment>,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub success: Option<Success>,
    pub kind: Kind,
    /// The OAuth 2.0 scopes the operation accepts (its `security`; an API token has them all); `None` for a
    /// public operation (`security: []`, or an empty requirement).
    pub scopes: Option<Vec<String>>,
}

impl Operation {
    /// The names of the declared query parameters.
    pub fn query_param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.location == Location::Query && p.name == name)
    }
    /// `"GET /api/v1/users/{id}"`.
    pub fn route_key(&self) -> String {
        format!("{} {}", self.method, self.template)
    }
}

/// The result of looking a request up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// The operation's index in [`Api::operations`].
    Found(usize),
    /// The path is the spec's, the method is not.
    WrongMethod,
    /// No operation has this path.
    NoPath,
}

/// The parsed spec.
#[derive(Debug)]
pub(crate) struct Api {
    pub operations: Vec<Operation>,
    /// `components/schemas`, for `$ref`s.
    schemas: serde_json::Map<String, Value>,
    /// Operation indices by number of path segments.
    by_length: HashMap<usize, Vec<usize>>,
    /// Every path template with its parameters unnamed (`/api/v1/users/{}`).
    shapes: HashSet<String>,
}

static API: OnceLock<Result<Arc<Api>, String>> = OnceLock::new();

impl Api {
    /// The spec, parsed on first use (once per process).
    pub fn get() -> Result<Arc<Api>, String> {
        API.get_or_init(|| Api::parse(SPEC_JSON).map(Arc::new)).clone()
    }

    /// Parses a document written by the build (or a test's small one).
    pub fn parse(json: &str) -> Result<Api, String> {
        let doc: Value = serde_json::from_str(json).map_err(|e| format!("the mock's spec is not JSON: {e}"))?;
        let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut api = Api { operations: Vec::new(), schemas, by_length: HashMap::new(), shapes: HashSet::new() };
        let paths = doc.get("paths").and_then(Value::as_object).ok_or("the mock's spec has no paths")?;
        for (template, item) in paths {
            let shared = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            for method in ["get", "post", "put", "patch", "delete"] {
                let Some(op) = item.get(method) else { continue };
                api.operations.push(api.operation(&doc, template, method, op, &shared));
            }
        }
        api.classify();
        for (index, op) in api.operations.iter().enumerate() {
            api.by_length.entry(op.segments.len()).or_default().push(index);
            api.shapes.insert(shape(&op.template));
        }
        Ok(api)
    }

    fn operation(&self, doc: &Value, template: &str, method: &str, op: &Value, shared: &[Value]) -> Operation {
        let mut params: Vec<Param> = Vec::new();
        let own = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        // An operation's own parameter replaces the path item's of the same name and place.
        for raw in own.iter().chain(shared) {
            let p = resolve_in(doc, raw);
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            let location = match p.get("in").and_then(Value::as_str) {
                Some("path") => Location::Path,
                Some("query") => Location::Query,
                _ => Location::Other,
            };
            if params.iter().any(|q| q.name == name && q.location == location) {
                continue;
            }
            let required = location == Location::Path || p.get("required").and_then(Value::as_bool) == Some(true);
            params.push(Param { name, location, required, schema: p.get("schema").cloned().unwrap_or(Value::Null) });
        }
        let body = op.get("requestBody").map(|b| resolve_in(doc, b)).map(|b| {
            let content = b.get("content").and_then(Value::as_object);
            let schema = content
                .and_then(|c| c.iter().find(|(m, _)| is_json(m)).and_then(|(_, media)| media.get("schema").cloned()));
            RequestBody { required: b.get("required").and_then(Value::as_bool) == Some(true), schema }
        });
        let success = op.get("responses").and_then(Value::as_object).and_then(|responses| {
            // A deprecated operation may declare only its redirect (`301`).
            let (code, response) = responses
                .iter()
                .filter_map(|(code, r)| code.parse::<u16>().ok().filter(|c| (200..400).contains(c)).map(|c| (c, r)))
                .min_by_key(|(c, _)| *c)?;
            let response = resolve_in(doc, response);
            let content = response.get("content").and_then(Value::as_object);
            let chosen = content.and_then(|c| c.iter().find(|(m, _)| is_json(m)).or_else(|| c.iter().next()));
            Some(match chosen {
                None => Success { status: code, media: None, schema: None, examples: Vec::new() },
                Some((media, body)) => {
                    let mut examples = Vec::new();
                    if let Some(e) = body.get("example") {
                        examples.push(e.clone());
                    }
                    for e in body.get("examples").and_then(Value::as_object).into_iter().flat_map(|m| m.values()) {
                        if let Some(v) = resolve_in(doc, e).get("value") {
                            examples.push(v.clone());
                        }
                    }
                    Success { status: code, media: Some(media.clone()), schema: body.get("schema").cloned(), examples }
                }
            })
        });
        let segments = template
            .trim_start_matches('/')
            .split('/')
            .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(s.to_string()),
            })
            .collect();
        Operation {
            id: op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string(),
            method: method.to_ascii_uppercase(),
            template: template.to_string(),
            segments,
            params,
            body,
            success,
            kind: Kind::Action,
            scopes: scopes(op.get("security").or_else(|| doc.get("security"))),
        }
    }

    /// Decides each operation's [`Kind`] from its method, its path and the other operations on related paths.
    fn classify(&mut self) {
        // A `list…` operation declared as returning one object returns an array (the client's normaliser fixes
        // the same defect: `listAuthenticatorEnrollments`, `listPolicies`).
        let lists: BTreeSet<String> = self
            .operations
            .iter()
            .filter(|o| o.method == "GET" && ends_literal(o) && (self.returns_array(o) || self.unwrapped_list(o)))
            .map(|o| o.template.clone())
            .collect();
        let item_parents: BTreeSet<String> = self
            .operations
            .iter()
            .filter(|o| o.method == "GET" && !ends_literal(o))
            .filter_map(|o| parent_template(&o.template))
            .collect();
        let kinds: Vec<Kind> = self
            .operations
            .iter()
            .map(|o| {
                let literal = ends_literal(o);
                let lifecycle = o.segments.len() >= 2
                    && o.segments.get(o.segments.len() - 2) == Some(&Segment::Literal("lifecycle".into()));
                match (o.method.as_str(), literal) {
                    ("POST", true) if lifecycle => Kind::Lifecycle,
                    ("GET", true) if lists.contains(&o.template) => Kind::List,
                    ("GET", true) => Kind::SingletonGet,
                    ("POST", true) if lists.contains(&o.template) || item_parents.contains(&o.template) => Kind::Create,
                    ("PUT" | "PATCH", true) => Kind::SingletonWrite,
                    ("POST", true) if self.has("GET", &o.template) => Kind::SingletonWrite,
                    ("DELETE", true) => Kind::SingletonDelete,
                    ("GET", false) => Kind::Get,
                    ("PUT", false) => Kind::Replace,
                    ("POST" | "PATCH", false) => Kind::Merge,
                    ("DELETE", false) => Kind::Delete,
                    _ => Kind::Action,
                }
            })
            .collect();
        for (op, kind) in self.operations.iter_mut().zip(kinds) {
            op.kind = kind;
        }
    }

    fn has(&self, method: &str, template: &str) -> bool {
        self.operations.iter().any(|o| o.method == method && o.template == template)
    }

    fn returns_array(&self, op: &Operation) -> bool {
        let schema = op.success.as_ref().and_then(|s| s.schema.as_ref());
        schema.is_some_and(|s| self.resolve(s).get("type").and_then(Value::as_str) == Some("array"))
    }

    /// A `list…` operation declared to return one object that wraps no array (a wrapper, `{"roles": [...]}`, is
    /// what it says).
    fn unwrapped_list(&self, op: &Operation) -> bool {
        let Some(schema) = op.success.as_ref().and_then(|s| s.schema.as_ref()) else { return false };
        let resolved = self.resolve(schema);
        let wraps_array = self
            .properties(resolved)
            .values()
            .any(|p| self.resolve(p).get("type").and_then(Value::as_str) == Some("array"));
        let is_object = resolved.get("properties").is_some() || resolved.get("oneOf").is_some();
        op.id.starts_with("list") && is_object && !wraps_array
    }

    /// Whether the collection at `template` can be added to through the API (a create, or a `PUT` of an item).
    pub fn is_creatable(&self, template: &str) -> bool {
        self.operations.iter().any(|o| {
            (o.kind == Kind::Create && o.template == template)
                || (o.kind == Kind::Replace && parent_template(&o.template).as_deref() == Some(template))
        })
    }

    /// Whether some operation of the spec has this path template (parameter names aside).
    pub fn has_template(&self, template: &str) -> bool {
        self.shapes.contains(&shape(template))
    }

    /// The operation serving `method path`: the template with the most literal segments wins (`/users/me` over
    /// `/users/{id}`).
    pub fn lookup(&self, method: &str, path: &str) -> Lookup {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut best: Option<(usize, usize)> = None;
        let mut path_known = false;
        for &index in self.by_length.get(&segments.len()).into_iter().flatten() {
            let Some(op) = self.operations.get(index) else { continue };
            let Some(literals) = matches(&op.segments, &segments) else { continue };
            path_known = true;
            if op.method == method && best.is_none_or(|(_, l)| literals > l) {
                best = Some((index, literals));
            }
        }
        match best {
            Some((index, _)) => Lookup::Found(index),
            None if path_known => Lookup::WrongMethod,
            None => Lookup::NoPath,
        }
    }

    /// Follows `$ref`s (to `components/schemas`) until a schema that is not one.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(target) = schema.get("$ref").and_then(Value::as_str) else { return schema };
            match target.strip_prefix("#/components/schemas/").and_then(|name| self.schemas.get(name)) {
                Some(next) => schema = next,
                None => return &Value::Null,
            }
        }
        schema
    }

    /// The properties a schema declares, through `$ref`s, `allOf`s and unions (first declaration wins).
    pub fn properties(&self, schema: &Value) -> serde_json::Map<String, Value> {
        let mut out = serde_json::Map::new();
        self.collect_properties(schema, &mut out, true, 0);
        out
    }

    /// The properties every value of a schema has: through `$ref`s and `allOf`s, not unions (what validation
    /// checks; each member of a union is checked on its own).
    pub fn own_properties(&self, schema: &Value) -> serde_json::Map<String, Value> {
        let mut out = serde_json::Map::new();
        self.collect_properties(schema, &mut out, false, 0);
        out
    }

    /// The fields a schema requires: its `required`, through `$ref`s and `allOf`s.
    pub fn required(&self, schema: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_required(schema, &mut out, 0);
        out
    }

    fn collect_required(&self, schema: &Value, out: &mut Vec<String>, depth: usize) {
        if depth > 16 {
            return;
        }
        let schema = self.resolve(schema);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            out.push(name.to_string());
        }
        for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.collect_required(part, out, depth + 1);
        }
    }

    fn collect_properties(&self, schema: &Value, out: &mut serde_json::Map<String, Value>, unions: bool, depth: usize) {
        if depth > 16 {
            return;
        }
        let schema = self.resolve(schema);
        for (name, s) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            out.entry(name.clone()).or_insert_with(|| s.clone());
        }
        // A union's properties are those of every member (what any of them may carry).
        let keys: &[&str] = if unions { &["allOf", "oneOf", "anyOf"] } else { &["allOf"] };
        for key in keys {
            for part in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
                self.collect_properties(part, out, unions, depth + 1);
            }
        }
    }
}

/// The scopes of a `security` list; `None` when it lets anyone in (absent, empty, or an empty requirement).
fn scopes(security: Option<&Value>) -> Option<Vec<String>> {
    let requirements = security?.as_array()?;
    if requirements.is_empty() || requirements.iter().any(|r| r.as_object().is_some_and(serde_json::Map::is_empty)) {
        return None;
    }
    let oauth2 = requirements.iter().filter_map(|r| r.get("oauth2").and_then(Value::as_array)).flatten();
    Some(oauth2.filter_map(Value::as_str).map(str::to_string).collect())
}

/// A template with its parameters unnamed: `/api/v1/users/{userId}` → `/api/v1/users/{}`.
pub(crate) fn shape(template: &str) -> String {
    template
        .split('/')
        .map(|s| if s.starts_with('{') && s.ends_with('}') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a media type is JSON (`application/json`, `…+json`).
pub(crate) fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or_default().trim();
    media == "application/json" || media.ends_with("+json")
}

fn ends_literal(op: &Operation) -> bool {
    matches!(op.segments.last(), Some(Segment::Literal(_)))
}

/// `/a/{x}/b/{y}` → `/a/{x}/b`.
pub(crate) fn parent_template(template: &str) -> Option<String> {
    template.rsplit_once('/').map(|(parent, _)| parent.to_string()).filter(|p| !p.is_empty())
}

/// The number of literal segments when `path` fits `template`, else `None`.
fn matches(template: &[Segment], path: &[&str]) -> Option<usize> {
    let mut literals = 0;
    for (t, p) in template.iter().zip(path) {
        match t {
            Segment::Literal(l) if l == p => literals += 1,
            Segment::Literal(_) => return None,
            Segment::Param(_) if p.is_empty() => return None,
            Segment::Param(_) => {}
        }
    }
    Some(literals)
}

/// Resolves a `$ref` to anywhere in the document (parameters, request bodies, responses, examples).
fn resolve_in<'a>(doc: &'a Value, mut node: &'a Value) -> Value {
    for _ in 0..16 {
        let Some(target) = node.get("$ref").and_then(Value::as_str) else { break };
        match target.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(next) => node = next,
            None => return Value::Null,
        }
    }
    node.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn small() -> Api {
        let doc = json!({
            "info": {"version": "test"},
            "paths": {
                "/api/v1/things": {
                    "get": {"operationId": "listThings", "responses": {"200": {"content": {"application/json": {
                        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}},
                    "post": {"operationId": "createThing", "responses": {"201": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Thing"}, "example": {"id": "thg1"}}}}}}
                },
                "/api/v1/things/me": {"get": {"operationId": "getMyThing", "responses": {"200": {}}}},
                "/api/v1/things/{thingId}": {
                    "parameters": [{"name": "thingId", "in": "path", "schema": {"type": "string"}}],
                    "get": {"operationId": "getThing", "responses": {"200": {}}},
                    "delete": {"operationId": "deleteThing", "responses": {"204": {}}}
                },
                "/api/v1/things/{thingId}/lifecycle/activate": {"post": {"operationId": "activateThing",
                    "responses": {"204": {}}}},
                "/api/v1/settings": {"get": {"operationId": "getSettings", "responses": {"200": {}}},
                    "put": {"operationId": "replaceSettings", "responses": {"200": {}}}}
            },
            "components": {"schemas": {"Thing": {"allOf": [{"$ref": "#/components/schemas/Base"},
                {"properties": {"name": {"type": "string"}}}]}, "Base": {"properties": {"id": {"type": "string"}}}}}
        });
        Api::parse(&doc.to_string()).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn kind_of(api: &Api, id: &str) -> Option<Kind> {
        api.operations.iter().find(|o| o.id == id).map(|o| o.kind)
    }

    #[test]
    fn operations_are_classified_from_their_neighbours() {
        let api = small();
        assert_eq!(kind_of(&api, "listThings"), Some(Kind::List));
        assert_eq!(kind_of(&api, "createThing"), Some(Kind::Create));
        assert_eq!(kind_of(&api, "getThing"), Some(Kind::Get));
        assert_eq!(kind_of(&api, "deleteThing"), Some(Kind::Delete));
        assert_eq!(kind_of(&api, "activateThing"), Some(Kind::Lifecycle));
        assert_eq!(kind_of(&api, "getSettings"), Some(Kind::SingletonGet));
        assert_eq!(kind_of(&api, "replaceSettings"), Some(Kind::SingletonWrite));
        assert!(api.is_creatable("/api/v1/things"));
        assert!(!api.is_creatable("/api/v1/settings"));
    }

    #[test]
    fn lookup_prefers_literal_segments_and_tells_a_wrong_method_from_an_unknown_path() {
        let api = small();
        let id_of = |l: Lookup| match l {
            Lookup::Found(i) => api.operations.get(i).map(|o| o.id.clone()),
            _ => None,
        };
        assert_eq!(id_of(api.lookup("GET", "/api/v1/things/me")).as_deref(), Some("getMyThing"));
        assert_eq!(id_of(api.lookup("GET", "/api/v1/things/thg1")).as_deref(), Some("getThing"));
        assert_eq!(api.lookup("PUT", "/api/v1/things/thg1"), Lookup::WrongMethod);
        assert_eq!(api.lookup("GET", "/api/v1/nothing"), Lookup::NoPath);
        assert_eq!(api.lookup("GET", "/api/v1/things/"), Lookup::NoPath);
    }

    #[test]
    fn properties_are_collected_through_refs_and_all_of() {
        let api = small();
        let props = api.properties(&json!({"$ref": "#/components/schemas/Thing"}));
        assert_eq!(props.keys().cloned().collect::<Vec<_>>(), ["id", "name"]);
    }

    #[test]
    fn the_built_in_spec_has_every_operation() {
        let api = Api::get().unwrap_or_else(|e| unreachable!("{e}"));
        assert!(api.operations.len() >= 600, "{} operations", api.operations.len());
        assert!(api.operations.iter().all(|o| !o.id.is_empty()));
    }
}
