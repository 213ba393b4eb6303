//! Meaning: a document whose shape [`super::shape`] accepted becomes a
//! [`Config`], with the policy rules of the contract enforced. Every error
//! names the field path and the offending value.

use super::shape::{
    check, index_path, int_at, items_at, key_path, members_at, str_at, string_map, strings, CONFIG,
};
use super::{
    Cap, Channel, Config, ConfigError, DemographicTargeting, Duration, FloatingButton, Period,
    Purpose, Signal, SignalKind, Text, CONSENT_MODE_TYPES, DAY_MS, HOUR_MS, MAX_CAP,
    MAX_CONFIG_BYTES, MAX_DAYS, MAX_HOURS, MAX_ID_LEN, MAX_ITEMS,
};
use crate::json::{self, Value};
use crate::text::{push_i64, quote, u64_text};
use crate::theme::{self, ColorScheme, Rgb, Theme};
use crate::Map;

fn err<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError::new(path, message))
}

/// Parse and validate (see [`Config::from_json`]).
pub(super) fn from_json(text: &str) -> Result<Config, ConfigError> {
    if text.len() > MAX_CONFIG_BYTES {
        return err(
            "",
            [
                "config is too large: ",
                &u64_text(text.len() as u64),
                " bytes, at most ",
                &u64_text(MAX_CONFIG_BYTES as u64),
                " allowed",
            ]
            .concat(),
        );
    }
    let value = json::parse(text).map_err(|e| ConfigError {
        path: e.path,
        message: e.message,
    })?;
    check("", &value, &CONFIG)?;
    validate(&value)
}

/// A URL field: at most [`MAX_URL_LEN`](crate::limits::MAX_URL_LEN) bytes,
/// no control characters (which the URL parser would drop, so that the
/// string checked is not the URL used). Whether it resolves to `http:` or
/// `https:` can only be told against the page's URL: the widget checks that
/// with the browser's own parser.
fn check_url(doc: &Value, key: &str) -> Result<Option<String>, ConfigError> {
    let Some(url) = str_at(doc, key) else {
        return Ok(None);
    };
    if url.len() > crate::limits::MAX_URL_LEN {
        return err(
            key,
            [
                "URL is too long: more than ",
                &u64_text(crate::limits::MAX_URL_LEN as u64),
                " bytes",
            ]
            .concat(),
        );
    }
    if url.trim().is_empty() || url.chars().any(|c| c.is_control()) {
        return err(
            key,
            [
                &quote(crate::text::truncate(url, 80)),
                " is not a URL (empty, or holds control characters)",
            ]
            .concat(),
        );
    }
    Ok(Some(url.to_owned()))
}

fn check_theme(t: &Value) -> Result<Theme, ConfigError> {
    let color_scheme = match str_at(t, "colorScheme") {
        Some("light") => ColorScheme::Light,
        Some("dark") => ColorScheme::Dark,
        _ => ColorScheme::Page,
    };
    let light = theme::palette(
        "theme",
        str_at(t, "accent"),
        str_at(t, "text"),
        str_at(t, "background"),
        theme::DEFAULT_LIGHT,
    )?;
    let dark_in = t.get("dark").filter(|d| !matches!(d, Value::Null));
    let dark_field = |key: &str| dark_in.and_then(|d| str_at(d, key));
    // A site that gives only its light accent keeps its colour in the dark.
    let mut dark_default = theme::DEFAULT_DARK;
    if str_at(t, "accent").is_some() && dark_field("accent").is_none() {
        let background = dark_field("background")
            .and_then(Rgb::parse)
            .unwrap_or(dark_default.background);
        if let Some(accent) = theme::dark_accent(light.accent, background) {
            dark_default.accent = accent;
            dark_default.on_accent = theme::label_on(accent);
        }
    }
    let dark = theme::palette(
        "theme.dark",
        dark_field("accent"),
        dark_field("text"),
        dark_field("background"),
        dark_default,
    )?;
    let radius = match int_at(t, "radius") {
        None => Theme::default().radius,
        Some(r) => check_range("theme.radius", r, 0, i64::from(theme::MAX_RADIUS))?,
    };
    let font_family = match str_at(t, "fontFamily") {
        None => None,
        Some(f) => theme::font_family("theme.fontFamily", f)?,
    };
    Ok(Theme {
        color_scheme,
        light,
        dark,
        radius,
        font_family,
    })
}

