//! Locks that outlive a panic. Not a stable API: shared with okta-management-hooks.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, poisoned or not. For state that is consistent after every statement (plain numbers, caches,
/// sets): a thread that panicked while holding the lock left nothing half-done, so the state is still usable.
pub fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
