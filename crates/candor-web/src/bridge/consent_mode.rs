//! Google Consent Mode v2: `gtag('consent', 'default' | 'update', {...})`
//! entries in `window.dataLayer`, as the `arguments` objects gtag itself
//! pushes (the facade's `candorGtag` makes them). The states come from
//! [`candor_core::consent_mode`]; every one of the seven types is sent.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::api::Shared;

/// How long (ms) tags wait for the update after the default.
const WAIT_FOR_UPDATE: f64 = 500.0;

/// `{ type: "granted" | "denied", ... }`.
fn states(states: &[(&str, bool)]) -> Object {
    let object = Object::new();
    for (name, granted) in states {
        let value = if *granted { "granted" } else { "denied" };
        let _ = Reflect::set(&object, &JsValue::from_str(name), &JsValue::from_str(value));
    }
    object
}

fn push(gtag: &js_sys::Function, command: &str, states: &Object) {
    let _ = gtag.call3(
        &JsValue::NULL,
        &JsValue::from_str("consent"),
        &JsValue::from_str(command),
        states,
    );
}

/// Whether `window.dataLayer` already holds a `consent`/`default` command
/// (candor.js pushes one before the wasm loads; a site may have its own).
fn default_queued() -> bool {
    let Some(layer) = web_sys::window()
        .and_then(|w| Reflect::get(&w, &"dataLayer".into()).ok())
        .filter(Array::is_array)
    else {
        return false;
    };
    Array::from(&layer).iter().any(|entry| {
        entry.is_object()
            && Reflect::get_u32(&entry, 0)
                .ok()
                .and_then(|v| v.as_string())
                .as_deref()
                == Some("consent")
            && Reflect::get_u32(&entry, 1)
                .ok()
                .and_then(|v| v.as_string())
                .as_deref()
                == Some("default")
    })
}

/// The all-denied default (`security_storage` granted, `wait_for_update`),
/// unless a default is queued already. Only with `googleConsentMode`.
pub(crate) fn default(shared: &Shared, gtag: &js_sys::Function) {
    let wanted = shared
        .state
        .try_borrow()
        .is_ok_and(|s| s.engine.config().google_consent_mode.is_some());
    if wanted && !default_queued() {
        let object = states(&candor_core::consent_mode::DEFAULT);
        let _ = Reflect::set(&object, &"wait_for_update".into(), &WAIT_FOR_UPDATE.into());
        push(gtag, "default", &object);
    }
}

/// The current states as an `update`. Only with `googleConsentMode`.
pub(crate) fn update(shared: &Shared, gtag: &js_sys::Function) {
    let current = shared.state.try_borrow().ok().and_then(|s| {
        let ctx = s.ctx();
        s.engine.consent_mode(&ctx)
    });
    if let Some(current) = current {
        push(gtag, "update", &states(&current));
    }
}
