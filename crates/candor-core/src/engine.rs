//! The stateful facade `candor-web` drives: config + language tables +
//! choices + ledger. Every method is pure with respect to the outside
//! world: time, session and GPC come in through [`Context`]; persistence
//! goes out as strings.

use serde::Serialize;

use crate::config::DAY_MS;
use crate::decide::choice_status;
use crate::explain::{self, DateFormat};
use crate::i18n::{Tables, Texts};
use crate::receipt::ReceiptPurpose;
use crate::text::truncate;
use crate::{stored, ConfigError};
use crate::{
    Choice, Choices, Config, Context, Decision, Duration, Ledger, Map, Method, Purpose, Reason,
    Receipt, Request,
};

/// Config, loaded language tables, the shopper's choices and the frequency
/// ledger, together.
#[derive(Debug, Clone)]
pub struct Engine {
    config: Config,
    /// [`Config::fingerprint`], computed once.
    fingerprint: String,
    tables: Tables,
    choices: Choices,
    ledger: Ledger,
}

/// What `decide()` / `record()` return to JS, camelCase.
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

/// `preferences()`: the shopper's current choices.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    /// Random id of this shopper's consent record.
    pub consent_id: String,
    /// Config revision the record was last written under; `None` (null)
    /// before any choice.
    pub revision: Option<u32>,
    /// Purpose id → current choice. Only current (not outdated, not expired)
    /// choices appear; required purposes appear as granted, method `"required"`.
    pub purposes: Map<String, PurposeState>,
}

/// One entry of [`Preferences::purposes`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurposeState {
    /// Granted or refused.
    pub granted: bool,
    /// When (epoch ms); `None` (null) for a required purpose before any
    /// choice.
    pub at: Option<u64>,
    /// How: `accept-all`, `reject-all`, `preferences`, `api`, `ask`, `required`.
    pub method: &'static str,
    /// `"session"` or `{ "days": N }`, as the choice lasts.
    pub duration: Duration,
}

/// `ctx` with its clock clamped to the latest time the stored forms hold
/// ([`stored::MAX_TIME`], the end of year 9999). A broken or hostile clock
/// (`Date.now()` of 8.64e15, or `u64::MAX` from an infinite one) could
/// otherwise make the engine write choices and ledger entries that its own
/// decoder rejects: a reload would then forget every choice and every
/// counted message (found by `fuzz/fuzz_targets/decide.rs`).
fn sane<'a>(ctx: &Context<'a>) -> Context<'a> {
    Context {
        now: ctx.now.min(stored::MAX_TIME),
        ..*ctx
    }
}

/// A JSON text of `value` (serde_json; natively, for tests and servers).
fn json_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl Report {
    /// The JSON form: `{"allowed":…,"reason":…,"purpose":…,"explanation":…}`
    /// plus `"retryAfter"` when there is one.
    pub fn to_json(&self) -> String {
        json_text(self)
    }
}

impl Preferences {
    /// The JSON form: `{"consentId":…,"revision":…,"purposes":{"<id>":
    /// {"granted":…,"at":…,"method":…,"duration":…},…}}`, purposes in key order.
    pub fn to_json(&self) -> String {
        json_text(self)
    }
}

