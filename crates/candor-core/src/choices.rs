//! A shopper's recorded choices.

use std::collections::BTreeMap;

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
        todo!()
    }
    /// Parse [`Method::as_str`] back.
    pub fn parse(s: &str) -> Option<Method> {
        todo!()
    }
    /// Whether a grant made this way is an explicit per-purpose opt-in (rule 7).
    pub fn is_explicit(self) -> bool {
        todo!()
    }
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
    pub purposes: BTreeMap<String, Choice>,
}
