//! HTTP plumbing: a listener whose connections can be killed, the router, and the layer that
//! counts, logs, injects faults, authenticates and adds Okta's standard headers.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRef, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::hook_delivery::HookCalls;
use crate::oauth::OAuthState;
use crate::respond::ApiError;
use crate::state::{OrgState, RequestRecord};
use crate::support::{lock, random_alnum};
use crate::{
    app_assignments, apps, authn, event_hooks, faults, generic, group_rules, groups, inline_hooks, logs, oauth,
    sessions, spec, standing_objects, users, validate,
};
use crate::{iam_resource_sets, iam_roles, role_assignments};

/// What the server's handlers and the [`MockOrg`](crate::MockOrg) handle share; each handler takes the parts it
/// needs.
#[derive(Debug, Clone)]
pub(crate) struct Shared {
    /// The org's data.
    pub org: Arc<OrgState>,
    /// OAuth clients, tokens and DPoP bookkeeping.
    pub oauth: Arc<Mutex<OAuthState>>,
    /// The hook calls' client and the deliveries made.
    pub hook_calls: Arc<HookCalls>,
}

impl FromRef<Shared> for Arc<OrgState> {
    fn from_ref(shared: &Shared) -> Self {
        shared.org.clone()
    }
}

impl FromRef<Shared> for Arc<Mutex<OAuthState>> {
    fn from_ref(shared: &Shared) -> Self {
        shared.oauth.clone()
    }
}

impl FromRef<Shared> for Arc<HookCalls> {
    fn from_ref(shared: &Shared) -> Self {
        shared.hook_calls.clone()
    }
}

/// Per-connection handle that lets a handler kill its own connection.
#[derive(Debug, Clone)]
pub(crate) struct ConnMeta {
    kill: Arc<AtomicBool>,
}

impl axum::extract::connect_info::Connected<IncomingStream<'_, KillableListener>> for ConnMeta {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP stream that fails all I/O once its kill flag is set, so hyper drops the connection
/// without writing the response.
pub(crate) struct KillableIo {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

fn killed() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, "connection dropped by fault injection")
}

impl AsyncRead for KillableIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The listener handing out [`KillableIo`] connections.
pub(crate) struct KillableListener(pub TcpListener);

impl Listener for KillableListener {
    type Io = KillableIo;
    type Addr = ConnMeta;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((s, _)) => {
                    let _ = s.set_nodelay(true);
                    let kill = Arc::new(AtomicBool::new(false));
                    return (KillableIo { inner: s, kill: kill.clone() }, ConnMeta { kill });
                }
                // Out of file descriptors and similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnMeta { kill: Arc::new(AtomicBool::new(false)) })
    }
}

/// The router of the mock org.
pub(crate) fn router(shared: Shared) -> Router {
    let api = Router::new()
        .route("/api/v1/users", get(users::list).post(users::create))
        .route(
            "/api/v1/users/{userId}",
            get(users::get).post(users::partial_update).put(users::full_update).delete(users::delete),
        )
        .route("/api/v1/users/{userId}/lifecycle/{operation}", post(users::lifecycle))
        .route("/api/v1/users/{userId}/credentials/change_password", post(users::change_password))
        .route("/api/v1/users/{userId}/sessions", delete(sessions::revoke_user_sessions))
        .route("/api/v1/users/{userId}/groups", get(groups::list_user_groups))
        .route("/api/v1/users/{userId}/appLinks", get(app_assignments::list_app_links))
        .route("/api/v1/authn", post(authn::authenticate))
        .route("/api/v1/authn/credentials/change_password", post(authn::change_password))
        .route("/api/v1/authn/cancel", post(authn::cancel))
        .route("/api/v1/sessions", post(sessions::create))
        .route("/api/v1/sessions/me", get(sessions::get_me).delete(sessions::close_me))
        .route("/api/v1/sessions/me/lifecycle/refresh", post(sessions::refresh_me))
        .route("/api/v1/sessions/{sessionId}", get(sessions::get).delete(sessions::close))
        .route("/api/v1/sessions/{sessionId}/lifecycle/refresh", post(sessions::refresh))
        .route("/api/v1/groups", get(groups::list).post(groups::create))
        .route("/api/v1/groups/{groupId}", get(groups::get).put(groups::replace).delete(groups::delete))
        .route("/api/v1/groups/{groupId}/users", get(groups::list_members))
        .route("/api/v1/groups/{groupId}/users/{userId}", put(groups::add_member).delete(groups::remove_member))
        .route("/api/v1/groups/{groupId}/apps", get(app_assignments::list_group_apps))
        .route("/api/v1/groups/rules", post(group_rules::create))
        .route("/api/v1/groups/rules/{ruleId}", put(group_rules::replace))
        .route("/api/v1/apps", get(apps::list).post(apps::create))
        .route("/api/v1/apps/{appId}", get(apps::get).put(apps::replace))
        .route("/api/v1/apps/{appId}/users", get(app_assignments::list_app_users))
        .route("/api/v1/apps/{appId}/users/{userId}", get(app_assignments::get_app_user))
        .route("/api/v1/eventHooks", get(event_hooks::list).post(event_hooks::create))
        .route(
            "/api/v1/eventHooks/{eventHookId}",
            get(event_hooks::get).put(event_hooks::replace).delete(event_hooks::delete),
        )
        .route("/api/v1/eventHooks/{eventHookId}/lifecycle/activate", post(event_hooks::activate))
        .route("/api/v1/eventHooks/{eventHookId}/lifecycle/deactivate", post(event_hooks::deactivate))
        .route("/api/v1/eventHooks/{eventHookId}/lifecycle/verify", post(event_hooks::verify))
        .route("/api/v1/inlineHooks/{inlineHookId}/execute", post(inline_hooks::execute))
        .route("/api/v1/logs", get(logs::list))
        .merge(iam_routes())
        .route("/oauth2/v1/token", post(oauth::token))
        // Every other operation of the spec, and Okta's 404/405 for what the spec does not have.
        .fallback(generic::serve)
        .method_not_allowed_fallback(generic::serve)
        .layer(middleware::from_fn_with_state(shared.clone(), okta_layer));
    api.with_state(shared)
}

