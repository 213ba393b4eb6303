//! The DOM: an open shadow root on `<div id="candor">`, the first-layer
//! banner, the preferences panel and the persistent "Privacy choices" button.
//!
//! Hooks (CONTRACT §4): the banner and the panel have `role="dialog"`;
//! buttons carry `data-action` = `accept-all`, `reject-all`, `customize`,
//! `save`, `open` (and `close` and `download-receipt` on the panel,
//! `switch-off` on the "Why this?" panel of [`crate::why`]); checkboxes carry
//! `data-purpose`.
//!
//! Global Privacy Control: a `saleOrShare` purpose shows unticked (unless the
//! shopper opted in to it explicitly) with a note that the browser's signal
//! is honoured; the checkbox stays enabled, so ticking it and saving records
//! an explicit opt-in (method `preferences`), which rule 7 lets through.
//!
//! Direction: `dir="rtl"` when the text language or the page's `<html lang>`
//! is written right to left (an Arabic page without Arabic translations
//! gets the default language's text, laid out right to left). Each action exists at most once in the tree at any time:
//! the banner is present only while a choice is missing, the panel only while
//! open, the "Privacy choices" button only when the banner is gone.
//!
//! Site-supplied text goes in through `textContent` only, never as HTML. One
//! delegated `click` and one `keydown` listener on the shadow root drive it.

use std::rc::{Rc, Weak};

use candor_core::explain::fill;
use candor_core::i18n::{is_rtl, ui_text};
use candor_core::json::u64_text;
use candor_core::{Duration, Method};
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, Event, HtmlElement, HtmlInputElement, KeyboardEvent, Node, ShadowRoot,
};

use crate::api::{self, Shared};
use crate::why::{self, WhyRequest};

/// The widget's stylesheet (`style.css`, minified at compile time), adopted
/// by the shadow root (no inline styles, so a strict CSP without
/// `'unsafe-inline'` works).
use crate::css::CSS;
/// What Tab moves through inside the panel.
const FOCUSABLE: &str = "button,input:not([disabled]),a[href]";

/// DOM handles. Empty until [`mount`].
#[derive(Debug, Default)]
pub(crate) struct Ui {
    host: Option<Element>,
    root: Option<ShadowRoot>,
    banner: Option<Element>,
    /// The panel's backdrop, which holds the panel.
    panel: Option<Element>,
    open: Option<HtmlElement>,
    /// A pending contextual `ask()`: the prompt, its purpose, the Promise's
    /// resolve function, where focus returns.
    prompt: Option<(Element, String, js_sys::Function, Option<HtmlElement>)>,
    /// Where focus returns when the panel closes.
    opener: Option<HtmlElement>,
    /// What the open "Why this?" panel explains (it sits in `panel`).
    why: Option<WhyRequest>,
    listeners: Vec<Closure<dyn FnMut(Event)>>,
}

/// UI texts in the page's language.
struct Texts<'a> {
    config: &'a candor_core::Config,
    lang: &'a str,
}

impl<'a> Texts<'a> {
    fn get(&self, key: &str) -> &'a str {
        ui_text(self.config, self.lang, key)
    }
}

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// `rtl` when the text language or the page's `<html lang>` is right to left.
pub(crate) fn dir(lang: &str) -> &'static str {
    let page = document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .unwrap_or_default();
    if is_rtl(lang) || is_rtl(&page) {
        "rtl"
    } else {
        "ltr"
    }
}

/// Whether a purpose's checkbox shows ticked: granted now, except a
/// `saleOrShare` purpose under Global Privacy Control without an explicit
/// opt-in (rule 7 refuses it, so it shows off).
fn ticked(state: &api::State, prefs: &candor_core::Preferences, id: &str) -> bool {
    let granted = prefs.purposes.get(id).is_some_and(|p| p.granted);
    let gpc_off = state.gpc
        && state
            .engine
            .config()
            .purpose(id)
            .is_some_and(|p| p.sale_or_share)
        && !state
            .engine
            .choices()
            .purposes
            .get(id)
            .is_some_and(|c| c.explicit);
    granted && !gpc_off
}

