//! View models: what each surface shows, as plain strings and flags,
//! built from the store. The views turn these into trees and know nothing
//! of the engine.

use candor_core::explain::{self, DateFormat};
use candor_core::i18n::{is_rtl, Texts};
use candor_core::{Decision, FloatingButton, Purpose};

use super::{Store, WhyRequest};

/// A link the shopper can follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    /// Its text.
    pub(crate) label: String,
    /// An http(s) URL the browser resolved.
    pub(crate) href: String,
}

/// The first-layer banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Banner {
    pub(crate) title: String,
    pub(crate) text: String,
    pub(crate) policy: Option<Link>,
    /// Shown when Global Privacy Control is on.
    pub(crate) gpc_notice: Option<String>,
    pub(crate) accept: String,
    pub(crate) reject: String,
    pub(crate) customize: String,
    /// Out of sight (and of the tab order) while a panel is open.
    pub(crate) hidden: bool,
}

/// One purpose in the preferences panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) description: String,
    /// "Always on" for a required purpose (ticked and disabled).
    pub(crate) required: Option<String>,
    pub(crate) ticked: bool,
    /// Data used, messages and their caps, how long a choice lasts.
    pub(crate) lines: Vec<String>,
    /// Sale-or-share note.
    pub(crate) notes: Vec<String>,
    /// The Global Privacy Control note (a sale-or-share purpose while the
    /// browser's signal is on).
    pub(crate) gpc: Option<String>,
}

/// The preferences panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Panel {
    pub(crate) title: String,
    pub(crate) text: String,
    pub(crate) policy: Option<Link>,
    pub(crate) close: String,
    pub(crate) rows: Vec<Row>,
    pub(crate) accept: String,
    pub(crate) reject: String,
    pub(crate) save: String,
    pub(crate) download: String,
}

/// The "Why this?" panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Why {
    pub(crate) title: String,
    pub(crate) close: String,
    /// The purpose's title, when the request names a purpose of the config.
    pub(crate) purpose: Option<String>,
    /// The decision's reason (`data-reason`).
    pub(crate) reason: &'static str,
    pub(crate) explanation: String,
    /// Data used, messages and caps, when the next message may come.
    pub(crate) lines: Vec<String>,
    /// "Turn this off", when the purpose is granted.
    pub(crate) switch_off: Option<String>,
}

/// A contextual `ask()` prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prompt {
    pub(crate) title: String,
    pub(crate) text: String,
    pub(crate) lines: Vec<String>,
    pub(crate) yes: String,
    pub(crate) no: String,
    pub(crate) close: String,
}

/// The floating "Privacy choices" button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Button {
    /// Its accessible name.
    pub(crate) label: String,
    /// `start` or `end`.
    pub(crate) side: &'static str,
}

/// Everything on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ViewModel {
    pub(crate) lang: String,
    pub(crate) dir: &'static str,
    /// Whether the main pieces carry `part` names (not in the safe look).
    pub(crate) parts: bool,
    pub(crate) banner: Option<Banner>,
    pub(crate) panel: Option<Panel>,
    pub(crate) why: Option<Why>,
    pub(crate) prompt: Option<Prompt>,
    pub(crate) button: Option<Button>,
}

/// Everything on screen at `now`; dates written by `date`.
pub(crate) fn view(store: &Store, now: u64, date: DateFormat<'_>) -> ViewModel {
    let texts = store.engine.texts(&store.lang);
    let t = |key: &str| texts.get(key).to_owned();
    let banner_shown = store.banner(now);
    let modal = store.screen.panel || store.screen.why.is_some();
    let policy = store.policy_href.as_ref().map(|href| Link {
        label: t("policyLink"),
        href: href.clone(),
    });
    let banner = banner_shown.then(|| Banner {
        title: t("bannerTitle"),
        text: t("bannerText"),
        policy: policy.clone(),
        gpc_notice: store.gpc.then(|| t("noticeGpc")),
        accept: t("acceptAll"),
        reject: t("rejectAll"),
        customize: t("customize"),
        hidden: modal,
    });
    let panel = (store.screen.panel && store.screen.why.is_none()).then(|| Panel {
        title: t("preferencesTitle"),
        text: t("preferencesText"),
        policy,
        close: t("close"),
        rows: rows(store, &texts, now),
        accept: t("acceptAll"),
        reject: t("rejectAll"),
        save: t("save"),
        download: t("download"),
    });
    let why = store
        .screen
        .why
        .as_ref()
        .map(|w| why(store, &texts, w, now, date));
    // A prompt waits while the banner or a panel is showing: the banner's
    // answer may settle it, and one dialog shows at a time.
    let prompt = match &store.screen.prompt {
        Some(purpose) if !banner_shown && !modal => prompt(store, &texts, purpose),
        _ => None,
    };
    let side = match store.config().floating_button {
        FloatingButton::Start => Some("start"),
        FloatingButton::End => Some("end"),
        FloatingButton::None => None,
    };
    let button = side.filter(|_| !banner_shown).map(|side| Button {
        label: t("open"),
        side,
    });
    ViewModel {
        lang: store.lang.clone(),
        dir: if is_rtl(&store.lang) || is_rtl(&store.page_lang) {
            "rtl"
        } else {
            "ltr"
        },
        parts: !store.safe_look,
        banner,
        panel,
        why,
        prompt,
        button,
    }
}