impl Engine {
    /// A fresh engine with no choices recorded. `consent_id` is a fresh random
    /// id from the caller (the core has no randomness); a loaded record keeps its own.
    pub fn new(config: Config, consent_id: String) -> Self {
        Engine {
            fingerprint: config.fingerprint(),
            config,
            tables: Tables::default(),
            choices: Choices {
                consent_id,
                ..Choices::default()
            },
            ledger: Ledger::default(),
        }
    }
    /// The validated config.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// [`Config::fingerprint`] of the config.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
    /// Load a built-in language's text table from its file (see
    /// [`Tables::load`]; texts only: no decision changes).
    pub fn load_table(&mut self, lang: &str, file: &str) -> Result<(), ConfigError> {
        self.tables.load(lang, file)
    }
    /// The built-in tables a UI in `lang` needs and this build lacks (see
    /// [`Tables::missing`]).
    pub fn missing_tables(&self, lang: &str) -> Vec<&'static str> {
        self.tables.missing(lang, &self.config.default_language)
    }
    /// The language to show for `lang` (see [`Tables::shown`]).
    pub fn shown_language<'a>(&'a self, lang: &'a str) -> &'a str {
        self.tables.shown(lang, &self.config.default_language)
    }
    /// The UI texts in `lang`.
    pub fn texts<'a>(&'a self, lang: &'a str) -> Texts<'a> {
        self.config.texts(&self.tables, lang)
    }
    /// The current choices.
    pub fn choices(&self) -> &Choices {
        &self.choices
    }
    /// The frequency ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
    /// Replace choices from their stored forms (localStorage value, sessionStorage
    /// value). Anything undecodable counts as absent: fail closed. Returns false
    /// if something present could not be decoded (the caller may warn).
    ///
    /// - A persistent record made under another config (its fingerprint
    ///   differs) counts as no choice: it belongs to another site or to
    ///   other texts.
    /// - The session part counts only next to a persistent record with the
    ///   same consent id: without one (none stored, another config's, or
    ///   forgotten by a `reset()` in another tab) it is ignored.
    /// - If either part is undecodable, **no** choices are kept (the
    ///   engine's consent id stays).
    ///
    /// Where both parts hold a choice for one purpose, the later one wins.
    pub fn load_choices(&mut self, persistent: Option<&str>, session: Option<&str>) -> bool {
        let id = self.choices.consent_id.clone();
        let fresh = || Choices {
            consent_id: id.clone(),
            ..Choices::default()
        };
        let decoded_session = match session.map(stored::decode_session) {
            Some(None) => {
                self.choices = fresh();
                return false;
            }
            Some(Some(part)) => Some(part),
            None => None,
        };
        let mut record = match persistent.map(stored::decode_choices) {
            None => {
                self.choices = fresh();
                return true;
            }
            Some(None) => {
                self.choices = fresh();
                return false;
            }
            Some(Some((fingerprint, _))) if fingerprint != self.fingerprint => {
                self.choices = fresh();
                return true;
            }
            Some(Some((_, record))) => record,
        };
        if let Some((session_id, grants)) = decoded_session {
            if session_id == record.consent_id {
                for (purpose, choice) in grants {
                    let later = record
                        .purposes
                        .get(&purpose)
                        .is_none_or(|old| old.at <= choice.at);
                    if later {
                        record.purposes.insert(purpose, choice);
                    }
                }
            }
        }
        self.choices = record;
        true
    }
    /// Replace the ledger from its stored form; undecodable → empty, returns false.
    ///
    /// Channels the config does not cap are dropped, and each channel keeps
    /// its newest `max` deliveries (which leaves every decision unchanged).
    pub fn load_ledger(&mut self, stored: Option<&str>) -> bool {
        let Some(s) = stored else {
            self.ledger = Ledger::default();
            return true;
        };
        match stored::decode_ledger(s) {
            Some(mut ledger) => {
                ledger.prune(&self.config, None);
                self.ledger = ledger;
                true
            }
            None => {
                self.ledger = Ledger::default();
                false
            }
        }
    }
    /// Replace the ledger (e.g. to undo a count that could not be saved).
    pub fn set_ledger(&mut self, ledger: Ledger) {
        self.ledger = ledger;
    }
    /// Merge deliveries another copy of the ledger knows (see
    /// [`Ledger::merge`]); returns whether this engine's ledger changed.
    pub fn merge_ledger(&mut self, other: &Ledger) -> bool {
        self.ledger.merge(other, &self.config)
    }
    /// Stored forms of the choices: (persistent part for localStorage,
    /// session grants for sessionStorage). `None` = nothing to store (remove key).
    pub fn encode_choices(&self) -> (Option<String>, Option<String>) {
        stored::encode_choices(&self.choices, &self.fingerprint)
    }
    /// Stored form of the ledger.
    pub fn encode_ledger(&self) -> String {
        stored::encode_ledger(&self.ledger)
    }
    /// The decision for a request.
    ///
    /// A request outside sane bounds ([`Request::is_reasonable`]) is denied
    /// with [`Reason::Invalid`](crate::Reason::Invalid).
    pub fn decide(&self, request: &Request<'_>, ctx: &Context<'_>) -> Decision {
        if !request.is_reasonable() {
            return Decision::invalid();
        }
        crate::decide(
            &self.config,
            &self.choices,
            &self.ledger,
            request,
            &sane(ctx),
        )
    }
    /// Decide and, when allowed and a channel is given, count one message.
    ///
    /// Only a delivery on a channel with a cap is counted; other channels
    /// are never capped and leave no trace. Recording also forgets, on every
    /// channel, deliveries that left their window.
    pub fn record(&mut self, request: &Request<'_>, ctx: &Context<'_>) -> Decision {
        let ctx = &sane(ctx);
        let decision = self.decide(request, ctx);
        if decision.allowed {
            if let Some((id, cap)) = self.capped_channel(&decision) {
                self.ledger.prune(&self.config, Some(ctx.now));
                self.ledger.push(&id, &cap, ctx.now);
            }
        }
        decision
    }
    /// The capped channel an allowed decision counts against, if any.
    pub fn capped_channel(&self, decision: &Decision) -> Option<(String, crate::Cap)> {
        let channel = decision.channel.and_then(|i| self.config.channels.get(i))?;
        Some((channel.id.clone(), channel.cap?))
    }
    /// Turn a decision into the JS-facing report with its explanation in
    /// `lang`, dates as `YYYY-MM-DD`.
    pub fn report(&self, request: &Request<'_>, decision: &Decision, lang: &str) -> Report {
        self.report_with(request, decision, lang, &crate::text::iso_date)
    }
    /// [`report`](Engine::report) with dates written by `date` (the widget
    /// passes the shopper's locale's format).
    pub fn report_with(
        &self,
        request: &Request<'_>,
        decision: &Decision,
        lang: &str,
        date: DateFormat<'_>,
    ) -> Report {
        Report {
            allowed: decision.allowed,
            reason: decision.reason.as_str(),
            purpose: truncate(request.purpose, crate::limits::MAX_ID_LEN).to_string(),
            explanation: explain::explain(
                &self.config,
                &self.texts(lang),
                request,
                decision,
                date,
                true,
            ),
            retry_after: decision.retry_after,
        }
    }
    /// Google Consent Mode v2 states from `allowed` (purpose → allowed, as
    /// [`allowed_snapshot`](Engine::allowed_snapshot) gives it; see
    /// [`consent_mode::states`](crate::consent_mode::states)); `None`
    /// without `googleConsentMode` in the config.
    pub fn consent_mode(&self, allowed: &[bool]) -> Option<[(&'static str, bool); 7]> {
        crate::consent_mode::states(&self.config, |purpose| {
            self.config
                .purpose_index(purpose)
                .and_then(|i| allowed.get(i).copied())
                .unwrap_or(false)
        })
    }
    /// Record one choice. Errors (unknown or required purpose) leave state unchanged.
    pub fn set(
        &mut self,
        purpose: &str,
        granted: bool,
        method: Method,
        ctx: &Context<'_>,
    ) -> Result<(), &'static str> {
        let index = self
            .config
            .purpose_index(purpose)
            .ok_or("unknown-purpose")?;
        self.set_at(index, granted, method, ctx)
    }

    /// [`set`](Engine::set) for the purpose at `index` in the config.
    fn set_at(
        &mut self,
        index: usize,
        granted: bool,
        method: Method,
        ctx: &Context<'_>,
    ) -> Result<(), &'static str> {
        let ctx = &sane(ctx);
        let Some(p) = self.config.purposes.get(index) else {
            return Err("unknown-purpose");
        };
        if p.required {
            return Err("required-purpose");
        }
        let choice = Choice {
            granted,
            at: ctx.now,
            method,
            explicit: method.is_explicit(),
            revision: self.config.revision,
            session: (granted && p.duration == Duration::Session).then(|| ctx.session.to_string()),
        };
        self.choices.purposes.insert(p.id.clone(), choice);
        self.touch(ctx);
        Ok(())
    }

    fn touch(&mut self, ctx: &Context<'_>) {
        let ctx = &sane(ctx);
        if self.choices.created_at == 0 {
            self.choices.created_at = ctx.now;
        }
        self.choices.updated_at = ctx.now;
        self.choices.revision = self.config.revision;
    }

    fn set_all(&mut self, granted: bool, method: Method, ctx: &Context<'_>) {
        let config = &self.config;
        self.choices
            .purposes
            .retain(|id, _| config.purpose(id).is_some());
        for index in 0..config.purposes.len() {
            // Fails, leaving the choices unchanged, exactly for required purposes.
            let _ = self.set_at(index, granted, method, ctx);
        }
        self.touch(ctx);
    }
    /// Grant every non-required purpose (method `accept-all`, not explicit).
    /// Choices for purposes no longer in the config are dropped.
    pub fn accept_all(&mut self, ctx: &Context<'_>) {
        self.set_all(true, Method::AcceptAll, ctx);
    }
    /// Refuse every non-required purpose (method `reject-all`).
    /// Choices for purposes no longer in the config are dropped.
    pub fn reject_all(&mut self, ctx: &Context<'_>) {
        self.set_all(false, Method::RejectAll, ctx);
    }
    /// Forget every choice and start a new record under `consent_id`. Ledger is kept.
    pub fn reset(&mut self, consent_id: String) {
        self.choices = Choices {
            consent_id,
            ..Choices::default()
        };
    }
    /// Whether the shopper has made every choice there is to make, i.e. the
    /// banner need not be shown.
    ///
    /// A missing, outdated (rule 9) or expired (rule 10) choice brings the
    /// banner back, with one exception: a session grant that simply ended
    /// with its browser session. The shopper did choose; the purpose now
    /// decides `expired`, and the site may ask again in context (`ask()`).
    pub fn has_current_choices(&self, ctx: &Context<'_>) -> bool {
        let ctx = &sane(ctx);
        let ended_session_grant = |p: &Purpose, c: &Choice| {
            c.granted
                && p.duration == Duration::Session
                && c.session.as_deref().is_some_and(|s| s != ctx.session)
                && c.at <= ctx.now
                && ctx.now
                    < c.at
                        .saturating_add(u64::from(self.config.expires_after_days) * DAY_MS)
        };
        self.config
            .purposes
            .iter()
            .filter(|p| !p.required)
            .all(|p| match self.choices.purposes.get(&p.id) {
                None => false,
                Some(c) => match choice_status(&self.config, p, c, ctx) {
                    None => true,
                    Some(Reason::Expired) => ended_session_grant(p, c),
                    Some(_) => false,
                },
            })
    }

    /// The purpose's choice if it is current (neither outdated nor expired).
    fn current(&self, purpose: &Purpose, ctx: &Context<'_>) -> Option<&Choice> {
        let ctx = &sane(ctx);
        self.choices
            .purposes
            .get(&purpose.id)
            .filter(|c| choice_status(&self.config, purpose, c, ctx).is_none())
    }

    /// How long `choice` lasts: the purpose's duration for a grant,
    /// `expiresAfterDays` for a refusal.
    fn lasts(&self, purpose: &Purpose, granted: bool) -> Duration {
        if granted {
            purpose.duration
        } else {
            Duration::Days(self.config.expires_after_days)
        }
    }
    /// What `preferences()` returns (docs/api.md).
    pub fn preferences(&self, ctx: &Context<'_>) -> Preferences {
        let mut purposes = Map::new();
        let ever = self.ever_chosen();
        for p in &self.config.purposes {
            let state = if p.required {
                PurposeState {
                    granted: true,
                    at: ever.then_some(self.choices.updated_at),
                    method: "required",
                    duration: p.duration,
                }
            } else if let Some(c) = self.current(p, ctx) {
                PurposeState {
                    granted: c.granted,
                    at: Some(c.at),
                    method: c.method.as_str(),
                    duration: self.lasts(p, c.granted),
                }
            } else {
                continue;
            };
            purposes.insert(p.id.clone(), state);
        }
        Preferences {
            consent_id: self.choices.consent_id.clone(),
            revision: ever.then_some(self.choices.revision),
            purposes,
        }
    }

    /// Whether this record holds any choice (an empty record has never
    /// been written).
    fn ever_chosen(&self) -> bool {
        self.choices.updated_at != 0 || !self.choices.purposes.is_empty()
    }
    /// What `receipt()` returns (docs/api.md), texts as shown in `lang`.
    ///
    /// Every purpose appears with its title and description as shown in
    /// `lang`; one without a current choice appears as not granted, with no
    /// `at` or `method`.
    pub fn receipt(&self, ctx: &Context<'_>, lang: &str) -> Receipt {
        let dl = self.config.default_language.as_str();
        let language = truncate(lang, crate::limits::MAX_LANG_LEN).to_string();
        let ever = self.ever_chosen();
        let mut purposes = Vec::with_capacity(self.config.purposes.len());
        for p in &self.config.purposes {
            let current = if p.required {
                None
            } else {
                self.current(p, ctx)
            };
            purposes.push(ReceiptPurpose {
                id: p.id.clone(),
                title: p.title.get(&language, dl).to_string(),
                description: p.description.get(&language, dl).to_string(),
                required: p.required,
                sale_or_share: p.sale_or_share,
                granted: p.required || current.is_some_and(|c| c.granted),
                at: if p.required {
                    ever.then_some(self.choices.updated_at)
                } else {
                    current.map(|c| c.at)
                },
                method: if p.required {
                    Some("required")
                } else {
                    current.map(|c| c.method.as_str())
                },
                explicit: current.is_some_and(|c| c.explicit),
                duration: self.lasts(p, p.required || current.is_none_or(|c| c.granted)),
            });
        }
        let method = self
            .choices
            .purposes
            .values()
            .max_by_key(|c| c.at)
            .map(|c| c.method.as_str());
        let mut receipt = Receipt {
            consent_id: self.choices.consent_id.clone(),
            created_at: ever.then_some(self.choices.created_at),
            updated_at: ever.then_some(self.choices.updated_at),
            issued_at: sane(ctx).now,
            revision: self.config.revision,
            language,
            method,
            gpc: ctx.gpc,
            policy_url: self.config.policy_url.clone(),
            purposes,
            texts_sha256: String::new(),
        };
        receipt.texts_sha256 = receipt.compute_texts_sha256();
        receipt
    }
}
