//! Small helpers every other module of the mock may use, and which use none of them: the poison-tolerant lock, the
//! timestamp format, random ids.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

/// Locks a mutex, recovering the data if another thread panicked while holding it: the mock's state stays usable
/// and no panic spreads into the test using it. The mock's one lock helper (it does not depend on the runtime
/// crate, which has its own).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Okta's timestamp format (millisecond precision, `Z`).
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A random alphanumeric string of `n` characters: ten base-62 digits from each random `u64` (one generator call
/// per ten characters, which keeps seeding 100,000 users quick).
pub(crate) fn random_alnum(n: usize) -> String {
    const CHARS: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut out = String::with_capacity(n);
    let mut bits: u64 = 0;
    for i in 0..n {
        if i % 10 == 0 {
            bits = rand::random();
        }
        let digit = (bits % 62) as usize;
        bits /= 62;
        out.push(CHARS.get(digit).copied().map_or('x', char::from));
    }
    out
}

/// A random UUID-shaped (v4) string, used for log event `uuid` and hook `eventId`.
pub(crate) fn uuid() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        h.get(0..8).unwrap_or_default(),
        h.get(8..12).unwrap_or_default(),
        h.get(12..16).unwrap_or_default(),
        h.get(16..20).unwrap_or_default(),
        h.get(20..32).unwrap_or_default()
    )
}
