//! Every operation without a hand-written handler, served from the spec ([`crate::spec`]): objects created through
//! the API are kept by id under their collection's path (`/api/v1/authorizationServers/aus…/policies`) and
//! returned by get, list, replace and delete, with the fields Okta sets (`id`, `created`, `lastUpdated`, `status`,
//! `_links`) filled in, shaped like the spec's examples. Collections the API cannot add to (devices, features, API
//! tokens…) hold what the spec's list example shows, as an org would. Single objects at a fixed path (org
//! settings) answer their example until written. What the spec gives no way to answer is a 501 naming the
//! operation, never a made-up 200.

mod actions;
mod new_objects;

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::lifecycle::{apply_example, is_step, merge_patch};
use crate::links::{Ids, add_declared_links, make_own};
use crate::paging::ListRequest;
use crate::query;
use crate::respond::{ApiError, bytes_response, empty, json_response, params};
use crate::spec::{Api, Kind, Location, Lookup, Operation, Segment, is_json, parent_template};
use crate::state::{OrgState, PageLimits, Store};
use crate::support::{ts, uuid};

/// The request's JSON body as the request layer parsed it to validate it.
#[derive(Debug, Clone)]
pub(crate) struct JsonBody(pub Value);

/// The lookup the request layer made, for the handler.
#[derive(Debug, Clone)]
pub(crate) struct SpecMatch {
    pub api: Arc<Api>,
    pub lookup: Lookup,
}

impl SpecMatch {
    /// The operation found, if the spec has one for the request's method and path.
    pub(crate) fn operation(&self) -> Option<&Operation> {
        match self.lookup {
            Lookup::Found(index) => self.api.operations.get(index),
            _ => None,
        }
    }
}

/// The handler of every request no hand-written route takes (unknown paths and methods included).
pub(crate) async fn serve(State(org): State<Arc<OrgState>>, req: Request) -> Response {
    let found = req.extensions().get::<SpecMatch>().cloned();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let Some(SpecMatch { api, lookup }) = found else {
        return ApiError::not_found(&path).into_response();
    };
    let index = match lookup {
        Lookup::Found(index) => index,
        Lookup::WrongMethod => return method_not_allowed().into_response(),
        // A hand-written route's path with a method it does not take.
        Lookup::NoPath if req.extensions().get::<axum::extract::MatchedPath>().is_some() => {
            return method_not_allowed().into_response();
        }
        Lookup::NoPath => return ApiError::not_found(&path).into_response(),
    };
    let Some(op) = api.operations.get(index) else { return ApiError::not_found(&path).into_response() };
    // Parsed (and checked) by the request layer; a JSON array (a bulk operation) is answered from the spec, not kept.
    let body = match req.extensions().get::<JsonBody>() {
        Some(JsonBody(Value::Object(m))) => Some(m.clone()),
        _ => None,
    };
    let mut request =
        Call { api: &api, op, path: &path, query: query.as_deref(), body, base: &org.base, ids: Ids::default() };
    match org.with_store(|store| request.answer(store)) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// Okta's answer to a method a path does not take.
fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "E0000022", "The endpoint does not support the provided HTTP method")
}

/// One request to an operation served from the spec.
struct Call<'a> {
    api: &'a Api,
    op: &'a Operation,
    path: &'a str,
    query: Option<&'a str>,
    /// The JSON object sent, if one was.
    body: Option<Map<String, Value>>,
    /// The org's base URL (no trailing slash), which every link of an answer points at.
    base: &'a str,
    /// The ids of the request's path, which an answer's links name.
    ids: Ids,
}