/// The IAM operations (role assignments, custom roles and their permissions, resource sets with their resources,
/// bindings and members): the org's state, not the spec's examples. A role assignment's reads and targets are served
/// from the spec (`generic.rs`) on the same collections (`iam.rs`).
fn iam_routes() -> Router<Shared> {
    let set = "/api/v1/iam/resource-sets/{resourceSetIdOrLabel}";
    let binding = format!("{set}/bindings/{{roleIdOrLabel}}");
    Router::new()
        .route("/api/v1/users/{userId}/roles", post(role_assignments::assign_to_user))
        .route("/api/v1/users/{userId}/roles/{roleAssignmentId}", delete(role_assignments::unassign_from_user))
        .route("/api/v1/groups/{groupId}/roles", post(role_assignments::assign_to_group))
        .route("/api/v1/groups/{groupId}/roles/{roleAssignmentId}", delete(role_assignments::unassign_from_group))
        .route("/api/v1/iam/assignees/users", get(role_assignments::users_with_roles))
        .route("/api/v1/iam/roles", get(iam_roles::list).post(iam_roles::create))
        .route(
            "/api/v1/iam/roles/{roleIdOrLabel}",
            get(iam_roles::get).put(iam_roles::replace).delete(iam_roles::delete),
        )
        .route("/api/v1/iam/roles/{roleIdOrLabel}/permissions", get(iam_roles::list_permissions))
        .route(
            "/api/v1/iam/roles/{roleIdOrLabel}/permissions/{permissionType}",
            get(iam_roles::get_permission)
                .post(iam_roles::create_permission)
                .put(iam_roles::replace_permission)
                .delete(iam_roles::delete_permission),
        )
        .route("/api/v1/iam/resource-sets", get(iam_resource_sets::list).post(iam_resource_sets::create))
        .route(set, get(iam_resource_sets::get).put(iam_resource_sets::replace).delete(iam_resource_sets::delete))
        .route(
            &format!("{set}/resources"),
            get(iam_resource_sets::list_resources)
                .post(iam_resource_sets::add_resource)
                .patch(iam_resource_sets::add_resources),
        )
        .route(
            &format!("{set}/resources/{{resourceId}}"),
            get(iam_resource_sets::get_resource)
                .put(iam_resource_sets::replace_resource)
                .delete(iam_resource_sets::delete_resource),
        )
        .route(
            &format!("{set}/bindings"),
            get(iam_resource_sets::list_bindings).post(iam_resource_sets::create_binding),
        )
        .route(&binding, get(iam_resource_sets::get_binding).delete(iam_resource_sets::delete_binding))
        .route(
            &format!("{binding}/members"),
            get(iam_resource_sets::list_members).patch(iam_resource_sets::add_members),
        )
        .route(
            &format!("{binding}/members/{{memberId}}"),
            get(iam_resource_sets::get_member).delete(iam_resource_sets::delete_member),
        )
}

/// Headers kept in the request log: their values, except credentials, which are reduced to
/// their scheme.
const LOGGED: [&str; 6] =
    ["authorization", "dpop", "user-agent", "content-type", "accept", "x-okta-user-agent-extended"];

