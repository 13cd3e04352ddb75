//! Retry behaviour against small HTTP servers on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::TryFutureExt;
use okta_management::Error;
use okta_management::error::{ApiError, NotRetryableReason, TimeoutKind};
use okta_management::retry::{RateLimitInfo, RetryPolicy, execute};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Hit {
    method: Method,
    headers: HeaderMap,
    body: Bytes,
}

type Responder = Arc<dyn Fn(usize) -> Response + Send + Sync>;

#[derive(Clone)]
struct Scripted {
    hits: Arc<Mutex<Vec<Hit>>>,
    respond: Responder,
}

async fn scripted_handler(State(s): State<Scripted>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let n = {
        let mut hits = s.hits.lock().unwrap();
        hits.push(Hit { method, headers, body });
        hits.len()
    };
    (s.respond)(n)
}

/// Starts a server answering hit number `n` (1-based) with `respond(n)`.
async fn scripted(respond: impl Fn(usize) -> Response + Send + Sync + 'static) -> (String, Arc<Mutex<Vec<Hit>>>) {
    let hits = Arc::new(Mutex::new(Vec::new()));
    let state = Scripted { hits: hits.clone(), respond: Arc::new(respond) };
    let app = Router::new().fallback(scripted_handler).with_state(state);
    let addr = serve(app).await;
    (format!("http://{addr}/api/v1/users"), hits)
}

async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn reply(status: u16, headers: &[(&str, String)], body: &'static str) -> Response {
    let mut h = HeaderMap::new();
    for (k, v) in headers {
        h.append(axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
    }
    (StatusCode::from_u16(status).unwrap(), h, body).into_response()
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs()
}

fn http_date(secs: u64) -> String {
    httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// 429 whose window resets `wait` seconds after the server's `Date`, the server clock being `skew` seconds
/// off the local one.
fn rate_limited(id: &str, skew: i64, wait: u64) -> Response {
    let date = now_secs().checked_add_signed(skew).unwrap();
    reply(
        429,
        &[
            ("x-okta-request-id", id.to_owned()),
            ("date", http_date(date)),
            ("x-rate-limit-limit", "600".into()),
            ("x-rate-limit-remaining", "0".into()),
            ("x-rate-limit-reset", (date + wait).to_string()),
        ],
        r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}"#,
    )
}

fn ok() -> Response {
    reply(200, &[("x-okta-request-id", "ok".into())], "[]")
}

fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_backoff(Duration::from_millis(10), Duration::from_millis(40))
        .with_rate_limit_jitter(Duration::from_millis(20))
        .with_max_elapsed(Duration::from_secs(20))
        .with_request_timeout(Some(Duration::from_secs(10)))
}

/// Sends through a plain reqwest client, counting attempts.
async fn run(
    policy: &RetryPolicy,
    method: Method,
    url: &str,
    body: Option<&'static str>,
) -> (Result<reqwest::Response, Error>, usize) {
    let client = reqwest::Client::new();
    let mut req = reqwest::Request::new(method, url.parse().unwrap());
    if let Some(b) = body {
        *req.body_mut() = Some(b.into());
    }
    let calls = AtomicUsize::new(0);
    let result = execute(policy, req, |r| {
        calls.fetch_add(1, Ordering::SeqCst);
        client.execute(r).map_err(Error::Transport)
    })
    .await;
    (result, calls.load(Ordering::SeqCst))
}

fn hits(h: &Arc<Mutex<Vec<Hit>>>) -> Vec<Hit> {
    h.lock().unwrap().clone()
}

