//! Explanation sentences for the shopper, from a wording table per language.
//!
//! Each language is one [`Wording`]: a set of `&'static str` templates with
//! placeholders `{title}` (purpose title, or the requested purpose id when
//! unknown), `{date}` (UTC `YYYY-MM-DD` of the choice), `{data}` (signal
//! labels joined with `", "`), `{n}` (a number), `{channel}` (channel label)
//! and `{period}` (a cap's window, itself rendered from the `hour`/`hours`/
//! `day`/`days` templates). Adding a language is adding one `Wording` and a
//! line in [`wording`]. No floats are formatted anywhere.
//!
//! ```
//! use candor_core::explain::date;
//! assert_eq!(date(1_795_910_400_000), "2026-11-29");
//! ```

use crate::config::{base_language, Period};
use crate::{Config, Decision, Method, Reason, Request};

/// Sentence templates for one language.
#[derive(Debug)]
pub struct Wording {
    /// Rule 1.
    pub unknown_purpose: &'static str,
    /// Rule 2.
    pub sensitive: &'static str,
    /// Rule 3.
    pub demographic: &'static str,
    /// Rule 4.
    pub undeclared_signal: &'static str,
    /// Rule 5, channel known to the config.
    pub undeclared_channel: &'static str,
    /// Rule 5, channel unknown to the config.
    pub unknown_channel: &'static str,
    /// Rule 6.
    pub required: &'static str,
    /// Rule 7.
    pub gpc: &'static str,
    /// Rule 8.
    pub no_choice: &'static str,
    /// Rule 9.
    pub outdated: &'static str,
    /// Rule 10.
    pub expired: &'static str,
    /// Rule 10, session grant from another visit.
    pub expired_session: &'static str,
    /// Rule 11.
    pub refused: &'static str,
    /// Rule 11, via "Reject all".
    pub refused_all: &'static str,
    /// Rule 12, max 1.
    pub cap_one: &'static str,
    /// Rule 12, max > 1.
    pub cap_many: &'static str,
    /// Rule 13.
    pub granted: &'static str,
    /// Rule 13, via "Accept all".
    pub granted_all: &'static str,
    /// Appended to allowed sentences when the purpose uses data.
    pub uses: &'static str,
    /// Period: one hour.
    pub hour: &'static str,
    /// Period: `{n}` hours.
    pub hours: &'static str,
    /// Period: one day.
    pub day: &'static str,
    /// Period: `{n}` days.
    pub days: &'static str,
    /// Malformed request or not ready.
    pub invalid: &'static str,
}

/// English.
pub const EN: Wording = Wording {
    unknown_purpose: "Not allowed: \"{title}\" is not one of this site's purposes.",
    sensitive: "Not allowed: \"{data}\" is sensitive data, which this site never uses for personalization.",
    demographic: "Not allowed: this site does not personalize by \"{data}\".",
    undeclared_signal: "Not allowed: \"{title}\" does not use \"{data}\".",
    undeclared_channel: "Not allowed: \"{title}\" does not send messages {channel}.",
    unknown_channel: "Not allowed: this site has no message channel \"{channel}\".",
    required: "Allowed: \"{title}\" is needed for the site to work.",
    gpc: "Not allowed: your browser's Global Privacy Control signal asks this site not to sell or share your data.",
    no_choice: "Not allowed: you have not chosen yet whether to allow \"{title}\".",
    outdated: "Not allowed: \"{title}\" has changed since you chose on {date}, so you need to choose again.",
    expired: "Not allowed: your choice about \"{title}\" made on {date} has expired.",
    expired_session: "Not allowed: you turned on \"{title}\" for an earlier visit only.",
    refused: "Not allowed: you turned off \"{title}\" on {date}.",
    refused_all: "Not allowed: you rejected all optional purposes, \"{title}\" included, on {date}.",
    cap_one: "Not allowed: you already received 1 message {channel} in the last {period}.",
    cap_many: "Not allowed: you already received {n} messages {channel} in the last {period}.",
    granted: "Allowed: you turned on \"{title}\" on {date}.",
    granted_all: "Allowed: you accepted all purposes, \"{title}\" included, on {date}.",
    uses: " It uses: {data}.",
    hour: "hour",
    hours: "{n} hours",
    day: "day",
    days: "{n} days",
    invalid: "Not allowed: this request could not be understood.",
};

