//! [`EventProcessor`]: one handler fed from event-hook deliveries and from a System Log poller, called once per
//! event `uuid` across both sources and across the replicas sharing a claims store.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use url::Url;

use super::checkpoint::{CheckpointError, CheckpointStore};
use crate::Client;
use crate::hooks::{Claim, DedupStore, EventDeduplicator, EventHookDelivery};
use crate::pagination::{Cursor, Pages, TailOptions};
use crate::types::LogEvent;

/// What a handler's failure carries: any error.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

type Handler = Arc<dyn Fn(LogEvent) -> BoxFuture<'static, Result<(), HandlerError>> + Send + Sync>;
type DeadLetterCallback = Arc<dyn Fn(&DeadLetter) + Send + Sync>;

/// An event whose handler failed every attempt: handed to the dead-letter callback (and logged with its uuid),
/// then recorded as handled, so that the System Log position moves past it. Never dropped silently.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeadLetter {
    /// The event's `uuid` (`None`: an event without one, which cannot be de-duplicated).
    pub uuid: Option<String>,
    /// The event's `eventType`.
    pub event_type: Option<String>,
    /// The event.
    pub event: LogEvent,
    /// Attempts made.
    pub attempts: u32,
    /// The last attempt's error.
    pub error: String,
}

/// What happened to an event-hook delivery's events ([`EventProcessor::on_delivery`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryOutcome {
    /// Events handled now.
    pub handled: usize,
    /// Events handled before (a redelivery, or the poller got there first) or being handled elsewhere.
    pub duplicates: usize,
    /// Events of types the processor does not want.
    pub ignored: usize,
    /// Events whose handler failed (or whose claim the store could not answer): the System Log poller handles them
    /// (with retries, then the dead-letter callback).
    pub left_to_poller: usize,
}

/// Counts since the processor was built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProcessorStats {
    /// Events handled from event-hook deliveries.
    pub handled_from_hooks: u64,
    /// Events handled by the System Log poller (the hooks missed them, or their handler failed there).
    pub handled_from_log: u64,
    /// Events skipped because someone sharing the claims store handled them.
    pub duplicates: u64,
    /// Handler attempts that failed.
    pub handler_failures: u64,
    /// Events handed to the dead-letter callback.
    pub dead_lettered: u64,
    /// System Log positions saved.
    pub checkpoints_saved: u64,
}

#[derive(Debug, Default)]
struct Counters {
    handled_from_hooks: AtomicU64,
    handled_from_log: AtomicU64,
    duplicates: AtomicU64,
    handler_failures: AtomicU64,
    dead_lettered: AtomicU64,
    checkpoints_saved: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Gives a claim back if dropped while still holding it (its handling was cancelled).
struct ClaimGuard<'a> {
    claims: Option<Arc<dyn DedupStore>>,
    uuid: &'a str,
}

impl Drop for ClaimGuard<'_> {
    fn drop(&mut self) {
        let (Some(claims), Ok(runtime)) = (self.claims.take(), tokio::runtime::Handle::try_current()) else { return };
        let uuid = self.uuid.to_owned();
        tracing::info!(uuid, "event handling was cancelled; its claim is given back");
        runtime.spawn(async move {
            if let Err(e) = claims.release(&uuid).await {
                tracing::warn!(uuid, problem = %e, "a cancelled event's claim could not be given back; it lapses with its lease");
            }
        });
    }
}

/// Why the System Log poller stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PollerError {
    /// The checkpoint cannot be read: the poller does not guess where to start (that could handle events twice
    /// or skip them). Fix or delete the checkpoint.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The first poll's URL cannot be built from the client's org URL.
    #[error("the System Log poller cannot start: {0}")]
    Start(#[source] crate::Error),
    /// The saved position belongs to another org (or is not a System Log link).
    #[error("the saved System Log position {position} is not one of this org's ({reason})")]
    ForeignCheckpoint {
        /// The saved position.
        position: String,
        /// Why it is refused.
        reason: String,
    },
}

/// Settings of an [`EventProcessor`]; see [`EventProcessor::builder`].
#[must_use]
pub struct EventProcessorBuilder {
    client: Client,
    event_types: Vec<String>,
    handler: Option<Handler>,
    claims: Option<Arc<dyn DedupStore>>,
    checkpoint: Option<Arc<dyn CheckpointStore>>,
    dead_letter: Option<DeadLetterCallback>,
    attempts: u32,
    backoff_base: Duration,
    backoff_max: Duration,
    lease: Duration,
    poll_interval: Duration,
    start_since: Option<DateTime<Utc>>,
    hook_grace: Duration,
}

