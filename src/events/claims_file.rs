//! [`FileClaims`]: the event processor's claims for one process that must survive its restarts: claims in memory,
//! and every handled event's `uuid` appended to a file, read back at start.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use okta_management_runtime::sync::lock;

use crate::hooks::{Claim, DedupError, DedupStore, EventDeduplicator, StoreFuture};

/// Claims of one process that remember, across its restarts, which events it handled: a restarted
/// [`EventProcessor`](super::EventProcessor) then repeats only an event whose handler ran but whose completion was
/// not written (the crash rule), not every event handled since the last checkpoint. Claims in progress are in
/// memory (a crash gives them up, as their leases would lapse). For several replicas use a
/// [`RedisDedupStore`](crate::hooks::RedisDedupStore) instead.
///
/// The file has one `uuid` per line, appended as each event is completed (a write per event, not flushed to disk:
/// a killed process loses nothing, a machine that loses power may forget its last events). At open, the last
/// `capacity` lines are read, and a file grown past twice that is rewritten with them.
#[derive(Debug)]
pub struct FileClaims {
    memory: EventDeduplicator,
    path: PathBuf,
    file: Mutex<File>,
}

impl FileClaims {
    /// How many handled events are remembered by default.
    pub const DEFAULT_CAPACITY: usize = EventDeduplicator::DEFAULT_CAPACITY;

    /// Opens (or creates) the file at `path`, remembering its last [`Self::DEFAULT_CAPACITY`] events.
    pub fn open(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Self::open_with_capacity(path, Self::DEFAULT_CAPACITY)
    }

    /// Opens (or creates) the file at `path`, remembering its last `capacity` events. An error names the file.
    pub fn open_with_capacity(path: impl Into<PathBuf>, capacity: usize) -> std::io::Result<Self> {
        let path = path.into();
        let named = |e: std::io::Error| std::io::Error::new(e.kind(), format!("claims file {}: {e}", path.display()));
        let memory = EventDeduplicator::new(capacity);
        let mut lines = Vec::new();
        match File::open(&path) {
            Ok(file) => {
                for line in BufReader::new(file).lines() {
                    let line = line.map_err(named)?;
                    let uuid = line.trim();
                    if !uuid.is_empty() {
                        lines.push(uuid.to_owned());
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(named(e)),
        }
        let total = lines.len();
        let kept = lines.split_off(total.saturating_sub(memory.capacity()));
        for uuid in &kept {
            memory.first_time(uuid);
        }
        if total > memory.capacity().saturating_mul(2) {
            rewrite(&path, &kept).map_err(named)?;
        }
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(named)?;
        Ok(FileClaims { memory, path, file: Mutex::new(file) })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Replaces `path` with `lines`, atomically (a temporary file renamed over it).
fn rewrite(path: &Path, lines: &[String]) -> std::io::Result<()> {
    let temporary = path.with_extension(format!("compacting.{}", std::process::id()));
    let mut file = File::create(&temporary)?;
    for line in lines {
        writeln!(file, "{line}")?;
    }
    file.sync_all()?;
    std::fs::rename(&temporary, path)
}

impl DedupStore for FileClaims {
    fn claim<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, bool> {
        self.memory.claim(uuid)
    }

    fn release<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, ()> {
        self.memory.release(uuid)
    }

    fn claim_for<'a>(&'a self, uuid: &'a str, lease: Duration) -> StoreFuture<'a, Claim> {
        self.memory.claim_for(uuid, lease)
    }

    fn renew<'a>(&'a self, uuid: &'a str, lease: Duration) -> StoreFuture<'a, bool> {
        self.memory.renew(uuid, lease)
    }

    /// Remembers `uuid` as handled, in memory and in the file (one line, one write).
    fn complete<'a>(&'a self, uuid: &'a str) -> StoreFuture<'a, ()> {
        let written = lock(&self.file).write_all(format!("{uuid}\n").as_bytes());
        let in_memory = self.memory.complete(uuid);
        Box::pin(async move {
            in_memory.await?;
            written.map_err(|e| DedupError::new(format!("claims file {}: {e}", self.path.display())))
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn completed_events_are_remembered_by_the_next_process_and_the_file_is_compacted() {
        let dir =
            std::env::temp_dir().join(format!("okta-claims-{}-{:08x}", std::process::id(), rand::random::<u32>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("claims");
        let lease = Duration::from_secs(60);
        {
            let claims = FileClaims::open_with_capacity(&path, 3).unwrap();
            for uuid in ["a", "b", "c", "d", "e", "f", "g"] {
                assert_eq!(claims.claim_for(uuid, lease).await.unwrap(), Claim::Claimed);
                claims.complete(uuid).await.unwrap();
            }
            // Claimed but never completed: the process dies here.
            assert_eq!(claims.claim_for("h", lease).await.unwrap(), Claim::Claimed);
        }
        let again = FileClaims::open_with_capacity(&path, 3).unwrap();
        for uuid in ["e", "f", "g"] {
            assert_eq!(again.claim_for(uuid, lease).await.unwrap(), Claim::Handled, "{uuid}");
        }
        assert_eq!(
            again.claim_for("h", lease).await.unwrap(),
            Claim::Claimed,
            "an unfinished event is claimable again"
        );
        // Seven lines for a capacity of three: rewritten with the last three.
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "e\nf\ng\n");
        assert!(
            FileClaims::open("/nonexistent-okta-dir/claims")
                .unwrap_err()
                .to_string()
                .contains("/nonexistent-okta-dir/claims")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
