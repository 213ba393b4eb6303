//! The stateful facade `candor-web` drives: config + choices + ledger.
//! Every method is pure with respect to the outside world: time, session and
//! GPC come in through [`Context`]; persistence goes out as strings.

use crate::config::DAY_MS;
use crate::decide::choice_status;
use crate::json::Object;
use crate::receipt::ReceiptPurpose;
use crate::{explain, stored};
use crate::{
    Choice, Choices, Config, Context, Decision, Duration, Ledger, Method, Purpose, Reason, Receipt,
    Request, SortedMap,
};

/// Longest purpose string echoed back in a [`Report`], in characters.
pub const MAX_REPORTED_PURPOSE: usize = 200;

/// Config, the shopper's choices and the frequency ledger, together.
#[derive(Debug, Clone)]
pub struct Engine {
    config: Config,
    choices: Choices,
    ledger: Ledger,
}

/// What `decide()` / `record()` return to JS (CONTRACT §2), camelCase.
#[derive(Debug, Clone)]
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
    pub retry_after: Option<u64>,
}

/// `preferences()` of CONTRACT §3.
#[derive(Debug, Clone)]
pub struct Preferences {
    /// Random id of this shopper's consent record.
    pub consent_id: String,
    /// Config revision the record was last written under.
    pub revision: u32,
    /// Purpose id → current choice. Only current (not outdated, not expired)
    /// choices appear; required purposes appear as granted, method `"required"`.
    pub purposes: SortedMap<String, PurposeState>,
}

/// One entry of [`Preferences::purposes`].
#[derive(Debug, Clone)]
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

impl Report {
    /// The JSON form: `{"allowed":…,"reason":…,"purpose":…,"explanation":…}`
    /// plus `"retryAfter"` when there is one.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.bool("allowed", self.allowed);
        o.str("reason", self.reason);
        o.str("purpose", &self.purpose);
        o.str("explanation", &self.explanation);
        if let Some(t) = self.retry_after {
            o.u64("retryAfter", t);
        }
        o.end();
        out
    }
}

impl Preferences {
    /// The JSON form: `{"consentId":…,"revision":…,"purposes":{"<id>":
    /// {"granted":…,"at":…,"method":…,"duration":…},…}}`, purposes in key order.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.str("consentId", &self.consent_id);
        o.u64("revision", u64::from(self.revision));
        let mut purposes = Object::new(o.key("purposes"));
        for (id, state) in &self.purposes {
            let mut p = Object::new(purposes.key(id));
            p.bool("granted", state.granted);
            p.u64("at", state.at);
            p.str("method", state.method);
            state.duration.write_json(p.key("duration"));
            p.end();
        }
        purposes.end();
        o.end();
        out
    }
}

impl Engine {
    /// A fresh engine with no choices recorded. `consent_id` is a fresh random
    /// id from the caller (the core has no randomness); a loaded record keeps its own.
    pub fn new(config: Config, consent_id: String) -> Self {
        Engine {
            config,
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
    /// Load a built-in language's text table into the config, as
    /// [`crate::i18n::load_table`] does (texts only: no decision changes).
    pub fn load_table(&mut self, lang: &str, json: &str) -> Result<(), crate::ConfigError> {
        crate::i18n::load_table(&mut self.config, lang, json)
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
    /// The session part is merged in only when its consent id is the
    /// persistent record's (or, with no persistent record, this engine's);
    /// otherwise it is ignored and `false` is returned. If either part is
    /// undecodable, **no** choices are kept (the engine's consent id stays).
    /// Where both parts hold a choice for one purpose, the later one wins.
    pub fn load_choices(&mut self, persistent: Option<&str>, session: Option<&str>) -> bool {
        let id = self.choices.consent_id.clone();
        let fresh = || Choices {
            consent_id: id.clone(),
            ..Choices::default()
        };
        let mut record = match persistent {
            None => fresh(),
            Some(s) => match stored::decode_choices(s) {
                Some(c) => c,
                None => {
                    self.choices = fresh();
                    return false;
                }
            },
        };
        let mut ok = true;
        if let Some(s) = session {
            match stored::decode_session(s) {
                None => {
                    self.choices = fresh();
                    return false;
                }
                Some((id, _)) if id != record.consent_id => ok = false,
                Some((_, grants)) => {
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
        }
        self.choices = record;
        ok
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
    /// Merge deliveries another copy of the ledger knows (see
    /// [`Ledger::merge`]); returns whether this engine's ledger changed.
    pub fn merge_ledger(&mut self, other: &Ledger) -> bool {
        self.ledger.merge(other, &self.config)
    }
    /// Stored forms of the choices: (persistent part for localStorage,
    /// session grants for sessionStorage). `None` = nothing to store (remove key).
    pub fn encode_choices(&self) -> (Option<String>, Option<String>) {
        stored::encode_choices(&self.choices)
    }
    /// Stored form of the ledger.
    pub fn encode_ledger(&self) -> String {
        stored::encode_ledger(&self.ledger)
    }
    /// CONTRACT §2 decision.
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
            let channel = decision.channel.and_then(|i| self.config.channels.get(i));
            if let Some((id, cap)) = channel.and_then(|c| c.cap.as_ref().map(|cap| (&c.id, cap))) {
                self.ledger.prune(&self.config, Some(ctx.now));
                self.ledger.push(id, cap, ctx.now);
            }
        }
        decision
    }
    /// Turn a decision into the JS-facing report with its explanation in `lang`.
    pub fn report(&self, request: &Request<'_>, decision: &Decision, lang: &str) -> Report {
        Report {
            allowed: decision.allowed,
            reason: decision.reason.as_str(),
            purpose: explain::truncate(request.purpose, MAX_REPORTED_PURPOSE).to_string(),
            explanation: explain::explain(&self.config, request, decision, lang),
            retry_after: decision.retry_after,
        }
    }
    /// Google Consent Mode v2 states from the current decisions (see
    /// [`consent_mode::states`](crate::consent_mode::states)); `None` without
    /// `googleConsentMode` in the config.
    pub fn consent_mode(&self, ctx: &Context<'_>) -> Option<[(&'static str, bool); 7]> {
        crate::consent_mode::states(&self.config, |purpose| {
            let request = Request {
                purpose,
                signals: &[],
                channel: None,
            };
            self.decide(&request, ctx).allowed
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
    /// CONTRACT §3 `preferences()`.
    pub fn preferences(&self, ctx: &Context<'_>) -> Preferences {
        let mut purposes = SortedMap::new();
        for p in &self.config.purposes {
            let state = if p.required {
                PurposeState {
                    granted: true,
                    at: self.choices.updated_at,
                    method: "required",
                    duration: p.duration,
                }
            } else if let Some(c) = self.current(p, ctx) {
                PurposeState {
                    granted: c.granted,
                    at: c.at,
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
            revision: self.choices.revision,
            purposes,
        }
    }
    /// CONTRACT §3 `receipt()`, texts as shown in `lang`.
    ///
    /// Every purpose appears with its title and description as shown in
    /// `lang`; one without a current choice appears as not granted, with no
    /// `at` or `method`.
    pub fn receipt(&self, ctx: &Context<'_>, lang: &str) -> Receipt {
        let dl = self.config.default_language.as_str();
        let language = explain::truncate(lang, 35).to_string();
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
                    Some(self.choices.updated_at)
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
            created_at: self.choices.created_at,
            updated_at: self.choices.updated_at,
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
