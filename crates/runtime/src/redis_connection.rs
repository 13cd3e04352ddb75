//! The Redis connection of the Redis stores (feature `redis`): this crate's `RedisRateLimitStore` and
//! okta-management-hooks' `RedisDedupStore`. Made on first use, remade on its own (redis-rs's `ConnectionManager`),
//! every command bounded by a timeout, and left alone for a second after a failure, so that a Redis that hangs
//! costs one timeout a second rather than one per call. Errors never hold the URL (it may hold a password).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::sync::lock;

/// How long Redis is left alone after it failed to answer.
const REST_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// A lazily made, self-healing connection to one Redis. Not a stable API: the Redis stores' shared plumbing.
#[doc(hidden)]
pub struct RedisConnection {
    client: redis::Client,
    connection: tokio::sync::OnceCell<ConnectionManager>,
    timeout: Duration,
    resting_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for RedisConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisConnection").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl RedisConnection {
    /// A connection to `url`, made on first use. Fails only on a URL that is not a Redis URL (the message does not
    /// repeat it).
    pub fn new(url: &str, timeout: Duration) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("the Redis URL is not valid ({:?})", e.kind()))?;
        Ok(RedisConnection {
            client,
            connection: tokio::sync::OnceCell::new(),
            timeout,
            resting_until: Mutex::new(None),
        })
    }

    /// The longest a command (or a connection attempt) may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sets [`timeout`](Self::timeout) (before first use).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Runs a command; `Err` says what went wrong, without the URL.
    pub async fn query<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, String> {
        let mut connection = self.ready().await?;
        self.settle(tokio::time::timeout(self.timeout, command.query_async::<T>(&mut connection)).await)
    }

    /// Runs a Lua script (by its SHA, loading it when Redis does not know it yet).
    pub async fn invoke<T: redis::FromRedisValue>(&self, script: redis::ScriptInvocation<'_>) -> Result<T, String> {
        let mut connection = self.ready().await?;
        self.settle(tokio::time::timeout(self.timeout, script.invoke_async::<T>(&mut connection)).await)
    }

    async fn ready(&self) -> Result<ConnectionManager, String> {
        if lock(&self.resting_until).is_some_and(|t| Instant::now() < t) {
            return Err("Redis did not answer a moment ago".to_owned());
        }
        let connect = || async {
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(self.timeout))
                .set_response_timeout(Some(self.timeout))
                // A command fails fast while Redis is down; the manager reconnects behind it.
                .set_number_of_retries(1);
            match tokio::time::timeout(self.timeout, ConnectionManager::new_with_config(self.client.clone(), config))
                .await
            {
                Ok(Ok(connection)) => Ok(connection),
                Ok(Err(e)) => Err(describe(&e)),
                Err(_) => Err(format!("Redis: no connection within {:?}", self.timeout)),
            }
        };
        // A failed first connection leaves the cell empty: the next call tries again.
        let connection = self.connection.get_or_try_init(connect).await.cloned();
        if connection.is_err() {
            self.rest();
        }
        connection
    }

    fn settle<T>(&self, result: Result<redis::RedisResult<T>, tokio::time::error::Elapsed>) -> Result<T, String> {
        let outcome = match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(describe(&e)),
            Err(_) => Err(format!("Redis: no answer within {:?}", self.timeout)),
        };
        match &outcome {
            Ok(_) => *lock(&self.resting_until) = None,
            Err(_) => self.rest(),
        }
        outcome
    }

    fn rest(&self) {
        *lock(&self.resting_until) = Some(Instant::now() + REST_AFTER_FAILURE);
    }
}

/// A Redis error without what could be secret.
fn describe(error: &redis::RedisError) -> String {
    let what = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connection_refusal() {
        "connection refused".to_owned()
    } else if error.is_io_error() || error.is_connection_dropped() {
        "connection lost".to_owned()
    } else {
        format!("{:?}", error.kind())
    };
    format!("Redis: {what}")
}