/// French.
pub const FR: Wording = Wording {
    unknown_purpose: "Non autorisé : « {title} » ne fait pas partie des finalités de ce site.",
    sensitive: "Non autorisé : « {data} » est une donnée sensible, que ce site n'utilise jamais pour personnaliser.",
    demographic: "Non autorisé : ce site ne personnalise pas selon « {data} ».",
    undeclared_signal: "Non autorisé : « {title} » n'utilise pas « {data} ».",
    undeclared_channel: "Non autorisé : « {title} » n'envoie pas de messages {channel}.",
    unknown_channel: "Non autorisé : ce site n'a pas de canal « {channel} ».",
    required: "Autorisé : « {title} » est nécessaire au fonctionnement du site.",
    gpc: "Non autorisé : le signal Global Privacy Control de votre navigateur demande à ce site de ne pas vendre ni partager vos données.",
    no_choice: "Non autorisé : vous n'avez pas encore choisi d'autoriser ou non « {title} ».",
    outdated: "Non autorisé : « {title} » a changé depuis votre choix du {date}, il faut choisir à nouveau.",
    expired: "Non autorisé : votre choix sur « {title} » du {date} a expiré.",
    expired_session: "Non autorisé : vous avez activé « {title} » pour une visite précédente seulement.",
    refused: "Non autorisé : vous avez désactivé « {title} » le {date}.",
    refused_all: "Non autorisé : vous avez tout refusé, y compris « {title} », le {date}.",
    cap_one: "Non autorisé : vous avez déjà reçu 1 message {channel} au cours du dernier {period}.",
    cap_many: "Non autorisé : vous avez déjà reçu {n} messages {channel} au cours des derniers {period}.",
    granted: "Autorisé : vous avez activé « {title} » le {date}.",
    granted_all: "Autorisé : vous avez tout accepté, y compris « {title} », le {date}.",
    uses: " Utilise : {data}.",
    hour: "heure",
    hours: "{n} heures",
    day: "jour",
    days: "{n} jours",
    invalid: "Non autorisé : cette demande est incompréhensible.",
};

/// German.
pub const DE: Wording = Wording {
    unknown_purpose: "Nicht erlaubt: „{title}“ ist kein Zweck dieser Website.",
    sensitive: "Nicht erlaubt: „{data}“ sind sensible Daten, die diese Website nie zur Personalisierung nutzt.",
    demographic: "Nicht erlaubt: Diese Website personalisiert nicht nach „{data}“.",
    undeclared_signal: "Nicht erlaubt: „{title}“ verwendet „{data}“ nicht.",
    undeclared_channel: "Nicht erlaubt: „{title}“ sendet keine Nachrichten {channel}.",
    unknown_channel: "Nicht erlaubt: Diese Website hat keinen Kanal „{channel}“.",
    required: "Erlaubt: „{title}“ ist für die Website notwendig.",
    gpc: "Nicht erlaubt: Das Global-Privacy-Control-Signal Ihres Browsers bittet diese Website, Ihre Daten nicht zu verkaufen oder weiterzugeben.",
    no_choice: "Nicht erlaubt: Sie haben noch nicht entschieden, ob Sie „{title}“ erlauben.",
    outdated: "Nicht erlaubt: „{title}“ hat sich seit Ihrer Wahl am {date} geändert, bitte wählen Sie erneut.",
    expired: "Nicht erlaubt: Ihre Wahl zu „{title}“ vom {date} ist abgelaufen.",
    expired_session: "Nicht erlaubt: Sie haben „{title}“ nur für einen früheren Besuch eingeschaltet.",
    refused: "Nicht erlaubt: Sie haben „{title}“ am {date} ausgeschaltet.",
    refused_all: "Nicht erlaubt: Sie haben am {date} alles abgelehnt, auch „{title}“.",
    cap_one: "Nicht erlaubt: Sie haben in der letzten {period} schon 1 Nachricht {channel} erhalten.",
    cap_many: "Nicht erlaubt: Sie haben in den letzten {period} schon {n} Nachrichten {channel} erhalten.",
    granted: "Erlaubt: Sie haben „{title}“ am {date} eingeschaltet.",
    granted_all: "Erlaubt: Sie haben am {date} alles akzeptiert, auch „{title}“.",
    uses: " Verwendet: {data}.",
    hour: "Stunde",
    hours: "{n} Stunden",
    day: "Tag",
    days: "{n} Tagen",
    invalid: "Nicht erlaubt: Diese Anfrage ist unverständlich.",
};

