//! A contextual `ask()` prompt: the purpose, what it uses and how long it
//! lasts, Yes and No of equal weight, and a close button (Escape too) that
//! dismisses it without recording anything.

use super::tree::{button, div, el, El};
use super::{lines, part};
use crate::state::model::Prompt;

/// The prompt's tree.
pub(crate) fn view(p: &Prompt, parts: bool) -> El {
    let head = div("div", "head")
        .child(
            el("h2")
                .attr("class", "title")
                .attr("id", "candor-ask-title")
                .text(p.title.as_str()),
        )
        .child(button("close", "ask-close", "\u{00d7}").attr("aria-label", p.close.as_str()));
    part(div("section", "prompt"), "prompt", parts)
        .attr("role", "dialog")
        .attr("aria-labelledby", "candor-ask-title")
        .attr("aria-describedby", "candor-ask-text")
        .attr("tabindex", "-1")
        .child(head)
        .child(
            el("p")
                .attr("class", "text")
                .attr("id", "candor-ask-text")
                .text(p.text.as_str()),
        )
        .children(lines(&p.lines))
        .child(div("div", "actions").children([
            part(button("btn", "ask-yes", &p.yes), "button", parts),
            part(button("btn", "ask-no", &p.no), "button", parts),
        ]))
}
