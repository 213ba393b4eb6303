//! The preferences panel: a modal dialog listing every purpose with its
//! checkbox (unticked until the shopper ticks it; required purposes ticked
//! and disabled), what it uses, its messages and caps, how long a choice
//! lasts; then Accept all, Reject all and Save, which stay in view at the
//! bottom of the panel however long the list is.

use super::tree::{button, div, el, El};
use super::{lines, link, modal, part};
use crate::state::model::{Panel, Row};

fn row(r: &Row) -> El {
    let mut input = el("input")
        .attr("type", "checkbox")
        .attr("data-purpose", r.id.as_str())
        .attr("id", ["candor-p-", &r.id].concat());
    if r.ticked {
        input = input.attr("checked", "");
    }
    if r.required.is_some() {
        input = input.attr("disabled", "");
    }
    let mut label = div("label", "row")
        .child(input)
        .child(div("span", "name").text(r.title.as_str()));
    if let Some(tag) = &r.required {
        label = label.child(div("span", "tag").text(tag.as_str()));
    }
    div("li", "purpose")
        .child(label)
        .child(div("p", "desc").text(r.description.as_str()))
        .children(lines(&r.lines))
        .children(r.notes.iter().map(|n| div("p", "note").text(n.as_str())))
        .child_opt(
            r.gpc
                .as_ref()
                .map(|n| div("p", "note gpc").text(n.as_str())),
        )
}

/// The panel's tree (its backdrop holding it).
pub(crate) fn view(p: &Panel, parts: bool) -> El {
    let mut intro = el("p")
        .attr("class", "text")
        .attr("id", "candor-panel-text")
        .text(p.text.as_str());
    if let Some(policy) = &p.policy {
        intro = intro.text(" ").child(link(policy));
    }
    let list = div("ul", "purposes").children(p.rows.iter().map(row));
    let actions = div("div", "actions sticky").children([
        part(
            button("btn", "accept-all", &p.accept),
            "button accept",
            parts,
        ),
        part(
            button("btn", "reject-all", &p.reject),
            "button reject",
            parts,
        ),
        part(button("btn", "save", &p.save), "button save", parts),
    ]);
    let download = div("p", "more").child(button("linkish", "download-receipt", &p.download));
    modal(
        "panel",
        ("candor-panel-title", "candor-panel-text"),
        &p.title,
        &p.close,
        parts,
        |panel| {
            panel
                .child(
                    div("div", "scroll")
                        .child(intro)
                        .child(list)
                        .child(download),
                )
                .child(actions)
        },
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn required_purposes_are_ticked_and_disabled_others_follow_the_model() {
        let row = |id: &str, ticked: bool, required: bool| Row {
            id: id.into(),
            title: id.into(),
            description: "d".into(),
            required: required.then(|| "Always on".into()),
            ticked,
            lines: vec!["Uses: cart".into()],
            notes: vec![],
            gpc: None,
        };
        let p = Panel {
            title: "Privacy choices".into(),
            text: "Turn on only what you want.".into(),
            policy: None,
            close: "Close".into(),
            rows: vec![row("essential", true, true), row("offers", false, false)],
            accept: "Accept all".into(),
            reject: "Reject all".into(),
            save: "Save my choices".into(),
            download: "Download".into(),
        };
        let tree = view(&p, true);
        let inputs: Vec<_> = tree
            .all()
            .into_iter()
            .filter(|e| e.get("type") == Some("checkbox"))
            .map(|e| {
                (
                    e.get("data-purpose"),
                    e.get("checked").is_some(),
                    e.get("disabled").is_some(),
                )
            })
            .collect();
        assert_eq!(
            inputs,
            [
                (Some("essential"), true, true),
                (Some("offers"), false, false)
            ]
        );
        let actions: Vec<_> = tree
            .all()
            .into_iter()
            .filter_map(|e| e.get("data-action"))
            .collect();
        assert_eq!(
            actions,
            [
                "close",
                "download-receipt",
                "accept-all",
                "reject-all",
                "save"
            ]
        );
    }
}
