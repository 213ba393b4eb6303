//! The rule table of CONTRACT §2.

use crate::{Choices, Config, Ledger, Method};

/// What the site asks.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Purpose id.
    pub purpose: &'a str,
    /// Signals the personalization would use.
    pub signals: &'a [&'a str],
    /// Channel a message would go out on.
    pub channel: Option<&'a str>,
}

/// The world outside the core.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Now, ms since the epoch (the core never reads a clock).
    pub now: u64,
    /// Current browser-session id (session grants from another id are expired).
    pub session: &'a str,
    /// `navigator.globalPrivacyControl`.
    pub gpc: bool,
}

/// Why a decision came out as it did (one per rule row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// 1
    UnknownPurpose,
    /// 2
    SensitiveSignal,
    /// 3
    DemographicSignal,
    /// 4
    UndeclaredSignal,
    /// 5
    UndeclaredChannel,
    /// 6
    Required,
    /// 7
    Gpc,
    /// 8
    NoChoice,
    /// 9
    Outdated,
    /// 10
    Expired,
    /// 11
    Refused,
    /// 12
    FrequencyCap,
    /// 13
    Granted,
    /// Not a rule row: the request itself was malformed (wrong types, absurd
    /// sizes) or Candor is not ready. Always denied.
    Invalid,
}

impl Reason {
    /// The contract's kebab-case string, e.g. `"frequency-cap"`; `"invalid-request"` for [`Reason::Invalid`].
    pub fn as_str(self) -> &'static str {
        todo!()
    }
}

/// A decision and what its explanation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Allowed?
    pub allowed: bool,
    /// Why.
    pub reason: Reason,
    /// Epoch ms when the capped channel frees up (rule 12 only).
    pub retry_after: Option<u64>,
    /// Index of the purpose in `config.purposes`, if known.
    pub purpose: Option<usize>,
    /// The choice behind the decision (rules 7–13), if any: when, how, granted.
    pub choice: Option<(u64, Method, bool)>,
    /// For rules 2–4: the offending signal id as requested; for 12: none.
    pub signal: Option<String>,
    /// Index of the channel in `config.channels` (rules 5, 12), if known.
    pub channel: Option<usize>,
}

/// Decide one request, rules 1–13 in order, first match wins.
pub fn decide(
    config: &Config,
    choices: &Choices,
    ledger: &Ledger,
    request: &Request<'_>,
    ctx: &Context<'_>,
) -> Decision {
    todo!()
}
