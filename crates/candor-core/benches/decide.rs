//! `decide` and `record` on a realistic config: 20 purposes, 40 signals,
//! 3 channels. Run with `cargo bench -p candor-core --bench decide`.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use candor_core::{Config, Context, Engine, Method, Request};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use std::hint::black_box;

const NOW: u64 = 1_795_910_400_000;
const HOUR: u64 = 3_600_000;

fn config() -> Config {
    let signals: Vec<_> = (0..40)
        .map(|i| {
            json!({
                "id": format!("signal-{i}"),
                "kind": if i % 3 == 0 { "context" } else { "interest" },
                "label": { "en": format!("Signal {i}"), "fr": format!("Signal {i} (fr)") },
            })
        })
        .collect();
    let channels = json!([
        { "id": "onsite", "label": "on this site", "cap": { "max": 3, "perHours": 24 } },
        { "id": "email", "label": "by email", "cap": { "max": 2, "perDays": 7 } },
        { "id": "push", "label": "by notification" },
    ]);
    let purposes: Vec<_> = (0..20)
        .map(|i| {
            let mut p = json!({
                "id": format!("purpose-{i}"),
                "signals": (0..4).map(|k| format!("signal-{}", (i * 2 + k) % 40)).collect::<Vec<_>>(),
                "channels": ["onsite", "email", "push"],
                "title": { "en": format!("Purpose {i}") },
                "description": { "en": "What it does." },
            });
            if i == 0 {
                p["required"] = true.into();
                p["channels"] = json!([]);
            }
            if i % 5 == 1 {
                p["duration"] = "session".into();
            }
            if i % 7 == 2 {
                p["saleOrShare"] = true.into();
            }
            p
        })
        .collect();
    let json =
        json!({ "revision": 2, "signals": signals, "channels": channels, "purposes": purposes });
    Config::from_json(&json.to_string()).unwrap()
}

fn engine() -> Engine {
    let mut engine = Engine::new(config(), "consent".into());
    let ctx = Context {
        now: NOW - HOUR,
        session: "s",
        gpc: true,
    };
    engine.accept_all(&ctx);
    for i in (1..20).step_by(3) {
        engine
            .set(&format!("purpose-{i}"), true, Method::Preferences, &ctx)
            .unwrap();
    }
    engine
        .set("purpose-11", false, Method::Preferences, &ctx)
        .unwrap();
    engine
}

fn bench(c: &mut Criterion) {
    let e = engine();
    let ctx = Context {
        now: NOW,
        session: "s",
        gpc: true,
    };
    let granted = Request {
        purpose: "purpose-16",
        signals: &["signal-32", "signal-33"],
        channel: Some("onsite"),
    };
    assert_eq!(e.decide(&granted, &ctx).reason.as_str(), "granted");
    c.bench_function("decide/granted, 2 signals, capped channel", |b| {
        b.iter(|| e.decide(black_box(&granted), black_box(&ctx)))
    });
    let plain = Request {
        purpose: "purpose-19",
        signals: &[],
        channel: None,
    };
    assert_eq!(e.decide(&plain, &ctx).reason.as_str(), "granted");
    c.bench_function("decide/granted, purpose only", |b| {
        b.iter(|| e.decide(black_box(&plain), black_box(&ctx)))
    });
    let refused = Request {
        purpose: "purpose-11",
        signals: &["signal-22"],
        channel: None,
    };
    assert_eq!(e.decide(&refused, &ctx).reason.as_str(), "refused");
    c.bench_function("decide/refused", |b| {
        b.iter(|| e.decide(black_box(&refused), black_box(&ctx)))
    });
    let undeclared = Request {
        purpose: "purpose-12",
        signals: &["signal-39"],
        channel: None,
    };
    assert_eq!(
        e.decide(&undeclared, &ctx).reason.as_str(),
        "undeclared-signal"
    );
    c.bench_function("decide/undeclared signal", |b| {
        b.iter(|| e.decide(black_box(&undeclared), black_box(&ctx)))
    });
    let unknown = Request {
        purpose: "purpose-99",
        signals: &[],
        channel: None,
    };
    c.bench_function("decide/unknown purpose", |b| {
        b.iter(|| e.decide(black_box(&unknown), black_box(&ctx)))
    });

    // record: one delivery every 9 hours on a 3-per-24-hours channel, so
    // every call is allowed and counted (and the window keeps sliding).
    let mut e2 = engine();
    let mut now = NOW;
    c.bench_function("record/allowed, counted", |b| {
        b.iter(|| {
            now += 9 * HOUR;
            let ctx = Context {
                now,
                session: "s",
                gpc: true,
            };
            let d = e2.record(black_box(&granted), &ctx);
            debug_assert!(d.allowed);
            d
        })
    });
    // record when the cap is reached: decided, not counted.
    let mut e3 = engine();
    for _ in 0..3 {
        e3.record(&granted, &ctx);
    }
    assert_eq!(e3.decide(&granted, &ctx).reason.as_str(), "frequency-cap");
    c.bench_function("record/frequency cap", |b| {
        b.iter(|| e3.record(black_box(&granted), black_box(&ctx)))
    });

    let e4 = engine();
    c.bench_function("report/granted, with explanation", |b| {
        b.iter(|| {
            let d = e4.decide(black_box(&granted), &ctx);
            e4.report(&granted, &d, "en")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
