//! Where the event processor keeps its place in the System Log: Okta's polling `next` link (an opaque cursor,
//! not a `published` time, which would re-read or skip events published in the same millisecond or indexed late),
//! behind [`CheckpointStore`], with a file store ([`FileCheckpoint`], replaced atomically) and a Redis store
//! ([`RedisCheckpoint`], feature `redis`, shared by replicas).

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use url::Url;

/// What a [`CheckpointStore`] returns: a boxed future, so that a store can be chosen at run time.
pub type CheckpointFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, CheckpointError>> + Send + 'a>>;

/// The System Log position of an [`EventProcessor`](super::EventProcessor): saved after every event of a page was
/// handled or dead-lettered, so a process killed at any moment resumes where nothing is lost.
pub trait CheckpointStore: Send + Sync + fmt::Debug {
    /// The position saved last (the polling `next` link); `None` when none was ever saved.
    fn load(&self) -> CheckpointFuture<'_, Option<Url>>;

    /// Saves `next` as the position, atomically: a reader finds the previous position or this one, never a mix.
    fn save<'a>(&'a self, next: &'a Url) -> CheckpointFuture<'a, ()>;
}

/// A checkpoint that cannot be read or written. Says which file or key, and what is wrong with it; never holds a
/// secret (a Redis URL's password is not in it).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The checkpoint file.
    #[error("checkpoint file {}: {reason}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The checkpoint in Redis.
    #[error("checkpoint in Redis (key {key}): {reason}")]
    Redis {
        /// The key.
        key: String,
        /// What is wrong.
        reason: String,
    },
}

/// The stored form of a checkpoint (the file's content, the Redis value).
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    /// Names the format, so that a file of something else is told apart from a damaged checkpoint.
    okta_system_log_checkpoint: u32,
    /// Okta's polling `next` link.
    next: String,
}

const FORMAT: u32 = 1;

fn encode(next: &Url) -> Vec<u8> {
    let stored = Stored { okta_system_log_checkpoint: FORMAT, next: next.as_str().to_owned() };
    // A struct of a number and a string always serializes.
    let mut bytes = serde_json::to_vec(&stored).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The position in `bytes`, or why they are not a checkpoint.
fn decode(bytes: &[u8]) -> Result<Url, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty (truncated?): not a checkpoint".to_owned());
    }
    let stored: Stored = serde_json::from_slice(bytes)
        .map_err(|e| format!("not a checkpoint written by okta-management (truncated or not JSON of its form: {e})"))?;
    if stored.okta_system_log_checkpoint != FORMAT {
        return Err(format!(
            "checkpoint format {} is not one this version reads ({FORMAT})",
            stored.okta_system_log_checkpoint
        ));
    }
    Url::parse(&stored.next).map_err(|e| format!("the saved position is not a URL ({e})"))
}

/// A checkpoint in a file, replaced atomically on every save (written to a temporary file in the same directory,
/// flushed to disk, then renamed over the old one), so a crash mid-save leaves the old position or the new one.
/// A file that is empty, truncated or not a checkpoint is an error naming the file, never a silent restart.
#[derive(Debug, Clone)]
pub struct FileCheckpoint {
    path: PathBuf,
}

impl FileCheckpoint {
    /// A checkpoint at `path` (created on the first save; its directory must exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileCheckpoint { path: path.into() }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, reason: impl Into<String>) -> CheckpointError {
        CheckpointError::File { path: self.path.clone(), reason: reason.into() }
    }
}

impl CheckpointStore for FileCheckpoint {
    fn load(&self) -> CheckpointFuture<'_, Option<Url>> {
        Box::pin(async move {
            let path = self.path.clone();
            let read = tokio::task::spawn_blocking(move || std::fs::read(path)).await;
            match read {
                Ok(Ok(bytes)) => decode(&bytes).map(Some).map_err(|reason| self.error(reason)),
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Ok(Err(e)) => Err(self.error(format!("cannot be read: {e}"))),
                Err(e) => Err(self.error(format!("reading it failed: {e}"))),
            }
        })
    }

    fn save<'a>(&'a self, next: &'a Url) -> CheckpointFuture<'a, ()> {
        let bytes = encode(next);
        Box::pin(async move {
            let path = self.path.clone();
            let written = tokio::task::spawn_blocking(move || replace_atomically(&path, &bytes)).await;
            match written {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(self.error(format!("cannot be written: {e}"))),
                Err(e) => Err(self.error(format!("writing it failed: {e}"))),
            }
        })
    }
}