impl fmt::Debug for EventProcessorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventProcessorBuilder")
            .field("event_types", &self.event_types)
            .field("claims", &self.claims)
            .field("checkpoint", &self.checkpoint)
            .field("attempts", &self.attempts)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

/// Why an [`EventProcessorBuilder`] cannot build.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No handler was given.
    #[error("an event processor needs a handler (EventProcessorBuilder::handler)")]
    NoHandler,
    /// No event types were given.
    #[error("an event processor needs the event types it handles (EventProcessorBuilder::event_types)")]
    NoEventTypes,
    /// An event type that is not one (Okta's are dotted lower-case words: `user.lifecycle.create`).
    #[error("`{0}` is not an Okta event type")]
    BadEventType(String),
}

impl EventProcessorBuilder {
    /// The event types handled (`user.lifecycle.create`, ...); others are ignored by both sources.
    pub fn event_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.event_types = types.into_iter().map(Into::into).collect();
        self
    }

    /// The handler: called once per event `uuid`; an `Err` is retried with backoff (see
    /// [`attempts`](Self::attempts)). Its claim is renewed while it runs (see [`lease`](Self::lease)).
    pub fn handler<F, Fut, E>(mut self, handler: F) -> Self
    where
        F: Fn(LogEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<HandlerError>,
    {
        self.handler = Some(Arc::new(move |event| {
            let run = handler(event);
            Box::pin(async move { run.await.map_err(Into::into) })
        }));
        self
    }

    /// Where events are claimed before their handler runs and recorded as handled after: in this process's memory
    /// by default ([`EventDeduplicator`]); a [`RedisDedupStore`](crate::hooks::RedisDedupStore) (feature `redis`)
    /// shares them with every replica, which then act once per event.
    pub fn claims(mut self, store: Arc<dyn DedupStore>) -> Self {
        self.claims = Some(store);
        self
    }

    /// Where the System Log position is kept ([`FileCheckpoint`](super::FileCheckpoint),
    /// [`RedisCheckpoint`](super::RedisCheckpoint)). Without one, a restarted poller starts at
    /// [`start_since`](Self::start_since) again.
    pub fn checkpoint(mut self, store: Arc<dyn CheckpointStore>) -> Self {
        self.checkpoint = Some(store);
        self
    }

    /// Called with each event whose handler failed every attempt (after which the event counts as handled).
    /// Without one, such an event is logged (`tracing` error, with its uuid).
    pub fn on_dead_letter<F>(mut self, callback: F) -> Self
    where
        F: Fn(&DeadLetter) + Send + Sync + 'static,
    {
        self.dead_letter = Some(Arc::new(callback));
        self
    }

    /// Handler attempts per event in the poller before it is dead-lettered (default 5, at least 1), with an
    /// exponential backoff from `base` to `max` between them (default 200 ms to 10 s).
    pub fn attempts(mut self, attempts: u32, base: Duration, max: Duration) -> Self {
        self.attempts = attempts.max(1);
        self.backoff_base = base;
        self.backoff_max = max.max(base);
        self
    }

    /// How long a claim holds unless renewed (default 30 s). It is renewed every third of this while its handler
    /// runs (retries included), so it bounds how long a process that died mid-handler keeps others off its event,
    /// not how long a handler may take. Once it lapses the event is handled again (the one way an event can be
    /// handled twice).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Wait between two empty System Log polls (default 10 s).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Where the poller starts when no position was saved (default: when the processor is built, so that events of a
    /// hook registered after that are never missed however late the poller starts).
    pub fn start_since(mut self, since: DateTime<Utc>) -> Self {
        self.start_since = Some(since);
        self
    }

    /// How long after an event's `published` time the poller leaves it to the event hooks (default 10 s: Okta's
    /// 3-second delivery timeout and its one retry): the poller handles only what the hooks did not, so events
    /// are handled at hook latency and the poller is the safety net. `Duration::ZERO` when no hook delivers to
    /// this processor.
    pub fn hook_grace(mut self, grace: Duration) -> Self {
        self.hook_grace = grace;
        self
    }

    /// The processor.
    pub fn build(self) -> Result<EventProcessor, BuildError> {
        let handler = self.handler.ok_or(BuildError::NoHandler)?;
        if self.event_types.is_empty() {
            return Err(BuildError::NoEventTypes);
        }
        for event_type in &self.event_types {
            let word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !event_type.split('.').all(word) {
                return Err(BuildError::BadEventType(event_type.clone()));
            }
        }
        Ok(EventProcessor {
            inner: Arc::new(Inner {
                client: self.client,
                event_types: self.event_types,
                handler,
                claims: self.claims.unwrap_or_else(|| Arc::new(EventDeduplicator::default())),
                checkpoint: self.checkpoint,
                dead_letter: self.dead_letter,
                attempts: self.attempts,
                backoff_base: self.backoff_base,
                backoff_max: self.backoff_max,
                lease: self.lease,
                poll_interval: self.poll_interval,
                // Events of a hook registered after the processor was built (as a receiver does on start) are never
                // older than this, however late the poller starts.
                start_since: self.start_since.or_else(|| Some(Utc::now())),
                hook_grace: self.hook_grace,
                counters: Counters::default(),
            }),
        })
    }
}

