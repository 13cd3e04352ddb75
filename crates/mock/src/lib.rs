//! # okta-management-mock
//!
//! A stateful mock Okta org served over real HTTP, for tests (`okta_management::mock` with the feature `mock`, or
//! this crate alone as a dev-dependency).
//!
//! What it owns: Okta's wire format for the routes it serves (JSON bodies, `Link` and rate-limit headers, error
//! bodies, OAuth token endpoint, event hook delivery). What it must not do: depend on the SDK's other crates — any
//! client, ours or another language's official SDK, must be tested against it as against a real org, so it
//! shares no types with the client it tests.
//!
//! [`MockOrg::start`] binds `127.0.0.1:0` and serves Okta-shaped JSON for users, groups,
//! applications, event hooks, the System Log and the OAuth 2.0 token endpoint, with Okta's
//! paging `Link` headers, rate-limit headers, error bodies and lifecycle rules. Tests can seed
//! data, register OAuth clients, inject faults per route, enforce rate-limit buckets and a
//! concurrency limit ([`MockOrgBuilder::rate_limit`], [`MockOrgBuilder::concurrency_limit`]), and
//! inspect counters, the request log and event hook deliveries. The server stops when the handle
//! is dropped.
//!
//! Event hooks behave as Okta's: an event hook's `events.filter` (Okta Expression Language conditions per event
//! type, e.g. `event.target.?[type eq 'UserGroup' && displayName eq 'Sales'].size() > 0`) is checked when the hook
//! is saved and keeps from its receiver the events it is not true for; each delivery has a 3-second timeout and one
//! retry; every delivered event is in the System Log with the `uuid` its delivery carries. A test can also drop a
//! share of the deliveries and delay them ([`MockOrg::set_hook_delivery_faults`]).
//!
//! The org's clock (its `Date` and `X-Rate-Limit-Reset` headers, its windows) follows tokio's: in a
//! test on `#[tokio::test(start_paused = true)]` a minute-long window passes in no real time.
//!
//! ```no_run
//! # async fn demo() -> Result<(), okta_management_mock::MockError> {
//! use okta_management_mock::{Fault, MockOrg};
//! let org = MockOrg::builder().seed_users(500).start().await?;
//! org.inject("GET /api/v1/users", Fault::RateLimitEvery(3))?;
//! let url = org.base_url(); // http://127.0.0.1:PORT/
//! let token = org.token(); // for `Authorization: SSWS <token>`
//! # let _ = (url, token); Ok(()) }
//! ```

// The modules, in layers from the bottom up: each uses only modules of the layers before its own.
// Helpers that use no other module,
mod faults;
mod hook_faults;
mod hook_filter;
mod query;
mod spec;
mod support;
// the counters, rate limits, Okta-shaped answers, what list parameters mean and Okta's rules beyond its spec,
mod counters;
mod limits;
mod list_params;
mod okta_rules;
mod respond;
// the org's data,
mod credentials;
mod state;
// hook calls, paging and request validation, the org's links and lifecycle steps on the objects it serves,
mod hook_delivery;
mod iam;
mod lifecycle;
mod links;
mod paging;
mod validate;
// the handlers of the routes,
mod app_assignments;
mod apps;
mod authn;
mod event_hooks;
mod generic;
mod group_rules;
mod groups;
mod iam_resource_sets;
mod iam_roles;
mod inline_hooks;
mod logs;
mod oauth;
mod role_assignments;
mod sessions;
mod standing_objects;
mod users;
// and the server that routes to them.
mod server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use serde_json::{Map, Value};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use url::Url;

pub use counters::Counters;
pub use faults::Fault;
pub use hook_delivery::{DELIVERABLE_EVENTS, HookDelivery};
pub use hook_faults::HookDeliveryFaults;
pub use limits::ConcurrencyHeaders;
pub use state::{ListEndpoint, RequestRecord};

/// `info.version` of the spec the mock serves every operation of (the default, or `OKTA_SPEC_PATH` when built).
pub const SPEC_VERSION: &str = env!("OKTA_MOCK_SPEC_VERSION");

/// The spec the org serves every operation of, as JSON (Okta's document without its prose): for tests that walk its
/// operations against the org.
#[doc(hidden)]
pub fn spec_json() -> &'static str {
    spec::SPEC_JSON
}

