//! An identity-lifecycle automation service: Okta event hooks in, Management API calls out.
//!
//! * `GET  /okta/events`: the event hook's one-time verification (echoes the challenge).
//! * `POST /okta/events`: event deliveries. The configured header is checked (constant time),
//!   events are de-duplicated by `uuid`, and for `user.lifecycle.create` /
//!   `user.lifecycle.activate` the target user is added to `HOOK_GROUP_ID`; for
//!   `user.lifecycle.deactivate` it is removed from it.
//! * `POST /okta/registration`: a registration inline hook that allows only emails of
//!   `HOOK_ALLOWED_DOMAINS` and denies everything else with an error shown to the user.
//!
//! Configuration (environment):
//!
//! | variable | meaning |
//! |---|---|
//! | `OKTA_CLIENT_ORGURL`, `OKTA_CLIENT_TOKEN`, ... | the SDK (`Client::from_env`); `OKTA_TESTING_DISABLEHTTPSCHECK=true` for the mock org |
//! | `HOOK_LISTEN_ADDR` | listen address, default `127.0.0.1:8080` |
//! | `HOOK_AUTH_HEADER` | header Okta sends the secret in, default `Authorization` |
//! | `HOOK_AUTH_SECRET` | the secret registered with the hooks (required, never logged) |
//! | `HOOK_GROUP_ID` | group the lifecycle events manage (required) |
//! | `HOOK_ALLOWED_DOMAINS` | comma-separated email domains allowed to register |
//! | `HOOK_REDIS_URL` | with `--features redis`: de-duplicate in Redis, shared by every replica (`redis://host:6379/0`) |
//!
//! Run several replicas behind one load balancer with the same `HOOK_REDIS_URL`: Okta's redeliveries of an
//! event may reach any of them, and exactly one acts on it.
//!
//! `cargo run --example event_hook_receiver`; see the README for running it against a real org
//! (through a tunnel) or the mock org. The router is built by [`router`] from an [`App`], so the
//! end-to-end test (`tests/hooks_e2e.rs`) runs exactly this code in-process.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use futures::StreamExt;
use http::{HeaderName, Method, StatusCode};
use okta_management::Client;
use okta_management::hooks::{
    DedupStore, ErrorCause, EventDeduplicator, EventHookDelivery, EventHookReceiver, EventSummary, HookError,
    HookResponse, InlineHookError, InlineHookReceiver, InlineHookResponse, RegistrationInlineHookRequest,
};
use okta_management::secret::SecretString;
use okta_management::types::UserStatus;
use tokio::time::Instant;

/// Okta gives up on an event hook delivery after 3 seconds; the SDK calls a delivery triggers
/// must finish well within that so the answer (200, or 500 to get Okta's one retry) arrives.
const PROCESSING_BUDGET: Duration = Duration::from_millis(2500);

/// Event types that put the target user into the group.
const ADD_EVENTS: [&str; 2] = ["user.lifecycle.create", "user.lifecycle.activate"];
/// Event type that takes the target user out of the group.
const REMOVE_EVENT: &str = "user.lifecycle.deactivate";

/// The receiver's own settings (the SDK's come from `OKTA_CLIENT_*`).
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// Address to listen on (`HOOK_LISTEN_ADDR`).
    pub listen_addr: SocketAddr,
    /// Header carrying the shared secret (`HOOK_AUTH_HEADER`).
    pub auth_header: HeaderName,
    /// The shared secret (`HOOK_AUTH_SECRET`); `SecretString` keeps it out of `Debug`.
    pub auth_secret: SecretString,
    /// Group managed by the lifecycle events (`HOOK_GROUP_ID`).
    pub group_id: String,
    /// Lower-case email domains allowed to register (`HOOK_ALLOWED_DOMAINS`).
    pub allowed_domains: Vec<String>,
    /// Where handled events are remembered across replicas (`HOOK_REDIS_URL`, feature `redis`); `None`: in this
    /// process's memory. A secret: the URL may hold Redis's password.
    pub redis_url: Option<SecretString>,
}

