//! Explanation sentences for the shopper, from the text tables of
//! [`crate::i18n`].
//!
//! Each rule row has a template under the key `why-<reason>` (plus
//! `why-unknown-channel`, `why-expired-session`, `why-refused-all`,
//! `why-granted-all` and `why-frequency-cap-one` for finer cases), looked up
//! with [`ui_text`]: the site's `translations` first,
//! then the built-in tables (English, French, German, Spanish), then the
//! default language. Placeholders: `{title}` (purpose title, or the requested
//! purpose id when unknown), `{date}` (UTC `YYYY-MM-DD` of the choice),
//! `{data}` (signal labels joined with `", "`), `{n}` (a number), `{channel}`
//! (channel label) and `{period}` (a cap's window with its preposition, from
//! `why-last-hour`, `why-last-hours`, `why-last-day`, `why-last-days`, so
//! that each language can get gender and case right). Allowed sentences get
//! `why-uses` appended. No floats are formatted anywhere.
//!
//! ```
//! use candor_core::explain::date;
//! assert_eq!(date(1_795_910_400_000), "2026-11-29");
//! ```

use crate::config::Period;
use crate::i18n::ui_text;
use crate::{Config, Decision, Method, Reason, Request};

/// UTC calendar date `YYYY-MM-DD` of an epoch-ms time (Howard Hinnant's
/// civil-from-days algorithm; no float, no clock).
pub fn date(ms: u64) -> String {
    let days = i64::try_from(ms / 86_400_000).unwrap_or(i64::MAX / 2);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // By hand rather than `format!`: no `core::fmt` in the wasm.
    let mut out = String::with_capacity(10);
    let year = year.max(0) as u64;
    for (n, width) in [(year, 4), (month as u64, 2), (day as u64, 2)] {
        if width == 2 {
            out.push('-');
        }
        let digits = crate::json::u64_text(n);
        for _ in digits.len()..width {
            out.push('0');
        }
        out.push_str(&digits);
    }
    out
}

