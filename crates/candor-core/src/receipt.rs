//! Proof-of-consent receipt (CONTRACT §3 `receipt()`).

use serde::Serialize;

/// A proof-of-consent record. Serialize it to JSON for the shopper or the site's server.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// Consent id.
    pub consent_id: String,
    // (remaining fields: to be written by the core author — created/updated
    // timestamps, revision, language, method, gpc, policyUrl, purposes with
    // shown title/description/choice/at/method, textsSha256 as lowercase hex,
    // issuedAt.)
}