fn header_values(hit: &Hit, name: &str) -> Vec<String> {
    hit.headers.get_all(name).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn rate_limit_waits_for_the_reset_then_succeeds() {
    crate::capture::global();
    let (url, log) = scripted(|n| if n == 1 { rate_limited("rl-1", 0, 1) } else { ok() }).await;
    let started = Instant::now();
    let (res, calls) = run(&fast_policy(), Method::GET, &url, None).await;
    let resp = res.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(calls, 2);
    // Okta imposed a one-second wait.
    assert!(started.elapsed() >= Duration::from_secs(1));
    let hits = hits(&log);
    assert_eq!(hits.len(), 2);
    assert_eq!(header_values(&hits[1], "x-okta-retry-count"), ["1"]);
    assert_eq!(header_values(&hits[1], "x-okta-retry-for"), ["rl-1"]);
}

#[tokio::test]
async fn server_clock_ahead_is_corrected_with_date() {
    // Server clock one hour ahead: reset - local_now would be an hour, over the 20 s budget.
    let (url, log) = scripted(|n| if n == 1 { rate_limited("a", 3600, 1) } else { ok() }).await;
    let (res, _) = run(&fast_policy(), Method::GET, &url, None).await;
    assert_eq!(res.unwrap().status(), 200);
    assert_eq!(hits(&log).len(), 2);
}

#[tokio::test]
async fn server_clock_behind_is_corrected_with_date() {
    // Server clock one hour behind: reset - local_now would be negative; Okta still asks for one second.
    let (url, log) = scripted(|n| if n == 1 { rate_limited("b", -3600, 1) } else { ok() }).await;
    let started = Instant::now();
    let (res, _) = run(&fast_policy(), Method::GET, &url, None).await;
    assert_eq!(res.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(hits(&log).len(), 2);
}

#[tokio::test]
async fn missing_or_malformed_rate_limit_headers_fall_back_to_backoff() {
    let variants: Vec<Vec<(&str, String)>> = vec![
        vec![],
        vec![("x-rate-limit-reset", "soon".into())],
        vec![("x-rate-limit-reset", "-3".into()), ("date", http_date(now_secs()))],
        vec![("x-rate-limit-reset", (now_secs() + 1).to_string()), ("date", "yesterday".into())],
        vec![("x-rate-limit-reset", "1".into()), ("date", http_date(now_secs()))],
    ];
    for headers in variants {
        let h = headers.clone();
        let (url, log) = scripted(move |n| if n == 1 { reply(429, &h, "") } else { ok() }).await;
        let policy = fast_policy().with_backoff(Duration::from_millis(200), Duration::from_millis(200));
        let started = Instant::now();
        let (res, _) = run(&policy, Method::GET, &url, None).await;
        assert_eq!(res.unwrap().status(), 200, "{headers:?}");
        assert_eq!(hits(&log).len(), 2, "{headers:?}");
        // Backoff, not an instant retry: at least half the base ("equal jitter").
        assert!(started.elapsed() >= Duration::from_millis(100), "{headers:?}");
    }
}

#[tokio::test]
async fn retry_headers_name_the_first_failure_and_are_not_duplicated() {
    let (url, log) = scripted(|n| match n {
        1 => reply(503, &[("x-okta-request-id", "first".into())], ""),
        2 => reply(429, &[("x-okta-request-id", "second".into())], ""),
        _ => ok(),
    })
    .await;
    let client = reqwest::Client::new();
    let mut req = reqwest::Request::new(Method::GET, url.parse().unwrap());
    // A stale value from the caller must be replaced, not appended to.
    req.headers_mut().insert("x-okta-retry-count", HeaderValue::from_static("99"));
    let res = execute(&fast_policy().with_max_retries(3), req, |r| client.execute(r).map_err(Error::Transport)).await;
    assert_eq!(res.unwrap().status(), 200);
    let hits = hits(&log);
    assert_eq!(hits.len(), 3);
    assert_eq!(header_values(&hits[0], "x-okta-retry-count"), ["99"]);
    assert!(header_values(&hits[0], "x-okta-retry-for").is_empty());
    assert_eq!(header_values(&hits[1], "x-okta-retry-count"), ["1"]);
    assert_eq!(header_values(&hits[1], "x-okta-retry-for"), ["first"]);
    assert_eq!(header_values(&hits[2], "x-okta-retry-count"), ["2"]);
    assert_eq!(header_values(&hits[2], "x-okta-retry-for"), ["first"]);
}

#[tokio::test]
async fn post_is_not_retried_on_503_but_get_is() {
    let respond = |_| reply(503, &[("x-okta-request-id", "u".into())], "<html>down</html>");
    let (url, log) = scripted(respond).await;
    let (res, calls) = run(&fast_policy(), Method::POST, &url, Some("{}")).await;
    match res {
        Err(Error::Api(e)) => {
            assert_eq!(e.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(e.request_id(), Some("u"));
            assert_eq!(e.body_excerpt(), Some("<html>down</html>"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!((calls, hits(&log).len()), (1, 1));

    let (url, log) = scripted(respond).await;
    let (res, calls) = run(&fast_policy(), Method::GET, &url, None).await;
    assert!(matches!(res, Err(Error::Api(_))));
    assert_eq!((calls, hits(&log).len()), (3, 3));

    // 504 as well, and PATCH is not idempotent either.
    let (url, log) = scripted(|_| reply(504, &[], "")).await;
    let (res, _) = run(&fast_policy(), Method::PATCH, &url, Some("{}")).await;
    assert_eq!(res.unwrap_err().status(), Some(StatusCode::GATEWAY_TIMEOUT));
    assert_eq!(hits(&log).len(), 1);
}

/// A server that reads each request completely, counts it, then closes the connection without answering.
async fn dropping_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    tokio::spawn(async move {
        for _ in 0..20 {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                let read_all = async {
                    loop {
                        let n = sock.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            return false;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).to_string();
                        if let Some(end) = text.find("\r\n\r\n") {
                            let len = text
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap())
                                })
                                .unwrap_or(0);
                            if buf.len() >= end + 4 + len {
                                return true;
                            }
                        }
                    }
                };
                let complete = tokio::time::timeout(Duration::from_secs(5), read_all).await.unwrap_or(false);
                if complete {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                // Close without a response: the client cannot know whether the request was processed.
                let _ = sock.shutdown().await;
            });
        }
    });
    (format!("http://{addr}/api/v1/users"), received)
}

#[tokio::test]
async fn post_is_not_resent_after_the_connection_drops_but_get_is() {
    let (url, received) = dropping_server().await;
    let (res, calls) = run(&fast_policy(), Method::POST, &url, Some(r#"{"a":1}"#)).await;
    match res {
        Err(Error::Transport(e)) => assert!(!e.is_connect(), "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls, 1);
    assert_eq!(received.load(Ordering::SeqCst), 1);

    let (url, received) = dropping_server().await;
    let (res, calls) = run(&fast_policy(), Method::GET, &url, None).await;
    assert!(matches!(res, Err(Error::Transport(_))));
    assert_eq!(calls, 3);
    assert_eq!(received.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn post_is_retried_on_429() {
    let (url, log) = scripted(|n| if n == 1 { reply(429, &[], "") } else { reply(201, &[], "{}") }).await;
    let (res, _) = run(&fast_policy(), Method::POST, &url, Some("payload")).await;
    assert_eq!(res.unwrap().status(), 201);
    let hits = hits(&log);
    assert_eq!(hits.len(), 2);
    assert!(hits.iter().all(|h| h.method == Method::POST && h.body == "payload"));
}

async fn free_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap()
}

#[tokio::test]
async fn post_is_retried_when_the_connection_is_refused() {
    // Nothing listens: every attempt fails before sending, so even a POST is retried.
    let addr = free_port().await;
    let (res, calls) = run(&fast_policy(), Method::POST, &format!("http://{addr}/api/v1/users"), Some("{}")).await;
    match res {
        Err(Error::Transport(e)) => assert!(e.is_connect(), "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls, 3);

    // The server comes up before the second attempt: the POST goes through, once.
    let addr = free_port().await;
    let hits_log = Arc::new(Mutex::new(Vec::new()));
    let state = Scripted { hits: hits_log.clone(), respond: Arc::new(|_| reply(201, &[], "{}")) };
    let app = Router::new().fallback(scripted_handler).with_state(state);
    let app = Mutex::new(Some(app));
    let client = reqwest::Client::new();
    let mut req = reqwest::Request::new(Method::POST, format!("http://{addr}/x").parse().unwrap());
    *req.body_mut() = Some("created".into());
    let calls = AtomicUsize::new(0);
    let res = execute(&fast_policy(), req, |r| {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        let app = if n == 1 { app.lock().unwrap().take() } else { None };
        let client = client.clone();
        async move {
            if let Some(app) = app {
                let listener = TcpListener::bind(addr).await.unwrap();
                tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            }
            client.execute(r).await.map_err(Error::Transport)
        }
    })
    .await;
    assert_eq!(res.unwrap().status(), 201);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let hits = hits(&hits_log);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].body, "created");
}

#[tokio::test]
async fn max_retries_is_honoured() {
    for (max, expected) in [(0, 1), (1, 2), (3, 4)] {
        let (url, log) = scripted(|n| reply(503, &[("x-okta-request-id", format!("id-{n}"))], "")).await;
        let (res, _) = run(&fast_policy().with_max_retries(max), Method::GET, &url, None).await;
        let err = res.unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(err.request_id(), Some(format!("id-{expected}").as_str()));
        assert_eq!(hits(&log).len(), expected);
    }
}

#[tokio::test]
async fn exhausted_rate_limit_is_reported() {
    let (url, log) = scripted(|n| reply(429, &[("x-okta-request-id", format!("r{n}"))], "")).await;
    let (res, _) = run(&fast_policy(), Method::GET, &url, None).await;
    match res {
        Err(Error::RateLimited { attempts, request_id, reset_at, .. }) => {
            assert_eq!(attempts, 3);
            assert_eq!(request_id.as_deref(), Some("r3"));
            assert_eq!(reset_at, None);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(hits(&log).len(), 3);
}

#[tokio::test]
async fn a_wait_beyond_max_elapsed_is_not_started() {
    // Okta asks for 30 s; the budget is 5 s: fail at once.
    let (url, log) = scripted(|_| rate_limited("late", 0, 30)).await;
    let policy = fast_policy().with_max_elapsed(Duration::from_secs(5));
    let (res, _) = run(&policy, Method::GET, &url, None).await;
    match res {
        Err(Error::RateLimited { attempts, retry_after, reset_at, request_id }) => {
            assert_eq!(attempts, 1);
            assert_eq!(retry_after, Some(Duration::from_secs(30)));
            assert!(reset_at.is_some());
            assert_eq!(request_id.as_deref(), Some("late"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(hits(&log).len(), 1);

    // An absurd reset does not overflow or panic.
    let (url, log) = scripted(|_| {
        reply(429, &[("x-rate-limit-reset", "18446744073709551615".into()), ("date", http_date(now_secs()))], "")
    })
    .await;
    let (res, _) = run(&policy, Method::GET, &url, None).await;
    assert!(matches!(res, Err(Error::RateLimited { attempts: 1, .. })), "{res:?}");
    assert_eq!(hits(&log).len(), 1);

    // Same for a backoff longer than the budget.
    let (url, log) = scripted(|_| reply(503, &[], "")).await;
    let policy = fast_policy()
        .with_backoff(Duration::from_secs(30), Duration::from_secs(30))
        .with_max_elapsed(Duration::from_secs(2));
    let (res, _) = run(&policy, Method::GET, &url, None).await;
    assert_eq!(res.unwrap_err().status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(hits(&log).len(), 1);
}

/// A server whose every answer takes 3 s.
async fn slow_server() -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let app = Router::new().fallback(move || {
        let c = c.clone();
        async move {
            c.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(3)).await;
            "late"
        }
    });
    let addr = serve(app).await;
    (format!("http://{addr}/api/v1/users"), count)
}

#[tokio::test]
async fn request_timeout_is_honoured() {
    let policy = fast_policy().with_request_timeout(Some(Duration::from_millis(200))).with_max_retries(1);
    let (url, count) = slow_server().await;
    let (res, _) = run(&policy, Method::GET, &url, None).await;
    match res {
        Err(Error::Timeout { kind, attempts, source, .. }) => {
            assert_eq!(kind, TimeoutKind::Request);
            assert_eq!(attempts, 2);
            assert!(source.unwrap().is_timeout());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count.load(Ordering::SeqCst), 2);

    // A POST that timed out may have been processed: not re-sent.
    let (url, count) = slow_server().await;
    let (res, _) = run(&policy, Method::POST, &url, Some("{}")).await;
    assert!(matches!(res, Err(Error::Timeout { attempts: 1, .. })), "{res:?}");
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // The request's own timeout wins over the policy's.
    let (url, count) = slow_server().await;
    let client = reqwest::Client::new();
    let req = client.get(&url).timeout(Duration::from_millis(100)).build().unwrap();
    let res = execute(&fast_policy().with_max_retries(0), req, |r| client.execute(r).map_err(Error::Transport)).await;
    assert!(matches!(res, Err(Error::Timeout { kind: TimeoutKind::Request, .. })), "{res:?}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn max_elapsed_caps_a_slow_attempt() {
    let (url, count) = slow_server().await;
    let policy = fast_policy().with_request_timeout(None).with_max_elapsed(Duration::from_millis(300));
    let (res, _) = run(&policy, Method::GET, &url, None).await;
    assert!(matches!(res, Err(Error::Timeout { kind: TimeoutKind::MaxElapsed, attempts: 1, .. })), "{res:?}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

fn streaming_body(text: &'static str) -> reqwest::Body {
    reqwest::Body::wrap_stream(futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(text))]))
}

#[tokio::test]
async fn a_streaming_body_is_sent_once_and_the_error_says_why() {
    let client = reqwest::Client::new();
    for (method, status) in [(Method::PUT, 503), (Method::POST, 429)] {
        let (url, log) = scripted(move |_| reply(status, &[("x-okta-request-id", "s".into())], "")).await;
        let req = client.request(method.clone(), &url).body(streaming_body("abc")).build().unwrap();
        assert!(req.try_clone().is_none());
        let res = execute(&fast_policy(), req, |r| client.execute(r).map_err(Error::Transport)).await;
        match res {
            Err(ref e @ Error::NotRetryable { reason, attempts, ref source }) => {
                assert_eq!(reason, NotRetryableReason::BodyNotClonable);
                assert_eq!(attempts, 1);
                assert_eq!(source.status(), Some(StatusCode::from_u16(status).unwrap()));
                assert!(e.to_string().contains("cannot be cloned"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let hits = hits(&log);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].body, "abc");
    }

    // Success needs no retry.
    let (url, log) = scripted(|_| ok()).await;
    let req = client.post(&url).body(streaming_body("abc")).build().unwrap();
    let res = execute(&fast_policy(), req, |r| client.execute(r).map_err(Error::Transport)).await;
    assert_eq!(res.unwrap().status(), 200);
    assert_eq!(hits(&log).len(), 1);
}

#[tokio::test]
async fn other_errors_of_send_are_not_retried() {
    let calls = AtomicUsize::new(0);
    let req = reqwest::Request::new(Method::GET, "http://127.0.0.1:9/".parse().unwrap());
    let res = execute(&fast_policy(), req, |_| {
        calls.fetch_add(1, Ordering::SeqCst);
        async { Err(Error::Pagination(okta_management::pagination::PaginationError::MissingNextLink)) }
    })
    .await;
    assert!(matches!(res, Err(Error::Pagination(_))));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn error_bodies_are_decoded_from_responses() {
    let (url, _) = scripted(|n| match n {
        1 => reply(
            404,
            &[("x-okta-request-id", "req404".into()), ("content-type", "application/json".into())],
            r#"{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: xyz (User)","errorLink":"E0000007","errorId":"oae1","errorCauses":[]}"#,
        ),
        2 => reply(
            502,
            &[("content-type", "text/html".into())],
            "<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n",
        ),
        3 => reply(500, &[], ""),
        _ => reply(400, &[], r#"{"errorCode":"E0000001","errorSumm"#),
    })
    .await;
    let client = reqwest::Client::new();
    let mut errors = Vec::new();
    for _ in 0..4 {
        let (res, _) = run(&RetryPolicy::no_retries(), Method::GET, &url, None).await;
        // A 502 is retryable (a proxy's, JSON or not): with no retries left, the retry layer returns it decoded.
        let decoded = match res {
            Ok(resp) => ApiError::from_response(resp).await,
            Err(e) => e,
        };
        match decoded {
            Error::Api(e) => errors.push(e),
            other => panic!("{other:?}"),
        }
    }
    drop(client);
    assert_eq!(
        errors[0].to_string(),
        "Okta API error 404 E0000007: Not found: Resource not found: xyz (User) (request id req404)"
    );
    assert_eq!(errors[0].error_id(), Some("oae1"));
    assert_eq!(errors[1].body_excerpt(), Some("<html> <head><title>502 Bad Gateway</title></head> </html>"));
    assert!(errors[1].to_string().starts_with("Okta API error 502 Bad Gateway (unrecognised body:"));
    assert_eq!(errors[2].to_string(), "Okta API error 500 Internal Server Error (empty body)");
    assert_eq!(errors[3].status(), StatusCode::BAD_REQUEST);
    assert_eq!(errors[3].error_code(), None);
    assert_eq!(errors[3].body_excerpt(), Some(r#"{"errorCode":"E0000001","errorSumm"#));
}

#[tokio::test]
async fn rate_limit_headers_are_readable_from_a_response() {
    let (url, _) = scripted(|_| {
        reply(
            200,
            &[
                ("x-rate-limit-limit", "100".into()),
                ("x-rate-limit-remaining", "42".into()),
                ("x-rate-limit-reset", "1700000060".into()),
            ],
            "[]",
        )
    })
    .await;
    let (res, _) = run(&fast_policy(), Method::GET, &url, None).await;
    let info = RateLimitInfo::from_headers(res.unwrap().headers());
    assert_eq!((info.limit, info.remaining, info.reset), (Some(100), Some(42), Some(1_700_000_060)));
    // hyper adds a Date header to every response.
    assert!(info.date.is_some());
}
