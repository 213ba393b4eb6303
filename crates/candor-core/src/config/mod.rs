//! Site config: its types, parsing and validation (`docs/config.md` is
//! the reference a site reads).
//!
//! [`Config::from_json`] parses in two steps:
//!
//! 1. **Shape.** The crate's own strict JSON reader reads the text into a tree (syntax errors
//!    keep serde_json's wording and `at line L column C`), then the tree is
//!    checked against a table of the document's fields and their types,
//!    rejecting unknown fields and wrong types with serde's wording and the
//!    field's path, e.g.
//!    ``signals[0].kind: unknown variant `shoesize`, expected one of …``.
//!    (Strict and fail-closed by design, without serde: see `docs/size.md`.)
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
//!   [`crate::i18n::Texts::get`]);
//! - a `theme` whose colours would put any text below WCAG AA contrast
//!   (see [`crate::theme`]), or a `floatingButton` other than `"start"`,
//!   `"end"` or `"none"`;
//! - a `policyUrl` or `receiptEndpoint` longer than
//!   [`MAX_URL_LEN`](crate::limits::MAX_URL_LEN) bytes or containing a
//!   control character (the widget also resolves both with the browser's
//!   URL parser and accepts only `http:` and `https:` results);
//! - a localized text given as an empty map.
//!
//! # Defaults
//!
//! `revision` 0, `expiresAfterDays` 180, `defaultLanguage` `"en"`,
//! `demographicTargeting` `"deny"`, `required` and `saleOrShare` false,
//! `signals`, `channels`, `cookies` empty, `duration` `{ "days":
//! expiresAfterDays }`, `reloadOnWithdrawal` false, `floatingButton`
//! `"start"`, `theme` Candor's own look.

mod shape;
mod validate;

pub use crate::error::ConfigError;
use crate::i18n::{Tables, Texts, Translations};
pub use crate::limits::{MAX_CAP, MAX_CONFIG_BYTES, MAX_DAYS, MAX_HOURS, MAX_ID_LEN, MAX_ITEMS};
use crate::theme::Theme;
use crate::Map;

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
    pub google_consent_mode: Option<Map<String, Vec<String>>>,
    /// Language tag → UI text key → text, overriding built-in texts.
    pub translations: Translations,
    /// Optional URL that receives each new receipt (sendBeacon).
    pub receipt_endpoint: Option<String>,
    /// Reload the page when a grant is withdrawn.
    pub reload_on_withdrawal: bool,
    /// Where the persistent "Privacy choices" button sits.
    pub floating_button: FloatingButton,
    /// The widget's look.
    pub theme: Theme,
}

/// The persistent "Privacy choices" button that reopens the panel once the
/// banner is gone (`floatingButton`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FloatingButton {
    /// A compact button in the bottom corner on the start side (left in a
    /// left-to-right page).
    #[default]
    Start,
    /// The same on the end side.
    End,
    /// None: the site opens the panel from its own element marked
    /// `data-candor-open` (say a footer link).
    None,
}

/// Localized text: one string, or a map from language tag to string.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// Same text in every language.
    Plain(String),
    /// Language tag → text (non-empty).
    Localized(Map<String, String>),
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
/// assert_eq!(serde_json::to_string(&Duration::Session).unwrap(), r#""session""#);
/// assert_eq!(serde_json::to_string(&Duration::Days(30)).unwrap(), r#"{"days":30}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duration {
    /// Browser session only. Serializes as `"session"`.
    Session,
    /// N days. Serializes as `{ "days": N }`.
    Days(u32),
}

