//! Every link an answer served from the spec carries is the org's: the spec's examples point at
//! `https://{yourOktaDomain}/…` (or `subdomain.okta.com`, `example.com`…) and name the example's ids; an org's answer
//! points at the org and names the objects it is about. [`make_own`] rewrites a whole answer (nested `_links` and
//! `_embedded` included) from the ids of the request's path and the object's own id ([`Ids`]), and fills every `{…Id}`
//! placeholder a served string keeps (`"issuer": "https://{yourOktaDomain}/oauth2/{authorizationServerId}"`).
//! [`add_declared_links`] adds the links an object's schema declares and the API serves (an IdP's `users`, its
//! `activate` or `deactivate` as its status allows), as Okta sets them.

use serde_json::{Value, json};

use crate::spec::{Api, Segment};

/// The first path segments of the org's own URLs (the API's and the end-user pages' the examples link to): a link to
/// an example host under any other path (a CDN's logo, a vendor's page) is left alone.
const ORG_ROOTS: &[&str] = &[
    "api",
    "oauth2",
    ".well-known",
    "home",
    "app",
    "sso",
    "login",
    "idp",
    "signin",
    "admin",
    "webauthn-registration",
    "integrations",
    "attack-protection",
    "privileged-access",
    "okta-personal-settings",
    "security",
];

/// Okta's own sites, which the examples link to as documentation: never the org.
const OKTA_SITES: &[&str] = &["developer.okta.com", "help.okta.com", "support.okta.com", "www.okta.com"];

/// The ids an answer's links may name: each id of the request's path (and the object's own), with the shape of the
/// path up to it (`/api/v1/apps/{}`) and the literal segment before it (`apps`).
#[derive(Debug, Default, Clone)]
pub(crate) struct Ids {
    /// (shape, literal, parameter name where the path names it, id).
    known: Vec<(String, String, Option<String>, String)>,
    /// The id of the object the answer is (a new or listed item, the item a path ends with).
    own: Option<String>,
}

impl Ids {
    /// The ids the request's path carries at its template's parameters.
    pub(crate) fn of_path(template: &[Segment], path: &[String]) -> Ids {
        let mut ids = Ids::default();
        let mut shape = String::new();
        let mut literal = String::new();
        for (t, value) in template.iter().zip(path) {
            match t {
                Segment::Literal(l) => {
                    shape.push('/');
                    shape.push_str(l);
                    literal.clone_from(l);
                }
                Segment::Param(name) => {
                    shape.push_str("/{}");
                    ids.known.push((shape.clone(), literal.clone(), Some(name.clone()), value.clone()));
                }
            }
        }
        ids
    }

    /// These ids and that of an item of the collection at `collection` (a template): the object an answer is.
    pub(crate) fn with_item(&self, collection: &[Segment], id: &str) -> Ids {
        let mut ids = self.clone();
        let shape: String = collection
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => format!("/{l}"),
                Segment::Param(_) => "/{}".to_string(),
            })
            .collect();
        let literal = collection
            .iter()
            .rev()
            .find_map(|s| match s {
                Segment::Literal(l) => Some(l.clone()),
                Segment::Param(_) => None,
            })
            .unwrap_or_default();
        ids.known.push((format!("{shape}/{{}}"), literal, None, id.to_string()));
        ids.own = Some(id.to_string());
        ids
    }

    /// These ids, the answer being the object the path's last id names (a read, a replace, a lifecycle step).
    pub(crate) fn owned_by_last(mut self) -> Ids {
        self.own = self.known.iter().rev().find(|(_, _, p, _)| p.as_deref() != Some("lifecycle")).map(|k| k.3.clone());
        self
    }

    /// The id a `{name}` placeholder stands for: the path's id at a parameter of that name, else (a `…Id` naming
    /// no parameter of the path: `{authorizationServerId}` where the path says `{authServerId}`) the object's own.
    fn for_placeholder(&self, name: &str) -> Option<&str> {
        if let Some((_, _, _, id)) = self.known.iter().rev().find(|(_, _, p, _)| p.as_deref() == Some(name)) {
            return Some(id);
        }
        self.own.as_deref().filter(|_| name.len() > 2 && name.ends_with("Id"))
    }

    /// The real id for a link's id at `shape` after `literal`: the one at the same place of the request's path,
    /// else the one id known after the same literal (an app user's `_links.user` is `/api/v1/users/{the user}`).
    fn find(&self, shape: &str, literal: &str) -> Option<&str> {
        if let Some((_, _, _, id)) = self.known.iter().rev().find(|(s, _, _, _)| s == shape) {
            return Some(id);
        }
        let mut after_literal = self.known.iter().filter(|(_, l, _, _)| l == literal).map(|(_, _, _, id)| id.as_str());
        let first = after_literal.next()?;
        // Two different ids after the same literal (a group's role targeting another group): no guess.
        after_literal.all(|id| id == first).then_some(first)
    }
}

