//! The controller: every change goes through [`dispatch`], in one order:
//!
//! 1. read what the change needs from the page (the clock, the panel's
//!    checkboxes), with no state borrowed;
//! 2. change the [store](crate::state::Store) in one short borrow that
//!    calls no JavaScript;
//! 3. persist (failing closed, see [`crate::storage`]);
//! 4. notify: each [effect](crate::effects) runs on its own with the
//!    committed result, so one failure is logged once and blocks nothing
//!    else.
//!
//! A page that calls back into Candor from step 3 or 4 (a storage shim, an
//! event listener) finds the store free and the change complete; a newer
//! change made that way supersedes the rest of this one's notifications.

pub(crate) mod action;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use candor_core::Method;
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

use crate::effects::{self, Committed};
use crate::js::{self, JsResult};
use crate::state::model::{self, ViewModel};
use crate::state::{Change, Store};
use crate::storage::{Area, Storage, CHOICES, GRANTS, LEDGER};
use crate::views::{self, guard};
pub(crate) use action::{Action, Answer};

/// An event listener, removed when dropped.
pub(crate) struct Listener {
    stop: Function,
    _closure: Closure<dyn FnMut(JsValue)>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Listener")
    }
}

impl Listener {
    /// Listen to `kind` events on `target`, calling `f` with the widget.
    pub(crate) fn new(
        inner: &Rc<Inner>,
        target: &JsValue,
        kind: &str,
        capture: bool,
        f: fn(&Rc<Inner>, JsValue),
    ) -> JsResult<Listener> {
        let weak: Weak<Inner> = Rc::downgrade(inner);
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if let Some(inner) = weak.upgrade() {
                f(&inner, event);
            }
        });
        let stop = js::listen(target, kind, closure.as_ref().unchecked_ref(), capture)?;
        Ok(Listener {
            stop,
            _closure: closure,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.stop.call0(&JsValue::NULL);
    }
}

/// The page's side of the widget: the host, its shadow root, the
/// listeners, the facade's hooks. Dropped with the widget: listeners and
/// watchers stop.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) host: Option<JsValue>,
    pub(crate) root: Option<JsValue>,
    pub(crate) listeners: Vec<Listener>,
    /// Functions of `js/dom.js` that stop a watcher.
    pub(crate) stops: Vec<Function>,
    pub(crate) hooks: effects::Hooks,
    /// The allowed purposes as last notified (withdrawals reload the page
    /// with `reloadOnWithdrawal`).
    pub(crate) allowed: Option<Vec<bool>>,
    /// Covering watch: when the widget last put itself back on top, and how
    /// often in that second.
    pub(crate) raised: (u64, u32),
}

impl Drop for Page {
    fn drop(&mut self) {
        for stop in self.stops.drain(..) {
            let _ = stop.call0(&JsValue::NULL);
        }
        if let Some(root) = &self.root {
            let _ = js::unmount(root);
        }
    }
}

/// How dates are written: the language to make the formatter for, or the
/// formatter once made (`None`: ISO dates).
#[derive(Debug)]
enum Dates {
    Lang(String),
    Made(Option<Function>),
}

/// Everything the exported `Widget`, the listeners and the effects share.
#[derive(Debug)]
pub(crate) struct Inner {
    store: RefCell<Store>,
    pub(crate) storage: Storage,
    pub(crate) page: RefCell<Page>,
    /// The view as last rendered (`None`: render everything next time).
    view: RefCell<Option<ViewModel>>,
    /// Counts commits; effects stop when a newer commit took over.
    generation: Cell<u64>,
    /// The pending `ask()`'s resolve function and whether it wants the
    /// detailed result.
    prompt: RefCell<Option<(Function, bool)>>,
    /// Where focus returns when a panel closes.
    opener: RefCell<JsValue>,
    /// The shopper's date format (`Intl.DateTimeFormat`).
    dates: RefCell<Dates>,
    /// Warnings already given, by subject.
    warned: RefCell<Vec<&'static str>>,
    /// Failed renders tried again in a row.
    retries: Cell<u32>,
}

impl Inner {
    /// A widget over `store`.
    pub(crate) fn new(store: Store, storage: Storage) -> Self {
        Inner {
            store: RefCell::new(store),
            storage,
            page: RefCell::new(Page::default()),
            view: RefCell::new(None),
            generation: Cell::new(0),
            prompt: RefCell::new(None),
            opener: RefCell::new(JsValue::NULL),
            dates: RefCell::new(Dates::Made(None)),
            warned: RefCell::new(Vec::new()),
            retries: Cell::new(0),
        }
    }

