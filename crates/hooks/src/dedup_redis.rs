//! The de-duplication store in Redis (feature `redis`): every replica of a receiver claims event ids in one place.

use std::sync::PoisonError;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::dedup::{DedupError, DedupStore, StoreFuture};

/// What a claim answers when Redis cannot (down, unreachable, slower than the timeout).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum WhenStoreFails {
    /// Answer "not seen" and log a warning: the event is handled, perhaps a second time by another replica.
    /// The default: event handlers should be idempotent anyway (Okta delivers at least once), and a delivery
    /// refused for want of Redis may never come back (Okta retries a failed delivery only once).
    #[default]
    HandleEvent,
    /// Answer `Err`: the receiver answers the delivery with a `5xx` and Okta sends it once more. No event is ever
    /// handled twice, but one whose redelivery also meets Redis down is not handled at all.
    FailDelivery,
}

/// A [`DedupStore`] in Redis, shared by every replica of a receiver: a claim is `SET <prefix><uuid> 1 NX PX <ttl>`,
/// atomic in Redis, so of the replicas that receive an event exactly one handles it.
///
/// The connection is made on first use and remade on its own after Redis restarts or the network fails (redis-rs's
/// `ConnectionManager`); until then each claim answers as [`WhenStoreFails`] says. Every command is bounded by
/// [`with_timeout`](Self::with_timeout), and after a failure Redis is tried again only a second later (claims
/// meanwhile answer at once), so a slow or vanished Redis delays deliveries by one timeout a second at most. `Debug` and logs
/// never show the URL (it may hold a password).
pub struct RedisDedupStore {
    client: redis::Client,
    connection: tokio::sync::OnceCell<ConnectionManager>,
    key_prefix: String,
    ttl: Duration,
    timeout: Duration,
    when_fails: WhenStoreFails,
    /// Whether the last command failed (a warning is logged when Redis stops answering, not at every event).
    failing: AtomicBool,
    /// Claims answered without Redis, per [`WhenStoreFails`].
    unanswered: AtomicU64,
    /// After a failure Redis is left alone until then, so that a Redis that hangs costs one timeout a second,
    /// not one per event (a delivery must be answered within Okta's 3 seconds).
    resting_until: std::sync::Mutex<Option<Instant>>,
}

/// How long Redis is left alone after it failed to answer.
const REST_AFTER_FAILURE: Duration = Duration::from_secs(1);

impl std::fmt::Debug for RedisDedupStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisDedupStore")
            .field("key_prefix", &self.key_prefix)
            .field("ttl", &self.ttl)
            .field("timeout", &self.timeout)
            .field("when_fails", &self.when_fails)
            .finish_non_exhaustive()
    }
}

impl RedisDedupStore {
    /// How long a claimed id is remembered: a day, far beyond Okta's redelivery of an event (seconds to minutes
    /// later), at about 100 bytes of Redis memory per event.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);
    /// The longest a command may take before it counts as Redis failing: Okta waits 3 seconds for a delivery's
    /// answer, so a slow Redis must leave time to handle the events.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);
    /// The prefix of every key.
    pub const DEFAULT_KEY_PREFIX: &'static str = "okta:event-hook:event:";

    /// A store at `url` (`redis://host:6379/0`, `redis://:password@host`, `redis+unix:///path`); no connection is
    /// made until the first claim. Fails only on a URL that is not a Redis URL (the URL is not in the message).
    pub fn new(url: &str) -> Result<Self, DedupError> {
        let client = redis::Client::open(url)
            .map_err(|e| DedupError::new(format!("the Redis URL is not valid ({:?})", e.kind())))?;
        Ok(RedisDedupStore {
            client,
            connection: tokio::sync::OnceCell::new(),
            key_prefix: Self::DEFAULT_KEY_PREFIX.to_owned(),
            ttl: Self::DEFAULT_TTL,
            timeout: Self::DEFAULT_TIMEOUT,
            when_fails: WhenStoreFails::default(),
            failing: AtomicBool::new(false),
            unanswered: AtomicU64::new(0),
            resting_until: std::sync::Mutex::new(None),
        })
    }