/// Every Okta event of the wanted types handled once, from two sources: event-hook deliveries (handled at once,
/// [`on_delivery`](Self::on_delivery)) and the System Log ([`run_poller`](Self::run_poller): it finds what the
/// hooks missed, or what arrived while the process was down, following Okta's polling `next` link from a saved
/// checkpoint).
///
/// Guarantees: the handler is called once per event `uuid`, across both sources and across the processes sharing
/// the claims store: a claim is taken before the handler runs and recorded as handled after it succeeds. A failed
/// handler is retried by the poller with backoff, then the event goes to the dead-letter callback: never dropped
/// silently. The checkpoint moves past a page only once each of its events was handled or dead-lettered, so a
/// process killed at any moment loses nothing. What can repeat: an event whose handler ran but whose completion
/// was not recorded (the process died in between, or the store did not answer); it is handled again once its
/// claim's lease lapses.
///
/// Cloning is cheap: clones share the handler, the stores and the counters.
#[derive(Clone)]
pub struct EventProcessor {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    event_types: Vec<String>,
    handler: Handler,
    claims: Arc<dyn DedupStore>,
    checkpoint: Option<Arc<dyn CheckpointStore>>,
    dead_letter: Option<DeadLetterCallback>,
    attempts: u32,
    backoff_base: Duration,
    backoff_max: Duration,
    lease: Duration,
    poll_interval: Duration,
    start_since: Option<DateTime<Utc>>,
    hook_grace: Duration,
    counters: Counters,
}

impl fmt::Debug for EventProcessor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventProcessor")
            .field("event_types", &self.inner.event_types)
            .field("claims", &self.inner.claims)
            .field("checkpoint", &self.inner.checkpoint)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// How long the poller first waits before asking again about an event someone else is handling (a hook delivery
/// usually finishes in milliseconds), doubling up to [`IN_PROGRESS_POLL_MAX`].
const IN_PROGRESS_POLL: Duration = Duration::from_millis(10);
/// The longest wait between two asks about an event someone else is handling.
const IN_PROGRESS_POLL_MAX: Duration = Duration::from_millis(500);

impl EventProcessor {
    /// A processor for `client`'s org: give it the event types, a handler, and (for more than one process) shared
    /// claims and a checkpoint.
    pub fn builder(client: Client) -> EventProcessorBuilder {
        EventProcessorBuilder {
            client,
            event_types: Vec::new(),
            handler: None,
            claims: None,
            checkpoint: None,
            dead_letter: None,
            attempts: 5,
            backoff_base: Duration::from_millis(200),
            backoff_max: Duration::from_secs(10),
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_secs(10),
            start_since: None,
            hook_grace: Duration::from_secs(10),
        }
    }

    /// The System Log filter the poller uses: `eventType eq "…" or …`, one term per wanted type.
    pub fn filter(&self) -> String {
        let terms: Vec<String> = self.inner.event_types.iter().map(|t| format!("eventType eq \"{t}\"")).collect();
        terms.join(" or ")
    }

    /// Counts so far.
    pub fn stats(&self) -> ProcessorStats {
        let c = &self.inner.counters;
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ProcessorStats {
            handled_from_hooks: load(&c.handled_from_hooks),
            handled_from_log: load(&c.handled_from_log),
            duplicates: load(&c.duplicates),
            handler_failures: load(&c.handler_failures),
            dead_lettered: load(&c.dead_lettered),
            checkpoints_saved: load(&c.checkpoints_saved),
        }
    }

    fn wants(&self, event: &LogEvent) -> bool {
        event.event_type.as_deref().is_some_and(|t| self.inner.event_types.iter().any(|w| w == t))
    }

