//! Browser tests: mount the widget into a fresh page state, click the real
//! buttons and checkboxes inside the shadow root, check decisions, storage,
//! change notifications and the DOM hooks of CONTRACT §4.
//!
//! Run with `wasm-pack test --headless --chrome crates/candor-web`.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use candor_web::Widget;
use js_sys::{Function, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &str = r#"{
  "revision": 1,
  "policyUrl": "/privacy",
  "expiresAfterDays": 180,
  "defaultLanguage": "en",
  "signals": [
    { "id": "cart", "kind": "interest", "label": { "en": "Items in your cart", "fr": "Articles de votre panier" } },
    { "id": "browsing", "kind": "interest", "label": "Products you viewed here" },
    { "id": "region", "kind": "context", "label": "Your approximate region" },
    { "id": "health", "kind": "sensitive", "label": "Health information" }
  ],
  "channels": [
    { "id": "onsite", "label": "on this site", "cap": { "max": 3, "perHours": 24 } },
    { "id": "email", "label": "by email", "cap": { "max": 2, "perDays": 7 } }
  ],
  "purposes": [
    { "id": "essential", "required": true,
      "title": "Essential", "description": "Keeps your cart and your privacy choices." },
    { "id": "session-offers", "duration": "session",
      "signals": ["cart", "browsing"], "channels": ["onsite"],
      "title": { "en": "Offers during this visit" },
      "description": { "en": "Uses what is in your cart to show offers while you shop." } },
    { "id": "email-deals", "duration": { "days": 180 },
      "signals": ["browsing"], "channels": ["email"],
      "title": "Deals by email", "description": "Emails about deals on what you viewed." },
    { "id": "ads", "saleOrShare": true, "signals": ["browsing"],
      "title": "Ads on other sites <img src=x onerror=alert(1)>", "description": "Shares what you viewed with ad partners." }
  ]
}"#;

const OPTIONAL: [&str; 3] = ["session-offers", "email-deals", "ads"];

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

fn local() -> web_sys::Storage {
    window().local_storage().unwrap().unwrap()
}

fn session() -> web_sys::Storage {
    window().session_storage().unwrap().unwrap()
}

/// Clear storage, remove any previous widget, mount a new one that logs
/// every change notification into `window.__changes`.
fn fresh() -> Widget {
    local().clear().unwrap();
    session().clear().unwrap();
    mount_again()
}

/// Mount a new widget over the current storage (a page reload).
fn mount_again() -> Widget {
    if let Some(old) = window().document().unwrap().get_element_by_id("candor") {
        old.remove();
    }
    let mut widget = Widget::new(CONFIG).unwrap();
    widget.mount();
    Reflect::set(&window(), &"__changes".into(), &js_sys::Array::new()).unwrap();
    let log = Function::new_with_args("json", "window.__changes.push(JSON.parse(json))");
    widget.set_listener(log.into());
    widget
}

fn changes() -> js_sys::Array {
    Reflect::get(&window(), &"__changes".into())
        .unwrap()
        .unchecked_into()
}

fn root() -> ShadowRoot {
    let host = window()
        .document()
        .unwrap()
        .get_element_by_id("candor")
        .expect("#candor exists");
    host.shadow_root().expect("open shadow root")
}

fn find(selector: &str) -> Option<HtmlElement> {
    root()
        .query_selector(selector)
        .unwrap()
        .map(|e| e.unchecked_into())
}

/// The text of the element `selector` finds.
fn text(selector: &str) -> String {
    find(selector)
        .unwrap_or_else(|| panic!("{selector} is in the shadow root"))
        .text_content()
        .unwrap_or_default()
}

fn count(selector: &str) -> u32 {
    root().query_selector_all(selector).unwrap().length()
}

fn click(selector: &str) {
    find(selector)
        .unwrap_or_else(|| panic!("{selector} is in the shadow root"))
        .click();
}

