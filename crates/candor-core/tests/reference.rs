//! The engine against a deliberately naive reference evaluator, written
//! straight from the rule table (docs/api.md) with plain loops over the
//! public types (no helper shared with the engine), on random configs,
//! choices, ledgers, times, sessions, GPC flags and requests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use candor_core::{
    Choice, Choices, Config, Context, DemographicTargeting, Duration, Engine, Ledger, Method,
    Request, SignalKind,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const DAY: u64 = 86_400_000;
const T0: u64 = 1_795_910_400_000;

// ---------------------------------------------------------------------------
// The reference: rule by rule, first match wins.

fn reference(
    config: &Config,
    choices: &Choices,
    ledger: &Ledger,
    req: &Request<'_>,
    ctx: &Context<'_>,
) -> (bool, &'static str, Option<u64>) {
    // 1. purpose not in the config
    let mut purpose = None;
    for p in &config.purposes {
        if p.id == req.purpose {
            purpose = Some(p);
        }
    }
    let Some(p) = purpose else {
        return (false, "unknown-purpose", None);
    };
    // 2. a requested signal is sensitive
    for s in req.signals {
        for sig in &config.signals {
            if sig.id == *s && sig.kind == SignalKind::Sensitive {
                return (false, "sensitive-signal", None);
            }
        }
    }
    // 3. a requested signal is demographic and targeting is deny
    for s in req.signals {
        for sig in &config.signals {
            if sig.id == *s
                && sig.kind == SignalKind::Demographic
                && config.demographic_targeting == DemographicTargeting::Deny
            {
                return (false, "demographic-signal", None);
            }
        }
    }
    // 4. a requested signal is not declared on the purpose
    for s in req.signals {
        if !p.signals.iter().any(|d| d == s) {
            return (false, "undeclared-signal", None);
        }
    }
    // 5. a channel is given and is not declared on the purpose
    if let Some(ch) = req.channel {
        if !p.channels.iter().any(|d| d == ch) {
            return (false, "undeclared-channel", None);
        }
    }
    // 12, as a function: is the channel's cap reached now?
    let cap_reached = || -> Option<u64> {
        let ch = req.channel?;
        let mut cap = None;
        for c in &config.channels {
            if c.id == ch {
                cap = c.cap;
            }
        }
        let cap = cap?;
        let mut live = Vec::new();
        for (id, times) in &ledger.channels {
            if id == ch {
                for t in times {
                    if ctx.now < t + cap.window_ms {
                        live.push(*t);
                    }
                }
            }
        }
        live.sort();
        if live.len() >= cap.max as usize {
            Some(live[live.len() - cap.max as usize] + cap.window_ms)
        } else {
            None
        }
    };
    // 6. the purpose is required (rule 12 still applies)
    if p.required {
        if let Some(retry) = cap_reached() {
            return (false, "frequency-cap", Some(retry));
        }
        return (true, "required", None);
    }
    let choice = choices.purposes.get(&p.id);
    // 7. GPC on, saleOrShare, no explicit opt-in to this purpose
    if ctx.gpc && p.sale_or_share {
        let opted_in = match choice {
            Some(c) => c.granted && c.explicit,
            None => false,
        };
        if !opted_in {
            return (false, "gpc", None);
        }
    }
    // 8. no choice recorded
    let Some(c) = choice else {
        return (false, "no-choice", None);
    };
    // 9. made under another revision (older, or newer: a config this page does not know)
    if c.revision != config.revision {
        return (false, "outdated", None);
    }
    // 10. older than its duration, or a session grant from an earlier session
    if c.at > ctx.now + 10 * 60 * 1000 {
        return (false, "expired", None);
    }
    let lifetime_days = if !c.granted {
        config.expires_after_days
    } else {
        match p.duration {
            Duration::Session => config.expires_after_days,
            Duration::Days(n) => n,
        }
    };
    if ctx.now >= c.at + u64::from(lifetime_days) * DAY {
        return (false, "expired", None);
    }
    if c.granted {
        let same_session = c.session.as_deref() == Some(ctx.session);
        if p.duration == Duration::Session && !same_session {
            return (false, "expired", None);
        }
        if c.session.is_some() && !same_session {
            return (false, "expired", None);
        }
    }
    // 11. refused
    if !c.granted {
        return (false, "refused", None);
    }
    // 12. cap reached
    if let Some(retry) = cap_reached() {
        return (false, "frequency-cap", Some(retry));
    }
    // 13.
    (true, "granted", None)
}

