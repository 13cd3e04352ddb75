//! `/api/v1/logs`: the System Log, bounded queries and polling.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde_json::Value;

use super::ListEndpoint;
use super::query::{self, json_field};
use super::respond::{ApiError, limit, link_headers, page_response, param, params};
use super::state::{Inner, lock};

type S = State<Arc<Inner>>;

fn time_param(ps: &[(String, String)], name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    match param(ps, name) {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| ApiError::validation(format!("{name}: '{s}' is not a valid ISO 8601 timestamp"))),
    }
}

/// `GET /api/v1/logs`: `since`, `until`, `filter`, `q`, `limit`, `after`, `sortOrder`.
///
/// The `after` cursor is the count of log entries already consumed (opaque to clients).
/// Without `until` the request is a polling query and the `next` link is always returned,
/// even on an empty page, as Okta does; with `until` it is returned only when more remain.
pub(crate) async fn list(State(st): S, RawQuery(q): RawQuery) -> Response {
    let ps = params(q.as_deref());
    let lim = lock(&st.settings).limits(ListEndpoint::Logs);
    let n = match limit(&ps, lim.default, lim.max) {
        Ok(n) => n,
        Err(e) => return e.into_response(),
    };
    let (since, until) = match (time_param(&ps, "since"), time_param(&ps, "until")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    let since = since.unwrap_or_else(|| Utc::now() - ChronoDuration::days(7));
    let filter = match param(&ps, "filter").map(query::parse).transpose() {
        Ok(f) => f,
        Err(e) => return ApiError::search(&e.0).into_response(),
    };
    let keywords: Vec<String> =
        param(&ps, "q").map(|s| s.split_whitespace().map(str::to_lowercase).collect()).unwrap_or_default();
    let start = match param(&ps, "after") {
        None => 0,
        Some(a) => match a.parse::<usize>() {
            Ok(x) => x,
            Err(_) => return ApiError::validation("after: invalid cursor").into_response(),
        },
    };
    let descending = param(&ps, "sortOrder") == Some("DESCENDING") && until.is_some();
    let (items, cursor, more) = {
        let s = lock(&st.store);
        let mut out = Vec::new();
        let mut pos = start.min(s.logs.len());
        let mut more = false;
        let entries: Box<dyn Iterator<Item = (usize, &super::state::LogEntry)>> = if descending {
            // Bounded descending queries: the cursor counts entries consumed from the end.
            Box::new(s.logs.iter().enumerate().rev().skip(start))
        } else {
            Box::new(s.logs.iter().enumerate().skip(start))
        };
        for (i, e) in entries {
            if e.published < since || until.is_some_and(|u| e.published >= u) {
                if !descending {
                    pos = i + 1;
                } else {
                    pos = s.logs.len() - i;
                }
                continue;
            }
            if let Some(f) = &filter
                && !f.matches(&|p: &str| json_field(&e.event, p))
            {
                pos = if descending { s.logs.len() - i } else { i + 1 };
                continue;
            }
            if !keywords.is_empty() {
                let text = e.event.to_string().to_lowercase();
                if !keywords.iter().all(|k| text.contains(k.as_str())) {
                    pos = if descending { s.logs.len() - i } else { i + 1 };
                    continue;
                }
            }
            if out.len() == n {
                more = true;
                break;
            }
            out.push(e.event.clone());
            pos = if descending { s.logs.len() - i } else { i + 1 };
        }
        (out, pos, more)
    };
    let next = if until.is_none() || more { Some(cursor.to_string()) } else { None };
    let items: Vec<Value> = items;
    page_response(&items, link_headers(&st.base, "/api/v1/logs", &ps, next.as_deref()))
}
