//! The org's data: directory objects (users, groups, memberships, apps, event hooks, the objects of the operations
//! served from the spec), the System Log, settings, counters and the request log. Nothing here does I/O: the events
//! a write records are handed to the delivery task through a channel ([`HookEvent`]), outside any network call.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use tokio::sync::{mpsc, watch};
use url::Url;

use crate::counters::CounterSet;
use crate::credentials::Credentials;
use crate::faults::FaultEntry;
use crate::limits::{BucketRule, ConcurrencyHeaders, InFlight, OrgClock, Windows};
use crate::support::{lock, random_alnum, ts, uuid};

/// List endpoints whose page size limits can be configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ListEndpoint {
    /// `GET /api/v1/users` (Okta: default 200, max 200).
    Users,
    /// `GET /api/v1/groups` (Okta: default 10000, max 10000).
    Groups,
    /// `GET /api/v1/groups/{groupId}/users` (Okta: default 1000, max 1000).
    GroupMembers,
    /// `GET /api/v1/apps` (here: default 20, max 200).
    Apps,
    /// `GET /api/v1/logs` (Okta: default 100, max 1000).
    Logs,
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
    pub buckets: Vec<BucketRule>,
    /// The org's limit of requests in flight (`None`: none).
    pub concurrency_limit: Option<usize>,
    /// How a `429` over that limit reports itself.
    pub concurrency_headers: ConcurrencyHeaders,
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
            concurrency_headers: ConcurrencyHeaders::default(),
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
    /// `OKTA_GROUP` (made through the API), or `BUILT_IN` (the org's Everyone group, which nobody may change).
    pub group_type: &'static str,
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
            "type": self.group_type,
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

/// The objects of the operations served from the spec (`generic.rs`).
#[derive(Debug, Default)]
pub(crate) struct GenericStore {
    /// Items by id, per collection path with real ids (`/api/v1/idps/0oa…/credentials/keys`).
    pub collections: HashMap<String, BTreeMap<String, Value>>,
    /// Collections the API cannot add to, filled from the spec's list example on first use.
    pub seeded: HashSet<String>,
    /// Single objects by path.
    pub singletons: HashMap<String, Value>,
    /// Id of the org's own API token's metadata in `/api/v1/api-tokens` (`GET /api/v1/api-tokens/current`).
    pub current_api_token: Option<String>,
}

impl GenericStore {
    /// An object kept in a collection (by its path with real ids).
    pub(crate) fn item(&self, collection: &str, id: &str) -> Option<&Value> {
        self.collections.get(collection).and_then(|items| items.get(id))
    }
}

/// An event recorded by a write, for the event hooks subscribed to its type when it happened (active, verified),
/// sent to the delivery task (`hook_delivery.rs`), which makes the calls.
#[derive(Debug, Clone)]
pub(crate) struct HookEvent {
    /// The LogEvent.
    pub event: Value,
    /// Id and stored JSON of each hook subscribed to it.
    pub hooks: Vec<(String, Value)>,
}

/// Directory data guarded by one lock.
#[derive(Debug)]
pub(crate) struct Store {
    pub users: BTreeMap<String, UserRec>,
    pub logins: HashMap<String, String>,
    pub groups: BTreeMap<String, GroupRec>,
    pub members: HashMap<String, BTreeSet<String>>,
    pub apps: BTreeMap<String, Value>,
    pub hooks: BTreeMap<String, Value>,
    /// The objects of the operations served from the spec (`generic.rs`).
    pub generic: GenericStore,
    /// Passwords, one-time tokens and sessions (`authn.rs`, `sessions.rs`).
    pub credentials: Credentials,
    pub logs: Vec<LogEntry>,
    pub seq: u64,
    /// `base_url` without the trailing slash, for building links.
    pub base: String,
    /// Where recorded events go to be delivered to event hooks (never blocks).
    hook_events: mpsc::UnboundedSender<HookEvent>,
}

/// The id of the org's admin, the API caller: the owner of the org's API token.
pub(crate) const ADMIN_USER_ID: &str = "00umockadmin0000000";

/// The id of the org's Everyone group (`BUILT_IN`: every user is a member). It sorts before every id the org makes,
/// so the group lists first, as the org's oldest.
pub(crate) const EVERYONE_GROUP_ID: &str = "00g0000000000everyon";

