//! The rate-limit store in Redis (feature `redis`): the processes using one org share its buckets' budget and its
//! cap on requests in flight, through two Lua scripts that Redis runs atomically.
//!
//! Keys, under a prefix: `<prefix><bucket>` a hash (`limit`, `remaining`, `reset`), `<prefix><bucket>:leases` and
//! `<prefix>in-flight` sorted sets of lease ids scored by when they lapse (Redis's own clock), so a crashed
//! process's leases free themselves. Every key expires an hour after its last use.

use std::time::Duration;

use crate::redis_connection::RedisConnection;

use super::store::{BucketReport, Lease, LeaseDecision, LeaseRequest, RateLimitStore, StoreError, StoreFuture};

/// Takes a lease if the bucket and the cap have room. KEYS: bucket hash, bucket leases, all leases.
/// ARGV: server_now, capacity percent, cap (0: none), lease id, lease ttl (ms). Returns {0, limit} granted (the
/// bucket's known limit, 0 when none is known), {1, reset} wait for the reset, {2} wait for a request in flight to
/// end.
const ACQUIRE: &str = r"
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now_ms)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now_ms)
local limit = tonumber(redis.call('HGET', KEYS[1], 'limit'))
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
local reset = tonumber(redis.call('HGET', KEYS[1], 'reset'))
local server_now = tonumber(ARGV[1])
if limit and reset and server_now >= reset then
  remaining = limit
  reset = nil
  redis.call('HSET', KEYS[1], 'remaining', limit)
  redis.call('HDEL', KEYS[1], 'reset')
end
if limit then
  local percent = tonumber(ARGV[2])
  local reserved = limit - math.floor(limit * percent / 100)
  local usable = remaining - reserved
  if usable < 0 then usable = 0 end
  if usable == 0 and reset then return {1, reset} end
  if usable <= redis.call('ZCARD', KEYS[2]) then return {2, 0} end
end
local cap = tonumber(ARGV[3])
if cap > 0 and redis.call('ZCARD', KEYS[3]) >= cap then return {2, 0} end
local lapses = now_ms + tonumber(ARGV[5])
redis.call('ZADD', KEYS[2], lapses, ARGV[4])
redis.call('ZADD', KEYS[3], lapses, ARGV[4])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], 3600000) end
return {0, limit or 0}
";

/// Gives a lease back, with what the response reported. KEYS as ACQUIRE. ARGV: lease id, then limit, remaining,
/// reset and 1 when the response was a `429` (else 0), when the response had them. The in-memory store's rule: a
/// `429` teaches nothing until the bucket's limit is known, and one whose limit is not the bucket's is the org's
/// concurrency answer and is ignored; any other response whose limit differs replaces the state; within a window the least `remaining` is kept; a later reset is a new window;
/// an earlier one is from a window already over and ignored.
const COMPLETE: &str = r"
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if ARGV[2] then
  local limit, remaining, reset = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
  local throttled = ARGV[5] == '1'
  local known_limit = tonumber(redis.call('HGET', KEYS[1], 'limit'))
  local current = tonumber(redis.call('HGET', KEYS[1], 'reset'))
  if throttled and not known_limit then
    -- a 429 teaches nothing until an answer that is not a 429 has named the bucket's limit
  elseif known_limit and known_limit ~= limit then
    if not throttled then
      redis.call('HSET', KEYS[1], 'limit', limit, 'remaining', remaining, 'reset', reset)
    end
  elseif current and reset == current then
    local known = tonumber(redis.call('HGET', KEYS[1], 'remaining'))
    if not known or remaining < known then redis.call('HSET', KEYS[1], 'remaining', remaining) end
  elseif not current or reset > current then
    redis.call('HSET', KEYS[1], 'limit', limit, 'remaining', remaining, 'reset', reset)
  end
  redis.call('PEXPIRE', KEYS[1], 3600000)
end
return 0
";

/// A [`RateLimitStore`] in Redis, shared by every process that uses the same Redis and key prefix: together they
/// stay within each bucket and the concurrency cap.
///
/// The connection is made on first use and remade on its own when Redis comes back (redis-rs's
/// `ConnectionManager`). Each command is bounded by [`with_timeout`](Self::with_timeout); when Redis does not
/// answer, each client paces on its own (as without a store) and logs a warning, so calls never block on Redis.
/// `Debug` and logs never show the URL (it may hold a password).
#[derive(Debug)]
pub struct RedisRateLimitStore {
    redis: RedisConnection,
    key_prefix: String,
    acquire: redis::Script,
    complete: redis::Script,
}

impl RedisRateLimitStore {
    /// The longest a command may take before the clients pace on their own.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);
    /// The prefix of every key (the bucket names hold the org's host).
    pub const DEFAULT_KEY_PREFIX: &'static str = "okta:rate-limit:";

    /// A store at `url` (`redis://host:6379/0`, `redis://:password@host`); no connection is made until the first
    /// request. Fails only on a URL that is not a Redis URL (the URL is not in the message).
    pub fn new(url: &str) -> Result<Self, StoreError> {
        Ok(RedisRateLimitStore {
            redis: RedisConnection::new(url, Self::DEFAULT_TIMEOUT).map_err(StoreError)?,
            key_prefix: Self::DEFAULT_KEY_PREFIX.to_owned(),
            acquire: redis::Script::new(ACQUIRE),
            complete: redis::Script::new(COMPLETE),
        })
    }

    /// Keys are `<prefix><org host> <bucket>`.
    #[must_use]
    pub fn with_key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// The longest a command (or a connection attempt) may take (default [`Self::DEFAULT_TIMEOUT`]).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.redis.set_timeout(timeout);
        self
    }

    fn keys(&self, bucket: &str) -> [String; 3] {
        let prefix = &self.key_prefix;
        [format!("{prefix}{bucket}"), format!("{prefix}{bucket}:leases"), format!("{prefix}in-flight")]
    }
}

impl RateLimitStore for RedisRateLimitStore {
    fn acquire<'a>(&'a self, request: LeaseRequest<'a>) -> StoreFuture<'a, LeaseDecision> {
        Box::pin(async move {
            let lease = Lease::new();
            let [bucket, leases, in_flight] = self.keys(request.bucket);
            let mut invocation = self.acquire.key(bucket);
            invocation
                .key(leases)
                .key(in_flight)
                .arg(request.server_now)
                .arg(request.max_capacity_percent.clamp(1, 100))
                .arg(request.max_concurrency.unwrap_or(0))
                .arg(lease.id())
                .arg(crate::time::millis(request.lease_ttl).max(1));
            let answer: (u8, u64) = self.redis.invoke(invocation).await.map_err(StoreError)?;
            Ok(match answer {
                (0, limit) => LeaseDecision::Granted(lease.with_bucket_limit((limit > 0).then_some(limit))),
                (1, reset) => LeaseDecision::WaitForReset { reset },
                _ => LeaseDecision::WaitForInFlight,
            })
        })
    }

    fn complete<'a>(&'a self, bucket: &'a str, lease: &'a Lease, report: Option<BucketReport>) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let [bucket, leases, in_flight] = self.keys(bucket);
            let mut invocation = self.complete.key(bucket);
            invocation.key(leases).key(in_flight).arg(lease.id());
            if let Some(r) = report {
                invocation.arg(r.limit).arg(r.remaining).arg(r.reset).arg(u8::from(r.throttled));
            }
            let _: i64 = self.redis.invoke(invocation).await.map_err(StoreError)?;
            Ok(())
        })
    }
}