    /// Read the store. `f` must not call JavaScript; `None` only if it is
    /// being changed right now, which the design rules out (fail closed).
    pub(crate) fn read<R>(&self, f: impl FnOnce(&Store) -> R) -> Option<R> {
        self.store.try_borrow().ok().map(|s| f(&s))
    }

    /// Change the store. `f` must not call JavaScript.
    pub(crate) fn write<R>(&self, f: impl FnOnce(&mut Store) -> R) -> Option<R> {
        self.store.try_borrow_mut().ok().map(|mut s| f(&mut s))
    }

    /// Warn once about `subject`.
    pub(crate) fn warn(&self, subject: &'static str, message: &str) {
        let first = self
            .warned
            .try_borrow_mut()
            .map(|mut w| {
                let first = !w.contains(&subject);
                if first {
                    w.push(subject);
                }
                first
            })
            .unwrap_or(false);
        if first {
            js::warn_once(message);
        }
    }

    /// A date in the shopper's locale (ISO when the formatter fails). The
    /// formatter is the browser's own `Intl.DateTimeFormat`, captured at
    /// load: it cannot call back into the page, so the store may be
    /// borrowed while dates are written.
    ///
    /// The formatter is made on the first date, not at mount: the first
    /// `Intl.DateTimeFormat` of a page loads the browser's locale data,
    /// which measured tens of milliseconds, and the banner shows no date.
    pub(crate) fn date(&self, ms: u64) -> String {
        let format = self.dates.try_borrow_mut().ok().and_then(|mut d| {
            if let Dates::Lang(lang) = &*d {
                *d = Dates::Made(js::date_formatter(lang).ok());
            }
            match &*d {
                Dates::Made(f) => f.clone(),
                Dates::Lang(_) => None,
            }
        });
        format
            .and_then(|f| f.call1(&JsValue::NULL, &JsValue::from_f64(ms as f64)).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| candor_core::text::iso_date(ms))
    }

    /// Write dates in `lang` (from the next date on).
    pub(crate) fn set_date_language(&self, lang: &str) {
        if let Ok(mut d) = self.dates.try_borrow_mut() {
            *d = Dates::Lang(lang.to_owned());
        }
    }

    /// The pending `ask()`'s resolve function (and whether it wants the
    /// detailed result).
    pub(crate) fn set_prompt(&self, pending: Option<(Function, bool)>) {
        if let Ok(mut p) = self.prompt.try_borrow_mut() {
            *p = pending;
        }
    }

    /// The shadow root and the host, once mounted.
    pub(crate) fn handles(&self) -> Option<(JsValue, JsValue)> {
        let page = self.page.try_borrow().ok()?;
        Some((page.root.clone()?, page.host.clone()?))
    }

    /// The view model now.
    pub(crate) fn view_model(&self, now: u64) -> Option<ViewModel> {
        let date = |ms: u64| self.date(ms);
        self.read(|s| model::view(s, now, &date))
    }

    /// A new commit: effects of older ones stop.
    fn next_generation(&self) -> u64 {
        let g = self.generation.get().wrapping_add(1);
        self.generation.set(g);
        g
    }

    /// Whether commit `g` is still the latest.
    pub(crate) fn current(&self, g: u64) -> bool {
        self.generation.get() == g
    }
}

/// Most times a failed render is tried again on its own.
const RENDER_RETRIES: u32 = 3;

/// Bring the screen in line with the store. A render that fails (a DOM
/// call that threw) leaves nothing half-known: every slot is rebuilt next
/// time, and the next time comes by itself a moment later, a few times.
pub(crate) fn render(inner: &Rc<Inner>) -> JsResult<()> {
    let Some((root, _)) = inner.handles() else {
        return Ok(());
    };
    let Some(new) = inner.view_model(js::clock()) else {
        return Ok(());
    };
    let old = inner.view.try_borrow_mut().ok().and_then(|mut v| v.take());
    let result = views::render(&root, &new, old.as_ref());
    match &result {
        Ok(()) => {
            inner.retries.set(0);
            if let Ok(mut v) = inner.view.try_borrow_mut() {
                *v = Some(new);
            }
        }
        Err(_) if inner.retries.get() < RENDER_RETRIES => {
            inner.retries.set(inner.retries.get() + 1);
            let weak = Rc::downgrade(inner);
            let again = Closure::once_into_js(move || {
                if let Some(inner) = weak.upgrade() {
                    let _ = render(&inner);
                }
            });
            let _ = js::later(again.unchecked_ref(), 50.0);
        }
        Err(_) => {}
    }
    result
}

