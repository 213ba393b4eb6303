//! Per-channel frequency ledger: sliding windows of delivery times.
//!
//! A delivery at time `t` counts against its channel's cap while
//! `now < t + window_ms` (the window is `(now - window, now]`). Deliveries
//! dated in the future count too (fail closed). The cap is reached when the
//! count is at least `max`; the channel frees up exactly when the `max`-th
//! newest counted delivery leaves the window.

use crate::config::Cap;
use crate::Config;
use crate::Map;

/// Channel id → delivery times (epoch ms, ascending), bounded: entries outside
/// every window are forgotten, and at most `cap.max` are kept per channel.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ledger {
    /// Channel id → ascending delivery times.
    pub channels: Map<String, Vec<u64>>,
}

/// Sort delivery times ascending. Insertion sort: the lists are short
/// (at most a cap's `max`) and stored already sorted, and it keeps
/// core's ~7 KB of quicksort/driftsort out of the wasm.
fn sort(times: &mut [u64]) {
    for i in 1..times.len() {
        let mut j = i;
        while j > 0 && times.get(j - 1) > times.get(j) {
            times.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The deliveries of `times` (ascending) still inside the window at `now`.
fn in_window(times: &[u64], now: u64, window_ms: u64) -> &[u64] {
    let first = times.partition_point(|&t| t.saturating_add(window_ms) <= now);
    times.get(first..).unwrap_or(&[])
}

impl Ledger {
    /// How many deliveries on `channel` count against `cap` at `now`.
    pub fn count(&self, channel: &str, cap: &Cap, now: u64) -> usize {
        self.channels
            .get(channel)
            .map_or(0, |t| in_window(t, now, cap.window_ms).len())
    }

    /// `None` if `channel` may carry one more message at `now`; otherwise
    /// `Some(retry_after)`, the epoch ms at which the count drops below `max`.
    ///
    /// ```
    /// use candor_core::{config::{Cap, Period}, Ledger};
    /// let cap = Cap { max: 2, window_ms: 1000, period: Period::Hours(1) };
    /// let mut ledger = Ledger::default();
    /// ledger.channels.insert("email".into(), vec![100, 400]);
    /// assert_eq!(ledger.capped("email", &cap, 900), Some(1100));
    /// assert_eq!(ledger.capped("email", &cap, 1100), None);
    /// ```
    pub fn capped(&self, channel: &str, cap: &Cap, now: u64) -> Option<u64> {
        let times = self.channels.get(channel)?;
        let live = in_window(times, now, cap.window_ms);
        let max = usize::try_from(cap.max).unwrap_or(usize::MAX);
        if live.len() < max {
            return None;
        }
        live.get(live.len() - max)
            .map(|t| t.saturating_add(cap.window_ms))
    }

    /// Count one delivery on `channel` at `now`, forgetting what left the
    /// window and keeping only the newest `cap.max` entries.
    pub fn push(&mut self, channel: &str, cap: &Cap, now: u64) {
        if !self.channels.contains_key(channel) {
            self.channels.insert(channel.to_string(), Vec::new());
        }
        let Some(times) = self.channels.get_mut(channel) else {
            return;
        };
        times.retain(|&t| t.saturating_add(cap.window_ms) > now);
        let at = times.partition_point(|&t| t <= now);
        times.insert(at, now);
        let max = usize::try_from(cap.max).unwrap_or(usize::MAX);
        if times.len() > max {
            times.drain(..times.len() - max);
        }
    }

    /// Add `other`'s deliveries to this ledger, as a union that keeps each
    /// delivery time as many times as the ledger holding it most often does
    /// (so a delivery both tabs already knew is not counted twice), then
    /// [`prune`](Ledger::prune) without a clock. Used when two tabs wrote the
    /// ledger at nearly the same time and one write replaced the other:
    /// merging brings the lost deliveries back. Returns whether `self` changed.
    ///
    /// ```
    /// use candor_core::{Config, Ledger};
    /// let config = Config::from_json(r#"{"channels":[{"id":"email","label":"e","cap":{"max":5,"perDays":7}}],
    ///   "purposes":[{"id":"p","channels":["email"],"title":"P","description":"D"}]}"#).unwrap();
    /// let mut mine = Ledger::default();
    /// mine.channels.insert("email".into(), vec![1, 5]);
    /// let mut theirs = Ledger::default();
    /// theirs.channels.insert("email".into(), vec![1, 7]);
    /// assert!(mine.merge(&theirs, &config));
    /// assert_eq!(mine.channels.get("email"), Some(&vec![1, 5, 7]));
    /// assert!(!mine.merge(&theirs, &config));
    /// ```
    pub fn merge(&mut self, other: &Ledger, config: &Config) -> bool {
        let before = self.clone();
        for (channel, theirs) in &other.channels {
            if !self.channels.contains_key(channel) {
                self.channels.insert(channel.clone(), Vec::new());
            }
            let Some(mine) = self.channels.get_mut(channel) else {
                continue;
            };
            sort(mine);
            let mut theirs = theirs.clone();
            sort(&mut theirs);
            let mut merged = Vec::with_capacity(mine.len().max(theirs.len()));
            let (mut a, mut b) = (0, 0);
            loop {
                let next = match (mine.get(a), theirs.get(b)) {
                    (Some(&x), Some(&y)) if x == y => {
                        a += 1;
                        b += 1;
                        x
                    }
                    (Some(&x), Some(&y)) if x < y => {
                        a += 1;
                        x
                    }
                    (_, Some(&y)) => {
                        b += 1;
                        y
                    }
                    (Some(&x), None) => {
                        a += 1;
                        x
                    }
                    (None, None) => break,
                };
                merged.push(next);
            }
            *mine = merged;
        }
        self.prune(config, None);
        *self != before
    }

    /// Forget channels the config does not cap, entries outside their
    /// window at `now` (when given), and all but the newest `max` entries.
    /// Decisions are unchanged by pruning.
    pub fn prune(&mut self, config: &Config, now: Option<u64>) {
        for (id, times) in self.channels.iter_mut() {
            let Some(cap) = config.channel(id).and_then(|c| c.cap) else {
                times.clear();
                continue;
            };
            sort(times);
            // Sorted, so what goes is a prefix: the entries out of the
            // window, and all but the newest `max`.
            let old = now.map_or(0, |now| {
                times.len() - in_window(times, now, cap.window_ms).len()
            });
            let max = usize::try_from(cap.max).unwrap_or(usize::MAX);
            times.drain(..old.max(times.len().saturating_sub(max)));
        }
        self.channels.retain(|_, times| !times.is_empty());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::config::Period;

    const CAP: Cap = Cap {
        max: 2,
        window_ms: 1000,
        period: Period::Hours(1),
    };

    #[test]
    fn window_is_half_open() {
        let mut l = Ledger::default();
        l.channels.insert("c".into(), vec![0, 500]);
        assert_eq!(l.count("c", &CAP, 999), 2);
        assert_eq!(l.capped("c", &CAP, 999), Some(1000));
        assert_eq!(l.count("c", &CAP, 1000), 1);
        assert_eq!(l.capped("c", &CAP, 1000), None);
    }

    #[test]
    fn future_entries_count() {
        let mut l = Ledger::default();
        l.channels.insert("c".into(), vec![5000, 6000]);
        assert_eq!(l.capped("c", &CAP, 10), Some(6000));
    }

    #[test]
    fn push_bounds_the_ledger() {
        let mut l = Ledger::default();
        for t in [0, 10, 20, 30, 2000, 2001] {
            l.push("c", &CAP, t);
        }
        assert_eq!(l.channels.get("c"), Some(&vec![2000, 2001]));
        l.push("c", &CAP, 1500);
        assert_eq!(l.channels.get("c"), Some(&vec![2000, 2001]));
    }

    #[test]
    fn merge_is_a_union_that_counts_shared_deliveries_once() {
        let config = Config::from_json(
            r#"{"channels":[{"id":"c","label":"c","cap":{"max":4,"perHours":1}},{"id":"free","label":"f"}],
                "purposes":[{"id":"p","channels":["c","free"],"title":"P","description":"D"}]}"#,
        )
        .unwrap();
        let mut a = Ledger::default();
        a.channels.insert("c".into(), vec![10, 10, 20]);
        let mut b = Ledger::default();
        b.channels.insert("c".into(), vec![10, 30]);
        b.channels.insert("free".into(), vec![5]);
        b.channels.insert("gone".into(), vec![5]);
        assert!(a.merge(&b, &config));
        assert_eq!(a.channels.get("c"), Some(&vec![10, 10, 20, 30]));
        assert_eq!(
            a.channels.len(),
            1,
            "uncapped and unknown channels are dropped"
        );
        let mut c = Ledger::default();
        c.channels.insert("c".into(), vec![1, 2, 3, 40, 50]);
        assert!(a.merge(&c, &config));
        assert_eq!(
            a.channels.get("c"),
            Some(&vec![20, 30, 40, 50]),
            "newest max kept"
        );
        assert!(!a.clone().merge(&a, &config));
    }
}
