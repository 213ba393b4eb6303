//! UI texts and explanation templates: built-in tables per language,
//! overridden by the config's `translations`.
//!
//! Built-in tables: English (`en`), French (`fr`), German (`de`) and Spanish
//! (`es`), each complete (every key of [`KEYS`]; a unit test checks it).
//! English is always compiled in. The other three are compiled in with the
//! `bundled-languages` feature (on by default); the browser widget is built
//! without it and fetches the one table a page needs, as the file
//! [`table_file`] writes, into its [`Tables`] ([`Tables::missing`] says
//! which). The explanation sentences of [`crate::explain`] come from the
//! same tables (keys `why-…`), so a site can translate or reword them
//! through `translations` like any button label, including for a language
//! Candor has no table for.
//!
//! This module knows nothing of the config: [`Texts`] takes the site's
//! translations and default language as they are, and the config
//! ([`crate::Config::texts`]) hands them in.

use crate::error::ConfigError;
use crate::text::base_language;
use crate::Map;

/// The site's own texts: language tag → text key → text.
pub type Translations = Map<String, Map<String, String>>;

/// Every text key, in the order of the English table: UI texts (camelCase)
/// then explanation templates (`why-…`, see [`crate::explain`]). A
/// `config.translations` entry with another key is a config error.
pub const KEYS: [&str; 56] = [
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
    "channelsUsed",
    "capHour",
    "capHours",
    "capDay",
    "capWeek",
    "capDays",
    "whyNext",
    "lastsSession",
    "lastsDays",
    "saleOrShare",
    "gpcNote",
    "noticeGpc",
    "yes",
    "no",
    "whyTitle",
    "whyData",
    "switchOff",
    "download",
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
    "why-count-not-saved",
    "why-granted",
    "why-granted-all",
    "why-uses",
    "why-last-hour",
    "why-last-hours",
    "why-last-day",
    "why-last-days",
    "why-invalid-request",
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
    ("preferencesText", "Turn on only what you want. You can come back and change these at any time."),
    ("required", "Always on"),
    ("dataUsed", "Uses:"),
    ("channelsUsed", "Messages:"),
    ("capHour", "{channel}, at most {n} an hour"),
    ("capHours", "{channel}, at most {n} every {count} hours"),
    ("capDay", "{channel}, at most {n} a day"),
    ("capWeek", "{channel}, at most {n} a week"),
    ("capDays", "{channel}, at most {n} every {count} days"),
    ("whyNext", "The next message can come from {date}."),
    ("lastsSession", "Lasts for this visit only."),
    ("lastsDays", "Lasts {n} days."),
    ("saleOrShare", "Shares your data with partners."),
    ("gpcNote", "Off because your browser's Global Privacy Control signal asks us not to sell or share your data. You can still turn it on here."),
    ("noticeGpc", "Your browser's Global Privacy Control signal is on: we don't sell or share your data unless you turn that on yourself."),
    ("yes", "Yes"),
    ("no", "No"),
    ("whyTitle", "Why this?"),
    ("whyData", "Data it uses:"),
    ("switchOff", "Turn this off"),
    ("download", "Download a copy of my choices"),
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
    ("why-count-not-saved", "Not allowed: this browser could not save how many messages you received {channel}, so none is sent for now."),
    ("why-granted", "Allowed: you turned on \"{title}\" on {date}."),
    ("why-granted-all", "Allowed: you accepted all purposes, \"{title}\" included, on {date}."),
    ("why-uses", " It uses: {data}."),
    ("why-last-hour", "in the last hour"),
    ("why-last-hours", "in the last {n} hours"),
    ("why-last-day", "in the last day"),
    ("why-last-days", "in the last {n} days"),
    ("why-invalid-request", "Not allowed: this request could not be understood."),
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
    ("preferencesText", "N'activez que ce que vous voulez. Vous pouvez revenir modifier ces choix à tout moment."),
    ("required", "Toujours actif"),
    ("dataUsed", "Utilise :"),
    ("channelsUsed", "Messages :"),
    ("capHour", "{channel}, {n} au plus par heure"),
    ("capHours", "{channel}, {n} au plus toutes les {count} heures"),
    ("capDay", "{channel}, {n} au plus par jour"),
    ("capWeek", "{channel}, {n} au plus par semaine"),
    ("capDays", "{channel}, {n} au plus tous les {count} jours"),
    ("whyNext", "Le prochain message peut arriver à partir du {date}."),
    ("lastsSession", "Pour cette visite seulement."),
    ("lastsDays", "Dure {n} jours."),
    ("saleOrShare", "Partage vos données avec des partenaires."),
    ("gpcNote", "Désactivé, car le signal Global Privacy Control de votre navigateur nous demande de ne pas vendre ni partager vos données. Vous pouvez tout de même l'activer ici."),
    ("noticeGpc", "Le signal Global Privacy Control de votre navigateur est activé : nous ne vendons ni ne partageons vos données, sauf si vous l'autorisez vous-même."),
    ("yes", "Oui"),
    ("no", "Non"),
    ("whyTitle", "Pourquoi ceci ?"),
    ("whyData", "Données utilisées :"),
    ("switchOff", "Désactiver"),
    ("download", "Télécharger une copie de mes choix"),
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
    ("why-count-not-saved", "Non autorisé : ce navigateur n'a pas pu enregistrer combien de messages vous avez reçus {channel}, donc aucun n'est envoyé pour l'instant."),
    ("why-granted", "Autorisé : vous avez activé « {title} » le {date}."),
    ("why-granted-all", "Autorisé : vous avez accepté toutes les finalités, dont « {title} », le {date}."),
    ("why-uses", " Données utilisées : {data}."),
    ("why-last-hour", "au cours de la dernière heure"),
    ("why-last-hours", "au cours des {n} dernières heures"),
    ("why-last-day", "au cours des dernières 24 heures"),
    ("why-last-days", "au cours des {n} derniers jours"),
    ("why-invalid-request", "Non autorisé : cette demande n'a pas pu être comprise."),
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
    ("preferencesText", "Aktivieren Sie nur, was Sie möchten. Sie können das jederzeit wieder ändern."),
    ("required", "Immer aktiv"),
    ("dataUsed", "Verwendet:"),
    ("channelsUsed", "Nachrichten:"),
    ("capHour", "{channel}, höchstens {n} pro Stunde"),
    ("capHours", "{channel}, höchstens {n} alle {count} Stunden"),
    ("capDay", "{channel}, höchstens {n} pro Tag"),
    ("capWeek", "{channel}, höchstens {n} pro Woche"),
    ("capDays", "{channel}, höchstens {n} alle {count} Tage"),
    ("whyNext", "Die nächste Nachricht kann ab {date} kommen."),
    ("lastsSession", "Gilt nur für diesen Besuch."),
    ("lastsDays", "Gilt {n} Tage."),
    ("saleOrShare", "Teilt Ihre Daten mit Partnern."),
    ("gpcNote", "Aus, weil das Global-Privacy-Control-Signal Ihres Browsers uns bittet, Ihre Daten nicht zu verkaufen oder weiterzugeben. Sie können es hier trotzdem einschalten."),
    ("noticeGpc", "Das Global-Privacy-Control-Signal Ihres Browsers ist aktiv: Wir verkaufen oder teilen Ihre Daten nicht, außer Sie erlauben es selbst."),
    ("yes", "Ja"),
    ("no", "Nein"),
    ("whyTitle", "Warum das?"),
    ("whyData", "Verwendete Daten:"),
    ("switchOff", "Ausschalten"),
    ("download", "Kopie meiner Auswahl herunterladen"),
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
    ("why-count-not-saved", "Nicht erlaubt: Dieser Browser konnte nicht speichern, wie viele Nachrichten Sie {channel} erhalten haben, daher wird vorerst keine gesendet."),
    ("why-granted", "Erlaubt: Sie haben „{title}“ am {date} eingeschaltet."),
    ("why-granted-all", "Erlaubt: Sie haben am {date} alle Zwecke akzeptiert, auch „{title}“."),
    ("why-uses", " Verwendete Daten: {data}."),
    ("why-last-hour", "in der letzten Stunde"),
    ("why-last-hours", "in den letzten {n} Stunden"),
    ("why-last-day", "in den letzten 24 Stunden"),
    ("why-last-days", "in den letzten {n} Tagen"),
    ("why-invalid-request", "Nicht erlaubt: Diese Anfrage ist nicht verständlich."),
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
    ("preferencesText", "Activa solo lo que quieras. Puedes volver y cambiarlo en cualquier momento."),
    ("required", "Siempre activo"),
    ("dataUsed", "Usa:"),
    ("channelsUsed", "Mensajes:"),
    ("capHour", "{channel}, como máximo {n} por hora"),
    ("capHours", "{channel}, como máximo {n} cada {count} horas"),
    ("capDay", "{channel}, como máximo {n} al día"),
    ("capWeek", "{channel}, como máximo {n} a la semana"),
    ("capDays", "{channel}, como máximo {n} cada {count} días"),
    ("whyNext", "El próximo mensaje puede llegar a partir del {date}."),
    ("lastsSession", "Solo durante esta visita."),
    ("lastsDays", "Dura {n} días."),
    ("saleOrShare", "Comparte tus datos con socios."),
    ("gpcNote", "Desactivado porque la señal Global Privacy Control de tu navegador nos pide no vender ni compartir tus datos. Aun así, puedes activarlo aquí."),
    ("noticeGpc", "La señal Global Privacy Control de tu navegador está activada: no vendemos ni compartimos tus datos salvo que tú lo permitas."),
    ("yes", "Sí"),
    ("no", "No"),
    ("whyTitle", "¿Por qué esto?"),
    ("whyData", "Datos que usa:"),
    ("switchOff", "Desactivar"),
    ("download", "Descargar una copia de mis opciones"),
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
    ("why-count-not-saved", "No permitido: este navegador no pudo guardar cuántos mensajes has recibido {channel}, así que por ahora no se envía ninguno."),
    ("why-granted", "Permitido: activaste «{title}» el {date}."),
    ("why-granted-all", "Permitido: aceptaste todas las finalidades, incluida «{title}», el {date}."),
    ("why-uses", " Datos que usa: {data}."),
    ("why-last-hour", "en la última hora"),
    ("why-last-hours", "en las últimas {n} horas"),
    ("why-last-day", "en las últimas 24 horas"),
    ("why-last-days", "en los últimos {n} días"),
    ("why-invalid-request", "No permitido: no se pudo entender esta solicitud."),
];

