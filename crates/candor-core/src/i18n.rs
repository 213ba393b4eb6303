//! UI texts and explanation templates: built-in tables per language,
//! overridden by `config.translations`.
//!
//! Built-in tables: English (`en`), French (`fr`), German (`de`) and Spanish
//! (`es`), each complete (every key of [`KEYS`]; a unit test checks it).
//! English is always compiled in. The other three are compiled in with the
//! `bundled-languages` feature (on by default); the browser widget is built
//! without it and fetches the one table a page needs, as the file
//! [`table_file`] writes, into the config with [`load_table`]
//! ([`missing_tables`] says which).
//! The explanation sentences of [`crate::explain`] come from the same tables
//! (keys `why-…`), so a site can translate or reword them through
//! `translations` like any button label, including for a language Candor
//! has no table for.

use crate::config::base_language;
use crate::{Config, ConfigError};

/// Every text key, in the order of the English table: UI texts (camelCase)
/// then explanation templates (`why-…`, see [`crate::explain`]). A
/// `config.translations` entry with another key is a config error.
pub const KEYS: [&str; 58] = [
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
    "whyChoice",
    "whyNoChoice",
    "why-unknown-purpose",
    "why-sensitive-signal",
    "why-demographic-signal",
    "why-undeclared-signal",
    "why-undeclared-channel",
    "why-unknown-channel",
    "why-required",
    "why-gpc",
    "why-no-choice",
    "why-outdated",
    "why-expired",
    "why-expired-session",
    "why-refused",
    "why-refused-all",
    "why-frequency-cap-one",
    "why-frequency-cap",
    "why-granted",
    "why-granted-all",
    "why-uses",
    "why-last-hour",
    "why-last-hours",
    "why-last-day",
    "why-last-days",
    "why-invalid-request",
    "whyData",
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
    ("gpcNote", "Off because your browser's Global Privacy Control signal asks us not to sell or share your data. You can still turn it on here."),
    ("noticeGpc", "Your browser's Global Privacy Control signal is on: we don't sell or share your data unless you turn that on yourself."),
    ("yes", "Yes"),
    ("no", "No"),
    ("on", "On"),
    ("off", "Off"),
    ("whyTitle", "Why this?"),
    ("switchOff", "Turn this off"),
    ("download", "Download a copy of my choices"),
    ("downloadReceipt", "Download a copy of my choices"),
    ("dialogLabel", "Privacy choices"),
    ("askTitle", "Allow this?"),
    ("askAllow", "Allow"),
    ("askDeny", "Not now"),
    ("channelsUsed", "Messages:"),
    ("whyChoice", "Your choice: {state}, since {date}."),
    ("whyNoChoice", "Your choice: not made yet."),
    ("why-unknown-purpose", "Not allowed: \"{title}\" is not one of this site's purposes."),
    ("why-sensitive-signal", "Not allowed: \"{data}\" is sensitive data, which this site never uses for personalization."),
    ("why-demographic-signal", "Not allowed: this site does not personalize by \"{data}\"."),
    ("why-undeclared-signal", "Not allowed: \"{title}\" does not use \"{data}\"."),
    ("why-undeclared-channel", "Not allowed: \"{title}\" does not send messages {channel}."),
    ("why-unknown-channel", "Not allowed: this site has no message channel \"{channel}\"."),
    ("why-required", "Allowed: \"{title}\" is needed for the site to work."),
    ("why-gpc", "Not allowed: your browser's Global Privacy Control signal asks this site not to sell or share your data."),
    ("why-no-choice", "Not allowed: you have not chosen yet whether to allow \"{title}\"."),
    ("why-outdated", "Not allowed: \"{title}\" has changed since you chose on {date}, so you need to choose again."),
    ("why-expired", "Not allowed: your choice about \"{title}\" made on {date} has expired."),
    ("why-expired-session", "Not allowed: you turned on \"{title}\" for an earlier visit only."),
    ("why-refused", "Not allowed: you turned off \"{title}\" on {date}."),
    ("why-refused-all", "Not allowed: you rejected all optional purposes, \"{title}\" included, on {date}."),
    ("why-frequency-cap-one", "Not allowed: you already received 1 message {channel} {period}."),
    ("why-frequency-cap", "Not allowed: you already received {n} messages {channel} {period}."),
    ("why-granted", "Allowed: you turned on \"{title}\" on {date}."),
    ("why-granted-all", "Allowed: you accepted all purposes, \"{title}\" included, on {date}."),
    ("why-uses", " It uses: {data}."),
    ("why-last-hour", "in the last hour"),
    ("why-last-hours", "in the last {n} hours"),
    ("why-last-day", "in the last day"),
    ("why-last-days", "in the last {n} days"),
    ("why-invalid-request", "Not allowed: this request could not be understood."),
    ("whyData", "Data it uses:"),
];