/// Spanish.
pub const ES: Wording = Wording {
    unknown_purpose: "No permitido: «{title}» no es una de las finalidades de este sitio.",
    sensitive: "No permitido: «{data}» es un dato sensible, que este sitio nunca usa para personalizar.",
    demographic: "No permitido: este sitio no personaliza según «{data}».",
    undeclared_signal: "No permitido: «{title}» no usa «{data}».",
    undeclared_channel: "No permitido: «{title}» no envía mensajes {channel}.",
    unknown_channel: "No permitido: este sitio no tiene el canal «{channel}».",
    required: "Permitido: «{title}» es necesario para que el sitio funcione.",
    gpc: "No permitido: la señal Global Privacy Control de tu navegador pide a este sitio que no venda ni comparta tus datos.",
    no_choice: "No permitido: aún no has elegido si permitir «{title}».",
    outdated: "No permitido: «{title}» ha cambiado desde tu elección del {date}, así que debes elegir de nuevo.",
    expired: "No permitido: tu elección sobre «{title}» del {date} ha caducado.",
    expired_session: "No permitido: activaste «{title}» solo para una visita anterior.",
    refused: "No permitido: desactivaste «{title}» el {date}.",
    refused_all: "No permitido: rechazaste todo, incluido «{title}», el {date}.",
    cap_one: "No permitido: ya recibiste 1 mensaje {channel} en la última {period}.",
    cap_many: "No permitido: ya recibiste {n} mensajes {channel} en los últimos {period}.",
    granted: "Permitido: activaste «{title}» el {date}.",
    granted_all: "Permitido: aceptaste todo, incluido «{title}», el {date}.",
    uses: " Usa: {data}.",
    hour: "hora",
    hours: "{n} horas",
    day: "día",
    days: "{n} días",
    invalid: "No permitido: no se pudo entender esta solicitud.",
};

/// The wording for `lang` (by base language), English when there is none.
pub fn wording(lang: &str) -> &'static Wording {
    let base = base_language(lang);
    if base.eq_ignore_ascii_case("fr") {
        &FR
    } else if base.eq_ignore_ascii_case("de") {
        &DE
    } else if base.eq_ignore_ascii_case("es") {
        &ES
    } else {
        &EN
    }
}

