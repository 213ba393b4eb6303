//! Gated scripts and embeds, and purposes' cookies.
//!
//! - `<script type="text/plain" data-candor-purpose="ID" [src | data-src]>`:
//!   once ID is allowed, replaced by a real `<script>` with the same
//!   attributes (minus `type` and `data-candor-*`; `data-src` becomes `src`;
//!   `data-type` becomes `type`, e.g. `module`), the same inline text and the
//!   same `nonce` (read from the IDL property: the attribute reads back
//!   empty). The placeholder leaves the page, so nothing runs twice, even
//!   after grant → withdraw → grant.
//! - any other element with `data-candor-purpose` and `data-src` (`iframe`,
//!   `img`, …): `src` is set once, and the element marked
//!   `data-candor-done`.
//! - elements added later are handled by a `MutationObserver`.
//! - cookies a purpose lists (names, or prefixes ending in `*`) are deleted
//!   whenever the purpose is not allowed, on `path=/` for the current host
//!   and each parent domain.

use candor_core::SortedMap;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlElement};

use crate::api::Shared;

/// Placeholders not handled yet.
const PENDING: &str = "[data-candor-purpose]:not([data-candor-done])";

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// A `MutationObserver` on the whole document; disconnected when dropped.
pub(crate) struct Observer {
    observer: web_sys::MutationObserver,
    _callback: Closure<dyn FnMut()>,
}

impl Observer {
    /// Watch `document` for added elements.
    pub(crate) fn new() -> Option<Observer> {
        let callback = Closure::<dyn FnMut()>::new(super::added);
        let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        let options = web_sys::MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        observer
            .observe_with_options(document()?.document_element()?.as_ref(), &options)
            .ok()?;
        Some(Observer {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for Observer {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Run or load every pending placeholder whose purpose is allowed.
pub(crate) fn activate(allowed: &SortedMap<String, bool>) {
    let Some(doc) = document() else {
        return;
    };
    let Ok(list) = doc.query_selector_all(PENDING) else {
        return;
    };
    for i in 0..list.length() {
        let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let purpose = el.get_attribute("data-candor-purpose").unwrap_or_default();
        if allowed.get(&purpose) == Some(&true) {
            if el.tag_name().eq_ignore_ascii_case("script") {
                run_script(&doc, &el);
            } else if let Some(src) = el.get_attribute("data-src") {
                let _ = el.set_attribute("data-candor-done", "");
                let _ = el.set_attribute("src", &src);
            }
        }
    }
}

/// Replace a `text/plain` placeholder with a real script.
fn run_script(doc: &Document, old: &Element) {
    // Mark first: whatever happens next, this placeholder never runs again.
    let _ = old.set_attribute("data-candor-done", "");
    if !old
        .get_attribute("type")
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"))
    {
        return;
    }
    let Ok(new) = doc.create_element("script") else {
        return;
    };
    let names = old.get_attribute_names();
    for name in names.iter().filter_map(|n| n.as_string()) {
        let value = old.get_attribute(&name).unwrap_or_default();
        match name.as_str() {
            "type" | "nonce" | "src" | "data-src" => {}
            "data-type" => {
                let _ = new.set_attribute("type", &value);
            }
            n if n.starts_with("data-candor-") => {}
            _ => {
                let _ = new.set_attribute(&name, &value);
            }
        }
    }
    if let Some(src) = old
        .get_attribute("data-src")
        .or_else(|| old.get_attribute("src"))
    {
        let _ = new.set_attribute("src", &src);
    }
    if let (Ok(old), Ok(new)) = (
        old.clone().dyn_into::<HtmlElement>(),
        new.clone().dyn_into::<HtmlElement>(),
    ) {
        new.set_nonce(&old.nonce());
    }
    // Created scripts are async by default; keep document order like the
    // placeholders had unless they asked for async.
    if !old.has_attribute("async") {
        let _ = Reflect::set(&new, &"async".into(), &JsValue::FALSE);
    }
    new.set_text_content(old.text_content().as_deref());
    let _ = old.replace_with_with_node_1(&new);
}

/// Delete the cookies of every purpose that is not allowed.
pub(crate) fn clear_cookies(shared: &Shared, allowed: &SortedMap<String, bool>) {
    let patterns: Vec<String> = match shared.state.try_borrow() {
        Ok(state) => state
            .engine
            .config()
            .purposes
            .iter()
            .filter(|p| allowed.get(&p.id) != Some(&true))
            .flat_map(|p| p.cookies.iter().cloned())
            .collect(),
        Err(_) => return,
    };
    if patterns.is_empty() {
        return;
    }
    let Some(doc) = document() else {
        return;
    };
    let jar = Reflect::get(&doc, &"cookie".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default();
    let host = web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .unwrap_or_default();
    for name in jar.split(';').filter_map(|c| c.split('=').next()) {
        let name = name.trim();
        if !name.is_empty() && patterns.iter().any(|p| matches(p, name)) {
            delete(&doc, name, &host);
        }
    }
}

/// `pattern` is a name, or a prefix ending in `*`.
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// Expire `name` on `path=/` with no domain, the host and each parent domain.
fn delete(doc: &Document, name: &str, host: &str) {
    let expired = [name, "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/"].concat();
    let set = |value: &str| {
        let _ = Reflect::set(doc, &"cookie".into(), &JsValue::from_str(value));
    };
    set(&expired);
    let mut domain = host;
    while domain.contains('.') {
        set(&[&expired, "; domain=", domain].concat());
        domain = domain.split_once('.').map_or("", |(_, rest)| rest);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cookie_patterns() {
        assert!(super::matches("_ga", "_ga"));
        assert!(!super::matches("_ga", "_gat"));
        assert!(super::matches("_ga*", "_ga_XYZ"));
        assert!(super::matches("*", "anything"));
    }
}
