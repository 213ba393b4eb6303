//! UI texts: built-in tables per language, overridden by `config.translations`.
//!
//! Built-in tables: English (`en`, complete), French (`fr`), German (`de`)
//! and Spanish (`es`). A key missing from a table falls back to English.

use crate::config::base_language;
use crate::Config;

/// Every UI text key, in the order of the English table. A
/// `config.translations` entry with another key is a config error.
pub const KEYS: [&str; 31] = [
    "bannerTitle",
    "bannerText",
    "policyLink",
    "acceptAll",
    "rejectAll",
    "customize",
    "save",
    "close",
    "open",
    "preferencesTitle",
    "preferencesText",
    "required",
    "dataUsed",
    "lastsSession",
    "lastsDays",
    "saleOrShare",
    "gpcNote",
    "noticeGpc",
    "yes",
    "no",
    "on",
    "off",
    "whyTitle",
    "switchOff",
    "download",
    "downloadReceipt",
    "dialogLabel",
    "askTitle",
    "askAllow",
    "askDeny",
    "channelsUsed",
];

type Table = [(&'static str, &'static str)];

const EN: &Table = &[
    ("bannerTitle", "Your privacy choices"),
    ("bannerText", "We'd like to personalize offers using what you browse and put in your cart. Nothing is on until you say so, and you can change your mind any time."),
    ("policyLink", "Privacy policy"),
    ("acceptAll", "Accept all"),
    ("rejectAll", "Reject all"),
    ("customize", "Choose"),
    ("save", "Save my choices"),
    ("close", "Close"),
    ("open", "Privacy choices"),
    ("preferencesTitle", "Privacy choices"),
    ("preferencesText", "Turn on only what you want. You can change these at any time from the \"Privacy choices\" button."),
    ("required", "Always on"),
    ("dataUsed", "Uses:"),
    ("lastsSession", "Lasts for this visit only."),
    ("lastsDays", "Lasts {n} days."),
    ("saleOrShare", "Shares your data with partners."),
    ("gpcNote", "Your browser's Global Privacy Control signal is on: we don't sell or share your data unless you turn it on here."),
    ("noticeGpc", "Your browser's Global Privacy Control signal is on: we don't sell or share your data unless you turn it on here."),
    ("yes", "Yes"),
    ("no", "No"),
    ("on", "On"),
    ("off", "Off"),
    ("whyTitle", "Why am I seeing this?"),
    ("switchOff", "Turn this off"),
    ("download", "Download a record of my choices"),
    ("downloadReceipt", "Download a record of my choices"),
    ("dialogLabel", "Privacy choices"),
    ("askTitle", "Allow this?"),
    ("askAllow", "Allow"),
    ("askDeny", "Not now"),
    ("channelsUsed", "Messages:"),
];

const FR: &Table = &[
    ("bannerTitle", "Vos choix de confidentialité"),
    ("bannerText", "Nous aimerions personnaliser nos offres d'après ce que vous consultez et mettez dans votre panier. Rien n'est activé tant que vous ne l'avez pas décidé, et vous pouvez changer d'avis à tout moment."),
    ("policyLink", "Politique de confidentialité"),
    ("acceptAll", "Tout accepter"),
    ("rejectAll", "Tout refuser"),
    ("customize", "Choisir"),
    ("save", "Enregistrer mes choix"),
    ("close", "Fermer"),
    ("open", "Choix de confidentialité"),
    ("preferencesTitle", "Choix de confidentialité"),
    ("preferencesText", "N'activez que ce que vous voulez. Vous pouvez modifier ces choix à tout moment avec le bouton « Choix de confidentialité »."),
    ("required", "Toujours actif"),
    ("dataUsed", "Utilise :"),
    ("lastsSession", "Pour cette visite seulement."),
    ("lastsDays", "Dure {n} jours."),
    ("saleOrShare", "Partage vos données avec des partenaires."),
    ("gpcNote", "Le signal Global Privacy Control de votre navigateur est activé : nous ne vendons ni ne partageons vos données, sauf si vous l'activez ici."),
    ("noticeGpc", "Le signal Global Privacy Control de votre navigateur est activé : nous ne vendons ni ne partageons vos données, sauf si vous l'activez ici."),
    ("yes", "Oui"),
    ("no", "Non"),
    ("on", "Activé"),
    ("off", "Désactivé"),
    ("whyTitle", "Pourquoi est-ce que je vois ceci ?"),
    ("switchOff", "Désactiver"),
    ("download", "Télécharger un relevé de mes choix"),
    ("downloadReceipt", "Télécharger un relevé de mes choix"),
    ("dialogLabel", "Choix de confidentialité"),
    ("askTitle", "Autoriser ceci ?"),
    ("askAllow", "Autoriser"),
    ("askDeny", "Pas maintenant"),
    ("channelsUsed", "Messages :"),
];