fn checkbox(purpose: &str) -> HtmlInputElement {
    find(&format!(
        r#"input[type="checkbox"][data-purpose="{purpose}"]"#
    ))
    .unwrap_or_else(|| panic!("checkbox for {purpose}"))
    .unchecked_into()
}

fn request(purpose: &str) -> JsValue {
    let r = js_sys::Object::new();
    Reflect::set(&r, &"purpose".into(), &purpose.into()).unwrap();
    r.into()
}

fn json_request(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn decide(widget: &Widget, request: JsValue) -> Value {
    serde_json::from_str(&widget.decide(request)).unwrap()
}

fn reason(widget: &Widget, purpose: &str) -> String {
    decide(widget, request(purpose))["reason"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn prefs(widget: &Widget) -> Value {
    serde_json::from_str(&widget.preferences()).unwrap()
}

fn active() -> Option<Element> {
    root().active_element()
}

fn key(target: &Element, key: &str, shift: bool) {
    let f = Function::new_with_args(
        "t,k,s",
        "t.dispatchEvent(new KeyboardEvent('keydown',{key:k,shiftKey:s,bubbles:true,composed:true,cancelable:true}))",
    );
    f.call3(&JsValue::NULL, target, &key.into(), &shift.into())
        .unwrap();
}

#[wasm_bindgen_test]
fn first_visit_shows_a_non_modal_banner_with_equal_buttons() {
    let widget = fresh();
    let banner = find(r#"[role="dialog"]"#).expect("banner");
    assert_ne!(banner.get_attribute("aria-modal").as_deref(), Some("true"));
    let title = banner.get_attribute("aria-labelledby").unwrap();
    let text = banner.get_attribute("aria-describedby").unwrap();
    assert!(!root()
        .get_element_by_id(&title)
        .unwrap()
        .text_content()
        .unwrap()
        .is_empty());
    assert!(!root()
        .get_element_by_id(&text)
        .unwrap()
        .text_content()
        .unwrap()
        .is_empty());
    assert_eq!(
        find("a[href]").unwrap().get_attribute("href").as_deref(),
        Some("/privacy")
    );
    let accept = find(r#"[data-action="accept-all"]"#).expect("accept-all");
    let reject = find(r#"[data-action="reject-all"]"#).expect("reject-all");
    assert!(find(r#"[data-action="customize"]"#).is_some());
    assert_eq!(accept.tag_name(), reject.tag_name());
    assert_eq!(accept.class_name(), reject.class_name());
    assert_eq!(accept.offset_height(), reject.offset_height());
    assert_eq!(accept.offset_width(), reject.offset_width());
    assert!(accept.offset_height() >= 44, "44px touch target");
    // Not blocking: no backdrop, no panel, no "Privacy choices" yet.
    assert_eq!(count(r#"[aria-modal="true"]"#), 0);
    assert!(find(r#"[data-action="open"]"#).is_none());
    for purpose in OPTIONAL {
        assert_eq!(reason(&widget, purpose), "no-choice");
    }
    assert_eq!(reason(&widget, "essential"), "required");
    assert_eq!(reason(&widget, "nope"), "unknown-purpose");
}

#[wasm_bindgen_test]
fn accept_all_button_grants_stores_and_notifies() {
    let widget = fresh();
    click(r#"[data-action="accept-all"]"#);
    for purpose in OPTIONAL {
        let d = decide(&widget, request(purpose));
        assert_eq!(d["allowed"], true, "{purpose}: {d}");
        assert_eq!(d["reason"], "granted");
    }
    let snapshot: Value = serde_json::from_str(&widget.snapshot()).unwrap();
    assert!(snapshot["allowed"]
        .as_array()
        .unwrap()
        .contains(&Value::from("email-deals")));
    // Banner gone, "Privacy choices" there, focus moved onto it.
    assert!(find(r#"[data-action="accept-all"]"#).is_none());
    let open = find(r#"[data-action="open"]"#).expect("Privacy choices");
    assert!(!open.text_content().unwrap().is_empty());
    // Storage: persistent record, session grants apart.
    assert!(local().get_item("candor").unwrap().is_some());
    assert!(session().get_item("candor.grants").unwrap().is_some());
    assert!(session().get_item("candor.session").unwrap().is_some());
    // One change notification with the preferences.
    let log = changes();
    assert_eq!(log.length(), 1);
    let p = prefs(&widget);
    assert_eq!(p["purposes"]["email-deals"]["granted"], true);
    assert_eq!(p["purposes"]["email-deals"]["method"], "accept-all");
    assert!(p["consentId"].as_str().unwrap().len() >= 16);
    // A reload keeps the choices and does not show the banner.
    drop(widget);
    let widget = mount_again();
    assert_eq!(reason(&widget, "email-deals"), "granted");
    assert_eq!(reason(&widget, "session-offers"), "granted");
    assert!(find(r#"[data-action="accept-all"]"#).is_none());
    assert!(find(r#"[data-action="open"]"#).is_some());
}

#[wasm_bindgen_test]
fn reject_all_button_refuses_everything_optional() {
    let widget = fresh();
    click(r#"[data-action="reject-all"]"#);
    for purpose in OPTIONAL {
        assert_eq!(reason(&widget, purpose), "refused");
    }
    assert_eq!(reason(&widget, "essential"), "required");
    assert!(find(r#"[data-action="open"]"#).is_some());
    assert_eq!(changes().length(), 1);
    // Refusals are persistent even for a session purpose.
    drop(widget);
    session().clear().unwrap();
    let widget = mount_again();
    assert_eq!(reason(&widget, "session-offers"), "refused");
}

#[wasm_bindgen_test]
fn customize_opens_a_modal_panel_with_unticked_boxes_and_save_records_them() {
    let widget = fresh();
    click(r#"[data-action="customize"]"#);
    let panel = find(r#"[role="dialog"][aria-modal="true"]"#).expect("panel");
    assert!(
        panel.contains(active().as_ref().map(|a| a.as_ref())),
        "focus moved in"
    );
    for purpose in OPTIONAL {
        let input = checkbox(purpose);
        assert!(!input.checked(), "{purpose} unticked by default");
        assert!(!input.disabled());
        // A visible label.
        let label = input.closest("label").unwrap().unwrap();
        assert!(!label.text_content().unwrap().trim().is_empty());
    }
    let essential = checkbox("essential");
    assert!(essential.checked() && essential.disabled());
    // Site text is text: the title's markup shows as characters.
    assert_eq!(count("img"), 0);
    assert!(panel
        .text_content()
        .unwrap()
        .contains("<img src=x onerror=alert(1)>"));
    // Duration and data used are shown.
    let text = panel.text_content().unwrap();
    assert!(text.contains("180"), "days shown: {text}");
    assert!(text.contains("Items in your cart"), "signal labels shown");

    checkbox("email-deals").click();
    click(r#"[data-action="save"]"#);
    assert!(find(r#"[aria-modal="true"]"#).is_none(), "panel closed");
    assert_eq!(reason(&widget, "email-deals"), "granted");
    assert_eq!(reason(&widget, "session-offers"), "refused");
    assert_eq!(reason(&widget, "ads"), "refused");
    let p = prefs(&widget);
    assert_eq!(p["purposes"]["email-deals"]["method"], "preferences");
    assert_eq!(p["purposes"]["ads"]["granted"], false);
    assert!(changes().length() >= 1);
    // The banner is gone; "Privacy choices" reopens with current grants ticked.
    assert!(find(r#"[data-action="accept-all"]"#).is_none());
    click(r#"[data-action="open"]"#);
    assert!(checkbox("email-deals").checked());
    assert!(!checkbox("ads").checked());
    // Withdrawing is as easy: untick, save.
    checkbox("email-deals").click();
    click(r#"[data-action="save"]"#);
    assert_eq!(reason(&widget, "email-deals"), "refused");
}

#[wasm_bindgen_test]
fn panel_traps_focus_closes_on_escape_and_returns_focus() {
    let widget = fresh();
    widget.reject_all();
    let open = find(r#"[data-action="open"]"#).unwrap();
    open.focus().unwrap();
    open.click();
    let panel = find(r#"[aria-modal="true"]"#).unwrap();
    let focusables = panel
        .query_selector_all("button,input:not([disabled]),a[href]")
        .unwrap();
    let first: HtmlElement = focusables.item(0).unwrap().unchecked_into();
    let last: HtmlElement = focusables
        .item(focusables.length() - 1)
        .unwrap()
        .unchecked_into();
    last.focus().unwrap();
    key(&last, "Tab", false);
    assert_eq!(
        active().as_ref(),
        Some(first.as_ref() as &Element),
        "Tab wraps to the first"
    );
    key(&first, "Tab", true);
    assert_eq!(
        active().as_ref(),
        Some(last.as_ref() as &Element),
        "Shift+Tab wraps to the last"
    );
    key(&last, "Escape", false);
    assert!(find(r#"[aria-modal="true"]"#).is_none(), "Esc closes");
    let open = find(r#"[data-action="open"]"#).unwrap();
    assert_eq!(
        active().as_ref(),
        Some(open.as_ref() as &Element),
        "focus returns"
    );
    // show()/hide() from the API.
    widget.show();
    assert!(find(r#"[aria-modal="true"]"#).is_some());
    widget.hide();
    assert!(find(r#"[aria-modal="true"]"#).is_none());
}

#[wasm_bindgen_test]
fn set_records_api_choices_and_rejects_nonsense() {
    let widget = fresh();
    assert!(widget.set("email-deals".into(), true.into()));
    assert_eq!(reason(&widget, "email-deals"), "granted");
    assert_eq!(prefs(&widget)["purposes"]["email-deals"]["method"], "api");
    assert_eq!(changes().length(), 1);
    assert!(!widget.set("nope".into(), true.into()));
    assert!(!widget.set("essential".into(), false.into()));
    assert!(!widget.set("ads".into(), "yes".into()));
    assert!(!widget.set(JsValue::NULL, true.into()));
    assert!(widget.set("email-deals".into(), false.into()));
    assert_eq!(reason(&widget, "email-deals"), "refused");
}

#[wasm_bindgen_test]
fn malformed_requests_are_denied_never_thrown() {
    let widget = fresh();
    widget.accept_all();
    let invalid = |r: JsValue| {
        let d = decide(&widget, r);
        assert_eq!(d["allowed"], false, "{d}");
        assert_eq!(d["reason"], "invalid-request", "{d}");
    };
    invalid(JsValue::UNDEFINED);
    invalid(JsValue::NULL);
    invalid(42.into());
    invalid(json_request(r#"{"purpose": 5}"#));
    invalid(json_request(r#"{"purpose": "ads", "signals": "browsing"}"#));
    invalid(json_request(r#"{"purpose": "ads", "signals": [1]}"#));
    invalid(json_request(r#"{"purpose": "ads", "channel": 3}"#));
    invalid(request(&"x".repeat(201)));
    let many: Vec<String> = (0..65).map(|i| format!("\"s{i}\"")).collect();
    invalid(json_request(&format!(
        r#"{{"purpose": "ads", "signals": [{}]}}"#,
        many.join(",")
    )));
    let proxy = Function::new_no_args(
        "return new Proxy({}, { get() { throw new Error('boom'); }, has() { throw new Error('boom'); } })",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    invalid(proxy);
    // The rule table still applies to well-formed requests.
    let d = decide(
        &widget,
        json_request(r#"{"purpose": "ads", "signals": ["health"]}"#),
    );
    assert_eq!(d["reason"], "sensitive-signal");
    let d = decide(
        &widget,
        json_request(r#"{"purpose": "ads", "signals": ["cart"]}"#),
    );
    assert_eq!(d["reason"], "undeclared-signal");
    let d = decide(
        &widget,
        json_request(r#"{"purpose": "session-offers", "signals": ["cart"], "channel": "onsite"}"#),
    );
    assert_eq!(d["reason"], "granted");
    assert!(!d["explanation"].as_str().unwrap().is_empty());
    assert!(!widget.explain(request("ads")).is_empty());
}

#[wasm_bindgen_test]
fn record_counts_against_the_cap_in_local_storage() {
    let widget = fresh();
    widget.set("email-deals".into(), true.into());
    let send = || -> Value {
        serde_json::from_str(&widget.record(json_request(
            r#"{"purpose": "email-deals", "channel": "email"}"#,
        )))
        .unwrap()
    };
    assert_eq!(send()["allowed"], true);
    assert_eq!(send()["allowed"], true);
    let third = send();
    assert_eq!(third["reason"], "frequency-cap", "{third}");
    assert!(third["retryAfter"].as_f64().unwrap() > js_sys::Date::now());
    assert!(local().get_item("candor.ledger").unwrap().is_some());
    // Another tab (a fresh page) sees the same count.
    drop(widget);
    let widget = mount_again();
    let d: Value = serde_json::from_str(&widget.record(json_request(
        r#"{"purpose": "email-deals", "channel": "email"}"#,
    )))
    .unwrap();
    assert_eq!(d["reason"], "frequency-cap");
    // decide() never counts.
    assert_eq!(reason(&widget, "email-deals"), "granted");
}

#[wasm_bindgen_test]
fn reset_forgets_everything_and_shows_the_banner_again() {
    let widget = fresh();
    click(r#"[data-action="accept-all"]"#);
    let before = prefs(&widget)["consentId"].clone();
    widget.reset();
    assert!(local().get_item("candor").unwrap().is_none());
    assert!(session().get_item("candor.grants").unwrap().is_none());
    for purpose in OPTIONAL {
        assert_eq!(reason(&widget, purpose), "no-choice");
    }
    assert!(find(r#"[data-action="accept-all"]"#).is_some());
    assert!(find(r#"[data-action="open"]"#).is_none());
    assert_ne!(prefs(&widget)["consentId"], before, "a new record");
    assert_eq!(changes().length(), 2);
}

#[wasm_bindgen_test]
fn a_change_in_another_tab_reaches_this_one() {
    let widget = fresh();
    widget.accept_all();
    let stored = local().get_item("candor").unwrap().unwrap();
    let grants = session().get_item("candor.grants").unwrap().unwrap();
    widget.reset();
    let notified = changes().length();
    assert_eq!(reason(&widget, "email-deals"), "no-choice");
    // The other tab writes, the browser fires `storage` here.
    session().set_item("candor.grants", &grants).unwrap();
    local().set_item("candor", &stored).unwrap();
    Function::new_no_args("window.dispatchEvent(new StorageEvent('storage', { key: 'candor' }))")
        .call0(&JsValue::NULL)
        .unwrap();
    assert_eq!(reason(&widget, "email-deals"), "granted");
    assert!(
        find(r#"[data-action="accept-all"]"#).is_none(),
        "banner gone"
    );
    assert_eq!(changes().length(), notified + 1);
}

#[wasm_bindgen_test]
fn a_corrupted_stored_value_fails_closed() {
    local().clear().unwrap();
    session().clear().unwrap();
    local().set_item("candor", "{\"v\":1,\"garbage").unwrap();
    local().set_item("candor.ledger", "not json").unwrap();
    let widget = mount_again();
    for purpose in OPTIONAL {
        assert_eq!(reason(&widget, purpose), "no-choice");
    }
    assert!(
        find(r#"[data-action="accept-all"]"#).is_some(),
        "asked again"
    );
    // Nothing overwritten until the shopper chooses; then a valid record.
    assert_eq!(
        local().get_item("candor").unwrap().as_deref(),
        Some("{\"v\":1,\"garbage")
    );
    click(r#"[data-action="reject-all"]"#);
    drop(widget);
    let widget = mount_again();
    assert_eq!(reason(&widget, "ads"), "refused");
}

#[wasm_bindgen_test]
fn blocked_storage_works_in_memory() {
    local().clear().unwrap();
    session().clear().unwrap();
    // Make `window.localStorage` / `sessionStorage` throw, as in some private
    // modes and sandboxed iframes.
    let block = Function::new_no_args(
        "window.__saved = ['localStorage','sessionStorage'].map(k => [k, Object.getOwnPropertyDescriptor(window, k)]);
         for (const [k] of window.__saved) Object.defineProperty(window, k, { configurable: true, get() { throw new DOMException('blocked', 'SecurityError'); } });",
    );
    let unblock = Function::new_no_args(
        "for (const [k, d] of window.__saved) Object.defineProperty(window, k, d);",
    );
    block.call0(&JsValue::NULL).unwrap();
    // No assertion before unblocking: a failure must not leave the page blocked.
    let widget = mount_again();
    let banner = find(r#"[data-action="accept-all"]"#);
    if let Some(accept) = &banner {
        accept.click();
    }
    let granted = reason(&widget, "email-deals");
    let session_granted = reason(&widget, "session-offers");
    let recorded = widget.record(json_request(
        r#"{"purpose": "email-deals", "channel": "email"}"#,
    ));
    unblock.call0(&JsValue::NULL).unwrap();
    assert!(banner.is_some());
    assert_eq!(granted, "granted");
    assert_eq!(session_granted, "granted");
    assert!(recorded.contains("\"allowed\":true"));
    assert!(local().get_item("candor").unwrap().is_none());
}

#[wasm_bindgen_test]
fn a_bad_config_is_rejected_with_the_field_named() {
    let err = Widget::new(r#"{"purposes": [], "revison": 1}"#).unwrap_err();
    let message = err.as_string().unwrap();
    assert!(
        message.contains("revison") || message.contains("purposes"),
        "{message}"
    );
    let err = Widget::new("not json").unwrap_err();
    assert!(err.as_string().is_some());
}

#[wasm_bindgen_test]
fn a_session_grant_ends_with_the_session_without_bringing_the_banner_back() {
    let widget = fresh();
    click(r#"[data-action="accept-all"]"#);
    let old_session = session().get_item("candor.session").unwrap();
    drop(widget);
    // A new browser session: sessionStorage is gone, localStorage stays.
    session().clear().unwrap();
    let widget = mount_again();
    assert_ne!(session().get_item("candor.session").unwrap(), old_session);
    assert_eq!(reason(&widget, "email-deals"), "granted");
    // The grant itself lived in sessionStorage. If the core keeps a trace of
    // it (reason `expired`), the shopper is not asked again by the banner;
    // if not (`no-choice`), the banner comes back for that purpose.
    match reason(&widget, "session-offers").as_str() {
        "expired" => {
            assert!(find(r#"[data-action="accept-all"]"#).is_none(), "no banner");
            assert!(find(r#"[data-action="open"]"#).is_some());
        }
        "no-choice" => assert!(find(r#"[data-action="accept-all"]"#).is_some()),
        other => panic!("session-offers: {other}"),
    }
}

#[wasm_bindgen_test]
async fn ask_prompts_once_and_records_the_answer_with_method_ask() {
    use wasm_bindgen_futures::JsFuture;
    let widget = fresh();
    widget.reject_all();
    // Yes: recorded as an explicit `ask` grant.
    let answer = JsFuture::from(widget.ask("session-offers".into()));
    let prompt = find(r#"[role="dialog"] [data-action="ask-yes"]"#).expect("prompt");
    let no = find(r#"[data-action="ask-no"]"#).unwrap();
    assert_eq!(
        prompt.class_name(),
        no.class_name(),
        "Yes and No of equal weight"
    );
    prompt.click();
    assert_eq!(answer.await.unwrap(), JsValue::TRUE);
    assert!(find(r#"[data-action="ask-yes"]"#).is_none(), "prompt gone");
    assert_eq!(reason(&widget, "session-offers"), "granted");
    assert_eq!(
        prefs(&widget)["purposes"]["session-offers"]["method"],
        "ask"
    );
    // Already allowed: no prompt, true at once.
    let again = JsFuture::from(widget.ask("session-offers".into()));
    assert!(find(r#"[data-action="ask-yes"]"#).is_none());
    assert_eq!(again.await.unwrap(), JsValue::TRUE);
    // No: recorded as a refusal.
    let answer = JsFuture::from(widget.ask("email-deals".into()));
    click(r#"[data-action="ask-no"]"#);
    assert_eq!(answer.await.unwrap(), JsValue::FALSE);
    assert_eq!(reason(&widget, "email-deals"), "refused");
    // Nonsense resolves false without a prompt.
    for purpose in [
        JsValue::from("nope"),
        JsValue::from("essential"),
        JsValue::NULL,
    ] {
        let essential = purpose.as_string().as_deref() == Some("essential");
        let answer = JsFuture::from(widget.ask(purpose)).await.unwrap();
        assert_eq!(answer, JsValue::from_bool(essential));
        assert!(find(r#"[data-action="ask-yes"]"#).is_none());
    }
}

// ---------------------------------------------------------------- issue 5

/// `CONFIG` plus a Consent Mode map, mounted over fresh storage and
/// connected with gtag's own `dataLayer.push(arguments)`.
fn fresh_with_consent_mode() -> Widget {
    local().clear().unwrap();
    session().clear().unwrap();
    if let Some(old) = window().document().unwrap().get_element_by_id("candor") {
        old.remove();
    }
    let config = CONFIG.trim_end().trim_end_matches('}').to_string()
        + r#", "googleConsentMode": { "ad_storage": ["ads"], "ad_user_data": ["ads"],
            "ad_personalization": ["ads", "session-offers"], "analytics_storage": [],
            "personalization_storage": ["session-offers"] } }"#;
    let mut widget = Widget::new(&config).unwrap();
    widget.mount();
    Reflect::set(&window(), &"dataLayer".into(), &js_sys::Array::new()).unwrap();
    let gtag = Function::new_no_args("window.dataLayer.push(arguments)");
    widget.connect(gtag.into());
    widget
}

/// `window.dataLayer` as JSON, each `arguments` object as an array.
fn data_layer() -> Value {
    let f = Function::new_no_args(
        "return JSON.stringify(window.dataLayer.map((a) => Object.prototype.toString.call(a) === '[object Arguments]' ? Array.from(a) : 'not arguments'))",
    );
    serde_json::from_str(&f.call0(&JsValue::NULL).unwrap().as_string().unwrap()).unwrap()
}

fn consent(command: &str, ads: &str, offers_and_ads: &str, offers: &str) -> Value {
    let mut states = serde_json::json!({
        "ad_storage": ads, "ad_user_data": ads, "ad_personalization": offers_and_ads,
        "analytics_storage": "denied", "functionality_storage": "denied",
        "personalization_storage": offers, "security_storage": "granted"
    });
    if command == "default" {
        states["wait_for_update"] = 500.into();
    }
    serde_json::json!(["consent", command, states])
}

#[wasm_bindgen_test]
fn consent_mode_default_then_an_update_per_change() {
    let widget = fresh_with_consent_mode();
    let (d, g) = ("denied", "granted");
    assert_eq!(
        data_layer(),
        serde_json::json!([consent("default", d, d, d), consent("update", d, d, d)])
    );
    widget.accept_all();
    assert_eq!(data_layer()[2], consent("update", g, g, g));
    assert!(widget.set("session-offers".into(), false.into()));
    assert_eq!(data_layer()[3], consent("update", g, d, d));
    widget.reject_all();
    assert_eq!(data_layer()[4], consent("update", d, d, d));
    assert_eq!(data_layer().as_array().unwrap().len(), 5);
}

#[wasm_bindgen_test]
fn why_panel_explains_and_switches_off() {
    let widget = fresh();
    widget.accept_all();
    widget.why(json_request(
        r#"{"purpose":"session-offers","signals":["cart"]}"#,
    ));
    let panel = find(r#".why[role="dialog"]"#).expect("why panel");
    assert_eq!(panel.get_attribute("aria-modal").as_deref(), Some("true"));
    let text = panel.text_content().unwrap();
    assert!(text.contains("you accepted all purposes"), "{text}");
    assert!(text.contains("Data it uses: Items in your cart"), "{text}");
    click(r#"[data-action="switch-off"]"#);
    assert_eq!(reason(&widget, "session-offers"), "refused");
    assert_eq!(
        prefs(&widget)["purposes"]["session-offers"]["method"],
        "preferences"
    );
    assert_eq!(count(r#"[data-action="switch-off"]"#), 0);
    assert_eq!(count(".why"), 1);
    widget.hide();
    assert_eq!(count(".why"), 0);
}

/// A French page: the wasm carries English only, so the widget asks for the
/// French file; a file that is not a complete table is refused and changes
/// nothing; once given one, the banner and the explanations use it. Without
/// it (the file could not be fetched) the widget still works, in the
/// config's default language (English).
#[wasm_bindgen_test]
fn a_language_file_is_asked_for_checked_and_used() {
    let html = window().document().unwrap().document_element().unwrap();
    let page_lang = html.get_attribute("lang");
    html.set_attribute("lang", "fr-CA").unwrap();
    local().clear().unwrap();
    session().clear().unwrap();
    let file: String = candor_core::i18n::KEYS
        .iter()
        .map(|k| format!("{k}=fr:{k}\n"))
        .collect();

    let mut english = Widget::new(CONFIG).unwrap();
    assert_eq!(english.texts_needed(), "fr");
    english.mount();
    assert_eq!(text(r#"[data-action="accept-all"]"#), "Accept all");
    let banner = find(r#"[role="dialog"]"#).unwrap();
    assert_eq!(
        banner.get_attribute("lang").as_deref(),
        Some("en"),
        "the texts' language, not the page's"
    );
    drop(english);
    root().host().remove();

    let mut widget = Widget::new(CONFIG).unwrap();
    let half = file.replacen("acceptAll=fr:acceptAll\n", "", 1);
    let refused = widget
        .add_texts("fr", &half)
        .unwrap_err()
        .as_string()
        .unwrap();
    assert_eq!(refused, "i18n/fr.txt: expected the line of acceptAll");
    assert!(
        widget.add_texts("it", &file).is_err(),
        "not a built-in language"
    );
    assert_eq!(widget.texts_needed(), "fr", "still needed after refusals");
    widget.add_texts("fr", &file).unwrap();
    assert_eq!(widget.texts_needed(), "");
    widget.mount();
    assert_eq!(text(r#"[data-action="accept-all"]"#), "fr:acceptAll");
    assert_eq!(text(r#"[data-action="reject-all"]"#), "fr:rejectAll");
    let banner = find(r#"[role="dialog"]"#).unwrap();
    assert_eq!(banner.get_attribute("lang").as_deref(), Some("fr-CA"));
    let d = decide(&widget, request("email-deals"));
    assert_eq!(d["explanation"], "fr:why-no-choice");

    drop(widget);
    root().host().remove();
    match page_lang {
        Some(lang) => html.set_attribute("lang", &lang).unwrap(),
        None => html.remove_attribute("lang").unwrap(),
    }
}
