//! Site config (CONTRACT §1): parsing and validation.
//!
//! [`Config::from_json`] parses in two steps:
//!
//! 1. **Shape.** [`crate::json`] reads the text into a tree (syntax errors
//!    keep serde_json's wording and `at line L column C`), then the tree is
//!    checked against a table of the document's fields and their types,
//!    rejecting unknown fields and wrong types with serde's wording and the
//!    field's path, e.g.
//!    ``signals[0].kind: unknown variant `shoesize`, expected one of …``.
//!    (No serde in the wasm: see `docs/size.md`.)
//! 2. **Meaning.** The checked tree is read into a [`Config`]:
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
    /// Built-in text tables loaded at run time ([`crate::i18n::load_table`]):
    /// language, then the texts in the order of [`crate::i18n::KEYS`].
    /// Empty after [`Config::from_json`].
    pub(crate) tables: Vec<(&'static str, Vec<String>)>,
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
// Shape: the document's structure as a table ([`CONFIG`]), checked by one
// walker ([`check`]) with serde's messages: `unknown field `x`, expected one
// of …`, `invalid type: string "1", expected i64`, `missing field
// `purposes``.

/// What a value of the document must look like.
enum Shape {
    /// An integer that fits in an `i64`.
    Int,
    /// A string.
    Str,
    /// `true` or `false`.
    Bool,
    /// Localized text: a string, or an object of strings.
    Text,
    /// A string (the name is checked later) or `{ "days": N }`.
    Duration,
    /// A unit-variant enum (named for messages): one of the strings.
    Enum(&'static str, &'static [&'static str]),
    /// An array of values of one shape.
    List(&'static Shape),
    /// An object of values of one shape, under any keys.
    Map(&'static Shape),
    /// An object with known fields (a struct, named for messages).
    Struct(&'static str, &'static [Field]),
    /// `null`, which counts as absent, or the shape.
    OrNull(&'static Shape),
}

/// A struct field: key, shape, and whether it must be present.
struct Field(&'static str, Shape, bool);

const OPT_STR: Shape = Shape::OrNull(&Shape::Str);
const OPT_INT: Shape = Shape::OrNull(&Shape::Int);
const STRINGS: Shape = Shape::List(&Shape::Str);

/// The whole document.
static CONFIG: Shape = Shape::Struct(
    "RawConfig",
    &[
        Field("revision", Shape::Int, false),
        Field("policyUrl", OPT_STR, false),
        Field("expiresAfterDays", OPT_INT, false),
        Field("defaultLanguage", OPT_STR, false),
        Field(
            "demographicTargeting",
            Shape::OrNull(&Shape::Enum("DemographicTargeting", &["deny", "disclosed"])),
            false,
        ),
        Field("signals", Shape::List(&SIGNAL), false),
        Field("channels", Shape::List(&CHANNEL), false),
        Field("purposes", Shape::List(&PURPOSE), true),
        Field(
            "googleConsentMode",
            Shape::OrNull(&Shape::Map(&STRINGS)),
            false,
        ),
        Field("translations", Shape::Map(&Shape::Map(&Shape::Str)), false),
        Field("receiptEndpoint", OPT_STR, false),
        Field("reloadOnWithdrawal", Shape::Bool, false),
    ],
);

static SIGNAL: Shape = Shape::Struct(
    "RawSignal",
    &[
        Field("id", OPT_STR, false),
        Field(
            "kind",
            Shape::Enum(
                "SignalKind",
                &["interest", "context", "demographic", "sensitive"],
            ),
            true,
        ),
        Field("label", Shape::Text, true),
    ],
);

static CHANNEL: Shape = Shape::Struct(
    "RawChannel",
    &[
        Field("id", OPT_STR, false),
        Field("label", Shape::Text, true),
        Field("cap", Shape::OrNull(&CAP), false),
    ],
);

static CAP: Shape = Shape::Struct(
    "RawCap",
    &[
        Field("max", Shape::Int, true),
        Field("perHours", OPT_INT, false),
        Field("perDays", OPT_INT, false),
    ],
);

static PURPOSE: Shape = Shape::Struct(
    "RawPurpose",
    &[
        Field("id", OPT_STR, false),
        Field("required", Shape::Bool, false),
        Field("duration", Shape::OrNull(&Shape::Duration), false),
        Field("signals", STRINGS, false),
        Field("channels", STRINGS, false),
        Field("title", Shape::Text, true),
        Field("description", Shape::Text, true),
        Field("saleOrShare", Shape::Bool, false),
        Field("cookies", STRINGS, false),
    ],
);

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

/// Check `v` against `shape`, depth first in document order, so that the
/// error reported is the one serde reported.
fn check(path: &str, v: &Value, shape: &Shape) -> Result<(), ConfigError> {
    let expected: [&str; 2] = match (shape, v) {
        (Shape::OrNull(_), Value::Null)
        | (Shape::Str, Value::String(_))
        | (Shape::Bool, Value::Bool(_))
        | (Shape::Text | Shape::Duration, Value::String(_)) => return Ok(()),
        (Shape::OrNull(shape), v) => return check(path, v, shape),
        (Shape::Int, v) => {
            return match v {
                _ if v.as_i64().is_some() => Ok(()),
                Value::Number(n)
                    if v.is_integer() && !n.starts_with('-') && v.as_u64().is_some() =>
                {
                    err(
                        path,
                        ["invalid value: integer `", n, "`, expected i64"].concat(),
                    )
                }
                _ => invalid_type(path, v, &["i64"]),
            }
        }
        (Shape::Text, Value::Object(m)) if m.iter().all(|(_, t)| t.as_str().is_some()) => {
            return Ok(())
        }
        (Shape::Text, _) => return err(path, "a string or a map from language tag to string"),
        (Shape::Duration, Value::Object(m)) if matches!(m.as_slice(), [(k, n)] if k == "days" && n.as_i64().is_some()) => {
            return Ok(())
        }
        (Shape::Duration, _) => return err(path, r#""session" or { "days": N }"#),
        (Shape::Enum(_, names), Value::String(s)) => {
            if names.contains(&s.as_str()) {
                return Ok(());
            }
            return err(
                path,
                ["unknown variant `", s, "`, ", &one_of(names)].concat(),
            );
        }
        (Shape::List(item), Value::Array(items)) => {
            for (i, x) in items.iter().enumerate() {
                check(&index_path(path, i), x, item)?;
            }
            return Ok(());
        }
        (Shape::Map(item), Value::Object(members)) => {
            for (k, x) in members {
                check(&key_path(path, k), x, item)?;
            }
            return Ok(());
        }
        (Shape::Struct(_, fields), Value::Object(members)) => {
            for (k, x) in members {
                let Some(Field(_, shape, _)) = fields.iter().find(|f| f.0 == k) else {
                    let names: Vec<&str> = fields.iter().map(|f| f.0).collect();
                    return err(
                        key_path(path, k),
                        ["unknown field `", k, "`, ", &one_of(&names)].concat(),
                    );
                };
                check(&key_path(path, k), x, shape)?;
            }
            return match fields.iter().find(|f| f.2 && v.get(f.0).is_none()) {
                Some(Field(name, ..)) => err(path, ["missing field `", name, "`"].concat()),
                None => Ok(()),
            };
        }
        (Shape::Str, _) => ["a string", ""],
        (Shape::Bool, _) => ["a boolean", ""],
        (Shape::List(_), _) => ["a sequence", ""],
        (Shape::Map(_), _) => ["a map", ""],
        (Shape::Enum(name, _), _) => ["enum ", name],
        (Shape::Struct(name, _), _) => ["struct ", name],
    };
    invalid_type(path, v, &expected)
}

/// serde's `invalid type: <what v is>, expected <expected…>`.
fn invalid_type(path: &str, v: &Value, expected: &[&str]) -> Result<(), ConfigError> {
    err(
        path,
        [
            "invalid type: ",
            &unexpected(v),
            ", expected ",
            &expected.concat(),
        ]
        .concat(),
    )
}

// Readers of a checked document: [`check`] has vouched for every type, so
// an absent or `null` member simply reads as the field's default.

/// The string member `key`, if present.
fn str_at<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)?.as_str()
}

/// The integer member `key`, if present.
fn int_at(v: &Value, key: &str) -> Option<i64> {
    v.get(key)?.as_i64()
}

/// The array member `key` (empty if absent).
fn items_at<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key).and_then(Value::as_array).unwrap_or_default()
}

/// The members of the object member `key` (none if absent or `null`).
fn members_at<'v>(v: &'v Value, key: &str) -> Option<&'v [(String, Value)]> {
    v.get(key)?.as_object()
}

/// The strings of an array.
fn strings(v: &[Value]) -> Vec<String> {
    let mut out = Vec::with_capacity(v.len());
    for s in v {
        if let Some(s) = s.as_str() {
            out.push(s.to_owned());
        }
    }
    out
}

/// The string members of an object, by key.
fn string_map(members: &[(String, Value)]) -> SortedMap<String, String> {
    let mut out = SortedMap::new();
    for (k, s) in members {
        if let Some(s) = s.as_str() {
            out.insert(k.clone(), s.to_owned());
        }
    }
    out
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
        check("", &value, &CONFIG)?;
        validate(&value)
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

/// `id` checked: present, not empty, not too long, not `taken`, not reserved.
fn check_id(
    path: &str,
    id: Option<&str>,
    taken: &dyn Fn(&str) -> bool,
) -> Result<String, ConfigError> {
    let fail = |message: String| err([path, ".id"].concat(), message);
    let id = match id {
        Some(id) if !id.is_empty() => id,
        Some(_) => return fail("missing id (empty string)".into()),
        None => return fail("missing id".into()),
    };
    if crate::explain::longer_than(id, MAX_ID_LEN) {
        return fail(
            [
                "id is too long: more than ",
                &u64_text(MAX_ID_LEN as u64),
                " characters",
            ]
            .concat(),
        );
    }
    if taken(id) {
        return fail(["duplicate id ", &quote(id)].concat());
    }
    if ["__proto__", "constructor", "prototype"].contains(&id) {
        return fail(["id ", &quote(id), " is reserved (JavaScript object key)"].concat());
    }
    Ok(id.to_owned())
}

/// The text at `path` (`None` only where the shape allows no text).
fn check_text(path: &str, v: Option<&Value>) -> Result<Text, ConfigError> {
    match v {
        Some(Value::Object(map)) if map.is_empty() => err(
            path,
            "empty map: give a string or at least one language tag",
        ),
        Some(Value::Object(map)) => Ok(Text::Localized(string_map(map))),
        v => Ok(Text::Plain(
            v.and_then(Value::as_str).unwrap_or_default().to_owned(),
        )),
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

/// Turn a document whose shape [`check`] accepted into a [`Config`],
/// enforcing the rules of meaning.
fn validate(doc: &Value) -> Result<Config, ConfigError> {
    let revision = check_range(
        "revision",
        int_at(doc, "revision").unwrap_or(0),
        0,
        i64::from(u32::MAX),
    )?;
    let expires_after_days = match int_at(doc, "expiresAfterDays") {
        None => 180,
        Some(d) => check_range("expiresAfterDays", d, 1, i64::from(MAX_DAYS))?,
    };
    let default_language = match str_at(doc, "defaultLanguage") {
        None => "en",
        Some("") => return err("defaultLanguage", "must not be empty"),
        Some(l) => l,
    };
    let demographic_targeting = match str_at(doc, "demographicTargeting") {
        Some("disclosed") => DemographicTargeting::Disclosed,
        _ => DemographicTargeting::Deny,
    };

    let raw_signals = items_at(doc, "signals");
    let raw_channels = items_at(doc, "channels");
    let raw_purposes = items_at(doc, "purposes");
    check_count("signals", raw_signals.len())?;
    check_count("channels", raw_channels.len())?;
    check_count("purposes", raw_purposes.len())?;
    if raw_purposes.is_empty() {
        return err("purposes", "must list at least one purpose");
    }

    let mut signals: Vec<Signal> = Vec::with_capacity(raw_signals.len());
    for (i, s) in raw_signals.iter().enumerate() {
        let path = index_path("signals", i);
        let id = check_id(&path, str_at(s, "id"), &|id| {
            signals.iter().any(|s| s.id == id)
        })?;
        let kind = match str_at(s, "kind") {
            Some("interest") => SignalKind::Interest,
            Some("context") => SignalKind::Context,
            Some("demographic") => SignalKind::Demographic,
            // "sensitive", the only other name the shape lets through.
            _ => SignalKind::Sensitive,
        };
        let label = check_text(&[&path, ".label"].concat(), s.get("label"))?;
        signals.push(Signal { id, kind, label });
    }

    let mut channels: Vec<Channel> = Vec::with_capacity(raw_channels.len());
    for (i, c) in raw_channels.iter().enumerate() {
        let path = index_path("channels", i);
        let id = check_id(&path, str_at(c, "id"), &|id| {
            channels.iter().any(|c| c.id == id)
        })?;
        let label = check_text(&[&path, ".label"].concat(), c.get("label"))?;
        let cap = match c.get("cap") {
            None | Some(Value::Null) => None,
            Some(cap) => Some(check_cap(&[&path, ".cap"].concat(), cap)?),
        };
        channels.push(Channel { id, label, cap });
    }

    let mut purposes: Vec<Purpose> = Vec::with_capacity(raw_purposes.len());
    for (i, p) in raw_purposes.iter().enumerate() {
        let path = index_path("purposes", i);
        let id = check_id(&path, str_at(p, "id"), &|id| {
            purposes.iter().any(|p| p.id == id)
        })?;
        let required = matches!(p.get("required"), Some(Value::Bool(true)));
        let sale_or_share = matches!(p.get("saleOrShare"), Some(Value::Bool(true)));
        let p_signals = strings(items_at(p, "signals"));
        let p_channels = strings(items_at(p, "channels"));
        let cookies = strings(items_at(p, "cookies"));
        check_count(&[&path, ".signals"].concat(), p_signals.len())?;
        check_count(&[&path, ".channels"].concat(), p_channels.len())?;
        check_count(&[&path, ".cookies"].concat(), cookies.len())?;
        for (j, sid) in p_signals.iter().enumerate() {
            let spath = index_path(&[&path, ".signals"].concat(), j);
            let Some(signal) = signals.iter().find(|s| &s.id == sid) else {
                return err(spath, ["unknown signal ", &quote(sid)].concat());
            };
            if p_signals.iter().take(j).any(|other| other == sid) {
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
        for (j, cid) in p_channels.iter().enumerate() {
            let cpath = index_path(&[&path, ".channels"].concat(), j);
            if !channels.iter().any(|c| &c.id == cid) {
                return err(cpath, ["unknown channel ", &quote(cid)].concat());
            }
            if p_channels.iter().take(j).any(|other| other == cid) {
                return err(cpath, ["duplicate channel ", &quote(cid)].concat());
            }
        }
        for (j, cookie) in cookies.iter().enumerate() {
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
        if required && sale_or_share {
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
        let duration = match p.get("duration") {
            None | Some(Value::Null) => Duration::Days(expires_after_days),
            Some(_) if required => {
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
            Some(Value::String(name)) if name == "session" => Duration::Session,
            Some(Value::String(name)) => {
                return err(
                    [&path, ".duration"].concat(),
                    [r#"expected "session" or { "days": N }, got "#, &quote(name)].concat(),
                )
            }
            Some(d) => Duration::Days(check_range(
                &[&path, ".duration.days"].concat(),
                int_at(d, "days").unwrap_or(0),
                1,
                i64::from(MAX_DAYS),
            )?),
        };
        let title = check_text(&[&path, ".title"].concat(), p.get("title"))?;
        let description = check_text(&[&path, ".description"].concat(), p.get("description"))?;
        purposes.push(Purpose {
            id,
            required,
            duration,
            signals: p_signals,
            channels: p_channels,
            title,
            description,
            sale_or_share,
            cookies,
        });
    }

    let google_consent_mode: Option<SortedMap<String, Vec<String>>> =
        members_at(doc, "googleConsentMode").map(|members| {
            members
                .iter()
                .map(|(key, ids)| (key.clone(), strings(ids.as_array().unwrap_or_default())))
                .collect()
        });
    if let Some(gcm) = &google_consent_mode {
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

    let translations: SortedMap<String, SortedMap<String, String>> =
        members_at(doc, "translations")
            .unwrap_or_default()
            .iter()
            .map(|(lang, texts)| {
                (
                    lang.clone(),
                    string_map(texts.as_object().unwrap_or_default()),
                )
            })
            .collect();
    for (lang, texts) in &translations {
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
        policy_url: str_at(doc, "policyUrl").map(str::to_owned),
        expires_after_days,
        default_language: default_language.to_owned(),
        demographic_targeting,
        signals,
        channels,
        purposes,
        google_consent_mode,
        translations,
        receipt_endpoint: str_at(doc, "receiptEndpoint").map(str::to_owned),
        reload_on_withdrawal: matches!(doc.get("reloadOnWithdrawal"), Some(Value::Bool(true))),
        tables: Vec::new(),
    })
}

fn check_cap(path: &str, cap: &Value) -> Result<Cap, ConfigError> {
    let max = check_range(
        &[path, ".max"].concat(),
        int_at(cap, "max").unwrap_or(0),
        1,
        i64::from(MAX_CAP),
    )?;
    let period = match (int_at(cap, "perHours"), int_at(cap, "perDays")) {
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
    // A byte scan: the separators are ASCII, so the cut is on a char boundary.
    let end = tag.bytes().position(|b| b == b'-' || b == b'_');
    end.and_then(|end| tag.get(..end)).unwrap_or(tag)
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
