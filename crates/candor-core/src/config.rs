//! Site config (CONTRACT §1): parsing and validation.
//!
//! [`Config::from_json`] parses in two steps:
//!
//! 1. **Shape.** serde reads the JSON into private raw structs that reject
//!    unknown fields (`deny_unknown_fields`) and wrong types;
//!    `serde_path_to_error` names the field, e.g.
//!    `signals[0].kind: unknown variant "shoesize", expected one of …`.
//! 2. **Meaning.** The raw document is checked and turned into a [`Config`]:
//!    ids present and unique, references resolved, the policy rules of the
//!    contract enforced. Every error names the field path and the offending
//!    value, e.g. `purposes[2].signals[1]: unknown signal "shoe-size"`.
//!
//! # What is rejected
//!
//! - input larger than [`MAX_CONFIG_BYTES`] (checked before parsing);
//! - unknown fields anywhere, wrong types, trailing garbage;
//! - a missing, empty, over-long (more than [`MAX_ID_LEN`] characters) or
//!   duplicate id (ids are unique within `signals`, within `channels`, within
//!   `purposes`), or an id `__proto__`, `constructor` or `prototype` (the
//!   stored forms refuse those keys, so choices or counted messages under
//!   them could never be read back);
//! - more than [`MAX_ITEMS`] signals, channels or purposes; no purposes;
//! - a purpose naming an unknown signal or channel, or naming one twice;
//! - a purpose listing a `sensitive` signal;
//! - a purpose listing a `demographic` signal while `demographicTargeting` is
//!   `"deny"`;
//! - a required purpose that is `saleOrShare` or has **any** explicit
//!   `duration` (stricter than "non-default": a required purpose simply has no
//!   duration to set);
//! - a cap with `max` below 1 or above [`MAX_CAP`], with no period, with both
//!   `perHours` and `perDays`, or with a period of 0;
//! - `revision` below 0, `expiresAfterDays` or `duration.days` of 0 (or above
//!   [`MAX_DAYS`]);
//! - a `googleConsentMode` key that is not one of the seven Consent Mode v2
//!   types, or naming an unknown purpose;
//! - a `translations` key that is not a known UI text key (see
//!   [`crate::i18n::ui_text`]);
//! - a localized text given as an empty map.
//!
//! # Defaults
//!
//! `revision` 0, `expiresAfterDays` 180, `defaultLanguage` `"en"`,
//! `demographicTargeting` `"deny"`, `required` and `saleOrShare` false,
//! `signals`, `channels`, `cookies` empty, `duration` `{ "days":
//! expiresAfterDays }`, `reloadOnWithdrawal` false.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Largest accepted config document, in bytes (1 MiB).
pub const MAX_CONFIG_BYTES: usize = 1 << 20;
/// Most signals, channels or purposes a config may declare (each).
pub const MAX_ITEMS: usize = 1000;
/// Longest id, in characters.
pub const MAX_ID_LEN: usize = 200;
/// Largest `cap.max`.
pub const MAX_CAP: u32 = 1000;
/// Largest `expiresAfterDays`, `duration.days` and `perDays` (ten years).
pub const MAX_DAYS: u32 = 3650;
/// Largest `perHours` (ten years).
pub const MAX_HOURS: u32 = 87_600;
/// One day in milliseconds.
pub const DAY_MS: u64 = 86_400_000;
/// One hour in milliseconds.
pub const HOUR_MS: u64 = 3_600_000;

/// The seven Google Consent Mode v2 types accepted as `googleConsentMode` keys.
pub const CONSENT_MODE_TYPES: [&str; 7] = [
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
];