// ---------------------------------------------------------------------------
// Strategies.

const SIGNALS: [&str; 6] = ["s0", "s1", "s2", "s3", "s4", "s5"];
const CHANNELS: [&str; 3] = ["c0", "c1", "c2"];
const PURPOSES: [&str; 5] = ["p0", "p1", "p2", "p3", "p4"];

fn kind() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["interest", "context", "demographic", "sensitive"])
}

fn cap() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        1 => Just(None),
        3 => (1u32..4, any::<bool>(), days()).prop_map(|(max, hours, n)| Some(if hours {
            json!({ "max": max, "perHours": if n > 2 { 24 } else { 1 } })
        } else {
            json!({ "max": max, "perDays": n })
        })),
    ]
}

#[derive(Debug, Clone)]
struct RawPurpose {
    required: bool,
    sale: bool,
    duration: u8,
    days: u32,
    signals: Vec<bool>,
    channels: Vec<bool>,
}

fn raw_purpose() -> impl Strategy<Value = RawPurpose> {
    (
        prop::bool::weighted(0.2),
        any::<bool>(),
        0u8..3,
        days(),
        prop::collection::vec(any::<bool>(), 6),
        prop::collection::vec(any::<bool>(), 3),
    )
        .prop_map(
            |(required, sale, duration, days, signals, channels)| RawPurpose {
                required,
                sale,
                duration,
                days,
                signals,
                channels,
            },
        )
}

/// A random valid config, built as JSON and parsed.
fn config() -> impl Strategy<Value = Config> {
    (
        0u32..3,
        days(),
        any::<bool>(),
        prop::collection::vec(kind(), 1..=6),
        prop::collection::vec(cap(), 0..=3),
        prop::collection::vec(raw_purpose(), 1..=5),
    )
        .prop_map(|(revision, expires, disclosed, kinds, caps, purposes)| {
            let signals: Vec<Value> = kinds
                .iter()
                .enumerate()
                .map(
                    |(i, k)| json!({ "id": SIGNALS[i], "kind": k, "label": format!("Signal {i}") }),
                )
                .collect();
            let channels: Vec<Value> = caps
                .iter()
                .enumerate()
                .map(|(i, cap)| {
                    let mut c = json!({ "id": CHANNELS[i], "label": format!("by {i}") });
                    if let Some(cap) = cap {
                        c["cap"] = cap.clone();
                    }
                    c
                })
                .collect();
            let usable = |i: usize| match kinds.get(i).copied() {
                Some("sensitive") | None => false,
                Some("demographic") => disclosed,
                Some(_) => true,
            };
            let purposes: Vec<Value> = purposes
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let sigs: Vec<&str> = (0..6)
                        .filter(|&j| p.signals[j] && usable(j))
                        .map(|j| SIGNALS[j])
                        .collect();
                    let chans: Vec<&str> = (0..caps.len())
                        .filter(|&j| p.channels[j])
                        .map(|j| CHANNELS[j])
                        .collect();
                    let mut v = json!({
                        "id": PURPOSES[i], "signals": sigs, "channels": chans,
                        "title": format!("Purpose {i}"), "description": "d",
                    });
                    if p.required {
                        v["required"] = true.into();
                    } else {
                        v["saleOrShare"] = p.sale.into();
                        match p.duration {
                            1 => v["duration"] = "session".into(),
                            2 => v["duration"] = json!({ "days": p.days }),
                            _ => {}
                        }
                    }
                    v
                })
                .collect();
            let json = json!({
                "revision": revision, "expiresAfterDays": expires,
                "demographicTargeting": if disclosed { "disclosed" } else { "deny" },
                "signals": signals, "channels": channels, "purposes": purposes,
            });
            Config::from_json(&json.to_string()).expect("generated config is valid")
        })
}

fn method() -> impl Strategy<Value = Method> {
    prop::sample::select(Method::ALL.to_vec())
}

/// Times are generated relative to `now`, as `REL + offset`, and rebased
/// onto the context's `now` in the test body ([`rebase`]), so that the
/// edges of every rule (whole days, the clock-skew allowance) are hit often.
const REL: u64 = 1_000 * DAY;