/// Forget what was rendered, so that the next render rebuilds every slot.
pub(crate) fn rerender_all(inner: &Rc<Inner>) -> JsResult<()> {
    if let Ok(mut v) = inner.view.try_borrow_mut() {
        *v = None;
    }
    render(inner)
}

/// Do `action`. Returns whether a choice it asked for was recorded.
pub(crate) fn dispatch(inner: &Rc<Inner>, action: Action) -> bool {
    let now = js::clock();
    match action {
        Action::Open => {
            remember_opener(inner);
            let _ = inner.write(|s| {
                s.screen.panel = true;
                s.screen.why = None;
            });
            show_modal(inner, "panel");
            true
        }
        Action::Why(request) => {
            let was_open = inner.read(|s| s.screen.panel || s.screen.why.is_some());
            if was_open != Some(true) {
                remember_opener(inner);
            }
            let _ = inner.write(|s| {
                s.screen.panel = false;
                s.screen.why = Some(request);
            });
            show_modal(inner, "why");
            true
        }
        Action::Close => {
            let _ = inner.write(|s| {
                s.screen.panel = false;
                s.screen.why = None;
            });
            close_modal(inner);
            true
        }
        Action::Download => {
            let receipt = inner.read(|s| s.engine.receipt(&s.ctx(now), &s.lang));
            if let Some(receipt) = receipt {
                let name = [
                    "candor-receipt-",
                    &candor_core::text::iso_date(now),
                    ".json",
                ]
                .concat();
                if js::download(&crate::boundary::to_js(&receipt), &name).is_err() {
                    inner.warn("download", "Candor: the receipt could not be downloaded.");
                }
            }
            true
        }
        Action::Answer(Answer::Dismissed) => {
            let _ = inner.write(|s| s.screen.prompt = None);
            settle_prompt(inner, false, "dismissed");
            let _ = render(inner);
            true
        }
        Action::Answer(answer) => {
            let yes = answer == Answer::Yes;
            let result = inner
                .write(|s| {
                    let p = s.screen.prompt.take()?;
                    let (all, change) = s.choose(&[(p.clone(), yes)], Method::Ask, now);
                    Some((p, all, change))
                })
                .flatten();
            let Some((purpose, all, change)) = result else {
                settle_prompt(inner, false, "dismissed");
                let _ = render(inner);
                return false;
            };
            commit(inner, change, now);
            let allowed = purpose_allowed(inner, &purpose, now);
            settle_prompt(inner, all && allowed, if yes { "yes" } else { "no" });
            all
        }
        Action::Save(mut choices) => {
            if choices.is_empty() {
                choices = read_checkboxes(inner);
            }
            let result = inner.write(|s| {
                let (all, change) = s.choose(&choices, Method::Preferences, now);
                s.screen.panel = false;
                (all, change)
            });
            let Some((all, change)) = result else {
                return false;
            };
            commit(inner, change, now);
            close_modal(inner);
            all
        }
        choice => {
            // A new consent id for a reset: random, from the page, read
            // before the store is borrowed.
            let fresh_id = match choice {
                Action::Reset => js::random_hex(16).unwrap_or_default(),
                _ => String::new(),
            };
            // Accept all and Reject all are final answers, from the banner
            // or the panel: the panel closes.
            let closes = matches!(choice, Action::AcceptAll | Action::RejectAll)
                && inner.read(|s| s.screen.panel) == Some(true);
            let result = inner.write(|s| match &choice {
                Action::AcceptAll | Action::RejectAll if closes => {
                    s.screen.panel = false;
                    (true, s.choose_all(choice == Action::AcceptAll, now))
                }
                Action::AcceptAll => (true, s.choose_all(true, now)),
                Action::RejectAll => (true, s.choose_all(false, now)),
                Action::Set(p, granted, method) => s.choose(&[(p.clone(), *granted)], *method, now),
                Action::SwitchOff => match s.screen.why.as_ref().map(|w| w.purpose.clone()) {
                    Some(p) => s.choose(&[(p, false)], Method::Preferences, now),
                    None => (false, Change::default()),
                },
                Action::Reset => (true, s.reset(fresh_id)),
                _ => (false, Change::default()),
            });
            let Some((all, change)) = result else {
                return false;
            };
            if change.reset {
                settle_prompt(inner, false, "dismissed");
            }
            commit(inner, change, now);
            if closes {
                close_modal(inner);
            }
            all
        }
    }
}