impl Call<'_> {
    fn answer(&mut self, store: &mut Store) -> Result<Response, ApiError> {
        let segments = self.segments(store);
        self.ids = Ids::of_path(&self.op.segments, &segments);
        if matches!(self.op.kind, Kind::Get | Kind::Replace | Kind::Merge | Kind::Delete | Kind::Lifecycle) {
            self.ids = std::mem::take(&mut self.ids).owned_by_last();
        }
        self.check_parents(store, &segments)?;
        let joined = |n: usize| format!("/{}", segments.get(..n).unwrap_or_default().join("/"));
        let n = segments.len();
        let last = segments.last().cloned().unwrap_or_default();
        let template_up = |k: usize| {
            let kept = self.op.segments.len().saturating_sub(k);
            template_prefix(&self.op.segments, kept)
        };
        match self.op.kind {
            // `…/{id}/lifecycle/{step}`: the object is two segments up (an item, or a single object such as an
            // app's provisioning connection).
            Kind::Lifecycle => self.act(store, &joined(n.saturating_sub(2)), &template_up(2), &last),
            // `/features/{featureId}/{lifecycle}`: the step is the last parameter.
            Kind::Merge if self.step_parameter() => {
                self.act(store, &joined(n.saturating_sub(1)), &template_up(1), &last)
            }
            // `…/{updateId}/pause`, `…/subscriptions/{type}/subscribe`, `/org/preferences/hideEndUserFooter`.
            Kind::Action if self.op.method == "POST" && (is_step(&last) || !template_up(1).ends_with('}')) => {
                self.act(store, &joined(n.saturating_sub(1)), &template_up(1), &last)
            }
            Kind::List => self.list(store, &joined(n)),
            Kind::Create => self.create(store, &joined(n)),
            Kind::Get | Kind::Replace | Kind::Merge | Kind::Delete => {
                let template = parent_template(&self.op.template).unwrap_or_default();
                self.item(store, &joined(n.saturating_sub(1)), &template, &last)
            }
            Kind::SingletonGet | Kind::SingletonWrite | Kind::SingletonDelete => self.singleton(store, &joined(n)),
            Kind::Action => self.action(),
        }
    }

    /// Whether the path's last segment is a parameter naming a lifecycle step (`{lifecycle}`: `enable`, `disable`).
    fn step_parameter(&self) -> bool {
        matches!(self.op.segments.last(), Some(Segment::Param(p)) if p == "lifecycle")
    }

    /// The path's segments, percent-decoded; a user given by login is replaced by the user's id, so that what
    /// is kept under a user is found either way.
    fn segments(&self, store: &Store) -> Vec<String> {
        let mut out: Vec<String> = self
            .path
            .trim_start_matches('/')
            .split('/')
            .map(|seg| percent_encoding::percent_decode_str(seg).decode_utf8_lossy().into_owned())
            .collect();
        if self.op.template.starts_with("/api/v1/users/{") {
            if let Some(id) = out.get(3).and_then(|login| store.resolve_user(login)) {
                if let Some(slot) = out.get_mut(3) {
                    *slot = id;
                }
            }
        }
        out
    }

    /// Every object the path goes through must exist where the org keeps it: `404 E0000007` otherwise.
    fn check_parents(&self, store: &mut Store, segments: &[String]) -> Result<(), ApiError> {
        let mut params_seen = 0;
        let own_item = matches!(self.op.kind, Kind::Get | Kind::Replace | Kind::Merge | Kind::Delete | Kind::Lifecycle);
        let params_total = self.op.segments.iter().filter(|t| matches!(t, Segment::Param(_))).count();
        for (i, t) in self.op.segments.iter().enumerate() {
            let Segment::Param(name) = t else { continue };
            params_seen += 1;
            // The item the operation is about is checked by the operation itself (a replace may add it).
            if own_item && params_seen == params_total {
                break;
            }
            let Some(id) = segments.get(i) else { continue };
            let template = template_prefix(&self.op.segments, i);
            let collection = format!("/{}", segments.get(..i).unwrap_or_default().join("/"));
            let exists = match self.kept(&template) {
                true => self.holds(store, &template, &collection, id),
                // A path naming an object kept elsewhere (`/meta/schemas/apps/{appId}/default`: an app).
                false => match self.top_level_collection_named_by(name) {
                    Some(top) => self.holds(store, &top, &top, id),
                    // Objects the org provides (an authenticator, a brand, a device): any id is taken as one of them.
                    None => true,
                },
            };
            if !exists {
                return Err(ApiError::not_found(id));
            }
        }
        Ok(())
    }

    /// Whether the collection at `template` holds only what the API put there (or the org seeded), so that an id
    /// not in it names nothing.
    fn kept(&self, template: &str) -> bool {
        matches!(template, "/api/v1/users" | "/api/v1/groups" | "/api/v1/apps" | "/api/v1/eventHooks")
            || self.api.is_creatable(template)
    }

    /// Whether the kept collection at `template` (at the path `collection`) holds `id`.
    fn holds(&self, store: &mut Store, template: &str, collection: &str, id: &str) -> bool {
        match template {
            "/api/v1/users" => store.resolve_user(id).is_some(),
            "/api/v1/groups" => store.groups.contains_key(id),
            _ => collection_mut(store, collection).contains_key(id),
        }
    }

    /// The kept top-level collection (`/api/v1/apps`) whose items a parameter of this name names (`appId`).
    fn top_level_collection_named_by(&self, parameter: &str) -> Option<String> {
        // The users' own paths name a user `{id}`; the paths under other objects name one `{userId}`.
        if parameter == "userId" {
            return Some("/api/v1/users".to_string());
        }
        self.api.operations.iter().find_map(|o| {
            let parent = parent_template(&o.template)?;
            let named = o.kind == Kind::Get && matches!(o.segments.last(), Some(Segment::Param(p)) if p == parameter);
            (named && !parent.contains('{') && self.kept(&parent)).then_some(parent)
        })
    }

    fn list(&self, store: &mut Store, collection: &str) -> Result<Response, ApiError> {
        self.seed_if_provided(store, collection, &self.op.template);
        // `search`/`filter` as expressions where Okta documents them so, `q` and keyword searches as keywords.
        let list = ListRequest::for_operation(self.api, self.op, params(self.query), self.page_limits())?;
        let paged_by_cursor = self.op.query_param("after").is_some();
        // A list of ids (`listInterclientAllowedApplications`): the items' keys.
        let ids_only = self.op.success.as_ref().and_then(|sx| sx.schema.as_ref()).is_some_and(|schema| {
            let items = self.api.resolve(schema).get("items").cloned().unwrap_or_default();
            self.api.resolve(&items).get("type").and_then(Value::as_str) == Some("string")
        });
        let keys = if paged_by_cursor { list.after() } else { (Bound::Unbounded, Bound::Unbounded) };
        let equal = self.field_params();
        let link_names = self.declared_link_names();
        let items = collection_mut(store, collection);
        let page = list.page(items.range::<str, _>(keys), |(id, item)| {
            if !list.matches(&|p: &str| query::json_field(item, p)) {
                return None;
            }
            if !equal.iter().all(|(field, value)| item.get(field).and_then(Value::as_str) == Some(value.as_str())) {
                return None;
            }
            let mut shown = if ids_only { json!(id) } else { item.clone() };
            hide_secrets(&mut shown);
            make_own(&mut shown, self.base, self.api, &self.ids.with_item(&self.op.segments, id));
            add_declared_links(&mut shown, self.base, self.api, &link_names);
            Some(shown)
        });
        let next =
            if paged_by_cursor { page.next(|v| v.as_str().map(str::to_string).or_else(|| key_of(v))) } else { None };
        Ok(list.respond(&store.base, self.path, &page.items, next.as_deref()))
    }

    /// The request's query parameters that name a field of the listed objects (`listInlineHooks?type=…`,
    /// `listIdentityProviders?type=GOOGLE`): Okta lists the objects whose field has that value.
    fn field_params(&self) -> Vec<(String, String)> {
        const NOT_FIELDS: &[&str] = &["after", "limit", "q", "search", "filter", "expand", "cursor"];
        let declared = self.api.properties(&self.answer_schema());
        params(self.query)
            .into_iter()
            .filter(|(name, _)| self.op.query_param(name).is_some() && declared.contains_key(name))
            // A date (`lastUpdated`) selects by time, not by equality.
            .filter(|(name, _)| !NOT_FIELDS.contains(&name.as_str()) && !name.ends_with("Updated") && name != "created")
            .collect()
    }

    /// The page size of a list that declares `limit`: the request's, within the parameter's declared maximum
    /// (else 200); its declared default (else 20) when absent. `None`: the list is not paged.
    fn page_limits(&self) -> Option<PageLimits> {
        let declared = self.op.query_param("limit")?;
        let schema = self.api.resolve(&declared.schema);
        let number = |k: &str| schema.get(k).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok());
        let max = number("maximum").unwrap_or(200).max(1);
        Some(PageLimits { default: number("default").unwrap_or(20).clamp(1, max), max })
    }

    /// Fills a collection the API cannot add to (at `template`) with the spec's list example, once. A collection of
    /// links to other objects (an IdP's linked users, added by `POST /idps/{idpId}/users/{userId}`) starts empty.
    fn seed_if_provided(&self, store: &mut Store, collection: &str, template: &str) {
        if self.api.is_creatable(template)
            || self.links_to_others(template)
            || !store.generic.seeded.insert(collection.to_string())
        {
            return;
        }
        let Some(list) = self.api.operations.iter().find(|o| o.kind == Kind::List && o.template == template) else {
            return;
        };
        let example = list.success.as_ref().and_then(|sx| sx.examples.iter().find(|e| e.is_array()));
        let items: Vec<Value> = example.and_then(Value::as_array).cloned().unwrap_or_default();
        let base = store.base.clone();
        let mut seeded = Vec::new();
        let named_by = self.item_parameter(template);
        for mut item in items {
            // The field the item paths name it by (`{contactType}` → `contactType`, `{featureName}` → `name`,
            // `{methodType}` → `type`), else its id.
            let by_parameter = named_by.as_deref().and_then(|p| {
                [p, p.strip_suffix("Name").map_or(p, |_| "name"), p.strip_suffix("Type").map_or(p, |_| "type")]
                    .iter()
                    .find_map(|k| item.get(*k)?.as_str().map(str::to_string))
            });
            let id = match by_parameter.or_else(|| key_of(&item)) {
                Some(id) => id,
                None => store.new_id("00x"),
            };
            set_self_link(&mut item, &format!("{base}{collection}/{id}"));
            seeded.push((id, item));
        }
        collection_mut(store, collection).extend(seeded);
    }

    /// Whether the API adds items to the collection at `template` by naming objects kept elsewhere
    /// (`POST /api/v1/idps/{idpId}/users/{userId}` links a user).
    fn links_to_others(&self, template: &str) -> bool {
        self.api.operations.iter().any(|o| {
            o.method == "POST"
                && parent_template(&o.template).as_deref() == Some(template)
                && matches!(o.segments.last(), Some(Segment::Param(p)) if self.top_level_collection_named_by(p).is_some())
        })
    }

    /// The name of the parameter that names an item of the collection at `template` (`contactType` for
    /// `/api/v1/org/contacts/{contactType}`).
    fn item_parameter(&self, template: &str) -> Option<String> {
        self.api.operations.iter().find_map(|o| match o.segments.last() {
            Some(Segment::Param(p)) if parent_template(&o.template).as_deref() == Some(template) => Some(p.clone()),
            _ => None,
        })
    }

    fn create(&self, store: &mut Store, collection: &str) -> Result<Response, ApiError> {
        let body = self.body.clone().unwrap_or_default();
        // An `id` the caller may set (not `readOnly` in the spec) names the new item: an app's user assignment is
        // keyed by the user's id. Otherwise the org makes one.
        let given = body.get("id").and_then(Value::as_str).filter(|id| !id.is_empty()).map(str::to_string);
        let settable = self.op.body.as_ref().and_then(|b| b.schema.as_ref()).is_some_and(|schema| {
            self.api
                .properties(schema)
                .get("id")
                .is_some_and(|p| self.api.resolve(p).get("readOnly").and_then(Value::as_bool) != Some(true))
        });
        let mut object = self.made_from(body);
        let id = match given.filter(|_| settable) {
            Some(id) if collection_mut(store, collection).contains_key(&id) => {
                return Err(ApiError::validation(format!("id: An object with this field already exists: {id}")));
            }
            Some(id) => id,
            None => store.new_id(&self.id_prefix()),
        };
        self.check_unique(collection_mut(store, collection), &object, None)?;
        let base = store.base.clone();
        self.set_server_fields(&mut object, Some(&id), &format!("{base}{collection}/{id}"), true);
        let key = key_of(&object).unwrap_or(id);
        collection_mut(store, collection).insert(key, object.clone());
        Ok(self.respond_with(object))
    }

    fn item(&self, store: &mut Store, collection: &str, template: &str, id: &str) -> Result<Response, ApiError> {
        self.seed_if_provided(store, collection, template);
        let base = store.base.clone();
        let existing = collection_mut(store, collection).get(id).cloned();
        let href = format!("{base}{collection}/{id}");
        match (self.op.kind, existing) {
            (Kind::Get, Some(item)) => Ok(self.respond_with(item)),
            // Okta deletes an inactive application or inline hook only (the spec declares `403` for the refusal).
            (Kind::Delete, Some(item)) if item.get("status") == Some(&json!("ACTIVE")) => match collection {
                "/api/v1/apps" => {
                    Err(ApiError::new(StatusCode::FORBIDDEN, "E0000056", "Delete application forbidden."))
                }
                "/api/v1/inlineHooks" => Err(ApiError::forbidden()),
                _ => {
                    collection_mut(store, collection).remove(id);
                    Ok(self.respond_with(Value::Null))
                }
            },
            (Kind::Delete, Some(_)) => {
                collection_mut(store, collection).remove(id);
                Ok(self.respond_with(Value::Null))
            }
            (Kind::Replace, Some(old)) => {
                let mut object = Value::Object(self.body.clone().unwrap_or_default());
                self.keep_server_fields(&old, &mut object);
                self.check_unique(collection_mut(store, collection), &object, Some(id))?;
                self.set_server_fields(&mut object, None, &href, false);
                collection_mut(store, collection).insert(id.to_string(), object.clone());
                Ok(self.respond_with(object))
            }
            (Kind::Merge, Some(mut object)) => {
                if let Some(body) = self.body.clone() {
                    merge_patch(&mut object, Value::Object(body));
                }
                self.set_server_fields(&mut object, None, &href, false);
                collection_mut(store, collection).insert(id.to_string(), object.clone());
                Ok(self.respond_with(object))
            }
            // A partial update of an object the org has under a name of its own (the `default` user schema): what
            // the org has, with the update.
            (Kind::Merge, None) if self.org_provided(template, id) => {
                let mut object = self.example_of(&self.op.template).ok_or_else(|| ApiError::not_found(id))?;
                if let Some(body) = self.body.clone() {
                    merge_patch(&mut object, Value::Object(body));
                }
                self.set_server_fields(&mut object, None, &href, false);
                collection_mut(store, collection).insert(id.to_string(), object.clone());
                Ok(self.respond_with(object))
            }
            // A collection added to by `PUT …/{id}` (an app's group assignments): the path names the new item.
            (Kind::Replace | Kind::Merge, None) if !self.has_create(template) => {
                let body = self.body.clone().unwrap_or_default();
                let mut object = self.made_from(body);
                self.set_server_fields(&mut object, Some(id), &href, true);
                collection_mut(store, collection).insert(id.to_string(), object.clone());
                Ok(self.respond_with(object))
            }
            // An object the org has under a name of its own (the `default` user schema, a contact type, an email
            // template): the collection is neither listed nor added to, so any name the spec's example fits is one.
            (Kind::Get, None) if self.org_provided(template, id) => {
                let mut object = self.example_of(&self.op.template).ok_or_else(|| ApiError::not_found(id))?;
                // Named as asked.
                if let Some(own @ Value::String(_)) = object.get_mut("id") {
                    *own = json!(id);
                }
                Ok(self.respond_with(object))
            }
            _ => Err(ApiError::not_found(id)),
        }
    }

    /// Whether the collection at `template` holds objects the org has under names of its own, neither listed nor
    /// added to, and `id` may name one.
    fn org_provided(&self, template: &str, id: &str) -> bool {
        !self.api.is_creatable(template) && !self.has_list(template) && self.names_allowed(id)
    }

    /// Whether `id` may name an object of the item the path ends with: one of its parameter's enum values when it
    /// declares some (`BILLING`, `TECHNICAL`), else any.
    fn names_allowed(&self, id: &str) -> bool {
        let Some(Segment::Param(name)) = self.op.segments.last() else { return true };
        let Some(param) = self.op.params.iter().find(|p| p.location == Location::Path && &p.name == name) else {
            return true;
        };
        match self.api.resolve(&param.schema).get("enum").and_then(Value::as_array) {
            Some(values) => values.iter().any(|v| v.as_str() == Some(id)),
            None => true,
        }
    }

    fn has_list(&self, template: &str) -> bool {
        self.api.operations.iter().any(|o| o.kind == Kind::List && o.template == template)
    }

    fn has_create(&self, template: &str) -> bool {
        self.api.operations.iter().any(|o| o.kind == Kind::Create && o.template == template)
    }

    fn singleton(&self, store: &mut Store, path: &str) -> Result<Response, ApiError> {
        match self.op.kind {
            Kind::SingletonDelete => {
                if self.has_list(&self.op.template) {
                    // A whole list deleted (an app's tokens, a template's customizations): empty from now on.
                    store.generic.seeded.insert(path.to_string());
                    collection_mut(store, path).clear();
                } else {
                    // Kept as deleted, so that the example does not come back.
                    store.generic.singletons.insert(path.to_string(), Value::Null);
                }
                Ok(self.respond_with(Value::Null))
            }
            Kind::SingletonWrite => {
                let current = self.setting(store, path, &self.op.template);
                let mut object = match (current, self.body.clone()) {
                    (_, Some(body)) if self.op.method == "PUT" => self.made_from(body),
                    (Some(mut old), Some(body)) => {
                        merge_patch(&mut old, Value::Object(body));
                        old
                    }
                    (None, Some(body)) => self.made_from(body),
                    // A write without a body (`POST /iam/governance/optIn`): what its example shows it changes.
                    (Some(mut old), None) => {
                        if let Some(shown) = self.example() {
                            apply_example(&mut old, &shown);
                        }
                        old
                    }
                    (None, None) => self.example().unwrap_or_else(|| json!({})),
                };
                touch(&mut object);
                store.generic.singletons.insert(path.to_string(), object.clone());
                Ok(self.respond_with(object))
            }
            _ => match store.generic.singletons.get(path) {
                // Deleted: an org answers an empty settings object (the org's CAPTCHA settings), or nothing.
                Some(Value::Null) => {
                    let schema = self.op.success.as_ref().and_then(|s| s.schema.clone()).unwrap_or(Value::Null);
                    match self.api.resolve(&schema).get("type").and_then(Value::as_str) {
                        Some("object") => Ok(self.respond_with(json!({}))),
                        _ => Err(ApiError::not_found(path)),
                    }
                }
                Some(object) => Ok(self.respond_with(object.clone())),
                None => self.action(),
            },
        }
    }

    /// An operation with no state of its own: its success answer, from the spec's example or schema.
    fn action(&self) -> Result<Response, ApiError> {
        let Some(success) = &self.op.success else { return Err(self.unservable("it declares no success response")) };
        let status = StatusCode::from_u16(success.status).unwrap_or(StatusCode::OK);
        let Some(media) = &success.media else { return Ok(empty(status)) };
        if is_json(media) {
            let value = self.example().unwrap_or_else(|| {
                success.schema.as_ref().map_or_else(|| json!({}), |schema| self.instance(schema, 0))
            });
            return Ok(self.respond_with(value));
        }
        // A document (SAML metadata, a PEM, a CSV): the spec's example of it, as text.
        match success.examples.iter().find_map(Value::as_str) {
            Some(text) => {
                let mut r = bytes_response(status, text.as_bytes().to_vec());
                if let Ok(v) = HeaderValue::from_str(media) {
                    r.headers_mut().insert(header::CONTENT_TYPE, v);
                }
                Ok(r)
            }
            None => Err(self.unservable(&format!("its {media} answer has no example in the spec"))),
        }
    }

    /// `501` naming the operation: the mock has no honest answer for it.
    fn unservable(&self, why: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "E0000060",
            format!("Unsupported operation: the mock org cannot serve {} ({why})", self.op.id),
        )
    }

    /// The operation's success answer carrying `value` (an object, or `Null` for no object): the declared status,
    /// no body where none is declared, an array where one is declared.
    fn respond_with(&self, value: Value) -> Response {
        let Some(success) = &self.op.success else { return empty(StatusCode::NO_CONTENT) };
        let status = StatusCode::from_u16(success.status).unwrap_or(StatusCode::OK);
        if success.media.as_deref().is_none_or(|m| !is_json(m)) || value.is_null() {
            return empty(status);
        }
        let declared_array = self.op.kind == Kind::List
            || success
                .schema
                .as_ref()
                .is_some_and(|schema| self.api.resolve(schema).get("type").and_then(Value::as_str) == Some("array"));
        let mut value = value;
        hide_secrets(&mut value);
        // A new object's links name it too.
        let ids = match (self.op.kind, key_of(&value)) {
            (Kind::Create, Some(id)) => self.ids.with_item(&self.op.segments, &id),
            _ => self.ids.clone(),
        };
        make_own(&mut value, self.base, self.api, &ids);
        if value.is_object() {
            add_declared_links(&mut value, self.base, self.api, &self.declared_link_names());
        }
        let value = match value {
            Value::Array(_) if declared_array => value,
            Value::Array(items) => items.into_iter().next().unwrap_or_else(|| json!({})),
            other if declared_array => Value::Array(vec![other]),
            other => other,
        };
        json_response(status, &value)
    }

    /// The links the answer's object schema declares (`users`, `deactivate`…).
    fn declared_link_names(&self) -> Vec<String> {
        let declared = self.api.properties(&self.answer_schema());
        declared.get("_links").map(|links| self.api.properties(links).keys().cloned().collect()).unwrap_or_default()
    }

    /// The operation's first example, in the declared shape (the spec's examples are sometimes one object where
    /// an array is declared, or the reverse).
    fn example(&self) -> Option<Value> {
        self.op.success.as_ref().and_then(|s| s.examples.iter().find(|e| !e.is_string()).cloned())
    }

    /// A small instance of a schema: its required properties (and `id`), each with a value of its type.
    fn instance(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.api.resolve(schema);
        if depth > 6 {
            return Value::Null;
        }
        if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|k| schema.get(*k).and_then(Value::as_array)) {
            return first.first().map_or(Value::Null, |s| self.instance(s, depth + 1));
        }
        if let Some(e) = schema.get("example") {
            return e.clone();
        }
        if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|v| v.first()) {
            return first.clone();
        }
        let properties = self.api.properties(schema);
        let kind =
            schema.get("type").and_then(Value::as_str).unwrap_or(if properties.is_empty() { "" } else { "object" });
        match kind {
            "object" => {
                let required = self.api.required(schema);
                let mut m = Map::new();
                for (name, s) in &properties {
                    if name == "id" || required.contains(name) {
                        m.insert(name.clone(), self.instance(s, depth + 1));
                    }
                }
                Value::Object(m)
            }
            "array" => json!([]),
            "string" => match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => json!(ts(Utc::now())),
                Some("uuid") => json!(uuid()),
                Some("email") => json!("user@example.com"),
                Some("uri" | "url") => json!("https://example.com"),
                _ => json!("string"),
            },
            "integer" | "number" => json!(0),
            "boolean" => json!(false),
            _ => json!({}),
        }
    }
}

