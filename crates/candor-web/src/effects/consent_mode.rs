//! Google Consent Mode v2: `gtag('consent', 'default' | 'update', {...})`
//! entries in `window.dataLayer`, through the facade's `gtag` (which pushes
//! its `arguments`, as Google's does). The states come from
//! [`candor_core::consent_mode`]; every one of the seven types is sent.

use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

use super::Committed;
use crate::control::Inner;
use crate::js::JsResult;

/// How long (ms) tags wait for the update after the default.
const WAIT_FOR_UPDATE: f64 = 500.0;

fn states(states: &[(&str, bool)]) -> JsResult<Object> {
    let object = Object::new();
    for (name, granted) in states {
        let value = if *granted { "granted" } else { "denied" };
        Reflect::set(&object, &JsValue::from_str(name), &JsValue::from_str(value))?;
    }
    Ok(object)
}

fn push(inner: &Inner, command: &str, states: &Object) -> JsResult<()> {
    let gtag = inner
        .page
        .try_borrow()
        .ok()
        .and_then(|p| p.hooks.gtag.clone());
    if let Some(gtag) = gtag {
        gtag.call3(
            &JsValue::NULL,
            &JsValue::from_str("consent"),
            &JsValue::from_str(command),
            states,
        )?;
    }
    Ok(())
}

/// Whether `window.dataLayer` already holds a `consent`/`default` command
/// (candor.js queues one before the wasm loads; a site may have its own).
fn default_queued() -> bool {
    let layer = crate::js::the_window()
        .ok()
        .and_then(|w| Reflect::get(&w, &"dataLayer".into()).ok())
        .filter(Array::is_array);
    let Some(layer) = layer else {
        return false;
    };
    Array::from(&layer).iter().any(|entry| {
        let at = |i| Reflect::get_u32(&entry, i).ok().and_then(|v| v.as_string());
        entry.is_object()
            && at(0).as_deref() == Some("consent")
            && at(1).as_deref() == Some("default")
    })
}

/// The all-denied default (`security_storage` granted, `wait_for_update`),
/// unless a default is queued already. Only with `googleConsentMode`.
pub(crate) fn default(inner: &Rc<Inner>) -> JsResult<()> {
    let wanted = inner
        .read(|s| s.config().google_consent_mode.is_some())
        .unwrap_or(false);
    if wanted && !default_queued() {
        let object = states(&candor_core::consent_mode::DEFAULT)?;
        Reflect::set(&object, &"wait_for_update".into(), &WAIT_FOR_UPDATE.into())?;
        push(inner, "default", &object)?;
    }
    Ok(())
}

/// The committed states as an `update`. Only with `googleConsentMode`.
pub(crate) fn update(inner: &Rc<Inner>, c: &Committed) -> JsResult<()> {
    match &c.consent_mode {
        Some(current) => push(inner, "update", &states(current)?),
        None => Ok(()),
    }
}