/// Whether `purpose` is allowed at `now`.
pub(crate) fn purpose_allowed(inner: &Inner, purpose: &str, now: u64) -> bool {
    inner
        .read(|s| {
            let request = candor_core::Request {
                purpose,
                signals: &[],
                channel: None,
            };
            s.engine.decide(&request, &s.ctx(now)).allowed
        })
        .unwrap_or(false)
}

/// Resolve the pending `ask()`: `true`/`false`, or with the detailed
/// result `{ allowed, answer }`.
pub(crate) fn settle_prompt(inner: &Inner, allowed: bool, answer: &str) {
    let pending = inner
        .prompt
        .try_borrow_mut()
        .ok()
        .and_then(|mut p| p.take());
    if let Some((resolve, detailed)) = pending {
        let _ = resolve.call1(
            &JsValue::NULL,
            &effects::ask_result(allowed, answer, detailed),
        );
    }
}

/// Persist the choices and notify, after a change of the store.
pub(crate) fn commit(inner: &Rc<Inner>, change: Change, now: u64) {
    if !change.choices {
        let _ = render(inner);
        return;
    }
    let generation = inner.next_generation();
    persist(inner);
    settle_waiting_prompt(inner, now);
    notify(inner, generation, change, now);
}

/// Notify every effect of the committed state (no persisting: for changes
/// another tab made and already stored).
pub(crate) fn notify(inner: &Rc<Inner>, generation: u64, change: Change, now: u64) {
    let Some(committed) = inner.read(|s| Committed::of(s, change, now)) else {
        return;
    };
    effects::run(inner, generation, &committed);
}

/// The choices to storage: the persistent record in localStorage, session
/// grants in sessionStorage. A write that fails leaves "no choice" behind,
/// never the previous record (see [`crate::storage`]).
fn persist(inner: &Inner) {
    let Some((persistent, session)) = inner.read(|s| s.engine.encode_choices()) else {
        return;
    };
    // A write that fails warns once (see the storage).
    let _ = inner
        .storage
        .set(Area::Local, CHOICES, persistent.as_deref());
    let _ = inner.storage.set(Area::Session, GRANTS, session.as_deref());
}

/// The banner's answer settles a prompt that waited behind it.
fn settle_waiting_prompt(inner: &Inner, now: u64) {
    let waiting = inner.read(|s| s.screen.prompt.is_some() && !s.banner(now));
    let pending = inner
        .prompt
        .try_borrow()
        .map(|p| p.is_some())
        .unwrap_or(false);
    let decided_by_banner =
        waiting == Some(true)
            && pending
            && inner
                .read(|s| {
                    s.screen.prompt.as_ref().is_some_and(|p| {
                        s.engine.choices().purposes.get(p).is_some_and(|c| {
                            matches!(c.method, Method::AcceptAll | Method::RejectAll)
                        })
                    })
                })
                .unwrap_or(false);
    if decided_by_banner {
        let purpose = inner.write(|s| s.screen.prompt.take()).flatten();
        let allowed = purpose.is_some_and(|p| purpose_allowed(inner, &p, now));
        settle_prompt(inner, allowed, if allowed { "yes" } else { "no" });
    }
}