/// The template of the collection whose item the `i`-th segment names: `/api/v1/idps` for `{idpId}`.
fn template_prefix(segments: &[Segment], i: usize) -> String {
    let parts: Vec<String> = segments
        .get(..i)
        .unwrap_or_default()
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.clone(),
            Segment::Param(p) => format!("{{{p}}}"),
        })
        .collect();
    format!("/{}", parts.join("/"))
}

/// Where a collection's items are kept: apps and event hooks with the hand-written handlers' objects.
fn collection_mut<'a>(store: &'a mut Store, collection: &str) -> &'a mut BTreeMap<String, Value> {
    match collection {
        "/api/v1/apps" => &mut store.apps,
        "/api/v1/eventHooks" => &mut store.hooks,
        _ => store.generic.collections.entry(collection.to_string()).or_default(),
    }
}

/// An item's key: its `id` (or `kid`, `key`, `name`) when it is a string.
fn key_of(item: &Value) -> Option<String> {
    ["id", "kid", "key", "name"].iter().find_map(|k| item.get(*k).and_then(Value::as_str)).map(str::to_string)
}

/// Okta never echoes a hook's secret: `channel.config.authScheme.value` is kept (the mock's inline hook calls send
/// it) but left out of answers.
fn hide_secrets(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(hide_secrets),
        Value::Object(_) => {
            if let Some(Value::Object(auth)) = value.pointer_mut("/channel/config/authScheme") {
                auth.remove("value");
            }
        }
        _ => {}
    }
}

/// Sets `_links.self.href`, keeping the other links.
fn set_self_link(item: &mut Value, href: &str) {
    let Value::Object(m) = item else { return };
    let links = m.entry("_links").or_insert_with(|| json!({}));
    if !links.is_object() {
        *links = json!({});
    }
    if let Value::Object(l) = links {
        l.insert("self".into(), json!({ "href": href }));
    }
}

/// A change's time on an object that shows it: `lastUpdated` (and `statusChanged`) where the object has them.
fn touch(object: &mut Value) {
    let Value::Object(m) = object else { return };
    let now = json!(ts(Utc::now()));
    for k in ["lastUpdated", "statusChanged"] {
        if m.contains_key(k) {
            m.insert(k.to_string(), now.clone());
        }
    }
}
