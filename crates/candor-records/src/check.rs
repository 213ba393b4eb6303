//! Checking a receipt against the shop's config: the revisions kept, and
//! why a receipt is refused.
//!
//! A receipt is accepted when its `textsSha256` is the hash of its own
//! texts ([`Receipt::verify`]) and those texts are exactly what a stored
//! config document of the receipt's revision shows in the receipt's
//! language: language, policy URL, then each purpose's id, title and
//! description as `Text::get(language, defaultLanguage)` gives them, the
//! canonical form of `candor_core::receipt`, recomputed here from the
//! config. The purposes' `required` and `saleOrShare` flags must match too.

use candor_core::receipt;
use candor_core::{Config, Receipt};

use crate::db::StoredConfig;
use crate::{sha256_hex, Error};

/// How far ahead of the server's clock `issuedAt` may be (a day: browsers'
/// clocks are often off, rarely by more).
pub const MAX_CLOCK_AHEAD_MS: u64 = 86_400_000;

/// Why a request was refused: an HTTP status, a stable code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status (4xx, or 503 when the database fails).
    pub status: u16,
    /// Stable machine-readable code, e.g. `hash-mismatch`.
    pub code: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

impl Rejection {
    /// A rejection.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Rejection {
        Rejection {
            status,
            code,
            message: message.into(),
        }
    }
}

/// One stored config document, parsed.
#[derive(Debug, Clone)]
pub struct Known {
    /// SHA-256 of the document's text.
    pub sha256: String,
    /// Its revision.
    pub revision: u32,
    /// The parsed, validated config.
    pub config: Config,
}

/// Every config document the service keeps.
#[derive(Debug, Clone, Default)]
pub struct SiteConfigs {
    known: Vec<Known>,
}

/// A config document read from `source`, validated, ready to store.
pub fn config_document(text: &str, source: &str, now_ms: i64) -> Result<StoredConfig, Error> {
    let config = Config::from_json(text)
        .map_err(|e| Error::new(format!("{source}: not a valid Candor config: {e}")))?;
    Ok(StoredConfig {
        config_sha256: sha256_hex(text.as_bytes()),
        revision: i64::from(config.revision),
        body: text.to_string(),
        source: source.to_string(),
        first_seen_at: now_ms,
    })
}

/// The state of each purpose in a receipt: `required`, `none` (no choice
/// yet), `granted` or `refused`.
pub fn choices(r: &Receipt) -> Vec<(String, &'static str)> {
    r.purposes
        .iter()
        .map(|p| {
            let state = if p.required {
                "required"
            } else if p.method.is_none() {
                "none"
            } else if p.granted {
                "granted"
            } else {
                "refused"
            };
            (p.id.clone(), state)
        })
        .collect()
}

fn quoted(s: &str) -> String {
    let short: String = s.chars().take(80).collect();
    if short.len() < s.len() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
}

impl SiteConfigs {
    /// Parses the stored documents; those that no longer parse are left
    /// out and named in the returned warnings.
    pub fn from_stored(stored: &[StoredConfig]) -> (SiteConfigs, Vec<String>) {
        let mut known = Vec::new();
        let mut warnings = Vec::new();
        for s in stored {
            match Config::from_json(&s.body) {
                Ok(config) => known.push(Known {
                    sha256: s.config_sha256.clone(),
                    revision: config.revision,
                    config,
                }),
                Err(e) => warnings.push(format!(
                    "stored config {} ({}) no longer reads: {e}",
                    s.config_sha256, s.source
                )),
            }
        }
        for (i, k) in known.iter().enumerate() {
            let twin = known
                .iter()
                .skip(i + 1)
                .any(|o| o.revision == k.revision && o.sha256 != k.sha256);
            if twin {
                warnings.push(format!(
                    "revision {} has more than one config document: a receipt is accepted if it matches any of them, and records which",
                    k.revision
                ));
            }
        }
        (SiteConfigs { known }, warnings)
    }

    /// The revisions known, ascending, without repeats.
    pub fn revisions(&self) -> Vec<u32> {
        let mut r: Vec<u32> = self.known.iter().map(|k| k.revision).collect();
        r.sort_unstable();
        r.dedup();
        r
    }

