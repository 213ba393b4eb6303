//! Stored-form decoding on arbitrary text: `Engine::load_choices` (as the
//! localStorage part, the sessionStorage part, or both, split at the first
//! NUL) and `Engine::load_ledger` never panic; whatever loads re-encodes to
//! a form that loads back unchanged, and encoding is a fixed point.
#![no_main]

use candor_core::{Config, Engine};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const CONFIG: &str = include_str!("../fixtures/shop.json");

fn engine() -> Engine {
    static CONFIG_PARSED: OnceLock<Config> = OnceLock::new();
    let config = CONFIG_PARSED.get_or_init(|| match Config::from_json(CONFIG) {
        Ok(c) => c,
        Err(e) => panic!("fuzz/fixtures/shop.json does not validate: {e}"),
    });
    Engine::new(config.clone(), "fresh".to_string())
}

fn round_trip_choices(persistent: Option<&str>, session: Option<&str>) {
    let mut first = engine();
    let ok = first.load_choices(persistent, session);
    if !ok && first.choices().purposes.is_empty() {
        return;
    }
    let encoded = first.encode_choices();
    let mut second = engine();
    let (p, s) = (encoded.0.as_deref(), encoded.1.as_deref());
    assert!(
        second.load_choices(p, s),
        "re-encoded choices do not load: {encoded:?}"
    );
    if encoded.0.is_none() && encoded.1.is_none() {
        // An empty record with no timestamps is stored as nothing at all.
        assert!(first.choices().purposes.is_empty());
        assert_eq!(first.choices().created_at, 0);
        assert_eq!(first.choices().updated_at, 0);
        return;
    }
    assert_eq!(
        first.choices(),
        second.choices(),
        "choices changed: {encoded:?}"
    );
    assert_eq!(
        encoded,
        second.encode_choices(),
        "encoding is not a fixed point"
    );
}

fn round_trip_ledger(stored: &str) {
    let mut first = engine();
    if !first.load_ledger(Some(stored)) {
        assert!(
            first.ledger().channels.is_empty(),
            "failed load kept entries"
        );
        return;
    }
    let encoded = first.encode_ledger();
    let mut second = engine();
    assert!(
        second.load_ledger(Some(&encoded)),
        "re-encoded ledger does not load: {encoded}"
    );
    assert_eq!(first.ledger(), second.ledger(), "ledger changed: {encoded}");
    assert_eq!(encoded, second.encode_ledger());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    round_trip_choices(Some(text), None);
    round_trip_choices(None, Some(text));
    if let Some((p, s)) = text.split_once('\0') {
        round_trip_choices(Some(p), Some(s));
    }
    round_trip_ledger(text);
});
