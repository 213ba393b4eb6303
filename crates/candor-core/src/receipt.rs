//! Proof-of-consent receipt (CONTRACT §3 `receipt()`).
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

use crate::json::{self, Object};
use crate::Duration;
use sha2::{Digest, Sha256};

/// A proof-of-consent record; [`Receipt::to_json`] gives its JSON form for
/// the shopper or the site's server.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// Consent id.
    pub consent_id: String,
    /// First recorded choice (epoch ms), 0 if none.
    pub created_at: u64,
    /// Last update (epoch ms), 0 if none.
    pub updated_at: u64,
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
#[derive(Debug, Clone)]
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
    buf.extend_from_slice(json::u64_text(s.len() as u64).as_bytes());
    buf.push(b':');
    buf.extend_from_slice(s.as_bytes());
    buf.push(b'\n');
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digit = |n: u8| char::from(HEX.get(usize::from(n)).copied().unwrap_or(b'0'));
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(digit(b >> 4));
        out.push(digit(b & 15));
    }
    out
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
    /// The JSON form (CONTRACT §3), camelCase, fields in declaration order,
    /// absent values as `null`:
    /// `{"consentId":…,"createdAt":…,…,"purposes":[{"id":…,…}],"textsSha256":…}`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.str("consentId", &self.consent_id);
        o.u64("createdAt", self.created_at);
        o.u64("updatedAt", self.updated_at);
        o.u64("issuedAt", self.issued_at);
        o.u64("revision", u64::from(self.revision));
        o.str("language", &self.language);
        o.opt_str("method", self.method);
        o.bool("gpc", self.gpc);
        o.opt_str("policyUrl", self.policy_url.as_deref());
        let list = o.key("purposes");
        list.push('[');
        for (i, p) in self.purposes.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            let mut q = Object::new(list);
            q.str("id", &p.id);
            q.str("title", &p.title);
            q.str("description", &p.description);
            q.bool("required", p.required);
            q.bool("saleOrShare", p.sale_or_share);
            q.bool("granted", p.granted);
            q.opt_u64("at", p.at);
            q.opt_str("method", p.method);
            q.bool("explicit", p.explicit);
            p.duration.write_json(q.key("duration"));
            q.end();
        }
        list.push(']');
        o.str("textsSha256", &self.texts_sha256);
        o.end();
        out
    }

    /// Recompute the texts hash from this receipt's language, policy URL and
    /// purposes' ids, titles and descriptions.
    pub fn compute_texts_sha256(&self) -> String {
        sha256_hex(&canonical_texts(
            &self.language,
            self.policy_url.as_deref(),
            self.purposes
                .iter()
                .map(|p| (p.id.as_str(), p.title.as_str(), p.description.as_str())),
        ))
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
    fn sha256_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn canonical_form_is_length_prefixed() {
        let b = canonical_texts("en", None, [("a", "T", "D\n")]);
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "15:candor-texts-v1\n2:en\n0:\n1:a\n1:T\n2:D\n\n"
        );
    }
}
