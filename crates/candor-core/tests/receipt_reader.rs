//! `Receipt::from_json`: round trips of `to_json`, strict rejections, and
//! no panic on mutated or random input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use candor_core::receipt::ReceiptPurpose;
use candor_core::{Config, Context, Duration, Engine, Method, Receipt};
use proptest::prelude::*;

const MAX_TIME: u64 = 253_402_300_799_999;

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9-]{1,20}",
        "\\PC{1,30}".prop_filter("not a forbidden key", |s| {
            !["__proto__", "constructor", "prototype"].contains(&s.as_str())
        }),
    ]
}

fn text() -> impl Strategy<Value = String> {
    // Any characters, controls, quotes and backslashes included.
    prop_oneof![
        "\\PC{0,40}",
        any::<String>(),
        "[\"\\\\\n\t\u{0}-\u{1f}]{0,8}"
    ]
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::Session),
        any::<u32>().prop_map(Duration::Days)
    ]
}

fn method() -> impl Strategy<Value = &'static str> {
    prop::sample::select(Method::ALL.to_vec()).prop_map(Method::as_str)
}

fn purpose() -> impl Strategy<Value = ReceiptPurpose> {
    (
        id(),
        text(),
        text(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of((0..=MAX_TIME, method())),
        any::<bool>(),
        duration(),
    )
        .prop_map(
            |(
                id,
                title,
                description,
                required,
                sale_or_share,
                granted,
                choice,
                explicit,
                duration,
            )| {
                // The invariants `to_json` always satisfies.
                let (granted, at, method) = if required {
                    (true, choice.map(|c| c.0), Some("required"))
                } else {
                    (granted, choice.map(|c| c.0), choice.map(|c| c.1))
                };
                ReceiptPurpose {
                    id,
                    title,
                    description,
                    required,
                    sale_or_share,
                    granted,
                    at,
                    method,
                    explicit,
                    duration,
                }
            },
        )
}

fn receipt() -> impl Strategy<Value = Receipt> {
    (
        id(),
        (0..=MAX_TIME, 0..=MAX_TIME, 0..=MAX_TIME),
        any::<u32>(),
        "[a-zA-Z-]{0,35}",
        prop::option::of(method()),
        any::<bool>(),
        prop::option::of(text()),
        prop::collection::vec(purpose(), 1..8),
        any::<bool>(),
    )
        .prop_map(
            |(consent_id, (c, u, i), revision, language, method, gpc, policy_url, list, honest)| {
                let mut purposes: Vec<ReceiptPurpose> = Vec::new();
                for p in list {
                    if !purposes.iter().any(|q| q.id == p.id) {
                        purposes.push(p);
                    }
                }
                let mut r = Receipt {
                    consent_id,
                    created_at: (c % 3 != 0).then_some(c),
                    updated_at: (c % 3 != 0).then_some(u),
                    issued_at: i,
                    revision,
                    language,
                    method,
                    gpc,
                    policy_url,
                    purposes,
                    texts_sha256: "0".repeat(64),
                };
                if honest {
                    r.texts_sha256 = r.compute_texts_sha256();
                }
                r
            },
        )
}

const SHOP: &str = r#"{
  "revision": 4, "policyUrl": "/privacy.html", "expiresAfterDays": 180,
  "defaultLanguage": "en",
  "signals": [{ "id": "cart", "kind": "interest", "label": "Items in your cart" }],
  "channels": [{ "id": "email", "label": "by email", "cap": { "max": 2, "perDays": 7 } }],
  "purposes": [
    { "id": "essential", "required": true, "title": "Essential", "description": "Keeps your cart." },
    { "id": "offers", "duration": "session", "signals": ["cart"],
      "title": { "en": "Offers", "fr": "Offres" }, "description": "Forgotten when you leave." },
    { "id": "email-deals", "duration": { "days": 90 }, "channels": ["email"],
      "title": "Deals by email", "description": { "en": "Two a week.", "fr": "Deux par semaine." } },
    { "id": "ads", "saleOrShare": true, "title": "Ads", "description": "Shared \"with\" partners." }
  ]
}"#;