fn time() -> impl Strategy<Value = u64> {
    const HOUR: u64 = 3_600_000;
    let edge = prop::sample::select(vec![-1i64, 0, 1]);
    prop_oneof![
        // Anywhere from 40 days before now to a day after.
        1 => (0u64..41 * DAY).prop_map(|o| REL - 40 * DAY + o),
        // On the edge of a day-long lifetime or window (see DAYS).
        2 => (prop::sample::select(vec![0u64, 1, 2, 7, 30, 31]), edge.clone())
            .prop_map(|(d, e)| (REL - d * DAY).saturating_add_signed(e)),
        // On the edge of an hour-long window (see `cap`).
        1 => (prop::sample::select(vec![1u64, 24]), edge.clone())
            .prop_map(|(h, e)| (REL - h * HOUR).saturating_add_signed(e)),
        // On the edge of the 10-minute clock-skew allowance.
        1 => edge.prop_map(|e| (REL + 600_000).saturating_add_signed(e)),
    ]
}

/// Lifetimes and windows in days, few so that `time` hits their edges.
fn days() -> impl Strategy<Value = u32> {
    prop::sample::select(vec![1u32, 2, 7, 30])
}

fn rebase(t: u64, now: u64) -> u64 {
    t + now - REL
}

fn session() -> impl Strategy<Value = Option<String>> {
    prop::sample::select(vec![None, Some("a".to_string()), Some("b".to_string())])
}

