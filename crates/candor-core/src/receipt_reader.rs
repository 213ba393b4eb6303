//! Reading a receipt back: [`Receipt::from_json`], the strict inverse of
//! [`Receipt::to_json`], for the server that keeps proof-of-consent records.
//!
//! The text is read with the crate's own [`crate::json`] reader, then every
//! field is checked: exactly the keys `to_json` writes (a missing or unknown
//! key, `__proto__` included, is an error), the right type, integers in
//! range (timestamps up to year 9999, the revision a `u32`), ids and texts
//! not too long, methods and durations from the known set, purpose ids
//! unique, and `textsSha256` 64 lowercase hex digits. A few invariants that
//! `to_json` always satisfies are checked too: an optional purpose has an
//! `at` exactly when it has a `method`, and `method` is `"required"` exactly
//! for the required purposes, which are granted (and have no `at` before
//! any choice).
//!
//! The hash itself is not checked here: [`Receipt::verify`] tells whether it
//! matches the receipt's own texts, and a server compares it with the texts
//! of the config revision it names.
//!
//! Errors are [`json::Error`]s: the path of the offending value
//! (`purposes[2].method`) and what is wrong with it. Reading never panics.

use crate::json::{self, Value};
use crate::receipt::{Receipt, ReceiptPurpose};
use crate::{Duration, Method};

/// Largest receipt text accepted, in bytes (1 MiB, as a config).
const MAX_RECEIPT_BYTES: usize = 1 << 20;
/// Most purposes in a receipt (as in a config).
const MAX_PURPOSES: usize = 1000;
/// Longest consent id or purpose id, in characters.
const MAX_ID_CHARS: usize = 200;
/// Longest language tag, in characters (the engine truncates to this).
const MAX_LANGUAGE_CHARS: usize = 35;
/// Longest title, description or policy URL, in bytes.
const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Latest accepted timestamp: 9999-12-31T23:59:59.999Z.
const MAX_TIME: u64 = 253_402_300_799_999;

const FORBIDDEN_KEYS: [&str; 3] = ["__proto__", "constructor", "prototype"];

const RECEIPT_KEYS: [&str; 11] = [
    "consentId",
    "createdAt",
    "updatedAt",
    "issuedAt",
    "revision",
    "language",
    "method",
    "gpc",
    "policyUrl",
    "purposes",
    "textsSha256",
];

const PURPOSE_KEYS: [&str; 10] = [
    "id",
    "title",
    "description",
    "required",
    "saleOrShare",
    "granted",
    "at",
    "method",
    "explicit",
    "duration",
];

type Result<T> = std::result::Result<T, json::Error>;

fn error(path: &str, message: impl Into<String>) -> json::Error {
    json::Error {
        path: path.to_string(),
        message: message.into(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        [path, ".", key].concat()
    }
}

fn quoted(s: &str) -> String {
    let short: String = s.chars().take(60).collect();
    let mut out = String::new();
    json::push_str(&mut out, &short);
    out
}

/// The members of the object at `path`, after checking that its keys are
/// exactly `keys`.
fn object<'a>(v: &'a Value, path: &str, keys: &[&str]) -> Result<Fields<'a>> {
    let members = v
        .as_object()
        .ok_or_else(|| error(path, "expected an object"))?;
    for (k, _) in members {
        if !keys.contains(&k.as_str()) {
            let mut expected = String::new();
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    expected.push_str(", ");
                }
                expected.push('`');
                expected.push_str(key);
                expected.push('`');
            }
            return Err(error(
                path,
                ["unknown field `", k, "`, expected one of ", &expected].concat(),
            ));
        }
    }
    for key in keys {
        if !members.iter().any(|(k, _)| k == key) {
            return Err(error(path, ["missing field `", key, "`"].concat()));
        }
    }
    Ok(Fields {
        members,
        path: path.to_string(),
    })
}

struct Fields<'a> {
    members: &'a [(String, Value)],
    path: String,
}