/// The panel's checkboxes the shopper can change, as (purpose, ticked).
fn read_checkboxes(inner: &Inner) -> Vec<(String, bool)> {
    let Some((root, _)) = inner.handles() else {
        return Vec::new();
    };
    let Ok(list) = js::checkboxes(&root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pair in list.iter() {
        let pair = Array::from(&pair);
        if let (Some(id), Some(ticked)) = (pair.get(0).as_string(), pair.get(1).as_bool()) {
            out.push((id, ticked));
        }
    }
    out
}

fn remember_opener(inner: &Inner) {
    let Some((root, _)) = inner.handles() else {
        return;
    };
    let active = js::active_element(&root).unwrap_or(JsValue::NULL);
    if let Ok(mut o) = inner.opener.try_borrow_mut() {
        *o = active;
    }
}

fn show_modal(inner: &Rc<Inner>, slot: &str) {
    if render(inner).is_err() {
        let _ = rerender_all(inner);
    }
    if let Some((root, _)) = inner.handles() {
        let selector = ["[data-slot=\"", slot, "\"] [role=\"dialog\"]"].concat();
        let _ = js::focus_in(&root, &selector);
    }
}

/// Close a panel: focus returns where it was (or to the floating button).
fn close_modal(inner: &Rc<Inner>) {
    if render(inner).is_err() {
        let _ = rerender_all(inner);
    }
    let opener = inner
        .opener
        .try_borrow_mut()
        .map(|mut o| std::mem::replace(&mut *o, JsValue::NULL))
        .unwrap_or(JsValue::NULL);
    if js::focus_element(&opener) != Ok(true) {
        if let Some((root, _)) = inner.handles() {
            let _ = js::focus_in(&root, "[data-action=\"open\"]");
        }
    }
}

// ------------------------------------------------------------ page events

/// A click inside the widget: the action of the button clicked, if it
/// passes the guard when it records a choice.
pub(crate) fn on_click(inner: &Rc<Inner>, event: JsValue) {
    let Ok(found) = js::action_of(&event) else {
        return;
    };
    let name = found.get(0).as_string().unwrap_or_default();
    if name == "backdrop" {
        // A click on the backdrop keeps focus in the panel.
        if let Some((root, _)) = inner.handles() {
            let _ = js::focus_in(&root, "[role=\"dialog\"][aria-modal]");
        }
        return;
    }
    let Some(action) = Action::parse(&name) else {
        return;
    };
    if action.records() && !seen(inner, &event, &found.get(1)) {
        return;
    }
    dispatch(inner, action);
}

/// Whether the shopper could see `control` when `event` activated it. When
/// not, the click is ignored, the console warned once, and the widget
/// falls back to its own look.
fn seen(inner: &Rc<Inner>, event: &JsValue, control: &JsValue) -> bool {
    let Some((_, host)) = inner.handles() else {
        return false;
    };
    let numbers: Vec<f64> = js::inspect(event, control, &host)
        .map(|a| a.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect())
        .unwrap_or_default();
    let verdict = guard::Seen::from_numbers(&numbers)
        .map_or(Err("the button could not be checked"), |s| {
            guard::verdict(&s)
        });
    match verdict {
        Ok(()) => true,
        Err(why) => {
            inner.warn(
                "guard",
                &[
                    "Candor: a click was ignored because ",
                    why,
                    "; the widget shows its own look again.",
                ]
                .concat(),
            );
            let safe = inner.write(|s| !std::mem::replace(&mut s.safe_look, true));
            if safe == Some(true) {
                if let Err(e) = crate::effects::restyle(inner) {
                    crate::effects::failed(inner, "screen", &e);
                }
            }
            let _ = js::raise(&host);
            false
        }
    }
}

/// Esc closes the panel or dismisses the prompt; Tab and Shift+Tab stay in
/// an open panel.
pub(crate) fn on_key(inner: &Rc<Inner>, event: JsValue) {
    let Ok(key) = js::key_of(&event) else {
        return;
    };
    let name = key.get(0).as_string().unwrap_or_default();
    let shift = key.get(1).as_bool().unwrap_or(false);
    let Some((modal, prompt)) = inner.read(|s| {
        (
            if s.screen.why.is_some() {
                Some("why")
            } else if s.screen.panel {
                Some("panel")
            } else {
                None
            },
            s.screen.prompt.is_some(),
        )
    }) else {
        return;
    };
    match (name.as_str(), modal) {
        ("Escape" | "Esc", Some(_)) => {
            let _ = js::prevent(&event);
            dispatch(inner, Action::Close);
        }
        ("Escape" | "Esc", None) if prompt => {
            let _ = js::prevent(&event);
            dispatch(inner, Action::Answer(Answer::Dismissed));
        }
        ("Tab", Some(slot)) => {
            let Some((root, _)) = inner.handles() else {
                return;
            };
            let Ok(dialog) = js::dialog_of(&root, slot) else {
                return;
            };
            if !dialog.is_null() && js::trap_tab(&root, &dialog, shift) == Ok(true) {
                let _ = js::prevent(&event);
            }
        }
        _ => {}
    }
}

/// Another tab wrote the choices or the ledger: read them again.
pub(crate) fn on_storage(inner: &Rc<Inner>, event: JsValue) {
    let key = js_sys::Reflect::get(&event, &"key".into())
        .ok()
        .and_then(|k| k.as_string());
    let (choices, ledger) = match key.as_deref() {
        None => (true, true),
        Some(CHOICES) => (true, false),
        Some(LEDGER) => (false, true),
        Some(_) => return,
    };
    let now = js::clock();
    if ledger {
        // Keep the deliveries this page counted that the other tab's write
        // lost (two tabs may write at nearly the same time), and write the
        // union back.
        let stored = inner.storage.refresh(Area::Local, LEDGER);
        let merged = inner
            .write(|s| {
                let mine = s.engine.ledger().clone();
                let _ = s.engine.load_ledger(stored.as_deref());
                s.engine
                    .merge_ledger(&mine)
                    .then(|| s.engine.encode_ledger())
            })
            .flatten();
        if let Some(text) = merged {
            let _ = inner.storage.set(Area::Local, LEDGER, Some(&text));
        }
    }
    if choices {
        let persistent = inner.storage.refresh(Area::Local, CHOICES);
        let session = inner.storage.get(Area::Session, GRANTS);
        let before = inner.read(|s| s.engine.encode_choices());
        let _ = inner.write(|s| {
            s.engine
                .load_choices(persistent.as_deref(), session.as_deref())
        });
        let after = inner.read(|s| s.engine.encode_choices());
        if before != after {
            let generation = inner.next_generation();
            // Another tab's record: it stored it; this tab writes no copy.
            notify(
                inner,
                generation,
                Change {
                    choices: true,
                    recorded: false,
                    reset: false,
                },
                now,
            );
        }
    }
}

/// Focus the prompt just shown.
pub(crate) fn focus_prompt(inner: &Inner) {
    if let Some((root, _)) = inner.handles() {
        let _ = js::focus_in(&root, "[data-slot=\"prompt\"]");
    }
}

/// A click anywhere in the page on an element marked `data-candor-open`
/// opens the preferences panel.
pub(crate) fn on_page_click(inner: &Rc<Inner>, event: JsValue) {
    if js::opens_panel(&event) == Ok(true) {
        let _ = js::prevent(&event);
        dispatch(inner, Action::Open);
    }
}

/// Most times per second the widget puts itself back on top: a page that
/// keeps covering it is not fought forever (its covered clicks never count).
const MAX_RAISES_PER_SECOND: u32 = 5;

/// While something waits for the shopper (the banner, a prompt, a panel),
/// the widget stays on top: when the page covers it, closes its popover or
/// moves it, it puts itself back. Also keeps the floating button off the
/// page's controls, and warns when there is no way to reopen the panel.
pub(crate) fn watch(inner: &Rc<Inner>) {
    let Some((root, host)) = inner.handles() else {
        return;
    };
    let weak: Weak<Inner> = Rc::downgrade(inner);
    let callback = Closure::<dyn FnMut()>::new(move || {
        if let Some(inner) = weak.upgrade() {
            back_on_top(&inner);
        }
    });
    let mut stops = Vec::new();
    match js::watch_host(&host, callback.as_ref().unchecked_ref()) {
        Ok(stop) => {
            stops.push(stop);
            // Lives as long as the page: the watcher calls it.
            callback.forget();
        }
        Err(e) => crate::effects::failed(inner, "covering watch", &e),
    }
    let floating = inner
        .read(|s| s.config().floating_button != candor_core::FloatingButton::None)
        .unwrap_or(false);
    if floating {
        stops.extend(js::keep_clear(&root).ok());
    } else if js::has_opener() != Ok(true) {
        inner.warn(
            "no way back",
            "Candor: the shopper has no way to change their choices later: set \"floatingButton\" in the config, or mark an element of the page data-candor-open.",
        );
    }
    if let Ok(mut page) = inner.page.try_borrow_mut() {
        page.stops.extend(stops);
    }
}

fn back_on_top(inner: &Inner) {
    let now = js::clock();
    let waiting = inner
        .read(|s| {
            s.banner(now) || s.screen.prompt.is_some() || s.screen.panel || s.screen.why.is_some()
        })
        .unwrap_or(false);
    let Some((_, host)) = inner.handles() else {
        return;
    };
    if !waiting || js::on_top(&host) != Ok(false) {
        return;
    }
    let allowed = inner
        .page
        .try_borrow_mut()
        .map(|mut page| {
            let (since, count) = page.raised;
            if now.saturating_sub(since) >= 1000 {
                page.raised = (now, 1);
                true
            } else if count < MAX_RAISES_PER_SECOND {
                page.raised.1 += 1;
                true
            } else {
                false
            }
        })
        .unwrap_or(false);
    if allowed {
        if let Err(e) = js::raise(&host) {
            crate::effects::failed(inner, "covering watch", &e);
        }
    } else {
        inner.warn(
            "covered",
            "Candor: the page keeps covering the privacy choices; clicks on a covered control are ignored.",
        );
    }
}
