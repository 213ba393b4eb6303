//! Regression tests for what fuzzing (`cargo xtask fuzz`, see `fuzz/`) found.
//! Each test names the target and the input it reduces.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use candor_core::stored::MAX_TIME;
use candor_core::{Config, Context, Engine, Method, Request};

const CONFIG: &str = r#"{
  "revision": 3, "expiresAfterDays": 30,
  "channels": [{ "id": "email", "label": "by email", "cap": { "max": 2, "perDays": 7 } }],
  "purposes": [
    { "id": "essential", "required": true, "title": "Essential", "description": "Cart." },
    { "id": "offers", "duration": "session", "title": "Offers", "description": "Offers." },
    { "id": "email-deals", "channels": ["email"], "title": "Deals", "description": "Emails." }
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

fn reload(engine: &Engine) -> Engine {
    let (p, s) = engine.encode_choices();
    let mut fresh = Engine::new(engine.config().clone(), "other".into());
    assert!(
        fresh.load_choices(p.as_deref(), s.as_deref()),
        "{p:?} {s:?}"
    );
    assert!(fresh.load_ledger(Some(&engine.encode_ledger())));
    fresh
}

/// `decide` target, crash-d244ad10: `now = u64::MAX` (a `Date.now()` of
/// `Infinity` or 1e300 becomes that), then Reject all. The refusals were
/// dated `u64::MAX`, so expired at once, and the record was written with
/// times its own decoder rejects: a reload forgot every choice. The engine
/// now saturates its clock at the end of year 9999.
#[test]
fn clock_beyond_year_9999_is_saturated() {
    for now in [u64::MAX, 8_640_000_000_000_000, MAX_TIME + 1] {
        let mut e = engine();
        e.reject_all(&ctx(now));
        assert!(e.has_current_choices(&ctx(now)), "now = {now}");
        e.set("offers", true, Method::Api, &ctx(now)).unwrap();
        let again = reload(&e);
        assert_eq!(again.choices(), e.choices(), "now = {now}");
        assert_eq!(again.choices().purposes.get("offers").unwrap().at, MAX_TIME);
        assert!(again.has_current_choices(&ctx(now)));
    }
}

/// Same clock, frequency caps: deliveries counted at an absurd time must
/// survive the re-read the widget does before every `record()`, or the cap
/// would never bite under a broken clock.
#[test]
fn cap_holds_under_a_clock_beyond_year_9999() {
    let now = 8_640_000_000_000_000;
    let mut e = engine();
    e.set("email-deals", true, Method::Api, &ctx(now)).unwrap();
    let email = Request {
        purpose: "email-deals",
        signals: &[],
        channel: Some("email"),
    };
    let mut allowed = 0;
    for _ in 0..5 {
        e = reload(&e);
        if e.record(&email, &ctx(now)).allowed {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 2);
}

/// Found while writing the browser's hostile-input catalogue (the same
/// class as the `stored` target's forbidden keys): a config could name a
/// purpose or channel `constructor`, `__proto__` or `prototype`. The stored
/// forms refuse those keys, so once the shopper chose for such a purpose the
/// whole record failed to decode on every reload (every choice lost), and a
/// capped channel of that name lost its ledger (the cap never held across
/// pages). The config now rejects such ids.
#[test]
fn reserved_ids_are_rejected_by_the_config() {
    for id in ["__proto__", "constructor", "prototype"] {
        for json in [
            format!(r#"{{"purposes":[{{"id":"{id}","title":"T","description":"D"}}]}}"#),
            format!(
                r#"{{"channels":[{{"id":"{id}","label":"L","cap":{{"max":1,"perDays":1}}}}],
                    "purposes":[{{"id":"p","channels":["{id}"],"title":"T","description":"D"}}]}}"#
            ),
            format!(
                r#"{{"signals":[{{"id":"{id}","kind":"interest","label":"L"}}],
                    "purposes":[{{"id":"p","title":"T","description":"D"}}]}}"#
            ),
        ] {
            let e = Config::from_json(&json).unwrap_err();
            assert!(e.to_string().contains("reserved"), "{id}: {e}");
        }
    }
}
