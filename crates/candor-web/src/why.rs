//! "Why this?": `candor.why(request)` opens a small modal panel with the
//! decision's explanation, the choice behind it and when it was made, the
//! data it uses, and one button, `[data-action="switch-off"]`, that refuses
//! the purpose (method `preferences`: an explicit per-purpose choice). It
//! takes the preferences panel's place (one dialog at a time), so Esc,
//! the focus trap and focus return work the same way.

use candor_core::i18n::ui_text;
use candor_core::{Decision, Method, Request};
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

use crate::api::{self, Shared, State};
use crate::dialog::{self, attrs, put, put_button};

/// The request the panel explains, kept to re-render after a switch-off.
#[derive(Debug, Clone)]
pub(crate) struct WhyRequest {
    purpose: String,
    signals: Vec<String>,
    channel: Option<String>,
    /// The site's request could not be read: explain that.
    invalid: bool,
}

/// Open the panel for a site's request (read defensively, like `decide`).
pub(crate) fn open(shared: &Shared, request: &JsValue) {
    // A bare purpose id is accepted here too: `why("offers")`.
    let read = match request.as_string() {
        Some(purpose) if purpose.len() <= 200 => Ok(api::Owned {
            purpose,
            signals: Vec::new(),
            channel: None,
        }),
        _ => api::read_request(request),
    };
    let why = match read {
        Ok(o) => WhyRequest {
            purpose: o.purpose,
            signals: o.signals,
            channel: o.channel,
            invalid: false,
        },
        Err(purpose) => WhyRequest {
            purpose,
            signals: Vec::new(),
            channel: None,
            invalid: true,
        },
    };
    dialog::hide(shared);
    dialog::present_why(shared, why);
}

/// Refuse the explained purpose, then show the updated explanation.
pub(crate) fn switch_off(shared: &Shared) {
    let Some(why) = dialog::current_why(shared) else {
        return;
    };
    api::choose(shared, &[(why.purpose.clone(), false)], Method::Preferences);
    dialog::present_why(shared, why);
}

/// The backdrop holding the panel for `why`.
pub(crate) fn build(doc: &Document, state: &State, why: &WhyRequest, dir: &str) -> Option<Element> {
    let engine = &state.engine;
    let config = engine.config();
    let lang = state.lang.as_str();
    let default = config.default_language.as_str();
    let t = |key: &str| ui_text(config, lang, key);
    let ctx = state.ctx();
    let signals: Vec<&str> = why.signals.iter().map(String::as_str).collect();
    let request = Request {
        purpose: &why.purpose,
        signals: &signals,
        channel: why.channel.as_deref(),
    };
    let decision = if why.invalid {
        Decision::invalid()
    } else {
        engine.decide(&request, &ctx)
    };
    let report = engine.report(&request, &decision, lang);
    let purpose = config.purpose(&why.purpose).filter(|_| !why.invalid);

    let (backdrop, panel) = dialog::modal(
        doc,
        (lang, dir),
        "panel why",
        ("candor-why-title", "candor-why-text"),
        t("whyTitle"),
        t("close"),
    )?;
    attrs(&panel, &[("data-reason", report.reason)]);
    if let Some(p) = purpose {
        put(
            &panel,
            doc,
            "p",
            "name",
            Some(p.title.get(lang, default)),
            &[],
        )?;
    }
    let explanation = Some(report.explanation.as_str());
    put(
        &panel,
        doc,
        "p",
        "text",
        explanation,
        &[("id", "candor-why-text")],
    )?;

    // The choice behind it, and when.
    let mut granted = false;
    if let Some(p) = purpose {
        let line = if p.required {
            t("required").to_owned()
        } else {
            match engine.preferences(&ctx).purposes.get(&p.id) {
                Some(choice) => {
                    granted = choice.granted;
                    let state = t(if choice.granted { "on" } else { "off" });
                    let date = candor_core::explain::date(choice.at);
                    candor_core::explain::fill(t("whyChoice"), &[("state", state), ("date", &date)])
                }
                None => t("whyNoChoice").to_owned(),
            }
        };
        put(&panel, doc, "p", "meta choice", Some(&line), &[])?;
        // The data it uses: the request's signals, else the purpose's.
        let ids: Vec<&str> = if signals.is_empty() {
            p.signals.iter().map(String::as_str).collect()
        } else {
            signals.clone()
        };
        let labels: Vec<&str> = ids
            .iter()
            .map(|id| {
                config
                    .signal(id)
                    .map_or(*id, |s| s.label.get(lang, default))
            })
            .collect();
        if !labels.is_empty() {
            let data = dialog::list_line(t("whyData"), &labels);
            put(&panel, doc, "p", "meta data", Some(&data), &[])?;
        }
    }
    if granted {
        let actions = put(&panel, doc, "div", "actions", None, &[])?;
        put_button(&actions, doc, "btn", "switch-off", t("switchOff"))?;
    }
    Some(backdrop)
}
