//! Shared in-memory state of a mock org: directory data, counters, the request log and settings.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use url::Url;

use super::event_hooks::{DeliveryJob, HookDelivery};
use super::faults::FaultEntry;
use super::oauth::OAuthState;
use super::{ListEndpoint, RequestRecord};

/// Locks a mutex, recovering the data if another thread panicked while holding it: the mock's
/// state stays usable and no panic spreads into the test using it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Okta's timestamp format (millisecond precision, `Z`).
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A random alphanumeric string of `n` characters: ten base-62 digits from each random `u64` (one generator call
/// per ten characters, which keeps seeding 100,000 users quick).
pub(crate) fn random_alnum(n: usize) -> String {
    const CHARS: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut out = String::with_capacity(n);
    let mut bits: u64 = 0;
    for i in 0..n {
        if i % 10 == 0 {
            bits = rand::random();
        }
        let digit = (bits % 62) as usize;
        bits /= 62;
        out.push(CHARS.get(digit).copied().map_or('x', char::from));
    }
    out
}

/// A random UUID-shaped (v4) string, used for log event `uuid` and hook `eventId`.
pub(crate) fn uuid() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        h.get(0..8).unwrap_or_default(),
        h.get(8..12).unwrap_or_default(),
        h.get(12..16).unwrap_or_default(),
        h.get(16..20).unwrap_or_default(),
        h.get(20..32).unwrap_or_default()
    )
}

/// Page size defaults and maxima of one list endpoint.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageLimits {
    pub default: usize,
    pub max: usize,
}

/// Settings that tests can change while the org runs.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub limits: HashMap<ListEndpoint, PageLimits>,
    pub reset_delay: Duration,
    pub rate_limit_limit: u64,
    /// Enforced buckets, first match wins.
    pub buckets: Vec<crate::limits::BucketRule>,
    /// The org's limit of requests in flight (`None`: none).
    pub concurrency_limit: Option<usize>,
}

impl Settings {
    pub fn limits(&self, e: ListEndpoint) -> PageLimits {
        self.limits.get(&e).copied().unwrap_or(PageLimits { default: 200, max: 200 })
    }
}

impl Default for Settings {
    fn default() -> Self {
        // Okta's documented defaults and maxima (users 200/200, groups 10000/10000,
        // group members 1000/1000, logs 100/1000); apps default to 20 here, max 200.
        let limits = HashMap::from([
            (ListEndpoint::Users, PageLimits { default: 200, max: 200 }),
            (ListEndpoint::Groups, PageLimits { default: 10_000, max: 10_000 }),
            (ListEndpoint::GroupMembers, PageLimits { default: 1000, max: 1000 }),
            (ListEndpoint::Apps, PageLimits { default: 20, max: 200 }),
            (ListEndpoint::Logs, PageLimits { default: 100, max: 1000 }),
        ]);
        Self {
            limits,
            reset_delay: Duration::from_secs(1),
            rate_limit_limit: 600,
            buckets: Vec::new(),
            concurrency_limit: None,
        }
    }
}

/// A stored user. Kept as a struct (not JSON) so 100k users stay cheap to hold and scan.
#[derive(Debug, Clone)]
pub(crate) struct UserRec {
    pub id: String,
    pub status: String,
    pub created: String,
    pub activated: Option<String>,
    pub status_changed: Option<String>,
    pub last_updated: String,
    pub password_changed: Option<String>,
    pub profile: Map<String, Value>,
    pub has_password: bool,
    pub type_id: String,
    /// Unknown top-level fields given to `create_user_raw`, returned as they came.
    pub extra: Map<String, Value>,
}

impl UserRec {
    pub fn login(&self) -> &str {
        self.profile.get("login").and_then(Value::as_str).unwrap_or_default()
    }

    /// Looks up a field for filter/search expressions without building the whole JSON.
    pub fn field(&self, path: &str) -> Vec<Value> {
        let one = |s: &Option<String>| s.clone().map(Value::String).into_iter().collect();
        match path {
            "id" => vec![Value::String(self.id.clone())],
            "status" => vec![Value::String(self.status.clone())],
            "created" => vec![Value::String(self.created.clone())],
            "lastUpdated" => vec![Value::String(self.last_updated.clone())],
            "activated" => one(&self.activated),
            "statusChanged" => one(&self.status_changed),
            "passwordChanged" => one(&self.password_changed),
            "type.id" => vec![Value::String(self.type_id.clone())],
            p => match p.strip_prefix("profile.") {
                Some(k) => self.profile.get(k).cloned().into_iter().collect(),
                None => self.extra.get(p).cloned().into_iter().collect(),
            },
        }
    }