use hook_delivery::HookCalls;
use server::Shared;
use state::{OrgState, PageLimits, Settings, UserRec};
use support::{lock, random_alnum, ts};

/// Errors of the mock's own API (not HTTP answers, which are Okta-shaped responses).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The listener could not be bound.
    #[error("cannot bind the mock org listener: {0}")]
    Bind(#[source] std::io::Error),
    /// An argument was rejected (bad route pattern, bad JSON shape, validation failure...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Something referenced does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// Waiting for hook deliveries timed out.
    #[error("timed out waiting for {wanted} hook deliveries ({got} completed)")]
    Timeout {
        /// Deliveries waited for.
        wanted: usize,
        /// Deliveries completed when the wait ended.
        got: usize,
    },
}

/// Options for a [`MockOrg`].
#[derive(Debug, Clone)]
pub struct MockOrgBuilder {
    port: u16,
    users: usize,
    settings: Settings,
    request_log_capacity: usize,
}

impl Default for MockOrgBuilder {
    fn default() -> Self {
        Self { port: 0, users: 0, settings: Settings::default(), request_log_capacity: 10_000 }
    }
}

impl MockOrgBuilder {
    /// Port to bind on 127.0.0.1 (default 0: a free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
    /// Number of ACTIVE users to seed (`user{i}@example.com`), default 0.
    pub fn seed_users(mut self, n: usize) -> Self {
        self.users = n;
        self
    }
    /// Default and maximum `limit` of a list endpoint (`max` is raised to at least 1).
    pub fn page_limits(mut self, endpoint: ListEndpoint, default: usize, max: usize) -> Self {
        let max = max.max(1);
        self.settings.limits.insert(endpoint, PageLimits { default: default.clamp(1, max), max });
        self
    }
    /// Delay announced by `X-Rate-Limit-Reset` on 429s (default 1 s; rounded up to whole
    /// seconds, zero means "the current second").
    pub fn rate_limit_reset_delay(mut self, d: Duration) -> Self {
        self.settings.reset_delay = d;
        self
    }
    /// Value of `X-Rate-Limit-Limit` (default 600 per route per minute; informational).
    pub fn rate_limit_limit(mut self, n: u64) -> Self {
        self.settings.rate_limit_limit = n;
        self
    }
    /// Enforces a rate-limit bucket: at most `limit` requests per `window` (whole seconds, at least 1; windows
    /// start at multiples of it since the epoch, like Okta's minutes) on the routes `route` matches (a pattern
    /// as for [`MockOrg::inject`]). Past the limit a request gets `429 E0000047` with `X-Rate-Limit-Remaining: 0`
    /// and the window's end as `X-Rate-Limit-Reset`, and is not processed. Routes under no bucket report
    /// [`Self::rate_limit_limit`] per minute without enforcing it. Fails on a bad pattern.
    pub fn rate_limit(mut self, route: &str, limit: u64, window: Duration) -> Result<Self, MockError> {
        self.settings.buckets.push(bucket_rule(route, limit, window)?);
        Ok(self)
    }
    /// The org's limit of requests in flight (Okta's default is 75): a request that arrives while that many are
    /// being processed gets `429 E0000047` whose `X-Rate-Limit-*` headers report the concurrent values (limit
    /// `limit`, remaining 0, an estimated reset), as Okta documents. Default: none.
    pub fn concurrency_limit(mut self, limit: usize) -> Self {
        self.settings.concurrency_limit = Some(limit);
        self
    }
    /// How a concurrency `429` reports itself (default [`ConcurrencyHeaders::Documented`]; `LimitZero` for the
    /// older `X-Rate-Limit-Limit: 0`).
    pub fn concurrency_headers(mut self, form: ConcurrencyHeaders) -> Self {
        self.settings.concurrency_headers = form;
        self
    }
    /// How many requests the request log keeps (default 10 000; oldest dropped first).
    pub fn request_log_capacity(mut self, n: usize) -> Self {
        self.request_log_capacity = n;
        self
    }

