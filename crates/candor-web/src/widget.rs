//! The JS surface: [`Widget`], the one exported type. It reads what the
//! facade passes, hands every change to the [controller](crate::control)
//! and every question to the [store](crate::state), and returns plain JS
//! values.

use std::rc::Rc;

use candor_core::{Config, Engine, Method};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;

use crate::boundary::{read_request, short_string, to_js};
use crate::control::{self, Action, Inner, Listener};
use crate::effects::{self, Committed, Hooks};
use crate::js;
use crate::state::{Change, Store, WhyRequest};
use crate::storage::{Area, Storage, Written, CHOICES, GRANTS, LEDGER, SESSION};

/// Candor's widget: the Rust side of `window.candor`.
///
/// Create it with the site config's JSON text, [`mount`](Widget::mount) it
/// (the banner shows), then [`attach`](Widget::attach) the facade's hooks
/// (the page integrations start). The facade (`js/facade.js`) wraps it into
/// the public object, which never throws and answers "not allowed" until
/// the widget is there.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Widget {
    inner: Rc<Inner>,
}

/// `url` (the config's field `field`) resolved against the page's URL by
/// the browser's own parser; only `http:` and `https:` results are kept.
fn resolve(field: &str, url: Option<&str>) -> Result<Option<String>, JsValue> {
    let Some(url) = url else {
        return Ok(None);
    };
    let fail = |why: &str| {
        JsValue::from(
            [
                field,
                ": ",
                &candor_core::text::quote(candor_core::text::truncate(url, 80)),
                why,
            ]
            .concat(),
        )
    };
    let resolved = js::resolve_url(url).map_err(|_| fail(" is not a URL"))?;
    let protocol = resolved.get(0).as_string().unwrap_or_default();
    if protocol != "https:" && protocol != "http:" {
        return Err(fail(
            &[
                " resolves to a ",
                candor_core::text::truncate(&protocol, 20),
                " URL; only http: and https: are allowed",
            ]
            .concat(),
        ));
    }
    Ok(resolved.get(1).as_string())
}