    /// Okta's User JSON.
    pub fn to_json(&self, base: &str) -> Value {
        let href = format!("{base}/api/v1/users/{}", self.id);
        let mut credentials = Map::new();
        credentials.insert("provider".into(), json!({"type": "OKTA", "name": "OKTA"}));
        if self.has_password {
            credentials.insert("password".into(), json!({}));
        }
        let mut links = Map::new();
        links.insert("self".into(), json!({ "href": href }));
        let op = |name: &str| json!({"href": format!("{href}/lifecycle/{name}"), "method": "POST"});
        match self.status.as_str() {
            "STAGED" | "DEPROVISIONED" | "PROVISIONED" => {
                links.insert("activate".into(), op("activate"));
            }
            "ACTIVE" => {
                links.insert("suspend".into(), op("suspend"));
            }
            "SUSPENDED" => {
                links.insert("unsuspend".into(), op("unsuspend"));
            }
            _ => {}
        }
        if self.status != "DEPROVISIONED" {
            links.insert("deactivate".into(), op("deactivate"));
        }
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("status".into(), json!(self.status));
        m.insert("created".into(), json!(self.created));
        m.insert("activated".into(), json!(self.activated));
        m.insert("statusChanged".into(), json!(self.status_changed));
        m.insert("lastLogin".into(), Value::Null);
        m.insert("lastUpdated".into(), json!(self.last_updated));
        m.insert("passwordChanged".into(), json!(self.password_changed));
        m.insert("type".into(), json!({ "id": self.type_id }));
        m.insert("profile".into(), Value::Object(self.profile.clone()));
        m.insert("credentials".into(), Value::Object(credentials));
        for (k, v) in &self.extra {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        m.insert("_links".into(), Value::Object(links));
        Value::Object(m)
    }
}

/// A stored group.
#[derive(Debug, Clone)]
pub(crate) struct GroupRec {
    pub id: String,
    pub created: String,
    pub last_updated: String,
    pub last_membership_updated: String,
    pub profile: Map<String, Value>,
}

impl GroupRec {
    pub fn to_json(&self, base: &str) -> Value {
        let href = format!("{base}/api/v1/groups/{}", self.id);
        json!({
            "id": self.id,
            "created": self.created,
            "lastUpdated": self.last_updated,
            "lastMembershipUpdated": self.last_membership_updated,
            "objectClass": ["okta:user_group"],
            "type": "OKTA_GROUP",
            "profile": self.profile,
            "_links": {
                "self": {"href": href},
                "users": {"href": format!("{href}/users")},
                "apps": {"href": format!("{href}/apps")},
                "logo": [],
            }
        })
    }
}

/// One System Log entry.
#[derive(Debug, Clone)]
pub(crate) struct LogEntry {
    pub published: DateTime<Utc>,
    pub event: Value,
}

/// Directory data guarded by one lock.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub users: BTreeMap<String, UserRec>,
    pub logins: HashMap<String, String>,
    pub groups: BTreeMap<String, GroupRec>,
    pub members: HashMap<String, BTreeSet<String>>,
    pub apps: BTreeMap<String, Value>,
    pub hooks: BTreeMap<String, Value>,
    /// The objects of the operations served from the spec (`generic.rs`).
    pub generic: crate::generic::GenericStore,
    pub logs: Vec<LogEntry>,
    pub seq: u64,
    /// Hook deliveries produced by events while the lock was held; spawned after release.
    pub outbox: Vec<DeliveryJob>,
    pub base: String,
}

/// Actor of the events the mock writes: the API caller.
fn actor() -> Value {
    json!({
        "id": "00umockadmin0000000",
        "type": "User",
        "alternateId": "admin@mock.okta.invalid",
        "displayName": "Mock Admin",
        "detailEntry": null
    })
}

impl Store {
    /// A new Okta-looking id (`prefix` + 17 chars) that sorts after every earlier one, so
    /// ordered maps keyed by id list objects in creation order and the last id is the cursor.
    pub fn new_id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        let mut n = self.seq;
        let mut digits = [b'0'; 10];
        for d in digits.iter_mut().rev() {
            let r = (n % 36) as u8;
            *d = if r < 10 { b'0' + r } else { b'a' + r - 10 };
            n /= 36;
        }
        let seq: String = digits.iter().map(|b| char::from(*b)).collect();
        format!("{prefix}{seq}{}", random_alnum(7))
    }

    /// Inserts a user record, keeping the login index in step.
    pub fn insert_user(&mut self, u: UserRec) {
        self.logins.insert(u.login().to_lowercase(), u.id.clone());
        self.users.insert(u.id.clone(), u);
    }

    /// Finds a user id by id or (case-insensitive) login.
    pub fn resolve_user(&self, id_or_login: &str) -> Option<String> {
        if self.users.contains_key(id_or_login) {
            return Some(id_or_login.to_string());
        }
        self.logins.get(&id_or_login.to_lowercase()).cloned()
    }

    /// Appends a LogEvent and queues deliveries to the subscribed, active, verified hooks.
    pub fn emit(&mut self, event_type: &str, display: &str, targets: Vec<Value>) -> Value {
        let now = Utc::now();
        let event = json!({
            "uuid": uuid(),
            "published": ts(now),
            "eventType": event_type,
            "version": "0",
            "displayMessage": display,
            "severity": "INFO",
            "legacyEventType": null,
            "actor": actor(),
            "client": {"ipAddress": "127.0.0.1", "userAgent": {"rawUserAgent": "mock"}},
            "outcome": {"result": "SUCCESS", "reason": null},
            "target": targets,
            "transaction": {"type": "WEB", "id": random_alnum(20), "detail": {}},
            "debugContext": {"debugData": {}},
            "authenticationContext": {"authenticationStep": 0, "externalSessionId": random_alnum(20)},
            "securityContext": {},
            "request": {"ipChain": []},
        });
        self.logs.push(LogEntry { published: now, event: event.clone() });
        let jobs = super::event_hooks::jobs_for_event(&self.hooks, &self.base, &event);
        self.outbox.extend(jobs);
        event
    }
}

