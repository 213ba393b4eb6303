//! Every validation error of the config (docs/config.md), table-driven.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use candor_core::{Config, DemographicTargeting, Duration, Text};

/// A valid base config; each case patches it with a JSON edit.
const BASE: &str = r#"{
  "revision": 1,
  "policyUrl": "/privacy",
  "signals": [
    { "id": "cart", "kind": "interest", "label": { "en": "Items in your cart", "fr": "Articles de votre panier" } },
    { "id": "browsing", "kind": "interest", "label": "Products you viewed here" },
    { "id": "age", "kind": "demographic", "label": "Your age range" },
    { "id": "health", "kind": "sensitive", "label": "Health information" }
  ],
  "channels": [
    { "id": "onsite", "label": "on this site", "cap": { "max": 3, "perHours": 24 } },
    { "id": "email", "label": "by email", "cap": { "max": 2, "perDays": 7 } }
  ],
  "purposes": [
    { "id": "essential", "required": true, "title": "Essential", "description": "Keeps your cart." },
    { "id": "ads", "saleOrShare": true, "signals": ["browsing"], "title": "Ads", "description": "Ads elsewhere." },
    { "id": "offers", "duration": "session", "signals": ["cart", "browsing"], "channels": ["onsite"],
      "title": { "en": "Offers during this visit" }, "description": { "en": "Offers." } }
  ]
}"#;

fn base() -> serde_json::Value {
    serde_json::from_str(BASE).unwrap()
}

fn with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v = base();
    edit(&mut v);
    v.to_string()
}

#[test]
fn base_is_valid_and_defaults_apply() {
    let c = Config::from_json(BASE).unwrap();
    assert_eq!(c.revision, 1);
    assert_eq!(c.expires_after_days, 180);
    assert_eq!(c.default_language, "en");
    assert_eq!(c.demographic_targeting, DemographicTargeting::Deny);
    assert_eq!(c.purposes[0].duration, Duration::Days(180));
    assert_eq!(c.purposes[2].duration, Duration::Session);
    assert!(!c.reload_on_withdrawal);
    assert_eq!(c.receipt_endpoint, None);
    let cap = c.channels[1].cap.unwrap();
    assert_eq!((cap.max, cap.window_ms), (2, 7 * 86_400_000));
    assert_eq!(c.channels[0].cap.unwrap().window_ms, 24 * 3_600_000);
    assert!(matches!(c.signals[0].label, Text::Localized(_)));
}

#[test]
fn contract_example_parses() {
    let json = r#"{
  "revision": 1, "policyUrl": "/privacy", "expiresAfterDays": 180, "defaultLanguage": "en",
  "demographicTargeting": "deny",
  "signals": [
    { "id": "cart",     "kind": "interest",    "label": { "en": "Items in your cart", "fr": "Articles de votre panier" } },
    { "id": "browsing", "kind": "interest",    "label": "Products you viewed here" },
    { "id": "region",   "kind": "context",     "label": "Your approximate region" },
    { "id": "age",      "kind": "demographic", "label": "Your age range" },
    { "id": "health",   "kind": "sensitive",   "label": "Health information" }
  ],
  "channels": [
    { "id": "onsite", "label": "on this site", "cap": { "max": 3, "perHours": 24 } },
    { "id": "email",  "label": "by email", "cap": { "max": 2, "perDays": 7 } }
  ],
  "purposes": [
    { "id": "essential", "required": true, "title": "Essential", "description": "Keeps your cart and your privacy choices." },
    { "id": "session-offers", "duration": "session", "signals": ["cart", "browsing"], "channels": ["onsite"],
      "title": { "en": "Offers during this visit" },
      "description": { "en": "Uses what is in your cart to show offers while you shop. Forgotten when you leave." } },
    { "id": "email-deals", "duration": { "days": 180 }, "signals": ["browsing"], "channels": ["email"],
      "title": "Deals by email", "description": "..." },
    { "id": "ads", "saleOrShare": true, "signals": ["browsing"], "title": "Ads on other sites", "description": "..." }
  ],
  "googleConsentMode": { "ad_storage": ["ads"], "ad_user_data": ["ads"],
    "ad_personalization": ["ads"], "analytics_storage": [], "personalization_storage": ["session-offers"] },
  "translations": { "fr": { "acceptAll": "Tout accepter", "rejectAll": "Tout refuser" } }
}"#;
    let c = Config::from_json(json).unwrap();
    assert_eq!(c.purposes.len(), 4);
    assert_eq!(c.purposes[2].duration, Duration::Days(180));
}

