//! Site config (CONTRACT §1): parsing and validation.
//!
//! [`Config::from_json`] parses in two steps:
//!
//! 1. **Shape.** [`crate::json`] reads the text into a tree (syntax errors
//!    keep serde_json's wording and `at line L column C`), then private raw
//!    structs are filled by hand, rejecting unknown fields and wrong types
//!    with serde's wording and the field's path, e.g.
//!    ``signals[0].kind: unknown variant `shoesize`, expected one of …``.
//!    (No serde in the wasm: see `docs/size.md`.)
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

use crate::json::{self, u64_text, Value};
use crate::SortedMap;

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
    pub google_consent_mode: Option<SortedMap<String, Vec<String>>>,
    /// Language tag → UI text key → text, overriding built-in texts.
    pub translations: SortedMap<String, SortedMap<String, String>>,
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
    Localized(SortedMap<String, String>),
}

/// What kind of data a signal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
/// assert_eq!(Duration::Session.to_json(), r#""session""#);
/// assert_eq!(Duration::Days(30).to_json(), r#"{"days":30}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duration {
    /// Browser session only. Serializes as `"session"`.
    Session,
    /// N days. Serializes as `{ "days": N }`.
    Days(u32),
}

impl Duration {
    /// Append the JSON form: `"session"` or `{"days":N}`.
    pub fn write_json(self, out: &mut String) {
        match self {
            Duration::Session => out.push_str("\"session\""),
            Duration::Days(n) => {
                out.push_str("{\"days\":");
                json::push_u64(out, u64::from(n));
                out.push('}');
            }
        }
    }
    /// The JSON form: `"session"` or `{"days":N}`.
    pub fn to_json(self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

/// `demographicTargeting`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
// Raw (shape-only) documents, read from a `json::Value` tree by hand with
// serde's messages: `unknown field `x`, expected one of …`, `invalid type:
// string "1", expected i64`, `missing field `purposes``.

struct RawConfig {
    revision: i64,
    policy_url: Option<String>,
    expires_after_days: Option<i64>,
    default_language: Option<String>,
    demographic_targeting: Option<DemographicTargeting>,
    signals: Vec<RawSignal>,
    channels: Vec<RawChannel>,
    purposes: Vec<RawPurpose>,
    google_consent_mode: Option<SortedMap<String, Vec<String>>>,
    translations: SortedMap<String, SortedMap<String, String>>,
    receipt_endpoint: Option<String>,
    reload_on_withdrawal: bool,
}

struct RawSignal {
    id: Option<String>,
    kind: SignalKind,
    label: RawText,
}

struct RawChannel {
    id: Option<String>,
    label: RawText,
    cap: Option<RawCap>,
}

struct RawCap {
    max: i64,
    per_hours: Option<i64>,
    per_days: Option<i64>,
}

struct RawPurpose {
    id: Option<String>,
    required: bool,
    duration: Option<RawDuration>,
    signals: Vec<String>,
    channels: Vec<String>,
    title: RawText,
    description: RawText,
    sale_or_share: bool,
    cookies: Vec<String>,
}

/// `"text"` or `{ "en": "text", … }`.
enum RawText {
    Plain(String),
    Localized(SortedMap<String, String>),
}

/// `"session"` or `{ "days": N }`.
enum RawDuration {
    Named(String),
    Days(i64),
}

type Shape<T> = Result<T, ConfigError>;

/// `path.key` (`key` at the top).
fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        [path, ".", key].concat()
    }
}

/// `path[i]`.
fn index_path(path: &str, i: usize) -> String {
    [path, "[", &u64_text(i as u64), "]"].concat()
}

/// `s` quoted as Rust's `{:?}` writes it for the texts a config holds:
/// `"`, `\`, `\n`, `\r`, `\t` and `\0` escaped, other control characters as
/// `\u{…}`.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str("\\u{");
                let n = c as u32;
                if n >= 16 {
                    out.push(char::from_digit(n >> 4, 16).unwrap_or('0'));
                }
                out.push(char::from_digit(n & 15, 16).unwrap_or('0'));
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// serde's `expected …` list: `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``.
fn one_of(names: &[&str]) -> String {
    let mut out = String::from("expected ");
    match names {
        [a, b] => return [&out, "`", a, "` or `", b, "`"].concat(),
        [_] => {}
        _ => out.push_str("one of "),
    }
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(name);
        out.push('`');
    }
    out
}

