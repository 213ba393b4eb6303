//! The JS surface: one exported type, [`Widget`], wrapping
//! [`candor_core::Engine`].
//!
//! Everything a site passes in arrives as an untyped `JsValue` and is read
//! defensively: a wrong type, an absurd size or a getter that throws becomes a
//! denied decision (`invalid-request`), never an exception. Decisions,
//! preferences and receipts cross back as JSON text (the core already uses
//! candor-core's own JSON writer) that `js/facade.js` parses. The facade also owns the site's
//! `on("change")` subscribers and the `candor:*` window events; this side
//! calls the one listener the facade registers after every change.

use std::cell::RefCell;
use std::rc::Rc;

use candor_core::{Config, Context, Decision, Engine, Method, Request};
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::dialog;
use crate::store::{Area, Store, CHOICES, GRANTS, LEDGER, SESSION};

/// Longest purpose, signal or channel id accepted in a request.
const MAX_ID: usize = 200;
/// Most signals accepted in one request.
const MAX_SIGNALS: usize = 64;
/// Sent when even serialization failed: denied, whatever happened.
const DENIED_JSON: &str =
    r#"{"allowed":false,"reason":"invalid-request","purpose":"","explanation":"Not allowed."}"#;

/// The engine and what its context needs.
#[derive(Debug)]
pub(crate) struct State {
    /// Config, choices and ledger.
    pub(crate) engine: Engine,
    /// Browser-session id (sessionStorage `candor.session`).
    pub(crate) session: String,
    /// UI language.
    pub(crate) lang: String,
    /// `navigator.globalPrivacyControl`.
    pub(crate) gpc: bool,
}

impl State {
    /// The context of a call made now.
    pub(crate) fn ctx(&self) -> Context<'_> {
        Context {
            now: now(),
            session: &self.session,
            gpc: self.gpc,
        }
    }

    /// The engine, to change it, with the context of a call made now.
    pub(crate) fn engine_mut(&mut self) -> (&mut Engine, Context<'_>) {
        let ctx = Context {
            now: now(),
            session: &self.session,
            gpc: self.gpc,
        };
        (&mut self.engine, ctx)
    }
}

/// Everything the exported object, DOM listeners and storage listener share.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Engine and context.
    pub(crate) state: RefCell<State>,
    /// Web storage with in-memory fallback.
    pub(crate) store: Store,
    /// DOM handles.
    pub(crate) ui: RefCell<dialog::Ui>,
    /// The facade's change listener, called with the preferences as JSON.
    listener: RefCell<Option<js_sys::Function>>,
}