#[test]
fn extensions_parse() {
    let json = with(|v| {
        v["receiptEndpoint"] = "/consent-receipts".into();
        v["reloadOnWithdrawal"] = true.into();
        v["purposes"][1]["cookies"] = serde_json::json!(["_ga", "_gid*"]);
        v["demographicTargeting"] = "disclosed".into();
        v["purposes"][1]["signals"] = serde_json::json!(["browsing", "age"]);
    });
    let c = Config::from_json(&json).unwrap();
    assert!(c.reload_on_withdrawal);
    assert_eq!(c.receipt_endpoint.as_deref(), Some("/consent-receipts"));
    assert_eq!(c.purposes[1].cookies, vec!["_ga", "_gid*"]);
}

type Edit = fn(&mut serde_json::Value);

#[test]
fn every_rejection_names_path_and_value() {
    use serde_json::json;
    let cases: Vec<(&str, Edit, &str)> = vec![
        ("missing purpose id", |v| { v["purposes"][1].as_object_mut().unwrap().remove("id"); },
         "purposes[1].id: missing id"),
        ("empty purpose id", |v| v["purposes"][1]["id"] = "".into(),
         "purposes[1].id: missing id (empty string)"),
        ("missing signal id", |v| { v["signals"][2].as_object_mut().unwrap().remove("id"); },
         "signals[2].id: missing id"),
        ("missing channel id", |v| v["channels"][0]["id"] = "".into(),
         "channels[0].id: missing id (empty string)"),
        ("duplicate purpose id", |v| v["purposes"][2]["id"] = "ads".into(),
         r#"purposes[2].id: duplicate id "ads""#),
        ("duplicate signal id", |v| v["signals"][1]["id"] = "cart".into(),
         r#"signals[1].id: duplicate id "cart""#),
        ("duplicate channel id", |v| v["channels"][1]["id"] = "onsite".into(),
         r#"channels[1].id: duplicate id "onsite""#),
        ("over-long id", |v| v["purposes"][1]["id"] = "x".repeat(201).into(),
         "purposes[1].id: id is too long: more than 200 characters"),
        ("unknown signal", |v| v["purposes"][2]["signals"][1] = "shoe-size".into(),
         r#"purposes[2].signals[1]: unknown signal "shoe-size""#),
        ("unknown channel", |v| v["purposes"][2]["channels"][0] = "sms".into(),
         r#"purposes[2].channels[0]: unknown channel "sms""#),
        ("duplicate signal on purpose", |v| v["purposes"][2]["signals"][1] = "cart".into(),
         r#"purposes[2].signals[1]: duplicate signal "cart""#),
        ("duplicate channel on purpose", |v| v["purposes"][2]["channels"] = json!(["onsite", "onsite"]),
         r#"purposes[2].channels[1]: duplicate channel "onsite""#),
        ("sensitive signal", |v| v["purposes"][1]["signals"] = json!(["browsing", "health"]),
         r#"purposes[1].signals[1]: signal "health" is sensitive and cannot be used by a purpose"#),
        ("demographic under deny", |v| v["purposes"][1]["signals"] = json!(["age"]),
         r#"purposes[1].signals[0]: signal "age" is demographic, which needs "demographicTargeting": "disclosed""#),
        ("required saleOrShare", |v| v["purposes"][0]["saleOrShare"] = true.into(),
         r#"purposes[0].saleOrShare: required purpose "essential" cannot also sell or share data"#),
        ("required with session duration", |v| v["purposes"][0]["duration"] = "session".into(),
         r#"purposes[0].duration: required purpose "essential" cannot set a duration (it always has the default)"#),
        ("required with explicit default duration", |v| v["purposes"][0]["duration"] = json!({"days": 180}),
         r#"purposes[0].duration: required purpose "essential" cannot set a duration (it always has the default)"#),
        ("cap max 0", |v| v["channels"][0]["cap"]["max"] = 0.into(),
         "channels[0].cap.max: must be at least 1, got 0"),
        ("cap max huge", |v| v["channels"][0]["cap"]["max"] = 5000.into(),
         "channels[0].cap.max: must be at most 1000, got 5000"),
        ("cap without period", |v| v["channels"][1]["cap"] = json!({"max": 2}),
         "channels[1].cap: needs a period: perHours or perDays"),
        ("cap with both periods", |v| v["channels"][1]["cap"] = json!({"max": 2, "perHours": 1, "perDays": 1}),
         "channels[1].cap: give perHours or perDays, not both (got perHours 1 and perDays 1)"),
        ("cap period 0", |v| v["channels"][1]["cap"]["perDays"] = 0.into(),
         "channels[1].cap.perDays: must be at least 1, got 0"),
        ("cap hours 0", |v| v["channels"][0]["cap"]["perHours"] = 0.into(),
         "channels[0].cap.perHours: must be at least 1, got 0"),
        ("negative revision", |v| v["revision"] = (-1).into(),
         "revision: must be 0 or more, got -1"),
        ("expiresAfterDays 0", |v| v["expiresAfterDays"] = 0.into(),
         "expiresAfterDays: must be at least 1, got 0"),
        ("duration days 0", |v| v["purposes"][1]["duration"] = json!({"days": 0}),
         "purposes[1].duration.days: must be at least 1, got 0"),
        ("bad duration name", |v| v["purposes"][1]["duration"] = "forever".into(),
         r#"purposes[1].duration: expected "session" or { "days": N }, got "forever""#),
        ("bad duration shape", |v| v["purposes"][1]["duration"] = json!({"weeks": 2}),
         r#"purposes[1].duration: "session" or { "days": N }"#),
        ("unknown top-level field", |v| v["revison"] = 2.into(),
         "revison: unknown field `revison`, expected one of `revision`, `policyUrl`, `expiresAfterDays`, `defaultLanguage`, `demographicTargeting`, `signals`, `channels`, `purposes`, `googleConsentMode`, `translations`, `receiptEndpoint`, `reloadOnWithdrawal`, `floatingButton`, `theme`"),
        ("unknown purpose field", |v| v["purposes"][1]["sale_or_share"] = true.into(),
         "purposes[1].sale_or_share: unknown field `sale_or_share`, expected one of `id`, `required`, `duration`, `signals`, `channels`, `title`, `description`, `saleOrShare`, `cookies`"),
        ("unknown cap field", |v| v["channels"][0]["cap"]["perWeek"] = 1.into(),
         "channels[0].cap.perWeek: unknown field `perWeek`, expected one of `max`, `perHours`, `perDays`"),
        ("unknown signal kind", |v| v["signals"][0]["kind"] = "shoesize".into(),
         "signals[0].kind: unknown variant `shoesize`, expected one of `interest`, `context`, `demographic`, `sensitive`"),
        ("bad targeting", |v| v["demographicTargeting"] = "allow".into(),
         "demographicTargeting: unknown variant `allow`, expected `deny` or `disclosed`"),
        ("wrong type", |v| v["revision"] = "1".into(),
         r#"revision: invalid type: string "1", expected i64"#),
        ("empty purposes", |v| v["purposes"] = json!([]),
         "purposes: must list at least one purpose"),
        ("missing purposes", |v| { v.as_object_mut().unwrap().remove("purposes"); },
         "missing field `purposes`"),
        ("empty text map", |v| v["purposes"][1]["title"] = json!({}),
         "purposes[1].title: empty map: give a string or at least one language tag"),
        ("text of wrong type", |v| v["signals"][0]["label"] = 3.into(),
         "signals[0].label: a string or a map from language tag to string"),
        ("unknown consent mode type", |v| v["googleConsentMode"] = json!({"ad_storag": ["ads"]}),
         r#"googleConsentMode.ad_storag: unknown Consent Mode type "ad_storag", expected one of ad_storage, ad_user_data, ad_personalization, analytics_storage, functionality_storage, personalization_storage, security_storage"#),
        ("consent mode unknown purpose", |v| v["googleConsentMode"] = json!({"ad_storage": ["ads", "adz"]}),
         r#"googleConsentMode.ad_storage[1]: unknown purpose "adz""#),
        ("unknown translation key", |v| v["translations"] = json!({"fr": {"acceptAl": "Tout"}}),
         r#"translations.fr.acceptAl: unknown text key "acceptAl""#),
        ("a text key nothing reads", |v| v["translations"] = json!({"fr": {"dialogLabel": "Choix"}}),
         r#"translations.fr.dialogLabel: unknown text key "dialogLabel""#),
        ("low-contrast theme text", |v| v["theme"] = json!({"text": "#999999"}),
         "theme.text: the text on the background has a contrast of 2.8:1, at least 4.5:1 is needed (WCAG AA)"),
        ("low-contrast theme accent", |v| v["theme"] = json!({"accent": "#777777"}),
         "theme.accent: the button label on the accent colour has a contrast of 4.4:1, at least 4.5:1 is needed (WCAG AA)"),
        ("low-contrast dark accent", |v| v["theme"] = json!({"dark": {"accent": "#1d4ed8"}}),
         "theme.dark.accent: the accent colour on the background has a contrast of 2.4:1, at least 3.0:1 is needed (WCAG AA)"),
        ("theme colour name", |v| v["theme"] = json!({"accent": "green"}),
         r#"theme.accent: "green" is not a colour: give #rgb or #rrggbb"#),
        ("theme font escaping its declaration", |v| v["theme"] = json!({"fontFamily": "x;}:host{display:none"}),
         r#"theme.fontFamily: "x;}:host{display:none" is not a font-family list (letters, digits, spaces, commas, quotes and hyphens, at most 200 characters)"#),
        ("theme radius", |v| v["theme"] = json!({"radius": 99}),
         "theme.radius: must be at most 24, got 99"),
        ("unknown theme field", |v| v["theme"] = json!({"color": "#000"}),
         "theme.color: unknown field `color`, expected one of `colorScheme`, `accent`, `text`, `background`, `dark`, `radius`, `fontFamily`"),
        ("floating button side", |v| v["floatingButton"] = "left".into(),
         "floatingButton: unknown variant `left`, expected one of `start`, `end`, `none`"),
        ("policy URL with a tab", |v| v["policyUrl"] = "java\tscript:alert(1)".into(),
         r#"policyUrl: "java\tscript:alert(1)" is not a URL (empty, or holds control characters)"#),
        ("receipt endpoint with a line feed", |v| v["receiptEndpoint"] = "/r\necho".into(),
         r#"receiptEndpoint: "/r\necho" is not a URL (empty, or holds control characters)"#),
        ("empty cookie", |v| v["purposes"][1]["cookies"] = json!(["*"]),
         r#"purposes[1].cookies[0]: cookie name or prefix is empty: "*""#),
        ("star inside cookie", |v| v["purposes"][1]["cookies"] = json!(["_g*a"]),
         r#"purposes[1].cookies[0]: "*" may only end a cookie prefix, got "_g*a""#),
        ("empty default language", |v| v["defaultLanguage"] = "".into(),
         "defaultLanguage: must not be empty"),
    ];
    let mut failures = Vec::new();
    for (name, edit, want) in &cases {
        let json = with(*edit);
        match Config::from_json(&json) {
            Ok(_) => failures.push(format!("{name}: accepted")),
            Err(e) if e.to_string() != *want => {
                failures.push(format!("{name}:\n   got  {e}\n   want {want}"))
            }
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn size_limits() {
    let big = format!("{{\"purposes\": [], \"x\": \"{}\"}}", "a".repeat(1 << 20));
    let e = Config::from_json(&big).unwrap_err();
    assert!(e.path.is_empty());
    assert!(e.message.starts_with("config is too large"), "{e}");

    let purposes: Vec<serde_json::Value> = (0..1001)
        .map(|i| serde_json::json!({"id": format!("p{i}"), "title": "t", "description": "d"}))
        .collect();
    let json = serde_json::json!({ "purposes": purposes }).to_string();
    assert_eq!(
        Config::from_json(&json).unwrap_err().to_string(),
        "purposes: too many entries: 1001, at most 1000 allowed"
    );
}

#[test]
fn syntax_errors_keep_their_location() {
    let e = Config::from_json("{\"purposes\": [").unwrap_err();
    assert_eq!(
        e.to_string(),
        "purposes: EOF while parsing a list at line 1 column 14"
    );
    let e = Config::from_json(&format!("{BASE} x")).unwrap_err();
    assert!(e.message.contains("trailing characters"), "{e}");
}

#[test]
fn text_lookup_falls_back() {
    let t = Text::Localized(
        [
            ("EN".to_string(), "Hello".to_string()),
            ("fr".to_string(), "Bonjour".to_string()),
            ("fr-CA".to_string(), "Allo".to_string()),
        ]
        .into_iter()
        .collect(),
    );
    assert_eq!(t.get("fr-ca", "en"), "Allo");
    assert_eq!(t.get("fr-BE", "en"), "Bonjour");
    assert_eq!(t.get("de", "en"), "Hello");
    assert_eq!(t.get("de", "fr"), "Bonjour");
    assert_eq!(t.get("de", "it"), "Hello"); // first available in map order ("EN" < "fr")
    assert_eq!(Text::Plain("x".into()).get("de", "en"), "x");
}

mod dark_accent {
    use candor_core::theme::{contrast, Rgb, AA_TEXT, AA_UI, DEFAULT_DARK};
    use candor_core::Config;
    use proptest::prelude::*;

    /// The accent of the dark scheme when the site gives only its light
    /// accent (and perhaps a dark background).
    fn dark_of(accent: Rgb, background: Option<Rgb>) -> Option<(Rgb, Rgb)> {
        let theme = match background {
            None => serde_json::json!({ "accent": accent.hex() }),
            Some(b) => {
                serde_json::json!({ "accent": accent.hex(), "dark": { "background": b.hex() } })
            }
        };
        let config = super::with(|v| v["theme"] = theme);
        let c = Config::from_json(&config).ok()?;
        Some((c.theme.dark.accent, c.theme.dark.background))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3_000))]

        /// Whatever light accent a site gives, the dark scheme it gets is
        /// readable, and is the site's colour (or a lighter mix of it with
        /// white) whenever one passes, Candor's own blue only otherwise.
        #[test]
        fn keeps_the_sites_colour_and_aa(
            r in any::<u8>(), g in any::<u8>(), b in any::<u8>(),
            bg in proptest::option::of((0u8..=60, 0u8..=60, 0u8..=60)),
        ) {
            let accent = Rgb(r, g, b);
            let background = bg.map(|(r, g, b)| Rgb(r, g, b));
            let Some((dark, dark_bg)) = dark_of(accent, background) else {
                // Refused for the light scheme: nothing to carry over.
                return Ok(());
            };
            let label = contrast(Rgb(255, 255, 255), dark).max(contrast(Rgb(0x0b, 0x12, 0x20), dark));
            prop_assert!(label >= AA_TEXT);
            prop_assert!(contrast(dark, dark_bg) >= AA_UI);
            let mixes: Vec<Rgb> = (0..=10u8)
                .map(|k| Rgb(255, 255, 255).over(accent, f64::from(k) * 0.1))
                .collect();
            let first_passing = mixes.iter().copied().find(|&c| {
                contrast(Rgb(255, 255, 255), c).max(contrast(Rgb(0x0b, 0x12, 0x20), c)) >= AA_TEXT
                    && contrast(c, dark_bg) >= AA_UI
            });
            prop_assert_eq!(dark, first_passing.unwrap_or(DEFAULT_DARK.accent));
        }
    }

    #[test]
    fn a_green_shop_stays_green_in_the_dark() {
        let green = Rgb::parse("#1f7a4d").unwrap();
        assert_eq!(dark_of(green, None).unwrap().0, green);
        // Given explicitly, the dark accent is the site's, not derived.
        let config = super::with(|v| {
            v["theme"] = serde_json::json!({ "accent": "#1f7a4d", "dark": { "accent": "#7fd1a4" } })
        });
        let c = Config::from_json(&config).unwrap();
        assert_eq!(c.theme.dark.accent, Rgb::parse("#7fd1a4").unwrap());
    }
}
