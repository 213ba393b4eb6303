//! The stateful facade `candor-web` drives: config + choices + ledger.
//! Every method is pure with respect to the outside world: time, session and
//! GPC come in through [`Context`]; persistence goes out as strings.

use crate::{Choices, Config, Context, Decision, Ledger, Method, Receipt, Request};
use serde::Serialize;

/// Config, the shopper's choices and the frequency ledger, together.
#[derive(Debug, Clone)]
pub struct Engine {
    config: Config,
    choices: Choices,
    ledger: Ledger,
}

/// What `decide()` / `record()` return to JS (CONTRACT §2), camelCase.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Whether the personalization may happen.
    pub allowed: bool,
    /// Machine-readable reason, e.g. `"frequency-cap"`.
    pub reason: &'static str,
    /// The purpose asked about, as given (truncated if absurd).
    pub purpose: String,
    /// Sentence for the shopper, in the requested language.
    pub explanation: String,
    /// Epoch ms when a capped channel frees up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// `preferences()` of CONTRACT §3.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    /// Random id of this shopper's consent record.
    pub consent_id: String,
    /// Config revision the record was last written under.
    pub revision: u32,
    /// Purpose id → current choice. Only current (not outdated, not expired)
    /// choices appear; required purposes appear as granted, method `"required"`.
    pub purposes: std::collections::BTreeMap<String, PurposeState>,
}

/// One entry of [`Preferences::purposes`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurposeState {
    /// Granted or refused.
    pub granted: bool,
    /// When (epoch ms).
    pub at: u64,
    /// How: `accept-all`, `reject-all`, `preferences`, `api`, `ask`, `required`.
    pub method: &'static str,
    /// `"session"` or `{ "days": N }`, as the choice lasts.
    pub duration: crate::Duration,
}

impl Engine {
    /// A fresh engine with no choices recorded. `consent_id` is a fresh random
    /// id from the caller (the core has no randomness); a loaded record keeps its own.
    pub fn new(config: Config, consent_id: String) -> Self {
        todo!()
    }
    /// The validated config.
    pub fn config(&self) -> &Config {
        todo!()
    }
    /// The current choices.
    pub fn choices(&self) -> &Choices {
        todo!()
    }
    /// The frequency ledger.
    pub fn ledger(&self) -> &Ledger {
        todo!()
    }
    /// Replace choices from their stored forms (localStorage value, sessionStorage
    /// value). Anything undecodable counts as absent: fail closed. Returns false
    /// if something present could not be decoded (the caller may warn).
    pub fn load_choices(&mut self, persistent: Option<&str>, session: Option<&str>) -> bool {
        todo!()
    }
    /// Replace the ledger from its stored form; undecodable → empty, returns false.
    pub fn load_ledger(&mut self, stored: Option<&str>) -> bool {
        todo!()
    }
    /// Stored forms of the choices: (persistent part for localStorage,
    /// session grants for sessionStorage). `None` = nothing to store (remove key).
    pub fn encode_choices(&self) -> (Option<String>, Option<String>) {
        todo!()
    }
    /// Stored form of the ledger.
    pub fn encode_ledger(&self) -> String {
        todo!()
    }
    /// CONTRACT §2 decision.
    pub fn decide(&self, request: &Request<'_>, ctx: &Context<'_>) -> Decision {
        todo!()
    }
    /// Decide and, when allowed and a channel is given, count one message.
    pub fn record(&mut self, request: &Request<'_>, ctx: &Context<'_>) -> Decision {
        todo!()
    }
    /// Turn a decision into the JS-facing report with its explanation in `lang`.
    pub fn report(&self, request: &Request<'_>, decision: &Decision, lang: &str) -> Report {
        todo!()
    }
    /// Record one choice. Errors (unknown or required purpose) leave state unchanged.
    pub fn set(
        &mut self,
        purpose: &str,
        granted: bool,
        method: Method,
        ctx: &Context<'_>,
    ) -> Result<(), &'static str> {
        todo!()
    }
    /// Grant every non-required purpose (method `accept-all`, not explicit).
    pub fn accept_all(&mut self, ctx: &Context<'_>) {
        todo!()
    }
    /// Refuse every non-required purpose (method `reject-all`).
    pub fn reject_all(&mut self, ctx: &Context<'_>) {
        todo!()
    }
    /// Forget every choice and start a new record under `consent_id`. Ledger is kept.
    pub fn reset(&mut self, consent_id: String) {
        todo!()
    }
    /// Whether the shopper has a current choice for every non-required purpose
    /// (i.e. the banner need not be shown).
    pub fn has_current_choices(&self, ctx: &Context<'_>) -> bool {
        todo!()
    }
    /// CONTRACT §3 `preferences()`.
    pub fn preferences(&self, ctx: &Context<'_>) -> Preferences {
        todo!()
    }
    /// CONTRACT §3 `receipt()`, texts as shown in `lang`.
    pub fn receipt(&self, ctx: &Context<'_>, lang: &str) -> Receipt {
        todo!()
    }
}