/// Writes `bytes` to a temporary file beside `path`, flushes it, and renames it over `path` (then flushes the
/// directory, where the platform allows), so that `path` holds the old content or the new, whole.
fn replace_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "checkpoint".into());
    let temporary = dir.join(format!(".{name}.{}.{:08x}.tmp", std::process::id(), rand::random::<u32>()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result?;
    #[cfg(unix)]
    if let Ok(directory) = std::fs::File::open(dir) {
        let _ = directory.sync_all();
    }
    Ok(())
}

/// A checkpoint in Redis (feature `redis`), shared by the replicas of a service: whichever replica polls, it
/// resumes from the same position. `Debug` and errors never show the URL (it may hold a password).
#[cfg(feature = "redis")]
pub struct RedisCheckpoint {
    redis: okta_management_runtime::redis_connection::RedisConnection,
    key: String,
}

#[cfg(feature = "redis")]
impl fmt::Debug for RedisCheckpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisCheckpoint").field("key", &self.key).finish_non_exhaustive()
    }
}

#[cfg(feature = "redis")]
impl RedisCheckpoint {
    /// The longest a command may take.
    pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

    /// A checkpoint under `key` in the Redis at `url` (`redis://host:6379/0`); no connection is made until the
    /// first load. Fails only on a URL that is not a Redis URL (the URL is not in the message).
    pub fn new(url: &str, key: impl Into<String>) -> Result<Self, CheckpointError> {
        let key = key.into();
        let redis = okta_management_runtime::redis_connection::RedisConnection::new(url, Self::DEFAULT_TIMEOUT)
            .map_err(|reason| CheckpointError::Redis { key: key.clone(), reason })?;
        Ok(RedisCheckpoint { redis, key })
    }

    fn error(&self, reason: impl Into<String>) -> CheckpointError {
        CheckpointError::Redis { key: self.key.clone(), reason: reason.into() }
    }
}

#[cfg(feature = "redis")]
impl CheckpointStore for RedisCheckpoint {
    fn load(&self) -> CheckpointFuture<'_, Option<Url>> {
        Box::pin(async move {
            let mut command = redis::cmd("GET");
            command.arg(&self.key);
            let value: Option<Vec<u8>> = self.redis.query(&command).await.map_err(|reason| self.error(reason))?;
            value.map(|bytes| decode(&bytes).map_err(|reason| self.error(reason))).transpose()
        })
    }

    fn save<'a>(&'a self, next: &'a Url) -> CheckpointFuture<'a, ()> {
        Box::pin(async move {
            let mut command = redis::cmd("SET");
            command.arg(&self.key).arg(encode(next));
            let _: Option<String> = self.redis.query(&command).await.map_err(|reason| self.error(reason))?;
            Ok(())
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("okta-checkpoint-{}-{:08x}", std::process::id(), rand::random::<u32>()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[tokio::test]
    async fn a_file_checkpoint_saves_and_loads_the_next_link_and_leaves_no_temporary_file() {
        let dir = dir();
        let store = FileCheckpoint::new(dir.join("position.json"));
        assert_eq!(store.load().await.unwrap(), None, "no file yet: no position");
        let next = Url::parse("https://dev-1.okta.com/api/v1/logs?after=1700000000000_1&filter=x").unwrap();
        store.save(&next).await.unwrap();
        assert_eq!(store.load().await.unwrap(), Some(next.clone()));
        let later = Url::parse("https://dev-1.okta.com/api/v1/logs?after=1700000000999_2").unwrap();
        store.save(&later).await.unwrap();
        assert_eq!(store.load().await.unwrap(), Some(later));
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(files.len(), 1, "only the checkpoint: {files:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_damaged_checkpoint_file_is_an_error_naming_it() {
        let dir = dir();
        let path = dir.join("position.json");
        let store = FileCheckpoint::new(&path);
        let whole =
            String::from_utf8(encode(&Url::parse("https://dev-1.okta.com/api/v1/logs?after=1_2").unwrap())).unwrap();
        for (content, says) in [
            ("", "empty"),
            ("\n", "empty"),
            (&whole[..whole.len() / 2], "not a checkpoint"),
            ("garbage\u{0}\u{1}", "not a checkpoint"),
            ("{\"something\": \"else\"}", "not a checkpoint"),
            ("{\"okta_system_log_checkpoint\": 9, \"next\": \"https://x\"}", "format 9"),
            ("{\"okta_system_log_checkpoint\": 1, \"next\": \"not a url\"}", "not a URL"),
        ] {
            std::fs::write(&path, content).unwrap();
            let error = store.load().await.unwrap_err().to_string();
            assert!(error.contains(&path.display().to_string()), "{error}");
            assert!(error.contains(says), "{content:?}: {error}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_checkpoint_that_cannot_be_written_says_which_file() {
        let store = FileCheckpoint::new("/nonexistent-dir-okta/position.json");
        let error = store.save(&Url::parse("https://x.okta.com/api/v1/logs").unwrap()).await.unwrap_err();
        assert!(error.to_string().contains("/nonexistent-dir-okta/position.json"), "{error}");
    }
}
