//! The stateful facade: choices, preferences, receipts, reports.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use candor_core::{Config, Context, Duration, Engine, Method, Reason, Request};
use serde_json::json;

/// The JSON the crate writes, read back with serde_json.
fn value(json: &str) -> serde_json::Value {
    serde_json::from_str(json).unwrap()
}

const DAY: u64 = 86_400_000;
const NOW: u64 = 1_795_910_400_000;

const CONFIG: &str = r#"{
  "revision": 3, "policyUrl": "/privacy", "expiresAfterDays": 90,
  "signals": [{ "id": "cart", "kind": "interest", "label": { "en": "Items in your cart", "fr": "Articles de votre panier" } }],
  "channels": [{ "id": "email", "label": "by email", "cap": { "max": 2, "perDays": 7 } }, { "id": "push", "label": "by push" }],
  "purposes": [
    { "id": "essential", "required": true, "title": "Essential", "description": "Keeps your cart." },
    { "id": "offers", "duration": "session", "signals": ["cart"], "title": { "en": "Offers", "fr": "Offres" }, "description": "Offers while you shop." },
    { "id": "email-deals", "duration": { "days": 30 }, "channels": ["email", "push"], "title": "Deals by email", "description": "Emails." },
    { "id": "ads", "saleOrShare": true, "title": "Ads", "description": "Ads elsewhere." }
  ]
}"#;

fn engine() -> Engine {
    Engine::new(Config::from_json(CONFIG).unwrap(), "consent-1".into())
}

fn ctx(now: u64) -> Context<'static> {
    Context {
        now,
        session: "s1",
        gpc: false,
    }
}

#[test]
fn set_rejects_unknown_and_required_purposes() {
    let mut e = engine();
    assert_eq!(
        e.set("nope", true, Method::Api, &ctx(NOW)),
        Err("unknown-purpose")
    );
    assert_eq!(
        e.set("essential", false, Method::Api, &ctx(NOW)),
        Err("required-purpose")
    );
    assert!(e.choices().purposes.is_empty());
    assert_eq!(e.choices().created_at, 0);
}

#[test]
fn set_records_method_time_revision_and_session() {
    let mut e = engine();
    e.set("offers", true, Method::Ask, &ctx(NOW)).unwrap();
    e.set("email-deals", true, Method::Preferences, &ctx(NOW + 5))
        .unwrap();
    let c = e.choices();
    assert_eq!((c.created_at, c.updated_at, c.revision), (NOW, NOW + 5, 3));
    let offers = c.purposes.get("offers").unwrap();
    assert_eq!(offers.session.as_deref(), Some("s1"));
    assert!(offers.explicit && offers.granted);
    assert_eq!(c.purposes.get("email-deals").unwrap().session, None);
    // A refusal of a session purpose is not session-scoped.
    e.set("offers", false, Method::Preferences, &ctx(NOW + 6))
        .unwrap();
    assert_eq!(e.choices().purposes.get("offers").unwrap().session, None);
    assert_eq!(e.choices().created_at, NOW);
}

#[test]
fn accept_all_is_not_explicit() {
    let mut e = engine();
    e.accept_all(&ctx(NOW));
    for id in ["offers", "email-deals", "ads"] {
        let c = e.choices().purposes.get(id).unwrap();
        assert!(
            c.granted && !c.explicit && c.method == Method::AcceptAll,
            "{id}"
        );
    }
    assert!(!e.choices().purposes.contains_key("essential"));
    let ads = Request {
        purpose: "ads",
        signals: &[],
        channel: None,
    };
    let gpc = Context {
        gpc: true,
        ..ctx(NOW)
    };
    assert_eq!(e.decide(&ads, &gpc).reason, Reason::Gpc);
    e.set("ads", true, Method::Preferences, &gpc).unwrap();
    assert_eq!(e.decide(&ads, &gpc).reason, Reason::Granted);
    e.reject_all(&ctx(NOW + 1));
    assert!(e
        .choices()
        .purposes
        .values()
        .all(|c| !c.granted && c.method == Method::RejectAll));
}

