//! One test row per rule of the rule table, docs/api.md (and the precisions of rules 7 and 10),
//! plus the explanation sentences.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use candor_core::{
    decide, Choice, Choices, Config, Context, Engine, Ledger, Method, Reason, Request,
};

const DAY: u64 = 86_400_000;
/// 2026-11-29T12:00:00Z.
const NOW: u64 = 1_795_910_400_000 + 12 * 3_600_000;

const CONFIG: &str = r#"{
  "revision": 1,
  "policyUrl": "/privacy",
  "signals": [
    { "id": "cart",     "kind": "interest",    "label": { "en": "Items in your cart", "fr": "Articles de votre panier" } },
    { "id": "browsing", "kind": "interest",    "label": "Products you viewed here" },
    { "id": "region",   "kind": "context",     "label": "Your approximate region" },
    { "id": "age",      "kind": "demographic", "label": "Your age range" },
    { "id": "health",   "kind": "sensitive",   "label": "Health information" }
  ],
  "channels": [
    { "id": "onsite", "label": "on this site", "cap": { "max": 3, "perHours": 24 } },
    { "id": "email",  "label": "by email", "cap": { "max": 2, "perDays": 7 } },
    { "id": "push",   "label": "by notification" }
  ],
  "purposes": [
    { "id": "essential", "required": true, "channels": ["email"],
      "title": "Essential", "description": "Keeps your cart and your privacy choices." },
    { "id": "session-offers", "duration": "session", "signals": ["cart", "browsing"], "channels": ["onsite", "push"],
      "title": { "en": "Offers during this visit", "fr": "Offres pendant cette visite" },
      "description": { "en": "Uses what is in your cart." } },
    { "id": "email-deals", "duration": { "days": 30 }, "signals": ["browsing"], "channels": ["email"],
      "title": "Deals by email", "description": "..." },
    { "id": "ads", "saleOrShare": true, "signals": ["browsing"], "title": "Ads on other sites", "description": "..." }
  ]
}"#;

fn config() -> Config {
    Config::from_json(CONFIG).unwrap()
}

fn choice(granted: bool, at: u64, method: Method) -> Choice {
    Choice {
        granted,
        at,
        method,
        explicit: method.is_explicit(),
        revision: 1,
        session: None,
    }
}

struct Row {
    name: &'static str,
    purpose: &'static str,
    signals: &'static [&'static str],
    channel: Option<&'static str>,
    choice: Option<Choice>,
    ledger: &'static [u64],
    gpc: bool,
    session: &'static str,
    want: Reason,
    retry_after: Option<u64>,
}

const BASE: Row = Row {
    name: "",
    purpose: "email-deals",
    signals: &[],
    channel: None,
    choice: None,
    ledger: &[],
    gpc: false,
    session: "s1",
    want: Reason::Granted,
    retry_after: None,
};

fn granted_api() -> Option<Choice> {
    Some(choice(true, NOW - DAY, Method::Api))
}