#[wasm_bindgen]
impl Widget {
    /// Validate the config and read the saved choices. Throws the
    /// validation message (a string naming the field and the value) on a
    /// bad config, a URL of the config included.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<Widget, JsValue> {
        let config = Config::from_json(config_json).map_err(|e| JsValue::from(e.to_text()))?;
        let policy = resolve("policyUrl", config.policy_url.as_deref())?;
        let receipts = resolve("receiptEndpoint", config.receipt_endpoint.as_deref())?;
        let storage = Storage::default();
        let session = match storage.get(Area::Session, SESSION) {
            Some(id) if !id.is_empty() && id.len() <= 64 => id,
            _ => {
                let id = js::random_hex(16).unwrap_or_default();
                let _ = storage.set(Area::Session, SESSION, Some(&id));
                id
            }
        };
        let candidates = js::page_languages()
            .map(|l| js::strings(&l))
            .unwrap_or_default();
        let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
        let lang = config.pick_language(&refs);
        let persistent = storage.get(Area::Local, CHOICES);
        let grants = storage.get(Area::Session, GRANTS);
        // The message counts too, before the first answer: a cap is part
        // of every decision on its channel.
        let ledger = storage.get(Area::Local, LEDGER);
        let mut engine = Engine::new(config, js::random_hex(16).unwrap_or_default());
        if !engine.load_choices(persistent.as_deref(), grants.as_deref())
            | !engine.load_ledger(ledger.as_deref())
        {
            storage.warn();
        }
        let page_lang = js::page_lang().unwrap_or_default();
        let mut store = Store::new(engine, session, lang, page_lang, js::gpc().unwrap_or(false));
        store.policy_href = policy;
        store.receipt_href = receipts;
        Ok(Widget {
            inner: Rc::new(Inner::new(store, storage)),
        })
    }

    /// The built-in languages whose texts this page needs and the wasm does
    /// not carry, space-separated (`"fr"`, `""` when none): the loader
    /// fetches each from `i18n/<lang>.txt` and hands it to
    /// [`add_texts`](Widget::add_texts) before [`mount`](Widget::mount).
    #[wasm_bindgen(js_name = textsNeeded)]
    pub fn texts_needed(&self) -> String {
        self.inner
            .read(|s| s.engine.missing_tables(&s.lang).join(" "))
            .unwrap_or_default()
    }

    /// Load a built-in language's texts from its file. Throws the reason
    /// for a file that is not exactly a table of this version; a failure
    /// changes nothing, and [`mount`](Widget::mount) then shows the
    /// config's default language.
    #[wasm_bindgen(js_name = addTexts)]
    pub fn add_texts(&self, lang: &str, file: &str) -> Result<(), JsValue> {
        self.inner
            .write(|s| s.engine.load_table(lang, file))
            .unwrap_or(Ok(()))
            .map_err(|e| JsValue::from(e.to_text()))
    }

    /// Render into `<div id="candor">` (made at the end of `<body>` if
    /// absent): the banner while a choice is missing. The page's
    /// integrations start with [`attach`](Widget::attach).
    pub fn mount(&self) -> Result<(), JsValue> {
        let inner = &self.inner;
        let scheme = js::page_scheme().unwrap_or_default();
        let lang = inner
            .write(|s| {
                s.lang = s.engine.shown_language(&s.lang).to_owned();
                s.dark = match s.config().theme.color_scheme {
                    candor_core::theme::ColorScheme::Light => false,
                    candor_core::theme::ColorScheme::Dark => true,
                    candor_core::theme::ColorScheme::Page => scheme == "dark",
                };
                s.lang.clone()
            })
            .unwrap_or_default();
        inner.set_date_language(&lang);
        let handles = js::mount_host()?;
        let (host, root) = (handles.get(0), handles.get(1));
        let click = Listener::new(inner, &root, "click", false, control::on_click)?;
        let key = Listener::new(inner, &root, "keydown", false, control::on_key)?;
        if let Ok(mut page) = inner.page.try_borrow_mut() {
            page.host = Some(host);
            page.root = Some(root);
            page.listeners = vec![click, key];
        }
        // The banner (or the floating button); a failure here is told to
        // the loader, which says on the console that the choices could
        // not be shown (a render is also tried again a moment later).
        effects::restyle(inner)
    }

    /// Start the page integrations, once the banner is on screen: the
    /// facade's `hooks` (`{ commit, emit, gtag, ledger }`), changes made in
    /// other tabs, gated scripts and embeds, Consent Mode,
    /// cookies, elements marked `data-candor-open`, the covering watch.
    pub fn attach(&self, hooks: JsValue) {
        let inner = &self.inner;
        if let Ok(mut page) = inner.page.try_borrow_mut() {
            page.hooks = Hooks::read(&hooks);
        }
        let mut listeners = Vec::new();
        if let Ok(window) = js::the_window() {
            listeners
                .extend(Listener::new(inner, &window, "storage", false, control::on_storage).ok());
            listeners
                .extend(Listener::new(inner, &window, "click", true, control::on_page_click).ok());
        }
        if let Ok(mut page) = inner.page.try_borrow_mut() {
            page.listeners.extend(listeners);
        }
        effects::start(inner);
        control::watch(inner);
    }

    /// Every purpose `allows()` allows now, and when to ask again:
    /// `{ allowed: [id, …], refreshIn? }` (`refreshIn` absent when only a
    /// change can alter the answers). The facade keeps it to answer
    /// `allows()` without calling into wasm.
    pub fn snapshot(&self) -> JsValue {
        let now = js::clock();
        self.inner
            .read(|s| Committed::of(s, Change::default(), now))
            .map(|c| effects::memo(&c))
            .unwrap_or(JsValue::NULL)
    }

    /// The decision: `{ allowed, reason, purpose, explanation, retryAfter? }`.
    pub fn decide(&self, request: JsValue) -> JsValue {
        to_js(&self.report(&request, false))
    }

    /// Like [`decide`](Widget::decide), and counts one delivered message
    /// against the channel's cap when allowed. On a capped channel the
    /// count must be exact: it is made only in the tab that holds the
    /// ledger lock, and only when it can be saved; otherwise the message is
    /// denied (`count-not-saved`).
    pub fn record(&self, request: JsValue) -> JsValue {
        to_js(&self.report(&request, true))
    }

    /// The decision's explanation sentence.
    pub fn explain(&self, request: JsValue) -> String {
        self.report(&request, false).explanation
    }

    /// Grant every non-required purpose, as the banner's button does.
    #[wasm_bindgen(js_name = acceptAll)]
    pub fn accept_all(&self) {
        control::dispatch(&self.inner, Action::AcceptAll);
    }

    /// Refuse every non-required purpose, as the banner's button does.
    #[wasm_bindgen(js_name = rejectAll)]
    pub fn reject_all(&self) {
        control::dispatch(&self.inner, Action::RejectAll);
    }

    /// Record one choice (method `api`). `false`, and no change event, for
    /// an unknown or required purpose or a non-boolean `granted`.
    pub fn set(&self, purpose: JsValue, granted: JsValue) -> bool {
        match (short_string(&purpose), granted.as_bool()) {
            (Some(p), Some(g)) => control::dispatch(&self.inner, Action::Set(p, g, Method::Api)),
            _ => false,
        }
    }

    /// Open the preferences panel.
    pub fn show(&self) {
        control::dispatch(&self.inner, Action::Open);
    }

    /// Close the open panel.
    pub fn hide(&self) {
        control::dispatch(&self.inner, Action::Close);
    }

    /// `{ consentId, revision, purposes }` (`revision` null before any choice).
    pub fn preferences(&self) -> JsValue {
        let now = js::clock();
        self.inner
            .read(|s| s.engine.preferences(&s.ctx(now)))
            .map(|p| to_js(&p))
            .unwrap_or(JsValue::NULL)
    }

    /// The proof-of-consent receipt.
    pub fn receipt(&self) -> JsValue {
        let now = js::clock();
        self.inner
            .read(|s| s.engine.receipt(&s.ctx(now), &s.lang))
            .map(|r| to_js(&r))
            .unwrap_or(JsValue::NULL)
    }

    /// Withdraw everything, forget the stored record, show the banner again.
    pub fn reset(&self) {
        control::dispatch(&self.inner, Action::Reset);
    }

    /// Contextual ask for one purpose: a small non-blocking prompt (Yes, No,
    /// and × or Escape to dismiss), recorded with method `ask`. Resolves
    /// `true` when the purpose is allowed afterwards, else `false`; with
    /// `{ detail: true }`, `{ allowed, answer }` where `answer` is `yes`,
    /// `no`, `dismissed`, `already` (allowed before: no prompt) or
    /// `unavailable` (unknown or required purpose). While the banner is
    /// showing, the prompt waits: the banner's answer settles it.
    pub fn ask(&self, purpose: JsValue, options: JsValue) -> Promise {
        let detailed = options.is_object()
            && Reflect::get(&options, &"detail".into())
                .ok()
                .and_then(|d| d.as_bool())
                == Some(true);
        let now = js::clock();
        let id = short_string(&purpose);
        let known = id.as_ref().and_then(|id| {
            self.inner
                .read(|s| s.config().purpose(id).map(|p| (p.id.clone(), p.required)))
                .flatten()
        });
        let settled = |allowed: bool, answer: &str| {
            Promise::resolve(&effects::ask_result(allowed, answer, detailed))
        };
        let Some((id, required)) = known else {
            return settled(false, "unavailable");
        };
        if required {
            return settled(true, "already");
        }
        if control::purpose_allowed(&self.inner, &id, now) {
            return settled(true, "already");
        }
        // A prompt still open is dismissed first.
        control::settle_prompt(&self.inner, false, "dismissed");
        let mut resolver: Option<Function> = None;
        let promise = Promise::new(&mut |resolve, _| resolver = Some(resolve));
        self.inner.set_prompt(resolver.map(|r| (r, detailed)));
        let _ = self.inner.write(|s| s.screen.prompt = Some(id));
        let _ = control::render(&self.inner);
        control::focus_prompt(&self.inner);
        promise
    }

    /// Open the "Why this?" panel explaining `request` (as `decide` takes
    /// it), with one button to switch the purpose off.
    pub fn why(&self, request: JsValue) {
        control::dispatch(&self.inner, Action::Why(read_request(&request)));
    }

    /// The ledger's stored form (for the facade's exact counting).
    pub fn ledger(&self) -> String {
        self.inner
            .read(|s| s.engine.encode_ledger())
            .unwrap_or_default()
    }

    /// This tab now holds the ledger lock (`exact`), with `stored` the
    /// authoritative ledger from the facade's IndexedDB, merged into its
    /// own; or it no longer does. Only a tab that holds it counts messages
    /// on capped channels.
    #[wasm_bindgen(js_name = setExact)]
    pub fn set_exact(&self, exact: bool, stored: Option<String>) {
        let local = self.inner.storage.refresh(Area::Local, LEDGER);
        let _ = self.inner.write(|s| {
            if exact {
                let mine = s.engine.ledger().clone();
                let _ = s.engine.load_ledger(local.as_deref());
                s.engine.merge_ledger(&mine);
                if let Some(stored) = stored.as_deref() {
                    let mut other = s.engine.clone();
                    if other.load_ledger(Some(stored)) {
                        s.engine.merge_ledger(other.ledger());
                    }
                }
            }
            s.exact = exact;
        });
    }
}