const DE: &Table = &[
    ("bannerTitle", "Ihre Datenschutz-Einstellungen"),
    ("bannerText", "Wir möchten Angebote anhand dessen personalisieren, was Sie ansehen und in den Warenkorb legen. Nichts ist aktiv, bevor Sie zustimmen, und Sie können Ihre Wahl jederzeit ändern."),
    ("policyLink", "Datenschutzerklärung"),
    ("acceptAll", "Alle akzeptieren"),
    ("rejectAll", "Alle ablehnen"),
    ("customize", "Auswählen"),
    ("save", "Auswahl speichern"),
    ("close", "Schließen"),
    ("open", "Datenschutz-Einstellungen"),
    ("preferencesTitle", "Datenschutz-Einstellungen"),
    ("preferencesText", "Aktivieren Sie nur, was Sie möchten. Sie können das jederzeit über die Schaltfläche „Datenschutz-Einstellungen“ ändern."),
    ("required", "Immer aktiv"),
    ("dataUsed", "Verwendet:"),
    ("lastsSession", "Gilt nur für diesen Besuch."),
    ("lastsDays", "Gilt {n} Tage."),
    ("saleOrShare", "Teilt Ihre Daten mit Partnern."),
    ("gpcNote", "Das Global-Privacy-Control-Signal Ihres Browsers ist aktiv: Wir verkaufen oder teilen Ihre Daten nicht, außer Sie aktivieren es hier."),
    ("noticeGpc", "Das Global-Privacy-Control-Signal Ihres Browsers ist aktiv: Wir verkaufen oder teilen Ihre Daten nicht, außer Sie aktivieren es hier."),
    ("yes", "Ja"),
    ("no", "Nein"),
    ("on", "An"),
    ("off", "Aus"),
    ("whyTitle", "Warum sehe ich das?"),
    ("switchOff", "Ausschalten"),
    ("download", "Nachweis meiner Auswahl herunterladen"),
    ("downloadReceipt", "Nachweis meiner Auswahl herunterladen"),
    ("dialogLabel", "Datenschutz-Einstellungen"),
    ("askTitle", "Erlauben?"),
    ("askAllow", "Erlauben"),
    ("askDeny", "Jetzt nicht"),
    ("channelsUsed", "Nachrichten:"),
];

const ES: &Table = &[
    ("bannerTitle", "Tus opciones de privacidad"),
    ("bannerText", "Nos gustaría personalizar ofertas según lo que consultas y añades a tu carrito. Nada se activa hasta que lo digas, y puedes cambiar de opinión en cualquier momento."),
    ("policyLink", "Política de privacidad"),
    ("acceptAll", "Aceptar todo"),
    ("rejectAll", "Rechazar todo"),
    ("customize", "Elegir"),
    ("save", "Guardar mis opciones"),
    ("close", "Cerrar"),
    ("open", "Opciones de privacidad"),
    ("preferencesTitle", "Opciones de privacidad"),
    ("preferencesText", "Activa solo lo que quieras. Puedes cambiarlo en cualquier momento con el botón «Opciones de privacidad»."),
    ("required", "Siempre activo"),
    ("dataUsed", "Usa:"),
    ("lastsSession", "Solo durante esta visita."),
    ("lastsDays", "Dura {n} días."),
    ("saleOrShare", "Comparte tus datos con socios."),
    ("gpcNote", "La señal Global Privacy Control de tu navegador está activada: no vendemos ni compartimos tus datos salvo que lo actives aquí."),
    ("noticeGpc", "La señal Global Privacy Control de tu navegador está activada: no vendemos ni compartimos tus datos salvo que lo actives aquí."),
    ("yes", "Sí"),
    ("no", "No"),
    ("on", "Activado"),
    ("off", "Desactivado"),
    ("whyTitle", "¿Por qué veo esto?"),
    ("switchOff", "Desactivar"),
    ("download", "Descargar un registro de mis opciones"),
    ("downloadReceipt", "Descargar un registro de mis opciones"),
    ("dialogLabel", "Opciones de privacidad"),
    ("askTitle", "¿Permitir esto?"),
    ("askAllow", "Permitir"),
    ("askDeny", "Ahora no"),
    ("channelsUsed", "Mensajes:"),
];

/// The built-in languages.
pub const BUILT_IN_LANGUAGES: [&str; 4] = ["en", "fr", "de", "es"];

fn table(lang: &str) -> Option<&'static Table> {
    if lang.eq_ignore_ascii_case("en") {
        Some(EN)
    } else if lang.eq_ignore_ascii_case("fr") {
        Some(FR)
    } else if lang.eq_ignore_ascii_case("de") {
        Some(DE)
    } else if lang.eq_ignore_ascii_case("es") {
        Some(ES)
    } else {
        None
    }
}

fn built_in(lang: &str, key: &str) -> Option<&'static str> {
    table(lang)?
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| *v)
}

fn site<'a>(config: &'a Config, lang: &str, key: &str) -> Option<&'a str> {
    config
        .translations
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(lang))
        .and_then(|(_, texts)| texts.get(key))
        .map(String::as_str)
}