/// serde_json's description of an unexpected value.
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => (if *b {
            "boolean `true`"
        } else {
            "boolean `false`"
        })
        .into(),
        Value::Number(n) if v.is_integer() => ["integer `", n, "`"].concat(),
        Value::Number(n) => ["floating point `", n, "`"].concat(),
        Value::String(s) => ["string ", &quote(s)].concat(),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

fn invalid_type<T>(path: &str, v: &Value, expected: &str) -> Shape<T> {
    err(
        path,
        ["invalid type: ", &unexpected(v), ", expected ", expected].concat(),
    )
}

fn missing<T>(path: &str, field: &str) -> Shape<T> {
    err(path, ["missing field `", field, "`"].concat())
}

/// The members of a struct-like object; anything else is a type error.
fn members<'v>(path: &str, v: &'v Value, name: &str) -> Shape<&'v [(String, Value)]> {
    match v {
        Value::Object(m) => Ok(m),
        _ => invalid_type(path, v, &["struct ", name].concat()),
    }
}

fn unknown_field<T>(path: &str, key: &str, fields: &[&str]) -> Shape<T> {
    err(
        key_path(path, key),
        ["unknown field `", key, "`, ", &one_of(fields)].concat(),
    )
}

fn int(path: &str, v: &Value) -> Shape<i64> {
    if let Some(n) = v.as_i64() {
        return Ok(n);
    }
    match v {
        Value::Number(n) if v.is_integer() && !n.starts_with('-') && v.as_u64().is_some() => err(
            path,
            ["invalid value: integer `", n, "`, expected i64"].concat(),
        ),
        _ => invalid_type(path, v, "i64"),
    }
}

fn opt_int(path: &str, v: &Value) -> Shape<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        v => int(path, v).map(Some),
    }
}

fn string(path: &str, v: &Value) -> Shape<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => invalid_type(path, v, "a string"),
    }
}

fn opt_string(path: &str, v: &Value) -> Shape<Option<String>> {
    match v {
        Value::Null => Ok(None),
        v => string(path, v).map(Some),
    }
}

fn boolean(path: &str, v: &Value) -> Shape<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        _ => invalid_type(path, v, "a boolean"),
    }
}

fn strings(path: &str, v: &Value) -> Shape<Vec<String>> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, s)| string(&index_path(path, i), s))
            .collect(),
        _ => invalid_type(path, v, "a sequence"),
    }
}

fn map<T>(
    path: &str,
    v: &Value,
    item: fn(&str, &Value) -> Shape<T>,
) -> Shape<SortedMap<String, T>> {
    match v {
        Value::Object(m) => {
            let mut out = SortedMap::new();
            for (k, v) in m {
                out.insert(k.clone(), item(&key_path(path, k), v)?);
            }
            Ok(out)
        }
        _ => invalid_type(path, v, "a map"),
    }
}

fn list<T>(path: &str, v: &Value, item: fn(&str, &Value) -> Shape<T>) -> Shape<Vec<T>> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, x)| item(&index_path(path, i), x))
            .collect(),
        _ => invalid_type(path, v, "a sequence"),
    }
}

/// A unit-variant enum written as a string.
fn variant<T: Copy>(path: &str, v: &Value, name: &str, variants: &[(&str, T)]) -> Shape<T> {
    let Value::String(s) = v else {
        return invalid_type(path, v, &["enum ", name].concat());
    };
    if let Some((_, x)) = variants.iter().find(|(n, _)| n == s) {
        return Ok(*x);
    }
    let names: Vec<&str> = variants.iter().map(|(n, _)| *n).collect();
    err(
        path,
        ["unknown variant `", s, "`, ", &one_of(&names)].concat(),
    )
}