/// A validated site config. Construct with [`Config::from_json`].
///
/// The decision code relies on the invariants checked there (for instance
/// that no purpose declares a sensitive signal); build configs through
/// [`Config::from_json`] rather than by hand.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Policy revision; choices made under an older one are `outdated`.
    pub revision: u32,
    /// Link to the privacy policy.
    pub policy_url: Option<String>,
    /// Default lifetime of choices, and lifetime of every refusal.
    pub expires_after_days: u32,
    /// Fallback language tag.
    pub default_language: String,
    /// Whether demographic signals may be declared.
    pub demographic_targeting: DemographicTargeting,
    /// Declared signals.
    pub signals: Vec<Signal>,
    /// Declared channels.
    pub channels: Vec<Channel>,
    /// Declared purposes (non-empty).
    pub purposes: Vec<Purpose>,
    /// Google Consent Mode type → purposes (absent = no Consent Mode).
    pub google_consent_mode: Option<BTreeMap<String, Vec<String>>>,
    /// Language tag → UI text key → text, overriding built-in texts.
    pub translations: BTreeMap<String, BTreeMap<String, String>>,
    /// Optional URL that receives each new receipt (sendBeacon).
    pub receipt_endpoint: Option<String>,
    /// Reload the page when a grant is withdrawn.
    pub reload_on_withdrawal: bool,
}

/// Localized text: one string, or a map from language tag to string.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// Same text in every language.
    Plain(String),
    /// Language tag → text (non-empty).
    Localized(BTreeMap<String, String>),
}

/// What kind of data a signal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignalKind {
    /// What the shopper showed interest in.
    Interest,
    /// Context such as region or device.
    Context,
    /// Age, gender…: refused unless the site discloses demographic targeting.
    Demographic,
    /// Health, religion…: never used.
    Sensitive,
}

/// A declared signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: SignalKind,
    /// Label shown to the shopper.
    pub label: Text,
}

/// A messaging channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// Id.
    pub id: String,
    /// Label, e.g. "by email".
    pub label: Text,
    /// Frequency cap, if any.
    pub cap: Option<Cap>,
}

/// At most `max` messages per sliding window of `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    /// Maximum messages per window (≥ 1).
    pub max: u32,
    /// Window length in ms.
    pub window_ms: u64,
    /// The window as written: hours (`perHours`) or days (`perDays`), for texts.
    pub period: Period,
}

/// A cap's period as the config wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// `perHours`.
    Hours(u32),
    /// `perDays`.
    Days(u32),
}

/// How long a grant lasts.
///
/// ```
/// use candor_core::Duration;
/// assert_eq!(serde_json::to_string(&Duration::Session).unwrap(), r#""session""#);
/// assert_eq!(serde_json::to_string(&Duration::Days(30)).unwrap(), r#"{"days":30}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Duration {
    /// Browser session only. Serializes as `"session"`.
    Session,
    /// N days. Serializes as `{ "days": N }`.
    Days(u32),
}

/// `demographicTargeting`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DemographicTargeting {
    /// Default: demographic signals refused.
    Deny,
    /// The site discloses demographic targeting explicitly.
    Disclosed,
}

/// A purpose the shopper can allow or refuse.
#[derive(Debug, Clone, PartialEq)]
pub struct Purpose {
    /// Id.
    pub id: String,
    /// Always on (essential).
    pub required: bool,
    /// How long a grant lasts (default: `expiresAfterDays` days).
    pub duration: Duration,
    /// Signals this purpose may use.
    pub signals: Vec<String>,
    /// Channels this purpose may message on.
    pub channels: Vec<String>,
    /// Title.
    pub title: Text,
    /// Description.
    pub description: Text,
    /// Sells or shares data (GPC applies).
    pub sale_or_share: bool,
    /// Cookie names or prefixes (ending in `*`) deleted on refusal/withdrawal.
    pub cookies: Vec<String>,
}

/// A config rejection: `path: message`, e.g.
/// `purposes[2].signals[1]: unknown signal "shoe-size"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Field path, e.g. `purposes[2].signals[1]` (empty for the whole document).
    pub path: String,
    /// What is wrong, naming the offending value.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}
impl std::error::Error for ConfigError {}

fn err<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError {
        path: path.into(),
        message: message.into(),
    })
}