fn engine_receipts() -> Vec<String> {
    let config = Config::from_json(SHOP).unwrap();
    let mut engine = Engine::new(config, "consent-1".to_string());
    let ctx = Context {
        now: 1_795_910_400_000,
        session: "s1",
        gpc: true,
    };
    let mut out = vec![engine.receipt(&ctx, "fr-CA").to_json()];
    engine
        .set("offers", true, Method::Preferences, &ctx)
        .unwrap();
    engine.set("ads", false, Method::Api, &ctx).unwrap();
    for lang in ["en", "fr", "de", ""] {
        out.push(engine.receipt(&ctx, lang).to_json());
    }
    out
}

#[test]
fn engine_receipts_round_trip_and_verify() {
    for json in engine_receipts() {
        let r = Receipt::from_json(&json).unwrap();
        assert_eq!(r.to_json(), json);
        assert!(r.verify(), "{json}");
    }
}

#[test]
fn whitespace_and_member_order_do_not_matter() {
    let json = &engine_receipts()[1];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let pretty = serde_json::to_string_pretty(&v).unwrap();
    assert_eq!(Receipt::from_json(&pretty).unwrap().to_json(), *json);
    // Members in another order (serde_json's map sorts keys).
    let sorted: serde_json::Map<String, serde_json::Value> =
        v.as_object().unwrap().clone().into_iter().collect();
    let text = serde_json::to_string(&sorted).unwrap();
    assert_eq!(Receipt::from_json(&text).unwrap().to_json(), *json);
}

fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&engine_receipts()[1]).unwrap();
    edit(&mut v);
    serde_json::to_string(&v).unwrap()
}

fn rejected(text: &str) -> String {
    let e = Receipt::from_json(text).expect_err(text);
    if e.path.is_empty() {
        e.message
    } else {
        format!("{}: {}", e.path, e.message)
    }
}

#[test]
fn strict_rejections_name_the_field() {
    use serde_json::json;
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "EOF while parsing a value"),
        ("[]".into(), "expected an object"),
        ("{\"consentId\": \"x\"}".into(), "missing field `createdAt`"),
        (
            edited(|v| v["extra"] = json!(1)),
            "unknown field `extra`, expected one of `consentId`",
        ),
        (
            edited(|v| v["__proto__"] = json!({})),
            "unknown field `__proto__`",
        ),
        (
            edited(|v| v["purposes"][1]["__proto__"] = json!(true)),
            "purposes[1]: unknown field `__proto__`",
        ),
        (
            edited(|v| v["consentId"] = json!("__proto__")),
            "consentId: forbidden id \"__proto__\"",
        ),
        (
            edited(|v| v["consentId"] = json!("")),
            "consentId: empty id",
        ),
        (
            edited(|v| v["consentId"] = json!("x".repeat(201))),
            "consentId: longer than 200 characters",
        ),
        (
            edited(|v| v["consentId"] = json!(7)),
            "consentId: expected a string",
        ),
        (
            edited(|v| v["createdAt"] = json!(-1)),
            "createdAt: timestamp out of range",
        ),
        (
            edited(|v| v["createdAt"] = json!(1.5)),
            "createdAt: expected a timestamp",
        ),
        (
            edited(|v| v["issuedAt"] = json!(MAX_TIME + 1)),
            "issuedAt: timestamp after the year 9999",
        ),
        (
            edited(|v| v["updatedAt"] = json!("1795910400000")),
            "updatedAt: expected a timestamp",
        ),
        (
            edited(|v| v["revision"] = json!(4_294_967_296u64)),
            "revision: expected a revision number",
        ),
        (
            edited(|v| v["language"] = json!("x".repeat(36))),
            "language: longer than 35 characters",
        ),
        (
            edited(|v| v["method"] = json!("required")),
            "method: unknown method \"required\"",
        ),
        (
            edited(|v| v["method"] = json!("'; DROP TABLE receipts; --")),
            "method: unknown method \"'; DROP TABLE receipts; --\"",
        ),
        (
            edited(|v| v["gpc"] = json!(1)),
            "gpc: expected true or false",
        ),
        (
            edited(|v| v["policyUrl"] = json!("x".repeat(70_000))),
            "policyUrl: longer than 65536 bytes",
        ),
        (
            edited(|v| v["purposes"] = json!([])),
            "purposes: no purposes",
        ),
        (
            edited(|v| v["purposes"] = json!({})),
            "purposes: expected a list",
        ),
        (
            edited(|v| {
                let first = v["purposes"][0].clone();
                v["purposes"].as_array_mut().unwrap().push(first);
            }),
            "purposes[4].id: duplicate purpose \"essential\"",
        ),
        (
            edited(|v| v["purposes"][2]["duration"] = json!({ "days": -3 })),
            "purposes[2].duration.days: expected a number of days",
        ),
        (
            edited(|v| v["purposes"][2]["duration"] = json!({ "days": 3, "hours": 1 })),
            "purposes[2].duration: unknown field `hours`",
        ),
        (
            edited(|v| v["purposes"][2]["duration"] = json!("forever")),
            "purposes[2].duration: expected \"session\"",
        ),
        (
            edited(|v| v["purposes"][1]["at"] = json!(null)),
            "purposes[1]: `at` and `method` must both be set or both be null",
        ),
        (
            edited(|v| v["purposes"][1]["method"] = json!("required")),
            "purposes[1].method: \"required\" is the method of exactly the required purposes",
        ),
        (
            edited(|v| v["purposes"][0]["granted"] = json!(false)),
            "purposes[0].granted: a required purpose is always granted",
        ),
        (
            edited(|v| v["purposes"][0]["title"] = json!(["Essential"])),
            "purposes[0].title: expected a string",
        ),
        (
            edited(|v| v["textsSha256"] = json!("ABC")),
            "textsSha256: expected 64 lowercase hexadecimal digits",
        ),
        (
            edited(|v| v["textsSha256"] = json!("A".repeat(64))),
            "textsSha256: expected 64 lowercase hexadecimal digits",
        ),
        (
            edited(|v| v["textsSha256"] = json!("0".repeat(65))),
            "textsSha256: longer than 64 bytes",
        ),
        (format!("{} x", engine_receipts()[1]), "trailing characters"),
        (
            format!("{}{}", engine_receipts()[1], " ".repeat(1 << 20)),
            "receipt larger than 1048576 bytes",
        ),
        (
            "{\"consentId\":\"a\",\"consentId\":\"b\"}".into(),
            "duplicate field `consentId`",
        ),
    ];
    for (text, want) in cases {
        let got = rejected(&text);
        assert!(got.starts_with(want), "got {got:?}, want {want:?}");
    }
}