/// The built-in languages (compiled in, or loaded into [`Tables`]).
pub const BUILT_IN_LANGUAGES: [&str; 4] = ["en", "fr", "de", "es"];

/// The built-in language `lang` is (case-insensitively), as spelled in
/// [`BUILT_IN_LANGUAGES`].
pub(crate) fn built_in_language(lang: &str) -> Option<&'static str> {
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

/// Built-in text tables loaded at run time from their files
/// (`i18n/<lang>.txt`, as [`table_file`] writes them). Empty when every
/// table is compiled in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tables {
    /// Language, then the texts in the order of [`KEYS`].
    loaded: Vec<(&'static str, Vec<String>)>,
}

impl Tables {
    /// Load the table of the built-in language `lang` from its file, as
    /// [`table_file`] writes it: one line `key=text` for every key of
    /// [`KEYS`], in that order. It replaces the compiled-in table, if any.
    /// An error leaves the tables unchanged; the UI then falls back as
    /// [`Texts::get`] says (to English).
    ///
    /// Refused: a language that is not built in, a file larger than
    /// [`MAX_TABLE_BYTES`](crate::limits::MAX_TABLE_BYTES), and any file
    /// that is not exactly those lines (a key missing, extra or out of
    /// place), so that a file from another version of Candor cannot leave
    /// half a language or texts under the wrong keys.
    ///
    /// ```
    /// use candor_core::i18n::{table_file, Tables, Texts, Translations};
    /// let mut tables = Tables::default();
    /// let file = table_file("en").unwrap().replace("Reject all", "No thanks");
    /// tables.load("en", &file).unwrap();
    /// let site = Translations::new();
    /// let texts = Texts::new(&site, "en", &tables, "en");
    /// assert_eq!(texts.get("rejectAll"), "No thanks");
    /// assert!(tables.load("en", "rejectAll=No\n").is_err());
    /// ```
    pub fn load(&mut self, lang: &str, file: &str) -> Result<(), ConfigError> {
        let fail = |message: &str| ConfigError {
            path: ["i18n/", crate::text::truncate(lang, 35), ".txt"].concat(),
            message: message.to_owned(),
        };
        let lang = built_in_language(lang).ok_or_else(|| fail("not a built-in language"))?;
        if file.len() > crate::limits::MAX_TABLE_BYTES {
            return Err(fail("too large"));
        }
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
        self.loaded.retain(|(tag, _)| *tag != lang);
        self.loaded.push((lang, texts));
        Ok(())
    }