/// `<tag class="class" name="value"…>content</tag>`: no class attribute when
/// `class` is empty, no text when `content` is `None`, the text as text. The
/// attributes are set in order after the class. Every element the widget
/// makes comes from here: one outlined function keeps each call site small.
#[inline(never)]
fn node(
    doc: &Document,
    tag: &str,
    class: &str,
    content: Option<&str>,
    pairs: &[(&str, &str)],
) -> Option<Element> {
    let e = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        let _ = e.set_attribute("class", class);
    }
    attrs(&e, pairs);
    if content.is_some() {
        e.set_text_content(content);
    }
    Some(e)
}

/// [`node`], appended to `parent`.
#[inline(never)]
pub(crate) fn put(
    parent: &Node,
    doc: &Document,
    tag: &str,
    class: &str,
    content: Option<&str>,
    pairs: &[(&str, &str)],
) -> Option<Element> {
    let e = node(doc, tag, class, content, pairs)?;
    let _ = parent.append_child(&e);
    Some(e)
}

/// `<tag class="class">`.
pub(crate) fn el(doc: &Document, tag: &str, class: &str) -> Option<Element> {
    node(doc, tag, class, None, &[])
}

/// A button with a `data-action`.
pub(crate) fn button(doc: &Document, class: &str, action: &str, label: &str) -> Option<Element> {
    node(
        doc,
        "button",
        class,
        Some(label),
        &[("type", "button"), ("data-action", action)],
    )
}

/// A button with a `data-action`, appended to `parent`.
pub(crate) fn put_button(
    parent: &Node,
    doc: &Document,
    class: &str,
    action: &str,
    label: &str,
) -> Option<Element> {
    put(
        parent,
        doc,
        "button",
        class,
        Some(label),
        &[("type", "button"), ("data-action", action)],
    )
}

/// Set attributes, in order.
#[inline(never)]
pub(crate) fn attrs(e: &Element, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        let _ = e.set_attribute(name, value);
    }
}

/// Append `child` to `parent`.
#[inline(never)]
pub(crate) fn add(parent: &Node, child: &Node) {
    let _ = parent.append_child(child);
}

/// `prefix` and the labels, comma-separated: "Uses: cart, views".
#[inline(never)]
pub(crate) fn list_line(prefix: &str, labels: &[&str]) -> String {
    [prefix, " ", &labels.join(", ")].concat()
}

/// The "Uses: …" line of a purpose, if it declares a signal the config knows.
fn data_used(texts: &Texts<'_>, purpose: &candor_core::Purpose, default: &str) -> Option<String> {
    let config = texts.config;
    let labels: Vec<&str> = purpose
        .signals
        .iter()
        .filter_map(|id| config.signal(id))
        .map(|s| s.label.get(texts.lang, default))
        .collect();
    (!labels.is_empty()).then(|| list_line(texts.get("dataUsed"), &labels))
}

/// How long a choice lasts: "Only for this visit." / "Lasts N days.".
fn lasts(texts: &Texts<'_>, duration: Duration) -> String {
    match duration {
        Duration::Session => texts.get("lastsSession").to_owned(),
        Duration::Days(n) => fill(texts.get("lastsDays"), &[("n", &u64_text(u64::from(n)))]),
    }
}

/// Create the host and its shadow root, adopt the stylesheet, wire the
/// listeners and render.
pub(crate) fn mount(shared: &Rc<Shared>) {
    if let Some(()) = try_mount(shared) {
        sync(shared);
    }
}

fn try_mount(shared: &Rc<Shared>) -> Option<()> {
    let doc = document()?;
    let host = match doc.get_element_by_id("candor") {
        Some(host) => host,
        None => {
            let host = el(&doc, "div", "")?;
            let _ = host.set_attribute("id", "candor");
            let body = doc.body()?;
            add(&body, &host);
            host
        }
    };
    top_layer(&host);
    let root = match host.shadow_root() {
        Some(root) => {
            root.set_text_content(None);
            root
        }
        None => host
            .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
            .ok()?,
    };
    match web_sys::CssStyleSheet::new() {
        Ok(sheet) if sheet.replace_sync(CSS).is_ok() => {
            root.set_adopted_style_sheets(&Array::of1(&sheet));
        }
        // Browsers without constructable stylesheets (Safari < 16.4).
        _ => {
            put(&root, &doc, "style", "", Some(CSS), &[])?;
        }
    }
    let mut ui = shared.ui.try_borrow_mut().ok()?;
    unmount_listeners(&mut ui);
    let weak = Rc::downgrade(shared);
    let on_click = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        if let Some(shared) = weak.upgrade() {
            on_click(&shared, &event);
        }
    });
    let weak = Rc::downgrade(shared);
    let on_key = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        if let Some(shared) = Weak::upgrade(&weak) {
            on_key(&shared, &event);
        }
    });
    let _ = root.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    let _ = root.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    *ui = Ui {
        host: Some(host),
        root: Some(root),
        listeners: vec![on_click, on_key],
        ..Ui::default()
    };
    Some(())
}