const CONFIG_FIELDS: [&str; 12] = [
    "revision",
    "policyUrl",
    "expiresAfterDays",
    "defaultLanguage",
    "demographicTargeting",
    "signals",
    "channels",
    "purposes",
    "googleConsentMode",
    "translations",
    "receiptEndpoint",
    "reloadOnWithdrawal",
];

fn raw_config(v: &Value) -> Shape<RawConfig> {
    let mut raw = RawConfig {
        revision: 0,
        policy_url: None,
        expires_after_days: None,
        default_language: None,
        demographic_targeting: None,
        signals: Vec::new(),
        channels: Vec::new(),
        purposes: Vec::new(),
        google_consent_mode: None,
        translations: SortedMap::new(),
        receipt_endpoint: None,
        reload_on_withdrawal: false,
    };
    let mut has_purposes = false;
    for (k, v) in members("", v, "RawConfig")? {
        let p = k.as_str();
        match p {
            "revision" => raw.revision = int(p, v)?,
            "policyUrl" => raw.policy_url = opt_string(p, v)?,
            "expiresAfterDays" => raw.expires_after_days = opt_int(p, v)?,
            "defaultLanguage" => raw.default_language = opt_string(p, v)?,
            "demographicTargeting" => {
                raw.demographic_targeting = match v {
                    Value::Null => None,
                    v => Some(variant(
                        p,
                        v,
                        "DemographicTargeting",
                        &[
                            ("deny", DemographicTargeting::Deny),
                            ("disclosed", DemographicTargeting::Disclosed),
                        ],
                    )?),
                }
            }
            "signals" => raw.signals = list(p, v, raw_signal)?,
            "channels" => raw.channels = list(p, v, raw_channel)?,
            "purposes" => {
                raw.purposes = list(p, v, raw_purpose)?;
                has_purposes = true;
            }
            "googleConsentMode" => {
                raw.google_consent_mode = match v {
                    Value::Null => None,
                    v => Some(map(p, v, strings)?),
                }
            }
            "translations" => raw.translations = map(p, v, |p, v| map(p, v, string))?,
            "receiptEndpoint" => raw.receipt_endpoint = opt_string(p, v)?,
            "reloadOnWithdrawal" => raw.reload_on_withdrawal = boolean(p, v)?,
            _ => return unknown_field("", k, &CONFIG_FIELDS),
        }
    }
    if !has_purposes {
        return missing("", "purposes");
    }
    Ok(raw)
}

fn raw_signal(path: &str, v: &Value) -> Shape<RawSignal> {
    let (mut id, mut kind, mut label) = (None, None, None);
    for (k, v) in members(path, v, "RawSignal")? {
        let p = &key_path(path, k);
        match k.as_str() {
            "id" => id = opt_string(p, v)?,
            "kind" => {
                kind = Some(variant(
                    p,
                    v,
                    "SignalKind",
                    &[
                        ("interest", SignalKind::Interest),
                        ("context", SignalKind::Context),
                        ("demographic", SignalKind::Demographic),
                        ("sensitive", SignalKind::Sensitive),
                    ],
                )?)
            }
            "label" => label = Some(raw_text(p, v)?),
            _ => return unknown_field(path, k, &["id", "kind", "label"]),
        }
    }
    let Some(kind) = kind else {
        return missing(path, "kind");
    };
    let Some(label) = label else {
        return missing(path, "label");
    };
    Ok(RawSignal { id, kind, label })
}

fn raw_channel(path: &str, v: &Value) -> Shape<RawChannel> {
    let (mut id, mut label, mut cap) = (None, None, None);
    for (k, v) in members(path, v, "RawChannel")? {
        let p = &key_path(path, k);
        match k.as_str() {
            "id" => id = opt_string(p, v)?,
            "label" => label = Some(raw_text(p, v)?),
            "cap" => {
                cap = match v {
                    Value::Null => None,
                    v => Some(raw_cap(p, v)?),
                }
            }
            _ => return unknown_field(path, k, &["id", "label", "cap"]),
        }
    }
    let Some(label) = label else {
        return missing(path, "label");
    };
    Ok(RawChannel { id, label, cap })
}