    /// Keys are `<prefix><uuid>`: give each org (or receiver whose events must not be shared) its own prefix.
    #[must_use]
    pub fn with_key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// How long a claimed id is remembered (at least a millisecond; default [`Self::DEFAULT_TTL`]).
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::from_millis(1));
        self
    }

    /// The longest a command (or a connection attempt) may take (default [`Self::DEFAULT_TIMEOUT`]).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// What a claim answers when Redis cannot (default [`WhenStoreFails::HandleEvent`]).
    #[must_use]
    pub fn when_store_fails(mut self, policy: WhenStoreFails) -> Self {
        self.when_fails = policy;
        self
    }

    /// How many claims were answered without Redis (by [`WhenStoreFails`]) since this store was made.
    pub fn unanswered_claims(&self) -> u64 {
        self.unanswered.load(Ordering::Relaxed)
    }

    async fn connection(&self) -> Result<ConnectionManager, String> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            // A command fails fast while Redis is down; the manager keeps reconnecting behind it.
            .set_number_of_retries(1);
        let connect = || async {
            match tokio::time::timeout(self.timeout, ConnectionManager::new_with_config(self.client.clone(), config))
                .await
            {
                Ok(Ok(connection)) => Ok(connection),
                Ok(Err(e)) => Err(describe(&e)),
                Err(_) => Err(format!("no connection within {:?}", self.timeout)),
            }
        };
        // A failed first connection leaves the cell empty: the next claim tries again.
        self.connection.get_or_try_init(connect).await.cloned()
    }

    async fn run<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, String> {
        if self.resting_until.lock().unwrap_or_else(PoisonError::into_inner).is_some_and(|t| Instant::now() < t) {
            return Err("did not answer a moment ago".to_owned());
        }
        let result = match self.connection().await {
            Ok(mut connection) => {
                match tokio::time::timeout(self.timeout, command.query_async::<T>(&mut connection)).await {
                    Ok(Ok(value)) => Ok(value),
                    Ok(Err(e)) => Err(describe(&e)),
                    Err(_) => Err(format!("no answer within {:?}", self.timeout)),
                }
            }
            Err(e) => Err(e),
        };
        *self.resting_until.lock().unwrap_or_else(PoisonError::into_inner) =
            result.is_err().then(|| Instant::now() + REST_AFTER_FAILURE);
        result
    }

    fn answered(&self) {
        if self.failing.swap(false, Ordering::Relaxed) {
            tracing::info!("the Redis de-duplication store answers again");
        }
    }

    fn unanswered(&self, problem: &str) {
        self.unanswered.fetch_add(1, Ordering::Relaxed);
        if !self.failing.swap(true, Ordering::Relaxed) {
            match self.when_fails {
                WhenStoreFails::HandleEvent => tracing::warn!(
                    problem,
                    "the Redis de-duplication store does not answer: events are handled as new until it does \
                     (another replica may handle them too)"
                ),
                WhenStoreFails::FailDelivery => tracing::warn!(
                    problem,
                    "the Redis de-duplication store does not answer: deliveries fail (Okta sends them again) until \
                     it does"
                ),
            }
        }
    }
}

/// A Redis error without what could be secret (the URL is never part of it).
fn describe(error: &redis::RedisError) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connection_refusal() {
        "connection refused".to_owned()
    } else if error.is_io_error() || error.is_connection_dropped() {
        "connection lost".to_owned()
    } else {
        format!("{:?}", error.kind())
    }
}

impl DedupStore for RedisDedupStore {
    fn claim<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, bool> {
        let mut command = redis::cmd("SET");
        let ttl_ms = u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX);
        command.arg(format!("{}{uuid}", self.key_prefix)).arg(1).arg("NX").arg("PX").arg(ttl_ms);
        Box::pin(async move {
            // `OK` when the key was set (first claim), nil when it existed.
            match self.run::<Option<String>>(&command).await {
                Ok(set) => {
                    self.answered();
                    Ok(set.is_some())
                }
                Err(problem) => {
                    self.unanswered(&problem);
                    match self.when_fails {
                        WhenStoreFails::HandleEvent => Ok(true),
                        WhenStoreFails::FailDelivery => Err(DedupError::new(format!("Redis: {problem}"))),
                    }
                }
            }
        })
    }

    fn release<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, ()> {
        let mut command = redis::cmd("DEL");
        command.arg(format!("{}{uuid}", self.key_prefix));
        Box::pin(async move {
            match self.run::<i64>(&command).await {
                Ok(_) => {
                    self.answered();
                    Ok(())
                }
                Err(problem) => {
                    self.unanswered(&problem);
                    Err(DedupError::new(format!("Redis: {problem}")))
                }
            }
        })
    }
}