/// Put the host in the top layer as a manual popover (non-modal, no light
/// dismiss, no focus change): it then paints and takes clicks above any
/// z-index a page can set, even a full-screen fixed element at 2147483647
/// placed after it. Browsers without popovers (before Chrome 114, Firefox
/// 125, Safari 17) ignore the attribute and keep the dialogs' z-index.
fn top_layer(host: &Element) {
    if !host.has_attribute("popover") {
        let _ = host.set_attribute("popover", "manual");
    }
    let open = host.matches(":popover-open").unwrap_or(true);
    let show = js_sys::Reflect::get(host, &JsValue::from_str("showPopover"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let (false, Some(show)) = (open, show) {
        // Throws only if the host is not in a document: then nothing to do.
        let _ = show.call0(host);
    }
}

fn unmount_listeners(ui: &mut Ui) {
    if let Some(root) = &ui.root {
        for (kind, listener) in ["click", "keydown"].iter().zip(&ui.listeners) {
            let _ =
                root.remove_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        }
    }
    ui.listeners.clear();
}

/// Stop listening (the widget is going away). The DOM stays.
pub(crate) fn unmount(shared: &Shared) {
    if let Ok(mut ui) = shared.ui.try_borrow_mut() {
        unmount_listeners(&mut ui);
    }
}

fn on_click(shared: &Shared, event: &Event) {
    let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    let Some(hit) = target.closest("[data-action]").ok().flatten() else {
        // A click on the backdrop keeps focus in the panel.
        if target.get_attribute("class").as_deref() == Some("backdrop") {
            focus_panel(shared);
        }
        return;
    };
    match hit.get_attribute("data-action").as_deref() {
        Some("accept-all") => api::accept_all(shared, true),
        Some("reject-all") => api::accept_all(shared, false),
        Some("customize") | Some("open") => show(shared, hit.dyn_into::<HtmlElement>().ok()),
        Some("close") => hide(shared),
        Some("save") => save(shared),
        Some("ask-yes") => answer(shared, true),
        Some("ask-no") => answer(shared, false),
        Some("switch-off") => why::switch_off(shared),
        Some("download-receipt") => {
            let _ = crate::bridge::download_receipt(shared);
        }
        _ => {}
    }
}

/// Esc closes the panel; Tab and Shift+Tab stay inside it.
fn on_key(shared: &Shared, event: &Event) {
    let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
        return;
    };
    let (panel, root) = match shared.ui.try_borrow() {
        Ok(ui) => match (ui.panel.clone(), ui.root.clone()) {
            (Some(panel), Some(root)) => (panel, root),
            _ => return,
        },
        Err(_) => return,
    };
    match key.key().as_str() {
        "Escape" | "Esc" => {
            event.prevent_default();
            hide(shared);
        }
        "Tab" => {
            let Ok(list) = panel.query_selector_all(FOCUSABLE) else {
                return;
            };
            let (Some(first), Some(last)) =
                (list.item(0), list.item(list.length().saturating_sub(1)))
            else {
                return;
            };
            let active = root.active_element();
            let inside = active
                .as_ref()
                .is_some_and(|a| panel.contains(Some(a.as_ref())));
            let is = |node: &Node| {
                active
                    .as_ref()
                    .is_some_and(|a| AsRef::<JsValue>::as_ref(a) == AsRef::<JsValue>::as_ref(node))
            };
            let wrap_to = if !inside {
                Some(first)
            } else if key.shift_key()
                && (is(&first)
                    || active
                        .as_ref()
                        .is_some_and(|a| a.get_attribute("class").as_deref() == Some("panel")))
            {
                Some(last)
            } else if !key.shift_key() && is(&last) {
                Some(first)
            } else {
                None
            };
            if let Some(node) = wrap_to.and_then(|n| n.dyn_into::<HtmlElement>().ok()) {
                event.prevent_default();
                let _ = node.focus();
            }
        }
        _ => {}
    }
}

/// Save every non-required checkbox (method `preferences`) and close.
fn save(shared: &Shared) {
    let panel = shared.ui.try_borrow().ok().and_then(|ui| ui.panel.clone());
    let Some(list) = panel.and_then(|p| p.query_selector_all("input[data-purpose]").ok()) else {
        return;
    };
    let mut choices = Vec::new();
    for i in 0..list.length() {
        let Some(input) = list
            .item(i)
            .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
        else {
            continue;
        };
        if let (false, Some(id)) = (input.disabled(), input.get_attribute("data-purpose")) {
            choices.push((id, input.checked()));
        }
    }
    api::choose(shared, &choices, Method::Preferences);
    hide(shared);
}

fn focus_panel(shared: &Shared) {
    let panel = shared.ui.try_borrow().ok().and_then(|ui| ui.panel.clone());
    if let Some(panel) = panel.and_then(|p| p.query_selector(".panel").ok().flatten()) {
        if let Ok(panel) = panel.dyn_into::<HtmlElement>() {
            let _ = panel.focus();
        }
    }
}

/// Bring the DOM in line with the state: banner while a choice is missing,
/// else the "Privacy choices" button; refresh an open panel's checkboxes.
pub(crate) fn sync(shared: &Shared) {
    let Ok(state) = shared.state.try_borrow() else {
        return;
    };
    let Ok(mut ui) = shared.ui.try_borrow_mut() else {
        return;
    };
    let (Some(doc), Some(root)) = (document(), ui.root.clone()) else {
        return;
    };
    let ctx = state.ctx();
    let needs_banner = !state.engine.has_current_choices(&ctx);
    let config = state.engine.config();
    let lang = state.lang.as_str();
    let texts = Texts { config, lang };
    let t = |key: &str| texts.get(key);
    let dir = dir(lang);
    let gpc_notice = state.gpc && config.purposes.iter().any(|p| p.sale_or_share);
    let mut focus_open = false;
    if needs_banner {
        if let Some(open) = ui.open.take() {
            open.remove();
        }
        if ui.banner.is_none() {
            ui.banner = banner(
                &doc,
                &texts,
                config.policy_url.as_deref(),
                lang,
                dir,
                gpc_notice,
            );
            if let Some(banner) = &ui.banner {
                add(&root, banner);
            }
            conceal(ui.banner.as_ref(), ui.panel.is_some());
        }
    } else {
        if let Some(banner) = ui.banner.take() {
            focus_open = root
                .active_element()
                .is_some_and(|a| banner.contains(Some(a.as_ref())));
            banner.remove();
        }
        if ui.open.is_none() {
            if let Some(open) = button(&doc, "open", "open", t("open")) {
                attrs(&open, &[("lang", lang), ("dir", dir)]);
                add(&root, &open);
                ui.open = open.dyn_into::<HtmlElement>().ok();
            }
        }
    }
    // Keep the panel's checkboxes in line with the (maybe other tab's) choices.
    if let Some(panel) = &ui.panel {
        let prefs = state.engine.preferences(&ctx);
        if let Ok(list) = panel.query_selector_all("input[data-purpose]") {
            for i in 0..list.length() {
                if let Some(input) = list
                    .item(i)
                    .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
                {
                    if !input.disabled() {
                        let id = input.get_attribute("data-purpose").unwrap_or_default();
                        input.set_checked(ticked(&state, &prefs, &id));
                    }
                }
            }
        }
    }
    if focus_open && ui.panel.is_none() {
        if let Some(open) = &ui.open {
            let _ = open.focus();
        }
    }
}

/// Hide the banner (and take it out of the tab order) while the modal panel
/// is open, so only one dialog shows at a time.
fn conceal(banner: Option<&Element>, hidden: bool) {
    if let Some(banner) = banner {
        for name in ["hidden", "inert"] {
            let _ = banner.toggle_attribute_with_force(name, hidden);
        }
    }
}

/// The first layer: a non-modal `role="dialog"` fixed at the bottom.
fn banner(
    doc: &Document,
    texts: &Texts<'_>,
    policy_url: Option<&str>,
    lang: &str,
    dir: &str,
    gpc_notice: bool,
) -> Option<Element> {
    let t = |key: &str| texts.get(key);
    let banner = node(
        doc,
        "section",
        "banner",
        None,
        &[
            ("role", "dialog"),
            ("aria-labelledby", "candor-banner-title"),
            ("aria-describedby", "candor-banner-text"),
            ("lang", lang),
            ("dir", dir),
        ],
    )?;
    let body = put(&banner, doc, "div", "body", None, &[])?;
    put(
        &body,
        doc,
        "h2",
        "title",
        Some(t("bannerTitle")),
        &[("id", "candor-banner-title")],
    )?;
    let para = put(
        &body,
        doc,
        "p",
        "text",
        Some(t("bannerText")),
        &[("id", "candor-banner-text")],
    )?;
    policy_link(doc, texts, policy_url, &para);
    if gpc_notice {
        put(&body, doc, "p", "note gpc", Some(t("noticeGpc")), &[])?;
    }
    let actions = put(&banner, doc, "div", "actions", None, &[])?;
    for (action, key) in [
        ("accept-all", "acceptAll"),
        ("reject-all", "rejectAll"),
        ("customize", "customize"),
    ] {
        put_button(&actions, doc, "btn", action, t(key))?;
    }
    Some(banner)
}

/// A space and a link to the policy at the end of `para`, unless the URL is
/// a script URL.
fn policy_link(doc: &Document, texts: &Texts<'_>, url: Option<&str>, para: &Element) {
    let Some(url) = url.map(str::trim) else {
        return;
    };
    let scheme = url.get(..11).unwrap_or(url).to_ascii_lowercase();
    if url.is_empty() || scheme.starts_with("javascript:") || scheme.starts_with("data:") {
        return;
    }
    if let Some(link) = node(
        doc,
        "a",
        "link",
        Some(texts.get("policyLink")),
        &[("href", url)],
    ) {
        let _ = para.append_with_str_1(" ");
        add(para, &link);
    }
}

/// Open the preferences panel; focus moves in and returns to `opener` (or
/// whatever had focus) when it closes.
pub(crate) fn show(shared: &Shared, opener: Option<HtmlElement>) {
    let Some(doc) = document() else {
        return;
    };
    let Ok(state) = shared.state.try_borrow() else {
        return;
    };
    let Ok(mut ui) = shared.ui.try_borrow_mut() else {
        return;
    };
    let Some(root) = ui.root.clone() else {
        return;
    };
    if ui.why.take().is_some() {
        // The "Why this?" panel makes way for the preferences.
        if let Some(old) = ui.panel.take() {
            old.remove();
        }
    }
    if ui.panel.is_some() {
        return;
    }
    ui.opener = opener.or_else(|| focused(&doc, &ui, &root));
    let Some(backdrop) = panel(&doc, &state) else {
        return;
    };
    add(&root, &backdrop);
    ui.panel = Some(backdrop);
    conceal(ui.banner.as_ref(), true);
    drop(ui);
    drop(state);
    focus_panel(shared);
}

/// What has focus, where it returns when a panel closes: the page's active
/// element, or inside the shadow root when that is the host.
fn focused(doc: &Document, ui: &Ui, root: &ShadowRoot) -> Option<HtmlElement> {
    let host: Option<&JsValue> = ui.host.as_ref().map(AsRef::as_ref);
    doc.active_element()
        .filter(|a| Some(AsRef::<JsValue>::as_ref(a)) != host)
        .or_else(|| root.active_element())
        .and_then(|a| a.dyn_into::<HtmlElement>().ok())
}

/// Open the "Why this?" panel for `why`, or re-render it in place if it is
/// open (after a switch-off). Focus moves in and returns where it was.
pub(crate) fn present_why(shared: &Shared, why: WhyRequest) {
    let Some(doc) = document() else {
        return;
    };
    let Ok(state) = shared.state.try_borrow() else {
        return;
    };
    let Ok(mut ui) = shared.ui.try_borrow_mut() else {
        return;
    };
    let Some(root) = ui.root.clone() else {
        return;
    };
    let Some(backdrop) = why::build(&doc, &state, &why, dir(&state.lang)) else {
        return;
    };
    match ui.panel.take() {
        Some(old) if ui.why.is_some() => {
            let _ = old.replace_with_with_node_1(&backdrop);
        }
        Some(old) => {
            // Another panel is open: it makes way.
            old.remove();
            add(&root, &backdrop);
        }
        None => {
            ui.opener = focused(&doc, &ui, &root);
            add(&root, &backdrop);
        }
    }
    ui.panel = Some(backdrop);
    ui.why = Some(why);
    conceal(ui.banner.as_ref(), true);
    drop(ui);
    drop(state);
    focus_panel(shared);
}

/// What the open "Why this?" panel explains.
pub(crate) fn current_why(shared: &Shared) -> Option<WhyRequest> {
    shared.ui.try_borrow().ok()?.why.clone()
}

fn panel(doc: &Document, state: &api::State) -> Option<Element> {
    let config = state.engine.config();
    let lang = state.lang.as_str();
    let default = config.default_language.as_str();
    let texts = Texts { config, lang };
    let t = |key: &str| texts.get(key);
    let prefs = state.engine.preferences(&state.ctx());
    let dir = dir(lang);

    let (backdrop, panel) = modal(
        doc,
        (lang, dir),
        "panel",
        ("candor-panel-title", "candor-panel-text"),
        t("preferencesTitle"),
        t("close"),
    )?;
    let intro = put(
        &panel,
        doc,
        "p",
        "text",
        Some(t("preferencesText")),
        &[("id", "candor-panel-text")],
    )?;
    policy_link(doc, &texts, config.policy_url.as_deref(), &intro);

    let list = put(&panel, doc, "ul", "purposes", None, &[])?;
    for purpose in &config.purposes {
        let item = put(&list, doc, "li", "purpose", None, &[])?;
        let label = put(&item, doc, "label", "row", None, &[])?;
        let input = put(
            &label,
            doc,
            "input",
            "",
            None,
            &[("type", "checkbox"), ("data-purpose", &purpose.id)],
        )?;
        let input: HtmlInputElement = input.dyn_into().ok()?;
        if purpose.required {
            input.set_checked(true);
            input.set_disabled(true);
        } else {
            input.set_checked(ticked(state, &prefs, &purpose.id));
        }
        let name = purpose.title.get(lang, default);
        put(&label, doc, "span", "name", Some(name), &[])?;
        if purpose.required {
            put(&label, doc, "span", "tag", Some(t("required")), &[])?;
        }
        let desc = purpose.description.get(lang, default);
        put(&item, doc, "p", "desc", Some(desc), &[])?;
        if let Some(data) = data_used(&texts, purpose, default) {
            put(&item, doc, "p", "meta", Some(&data), &[])?;
        }
        if !purpose.required {
            let lasts = lasts(&texts, purpose.duration);
            put(&item, doc, "p", "meta", Some(&lasts), &[])?;
        }
        if purpose.sale_or_share {
            put(&item, doc, "p", "note", Some(t("saleOrShare")), &[])?;
            if state.gpc {
                put(&item, doc, "p", "note gpc", Some(t("gpcNote")), &[])?;
            }
        }
    }
    let actions = put(&panel, doc, "div", "actions", None, &[])?;
    put_button(
        &actions,
        doc,
        "btn secondary",
        "download-receipt",
        t("download"),
    )?;
    put_button(&actions, doc, "btn", "save", t("save"))?;
    Some(backdrop)
}

/// A modal panel in its backdrop: `<div class="backdrop" lang dir>` holding
/// `<div class="{class}" role="dialog" aria-modal>` labelled by its `<h2>`
/// title (`id` `title_id`) and described by the element the caller gives
/// `id` `text_id`, with the close button in its head. Returns the backdrop
/// and the panel.
pub(crate) fn modal(
    doc: &Document,
    (lang, dir): (&str, &str),
    class: &str,
    (title_id, text_id): (&str, &str),
    title: &str,
    close: &str,
) -> Option<(Element, Element)> {
    let backdrop = node(
        doc,
        "div",
        "backdrop",
        None,
        &[("lang", lang), ("dir", dir)],
    )?;
    let panel = put(
        &backdrop,
        doc,
        "div",
        class,
        None,
        &[
            ("role", "dialog"),
            ("aria-modal", "true"),
            ("aria-labelledby", title_id),
            ("aria-describedby", text_id),
            ("tabindex", "-1"),
        ],
    )?;
    let head = put(&panel, doc, "div", "head", None, &[])?;
    put(&head, doc, "h2", "title", Some(title), &[("id", title_id)])?;
    let button = put_button(&head, doc, "close", "close", "\u{00d7}")?;
    attrs(&button, &[("aria-label", close)]);
    Some((backdrop, panel))
}

/// Close the panel and return focus to its opener (or the "Privacy choices"
/// button if the opener is gone).
pub(crate) fn hide(shared: &Shared) {
    let (opener, open) = {
        let Ok(mut ui) = shared.ui.try_borrow_mut() else {
            return;
        };
        let Some(backdrop) = ui.panel.take() else {
            return;
        };
        ui.why = None;
        backdrop.remove();
        conceal(ui.banner.as_ref(), false);
        (ui.opener.take(), ui.open.clone())
    };
    let target = opener.filter(|o| o.is_connected()).or(open);
    if let Some(target) = target {
        let _ = target.focus();
    }
}

/// Show a small non-blocking prompt for one purpose (title, description,
/// data used, how long; Yes / No of equal weight). `resolve` gets the answer.
/// A prompt still open is answered `false` (without recording) first.
pub(crate) fn ask(shared: &Shared, purpose: &str, resolve: js_sys::Function) {
    if let Some((old, _, old_resolve, _)) = shared
        .ui
        .try_borrow_mut()
        .ok()
        .and_then(|mut ui| ui.prompt.take())
    {
        old.remove();
        let _ = old_resolve.call1(&JsValue::NULL, &JsValue::FALSE);
    }
    let built = (|| {
        let doc = document()?;
        let state = shared.state.try_borrow().ok()?;
        let mut ui = shared.ui.try_borrow_mut().ok()?;
        let root = ui.root.clone()?;
        let config = state.engine.config();
        let p = config.purpose(purpose)?;
        let lang = state.lang.as_str();
        let default = config.default_language.as_str();
        let texts = Texts { config, lang };
        let t = |key: &str| texts.get(key);
        let prompt = node(
            &doc,
            "section",
            "prompt",
            None,
            &[
                ("role", "dialog"),
                ("aria-labelledby", "candor-ask-title"),
                ("aria-describedby", "candor-ask-text"),
                ("tabindex", "-1"),
                ("lang", lang),
                ("dir", dir(lang)),
            ],
        )?;
        let title = p.title.get(lang, default);
        put(
            &prompt,
            &doc,
            "h2",
            "title",
            Some(title),
            &[("id", "candor-ask-title")],
        )?;
        let body = p.description.get(lang, default);
        put(
            &prompt,
            &doc,
            "p",
            "text",
            Some(body),
            &[("id", "candor-ask-text")],
        )?;
        if let Some(data) = data_used(&texts, p, default) {
            put(&prompt, &doc, "p", "meta", Some(&data), &[])?;
        }
        let lasts = lasts(&texts, p.duration);
        put(&prompt, &doc, "p", "meta", Some(&lasts), &[])?;
        let actions = put(&prompt, &doc, "div", "actions", None, &[])?;
        put_button(&actions, &doc, "btn", "ask-yes", t("yes"))?;
        put_button(&actions, &doc, "btn", "ask-no", t("no"))?;
        add(&root, &prompt);
        let back = doc
            .active_element()
            .and_then(|a| a.dyn_into::<HtmlElement>().ok());
        ui.prompt = Some((prompt.clone(), purpose.to_owned(), resolve.clone(), back));
        prompt.dyn_into::<HtmlElement>().ok()
    })();
    match built {
        Some(prompt) => {
            let _ = prompt.focus();
        }
        None => {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::FALSE);
        }
    }
}

/// Record the prompt's answer (method `ask`) and resolve the Promise.
fn answer(shared: &Shared, yes: bool) {
    let Some((prompt, purpose, resolve, back)) = shared
        .ui
        .try_borrow_mut()
        .ok()
        .and_then(|mut ui| ui.prompt.take())
    else {
        return;
    };
    prompt.remove();
    let recorded = api::choose(shared, &[(purpose, yes)], Method::Ask);
    let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(yes && recorded));
    if let Some(back) = back.filter(|b| b.is_connected()) {
        let _ = back.focus();
    }
}