impl Widget {
    /// Decide (or record) a request: the report the site gets.
    fn report(&self, request: &JsValue, record: bool) -> candor_core::Report {
        let inner = &self.inner;
        let why: WhyRequest = read_request(request);
        let now = js::clock();
        if record && !why.invalid {
            // Other tabs count too: start from the stored ledger, merged
            // with this page's (an unreadable one leaves this page's).
            if let Some(stored) = inner.storage.get(Area::Local, LEDGER) {
                let _ = inner.write(|s| {
                    let mine = s.engine.ledger().clone();
                    if s.engine.load_ledger(Some(&stored)) {
                        s.engine.merge_ledger(&mine);
                    } else {
                        s.engine.set_ledger(mine);
                    }
                });
            }
        }
        let counted = inner.write(|s| {
            why.with(|r| {
                if why.invalid {
                    return (candor_core::Decision::invalid(), None);
                }
                if !record {
                    return (s.engine.decide(r, &s.ctx(now)), None);
                }
                let before = s.engine.ledger().clone();
                let (engine, ctx) = s.engine_mut(now);
                let decision = engine.record(r, &ctx);
                let capped = decision.allowed && s.engine.capped_channel(&decision).is_some();
                if !capped {
                    return (decision, None);
                }
                if !s.exact {
                    // Another tab may be counting: no exact count, no send.
                    s.engine.set_ledger(before);
                    return (decision.not_saved(), None);
                }
                let text = s.engine.encode_ledger();
                (decision, Some((before, text)))
            })
        });
        let Some((mut decision, counted)) = counted else {
            return invalid_report(&why);
        };
        if let Some((before, text)) = counted {
            if inner.storage.set(Area::Local, LEDGER, Some(&text)) == Written::InMemory {
                // A count that cannot be saved is no count: undo, deny.
                let _ = inner.write(|s| s.engine.set_ledger(before));
                decision = decision.not_saved();
            } else {
                let hook = inner
                    .page
                    .try_borrow()
                    .ok()
                    .and_then(|p| p.hooks.ledger.clone());
                if let Some(hook) = hook {
                    if let Err(e) = hook.call1(&JsValue::NULL, &JsValue::from_str(&text)) {
                        effects::failed(inner, "ledger", &e);
                    }
                }
            }
        }
        let date = |ms: u64| inner.date(ms);
        inner
            .read(|s| why.with(|r| s.report(r, &decision, &date)))
            .unwrap_or_else(|| invalid_report(&why))
    }
}

fn invalid_report(why: &WhyRequest) -> candor_core::Report {
    candor_core::Report {
        allowed: false,
        reason: "invalid-request",
        purpose: why.purpose.clone(),
        explanation: "Not allowed.".into(),
        retry_after: None,
    }
}
