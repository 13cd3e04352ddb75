//! Faults of event hook deliveries a test turns on while the org runs ([`HookDeliveryFaults`]): Okta delivers at
//! least once, late at times, and may lose a delivery after its one retry; a receiver that must handle every event
//! once is tested against all three. The choice of deliveries lost is seeded, so a test sees the same losses on every
//! run.

use std::time::Duration;

/// Faults of the org's event hook deliveries, set with
/// [`MockOrg::set_hook_delivery_faults`](crate::MockOrg::set_hook_delivery_faults).
///
/// A dropped delivery never reaches the receiver, as if Okta had lost it after its retry: it is recorded (see
/// [`HookDelivery::dropped`](crate::HookDelivery::dropped)) and counted
/// ([`Counters::hook_deliveries_dropped`](crate::Counters::hook_deliveries_dropped)), and its event stays in the
/// System Log. The default is no fault.
///
/// ```
/// use std::time::Duration;
/// use okta_management_mock::HookDeliveryFaults;
/// let faults = HookDeliveryFaults { drop_share: 0.3, delay: Duration::from_millis(50), seed: Some(7) };
/// let none = HookDeliveryFaults::default();
/// # let _ = (faults, none);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HookDeliveryFaults {
    /// Share of deliveries dropped, from 0.0 (none) to 1.0 (all); values outside are taken as the nearer bound, and
    /// a NaN as 0.0. Each delivery is dropped or not on its own draw.
    pub drop_share: f64,
    /// How long each delivery waits before its first attempt (a dropped one is recorded at once).
    pub delay: Duration,
    /// Seed of the draws: with the same seed, the same recorded events in the same order drop the same deliveries.
    /// `None`: a random seed.
    pub seed: Option<u64>,
}

impl HookDeliveryFaults {
    /// The drop share as a probability in `[0, 1]`.
    fn drop_probability(&self) -> f64 {
        if self.drop_share.is_nan() { 0.0 } else { self.drop_share.clamp(0.0, 1.0) }
    }
}

/// What happens to one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeliveryPlan {
    /// Lost: never sent.
    pub drop: bool,
    /// Wait before the first attempt.
    pub delay: Duration,
}

/// The faults in force and the draws made under them, in the order deliveries are planned.
#[derive(Debug)]
pub(crate) struct FaultDraws {
    faults: HookDeliveryFaults,
    draws: SplitMix64,
}

impl Default for FaultDraws {
    fn default() -> Self {
        Self::new(HookDeliveryFaults::default())
    }
}

impl FaultDraws {
    /// Draws for `faults`, from their seed (or a random one).
    pub(crate) fn new(faults: HookDeliveryFaults) -> Self {
        let seed = faults.seed.unwrap_or_else(rand::random);
        FaultDraws { faults, draws: SplitMix64(seed) }
    }

    /// The faults in force.
    pub(crate) fn faults(&self) -> HookDeliveryFaults {
        self.faults
    }

    /// The plan of the next delivery. A draw is made only while some deliveries may drop, so turning faults on
    /// with a seed gives the same plans whatever was delivered before.
    pub(crate) fn next_plan(&mut self) -> DeliveryPlan {
        let share = self.faults.drop_probability();
        let drop = share > 0.0 && self.draws.next_unit() < share;
        DeliveryPlan { drop, delay: self.faults.delay }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output for a seed never changes, unlike a library's
/// generator across versions, so a seeded test stays reproducible.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform draw in `[0, 1)` (53 random bits).
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drops(faults: HookDeliveryFaults, n: usize) -> Vec<bool> {
        let mut draws = FaultDraws::new(faults);
        (0..n).map(|_| draws.next_plan().drop).collect()
    }

    #[test]
    fn no_faults_by_default() {
        let mut draws = FaultDraws::default();
        assert!((0..1000).all(|_| draws.next_plan() == DeliveryPlan { drop: false, delay: Duration::ZERO }));
    }

    #[test]
    fn shares_at_the_bounds_drop_none_or_all() {
        let seeded = |drop_share| HookDeliveryFaults { drop_share, seed: Some(1), ..Default::default() };
        assert!(drops(seeded(0.0), 1000).iter().all(|d| !d));
        assert!(drops(seeded(-3.0), 1000).iter().all(|d| !d));
        assert!(drops(seeded(f64::NAN), 1000).iter().all(|d| !d));
        assert!(drops(seeded(1.0), 1000).iter().all(|d| *d));
        assert!(drops(seeded(7.0), 1000).iter().all(|d| *d));
    }

    #[test]
    fn a_seed_gives_the_same_drops_and_about_the_share() {
        let faults = HookDeliveryFaults { drop_share: 0.3, delay: Duration::from_millis(5), seed: Some(42) };
        let first = drops(faults, 10_000);
        assert_eq!(first, drops(faults, 10_000));
        let dropped = first.iter().filter(|d| **d).count();
        assert!((2700..3300).contains(&dropped), "{dropped}");
        let other = drops(HookDeliveryFaults { seed: Some(43), ..faults }, 10_000);
        assert_ne!(first, other);
        assert_eq!(FaultDraws::new(faults).next_plan().delay, Duration::from_millis(5));
    }

    #[test]
    fn splitmix64_is_the_published_sequence() {
        // The reference implementation's first outputs for seed 1234567.
        let mut g = SplitMix64(1_234_567);
        assert_eq!(g.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(g.next_u64(), 3_203_168_211_198_807_973);
    }
}