/// A configuration problem found at startup.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is unset or empty.
    #[error("{0} must be set")]
    Missing(&'static str),
    /// A variable has an unusable value (the value itself is not repeated: it may be a secret).
    #[error("{name} is invalid: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl ReceiverConfig {
    /// Reads the `HOOK_*` variables.
    pub fn from_env() -> Result<Self, ConfigError> {
        let var = |name: &'static str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let listen_addr =
            var("HOOK_LISTEN_ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned()).trim().parse().map_err(
                |e: std::net::AddrParseError| ConfigError::Invalid { name: "HOOK_LISTEN_ADDR", reason: e.to_string() },
            )?;
        let header = var("HOOK_AUTH_HEADER").unwrap_or_else(|| "Authorization".to_owned());
        let auth_header = HeaderName::from_bytes(header.trim().as_bytes())
            .map_err(|e| ConfigError::Invalid { name: "HOOK_AUTH_HEADER", reason: e.to_string() })?;
        // Not trimmed: the secret is compared byte for byte with what Okta sends.
        let auth_secret = std::env::var("HOOK_AUTH_SECRET")
            .ok()
            .filter(|s| !s.is_empty())
            .map(SecretString::from)
            .ok_or(ConfigError::Missing("HOOK_AUTH_SECRET"))?;
        let group_id =
            var("HOOK_GROUP_ID").map(|g| g.trim().to_owned()).ok_or(ConfigError::Missing("HOOK_GROUP_ID"))?;
        let allowed_domains = parse_domains(&var("HOOK_ALLOWED_DOMAINS").unwrap_or_default());
        let redis_url = var("HOOK_REDIS_URL").map(|u| SecretString::from(u.trim().to_owned()));
        Ok(Self { listen_addr, auth_header, auth_secret, group_id, allowed_domains, redis_url })
    }

    /// The de-duplication store: Redis when `HOOK_REDIS_URL` is set, else this process's memory.
    pub fn dedup_store(&self) -> Result<Arc<dyn DedupStore>, ConfigError> {
        let Some(url) = &self.redis_url else { return Ok(Arc::new(EventDeduplicator::default())) };
        #[cfg(feature = "redis")]
        {
            let store = okta_management::hooks::RedisDedupStore::new(url.expose_secret())
                .map_err(|e| ConfigError::Invalid { name: "HOOK_REDIS_URL", reason: e.to_string() })?;
            Ok(Arc::new(store))
        }
        #[cfg(not(feature = "redis"))]
        {
            let _ = url;
            Err(ConfigError::Invalid {
                name: "HOOK_REDIS_URL",
                reason: "this build has no Redis support: run with `--features redis`".to_owned(),
            })
        }
    }
}

