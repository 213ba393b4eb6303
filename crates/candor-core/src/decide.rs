//! The rule table (docs/api.md, "Decisions").
//!
//! | # | condition | allowed | reason |
//! |---|---|---|---|
//! | 1 | purpose not in the config | no | `unknown-purpose` |
//! | 2 | a requested signal is `sensitive` | no | `sensitive-signal` |
//! | 3 | a requested signal is `demographic` and targeting is `"deny"` | no | `demographic-signal` |
//! | 4 | a requested signal is not declared on the purpose | no | `undeclared-signal` |
//! | 5 | a channel is given and is not declared on the purpose | no | `undeclared-channel` |
//! | 6 | the purpose is required | yes | `required` (rule 12 still applies) |
//! | 7 | GPC on, purpose `saleOrShare`, no explicit opt-in to it | no | `gpc` |
//! | 8 | no choice recorded for the purpose | no | `no-choice` |
//! | 9 | the choice was made under an older `revision` | no | `outdated` |
//! | 10 | the choice is older than its duration, or a session grant from an earlier session | no | `expired` |
//! | 11 | the shopper refused | no | `refused` |
//! | 12 | a channel is given and its cap is reached in its window | no | `frequency-cap` + `retryAfter` |
//! | 13 | otherwise | yes | `granted` |
//!
//! First match wins. Rules 2–4 are applied rule by rule over all requested
//! signals: a sensitive signal anywhere in the request wins over a
//! demographic one earlier in the list. A signal unknown to the config is
//! undeclared (rule 4); a channel unknown to the config is undeclared (rule 5).
//!
//! Precisions of rule 10 (all "fail closed"):
//! - a choice dated more than [`CLOCK_SKEW_MS`] after `now` is not trusted and
//!   counts as expired;
//! - a refusal lasts `expiresAfterDays` whatever the purpose's duration;
//! - a grant of a `{ "days": N }` purpose expires once `now >= at + N days`;
//! - a grant of a `"session"` purpose expires when its session id differs from
//!   the current one (or is missing), and in any case after `expiresAfterDays`;
//! - any grant carrying a session id other than the current one is expired.
//!
//! Rule 9 compares revisions for equality: a choice made under a newer
//! revision than the config's (a record written by a config this page does
//! not know) is outdated too, like one made under an older revision.
//!
//! Outside the table: a malformed request is denied as `invalid-request`,
//! and a `record()` whose count could not be saved is denied as
//! `count-not-saved` (the widget's fail-closed rule for caps).

use crate::config::{same_id, Duration, Purpose, SignalKind, DAY_MS};
use crate::text::longer_than;
use crate::{Choice, Choices, Config, DemographicTargeting, Ledger, Method};

/// Allowed clock skew: a choice dated up to this far in the future is trusted.
pub const CLOCK_SKEW_MS: u64 = 10 * 60 * 1000;

pub use crate::limits::{MAX_ID_LEN, MAX_REQUEST_SIGNALS};

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

impl Request<'_> {
    /// Whether the request is within sane bounds (at most
    /// [`MAX_REQUEST_SIGNALS`] signals, ids of at most [`MAX_ID_LEN`]
    /// characters, as in a config). [`Engine::decide`](crate::Engine::decide)
    /// denies other requests with [`Reason::Invalid`].
    pub fn is_reasonable(&self) -> bool {
        let short = |s: &str| !longer_than(s, MAX_ID_LEN);
        short(self.purpose)
            && self.signals.len() <= MAX_REQUEST_SIGNALS
            && self.signals.iter().all(|s| short(s))
            && self.channel.is_none_or(short)
    }
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
    /// Not a rule row: `record()` would have counted a message on a capped
    /// channel, but the count could not be saved. Always denied (a cap that
    /// cannot be kept is not a cap).
    CountNotSaved,
    /// Not a rule row: the request itself was malformed (wrong types, absurd
    /// sizes) or Candor is not ready. Always denied.
    Invalid,
}