fn raw_cap(path: &str, v: &Value) -> Shape<RawCap> {
    let (mut max, mut per_hours, mut per_days) = (None, None, None);
    for (k, v) in members(path, v, "RawCap")? {
        let p = &key_path(path, k);
        match k.as_str() {
            "max" => max = Some(int(p, v)?),
            "perHours" => per_hours = opt_int(p, v)?,
            "perDays" => per_days = opt_int(p, v)?,
            _ => return unknown_field(path, k, &["max", "perHours", "perDays"]),
        }
    }
    let Some(max) = max else {
        return missing(path, "max");
    };
    Ok(RawCap {
        max,
        per_hours,
        per_days,
    })
}

const PURPOSE_FIELDS: [&str; 9] = [
    "id",
    "required",
    "duration",
    "signals",
    "channels",
    "title",
    "description",
    "saleOrShare",
    "cookies",
];

fn raw_purpose(path: &str, v: &Value) -> Shape<RawPurpose> {
    let mut id = None;
    let mut required = false;
    let mut duration = None;
    let mut signals = Vec::new();
    let mut channels = Vec::new();
    let mut title = None;
    let mut description = None;
    let mut sale_or_share = false;
    let mut cookies = Vec::new();
    for (k, v) in members(path, v, "RawPurpose")? {
        let p = &key_path(path, k);
        match k.as_str() {
            "id" => id = opt_string(p, v)?,
            "required" => required = boolean(p, v)?,
            "duration" => {
                duration = match v {
                    Value::Null => None,
                    v => Some(raw_duration(p, v)?),
                }
            }
            "signals" => signals = strings(p, v)?,
            "channels" => channels = strings(p, v)?,
            "title" => title = Some(raw_text(p, v)?),
            "description" => description = Some(raw_text(p, v)?),
            "saleOrShare" => sale_or_share = boolean(p, v)?,
            "cookies" => cookies = strings(p, v)?,
            _ => return unknown_field(path, k, &PURPOSE_FIELDS),
        }
    }
    let Some(title) = title else {
        return missing(path, "title");
    };
    let Some(description) = description else {
        return missing(path, "description");
    };
    Ok(RawPurpose {
        id,
        required,
        duration,
        signals,
        channels,
        title,
        description,
        sale_or_share,
        cookies,
    })
}

fn raw_text(path: &str, v: &Value) -> Shape<RawText> {
    match v {
        Value::String(s) => return Ok(RawText::Plain(s.clone())),
        Value::Object(m) => {
            let mut out = SortedMap::new();
            for (k, v) in m {
                match v {
                    Value::String(s) => out.insert(k.clone(), s.clone()),
                    _ => break,
                };
            }
            if out.len() == m.len() {
                return Ok(RawText::Localized(out));
            }
        }
        _ => {}
    }
    err(path, "a string or a map from language tag to string")
}

