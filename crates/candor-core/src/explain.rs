//! Explanation sentences and the other texts the shopper reads about a
//! purpose, from the text tables of [`crate::i18n`].
//!
//! Each rule row has a template under the key `why-<reason>` (plus
//! `why-unknown-channel`, `why-expired-session`, `why-refused-all`,
//! `why-granted-all` and `why-frequency-cap-one` for finer cases), looked up
//! with [`Texts::get`]: the site's `translations` first, then the built-in
//! tables (English, French, German, Spanish), then the default language.
//! Placeholders: `{title}` (purpose title, or the requested purpose id when
//! unknown), `{date}` (the date of the choice, as the caller formats it:
//! the widget in the shopper's locale, natively `YYYY-MM-DD`), `{data}`
//! (signal labels joined with `", "`), `{n}` (a number), `{channel}`
//! (channel label) and `{period}` (a cap's window with its preposition,
//! from `why-last-hour`, `why-last-hours`, `why-last-day`, `why-last-days`,
//! so that each language can get gender and case right). Allowed sentences
//! get `why-uses` appended unless the caller shows the data used apart.
//! No floats are formatted anywhere.

use crate::config::{Cap, Duration, Period, Purpose, DAY_MS};
use crate::i18n::Texts;
use crate::text::{fill, truncate, u64_text};
use crate::{Config, Decision, Method, Reason, Request};

/// Formats a date (epoch ms) for the shopper.
pub type DateFormat<'a> = &'a dyn Fn(u64) -> String;

/// A signal's label, or the id as requested if the config does not know it.
fn label<'a>(config: &'a Config, id: &'a str, texts: &Texts<'_>) -> &'a str {
    config.signal(id).map_or_else(
        || truncate(id, crate::limits::MAX_ID_LEN),
        |s| s.label.get(texts.lang(), texts.default_language()),
    )
}

/// `prefix` and the labels, comma-separated: "Uses: cart, views".
fn list_line(prefix: &str, labels: &[&str]) -> String {
    let mut out = String::from(prefix);
    for (i, l) in labels.iter().enumerate() {
        out.push_str(if i == 0 { " " } else { ", " });
        out.push_str(l);
    }
    out
}

/// The "Uses: …" line of a purpose (key `dataUsed`), if it declares a
/// signal; `key` may be `whyData` for the "Why this?" panel's wording.
pub fn data_used(
    config: &Config,
    texts: &Texts<'_>,
    purpose: &Purpose,
    key: &str,
) -> Option<String> {
    let labels: Vec<&str> = purpose
        .signals
        .iter()
        .map(|id| label(config, id, texts))
        .collect();
    (!labels.is_empty()).then(|| list_line(texts.get(key), &labels))
}

/// How long a choice lasts: "Lasts for this visit only." / "Lasts N days.".
pub fn lasts(texts: &Texts<'_>, duration: Duration) -> String {
    match duration {
        Duration::Session => texts.get("lastsSession").to_owned(),
        Duration::Days(n) => fill(texts.get("lastsDays"), &[("n", &u64_text(u64::from(n)))]),
    }
}

/// A cap as the shopper reads it: "by email, at most 2 a week".
pub fn cap_phrase(texts: &Texts<'_>, channel: &str, cap: &Cap) -> String {
    let n = u64_text(u64::from(cap.max));
    let (key, count) = match cap.period {
        Period::Hours(1) => ("capHour", 1),
        Period::Hours(24) | Period::Days(1) => ("capDay", 1),
        Period::Days(7) => ("capWeek", 7),
        Period::Hours(h) if cap.window_ms % DAY_MS == 0 => ("capDays", h / 24),
        Period::Hours(h) => ("capHours", h),
        Period::Days(d) => ("capDays", d),
    };
    let count = u64_text(u64::from(count));
    fill(
        texts.get(key),
        &[("channel", channel), ("n", &n), ("count", &count)],
    )
}

