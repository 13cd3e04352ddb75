//! Small conversions of durations and the system clock. Not a stable API: shared with okta-management-hooks.

use std::time::{Duration, SystemTime};

/// `d` in whole milliseconds, saturating at `u64::MAX` (for log fields and Redis TTLs).
pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// This machine's clock now, in seconds since the Unix epoch (0 before it).
pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