impl<'a> Fields<'a> {
    /// The value of `key` and its path (the key is present: checked by
    /// [`object`]).
    fn get(&self, key: &str) -> (&'a Value, String) {
        let value = self
            .members
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&Value::Null, |(_, v)| v);
        (value, join(&self.path, key))
    }

    fn bool(&self, key: &str) -> Result<bool> {
        match self.get(key) {
            (Value::Bool(b), _) => Ok(*b),
            (_, path) => Err(error(&path, "expected true or false")),
        }
    }

    fn time(&self, key: &str) -> Result<u64> {
        let (v, path) = self.get(key);
        time(v, &path)
    }

    fn opt_time(&self, key: &str) -> Result<Option<u64>> {
        match self.get(key) {
            (Value::Null, _) => Ok(None),
            (v, path) => time(v, &path).map(Some),
        }
    }

    /// A string of at most `max` characters (`chars`) or bytes.
    fn str(&self, key: &str, max: usize, chars: bool) -> Result<String> {
        let (v, path) = self.get(key);
        text(v, &path, max, chars)
    }

    fn opt_str(&self, key: &str, max: usize) -> Result<Option<String>> {
        match self.get(key) {
            (Value::Null, _) => Ok(None),
            (v, path) => text(v, &path, max, false).map(Some),
        }
    }

    /// An id: non-empty, at most [`MAX_ID_CHARS`] characters, not a
    /// forbidden key.
    fn id(&self, key: &str) -> Result<String> {
        let (v, path) = self.get(key);
        let s = text(v, &path, MAX_ID_CHARS, true)?;
        if s.is_empty() {
            return Err(error(&path, "empty id"));
        }
        if FORBIDDEN_KEYS.contains(&s.as_str()) {
            return Err(error(&path, ["forbidden id ", &quoted(&s)].concat()));
        }
        Ok(s)
    }

    /// `null` or a method name; `required` only where `allow_required`.
    fn method(&self, key: &str, allow_required: bool) -> Result<Option<&'static str>> {
        let (v, path) = self.get(key);
        let name = match v {
            Value::Null => return Ok(None),
            Value::String(s) => s,
            _ => return Err(error(&path, "expected a method name or null")),
        };
        if allow_required && name == "required" {
            return Ok(Some("required"));
        }
        Method::parse(name)
            .map(|m| Some(m.as_str()))
            .ok_or_else(|| error(&path, ["unknown method ", &quoted(name)].concat()))
    }
}

fn time(v: &Value, path: &str) -> Result<u64> {
    match v.as_u64() {
        Some(t) if t <= MAX_TIME => Ok(t),
        Some(_) => Err(error(path, "timestamp after the year 9999")),
        None if v.is_integer() => Err(error(path, "timestamp out of range")),
        None => Err(error(path, "expected a timestamp (epoch milliseconds)")),
    }
}

fn text(v: &Value, path: &str, max: usize, chars: bool) -> Result<String> {
    let s = v.as_str().ok_or_else(|| error(path, "expected a string"))?;
    let too_long = if chars {
        s.chars().nth(max).is_some()
    } else {
        s.len() > max
    };
    if too_long {
        let unit = if chars { " characters" } else { " bytes" };
        return Err(error(
            path,
            ["longer than ", &crate::text::u64_text(max as u64), unit].concat(),
        ));
    }
    Ok(s.to_string())
}

fn duration(v: &Value, path: &str) -> Result<Duration> {
    match v {
        Value::String(s) if s == "session" => Ok(Duration::Session),
        Value::Object(_) => {
            let fields = object(v, path, &["days"])?;
            let (days, path) = fields.get("days");
            days.as_u64()
                .and_then(|d| u32::try_from(d).ok())
                .map(Duration::Days)
                .ok_or_else(|| error(&path, "expected a number of days"))
        }
        _ => Err(error(path, "expected \"session\" or {\"days\": N}")),
    }
}

