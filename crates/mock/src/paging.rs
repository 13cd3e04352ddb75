//! Okta's paging, for every list the mock serves: the page size (`limit`, within the list's default and maximum),
//! the `search` and `filter` expressions and keyword parameters ([`crate::list_params`]), the `after` cursor, the page
//! itself and its `Link` headers.

use std::collections::BTreeMap;
use std::ops::Bound;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value};

use crate::list_params::{self, Keyword};
use crate::query::{self, Case, Expr};
use crate::respond::{ApiError, bytes_response, page_bytes, param, params};
use crate::spec::{Api, Operation};
use crate::state::{ListEndpoint, OrgState, PageLimits};
use crate::support::lock;

/// The query parameters a list parses as Okta's expression language: `filter` alone.
pub(crate) const FILTER: &[&str] = &["filter"];
/// The query parameters a list parses as Okta's expression language: `search` and `filter`.
pub(crate) const SEARCH_AND_FILTER: &[&str] = &["search", "filter"];

/// A request for a list: its query parameters, its page size and its parsed expressions.
#[derive(Debug, Clone)]
pub(crate) struct ListRequest {
    /// The query parameters, in the order sent (the `Link` headers repeat them).
    pub query_params: Vec<(String, String)>,
    /// Items per page (`usize::MAX` for a list that is not paged).
    pub page_size: usize,
    /// The `search`/`filter` expressions the list takes, parsed, each with how its string values compare; an item
    /// is listed when it matches them all.
    expressions: Vec<(Expr, Case)>,
    /// The keyword parameters sent (`q`, a keyword `search`), each with its value lowercased.
    keywords: Vec<(Keyword, String)>,
}

/// One page of a list.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    /// Whether more items follow the page's last one.
    pub more: bool,
}

impl<T> Page<T> {
    /// The `after` cursor of the next page, when more items follow: `cursor_of` the page's last item.
    pub fn next(&self, cursor_of: impl FnOnce(&T) -> Option<String>) -> Option<String> {
        if self.more { self.items.last().and_then(cursor_of) } else { None }
    }
}

/// The cursor of a JSON item: its `id`.
pub(crate) fn id_of(item: &Value) -> Option<String> {
    item.get("id").and_then(Value::as_str).map(str::to_string)
}

/// Whether any of `fields` of an object starts with `prefix` (lowercase), ignoring case: Okta's `q` quick search.
pub(crate) fn any_starts_with(object: Option<&Map<String, Value>>, fields: &[&str], prefix: &str) -> bool {
    let text = |f: &&str| object.and_then(|o| o.get(*f)).and_then(Value::as_str);
    fields.iter().any(|f| text(f).is_some_and(|v| v.to_lowercase().starts_with(prefix)))
}

impl ListRequest {
    /// A request with these query parameters, paged by `limits` (`None`: not paged), whose `expression_params`
    /// ([`FILTER`], [`SEARCH_AND_FILTER`]) are parsed.
    pub fn new(
        query_params: Vec<(String, String)>,
        limits: Option<PageLimits>,
        expression_params: &[&str],
    ) -> Result<Self, ApiError> {
        let page_size = match limits {
            Some(PageLimits { default, max }) => page_size(&query_params, default, max)?,
            None => usize::MAX,
        };
        let expressions = expression_params
            .iter()
            .filter_map(|key| Some((param(&query_params, key)?, case_of(key))))
            .map(|(expression, case)| Ok((parse(expression)?, case)))
            .collect::<Result<_, ApiError>>()?;
        Ok(ListRequest { query_params, page_size, expressions, keywords: Vec::new() })
    }

    /// A request for a list served from the spec: its `search`/`filter` parsed where Okta documents them as
    /// expressions, its keyword parameters matched as Okta documents them ([`list_params`]).
    pub fn for_operation(
        api: &Api,
        op: &Operation,
        query_params: Vec<(String, String)>,
        limits: Option<PageLimits>,
    ) -> Result<Self, ApiError> {
        let mut request = Self::new(query_params, limits, &list_params::expression_params(api, op))?;
        request.keywords = list_params::keyword_params(op)
            .into_iter()
            .filter_map(|(name, keyword)| Some((keyword, request.param(name)?.to_lowercase())))
            .filter(|(_, needle)| !needle.is_empty())
            .collect();
        Ok(request)
    }

    /// A request for one of the org's hand-served lists, with this query string, paged by the org's limits for it.
    pub fn for_list(
        org: &OrgState,
        list: ListEndpoint,
        raw_query: Option<&str>,
        expression_params: &[&str],
    ) -> Result<Self, ApiError> {
        let limits = lock(&org.settings).limits(list);
        Self::new(params(raw_query), Some(limits), expression_params)
    }