fn record_request(org: &OrgState, req: &Request) {
    let mut headers = Vec::new();
    for name in LOGGED {
        if let Some(v) = req.headers().get(name).and_then(|v| v.to_str().ok()) {
            let shown = match name {
                "authorization" => {
                    format!("{} [redacted]", v.split(' ').next().unwrap_or_default())
                }
                "dpop" => "[present]".to_string(),
                _ => v.to_string(),
            };
            headers.push((name.to_string(), shown));
        }
    }
    let path_and_query =
        req.uri().path_and_query().map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    lock(&org.request_log).push(RequestRecord { method: req.method().to_string(), path_and_query, headers });
}

/// The one layer every routed request goes through.
async fn okta_layer(State(shared): State<Shared>, mut req: Request, next: Next) -> Response {
    let org = &shared.org;
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    // The spec's operation for this request (if any), for the handlers after this layer too.
    let found = spec::Api::get().ok().map(|api| {
        let lookup = api.lookup(method.as_str(), &path);
        generic::SpecMatch { api, lookup }
    });
    let operation = found.as_ref().and_then(generic::SpecMatch::operation);
    let matched = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    // A hand-written route stands for the spec's operation at its own path; a more specific one of the spec that
    // it happens to match (`/api/v1/groups/rules` by `/api/v1/groups/{groupId}`) is served from the spec.
    let shadowed = match (&found, &matched, operation) {
        (Some(f), Some(m), Some(op)) => spec::shape(m) != spec::shape(&op.template) && f.api.has_template(m),
        _ => false,
    };
    let wrong_method = found.as_ref().is_some_and(|f| f.lookup == spec::Lookup::WrongMethod);
    // The hand-written route's pattern, else the spec's template; requests of neither count as `UNMATCHED`.
    let route_key = match (&matched, operation) {
        (Some(m), _) if !wrong_method && !shadowed => format!("{method} {m}"),
        (_, Some(op)) => op.route_key(),
        _ => "UNMATCHED".to_string(),
    };
    org.counters.count_route(&route_key);
    if route_key != "UNMATCHED" {
        record_request(org, &req);
    }
    let scopes: Option<Vec<String>> = match operation {
        _ if anonymous(&method, &path, req.headers()) => None,
        Some(op) => op.scopes.clone(),
        None if matched.is_some() => oauth::scope_for(&method, &path).map(|s| vec![s]),
        None => None,
    };
    if let Some(found) = found {
        req.extensions_mut().insert(found);
    }
    let conn = req.extensions().get::<ConnectInfo<ConnMeta>>().map(|c| c.0.clone());
    let applied = faults::apply(&mut lock(&org.faults), method.as_str(), &path);
    // Every proof presented is remembered, whatever the answer (a 429 included): a retry must sign a new one.
    let replayed = oauth::replayed_dpop_proof(&shared.oauth, req.headers());
    let (concurrency_limit, concurrency_headers) = {
        let settings = lock(&org.settings);
        (settings.concurrency_limit, settings.concurrency_headers)
    };
    let in_flight = org.in_flight.enter(concurrency_limit);
    let over_concurrency = in_flight.is_none();

    if !applied.latency.is_zero() {
        let mut shutdown = org.shutdown.clone();
        tokio::select! {
            () = tokio::time::sleep(applied.latency) => {}
            _ = shutdown.wait_for(|s| *s) => {}
        }
    }
    let kill = |c: &Option<ConnMeta>| {
        org.counters.connections_dropped.inc();
        if let Some(c) = c {
            c.kill.store(true, Ordering::SeqCst);
        }
    };
    if applied.drop_before {
        kill(&conn);
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let now = org.clock.now();
    let window = if over_concurrency || applied.rate_limit {
        None
    } else {
        let (rules, default_limit) = {
            let settings = lock(&org.settings);
            (settings.buckets.clone(), settings.rate_limit_limit)
        };
        Some(lock(&org.rate_windows).admit(&rules, default_limit, method.as_str(), &path, &route_key, now.as_secs()))
    };
    let too_many = || {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "E0000047",
            "API call exceeded rate limit due to too many requests.",
        )
        .into_response()
    };
    let mut resp = if over_concurrency {
        org.counters.concurrency_limited.inc();
        too_many()
    } else if applied.rate_limit || window.is_some_and(|w| w.over) {
        org.counters.rate_limited.inc();
        too_many()
    } else if let Some(status) = applied.server_error {
        org.counters.server_errors_injected.inc();
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError::new(status, "E0000009", "Internal Server Error").into_response()
    } else if let Some(replayed) = replayed {
        replayed
    } else {
        let refused =
            scopes.and_then(|scopes| oauth::refusal(org, &shared.oauth, &method, &path, req.headers(), &scopes));
        match refused {
            Some(refusal) => refusal,
            None => match validated(req).await {
                Ok(req) => match standing(org, &req) {
                    Some(answer) => answer,
                    None if shadowed => generic::serve(State(org.clone()), req).await,
                    None => next.run(req).await,
                },
                Err(e) => e.into_response(),
            },
        }
    };
    if applied.drop_after {
        kill(&conn);
        return resp;
    }
    if applied.malformed {
        resp = body_with(resp, Body::from("{\"id\": \"00u\", \"profile\": {\"login\": }"));
    }
    if applied.wrong_content_type {
        resp = body_with(resp, Body::from("<html><body><h1>Service temporarily unavailable</h1></body></html>"));
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    }
    if applied.truncated {
        resp = truncate(resp).await;
    }
    let limits = if over_concurrency {
        // Okta's answer over the concurrency limit: the concurrent values, not the bucket's.
        let (limit, remaining, reset) = concurrency_headers.values(concurrency_limit.unwrap_or(0), now.as_secs());
        RateHeaders { limit, remaining, reset }
    } else if let Some(w) = window {
        RateHeaders { limit: w.limit, remaining: w.remaining, reset: w.reset }
    } else {
        // An injected 429: the bucket is used up for the configured delay (whole seconds, the header's unit; a
        // zero delay resets in the current second).
        let (limit, delay) = {
            let settings = lock(&org.settings);
            (settings.rate_limit_limit, settings.reset_delay)
        };
        let extra = delay.as_secs() + u64::from(delay.subsec_nanos() > 0);
        RateHeaders { limit, remaining: 0, reset: now.as_secs() + extra }
    };
    add_standard_headers(org, &mut resp, now, limits, &applied);
    resp
}

