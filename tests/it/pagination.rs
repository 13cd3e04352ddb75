//! Pagination against small HTTP servers on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{StreamExt, TryStreamExt};
use okta_management::Error;
use okta_management::pagination::{Page, Pages, PaginationError, TailOptions, paginate, paginate_url, tail};
use okta_management::retry::{RetryPolicy, execute};
use serde::Deserialize;
use tokio::net::TcpListener;
use url::Url;

#[derive(Debug, Deserialize, PartialEq)]
struct User {
    id: String,
}

/// What a test server does with a request: given the hit number (1-based), the origin the server runs on,
/// and the raw query, returns (status, Link header values, body).
type Script = Arc<dyn Fn(usize, &str, &str) -> (u16, Vec<String>, String) + Send + Sync>;

#[derive(Clone)]
struct Srv {
    script: Script,
    origin: Arc<Mutex<String>>,
    queries: Arc<Mutex<Vec<String>>>,
}

async fn handler(State(s): State<Srv>, RawQuery(q): RawQuery) -> Response {
    let q = q.unwrap_or_default();
    let n = {
        let mut queries = s.queries.lock().unwrap();
        queries.push(q.clone());
        queries.len()
    };
    let origin = s.origin.lock().unwrap().clone();
    let (status, links, body) = (s.script)(n, &origin, &q);
    let mut headers = HeaderMap::new();
    for l in links {
        headers.append("link", HeaderValue::from_str(&l).unwrap());
    }
    headers.insert("x-okta-request-id", HeaderValue::from_str(&format!("req-{n}")).unwrap());
    // As Okta: every body is declared JSON (a non-JSON media type is a different error).
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    (StatusCode::from_u16(status).unwrap(), headers, body).into_response()
}

/// Starts a server; returns its origin (`http://127.0.0.1:port`) and the raw queries it received.
async fn server(
    script: impl Fn(usize, &str, &str) -> (u16, Vec<String>, String) + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let origin = format!("http://{addr}");
    let srv = Srv {
        script: Arc::new(script),
        origin: Arc::new(Mutex::new(origin.clone())),
        queries: Arc::new(Mutex::new(Vec::new())),
    };
    let queries = srv.queries.clone();
    let app = Router::new().fallback(handler).with_state(srv);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (origin, queries)
}

