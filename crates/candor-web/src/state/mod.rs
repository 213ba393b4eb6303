//! The store: the widget's one piece of mutable state (the engine, the
//! shopper's context, what is open on screen), and the pure functions that
//! read and change it.
//!
//! Nothing in this module calls into JavaScript: the controller reads the
//! clock and the storage first, changes the store in one short borrow, and
//! only then persists and notifies. A page that calls back into Candor from
//! an event handler, a storage shim or a DOM method therefore always finds
//! the store free and consistent.

pub(crate) mod model;

use candor_core::{Config, Context, Decision, Engine, Method, Report, Request};

/// What the "Why this?" panel explains: a request as `decide` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WhyRequest {
    /// Purpose id as requested.
    pub(crate) purpose: String,
    /// Signals as requested.
    pub(crate) signals: Vec<String>,
    /// Channel as requested.
    pub(crate) channel: Option<String>,
    /// The site's request could not be read: explain that.
    pub(crate) invalid: bool,
}

impl WhyRequest {
    /// Run `f` with the request as the core takes it.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&Request<'_>) -> R) -> R {
        let signals: Vec<&str> = self.signals.iter().map(String::as_str).collect();
        f(&Request {
            purpose: &self.purpose,
            signals: &signals,
            channel: self.channel.as_deref(),
        })
    }
}

/// What is open on screen (the banner shows by itself while a choice is
/// missing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Screen {
    /// The preferences panel.
    pub(crate) panel: bool,
    /// The "Why this?" panel and what it explains.
    pub(crate) why: Option<WhyRequest>,
    /// A contextual `ask()` prompt, by purpose; it waits while the banner
    /// or a panel is showing.
    pub(crate) prompt: Option<String>,
}

/// The widget's state.
#[derive(Debug)]
pub(crate) struct Store {
    /// Config, tables, choices, ledger.
    pub(crate) engine: Engine,
    /// Browser-session id (sessionStorage `candor.session`).
    pub(crate) session: String,
    /// The language shown.
    pub(crate) lang: String,
    /// The page's `<html lang>` (for the text direction).
    pub(crate) page_lang: String,
    /// `navigator.globalPrivacyControl`.
    pub(crate) gpc: bool,
    /// What is open.
    pub(crate) screen: Screen,
    /// The guard found a control the shopper could not see: the widget
    /// shows its own look (no theme, no `::part` names) from now on.
    pub(crate) safe_look: bool,
    /// This tab may count messages on capped channels: it holds the
    /// ledger lock and its ledger is the authoritative one.
    pub(crate) exact: bool,
    /// The dark colour scheme is shown.
    pub(crate) dark: bool,
    /// The config's `policyUrl` as the browser resolved it (http or https).
    pub(crate) policy_href: Option<String>,
    /// The config's `receiptEndpoint`, resolved likewise.
    pub(crate) receipt_href: Option<String>,
}

/// What a change did to the choices, for persisting and notifying.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Change {
    /// The choices changed: persist them and tell the page.
    pub(crate) choices: bool,
    /// A choice was recorded here (a receipt goes to `receiptEndpoint`).
    pub(crate) recorded: bool,
    /// The record was forgotten (`reset()`).
    pub(crate) reset: bool,
}

impl Store {
    /// A store for `engine` in the shopper's context.
    pub(crate) fn new(
        engine: Engine,
        session: String,
        lang: String,
        page_lang: String,
        gpc: bool,
    ) -> Self {
        Store {
            engine,
            session,
            lang,
            page_lang,
            gpc,
            screen: Screen::default(),
            safe_look: false,
            exact: false,
            dark: false,
            policy_href: None,
            receipt_href: None,
        }
    }

    /// The context of a call made at `now`.
    pub(crate) fn ctx(&self, now: u64) -> Context<'_> {
        Context {
            now,
            session: &self.session,
            gpc: self.gpc,
        }
    }

    /// The engine, to change it, with the context of a call made at `now`.
    pub(crate) fn engine_mut(&mut self, now: u64) -> (&mut Engine, Context<'_>) {
        let ctx = Context {
            now,
            session: &self.session,
            gpc: self.gpc,
        };
        (&mut self.engine, ctx)
    }

    /// The config.
    pub(crate) fn config(&self) -> &Config {
        self.engine.config()
    }

    /// Whether the banner shows: a choice is missing.
    pub(crate) fn banner(&self, now: u64) -> bool {
        !self.engine.has_current_choices(&self.ctx(now))
    }

    /// `decide(request)` as the site gets it, dates in the shopper's locale.
    pub(crate) fn report(
        &self,
        request: &Request<'_>,
        decision: &Decision,
        date: candor_core::explain::DateFormat<'_>,
    ) -> Report {
        self.engine.report_with(request, decision, &self.lang, date)
    }

    /// Record choices made the same way. Returns whether every one was
    /// recorded (unknown and required purposes are not) and whether anything
    /// changed.
    pub(crate) fn choose(
        &mut self,
        choices: &[(String, bool)],
        method: Method,
        now: u64,
    ) -> (bool, Change) {
        let (engine, ctx) = self.engine_mut(now);
        let mut all = true;
        let mut any = false;
        for (purpose, granted) in choices {
            match engine.set(purpose, *granted, method, &ctx) {
                Ok(()) => any = true,
                Err(_) => all = false,
            }
        }
        let change = Change {
            choices: any,
            recorded: any,
            reset: false,
        };
        (all, change)
    }

    /// Accept (`true`) or reject (`false`) every non-required purpose.
    pub(crate) fn choose_all(&mut self, granted: bool, now: u64) -> Change {
        let (engine, ctx) = self.engine_mut(now);
        if granted {
            engine.accept_all(&ctx);
        } else {
            engine.reject_all(&ctx);
        }
        Change {
            choices: true,
            recorded: true,
            reset: false,
        }
    }

    /// Forget the record and start a new one under `consent_id`.
    pub(crate) fn reset(&mut self, consent_id: String) -> Change {
        self.engine.reset(consent_id);
        self.screen = Screen::default();
        Change {
            choices: true,
            recorded: false,
            reset: true,
        }
    }

    /// The ids of the purposes allowed at `now`, and the JS facade's
    /// `allows()` memo for them.
    pub(crate) fn allowed(&self, now: u64) -> (Vec<bool>, Option<u64>) {
        let snapshot = self.engine.allowed_snapshot(&self.ctx(now));
        let refresh = snapshot.next_change.map(|t| t.saturating_sub(snapshot.now));
        (snapshot.allowed, refresh)
    }
}