fn purpose(v: &Value, path: &str) -> Result<ReceiptPurpose> {
    let f = object(v, path, &PURPOSE_KEYS)?;
    let p = ReceiptPurpose {
        id: f.id("id")?,
        title: f.str("title", MAX_TEXT_BYTES, false)?,
        description: f.str("description", MAX_TEXT_BYTES, false)?,
        required: f.bool("required")?,
        sale_or_share: f.bool("saleOrShare")?,
        granted: f.bool("granted")?,
        at: f.opt_time("at")?,
        method: f.method("method", true)?,
        explicit: f.bool("explicit")?,
        duration: {
            let (v, path) = f.get("duration");
            duration(v, &path)?
        },
    };
    // A required purpose has its method always, and no `at` before any
    // choice was made; an optional one has both or neither.
    if !p.required && p.at.is_some() != p.method.is_some() {
        return Err(error(
            path,
            "`at` and `method` must both be set or both be null",
        ));
    }
    if p.required != (p.method == Some("required")) {
        return Err(error(
            &join(path, "method"),
            "\"required\" is the method of exactly the required purposes",
        ));
    }
    if p.required && !p.granted {
        return Err(error(
            &join(path, "granted"),
            "a required purpose is always granted",
        ));
    }
    Ok(p)
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Receipt {
    /// Read a receipt from its JSON form ([`Receipt::to_json`]), strictly:
    /// see the module documentation of `receipt_reader` for what is
    /// rejected. `Receipt::from_json(&r.to_json())` gives back `r`.
    ///
    /// ```
    /// use candor_core::{Config, Context, Engine, Receipt};
    /// let config = Config::from_json(r#"{"revision": 3, "purposes": [
    ///   {"id": "essential", "required": true, "title": "Essential", "description": "Cart."}
    /// ]}"#).unwrap();
    /// let engine = Engine::new(config, "id-1".to_string());
    /// let ctx = Context { now: 1_795_910_400_000, session: "s", gpc: false };
    /// let receipt = engine.receipt(&ctx, "en");
    /// let back = Receipt::from_json(&receipt.to_json()).unwrap();
    /// assert_eq!(back.to_json(), receipt.to_json());
    /// assert!(back.verify());
    ///
    /// let err = Receipt::from_json(r#"{"consentId": "x"}"#).unwrap_err();
    /// assert_eq!(err.message, "missing field `createdAt`");
    /// ```
    pub fn from_json(text: &str) -> std::result::Result<Receipt, json::Error> {
        if text.len() > MAX_RECEIPT_BYTES {
            return Err(error(
                "",
                [
                    "receipt larger than ",
                    &crate::text::u64_text(MAX_RECEIPT_BYTES as u64),
                    " bytes",
                ]
                .concat(),
            ));
        }
        let doc = json::parse(text)?;
        let f = object(&doc, "", &RECEIPT_KEYS)?;
        let consent_id = f.id("consentId")?;
        let created_at = f.opt_time("createdAt")?;
        let updated_at = f.opt_time("updatedAt")?;
        let issued_at = f.time("issuedAt")?;
        let revision = {
            let (v, path) = f.get("revision");
            v.as_u64()
                .and_then(|r| u32::try_from(r).ok())
                .ok_or_else(|| error(&path, "expected a revision number (0 to 4294967295)"))?
        };
        let language = f.str("language", MAX_LANGUAGE_CHARS, true)?;
        let method = f.method("method", false)?;
        let gpc = f.bool("gpc")?;
        let policy_url = f.opt_str("policyUrl", MAX_TEXT_BYTES)?;
        let (list, list_path) = f.get("purposes");
        let items = list
            .as_array()
            .ok_or_else(|| error(&list_path, "expected a list"))?;
        if items.is_empty() {
            return Err(error(&list_path, "no purposes"));
        }
        if items.len() > MAX_PURPOSES {
            return Err(error(
                &list_path,
                [
                    "more than ",
                    &crate::text::u64_text(MAX_PURPOSES as u64),
                    " purposes",
                ]
                .concat(),
            ));
        }
        let mut purposes: Vec<ReceiptPurpose> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = [&list_path, "[", &crate::text::u64_text(i as u64), "]"].concat();
            let p = purpose(item, &path)?;
            if purposes.iter().any(|q| q.id == p.id) {
                return Err(error(
                    &join(&path, "id"),
                    ["duplicate purpose ", &quoted(&p.id)].concat(),
                ));
            }
            purposes.push(p);
        }
        let texts_sha256 = f.str("textsSha256", 64, false)?;
        if !is_sha256_hex(&texts_sha256) {
            return Err(error(
                "textsSha256",
                "expected 64 lowercase hexadecimal digits",
            ));
        }
        Ok(Receipt {
            consent_id,
            created_at,
            updated_at,
            issued_at,
            revision,
            language,
            method,
            gpc,
            policy_url,
            purposes,
            texts_sha256,
        })
    }
}