// ---------------------------------------------------------------------------
// Raw (shape-only) documents.

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawConfig {
    #[serde(default)]
    revision: i64,
    #[serde(default)]
    policy_url: Option<String>,
    #[serde(default)]
    expires_after_days: Option<i64>,
    #[serde(default)]
    default_language: Option<String>,
    #[serde(default)]
    demographic_targeting: Option<DemographicTargeting>,
    #[serde(default)]
    signals: Vec<RawSignal>,
    #[serde(default)]
    channels: Vec<RawChannel>,
    purposes: Vec<RawPurpose>,
    #[serde(default)]
    google_consent_mode: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    translations: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    receipt_endpoint: Option<String>,
    #[serde(default)]
    reload_on_withdrawal: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawSignal {
    #[serde(default)]
    id: Option<String>,
    kind: SignalKind,
    label: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawChannel {
    #[serde(default)]
    id: Option<String>,
    label: RawText,
    #[serde(default)]
    cap: Option<RawCap>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawCap {
    max: i64,
    #[serde(default)]
    per_hours: Option<i64>,
    #[serde(default)]
    per_days: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawPurpose {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    duration: Option<RawDuration>,
    #[serde(default)]
    signals: Vec<String>,
    #[serde(default)]
    channels: Vec<String>,
    title: RawText,
    description: RawText,
    #[serde(default)]
    sale_or_share: bool,
    #[serde(default)]
    cookies: Vec<String>,
}

/// `"text"` or `{ "en": "text", … }`.
#[derive(Deserialize)]
#[serde(untagged, expecting = "a string or a map from language tag to string")]
enum RawText {
    Plain(String),
    Localized(BTreeMap<String, String>),
}

/// `"session"` or `{ "days": N }`.
#[derive(Deserialize)]
#[serde(untagged, expecting = r#""session" or { "days": N }"#)]
enum RawDuration {
    Named(String),
    Days(RawDays),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDays {
    days: i64,
}

// ---------------------------------------------------------------------------
// Parsing and validation.

impl Config {
    /// Parse and validate a config from JSON text.
    ///
    /// ```
    /// use candor_core::Config;
    ///
    /// let config = Config::from_json(r#"{
    ///   "revision": 1,
    ///   "signals": [{ "id": "cart", "kind": "interest", "label": "Items in your cart" }],
    ///   "purposes": [
    ///     { "id": "offers", "signals": ["cart"], "title": "Offers", "description": "…" }
    ///   ]
    /// }"#).unwrap();
    /// assert_eq!(config.expires_after_days, 180);
    ///
    /// let err = Config::from_json(r#"{
    ///   "purposes": [
    ///     { "id": "offers", "signals": ["shoe-size"], "title": "Offers", "description": "…" }
    ///   ]
    /// }"#).unwrap_err();
    /// assert_eq!(err.to_string(), r#"purposes[0].signals[0]: unknown signal "shoe-size""#);
    /// ```
    pub fn from_json(json: &str) -> Result<Config, ConfigError> {
        if json.len() > MAX_CONFIG_BYTES {
            return err(
                "",
                format!(
                    "config is too large: {} bytes, at most {} allowed",
                    json.len(),
                    MAX_CONFIG_BYTES
                ),
            );
        }
        let mut de = serde_json::Deserializer::from_str(json);
        let raw: RawConfig = match serde_path_to_error::deserialize(&mut de) {
            Ok(raw) => raw,
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                return Err(shape_error(path, &inner));
            }
        };
        if let Err(e) = de.end() {
            return Err(shape_error(String::new(), &e));
        }
        validate(raw)
    }

    /// Purpose by id.
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| same_id(&p.id, id))
    }
    /// Signal by id.
    pub fn signal(&self, id: &str) -> Option<&Signal> {
        self.signals.iter().find(|s| same_id(&s.id, id))
    }
    /// Channel by id.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| same_id(&c.id, id))
    }
    /// Index of a purpose in [`Config::purposes`].
    pub fn purpose_index(&self, id: &str) -> Option<usize> {
        self.purposes.iter().position(|p| same_id(&p.id, id))
    }
    /// Index of a channel in [`Config::channels`].
    pub fn channel_index(&self, id: &str) -> Option<usize> {
        self.channels.iter().position(|c| same_id(&c.id, id))
    }
}

/// A serde error, with serde_json's ` at line L column C` suffix dropped
/// for data errors, where the path says where (kept for syntax errors).
fn shape_error(path: String, e: &serde_json::Error) -> ConfigError {
    let path = if path == "." { String::new() } else { path };
    let mut message = e.to_string();
    if e.is_data() {
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_string();
        }
    }
    ConfigError { path, message }
}

