//! Every size limit Candor enforces, in one place. The config reader, the
//! stored-form decoders, the request checks and the widget all use these
//! constants; none is written out twice.

/// Longest id, in characters: purpose, signal and channel ids in a config,
/// in a request and in the stored forms, consent and session ids.
pub const MAX_ID_LEN: usize = 200;
/// Most signals one request may name.
pub const MAX_REQUEST_SIGNALS: usize = 64;
/// Longest language tag considered (BCP 47 tags in practice are far shorter).
pub const MAX_LANG_LEN: usize = 35;
/// Largest accepted config document, in bytes (1 MiB).
pub const MAX_CONFIG_BYTES: usize = 1 << 20;
/// Most signals, channels or purposes a config may declare (each), and most
/// entries in one list of a config.
pub const MAX_ITEMS: usize = 1000;
/// Largest `cap.max`.
pub const MAX_CAP: u32 = 1000;
/// Largest `expiresAfterDays`, `duration.days` and `perDays` (ten years).
pub const MAX_DAYS: u32 = 3650;
/// Largest `perHours` (ten years).
pub const MAX_HOURS: u32 = 87_600;
/// Largest stored value accepted, in bytes (64 KiB).
pub const MAX_STORED_BYTES: usize = 64 * 1024;
/// Most purposes in a stored record, or delivery times in a stored ledger.
pub const MAX_ENTRIES: usize = 1000;
/// Latest accepted timestamp: 9999-12-31T23:59:59.999Z.
pub const MAX_TIME: u64 = 253_402_300_799_999;
/// Largest language file (`i18n/<lang>.txt`) accepted, in bytes.
pub const MAX_TABLE_BYTES: usize = 32 * 1024;
/// Longest URL a config may carry, in bytes.
pub const MAX_URL_LEN: usize = 2048;
