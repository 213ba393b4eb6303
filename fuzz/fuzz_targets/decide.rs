//! `decide` / `record` on arbitrary requests, arbitrary stored state and
//! arbitrary clocks (including jumps backwards), against a fixed valid config
//! (`fuzz/fixtures/decide.json`), checked against invariants written
//! independently of the engine:
//!
//! - nothing is allowed without a valid current grant (same revision, not
//!   from the future beyond the skew, not expired, same session for session
//!   grants, explicit under GPC for sale-or-share) or a required purpose, nor
//!   with a sensitive, demographic (under "deny") or undeclared signal, nor on
//!   an undeclared channel;
//! - `record` never lets a capped channel carry more than `max` messages in
//!   any window, and never blocks a channel that is below its cap;
//! - the stored forms the engine writes load back to the same state;
//! - nothing panics.
#![no_main]

use arbitrary::Arbitrary;
use candor_core::config::{SignalKind, DAY_MS};
use candor_core::decide::CLOCK_SKEW_MS;
use candor_core::stored::{encode_choices, encode_ledger, MAX_TIME};
use candor_core::{
    Choice, Choices, Config, Context, Duration, Engine, Ledger, Map as SortedMap, Method, Reason, Request,
};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const CONFIG: &str = include_str!("../fixtures/decide.json");
const T0: u64 = 1_795_910_400_000;
/// Session ids as the widget makes them (1 to 64 characters).
const SESSIONS: [&str; 3] = ["s1", "s2", "0123456789abcdef0123456789abcdef"];
const IDS: [&str; 20] = [
    "essential",
    "session-offers",
    "recommendations",
    "email-deals",
    "ads",
    "analytics",
    "cart",
    "browsing",
    "region",
    "age",
    "health",
    "onsite",
    "email",
    "push",
    "print",
    "__proto__",
    "constructor",
    "Ads",
    "email ",
    "",
];

fn config() -> &'static Config {
    static PARSED: OnceLock<Config> = OnceLock::new();
    PARSED.get_or_init(|| match Config::from_json(CONFIG) {
        Ok(c) => c,
        Err(e) => panic!("fuzz/fixtures/decide.json does not validate: {e}"),
    })
}