/// `a == b`, quicker on the ids a config holds: ids often share a prefix
/// (`purpose-1`, `purpose-2`…), so the length and the last eight bytes are
/// compared inline before the full comparison.
#[inline]
pub(crate) fn same_id(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let tail = |s: &str| {
        s.as_bytes()
            .get(s.len().saturating_sub(8)..)
            .and_then(|t| <[u8; 8]>::try_from(t).ok())
            .map(u64::from_ne_bytes)
    };
    match (tail(a), tail(b)) {
        (Some(x), Some(y)) if x != y => false,
        _ => a == b,
    }
}

fn check_id(path: &str, id: Option<String>, seen: &[&str]) -> Result<String, ConfigError> {
    let id = match id {
        Some(id) if !id.is_empty() => id,
        Some(_) => return err(format!("{path}.id"), "missing id (empty string)"),
        None => return err(format!("{path}.id"), "missing id"),
    };
    if id.chars().count() > MAX_ID_LEN {
        return err(
            format!("{path}.id"),
            format!("id is too long: more than {MAX_ID_LEN} characters"),
        );
    }
    if seen.contains(&id.as_str()) {
        return err(format!("{path}.id"), format!("duplicate id {id:?}"));
    }
    if ["__proto__", "constructor", "prototype"].contains(&id.as_str()) {
        return err(
            format!("{path}.id"),
            format!("id {id:?} is reserved (JavaScript object key)"),
        );
    }
    Ok(id)
}

fn check_text(path: &str, raw: RawText) -> Result<Text, ConfigError> {
    match raw {
        RawText::Plain(s) => Ok(Text::Plain(s)),
        RawText::Localized(map) if map.is_empty() => err(
            path,
            "empty map: give a string or at least one language tag",
        ),
        RawText::Localized(map) => Ok(Text::Localized(map)),
    }
}

fn check_range(path: &str, value: i64, min: i64, max: i64) -> Result<u32, ConfigError> {
    if value < min {
        if min == 0 {
            return err(path, format!("must be 0 or more, got {value}"));
        }
        return err(path, format!("must be at least {min}, got {value}"));
    }
    if value > max {
        return err(path, format!("must be at most {max}, got {value}"));
    }
    u32::try_from(value).or_else(|_| err(path, format!("out of range, got {value}")))
}

fn check_count(path: &str, n: usize) -> Result<(), ConfigError> {
    if n > MAX_ITEMS {
        return err(
            path,
            format!("too many entries: {n}, at most {MAX_ITEMS} allowed"),
        );
    }
    Ok(())
}