/// Replace `{key}` placeholders in `template` (unknown ones are kept).
/// The widget uses it for its own texts too: one small scanner instead of
/// `str::replace`, which links core's two-way substring searcher.
///
/// ```
/// use candor_core::explain::fill;
/// assert_eq!(fill("Lasts {n} days. {x}", &[("n", "30")]), "Lasts 30 days. {x}");
/// ```
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        // `open` is a char boundary; the checked split links no panic path.
        let Some((before, after)) = rest.split_at_checked(open) else {
            break;
        };
        out.push_str(before);
        let replaced = after.find('}').and_then(|close| {
            let name = after.get(1..close)?;
            let value = vars.iter().find(|(k, _)| *k == name)?.1;
            Some((value, close))
        });
        match replaced {
            Some((value, close)) => {
                out.push_str(value);
                rest = after.get(close + 1..).unwrap_or("");
            }
            None => {
                out.push('{');
                rest = after.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `s` has more than `max` characters.
pub(crate) fn longer_than(s: &str, max: usize) -> bool {
    // The scan `truncate` links anyway, rather than `chars().count()`.
    s.char_indices().nth(max).is_some()
}

/// Truncate to at most `max` characters.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// A signal's label in `lang`, or the id as requested if the config does
/// not know it.
fn label<'a>(config: &'a Config, id: &'a str, lang: &str, dl: &str) -> &'a str {
    config
        .signal(id)
        .map_or_else(|| truncate(id, 200), |s| s.label.get(lang, dl))
}

/// The explanation sentence for `decision` about `request`, in `lang`.
///
/// Allowed sentences name the choice (or the requirement) and the data used:
/// the requested signals' labels, or when the request names none, those the
/// purpose declares.
pub fn explain(config: &Config, request: &Request<'_>, decision: &Decision, lang: &str) -> String {
    let w = |key: &str| ui_text(config, lang, key);
    let dl = config.default_language.as_str();
    let purpose = decision.purpose.and_then(|i| config.purposes.get(i));
    let title = purpose.map_or_else(|| truncate(request.purpose, 200), |p| p.title.get(lang, dl));
    let data = || -> String {
        let ids: Vec<&str> = if request.signals.is_empty() {
            purpose.map_or_else(Vec::new, |p| p.signals.iter().map(String::as_str).collect())
        } else {
            request.signals.to_vec()
        };
        // By hand rather than `join`, which would link another copy of
        // `join_generic_copy`.
        let mut out = String::new();
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(label(config, id, lang, dl));
        }
        out
    };
    let date = decision
        .choice
        .map(|(at, _, _)| date(at))
        .unwrap_or_default();
    let channel = decision.channel.and_then(|i| config.channels.get(i));
    let channel_label = channel.map_or_else(
        || truncate(request.channel.unwrap_or(""), 200),
        |c| c.label.get(lang, dl),
    );
    let signal = decision
        .signal
        .as_deref()
        .map_or("", |s| label(config, s, lang, dl));
    let method = decision.choice.map(|(_, m, _)| m);

    let (n, period) = match decision.reason {
        Reason::FrequencyCap => {
            let cap = channel.and_then(|c| c.cap);
            let n = |n: u32| crate::json::u64_text(u64::from(n));
            let period = match cap.map(|c| c.period) {
                Some(Period::Hours(1)) => w("why-last-hour").to_string(),
                Some(Period::Hours(h)) => fill(w("why-last-hours"), &[("n", &n(h))]),
                Some(Period::Days(1)) | None => w("why-last-day").to_string(),
                Some(Period::Days(d)) => fill(w("why-last-days"), &[("n", &n(d))]),
            };
            (n(cap.map_or(0, |c| c.max)), period)
        }
        _ => (String::new(), String::new()),
    };
    let signal = [("data", signal)];
    let channel_var = [("channel", channel_label)];
    let cap = [
        ("n", n.as_str()),
        ("channel", channel_label),
        ("period", period.as_str()),
    ];
    let session_grant = decision.choice.is_some_and(|(_, _, granted)| granted)
        && purpose.is_some_and(|p| p.duration == crate::Duration::Session);
    // The template, the placeholders it may use besides `{title}` and
    // `{date}`, and whether `why-uses` (the data used) follows.
    let (key, extra, uses): (&str, &[(&str, &str)], bool) = match decision.reason {
        Reason::UnknownPurpose => ("why-unknown-purpose", &[], false),
        Reason::SensitiveSignal => ("why-sensitive-signal", &signal, false),
        Reason::DemographicSignal => ("why-demographic-signal", &signal, false),
        Reason::UndeclaredSignal => ("why-undeclared-signal", &signal, false),
        Reason::UndeclaredChannel if channel.is_none() => {
            ("why-unknown-channel", &channel_var, false)
        }
        Reason::UndeclaredChannel => ("why-undeclared-channel", &channel_var, false),
        Reason::Required => ("why-required", &[], true),
        Reason::Gpc => ("why-gpc", &[], false),
        Reason::NoChoice => ("why-no-choice", &[], false),
        Reason::Outdated => ("why-outdated", &[], false),
        Reason::Expired if session_grant => ("why-expired-session", &[], false),
        Reason::Expired => ("why-expired", &[], false),
        Reason::Refused if method == Some(Method::RejectAll) => ("why-refused-all", &[], false),
        Reason::Refused => ("why-refused", &[], false),
        // `n` is the cap's `max`.
        Reason::FrequencyCap if n == "1" => ("why-frequency-cap-one", &cap, false),
        Reason::FrequencyCap => ("why-frequency-cap", &cap, false),
        Reason::Granted if method == Some(Method::AcceptAll) => ("why-granted-all", &[], true),
        Reason::Granted => ("why-granted", &[], true),
        Reason::Invalid => return w("why-invalid-request").to_string(),
    };
    let mut vars = vec![("title", title), ("date", date.as_str())];
    vars.extend_from_slice(extra);
    let mut out = fill(w(key), &vars);
    if uses {
        let d = data();
        if !d.is_empty() {
            out.push_str(&fill(w("why-uses"), &[("data", &d)]));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(951_782_400_000), "2000-02-29");
        assert_eq!(date(1_767_225_600_000), "2026-01-01");
        assert_eq!(date(253_402_300_799_999), "9999-12-31");
        assert_eq!(date(1_709_164_800_000), "2024-02-29");
    }

    #[test]
    fn fill_leaves_unknown_placeholders() {
        assert_eq!(fill("a {x} {y} {", &[("x", "1")]), "a 1 {y} {");
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("ééé", 2), "éé");
        assert_eq!(truncate("ab", 5), "ab");
    }
}