#[cfg(feature = "bundled-languages")]
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
    ("gpcNote", "Désactivé, car le signal Global Privacy Control de votre navigateur nous demande de ne pas vendre ni partager vos données. Vous pouvez tout de même l'activer ici."),
    ("noticeGpc", "Le signal Global Privacy Control de votre navigateur est activé : nous ne vendons ni ne partageons vos données, sauf si vous l'autorisez vous-même."),
    ("yes", "Oui"),
    ("no", "Non"),
    ("on", "Activé"),
    ("off", "Désactivé"),
    ("whyTitle", "Pourquoi ceci ?"),
    ("switchOff", "Désactiver"),
    ("download", "Télécharger une copie de mes choix"),
    ("downloadReceipt", "Télécharger une copie de mes choix"),
    ("dialogLabel", "Choix de confidentialité"),
    ("askTitle", "Autoriser ceci ?"),
    ("askAllow", "Autoriser"),
    ("askDeny", "Pas maintenant"),
    ("channelsUsed", "Messages :"),
    ("whyChoice", "Votre choix : {state}, depuis le {date}."),
    ("whyNoChoice", "Votre choix : pas encore fait."),
    ("why-unknown-purpose", "Non autorisé : « {title} » ne fait pas partie des finalités de ce site."),
    ("why-sensitive-signal", "Non autorisé : « {data} » est une donnée sensible, que ce site n'utilise jamais pour la personnalisation."),
    ("why-demographic-signal", "Non autorisé : ce site ne personnalise pas selon « {data} »."),
    ("why-undeclared-signal", "Non autorisé : « {title} » n'utilise pas « {data} »."),
    ("why-undeclared-channel", "Non autorisé : « {title} » n'envoie pas de messages {channel}."),
    ("why-unknown-channel", "Non autorisé : ce site n'a pas de canal « {channel} »."),
    ("why-required", "Autorisé : « {title} » est nécessaire au fonctionnement du site."),
    ("why-gpc", "Non autorisé : le signal Global Privacy Control de votre navigateur demande à ce site de ne pas vendre ni partager vos données."),
    ("why-no-choice", "Non autorisé : vous n'avez pas encore indiqué si vous autorisez « {title} »."),
    ("why-outdated", "Non autorisé : « {title} » a changé depuis votre choix du {date}, merci de choisir à nouveau."),
    ("why-expired", "Non autorisé : votre choix du {date} concernant « {title} » a expiré."),
    ("why-expired-session", "Non autorisé : vous aviez activé « {title} » pour une visite précédente seulement."),
    ("why-refused", "Non autorisé : vous avez désactivé « {title} » le {date}."),
    ("why-refused-all", "Non autorisé : vous avez refusé toutes les finalités facultatives, dont « {title} », le {date}."),
    ("why-frequency-cap-one", "Non autorisé : vous avez déjà reçu 1 message {channel} {period}."),
    ("why-frequency-cap", "Non autorisé : vous avez déjà reçu {n} messages {channel} {period}."),
    ("why-granted", "Autorisé : vous avez activé « {title} » le {date}."),
    ("why-granted-all", "Autorisé : vous avez accepté toutes les finalités, dont « {title} », le {date}."),
    ("why-uses", " Données utilisées : {data}."),
    ("why-last-hour", "au cours de la dernière heure"),
    ("why-last-hours", "au cours des {n} dernières heures"),
    ("why-last-day", "au cours des dernières 24 heures"),
    ("why-last-days", "au cours des {n} derniers jours"),
    ("why-invalid-request", "Non autorisé : cette demande n'a pas pu être comprise."),
    ("whyData", "Données utilisées :"),
];