impl Reason {
    /// The contract's kebab-case string, e.g. `"frequency-cap"`; `"invalid-request"` for [`Reason::Invalid`].
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::UnknownPurpose => "unknown-purpose",
            Reason::SensitiveSignal => "sensitive-signal",
            Reason::DemographicSignal => "demographic-signal",
            Reason::UndeclaredSignal => "undeclared-signal",
            Reason::UndeclaredChannel => "undeclared-channel",
            Reason::Required => "required",
            Reason::Gpc => "gpc",
            Reason::NoChoice => "no-choice",
            Reason::Outdated => "outdated",
            Reason::Expired => "expired",
            Reason::Refused => "refused",
            Reason::FrequencyCap => "frequency-cap",
            Reason::Granted => "granted",
            Reason::CountNotSaved => "count-not-saved",
            Reason::Invalid => "invalid-request",
        }
    }
    /// Whether this reason allows the personalization (`required`, `granted`).
    pub fn is_allowed(self) -> bool {
        matches!(self, Reason::Required | Reason::Granted)
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
    /// Index of the requested channel in `config.channels`, if the channel is
    /// known to the config and the decision got past rule 4.
    pub channel: Option<usize>,
}

impl Decision {
    fn deny(reason: Reason) -> Decision {
        Decision {
            allowed: false,
            reason,
            retry_after: None,
            purpose: None,
            choice: None,
            signal: None,
            channel: None,
        }
    }
    /// The decision for a malformed request ([`Reason::Invalid`], denied).
    pub fn invalid() -> Decision {
        Decision::deny(Reason::Invalid)
    }

    /// This decision, denied because its count could not be saved
    /// ([`Reason::CountNotSaved`]); what the explanation needs is kept.
    pub fn not_saved(mut self) -> Decision {
        self.allowed = false;
        self.reason = Reason::CountNotSaved;
        self.retry_after = None;
        self
    }
}

/// Why `choice` no longer counts for `purpose` at `ctx`: [`Reason::Outdated`]
/// (rule 9), [`Reason::Expired`] (rule 10), or `None` if it is current.
pub fn choice_status(
    config: &Config,
    purpose: &Purpose,
    choice: &Choice,
    ctx: &Context<'_>,
) -> Option<Reason> {
    if choice.revision != config.revision {
        return Some(Reason::Outdated);
    }
    if choice.at > ctx.now.saturating_add(CLOCK_SKEW_MS) {
        return Some(Reason::Expired);
    }
    let days = |n: u32| choice.at.saturating_add(u64::from(n) * DAY_MS);
    let backstop = days(config.expires_after_days);
    let expired = if !choice.granted {
        ctx.now >= backstop
    } else {
        let other_session = match &choice.session {
            Some(s) => s != ctx.session,
            None => purpose.duration == Duration::Session,
        };
        other_session
            || match purpose.duration {
                Duration::Session => ctx.now >= backstop,
                Duration::Days(n) => ctx.now >= days(n),
            }
    };
    expired.then_some(Reason::Expired)
}

/// Decide one request, rules 1–13 in order, first match wins.
///
/// `config` must come from [`Config::from_json`]: the fast path relies on its
/// invariants (no purpose declares a sensitive signal, nor a demographic one
/// under `"deny"`). The allowed path does not allocate.
///
/// ```
/// use candor_core::{decide, Choice, Choices, Config, Context, Ledger, Method, Reason, Request};
///
/// let config = Config::from_json(r#"{
///   "revision": 1,
///   "signals": [{ "id": "cart", "kind": "interest", "label": "Items in your cart" },
///               { "id": "health", "kind": "sensitive", "label": "Health information" }],
///   "purposes": [{ "id": "offers", "signals": ["cart"], "title": "Offers", "description": "…" },
///                { "id": "ads", "saleOrShare": true, "title": "Ads", "description": "…" }]
/// }"#).unwrap();
/// let mut choices = Choices::default();
/// choices.purposes.insert("offers".into(), Choice {
///     granted: true, at: 1_000, method: Method::AcceptAll, explicit: false,
///     revision: 1, session: None,
/// });
/// choices.purposes.insert("ads".into(), Choice {
///     granted: true, at: 1_000, method: Method::AcceptAll, explicit: false,
///     revision: 1, session: None,
/// });
/// let ledger = Ledger::default();
/// let ctx = Context { now: 2_000, session: "s", gpc: true };
/// let ask = |purpose, signals| Request { purpose, signals, channel: None };
///
/// let d = decide(&config, &choices, &ledger, &ask("offers", &["cart"]), &ctx);
/// assert!(d.allowed);
/// assert_eq!(d.reason, Reason::Granted);
/// let d = decide(&config, &choices, &ledger, &ask("offers", &["cart", "health"]), &ctx);
/// assert_eq!((d.reason, d.signal.as_deref()), (Reason::SensitiveSignal, Some("health")));
/// // "Accept all" is no explicit opt-in: GPC wins.
/// let d = decide(&config, &choices, &ledger, &ask("ads", &[]), &ctx);
/// assert_eq!(d.reason.as_str(), "gpc");
/// ```
pub fn decide(
    config: &Config,
    choices: &Choices,
    ledger: &Ledger,
    request: &Request<'_>,
    ctx: &Context<'_>,
) -> Decision {
    let mut d = Decision::deny(Reason::UnknownPurpose);
    d.reason = rules(config, choices, ledger, request, ctx, &mut d);
    d.allowed = d.reason.is_allowed();
    d
}

