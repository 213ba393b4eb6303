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

const FP: &str = "0123456789abcdef0123456789abcdef";

fn decode_both(p: Option<&str>, s: Option<&str>) -> Option<Choices> {
    let (fp, mut c) = decode_choices(p?)?;
    assert_eq!(fp, FP);
    if let Some(s) = s {
        let (id, grants) = decode_session(s)?;
        assert_eq!(id, c.consent_id);
        for (k, v) in grants {
            c.purposes.insert(k, v);
        }
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
        let (p, s) = encode_choices(&c, FP);
        prop_assert_eq!(s.is_some(), c.purposes.values().any(|c| c.session.is_some()));
        prop_assert_eq!(decode_both(p.as_deref(), s.as_deref()), Some(c.clone()));
        // And through the engine, under the config the record belongs to.
        let mut e = engine();
        let (p, s) = encode_choices(&c, e.fingerprint());
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
        let mut e = engine();
        let (p, s) = encode_choices(&c, e.fingerprint());
        let p = p.unwrap();
        let bad = String::from_utf8_lossy(&mutate(&p, kind, at, byte)).into_owned();
        let ok = e.load_choices(Some(&bad), s.as_deref());
        match decode_choices(&bad) {
            // Undecodable: nothing at all is kept.
            None => {
                prop_assert!(!ok);
                prop_assert!(e.choices().purposes.is_empty());
                prop_assert_eq!(&e.choices().consent_id, "fresh");
            }
            // Now another config's record: no choice.
            Some((fp, _)) if fp != e.fingerprint() => {
                prop_assert!(e.choices().purposes.is_empty());
            }
            // Decodable under another consent id: the session part is ignored.
            Some((_, d)) if d.consent_id != c.consent_id => {
                prop_assert_eq!(e.choices(), &d);
            }
            Some(_) => prop_assert!(ok),
        }
        if let Some(s) = &s {
            let bad = String::from_utf8_lossy(&mutate(s, kind, at, byte)).into_owned();
            let mut e = engine();
            if !e.load_choices(Some(&p), Some(&bad)) {
                prop_assert!(e.choices().purposes.is_empty());
                prop_assert!(decode_session(&bad).is_none());
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
    assert!(e.load_choices(p.as_deref(), foreign.as_deref()));
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
    // A session part without its persistent record (forgotten by a reset in
    // another tab, or not written) ends with it.
    assert!(e.load_choices(None, s.as_deref()));
    assert!(e.choices().purposes.is_empty());
}

#[test]
fn a_record_of_another_config_is_no_choice() {
    let ctx = candor_core::Context {
        now: 1000,
        session: "s",
        gpc: false,
    };
    let mut a = engine();
    a.accept_all(&ctx);
    let (p, s) = a.encode_choices();
    // Same ids, same revision, other texts: another shop on this origin.
    let other = CONFIG.replace("\"title\": \"A\"", "\"title\": \"Another A\"");
    let mut b = Engine::new(Config::from_json(&other).unwrap(), "fresh".into());
    assert_ne!(a.fingerprint(), b.fingerprint());
    assert!(b.load_choices(p.as_deref(), s.as_deref()));
    assert!(b.choices().purposes.is_empty());
    assert!(!b.has_current_choices(&ctx));
    // The record is still read by its own config.
    let mut a2 = engine();
    assert!(a2.load_choices(p.as_deref(), s.as_deref()));
    assert_eq!(a2.choices().purposes.len(), 2);
    // A version-1 record (no fingerprint) is not read.
    let v1 = p
        .unwrap()
        .replace(&format!(",\"f\":\"{}\"", a.fingerprint()), "")
        .replace("\"v\":2", "\"v\":1");
    assert!(!a2.load_choices(Some(&v1), None));
    assert!(a2.choices().purposes.is_empty());
}

#[test]
fn absurd_inputs_are_rejected() {
    let big = format!(
        r#"{{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"{}","r":0,"c":0,"u":0,"p":{{}}}}"#,
        "a".repeat(70_000)
    );
    assert_eq!(decode_choices(&big), None);
    let long_id = format!(
        r#"{{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"{}","r":0,"c":0,"u":0,"p":{{}}}}"#,
        "a".repeat(201)
    );
    assert_eq!(decode_choices(&long_id), None);
    let ok_id = format!(
        r#"{{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"{}","r":0,"c":0,"u":0,"p":{{}}}}"#,
        "a".repeat(200)
    );
    assert!(decode_choices(&ok_id).is_some());
    let many: Vec<String> = (0..1001)
        .map(|i| format!(r#""p{i}":[1,0,"api",1,0]"#))
        .collect();
    let many = format!(
        r#"{{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"a","r":0,"c":0,"u":0,"p":{{{}}}}}"#,
        many.join(",")
    );
    assert!(many.len() < 64 * 1024);
    assert_eq!(decode_choices(&many), None);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(decode_choices(&deep), None);
    for key in ["__proto__", "constructor", "prototype"] {
        let s = format!(
            r#"{{"v":2,"f":"0123456789abcdef0123456789abcdef","id":"{key}","r":0,"c":0,"u":0,"p":{{}}}}"#
        );
        assert_eq!(decode_choices(&s), None, "{key}");
    }
}