#[cfg(feature = "bundled-languages")]
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
    ("gpcNote", "Aus, weil das Global-Privacy-Control-Signal Ihres Browsers uns bittet, Ihre Daten nicht zu verkaufen oder weiterzugeben. Sie können es hier trotzdem einschalten."),
    ("noticeGpc", "Das Global-Privacy-Control-Signal Ihres Browsers ist aktiv: Wir verkaufen oder teilen Ihre Daten nicht, außer Sie erlauben es selbst."),
    ("yes", "Ja"),
    ("no", "Nein"),
    ("on", "An"),
    ("off", "Aus"),
    ("whyTitle", "Warum das?"),
    ("switchOff", "Ausschalten"),
    ("download", "Kopie meiner Auswahl herunterladen"),
    ("downloadReceipt", "Kopie meiner Auswahl herunterladen"),
    ("dialogLabel", "Datenschutz-Einstellungen"),
    ("askTitle", "Erlauben?"),
    ("askAllow", "Erlauben"),
    ("askDeny", "Jetzt nicht"),
    ("channelsUsed", "Nachrichten:"),
    ("whyChoice", "Ihre Wahl: {state}, seit {date}."),
    ("whyNoChoice", "Ihre Wahl: noch nicht getroffen."),
    ("why-unknown-purpose", "Nicht erlaubt: „{title}“ ist kein Zweck dieser Website."),
    ("why-sensitive-signal", "Nicht erlaubt: „{data}“ sind sensible Daten, die diese Website nie zur Personalisierung nutzt."),
    ("why-demographic-signal", "Nicht erlaubt: Diese Website personalisiert nicht nach „{data}“."),
    ("why-undeclared-signal", "Nicht erlaubt: „{title}“ verwendet „{data}“ nicht."),
    ("why-undeclared-channel", "Nicht erlaubt: „{title}“ sendet keine Nachrichten {channel}."),
    ("why-unknown-channel", "Nicht erlaubt: Diese Website hat keinen Nachrichtenkanal „{channel}“."),
    ("why-required", "Erlaubt: „{title}“ ist für den Betrieb der Website notwendig."),
    ("why-gpc", "Nicht erlaubt: Das Global-Privacy-Control-Signal Ihres Browsers bittet diese Website, Ihre Daten nicht zu verkaufen oder weiterzugeben."),
    ("why-no-choice", "Nicht erlaubt: Sie haben noch nicht entschieden, ob Sie „{title}“ erlauben."),
    ("why-outdated", "Nicht erlaubt: „{title}“ hat sich seit Ihrer Wahl am {date} geändert, bitte wählen Sie erneut."),
    ("why-expired", "Nicht erlaubt: Ihre Wahl zu „{title}“ vom {date} ist abgelaufen."),
    ("why-expired-session", "Nicht erlaubt: Sie hatten „{title}“ nur für einen früheren Besuch eingeschaltet."),
    ("why-refused", "Nicht erlaubt: Sie haben „{title}“ am {date} ausgeschaltet."),
    ("why-refused-all", "Nicht erlaubt: Sie haben am {date} alle optionalen Zwecke abgelehnt, auch „{title}“."),
    ("why-frequency-cap-one", "Nicht erlaubt: Sie haben {period} bereits 1 Nachricht {channel} erhalten."),
    ("why-frequency-cap", "Nicht erlaubt: Sie haben {period} bereits {n} Nachrichten {channel} erhalten."),
    ("why-granted", "Erlaubt: Sie haben „{title}“ am {date} eingeschaltet."),
    ("why-granted-all", "Erlaubt: Sie haben am {date} alle Zwecke akzeptiert, auch „{title}“."),
    ("why-uses", " Verwendete Daten: {data}."),
    ("why-last-hour", "in der letzten Stunde"),
    ("why-last-hours", "in den letzten {n} Stunden"),
    ("why-last-day", "in den letzten 24 Stunden"),
    ("why-last-days", "in den letzten {n} Tagen"),
    ("why-invalid-request", "Nicht erlaubt: Diese Anfrage ist nicht verständlich."),
    ("whyData", "Verwendete Daten:"),
];

