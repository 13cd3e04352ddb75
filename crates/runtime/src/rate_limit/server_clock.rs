//! The org's clock as seen from here: where `X-Rate-Limit-Reset` (the server's epoch seconds) falls on the local
//! monotonic clock.
//!
//! `Date` has a one-second granularity: a response stamped `Date: D` was generated at a server time in `[D, D+1)`,
//! which is no later than when it arrived here. So `D - arrival` is a lower bound of `server - local`; the
//! largest such bound over every response seen is the tightest. Waking at `reset - bound` (local) is never
//! early, and after a few responses spread over a second it is late by milliseconds, not by the one-second
//! rounding of `reset - Date`. A server clock that steps back is noticed (a response stamped before the bound
//! allows) and the estimate starts again.

use tokio::time::Instant;

/// Nanoseconds per second.
const NANOS: i128 = 1_000_000_000;

/// The estimate of `server time - local time`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServerClock {
    /// Local times are measured from here.
    origin: Instant,
    /// The largest lower bound of `server epoch nanos - local nanos since origin` seen so far.
    offset_lower: Option<i128>,
}

impl ServerClock {
    pub(crate) fn new(origin: Instant) -> Self {
        ServerClock { origin, offset_lower: None }
    }

    fn local_nanos(&self, at: Instant) -> i128 {
        i128::try_from(at.saturating_duration_since(self.origin).as_nanos()).unwrap_or(i128::MAX)
    }

    /// Takes in a response's `Date` (server epoch seconds) sent at `sent` and received at `received` (local).
    pub(crate) fn observe(&mut self, date_secs: u64, sent: Instant, received: Instant) {
        let date = i128::from(date_secs).saturating_mul(NANOS);
        let lower = date - self.local_nanos(received);
        // The response was generated before `date + 1 s` and after the request was sent: an upper bound.
        let upper = date + NANOS - self.local_nanos(sent);
        self.offset_lower = Some(match self.offset_lower {
            // The server's clock stepped back (or ours jumped): the old bound no longer holds.
            Some(old) if old > upper => lower,
            Some(old) => old.max(lower),
            None => lower,
        });
    }

    /// The server's time now, in epoch nanoseconds, never ahead of the true one; `None` before any `Date`.
    pub(crate) fn server_now_nanos(&self, now: Instant) -> Option<i128> {
        Some(self.offset_lower? + self.local_nanos(now))
    }

    /// The local instant at which the server's clock is surely at `epoch_secs` or later; `None` before any
    /// `Date`.
    pub(crate) fn local_instant_of(&self, epoch_secs: u64) -> Option<Instant> {
        let target = i128::from(epoch_secs).saturating_mul(NANOS) - self.offset_lower?;
        if target <= 0 {
            return Some(self.origin);
        }
        let nanos = u64::try_from(target).unwrap_or(u64::MAX);
        self.origin.checked_add(std::time::Duration::from_nanos(nanos))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::time::Duration;

    const EPOCH: u64 = 1_800_000_000;

    #[tokio::test(start_paused = true)]
    async fn the_bound_tightens_as_responses_arrive_at_different_fractions_of_a_second() {
        let origin = Instant::now();
        let mut clock = ServerClock::new(origin);
        // The true server time is EPOCH + 0.7 s at `origin`.
        let server_at = |local: Instant| -> u64 {
            let nanos = 700_000_000 + (local - origin).as_nanos() as u64;
            EPOCH + nanos / 1_000_000_000
        };
        assert!(clock.local_instant_of(EPOCH + 5).is_none());
        let t0 = Instant::now();
        clock.observe(server_at(t0), t0, t0);
        // Only the first response: up to 0.7 s late.
        let wake = clock.local_instant_of(EPOCH + 5).unwrap();
        assert_eq!(wake - origin, Duration::from_secs(5));
        // A response at 0.31 s local (server EPOCH + 1.01): the bound is now within 10 ms of the truth.
        tokio::time::advance(Duration::from_millis(310)).await;
        let t1 = Instant::now();
        clock.observe(server_at(t1), t1, t1);
        let wake = clock.local_instant_of(EPOCH + 5).unwrap();
        let exact = Duration::from_millis(4300);
        assert!(wake - origin >= exact && wake - origin <= exact + Duration::from_millis(10), "{:?}", wake - origin);
        // Never early: the server's time at the wake-up is at least the target.
        assert!(server_at(wake) >= EPOCH + 5);
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_clock_that_steps_back_restarts_the_estimate() {
        let origin = Instant::now();
        let mut clock = ServerClock::new(origin);
        clock.observe(EPOCH + 100, origin, origin);
        tokio::time::advance(Duration::from_secs(2)).await;
        let now = Instant::now();
        // 100 s back: the old bound is above what this response allows.
        clock.observe(EPOCH + 2, now, now);
        let server_now = clock.server_now_nanos(now).unwrap();
        assert_eq!(server_now, i128::from(EPOCH + 2) * NANOS);
    }

    #[tokio::test(start_paused = true)]
    async fn a_reset_in_the_past_is_now() {
        let origin = Instant::now();
        let mut clock = ServerClock::new(origin);
        clock.observe(EPOCH, origin, origin);
        assert_eq!(clock.local_instant_of(EPOCH - 10), Some(origin));
        // Far past what an Instant can hold: no panic.
        let _ = clock.local_instant_of(u64::MAX);
    }
}