    /// Binds, seeds and starts serving.
    pub async fn start(self) -> Result<MockOrg, MockError> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await.map_err(MockError::Bind)?;
        let addr = listener.local_addr().map_err(MockError::Bind)?;
        let base_url = Url::parse(&format!("http://127.0.0.1:{}", addr.port()))
            .map_err(|e| MockError::InvalidInput(e.to_string()))?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let (hook_events, recorded_events) = mpsc::unbounded_channel();
        let org = Arc::new(OrgState::new(
            base_url,
            self.settings,
            self.request_log_capacity,
            hook_events,
            shutdown_rx.clone(),
        ));
        // What every org has before anyone calls it (the default authorization server, the API token's metadata…).
        org.with_store(standing_objects::seed);
        let shared = Shared {
            org: org.clone(),
            oauth: Arc::new(Mutex::new(oauth::OAuthState::default())),
            hook_calls: Arc::new(HookCalls::default()),
        };
        hook_delivery::start_delivery_task(org, shared.hook_calls.clone(), recorded_events);
        let mut mock = MockOrg { shared: shared.clone(), shutdown_tx, server: None };
        mock.seed_users(self.users);
        let app = server::router(shared).into_make_service_with_connect_info::<server::ConnMeta>();
        let mut graceful = shutdown_rx.clone();
        let mut hard = shutdown_rx;
        let serve = axum::serve(server::KillableListener(listener), app).with_graceful_shutdown(async move {
            let _ = graceful.wait_for(|s| *s).await;
        });
        let handle = tokio::spawn(async move {
            tokio::select! {
                _ = serve => {}
                // Connections still busy a second after shutdown are abandoned.
                () = async move {
                    let _ = hard.wait_for(|s| *s).await;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                } => {}
            }
        });
        mock.server = Some(handle);
        // The spec every other operation is served from is parsed once per process, in the background, after the
        // org is up (about 40 ms of one core in a release build).
        tokio::task::spawn_blocking(|| drop(spec::Api::get()));
        Ok(mock)
    }
}

fn bucket_rule(route: &str, limit: u64, window: Duration) -> Result<limits::BucketRule, MockError> {
    let pattern = faults::RoutePattern::new(route)
        .ok_or_else(|| MockError::InvalidInput(format!("bad route pattern '{route}' (want \"METHOD /path\")")))?;
    let window_secs = window.as_secs() + u64::from(window.subsec_nanos() > 0);
    Ok(limits::BucketRule { route: pattern, limit, window_secs: window_secs.max(1) })
}

/// A running mock Okta org. Dropping it shuts the server and its background tasks down.
pub struct MockOrg {
    shared: Shared,
    shutdown_tx: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for MockOrg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a secret and is left out.
        f.debug_struct("MockOrg").field("base_url", &self.shared.org.base_url.as_str()).finish_non_exhaustive()
    }
}

impl Drop for MockOrg {
    fn drop(&mut self) {
        self.shutdown_tx.send_replace(true);
    }
}

impl MockOrg {
    /// Starts an org with default options.
    pub async fn start() -> Result<MockOrg, MockError> {
        MockOrgBuilder::default().start().await
    }