fn choice() -> impl Strategy<Value = Choice> {
    (
        any::<bool>(),
        time(),
        method(),
        any::<bool>(),
        0u32..4,
        session(),
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
    prop::collection::vec(prop::option::of(choice()), 6).prop_map(|cs| {
        let mut choices = Choices {
            consent_id: "consent".into(),
            revision: 1,
            created_at: 1,
            updated_at: 2,
            ..Choices::default()
        };
        for (i, c) in cs.into_iter().enumerate() {
            if let Some(c) = c {
                let id = PURPOSES.get(i).copied().unwrap_or("px");
                choices.purposes.insert(id.to_string(), c);
            }
        }
        choices
    })
}

fn ledger() -> impl Strategy<Value = Ledger> {
    prop::collection::vec(prop::collection::vec(time(), 0..5), 4).prop_map(|lists| {
        let mut ledger = Ledger::default();
        for (i, mut times) in lists.into_iter().enumerate() {
            times.sort_unstable();
            let id = CHANNELS.get(i).copied().unwrap_or("cx");
            ledger.channels.insert(id.to_string(), times);
        }
        ledger
    })
}

#[derive(Debug, Clone)]
struct Req {
    purpose: &'static str,
    signals: Vec<&'static str>,
    channel: Option<&'static str>,
}

fn request() -> impl Strategy<Value = Req> {
    let purpose = prop::sample::select(vec!["p0", "p1", "p2", "p3", "p4", "px", ""]);
    let signal = prop::sample::select(vec!["s0", "s1", "s2", "s3", "s4", "s5", "sx"]);
    let channel = prop::option::of(prop::sample::select(vec!["c0", "c1", "c2", "cx"]));
    let any_request = (purpose, prop::collection::vec(signal, 0..4), channel).prop_map(
        |(purpose, signals, channel)| Req {
            purpose,
            signals,
            channel,
        },
    );
    // A quarter of the requests name only a purpose that usually exists, so that
    // rules 6–13 are reached often.
    let plain = prop::sample::select(vec!["p0", "p1", "p2"]).prop_map(|purpose| Req {
        purpose,
        signals: Vec::new(),
        channel: None,
    });
    // And a quarter name a purpose and a channel, to reach the caps.
    let message = (
        prop::sample::select(vec!["p0", "p1", "p2"]),
        prop::sample::select(vec!["c0", "c1", "c2"]),
    )
        .prop_map(|(purpose, channel)| Req {
            purpose,
            signals: Vec::new(),
            channel: Some(channel),
        });
    prop_oneof![2 => any_request, 1 => plain, 1 => message]
}

fn context() -> impl Strategy<Value = (u64, &'static str, bool)> {
    (
        (T0..T0 + 40 * DAY),
        prop::sample::select(vec!["a", "b"]),
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn engine_agrees_with_reference(
        config in config(),
        choices in choices(),
        ledger in ledger(),
        req in request(),
        (now, session, gpc) in context(),
    ) {
        let mut choices = choices;
        for (_, c) in choices.purposes.iter_mut() {
            c.at = rebase(c.at, now);
        }
        let mut ledger = ledger;
        for (_, times) in ledger.channels.iter_mut() {
            for t in times.iter_mut() {
                *t = rebase(*t, now);
            }
        }
        let request = Request { purpose: req.purpose, signals: &req.signals, channel: req.channel };
        let ctx = Context { now, session, gpc };
        let want = reference(&config, &choices, &ledger, &request, &ctx);

        let d = candor_core::decide(&config, &choices, &ledger, &request, &ctx);
        prop_assert_eq!((d.allowed, d.reason.as_str(), d.retry_after), want);

        // The same through the engine, after a trip through the stored forms
        // (which also prunes the ledger: decisions must not change).
        let mut engine = Engine::new(config.clone(), "other".into());
        let (local, sess) = candor_core::stored::encode_choices(&choices, engine.fingerprint());
        prop_assert!(engine.load_choices(local.as_deref(), sess.as_deref()));
        prop_assert!(engine.load_ledger(Some(&candor_core::stored::encode_ledger(&ledger))));
        let d = engine.decide(&request, &ctx);
        prop_assert_eq!((d.allowed, d.reason.as_str(), d.retry_after), want);
    }
}

#[derive(Debug, Clone)]
enum Step {
    Set(usize, bool, Method),
    Record(usize, Option<usize>),
    Wait(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (0usize..5, any::<bool>(), method()).prop_map(|(p, g, m)| Step::Set(p, g, m)),
        4 => (0usize..5, prop::option::of(0usize..3)).prop_map(|(p, c)| Step::Record(p, c)),
        2 => prop_oneof![0u64..3_600_000, 0u64..3 * DAY].prop_map(Step::Wait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    /// `record` counts a delivery exactly when the decision allows it on a
    /// capped channel, and never lets more than `max` through in any window.
    #[test]
    fn record_respects_caps(config in config(), steps in prop::collection::vec(step(), 1..60), gpc in any::<bool>()) {
        let mut engine = Engine::new(config.clone(), "c".into());
        let mut now = T0;
        let mut delivered: Vec<Vec<u64>> = vec![Vec::new(); 3];
        for s in steps {
            let ctx = Context { now, session: "a", gpc };
            match s {
                Step::Wait(ms) => now += ms,
                Step::Set(p, g, m) => {
                    if let Some(p) = config.purposes.get(p) {
                        let r = engine.set(&p.id, g, m, &ctx);
                        prop_assert_eq!(r.is_ok(), !p.required);
                    }
                }
                Step::Record(p, c) => {
                    let purpose = config.purposes.get(p).map_or("px", |p| p.id.as_str());
                    let channel = c.map(|c| CHANNELS[c]);
                    let request = Request { purpose, signals: &[], channel };
                    let before = engine.decide(&request, &ctx);
                    let count_before: usize = engine.ledger().channels.values().map(Vec::len).sum();
                    let d = engine.record(&request, &ctx);
                    prop_assert_eq!(&d, &before);
                    let capped = c.and_then(|c| config.channels.get(c)).and_then(|ch| ch.cap);
                    let recorded = engine.ledger().channels.get(channel.unwrap_or("")).is_some_and(|t| t.contains(&now));
                    if d.allowed && capped.is_some() {
                        prop_assert!(recorded);
                        delivered[c.unwrap()].push(now);
                    } else {
                        let count_after: usize = engine.ledger().channels.values().map(Vec::len).sum();
                        prop_assert!(count_after <= count_before);
                    }
                }
            }
        }
        for (i, times) in delivered.iter().enumerate() {
            let Some(cap) = config.channels.get(i).and_then(|c| c.cap) else { continue };
            for &t in times {
                let in_window = times.iter().filter(|&&u| u <= t && t < u + cap.window_ms).count();
                prop_assert!(in_window <= cap.max as usize, "channel {i}: {in_window} deliveries in a window");
            }
            if let Some(kept) = engine.ledger().channels.get(CHANNELS[i]) {
                prop_assert!(kept.len() <= cap.max as usize);
            }
        }
    }
}