/// The reason of the first rule that matches, filling in what the
/// explanation needs on `d` along the way.
fn rules(
    config: &Config,
    choices: &Choices,
    ledger: &Ledger,
    request: &Request<'_>,
    ctx: &Context<'_>,
    d: &mut Decision,
) -> Reason {
    // Rule 1.
    let Some((pi, purpose)) = config
        .purpose_index(request.purpose)
        .and_then(|i| Some((i, config.purposes.get(i)?)))
    else {
        return Reason::UnknownPurpose;
    };
    d.purpose = Some(pi);

    // Rules 2–4. A validated config never declares a sensitive signal, nor a
    // demographic one under "deny", on a purpose: if every requested signal
    // is declared, none of rules 2–4 can fire (the fast path).
    if !request
        .signals
        .iter()
        .all(|s| purpose.signals.iter().any(|p| same_id(p, s)))
    {
        if let Some(reason) = signal_rules(config, purpose, request, d) {
            return reason;
        }
    }

    // Rule 5.
    let mut cap = None;
    if let Some(channel) = request.channel {
        d.channel = config.channel_index(channel);
        if !purpose.channels.iter().any(|c| same_id(c, channel)) {
            return Reason::UndeclaredChannel;
        }
        cap = d
            .channel
            .and_then(|i| config.channels.get(i))
            .and_then(|c| c.cap.as_ref().map(|cap| (c.id.as_str(), cap)));
    }
    // Rule 12, checked where it applies: after rule 6, and after rule 11.
    let retry = cap.and_then(|(id, cap)| ledger.capped(id, cap, ctx.now));
    let capped_or = |d: &mut Decision, reason: Reason| match retry {
        Some(retry) => {
            d.retry_after = Some(retry);
            Reason::FrequencyCap
        }
        None => reason,
    };

    // Rule 6.
    if purpose.required {
        return capped_or(d, Reason::Required);
    }

    let choice = choices.purposes.get(&purpose.id);
    d.choice = choice.map(|c| (c.at, c.method, c.granted));
    // Rule 7.
    if ctx.gpc && purpose.sale_or_share && !choice.is_some_and(|c| c.granted && c.explicit) {
        return Reason::Gpc;
    }
    // Rule 8.
    let Some(choice) = choice else {
        return Reason::NoChoice;
    };
    // Rules 9, 10.
    if let Some(reason) = choice_status(config, purpose, choice, ctx) {
        return reason;
    }
    // Rule 11.
    if !choice.granted {
        return Reason::Refused;
    }
    // Rules 12, 13.
    capped_or(d, Reason::Granted)
}

/// Rules 2, 3 and 4, each over all requested signals.
fn signal_rules(
    config: &Config,
    purpose: &Purpose,
    request: &Request<'_>,
    d: &mut Decision,
) -> Option<Reason> {
    let kind = |s: &str| config.signal(s).map(|s| s.kind);
    let deny_demographic = config.demographic_targeting == DemographicTargeting::Deny;
    let mut fire = |reason: Reason, test: &dyn Fn(&str) -> bool| {
        let s = request.signals.iter().find(|s| test(s))?;
        d.signal = Some((*s).to_string());
        Some(reason)
    };
    fire(Reason::SensitiveSignal, &|s| {
        kind(s) == Some(SignalKind::Sensitive)
    })
    .or_else(|| {
        fire(Reason::DemographicSignal, &|s| {
            deny_demographic && kind(s) == Some(SignalKind::Demographic)
        })
    })
    .or_else(|| {
        fire(Reason::UndeclaredSignal, &|s| {
            !purpose.signals.iter().any(|p| p == s)
        })
    })
}