fn users_json(ids: std::ops::Range<usize>) -> String {
    let items: Vec<String> = ids.map(|i| format!(r#"{{"id":"u{i}","profile":{{"n":{i}}}}}"#)).collect();
    format!("[{}]", items.join(","))
}

fn query_map(q: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

/// 7 users, 3 a page, with an opaque `sig` parameter the client never sent and must carry over.
fn three_pages(_n: usize, origin: &str, q: &str) -> (u16, Vec<String>, String) {
    let params = query_map(q);
    let start: usize = params.get("after").map_or(0, |a| a.parse().unwrap());
    let end = (start + 3).min(7);
    let mut links = vec![format!(r#"<{origin}/api/v1/users?{q}>; rel="self""#)];
    if end < 7 {
        links.push(format!(
            "<{origin}/api/v1/users?after={end}&limit=3&search=profile.department%20eq%20%22R%26D%22&expand=groups&sig=opaque{end}>; rel=\"next\""
        ));
    }
    (200, links, users_json(start..end))
}

fn fetcher(
    client: &reqwest::Client,
) -> impl FnMut(Url) -> futures::future::BoxFuture<'static, Result<reqwest::Response, Error>> + use<> {
    let client = client.clone();
    move |url: Url| {
        let client = client.clone();
        Box::pin(async move { client.get(url).send().await.map_err(Error::Transport) })
    }
}

fn first_url(origin: &str) -> Url {
    format!("{origin}/api/v1/users?limit=3&search=profile.department%20eq%20%22R%26D%22&expand=groups").parse().unwrap()
}

#[tokio::test]
async fn lists_every_item_across_pages_following_opaque_links() {
    let (origin, queries) = server(three_pages).await;
    let client = reqwest::Client::new();
    let users: Vec<User> = Pages::new(paginate_url("listUsers", first_url(&origin), fetcher(&client)))
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["u0", "u1", "u2", "u3", "u4", "u5", "u6"]);
    let queries = queries.lock().unwrap().clone();
    assert_eq!(queries.len(), 3);
    for (i, q) in queries.iter().enumerate() {
        let p = query_map(q);
        assert_eq!(p["search"], "profile.department eq \"R&D\"", "{q}");
        assert_eq!(p["expand"], "groups", "{q}");
        if i > 0 {
            // The next link was followed as is, including a parameter only the server knows about.
            assert_eq!(p["sig"], format!("opaque{}", i * 3), "{q}");
        }
    }
}

#[tokio::test]
async fn pages_carry_headers_and_urls_and_start_from_a_decoded_first_page() {
    let (origin, queries) = server(three_pages).await;
    let client = reqwest::Client::new();
    let first = {
        let client = client.clone();
        let url = first_url(&origin);
        async move {
            let resp = client.get(url).send().await.map_err(Error::Transport)?;
            Page::<User>::from_response(resp, "listUsers").await
        }
    };
    let pages: Vec<Page<User>> = paginate("listUsers", first, fetcher(&client)).try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [3, 3, 1]);
    assert_eq!(pages[1].headers["x-okta-request-id"], "req-2");
    assert_eq!(pages[1].url.query_pairs().find(|(k, _)| k == "sig").unwrap().1, "opaque3");
    assert_eq!(pages[0].next_link().unwrap().unwrap(), pages[1].url);
    assert_eq!(pages[2].next_link().unwrap(), None);
    assert_eq!(queries.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn relative_links_and_several_link_headers() {
    let (origin, _) = server(|n, _, _| {
        let links = if n < 3 {
            vec!["</api/v1/groups?limit=1>; rel=\"self\"".to_owned(), format!("<?after={n}&limit=1>;rel=next")]
        } else {
            vec!["</api/v1/groups?after=2>; rel=self".to_owned()]
        };
        (200, links, users_json(n - 1..n))
    })
    .await;
    let client = reqwest::Client::new();
    let url: Url = format!("{origin}/api/v1/groups?limit=1").parse().unwrap();
    let users: Vec<User> =
        Pages::new(paginate_url("listGroups", url, fetcher(&client))).items().try_collect().await.unwrap();
    assert_eq!(users.len(), 3);
    assert_eq!(users[2].id, "u2");
}

#[tokio::test]
async fn pages_are_fetched_lazily() {
    let (origin, queries) = server(three_pages).await;
    let client = reqwest::Client::new();
    let items = Pages::new(paginate_url::<User, _, _>("listUsers", first_url(&origin), fetcher(&client))).items();
    let mut items = Box::pin(items);
    tokio::task::yield_now().await;
    assert_eq!(queries.lock().unwrap().len(), 0, "nothing fetched before the first poll");
    for expected in ["u0", "u1", "u2"] {
        assert_eq!(items.next().await.unwrap().unwrap().id, expected);
    }
    assert_eq!(queries.lock().unwrap().len(), 1, "only the first page after its items");
    assert_eq!(items.next().await.unwrap().unwrap().id, "u3");
    assert_eq!(queries.lock().unwrap().len(), 2);
    drop(items);
    assert_eq!(queries.lock().unwrap().len(), 2);
}

/// Collects a page stream, returning the pages before the error and the error.
async fn pages_until_error(origin: &str, path: &str) -> (Vec<Page<User>>, Option<Error>, usize) {
    let client = reqwest::Client::new();
    let url: Url = format!("{origin}{path}").parse().unwrap();
    let mut stream = Box::pin(paginate_url::<User, _, _>("listUsers", url, fetcher(&client)));
    let mut pages = Vec::new();
    let mut error = None;
    let mut after_error = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(p) if error.is_none() => pages.push(p),
            Ok(_) => after_error += 1,
            Err(e) => {
                if error.is_some() {
                    after_error += 1;
                }
                error.get_or_insert(e);
            }
        }
    }
    (pages, error, after_error)
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused() {
    for bad in [
        "http://localhost:{port}/api/v1/users?after=1",
        "http://127.0.0.1:1/api/v1/users?after=1",
        "https://127.0.0.1:{port}/api/v1/users?after=1",
        "http://attacker.example/api/v1/users?after=1",
        "//attacker.example/api/v1/users?after=1",
    ] {
        let bad = bad.to_owned();
        let (origin, queries) = server(move |_, origin, _| {
            let port = origin.rsplit(':').next().unwrap();
            (200, vec![format!("<{}>; rel=\"next\"", bad.replace("{port}", port))], users_json(0..2))
        })
        .await;
        let (pages, error, after) = pages_until_error(&origin, "/api/v1/users").await;
        assert_eq!(pages.len(), 1, "the first page is delivered");
        assert_eq!(pages[0].items.len(), 2);
        assert!(matches!(error, Some(Error::Pagination(PaginationError::CrossOrigin { .. }))), "{error:?}");
        assert_eq!(after, 0, "the stream ends after the error");
        assert_eq!(queries.lock().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_next_link_with_credentials_is_refused() {
    let (origin, queries) = server(|_, origin, _| {
        let with_creds = origin.replace("http://", "http://user:pw@");
        (200, vec![format!("<{with_creds}/api/v1/users?after=2>; rel=next")], users_json(0..2))
    })
    .await;
    let (pages, error, _) = pages_until_error(&origin, "/api/v1/users").await;
    assert_eq!(pages.len(), 1);
    assert!(matches!(error, Some(Error::Pagination(PaginationError::CredentialsInNextLink))), "{error:?}");
    assert_eq!(queries.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_next_link_back_to_the_same_page_is_a_loop() {
    let (origin, queries) =
        server(|_, origin, q| (200, vec![format!("<{origin}/api/v1/users?{q}>; rel=\"next\"")], users_json(0..1)))
            .await;
    let (pages, error, _) = pages_until_error(&origin, "/api/v1/users?after=5").await;
    assert_eq!(pages.len(), 1);
    assert!(matches!(error, Some(Error::Pagination(PaginationError::Loop { .. }))), "{error:?}");
    assert_eq!(queries.lock().unwrap().len(), 1);

    // A -> B -> A.
    let (origin, queries) = server(|n, origin, _| {
        let target = if n % 2 == 1 { "b" } else { "a" };
        (200, vec![format!("<{origin}/api/v1/users?after={target}>; rel=\"next\"")], users_json(0..1))
    })
    .await;
    let (pages, error, _) = pages_until_error(&origin, "/api/v1/users?after=a").await;
    assert_eq!(pages.len(), 2);
    assert!(matches!(error, Some(Error::Pagination(PaginationError::Loop { .. }))), "{error:?}");
    assert_eq!(queries.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_malformed_link_header_is_a_typed_error() {
    let (origin, _) = server(|_, _, _| (200, vec!["<http://x/; rel=next".to_owned()], users_json(0..1))).await;
    let (pages, error, _) = pages_until_error(&origin, "/api/v1/users").await;
    assert_eq!(pages.len(), 1);
    assert!(matches!(error, Some(Error::Pagination(PaginationError::MalformedLink { .. }))), "{error:?}");
}

#[tokio::test]
async fn an_undecodable_page_is_a_decode_error_with_an_excerpt() {
    let (origin, _) = server(|n, origin, _| {
        if n == 1 {
            (200, vec![format!("<{origin}/api/v1/users?after=1>; rel=next")], users_json(0..1))
        } else {
            (200, vec![], r#"{"id":"not a list"}"#.to_owned())
        }
    })
    .await;
    let (pages, error, after) = pages_until_error(&origin, "/api/v1/users").await;
    assert_eq!(pages.len(), 1);
    assert_eq!(after, 0);
    match error {
        Some(Error::Decode { operation, status, excerpt, .. }) => {
            assert_eq!(operation.as_deref(), Some("listUsers"));
            assert_eq!(status, Some(StatusCode::OK));
            assert_eq!(excerpt, r#"{"id":"not a list"}"#);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_error_status_on_a_later_page_is_an_api_error() {
    let (origin, _) = server(|n, origin, _| {
        if n == 1 {
            (200, vec![format!("<{origin}/api/v1/users?after=1>; rel=next")], users_json(0..1))
        } else {
            (400, vec![], r#"{"errorCode":"E0000031","errorSummary":"Invalid search criteria."}"#.to_owned())
        }
    })
    .await;
    let (_, error, _) = pages_until_error(&origin, "/api/v1/users").await;
    match error {
        Some(Error::Api(e)) => {
            assert_eq!(e.error_code(), Some("E0000031"));
            assert_eq!(e.request_id(), Some("req-2"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn pagination_through_the_retry_layer_loses_nothing() {
    // Every other request is rate limited; the retry layer absorbs it and no item is lost or repeated.
    let (origin, queries) = server(|n, origin, q| {
        if n % 2 == 0 {
            return (429, vec![], String::new());
        }
        three_pages(n, origin, q)
    })
    .await;
    let client = reqwest::Client::new();
    let policy = RetryPolicy::default().with_backoff(Duration::from_millis(5), Duration::from_millis(20));
    let fetch = move |url: Url| {
        let client = client.clone();
        let policy = policy.clone();
        async move {
            let req = client.get(url).build().map_err(Error::Transport)?;
            execute(&policy, req, |r| {
                let client = client.clone();
                async move { client.execute(r).await.map_err(Error::Transport) }
            })
            .await
        }
    };
    let users: Vec<User> =
        Pages::new(paginate_url("listUsers", first_url(&origin), fetch)).items().try_collect().await.unwrap();
    assert_eq!(users.len(), 7);
    let ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["u0", "u1", "u2", "u3", "u4", "u5", "u6"]);
    assert_eq!(queries.lock().unwrap().len(), 5);
}

#[derive(Debug, Deserialize)]
struct LogEvent {
    uuid: String,
}

#[tokio::test]
async fn tail_follows_the_polling_link_and_waits_after_empty_pages() {
    // Hit 1: two events; hits 2-3: nothing new (next link = same URL); hit 4: one event; then nothing.
    let (origin, queries) = server(|n, origin, q| {
        let after = query_map(q).get("after").cloned();
        let (events, next) = match (n, after.as_deref()) {
            (1, None) => (r#"[{"uuid":"e1"},{"uuid":"e2"}]"#, "e2"),
            (4, Some("e2")) => (r#"[{"uuid":"e3"}]"#, "e3"),
            (_, Some(a)) => ("[]", if a == "e2" { "e2" } else { "e3" }),
            _ => ("[]", "bad"),
        };
        (
            200,
            vec![format!("<{origin}/api/v1/logs?since=2024-01-01T00%3A00%3A00Z&after={next}>; rel=\"next\"")],
            events.to_owned(),
        )
    })
    .await;
    let client = reqwest::Client::new();
    let url: Url = format!("{origin}/api/v1/logs?since=2024-01-01T00%3A00%3A00Z").parse().unwrap();
    let interval = Duration::from_millis(100);
    let options = TailOptions::default().with_poll_interval(interval);
    let started = Instant::now();
    let events: Vec<LogEvent> = Pages::new(tail("listLogEvents", url.clone(), fetcher(&client), options.clone()))
        .items()
        .take(3)
        .try_collect()
        .await
        .unwrap();
    let uuids: Vec<&str> = events.iter().map(|e| e.uuid.as_str()).collect();
    assert_eq!(uuids, ["e1", "e2", "e3"]);
    // Two empty polls, each followed by a wait.
    assert!(started.elapsed() >= interval * 2);
    let queries_seen = queries.lock().unwrap().clone();
    assert_eq!(queries_seen.len(), 4, "{queries_seen:?}");
    assert!(queries_seen[1..].iter().all(|q| q.contains("after=e2")));

    // The pages variant yields the empty pages too, and does not end on them.
    let (origin, _) =
        server(|_, origin, _| (200, vec![format!("<{origin}/api/v1/logs?after=x>; rel=next")], "[]".to_owned())).await;
    let url: Url = format!("{origin}/api/v1/logs").parse().unwrap();
    let pages: Vec<Page<LogEvent>> =
        tail("listLogEvents", url, fetcher(&client), options.clone()).take(3).try_collect().await.unwrap();
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|p| p.items.is_empty()));
}

#[tokio::test]
async fn tail_without_a_next_link() {
    let client = reqwest::Client::new();
    let options = TailOptions::default().with_poll_interval(Duration::from_millis(20));
    // Empty page without a link: poll the same URL again.
    let (origin, queries) = server(|_, _, _| (200, vec![], "[]".to_owned())).await;
    let url: Url = format!("{origin}/api/v1/logs?since=x").parse().unwrap();
    let pages: Vec<Page<LogEvent>> =
        tail("listLogEvents", url, fetcher(&client), options.clone()).take(3).try_collect().await.unwrap();
    assert_eq!(pages.len(), 3);
    assert!(queries.lock().unwrap().iter().all(|q| q == "since=x"));

    // Events but no next link: cannot continue without repeating them.
    let (origin, _) = server(|_, _, _| (200, vec![], r#"[{"uuid":"e1"}]"#.to_owned())).await;
    let url: Url = format!("{origin}/api/v1/logs").parse().unwrap();
    let results: Vec<Result<Page<LogEvent>, Error>> =
        tail("listLogEvents", url, fetcher(&client), options).collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(Error::Pagination(PaginationError::MissingNextLink))));
}