    /// The `q` quick-search prefix, lowercase.
    pub fn quick_search(&self) -> Option<String> {
        self.param("q").map(str::to_lowercase)
    }

    /// The first value of a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        param(&self.query_params, name)
    }

    /// The keys after the `after` cursor (all keys without one), as a range of an ordered map or set by id.
    pub fn after(&self) -> (Bound<&str>, Bound<&str>) {
        match self.param("after") {
            Some(after) => (Bound::Excluded(after), Bound::Unbounded),
            None => (Bound::Unbounded, Bound::Unbounded),
        }
    }

    /// Whether the request has a `search` or `filter` expression.
    pub fn has_expressions(&self) -> bool {
        !self.expressions.is_empty()
    }

    /// Whether an item matches every expression and keyword of the request; `field` reads an attribute path of
    /// the item.
    pub fn matches(&self, field: &dyn Fn(&str) -> Vec<Value>) -> bool {
        self.expressions.iter().all(|(e, case)| e.matches(field, *case))
            && self.keywords.iter().all(|(keyword, needle)| keyword.matches(needle, field))
    }

    /// The page: the first [`Self::page_size`] of `entries` (in list order, already past the cursor) that
    /// `select` keeps, as it returns them.
    pub fn page<E, T>(&self, entries: impl IntoIterator<Item = E>, mut select: impl FnMut(E) -> Option<T>) -> Page<T> {
        let mut items = Vec::with_capacity(self.page_size.min(1000));
        for entry in entries {
            let Some(item) = select(entry) else { continue };
            if items.len() == self.page_size {
                return Page { items, more: true };
            }
            items.push(item);
        }
        Page { items, more: false }
    }

    /// The answer for a list of objects kept by id: the page after the cursor of the objects `select` shows (as
    /// JSON), with the `Link` headers of the list at `path` (the next page starts after the last one's `id`).
    pub fn respond_by_id<T>(
        &self,
        base: &str,
        path: &str,
        objects: &BTreeMap<String, T>,
        select: impl FnMut(&T) -> Option<Value>,
    ) -> Response {
        let page = self.page(objects.range::<str, _>(self.after()).map(|(_, object)| object), select);
        self.respond(base, path, &page.items, page.next(id_of).as_deref())
    }

    /// The answer: the items as a JSON array, with the `Link` headers of the list at `path` (`next` when a cursor
    /// is given).
    pub fn respond(&self, base: &str, path: &str, items: &[Value], next: Option<&str>) -> Response {
        let mut r = bytes_response(StatusCode::OK, page_bytes(items));
        r.headers_mut().extend(link_headers(base, path, &self.query_params, next));
        r
    }
}

/// How a parameter's string values compare: a `filter` exactly, a `search` ignoring case (Okta's listUsers docs).
fn case_of(param: &str) -> Case {
    if param == "search" { Case::Insensitive } else { Case::Sensitive }
}

fn parse(expression: &str) -> Result<Expr, ApiError> {
    query::parse(expression).map_err(|e| ApiError::search(&e.0))
}

/// Reads `limit`, applying the list's default and clamping to its maximum.
fn page_size(query_params: &[(String, String)], default: usize, max: usize) -> Result<usize, ApiError> {
    match param(query_params, "limit") {
        None => Ok(default),
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if n < 0 => Ok(default),
            Ok(n) => Ok(usize::try_from(n).unwrap_or(max).min(max)),
            Err(_) => Err(ApiError::validation(format!("limit: '{s}' is not a valid integer"))),
        },
    }
}

/// `Link` headers: `self` (the request as received) and, when given, `next` with `after`
/// replaced by the cursor and every other parameter preserved in its order.
fn link_headers(base: &str, path: &str, query_params: &[(String, String)], next_after: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    let encode = |pairs: &mut dyn Iterator<Item = (&str, &str)>| {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            ser.append_pair(k, v);
        }
        ser.finish()
    };
    let q = encode(&mut query_params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let self_url = if q.is_empty() { format!("{base}{path}") } else { format!("{base}{path}?{q}") };
    if let Ok(v) = HeaderValue::from_str(&format!("<{self_url}>; rel=\"self\"")) {
        h.append(header::LINK, v);
    }
    if let Some(after) = next_after {
        let mut replaced = false;
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(query_params.len() + 1);
        for (k, v) in query_params {
            if k == "after" {
                if !replaced {
                    pairs.push(("after", after));
                    replaced = true;
                }
            } else {
                pairs.push((k.as_str(), v.as_str()));
            }
        }
        if !replaced {
            pairs.push(("after", after));
        }
        let nq = encode(&mut pairs.into_iter());
        if let Ok(v) = HeaderValue::from_str(&format!("<{base}{path}?{nq}>; rel=\"next\"")) {
            h.append(header::LINK, v);
        }
    }
    h
}