#[test]
fn has_current_choices_tracks_expiry_sessions_and_revisions() {
    let mut e = engine();
    assert!(!e.has_current_choices(&ctx(NOW)));
    e.set("offers", true, Method::Api, &ctx(NOW)).unwrap();
    e.set("email-deals", false, Method::Api, &ctx(NOW)).unwrap();
    assert!(!e.has_current_choices(&ctx(NOW)));
    e.set("ads", false, Method::Api, &ctx(NOW)).unwrap();
    assert!(e.has_current_choices(&ctx(NOW)));
    // The session grant ends with the session: it decides `expired`, but the
    // shopper did choose, so the banner does not come back for it.
    let next_visit = Context {
        session: "s2",
        ..ctx(NOW + DAY)
    };
    let offers = Request {
        purpose: "offers",
        signals: &[],
        channel: None,
    };
    assert_eq!(e.decide(&offers, &next_visit).reason, Reason::Expired);
    assert!(e.has_current_choices(&next_visit));
    // ... and the persistent stored part alone (a new browser session has no
    // sessionStorage) still says so.
    let (persistent, _) = e.encode_choices();
    let mut later = engine();
    assert!(later.load_choices(persistent.as_deref(), None));
    assert_eq!(later.decide(&offers, &next_visit).reason, Reason::Expired);
    assert!(later.has_current_choices(&next_visit));
    // Refusals last expiresAfterDays.
    e.set("offers", false, Method::Api, &ctx(NOW)).unwrap();
    assert!(e.has_current_choices(&next_visit));
    assert!(e.has_current_choices(&ctx(NOW + 90 * DAY - 1)));
    assert!(!e.has_current_choices(&ctx(NOW + 90 * DAY)));
    // A new revision asks again.
    let mut cfg: serde_json::Value = serde_json::from_str(CONFIG).unwrap();
    cfg["revision"] = 4.into();
    let mut e2 = Engine::new(Config::from_json(&cfg.to_string()).unwrap(), "x".into());
    let (p, s) = e.encode_choices();
    assert!(e2.load_choices(p.as_deref(), s.as_deref()));
    assert!(!e2.has_current_choices(&ctx(NOW)));
}

#[test]
fn preferences_shape() {
    let mut e = engine();
    e.set("offers", true, Method::Preferences, &ctx(NOW))
        .unwrap();
    e.set("email-deals", false, Method::RejectAll, &ctx(NOW + 1))
        .unwrap();
    let p = value(&e.preferences(&ctx(NOW + 2)).to_json());
    assert_eq!(
        p,
        json!({
            "consentId": "consent-1",
            "revision": 3,
            "purposes": {
                "essential": { "granted": true, "at": NOW + 1, "method": "required", "duration": { "days": 90 } },
                "offers": { "granted": true, "at": NOW, "method": "preferences", "duration": "session" },
                "email-deals": { "granted": false, "at": NOW + 1, "method": "reject-all", "duration": { "days": 90 } }
            }
        })
    );
    // The session grant disappears in another session.
    let other = Context {
        session: "s2",
        ..ctx(NOW + 2)
    };
    assert!(!e.preferences(&other).purposes.contains_key("offers"));
    // A fresh record: no revision, only required purposes, chosen never.
    let p = value(&engine().preferences(&ctx(NOW)).to_json());
    assert_eq!(p["revision"], json!(null));
    assert_eq!(p["purposes"].as_object().unwrap().len(), 1);
    assert_eq!(p["purposes"]["essential"]["at"], json!(null));
}

#[test]
fn duration_serializes_as_in_the_contract() {
    assert_eq!(
        serde_json::to_value(Duration::Session).unwrap(),
        json!("session")
    );
    assert_eq!(
        serde_json::to_value(Duration::Days(180)).unwrap(),
        json!({ "days": 180 })
    );
}

