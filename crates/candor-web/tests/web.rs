//! Browser tests of the widget in Chromium: the DOM hooks, the API, the
//! storage (blocked, full, corrupted, another config's), the guard, the
//! ledger's exact counting, the prompt, the effects that each fail alone.
//!
//! Real clicks are for the end-to-end tests (Playwright's input is
//! trusted); here a script's `click()` is exactly what must NOT count, so
//! choices are made through the API, and the tests check that synthetic
//! clicks are ignored.
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
  ],
  "googleConsentMode": { "ad_storage": ["ads"], "personalization_storage": ["session-offers"] }
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

fn eval(code: &str) -> JsValue {
    Function::new_no_args(code).call0(&JsValue::NULL).unwrap()
}

/// The facade's hooks, logging into `window.__log` (`commit`, `emit`,
/// `gtag`, `ledger` entries); `emit` throws when `window.__throw` is set.
fn hooks() -> JsValue {
    eval(
        "window.__log = [];
         const log = (k, v) => window.__log.push([k, JSON.parse(JSON.stringify(v ?? null))]);
         return {
           commit: (m) => log('commit', m),
           emit: (p) => { log('emit', p); if (window.__throw) throw new Error('listener failed'); },
           gtag: function () { log('gtag', Array.from(arguments)); },
           ledger: (t) => log('ledger', t),
         };",
    )
}

fn log(kind: &str) -> Vec<Value> {
    let all: Value = serde_wasm(&eval("return window.__log"));
    all.as_array()
        .unwrap()
        .iter()
        .filter(|e| e[0] == kind)
        .map(|e| e[1].clone())
        .collect()
}

