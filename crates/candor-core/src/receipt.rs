//! Proof-of-consent receipt (`receipt()`, docs/api.md).
//!
//! # The texts hash
//!
//! `textsSha256` is the lowercase hex SHA-256 of a canonical serialization of
//! exactly the texts shown to the shopper, built from the receipt's own
//! fields so that anyone holding a receipt can recompute it
//! ([`Receipt::verify`]). The serialization is a sequence of fields, each
//! written as its UTF-8 byte length in decimal, a `:`, the bytes, and `\n`:
//!
//! ```text
//! "candor-texts-v1", language, policyUrl (empty if none),
//! then for each purpose in config order: id, title, description
//! ```
//!
//! Length prefixes make the encoding unambiguous whatever the texts contain.

use serde::Serialize;

use crate::sha256::sha256_hex;
use crate::Duration;

/// A proof-of-consent record; [`Receipt::to_json`] gives its JSON form for
/// the shopper or the site's server (camelCase, absent values as `null`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// Consent id.
    pub consent_id: String,
    /// First recorded choice (epoch ms); `None` before any choice.
    pub created_at: Option<u64>,
    /// Last update (epoch ms); `None` before any choice.
    pub updated_at: Option<u64>,
    /// When this receipt was issued (epoch ms).
    pub issued_at: u64,
    /// Config revision in force.
    pub revision: u32,
    /// Language the texts below are in.
    pub language: String,
    /// Method of the most recent choice, if any.
    pub method: Option<&'static str>,
    /// Whether Global Privacy Control was on.
    pub gpc: bool,
    /// Privacy policy link shown.
    pub policy_url: Option<String>,
    /// Every purpose of the config, in order, as shown and as chosen.
    pub purposes: Vec<ReceiptPurpose>,
    /// Lowercase hex SHA-256 of the texts shown (see the module docs).
    pub texts_sha256: String,
}

/// One purpose of a [`Receipt`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptPurpose {
    /// Purpose id.
    pub id: String,
    /// Title as shown.
    pub title: String,
    /// Description as shown.
    pub description: String,
    /// Always on.
    pub required: bool,
    /// Sells or shares data.
    pub sale_or_share: bool,
    /// Currently granted (required purposes: always).
    pub granted: bool,
    /// When the current choice was made, if there is one.
    pub at: Option<u64>,
    /// How: `accept-all`, `reject-all`, `preferences`, `api`, `ask`,
    /// `required`; `None` when there is no current choice.
    pub method: Option<&'static str>,
    /// Explicit per-purpose opt-in.
    pub explicit: bool,
    /// How long the current choice lasts.
    pub duration: Duration,
}

fn field(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(crate::text::u64_text(s.len() as u64).as_bytes());
    buf.push(b':');
    buf.extend_from_slice(s.as_bytes());
    buf.push(b'\n');
}

/// The texts hash of a receipt in `language` with this `policy_url` and
/// these purposes' (id, title, description), as
/// [`Receipt::compute_texts_sha256`] computes it: what a server recomputes
/// from the config a receipt names.
pub fn texts_sha256<'a>(
    language: &str,
    policy_url: Option<&str>,
    purposes: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
) -> String {
    sha256_hex(&canonical_texts(language, policy_url, purposes))
}

/// The canonical serialization of the texts shown (see the module docs).
pub fn canonical_texts<'a>(
    language: &str,
    policy_url: Option<&str>,
    purposes: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
) -> Vec<u8> {
    let mut buf = Vec::new();
    field(&mut buf, "candor-texts-v1");
    field(&mut buf, language);
    field(&mut buf, policy_url.unwrap_or(""));
    for (id, title, description) in purposes {
        field(&mut buf, id);
        field(&mut buf, title);
        field(&mut buf, description);
    }
    buf
}

impl Receipt {
    /// The JSON form, camelCase, fields in declaration order, absent
    /// values as `null`:
    /// `{"consentId":…,"createdAt":…,…,"purposes":[{"id":…,…}],"textsSha256":…}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Recompute the texts hash from this receipt's language, policy URL and
    /// purposes' ids, titles and descriptions.
    pub fn compute_texts_sha256(&self) -> String {
        texts_sha256(
            &self.language,
            self.policy_url.as_deref(),
            self.purposes
                .iter()
                .map(|p| (p.id.as_str(), p.title.as_str(), p.description.as_str())),
        )
    }

    /// Whether [`Receipt::texts_sha256`] matches the texts in the receipt.
    pub fn verify(&self) -> bool {
        self.compute_texts_sha256() == self.texts_sha256
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_is_length_prefixed() {
        let b = canonical_texts("en", None, [("a", "T", "D\n")]);
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "15:candor-texts-v1\n2:en\n0:\n1:a\n1:T\n2:D\n\n"
        );
    }
}