#[cfg(feature = "bundled-languages")]
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
    ("gpcNote", "Desactivado porque la señal Global Privacy Control de tu navegador nos pide no vender ni compartir tus datos. Aun así, puedes activarlo aquí."),
    ("noticeGpc", "La señal Global Privacy Control de tu navegador está activada: no vendemos ni compartimos tus datos salvo que tú lo permitas."),
    ("yes", "Sí"),
    ("no", "No"),
    ("on", "Activado"),
    ("off", "Desactivado"),
    ("whyTitle", "¿Por qué esto?"),
    ("switchOff", "Desactivar"),
    ("download", "Descargar una copia de mis opciones"),
    ("downloadReceipt", "Descargar una copia de mis opciones"),
    ("dialogLabel", "Opciones de privacidad"),
    ("askTitle", "¿Permitir esto?"),
    ("askAllow", "Permitir"),
    ("askDeny", "Ahora no"),
    ("channelsUsed", "Mensajes:"),
    ("whyChoice", "Tu elección: {state}, desde el {date}."),
    ("whyNoChoice", "Tu elección: aún no la has hecho."),
    ("why-unknown-purpose", "No permitido: «{title}» no es una de las finalidades de este sitio."),
    ("why-sensitive-signal", "No permitido: «{data}» es un dato sensible, que este sitio nunca usa para personalizar."),
    ("why-demographic-signal", "No permitido: este sitio no personaliza según «{data}»."),
    ("why-undeclared-signal", "No permitido: «{title}» no usa «{data}»."),
    ("why-undeclared-channel", "No permitido: «{title}» no envía mensajes {channel}."),
    ("why-unknown-channel", "No permitido: este sitio no tiene ningún canal de mensajes «{channel}»."),
    ("why-required", "Permitido: «{title}» es necesario para que el sitio funcione."),
    ("why-gpc", "No permitido: la señal Global Privacy Control de tu navegador pide a este sitio que no venda ni comparta tus datos."),
    ("why-no-choice", "No permitido: aún no has elegido si permites «{title}»."),
    ("why-outdated", "No permitido: «{title}» ha cambiado desde tu elección del {date}, así que debes elegir de nuevo."),
    ("why-expired", "No permitido: tu elección sobre «{title}» del {date} ha caducado."),
    ("why-expired-session", "No permitido: activaste «{title}» solo para una visita anterior."),
    ("why-refused", "No permitido: desactivaste «{title}» el {date}."),
    ("why-refused-all", "No permitido: rechazaste todas las finalidades opcionales, incluida «{title}», el {date}."),
    ("why-frequency-cap-one", "No permitido: ya has recibido 1 mensaje {channel} {period}."),
    ("why-frequency-cap", "No permitido: ya has recibido {n} mensajes {channel} {period}."),
    ("why-granted", "Permitido: activaste «{title}» el {date}."),
    ("why-granted-all", "Permitido: aceptaste todas las finalidades, incluida «{title}», el {date}."),
    ("why-uses", " Datos que usa: {data}."),
    ("why-last-hour", "en la última hora"),
    ("why-last-hours", "en las últimas {n} horas"),
    ("why-last-day", "en las últimas 24 horas"),
    ("why-last-days", "en los últimos {n} días"),
    ("why-invalid-request", "No permitido: no se pudo entender esta solicitud."),
    ("whyData", "Datos que usa:"),
];

/// The built-in languages (compiled in or loaded with [`load_table`]).
pub const BUILT_IN_LANGUAGES: [&str; 4] = ["en", "fr", "de", "es"];

/// The built-in language `lang` is (case-insensitively), as spelled in
/// [`BUILT_IN_LANGUAGES`].
fn built_in_language(lang: &str) -> Option<&'static str> {
    BUILT_IN_LANGUAGES
        .into_iter()
        .find(|b| b.eq_ignore_ascii_case(lang))
}

/// The compiled-in table of `lang`.
fn compiled(lang: &str) -> Option<&'static Table> {
    match built_in_language(lang)? {
        "en" => Some(EN),
        #[cfg(feature = "bundled-languages")]
        "fr" => Some(FR),
        #[cfg(feature = "bundled-languages")]
        "de" => Some(DE),
        #[cfg(feature = "bundled-languages")]
        "es" => Some(ES),
        _ => None,
    }
}

/// The built-in text of `key` in `lang`: from the table loaded at run time
/// ([`load_table`]) if any, else from the compiled-in one.
fn built_in<'a>(config: &'a Config, lang: &str, key: &str) -> Option<&'a str> {
    match config
        .tables
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(lang))
    {
        Some((_, texts)) => texts
            .get(KEYS.iter().position(|k| *k == key)?)
            .map(String::as_str),
        None => compiled(lang)?
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v),
    }
}