fn validate(raw: RawConfig) -> Result<Config, ConfigError> {
    let revision = check_range("revision", raw.revision, 0, i64::from(u32::MAX))?;
    let expires_after_days = match raw.expires_after_days {
        None => 180,
        Some(d) => check_range("expiresAfterDays", d, 1, i64::from(MAX_DAYS))?,
    };
    let default_language = match raw.default_language {
        None => "en".to_string(),
        Some(l) if l.is_empty() => return err("defaultLanguage", "must not be empty"),
        Some(l) => l,
    };
    let demographic_targeting = raw
        .demographic_targeting
        .unwrap_or(DemographicTargeting::Deny);

    check_count("signals", raw.signals.len())?;
    check_count("channels", raw.channels.len())?;
    check_count("purposes", raw.purposes.len())?;
    if raw.purposes.is_empty() {
        return err("purposes", "must list at least one purpose");
    }

    let mut signals: Vec<Signal> = Vec::with_capacity(raw.signals.len());
    for (i, s) in raw.signals.into_iter().enumerate() {
        let path = format!("signals[{i}]");
        let seen: Vec<&str> = signals.iter().map(|s| s.id.as_str()).collect();
        let id = check_id(&path, s.id, &seen)?;
        let label = check_text(&format!("{path}.label"), s.label)?;
        signals.push(Signal {
            id,
            kind: s.kind,
            label,
        });
    }

    let mut channels: Vec<Channel> = Vec::with_capacity(raw.channels.len());
    for (i, c) in raw.channels.into_iter().enumerate() {
        let path = format!("channels[{i}]");
        let seen: Vec<&str> = channels.iter().map(|c| c.id.as_str()).collect();
        let id = check_id(&path, c.id, &seen)?;
        let label = check_text(&format!("{path}.label"), c.label)?;
        let cap = match c.cap {
            None => None,
            Some(cap) => Some(check_cap(&format!("{path}.cap"), cap)?),
        };
        channels.push(Channel { id, label, cap });
    }

    let mut purposes: Vec<Purpose> = Vec::with_capacity(raw.purposes.len());
    for (i, p) in raw.purposes.into_iter().enumerate() {
        let path = format!("purposes[{i}]");
        let seen: Vec<&str> = purposes.iter().map(|p| p.id.as_str()).collect();
        let id = check_id(&path, p.id, &seen)?;
        check_count(&format!("{path}.signals"), p.signals.len())?;
        check_count(&format!("{path}.channels"), p.channels.len())?;
        check_count(&format!("{path}.cookies"), p.cookies.len())?;
        for (j, sid) in p.signals.iter().enumerate() {
            let spath = format!("{path}.signals[{j}]");
            let Some(signal) = signals.iter().find(|s| &s.id == sid) else {
                return err(spath, format!("unknown signal {sid:?}"));
            };
            if p.signals.iter().take(j).any(|other| other == sid) {
                return err(spath, format!("duplicate signal {sid:?}"));
            }
            match signal.kind {
                SignalKind::Sensitive => {
                    return err(
                        spath,
                        format!("signal {sid:?} is sensitive and cannot be used by a purpose"),
                    )
                }
                SignalKind::Demographic
                    if demographic_targeting == DemographicTargeting::Deny =>
                {
                    return err(
                        spath,
                        format!(
                            "signal {sid:?} is demographic, which needs \"demographicTargeting\": \"disclosed\""
                        ),
                    )
                }
                _ => {}
            }
        }
        for (j, cid) in p.channels.iter().enumerate() {
            let cpath = format!("{path}.channels[{j}]");
            if !channels.iter().any(|c| &c.id == cid) {
                return err(cpath, format!("unknown channel {cid:?}"));
            }
            if p.channels.iter().take(j).any(|other| other == cid) {
                return err(cpath, format!("duplicate channel {cid:?}"));
            }
        }
        for (j, cookie) in p.cookies.iter().enumerate() {
            let cpath = format!("{path}.cookies[{j}]");
            let name = cookie.strip_suffix('*').unwrap_or(cookie);
            if name.is_empty() {
                return err(cpath, format!("cookie name or prefix is empty: {cookie:?}"));
            }
            if name.contains('*') {
                return err(
                    cpath,
                    format!("\"*\" may only end a cookie prefix, got {cookie:?}"),
                );
            }
        }
        if p.required && p.sale_or_share {
            return err(
                format!("{path}.saleOrShare"),
                format!("required purpose {id:?} cannot also sell or share data"),
            );
        }
        let duration = match p.duration {
            None => Duration::Days(expires_after_days),
            Some(_) if p.required => {
                return err(
                    format!("{path}.duration"),
                    format!(
                        "required purpose {id:?} cannot set a duration (it always has the default)"
                    ),
                )
            }
            Some(RawDuration::Named(name)) if name == "session" => Duration::Session,
            Some(RawDuration::Named(name)) => {
                return err(
                    format!("{path}.duration"),
                    format!(r#"expected "session" or {{ "days": N }}, got {name:?}"#),
                )
            }
            Some(RawDuration::Days(d)) => Duration::Days(check_range(
                &format!("{path}.duration.days"),
                d.days,
                1,
                i64::from(MAX_DAYS),
            )?),
        };
        let title = check_text(&format!("{path}.title"), p.title)?;
        let description = check_text(&format!("{path}.description"), p.description)?;
        purposes.push(Purpose {
            id,
            required: p.required,
            duration,
            signals: p.signals,
            channels: p.channels,
            title,
            description,
            sale_or_share: p.sale_or_share,
            cookies: p.cookies,
        });
    }

    if let Some(gcm) = &raw.google_consent_mode {
        for (key, ids) in gcm {
            let path = format!("googleConsentMode.{key}");
            if !CONSENT_MODE_TYPES.contains(&key.as_str()) {
                return err(
                    path,
                    format!(
                        "unknown Consent Mode type {key:?}, expected one of {}",
                        CONSENT_MODE_TYPES.join(", ")
                    ),
                );
            }
            check_count(&path, ids.len())?;
            for (j, pid) in ids.iter().enumerate() {
                if !purposes.iter().any(|p| &p.id == pid) {
                    return err(format!("{path}[{j}]"), format!("unknown purpose {pid:?}"));
                }
            }
        }
    }

    for (lang, texts) in &raw.translations {
        if lang.is_empty() {
            return err("translations", "empty language tag");
        }
        for key in texts.keys() {
            if !crate::i18n::KEYS.contains(&key.as_str()) {
                return err(
                    format!("translations.{lang}.{key}"),
                    format!("unknown text key {key:?}"),
                );
            }
        }
    }

    Ok(Config {
        revision,
        policy_url: raw.policy_url,
        expires_after_days,
        default_language,
        demographic_targeting,
        signals,
        channels,
        purposes,
        google_consent_mode: raw.google_consent_mode,
        translations: raw.translations,
        receipt_endpoint: raw.receipt_endpoint,
        reload_on_withdrawal: raw.reload_on_withdrawal,
    })
}

fn check_cap(path: &str, cap: RawCap) -> Result<Cap, ConfigError> {
    let max = check_range(&format!("{path}.max"), cap.max, 1, i64::from(MAX_CAP))?;
    let period = match (cap.per_hours, cap.per_days) {
        (None, None) => return err(path, "needs a period: perHours or perDays"),
        (Some(h), Some(d)) => {
            return err(
                path,
                format!("give perHours or perDays, not both (got perHours {h} and perDays {d})"),
            )
        }
        (Some(h), None) => Period::Hours(check_range(
            &format!("{path}.perHours"),
            h,
            1,
            i64::from(MAX_HOURS),
        )?),
        (None, Some(d)) => Period::Days(check_range(
            &format!("{path}.perDays"),
            d,
            1,
            i64::from(MAX_DAYS),
        )?),
    };
    let window_ms = match period {
        Period::Hours(h) => u64::from(h) * HOUR_MS,
        Period::Days(d) => u64::from(d) * DAY_MS,
    };
    Ok(Cap {
        max,
        window_ms,
        period,
    })
}

// ---------------------------------------------------------------------------
// Text lookup.

/// The base language of a tag: `fr` for `fr-CA` (or `fr_CA`).
pub(crate) fn base_language(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

impl Text {
    /// Best text for `lang`: exact tag, then base language (`fr` for `fr-CA`),
    /// then `default_lang`, then the first available. Tags compare
    /// case-insensitively.
    ///
    /// ```
    /// use candor_core::Text;
    /// let t = Text::Localized([
    ///     ("en".to_string(), "Offers".to_string()),
    ///     ("fr".to_string(), "Offres".to_string()),
    /// ].into());
    /// assert_eq!(t.get("fr-CA", "en"), "Offres");
    /// assert_eq!(t.get("de", "en"), "Offers");
    /// ```
    pub fn get<'a>(&'a self, lang: &str, default_lang: &str) -> &'a str {
        match self {
            Text::Plain(s) => s,
            Text::Localized(map) => {
                let find = |tag: &str| {
                    map.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(tag))
                        .map(|(_, v)| v.as_str())
                };
                find(lang)
                    .or_else(|| find(base_language(lang)))
                    .or_else(|| find(default_lang))
                    .or_else(|| find(base_language(default_lang)))
                    .or_else(|| map.values().next().map(String::as_str))
                    .unwrap_or("")
            }
        }
    }
}