/// Candor's widget: the Rust side of `window.candor`.
///
/// Create it with the site config's JSON text, [`mount`](Widget::mount) it,
/// then query it. `js/facade.js` wraps it into the public object of
/// CONTRACT §3 (which never throws and answers "not allowed" until ready).
///
/// # Example
///
/// ```no_run
/// # use candor_web::Widget;
/// let widget = Widget::new(r#"{"purposes":[{"id":"essential","required":true,
///     "title":"Essential","description":"Keeps your cart."}]}"#).ok();
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct Widget {
    shared: Rc<Shared>,
    /// The `storage` listener (the same closure type as the dialog's
    /// listeners: one piece of glue for both).
    on_storage: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

#[wasm_bindgen]
impl Widget {
    /// Validate the config and load the saved choices. Throws the
    /// validation message (a string naming the field and value) on a bad config.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<Widget, JsValue> {
        let config = Config::from_json(config_json).map_err(|e| JsValue::from(e.to_text()))?;
        let store = Store::open();
        let session = match store.get(Area::Session, SESSION) {
            Some(id) if !id.is_empty() && id.len() <= 64 => id,
            _ => {
                let id = random_id();
                store.set(Area::Session, SESSION, Some(&id));
                id
            }
        };
        let lang = language(&config);
        let engine = Engine::new(config, random_id());
        let shared = Rc::new(Shared {
            state: RefCell::new(State {
                engine,
                session,
                lang,
                gpc: gpc(),
            }),
            store,
            ui: RefCell::new(dialog::Ui::default()),
            listener: RefCell::new(None),
        });
        load(&shared);
        Ok(Widget {
            shared,
            on_storage: None,
        })
    }

    /// The built-in languages whose texts this page needs and the wasm does
    /// not carry, space-separated (`"fr"`, `""` when none): the loader
    /// fetches each from `i18n/<lang>.txt` and hands it to
    /// [`add_texts`](Widget::add_texts) before [`mount`](Widget::mount).
    #[wasm_bindgen(js_name = textsNeeded)]
    pub fn texts_needed(&self) -> String {
        self.shared
            .state
            .try_borrow()
            .map(|s| candor_core::i18n::missing_tables(s.engine.config(), &s.lang).join(" "))
            .unwrap_or_default()
    }

    /// Load a built-in language's texts from its file (`i18n/<lang>.txt`).
    /// Throws the reason for a file that is not exactly a table of this
    /// version; a failure changes nothing, and [`mount`](Widget::mount)
    /// then shows the config's default language.
    #[wasm_bindgen(js_name = addTexts)]
    pub fn add_texts(&self, lang: &str, file: &str) -> Result<(), JsValue> {
        let mut state = self
            .shared
            .state
            .try_borrow_mut()
            .map_err(|_| JsValue::from("busy"))?;
        state
            .engine
            .load_table(lang, file)
            .map_err(|e| JsValue::from(e.to_text()))
    }

    /// Render into `<div id="candor">` (created at the end of `<body>` if
    /// absent) and follow changes made in other tabs. A language whose texts
    /// were not loaded gives way to the config's default language.
    pub fn mount(&mut self) {
        if let Ok(mut state) = self.shared.state.try_borrow_mut() {
            let shown = candor_core::i18n::shown_language(state.engine.config(), &state.lang);
            if shown != state.lang {
                state.lang = shown.to_owned();
            }
        }
        dialog::mount(&self.shared);
        if self.on_storage.is_none() {
            let weak = Rc::downgrade(&self.shared);
            let on_storage =
                Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                    // Unchecked, as the typed closure was: a `storage`
                    // listener gets a StorageEvent.
                    let ours = match event.unchecked_ref::<web_sys::StorageEvent>().key() {
                        None => true,
                        Some(key) => key == CHOICES || key == LEDGER,
                    };
                    if let (true, Some(shared)) = (ours, weak.upgrade()) {
                        reload_from_other_tab(&shared);
                        // Re-render and notify, but do not write the choices
                        // back: the other tab already did.
                        notify(&shared);
                    }
                });
            if let Some(window) = web_sys::window() {
                let _ = window.add_event_listener_with_callback(
                    "storage",
                    on_storage.as_ref().unchecked_ref(),
                );
            }
            self.on_storage = Some(on_storage);
        }
    }

    /// Register the one function called with the preferences (JSON text)
    /// after every change. Used by the facade.
    #[wasm_bindgen(js_name = setListener)]
    pub fn set_listener(&self, listener: JsValue) {
        if let Ok(mut slot) = self.shared.listener.try_borrow_mut() {
            *slot = listener.dyn_into::<js_sys::Function>().ok();
        }
    }

    /// Every purpose's `decide({purpose}).allowed` answer now, and when to
    /// ask again, as JSON text: `{"allowed":["<id>",…],"refreshIn":<ms>}`
    /// (`refreshIn` absent when only a change can alter the answers; see
    /// [`candor_core::Snapshot`]). The facade keeps it to answer `allows()`
    /// without calling into wasm, and takes a new one after every change.
    pub fn snapshot(&self) -> String {
        self.shared
            .state
            .try_borrow()
            .map(|s| s.engine.allowed_snapshot(&s.ctx()).to_json(&s.engine))
            .unwrap_or_else(|_| r#"{"allowed":[],"refreshIn":0}"#.into())
    }

    /// The decision of CONTRACT §2, as JSON text.
    pub fn decide(&self, request: JsValue) -> String {
        report(&self.shared, &request, false).0
    }

    /// Like [`decide`](Widget::decide), and counts one delivered message
    /// against the channel's cap when allowed.
    pub fn record(&self, request: JsValue) -> String {
        report(&self.shared, &request, true).0
    }

    /// The decision's explanation sentence.
    pub fn explain(&self, request: JsValue) -> String {
        report(&self.shared, &request, false).1
    }

    /// Grant every non-required purpose, as the banner's button does.
    #[wasm_bindgen(js_name = acceptAll)]
    pub fn accept_all(&self) {
        accept_all(&self.shared, true);
    }

    /// Refuse every non-required purpose, as the banner's button does.
    #[wasm_bindgen(js_name = rejectAll)]
    pub fn reject_all(&self) {
        accept_all(&self.shared, false);
    }

    /// Record one choice (method `api`). `false` for an unknown or required
    /// purpose or a non-boolean `granted`.
    pub fn set(&self, purpose: JsValue, granted: JsValue) -> bool {
        match (purpose.as_string(), granted.as_bool()) {
            (Some(purpose), Some(granted)) if purpose.len() <= MAX_ID => {
                choose(&self.shared, &[(purpose, granted)], Method::Api)
            }
            _ => false,
        }
    }

    /// Open the preferences panel.
    pub fn show(&self) {
        dialog::show(&self.shared, None);
    }

    /// Close the preferences panel.
    pub fn hide(&self) {
        dialog::hide(&self.shared);
    }

    /// `{ consentId, revision, purposes }` as JSON text.
    pub fn preferences(&self) -> String {
        preferences(&self.shared).unwrap_or_else(|| "null".into())
    }

    /// The proof-of-consent receipt as JSON text.
    pub fn receipt(&self) -> String {
        receipt_json(&self.shared).unwrap_or_else(|| "null".into())
    }

    /// Withdraw everything, forget the stored record, show the banner again.
    pub fn reset(&self) {
        let shared = &self.shared;
        if let Ok(mut state) = shared.state.try_borrow_mut() {
            state.engine.reset(random_id());
        }
        shared.store.set(Area::Local, CHOICES, None);
        shared.store.set(Area::Session, GRANTS, None);
        dialog::hide(shared);
        changed(shared);
    }

    /// Contextual ask: resolves `true` at once if the purpose is already
    /// allowed, else shows a small non-blocking prompt (Yes / No) and
    /// resolves with the answer, recorded with method `ask`. Unknown or
    /// required purposes resolve at once with whether they are allowed.
    pub fn ask(&self, purpose: JsValue) -> js_sys::Promise {
        let allowed = allows(&self.shared, &purpose);
        let known = short_string(&purpose).filter(|id| {
            self.shared
                .state
                .try_borrow()
                .is_ok_and(|s| s.engine.config().purpose(id).is_some_and(|p| !p.required))
        });
        let Some(id) = known.filter(|_| !allowed) else {
            return js_sys::Promise::resolve(&JsValue::from_bool(allowed));
        };
        let mut resolver = None;
        let promise = js_sys::Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
        if let Some(resolve) = resolver {
            dialog::ask(&self.shared, &id, resolve);
        }
        promise
    }

    /// Open the "Why this?" panel explaining `request` (as `decide` takes
    /// it), with one button to switch the purpose off.
    pub fn why(&self, request: JsValue) {
        crate::why::open(&self.shared, &request);
    }

    /// Start the page integrations (Consent Mode, gated scripts and embeds,
    /// cookies, reload on withdrawal). `gtag` is the facade's
    /// `function () { dataLayer.push(arguments) }`.
    pub fn connect(&self, gtag: JsValue) {
        crate::bridge::start(&self.shared, gtag);
    }
}