/// Actor of the events the mock writes: the API caller.
fn actor() -> Value {
    json!({
        "id": ADMIN_USER_ID,
        "type": "User",
        "alternateId": "admin@mock.okta.invalid",
        "displayName": "Mock Admin",
        "detailEntry": null
    })
}

impl Store {
    /// An empty directory whose recorded events go to `hook_events`.
    pub fn new(base: String, hook_events: mpsc::UnboundedSender<HookEvent>) -> Self {
        Store {
            users: BTreeMap::new(),
            logins: HashMap::new(),
            groups: BTreeMap::from([(EVERYONE_GROUP_ID.to_string(), everyone_group())]),
            members: HashMap::from([(EVERYONE_GROUP_ID.to_string(), BTreeSet::new())]),
            apps: BTreeMap::new(),
            hooks: BTreeMap::new(),
            generic: GenericStore::default(),
            credentials: Credentials::default(),
            logs: Vec::new(),
            seq: 0,
            base,
            hook_events,
        }
    }

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

    /// Inserts a user record, keeping the login index in step; every user is a member of the Everyone group.
    pub fn insert_user(&mut self, u: UserRec) {
        self.logins.insert(u.login().to_lowercase(), u.id.clone());
        self.members.entry(EVERYONE_GROUP_ID.to_string()).or_default().insert(u.id.clone());
        self.users.insert(u.id.clone(), u);
    }

    /// Finds a user id by id, (case-insensitive) login, or login shortname (the part before the `@`) when exactly
    /// one user's login has it, as Okta resolves a user path. A login holding a `/` is not resolved: Okta's getUser
    /// documents that such a user "can only be fetched by `id`" (list users with a search to find it).
    pub fn resolve_user(&self, id_or_login: &str) -> Option<String> {
        if self.users.contains_key(id_or_login) {
            return Some(id_or_login.to_string());
        }
        if id_or_login.contains('/') {
            return None;
        }
        let login = id_or_login.to_lowercase();
        if let Some(id) = self.logins.get(&login) {
            return Some(id.clone());
        }
        if login.is_empty() || login.contains('@') {
            return None;
        }
        let mut same_shortname =
            self.logins.iter().filter(|(l, _)| l.split_once('@').is_some_and(|(short, _)| short == login));
        match (same_shortname.next(), same_shortname.next()) {
            (Some((_, id)), None) => Some(id.clone()),
            // None, or ambiguous: Okta resolves a shortname only when one user has it.
            _ => None,
        }
    }

    /// Drops a deleted user's (`kind` `users`) or group's (`groups`) assignments to every app
    /// (`/api/v1/apps/{appId}/users/{userId}`, `/api/v1/apps/{appId}/groups/{groupId}`).
    pub fn forget_app_assignments(&mut self, kind: &str, id: &str) {
        for (path, items) in &mut self.generic.collections {
            let assignments = path
                .strip_prefix("/api/v1/apps/")
                .and_then(|rest| rest.split_once('/'))
                .is_some_and(|(app_id, tail)| !app_id.is_empty() && tail == kind);
            if assignments {
                items.remove(id);
            }
        }
    }

    /// The ids of the groups a user is a member of (the Everyone group included), in id order.
    pub fn groups_of(&self, user_id: &str) -> Vec<String> {
        let mut ids: Vec<String> =
            self.members.iter().filter(|(_, m)| m.contains(user_id)).map(|(g, _)| g.clone()).collect();
        ids.sort();
        ids
    }

    /// Adds a membership with its event (no-op if already a member); whether it was added.
    pub fn add_member(&mut self, group_id: &str, user_id: &str) -> bool {
        let inserted = self.members.entry(group_id.to_string()).or_default().insert(user_id.to_string());
        if inserted {
            let now = ts(Utc::now());
            let mut targets = Vec::new();
            if let Some(u) = self.users.get(user_id) {
                targets.push(user_target(u));
            }
            if let Some(g) = self.groups.get_mut(group_id) {
                g.last_membership_updated = now;
                targets.push(group_target(g));
            }
            self.emit("group.user_membership.add", "Add user to group membership", targets);
        }
        inserted
    }