/// Rewrites every link of `value` to the org at `base` (`http://127.0.0.1:PORT`, no trailing slash), naming the
/// real ids `ids` knows; a bare URL on a placeholder host (`"issuer": "https://{yourOktaDomain}/oauth2/…"`) gets the
/// org's host too.
pub(crate) fn make_own(value: &mut Value, base: &str, api: &Api, ids: &Ids) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| make_own(v, base, api, ids)),
        Value::Object(m) => {
            let templated = m.get("templated").and_then(Value::as_bool) == Some(true);
            for (k, v) in m.iter_mut() {
                match v {
                    Value::String(s) if k == "href" => {
                        if let Some(own) = own_href(s, base, api, ids, templated) {
                            *s = own;
                        }
                        // A templated link's placeholders are the client's to fill.
                        if !templated {
                            fill_placeholders(s, ids);
                        }
                    }
                    Value::String(s) => {
                        if let Some(own) = placeholder_url(s, base) {
                            *s = own;
                        }
                        fill_placeholders(s, ids);
                    }
                    other => make_own(other, base, api, ids),
                }
            }
        }
        _ => {}
    }
}

/// Replaces each `{name}` (or `${name}`) placeholder of `s` that names an id `ids` knows.
fn fill_placeholders(s: &mut String, ids: &Ids) {
    if !s.contains('{') {
        return;
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        let close = from_brace.find('}');
        let name = close.and_then(|c| from_brace.get(1..c)).unwrap_or_default();
        let is_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        match (close, ids.for_placeholder(name).filter(|_| is_name)) {
            (Some(c), Some(id)) => {
                out.push_str(before.strip_suffix('$').unwrap_or(before));
                out.push_str(id);
                rest = from_brace.get(c + 1..).unwrap_or_default();
            }
            _ => {
                out.push_str(before);
                out.push('{');
                rest = from_brace.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    *s = out;
}

/// Adds to an object the links named `declared` (its `_links` schema's) that the API serves under the object's own
/// path (`_links.self`, already the org's): a sub-collection (`users` → `…/idps/{id}/users`) and the lifecycle
/// step its status allows (`deactivate` while `ACTIVE`, `activate` while `INACTIVE`). Links it has stay.
pub(crate) fn add_declared_links(value: &mut Value, base: &str, api: &Api, declared: &[String]) {
    let Some(own) = value.pointer("/_links/self/href").and_then(Value::as_str).map(str::to_string) else { return };
    let Some(path) = own.strip_prefix(base) else { return };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let Some(template) = template_of(api, &segments) else { return };
    let status = value.get("status").and_then(Value::as_str).map(str::to_ascii_uppercase);
    let served = |tail: &[&str]| {
        api.operations.iter().any(|o| {
            o.segments.len() == template.len() + tail.len()
                && o.segments.starts_with(template)
                && o.segments.iter().skip(template.len()).zip(tail).all(|(s, t)| *s == Segment::Literal((*t).into()))
        })
    };
    let mut added = Vec::new();
    for name in declared {
        let step = match name.as_str() {
            "activate" => Some("INACTIVE"),
            "deactivate" => Some("ACTIVE"),
            _ => None,
        };
        let link = match step {
            Some(when) if served(&["lifecycle", name]) && status.as_deref() == Some(when) => {
                Some(json!({"href": format!("{own}/lifecycle/{name}"), "hints": {"allow": ["POST"]}}))
            }
            Some(_) => None,
            None if name != "self" && served(&[name]) => {
                Some(json!({"href": format!("{own}/{name}"), "hints": {"allow": ["GET"]}}))
            }
            None => None,
        };
        if let Some(link) = link {
            added.push((name.clone(), link));
        }
    }
    let Some(Value::Object(links)) = value.get_mut("_links") else { return };
    // The step the status no longer allows goes.
    match status.as_deref() {
        Some("ACTIVE") => links.remove("activate"),
        Some("INACTIVE") => links.remove("deactivate"),
        _ => None,
    };
    for (name, link) in added {
        links.entry(name).or_insert(link);
    }
}

/// A URL on a placeholder host (`https://{yourOktaDomain}/…`), on the org.
fn placeholder_url(s: &str, base: &str) -> Option<String> {
    let (_, rest) = s.split_once("://").filter(|(scheme, _)| scheme.ends_with("http") || scheme.ends_with("https"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    host.contains('{').then(|| format!("{base}{path}"))
}

/// An example's link, on the org with the real ids; `None` for a link elsewhere (a CDN, Okta's documentation).
fn own_href(href: &str, base: &str, api: &Api, ids: &Ids, templated: bool) -> Option<String> {
    let (_, rest) = href.split_once("://")?;
    let (host, path_and_tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if !example_host(host) {
        return None;
    }
    let (path, tail) = path_and_tail.split_at(path_and_tail.find(['?', '#']).unwrap_or(path_and_tail.len()));
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let first = segments.first().copied().unwrap_or_default();
    // A placeholder host is the org's whatever the path; an example org's only under the org's own paths.
    if !first.is_empty() && !ORG_ROOTS.contains(&first) && !host.contains('{') {
        return None;
    }
    let path = match template_of(api, &segments) {
        Some(template) => with_real_ids(template, &segments, ids, templated),
        None => path.to_string(),
    };
    Some(format!("{base}{path}{tail}"))
}

/// Whether a host is one of the examples' (a placeholder, an example org, `example.com`), not the org's or a
/// third party's.
fn example_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or_default();
    if host.contains('{') || host.contains('$') {
        return true;
    }
    let example_domains = [".okta.com", ".oktapreview.com", ".okta-emea.com", ".okta-gov.com", ".okta1.com"];
    let example_org = example_domains.iter().any(|d| host.ends_with(d)) && !OKTA_SITES.contains(&host);
    example_org || host == "example.com" || host.ends_with(".example.com") || host == "exmaple.com"
}

/// The spec's path template a link's path fits, the one with the most literal segments (`/users/me` over
/// `/users/{id}`).
fn template_of<'a>(api: &'a Api, segments: &[&str]) -> Option<&'a [Segment]> {
    let mut best: Option<(&[Segment], usize)> = None;
    for op in &api.operations {
        if op.segments.len() != segments.len() {
            continue;
        }
        let mut literals = 0;
        let fits = op.segments.iter().zip(segments).all(|(t, s)| match t {
            Segment::Literal(l) if l == s => {
                literals += 1;
                true
            }
            Segment::Literal(_) => false,
            Segment::Param(_) => !s.is_empty(),
        });
        if fits && best.is_none_or(|(_, l)| literals > l) {
            best = Some((&op.segments, literals));
        }
    }
    best.map(|(t, _)| t)
}

/// The link's path with each id the request or the object has its own value for replaced by it (a templated
/// link's `{placeholders}` stay).
fn with_real_ids(template: &[Segment], segments: &[&str], ids: &Ids, templated: bool) -> String {
    let mut out = String::new();
    let mut shape = String::new();
    let mut literal = "";
    for (t, s) in template.iter().zip(segments) {
        out.push('/');
        match t {
            Segment::Literal(l) => {
                shape.push('/');
                shape.push_str(l);
                literal = l;
                out.push_str(s);
            }
            Segment::Param(_) => {
                shape.push_str("/{}");
                let placeholder = s.starts_with('{') || s.starts_with("${");
                match ids.find(&shape, literal) {
                    Some(id) if !(templated && placeholder) => out.push_str(id),
                    _ => out.push_str(s),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api() -> Api {
        let get = json!({"get": {"operationId": "x", "responses": {"200": {}}}});
        let doc = json!({"paths": {
            "/api/v1/apps/{appId}": get,
            "/api/v1/apps/{appId}/users": get,
            "/api/v1/apps/{appId}/users/{userId}": get,
            "/api/v1/users/{id}": get,
            "/api/v1/users/me": get,
            "/api/v1/groups/{groupId}": get,
            "/api/v1/groups/{groupId}/roles/{roleId}/targets/groups/{targetId}": get,
            "/api/v1/apps/{appId}/connections/default/lifecycle/activate": get,
        }});
        Api::parse(&doc.to_string()).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn segments(api: &Api, template: &str) -> Vec<Segment> {
        api.operations.iter().find(|o| o.template == template).map(|o| o.segments.clone()).unwrap_or_default()
    }

    fn strings(path: &[&str]) -> Vec<String> {
        path.iter().map(|s| (*s).to_string()).collect()
    }

    const BASE: &str = "http://127.0.0.1:9";

    #[test]
    fn an_app_user_names_the_real_app_and_user_on_the_org() {
        let api = api();
        let template = segments(&api, "/api/v1/apps/{appId}/users/{userId}");
        let ids = Ids::of_path(&template, &strings(&["api", "v1", "apps", "0oaREAL", "users", "00uREAL"]));
        let mut answer = json!({"id": "00uREAL", "_links": {
            "app": {"href": "https://{yourOktaDomain}/api/v1/apps/0oaEXAMPLE"},
            "user": {"href": "https://subdomain.okta.com/api/v1/users/00uEXAMPLE"},
            "me": {"href": "https://{yourOktaDomain}/api/v1/users/me"},
            "logo": [{"href": "https://ok12static.oktacdn.com/assets/logo.png"}],
            "help": {"href": "https://developer.okta.com/docs/api/openapi"}
        }, "_embedded": {"user": {"_links": {"self": {"href": "https://example.okta.com/api/v1/users/00uEXAMPLE"}}}}});
        make_own(&mut answer, BASE, &api, &ids);
        assert_eq!(answer["_links"]["app"]["href"], format!("{BASE}/api/v1/apps/0oaREAL"));
        assert_eq!(answer["_links"]["user"]["href"], format!("{BASE}/api/v1/users/00uREAL"));
        assert_eq!(answer["_links"]["me"]["href"], format!("{BASE}/api/v1/users/me"));
        assert_eq!(answer["_embedded"]["user"]["_links"]["self"]["href"], format!("{BASE}/api/v1/users/00uREAL"));
        // Third parties' and Okta's documentation links are not the org's.
        assert_eq!(answer["_links"]["logo"][0]["href"], "https://ok12static.oktacdn.com/assets/logo.png");
        assert_eq!(answer["_links"]["help"]["href"], "https://developer.okta.com/docs/api/openapi");
    }

    #[test]
    fn a_listed_item_names_its_own_id_and_placeholders_are_filled() {
        let api = api();
        let list = segments(&api, "/api/v1/apps/{appId}/users");
        let ids = Ids::of_path(&list, &strings(&["api", "v1", "apps", "0oaREAL", "users"])).with_item(&list, "00uOWN");
        let mut item = json!({
            "_links": {
                "user": {"href": "https://{yourOktaDomain}/api/v1/users/00uEXAMPLE"},
                "activate": {"href": "https://{yourOktaDomain}/api/v1/apps/${appId}/connections/default/lifecycle/activate?x=1"},
                "template": {"href": "https://{yourOktaDomain}/api/v1/apps/{appId}", "templated": true}
            },
            "issuer": "https://{yourOktaDomain}/oauth2/default",
            "note": "https://example.org/stays"
        });
        make_own(&mut item, BASE, &api, &ids);
        assert_eq!(item["_links"]["user"]["href"], format!("{BASE}/api/v1/users/00uOWN"));
        assert_eq!(
            item["_links"]["activate"]["href"],
            format!("{BASE}/api/v1/apps/0oaREAL/connections/default/lifecycle/activate?x=1")
        );
        assert_eq!(item["_links"]["template"]["href"], format!("{BASE}/api/v1/apps/{{appId}}"));
        assert_eq!(item["issuer"], format!("{BASE}/oauth2/default"));
        assert_eq!(item["note"], "https://example.org/stays");
    }

    #[test]
    fn every_id_placeholder_is_filled_from_the_path_or_the_object() {
        let api = api();
        let list = segments(&api, "/api/v1/apps/{appId}/users");
        let ids = Ids::of_path(&list, &strings(&["api", "v1", "apps", "0oaREAL", "users"])).with_item(&list, "00uOWN");
        let mut item = json!({
            "schema": "https://{yourOktaDomain}/meta/schemas/apps/{appId}/default",
            "issuer": "https://{yourOktaDomain}/oauth2/{authorizationServerId}",
            "dollar": "/api/v1/apps/${appId}/x",
            "body": "<p>${activationLink}</p> {not an id} {",
            "_links": {"authorize": {"href": "https://{yourOktaDomain}/x?client_id={clientId}", "templated": true}}
        });
        make_own(&mut item, BASE, &api, &ids);
        assert_eq!(item["schema"], format!("{BASE}/meta/schemas/apps/0oaREAL/default"));
        // A `…Id` the path does not name is the object's own.
        assert_eq!(item["issuer"], format!("{BASE}/oauth2/00uOWN"));
        assert_eq!(item["dollar"], "/api/v1/apps/0oaREAL/x");
        // Text that is not an id placeholder, and a templated link's parameters, stay.
        assert_eq!(item["body"], "<p>${activationLink}</p> {not an id} {");
        assert_eq!(item["_links"]["authorize"]["href"], format!("{BASE}/x?client_id={{clientId}}"));

        // A read: the object is the one the path ends with.
        let get = segments(&api, "/api/v1/apps/{appId}");
        let ids = Ids::of_path(&get, &strings(&["api", "v1", "apps", "0oaREAD"])).owned_by_last();
        let mut read = json!({"issuer": "https://{yourOktaDomain}/oauth2/{authorizationServerId}"});
        make_own(&mut read, BASE, &api, &ids);
        assert_eq!(read["issuer"], format!("{BASE}/oauth2/0oaREAD"));
        // Without an object of its own, an unknown placeholder stays.
        let mut bare = json!({"issuer": "{authorizationServerId}"});
        make_own(&mut bare, BASE, &api, &Ids::default());
        assert_eq!(bare["issuer"], "{authorizationServerId}");
    }

    #[test]
    fn two_ids_after_one_literal_are_named_by_their_place() {
        let api = api();
        let template = segments(&api, "/api/v1/groups/{groupId}/roles/{roleId}/targets/groups/{targetId}");
        let path = strings(&["api", "v1", "groups", "00gOWNER", "roles", "irb1", "targets", "groups", "00gTARGET"]);
        let ids = Ids::of_path(&template, &path);
        let mut answer = json!({"_links": {
            "assignee": {"href": "https://{yourOktaDomain}/api/v1/groups/00gEX"},
            "self": {"href": "https://{yourOktaDomain}/api/v1/groups/00gEX/roles/irbEX/targets/groups/00gEX2"}
        }});
        make_own(&mut answer, BASE, &api, &ids);
        // A group link at the path's first group's place is the owner; the target is named only where it stands.
        assert_eq!(answer["_links"]["assignee"]["href"], format!("{BASE}/api/v1/groups/00gOWNER"));
        assert_eq!(
            answer["_links"]["self"]["href"],
            format!("{BASE}/api/v1/groups/00gOWNER/roles/irb1/targets/groups/00gTARGET")
        );
    }
}
