//! Stored forms: round trips, and fail-closed decoding of anything else.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use candor_core::stored::{
    decode_choices, decode_ledger, decode_session, encode_choices, encode_ledger, MAX_TIME,
};
use candor_core::{Choice, Choices, Config, Engine, Ledger, Method};
use proptest::prelude::*;

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9-]{1,20}",
        "\\PC{1,30}".prop_filter("not a forbidden key", |s| {
            !["__proto__", "constructor", "prototype"].contains(&s.as_str())
        }),
    ]
}

fn choice() -> impl Strategy<Value = Choice> {
    (
        any::<bool>(),
        0..=MAX_TIME,
        prop::sample::select(Method::ALL.to_vec()),
        any::<bool>(),
        any::<u32>(),
        prop::option::of(id()),
    )
        .prop_map(
            |(granted, at, method, explicit, revision, session)| Choice {
                granted,
                at,
                method,
                explicit,
                revision,
                session,
            },
        )
}

fn choices() -> impl Strategy<Value = Choices> {
    (
        id(),
        any::<u32>(),
        0..=MAX_TIME,
        0..=MAX_TIME,
        prop::collection::btree_map(id(), choice(), 0..8),
    )
        .prop_map(
            |(consent_id, revision, created_at, updated_at, purposes)| Choices {
                consent_id,
                revision,
                created_at,
                updated_at: updated_at.max(1),
                purposes: purposes.into_iter().collect(),
            },
        )
}

fn ledger() -> impl Strategy<Value = Ledger> {
    prop::collection::btree_map(id(), prop::collection::vec(0..=MAX_TIME, 0..6), 0..4).prop_map(
        |mut channels| {
            for t in channels.values_mut() {
                t.sort_unstable();
            }
            Ledger {
                channels: channels.into_iter().collect(),
            }
        },
    )
}

fn decode_both(p: Option<&str>, s: Option<&str>) -> Option<Choices> {
    let mut c = decode_choices(p?)?;
    if let Some(s) = s {
        let (id, grants) = decode_session(s)?;
        assert_eq!(id, c.consent_id);
        c.purposes.extend(grants);
    }
    Some(c)
}

const CONFIG: &str = r#"{ "purposes": [
  { "id": "a", "title": "A", "description": "A" },
  { "id": "b", "duration": "session", "title": "B", "description": "B" } ] }"#;

fn engine() -> Engine {
    Engine::new(Config::from_json(CONFIG).unwrap(), "fresh".into())
}

