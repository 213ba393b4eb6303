//! `allows(purpose)` answered ahead of time: [`Engine::allowed_snapshot`]
//! decides `{ purpose }` for every purpose of the config and says until when
//! these answers hold, so the widget can keep them in a plain JS map and
//! answer `allows()` without crossing into wasm. The policy stays here: the
//! snapshot is [`Engine::decide`]'s answers, memoized.
//!
//! Without signals or a channel, [`decide`](crate::decide()) depends on time
//! only through [`choice_status`](crate::decide::choice_status) (rule 10):
//! a future-dated choice becomes trusted at `at - CLOCK_SKEW_MS`, a refusal
//! expires at `at + expiresAfterDays`, a grant at `at + days` or, for a
//! session purpose, at `at + expiresAfterDays`. Everything else (config,
//! choices, session, GPC) only changes through the caller, which takes a new
//! snapshot after every change.

use crate::config::{Duration, DAY_MS};
use crate::decide::CLOCK_SKEW_MS;
use crate::{stored, Context, Engine, Request};
use serde::Serialize;

/// `decide({ purpose }).allowed` for every purpose, and until when it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// `ctx.now` as the engine read it (clamped to [`stored::MAX_TIME`]).
    pub now: u64,
    /// `decide({ purpose }).allowed` for each purpose, in config order.
    pub allowed: Vec<bool>,
    /// The earliest time (epoch ms, after [`Snapshot::now`]) at which one of
    /// the answers may change by time alone; `None`: not before the next
    /// change of choices, config, session or GPC. Every answer holds for
    /// any clock in `now..next_change` (a clock going backwards may change
    /// them: take a new snapshot when in doubt).
    pub next_change: Option<u64>,
}

/// What the widget hands to its JS facade: the ids of the allowed purposes
/// and, when one of the answers may change by time alone, the milliseconds
/// until then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AllowedNow<'a> {
    /// Ids of the purposes `decide({ purpose })` allows, in config order.
    pub allowed: Vec<&'a str>,
    /// Milliseconds until [`Snapshot::next_change`], if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_in: Option<u64>,
}

impl Snapshot {
    /// The form the widget hands to its JS facade (see [`AllowedNow`]).
    pub fn allowed_now<'a>(&self, engine: &'a Engine) -> AllowedNow<'a> {
        let ids = engine.config().purposes.iter().map(|p| p.id.as_str());
        AllowedNow {
            allowed: ids
                .zip(&self.allowed)
                .filter(|(_, a)| **a)
                .map(|(id, _)| id)
                .collect(),
            refresh_in: self.next_change.map(|t| t.saturating_sub(self.now)),
        }
    }

    /// [`allowed_now`](Snapshot::allowed_now) as JSON text:
    /// `{"allowed":["<id>",…],"refreshIn":<ms>}` (`refreshIn` absent when
    /// only a change can alter the answers).
    pub fn to_json(&self, engine: &Engine) -> String {
        serde_json::to_string(&self.allowed_now(engine)).unwrap_or_default()
    }
}

