//! The org's counters, listed once: the one `counters!` list below makes both the counters the server bumps
//! ([`CounterSet`]) and the public snapshot of them ([`Counters`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::support::lock;

/// One monotonic counter, readable at any time.
#[derive(Debug, Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    pub(crate) fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Defines [`Counters`] (a `u64` per listed counter, with its doc) and [`CounterSet`] (a [`Counter`] per listed
/// counter), both with the per-route counts, and the snapshot of one into the other.
macro_rules! counters {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// A snapshot of the org's counters.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct Counters {
            $($(#[$doc])* pub $name: u64,)*
            /// Requests per route key, e.g. `"GET /api/v1/users/{userId}"` (router patterns, see
            /// [`MockOrg::route_count`](crate::MockOrg::route_count)); unmatched requests count under `"UNMATCHED"`.
            pub per_route: HashMap<String, u64>,
        }

        /// The org's counters, as the server bumps them.
        #[derive(Debug, Default)]
        pub(crate) struct CounterSet {
            $(pub(crate) $name: Counter,)*
            pub(crate) per_route: Mutex<HashMap<String, u64>>,
        }

        impl CounterSet {
            /// The counters' values now.
            pub(crate) fn snapshot(&self) -> Counters {
                Counters { $($name: self.$name.get(),)* per_route: lock(&self.per_route).clone() }
            }
        }
    };
}

counters! {
    /// Requests received (routed or not).
    requests_total,
    /// 429 responses served for a bucket (injected or over an enforced bucket's limit).
    rate_limited,
    /// 429 responses served over the concurrency limit.
    concurrency_limited,
    /// Injected 5xx responses served.
    server_errors_injected,
    /// Connections dropped by fault injection.
    connections_dropped,
    /// Requests to `/oauth2/v1/token`.
    token_requests,
    /// Access tokens issued.
    tokens_issued,
    /// Users created through the API.
    users_created,
    /// Users deleted (the second DELETE) through the API.
    users_deleted,
    /// Groups created through the API.
    groups_created,
    /// Group memberships added through the API.
    memberships_added,
    /// Apps created through the API.
    apps_created,
    /// Event hook verification calls made.
    hook_verifications,
    /// Hook delivery attempts (first tries and retries).
    hook_attempts,
    /// Hook deliveries that got a 2xx answer.
    hook_deliveries_ok,
    /// Hook deliveries that failed after their retry.
    hook_deliveries_failed,
    /// Hook deliveries dropped by an injected fault, never sent (see
    /// [`MockOrg::set_hook_delivery_faults`](crate::MockOrg::set_hook_delivery_faults)).
    hook_deliveries_dropped,
    /// Hook deliveries not made because the hook's filter (`events.filter`) was not true for the event.
    hook_deliveries_filtered,
}

impl CounterSet {
    /// Counts one request for a route key such as `GET /api/v1/users/{userId}`.
    pub(crate) fn count_route(&self, key: &str) {
        self.requests_total.inc();
        *lock(&self.per_route).entry(key.to_string()).or_insert(0) += 1;
    }

    /// The requests counted for one route key.
    pub(crate) fn route(&self, key: &str) -> u64 {
        lock(&self.per_route).get(key).copied().unwrap_or(0)
    }
}