/// Whether a purpose's checkbox shows ticked: granted now, except a
/// `saleOrShare` purpose under Global Privacy Control without an explicit
/// opt-in (the rules refuse it, so it shows off).
fn ticked(store: &Store, p: &Purpose, now: u64) -> bool {
    let ctx = store.ctx(now);
    let request = candor_core::Request {
        purpose: &p.id,
        signals: &[],
        channel: None,
    };
    store.engine.decide(&request, &ctx).allowed
}

/// The lines under a purpose: data used, messages and caps, how long.
fn lines(store: &Store, texts: &Texts<'_>, p: &Purpose, lasts: bool) -> Vec<String> {
    let config = store.config();
    let mut out = Vec::new();
    out.extend(explain::data_used(config, texts, p, "dataUsed"));
    out.extend(explain::channels_line(config, texts, p));
    if lasts && !p.required {
        out.push(explain::lasts(texts, p.duration));
    }
    out
}

fn rows(store: &Store, texts: &Texts<'_>, now: u64) -> Vec<Row> {
    let config = store.config();
    let (lang, dl) = (texts.lang(), texts.default_language());
    config
        .purposes
        .iter()
        .map(|p| {
            let mut notes = Vec::new();
            if p.sale_or_share {
                notes.push(texts.get("saleOrShare").to_owned());
            }
            let gpc = (p.sale_or_share && store.gpc).then(|| texts.get("gpcNote").to_owned());
            Row {
                id: p.id.clone(),
                title: p.title.get(lang, dl).to_owned(),
                description: p.description.get(lang, dl).to_owned(),
                required: p.required.then(|| texts.get("required").to_owned()),
                ticked: p.required || ticked(store, p, now),
                lines: lines(store, texts, p, true),
                notes,
                gpc,
            }
        })
        .collect()
}

fn why(store: &Store, texts: &Texts<'_>, w: &WhyRequest, now: u64, date: DateFormat<'_>) -> Why {
    let config = store.config();
    let ctx = store.ctx(now);
    let (decision, explanation) = w.with(|request| {
        let decision = if w.invalid {
            Decision::invalid()
        } else {
            store.engine.decide(request, &ctx)
        };
        // The data used is its own line below: not repeated in the sentence.
        let explanation = explain::explain(config, texts, request, &decision, date, false);
        (decision, explanation)
    });
    let purpose = config.purpose(&w.purpose).filter(|_| !w.invalid);
    let mut lines = Vec::new();
    if let Some(p) = purpose {
        let labels: Vec<&str> = if w.signals.is_empty() {
            p.signals.iter().map(String::as_str).collect()
        } else {
            w.signals.iter().map(String::as_str).collect()
        };
        let shown: Vec<&str> = labels
            .iter()
            .map(|id| {
                config
                    .signal(id)
                    .map_or(*id, |s| s.label.get(texts.lang(), texts.default_language()))
            })
            .collect();
        if !shown.is_empty() {
            lines.push([texts.get("whyData"), " ", &shown.join(", ")].concat());
        }
        lines.extend(explain::channels_line(config, texts, p));
        let next = explain::next_messages(
            config,
            store.engine.ledger(),
            p,
            w.channel.as_deref(),
            ctx.now,
        );
        if let Some(at) = next {
            lines.push(candor_core::text::fill(
                texts.get("whyNext"),
                &[("date", &date(at))],
            ));
        }
    }
    let granted = purpose.is_some_and(|p| {
        !p.required
            && store
                .engine
                .preferences(&ctx)
                .purposes
                .get(&p.id)
                .is_some_and(|c| c.granted)
    });
    Why {
        title: texts.get("whyTitle").to_owned(),
        close: texts.get("close").to_owned(),
        purpose: purpose.map(|p| {
            p.title
                .get(texts.lang(), texts.default_language())
                .to_owned()
        }),
        reason: decision.reason.as_str(),
        explanation,
        lines,
        switch_off: granted.then(|| texts.get("switchOff").to_owned()),
    }
}

fn prompt(store: &Store, texts: &Texts<'_>, purpose: &str) -> Option<Prompt> {
    let p = store.config().purpose(purpose)?;
    let (lang, dl) = (texts.lang(), texts.default_language());
    Some(Prompt {
        title: p.title.get(lang, dl).to_owned(),
        text: p.description.get(lang, dl).to_owned(),
        lines: lines(store, texts, p, true),
        yes: texts.get("yes").to_owned(),
        no: texts.get("no").to_owned(),
        close: texts.get("close").to_owned(),
    })
}
