//! Shape: the document's structure as a table ([`CONFIG`]), checked by one
//! walker ([`check`]) with serde's messages: `unknown field `x`, expected
//! one of …`, `invalid type: string "1", expected i64`, `missing field
//! `purposes``. Then small readers of a checked document.

use super::ConfigError;
use crate::json::Value;
use crate::text::{quote, u64_text};
use crate::Map;

fn err<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError::new(path, message))
}

/// What a value of the document must look like.
pub(super) enum Shape {
    /// An integer that fits in an `i64`.
    Int,
    /// A string.
    Str,
    /// `true` or `false`.
    Bool,
    /// Localized text: a string, or an object of strings.
    Text,
    /// A string (the name is checked later) or `{ "days": N }`.
    Duration,
    /// A unit-variant enum (named for messages): one of the strings.
    Enum(&'static str, &'static [&'static str]),
    /// An array of values of one shape.
    List(&'static Shape),
    /// An object of values of one shape, under any keys.
    Map(&'static Shape),
    /// An object with known fields (a struct, named for messages).
    Struct(&'static str, &'static [Field]),
    /// `null`, which counts as absent, or the shape.
    OrNull(&'static Shape),
}

/// A struct field: key, shape, and whether it must be present.
pub(super) struct Field(&'static str, Shape, bool);

const OPT_STR: Shape = Shape::OrNull(&Shape::Str);
const OPT_INT: Shape = Shape::OrNull(&Shape::Int);
const STRINGS: Shape = Shape::List(&Shape::Str);

/// The whole document.
pub(super) static CONFIG: Shape = Shape::Struct(
    "RawConfig",
    &[
        Field("revision", Shape::Int, false),
        Field("policyUrl", OPT_STR, false),
        Field("expiresAfterDays", OPT_INT, false),
        Field("defaultLanguage", OPT_STR, false),
        Field(
            "demographicTargeting",
            Shape::OrNull(&Shape::Enum("DemographicTargeting", &["deny", "disclosed"])),
            false,
        ),
        Field("signals", Shape::List(&SIGNAL), false),
        Field("channels", Shape::List(&CHANNEL), false),
        Field("purposes", Shape::List(&PURPOSE), true),
        Field(
            "googleConsentMode",
            Shape::OrNull(&Shape::Map(&STRINGS)),
            false,
        ),
        Field("translations", Shape::Map(&Shape::Map(&Shape::Str)), false),
        Field("receiptEndpoint", OPT_STR, false),
        Field("reloadOnWithdrawal", Shape::Bool, false),
        Field(
            "floatingButton",
            Shape::Enum("FloatingButton", &["start", "end", "none"]),
            false,
        ),
        Field("theme", Shape::OrNull(&THEME), false),
    ],
);

static THEME: Shape = Shape::Struct(
    "Theme",
    &[
        Field(
            "colorScheme",
            Shape::Enum("ColorScheme", &["page", "light", "dark"]),
            false,
        ),
        Field("accent", OPT_STR, false),
        Field("text", OPT_STR, false),
        Field("background", OPT_STR, false),
        Field("dark", Shape::OrNull(&PALETTE), false),
        Field("radius", OPT_INT, false),
        Field("fontFamily", OPT_STR, false),
    ],
);

static PALETTE: Shape = Shape::Struct(
    "Palette",
    &[
        Field("accent", OPT_STR, false),
        Field("text", OPT_STR, false),
        Field("background", OPT_STR, false),
    ],
);

static SIGNAL: Shape = Shape::Struct(
    "RawSignal",
    &[
        Field("id", OPT_STR, false),
        Field(
            "kind",
            Shape::Enum(
                "SignalKind",
                &["interest", "context", "demographic", "sensitive"],
            ),
            true,
        ),
        Field("label", Shape::Text, true),
    ],
);

static CHANNEL: Shape = Shape::Struct(
    "RawChannel",
    &[
        Field("id", OPT_STR, false),
        Field("label", Shape::Text, true),
        Field("cap", Shape::OrNull(&CAP), false),
    ],
);

static CAP: Shape = Shape::Struct(
    "RawCap",
    &[
        Field("max", Shape::Int, true),
        Field("perHours", OPT_INT, false),
        Field("perDays", OPT_INT, false),
    ],
);

static PURPOSE: Shape = Shape::Struct(
    "RawPurpose",
    &[
        Field("id", OPT_STR, false),
        Field("required", Shape::Bool, false),
        Field("duration", Shape::OrNull(&Shape::Duration), false),
        Field("signals", STRINGS, false),
        Field("channels", STRINGS, false),
        Field("title", Shape::Text, true),
        Field("description", Shape::Text, true),
        Field("saleOrShare", Shape::Bool, false),
        Field("cookies", STRINGS, false),
    ],
);

/// `path.key` (`key` at the top).
pub(super) fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        [path, ".", key].concat()
    }
}

/// `path[i]`.
pub(super) fn index_path(path: &str, i: usize) -> String {
    [path, "[", &u64_text(i as u64), "]"].concat()
}

/// serde's `expected …` list: `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``.
fn one_of(names: &[&str]) -> String {
    let mut out = String::from("expected ");
    match names {
        [a, b] => return [&out, "`", a, "` or `", b, "`"].concat(),
        [_] => {}
        _ => out.push_str("one of "),
    }
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(name);
        out.push('`');
    }
    out
}

/// serde_json's description of an unexpected value.
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => (if *b {
            "boolean `true`"
        } else {
            "boolean `false`"
        })
        .into(),
        Value::Number(n) if v.is_integer() => ["integer `", n, "`"].concat(),
        Value::Number(n) => ["floating point `", n, "`"].concat(),
        Value::String(s) => ["string ", &quote(s)].concat(),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// Check `v` against `shape`, depth first in document order, so that the
/// error reported is the one serde reported.
pub(super) fn check(path: &str, v: &Value, shape: &Shape) -> Result<(), ConfigError> {
    let expected: [&str; 2] = match (shape, v) {
        (Shape::OrNull(_), Value::Null)
        | (Shape::Str, Value::String(_))
        | (Shape::Bool, Value::Bool(_))
        | (Shape::Text | Shape::Duration, Value::String(_)) => return Ok(()),
        (Shape::OrNull(shape), v) => return check(path, v, shape),
        (Shape::Int, v) => {
            return match v {
                _ if v.as_i64().is_some() => Ok(()),
                Value::Number(n)
                    if v.is_integer() && !n.starts_with('-') && v.as_u64().is_some() =>
                {
                    err(
                        path,
                        ["invalid value: integer `", n, "`, expected i64"].concat(),
                    )
                }
                _ => invalid_type(path, v, &["i64"]),
            }
        }
        (Shape::Text, Value::Object(m)) if m.iter().all(|(_, t)| t.as_str().is_some()) => {
            return Ok(())
        }
        (Shape::Text, _) => return err(path, "a string or a map from language tag to string"),
        (Shape::Duration, Value::Object(m)) if matches!(m.as_slice(), [(k, n)] if k == "days" && n.as_i64().is_some()) => {
            return Ok(())
        }
        (Shape::Duration, _) => return err(path, r#""session" or { "days": N }"#),
        (Shape::Enum(_, names), Value::String(s)) => {
            if names.contains(&s.as_str()) {
                return Ok(());
            }
            return err(
                path,
                ["unknown variant `", s, "`, ", &one_of(names)].concat(),
            );
        }
        (Shape::List(item), Value::Array(items)) => {
            for (i, x) in items.iter().enumerate() {
                check(&index_path(path, i), x, item)?;
            }
            return Ok(());
        }
        (Shape::Map(item), Value::Object(members)) => {
            for (k, x) in members {
                check(&key_path(path, k), x, item)?;
            }
            return Ok(());
        }
        (Shape::Struct(_, fields), Value::Object(members)) => {
            for (k, x) in members {
                let Some(Field(_, shape, _)) = fields.iter().find(|f| f.0 == k) else {
                    let names: Vec<&str> = fields.iter().map(|f| f.0).collect();
                    return err(
                        key_path(path, k),
                        ["unknown field `", k, "`, ", &one_of(&names)].concat(),
                    );
                };
                check(&key_path(path, k), x, shape)?;
            }
            return match fields.iter().find(|f| f.2 && v.get(f.0).is_none()) {
                Some(Field(name, ..)) => err(path, ["missing field `", name, "`"].concat()),
                None => Ok(()),
            };
        }
        (Shape::Str, _) => ["a string", ""],
        (Shape::Bool, _) => ["a boolean", ""],
        (Shape::List(_), _) => ["a sequence", ""],
        (Shape::Map(_), _) => ["a map", ""],
        (Shape::Enum(name, _), _) => ["enum ", name],
        (Shape::Struct(name, _), _) => ["struct ", name],
    };
    invalid_type(path, v, &expected)
}

/// serde's `invalid type: <what v is>, expected <expected…>`.
fn invalid_type(path: &str, v: &Value, expected: &[&str]) -> Result<(), ConfigError> {
    err(
        path,
        [
            "invalid type: ",
            &unexpected(v),
            ", expected ",
            &expected.concat(),
        ]
        .concat(),
    )
}

// Readers of a checked document: [`check`] has vouched for every type, so
// an absent or `null` member simply reads as the field's default.

/// The string member `key`, if present.
pub(super) fn str_at<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)?.as_str()
}

/// The integer member `key`, if present.
pub(super) fn int_at(v: &Value, key: &str) -> Option<i64> {
    v.get(key)?.as_i64()
}

/// The array member `key` (empty if absent).
pub(super) fn items_at<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key).and_then(Value::as_array).unwrap_or_default()
}

/// The members of the object member `key` (none if absent or `null`).
pub(super) fn members_at<'v>(v: &'v Value, key: &str) -> Option<&'v [(String, Value)]> {
    v.get(key)?.as_object()
}

/// The strings of an array.
pub(super) fn strings(v: &[Value]) -> Vec<String> {
    let mut out = Vec::with_capacity(v.len());
    for s in v {
        if let Some(s) = s.as_str() {
            out.push(s.to_owned());
        }
    }
    out
}

/// The string members of an object, by key.
pub(super) fn string_map(members: &[(String, Value)]) -> Map<String, String> {
    let mut out = Map::new();
    for (k, s) in members {
        if let Some(s) = s.as_str() {
            out.insert(k.clone(), s.to_owned());
        }
    }
    out
}
