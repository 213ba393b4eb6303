//! `Config::from_json` on arbitrary text: never panics, and a config that
//! validates satisfies the config's validation rules (docs/config.md), and a
//! fresh engine over it denies every non-required purpose.
#![no_main]

use candor_core::config::SignalKind;
use candor_core::{Config, Context, DemographicTargeting, Duration, Engine, Request};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;

fn unique<'a>(ids: impl Iterator<Item = &'a String>) -> bool {
    let mut seen = BTreeSet::new();
    ids.into_iter().all(|id| !id.is_empty() && seen.insert(id))
}

fn check(config: &Config) {
    assert!(
        !config.purposes.is_empty(),
        "validated config without purposes"
    );
    assert!(unique(config.purposes.iter().map(|p| &p.id)), "purpose ids");
    assert!(unique(config.signals.iter().map(|s| &s.id)), "signal ids");
    assert!(unique(config.channels.iter().map(|c| &c.id)), "channel ids");
    assert!(config.expires_after_days > 0, "expiresAfterDays 0");
    for c in &config.channels {
        if let Some(cap) = &c.cap {
            assert!(cap.max > 0 && cap.window_ms > 0, "cap {cap:?} of {}", c.id);
        }
    }
    for p in &config.purposes {
        if p.required {
            assert!(!p.sale_or_share, "required purpose {} is saleOrShare", p.id);
            assert_eq!(
                p.duration,
                Duration::Days(config.expires_after_days),
                "required purpose {} has its own duration",
                p.id
            );
        }
        if let Duration::Days(n) = p.duration {
            assert!(n > 0, "purpose {} lasts 0 days", p.id);
        }
        for s in &p.signals {
            let signal = config.signal(s);
            let kind = signal.map(|s| s.kind);
            assert!(
                signal.is_some(),
                "purpose {} names unknown signal {s}",
                p.id
            );
            assert_ne!(
                kind,
                Some(SignalKind::Sensitive),
                "sensitive {s} on {}",
                p.id
            );
            if config.demographic_targeting == DemographicTargeting::Deny {
                assert_ne!(kind, Some(SignalKind::Demographic), "demographic {s}");
            }
        }
        for c in &p.channels {
            assert!(
                config.channel(c).is_some(),
                "purpose {} names unknown channel {c}",
                p.id
            );
        }
    }

    // A fresh engine: nothing allowed but required purposes, and the
    // JS-facing views never panic.
    let engine = Engine::new(config.clone(), "fuzz".to_string());
    let ctx = Context {
        now: 1_795_910_400_000,
        session: "s",
        gpc: true,
    };
    for p in &config.purposes {
        let request = Request {
            purpose: &p.id,
            signals: &[],
            channel: None,
        };
        let decision = engine.decide(&request, &ctx);
        assert_eq!(
            decision.allowed, p.required,
            "fresh engine, purpose {}",
            p.id
        );
        let _ = engine.report(&request, &decision, "fr");
    }
    let _ = engine.preferences(&ctx);
    let _ = engine.receipt(&ctx, "de");
    assert!(!engine.has_current_choices(&ctx) || config.purposes.iter().all(|p| p.required));
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::from_json(text) {
        Ok(config) => check(&config),
        Err(e) => {
            // The message is for a site developer: never empty.
            assert!(!e.to_string().is_empty());
        }
    }
});