fn serde_wasm(v: &JsValue) -> Value {
    let text = js_sys::JSON::stringify(v).unwrap().as_string().unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Clear storage, remove any previous widget, mount a new one.
fn fresh() -> Widget {
    local().clear().unwrap();
    session().clear().unwrap();
    mount_again()
}

/// Mount a new widget over the current storage (a page reload).
fn mount_again() -> Widget {
    mount_with(CONFIG)
}

fn mount_with(config: &str) -> Widget {
    if let Some(old) = window().document().unwrap().get_element_by_id("candor") {
        old.remove();
    }
    let widget = Widget::new(config).unwrap();
    widget.mount().unwrap();
    widget.attach(hooks());
    widget
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

fn count(selector: &str) -> u32 {
    root().query_selector_all(selector).unwrap().length()
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
    serde_wasm(&widget.decide(request))
}

fn reason(widget: &Widget, purpose: &str) -> String {
    decide(widget, request(purpose))["reason"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn prefs(widget: &Widget) -> Value {
    serde_wasm(&widget.preferences())
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
    for attr in ["aria-labelledby", "aria-describedby"] {
        let id = banner.get_attribute(attr).unwrap();
        assert!(!root()
            .get_element_by_id(&id)
            .unwrap()
            .text_content()
            .unwrap()
            .is_empty());
    }
    // The policy link is the URL the browser resolved, http(s) only.
    let href = find("a[href]").unwrap().get_attribute("href").unwrap();
    assert!(
        href.starts_with("http://") && href.ends_with("/privacy"),
        "{href}"
    );
    let accept = find(r#"[data-action="accept-all"]"#).expect("accept-all");
    let reject = find(r#"[data-action="reject-all"]"#).expect("reject-all");
    assert!(find(r#"[data-action="customize"]"#).is_some());
    assert_eq!(accept.tag_name(), reject.tag_name());
    assert_eq!(accept.class_name(), reject.class_name());
    assert_eq!(accept.offset_height(), reject.offset_height());
    assert!(accept.offset_height() >= 44, "44px touch target");
    assert_eq!(count(r#"[aria-modal="true"]"#), 0, "not blocking");
    assert!(find(r#"[data-action="open"]"#).is_none());
    for purpose in OPTIONAL {
        assert_eq!(reason(&widget, purpose), "no-choice");
    }
    assert_eq!(reason(&widget, "essential"), "required");
    assert_eq!(reason(&widget, "nope"), "unknown-purpose");
    // Before any choice: no revision, a required purpose chosen never.
    let p = prefs(&widget);
    assert_eq!(p["revision"], Value::Null);
    assert_eq!(p["purposes"]["essential"]["at"], Value::Null);
}

#[wasm_bindgen_test]
fn a_script_click_on_a_consent_button_records_nothing() {
    let widget = fresh();
    find(r#"[data-action="accept-all"]"#).unwrap().click();
    eval(
        "document.getElementById('candor').shadowRoot.querySelector('[data-action=\"accept-all\"]')
           .dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));",
    );
    for purpose in OPTIONAL {
        assert_eq!(reason(&widget, purpose), "no-choice");
    }
    assert!(local().get_item("candor").unwrap().is_none());
    assert!(
        find(r#"[data-action="accept-all"]"#).is_some(),
        "banner still up"
    );
    assert!(log("emit").is_empty(), "no change");
}

#[wasm_bindgen_test]
fn accept_all_grants_stores_and_notifies_once_in_order() {
    let widget = fresh();
    widget.accept_all();
    for purpose in OPTIONAL {
        let d = decide(&widget, request(purpose));
        assert_eq!(d["allowed"], true, "{purpose}: {d}");
        assert_eq!(d["reason"], "granted");
    }
    let snapshot = serde_wasm(&widget.snapshot());
    assert!(snapshot["allowed"]
        .as_array()
        .unwrap()
        .contains(&Value::from("email-deals")));
    assert!(find(r#"[data-action="accept-all"]"#).is_none());
    assert!(
        find(r#"[data-action="open"]"#).is_some(),
        "the floating button"
    );
    assert!(local().get_item("candor").unwrap().is_some());
    assert!(session().get_item("candor.grants").unwrap().is_some());
    // The memo first, then the listeners, once each.
    let order: Vec<String> = serde_wasm(&eval("return window.__log.map(e => e[0])"))
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .filter(|k| k == "commit" || k == "emit")
        .collect();
    assert_eq!(order, ["commit", "emit"]);
    assert_eq!(
        log("emit")[0]["purposes"]["email-deals"]["method"],
        "accept-all"
    );
    // A reload keeps the choices and does not show the banner.
    drop(widget);
    let widget = mount_again();
    assert_eq!(reason(&widget, "email-deals"), "granted");
    assert_eq!(reason(&widget, "session-offers"), "granted");
    assert!(find(r#"[data-action="accept-all"]"#).is_none());
}

#[wasm_bindgen_test]
fn reject_all_is_remembered_even_for_a_session_purpose() {
    let widget = fresh();
    widget.reject_all();
    for purpose in OPTIONAL {
        assert_eq!(reason(&widget, purpose), "refused");
    }
    drop(widget);
    session().clear().unwrap();
    let widget = mount_again();
    assert_eq!(reason(&widget, "session-offers"), "refused");
}

#[wasm_bindgen_test]
fn the_panel_shows_unticked_boxes_caps_and_its_three_choices() {
    let widget = fresh();
    widget.show();
    let panel = find(r#"[role="dialog"][aria-modal="true"]"#).expect("panel");
    assert!(
        panel.contains(active().as_ref().map(|a| a.as_ref())),
        "focus moved in"
    );
    for purpose in OPTIONAL {
        let input = checkbox(purpose);
        assert!(!input.checked(), "{purpose} unticked by default");
        assert!(!input.disabled());
    }
    let essential = checkbox("essential");
    assert!(essential.checked() && essential.disabled());
    // Site text is text; caps and durations are told.
    assert_eq!(count("img"), 0);
    let text = panel.text_content().unwrap();
    assert!(text.contains("<img src=x onerror=alert(1)>"));
    assert!(
        text.contains("Messages: by email, at most 2 a week."),
        "{text}"
    );
    assert!(
        text.contains("Messages: on this site, at most 3 a day."),
        "{text}"
    );
    assert!(text.contains("Lasts 180 days."), "{text}");
    for action in ["accept-all", "reject-all", "save"] {
        assert!(
            panel
                .query_selector(&format!(r#"[data-action="{action}"]"#))
                .unwrap()
                .is_some(),
            "{action} in the panel"
        );
    }
    // Escape closes it; hide() too.
    key(&active().unwrap(), "Escape", false);
    assert!(find(r#"[aria-modal="true"]"#).is_none(), "Esc closes");
    widget.show();
    widget.hide();
    assert!(find(r#"[aria-modal="true"]"#).is_none());
}

/// Tab and Shift+Tab never leave an open panel, whatever sits where.
fn assert_trapped(panel_slot: &str) {
    let dialog: Element = root()
        .query_selector(&format!(r#"[data-slot="{panel_slot}"] [role="dialog"]"#))
        .unwrap()
        .expect("dialog");
    for (i, shift) in [
        false, false, true, true, true, false, true, false, false, true,
    ]
    .iter()
    .cycle()
    .take(40)
    .enumerate()
    {
        let before = active().unwrap();
        key(&before, "Tab", *shift);
        // The browser moves focus for an unhandled Tab; a synthetic event
        // does not, so only a wrap shows as a move here.
        let after = active().unwrap();
        assert!(
            dialog.contains(Some(after.as_ref())),
            "step {i}: focus left the {panel_slot}"
        );
        if let Ok(next) = after.clone().dyn_into::<HtmlElement>() {
            // Walk forward or back by hand, as the browser would.
            let list = dialog
                .query_selector_all("button:not([disabled]),input:not([disabled]),a[href]")
                .unwrap();
            let n = list.length();
            let at = (0..n).find(|j| list.item(*j).unwrap().is_same_node(Some(next.as_ref())));
            if let Some(at) = at {
                let to = if *shift {
                    at.saturating_sub(1)
                } else {
                    (at + 1).min(n - 1)
                };
                list.item(to)
                    .unwrap()
                    .unchecked_into::<HtmlElement>()
                    .focus()
                    .unwrap();
            }
        }
    }
}

#[wasm_bindgen_test]
fn focus_stays_in_the_preferences_and_the_why_panels() {
    let widget = fresh();
    widget.show();
    assert_trapped("panel");
    widget.hide();
    widget.accept_all();
    widget.why(request("email-deals"));
    assert!(find(r#"[data-slot="why"] [role="dialog"]"#).is_some());
    assert_trapped("why");
    // The explanation is said once: no line repeats it.
    let why = find(r#"[data-slot="why"]"#)
        .unwrap()
        .text_content()
        .unwrap();
    assert!(why.contains("Allowed: you accepted all purposes"), "{why}");
    assert_eq!(why.matches("Products you viewed here").count(), 1, "{why}");
}

#[wasm_bindgen_test]
fn set_records_api_choices_and_nonsense_changes_nothing() {
    let widget = fresh();
    assert!(widget.set("email-deals".into(), true.into()));
    assert_eq!(reason(&widget, "email-deals"), "granted");
    assert_eq!(prefs(&widget)["purposes"]["email-deals"]["method"], "api");
    assert_eq!(log("emit").len(), 1);
    assert!(!widget.set("nope".into(), true.into()));
    assert!(!widget.set("essential".into(), false.into()));
    assert!(!widget.set("ads".into(), "yes".into()));
    assert!(!widget.set(JsValue::NULL, true.into()));
    assert_eq!(log("emit").len(), 1, "no event without a change");
}

#[wasm_bindgen_test]
fn requests_are_read_the_same_everywhere_and_malformed_ones_denied() {
    let widget = fresh();
    widget.accept_all();
    // A bare purpose id is a request.
    assert_eq!(decide(&widget, "ads".into())["reason"], "granted");
    assert!(widget.explain("ads".into()).starts_with("Allowed"));
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
    invalid(JsValue::from_str(&"y".repeat(5_000_000)));
    let many: Vec<String> = (0..65).map(|i| format!("\"s{i}\"")).collect();
    invalid(json_request(&format!(
        r#"{{"purpose": "ads", "signals": [{}]}}"#,
        many.join(",")
    )));
    invalid(eval(
        "return new Proxy({}, { get() { throw new Error('boom'); }, has() { throw new Error('boom'); } })",
    ));
    // A 200-character id of two-byte characters is an id like any other.
    assert_eq!(
        decide(&widget, request(&"é".repeat(200)))["reason"],
        "unknown-purpose"
    );
    let d = decide(
        &widget,
        json_request(r#"{"purpose": "ads", "signals": ["health"]}"#),
    );
    assert_eq!(d["reason"], "sensitive-signal");
}

#[wasm_bindgen_test]
fn a_capped_message_is_counted_only_exactly_and_only_when_saved() {
    let widget = fresh();
    widget.accept_all();
    let email = || json_request(r#"{"purpose": "email-deals", "channel": "email"}"#);
    // Without the ledger lock another tab may be counting: no send.
    let d = serde_wasm(&widget.record(email()));
    assert_eq!(d["reason"], "count-not-saved", "{d}");
    assert!(local().get_item("candor.ledger").unwrap().is_none());
    // With it: exact, up to the cap, saved and handed to the facade.
    widget.set_exact(true, None);
    for _ in 0..2 {
        assert_eq!(serde_wasm(&widget.record(email()))["allowed"], true);
    }
    let third = serde_wasm(&widget.record(email()));
    assert_eq!(third["reason"], "frequency-cap");
    assert!(third["retryAfter"].as_f64().unwrap() > js_sys::Date::now());
    assert_eq!(log("ledger").len(), 2);
    assert!(local().get_item("candor.ledger").unwrap().is_some());
    // Uncapped purposes are unaffected.
    assert_eq!(serde_wasm(&widget.record(request("ads")))["allowed"], true);
}

#[wasm_bindgen_test]
fn reset_forgets_and_another_tab_loses_its_session_grants() {
    let widget = fresh();
    widget.accept_all();
    let before = prefs(&widget)["consentId"].clone();
    widget.reset();
    for purpose in OPTIONAL {
        assert_eq!(reason(&widget, purpose), "no-choice");
    }
    assert_ne!(prefs(&widget)["consentId"], before);
    assert!(local().get_item("candor").unwrap().is_none());
    assert!(find(r#"[data-action="accept-all"]"#).is_some());
    // Another tab of this session: it kept its session grants in its own
    // sessionStorage; without the persistent record they end.
    widget.accept_all();
    let grants = session().get_item("candor.grants").unwrap();
    drop(widget);
    local().remove_item("candor").unwrap();
    session()
        .set_item("candor.grants", &grants.unwrap())
        .unwrap();
    let widget = mount_again();
    assert_eq!(reason(&widget, "session-offers"), "no-choice");
}

#[wasm_bindgen_test]
fn stored_values_of_another_kind_are_no_choice() {
    let widget = fresh();
    widget.accept_all();
    let record = local().get_item("candor").unwrap().unwrap();
    drop(widget);
    // Corrupted: no choice, the value left alone.
    local().set_item("candor", "{not json").unwrap();
    let widget = mount_again();
    assert_eq!(reason(&widget, "ads"), "no-choice");
    assert_eq!(
        local().get_item("candor").unwrap().as_deref(),
        Some("{not json")
    );
    drop(widget);
    // Another config on this origin (other texts, same ids and revision).
    local().set_item("candor", &record).unwrap();
    let other = CONFIG.replace("Deals by email", "Weekly deals by email");
    let widget = mount_with(&other);
    assert_eq!(reason(&widget, "email-deals"), "no-choice");
    assert!(find(r#"[data-action="accept-all"]"#).is_some());
    drop(widget);
    // A record from a revision this config does not know is outdated.
    let newer = CONFIG.replace("\"revision\": 1", "\"revision\": 2");
    let widget = mount_with(&newer);
    widget.accept_all();
    drop(widget);
    let widget = mount_again();
    assert_eq!(reason(&widget, "email-deals"), "outdated");
}

#[wasm_bindgen_test]
fn a_withdrawal_that_cannot_be_written_never_brings_a_grant_back() {
    let widget = fresh();
    widget.accept_all();
    // Fill localStorage to its quota.
    let filled = eval(
        "const chunk = 'x'.repeat(512 * 1024); let i = 0;
         try { for (; i < 64; i++) localStorage.setItem('fill' + i, chunk); } catch (e) {}
         let small = 'x'.repeat(1024);
         try { for (let j = 0; j < 1024; j++) localStorage.setItem('small' + j, small); } catch (e) {}
         return i;",
    );
    assert!(filled.as_f64().unwrap() > 0.0);
    widget.reject_all();
    // This page keeps the refusal; no stored grant survives.
    assert_eq!(reason(&widget, "ads"), "refused");
    drop(widget);
    let widget = mount_again();
    for purpose in OPTIONAL {
        assert_ne!(reason(&widget, purpose), "granted", "{purpose} came back");
    }
    eval("for (const k of Object.keys(localStorage)) if (k.startsWith('fill') || k.startsWith('small')) localStorage.removeItem(k);");
}

#[wasm_bindgen_test]
fn bad_configs_are_rejected_with_the_field_named() {
    let err = Widget::new(
        r#"{"purposes":[{"id":"p","signals":["shoe-size"],"title":"P","description":"D"}]}"#,
    )
    .unwrap_err()
    .as_string()
    .unwrap();
    assert_eq!(err, r#"purposes[0].signals[0]: unknown signal "shoe-size""#);
}

/// URLs from generated pieces: each is refused naming the field, or
/// resolves (by the browser's parser, in the page) to http or https.
#[wasm_bindgen_test]
fn urls_resolve_to_http_or_https_or_the_config_is_refused() {
    let schemes = [
        "javascript",
        "JaVaScRiPt",
        "data",
        "vbscript",
        "blob",
        "file",
        "http",
        "https",
        "mailto",
        "",
        "java\tscript",
        "jav\nascript",
        "java\rscript",
    ];
    let junk = [
        "", " ", "\t", "\u{0}", "\u{1}", "\u{1f}", "\u{a0}", "\n", "%0a", "\\", "/", "//", "&#x3a;",
    ];
    let tails = [
        ":alert(1)",
        "://shop.example/privacy",
        ":/x",
        "/privacy",
        ":text/html,<b>x</b>",
        "?q=1",
    ];
    let mut seed: u32 = 0x5eed;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed as usize) % n
    };
    let mut accepted = 0;
    for _ in 0..400 {
        let url = [
            junk[next(junk.len())],
            schemes[next(schemes.len())],
            junk[next(junk.len())],
            tails[next(tails.len())],
            junk[next(junk.len())],
        ]
        .concat();
        let config = CONFIG.replace(
            "\"policyUrl\": \"/privacy\"",
            &format!("\"policyUrl\": {}", serde_json::to_string(&url).unwrap()),
        );
        match Widget::new(&config) {
            Err(e) => {
                let e = e.as_string().unwrap();
                assert!(e.starts_with("policyUrl:"), "{url:?}: {e}");
            }
            Ok(widget) => {
                accepted += 1;
                widget.mount().unwrap();
                let href = find("a[href]").unwrap().get_attribute("href").unwrap();
                let protocol = web_sys::Url::new(&href).unwrap().protocol();
                assert!(
                    protocol == "http:" || protocol == "https:",
                    "{url:?} became {href}"
                );
                window()
                    .document()
                    .unwrap()
                    .get_element_by_id("candor")
                    .unwrap()
                    .remove();
            }
        }
    }
    assert!(
        accepted > 20,
        "the generator also makes good URLs ({accepted})"
    );
}

#[wasm_bindgen_test]
async fn a_prompt_waits_behind_the_banner_and_tells_no_from_dismissed() {
    let widget = fresh();
    let detail = json_request(r#"{"detail": true}"#);
    // Behind the banner: the banner's answer settles it.
    let waiting = widget.ask("email-deals".into(), detail.clone());
    assert!(
        find(r#"[data-slot="prompt"]"#).is_none(),
        "never over the banner"
    );
    widget.reject_all();
    let result = serde_wasm(&wasm_bindgen_futures::JsFuture::from(waiting).await.unwrap());
    assert_eq!(
        result,
        serde_json::json!({ "allowed": false, "answer": "no" })
    );
    // Dismissed with Escape: nothing recorded.
    let asked = widget.ask("email-deals".into(), detail.clone());
    let prompt = find(r#"[data-slot="prompt"]"#).expect("prompt");
    assert!(prompt
        .query_selector(r#"[data-action="ask-close"]"#)
        .unwrap()
        .is_some());
    key(&prompt, "Escape", false);
    let result = serde_wasm(&wasm_bindgen_futures::JsFuture::from(asked).await.unwrap());
    assert_eq!(result["answer"], "dismissed");
    assert_eq!(reason(&widget, "email-deals"), "refused");
    // Plain form: a boolean.
    let plain = widget.ask("nope".into(), JsValue::UNDEFINED);
    assert_eq!(
        wasm_bindgen_futures::JsFuture::from(plain).await.unwrap(),
        JsValue::FALSE
    );
}

#[wasm_bindgen_test]
fn consent_mode_follows_each_change_and_a_failing_listener_blocks_nothing() {
    let widget = fresh();
    let updates = || log("gtag").into_iter().filter(|g| g[1] == "update").count();
    let first = updates();
    eval("window.__throw = true;");
    widget.accept_all();
    eval("window.__throw = false;");
    // The listener threw; the change is committed, the memo and Consent
    // Mode still followed.
    assert_eq!(reason(&widget, "ads"), "granted");
    assert!(local().get_item("candor").unwrap().is_some());
    assert_eq!(updates(), first + 1);
    let last = log("gtag").pop().unwrap();
    assert_eq!(last[2]["ad_storage"], "granted");
    assert_eq!(last[2]["personalization_storage"], "granted");
    assert_eq!(last[2]["security_storage"], "granted");
}

#[wasm_bindgen_test]
fn a_language_file_is_asked_for_checked_and_used() {
    local().clear().unwrap();
    session().clear().unwrap();
    let html = window().document().unwrap().document_element().unwrap();
    html.set_attribute("lang", "fr").unwrap();
    if let Some(old) = window().document().unwrap().get_element_by_id("candor") {
        old.remove();
    }
    let widget = Widget::new(CONFIG).unwrap();
    assert_eq!(widget.texts_needed(), "fr");
    assert!(
        widget.add_texts("fr", "acceptAll=Tout\n").is_err(),
        "incomplete"
    );
    let mut file = String::new();
    for key in candor_core::i18n::KEYS {
        file.push_str(&format!("{key}=fr:{key}\n"));
    }
    widget.add_texts("fr", &file).unwrap();
    widget.mount().unwrap();
    assert_eq!(
        find(r#"[data-action="accept-all"]"#)
            .unwrap()
            .text_content()
            .unwrap(),
        "fr:acceptAll"
    );
    assert_eq!(
        find(r#"[data-slot="banner"]"#)
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("fr")
    );
    html.set_attribute("lang", "en").unwrap();
    drop(widget);
}

/// gloo-storage, the crate this widget's storage access replaces: it reads
/// and writes the same values, but throws into the wasm when the storage
/// is blocked, where this widget answers "no choice".
#[wasm_bindgen_test]
fn the_storage_agrees_with_gloo_storage_and_fails_closed_where_it_throws() {
    use gloo_storage::Storage as _;
    let widget = fresh();
    widget.accept_all();
    let ours = local().get_item("candor").unwrap().unwrap();
    let theirs: String = gloo_storage::LocalStorage::raw()
        .get_item("candor")
        .unwrap()
        .unwrap();
    assert_eq!(ours, theirs);
    drop(widget);
    // Block localStorage for code that looks it up now.
    eval("window.__saved = Object.getOwnPropertyDescriptor(window, 'localStorage');
          Object.defineProperty(window, 'localStorage', { configurable: true, get() { throw new DOMException('blocked', 'SecurityError'); } });");
    let run = Function::new_with_args(
        "f",
        "try { f(); return 'returned'; } catch (e) { return 'threw'; }",
    );
    let gloo = Closure::<dyn Fn()>::new(|| {
        let _ = gloo_storage::LocalStorage::raw();
    });
    let outcome = run.call1(&JsValue::NULL, gloo.as_ref()).unwrap();
    // Candor captured the storage at load and still answers from it.
    let widget = mount_again();
    let granted = reason(&widget, "ads");
    eval("Object.defineProperty(window, 'localStorage', window.__saved);");
    assert_eq!(
        outcome.as_string().as_deref(),
        Some("threw"),
        "gloo throws through the wasm"
    );
    assert_eq!(granted, "granted");
}
