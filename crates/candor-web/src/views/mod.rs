//! The views: plain functions from a surface's model
//! ([`crate::state::model`]) to a tree ([`tree`]), and the renderer that
//! puts each surface that changed in its slot of the shadow root.
//!
//! DOM hooks: the banner and the panels have `role="dialog"`; buttons carry
//! `data-action` = `accept-all`, `reject-all`, `customize`, `save`, `open`,
//! `close`, `download-receipt`, `switch-off`, `ask-yes`, `ask-no`,
//! `ask-close`; checkboxes carry `data-purpose`. Each surface sits in an
//! element with `data-slot` (`banner`, `prompt`, `button`, `panel`, `why`).
//! The main pieces carry `part` names (`banner`, `panel`, `prompt`,
//! `button`, with `accept`, `reject`, `customize`, `save`, `open`) for the
//! site's `::part()` rules, except in the safe look.

pub(crate) mod banner;
mod css;
pub(crate) mod guard;
pub(crate) mod panel;
pub(crate) mod prompt;
pub(crate) mod style;
pub(crate) mod tree;
pub(crate) mod why;

use wasm_bindgen::JsValue;

use crate::js::{self, JsResult};
use crate::state::model::{Button, Link, ViewModel};
use tree::{button, div, el, El};

/// The slots, in the order they sit in the shadow root.
pub(crate) const SLOTS: [&str; 5] = ["banner", "prompt", "button", "panel", "why"];

/// `part="…"` on `e`, unless in the safe look.
pub(crate) fn part(e: El, name: &str, parts: bool) -> El {
    if parts {
        e.attr("part", name)
    } else {
        e
    }
}

/// A link to an http(s) URL the browser resolved.
pub(crate) fn link(l: &Link) -> El {
    el("a")
        .attr("class", "link")
        .attr("href", l.href.as_str())
        .text(l.label.as_str())
}

/// Secondary lines under a text.
pub(crate) fn lines(lines: &[String]) -> impl Iterator<Item = El> + '_ {
    lines.iter().map(|l| div("p", "meta").text(l.as_str()))
}

/// A modal panel in its backdrop: `<div class="backdrop">` holding `<div
/// class="{class}" role="dialog" aria-modal="true">` labelled by its `<h2>`
/// and described by the body's element `text_id`, with the close button in
/// its head; `body` adds the rest.
pub(crate) fn modal(
    class: &str,
    (title_id, text_id): (&str, &str),
    title: &str,
    close: &str,
    parts: bool,
    body: impl FnOnce(El) -> El,
) -> El {
    let head = div("div", "head")
        .child(
            el("h2")
                .attr("class", "title")
                .attr("id", title_id)
                .text(title),
        )
        .child(button("close", "close", "\u{00d7}").attr("aria-label", close));
    let panel = part(div("div", class), "panel", parts)
        .attr("role", "dialog")
        .attr("aria-modal", "true")
        .attr("aria-labelledby", title_id)
        .attr("aria-describedby", text_id)
        .attr("tabindex", "-1")
        .child(head);
    div("div", "backdrop").child(body(panel))
}

/// The floating "Privacy choices" button: compact, icon-only, named.
fn floating(b: &Button, parts: bool) -> El {
    // Two sliders: "settings you can change".
    let icon = el("svg")
        .attr("viewBox", "0 0 24 24")
        .attr("aria-hidden", "true")
        .attr("focusable", "false")
        .child(el("path").attr("d", "M4 7h9m4 0h3M4 17h3m4 0h9M15 5v4M9 15v4"));
    part(
        button(["open ", b.side].concat().as_str(), "open", ""),
        "button open",
        parts,
    )
    .attr("aria-label", b.label.as_str())
    .attr("title", b.label.as_str())
    .child(icon)
}

/// The tree of one slot of `m` (`None`: the slot is empty).
pub(crate) fn slot(m: &ViewModel, name: &str) -> Option<El> {
    let tree = match name {
        "banner" => banner::view(m.banner.as_ref()?, m.parts),
        "prompt" => prompt::view(m.prompt.as_ref()?, m.parts),
        "button" => floating(m.button.as_ref()?, m.parts),
        "panel" => panel::view(m.panel.as_ref()?, m.parts),
        "why" => why::view(m.why.as_ref()?, m.parts),
        _ => return None,
    };
    Some(tree.attr("lang", m.lang.as_str()).attr("dir", m.dir))
}

/// Whether slot `name` shows the same in `a` and `b`.
fn same(a: &ViewModel, b: &ViewModel, name: &str) -> bool {
    let frame = a.lang == b.lang && a.dir == b.dir && a.parts == b.parts;
    frame
        && match name {
            "banner" => a.banner == b.banner,
            "prompt" => a.prompt == b.prompt,
            "button" => a.button == b.button,
            "panel" => a.panel == b.panel,
            "why" => a.why == b.why,
            _ => true,
        }
}

/// Bring the shadow root in line with `new`: every slot that differs from
/// `old` (all of them without `old`) is rebuilt. Stops at the first
/// failure; the caller then forgets `old`, so that the next render
/// rebuilds everything.
pub(crate) fn render(root: &JsValue, new: &ViewModel, old: Option<&ViewModel>) -> JsResult<()> {
    for name in SLOTS {
        if old.is_some_and(|old| same(old, new, name)) {
            continue;
        }
        let tree = slot(new, name).map(|t| t.to_json()).unwrap_or_default();
        js::render(root, name, &tree)?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::state::model::Banner;

    #[test]
    fn the_floating_button_has_a_name_and_no_text() {
        let b = floating(
            &Button {
                label: "Privacy choices".into(),
                side: "start",
            },
            true,
        );
        assert_eq!(b.get("aria-label"), Some("Privacy choices"));
        assert_eq!(b.get("data-action"), Some("open"));
        assert_eq!(b.text_content(), "");
    }

    #[test]
    fn a_slot_carries_its_language_and_direction() {
        let m = ViewModel {
            lang: "ar".into(),
            dir: "rtl",
            parts: true,
            banner: Some(Banner {
                title: "t".into(),
                text: "x".into(),
                policy: None,
                gpc_notice: None,
                accept: "a".into(),
                reject: "r".into(),
                customize: "c".into(),
                hidden: false,
            }),
            panel: None,
            why: None,
            prompt: None,
            button: None,
        };
        let b = slot(&m, "banner").unwrap_or_else(|| el("x"));
        assert_eq!((b.get("lang"), b.get("dir")), (Some("ar"), Some("rtl")));
        assert!(slot(&m, "panel").is_none());
    }
}