impl Engine {
    /// `decide({ purpose }).allowed` for every purpose of the config at
    /// `ctx`, and the earliest later time at which one of these answers may
    /// change without any other change (see [`Snapshot`]).
    ///
    /// ```
    /// use candor_core::{Config, Context, Engine, Method};
    ///
    /// let config = Config::from_json(r#"{ "purposes": [
    ///   { "id": "essential", "required": true, "title": "Essential", "description": "Cart." },
    ///   { "id": "offers", "duration": { "days": 1 }, "title": "Offers", "description": "…" },
    ///   { "id": "ads", "title": "Ads", "description": "…" } ] }"#)?;
    /// let mut engine = Engine::new(config, "id".into());
    /// let ctx = Context { now: 1_000, session: "s", gpc: false };
    /// engine.set("offers", true, Method::Api, &ctx).unwrap();
    ///
    /// let snapshot = engine.allowed_snapshot(&ctx);
    /// assert_eq!(snapshot.allowed, [true, true, false]);
    /// assert_eq!(snapshot.next_change, Some(1_000 + 86_400_000)); // the grant ends
    /// assert_eq!(snapshot.to_json(&engine), r#"{"allowed":["essential","offers"],"refreshIn":86400000}"#);
    /// # Ok::<(), candor_core::ConfigError>(())
    /// ```
    pub fn allowed_snapshot(&self, ctx: &Context<'_>) -> Snapshot {
        // What `decide` sees: the clock clamped to the stored forms' range.
        let now = ctx.now.min(stored::MAX_TIME);
        let config = self.config();
        let mut next: Option<u64> = None;
        let mut allowed = Vec::with_capacity(config.purposes.len());
        for p in &config.purposes {
            let request = Request {
                purpose: &p.id,
                signals: &[],
                channel: None,
            };
            if !p.required {
                if let Some(c) = self.choices().purposes.get(&p.id) {
                    let days = |n: u32| c.at.saturating_add(u64::from(n) * DAY_MS);
                    let lifetime = match (c.granted, p.duration) {
                        (true, Duration::Days(n)) => days(n),
                        _ => days(config.expires_after_days),
                    };
                    // The clamped clock never passes MAX_TIME.
                    let candidates = [c.at.saturating_sub(CLOCK_SKEW_MS), lifetime];
                    for t in candidates {
                        if t > now && t <= stored::MAX_TIME {
                            next = Some(next.map_or(t, |n| n.min(t)));
                        }
                    }
                }
            }
            allowed.push(self.decide(&request, ctx).allowed);
        }
        Snapshot {
            now,
            allowed,
            next_change: next,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::{Config, Method};

    const T: u64 = 1_795_910_400_000;

    fn engine() -> Engine {
        let config = Config::from_json(
            r#"{ "expiresAfterDays": 30, "purposes": [
              { "id": "essential", "required": true, "title": "E", "description": "d" },
              { "id": "visit", "duration": "session", "title": "V", "description": "d" },
              { "id": "week", "duration": { "days": 7 }, "title": "W", "description": "d" },
              { "id": "say \"hi\"", "title": "Q", "description": "d" } ] }"#,
        )
        .unwrap();
        Engine::new(config, "id".into())
    }

    fn ctx(now: u64) -> Context<'static> {
        Context {
            now,
            session: "s1",
            gpc: false,
        }
    }

    #[test]
    fn no_choice_never_changes_by_time() {
        let e = engine();
        let s = e.allowed_snapshot(&ctx(T));
        assert_eq!(s.allowed, [true, false, false, false]);
        assert_eq!(s.next_change, None);
        assert_eq!(s.to_json(&e), r#"{"allowed":["essential"]}"#);
    }

    #[test]
    fn the_earliest_expiry_wins() {
        let mut e = engine();
        e.set("visit", true, Method::Api, &ctx(T)).unwrap();
        e.set("week", true, Method::Api, &ctx(T)).unwrap();
        e.set("say \"hi\"", false, Method::Api, &ctx(T)).unwrap();
        let s = e.allowed_snapshot(&ctx(T + 5));
        assert_eq!(s.allowed, [true, true, true, false]);
        assert_eq!(s.next_change, Some(T + 7 * DAY_MS));
        assert_eq!(
            s.to_json(&e),
            r#"{"allowed":["essential","visit","week"],"refreshIn":604799995}"#
        );
        // After the week: the session grant's and the refusal's backstop.
        let s = e.allowed_snapshot(&ctx(T + 7 * DAY_MS));
        assert_eq!(s.allowed, [true, true, false, false]);
        assert_eq!(s.next_change, Some(T + 30 * DAY_MS));
        let s = e.allowed_snapshot(&ctx(T + 30 * DAY_MS));
        assert_eq!(s.allowed, [true, false, false, false]);
        assert_eq!(s.next_change, None);
    }

    #[test]
    fn a_future_choice_is_trusted_once_within_the_skew() {
        let mut e = engine();
        let later = T + CLOCK_SKEW_MS + 60_000;
        e.set("week", true, Method::Api, &ctx(later)).unwrap();
        let s = e.allowed_snapshot(&ctx(T));
        assert!(!s.allowed[2]);
        assert_eq!(s.next_change, Some(T + 60_000));
        assert!(e.allowed_snapshot(&ctx(T + 60_000)).allowed[2]);
    }

    #[test]
    fn a_clock_past_the_stored_range_never_changes() {
        let mut e = engine();
        e.set("week", true, Method::Api, &ctx(u64::MAX)).unwrap();
        let s = e.allowed_snapshot(&ctx(u64::MAX));
        assert_eq!(s.now, stored::MAX_TIME);
        assert_eq!(s.next_change, None);
        let s = e.allowed_snapshot(&ctx(stored::MAX_TIME - 1));
        assert_eq!(
            s.next_change, None,
            "nothing changes between MAX_TIME - 1 and MAX_TIME"
        );
    }
}