fn raw_duration(path: &str, v: &Value) -> Shape<RawDuration> {
    match v {
        Value::String(s) => return Ok(RawDuration::Named(s.clone())),
        Value::Object(m) => {
            if let [(k, n)] = m.as_slice() {
                if let (true, Some(days)) = (k == "days", n.as_i64()) {
                    return Ok(RawDuration::Days(days));
                }
            }
        }
        _ => {}
    }
    err(path, r#""session" or { "days": N }"#)
}

// ---------------------------------------------------------------------------
// Parsing and validation.

impl ConfigError {
    /// `path: message` (or the message alone), as [`Display`](std::fmt::Display)
    /// writes it, without `core::fmt` (for the wasm build).
    pub fn to_text(&self) -> String {
        if self.path.is_empty() {
            self.message.clone()
        } else {
            [self.path.as_str(), ": ", &self.message].concat()
        }
    }
}

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
                [
                    "config is too large: ",
                    &u64_text(json.len() as u64),
                    " bytes, at most ",
                    &u64_text(MAX_CONFIG_BYTES as u64),
                    " allowed",
                ]
                .concat(),
            );
        }
        let value = json::parse(json).map_err(|e| ConfigError {
            path: e.path,
            message: e.message,
        })?;
        validate(raw_config(&value)?)
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
        Some(_) => return err([path, ".id"].concat(), "missing id (empty string)"),
        None => return err([path, ".id"].concat(), "missing id"),
    };
    if id.chars().count() > MAX_ID_LEN {
        return err(
            [path, ".id"].concat(),
            [
                "id is too long: more than ",
                &u64_text(MAX_ID_LEN as u64),
                " characters",
            ]
            .concat(),
        );
    }
    if seen.contains(&id.as_str()) {
        return err(
            [path, ".id"].concat(),
            ["duplicate id ", &quote(&id)].concat(),
        );
    }
    if ["__proto__", "constructor", "prototype"].contains(&id.as_str()) {
        return err(
            [path, ".id"].concat(),
            ["id ", &quote(&id), " is reserved (JavaScript object key)"].concat(),
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
            return err(path, ["must be 0 or more, got ", &int_text(value)].concat());
        }
        return err(
            path,
            [
                "must be at least ",
                &int_text(min),
                ", got ",
                &int_text(value),
            ]
            .concat(),
        );
    }
    if value > max {
        return err(
            path,
            [
                "must be at most ",
                &int_text(max),
                ", got ",
                &int_text(value),
            ]
            .concat(),
        );
    }
    u32::try_from(value).or_else(|_| err(path, ["out of range, got ", &int_text(value)].concat()))
}

fn int_text(n: i64) -> String {
    let mut out = String::new();
    json::push_i64(&mut out, n);
    out
}