#[test]
fn every_rule_row() {
    let config = config();
    let session_grant = |session: &str, at: u64| {
        Some(Choice {
            session: Some(session.to_string()),
            ..choice(true, at, Method::Preferences)
        })
    };
    let rows = vec![
        Row {
            name: "1 unknown purpose",
            purpose: "nope",
            want: Reason::UnknownPurpose,
            ..BASE
        },
        Row {
            name: "1 before everything",
            purpose: "nope",
            signals: &["health"],
            channel: Some("sms"),
            want: Reason::UnknownPurpose,
            ..BASE
        },
        Row {
            name: "2 sensitive",
            purpose: "session-offers",
            signals: &["cart", "health"],
            choice: granted_api(),
            want: Reason::SensitiveSignal,
            ..BASE
        },
        Row {
            name: "2 beats an earlier demographic",
            purpose: "session-offers",
            signals: &["age", "health"],
            want: Reason::SensitiveSignal,
            ..BASE
        },
        Row {
            name: "2 on a required purpose",
            purpose: "essential",
            signals: &["health"],
            want: Reason::SensitiveSignal,
            ..BASE
        },
        Row {
            name: "3 demographic",
            purpose: "session-offers",
            signals: &["age"],
            want: Reason::DemographicSignal,
            ..BASE
        },
        Row {
            name: "3 beats an earlier undeclared",
            purpose: "session-offers",
            signals: &["shoe-size", "age"],
            want: Reason::DemographicSignal,
            ..BASE
        },
        Row {
            name: "4 declared in config, not on purpose",
            purpose: "session-offers",
            signals: &["cart", "region"],
            want: Reason::UndeclaredSignal,
            ..BASE
        },
        Row {
            name: "4 unknown signal",
            purpose: "email-deals",
            signals: &["shoe-size"],
            choice: granted_api(),
            want: Reason::UndeclaredSignal,
            ..BASE
        },
        Row {
            name: "5 channel not on purpose",
            purpose: "session-offers",
            channel: Some("email"),
            want: Reason::UndeclaredChannel,
            ..BASE
        },
        Row {
            name: "5 unknown channel",
            purpose: "email-deals",
            channel: Some("sms"),
            choice: granted_api(),
            want: Reason::UndeclaredChannel,
            ..BASE
        },
        Row {
            name: "6 required",
            purpose: "essential",
            want: Reason::Required,
            ..BASE
        },
        Row {
            name: "6 required ignores GPC",
            purpose: "essential",
            gpc: true,
            want: Reason::Required,
            ..BASE
        },
        Row {
            name: "6+12 required under its cap",
            purpose: "essential",
            channel: Some("email"),
            ledger: &[NOW - DAY],
            want: Reason::Required,
            ..BASE
        },
        Row {
            name: "6+12 required at its cap",
            purpose: "essential",
            channel: Some("email"),
            ledger: &[NOW - 2 * DAY, NOW - DAY],
            want: Reason::FrequencyCap,
            retry_after: Some(NOW + 5 * DAY),
            ..BASE
        },
        Row {
            name: "7 gpc, no choice",
            purpose: "ads",
            gpc: true,
            want: Reason::Gpc,
            ..BASE
        },
        Row {
            name: "7 gpc, accept-all grant",
            purpose: "ads",
            gpc: true,
            choice: Some(choice(true, NOW - DAY, Method::AcceptAll)),
            want: Reason::Gpc,
            ..BASE
        },
        Row {
            name: "7 gpc, explicit refusal",
            purpose: "ads",
            gpc: true,
            choice: Some(choice(false, NOW - DAY, Method::Preferences)),
            want: Reason::Gpc,
            ..BASE
        },
        Row {
            name: "7 gpc, explicit api opt-in",
            purpose: "ads",
            gpc: true,
            choice: granted_api(),
            want: Reason::Granted,
            ..BASE
        },
        Row {
            name: "7 gpc, explicit preferences opt-in",
            purpose: "ads",
            gpc: true,
            choice: Some(choice(true, NOW - DAY, Method::Preferences)),
            want: Reason::Granted,
            ..BASE
        },
        Row {
            name: "7 gpc, explicit ask opt-in",
            purpose: "ads",
            gpc: true,
            choice: Some(choice(true, NOW - DAY, Method::Ask)),
            want: Reason::Granted,
            ..BASE
        },
        Row {
            name: "7 gpc only for saleOrShare",
            purpose: "email-deals",
            gpc: true,
            choice: Some(choice(true, NOW - DAY, Method::AcceptAll)),
            want: Reason::Granted,
            ..BASE
        },
        Row {
            name: "7 explicit opt-in but outdated",
            purpose: "ads",
            gpc: true,
            choice: Some(Choice {
                revision: 0,
                ..choice(true, NOW - DAY, Method::Api)
            }),
            want: Reason::Outdated,
            ..BASE
        },
        Row {
            name: "8 no choice",
            purpose: "email-deals",
            want: Reason::NoChoice,
            ..BASE
        },
        Row {
            name: "8 no choice without gpc",
            purpose: "ads",
            want: Reason::NoChoice,
            ..BASE
        },
        Row {
            name: "9 older revision",
            choice: Some(Choice {
                revision: 0,
                ..choice(true, NOW - DAY, Method::Api)
            }),
            want: Reason::Outdated,
            ..BASE
        },
        Row {
            name: "9 older revision beats expiry",
            choice: Some(Choice {
                revision: 0,
                ..choice(true, NOW - 300 * DAY, Method::Api)
            }),
            want: Reason::Outdated,
            ..BASE
        },
        Row {
            name: "9 newer revision (a config this page does not know) is outdated",
            choice: Some(Choice {
                revision: 2,
                ..choice(true, NOW - DAY, Method::Api)
            }),
            want: Reason::Outdated,
            ..BASE
        },
        Row {
            name: "10 grant older than its 30 days",
            choice: Some(choice(true, NOW - 30 * DAY, Method::Api)),
            want: Reason::Expired,
            ..BASE
        },
        Row {
            name: "10 grant just within 30 days",
            choice: Some(choice(true, NOW - 30 * DAY + 1, Method::Api)),
            want: Reason::Granted,
            ..BASE
        },
        Row {
            name: "10 refusal lasts expiresAfterDays, not 30",
            choice: Some(choice(false, NOW - 179 * DAY, Method::RejectAll)),
            want: Reason::Refused,
            ..BASE
        },
        Row {
            name: "10 refusal older than expiresAfterDays",
            choice: Some(choice(false, NOW - 180 * DAY, Method::RejectAll)),
            want: Reason::Expired,
            ..BASE
        },
        Row {
            name: "10 session grant, same session",
            purpose: "session-offers",
            choice: session_grant("s1", NOW - DAY),
            want: Reason::Granted,
            ..BASE
        },
        Row {
            name: "10 session grant from another session",
            purpose: "session-offers",
            choice: session_grant("s0", NOW - DAY),
            want: Reason::Expired,
            ..BASE
        },
        Row {
            name: "10 session purpose, grant without session",
            purpose: "session-offers",
            choice: Some(choice(true, NOW - DAY, Method::Api)),
            want: Reason::Expired,
            ..BASE
        },
        Row {
            name: "10 session grant past the backstop",
            purpose: "session-offers",
            choice: session_grant("s1", NOW - 180 * DAY),
            want: Reason::Expired,
            ..BASE
        },
        Row {
            name: "10 refusal of a session purpose lasts",
            purpose: "session-offers",
            choice: Some(choice(false, NOW - 100 * DAY, Method::Preferences)),
            session: "s9",
            want: Reason::Refused,
            ..BASE
        },
        Row {
            name: "10 stray session id on a days grant",
            choice: session_grant("s0", NOW - DAY),
            want: Reason::Expired,
            ..BASE
        },
        Row {
            name: "10 future-dated beyond skew",
            choice: Some(choice(true, NOW + 10 * 60_000 + 1, Method::Api)),
            want: Reason::Expired,
            ..BASE
        },
        Row {
            name: "10 future-dated within skew",
            choice: Some(choice(true, NOW + 10 * 60_000, Method::Api)),
            want: Reason::Granted,
            ..BASE
        },
        Row {
            name: "10 future-dated refusal",
            choice: Some(choice(false, NOW + DAY, Method::Api)),
            want: Reason::Expired,
            ..BASE
        },
        Row {
            name: "11 refused",
            choice: Some(choice(false, NOW - DAY, Method::Preferences)),
            want: Reason::Refused,
            ..BASE
        },
        Row {
            name: "11 refusal beats the cap",
            channel: Some("email"),
            choice: Some(choice(false, NOW - DAY, Method::Preferences)),
            ledger: &[NOW - 2, NOW - 1],
            want: Reason::Refused,
            ..BASE
        },
        Row {
            name: "12 cap reached",
            channel: Some("email"),
            choice: granted_api(),
            ledger: &[NOW - 2 * DAY, NOW - DAY],
            want: Reason::FrequencyCap,
            retry_after: Some(NOW + 5 * DAY),
            ..BASE
        },
        Row {
            name: "12 retryAfter from the max-th newest",
            channel: Some("email"),
            choice: granted_api(),
            ledger: &[NOW - 3 * DAY, NOW - 2 * DAY, NOW - DAY],
            want: Reason::FrequencyCap,
            retry_after: Some(NOW + 5 * DAY),
            ..BASE
        },
        Row {
            name: "12 entry leaves the window exactly",
            channel: Some("email"),
            choice: granted_api(),
            ledger: &[NOW - 7 * DAY, NOW - DAY],
            want: Reason::Granted,
            ..BASE
        },
        Row {
            name: "12 future entries count",
            channel: Some("email"),
            choice: granted_api(),
            ledger: &[NOW + DAY, NOW + 2 * DAY],
            want: Reason::FrequencyCap,
            retry_after: Some(NOW + 8 * DAY),
            ..BASE
        },
        Row {
            name: "12 uncapped channel",
            purpose: "session-offers",
            channel: Some("push"),
            choice: session_grant("s1", NOW),
            want: Reason::Granted,
            ..BASE
        },
        Row {
            name: "13 granted",
            choice: granted_api(),
            want: Reason::Granted,
            ..BASE
        },
        Row {
            name: "13 granted with signals and channel",
            purpose: "session-offers",
            signals: &["cart", "browsing"],
            channel: Some("onsite"),
            choice: session_grant("s1", NOW),
            want: Reason::Granted,
            ..BASE
        },
    ];
    let mut failures = Vec::new();
    for row in &rows {
        let mut choices = Choices {
            consent_id: "c".into(),
            ..Choices::default()
        };
        if let Some(c) = &row.choice {
            choices.purposes.insert(row.purpose.to_string(), c.clone());
        }
        let mut ledger = Ledger::default();
        ledger.channels.insert("email".into(), row.ledger.to_vec());
        let request = Request {
            purpose: row.purpose,
            signals: row.signals,
            channel: row.channel,
        };
        let ctx = Context {
            now: NOW,
            session: row.session,
            gpc: row.gpc,
        };
        let d = decide(&config, &choices, &ledger, &request, &ctx);
        let got = (d.reason, d.allowed, d.retry_after);
        let want = (row.want, row.want.is_allowed(), row.retry_after);
        if got != want {
            failures.push(format!("{}: got {got:?}, want {want:?}", row.name));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn reasons_have_contract_strings() {
    let all = [
        (Reason::UnknownPurpose, "unknown-purpose"),
        (Reason::SensitiveSignal, "sensitive-signal"),
        (Reason::DemographicSignal, "demographic-signal"),
        (Reason::UndeclaredSignal, "undeclared-signal"),
        (Reason::UndeclaredChannel, "undeclared-channel"),
        (Reason::Required, "required"),
        (Reason::Gpc, "gpc"),
        (Reason::NoChoice, "no-choice"),
        (Reason::Outdated, "outdated"),
        (Reason::Expired, "expired"),
        (Reason::Refused, "refused"),
        (Reason::FrequencyCap, "frequency-cap"),
        (Reason::Granted, "granted"),
        (Reason::Invalid, "invalid-request"),
    ];
    for (r, s) in all {
        assert_eq!(r.as_str(), s);
    }
}

fn engine() -> Engine {
    Engine::new(config(), "consent-1".into())
}

fn ctx(now: u64) -> Context<'static> {
    Context {
        now,
        session: "s1",
        gpc: false,
    }
}

fn explain(
    engine: &Engine,
    purpose: &str,
    signals: &[&str],
    channel: Option<&str>,
    c: &Context<'_>,
    lang: &str,
) -> String {
    let request = Request {
        purpose,
        signals,
        channel,
    };
    let d = engine.decide(&request, c);
    engine.report(&request, &d, lang).explanation
}

#[test]
fn explanations() {
    let day0 = 1_795_910_400_000; // 2026-11-29
    let mut e = engine();
    let c = ctx(day0 + 1000);
    let ex = |e: &Engine, p: &str, s: &[&str], ch: Option<&str>, c: &Context<'_>| {
        explain(e, p, s, ch, c, "en")
    };
    assert_eq!(
        ex(&e, "email-deals", &[], None, &c),
        "Not allowed: you have not chosen yet whether to allow \"Deals by email\"."
    );
    assert_eq!(ex(&e, "session-offers", &["health"], None, &c), "Not allowed: \"Health information\" is sensitive data, which this site never uses for personalization.");
    assert_eq!(
        ex(&e, "session-offers", &["age"], None, &c),
        "Not allowed: this site does not personalize by \"Your age range\"."
    );
    assert_eq!(
        ex(&e, "session-offers", &["region"], None, &c),
        "Not allowed: \"Offers during this visit\" does not use \"Your approximate region\"."
    );
    assert_eq!(
        ex(&e, "session-offers", &["email"], Some("email"), &c),
        "Not allowed: \"Offers during this visit\" does not use \"email\"."
    );
    assert_eq!(
        ex(&e, "session-offers", &[], Some("email"), &c),
        "Not allowed: \"Offers during this visit\" does not send messages by email."
    );
    assert_eq!(
        ex(&e, "session-offers", &[], Some("sms"), &c),
        "Not allowed: this site has no message channel \"sms\"."
    );
    assert_eq!(
        ex(&e, "essential", &[], None, &c),
        "Allowed: \"Essential\" is needed for the site to work."
    );
    assert_eq!(
        ex(&e, "nope", &[], None, &c),
        "Not allowed: \"nope\" is not one of this site's purposes."
    );
    let gpc = Context { gpc: true, ..c };
    assert_eq!(ex(&e, "ads", &[], None, &gpc), "Not allowed: your browser's Global Privacy Control signal asks this site not to sell or share your data.");

    e.set("session-offers", true, Method::Preferences, &c)
        .unwrap();
    e.set("email-deals", false, Method::Preferences, &c)
        .unwrap();
    assert_eq!(ex(&e, "session-offers", &[], None, &c), "Allowed: you turned on \"Offers during this visit\" on 2026-11-29. It uses: Items in your cart, Products you viewed here.");
    let french = explain(&e, "session-offers", &["cart"], None, &c, "fr-CA");
    if cfg!(feature = "bundled-languages") {
        assert_eq!(french, "Autorisé : vous avez activé « Offres pendant cette visite » le 2026-11-29. Données utilisées : Articles de votre panier.");
    } else {
        // Without its table (not loaded), French falls back to English; the
        // signal label, localized in the config, stays French.
        assert_eq!(french, "Allowed: you turned on \"Offres pendant cette visite\" on 2026-11-29. It uses: Articles de votre panier.");
    }
    assert_eq!(
        ex(&e, "email-deals", &[], None, &c),
        "Not allowed: you turned off \"Deals by email\" on 2026-11-29."
    );
    let other = Context { session: "s2", ..c };
    assert_eq!(
        ex(&e, "session-offers", &[], None, &other),
        "Not allowed: you turned on \"Offers during this visit\" for an earlier visit only."
    );

    e.set("email-deals", true, Method::Api, &c).unwrap();
    let email = Request {
        purpose: "email-deals",
        signals: &[],
        channel: Some("email"),
    };
    e.record(&email, &c);
    e.record(&email, &c);
    assert_eq!(
        ex(&e, "email-deals", &[], Some("email"), &c),
        "Not allowed: you already received 2 messages by email in the last 7 days."
    );
    assert_eq!(
        ex(&e, "email-deals", &[], None, &ctx(day0 + 31 * DAY)),
        "Not allowed: your choice about \"Deals by email\" made on 2026-11-29 has expired."
    );

    let mut e = engine();
    e.reject_all(&c);
    assert_eq!(ex(&e, "email-deals", &[], None, &c), "Not allowed: you rejected all optional purposes, \"Deals by email\" included, on 2026-11-29.");
    e.accept_all(&c);
    assert_eq!(ex(&e, "email-deals", &[], None, &c), "Allowed: you accepted all purposes, \"Deals by email\" included, on 2026-11-29. It uses: Products you viewed here.");

    let mut cfg: serde_json::Value = serde_json::from_str(CONFIG).unwrap();
    cfg["revision"] = 2.into();
    let mut e2 = Engine::new(Config::from_json(&cfg.to_string()).unwrap(), "x".into());
    let (p, s) = e.encode_choices();
    assert!(e2.load_choices(p.as_deref(), s.as_deref()));
    assert_eq!(ex(&e2, "email-deals", &[], None, &c), "Not allowed: \"Deals by email\" has changed since you chose on 2026-11-29, so you need to choose again.");
    let onsite_one = serde_json::json!({ "id": "onsite", "label": "on this site", "cap": { "max": 1, "perHours": 1 } });
    cfg["channels"][0] = onsite_one;
    let mut e3 = Engine::new(Config::from_json(&cfg.to_string()).unwrap(), "x".into());
    e3.set("session-offers", true, Method::Api, &c).unwrap();
    let onsite = Request {
        purpose: "session-offers",
        signals: &[],
        channel: Some("onsite"),
    };
    assert!(e3.record(&onsite, &c).allowed);
    assert_eq!(
        ex(&e3, "session-offers", &[], Some("onsite"), &c),
        "Not allowed: you already received 1 message on this site in the last hour."
    );
    // Every built-in language renders every reason without leftover placeholders.
    for lang in ["en", "fr", "de", "es"] {
        for (p, s, ch) in [
            ("nope", &[][..], None),
            ("session-offers", &["health"][..], None),
            ("session-offers", &["age"][..], None),
            ("session-offers", &["x"][..], None),
            ("session-offers", &[][..], Some("email")),
            ("session-offers", &[][..], Some("sms")),
            ("essential", &[][..], None),
            ("ads", &[][..], None),
            ("email-deals", &[][..], None),
            ("session-offers", &[][..], Some("onsite")),
        ] {
            let text = explain(&e3, p, s, ch, &c, lang);
            assert!(!text.contains('{') && !text.is_empty(), "{lang}: {text}");
        }
    }
}