/// The built-in languages whose table the UI in `lang` may need (the base
/// of `lang`, then of the config's default language) that this build does
/// not carry and `config` has not loaded yet, each to fetch and
/// [`load_table`]. Always empty with the `bundled-languages` feature.
///
/// ```
/// use candor_core::{i18n::missing_tables, Config};
/// let config = Config::from_json(r#"{ "purposes": [{ "id": "p", "title": "P", "description": "D" }] }"#).unwrap();
/// assert!(missing_tables(&config, "en-GB").is_empty());
/// # #[cfg(feature = "bundled-languages")]
/// assert!(missing_tables(&config, "fr-CA").is_empty());
/// # #[cfg(not(feature = "bundled-languages"))]
/// assert_eq!(missing_tables(&config, "fr-CA"), ["fr"]);
/// ```
pub fn missing_tables(config: &Config, lang: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for tag in [base_language(lang), base_language(&config.default_language)] {
        if let Some(b) = built_in_language(tag) {
            let loaded = config.tables.iter().any(|(t, _)| *t == b);
            if compiled(b).is_none() && !loaded && !out.contains(&b) {
                out.push(b);
            }
        }
    }
    out
}

/// The language to show: `lang`, unless its table is among the
/// [`missing_tables`] (it could not be loaded), then the config's default
/// language, so that the texts shown and the `lang` they are marked with
/// agree.
///
/// ```
/// use candor_core::{i18n::shown_language, Config};
/// let config = Config::from_json(r#"{ "purposes": [{ "id": "p", "title": "P", "description": "D" }] }"#).unwrap();
/// assert_eq!(shown_language(&config, "he"), "he");
/// # #[cfg(not(feature = "bundled-languages"))]
/// assert_eq!(shown_language(&config, "fr-CA"), "en");
/// ```
pub fn shown_language<'a>(config: &'a Config, lang: &'a str) -> &'a str {
    let missing = missing_tables(config, lang);
    if missing
        .first()
        .is_some_and(|m| m.eq_ignore_ascii_case(base_language(lang)))
    {
        &config.default_language
    } else {
        lang
    }
}

/// Load the table of the built-in language `lang` from its file, as
/// [`table_file`] writes it: one line `key=text` for every key of [`KEYS`],
/// in that order. It replaces the compiled-in table, if any. An error
/// leaves `config` unchanged; the UI then falls back as [`ui_text`] says
/// (to English).
///
/// Refused: a language that is not built in, and any file that is not
/// exactly those lines (a key missing, extra or out of place), so that a
/// file from another version of Candor cannot leave half a language or
/// texts under the wrong keys.
///
/// ```
/// use candor_core::{i18n::{load_table, table_file, ui_text}, Config};
/// let mut config = Config::from_json(r#"{ "purposes": [{ "id": "p", "title": "P", "description": "D" }] }"#).unwrap();
/// let file = table_file("en").unwrap().replace("Reject all", "No thanks");
/// load_table(&mut config, "en", &file).unwrap();
/// assert_eq!(ui_text(&config, "en", "rejectAll"), "No thanks");
/// assert!(load_table(&mut config, "en", "rejectAll=No\n").is_err());
/// ```
pub fn load_table(config: &mut Config, lang: &str, file: &str) -> Result<(), ConfigError> {
    let fail = |message: &str| ConfigError {
        path: ["i18n/", lang, ".txt"].concat(),
        message: message.to_owned(),
    };
    let lang = built_in_language(lang).ok_or_else(|| fail("not a built-in language"))?;
    let mut lines = file.split('\n');
    let mut texts = Vec::with_capacity(KEYS.len());
    for key in KEYS {
        match lines.next().and_then(|line| line.split_once('=')) {
            Some((k, text)) if k == key => texts.push(text.to_owned()),
            _ => return Err(fail(&["expected the line of ", key].concat())),
        }
    }
    // Nothing after the last line's `\n`.
    if lines.next().is_some_and(|rest| !rest.is_empty()) || lines.next().is_some() {
        return Err(fail("more lines than text keys"));
    }
    config.tables.retain(|(tag, _)| *tag != lang);
    config.tables.push((lang, texts));
    Ok(())
}