/// UTC calendar date `YYYY-MM-DD` of an epoch-ms time (Howard Hinnant's
/// civil-from-days algorithm; no float, no clock).
pub fn date(ms: u64) -> String {
    let days = i64::try_from(ms / 86_400_000).unwrap_or(i64::MAX / 2);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Replace `{key}` placeholders in `template`.
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let replaced = after.find('}').and_then(|close| {
            let name = after.get(1..close)?;
            let value = vars.iter().find(|(k, _)| *k == name)?.1;
            Some((value, close))
        });
        match replaced {
            Some((value, close)) => {
                out.push_str(value);
                rest = after.get(close + 1..).unwrap_or("");
            }
            None => {
                out.push('{');
                rest = after.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// Truncate to at most `max` characters.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// The explanation sentence for `decision` about `request`, in `lang`.
///
/// Allowed sentences name the choice (or the requirement) and the data used:
/// the requested signals' labels, or when the request names none, those the
/// purpose declares.
pub fn explain(config: &Config, request: &Request<'_>, decision: &Decision, lang: &str) -> String {
    let w = wording(lang);
    let dl = config.default_language.as_str();
    let purpose = decision.purpose.and_then(|i| config.purposes.get(i));
    let title = purpose.map_or_else(
        || truncate(request.purpose, 200).to_string(),
        |p| p.title.get(lang, dl).to_string(),
    );
    let label_of = |id: &str| -> String {
        config.signal(id).map_or_else(
            || truncate(id, 200).to_string(),
            |s| s.label.get(lang, dl).to_string(),
        )
    };
    let data = || -> String {
        let ids: Vec<&str> = if request.signals.is_empty() {
            purpose.map_or_else(Vec::new, |p| p.signals.iter().map(String::as_str).collect())
        } else {
            request.signals.to_vec()
        };
        ids.iter()
            .map(|s| label_of(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let date = decision
        .choice
        .map(|(at, _, _)| date(at))
        .unwrap_or_default();
    let channel = decision.channel.and_then(|i| config.channels.get(i));
    let channel_label = channel.map_or_else(
        || truncate(request.channel.unwrap_or(""), 200).to_string(),
        |c| c.label.get(lang, dl).to_string(),
    );
    let signal = decision.signal.as_deref().map(label_of).unwrap_or_default();
    let method = decision.choice.map(|(_, m, _)| m);

    let simple = |t: &str, extra: &[(&str, &str)]| {
        let mut vars = vec![("title", title.as_str()), ("date", date.as_str())];
        vars.extend_from_slice(extra);
        fill(t, &vars)
    };
    let with_data = |mut s: String| {
        let d = data();
        if !d.is_empty() {
            s.push_str(&fill(w.uses, &[("data", &d)]));
        }
        s
    };
    match decision.reason {
        Reason::UnknownPurpose => simple(w.unknown_purpose, &[]),
        Reason::SensitiveSignal => simple(w.sensitive, &[("data", &signal)]),
        Reason::DemographicSignal => simple(w.demographic, &[("data", &signal)]),
        Reason::UndeclaredSignal => simple(w.undeclared_signal, &[("data", &signal)]),
        Reason::UndeclaredChannel if channel.is_none() => {
            simple(w.unknown_channel, &[("channel", &channel_label)])
        }
        Reason::UndeclaredChannel => simple(w.undeclared_channel, &[("channel", &channel_label)]),
        Reason::Required => with_data(simple(w.required, &[])),
        Reason::Gpc => simple(w.gpc, &[]),
        Reason::NoChoice => simple(w.no_choice, &[]),
        Reason::Outdated => simple(w.outdated, &[]),
        Reason::Expired => {
            let session_grant = decision.choice.is_some_and(|(_, _, granted)| granted)
                && purpose.is_some_and(|p| p.duration == crate::Duration::Session);
            simple(
                if session_grant {
                    w.expired_session
                } else {
                    w.expired
                },
                &[],
            )
        }
        Reason::Refused if method == Some(Method::RejectAll) => simple(w.refused_all, &[]),
        Reason::Refused => simple(w.refused, &[]),
        Reason::FrequencyCap => {
            let cap = channel.and_then(|c| c.cap);
            let max = cap.map_or(0, |c| c.max);
            let n = max.to_string();
            let period = match cap.map(|c| c.period) {
                Some(Period::Hours(1)) => w.hour.to_string(),
                Some(Period::Hours(h)) => fill(w.hours, &[("n", &h.to_string())]),
                Some(Period::Days(1)) | None => w.day.to_string(),
                Some(Period::Days(d)) => fill(w.days, &[("n", &d.to_string())]),
            };
            let t = if max == 1 { w.cap_one } else { w.cap_many };
            simple(
                t,
                &[("n", &n), ("channel", &channel_label), ("period", &period)],
            )
        }
        Reason::Granted if method == Some(Method::AcceptAll) => {
            with_data(simple(w.granted_all, &[]))
        }
        Reason::Granted => with_data(simple(w.granted, &[])),
        _ => w.invalid.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(951_782_400_000), "2000-02-29");
        assert_eq!(date(1_767_225_600_000), "2026-01-01");
        assert_eq!(date(253_402_300_799_999), "9999-12-31");
        assert_eq!(date(1_709_164_800_000), "2024-02-29");
    }

    #[test]
    fn fill_leaves_unknown_placeholders() {
        assert_eq!(fill("a {x} {y} {", &[("x", "1")]), "a 1 {y} {");
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("ééé", 2), "éé");
        assert_eq!(truncate("ab", 5), "ab");
    }
}