/// `id` checked: present, not empty, not too long, not `taken`, not reserved.
fn check_id(
    path: &str,
    id: Option<&str>,
    taken: &dyn Fn(&str) -> bool,
) -> Result<String, ConfigError> {
    let fail = |message: String| err([path, ".id"].concat(), message);
    let id = match id {
        Some(id) if !id.is_empty() => id,
        Some(_) => return fail("missing id (empty string)".into()),
        None => return fail("missing id".into()),
    };
    if crate::text::longer_than(id, MAX_ID_LEN) {
        return fail(
            [
                "id is too long: more than ",
                &u64_text(MAX_ID_LEN as u64),
                " characters",
            ]
            .concat(),
        );
    }
    if taken(id) {
        return fail(["duplicate id ", &quote(id)].concat());
    }
    if ["__proto__", "constructor", "prototype"].contains(&id) {
        return fail(["id ", &quote(id), " is reserved (JavaScript object key)"].concat());
    }
    Ok(id.to_owned())
}

/// The text at `path` (`None` only where the shape allows no text).
fn check_text(path: &str, v: Option<&Value>) -> Result<Text, ConfigError> {
    match v {
        Some(Value::Object(map)) if map.is_empty() => err(
            path,
            "empty map: give a string or at least one language tag",
        ),
        Some(Value::Object(map)) => Ok(Text::Localized(string_map(map))),
        v => Ok(Text::Plain(
            v.and_then(Value::as_str).unwrap_or_default().to_owned(),
        )),
    }
}
fn check_range(path: &str, value: i64, min: i64, max: i64) -> Result<u32, ConfigError> {
    if value < min {
        if min == 0 {
            return err(path, ["must be 0 or more, got ", &int_text(value)].concat());
        }
        return err(
            path,
            [
                "must be at least ",
                &int_text(min),
                ", got ",
                &int_text(value),
            ]
            .concat(),
        );
    }
    if value > max {
        return err(
            path,
            [
                "must be at most ",
                &int_text(max),
                ", got ",
                &int_text(value),
            ]
            .concat(),
        );
    }
    u32::try_from(value).or_else(|_| err(path, ["out of range, got ", &int_text(value)].concat()))
}

fn int_text(n: i64) -> String {
    let mut out = String::new();
    push_i64(&mut out, n);
    out
}

fn check_count(path: &str, n: usize) -> Result<(), ConfigError> {
    if n > MAX_ITEMS {
        return err(
            path,
            [
                "too many entries: ",
                &u64_text(n as u64),
                ", at most ",
                &u64_text(MAX_ITEMS as u64),
                " allowed",
            ]
            .concat(),
        );
    }
    Ok(())
}