/// The file of a compiled-in table, as [`load_table`] reads it: one line
/// `key=text` per key, in [`KEYS`] order (no text holds a line break).
/// `None` for a language this build does not carry. `cargo xtask build`
/// writes one file per built-in language but English, `i18n/<lang>.txt`,
/// next to the widget.
pub fn table_file(lang: &str) -> Option<String> {
    let mut out = String::new();
    for (key, text) in compiled(lang)? {
        out.push_str(key);
        out.push('=');
        out.push_str(text);
        out.push('\n');
    }
    Some(out)
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
/// `askTitle`, `askAllow`, `askDeny` (the contextual prompt), `whyData`,
/// `whyChoice` (with `{state}` and `{date}`) and `whyNoChoice` (the "Why
/// this?" panel), and the explanation templates `why-<reason>` (see
/// [`crate::explain`]). The full list is [`KEYS`].
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
        .or_else(|| built_in(config, base, key))
        .or_else(|| site(config, default, key))
        .or_else(|| site(config, base_language(default), key))
        .or_else(|| built_in(config, base_language(default), key))
        .or_else(|| built_in(config, "en", key))
        .unwrap_or("")
}

fn config_knows(config: &Config, lang: &str) -> bool {
    let base = base_language(lang);
    let names = |k: &String| k.eq_ignore_ascii_case(lang) || k.eq_ignore_ascii_case(base);
    let text_has = |t: &crate::Text| match t {
        crate::Text::Plain(_) => false,
        crate::Text::Localized(map) => map.iter().any(|(k, _)| names(k)),
    };
    config.translations.iter().any(|(k, _)| names(k))
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
    for c in candidates {
        let usable = !c.is_empty() && c.len() <= 35;
        if usable && (built_in_language(base_language(c)).is_some() || config_knows(config, c)) {
            return (*c).to_string();
        }
    }
    config.default_language.clone()
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

    /// The compiled-in English text of `key`.
    #[cfg(feature = "bundled-languages")]
    fn english(key: &str) -> Option<&'static str> {
        EN.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn config() -> Config {
        Config::from_json(r#"{ "purposes": [{ "id": "p", "title": "P", "description": "D" }] }"#)
            .unwrap()
    }

    /// `{name}` placeholders of a template, sorted.
    #[cfg(feature = "bundled-languages")]
    fn placeholders(t: &str) -> Vec<&str> {
        let mut out: Vec<&str> = t
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    #[cfg(feature = "bundled-languages")]
    fn every_built_in_table_has_every_key_once_in_order() {
        for (lang, t) in [("en", EN), ("fr", FR), ("de", DE), ("es", ES)] {
            let keys: Vec<&str> = t.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys, KEYS, "{lang}: keys missing, extra or out of order");
            for (k, v) in t {
                assert!(!v.trim().is_empty(), "{lang} {k} is empty");
                assert_eq!(
                    placeholders(v),
                    placeholders(english(k).unwrap()),
                    "{lang} {k}: placeholders differ from English"
                );
            }
        }
    }

    #[test]
    #[cfg(feature = "bundled-languages")]
    fn translations_differ_from_english_where_they_should() {
        // Catch a table left in English by mistake ("no"/"Messages :" aside).
        for (lang, t) in [("fr", FR), ("de", DE), ("es", ES)] {
            let same: Vec<&str> = t
                .iter()
                .filter(|(k, v)| english(k) == Some(*v))
                .map(|(k, _)| *k)
                .collect();
            assert!(same.len() <= 1, "{lang} has English texts for {same:?}");
        }
    }

    #[test]
    fn site_translations_override_built_ins_and_reach_unknown_languages() {
        let config = Config::from_json(
            r#"{ "purposes": [{ "id": "p", "title": "P", "description": "D" }],
                 "translations": { "ar": { "acceptAll": "قبول الكل" },
                                   "fr": { "why-granted": "Oui : « {title} »." } } }"#,
        )
        .unwrap();
        assert_eq!(ui_text(&config, "ar", "acceptAll"), "قبول الكل");
        assert_eq!(ui_text(&config, "ar", "rejectAll"), "Reject all");
        assert_eq!(
            ui_text(&config, "fr-FR", "why-granted"),
            "Oui : « {title} »."
        );
        assert_eq!(pick_language(&config, &["ar", "en"]), "ar");
        assert_eq!(pick_language(&config, &["he", "en-US"]), "en-US");
        assert!(is_rtl("he") && is_rtl("fa-IR") && is_rtl("ur") && !is_rtl("de"));
    }

    #[test]
    fn a_table_file_loads_back_to_the_same_texts() {
        for lang in BUILT_IN_LANGUAGES {
            let Some(file) = table_file(lang) else {
                continue;
            };
            let mut config = config();
            let before: Vec<&str> = KEYS.iter().map(|k| ui_text(&config, lang, k)).collect();
            let before: Vec<String> = before.into_iter().map(str::to_owned).collect();
            load_table(&mut config, &lang.to_uppercase(), &file).unwrap();
            let after: Vec<&str> = KEYS.iter().map(|k| ui_text(&config, lang, k)).collect();
            assert_eq!(before, after, "{lang}");
            assert!(
                config.tables.iter().any(|(t, _)| *t == lang),
                "{lang}: stored as spelled"
            );
        }
    }

    #[test]
    fn a_loaded_table_sits_between_site_texts_and_english() {
        let mut config = Config::from_json(
            r#"{ "purposes": [{ "id": "p", "title": "P", "description": "D" }],
                 "translations": { "de": { "save": "Sichern" } } }"#,
        )
        .unwrap();
        let mut file = String::new();
        for key in KEYS {
            file.push_str(&format!("{key}=de:{key}\n"));
        }
        load_table(&mut config, "de", &file).unwrap();
        assert_eq!(
            ui_text(&config, "de-AT", "save"),
            "Sichern",
            "the site's text wins"
        );
        assert_eq!(ui_text(&config, "de-AT", "rejectAll"), "de:rejectAll");
        assert_eq!(ui_text(&config, "it", "rejectAll"), "Reject all");
        assert!(
            missing_tables(&config, "de").is_empty(),
            "loaded: not missing"
        );
        for lang in BUILT_IN_LANGUAGES {
            for key in KEYS {
                assert!(
                    !ui_text(&config, lang, key).contains(['\n', '\r']),
                    "{lang} {key}: a line break"
                );
            }
        }
    }

    #[test]
    fn a_bad_table_file_is_refused_and_changes_nothing() {
        let english = table_file("en").unwrap();
        let expected = |key: &str| format!("i18n/fr.txt: expected the line of {key}");
        let cases = [
            (
                "it",
                english.clone(),
                "i18n/it.txt: not a built-in language".to_owned(),
            ),
            ("fr", String::new(), expected("bannerTitle")),
            (
                "fr",
                english.replace("save=Save my choices\n", ""),
                expected("save"),
            ),
            (
                "fr",
                english.replace("save=Save my choices", "save: Save my choices"),
                expected("save"),
            ),
            (
                "fr",
                ["shout=HI\n", &english].concat(),
                expected("bannerTitle"),
            ),
            (
                "fr",
                [&english, "shout=HI\n"].concat(),
                "i18n/fr.txt: more lines than text keys".to_owned(),
            ),
        ];
        for (lang, file, message) in cases {
            let mut config = config();
            let error = load_table(&mut config, lang, &file).unwrap_err();
            assert_eq!(error.to_string(), message);
            assert_eq!(config, self::config(), "{message}: config unchanged");
        }
    }

    #[test]
    fn missing_tables_names_each_needed_language_once() {
        let french_default = Config::from_json(
            r#"{ "defaultLanguage": "fr-CA", "purposes": [{ "id": "p", "title": "P", "description": "D" }] }"#,
        )
        .unwrap();
        let bundled = cfg!(feature = "bundled-languages");
        let expect = |langs: &[&'static str]| if bundled { Vec::new() } else { langs.to_vec() };
        assert_eq!(missing_tables(&config(), "ja"), expect(&[]));
        assert_eq!(missing_tables(&config(), "ES-mx"), expect(&["es"]));
        assert_eq!(missing_tables(&french_default, "de"), expect(&["de", "fr"]));
        assert_eq!(missing_tables(&french_default, "fr"), expect(&["fr"]));
        assert_eq!(missing_tables(&french_default, "en"), expect(&["fr"]));
    }
}