/// The French, German and Spanish sentences: with their tables compiled in.
#[cfg(all(test, feature = "bundled-languages"))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod table_tests {
    use crate::{Config, Context, Engine, Method, Request};

    const CONFIG: &str = r#"{
      "revision": 2,
      "signals": [
        { "id": "cart", "kind": "interest", "label": { "en": "Items in your cart", "fr": "Articles du panier", "de": "Artikel im Warenkorb", "es": "Artículos del carrito" } },
        { "id": "age", "kind": "demographic", "label": "Age" },
        { "id": "health", "kind": "sensitive", "label": "Health" }
      ],
      "channels": [
        { "id": "email", "label": "by email", "cap": { "max": 1, "perHours": 1 } },
        { "id": "sms", "label": "by SMS", "cap": { "max": 2, "perDays": 7 } },
        { "id": "push", "label": "by push", "cap": { "max": 2, "perHours": 12 } },
        { "id": "post", "label": "by post", "cap": { "max": 3, "perDays": 1 } }
      ],
      "purposes": [
        { "id": "essential", "required": true, "title": "Essential", "description": "D" },
        { "id": "offers", "signals": ["cart"], "channels": ["email", "sms", "push", "post"], "title": "Offers", "description": "D" },
        { "id": "session", "duration": "session", "title": "Visit", "description": "D" },
        { "id": "ads", "saleOrShare": true, "title": "Ads", "description": "D" },
        { "id": "later", "title": "Later", "description": "D" }
      ]
    }"#;

    /// One request per explanation template (reason and variant), with the
    /// reason it must produce.
    fn cases(lang: &str) -> Vec<(&'static str, String)> {
        let config = Config::from_json(CONFIG).unwrap();
        let day = 86_400_000;
        let t0 = 1_795_910_400_000;
        let old = Context {
            now: t0,
            session: "s0",
            gpc: false,
        };
        let mut e = Engine::new(config, "id".into());
        e.set("session", true, Method::Api, &old).unwrap();
        let now = Context {
            now: t0 + 200 * day,
            session: "s1",
            gpc: true,
        };
        e.set("offers", true, Method::Preferences, &now).unwrap();
        e.set("later", false, Method::Api, &now).unwrap();
        e.set("ads", true, Method::AcceptAll, &now).unwrap();
        let mut out = Vec::new();
        let mut run = |e: &mut Engine,
                       reason: &'static str,
                       purpose: &str,
                       signals: &[&str],
                       channel: Option<&str>,
                       record: bool| {
            let r = Request {
                purpose,
                signals,
                channel,
            };
            let d = if record {
                e.record(&r, &now)
            } else {
                e.decide(&r, &now)
            };
            assert_eq!(
                d.reason.as_str(),
                reason,
                "{purpose} {signals:?} {channel:?}"
            );
            out.push((reason, e.report(&r, &d, lang).explanation));
        };
        run(&mut e, "unknown-purpose", "nope", &[], None, false);
        run(
            &mut e,
            "sensitive-signal",
            "offers",
            &["health"],
            None,
            false,
        );
        run(
            &mut e,
            "demographic-signal",
            "offers",
            &["age"],
            None,
            false,
        );
        run(
            &mut e,
            "undeclared-signal",
            "offers",
            &["elsewhere"],
            None,
            false,
        );
        run(
            &mut e,
            "undeclared-channel",
            "session",
            &[],
            Some("email"),
            false,
        );
        run(
            &mut e,
            "undeclared-channel",
            "offers",
            &[],
            Some("pigeon"),
            false,
        );
        run(&mut e, "required", "essential", &[], None, false);
        run(&mut e, "gpc", "ads", &[], None, false);
        run(&mut e, "expired", "session", &[], None, false);
        run(&mut e, "refused", "later", &[], None, false);
        run(&mut e, "granted", "offers", &[], None, false);
        for (channel, max) in [("email", 1), ("sms", 2), ("push", 2), ("post", 3)] {
            for _ in 0..max {
                run(&mut e, "granted", "offers", &["cart"], Some(channel), true);
            }
            run(&mut e, "frequency-cap", "offers", &[], Some(channel), false);
        }
        e.reject_all(&now);
        run(&mut e, "refused", "offers", &[], None, false);
        e.accept_all(&now);
        run(&mut e, "granted", "later", &[], None, false);
        e.reset("id2".into());
        run(&mut e, "no-choice", "later", &[], None, false);
        out
    }

    #[test]
    fn every_language_fills_every_template() {
        let en = cases("en");
        for lang in ["fr", "de", "es"] {
            let other = cases(lang);
            for ((reason, e), (_, o)) in en.iter().zip(&other) {
                assert!(!o.contains('{') && !o.contains('}'), "{lang} {reason}: {o}");
                if !e.starts_with("Allowed: \"Essential\"") {
                    assert_ne!(e, o, "{lang} {reason} is still English");
                }
            }
        }
        for (reason, e) in &en {
            assert!(!e.contains('{'), "en {reason}: {e}");
        }
    }

    #[test]
    fn periods_read_naturally() {
        let text = |lang: &str| {
            cases(lang)
                .into_iter()
                .map(|(_, s)| s)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let en = text("en");
        assert!(
            en.contains("received 1 message by email in the last hour."),
            "{en}"
        );
        assert!(
            en.contains("received 2 messages by SMS in the last 7 days."),
            "{en}"
        );
        assert!(
            en.contains("received 2 messages by push in the last 12 hours."),
            "{en}"
        );
        assert!(
            en.contains("received 3 messages by post in the last day."),
            "{en}"
        );
        let fr = text("fr");
        assert!(
            fr.contains("1 message by email au cours de la dernière heure."),
            "{fr}"
        );
        assert!(
            fr.contains("2 messages by SMS au cours des 7 derniers jours."),
            "{fr}"
        );
        assert!(
            fr.contains("Données utilisées : Articles du panier."),
            "{fr}"
        );
        let de = text("de");
        assert!(
            de.contains(
                "Sie haben in den letzten 12 Stunden bereits 2 Nachrichten by push erhalten."
            ),
            "{de}"
        );
        let es = text("es");
        assert!(
            es.contains("ya has recibido 3 mensajes by post en las últimas 24 horas."),
            "{es}"
        );
    }
}
