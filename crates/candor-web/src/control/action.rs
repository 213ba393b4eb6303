//! What can happen to the widget: every button's `data-action` and every
//! API call becomes one [`Action`], which the controller dispatches.

use candor_core::Method;

use crate::state::WhyRequest;

/// How a contextual prompt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// "Yes".
    Yes,
    /// "No".
    No,
    /// Closed (×, Escape) without an answer: nothing is recorded.
    Dismissed,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// Grant every non-required purpose.
    AcceptAll,
    /// Refuse every non-required purpose.
    RejectAll,
    /// Record the panel's checkboxes (method `preferences`) and close it.
    Save(Vec<(String, bool)>),
    /// Record one choice.
    Set(String, bool, Method),
    /// Refuse the purpose the "Why this?" panel explains.
    SwitchOff,
    /// Answer the contextual prompt.
    Answer(Answer),
    /// Forget the record, show the banner again.
    Reset,
    /// Open the preferences panel.
    Open,
    /// Close the open panel.
    Close,
    /// Open the "Why this?" panel for a request.
    Why(WhyRequest),
    /// Save the receipt as a file.
    Download,
}

impl Action {
    /// The action of a button's `data-action` (the panel's checkboxes are
    /// read by the caller for `save`).
    pub(crate) fn parse(name: &str) -> Option<Action> {
        Some(match name {
            "accept-all" => Action::AcceptAll,
            "reject-all" => Action::RejectAll,
            "customize" | "open" => Action::Open,
            "close" => Action::Close,
            "save" => Action::Save(Vec::new()),
            "switch-off" => Action::SwitchOff,
            "ask-yes" => Action::Answer(Answer::Yes),
            "ask-no" => Action::Answer(Answer::No),
            "ask-close" => Action::Answer(Answer::Dismissed),
            "download-receipt" => Action::Download,
            _ => return None,
        })
    }

    /// Whether a click on this action records a consent choice, and so
    /// must pass the guard.
    pub(crate) fn records(&self) -> bool {
        matches!(
            self,
            Action::AcceptAll
                | Action::RejectAll
                | Action::Save(_)
                | Action::SwitchOff
                | Action::Answer(Answer::Yes | Answer::No)
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn every_button_of_the_views_parses() {
        for name in [
            "accept-all",
            "reject-all",
            "customize",
            "open",
            "close",
            "save",
            "switch-off",
            "ask-yes",
            "ask-no",
            "ask-close",
            "download-receipt",
        ] {
            assert!(Action::parse(name).is_some(), "{name}");
        }
        assert_eq!(Action::parse("accept-alll"), None);
        assert!(Action::parse("accept-all").is_some_and(|a| a.records()));
        assert!(Action::parse("customize").is_some_and(|a| !a.records()));
        assert!(Action::parse("ask-close").is_some_and(|a| !a.records()));
    }
}
