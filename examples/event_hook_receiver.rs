//! An identity-lifecycle automation service: Okta event hooks in, Management API calls out.
//!
//! * `GET  /okta/events`: the event hook's one-time verification (echoes the challenge).
//! * `POST /okta/events`: event deliveries. The configured header is checked (constant time), and the events
//!   go through an [`EventProcessor`] (`okta_management::events`): for `user.lifecycle.create` /
//!   `user.lifecycle.activate` the target user is added to `HOOK_GROUP_ID`; for `user.lifecycle.deactivate` it is
//!   removed from it, **once per event `uuid`**. The processor's System Log poller handles what the hooks missed
//!   (a delivery Okta lost, events of a time the receiver was down), from a saved position.
//! * `POST /okta/registration`: a registration inline hook that allows only emails of
//!   `HOOK_ALLOWED_DOMAINS` and denies everything else with an error shown to the user.
//!
//! Configuration (environment):
//!
//! | variable | meaning |
//! |---|---|
//! | `OKTA_CLIENT_ORGURL`, `OKTA_CLIENT_TOKEN`, ... | the SDK (`Client::from_env`); `OKTA_TESTING_DISABLEHTTPSCHECK=true` for the mock org |
//! | `HOOK_LISTEN_ADDR` | listen address, default `127.0.0.1:8080` (port `0`: any free port; the address is printed on stdout, `listening on http://…`) |
//! | `HOOK_AUTH_HEADER` | header Okta sends the secret in, default `Authorization` |
//! | `HOOK_AUTH_SECRET` | the secret registered with the hooks (required, never logged) |
//! | `HOOK_GROUP_ID` | group the lifecycle events manage (required) |
//! | `HOOK_ALLOWED_DOMAINS` | comma-separated email domains allowed to register |
//! | `HOOK_PUBLIC_URL` | the URL Okta reaches `POST /okta/events` at: on start, an event hook for the three lifecycle events is created, verified and activated for it, unless the org has an active one for that URL (then it is reused) |
//! | `HOOK_HANDLED_FILE` | appends one JSON line per event whose actions completed: `{"uuid":…,"eventType":…,"userId":…,"handledAt":…}` (`handledAt`: RFC 3339, milliseconds) |
//! | `HOOK_CHECKPOINT_FILE` | where the System Log position is kept (default: in Redis with `HOOK_REDIS_URL`, else none: the poller starts at the start time); without Redis, the events handled are remembered beside it (`<file>.claims`) |
//! | `HOOK_POLL_SECONDS`, `HOOK_GRACE_SECONDS` | the System Log poller's wait between empty polls, and how long after an event's `published` time it leaves the event to the hooks (default 10 and 10) |
//! | `HOOK_LEASE_SECONDS` | how long an event's claim holds unless renewed (renewed while its actions run; bounds how long a replica that died mid-event keeps the others off it), default 30 |
//! | `HOOK_REDIS_URL` | with `--features redis`: claims (and the position, without `HOOK_CHECKPOINT_FILE`) in Redis, shared by every replica (`redis://host:6379/0`). While Redis does not answer, deliveries are answered `500` and the poller waits for it: nothing is handled twice, and events are handled once it is back |
//!
//! Run several replicas behind one load balancer with the same `HOOK_PUBLIC_URL` and `HOOK_REDIS_URL`: they share
//! one event hook, Okta's deliveries and redeliveries may reach any of them, every replica's poller follows the
//! System Log, and exactly one acts on each event.
//!
//! `cargo run --example event_hook_receiver`; see the README for running it against a real org
//! (through a tunnel) or the mock org. The router is built by [`router`] from an [`App`], so the
//! end-to-end test (`tests/hooks_e2e.rs`) runs exactly this code in-process.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use futures::StreamExt;
use http::{HeaderName, Method, StatusCode};
use okta_management::Client;
use okta_management::events::{CheckpointStore, EventProcessor, FileCheckpoint};
use okta_management::hooks::{
    DedupStore, ErrorCause, EventDeduplicator, EventHookDelivery, EventHookReceiver, EventSummary, HookError,
    HookResponse, InlineHookError, InlineHookReceiver, InlineHookResponse, RegistrationInlineHookRequest,
};
use okta_management::secret::SecretString;
use okta_management::types::{LogEvent, UserStatus};

