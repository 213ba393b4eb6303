//! "Why this?": `candor.why(request)` opens a small modal panel with the
//! decision's explanation, the data it uses, its messages and caps (and
//! when the next message may come), and one button,
//! `[data-action="switch-off"]`, that refuses the purpose (method
//! `preferences`: an explicit per-purpose choice). The explanation names
//! the choice and its date; the lines under it add what it does not say.

use super::tree::{button, div, el, El};
use super::{lines, modal, part};
use crate::state::model::Why;

/// The "Why this?" panel's tree (its backdrop holding it).
pub(crate) fn view(w: &Why, parts: bool) -> El {
    let mut body = vec![];
    if let Some(title) = &w.purpose {
        body.push(div("p", "name").text(title.as_str()));
    }
    body.push(
        el("p")
            .attr("class", "text")
            .attr("id", "candor-why-text")
            .text(w.explanation.as_str()),
    );
    body.extend(lines(&w.lines));
    if let Some(off) = &w.switch_off {
        body.push(div("div", "actions").child(part(
            button("btn", "switch-off", off),
            "button",
            parts,
        )));
    }
    modal(
        "panel why",
        ("candor-why-title", "candor-why-text"),
        &w.title,
        &w.close,
        parts,
        |panel| panel.attr("data-reason", w.reason).children(body),
    )
}
