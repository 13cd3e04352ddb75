//! The org's calls to hooks: the HTTP client they share, Okta's 3-second timeout, the headers a hook's channel
//! asks for, and the event hook deliveries — a task started with the server receives the events writes record
//! ([`HookEvent`], through a channel, so no write waits on the network), keeps those each hook's filter lets through
//! (`hook_filter.rs`), plans each delivery under the faults a test set (`hook_faults.rs`: dropped, delayed) and posts
//! it on a task of its own (one retry), recording the outcome.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

use crate::hook_faults::{DeliveryPlan, FaultDraws, HookDeliveryFaults};
use crate::hook_filter;
use crate::state::{HookEvent, OrgState};
use crate::support::{lock, ts, uuid};

/// Timeout of one delivery or verification request, as Okta.
pub(crate) const HOOK_TIMEOUT: Duration = Duration::from_secs(3);

/// The event types this mock records that Okta lets event hooks subscribe to (its Event Types catalog, tag
/// `event-hook-eligible`), which it therefore delivers; the others it records are in the System Log only.
pub const DELIVERABLE_EVENTS: &[&str] = &[
    "user.lifecycle.create",
    "user.lifecycle.activate",
    "user.lifecycle.reactivate",
    "user.lifecycle.deactivate",
    "user.lifecycle.suspend",
    "user.lifecycle.unsuspend",
    "user.lifecycle.delete.initiated",
    "user.account.lock",
    "user.account.unlock",
    "user.account.update_profile",
    "user.account.update_password",
    "user.account.reset_password",
    "user.mfa.factor.reset_all",
    "user.session.start",
    "user.session.end",
    "group.lifecycle.create",
    "group.lifecycle.delete",
    "group.profile.update",
    "group.user_membership.add",
    "group.user_membership.remove",
    "application.lifecycle.create",
    "application.lifecycle.update",
];

/// One completed delivery (after its retry, if any) as seen by the mock, or one dropped by an injected fault.
#[derive(Debug, Clone)]
pub struct HookDelivery {
    /// Id of the event hook.
    pub hook_id: String,
    /// The envelope's `eventId` (repeated by [`MockOrg::redeliver`](crate::MockOrg::redeliver)).
    pub event_id: String,
    /// `eventType` of each LogEvent in `data.events`.
    pub event_types: Vec<String>,
    /// The hook URL posted to.
    pub url: String,
    /// Attempts made: 1, or 2 when the first failed and the one retry was made (0 when dropped).
    pub attempts: u32,
    /// HTTP status of the last attempt, `None` if it got no response (timeout, refused).
    pub status: Option<u16>,
    /// Whether an attempt got a 2xx answer.
    pub delivered: bool,
    /// Whether this was a re-sent duplicate.
    pub redelivery: bool,
    /// Whether an injected fault dropped it
    /// ([`MockOrg::set_hook_delivery_faults`](crate::MockOrg::set_hook_delivery_faults)): it never reached the
    /// receiver, as if Okta had lost it after its retry. It can still be sent with
    /// [`MockOrg::redeliver`](crate::MockOrg::redeliver).
    pub dropped: bool,
    /// The envelope that was posted (or would have been, when dropped).
    pub body: Value,
}

/// A delivery to make: where to post what, with which headers.
#[derive(Debug, Clone)]
pub(crate) struct DeliveryJob {
    pub hook_id: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub envelope: Value,
    pub event_id: String,
    pub event_types: Vec<String>,
}

/// Headers the hook's channel config asks for: `authScheme` (HEADER) then `headers[]`.
pub(crate) fn hook_headers(hook: &Value) -> Vec<(String, String)> {
    let cfg = hook.get("channel").and_then(|c| c.get("config"));
    let mut out = Vec::new();
    if let Some(auth) = cfg.and_then(|c| c.get("authScheme"))
        && let (Some(k), Some(v)) = (auth.get("key").and_then(Value::as_str), auth.get("value").and_then(Value::as_str))
    {
        out.push((k.to_string(), v.to_string()));
    }
    if let Some(hs) = cfg.and_then(|c| c.get("headers")).and_then(Value::as_array) {
        for h in hs {
            if let (Some(k), Some(v)) = (h.get("key").and_then(Value::as_str), h.get("value").and_then(Value::as_str)) {
                out.push((k.to_string(), v.to_string()));
            }
        }
    }
    out
}