/// Event types that put the target user into the group.
const ADD_EVENTS: [&str; 2] = ["user.lifecycle.create", "user.lifecycle.activate"];
/// Every event type the receiver acts on (and subscribes its event hook to).
pub const EVENT_TYPES: [&str; 3] = ["user.lifecycle.create", "user.lifecycle.activate", "user.lifecycle.deactivate"];

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
    /// The URL Okta posts deliveries to (`HOOK_PUBLIC_URL`): the event hook to create or reuse on start.
    pub public_url: Option<url::Url>,
    /// Where a JSON line per handled event is appended (`HOOK_HANDLED_FILE`).
    pub handled_file: Option<std::path::PathBuf>,
    /// Where the System Log position is kept (`HOOK_CHECKPOINT_FILE`).
    pub checkpoint_file: Option<std::path::PathBuf>,
    /// The poller's wait between empty polls (`HOOK_POLL_SECONDS`, default 10 s).
    pub poll_interval: std::time::Duration,
    /// How long after an event's `published` time the poller leaves it to the hooks (`HOOK_GRACE_SECONDS`,
    /// default 10 s).
    pub hook_grace: std::time::Duration,
    /// How long an event's claim holds unless renewed (`HOOK_LEASE_SECONDS`, default 30 s).
    pub lease: std::time::Duration,
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
        let public_url = var("HOOK_PUBLIC_URL")
            .map(|u| url::Url::parse(u.trim()))
            .transpose()
            .map_err(|e| ConfigError::Invalid { name: "HOOK_PUBLIC_URL", reason: e.to_string() })?;
        let handled_file = var("HOOK_HANDLED_FILE").map(|p| p.trim().into());
        let checkpoint_file = var("HOOK_CHECKPOINT_FILE").map(|p| p.trim().into());
        let seconds = |name: &'static str, default: u64| -> Result<std::time::Duration, ConfigError> {
            match var(name) {
                None => Ok(std::time::Duration::from_secs(default)),
                Some(v) => std::time::Duration::try_from_secs_f64(
                    v.trim().parse::<f64>().map_err(|e| ConfigError::Invalid { name, reason: e.to_string() })?,
                )
                .map_err(|e| ConfigError::Invalid { name, reason: e.to_string() }),
            }
        };
        let poll_interval = seconds("HOOK_POLL_SECONDS", 10)?;
        let hook_grace = seconds("HOOK_GRACE_SECONDS", 10)?;
        let lease = seconds("HOOK_LEASE_SECONDS", 30)?;
        if lease.is_zero() {
            return Err(ConfigError::Invalid { name: "HOOK_LEASE_SECONDS", reason: "must be more than 0".to_owned() });
        }
        Ok(Self {
            listen_addr,
            auth_header,
            auth_secret,
            group_id,
            allowed_domains,
            redis_url,
            public_url,
            handled_file,
            checkpoint_file,
            poll_interval,
            hook_grace,
            lease,
        })
    }

    /// Where the System Log position is kept: `HOOK_CHECKPOINT_FILE`, else Redis (`HOOK_REDIS_URL`, under a key
    /// of the org's host), else nowhere.
    pub fn checkpoint_store(&self, org_host: &str) -> Result<Option<Arc<dyn CheckpointStore>>, ConfigError> {
        if let Some(path) = &self.checkpoint_file {
            return Ok(Some(Arc::new(FileCheckpoint::new(path))));
        }
        let Some(url) = &self.redis_url else { return Ok(None) };
        #[cfg(feature = "redis")]
        {
            let key = format!("okta:event-hook-receiver:checkpoint:{org_host}");
            let store = okta_management::events::RedisCheckpoint::new(url.expose_secret(), key)
                .map_err(|e| ConfigError::Invalid { name: "HOOK_REDIS_URL", reason: e.to_string() })?;
            Ok(Some(Arc::new(store)))
        }
        #[cfg(not(feature = "redis"))]
        {
            let _ = (url, org_host);
            Err(ConfigError::Invalid {
                name: "HOOK_REDIS_URL",
                reason: "this build has no Redis support: run with `--features redis`".to_owned(),
            })
        }
    }

    /// The de-duplication store: Redis when `HOOK_REDIS_URL` is set, else this process's memory.
    pub fn dedup_store(&self) -> Result<Arc<dyn DedupStore>, ConfigError> {
        let Some(url) = &self.redis_url else {
            // One process with a checkpoint file: the events it handled are remembered beside it, so that a restart
            // repeats none but one whose actions ran and whose completion was not written.
            if let Some(checkpoint) = &self.checkpoint_file {
                let mut path = checkpoint.clone().into_os_string();
                path.push(".claims");
                let claims = okta_management::events::FileClaims::open(path)
                    .map_err(|e| ConfigError::Invalid { name: "HOOK_CHECKPOINT_FILE", reason: e.to_string() })?;
                return Ok(Arc::new(claims));
            }
            return Ok(Arc::new(EventDeduplicator::default()));
        };
        #[cfg(feature = "redis")]
        {
            // Redis not answering fails the delivery (`500`) instead of handling its events unclaimed: the poller
            // waits for Redis and handles them then, once between the replicas.
            let store = okta_management::hooks::RedisDedupStore::new(url.expose_secret())
                .map_err(|e| ConfigError::Invalid { name: "HOOK_REDIS_URL", reason: e.to_string() })?
                .when_store_fails(okta_management::hooks::WhenStoreFails::FailDelivery);
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
    /// Events acted on (group membership ensured or checked), from deliveries or the System Log.
    pub events_applied: AtomicU64,
    /// Delivered events skipped because their `uuid` was already handled (or is being handled).
    pub duplicates_skipped: AtomicU64,
    /// Handler attempts that failed (a delivery's answered 500 so that Okta retries; the poller retries too).
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
    events: EventHookReceiver,
    inline: InlineHookReceiver,
    /// Every lifecycle event, from deliveries and the System Log, handled once.
    pub processor: EventProcessor,
    allowed_domains: Vec<String>,
    /// Counters of what was done.
    pub stats: Arc<Stats>,
}

/// What the event handler needs: the SDK, the group, where to record handled events, the counters.
struct Actions {
    client: Client,
    group_id: String,
    handled_file: Option<std::path::PathBuf>,
    stats: Arc<Stats>,
}

impl App {
    /// State for `config`, calling Okta through `client`.
    pub fn new(client: Client, config: &ReceiverConfig) -> Result<Arc<Self>, ConfigError> {
        let stats = Arc::new(Stats::default());
        let org_host = url::Url::parse(client.org_url()).ok().and_then(|u| u.host_str().map(str::to_owned));
        let actions = Arc::new(Actions {
            client: client.clone(),
            group_id: config.group_id.clone(),
            handled_file: config.handled_file.clone(),
            stats: stats.clone(),
        });
        let mut processor = EventProcessor::builder(client)
            .event_types(EVENT_TYPES)
            .claims(config.dedup_store()?)
            .poll_interval(config.poll_interval)
            .hook_grace(config.hook_grace)
            .lease(config.lease)
            .on_dead_letter(|letter| {
                tracing::error!(uuid = letter.uuid.as_deref(), error = %letter.error, "gave up on an event");
            })
            .handler(move |event: LogEvent| {
                let actions = actions.clone();
                async move { actions.handle(&event).await }
            });
        if let Some(store) = config.checkpoint_store(org_host.as_deref().unwrap_or("org"))? {
            processor = processor.checkpoint(store);
        }
        let processor =
            processor.build().map_err(|e| ConfigError::Invalid { name: "HOOK_GROUP_ID", reason: e.to_string() })?;
        Ok(Arc::new(Self {
            events: EventHookReceiver::new(config.auth_header.clone(), config.auth_secret.clone()),
            inline: InlineHookReceiver::new(config.auth_header.clone(), config.auth_secret.clone()),
            processor,
            allowed_domains: config.allowed_domains.clone(),
            stats,
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
        .and_then(|bytes| app.events.receive_as::<LogEvent>(&parts.headers, &bytes))
    {
        Ok(delivery) => delivery,
        Err(err) => return reject(&app, "events", &err),
    };
    Stats::inc(&app.stats.deliveries_accepted);
    let status = process_delivery(&app, &delivery).await;
    status.into_response()
}

/// Hands a delivery's events to the processor: `200` when all were handled (now or before), `500` when one's
/// handler failed, so that Okta's retry brings it back soon (the System Log poller would handle it anyway).
async fn process_delivery(app: &App, delivery: &EventHookDelivery<LogEvent>) -> StatusCode {
    let delivery_id = delivery.event_id.as_deref().unwrap_or("-");
    let events = delivery.data.as_ref().map_or(0, |d| d.events.len());
    tracing::info!(delivery_id, events, "event hook delivery");
    // On a task of its own: Okta gives up on a delivery after 3 seconds and the server then drops this future;
    // the events' handling goes on to the end (and is recorded) instead of being cut off half-way.
    let processor = app.processor.clone();
    let delivery = delivery.clone();
    let outcome = match tokio::spawn(async move { processor.on_delivery(&delivery).await }).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::error!("handling a delivery failed: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    };
    for _ in 0..outcome.duplicates {
        Stats::inc(&app.stats.duplicates_skipped);
    }
    if outcome.left_to_poller > 0 { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK }
}

impl Actions {
    /// The processor's handler: the event's actions, then its line in `HOOK_HANDLED_FILE`.
    async fn handle(&self, event: &LogEvent) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let summary = EventSummary::from_event(event)?;
        let event_type = summary.event_type.as_deref().unwrap_or("-");
        if !summary.succeeded() {
            tracing::info!(event_type, uuid = summary.uuid.as_deref(), "ignored (the event's outcome is not SUCCESS)");
            return Ok(());
        }
        if let Err(err) = apply_event(self, &summary).await {
            Stats::inc(&self.stats.events_failed);
            tracing::error!(event_type, uuid = summary.uuid.as_deref(), "failed: {err}");
            return Err(Box::new(err));
        }
        Stats::inc(&self.stats.events_applied);
        if let Some(path) = &self.handled_file {
            let line = serde_json::json!({
                "uuid": summary.uuid,
                "eventType": summary.event_type,
                "userId": summary.target_user_ids().next(),
                "handledAt": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            });
            append_line(path, &line.to_string())?;
        }
        Ok(())
    }
}

/// Appends `line` and a newline to `path` in one write (lines of concurrent handlers do not interleave).
fn append_line(path: &std::path::Path, line: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(format!("{line}\n").as_bytes())
}

/// Brings the group membership of the event's target users in line with the event.
///
/// Deliveries can arrive out of order (a late `activate` after a `deactivate`), so the user's
/// current status decides: a deactivated user is never added back, and a `deactivate` that
/// was overtaken by a reactivation does not remove the user.
async fn apply_event(app: &Actions, event: &EventSummary) -> Result<(), okta_management::Error> {
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
        public_url = config.public_url.as_ref().map(url::Url::as_str),
        "starting (auth secret configured)"
    );
    let listener = tokio::net::TcpListener::bind(config.listen_addr).await?;
    let app = App::new(client.clone(), &config)?;
    let bound = listener.local_addr()?;
    tracing::info!("serving http://{bound}/okta/events and /okta/registration; Ctrl-C to stop");
    // For whoever started it with port 0 (a load balancer's registration, a test).
    println!("listening on http://{bound}");
    let server = axum::serve(listener, router(app.clone())).with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    let mut server = tokio::spawn(async move { server.await });
    // Listening already: Okta's verification request (on creating the hook) can be answered.
    if let Some(url) = &config.public_url {
        let hook = ensure_event_hook(&client, url, &config).await?;
        tracing::info!(hook, url = url.as_str(), "event hook ready");
    }
    let processor = app.processor.clone();
    let mut poller = tokio::spawn(async move { processor.run_poller().await });
    tokio::select! {
        served = &mut server => served??,
        polled = &mut poller => {
            polled??;
        }
    }
    poller.abort();
    tracing::info!(stats = ?app.stats, processor = ?app.processor.stats(), "stopped");
    Ok(())
}

/// The org's event hook for `url`: an active, verified one subscribed to [`EVENT_TYPES`] is reused (so replicas
/// given the same `HOOK_PUBLIC_URL` share one); otherwise one is created, verified and activated. Returns its id.
pub async fn ensure_event_hook(
    client: &Client,
    url: &url::Url,
    config: &ReceiverConfig,
) -> Result<String, Box<dyn std::error::Error>> {
    let hooks = client.list_event_hooks().send().await?;
    for hook in hooks {
        let value = serde_json::to_value(&hook)?;
        let text = |pointer: &str| value.pointer(pointer).and_then(serde_json::Value::as_str);
        let same_url = text("/channel/config/uri") == Some(url.as_str());
        let items = value.pointer("/events/items").and_then(serde_json::Value::as_array);
        let subscribed =
            EVENT_TYPES.iter().all(|t| items.is_some_and(|items| items.iter().any(|i| i.as_str() == Some(t))));
        if same_url
            && subscribed
            && text("/status") == Some("ACTIVE")
            && text("/verificationStatus") == Some("VERIFIED")
        {
            return Ok(hook.id.unwrap_or_default());
        }
    }
    let body: okta_management::types::EventHook = serde_json::from_value(serde_json::json!({
        "name": "event_hook_receiver: user lifecycle",
        "events": {"type": "EVENT_TYPE", "items": EVENT_TYPES},
        "channel": {"type": "HTTP", "version": "1.0.0", "config": {
            "uri": url.as_str(),
            "authScheme": {
                "type": "HEADER",
                "key": config.auth_header.as_str(),
                "value": config.auth_secret.expose_secret(),
            },
        }},
    }))?;
    let created = client.create_event_hook().body(body).send().await?;
    let id = created.id.clone().ok_or("Okta answered the new event hook without an id")?;
    client.verify_event_hook().event_hook_id(id.as_str()).send().await?;
    client.activate_event_hook().event_hook_id(id.as_str()).send().await?;
    Ok(id)
}