/// Whether a request is one Okta serves without an API token: the Authn API and createSession (a sign-in page's
/// calls; a trusted app's API token, when it sends one, is checked as anywhere else), and the user's own session
/// by its cookie (`/api/v1/sessions/me`, where an API token is no substitute for the cookie).
fn anonymous(method: &axum::http::Method, path: &str, headers: &axum::http::HeaderMap) -> bool {
    if path == "/api/v1/sessions/me" || path.starts_with("/api/v1/sessions/me/") {
        return true;
    }
    let sign_in = path == "/api/v1/authn" || path.starts_with("/api/v1/authn/");
    let create_session = path == "/api/v1/sessions" && method == axum::http::Method::POST;
    (sign_in || create_session) && !headers.contains_key(header::AUTHORIZATION)
}

/// Okta's own answer about one of the org's standing objects (`standing_objects.rs`), where it has one.
fn standing(org: &OrgState, req: &Request) -> Option<Response> {
    let authorization = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    org.with_store(|store| standing_objects::answer(store, req.method(), req.uri().path(), authorization))
}

/// The request, its body read and checked against its operation in the spec (Okta's `400` when it does not fit).
async fn validated(req: Request) -> Result<Request, ApiError> {
    let Some(found) = req.extensions().get::<generic::SpecMatch>().cloned() else { return Ok(req) };
    let Some(op) = found.operation() else { return Ok(req) };
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024 * 1024).await.map_err(|_| ApiError::bad_json())?;
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let parsed = validate::request(&found.api, op, parts.uri.query(), content_type, &bytes)?;
    let mut req = Request::from_parts(parts, Body::from(bytes));
    if let Some(value) = parsed {
        req.extensions_mut().insert(generic::JsonBody(value));
    }
    Ok(req)
}

fn body_with(resp: Response, body: Body) -> Response {
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}

/// Declares the full length, sends half, pauses so the half is flushed, then fails the body
/// stream so hyper closes the connection.
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    let full = bytes.len().max(2);
    let half = bytes.slice(0..bytes.len() / 2);
    parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full));
    let stream = futures::stream::unfold(0u8, move |step| {
        let half = half.clone();
        async move {
            match step {
                0 => Some((Ok::<_, io::Error>(half), 1)),
                1 => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Some((Err(io::Error::new(io::ErrorKind::BrokenPipe, "truncated by fault injection")), 2))
                }
                _ => None,
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

/// The rate-limit headers of one response.
#[derive(Debug, Clone, Copy)]
struct RateHeaders {
    limit: u64,
    remaining: u64,
    reset: u64,
}

fn add_standard_headers(org: &OrgState, resp: &mut Response, now: Duration, limits: RateHeaders, a: &faults::Applied) {
    let secs = now.as_secs();
    let RateHeaders { limit, remaining, reset } = limits;
    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: String| {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    };
    set(h, "x-okta-request-id", random_alnum(20));
    set(h, "x-rate-limit-limit", limit.to_string());
    set(h, "x-rate-limit-remaining", remaining.to_string());
    set(h, "x-rate-limit-reset", if a.broken_reset { "soon-ish".into() } else { reset.to_string() });
    let date = if a.broken_date {
        "yesterday, around noon".to_string()
    } else {
        httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
    };
    set(h, "date", date);
    if a.broken_link {
        h.remove(header::LINK);
        set(h, "link", format!("{}/api/v1/users?after=broken; rel=\"next", org.base));
    }
}
