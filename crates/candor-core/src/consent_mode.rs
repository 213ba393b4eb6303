//! Google Consent Mode v2: which of the seven consent types to send as
//! `granted`, from the config's `googleConsentMode` map and the decisions.
//!
//! A type is `granted` only if its list names at least one purpose and every
//! purpose listed is allowed; `security_storage` is always `granted` (the
//! site's own security storage needs no consent); a type the config leaves
//! out is `denied`. The web crate pushes the result to `window.dataLayer` as
//! `gtag('consent', 'default' | 'update', {...})`.
//!
//! ```
//! use candor_core::consent_mode::states;
//! use candor_core::Config;
//! let config = Config::from_json(r#"{
//!   "purposes": [{ "id": "ads", "title": "Ads", "description": "…" },
//!                { "id": "stats", "title": "Stats", "description": "…" }],
//!   "googleConsentMode": { "ad_storage": ["ads"], "analytics_storage": ["ads", "stats"],
//!                          "functionality_storage": [] }
//! }"#).unwrap();
//! let s = states(&config, |p| p == "ads").unwrap();
//! assert_eq!(s[0], ("ad_storage", true));
//! assert_eq!(s[3], ("analytics_storage", false)); // "stats" is not allowed
//! assert_eq!(s[4], ("functionality_storage", false)); // empty list
//! assert_eq!(s[6], ("security_storage", true));
//! ```

use crate::config::CONSENT_MODE_TYPES;
use crate::Config;

/// The seven types in Google's order with `granted` (true) or `denied`
/// (false), or `None` when the config has no `googleConsentMode`.
/// `allowed(purpose)` is the current decision for a purpose.
pub fn states(
    config: &Config,
    allowed: impl Fn(&str) -> bool,
) -> Option<[(&'static str, bool); 7]> {
    let map = config.google_consent_mode.as_ref()?;
    Some(CONSENT_MODE_TYPES.map(|t| {
        let granted = t == "security_storage"
            || map
                .get(t)
                .is_some_and(|list| !list.is_empty() && list.iter().all(|p| allowed(p)));
        (t, granted)
    }))
}

/// The all-denied default (`security_storage` granted): what is true before
/// the saved choices are read.
pub const DEFAULT: [(&str, bool); 7] = [
    ("ad_storage", false),
    ("ad_user_data", false),
    ("ad_personalization", false),
    ("analytics_storage", false),
    ("functionality_storage", false),
    ("personalization_storage", false),
    ("security_storage", true),
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn config(gcm: &str) -> Config {
        Config::from_json(&format!(
            r#"{{ "purposes": [
                {{ "id": "essential", "required": true, "title": "E", "description": "D" }},
                {{ "id": "ads", "saleOrShare": true, "title": "A", "description": "D" }},
                {{ "id": "stats", "title": "S", "description": "D" }},
                {{ "id": "offers", "title": "O", "description": "D" }} ]{gcm} }}"#
        ))
        .unwrap()
    }

    #[test]
    fn no_consent_mode_without_the_config_key() {
        assert!(states(&config(""), |_| true).is_none());
    }

    #[test]
    fn granted_only_when_every_listed_purpose_is_allowed() {
        let c = config(
            r#", "googleConsentMode": { "ad_storage": ["ads"], "ad_user_data": ["ads"],
                "ad_personalization": ["ads", "offers"], "analytics_storage": ["stats"],
                "personalization_storage": [], "security_storage": ["stats"] }"#,
        );
        // (allowed set, expected granted per type in Google's order)
        let table: [(&[&str], [bool; 7]); 5] = [
            (&[], [false, false, false, false, false, false, true]),
            (&["ads"], [true, true, false, false, false, false, true]),
            (
                &["ads", "offers"],
                [true, true, true, false, false, false, true],
            ),
            (&["stats"], [false, false, false, true, false, false, true]),
            (
                &["ads", "offers", "stats", "essential"],
                [true, true, true, true, false, false, true],
            ),
        ];
        for (allowed, expected) in table {
            let got = states(&c, |p| allowed.contains(&p)).unwrap();
            let names: Vec<&str> = got.iter().map(|(t, _)| *t).collect();
            assert_eq!(names, CONSENT_MODE_TYPES);
            let flags: Vec<bool> = got.iter().map(|(_, g)| *g).collect();
            assert_eq!(flags, expected, "allowed {allowed:?}");
        }
    }

    #[test]
    fn default_is_all_denied_but_security() {
        let names: Vec<&str> = DEFAULT.iter().map(|(t, _)| *t).collect();
        assert_eq!(names, CONSENT_MODE_TYPES);
        assert!(DEFAULT
            .iter()
            .all(|(t, g)| *g == (*t == "security_storage")));
    }
}
