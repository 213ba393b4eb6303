//! Per-channel frequency ledger: sliding windows of delivery times.

use std::collections::BTreeMap;

/// Channel id → delivery times (epoch ms, ascending), bounded: entries outside
/// every window are forgotten, and at most `cap.max` are kept per channel.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ledger {
    /// Channel id → ascending delivery times.
    pub channels: BTreeMap<String, Vec<u64>>,
}
