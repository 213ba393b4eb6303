//! The first layer: a non-modal `role="dialog"` at the bottom of the
//! screen with Accept all, Reject all and Choose, of equal weight.

use super::tree::{button, div, el, El};
use super::{link, part};
use crate::state::model::Banner;

/// The banner's tree.
pub(crate) fn view(b: &Banner, parts: bool) -> El {
    let mut text = el("p")
        .attr("class", "text")
        .attr("id", "candor-banner-text")
        .text(b.text.as_str());
    if let Some(policy) = &b.policy {
        text = text.text(" ").child(link(policy));
    }
    let body = div("div", "body")
        .child(
            el("h2")
                .attr("class", "title")
                .attr("id", "candor-banner-title")
                .text(b.title.as_str()),
        )
        .child(text)
        .child_opt(
            b.gpc_notice
                .as_ref()
                .map(|n| div("p", "note gpc").text(n.as_str())),
        );
    let actions = div("div", "actions").children([
        part(
            button("btn", "accept-all", &b.accept),
            "button accept",
            parts,
        ),
        part(
            button("btn", "reject-all", &b.reject),
            "button reject",
            parts,
        ),
        part(
            button("btn", "customize", &b.customize),
            "button customize",
            parts,
        ),
    ]);
    let banner = part(div("section", "banner"), "banner", parts)
        .attr("role", "dialog")
        .attr("aria-labelledby", "candor-banner-title")
        .attr("aria-describedby", "candor-banner-text")
        .child(body)
        .child(actions);
    if b.hidden {
        banner.attr("hidden", "").attr("inert", "")
    } else {
        banner
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::state::model::Link;

    fn banner() -> Banner {
        Banner {
            title: "Your privacy choices".into(),
            text: "We'd like to <b>personalize</b>.".into(),
            policy: Some(Link {
                label: "Privacy policy".into(),
                href: "https://shop.example/privacy".into(),
            }),
            gpc_notice: None,
            accept: "Accept all".into(),
            reject: "Reject all".into(),
            customize: "Choose".into(),
            hidden: false,
        }
    }

    #[test]
    fn accept_and_reject_are_the_same_element_with_the_same_style() {
        let tree = view(&banner(), true);
        let all = tree.all();
        let accept = all
            .iter()
            .find(|e| e.get("data-action") == Some("accept-all"));
        let reject = all
            .iter()
            .find(|e| e.get("data-action") == Some("reject-all"));
        let (Some(accept), Some(reject)) = (accept, reject) else {
            panic!("both buttons")
        };
        assert_eq!(accept.get("class"), reject.get("class"));
        assert_eq!(accept.get("type"), Some("button"));
        assert_eq!(tree.get("role"), Some("dialog"));
        assert_eq!(
            tree.get("aria-modal"),
            None,
            "the banner never blocks the page"
        );
        assert!(
            tree.text_content().contains("<b>personalize</b>"),
            "site text stays text"
        );
    }

    #[test]
    fn parts_only_outside_the_safe_look() {
        let with = view(&banner(), true);
        let without = view(&banner(), false);
        assert!(with.all().iter().any(|e| e.get("part").is_some()));
        assert!(without.all().iter().all(|e| e.get("part").is_none()));
    }
}