    /// The built-in text of `key` in `lang`: from the loaded table if any,
    /// else from the compiled-in one.
    fn get(&self, lang: &str, key: &str) -> Option<&str> {
        match self
            .loaded
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

    /// The built-in languages whose table a UI in `lang` may need (the base
    /// of `lang`, then of the default language) that this build does not
    /// carry and that are not loaded yet, each to fetch and
    /// [`load`](Tables::load). Always empty with the `bundled-languages`
    /// feature.
    ///
    /// ```
    /// use candor_core::i18n::Tables;
    /// let tables = Tables::default();
    /// assert!(tables.missing("en-GB", "en").is_empty());
    /// # #[cfg(feature = "bundled-languages")]
    /// assert!(tables.missing("fr-CA", "en").is_empty());
    /// # #[cfg(not(feature = "bundled-languages"))]
    /// assert_eq!(tables.missing("fr-CA", "en"), ["fr"]);
    /// ```
    pub fn missing(&self, lang: &str, default_language: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        for tag in [base_language(lang), base_language(default_language)] {
            if let Some(b) = built_in_language(tag) {
                let loaded = self.loaded.iter().any(|(t, _)| *t == b);
                if compiled(b).is_none() && !loaded && !out.contains(&b) {
                    out.push(b);
                }
            }
        }
        out
    }

    /// The language to show: `lang`, unless its table is
    /// [`missing`](Tables::missing) (it could not be loaded), then the
    /// default language, so that the texts shown and the `lang` they are
    /// marked with agree.
    ///
    /// ```
    /// use candor_core::i18n::Tables;
    /// assert_eq!(Tables::default().shown("he", "en"), "he");
    /// # #[cfg(not(feature = "bundled-languages"))]
    /// assert_eq!(Tables::default().shown("fr-CA", "en"), "en");
    /// ```
    pub fn shown<'a>(&self, lang: &'a str, default_language: &'a str) -> &'a str {
        let missing = self.missing(lang, default_language);
        if missing
            .first()
            .is_some_and(|m| m.eq_ignore_ascii_case(base_language(lang)))
        {
            default_language
        } else {
            lang
        }
    }
}

/// The file of a compiled-in table, as [`Tables::load`] reads it: one line
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

/// The UI texts of one language: the site's translations, the built-in
/// tables (compiled in or loaded) and the default language, looked up in
/// that order by [`Texts::get`].
#[derive(Debug, Clone, Copy)]
pub struct Texts<'a> {
    translations: &'a Translations,
    default_language: &'a str,
    tables: &'a Tables,
    lang: &'a str,
}

