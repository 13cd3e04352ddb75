//! `/api/v1/logs`: the System Log, bounded queries and polling.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use chrono::{DateTime, Duration as ChronoDuration, Utc};

use crate::paging::{FILTER, ListRequest};
use crate::query::json_field;
use crate::respond::ApiError;
use crate::state::{ListEndpoint, LogEntry, OrgState};
use crate::support::lock;

fn time_param(list: &ListRequest, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    match list.param(name) {
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
pub(crate) async fn list(
    State(org): State<Arc<OrgState>>,
    RawQuery(raw_query): RawQuery,
) -> Result<Response, ApiError> {
    let list = ListRequest::for_list(&org, ListEndpoint::Logs, raw_query.as_deref(), FILTER)?;
    let (since, until) = match (time_param(&list, "since"), time_param(&list, "until")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let since = since.unwrap_or_else(|| Utc::now() - ChronoDuration::days(7));
    let keywords: Vec<String> =
        list.param("q").map(|s| s.split_whitespace().map(str::to_lowercase).collect()).unwrap_or_default();
    let start = match list.param("after") {
        None => 0,
        Some(a) => match a.parse::<usize>() {
            Ok(x) => x,
            Err(_) => return Err(ApiError::validation("after: invalid cursor")),
        },
    };
    let descending = list.param("sortOrder") == Some("DESCENDING") && until.is_some();
    let (items, cursor, more) = {
        let store = lock(&org.store);
        let total = store.logs.len();
        // The cursor after entry `i`: entries consumed from the start (from the end, descending).
        let consumed_through = |i: usize| if descending { total - i } else { i + 1 };
        let mut out = Vec::new();
        let mut cursor = start.min(total);
        let mut more = false;
        let entries: Box<dyn Iterator<Item = (usize, &LogEntry)>> = if descending {
            // Bounded descending queries: the cursor counts entries consumed from the end.
            Box::new(store.logs.iter().enumerate().rev().skip(start))
        } else {
            Box::new(store.logs.iter().enumerate().skip(start))
        };
        for (i, e) in entries {
            let in_range = e.published >= since && until.is_none_or(|u| e.published < u);
            let wanted = in_range
                && list.matches(&|p: &str| json_field(&e.event, p))
                && (keywords.is_empty() || {
                    let text = e.event.to_string().to_lowercase();
                    keywords.iter().all(|k| text.contains(k.as_str()))
                });
            if wanted && out.len() == list.page_size {
                more = true;
                break;
            }
            if wanted {
                out.push(e.event.clone());
            }
            cursor = consumed_through(i);
        }
        (out, cursor, more)
    };
    let next = if until.is_none() || more { Some(cursor.to_string()) } else { None };
    Ok(list.respond(&org.base, "/api/v1/logs", &items, next.as_deref()))
}