/// `decide({purpose}).allowed`; anything but a sane string is `false`. The
/// site's `allows()` is answered by the facade from [`Widget::snapshot`];
/// this serves `ask`.
fn allows(shared: &Shared, purpose: &JsValue) -> bool {
    match purpose.as_string() {
        Some(purpose) if purpose.len() <= MAX_ID => {
            let request = Request {
                purpose: &purpose,
                signals: &[],
                channel: None,
            };
            shared
                .state
                .try_borrow()
                .map(|s| s.engine.decide(&request, &s.ctx()).allowed)
                .unwrap_or(false)
        }
        _ => false,
    }
}

impl Drop for Widget {
    fn drop(&mut self) {
        if let (Some(window), Some(on_storage)) = (web_sys::window(), self.on_storage.as_ref()) {
            let _ = window.remove_event_listener_with_callback(
                "storage",
                on_storage.as_ref().unchecked_ref(),
            );
        }
        dialog::unmount(&self.shared);
    }
}

/// Milliseconds since the epoch.
fn now() -> u64 {
    js_sys::Date::now() as u64
}

/// 128 random bits as 32 hex digits (crypto.getRandomValues, else Math.random).
pub(crate) fn random_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok())
        .unwrap_or(false);
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    let mut id = String::with_capacity(32);
    for b in bytes {
        for nibble in [b >> 4, b & 15] {
            id.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    id
}

/// `<html lang>`, then `navigator.languages`, then the config's default.
fn language(config: &Config) -> String {
    let mut candidates: Vec<String> = Vec::new();
    if let Some(window) = web_sys::window() {
        if let Some(lang) = window
            .document()
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
        {
            candidates.push(lang);
        }
        let languages: Array = window.navigator().languages();
        candidates.extend(languages.iter().filter_map(|l| l.as_string()).take(16));
    }
    let refs: Vec<&str> = candidates
        .iter()
        .map(String::as_str)
        .filter(|l| !l.is_empty() && l.len() <= 35)
        .collect();
    candor_core::i18n::pick_language(config, &refs)
}

/// `navigator.globalPrivacyControl === true`.
fn gpc() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"globalPrivacyControl".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// (Re)load choices and ledger from storage; anything unreadable counts as
/// absent (fail closed) and is warned about once.
pub(crate) fn load(shared: &Shared) {
    let persistent = shared.store.get(Area::Local, CHOICES);
    let session = shared.store.get(Area::Session, GRANTS);
    let ledger = shared.store.get(Area::Local, LEDGER);
    let Ok(mut state) = shared.state.try_borrow_mut() else {
        return;
    };
    let choices_ok = state
        .engine
        .load_choices(persistent.as_deref(), session.as_deref());
    let ledger_ok = state.engine.load_ledger(ledger.as_deref());
    drop(state);
    if !choices_ok || !ledger_ok {
        shared.store.warn();
    }
}

/// Another tab wrote: reload from storage, keeping the deliveries this page
/// counted that the other tab's write lost (two tabs in two processes can
/// read, add and write the ledger at the same time), and write them back.
fn reload_from_other_tab(shared: &Shared) {
    let mine = shared.state.try_borrow().map(|s| s.engine.ledger().clone());
    load(shared);
    let merged = mine.ok().and_then(|mine| {
        let mut state = shared.state.try_borrow_mut().ok()?;
        let changed = state.engine.merge_ledger(&mine);
        changed.then(|| state.engine.encode_ledger())
    });
    if let Some(ledger) = merged {
        shared.store.set(Area::Local, LEDGER, Some(&ledger));
    }
}

/// Write the choices to storage.
fn persist(shared: &Shared) {
    let encoded = shared
        .state
        .try_borrow()
        .map(|s| s.engine.encode_choices())
        .ok();
    if let Some((persistent, session)) = encoded {
        shared
            .store
            .set(Area::Local, CHOICES, persistent.as_deref());
        shared.store.set(Area::Session, GRANTS, session.as_deref());
    }
}

/// The receipt as JSON text.
pub(crate) fn receipt_json(shared: &Shared) -> Option<String> {
    let s = shared.state.try_borrow().ok()?;
    Some(s.engine.receipt(&s.ctx(), &s.lang).to_json())
}

/// Preferences as JSON text.
fn preferences(shared: &Shared) -> Option<String> {
    let state = shared.state.try_borrow().ok()?;
    Some(state.engine.preferences(&state.ctx()).to_json())
}

/// After every change: persist, re-render, tell the facade.
/// No borrow is held while the site's code runs.
pub(crate) fn changed(shared: &Shared) {
    persist(shared);
    notify(shared);
    crate::bridge::recorded(shared);
}

/// Re-render and call the facade's listener with the preferences.
fn notify(shared: &Shared) {
    dialog::sync(shared);
    crate::bridge::sync(shared);
    let listener = shared.listener.try_borrow().ok().and_then(|l| l.clone());
    if let (Some(listener), Some(json)) = (listener, preferences(shared)) {
        let _ = listener.call1(&JsValue::NULL, &JsValue::from(json));
    }
}

/// Accept (`true`) or reject (`false`) every non-required purpose.
pub(crate) fn accept_all(shared: &Shared, granted: bool) {
    if let Ok(mut state) = shared.state.try_borrow_mut() {
        let (engine, ctx) = state.engine_mut();
        if granted {
            engine.accept_all(&ctx);
        } else {
            engine.reject_all(&ctx);
        }
    } else {
        return;
    }
    changed(shared);
}

/// Record several choices made the same way; `true` if all were recorded.
pub(crate) fn choose(shared: &Shared, choices: &[(String, bool)], method: Method) -> bool {
    let mut all = true;
    if let Ok(mut state) = shared.state.try_borrow_mut() {
        let (engine, ctx) = state.engine_mut();
        for (purpose, granted) in choices {
            all &= engine.set(purpose, *granted, method, &ctx).is_ok();
        }
    } else {
        return false;
    }
    changed(shared);
    all
}

/// A request read from JS.
pub(crate) struct Owned {
    pub(crate) purpose: String,
    pub(crate) signals: Vec<String>,
    pub(crate) channel: Option<String>,
}

/// A string of sane length, or `None`.
fn short_string(value: &JsValue) -> Option<String> {
    value.as_string().filter(|s| s.len() <= MAX_ID)
}

/// Read `{ purpose, signals?, channel? }` without trusting it. `Err` carries
/// the purpose when it at least was a sane string.
pub(crate) fn read_request(request: &JsValue) -> Result<Owned, String> {
    if !request.is_object() {
        return Err(short_string(request).unwrap_or_default());
    }
    let get = |key: &str| Reflect::get(request, &JsValue::from_str(key)).map_err(|_| ());
    let purpose = get("purpose")
        .ok()
        .and_then(|p| short_string(&p))
        .ok_or_else(String::new)?;
    let invalid = || purpose.clone();
    let signals = match get("signals") {
        Ok(v) if v.is_undefined() || v.is_null() => Vec::new(),
        Ok(v) if Array::is_array(&v) => {
            let len = Reflect::get(&v, &"length".into())
                .ok()
                .and_then(|l| l.as_f64())
                .ok_or_else(invalid)?;
            if !(0.0..=MAX_SIGNALS as f64).contains(&len) {
                return Err(invalid());
            }
            let mut signals = Vec::with_capacity(len as usize);
            for i in 0..len as u32 {
                let s = Reflect::get_u32(&v, i)
                    .ok()
                    .and_then(|s| short_string(&s))
                    .ok_or_else(invalid)?;
                signals.push(s);
            }
            signals
        }
        _ => return Err(invalid()),
    };
    let channel = match get("channel") {
        Ok(v) if v.is_undefined() || v.is_null() => None,
        Ok(v) => Some(short_string(&v).ok_or_else(invalid)?),
        Err(()) => return Err(invalid()),
    };
    Ok(Owned {
        purpose,
        signals,
        channel,
    })
}

/// Decide (or record) a JS request: (report as JSON text, explanation).
fn report(shared: &Shared, request: &JsValue, record: bool) -> (String, String) {
    let owned = read_request(request);
    let Ok(mut state) = shared.state.try_borrow_mut() else {
        return (DENIED_JSON.into(), "Not allowed.".into());
    };
    let (purpose, signals, channel) = match &owned {
        Ok(o) => (
            o.purpose.as_str(),
            o.signals.as_slice(),
            o.channel.as_deref(),
        ),
        Err(p) => (p.as_str(), &[][..], None),
    };
    let signals: Vec<&str> = signals.iter().map(String::as_str).collect();
    let request = Request {
        purpose,
        signals: &signals,
        channel,
    };
    let decision = if owned.is_err() {
        Decision::invalid()
    } else if record {
        // Other tabs count too: start from the stored ledger, merged with
        // what this page counted (a write racing another tab's may have
        // replaced ours; an unreadable stored ledger leaves ours: fail closed).
        let mine = state.engine.ledger().clone();
        if let Some(stored) = shared.store.get(Area::Local, LEDGER) {
            let _ = state.engine.load_ledger(Some(&stored));
            state.engine.merge_ledger(&mine);
        }
        let (engine, ctx) = state.engine_mut();
        let decision = engine.record(&request, &ctx);
        if decision.allowed && channel.is_some() {
            let after = engine.encode_ledger();
            shared.store.set(Area::Local, LEDGER, Some(&after));
        }
        decision
    } else {
        state.engine.decide(&request, &state.ctx())
    };
    let report = state.engine.report(&request, &decision, &state.lang);
    let json = report.to_json();
    (json, report.explanation)
}