    /// Options for a new org.
    pub fn builder() -> MockOrgBuilder {
        MockOrgBuilder::default()
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> Url {
        self.shared.org.base_url.clone()
    }

    /// The org's API token, for `Authorization: SSWS <token>` (grants every scope).
    pub fn token(&self) -> &str {
        &self.shared.org.token
    }

    /// Stops serving and waits (at most about a second) for in-flight requests.
    pub async fn shutdown(mut self) {
        self.shutdown_tx.send_replace(true);
        if let Some(h) = self.server.take() {
            let _ = h.await;
        }
    }

    // ----- OAuth -----

    /// Registers an OAuth service app that authenticates with `private_key_jwt` using the keys
    /// of `public_jwks` (`{"keys": [...]}`, RSA `n`/`e` or EC P-256 `x`/`y`) and may be
    /// granted `scopes`. Registering the same id again replaces it.
    pub fn register_oauth_client(&self, client_id: &str, public_jwks: Value, scopes: &[&str]) -> Result<(), MockError> {
        let keys = match public_jwks.get("keys") {
            Some(Value::Array(k)) if !k.is_empty() => k.clone(),
            _ => {
                return Err(MockError::InvalidInput(
                    "public_jwks must be {\"keys\": [..]} with at least one key".into(),
                ));
            }
        };
        if keys.iter().any(|k| k.get("d").is_some()) {
            return Err(MockError::InvalidInput("public_jwks must not contain private keys".into()));
        }
        let rec = oauth::ClientRec { keys, scopes: scopes.iter().map(|s| (*s).to_string()).collect() };
        lock(&self.shared.oauth).clients.insert(client_id.to_string(), rec);
        Ok(())
    }

    /// Requires DPoP: token requests must carry a DPoP proof with the current nonce (else 400
    /// `use_dpop_nonce` + `DPoP-Nonce`), and DPoP-bound resource calls must carry it too (else
    /// 401 `WWW-Authenticate: DPoP error="use_dpop_nonce"` + `DPoP-Nonce`).
    pub fn require_dpop(&self, on: bool) {
        lock(&self.shared.oauth).require_dpop = on;
    }

    /// The current DPoP nonce.
    pub fn dpop_nonce(&self) -> String {
        lock(&self.shared.oauth).nonce.clone()
    }

    /// Replaces the DPoP nonce (the old one stops being accepted) and returns the new one.
    pub fn rotate_dpop_nonce(&self) -> String {
        let n = random_alnum(32);
        lock(&self.shared.oauth).nonce = n.clone();
        n
    }

    /// Lifetime of access tokens issued from now on (default 1 h).
    pub fn set_access_token_lifetime(&self, d: Duration) {
        lock(&self.shared.oauth).lifetime = d;
    }

    /// Expires every access token issued so far (next use gets 401 E0000011).
    pub fn expire_access_tokens(&self) {
        oauth::expire_all(&self.shared.oauth);
    }

    // ----- seeding -----

    /// Adds `n` ACTIVE users (`user{k}@example.com`, with a password), without log events
    /// or hook deliveries; returns their ids in creation (= listing) order.
    pub fn seed_users(&self, n: usize) -> Vec<String> {
        let now = ts(Utc::now());
        let mut store = lock(&self.shared.org.store);
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            let id = store.new_id("00u");
            let k = store.seq;
            let mut profile = Map::new();
            profile.insert("login".into(), Value::String(format!("user{k}@example.com")));
            profile.insert("email".into(), Value::String(format!("user{k}@example.com")));
            profile.insert("firstName".into(), Value::String("User".into()));
            profile.insert("lastName".into(), Value::String(format!("Number{k}")));
            store.insert_user(UserRec {
                id: id.clone(),
                status: "ACTIVE".into(),
                created: now.clone(),
                activated: Some(now.clone()),
                status_changed: Some(now.clone()),
                last_updated: now.clone(),
                password_changed: Some(now.clone()),
                profile,
                has_password: true,
                type_id: "otymock000000000000".into(),
                extra: Map::new(),
            });
            ids.push(id);
        }
        ids
    }

    /// Stores a user from raw User JSON: `profile.login` is required; `id` (generated if
    /// absent), `status` (default ACTIVE) and timestamps are taken when present; other
    /// top-level fields are returned unchanged by the API. No events. Returns the id.
    pub fn create_user_raw(&self, user: Value) -> Result<String, MockError> {
        let Value::Object(mut m) = user else {
            return Err(MockError::InvalidInput("user must be a JSON object".into()));
        };
        let profile = match m.remove("profile") {
            Some(Value::Object(p)) if p.get("login").is_some_and(Value::is_string) => p,
            _ => return Err(MockError::InvalidInput("profile.login is required".into())),
        };
        let now = ts(Utc::now());
        let mut take = |k: &str| m.remove(k).and_then(|v| v.as_str().map(str::to_string));
        let given_id = take("id");
        let status = take("status").unwrap_or_else(|| "ACTIVE".into());
        let created = take("created").unwrap_or_else(|| now.clone());
        let last_updated = take("lastUpdated").unwrap_or_else(|| now.clone());
        let activated = take("activated");
        let status_changed = take("statusChanged");
        let password_changed = take("passwordChanged");
        for k in ["_links", "credentials", "type", "lastLogin"] {
            m.remove(k);
        }
        let mut store = lock(&self.shared.org.store);
        let id = match given_id {
            Some(i) => i,
            None => store.new_id("00u"),
        };
        let login = profile.get("login").and_then(Value::as_str).unwrap_or_default().to_lowercase();
        if store.users.contains_key(&id) || store.logins.contains_key(&login) {
            return Err(MockError::InvalidInput(format!("user {id} or login {login} already exists")));
        }
        store.insert_user(UserRec {
            id: id.clone(),
            status,
            created,
            activated,
            status_changed,
            last_updated,
            password_changed,
            profile,
            has_password: false,
            type_id: "otymock000000000000".into(),
            extra: m,
        });
        Ok(id)
    }