#[test]
fn receipt_records_what_was_shown() {
    let mut e = engine();
    e.set("offers", true, Method::Preferences, &ctx(NOW))
        .unwrap();
    e.set("ads", false, Method::Api, &ctx(NOW + 10)).unwrap();
    let r = e.receipt(
        &Context {
            gpc: true,
            ..ctx(NOW + 20)
        },
        "fr-CA",
    );
    assert!(r.verify());
    assert_eq!(r.texts_sha256.len(), 64);
    assert!(r
        .texts_sha256
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    let v = value(&r.to_json());
    assert_eq!(v["consentId"], "consent-1");
    assert_eq!(v["createdAt"], NOW);
    assert_eq!(v["updatedAt"], NOW + 10);
    assert_eq!(v["issuedAt"], NOW + 20);
    assert_eq!(v["revision"], 3);
    assert_eq!(v["language"], "fr-CA");
    assert_eq!(v["method"], "api");
    assert_eq!(v["gpc"], true);
    assert_eq!(v["policyUrl"], "/privacy");
    assert_eq!(v["purposes"][1]["title"], "Offres");
    assert_eq!(v["purposes"][1]["granted"], true);
    assert_eq!(v["purposes"][1]["explicit"], true);
    assert_eq!(v["purposes"][1]["duration"], "session");
    assert_eq!(v["purposes"][0]["method"], "required");
    assert_eq!(v["purposes"][2]["granted"], false);
    assert_eq!(v["purposes"][2]["method"], serde_json::Value::Null);
    assert_eq!(v["purposes"][3]["saleOrShare"], true);
    assert_eq!(v["purposes"][3]["duration"], json!({ "days": 90 }));

    // The hash covers exactly the texts shown.
    let mut tampered = r.clone();
    tampered.purposes[1].description.push('!');
    assert!(!tampered.verify());
    let mut other_choice = r.clone();
    other_choice.purposes[1].granted = false;
    assert!(other_choice.verify());
    assert_ne!(e.receipt(&ctx(NOW), "en").texts_sha256, r.texts_sha256);
    assert_eq!(
        e.receipt(&ctx(NOW + 99), "fr-CA").texts_sha256,
        r.texts_sha256
    );
}

#[test]
fn reports() {
    let mut e = engine();
    let long = "x".repeat(500);
    let req = Request {
        purpose: &long,
        signals: &[],
        channel: None,
    };
    let d = e.decide(&req, &ctx(NOW));
    assert_eq!(d.reason, Reason::Invalid);
    let r = e.report(&req, &d, "en");
    assert_eq!(r.purpose.chars().count(), 200);
    assert_eq!(r.reason, "invalid-request");
    assert!(!r.allowed);

    let many = ["cart"; 65];
    let req = Request {
        purpose: "offers",
        signals: &many,
        channel: None,
    };
    assert_eq!(e.decide(&req, &ctx(NOW)).reason, Reason::Invalid);

    e.set("email-deals", true, Method::Api, &ctx(NOW)).unwrap();
    let email = Request {
        purpose: "email-deals",
        signals: &[],
        channel: Some("email"),
    };
    e.record(&email, &ctx(NOW));
    e.record(&email, &ctx(NOW + 1));
    let d = e.record(&email, &ctx(NOW + 2));
    let r = value(&e.report(&email, &d, "en").to_json());
    assert_eq!(
        r,
        json!({
            "allowed": false, "reason": "frequency-cap", "purpose": "email-deals",
            "explanation": "Not allowed: you already received 2 messages by email in the last 7 days.",
            "retryAfter": NOW + 7 * DAY,
        })
    );
    assert_eq!(e.ledger().channels.get("email"), Some(&vec![NOW, NOW + 1]));
    // Uncapped channels are never recorded.
    let push = Request {
        purpose: "email-deals",
        signals: &[],
        channel: Some("push"),
    };
    assert!(e.record(&push, &ctx(NOW)).allowed);
    assert!(!e.ledger().channels.contains_key("push"));
    // retryAfter is exact.
    assert!(!e.decide(&email, &ctx(NOW + 7 * DAY - 1)).allowed);
    assert!(e.decide(&email, &ctx(NOW + 7 * DAY)).allowed);
    // Recording later forgets what left the window.
    e.record(&email, &ctx(NOW + 8 * DAY));
    assert_eq!(e.ledger().channels.get("email"), Some(&vec![NOW + 8 * DAY]));
    let stored = e.encode_ledger();
    let mut e2 = engine();
    assert!(e2.load_ledger(Some(&stored)));
    assert_eq!(e2.ledger(), e.ledger());
    // Allowed without a choice? Never: a reset forgets everything but the ledger.
    e.reset("consent-2".into());
    assert_eq!(e.choices().consent_id, "consent-2");
    assert_eq!(e.decide(&email, &ctx(NOW)).reason, Reason::NoChoice);
    assert_eq!(e.encode_choices(), (None, None));
    assert!(!e.ledger().channels.is_empty());
}

#[test]
fn load_ledger_drops_unknown_channels_and_keeps_decisions() {
    let mut e = engine();
    assert!(e.load_ledger(Some(
        r#"{"v":1,"l":{"email":[1,2,3,4],"push":[5],"gone":[6]}}"#
    )));
    assert_eq!(e.ledger().channels.len(), 1);
    assert_eq!(e.ledger().channels.get("email"), Some(&vec![3, 4]));
    assert!(!e.load_ledger(Some("nonsense")));
    assert!(e.ledger().channels.is_empty());
}

#[test]
fn ui_texts_and_languages() {
    use candor_core::i18n::{is_rtl, KEYS};
    let e = engine();
    let c = e.config();
    for key in KEYS {
        for lang in ["en", "fr", "de", "es", "pt-BR"] {
            assert!(!e.texts(lang).get(key).is_empty(), "{lang} {key}");
        }
    }
    if cfg!(feature = "bundled-languages") {
        assert_eq!(e.texts("de-AT").get("acceptAll"), "Alle akzeptieren");
    } else {
        assert_eq!(e.texts("de-AT").get("acceptAll"), "Accept all");
    }
    assert_eq!(e.texts("en").get("nope"), "");
    assert_eq!(c.pick_language(&[]), "en");
    assert_eq!(c.pick_language(&["", "zz", "es-MX"]), "es-MX");
    assert!(is_rtl("he") && is_rtl("AR") && !is_rtl("en-US"));
}