#[derive(Arbitrary, Debug)]
enum Id {
    Known(u8),
    Raw(String),
}
impl Id {
    fn as_str(&self) -> &str {
        match self {
            Id::Known(i) => IDS.get(usize::from(*i) % IDS.len()).copied().unwrap_or(""),
            Id::Raw(s) => s,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Time {
    /// T0 plus minutes (either way).
    Near(i32),
    Raw(u64),
}
impl Time {
    fn ms(&self) -> u64 {
        match self {
            Time::Near(m) => T0.saturating_add_signed(i64::from(*m) * 60_000),
            Time::Raw(t) => *t,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct StoredChoice {
    purpose: Id,
    granted: bool,
    at: Time,
    method: u8,
    explicit: bool,
    revision: u8,
    session: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct Stored {
    consent_id: String,
    revision: u8,
    created_at: Time,
    updated_at: Time,
    choices: Vec<StoredChoice>,
    ledger: Vec<(Id, Vec<Time>)>,
    /// Raw strings instead of (or corrupting) the structured state.
    raw: Option<(Option<String>, Option<String>, Option<String>)>,
}

#[derive(Arbitrary, Debug)]
struct Req {
    purpose: Id,
    signals: Vec<Id>,
    channel: Option<Id>,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Decide(Req),
    Record(Req),
    Set(Id, bool, u8),
    AcceptAll,
    RejectAll,
    Reset,
    /// Move the clock by minutes (backwards too).
    Clock(i32),
    /// Jump the clock anywhere.
    ClockTo(u64),
    Gpc(bool),
    Session(u8),
    /// Write everything to "storage" and read it back, as a reload or
    /// another tab does.
    Reload,
}

#[derive(Arbitrary, Debug)]
struct Input {
    stored: Stored,
    now: Time,
    session: u8,
    gpc: bool,
    ops: Vec<Op>,
}

struct World {
    engine: Engine,
    now: u64,
    session: &'static str,
    gpc: bool,
    /// Every delivery the ledger may know of, per capped channel: loaded
    /// entries and every allowed `record`.
    deliveries: SortedMap<String, Vec<u64>>,
}

fn session(i: u8) -> &'static str {
    SESSIONS
        .get(usize::from(i) % SESSIONS.len())
        .copied()
        .unwrap_or("")
}

fn method(i: u8) -> Method {
    Method::ALL
        .get(usize::from(i) % Method::ALL.len())
        .copied()
        .unwrap_or(Method::Api)
}

fn stored_forms(s: &Stored) -> (Option<String>, Option<String>, Option<String>) {
    if let Some(raw) = &s.raw {
        return raw.clone();
    }
    let mut purposes = SortedMap::new();
    for c in s.choices.iter().take(16) {
        purposes.insert(
            c.purpose.as_str().to_string(),
            Choice {
                granted: c.granted,
                at: c.at.ms(),
                method: method(c.method),
                explicit: c.explicit,
                revision: u32::from(c.revision % 5),
                session: c.session.map(|i| session(i).to_string()),
            },
        );
    }
    let choices = Choices {
        consent_id: s.consent_id.clone(),
        revision: u32::from(s.revision),
        created_at: s.created_at.ms(),
        updated_at: s.updated_at.ms(),
        purposes,
    };
    let (p, sess) = encode_choices(&choices, &config().fingerprint());
    let mut ledger = Ledger::default();
    for (channel, times) in s.ledger.iter().take(6) {
        let mut times: Vec<u64> = times.iter().take(8).map(Time::ms).collect();
        times.sort_unstable();
        ledger.channels.insert(channel.as_str().to_string(), times);
    }
    (p, sess, Some(encode_ledger(&ledger)))
}

impl World {
    /// The engine's clock: `now`, saturated at the end of year 9999.
    fn clock(&self) -> u64 {
        self.now.min(MAX_TIME)
    }

    fn ctx(&self) -> Context<'static> {
        Context {
            now: self.now,
            session: self.session,
            gpc: self.gpc,
        }
    }

    /// Independent reading of "a valid current grant" (the rule table in docs/api.md, rules 6–11).
    fn may(&self, purpose: &str) -> bool {
        let config = config();
        let Some(p) = config.purposes.iter().find(|p| p.id == purpose) else {
            return false;
        };
        if p.required {
            return true;
        }
        let Some(c) = self.engine.choices().purposes.get(purpose) else {
            return false;
        };
        let now = self.clock();
        let from_future = c.at > now.saturating_add(CLOCK_SKEW_MS);
        let days = match p.duration {
            Duration::Days(n) => n,
            Duration::Session => config.expires_after_days,
        };
        let expired = now >= c.at.saturating_add(u64::from(days) * DAY_MS);
        let session_ok = match &c.session {
            Some(s) => s == self.session,
            None => p.duration != Duration::Session,
        };
        let gpc_ok = !(self.gpc && p.sale_or_share) || c.explicit;
        c.granted
            && c.revision == config.revision
            && !from_future
            && !expired
            && session_ok
            && gpc_ok
    }

    fn check(&self, req: &Request<'_>, allowed: bool, reason: Reason, retry: Option<u64>) {
        assert_eq!(
            allowed,
            reason.is_allowed(),
            "allowed disagrees with {reason:?}"
        );
        let config = config();
        if let Some(t) = retry {
            assert_eq!(reason, Reason::FrequencyCap);
            assert!(
                t > self.clock(),
                "retryAfter {t} not after now {}",
                self.now
            );
        }
        if !allowed {
            return;
        }
        assert!(
            self.may(req.purpose),
            "allowed {req:?} without a valid grant: {reason:?}"
        );
        let Some(p) = config.purposes.iter().find(|p| p.id == req.purpose) else {
            return;
        };
        for s in req.signals {
            assert!(
                p.signals.iter().any(|d| d == s),
                "undeclared signal {s:?} allowed"
            );
            let kind = config.signals.iter().find(|d| d.id == *s).map(|d| d.kind);
            assert!(
                !matches!(kind, Some(SignalKind::Sensitive | SignalKind::Demographic)),
                "signal {s:?} of kind {kind:?} allowed"
            );
        }
        if let Some(ch) = req.channel {
            assert!(
                p.channels.iter().any(|d| d == ch),
                "undeclared channel {ch:?} allowed"
            );
        }
    }

    /// Deliveries counted against `channel`'s cap at `now`, from the model.
    fn in_window(&self, channel: &str) -> Option<(usize, u32)> {
        let cap = config().channel(channel)?.cap?;
        let times = self.deliveries.get(channel).map_or(&[][..], Vec::as_slice);
        let now = self.clock();
        let n = times
            .iter()
            .filter(|t| t.saturating_add(cap.window_ms) > now)
            .count();
        Some((n, cap.max))
    }

    fn request(&mut self, r: &Req, record: bool) {
        let signals: Vec<&str> = r.signals.iter().map(Id::as_str).collect();
        let req = Request {
            purpose: r.purpose.as_str(),
            signals: &signals,
            channel: r.channel.as_ref().map(Id::as_str),
        };
        let ctx = self.ctx();
        let before = req.channel.and_then(|c| self.in_window(c));
        let d = if record {
            self.engine.record(&req, &ctx)
        } else {
            self.engine.decide(&req, &ctx)
        };
        self.check(&req, d.allowed, d.reason, d.retry_after);
        let report = self.engine.report(&req, &d, "en");
        assert_eq!(report.allowed, d.allowed);
        assert!(!report.explanation.is_empty());
        if let Some((n, max)) = before {
            let max = usize::try_from(max).unwrap_or(usize::MAX);
            if d.allowed {
                assert!(
                    n < max,
                    "allowed with {n} deliveries in the window, cap {max}"
                );
            }
            if d.reason == Reason::FrequencyCap {
                assert!(
                    n >= max,
                    "capped with only {n} deliveries in the window, cap {max}"
                );
            }
            if record && d.allowed {
                if let Some(ch) = req.channel {
                    let now = self.clock();
                    self.deliveries
                        .get_or_insert_with(ch.to_string(), Vec::new)
                        .push(now);
                }
            }
        }
        if record && !d.allowed {
            // A denied record counts nothing: the same request still decides the same.
            let again = self.engine.decide(&req, &ctx);
            assert_eq!(again.reason, d.reason);
        }
    }

    fn reload(&mut self) {
        let (p, s) = self.engine.encode_choices();
        let ledger = self.engine.encode_ledger();
        let mut fresh = Engine::new(config().clone(), "reloaded".to_string());
        let loaded_choices = fresh.load_choices(p.as_deref(), s.as_deref());
        assert!(loaded_choices, "own choices do not load: {p:?} {s:?}");
        assert!(
            fresh.load_ledger(Some(&ledger)),
            "own ledger does not load: {ledger}"
        );
        if p.is_some() || s.is_some() {
            assert_eq!(
                fresh.choices(),
                self.engine.choices(),
                "choices changed by a reload"
            );
        }
        assert_eq!(
            fresh.ledger(),
            self.engine.ledger(),
            "ledger changed by a reload"
        );
        self.engine = fresh;
    }
}

fuzz_target!(|input: Input| {
    let config = config();
    let mut engine = Engine::new(config.clone(), "fresh".to_string());
    let (p, s, l) = stored_forms(&input.stored);
    let _ = engine.load_choices(p.as_deref(), s.as_deref());
    let mut deliveries: SortedMap<String, Vec<u64>> = SortedMap::new();
    if engine.load_ledger(l.as_deref()) {
        if let Some(l) = l.as_deref().and_then(candor_core::stored::decode_ledger) {
            deliveries = l.channels;
        }
    }
    let mut world = World {
        engine,
        now: input.now.ms(),
        session: session(input.session),
        gpc: input.gpc,
        deliveries,
    };
    for op in input.ops.iter().take(64) {
        match op {
            Op::Decide(r) => world.request(r, false),
            Op::Record(r) => world.request(r, true),
            Op::Set(id, granted, m) => {
                let ctx = world.ctx();
                let known = config.purpose(id.as_str()).is_some_and(|p| !p.required);
                let result = world.engine.set(id.as_str(), *granted, method(*m), &ctx);
                assert_eq!(
                    result.is_ok(),
                    known,
                    "set({:?}) -> {result:?}",
                    id.as_str()
                );
            }
            Op::AcceptAll => {
                let ctx = world.ctx();
                world.engine.accept_all(&ctx);
                assert!(world.engine.has_current_choices(&ctx));
            }
            Op::RejectAll => {
                let ctx = world.ctx();
                world.engine.reject_all(&ctx);
                assert!(world.engine.has_current_choices(&ctx));
                for p in config.purposes.iter().filter(|p| !p.required) {
                    let req = Request {
                        purpose: &p.id,
                        signals: &[],
                        channel: None,
                    };
                    assert!(
                        !world.engine.decide(&req, &ctx).allowed,
                        "{} after reject all",
                        p.id
                    );
                }
            }
            Op::Reset => world.engine.reset("reset".to_string()),
            Op::Clock(m) => {
                world.now = world.now.saturating_add_signed(i64::from(*m) * 60_000);
            }
            Op::ClockTo(t) => world.now = *t,
            Op::Gpc(on) => world.gpc = *on,
            Op::Session(i) => world.session = session(*i),
            Op::Reload => world.reload(),
        }
    }
    let ctx = world.ctx();
    let _ = world.engine.preferences(&ctx);
    let _ = world.engine.receipt(&ctx, "es");
});
