//! The de-duplication store in Redis (feature `redis`): every replica of a receiver claims event ids in one place.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use okta_management_runtime::redis_connection::RedisConnection;

use crate::dedup::{Claim, DedupError, DedupStore, StoreFuture};

/// A claim with a lease, atomic in Redis. KEYS: the event's key. ARGV: the lease (ms). Returns 0 when claimed (the
/// key is set to `in-progress`, lapsing with the lease), 1 when handled (`done`, or `1`: a claim without a lease),
/// 2 when another holds it.
const CLAIM_FOR: &str = r"
local held = redis.call('GET', KEYS[1])
if not held then
  redis.call('SET', KEYS[1], 'in-progress', 'PX', ARGV[1])
  return 0
end
if held == 'in-progress' then return 2 end
return 1
";

/// A claim's lease extended while it is in progress. KEYS: the event's key. ARGV: the lease (ms). Returns 1 when
/// renewed, 0 when the key is not `in-progress` (lapsed, completed or released).
const RENEW: &str = r"
if redis.call('GET', KEYS[1]) == 'in-progress' then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
return 0
";

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
/// meanwhile answer at once), so a slow or vanished Redis delays deliveries by one timeout a second at most.
/// `Debug` and logs never show the URL (it may hold a password).
pub struct RedisDedupStore {
    redis: RedisConnection,
    claim_for: redis::Script,
    renew: redis::Script,
    key_prefix: String,
    ttl: Duration,
    when_fails: WhenStoreFails,
    /// Whether the last command failed (a warning is logged when Redis stops answering, not at every event).
    failing: AtomicBool,
    /// Claims answered without Redis, per [`WhenStoreFails`].
    unanswered: AtomicU64,
}

impl std::fmt::Debug for RedisDedupStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisDedupStore")
            .field("key_prefix", &self.key_prefix)
            .field("ttl", &self.ttl)
            .field("timeout", &self.redis.timeout())
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
        Ok(RedisDedupStore {
            redis: RedisConnection::new(url, Self::DEFAULT_TIMEOUT).map_err(DedupError::new)?,
            claim_for: redis::Script::new(CLAIM_FOR),
            renew: redis::Script::new(RENEW),
            key_prefix: Self::DEFAULT_KEY_PREFIX.to_owned(),
            ttl: Self::DEFAULT_TTL,
            when_fails: WhenStoreFails::default(),
            failing: AtomicBool::new(false),
            unanswered: AtomicU64::new(0),
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
        self.redis.set_timeout(timeout);
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

    /// The outcome of a command whose answer carries nothing but that Redis took it (`complete`, `release`).
    fn acknowledged(&self, answer: Result<redis::Value, String>) -> Result<(), DedupError> {
        match answer {
            Ok(_) => {
                self.answered();
                Ok(())
            }
            Err(problem) => {
                self.unanswered(&problem);
                Err(DedupError::new(problem))
            }
        }
    }

    fn answered(&self) {
        if self.failing.swap(false, Ordering::Relaxed) {
            tracing::info!("the Redis de-duplication store answers again");
        }
    }

    fn unanswered(&self, problem: &str) {
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

impl DedupStore for RedisDedupStore {
    fn claim<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, bool> {
        let mut command = redis::cmd("SET");
        let ttl_ms = okta_management_runtime::time::millis(self.ttl);
        command.arg(format!("{}{uuid}", self.key_prefix)).arg(1).arg("NX").arg("PX").arg(ttl_ms);
        Box::pin(async move {
            // `OK` when the key was set (first claim), nil when it existed.
            match self.redis.query::<Option<String>>(&command).await {
                Ok(set) => {
                    self.answered();
                    Ok(set.is_some())
                }
                Err(problem) => {
                    self.unanswered.fetch_add(1, Ordering::Relaxed);
                    self.unanswered(&problem);
                    match self.when_fails {
                        WhenStoreFails::HandleEvent => Ok(true),
                        WhenStoreFails::FailDelivery => Err(DedupError::new(problem)),
                    }
                }
            }
        })
    }

    /// A lease held as `in-progress` until it lapses or is completed; Redis failing answers as [`WhenStoreFails`]
    /// says (`Claimed`, or `Err`).
    fn claim_for<'a>(&'a self, uuid: &'a str, lease: Duration) -> StoreFuture<'a, Claim> {
        let mut invocation = self.claim_for.key(format!("{}{uuid}", self.key_prefix));
        invocation.arg(okta_management_runtime::time::millis(lease).max(1));
        Box::pin(async move {
            match self.redis.invoke::<u8>(invocation).await {
                Ok(answer) => {
                    self.answered();
                    Ok(match answer {
                        0 => Claim::Claimed,
                        2 => Claim::InProgress,
                        _ => Claim::Handled,
                    })
                }
                Err(problem) => {
                    self.unanswered.fetch_add(1, Ordering::Relaxed);
                    self.unanswered(&problem);
                    match self.when_fails {
                        WhenStoreFails::HandleEvent => Ok(Claim::Claimed),
                        WhenStoreFails::FailDelivery => Err(DedupError::new(problem)),
                    }
                }
            }
        })
    }

    /// A lease extended while `in-progress`; Redis failing is an `Err` whatever [`WhenStoreFails`] says (the holder
    /// goes on; the claim may lapse under it).
    fn renew<'a>(&'a self, uuid: &'a str, lease: Duration) -> StoreFuture<'a, bool> {
        let mut invocation = self.renew.key(format!("{}{uuid}", self.key_prefix));
        invocation.arg(okta_management_runtime::time::millis(lease).max(1));
        Box::pin(async move {
            match self.redis.invoke::<u8>(invocation).await {
                Ok(answer) => {
                    self.answered();
                    Ok(answer == 1)
                }
                Err(problem) => {
                    self.unanswered(&problem);
                    Err(DedupError::new(problem))
                }
            }
        })
    }

    /// `done`, remembered for the store's TTL.
    fn complete<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, ()> {
        let mut command = redis::cmd("SET");
        let ttl_ms = okta_management_runtime::time::millis(self.ttl);
        command.arg(format!("{}{uuid}", self.key_prefix)).arg("done").arg("PX").arg(ttl_ms);
        Box::pin(async move { self.acknowledged(self.redis.query::<redis::Value>(&command).await) })
    }

    fn release<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, ()> {
        let mut command = redis::cmd("DEL");
        command.arg(format!("{}{uuid}", self.key_prefix));
        Box::pin(async move { self.acknowledged(self.redis.query::<redis::Value>(&command).await) })
    }
}