#[test]
fn an_altered_text_still_reads_but_does_not_verify() {
    let text = edited(|v| v["purposes"][3]["description"] = serde_json::json!("Nothing shared."));
    let r = Receipt::from_json(&text).unwrap();
    assert!(!r.verify());
}

fn mutate(text: &str, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for &(at, kind, byte) in edits {
        if bytes.is_empty() {
            bytes.push(byte);
            continue;
        }
        let at = at % bytes.len();
        match kind % 4 {
            0 => bytes[at] = byte,
            1 => {
                bytes.remove(at);
            }
            2 => bytes.insert(at, byte),
            _ => bytes.truncate(at),
        }
    }
    bytes
}

proptest! {
    // A fixed count (the pipeline raises proptest's default to 10 000, which
    // these serde-backed round trips do not need to be convincing).
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn to_json_round_trips(r in receipt()) {
        let json = r.to_json();
        let back = Receipt::from_json(&json).unwrap();
        prop_assert_eq!(back.to_json(), json);
        prop_assert_eq!(back.verify(), r.verify());
    }

    #[test]
    fn mutated_receipts_never_panic(
        r in receipt(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), prop::sample::select(
            b"{}[],:\"\\0123456789-.eEtrufalsn x\x00\xff".to_vec())), 1..6),
    ) {
        let bytes = mutate(&r.to_json(), &edits);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            // Whatever it reads back is stable under another round trip.
            if let Ok(read) = Receipt::from_json(text) {
                let again = Receipt::from_json(&read.to_json()).unwrap();
                prop_assert_eq!(again.to_json(), read.to_json());
            }
        }
    }

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        let _ = Receipt::from_json(&text);
    }

    #[test]
    fn random_json_shapes_never_panic(text in r#"[\[\]{}",:0-9a-zA-Z_ \-.\\]{0,200}"#) {
        let _ = Receipt::from_json(&text);
    }
}