/// A target entry for a user.
pub(crate) fn user_target(u: &UserRec) -> Value {
    let first = u.profile.get("firstName").and_then(Value::as_str).unwrap_or_default();
    let last = u.profile.get("lastName").and_then(Value::as_str).unwrap_or_default();
    json!({
        "id": u.id,
        "type": "User",
        "alternateId": u.login(),
        "displayName": format!("{first} {last}").trim(),
        "detailEntry": null
    })
}

/// A target entry for a group.
pub(crate) fn group_target(g: &GroupRec) -> Value {
    json!({
        "id": g.id,
        "type": "UserGroup",
        "alternateId": "unknown",
        "displayName": g.profile.get("name").cloned().unwrap_or(Value::Null),
        "detailEntry": null
    })
}

/// Monotonic counters, readable at any time.
#[derive(Debug, Default)]
pub(crate) struct CounterSet {
    pub requests_total: AtomicU64,
    pub rate_limited: AtomicU64,
    pub concurrency_limited: AtomicU64,
    pub server_errors_injected: AtomicU64,
    pub connections_dropped: AtomicU64,
    pub token_requests: AtomicU64,
    pub tokens_issued: AtomicU64,
    pub users_created: AtomicU64,
    pub users_deleted: AtomicU64,
    pub groups_created: AtomicU64,
    pub memberships_added: AtomicU64,
    pub apps_created: AtomicU64,
    pub hook_verifications: AtomicU64,
    pub hook_attempts: AtomicU64,
    pub hook_deliveries_ok: AtomicU64,
    pub hook_deliveries_failed: AtomicU64,
    pub per_route: Mutex<HashMap<String, u64>>,
}

impl CounterSet {
    pub fn inc(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }
    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }
}

/// Bounded log of received requests.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    pub cap: usize,
    pub entries: VecDeque<RequestRecord>,
}

impl RequestLog {
    pub fn push(&mut self, r: RequestRecord) {
        if self.cap == 0 {
            return;
        }
        while self.entries.len() >= self.cap {
            self.entries.pop_front();
        }
        self.entries.push_back(r);
    }
}

/// Everything the server tasks and the handle share.
pub(crate) struct Inner {
    pub base_url: Url,
    /// `base_url` without the trailing slash, for building links.
    pub base: String,
    pub token: String,
    pub store: Mutex<Store>,
    pub counters: CounterSet,
    pub faults: Mutex<Vec<FaultEntry>>,
    pub oauth: Mutex<OAuthState>,
    pub reqlog: Mutex<RequestLog>,
    pub settings: Mutex<Settings>,
    pub deliveries: Mutex<Vec<HookDelivery>>,
    pub sent_jobs: Mutex<HashMap<String, DeliveryJob>>,
    pub deliveries_done: tokio::sync::watch::Sender<usize>,
    pub rate_windows: Mutex<crate::limits::Windows>,
    pub in_flight: crate::limits::InFlight,
    pub clock: crate::limits::OrgClock,
    /// The client of hook calls, built on first use (loading the system's root certificates takes longer than
    /// the rest of a start).
    pub http: Mutex<Option<reqwest::Client>>,
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The SSWS token is a secret: never printed.
        f.debug_struct("MockOrgState").field("base_url", &self.base_url.as_str()).finish_non_exhaustive()
    }
}

impl Inner {
    /// Runs `f` with the store locked, then spawns the hook deliveries it queued (after the
    /// lock is released, so no lock is held across network I/O).
    pub fn with_store<R>(self: &std::sync::Arc<Self>, f: impl FnOnce(&mut Store) -> R) -> R {
        let (r, jobs) = {
            let mut s = lock(&self.store);
            let r = f(&mut s);
            (r, std::mem::take(&mut s.outbox))
        };
        for job in jobs {
            super::event_hooks::spawn_delivery(self.clone(), job, false);
        }
        r
    }

    /// The client of hook calls (built on first use).
    pub fn http(&self) -> Result<reqwest::Client, String> {
        let mut slot = lock(&self.http);
        if let Some(client) = &*slot {
            return Ok(client.clone());
        }
        let client = reqwest::Client::builder().no_proxy().build().map_err(|e| e.to_string())?;
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Counts one request for a route key such as `GET /api/v1/users/{userId}`.
    pub fn count_route(&self, key: &str) {
        CounterSet::inc(&self.counters.requests_total);
        let mut m = lock(&self.counters.per_route);
        *m.entry(key.to_string()).or_insert(0) += 1;
    }
}