/// Text for UI `key` in `lang`. Looked up in order: the site's translation
/// for `lang`, then for its base language (`fr` for `fr-CA`); the built-in
/// table for `lang`'s base language; the site's translation for the default
/// language; the built-in table for the default language; English. An
/// unknown key gives `""`.
///
/// Keys (English built-in text in parentheses):
/// `bannerTitle` ("Your privacy choices"), `bannerText` (the banner's
/// sentence), `policyLink` ("Privacy policy"), `acceptAll`, `rejectAll`,
/// `customize` ("Choose"), `save`, `close`, `open` ("Privacy choices", the
/// small persistent button), `preferencesTitle`, `preferencesText`,
/// `required` ("Always on"), `dataUsed` ("Uses:"), `channelsUsed`
/// ("Messages:"), `lastsSession`, `lastsDays` (with `{n}`), `saleOrShare`,
/// `gpcNote` and its alias `noticeGpc` (shown when GPC is on), `yes`, `no`,
/// `on`, `off`, `whyTitle`, `switchOff`, `download` and its alias
/// `downloadReceipt`, `dialogLabel` (accessible name of the dialogs),
/// `askTitle`, `askAllow`, `askDeny` (the contextual prompt). The full list
/// is [`KEYS`].
///
/// ```
/// use candor_core::{i18n::ui_text, Config};
/// let config = Config::from_json(r#"{
///   "purposes": [{ "id": "p", "title": "P", "description": "D" }],
///   "translations": { "fr": { "acceptAll": "Oui à tout" } }
/// }"#).unwrap();
/// assert_eq!(ui_text(&config, "fr-CA", "acceptAll"), "Oui à tout");
/// assert_eq!(ui_text(&config, "fr", "rejectAll"), "Tout refuser");
/// assert_eq!(ui_text(&config, "ja", "rejectAll"), "Reject all");
/// ```
pub fn ui_text<'a>(config: &'a Config, lang: &str, key: &str) -> &'a str {
    let base = base_language(lang);
    let default = config.default_language.as_str();
    site(config, lang, key)
        .or_else(|| site(config, base, key))
        .or_else(|| built_in(base, key))
        .or_else(|| site(config, default, key))
        .or_else(|| site(config, base_language(default), key))
        .or_else(|| built_in(base_language(default), key))
        .or_else(|| built_in("en", key))
        .unwrap_or("")
}

fn config_knows(config: &Config, lang: &str) -> bool {
    let base = base_language(lang);
    let text_has = |t: &crate::Text| match t {
        crate::Text::Plain(_) => false,
        crate::Text::Localized(map) => map
            .keys()
            .any(|k| k.eq_ignore_ascii_case(lang) || k.eq_ignore_ascii_case(base)),
    };
    config
        .translations
        .keys()
        .any(|k| k.eq_ignore_ascii_case(lang) || k.eq_ignore_ascii_case(base))
        || config
            .purposes
            .iter()
            .any(|p| text_has(&p.title) || text_has(&p.description))
        || base.eq_ignore_ascii_case(base_language(&config.default_language))
}

/// Pick the UI language: first of `candidates` (html lang, then navigator
/// languages) that the built-in tables or the config support (exactly or by
/// base language), else the config's default language. The candidate is
/// returned as given (e.g. `"fr-CA"`), so that lookups can still prefer an
/// exact regional text; empty or over-long (> 35 bytes) candidates are skipped.
///
/// ```
/// use candor_core::{i18n::pick_language, Config};
/// let config = Config::from_json(r#"{ "purposes": [{ "id": "p", "title": "P", "description": "D" }] }"#).unwrap();
/// assert_eq!(pick_language(&config, &["ja", "fr-CA", "en"]), "fr-CA");
/// assert_eq!(pick_language(&config, &["ja"]), "en");
/// ```
pub fn pick_language(config: &Config, candidates: &[&str]) -> String {
    candidates
        .iter()
        .filter(|c| !c.is_empty() && c.len() <= 35)
        .find(|c| table(base_language(c)).is_some() || config_knows(config, c))
        .map(|c| (*c).to_string())
        .unwrap_or_else(|| config.default_language.clone())
}

/// Whether `lang` is written right to left (ar, he, fa, ur…).
///
/// ```
/// assert!(candor_core::i18n::is_rtl("ar-EG"));
/// assert!(!candor_core::i18n::is_rtl("fr"));
/// ```
pub fn is_rtl(lang: &str) -> bool {
    const RTL: [&str; 12] = [
        "ar", "he", "iw", "fa", "ur", "ps", "sd", "yi", "dv", "ug", "ckb", "syr",
    ];
    let base = base_language(lang);
    RTL.iter().any(|r| r.eq_ignore_ascii_case(base))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn every_table_uses_known_keys_and_english_is_complete() {
        for key in KEYS {
            assert!(built_in("en", key).is_some(), "English lacks {key}");
        }
        for t in [EN, FR, DE, ES] {
            for (k, _) in t {
                assert!(KEYS.contains(k), "unknown key {k}");
            }
            assert_eq!(t.len(), KEYS.len());
        }
    }
}
