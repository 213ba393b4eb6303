//! Gated scripts and embeds: `<script type="text/plain"
//! data-candor-purpose="ID">` runs, and `<iframe|img data-candor-purpose
//! data-src>` loads, once ID is allowed, never twice, also when added
//! later. The DOM work is `js/dom.js`'s `activate`; under Trusted Types it
//! goes through the policy named `candor` (which the site allows with
//! `trusted-types candor`), and a script the page's policy forbids is
//! skipped with a warning.

use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;

use super::{string_array, Committed};
use crate::control::Inner;
use crate::js::{self, JsResult};

/// Run what the committed state allows.
pub(crate) fn run(inner: &Rc<Inner>, c: &Committed) -> JsResult<()> {
    activate(inner, &c.ids)
}

fn activate(inner: &Inner, ids: &[String]) -> JsResult<()> {
    let skipped = js::activate(&string_array(ids))?;
    if skipped > 0 {
        inner.warn(
            "trusted types",
            "Candor: a gated script was skipped: this page requires Trusted Types and does not allow the policy \"candor\" (add `trusted-types candor` to its Content-Security-Policy).",
        );
    }
    Ok(())
}

/// Watch the page for gated elements added later.
pub(crate) fn watch(inner: &Rc<Inner>) {
    let weak: Weak<Inner> = Rc::downgrade(inner);
    let callback = Closure::<dyn FnMut()>::new(move || {
        let Some(inner) = weak.upgrade() else {
            return;
        };
        let ids = inner
            .page
            .try_borrow()
            .ok()
            .and_then(|p| p.allowed.clone())
            .and_then(|allowed| {
                inner.read(|s| {
                    s.config()
                        .purposes
                        .iter()
                        .zip(&allowed)
                        .filter(|(_, a)| **a)
                        .map(|(p, _)| p.id.clone())
                        .collect::<Vec<_>>()
                })
            });
        if let Some(ids) = ids {
            if let Err(e) = activate(&inner, &ids) {
                super::failed(&inner, "gated scripts", &e);
            }
        }
    });
    match js::watch_added(callback.as_ref().unchecked_ref()) {
        Ok(stop) => {
            if let Ok(mut page) = inner.page.try_borrow_mut() {
                page.stops.push(stop);
            }
            // Lives as long as the page: the watcher calls it.
            callback.forget();
        }
        Err(e) => super::failed(inner, "gated scripts", &e),
    }
}