impl<'a> Texts<'a> {
    /// The texts of `lang`, with the site's `translations`, its default
    /// language and the loaded `tables`.
    pub fn new(
        translations: &'a Translations,
        default_language: &'a str,
        tables: &'a Tables,
        lang: &'a str,
    ) -> Self {
        Texts {
            translations,
            default_language,
            tables,
            lang,
        }
    }

    /// The language these texts are for.
    pub fn lang(&self) -> &'a str {
        self.lang
    }

    /// The site's default language.
    pub fn default_language(&self) -> &'a str {
        self.default_language
    }

    fn site(&self, lang: &str, key: &str) -> Option<&'a str> {
        self.translations
            .iter()
            .find(|(tag, _)| tag.eq_ignore_ascii_case(lang))
            .and_then(|(_, texts)| texts.get(key))
            .map(String::as_str)
    }

    /// Text for UI `key`. Looked up in order: the site's translation for
    /// the language, then for its base language (`fr` for `fr-CA`); the
    /// built-in table for the base language; the site's translation for
    /// the default language; the built-in table for the default language;
    /// English. An unknown key gives `""`.
    ///
    /// Keys (English built-in text in parentheses): `bannerTitle` ("Your
    /// privacy choices"), `bannerText` (the banner's sentence), `policyLink`
    /// ("Privacy policy"), `acceptAll`, `rejectAll`, `customize` ("Choose"),
    /// `save`, `close`, `open` ("Privacy choices": the floating button's
    /// name), `preferencesTitle`, `preferencesText`, `required` ("Always
    /// on"), `dataUsed` ("Uses:"), `channelsUsed` ("Messages:") and the cap
    /// phrases `capHour`, `capHours`, `capDay`, `capWeek`, `capDays` (with
    /// `{channel}`, `{n}`, `{count}`), `whyNext` (with `{date}`),
    /// `lastsSession`, `lastsDays` (with `{n}`), `saleOrShare`, `gpcNote`
    /// (in the panel) and `noticeGpc` (in the banner), `yes`, `no`,
    /// `whyTitle`, `whyData`, `switchOff`, `download`, and the explanation
    /// templates `why-<reason>` (see [`crate::explain`]). The full list is
    /// [`KEYS`].
    ///
    /// ```
    /// use candor_core::i18n::{Tables, Texts, Translations};
    /// let mut site = Translations::new();
    /// site.insert("fr".into(), [("acceptAll".to_string(), "Oui à tout".to_string())].into_iter().collect());
    /// let tables = Tables::default();
    /// assert_eq!(Texts::new(&site, "en", &tables, "fr-CA").get("acceptAll"), "Oui à tout");
    /// # #[cfg(feature = "bundled-languages")]
    /// assert_eq!(Texts::new(&site, "en", &tables, "fr").get("rejectAll"), "Tout refuser");
    /// assert_eq!(Texts::new(&site, "en", &tables, "ja").get("rejectAll"), "Reject all");
    /// ```
    pub fn get(&self, key: &str) -> &'a str {
        let base = base_language(self.lang);
        let default = self.default_language;
        self.site(self.lang, key)
            .or_else(|| self.site(base, key))
            .or_else(|| self.tables.get(base, key))
            .or_else(|| self.site(default, key))
            .or_else(|| self.site(base_language(default), key))
            .or_else(|| self.tables.get(base_language(default), key))
            .or_else(|| self.tables.get("en", key))
            .unwrap_or("")
    }
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

    fn get(site: &Translations, tables: &Tables, lang: &str, key: &str) -> String {
        Texts::new(site, "en", tables, lang).get(key).to_owned()
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
        // Catch a table left in English by mistake ("No" in Spanish aside).
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
        let mut site = Translations::new();
        site.insert(
            "ar".into(),
            [("acceptAll".to_string(), "قبول الكل".to_string())]
                .into_iter()
                .collect(),
        );
        site.insert(
            "fr".into(),
            [("why-granted".to_string(), "Oui : « {title} ».".to_string())]
                .into_iter()
                .collect(),
        );
        let tables = Tables::default();
        assert_eq!(get(&site, &tables, "ar", "acceptAll"), "قبول الكل");
        assert_eq!(get(&site, &tables, "ar", "rejectAll"), "Reject all");
        assert_eq!(
            get(&site, &tables, "fr-FR", "why-granted"),
            "Oui : « {title} »."
        );
        assert!(is_rtl("he") && is_rtl("fa-IR") && is_rtl("ur") && !is_rtl("de"));
    }

    #[test]
    fn a_table_file_loads_back_to_the_same_texts() {
        let site = Translations::new();
        for lang in BUILT_IN_LANGUAGES {
            let Some(file) = table_file(lang) else {
                continue;
            };
            let mut tables = Tables::default();
            let before: Vec<String> = KEYS.iter().map(|k| get(&site, &tables, lang, k)).collect();
            tables.load(&lang.to_uppercase(), &file).unwrap();
            let after: Vec<String> = KEYS.iter().map(|k| get(&site, &tables, lang, k)).collect();
            assert_eq!(before, after, "{lang}");
            assert!(
                tables.loaded.iter().any(|(t, _)| *t == lang),
                "{lang}: stored as spelled"
            );
        }
    }

    #[test]
    fn a_loaded_table_sits_between_site_texts_and_english() {
        let mut site = Translations::new();
        site.insert(
            "de".into(),
            [("save".to_string(), "Sichern".to_string())]
                .into_iter()
                .collect(),
        );
        let mut file = String::new();
        for key in KEYS {
            file.push_str(&format!("{key}=de:{key}\n"));
        }
        let mut tables = Tables::default();
        tables.load("de", &file).unwrap();
        assert_eq!(
            get(&site, &tables, "de-AT", "save"),
            "Sichern",
            "the site's text wins"
        );
        assert_eq!(get(&site, &tables, "de-AT", "rejectAll"), "de:rejectAll");
        assert_eq!(get(&site, &tables, "it", "rejectAll"), "Reject all");
        assert!(tables.missing("de", "en").is_empty(), "loaded: not missing");
        for lang in BUILT_IN_LANGUAGES {
            for key in KEYS {
                assert!(
                    !get(&site, &tables, lang, key).contains(['\n', '\r']),
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
            (
                "fr",
                english.replace("Accept all", &"x".repeat(40_000)),
                "i18n/fr.txt: too large".to_owned(),
            ),
        ];
        for (lang, file, message) in cases {
            let mut tables = Tables::default();
            let error = tables.load(lang, &file).unwrap_err();
            assert_eq!(error.to_string(), message);
            assert_eq!(tables, Tables::default(), "{message}: tables unchanged");
        }
    }

    #[test]
    fn missing_tables_names_each_needed_language_once() {
        let tables = Tables::default();
        let bundled = cfg!(feature = "bundled-languages");
        let expect = |langs: &[&'static str]| if bundled { Vec::new() } else { langs.to_vec() };
        assert_eq!(tables.missing("ja", "en"), expect(&[]));
        assert_eq!(tables.missing("ES-mx", "en"), expect(&["es"]));
        assert_eq!(tables.missing("de", "fr-CA"), expect(&["de", "fr"]));
        assert_eq!(tables.missing("fr", "fr-CA"), expect(&["fr"]));
        assert_eq!(tables.missing("en", "fr-CA"), expect(&["fr"]));
    }
}
