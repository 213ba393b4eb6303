//! Site config (CONTRACT §1): parsing and validation.

use std::collections::BTreeMap;

/// A validated site config. Construct with [`Config::from_json`].
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Duration {
    /// Browser session only. Serializes as `"session"`.
    Session,
    /// N days. Serializes as `{ "days": N }`.
    Days(u32),
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

impl Config {
    /// Parse and validate a config from JSON text.
    pub fn from_json(json: &str) -> Result<Config, ConfigError> {
        todo!()
    }
    /// Purpose by id.
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        todo!()
    }
    /// Signal by id.
    pub fn signal(&self, id: &str) -> Option<&Signal> {
        todo!()
    }
    /// Channel by id.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        todo!()
    }
}

impl Text {
    /// Best text for `lang`: exact tag, then base language (`fr` for `fr-CA`),
    /// then `default_lang`, then the first available.
    pub fn get<'a>(&'a self, lang: &str, default_lang: &str) -> &'a str {
        todo!()
    }
}
