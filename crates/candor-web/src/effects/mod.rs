//! What follows a committed change, each on its own: the facade's
//! `allows()` memo, the screen, the site's `change` listeners and
//! `candor:change` event, gated scripts and embeds, Google Consent Mode,
//! the purposes' cookies, the receipt sent to `receiptEndpoint`, and the
//! reload on withdrawal.
//!
//! Every consumer receives the committed result ([`Committed`]) as an
//! argument and decides nothing: the engine said which purposes are
//! allowed. A consumer that fails is logged once on the console and the
//! others still run; when a newer change was committed meanwhile (a
//! listener called back into Candor), the rest of this round is left to
//! it.

mod consent_mode;
mod cookies;
mod gating;

use std::rc::Rc;

use candor_core::Preferences;
use js_sys::{Array, Function, Reflect};
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::boundary::to_js;
use crate::control::{self, Inner};
use crate::js::{self, JsResult};
use crate::state::{Change, Store};

/// The facade's functions, handed over by `Widget.attach`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Hooks {
    /// Takes `{ allowed, refreshIn }`: the `allows()` memo.
    pub(crate) commit: Option<Function>,
    /// Takes the preferences: `on("change")` callbacks and `candor:change`.
    pub(crate) emit: Option<Function>,
    /// `gtag()`: pushes its `arguments` to `window.dataLayer`.
    pub(crate) gtag: Option<Function>,
    /// Takes the ledger's stored form after this tab counted a message.
    pub(crate) ledger: Option<Function>,
}

impl Hooks {
    /// The hooks of the facade's object (missing ones stay `None`).
    pub(crate) fn read(from: &JsValue) -> Hooks {
        let get = |name: &str| {
            Reflect::get(from, &JsValue::from_str(name))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
        };
        Hooks {
            commit: get("commit"),
            emit: get("emit"),
            gtag: get("gtag"),
            ledger: get("ledger"),
        }
    }
}

use wasm_bindgen::JsCast;