    /// Appends a LogEvent and hands it to the delivery task for the hooks subscribed to it now.
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
        let hooks = self.subscribed_hooks(event_type);
        if !hooks.is_empty() {
            // Once the org has shut down nobody receives: nothing is delivered then.
            let _ = self.hook_events.send(HookEvent { event: event.clone(), hooks });
        }
        event
    }

    /// The active, verified event hooks subscribed to an event type.
    fn subscribed_hooks(&self, event_type: &str) -> Vec<(String, Value)> {
        let field = |h: &Value, k: &str| h.get(k).and_then(Value::as_str).map(str::to_string);
        self.hooks
            .iter()
            .filter(|(_, h)| {
                field(h, "status").as_deref() == Some("ACTIVE")
                    && field(h, "verificationStatus").as_deref() == Some("VERIFIED")
                    && h.get("events")
                        .and_then(|e| e.get("items"))
                        .and_then(Value::as_array)
                        .is_some_and(|items| items.iter().any(|i| i.as_str() == Some(event_type)))
            })
            .map(|(id, h)| (id.clone(), h.clone()))
            .collect()
    }
}

/// The org's Everyone group, as every org has it from the start.
fn everyone_group() -> GroupRec {
    let now = ts(Utc::now());
    let mut profile = Map::new();
    profile.insert("name".into(), json!("Everyone"));
    profile.insert("description".into(), json!("All users in your organization"));
    GroupRec {
        id: EVERYONE_GROUP_ID.to_string(),
        created: now.clone(),
        last_updated: now.clone(),
        last_membership_updated: now,
        profile,
        group_type: "BUILT_IN",
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

/// One received request, as recorded in the bounded request log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Path and query as received.
    pub path_and_query: String,
    /// Selected headers (`authorization` reduced to its scheme + `[redacted]`, `dpop` to
    /// `[present]`, and `user-agent`, `content-type`, `accept`,
    /// `x-okta-user-agent-extended` as sent), lower-case names.
    pub headers: Vec<(String, String)>,
}

impl RequestRecord {
    /// The value of a recorded header (lower-case name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
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

/// The whole org's state, shared by the server's tasks and the [`MockOrg`](crate::MockOrg) handle (OAuth and hook
/// calls keep theirs apart: `oauth.rs`, `hook_delivery.rs`).
pub(crate) struct OrgState {
    pub base_url: Url,
    /// `base_url` without the trailing slash, for building links.
    pub base: String,
    /// The org's API token (`Authorization: SSWS <token>`).
    pub token: String,
    pub store: Mutex<Store>,
    pub counters: CounterSet,
    pub faults: Mutex<Vec<FaultEntry>>,
    pub request_log: Mutex<RequestLog>,
    pub settings: Mutex<Settings>,
    pub rate_windows: Mutex<Windows>,
    pub in_flight: InFlight,
    pub clock: OrgClock,
    /// Turns `true` when the org shuts down.
    pub shutdown: watch::Receiver<bool>,
}

impl std::fmt::Debug for OrgState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The SSWS token is a secret: never printed.
        f.debug_struct("OrgState").field("base_url", &self.base_url.as_str()).finish_non_exhaustive()
    }
}

impl OrgState {
    /// A new, empty org at `base_url` with a fresh API token; its events go to `hook_events`.
    pub fn new(
        base_url: Url,
        settings: Settings,
        request_log_capacity: usize,
        hook_events: mpsc::UnboundedSender<HookEvent>,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        let base = base_url.as_str().trim_end_matches('/').to_string();
        OrgState {
            token: format!("00{}", random_alnum(40)),
            store: Mutex::new(Store::new(base.clone(), hook_events)),
            counters: CounterSet::default(),
            faults: Mutex::new(Vec::new()),
            request_log: Mutex::new(RequestLog { cap: request_log_capacity, ..RequestLog::default() }),
            settings: Mutex::new(settings),
            rate_windows: Mutex::new(Windows::default()),
            in_flight: InFlight::default(),
            clock: OrgClock::new(),
            shutdown,
            base_url,
            base,
        }
    }

    /// Runs `f` with the store locked (the events it records are only queued for the delivery task).
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut lock(&self.store))
    }
}
