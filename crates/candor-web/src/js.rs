//! Every call the widget makes into the browser, through `js/dom.js`.
//!
//! That module captures the built-ins it uses when `candor.js` runs, so a
//! page that replaces a prototype method later cannot reach the widget; and
//! every function here is imported with `catch`: a call that throws comes
//! back as `Err`, so it never unwinds through the wasm (which would skip
//! Rust's clean-up and leave state half-changed) and never reaches the
//! page.

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

/// A failed call into the browser: the thrown value.
pub(crate) type JsResult<T> = Result<T, JsValue>;

#[wasm_bindgen(module = "/js/dom.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    pub(crate) fn now() -> JsResult<f64>;
    #[wasm_bindgen(catch, js_name = randomHex)]
    pub(crate) fn random_hex(bytes: u32) -> JsResult<String>;
    #[wasm_bindgen(catch)]
    fn warn(message: &str) -> JsResult<()>;
    #[wasm_bindgen(catch, js_name = pageLanguages)]
    pub(crate) fn page_languages() -> JsResult<Array>;
    #[wasm_bindgen(catch, js_name = pageLang)]
    pub(crate) fn page_lang() -> JsResult<String>;
    #[wasm_bindgen(catch)]
    pub(crate) fn gpc() -> JsResult<bool>;
    #[wasm_bindgen(catch, js_name = resolveUrl)]
    pub(crate) fn resolve_url(url: &str) -> JsResult<Array>;
    #[wasm_bindgen(catch, js_name = dateFormatter)]
    pub(crate) fn date_formatter(lang: &str) -> JsResult<Function>;
    #[wasm_bindgen(catch)]
    pub(crate) fn frame(callback: &Function) -> JsResult<()>;
    #[wasm_bindgen(catch)]
    pub(crate) fn later(callback: &Function, ms: f64) -> JsResult<()>;

    #[wasm_bindgen(catch, js_name = storageGet)]
    pub(crate) fn storage_get(area: &str, key: &str) -> JsResult<Option<String>>;
    #[wasm_bindgen(catch, js_name = storageSet)]
    pub(crate) fn storage_set(area: &str, key: &str, value: &str) -> JsResult<()>;
    #[wasm_bindgen(catch, js_name = storageRemove)]
    pub(crate) fn storage_remove(area: &str, key: &str) -> JsResult<()>;

    #[wasm_bindgen(catch)]
    pub(crate) fn listen(
        target: &JsValue,
        kind: &str,
        listener: &Function,
        capture: bool,
    ) -> JsResult<Function>;
    #[wasm_bindgen(catch, js_name = theWindow)]
    pub(crate) fn the_window() -> JsResult<JsValue>;
    #[wasm_bindgen(catch, js_name = actionOf)]
    pub(crate) fn action_of(event: &JsValue) -> JsResult<Array>;
    #[wasm_bindgen(catch, js_name = keyOf)]
    pub(crate) fn key_of(event: &JsValue) -> JsResult<Array>;
    #[wasm_bindgen(catch)]
    pub(crate) fn prevent(event: &JsValue) -> JsResult<()>;

    #[wasm_bindgen(catch, js_name = mountHost)]
    pub(crate) fn mount_host() -> JsResult<Array>;
    #[wasm_bindgen(catch)]
    pub(crate) fn raise(host: &JsValue) -> JsResult<()>;
    #[wasm_bindgen(catch)]
    pub(crate) fn unmount(root: &JsValue) -> JsResult<()>;
    #[wasm_bindgen(catch, js_name = onTop)]
    pub(crate) fn on_top(host: &JsValue) -> JsResult<bool>;
    #[wasm_bindgen(catch, js_name = setStyle)]
    pub(crate) fn set_style(root: &JsValue, css: &str) -> JsResult<()>;
    #[wasm_bindgen(catch, js_name = watchHost)]
    pub(crate) fn watch_host(host: &JsValue, callback: &Function) -> JsResult<Function>;
    #[wasm_bindgen(catch, js_name = pageScheme)]
    pub(crate) fn page_scheme() -> JsResult<String>;

    #[wasm_bindgen(catch)]
    pub(crate) fn render(root: &JsValue, slot: &str, tree: &str) -> JsResult<JsValue>;
    #[wasm_bindgen(catch)]
    pub(crate) fn conceal(root: &JsValue, slot: &str, hidden: bool) -> JsResult<()>;
    #[wasm_bindgen(catch, js_name = activeElement)]
    pub(crate) fn active_element(root: &JsValue) -> JsResult<JsValue>;
    #[wasm_bindgen(catch, js_name = focusIn)]
    pub(crate) fn focus_in(root: &JsValue, selector: &str) -> JsResult<bool>;
    #[wasm_bindgen(catch, js_name = focusElement)]
    pub(crate) fn focus_element(element: &JsValue) -> JsResult<bool>;
    #[wasm_bindgen(catch)]
    pub(crate) fn checkboxes(root: &JsValue) -> JsResult<Array>;
    #[wasm_bindgen(catch, js_name = trapTab)]
    pub(crate) fn trap_tab(root: &JsValue, modal: &JsValue, shift: bool) -> JsResult<bool>;
    #[wasm_bindgen(catch, js_name = dialogOf)]
    pub(crate) fn dialog_of(root: &JsValue, slot: &str) -> JsResult<JsValue>;
    #[wasm_bindgen(catch)]
    pub(crate) fn inspect(event: &JsValue, control: &JsValue, host: &JsValue) -> JsResult<Array>;

    #[wasm_bindgen(catch)]
    pub(crate) fn activate(allowed: &Array) -> JsResult<u32>;
    #[wasm_bindgen(catch, js_name = watchAdded)]
    pub(crate) fn watch_added(callback: &Function) -> JsResult<Function>;
    #[wasm_bindgen(catch, js_name = cookieNames)]
    pub(crate) fn cookie_names() -> JsResult<Array>;
    #[wasm_bindgen(catch, js_name = expireCookie)]
    pub(crate) fn expire_cookie(name: &str) -> JsResult<()>;
    #[wasm_bindgen(catch)]
    pub(crate) fn beacon(url: &str, receipt: &JsValue) -> JsResult<bool>;
    #[wasm_bindgen(catch)]
    pub(crate) fn download(receipt: &JsValue, name: &str) -> JsResult<()>;
    #[wasm_bindgen(catch)]
    pub(crate) fn reload() -> JsResult<()>;
    #[wasm_bindgen(catch, js_name = opensPanel)]
    pub(crate) fn opens_panel(event: &JsValue) -> JsResult<bool>;
    #[wasm_bindgen(catch, js_name = hasOpener)]
    pub(crate) fn has_opener() -> JsResult<bool>;
    #[wasm_bindgen(catch, js_name = keepClear)]
    pub(crate) fn keep_clear(root: &JsValue) -> JsResult<Function>;
}

/// One console warning (`Candor: …`); a console that throws is ignored.
pub(crate) fn warn_once(message: &str) {
    let _ = warn(message);
}

/// Milliseconds since the epoch, as the engine takes them: a clock that is
/// missing, negative or not a number reads as 0 (nothing is then allowed by
/// a choice: choices made "at 0" expired long ago).
pub(crate) fn clock() -> u64 {
    match now() {
        Ok(ms) if ms.is_finite() && ms > 0.0 => ms as u64,
        Ok(ms) if ms == f64::INFINITY => u64::MAX,
        _ => 0,
    }
}

/// The strings of an array made by `js/dom.js` (anything else is skipped).
pub(crate) fn strings(array: &Array) -> Vec<String> {
    let mut out = Vec::new();
    for v in array.iter() {
        if let Some(s) = v.as_string() {
            out.push(s);
        }
    }
    out
}
