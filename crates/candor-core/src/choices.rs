//! A shopper's recorded choices.
//!
//! A [`Choices`] record holds, per purpose, the latest [`Choice`]. A grant of
//! a purpose whose duration is `"session"` carries the session id it was made
//! in ([`Choice::session`]); such grants are stored apart (the widget keeps
//! them in sessionStorage, see [`crate::stored`]) and expire when the session
//! changes. Refusals are never session-scoped.

use crate::Map;

/// How a choice was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The banner's Accept all (not an explicit per-purpose opt-in).
    AcceptAll,
    /// The banner's Reject all.
    RejectAll,
    /// A checkbox in the preferences panel.
    Preferences,
    /// `set(purpose, granted)` from the site.
    Api,
    /// A contextual `ask(purpose)` prompt.
    Ask,
}

impl Method {
    /// `accept-all`, `reject-all`, `preferences`, `api`, `ask`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::AcceptAll => "accept-all",
            Method::RejectAll => "reject-all",
            Method::Preferences => "preferences",
            Method::Api => "api",
            Method::Ask => "ask",
        }
    }
    /// Parse [`Method::as_str`] back.
    ///
    /// ```
    /// use candor_core::Method;
    /// assert_eq!(Method::parse("accept-all"), Some(Method::AcceptAll));
    /// assert_eq!(Method::parse("required"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }
    /// Whether a grant made this way is an explicit per-purpose opt-in (rule 7).
    /// `preferences`, `api` and `ask` are; `accept-all` and `reject-all` are not.
    pub fn is_explicit(self) -> bool {
        matches!(self, Method::Preferences | Method::Api | Method::Ask)
    }
    /// Every method.
    pub const ALL: [Method; 5] = [
        Method::AcceptAll,
        Method::RejectAll,
        Method::Preferences,
        Method::Api,
        Method::Ask,
    ];
}

/// One purpose's choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Granted or refused.
    pub granted: bool,
    /// When (epoch ms).
    pub at: u64,
    /// How.
    pub method: Method,
    /// Explicit per-purpose opt-in.
    pub explicit: bool,
    /// Config revision in force when it was made.
    pub revision: u32,
    /// For a grant of a session-scoped purpose: the session it belongs to.
    /// Such grants are stored apart (sessionStorage).
    pub session: Option<String>,
}

/// The shopper's record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Choices {
    /// Random consent id.
    pub consent_id: String,
    /// Config revision of the last update.
    pub revision: u32,
    /// First recorded choice (epoch ms), 0 if none.
    pub created_at: u64,
    /// Last update (epoch ms), 0 if none.
    pub updated_at: u64,
    /// Purpose id → choice.
    pub purposes: Map<String, Choice>,
}
