//! [`Engine::allowed_snapshot`] against [`Engine::decide`]: on random
//! configs, choices, sessions, GPC flags and clocks, the snapshot taken at
//! `now` is `decide({ purpose }).allowed` for every purpose at any later time
//! before its `next_change`, and at `next_change` something may change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use candor_core::{Choice, Choices, Config, Context, Engine, Method, Request};
use proptest::prelude::*;
use serde_json::{json, Value};

const DAY: u64 = 86_400_000;
const SKEW: u64 = candor_core::decide::CLOCK_SKEW_MS;
const T0: u64 = 1_795_910_400_000;
const PURPOSES: [&str; 5] = ["p0", "p1", "p2", "p3", "p4"];

/// A random valid config: 1–5 purposes, required or not, sale-or-share or
/// not, default, session or day-counted durations, 1–30 days' backstop.
fn config() -> impl Strategy<Value = Config> {
    let purpose = (prop::bool::weighted(0.2), any::<bool>(), 0u8..3, days());
    (0u32..3, days(), prop::collection::vec(purpose, 1..=5)).prop_map(
        |(revision, expires, purposes)| {
            let purposes: Vec<Value> = purposes
                .iter()
                .enumerate()
                .map(|(i, &(required, sale, duration, days))| {
                    let mut v = json!({ "id": PURPOSES[i], "title": "t", "description": "d" });
                    if required {
                        v["required"] = true.into();
                    } else {
                        v["saleOrShare"] = sale.into();
                        match duration {
                            1 => v["duration"] = "session".into(),
                            2 => v["duration"] = json!({ "days": days }),
                            _ => {}
                        }
                    }
                    v
                })
                .collect();
            let json =
                json!({ "revision": revision, "expiresAfterDays": expires, "purposes": purposes });
            Config::from_json(&json.to_string()).expect("generated config is valid")
        },
    )
}

fn days() -> impl Strategy<Value = u32> {
    prop::sample::select(vec![1u32, 2, 7, 30])
}

/// An offset from `now`, often on the edge of a day count or of the skew.
fn offset() -> impl Strategy<Value = i64> {
    let d = DAY as i64;
    let edge = prop::sample::select(vec![-1i64, 0, 1]);
    prop_oneof![
        2 => -40 * d..2 * d,
        2 => (prop::sample::select(vec![0i64, 1, 2, 7, 30, 31]), edge.clone()).prop_map(move |(n, e)| -n * d + e),
        1 => edge.prop_map(|e| SKEW as i64 + e),
        1 => 0..3 * SKEW as i64,
    ]
}

/// granted, `at` as an offset from now, method, explicit, revision, session.
type RawChoice = (bool, i64, Method, bool, u32, Option<&'static str>);

fn choice() -> impl Strategy<Value = RawChoice> {
    (
        any::<bool>(),
        offset(),
        prop::sample::select(Method::ALL.to_vec()),
        any::<bool>(),
        0u32..4,
        prop::sample::select(vec![None, Some("a"), Some("b")]),
    )
}

fn engine_with(config: &Config, raw: &[Option<RawChoice>], now: u64) -> Engine {
    let mut choices = Choices {
        consent_id: "consent".into(),
        revision: 1,
        created_at: 1,
        updated_at: 2,
        ..Choices::default()
    };
    for (i, c) in raw.iter().enumerate() {
        if let Some((granted, off, method, explicit, revision, session)) = *c {
            choices.purposes.insert(
                PURPOSES[i].to_string(),
                Choice {
                    granted,
                    at: now.saturating_add_signed(off),
                    method,
                    explicit,
                    revision,
                    session: session.map(str::to_string),
                },
            );
        }
    }
    let mut engine = Engine::new(config.clone(), "other".into());
    let (local, session) = candor_core::stored::encode_choices(&choices, engine.fingerprint());
    assert!(engine.load_choices(local.as_deref(), session.as_deref()));
    engine
}

fn answers(engine: &Engine, ctx: &Context<'_>) -> Vec<bool> {
    engine
        .config()
        .purposes
        .iter()
        .map(|p| {
            let request = Request {
                purpose: &p.id,
                signals: &[],
                channel: None,
            };
            engine.decide(&request, ctx).allowed
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn snapshot_matches_decide_until_next_change(
        config in config(),
        raw in prop::collection::vec(prop::option::of(choice()), 5),
        now in T0..T0 + 40 * DAY,
        session in prop::sample::select(vec!["a", "b"]),
        gpc in any::<bool>(),
        later in prop::collection::vec(0u64..50 * DAY, 8),
    ) {
        let engine = engine_with(&config, &raw, now);
        let ctx = |now| Context { now, session, gpc };
        let snapshot = engine.allowed_snapshot(&ctx(now));
        prop_assert_eq!(snapshot.now, now);
        prop_assert_eq!(&snapshot.allowed, &answers(&engine, &ctx(now)));
        let until = snapshot.next_change.unwrap_or(u64::MAX);
        prop_assert!(until > now);
        // Random times before the next change, and its last millisecond.
        let mut times: Vec<u64> = later.iter().map(|d| now + d).filter(|t| *t < until).collect();
        times.push(until.saturating_sub(1).min(now + 60 * DAY));
        for t in times {
            prop_assert_eq!(&snapshot.allowed, &answers(&engine, &ctx(t)), "at now + {} ms", t - now);
        }
        // The next change is a real boundary: a new snapshot there has a
        // later next change (or none), so a timer cannot spin.
        if let Some(next) = snapshot.next_change {
            let again = engine.allowed_snapshot(&ctx(next));
            prop_assert!(again.next_change.is_none_or(|n| n > next));
        }
    }
}