/// A committed state, as the consumers need it.
#[derive(Debug, Clone)]
pub(crate) struct Committed {
    /// `decide({ purpose }).allowed`, per purpose of the config, in order.
    pub(crate) allowed: Vec<bool>,
    /// The ids of the allowed purposes.
    pub(crate) ids: Vec<String>,
    /// When an answer may change by time alone (ms from now).
    pub(crate) refresh_in: Option<u64>,
    /// `preferences()`.
    pub(crate) preferences: Preferences,
    /// Google Consent Mode states, with `googleConsentMode` in the config.
    pub(crate) consent_mode: Option<[(&'static str, bool); 7]>,
    /// Cookie names and prefixes of the purposes not allowed.
    pub(crate) cookies: Vec<String>,
    /// The receipt and where it goes, when a choice was recorded here.
    pub(crate) receipt: Option<(String, candor_core::Receipt)>,
    /// Reload on a withdrawal.
    pub(crate) reload: bool,
}

impl Committed {
    /// The state of `store` at `now` after `change`.
    pub(crate) fn of(store: &Store, change: Change, now: u64) -> Committed {
        let (allowed, refresh_in) = store.allowed(now);
        let config = store.config();
        let ids = config
            .purposes
            .iter()
            .zip(&allowed)
            .filter(|(_, a)| **a)
            .map(|(p, _)| p.id.clone())
            .collect();
        let cookies = config
            .purposes
            .iter()
            .zip(&allowed)
            .filter(|(_, a)| !**a)
            .flat_map(|(p, _)| p.cookies.iter().cloned())
            .collect();
        let receipt = match (&store.receipt_href, change.recorded) {
            (Some(href), true) => Some((
                href.clone(),
                store.engine.receipt(&store.ctx(now), &store.lang),
            )),
            _ => None,
        };
        Committed {
            consent_mode: store.engine.consent_mode(&allowed),
            preferences: store.engine.preferences(&store.ctx(now)),
            allowed,
            ids,
            refresh_in,
            cookies,
            receipt,
            reload: config.reload_on_withdrawal,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Memo<'a> {
    allowed: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_in: Option<u64>,
}

/// The facade's `allows()` memo: `{ allowed: [id, …], refreshIn? }`.
pub(crate) fn memo(c: &Committed) -> JsValue {
    to_js(&Memo {
        allowed: &c.ids,
        refresh_in: c.refresh_in,
    })
}

type Consumer = fn(&Rc<Inner>, &Committed) -> JsResult<()>;

/// The consumers, in order: the memo first, so that `allows()` is true to
/// the change before any site code runs.
const CONSUMERS: [(&str, Consumer); 8] = [
    ("allows", |inner, c| call(&hooks(inner).commit, &memo(c))),
    ("screen", |inner, _| control::render(inner)),
    ("change listeners", |inner, c| {
        call(&hooks(inner).emit, &to_js(&c.preferences))
    }),
    ("gated scripts", gating::run),
    ("Consent Mode", consent_mode::update),
    ("cookies", cookies::clear),
    ("receipt", |_, c| match &c.receipt {
        Some((url, receipt)) => js::beacon(url, &to_js(receipt)).map(|_| ()),
        None => Ok(()),
    }),
    ("reload", reload),
];

fn hooks(inner: &Inner) -> Hooks {
    inner
        .page
        .try_borrow()
        .map(|p| p.hooks.clone())
        .unwrap_or_default()
}

fn call(f: &Option<Function>, arg: &JsValue) -> JsResult<()> {
    match f {
        Some(f) => f.call1(&JsValue::NULL, arg).map(|_| ()),
        None => Ok(()),
    }
}

/// Run every consumer for commit `generation`.
pub(crate) fn run(inner: &Rc<Inner>, generation: u64, c: &Committed) {
    for (name, consumer) in CONSUMERS {
        if !inner.current(generation) {
            return;
        }
        if let Err(e) = consumer(inner, c) {
            failed(inner, name, &e);
        }
    }
    if let Ok(mut page) = inner.page.try_borrow_mut() {
        page.allowed = Some(c.allowed.clone());
    }
}

/// Log a consumer's failure, once per consumer.
pub(crate) fn failed(inner: &Inner, name: &'static str, error: &JsValue) {
    let detail = Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_default();
    inner.warn(
        name,
        &[
            "Candor: ",
            name,
            " failed after a change (",
            candor_core::text::truncate(&detail, 200),
            "); the change itself is saved and everything else went on.",
        ]
        .concat(),
    );
}

/// Reload the page when a purpose that was allowed no longer is.
fn reload(inner: &Rc<Inner>, c: &Committed) -> JsResult<()> {
    let before = inner.page.try_borrow().ok().and_then(|p| p.allowed.clone());
    let withdrawn =
        before.is_some_and(|b| b.iter().zip(&c.allowed).any(|(was, now)| *was && !*now));
    if c.reload && withdrawn {
        js::reload()?;
    }
    Ok(())
}

/// The first round, once the banner is on screen: Consent Mode's default
/// (unless one is queued) and the page-load update, gated elements,
/// cookies; then elements added later are watched.
pub(crate) fn start(inner: &Rc<Inner>) {
    let now = js::clock();
    if let Err(e) = consent_mode::default(inner) {
        failed(inner, "Consent Mode", &e);
    }
    let Some(c) = inner.read(|s| Committed::of(s, Change::default(), now)) else {
        return;
    };
    for (name, consumer) in [
        ("gated scripts", gating::run as Consumer),
        ("Consent Mode", consent_mode::update),
        ("cookies", cookies::clear),
    ] {
        if let Err(e) = consumer(inner, &c) {
            failed(inner, name, &e);
        }
    }
    if let Ok(mut page) = inner.page.try_borrow_mut() {
        page.allowed = Some(c.allowed.clone());
    }
    gating::watch(inner);
}

/// The stylesheet again (theme, scheme, safe look), and every slot.
pub(crate) fn restyle(inner: &Rc<Inner>) -> JsResult<()> {
    let Some((root, _)) = inner.handles() else {
        return Ok(());
    };
    let Some(css) =
        inner.read(|s| crate::views::style::sheet(&s.config().theme, s.dark, s.safe_look))
    else {
        return Ok(());
    };
    js::set_style(&root, &css)?;
    control::rerender_all(inner)
}

#[derive(Serialize)]
struct AskResult<'a> {
    allowed: bool,
    answer: &'a str,
}

/// What an `ask()` resolves to: `allowed`, or `{ allowed, answer }`.
pub(crate) fn ask_result(allowed: bool, answer: &str, detailed: bool) -> JsValue {
    if detailed {
        to_js(&AskResult { allowed, answer })
    } else {
        JsValue::from_bool(allowed)
    }
}

/// `ids` as a JS array of strings.
pub(crate) fn string_array(ids: &[String]) -> Array {
    ids.iter().map(|s| JsValue::from_str(s)).collect()
}