fn check_count(path: &str, n: usize) -> Result<(), ConfigError> {
    if n > MAX_ITEMS {
        return err(
            path,
            [
                "too many entries: ",
                &u64_text(n as u64),
                ", at most ",
                &u64_text(MAX_ITEMS as u64),
                " allowed",
            ]
            .concat(),
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
        let path = index_path("signals", i);
        let seen: Vec<&str> = signals.iter().map(|s| s.id.as_str()).collect();
        let id = check_id(&path, s.id, &seen)?;
        let label = check_text(&[&path, ".label"].concat(), s.label)?;
        signals.push(Signal {
            id,
            kind: s.kind,
            label,
        });
    }

    let mut channels: Vec<Channel> = Vec::with_capacity(raw.channels.len());
    for (i, c) in raw.channels.into_iter().enumerate() {
        let path = index_path("channels", i);
        let seen: Vec<&str> = channels.iter().map(|c| c.id.as_str()).collect();
        let id = check_id(&path, c.id, &seen)?;
        let label = check_text(&[&path, ".label"].concat(), c.label)?;
        let cap = match c.cap {
            None => None,
            Some(cap) => Some(check_cap(&[&path, ".cap"].concat(), cap)?),
        };
        channels.push(Channel { id, label, cap });
    }

    let mut purposes: Vec<Purpose> = Vec::with_capacity(raw.purposes.len());
    for (i, p) in raw.purposes.into_iter().enumerate() {
        let path = index_path("purposes", i);
        let seen: Vec<&str> = purposes.iter().map(|p| p.id.as_str()).collect();
        let id = check_id(&path, p.id, &seen)?;
        check_count(&[&path, ".signals"].concat(), p.signals.len())?;
        check_count(&[&path, ".channels"].concat(), p.channels.len())?;
        check_count(&[&path, ".cookies"].concat(), p.cookies.len())?;
        for (j, sid) in p.signals.iter().enumerate() {
            let spath = index_path(&[&path, ".signals"].concat(), j);
            let Some(signal) = signals.iter().find(|s| &s.id == sid) else {
                return err(spath, ["unknown signal ", &quote(sid)].concat());
            };
            if p.signals.iter().take(j).any(|other| other == sid) {
                return err(spath, ["duplicate signal ", &quote(sid)].concat());
            }
            match signal.kind {
                SignalKind::Sensitive => {
                    return err(
                        spath,
                        [
                            "signal ",
                            &quote(sid),
                            " is sensitive and cannot be used by a purpose",
                        ]
                        .concat(),
                    )
                }
                SignalKind::Demographic if demographic_targeting == DemographicTargeting::Deny => {
                    return err(
                        spath,
                        [
                            "signal ",
                            &quote(sid),
                            " is demographic, which needs \"demographicTargeting\": \"disclosed\"",
                        ]
                        .concat(),
                    )
                }
                _ => {}
            }
        }
        for (j, cid) in p.channels.iter().enumerate() {
            let cpath = index_path(&[&path, ".channels"].concat(), j);
            if !channels.iter().any(|c| &c.id == cid) {
                return err(cpath, ["unknown channel ", &quote(cid)].concat());
            }
            if p.channels.iter().take(j).any(|other| other == cid) {
                return err(cpath, ["duplicate channel ", &quote(cid)].concat());
            }
        }
        for (j, cookie) in p.cookies.iter().enumerate() {
            let cpath = index_path(&[&path, ".cookies"].concat(), j);
            let name = cookie.strip_suffix('*').unwrap_or(cookie);
            if name.is_empty() {
                return err(
                    cpath,
                    ["cookie name or prefix is empty: ", &quote(cookie)].concat(),
                );
            }
            if name.contains('*') {
                return err(
                    cpath,
                    ["\"*\" may only end a cookie prefix, got ", &quote(cookie)].concat(),
                );
            }
        }
        if p.required && p.sale_or_share {
            return err(
                [&path, ".saleOrShare"].concat(),
                [
                    "required purpose ",
                    &quote(&id),
                    " cannot also sell or share data",
                ]
                .concat(),
            );
        }
        let duration = match p.duration {
            None => Duration::Days(expires_after_days),
            Some(_) if p.required => {
                return err(
                    [&path, ".duration"].concat(),
                    [
                        "required purpose ",
                        &quote(&id),
                        " cannot set a duration (it always has the default)",
                    ]
                    .concat(),
                )
            }
            Some(RawDuration::Named(name)) if name == "session" => Duration::Session,
            Some(RawDuration::Named(name)) => {
                return err(
                    [&path, ".duration"].concat(),
                    [
                        r#"expected "session" or { "days": N }, got "#,
                        &quote(&name),
                    ]
                    .concat(),
                )
            }
            Some(RawDuration::Days(d)) => Duration::Days(check_range(
                &[&path, ".duration.days"].concat(),
                d,
                1,
                i64::from(MAX_DAYS),
            )?),
        };
        let title = check_text(&[&path, ".title"].concat(), p.title)?;
        let description = check_text(&[&path, ".description"].concat(), p.description)?;
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
            let path = key_path("googleConsentMode", key);
            if !CONSENT_MODE_TYPES.contains(&key.as_str()) {
                return err(
                    path,
                    [
                        "unknown Consent Mode type ",
                        &quote(key),
                        ", expected one of ",
                        &CONSENT_MODE_TYPES.join(", "),
                    ]
                    .concat(),
                );
            }
            check_count(&path, ids.len())?;
            for (j, pid) in ids.iter().enumerate() {
                if !purposes.iter().any(|p| &p.id == pid) {
                    return err(
                        index_path(&path, j),
                        ["unknown purpose ", &quote(pid)].concat(),
                    );
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
                    ["translations.", lang, ".", key].concat(),
                    ["unknown text key ", &quote(key)].concat(),
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
    let max = check_range(&[path, ".max"].concat(), cap.max, 1, i64::from(MAX_CAP))?;
    let period = match (cap.per_hours, cap.per_days) {
        (None, None) => return err(path, "needs a period: perHours or perDays"),
        (Some(h), Some(d)) => {
            return err(
                path,
                [
                    "give perHours or perDays, not both (got perHours ",
                    &int_text(h),
                    " and perDays ",
                    &int_text(d),
                    ")",
                ]
                .concat(),
            )
        }
        (Some(h), None) => Period::Hours(check_range(
            &[path, ".perHours"].concat(),
            h,
            1,
            i64::from(MAX_HOURS),
        )?),
        (None, Some(d)) => Period::Days(check_range(
            &[path, ".perDays"].concat(),
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