    /// Whether a revision is known.
    pub fn has_revision(&self, revision: u32) -> bool {
        self.known.iter().any(|k| k.revision == revision)
    }

    /// The newest document of the highest revision.
    pub fn latest(&self) -> Option<&Known> {
        self.known.iter().rev().max_by_key(|k| k.revision)
    }

    /// Checks a receipt; on success, the config document it matches.
    pub fn check(&self, r: &Receipt, now_ms: u64) -> Result<&Known, Rejection> {
        if !r.verify() {
            return Err(Rejection::new(
                422,
                "hash-mismatch",
                "textsSha256 is not the SHA-256 of the receipt's own texts: the texts or the hash were altered",
            ));
        }
        if r.issued_at > now_ms.saturating_add(MAX_CLOCK_AHEAD_MS) {
            return Err(Rejection::new(
                422,
                "issued-in-the-future",
                "issuedAt is more than a day ahead of the server's clock",
            ));
        }
        let candidates: Vec<&Known> = self
            .known
            .iter()
            .filter(|k| k.revision == r.revision)
            .collect();
        let Some(last) = candidates.last() else {
            let known: Vec<String> = self.revisions().iter().map(u32::to_string).collect();
            return Err(Rejection::new(
                422,
                "unknown-revision",
                format!(
                    "revision {} of the shop's config is not known here (known: {})",
                    r.revision,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        };
        for k in candidates.iter().rev() {
            if flags_match(&k.config, r).is_ok()
                && texts_sha256(&k.config, &r.language) == r.texts_sha256
            {
                return Ok(k);
            }
        }
        Err(explain(&last.config, r))
    }
}

/// The texts hash a receipt in `language` must carry under `config`.
pub fn texts_sha256(config: &Config, language: &str) -> String {
    let dl = config.default_language.as_str();
    receipt::texts_sha256(
        language,
        config.policy_url.as_deref(),
        config.purposes.iter().map(|p| {
            (
                p.id.as_str(),
                p.title.get(language, dl),
                p.description.get(language, dl),
            )
        }),
    )
}

/// The receipt's purposes are the config's, in order, with the same flags.
fn flags_match(config: &Config, r: &Receipt) -> Result<(), Rejection> {
    let mismatch = |m: String| Rejection::new(422, "purposes-mismatch", m);
    let want: Vec<&str> = config.purposes.iter().map(|p| p.id.as_str()).collect();
    let got: Vec<&str> = r.purposes.iter().map(|p| p.id.as_str()).collect();
    if want != got {
        return Err(mismatch(format!(
            "purposes: the receipt lists {}, revision {} has {}",
            quoted(&got.join(", ")),
            r.revision,
            quoted(&want.join(", "))
        )));
    }
    for (i, (p, q)) in config.purposes.iter().zip(&r.purposes).enumerate() {
        if p.required != q.required {
            return Err(mismatch(format!(
                "purposes[{i}].required: {} in the receipt, {} in revision {}",
                q.required, p.required, r.revision
            )));
        }
        if p.sale_or_share != q.sale_or_share {
            return Err(mismatch(format!(
                "purposes[{i}].saleOrShare: {} in the receipt, {} in revision {}",
                q.sale_or_share, p.sale_or_share, r.revision
            )));
        }
    }
    Ok(())
}

/// Why a receipt whose hash is its own does not match `config`.
fn explain(config: &Config, r: &Receipt) -> Rejection {
    if let Err(e) = flags_match(config, r) {
        return e;
    }
    let dl = config.default_language.as_str();
    let lang = r.language.as_str();
    let texts = |m: String| Rejection::new(422, "texts-mismatch", m);
    if config.policy_url != r.policy_url {
        return texts(format!(
            "policyUrl: {} is not revision {}'s {}",
            quoted(r.policy_url.as_deref().unwrap_or("")),
            r.revision,
            quoted(config.policy_url.as_deref().unwrap_or(""))
        ));
    }
    for (i, (p, q)) in config.purposes.iter().zip(&r.purposes).enumerate() {
        for (field, want, got) in [
            ("title", p.title.get(lang, dl), q.title.as_str()),
            (
                "description",
                p.description.get(lang, dl),
                q.description.as_str(),
            ),
        ] {
            if want != got {
                return texts(format!(
                    "purposes[{i}].{field}: {} is not what revision {} shows in {}: {}",
                    quoted(got),
                    r.revision,
                    quoted(lang),
                    quoted(want)
                ));
            }
        }
    }
    texts(format!(
        "textsSha256 does not match the texts of revision {} in {}",
        r.revision,
        quoted(lang)
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use candor_core::{Context, Engine, Method};

    const SITE: &str = r#"{"revision": 2, "policyUrl": "/privacy", "defaultLanguage": "en",
      "purposes": [
        {"id": "essential", "required": true, "title": "Essential", "description": "Cart."},
        {"id": "offers", "title": {"en": "Offers", "fr": "Offres"}, "description": "Deals."},
        {"id": "ads", "saleOrShare": true, "title": "Ads", "description": "Shared."}
      ]}"#;

    fn configs() -> SiteConfigs {
        let doc = config_document(SITE, "file test", 1).unwrap();
        let (c, warnings) = SiteConfigs::from_stored(&[doc]);
        assert!(warnings.is_empty());
        c
    }

    fn receipt(lang: &str) -> Receipt {
        let mut e = Engine::new(Config::from_json(SITE).unwrap(), "c1".into());
        let ctx = Context {
            now: 1_795_910_400_000,
            session: "s",
            gpc: false,
        };
        e.set("offers", true, Method::Preferences, &ctx).unwrap();
        e.receipt(&ctx, lang)
    }

    const NOW: u64 = 1_795_910_400_000;

    #[test]
    fn real_receipts_pass_in_every_language() {
        let c = configs();
        for lang in ["en", "fr", "fr-CA", "de", ""] {
            let k = c.check(&receipt(lang), NOW).unwrap();
            assert_eq!(k.revision, 2);
        }
        assert_eq!(
            choices(&receipt("en")),
            [
                ("essential".to_string(), "required"),
                ("offers".to_string(), "granted"),
                ("ads".to_string(), "none")
            ]
        );
    }

    #[test]
    fn forgeries_are_named() {
        let c = configs();
        let code = |r: &Receipt| c.check(r, NOW).unwrap_err();

        let mut r = receipt("fr");
        r.purposes[1].title = "Offres spéciales".into();
        assert_eq!(code(&r).code, "hash-mismatch");
        r.texts_sha256 = r.compute_texts_sha256();
        let e = code(&r);
        assert_eq!(e.code, "texts-mismatch");
        assert_eq!(
            e.message,
            "purposes[1].title: \"Offres spéciales\" is not what revision 2 shows in \"fr\": \"Offres\""
        );

        let mut r = receipt("en");
        r.revision = 9;
        assert_eq!(
            code(&r).message,
            "revision 9 of the shop's config is not known here (known: 2)"
        );

        let mut r = receipt("en");
        r.purposes.pop();
        r.texts_sha256 = r.compute_texts_sha256();
        assert_eq!(code(&r).code, "purposes-mismatch");

        let mut r = receipt("en");
        r.purposes[2].sale_or_share = false;
        assert_eq!(code(&r).code, "purposes-mismatch");

        let mut r = receipt("en");
        r.policy_url = Some("/elsewhere".into());
        r.texts_sha256 = r.compute_texts_sha256();
        assert!(code(&r).message.starts_with("policyUrl:"));

        let mut r = receipt("en");
        r.issued_at = NOW + 2 * MAX_CLOCK_AHEAD_MS;
        assert_eq!(code(&r).code, "issued-in-the-future");
    }

    #[test]
    fn a_revision_with_two_documents_matches_either() {
        let other = SITE.replace("\"Ads\"", "\"Ads elsewhere\"");
        let docs = [
            config_document(SITE, "file a", 1).unwrap(),
            config_document(&other, "file b", 2).unwrap(),
        ];
        let (c, warnings) = SiteConfigs::from_stored(&docs);
        assert_eq!(warnings.len(), 1);
        let k = c.check(&receipt("en"), NOW).unwrap();
        assert_eq!(k.sha256, docs[0].config_sha256);
        assert_eq!(c.revisions(), [2]);
    }
}