    /// Creates a group named `name` (with its log event) and returns its id.
    pub fn seed_group(&self, name: &str) -> Result<String, MockError> {
        let mut profile = Map::new();
        profile.insert("name".into(), Value::String(name.to_string()));
        self.shared
            .org
            .with_store(|store| groups::create_locked(store, profile))
            .map(|g| g.id)
            .map_err(|e| MockError::InvalidInput(e.causes.join("; ")))
    }

    /// Adds a user (id or login) to a group, with its log event and hook deliveries.
    pub fn add_group_member(&self, group_id: &str, user: &str) -> Result<(), MockError> {
        self.shared.org.with_store(|store| {
            if !store.groups.contains_key(group_id) {
                return Err(MockError::NotFound(group_id.to_string()));
            }
            let user_id = store.resolve_user(user).ok_or_else(|| MockError::NotFound(user.to_string()))?;
            store.add_member(group_id, &user_id);
            Ok(())
        })
    }

    /// Creates an app from raw Application JSON (`signOnMode` and `label` required; any other
    /// field, and any sign-on mode, is kept), ACTIVE; returns its id.
    pub fn seed_app(&self, app: Value) -> Result<String, MockError> {
        let Value::Object(m) = app else {
            return Err(MockError::InvalidInput("app must be a JSON object".into()));
        };
        let v = self
            .shared
            .org
            .with_store(|store| apps::create_locked(store, m, true))
            .map_err(|e| MockError::InvalidInput(e.causes.join("; ")))?;
        Ok(v.get("id").and_then(Value::as_str).unwrap_or_default().to_string())
    }

    // ----- inspection -----

    /// A user's current JSON, by id or login.
    pub fn user(&self, id_or_login: &str) -> Option<Value> {
        let store = lock(&self.shared.org.store);
        store.resolve_user(id_or_login).and_then(|id| store.users.get(&id)).map(|u| u.to_json(&self.shared.org.base))
    }

    /// Number of users stored (any status).
    pub fn user_count(&self) -> usize {
        lock(&self.shared.org.store).users.len()
    }

    /// Ids of a group's members.
    pub fn group_members(&self, group_id: &str) -> Vec<String> {
        lock(&self.shared.org.store).members.get(group_id).map(|m| m.iter().cloned().collect()).unwrap_or_default()
    }

    /// Every System Log event so far, oldest first.
    pub fn log_events(&self) -> Vec<Value> {
        lock(&self.shared.org.store).logs.iter().map(|e| e.event.clone()).collect()
    }

    /// A snapshot of the counters.
    pub fn counters(&self) -> Counters {
        self.shared.org.counters.snapshot()
    }

    /// Requests served for one route key: method, a space, and the router pattern, e.g.
    /// `"GET /api/v1/users"`, `"POST /api/v1/users/{userId}/lifecycle/{operation}"`,
    /// `"PUT /api/v1/groups/{groupId}/users/{userId}"`, `"POST /oauth2/v1/token"`.
    pub fn route_count(&self, route: &str) -> u64 {
        self.shared.org.counters.route(route)
    }