    /// Handles a delivery's events at once: each wanted event is claimed, handled once, and recorded as handled.
    /// A handler that fails gives its claim back: the System Log poller handles the event later, with retries.
    /// Answer Okta's delivery with `200`, or with a `5xx` when [`DeliveryOutcome::left_to_poller`] is not zero to
    /// get Okta's one retry sooner than the next poll (the poller handles those events either way; a retried
    /// delivery's events already handled are skipped).
    pub async fn on_delivery(&self, delivery: &EventHookDelivery<LogEvent>) -> DeliveryOutcome {
        let mut outcome = DeliveryOutcome::default();
        let events = delivery.data.as_ref().map_or(&[][..], |data| data.events.as_slice());
        for event in events {
            if !self.wants(event) {
                outcome.ignored += 1;
                continue;
            }
            let Some(uuid) = event.uuid.as_deref() else {
                tracing::warn!("an event hook delivery carried an event without a uuid; the poller handles it");
                outcome.left_to_poller += 1;
                continue;
            };
            let claims = &self.inner.claims;
            match claims.claim_for(uuid, self.inner.lease).await {
                Ok(Claim::Claimed) => match self.handle_claimed_once(uuid, event).await {
                    Ok(()) => {
                        bump(&self.inner.counters.handled_from_hooks);
                        outcome.handled += 1;
                    }
                    Err(error) => {
                        bump(&self.inner.counters.handler_failures);
                        tracing::warn!(uuid, error = %error, "event handler failed on a hook delivery; the System Log poller retries it");
                        if let Err(e) = claims.release(uuid).await {
                            tracing::warn!(uuid, problem = %e, "a failed event's claim could not be given back; it lapses with its lease");
                        }
                        outcome.left_to_poller += 1;
                    }
                },
                Ok(_) => {
                    bump(&self.inner.counters.duplicates);
                    outcome.duplicates += 1;
                }
                Err(e) => {
                    tracing::warn!(uuid, problem = %e, "the claims store did not answer; the System Log poller handles the event");
                    outcome.left_to_poller += 1;
                }
            }
        }
        outcome
    }

    /// Runs the handler once on a claimed event and records it as handled when it succeeds. If this future is dropped
    /// before that (the web framework cancels a delivery whose sender gave up after its 3 seconds), the claim is
    /// given back on a task of its own, so that the poller (or Okta's retry) handles the event now, not after the
    /// claim's lease.
    async fn handle_claimed_once(&self, uuid: &str, event: &LogEvent) -> Result<(), HandlerError> {
        let mut guard = ClaimGuard { claims: Some(self.inner.claims.clone()), uuid };
        let result = self.holding(uuid, (self.inner.handler)(event.clone())).await;
        // Ran to the end: recorded as handled here, or given back by the caller (which says so).
        guard.claims = None;
        if result.is_ok() {
            self.complete(uuid).await;
        }
        result
    }