impl serde::Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self {
            Duration::Session => s.serialize_str("session"),
            Duration::Days(n) => {
                let mut st = s.serialize_struct("Duration", 1)?;
                st.serialize_field("days", n)?;
                st.end()
            }
        }
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
        validate::from_json(json)
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

    /// The UI texts in `lang`: the site's `translations`, then the built-in
    /// `tables`, then the default language (see [`Texts::get`]).
    pub fn texts<'a>(&'a self, tables: &'a Tables, lang: &'a str) -> Texts<'a> {
        Texts::new(&self.translations, &self.default_language, tables, lang)
    }

    /// Whether the config itself has texts in `lang` (or its base language):
    /// translations, or localized purpose texts.
    fn knows(&self, lang: &str) -> bool {
        let base = crate::text::base_language(lang);
        let names = |k: &String| k.eq_ignore_ascii_case(lang) || k.eq_ignore_ascii_case(base);
        let text_has = |t: &Text| match t {
            Text::Plain(_) => false,
            Text::Localized(map) => map.iter().any(|(k, _)| names(k)),
        };
        self.translations.iter().any(|(k, _)| names(k))
            || self
                .purposes
                .iter()
                .any(|p| text_has(&p.title) || text_has(&p.description))
            || base.eq_ignore_ascii_case(crate::text::base_language(&self.default_language))
    }

    /// Pick the UI language: the first of `candidates` (the page's `lang`,
    /// then the browser's languages) that the built-in tables or this
    /// config support (exactly or by base language), else the default
    /// language. The candidate is returned as given (e.g. `"fr-CA"`), so
    /// that lookups can still prefer an exact regional text; empty or
    /// over-long candidates are skipped.
    ///
    /// ```
    /// use candor_core::Config;
    /// let config = Config::from_json(r#"{ "purposes": [{ "id": "p", "title": "P", "description": "D" }] }"#).unwrap();
    /// assert_eq!(config.pick_language(&["ja", "fr-CA", "en"]), "fr-CA");
    /// assert_eq!(config.pick_language(&["ja"]), "en");
    /// ```
    pub fn pick_language(&self, candidates: &[&str]) -> String {
        for c in candidates {
            let usable = !c.is_empty() && c.len() <= crate::limits::MAX_LANG_LEN;
            let built_in = crate::i18n::built_in_language(crate::text::base_language(c)).is_some();
            if usable && (built_in || self.knows(c)) {
                return (*c).to_string();
            }
        }
        self.default_language.clone()
    }

    /// A fingerprint of what the shopper is asked to agree to: the policy
    /// link and every purpose as declared (id, whether required or sold or
    /// shared, duration, the signals and channels it uses with their labels
    /// and caps, its title and description in every language). 32 hex
    /// digits of a SHA-256. A stored record carries the fingerprint of the
    /// config it was made under; under another one it counts as no choice,
    /// so that two configs on one origin never share a record. The
    /// `revision` is left out: a new revision with the same texts makes a
    /// record `outdated`, which the shopper is told.
    pub fn fingerprint(&self) -> String {
        let mut buf = Vec::new();
        let mut field = |s: &str| {
            buf.extend_from_slice(crate::text::u64_text(s.len() as u64).as_bytes());
            buf.push(b':');
            buf.extend_from_slice(s.as_bytes());
            buf.push(b'\n');
        };
        fn text_fields(t: &Text, field: &mut dyn FnMut(&str)) {
            match t {
                Text::Plain(s) => {
                    field("*");
                    field(s);
                }
                Text::Localized(map) => {
                    for (lang, s) in map.iter() {
                        field(lang);
                        field(s);
                    }
                }
            }
        }
        field("candor-config-v1");
        field(self.policy_url.as_deref().unwrap_or(""));
        field(&crate::text::u64_text(u64::from(self.expires_after_days)));
        for p in &self.purposes {
            field("purpose");
            field(&p.id);
            field(if p.required { "required" } else { "optional" });
            field(if p.sale_or_share { "sale-or-share" } else { "" });
            match p.duration {
                Duration::Session => field("session"),
                Duration::Days(n) => field(&crate::text::u64_text(u64::from(n))),
            }
            text_fields(&p.title, &mut field);
            text_fields(&p.description, &mut field);
            for s in p.signals.iter().filter_map(|id| self.signal(id)) {
                field("signal");
                field(&s.id);
                text_fields(&s.label, &mut field);
            }
            for c in p.channels.iter().filter_map(|id| self.channel(id)) {
                field("channel");
                field(&c.id);
                text_fields(&c.label, &mut field);
                if let Some(cap) = c.cap {
                    field(&crate::text::u64_text(u64::from(cap.max)));
                    field(&crate::text::u64_text(cap.window_ms));
                }
            }
        }
        let mut hex = crate::sha256::sha256_hex(&buf);
        hex.truncate(32);
        hex
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
    /// ].into_iter().collect());
    /// assert_eq!(t.get("fr-CA", "en"), "Offres");
    /// assert_eq!(t.get("de", "en"), "Offers");
    /// ```
    pub fn get<'a>(&'a self, lang: &str, default_lang: &str) -> &'a str {
        use crate::text::base_language;
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
