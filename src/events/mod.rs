//! Every Okta event handled once: event-hook deliveries reconciled with the System Log ([`EventProcessor`]).
//!
//! Okta's event hooks are not a reliable transport: a delivery that fails or takes over 3 seconds is retried once,
//! then dropped, and one can arrive twice; while a receiver is down its events are lost. The System Log is the
//! record. An [`EventProcessor`] feeds one handler from both: deliveries are handled at once
//! ([`EventProcessor::on_delivery`]), and a poller follows the System Log's polling `next` link from a saved
//! [`CheckpointStore`] position ([`EventProcessor::run_poller`]) to handle whatever the hooks missed. A claim in a
//! [`DedupStore`](crate::hooks::DedupStore) (in memory, or Redis shared by replicas) is taken before the handler
//! runs and recorded as handled after it succeeds, so each event `uuid` is handled once across both sources and
//! every replica.

mod checkpoint;
mod claims_file;
mod processor;

#[cfg(feature = "redis")]
pub use checkpoint::RedisCheckpoint;
pub use checkpoint::{CheckpointError, CheckpointFuture, CheckpointStore, FileCheckpoint};
pub use claims_file::FileClaims;
pub use processor::{
    BuildError, DeadLetter, DeliveryOutcome, EventProcessor, EventProcessorBuilder, HandlerError, PollerError,
    ProcessorStats,
};