/// One random edit of a valid encoding: a byte replaced, deleted or
/// inserted, or the text truncated.
fn mutate(s: &str, kind: u8, at: usize, byte: u8) -> Vec<u8> {
    let mut b = s.as_bytes().to_vec();
    let at = at % (b.len() + 1);
    match kind % 4 {
        0 if at < b.len() => b[at] = byte,
        1 if at < b.len() => {
            b.remove(at);
        }
        2 => b.insert(at, byte),
        _ => b.truncate(at),
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn choices_round_trip(c in choices()) {
        let (p, s) = encode_choices(&c);
        prop_assert_eq!(s.is_some(), c.purposes.values().any(|c| c.session.is_some()));
        prop_assert_eq!(decode_both(p.as_deref(), s.as_deref()), Some(c.clone()));
        // And through the engine.
        let mut e = engine();
        prop_assert!(e.load_choices(p.as_deref(), s.as_deref()));
        prop_assert_eq!(e.choices(), &c);
        prop_assert_eq!(e.encode_choices(), (p, s));
    }

    #[test]
    fn ledger_round_trips(l in ledger()) {
        prop_assert_eq!(decode_ledger(&encode_ledger(&l)), Some(l));
    }

    #[test]
    fn random_bytes_decode_to_nothing(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let s = String::from_utf8_lossy(&bytes);
        prop_assert_eq!(decode_choices(&s), None);
        prop_assert!(decode_session(&s).is_none());
        prop_assert_eq!(decode_ledger(&s), None);
        let mut e = engine();
        prop_assert!(!e.load_choices(Some(&s), None));
        prop_assert!(e.choices().purposes.is_empty());
        prop_assert!(!e.load_ledger(Some(&s)));
        prop_assert!(e.ledger().channels.is_empty());
    }

    /// A mutated valid encoding either still decodes to a well-formed record
    /// or yields no choices at all; it never panics.
    #[test]
    fn mutated_encodings_fail_closed(c in choices(), l in ledger(), kind in any::<u8>(), at in any::<usize>(), byte in any::<u8>()) {
        let (p, s) = encode_choices(&c);
        let p = p.unwrap();
        let bad = String::from_utf8_lossy(&mutate(&p, kind, at, byte)).into_owned();
        let mut e = engine();
        let ok = e.load_choices(Some(&bad), s.as_deref());
        if !ok {
            match decode_choices(&bad) {
                // Undecodable: nothing at all is kept.
                None => {
                    prop_assert!(e.choices().purposes.is_empty());
                    prop_assert_eq!(&e.choices().consent_id, "fresh");
                }
                // Decodable under another consent id: the session part is ignored.
                Some(d) => {
                    prop_assert_ne!(&d.consent_id, &c.consent_id);
                    prop_assert_eq!(e.choices(), &d);
                }
            }
        }
        if let Some(s) = &s {
            let bad = String::from_utf8_lossy(&mutate(s, kind, at, byte)).into_owned();
            let mut e = engine();
            if !e.load_choices(Some(&p), Some(&bad)) {
                prop_assert!(e.choices().purposes.is_empty() || decode_session(&bad).is_some());
            }
        }
        let bad = String::from_utf8_lossy(&mutate(&encode_ledger(&l), kind, at, byte)).into_owned();
        if let Some(decoded) = decode_ledger(&bad) {
            for t in decoded.channels.values() {
                prop_assert!(t.windows(2).all(|w| w[0] <= w[1]));
                prop_assert!(t.iter().all(|&t| t <= MAX_TIME));
            }
        }
    }
}

#[test]
fn session_part_of_another_record_is_ignored() {
    let mut a = engine();
    let ctx = candor_core::Context {
        now: 1000,
        session: "s",
        gpc: false,
    };
    a.set("a", false, Method::Api, &ctx).unwrap();
    a.set("b", true, Method::Api, &ctx).unwrap();
    let (p, s) = a.encode_choices();
    assert!(s.is_some());

    let mut other = Engine::new(a.config().clone(), "other".into());
    let later = candor_core::Context {
        now: 2000,
        session: "t",
        gpc: false,
    };
    other.set("b", true, Method::Api, &later).unwrap();
    let (_, foreign) = other.encode_choices();

    let mut e = engine();
    assert!(!e.load_choices(p.as_deref(), foreign.as_deref()));
    // The persistent part keeps its own trace of the session grant; the
    // foreign session part (newer, but another record) is not merged.
    assert_eq!(e.choices().purposes.len(), 2);
    assert_eq!(
        e.choices().purposes.get("b").unwrap().session.as_deref(),
        Some("s")
    );
    assert_eq!(e.choices().purposes.get("b").unwrap().at, 1000);
    assert!(e.load_choices(p.as_deref(), s.as_deref()));
    assert_eq!(e.choices().purposes.len(), 2);
    // A corrupt session part drops everything.
    assert!(!e.load_choices(p.as_deref(), Some("{")));
    assert!(e.choices().purposes.is_empty());
    // Nothing stored is fine.
    assert!(e.load_choices(None, None));
    assert!(e.load_ledger(None));
}

#[test]
fn absurd_inputs_are_rejected() {
    let big = format!(
        r#"{{"v":1,"id":"{}","r":0,"c":0,"u":0,"p":{{}}}}"#,
        "a".repeat(70_000)
    );
    assert_eq!(decode_choices(&big), None);
    let long_id = format!(
        r#"{{"v":1,"id":"{}","r":0,"c":0,"u":0,"p":{{}}}}"#,
        "a".repeat(201)
    );
    assert_eq!(decode_choices(&long_id), None);
    let ok_id = format!(
        r#"{{"v":1,"id":"{}","r":0,"c":0,"u":0,"p":{{}}}}"#,
        "a".repeat(200)
    );
    assert!(decode_choices(&ok_id).is_some());
    let many: Vec<String> = (0..1001)
        .map(|i| format!(r#""p{i}":[1,0,"api",1,0]"#))
        .collect();
    let many = format!(
        r#"{{"v":1,"id":"a","r":0,"c":0,"u":0,"p":{{{}}}}}"#,
        many.join(",")
    );
    assert!(many.len() < 64 * 1024);
    assert_eq!(decode_choices(&many), None);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(decode_choices(&deep), None);
    for key in ["__proto__", "constructor", "prototype"] {
        let s = format!(r#"{{"v":1,"id":"{key}","r":0,"c":0,"u":0,"p":{{}}}}"#);
        assert_eq!(decode_choices(&s), None, "{key}");
    }
}
