//! Integrations with the rest of the page, driven by the decisions:
//!
//! - [`consent_mode`] — Google Consent Mode v2 entries in `window.dataLayer`;
//! - [`gating`] — `<script type="text/plain" data-candor-purpose>` and
//!   `data-src` embeds, purposes' cookies, reload on withdrawal;
//! - receipts out: `receiptEndpoint` (sendBeacon) and the panel's download.
//!
//! All of it starts with [`start`] (called once by the facade through
//! `Widget.connect`) and follows every change through [`sync`]. Nothing here
//! decides anything: the core says which purposes are allowed and which
//! Consent Mode types are granted.

pub(crate) mod consent_mode;
pub(crate) mod gating;

use std::cell::RefCell;
use std::rc::Rc;

use candor_core::SortedMap;

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::api::{self, Shared};

/// What the bridge remembers between changes.
#[derive(Default)]
struct Bridge {
    /// `function gtag(){ dataLayer.push(arguments) }` from the facade.
    gtag: Option<js_sys::Function>,
    /// Purpose → allowed, as of the last sync (`None` before the first).
    allowed: Option<SortedMap<String, bool>>,
    /// Watches for gated elements added later.
    observer: Option<gating::Observer>,
}

thread_local! {
    static BRIDGE: RefCell<Bridge> = RefCell::new(Bridge::default());
}

/// Start the integrations: the Consent Mode default (unless one is queued
/// already) and the page-load update, gated elements, cookies, and the
/// observer for elements added later.
pub(crate) fn start(shared: &Rc<Shared>, gtag: JsValue) {
    let gtag = gtag.dyn_into::<js_sys::Function>().ok();
    let observer = gating::Observer::new();
    let _ = BRIDGE.try_with(|b| {
        if let Ok(mut b) = b.try_borrow_mut() {
            b.gtag = gtag.clone();
            b.allowed = None;
            b.observer = observer;
        }
    });
    if let Some(gtag) = &gtag {
        consent_mode::default(shared, gtag);
    }
    sync(shared);
}

/// Purpose id → allowed, for every purpose of the config.
fn allowed(shared: &Shared) -> Option<SortedMap<String, bool>> {
    let state = shared.state.try_borrow().ok()?;
    let ctx = state.ctx();
    Some(
        state
            .engine
            .config()
            .purposes
            .iter()
            .map(|p| {
                let request = candor_core::Request {
                    purpose: &p.id,
                    signals: &[],
                    channel: None,
                };
                (p.id.clone(), state.engine.decide(&request, &ctx).allowed)
            })
            .collect(),
    )
}

/// After every change (and once at start): Consent Mode update, gated
/// elements, cookies of purposes not allowed, reload on withdrawal.
pub(crate) fn sync(shared: &Shared) {
    let Some((gtag, before)) = BRIDGE
        .try_with(|b| {
            b.try_borrow()
                .ok()
                .map(|b| (b.gtag.clone(), b.allowed.clone()))
        })
        .ok()
        .flatten()
    else {
        return;
    };
    let Some(now) = allowed(shared) else {
        return;
    };
    if let Some(gtag) = &gtag {
        consent_mode::update(shared, gtag);
    }
    gating::activate(&now);
    gating::clear_cookies(shared, &now);
    let _ = BRIDGE.try_with(|b| {
        if let Ok(mut b) = b.try_borrow_mut() {
            b.allowed = Some(now.clone());
        }
    });
    let withdrawn = before.is_some_and(|before| {
        before
            .iter()
            .any(|(id, was)| *was && now.get(id) == Some(&false))
    });
    let reload = shared
        .state
        .try_borrow()
        .is_ok_and(|s| s.engine.config().reload_on_withdrawal);
    if withdrawn && reload {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    }
}

/// Elements added to the page: run what is allowed.
pub(crate) fn added() {
    let allowed = BRIDGE
        .try_with(|b| b.try_borrow().ok().and_then(|b| b.allowed.clone()))
        .ok()
        .flatten();
    if let Some(allowed) = allowed {
        gating::activate(&allowed);
    }
}

/// `application/json` blob of `text`.
fn json_blob(text: &str) -> Option<web_sys::Blob> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    web_sys::Blob::new_with_str_sequence_and_options(
        &Array::of1(&JsValue::from_str(text)),
        &options,
    )
    .ok()
}

/// A choice was recorded here: send the new receipt to `receiptEndpoint`
/// (sendBeacon, `application/json`). Not after a reset (nothing recorded).
pub(crate) fn recorded(shared: &Shared) {
    let endpoint = shared.state.try_borrow().ok().and_then(|s| {
        let url = s.engine.config().receipt_endpoint.clone()?;
        (s.engine.choices().updated_at > 0).then_some(url)
    });
    let Some(endpoint) = endpoint else {
        return;
    };
    if let (Some(window), Some(blob)) = (
        web_sys::window(),
        api::receipt_json(shared).as_deref().and_then(json_blob),
    ) {
        let _ = window
            .navigator()
            .send_beacon_with_opt_blob(&endpoint, Some(&blob));
    }
}

/// Save the receipt as `candor-receipt-YYYY-MM-DD.json` (a temporary
/// `<a download>` on an object URL, revoked a minute later).
pub(crate) fn download_receipt(shared: &Shared) -> Option<()> {
    let blob = json_blob(&api::receipt_json(shared)?)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let window = web_sys::window()?;
    let link = window.document()?.create_element("a").ok()?;
    let name = [
        "candor-receipt-",
        &candor_core::explain::date(js_sys::Date::now() as u64),
        ".json",
    ]
    .concat();
    let _ = link.set_attribute("href", &url);
    let _ = link.set_attribute("download", &name);
    link.dyn_into::<web_sys::HtmlElement>().ok()?.click();
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    Some(())
}
