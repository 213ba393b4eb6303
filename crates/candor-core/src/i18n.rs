//! UI texts: built-in tables per language, overridden by `config.translations`.

use crate::Config;

/// Text for UI `key` in `lang` (site translation, then built-in table for the
/// language, its base language, the default language, English). Keys:
/// `bannerTitle`, `bannerText`, `policyLink`, `acceptAll`, `rejectAll`,
/// `customize`, `save`, `close`, `open` ("Privacy choices"), `preferencesTitle`,
/// `preferencesText`, `required`, `dataUsed`, `lastsSession`, `lastsDays`
/// (with `{n}`), `saleOrShare`, `gpcNote`, `yes`, `no`, `whyTitle`,
/// `switchOff`, `download`.
pub fn ui_text<'a>(config: &'a Config, lang: &str, key: &str) -> &'a str {
    todo!()
}

/// Pick the UI language: first of `candidates` (html lang, then navigator
/// languages) that the built-in tables or the config support, else the
/// config's default language.
pub fn pick_language(config: &Config, candidates: &[&str]) -> String {
    todo!()
}

/// Whether `lang` is written right to left (ar, he, fa, ur…).
pub fn is_rtl(lang: &str) -> bool {
    todo!()
}