/// The "Messages: …" line of a purpose: each channel it may message on,
/// with its cap, "Messages: by email, at most 2 a week; on this site, at
/// most 3 a day." `None` when it declares no channel.
pub fn channels_line(config: &Config, texts: &Texts<'_>, purpose: &Purpose) -> Option<String> {
    let mut parts = Vec::new();
    for c in purpose.channels.iter().filter_map(|id| config.channel(id)) {
        let name = c.label.get(texts.lang(), texts.default_language());
        parts.push(match &c.cap {
            Some(cap) => cap_phrase(texts, name, cap),
            None => name.to_owned(),
        });
    }
    if parts.is_empty() {
        return None;
    }
    let mut out = String::from(texts.get("channelsUsed"));
    for (i, p) in parts.iter().enumerate() {
        out.push_str(if i == 0 { " " } else { "; " });
        out.push_str(p);
    }
    out.push('.');
    Some(out)
}

/// The explanation sentence for `decision` about `request`, dates written
/// by `date`. With `uses`, an allowed sentence ends with the data it uses:
/// the requested signals' labels, or when the request names none, those
/// the purpose declares.
pub fn explain(
    config: &Config,
    texts: &Texts<'_>,
    request: &Request<'_>,
    decision: &Decision,
    date: DateFormat<'_>,
    uses: bool,
) -> String {
    let w = |key: &str| texts.get(key);
    let (lang, dl) = (texts.lang(), texts.default_language());
    let purpose = decision.purpose.and_then(|i| config.purposes.get(i));
    let title = purpose.map_or_else(
        || truncate(request.purpose, crate::limits::MAX_ID_LEN),
        |p| p.title.get(lang, dl),
    );
    let data = || -> String {
        let ids: Vec<&str> = if request.signals.is_empty() {
            purpose.map_or_else(Vec::new, |p| p.signals.iter().map(String::as_str).collect())
        } else {
            request.signals.to_vec()
        };
        let mut out = String::new();
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(label(config, id, texts));
        }
        out
    };
    let date = decision
        .choice
        .map(|(at, _, _)| date(at))
        .unwrap_or_default();
    let channel = decision.channel.and_then(|i| config.channels.get(i));
    let channel_label = channel.map_or_else(
        || truncate(request.channel.unwrap_or(""), crate::limits::MAX_ID_LEN),
        |c| c.label.get(lang, dl),
    );
    let signal = decision
        .signal
        .as_deref()
        .map_or("", |s| label(config, s, texts));
    let method = decision.choice.map(|(_, m, _)| m);

    let (n, period) = match decision.reason {
        Reason::FrequencyCap => {
            let cap = channel.and_then(|c| c.cap);
            let n = |n: u32| u64_text(u64::from(n));
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
    let (key, extra, with_data): (&str, &[(&str, &str)], bool) = match decision.reason {
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
        Reason::CountNotSaved => ("why-count-not-saved", &channel_var, false),
        Reason::Granted if method == Some(Method::AcceptAll) => ("why-granted-all", &[], true),
        Reason::Granted => ("why-granted", &[], true),
        Reason::Invalid => return w("why-invalid-request").to_string(),
    };
    let mut vars = vec![("title", title), ("date", date.as_str())];
    vars.extend_from_slice(extra);
    let mut out = fill(w(key), &vars);
    if with_data && uses {
        let d = data();
        if !d.is_empty() {
            out.push_str(&fill(w("why-uses"), &[("data", &d)]));
        }
    }
    out
}

/// When a purpose may message again on each of its capped channels that
/// reached its cap at `now` (epoch ms), earliest first; `channel` narrows
/// it to one channel.
pub fn next_messages(
    config: &Config,
    ledger: &crate::Ledger,
    purpose: &Purpose,
    channel: Option<&str>,
    now: u64,
) -> Option<u64> {
    purpose
        .channels
        .iter()
        .filter(|c| channel.is_none_or(|want| *c == want))
        .filter_map(|id| {
            let c = config.channel(id)?;
            ledger.capped(&c.id, c.cap.as_ref()?, now)
        })
        .min()
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