    /// The request log, oldest first (bounded, see [`MockOrgBuilder::request_log_capacity`]).
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.org.request_log).entries.iter().cloned().collect()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        lock(&self.shared.org.request_log).entries.clear();
    }

    // ----- faults -----

    /// Injects a fault on a route: `"METHOD /path"`, where `{name}` segments match any one
    /// segment, a final `/*` matches any rest, and method `*` matches any method (e.g.
    /// `"GET /api/v1/users"`, `"POST /api/v1/users/{id}/lifecycle/{op}"`, `"* /api/v1/*"`).
    /// Uses: see [`Fault`].
    pub fn inject(&self, route: &str, fault: Fault) -> Result<(), MockError> {
        self.push_fault(route, fault, None)
    }

    /// Injects a fault that applies to the next `times` matching requests (for
    /// [`Fault::RateLimitEvery`], `times` counts the 429s served).
    pub fn inject_times(&self, route: &str, fault: Fault, times: u32) -> Result<(), MockError> {
        self.push_fault(route, fault, Some(times))
    }

    fn push_fault(&self, route: &str, fault: Fault, times: Option<u32>) -> Result<(), MockError> {
        let e = faults::FaultEntry::new(route, fault, times)
            .ok_or_else(|| MockError::InvalidInput(format!("bad route pattern '{route}' (want \"METHOD /path\")")))?;
        lock(&self.shared.org.faults).push(e);
        Ok(())
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.org.faults).clear();
    }

    /// Changes the delay announced by `X-Rate-Limit-Reset` on 429s.
    pub fn set_rate_limit_reset_delay(&self, d: Duration) {
        lock(&self.shared.org.settings).reset_delay = d;
    }

    /// Adds an enforced rate-limit bucket while the org runs (see [`MockOrgBuilder::rate_limit`]).
    pub fn set_rate_limit(&self, route: &str, limit: u64, window: Duration) -> Result<(), MockError> {
        let rule = bucket_rule(route, limit, window)?;
        lock(&self.shared.org.settings).buckets.push(rule);
        Ok(())
    }

    /// Sets or removes the org's limit of requests in flight (see [`MockOrgBuilder::concurrency_limit`]).
    pub fn set_concurrency_limit(&self, limit: Option<usize>) {
        lock(&self.shared.org.settings).concurrency_limit = limit;
    }

    /// The org's clock, in seconds since the Unix epoch: the one its `Date` and `X-Rate-Limit-Reset` headers
    /// use. It follows tokio's clock, so under `tokio::time::pause` it advances only as the test's time does.
    pub fn now(&self) -> Duration {
        self.shared.org.clock.now()
    }

    /// Changes the default and maximum `limit` of a list endpoint.
    pub fn set_page_limits(&self, endpoint: ListEndpoint, default: usize, max: usize) {
        let max = max.max(1);
        lock(&self.shared.org.settings).limits.insert(endpoint, PageLimits { default: default.clamp(1, max), max });
    }

    // ----- event hooks -----

    /// Completed hook deliveries so far (each after its retry, if any), and those dropped by injected faults, in
    /// completion order.
    pub fn hook_deliveries(&self) -> Vec<HookDelivery> {
        self.shared.hook_calls.deliveries()
    }

    /// Waits until at least `n` deliveries have completed (delivered, failed or dropped) and returns
    /// them all, or fails with [`MockError::Timeout`].
    pub async fn wait_for_deliveries(&self, n: usize, timeout: Duration) -> Result<Vec<HookDelivery>, MockError> {
        let mut completed = self.shared.hook_calls.watch_completed();
        let waited = tokio::time::timeout(timeout, completed.wait_for(|c| *c >= n)).await;
        match waited {
            Ok(Ok(_)) => Ok(self.hook_deliveries()),
            _ => Err(MockError::Timeout { wanted: n, got: self.shared.hook_calls.completed() }),
        }
    }

    /// Sends a delivery again with the same envelope (same `eventId`), as Okta may do, waits
    /// for the outcome and records it (with `redelivery: true`). A dropped delivery can be sent so too; the
    /// faults of [`Self::set_hook_delivery_faults`] do not apply to a redelivery.
    pub async fn redeliver(&self, event_id: &str) -> Result<HookDelivery, MockError> {
        let calls = &self.shared.hook_calls;
        let job = calls.sent(event_id).ok_or_else(|| MockError::NotFound(format!("delivery {event_id}")))?;
        let d = calls.deliver(&self.shared.org, job, true).await;
        calls.record(&self.shared.org, d.clone());
        Ok(d)
    }

    /// Puts faults on the event hook deliveries planned from now on: a share of them dropped (never sent, recorded
    /// with [`HookDelivery::dropped`] and counted in [`Counters::hook_deliveries_dropped`]), and a delay before
    /// each one sent. Deliveries are planned in the order their events were recorded, so with a seed the same
    /// events drop the same deliveries on every run; setting faults again starts the draws again from the seed.
    /// [`HookDeliveryFaults::default()`] turns every fault off.
    pub fn set_hook_delivery_faults(&self, faults: HookDeliveryFaults) {
        self.shared.hook_calls.set_faults(faults);
    }

    /// The event hook delivery faults in force (see [`Self::set_hook_delivery_faults`]).
    pub fn hook_delivery_faults(&self) -> HookDeliveryFaults {
        self.shared.hook_calls.faults()
    }
}