/// Splits a comma-separated domain list: trimmed, lower-cased, an optional leading `@` dropped.
pub fn parse_domains(list: &str) -> Vec<String> {
    list.split(',')
        .map(|d| d.trim().trim_start_matches('@').trim_end_matches('.').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .collect()
}

/// What the receiver did so far (for logs and tests).
#[derive(Debug, Default)]
pub struct Stats {
    /// Verification requests answered.
    pub verifications: AtomicU64,
    /// Event deliveries that passed authentication and decoding.
    pub deliveries_accepted: AtomicU64,
    /// Requests (either endpoint) rejected before processing: auth, size, type, JSON, method.
    pub requests_rejected: AtomicU64,
    /// Events acted on (group membership ensured or checked).
    pub events_applied: AtomicU64,
    /// Events skipped because their `uuid` was already handled.
    pub duplicates_skipped: AtomicU64,
    /// Events whose processing failed (answered 500 so that Okta retries).
    pub events_failed: AtomicU64,
    /// Registrations allowed.
    pub registrations_allowed: AtomicU64,
    /// Registrations denied.
    pub registrations_denied: AtomicU64,
}

impl Stats {
    fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Shared state of the service.
pub struct App {
    client: Client,
    events: EventHookReceiver,
    inline: InlineHookReceiver,
    dedup: Arc<dyn DedupStore>,
    group_id: String,
    allowed_domains: Vec<String>,
    /// Counters of what was done.
    pub stats: Stats,
}

impl App {
    /// State for `config`, calling Okta through `client`.
    pub fn new(client: Client, config: &ReceiverConfig) -> Result<Arc<Self>, ConfigError> {
        Ok(Arc::new(Self {
            client,
            events: EventHookReceiver::new(config.auth_header.clone(), config.auth_secret.clone()),
            inline: InlineHookReceiver::new(config.auth_header.clone(), config.auth_secret.clone()),
            dedup: config.dedup_store()?,
            group_id: config.group_id.clone(),
            allowed_domains: config.allowed_domains.clone(),
            stats: Stats::default(),
        }))
    }
}

/// The service's routes: `/okta/events` (GET verification, POST deliveries) and
/// `/okta/registration` (POST).
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/okta/events", any(event_hook))
        .route("/okta/registration", any(registration_hook))
        .with_state(app)
}

fn send(response: HookResponse) -> Response {
    (response.status, response.headers, response.body).into_response()
}

fn reject(app: &App, endpoint: &str, err: &HookError) -> Response {
    Stats::inc(&app.stats.requests_rejected);
    // `HookError`'s text never contains the secret, the presented value or the body.
    tracing::warn!(endpoint, status = err.status().as_u16(), "rejected: {err}");
    send(err.to_response())
}

/// Reads the body up to `limit` bytes, without buffering more than that from a sender that
/// ignores (or lies in) `Content-Length`.
async fn read_limited(body: Body, limit: usize) -> Result<Bytes, HookError> {
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        // A broken upload is reported like a truncated JSON body (400).
        let chunk = chunk.map_err(|_| HookError::MalformedJson {
            kind: okta_management::hooks::JsonErrorKind::Eof,
            line: 0,
            column: 0,
        })?;
        if buf.len() + chunk.len() > limit {
            return Err(HookError::PayloadTooLarge { size: (buf.len() + chunk.len()) as u64, limit });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

/// `/okta/events`: verification (GET) and deliveries (POST).
async fn event_hook(State(app): State<Arc<App>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if parts.method == Method::GET {
        let response = app.events.verify(&parts.headers);
        if response.status.is_success() {
            Stats::inc(&app.stats.verifications);
            tracing::info!("answered the event hook verification challenge");
        } else {
            Stats::inc(&app.stats.requests_rejected);
            tracing::warn!(status = response.status.as_u16(), "bad verification request");
        }
        return send(response);
    }
    if parts.method != Method::POST {
        let err = HookError::MethodNotAllowed { method: parts.method, allow: "GET, POST" };
        return reject(&app, "events", &err);
    }
    // Authenticate before reading the body, so unauthenticated senders cannot make us buffer.
    if let Err(err) = app.events.precheck(&parts.headers) {
        return reject(&app, "events", &err);
    }
    let delivery = match read_limited(body, app.events.body_limit())
        .await
        .and_then(|bytes| app.events.receive_as::<EventSummary>(&parts.headers, &bytes))
    {
        Ok(delivery) => delivery,
        Err(err) => return reject(&app, "events", &err),
    };
    Stats::inc(&app.stats.deliveries_accepted);
    let status = process_delivery(&app, &delivery).await;
    status.into_response()
}

/// Applies the events of a delivery; `200` when all are done (or were already), `500` when
/// one failed, so that Okta's retry brings it back (its uuid is forgotten for that purpose).
async fn process_delivery(app: &App, delivery: &EventHookDelivery<EventSummary>) -> StatusCode {
    let deadline = Instant::now() + PROCESSING_BUDGET;
    let delivery_id = delivery.event_id.as_deref().unwrap_or("-");
    tracing::info!(delivery_id, events = delivery.events().len(), "event hook delivery");
    let mut status = StatusCode::OK;
    for event in delivery.events() {
        let event_type = event.event_type.as_deref().unwrap_or("-");
        let uuid = event.uuid.as_deref();
        let relevant = ADD_EVENTS.contains(&event_type) || event_type == REMOVE_EVENT;
        if !relevant || !event.succeeded() {
            tracing::info!(event_type, uuid, "ignored (not a handled successful lifecycle event)");
            continue;
        }
        // Okta delivers at least once: act once per event uuid. Events without a uuid cannot
        // be de-duplicated; acting on them again is harmless (the calls are idempotent).
        if let Some(uuid) = uuid {
            match app.dedup.claim(uuid).await {
                Ok(true) => {}
                Ok(false) => {
                    Stats::inc(&app.stats.duplicates_skipped);
                    tracing::info!(event_type, uuid, "duplicate event, already handled");
                    continue;
                }
                Err(err) => {
                    // The store is set to fail rather than guess: Okta sends the delivery again.
                    tracing::error!(event_type, uuid, "{err}");
                    status = StatusCode::SERVICE_UNAVAILABLE;
                    break;
                }
            }
        }
        let outcome = tokio::time::timeout_at(deadline, apply_event(app, event)).await;
        match outcome {
            Ok(Ok(())) => Stats::inc(&app.stats.events_applied),
            Ok(Err(err)) => {
                tracing::error!(event_type, uuid, "failed: {err}");
                status = StatusCode::INTERNAL_SERVER_ERROR;
            }
            Err(_) => {
                tracing::error!(event_type, uuid, "not done within {PROCESSING_BUDGET:?}");
                status = StatusCode::INTERNAL_SERVER_ERROR;
            }
        }
        if status != StatusCode::OK {
            Stats::inc(&app.stats.events_failed);
            if let Some(uuid) = uuid {
                if let Err(err) = app.dedup.release(uuid).await {
                    tracing::warn!(uuid, "the retry of this event may be taken for a duplicate: {err}");
                }
            }
            // The remaining events come back with Okta's retry of the whole delivery; the ones
            // done so far are then skipped as duplicates.
            break;
        }
    }
    status
}

/// Brings the group membership of the event's target users in line with the event.
///
/// Deliveries can arrive out of order (a late `activate` after a `deactivate`), so the user's
/// current status decides: a deactivated user is never added back, and a `deactivate` that
/// was overtaken by a reactivation does not remove the user.
async fn apply_event(app: &App, event: &EventSummary) -> Result<(), okta_management::Error> {
    let event_type = event.event_type.as_deref().unwrap_or("-");
    let wants_member = ADD_EVENTS.contains(&event_type);
    for user_id in event.target_user_ids() {
        let status = match app.client.get_user().id(user_id).send().await {
            Ok(user) => user.status,
            Err(err) => {
                if err.status() != Some(StatusCode::NOT_FOUND) {
                    return Err(err);
                }
                tracing::info!(event_type, user_id, "user no longer exists; nothing to do");
                continue;
            }
        };
        let deprovisioned = status == Some(UserStatus::Deprovisioned);
        let group_id = app.group_id.as_str();
        if wants_member && !deprovisioned {
            app.client.assign_user_to_group().group_id(group_id).user_id(user_id).send().await?;
            tracing::info!(event_type, user_id, group_id, "added user to group");
        } else if !wants_member && deprovisioned {
            app.client.unassign_user_from_group().group_id(group_id).user_id(user_id).send().await?;
            tracing::info!(event_type, user_id, group_id, "removed user from group");
        } else {
            let status = status.as_ref().map_or("unknown", |s| s.as_str());
            tracing::info!(event_type, user_id, status, "user's current status supersedes the event; skipped");
        }
    }
    Ok(())
}

/// `/okta/registration`: the registration inline hook.
async fn registration_hook(State(app): State<Arc<App>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if parts.method != Method::POST {
        let err = HookError::MethodNotAllowed { method: parts.method, allow: "POST" };
        return reject(&app, "registration", &err);
    }
    if let Err(err) = app.inline.precheck(&parts.headers) {
        return reject(&app, "registration", &err);
    }
    let request = match read_limited(body, app.inline.body_limit())
        .await
        .and_then(|bytes| app.inline.receive::<RegistrationInlineHookRequest>(&parts.headers, &bytes))
    {
        Ok(request) => request,
        Err(err) => return reject(&app, "registration", &err),
    };
    let email = request.data().and_then(|d| d.email());
    let domain = email.and_then(email_domain);
    let allowed = domain.as_deref().is_some_and(|d| app.allowed_domains.iter().any(|a| a == d));
    // The domain only: the full address is personal data that logs do not need.
    let shown = domain.as_deref().unwrap_or("(no email)");
    if allowed {
        Stats::inc(&app.stats.registrations_allowed);
        tracing::info!(domain = shown, "registration allowed");
        send(InlineHookResponse::allow_registration().to_hook_response())
    } else {
        Stats::inc(&app.stats.registrations_denied);
        tracing::info!(domain = shown, "registration denied");
        send(deny_registration(&app.allowed_domains).to_hook_response())
    }
}

/// The lower-cased domain of an email address (after the last `@`).
pub fn email_domain(email: &str) -> Option<String> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    (!local.is_empty() && !domain.is_empty()).then_some(domain)
}

/// The deny answer, shaped like the spec's `ProfileEnrollmentResponseDeny` example.
pub fn deny_registration(allowed_domains: &[String]) -> InlineHookResponse {
    let allowed = if allowed_domains.is_empty() { "no".to_owned() } else { allowed_domains.join(", ") };
    InlineHookResponse::deny_registration(
        InlineHookError::new("Incorrect email address. Please contact your admin.").cause(
            ErrorCause::new(format!("Only {allowed} emails can register."))
                .reason("INVALID_EMAIL_DOMAIN")
                .location_type("body")
                .location("data.userProfile.email")
                .domain("end-user"),
        ),
    )
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt().with_target(false).with_writer(std::io::stderr).init();
    if let Err(err) = run().await {
        tracing::error!("event_hook_receiver: {err}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = ReceiverConfig::from_env()?;
    let client = Client::from_env()?;
    if config.allowed_domains.is_empty() {
        tracing::warn!("HOOK_ALLOWED_DOMAINS is empty: every registration will be denied");
    }
    // Everything but the secret, which is only reported as present.
    tracing::info!(
        org = client.org_url(),
        listen = %config.listen_addr,
        auth_header = %config.auth_header,
        group_id = %config.group_id,
        allowed_domains = ?config.allowed_domains,
        "starting (auth secret configured)"
    );
    let listener = tokio::net::TcpListener::bind(config.listen_addr).await?;
    let app = App::new(client, &config)?;
    tracing::info!("serving http://{}/okta/events and /okta/registration; Ctrl-C to stop", listener.local_addr()?);
    axum::serve(listener, router(app.clone()))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    tracing::info!(stats = ?app.stats, "stopped");
    Ok(())
}