/// The URL a hook is called at (`channel.config.uri`).
pub(crate) fn hook_uri(hook: &Value) -> Option<String> {
    hook.get("channel")
        .and_then(|c| c.get("config"))
        .and_then(|c| c.get("uri"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The deliveries one recorded event causes: one per subscribed hook with a URL whose filter lets it through, for
/// the types delivered. The envelope carries the event as the System Log has it (same `uuid`).
fn jobs_for_event(org: &OrgState, recorded: HookEvent) -> Vec<DeliveryJob> {
    let HookEvent { event, hooks } = recorded;
    let event_type = event.get("eventType").and_then(Value::as_str).unwrap_or_default().to_string();
    if !DELIVERABLE_EVENTS.contains(&event_type.as_str()) {
        return Vec::new();
    }
    let base = &org.base;
    let mut jobs = Vec::new();
    for (id, hook) in hooks {
        let Some(url) = hook_uri(&hook) else { continue };
        if !hook_filter::hook_accepts(&hook, &event) {
            org.counters.hook_deliveries_filtered.inc();
            continue;
        }
        let event_id = uuid();
        let envelope = json!({
            "eventType": "com.okta.event_hook",
            "eventTypeVersion": "1.0",
            "cloudEventsVersion": "0.1",
            "source": format!("{base}/api/v1/eventHooks/{id}"),
            "eventId": event_id,
            "eventTime": ts(Utc::now()),
            "contentType": "application/json",
            "data": { "events": [event] },
        });
        jobs.push(DeliveryJob {
            hook_id: id,
            url,
            headers: hook_headers(&hook),
            envelope,
            event_id,
            event_types: vec![event_type.clone()],
        });
    }
    jobs
}

/// The hook calls' client and the record of event hook deliveries.
#[derive(Debug)]
pub(crate) struct HookCalls {
    /// The client of hook calls, built on first use (loading the system's root certificates takes longer than
    /// the rest of a start).
    http: Mutex<Option<reqwest::Client>>,
    /// Completed deliveries, in completion order.
    deliveries: Mutex<Vec<HookDelivery>>,
    /// Every delivery made, by `eventId`, for redelivery.
    sent_jobs: Mutex<HashMap<String, DeliveryJob>>,
    /// The number of completed deliveries, for waiters.
    deliveries_done: watch::Sender<usize>,
    /// The delivery faults in force, and their draws.
    faults: Mutex<FaultDraws>,
}

impl Default for HookCalls {
    fn default() -> Self {
        HookCalls {
            http: Mutex::new(None),
            deliveries: Mutex::new(Vec::new()),
            sent_jobs: Mutex::new(HashMap::new()),
            deliveries_done: watch::channel(0).0,
            faults: Mutex::new(FaultDraws::default()),
        }
    }
}

impl HookCalls {
    /// The client of hook calls (built on first use).
    pub(crate) fn client(&self) -> Result<reqwest::Client, String> {
        let mut slot = lock(&self.http);
        if let Some(client) = &*slot {
            return Ok(client.clone());
        }
        let client = reqwest::Client::builder().no_proxy().build().map_err(|e| e.to_string())?;
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Completed deliveries so far, in completion order.
    pub(crate) fn deliveries(&self) -> Vec<HookDelivery> {
        lock(&self.deliveries).clone()
    }

    /// How many deliveries have completed.
    pub(crate) fn completed(&self) -> usize {
        lock(&self.deliveries).len()
    }

    /// Watches the number of completed deliveries.
    pub(crate) fn watch_completed(&self) -> watch::Receiver<usize> {
        self.deliveries_done.subscribe()
    }

    /// A delivery made (or dropped) before, by its `eventId`.
    pub(crate) fn sent(&self, event_id: &str) -> Option<DeliveryJob> {
        lock(&self.sent_jobs).get(event_id).cloned()
    }

    /// Puts delivery faults in force from now on (their draws start again from their seed).
    pub(crate) fn set_faults(&self, faults: HookDeliveryFaults) {
        *lock(&self.faults) = FaultDraws::new(faults);
    }

    /// The delivery faults in force.
    pub(crate) fn faults(&self) -> HookDeliveryFaults {
        lock(&self.faults).faults()
    }

    /// What happens to the next delivery under the faults in force.
    fn plan(&self) -> DeliveryPlan {
        lock(&self.faults).next_plan()
    }

    /// A delivery lost to an injected fault: never sent, kept for redelivery.
    fn drop_delivery(&self, job: DeliveryJob) -> HookDelivery {
        lock(&self.sent_jobs).insert(job.event_id.clone(), job.clone());
        HookDelivery {
            hook_id: job.hook_id,
            event_id: job.event_id,
            event_types: job.event_types,
            url: job.url,
            attempts: 0,
            status: None,
            delivered: false,
            redelivery: false,
            dropped: true,
            body: job.envelope,
        }
    }

    /// Posts a delivery now: 3 s timeout, one retry.
    pub(crate) async fn deliver(&self, org: &OrgState, job: DeliveryJob, redelivery: bool) -> HookDelivery {
        lock(&self.sent_jobs).insert(job.event_id.clone(), job.clone());
        let mut attempts = 0;
        let mut status = None;
        let mut delivered = false;
        while attempts < 2 && !delivered {
            attempts += 1;
            org.counters.hook_attempts.inc();
            let Ok(http) = self.client() else { break };
            let mut req = http.post(&job.url).timeout(HOOK_TIMEOUT).json(&job.envelope);
            for (k, v) in &job.headers {
                req = req.header(k.as_str(), v.as_str());
            }
            match req.send().await {
                Ok(r) => {
                    status = Some(r.status().as_u16());
                    delivered = r.status().is_success();
                }
                Err(_) => status = None,
            }
        }
        HookDelivery {
            hook_id: job.hook_id,
            event_id: job.event_id,
            event_types: job.event_types,
            url: job.url,
            attempts,
            status,
            delivered,
            redelivery,
            dropped: false,
            body: job.envelope,
        }
    }

    /// Records a finished delivery and wakes waiters.
    pub(crate) fn record(&self, org: &OrgState, d: HookDelivery) {
        if d.dropped {
            org.counters.hook_deliveries_dropped.inc();
        } else if d.delivered {
            org.counters.hook_deliveries_ok.inc();
        } else {
            org.counters.hook_deliveries_failed.inc();
        }
        let n = {
            let mut all = lock(&self.deliveries);
            all.push(d);
            all.len()
        };
        self.deliveries_done.send_replace(n);
    }
}

/// Starts the delivery task: it receives the events writes record and posts each of their deliveries in the
/// background, until the org shuts down (deliveries still running then are abandoned). Events are taken in the
/// order they were recorded and their deliveries planned in that order, so seeded faults drop the same ones on
/// every run.
pub(crate) fn start_delivery_task(
    org: Arc<OrgState>,
    calls: Arc<HookCalls>,
    mut events: mpsc::UnboundedReceiver<HookEvent>,
) {
    let mut shutdown = org.shutdown.clone();
    tokio::spawn(async move {
        loop {
            let recorded = tokio::select! {
                recorded = events.recv() => recorded,
                _ = shutdown.wait_for(|s| *s) => None,
            };
            let Some(recorded) = recorded else { break };
            for job in jobs_for_event(&org, recorded) {
                let plan = calls.plan();
                if plan.drop {
                    let d = calls.drop_delivery(job);
                    calls.record(&org, d);
                    continue;
                }
                let (org, calls) = (org.clone(), calls.clone());
                let mut shutdown = org.shutdown.clone();
                tokio::spawn(async move {
                    let delayed_delivery = async {
                        if !plan.delay.is_zero() {
                            tokio::time::sleep(plan.delay).await;
                        }
                        calls.deliver(&org, job, false).await
                    };
                    tokio::select! {
                        d = delayed_delivery => calls.record(&org, d),
                        _ = shutdown.wait_for(|s| *s) => {}
                    }
                });
            }
        }
    });
}