    /// Runs `work` while renewing `uuid`'s claim every third of its lease, so that a slow handler (one waiting out
    /// a rate limit, say) keeps its claim: only a holder that died lets it lapse.
    async fn holding<F: Future>(&self, uuid: &str, work: F) -> F::Output {
        let lease = self.inner.lease;
        let heartbeat = async {
            loop {
                tokio::time::sleep((lease / 3).max(Duration::from_millis(10))).await;
                match self.inner.claims.renew(uuid, lease).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(
                        uuid,
                        "an event's claim lapsed while its handler ran; another holder may handle it too"
                    ),
                    Err(e) => {
                        tracing::warn!(uuid, problem = %e, "an event's claim could not be renewed; it lapses with its lease unless renewed later")
                    }
                }
            }
        };
        tokio::select! {
            output = work => output,
            never = heartbeat => never,
        }
    }

    /// Records `uuid` as handled, retrying a store that does not answer a few times (if it never does, the event
    /// may be handled again once its lease lapses: the crash rule).
    async fn complete(&self, uuid: &str) {
        for attempt in 1..=3u32 {
            match self.inner.claims.complete(uuid).await {
                Ok(()) => return,
                Err(e) if attempt == 3 => {
                    tracing::warn!(uuid, problem = %e, "an event could not be recorded as handled; it may be handled again after its lease");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100) * attempt).await,
            }
        }
    }

    /// Follows the System Log from the saved position (or [`start_since`](EventProcessorBuilder::start_since),
    /// else when the processor was built) and handles every wanted event no one has handled, page by page, saving the position after each
    /// page. Runs until dropped (or the task running it is aborted); a poll that fails (network, Okta) is retried
    /// with backoff. Returns only when the checkpoint cannot be read or belongs to another org.
    pub async fn run_poller(&self) -> Result<(), PollerError> {
        let options = TailOptions::default().with_poll_interval(self.inner.poll_interval);
        let saved = match &self.inner.checkpoint {
            Some(store) => store.load().await?,
            None => None,
        };
        let mut position: Option<Cursor> = match saved {
            Some(url) => {
                self.check_position(&url)?;
                Some(Cursor::from(url))
            }
            None => None,
        };
        if position.is_none() {
            // No position saved: start at `start_since` (else when built), and save that start at once, so that a process
            // killed before its first page was handled resumes there, not at its next start.
            let since = self.inner.start_since.unwrap_or_else(Utc::now);
            let first = crate::customizations::system_log::first_url(
                self.inner.client.org_url(),
                Some(since),
                Some(&self.filter()),
            )
            .map_err(PollerError::Start)?;
            let first = Cursor::from(first);
            self.save(&first).await;
            position = Some(first);
        }
        let mut failures: u32 = 0;
        loop {
            let mut pages: Pages<'static, LogEvent> = match &position {
                Some(cursor) => self.inner.client.tail_system_log_from(cursor, options.clone()),
                None => return Ok(()),
            };
            loop {
                let page = match pages.try_next().await {
                    Ok(Some(page)) => page,
                    Ok(None) => break,
                    Err(e) => {
                        failures = failures.saturating_add(1);
                        let wait = self.backoff(failures);
                        tracing::warn!(error = %e, wait_ms = okta_management_runtime::time::millis(wait), "System Log poll failed; polling again after a backoff");
                        tokio::time::sleep(wait).await;
                        break;
                    }
                };
                failures = 0;
                tracing::debug!(
                    events = page.items.len(),
                    url = page.url.as_str(),
                    "event processor: a System Log page"
                );
                for event in &page.items {
                    if self.wants(event) {
                        if let Some(wait) = self.grace_left(event) {
                            tokio::time::sleep(wait).await;
                        }
                        self.reconcile(event).await;
                    }
                }
                let next = match page.next_cursor() {
                    Ok(Some(next)) => next,
                    // The tail reports a page without a next link as an error of its own.
                    Ok(None) | Err(_) => continue,
                };
                if position.as_ref() != Some(&next) {
                    self.save(&next).await;
                    position = Some(next);
                }
            }
        }
    }

    /// How much of the hooks' grace is left for `event` (by its `published` time on our clock).
    fn grace_left(&self, event: &LogEvent) -> Option<Duration> {
        let published = event.published.as_ref()?.to_datetime().ok()?;
        let due = published + chrono::Duration::from_std(self.inner.hook_grace).ok()?;
        (due - Utc::now()).to_std().ok().filter(|wait| !wait.is_zero())
    }

    /// A saved position must be a System Log link of this org.
    fn check_position(&self, url: &Url) -> Result<(), PollerError> {
        let foreign =
            |reason: &str| PollerError::ForeignCheckpoint { position: url.to_string(), reason: reason.to_owned() };
        let org = Url::parse(self.inner.client.org_url()).map_err(|_| foreign("the org URL does not parse"))?;
        if url.origin() != org.origin() {
            return Err(foreign("another origin"));
        }
        if url.path().trim_end_matches('/') != "/api/v1/logs" {
            return Err(foreign("not /api/v1/logs"));
        }
        Ok(())
    }

    /// Saves the position, retrying with backoff until the store takes it: moving on without it would be safe
    /// (events are claimed), but a restart would then re-read more than it needs.
    async fn save(&self, next: &Cursor) {
        let Some(store) = &self.inner.checkpoint else { return };
        let Ok(url) = Url::parse(next.as_str()) else { return };
        let mut failures = 0;
        loop {
            match store.save(&url).await {
                Ok(()) => {
                    bump(&self.inner.counters.checkpoints_saved);
                    return;
                }
                Err(e) => {
                    failures += 1;
                    let wait = self.backoff(failures);
                    tracing::warn!(problem = %e, wait_ms = okta_management_runtime::time::millis(wait), "the System Log position could not be saved; trying again");
                    if failures >= 5 {
                        return;
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// The poller's part for one wanted event: claimed → handled with retries (then dead-lettered); handled
    /// elsewhere → skipped; being handled elsewhere → waited for (if that holder dies, its lease lapses and the
    /// claim comes here). Returns only once the event was handled or dead-lettered by someone.
    async fn reconcile(&self, event: &LogEvent) {
        let Some(uuid) = event.uuid.as_deref() else {
            self.dead_letter(event, 0, "the event has no uuid: it cannot be handled once".to_owned());
            return;
        };
        let mut store_failures = 0;
        let mut in_progress_wait = IN_PROGRESS_POLL;
        loop {
            match self.inner.claims.claim_for(uuid, self.inner.lease).await {
                Ok(Claim::Claimed) => return self.handle_with_retries(uuid, event).await,
                Ok(Claim::InProgress) => {
                    tokio::time::sleep(in_progress_wait).await;
                    in_progress_wait = (in_progress_wait * 2).min(IN_PROGRESS_POLL_MAX);
                }
                Ok(_) => {
                    bump(&self.inner.counters.duplicates);
                    return;
                }
                Err(e) => {
                    store_failures += 1;
                    let wait = self.backoff(store_failures);
                    tracing::warn!(uuid, problem = %e, wait_ms = okta_management_runtime::time::millis(wait), "the claims store did not answer; asking again");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn handle_with_retries(&self, uuid: &str, event: &LogEvent) {
        self.holding(uuid, self.attempt_until_done(uuid, event)).await;
    }

    /// The handler's attempts, with backoff between them, then the dead-letter callback.
    async fn attempt_until_done(&self, uuid: &str, event: &LogEvent) {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match (self.inner.handler)(event.clone()).await {
                Ok(()) => {
                    self.complete(uuid).await;
                    bump(&self.inner.counters.handled_from_log);
                    return;
                }
                Err(error) => {
                    bump(&self.inner.counters.handler_failures);
                    if attempt >= self.inner.attempts {
                        self.dead_letter(event, attempt, error.to_string());
                        self.complete(uuid).await;
                        return;
                    }
                    let wait = self.backoff(attempt);
                    tracing::info!(uuid, attempt, error = %error, wait_ms = okta_management_runtime::time::millis(wait), "event handler failed; retrying");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    fn dead_letter(&self, event: &LogEvent, attempts: u32, error: String) {
        bump(&self.inner.counters.dead_lettered);
        let letter = DeadLetter {
            uuid: event.uuid.clone(),
            event_type: event.event_type.clone(),
            event: event.clone(),
            attempts,
            error,
        };
        tracing::error!(uuid = letter.uuid.as_deref(), event_type = letter.event_type.as_deref(), attempts, error = %letter.error, "event dead-lettered: its handler failed every attempt");
        if let Some(callback) = &self.inner.dead_letter {
            callback(&letter);
        }
    }

    /// Exponential backoff before retry `n` (1-based), capped, of which the upper half is random.
    fn backoff(&self, n: u32) -> Duration {
        let full =
            self.inner.backoff_base.saturating_mul(1u32 << n.saturating_sub(1).min(16)).min(self.inner.backoff_max);
        let half = full / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(if nanos == 0 { 0 } else { rand::random::<u64>() % (nanos + 1) })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_delivery_cancelled_mid_handler_gives_its_claim_back() {
        let client = Client::builder().org_url("https://dev-1.okta.com").token("not-used").build().unwrap();
        let claims = Arc::new(EventDeduplicator::default());
        let started = Arc::new(tokio::sync::Notify::new());
        let processor = EventProcessor::builder(client)
            .event_types(["user.lifecycle.create"])
            .claims(claims.clone())
            .handler({
                let started = started.clone();
                move |_event: LogEvent| {
                    let started = started.clone();
                    async move {
                        started.notify_one();
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        Ok::<(), std::io::Error>(())
                    }
                }
            })
            .build()
            .unwrap();
        let delivery: EventHookDelivery<LogEvent> = serde_json::from_value(serde_json::json!({
            "data": {"events": [{"uuid": "u1", "eventType": "user.lifecycle.create"}]}
        }))
        .unwrap();
        let lease = Duration::from_secs(300);
        let task = tokio::spawn({
            let processor = processor.clone();
            async move { processor.on_delivery(&delivery).await }
        });
        started.notified().await;
        assert_eq!(claims.claim_for("u1", lease).await.unwrap(), Claim::InProgress);
        // The sender gave up: the web framework drops the delivery's future.
        task.abort();
        let _ = task.await;
        for _ in 0..100 {
            if claims.claim_for("u1", lease).await.unwrap() == Claim::Claimed {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the cancelled event's claim was not given back");
    }
}