/// Turn a document whose shape [`check`] accepted into a [`Config`],
/// enforcing the rules of meaning.
fn validate(doc: &Value) -> Result<Config, ConfigError> {
    let revision = check_range(
        "revision",
        int_at(doc, "revision").unwrap_or(0),
        0,
        i64::from(u32::MAX),
    )?;
    let expires_after_days = match int_at(doc, "expiresAfterDays") {
        None => 180,
        Some(d) => check_range("expiresAfterDays", d, 1, i64::from(MAX_DAYS))?,
    };
    let default_language = match str_at(doc, "defaultLanguage") {
        None => "en",
        Some("") => return err("defaultLanguage", "must not be empty"),
        Some(l) => l,
    };
    let demographic_targeting = match str_at(doc, "demographicTargeting") {
        Some("disclosed") => DemographicTargeting::Disclosed,
        _ => DemographicTargeting::Deny,
    };

    let raw_signals = items_at(doc, "signals");
    let raw_channels = items_at(doc, "channels");
    let raw_purposes = items_at(doc, "purposes");
    check_count("signals", raw_signals.len())?;
    check_count("channels", raw_channels.len())?;
    check_count("purposes", raw_purposes.len())?;
    if raw_purposes.is_empty() {
        return err("purposes", "must list at least one purpose");
    }

    let mut signals: Vec<Signal> = Vec::with_capacity(raw_signals.len());
    for (i, s) in raw_signals.iter().enumerate() {
        let path = index_path("signals", i);
        let id = check_id(&path, str_at(s, "id"), &|id| {
            signals.iter().any(|s| s.id == id)
        })?;
        let kind = match str_at(s, "kind") {
            Some("interest") => SignalKind::Interest,
            Some("context") => SignalKind::Context,
            Some("demographic") => SignalKind::Demographic,
            // "sensitive", the only other name the shape lets through.
            _ => SignalKind::Sensitive,
        };
        let label = check_text(&[&path, ".label"].concat(), s.get("label"))?;
        signals.push(Signal { id, kind, label });
    }

    let mut channels: Vec<Channel> = Vec::with_capacity(raw_channels.len());
    for (i, c) in raw_channels.iter().enumerate() {
        let path = index_path("channels", i);
        let id = check_id(&path, str_at(c, "id"), &|id| {
            channels.iter().any(|c| c.id == id)
        })?;
        let label = check_text(&[&path, ".label"].concat(), c.get("label"))?;
        let cap = match c.get("cap") {
            None | Some(Value::Null) => None,
            Some(cap) => Some(check_cap(&[&path, ".cap"].concat(), cap)?),
        };
        channels.push(Channel { id, label, cap });
    }

    let mut purposes: Vec<Purpose> = Vec::with_capacity(raw_purposes.len());
    for (i, p) in raw_purposes.iter().enumerate() {
        let path = index_path("purposes", i);
        let id = check_id(&path, str_at(p, "id"), &|id| {
            purposes.iter().any(|p| p.id == id)
        })?;
        let required = matches!(p.get("required"), Some(Value::Bool(true)));
        let sale_or_share = matches!(p.get("saleOrShare"), Some(Value::Bool(true)));
        let p_signals = strings(items_at(p, "signals"));
        let p_channels = strings(items_at(p, "channels"));
        let cookies = strings(items_at(p, "cookies"));
        check_count(&[&path, ".signals"].concat(), p_signals.len())?;
        check_count(&[&path, ".channels"].concat(), p_channels.len())?;
        check_count(&[&path, ".cookies"].concat(), cookies.len())?;
        for (j, sid) in p_signals.iter().enumerate() {
            let spath = index_path(&[&path, ".signals"].concat(), j);
            let Some(signal) = signals.iter().find(|s| &s.id == sid) else {
                return err(spath, ["unknown signal ", &quote(sid)].concat());
            };
            if p_signals.iter().take(j).any(|other| other == sid) {
                return err(spath, ["duplicate signal ", &quote(sid)].concat());
            }
            match signal.kind {
                SignalKind::Sensitive => {
                    return err(
                        spath,
                        [
                            "signal ",
                            &quote(sid),
                            " is sensitive and cannot be used by a purpose",
                        ]
                        .concat(),
                    )
                }
                SignalKind::Demographic if demographic_targeting == DemographicTargeting::Deny => {
                    return err(
                        spath,
                        [
                            "signal ",
                            &quote(sid),
                            " is demographic, which needs \"demographicTargeting\": \"disclosed\"",
                        ]
                        .concat(),
                    )
                }
                _ => {}
            }
        }
        for (j, cid) in p_channels.iter().enumerate() {
            let cpath = index_path(&[&path, ".channels"].concat(), j);
            if !channels.iter().any(|c| &c.id == cid) {
                return err(cpath, ["unknown channel ", &quote(cid)].concat());
            }
            if p_channels.iter().take(j).any(|other| other == cid) {
                return err(cpath, ["duplicate channel ", &quote(cid)].concat());
            }
        }
        for (j, cookie) in cookies.iter().enumerate() {
            let cpath = index_path(&[&path, ".cookies"].concat(), j);
            let name = cookie.strip_suffix('*').unwrap_or(cookie);
            if name.is_empty() {
                return err(
                    cpath,
                    ["cookie name or prefix is empty: ", &quote(cookie)].concat(),
                );
            }
            if name.contains('*') {
                return err(
                    cpath,
                    ["\"*\" may only end a cookie prefix, got ", &quote(cookie)].concat(),
                );
            }
        }
        if required && sale_or_share {
            return err(
                [&path, ".saleOrShare"].concat(),
                [
                    "required purpose ",
                    &quote(&id),
                    " cannot also sell or share data",
                ]
                .concat(),
            );
        }
        let duration = match p.get("duration") {
            None | Some(Value::Null) => Duration::Days(expires_after_days),
            Some(_) if required => {
                return err(
                    [&path, ".duration"].concat(),
                    [
                        "required purpose ",
                        &quote(&id),
                        " cannot set a duration (it always has the default)",
                    ]
                    .concat(),
                )
            }
            Some(Value::String(name)) if name == "session" => Duration::Session,
            Some(Value::String(name)) => {
                return err(
                    [&path, ".duration"].concat(),
                    [r#"expected "session" or { "days": N }, got "#, &quote(name)].concat(),
                )
            }
            Some(d) => Duration::Days(check_range(
                &[&path, ".duration.days"].concat(),
                int_at(d, "days").unwrap_or(0),
                1,
                i64::from(MAX_DAYS),
            )?),
        };
        let title = check_text(&[&path, ".title"].concat(), p.get("title"))?;
        let description = check_text(&[&path, ".description"].concat(), p.get("description"))?;
        purposes.push(Purpose {
            id,
            required,
            duration,
            signals: p_signals,
            channels: p_channels,
            title,
            description,
            sale_or_share,
            cookies,
        });
    }

    let google_consent_mode: Option<Map<String, Vec<String>>> =
        members_at(doc, "googleConsentMode").map(|members| {
            let mut map = Map::new();
            for (key, ids) in members {
                map.insert(key.clone(), strings(ids.as_array().unwrap_or_default()));
            }
            map
        });
    if let Some(gcm) = &google_consent_mode {
        for (key, ids) in gcm {
            let path = key_path("googleConsentMode", key);
            if !CONSENT_MODE_TYPES.contains(&key.as_str()) {
                return err(
                    path,
                    [
                        "unknown Consent Mode type ",
                        &quote(key),
                        ", expected one of ",
                        &CONSENT_MODE_TYPES.join(", "),
                    ]
                    .concat(),
                );
            }
            check_count(&path, ids.len())?;
            for (j, pid) in ids.iter().enumerate() {
                if !purposes.iter().any(|p| &p.id == pid) {
                    return err(
                        index_path(&path, j),
                        ["unknown purpose ", &quote(pid)].concat(),
                    );
                }
            }
        }
    }

    let mut translations: Map<String, Map<String, String>> = Map::new();
    for (lang, texts) in members_at(doc, "translations").unwrap_or_default() {
        translations.insert(
            lang.clone(),
            string_map(texts.as_object().unwrap_or_default()),
        );
    }
    for (lang, texts) in &translations {
        if lang.is_empty() {
            return err("translations", "empty language tag");
        }
        for key in texts.keys() {
            if !crate::i18n::KEYS.contains(&key.as_str()) {
                return err(
                    ["translations.", lang, ".", key].concat(),
                    ["unknown text key ", &quote(key)].concat(),
                );
            }
        }
    }

    let floating_button = match str_at(doc, "floatingButton") {
        Some("end") => FloatingButton::End,
        Some("none") => FloatingButton::None,
        _ => FloatingButton::Start,
    };
    let policy_url = check_url(doc, "policyUrl")?;
    let receipt_endpoint = check_url(doc, "receiptEndpoint")?;
    let theme = match doc.get("theme") {
        None | Some(Value::Null) => Theme::default(),
        Some(t) => check_theme(t)?,
    };

    Ok(Config {
        revision,
        policy_url,
        expires_after_days,
        default_language: default_language.to_owned(),
        demographic_targeting,
        signals,
        channels,
        purposes,
        google_consent_mode,
        translations,
        receipt_endpoint,
        reload_on_withdrawal: matches!(doc.get("reloadOnWithdrawal"), Some(Value::Bool(true))),
        floating_button,
        theme,
    })
}

fn check_cap(path: &str, cap: &Value) -> Result<Cap, ConfigError> {
    let max = check_range(
        &[path, ".max"].concat(),
        int_at(cap, "max").unwrap_or(0),
        1,
        i64::from(MAX_CAP),
    )?;
    let period = match (int_at(cap, "perHours"), int_at(cap, "perDays")) {
        (None, None) => return err(path, "needs a period: perHours or perDays"),
        (Some(h), Some(d)) => {
            return err(
                path,
                [
                    "give perHours or perDays, not both (got perHours ",
                    &int_text(h),
                    " and perDays ",
                    &int_text(d),
                    ")",
                ]
                .concat(),
            )
        }
        (Some(h), None) => Period::Hours(check_range(
            &[path, ".perHours"].concat(),
            h,
            1,
            i64::from(MAX_HOURS),
        )?),
        (None, Some(d)) => Period::Days(check_range(
            &[path, ".perDays"].concat(),
            d,
            1,
            i64::from(MAX_DAYS),
        )?),
    };
    let window_ms = match period {
        Period::Hours(h) => u64::from(h) * HOUR_MS,
        Period::Days(d) => u64::from(d) * DAY_MS,
    };
    Ok(Cap {
        max,
        window_ms,
        period,
    })
}
