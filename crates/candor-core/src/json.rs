//! A small, strict JSON reader and writer, so that the wasm build carries
//! no serde backend and no `core::fmt` (see `docs/size.md`).
//!
//! # Reading
//!
//! [`parse`] reads RFC 8259 JSON into a [`Value`] tree:
//!
//! - objects keep their members in document order; a key given twice is an
//!   error (`duplicate field `k``);
//! - numbers are kept as their source text (checked against the JSON number
//!   grammar); [`Value::as_u64`] and [`Value::as_i64`] read the integers, so
//!   no float parsing or formatting is ever linked;
//! - strings decode every escape, `\u` surrogate pairs included (a lone
//!   surrogate is an error);
//! - nesting deeper than [`MAX_DEPTH`] is an error, and so is an object
//!   with more than [`MAX_MEMBERS`] members (the duplicate-key check
//!   compares each key with the ones before it, so this bounds its cost).
//!
//! Errors read like serde_json's (`EOF while parsing a list at line 1
//! column 14`) and carry the path of the value being read
//! (`purposes[2].title`).
//!
//! # Writing
//!
//! [`push_str`] writes a quoted, escaped string exactly as serde_json does
//! (`"`, `\`, and control characters escaped; everything else verbatim);
//! [`Object`] writes one object of the stored forms.

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 32;

/// Most members accepted in one object. Candor's own objects have a few
/// dozen (a translation table, a stored record's purposes, which are capped
/// at 1 000 too); without a cap, a 1 MiB config of 90 000 keys took 14 s to
/// read, natively, in the quadratic duplicate-key check.
pub const MAX_MEMBERS: usize = 1000;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written (valid JSON number syntax).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object's members in document order (keys unique).
    Object(Vec<(String, Value)>),
}

/// A syntax error: where (`path`, the value being read) and what, with
/// serde_json's ` at line L column C` suffix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Path of the value being read, e.g. `purposes[2]` (empty at the top).
    pub path: String,
    /// What is wrong, e.g. `EOF while parsing a list at line 1 column 14`.
    pub message: String,
}

impl Value {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    /// The object's members.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }
    /// The array's items.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }
    /// The string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// A number written as a non-negative integer (no sign, fraction or
    /// exponent) that fits in a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(text) => digits(text),
            _ => None,
        }
    }
    /// A number written as an integer (no fraction or exponent) that fits
    /// in an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        let Value::Number(text) = self else {
            return None;
        };
        match text.strip_prefix('-') {
            Some(rest) => {
                let n = digits(rest)?;
                if n <= i64::MAX as u64 {
                    Some(-(n as i64))
                } else if n == i64::MAX as u64 + 1 {
                    Some(i64::MIN)
                } else {
                    None
                }
            }
            None => i64::try_from(digits(text)?).ok(),
        }
    }
    /// A number written as an integer (no fraction or exponent), whatever
    /// its size.
    pub fn is_integer(&self) -> bool {
        matches!(self, Value::Number(t) if !t.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')))
    }
}

fn digits(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in text.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

/// Parse a whole document (one value, surrounded by optional whitespace).
pub fn parse(text: &str) -> Result<Value, Error> {
    let mut p = Parser {
        text,
        i: 0,
        path: String::new(),
    };
    let value = p.value(0)?;
    p.ws();
    if p.peek().is_some() {
        return Err(p.err("trailing characters", false));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    i: usize,
    path: String,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    /// An error at the current byte (`eof`: after the last one).
    fn err(&self, what: &str, eof: bool) -> Error {
        let before = self.text.as_bytes().get(..self.i).unwrap_or_default();
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        let column = self.i - start + usize::from(!eof);
        let mut message = String::with_capacity(what.len() + 24);
        message.push_str(what);
        message.push_str(" at line ");
        crate::text::push_u64(&mut message, line as u64);
        message.push_str(" column ");
        crate::text::push_u64(&mut message, column as u64);
        Error {
            path: self.path.clone(),
            message,
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        self.ws();
        match self.peek() {
            None => Err(self.err("EOF while parsing a value", true)),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.ident("true", Value::Bool(true)),
            Some(b'f') => self.ident("false", Value::Bool(false)),
            Some(b'n') => self.ident("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("expected value", false)),
        }
    }

    fn ident(&mut self, word: &str, value: Value) -> Result<Value, Error> {
        for expected in word.bytes() {
            match self.peek() {
                None => return Err(self.err("EOF while parsing a value", true)),
                Some(b) if b == expected => self.i += 1,
                Some(_) => return Err(self.err("expected ident", false)),
            }
        }
        Ok(value)
    }

    fn number(&mut self) -> Result<Value, Error> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.i += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(self.err("invalid number", false));
                }
            }
            Some(b'1'..=b'9') => self.skip_digits(),
            None => return Err(self.err("EOF while parsing a value", true)),
            Some(_) => return Err(self.err("invalid number", false)),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.need_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.need_digits()?;
        }
        let text = self.text.get(start..self.i).unwrap_or_default();
        Ok(Value::Number(text.to_owned()))
    }

    fn skip_digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
    }

    fn need_digits(&mut self) -> Result<(), Error> {
        match self.peek() {
            Some(b) if b.is_ascii_digit() => {
                self.skip_digits();
                Ok(())
            }
            None => Err(self.err("EOF while parsing a value", true)),
            Some(_) => Err(self.err("invalid number", false)),
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut n = 0;
        for _ in 0..4 {
            let Some(b) = self.peek() else {
                return Err(self.err("EOF while parsing a string", true));
            };
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.err("invalid escape", false)),
            };
            n = n * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(n)
    }

    /// A string; the current byte is its opening quote.
    fn string(&mut self) -> Result<String, Error> {
        self.i += 1;
        let mut out = String::new();
        let mut start = self.i;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("EOF while parsing a string", true));
            };
            if b != b'"' && b != b'\\' && b >= 0x20 {
                self.i += 1;
                continue;
            }
            // Delimiters are ASCII, so the run is on char boundaries.
            out.push_str(self.text.get(start..self.i).unwrap_or_default());
            self.i += 1;
            match b {
                b'"' => return Ok(out),
                b'\\' => {}
                _ => {
                    return Err(self.err(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                        true,
                    ));
                }
            }
            let Some(e) = self.peek() else {
                return Err(self.err("EOF while parsing a string", true));
            };
            self.i += 1;
            let c = match e {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let n = self.hex4()?;
                    let code = match n {
                        0xDC00..=0xDFFF => {
                            return Err(self.err("lone leading surrogate in hex escape", true))
                        }
                        0xD800..=0xDBFF => {
                            if self.peek() != Some(b'\\') {
                                return Err(self.err("unexpected end of hex escape", true));
                            }
                            self.i += 1;
                            if self.peek() != Some(b'u') {
                                return Err(self.err("unexpected end of hex escape", true));
                            }
                            self.i += 1;
                            let low = self.hex4()?;
                            if !(0xDC00..=0xDFFF).contains(&low) {
                                return Err(self.err("lone leading surrogate in hex escape", true));
                            }
                            0x10000 + ((n - 0xD800) << 10) + (low - 0xDC00)
                        }
                        n => n,
                    };
                    match char::from_u32(code) {
                        Some(c) => c,
                        None => return Err(self.err("invalid unicode code point", false)),
                    }
                }
                _ => {
                    self.i -= 1;
                    return Err(self.err("invalid escape", false));
                }
            };
            out.push(c);
            start = self.i;
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        if depth >= MAX_DEPTH {
            return Err(self.err("recursion limit exceeded", false));
        }
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            if self.peek().is_none() {
                let what = if items.is_empty() {
                    "EOF while parsing a list"
                } else {
                    "EOF while parsing a value"
                };
                return Err(self.err(what, true));
            }
            let len = self.path.len();
            self.path.push('[');
            crate::text::push_u64(&mut self.path, items.len() as u64);
            self.path.push(']');
            let item = self.value(depth + 1)?;
            self.path.truncate(len);
            items.push(item);
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b']') {
                        return Err(self.err("trailing comma", false));
                    }
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.err("EOF while parsing a list", true)),
                Some(_) => return Err(self.err("expected `,` or `]`", false)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        if depth >= MAX_DEPTH {
            return Err(self.err("recursion limit exceeded", false));
        }
        self.i += 1;
        let mut members: Vec<(String, Value)> = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::Object(members));
        }
        loop {
            match self.peek() {
                Some(b'"') => {}
                None if members.is_empty() => {
                    return Err(self.err("EOF while parsing an object", true))
                }
                None => return Err(self.err("EOF while parsing a value", true)),
                Some(_) => return Err(self.err("key must be a string", false)),
            }
            if members.len() >= MAX_MEMBERS {
                return Err(self.err("too many members in an object, at most 1000", false));
            }
            let key = self.string()?;
            if members.iter().any(|(k, _)| *k == key) {
                let mut message = String::from("duplicate field `");
                message.push_str(&key);
                message.push('`');
                return Err(Error {
                    path: self.path.clone(),
                    message,
                });
            }
            self.ws();
            match self.peek() {
                Some(b':') => self.i += 1,
                None => return Err(self.err("EOF while parsing an object", true)),
                Some(_) => return Err(self.err("expected `:`", false)),
            }
            let len = self.path.len();
            if len > 0 {
                self.path.push('.');
            }
            self.path.push_str(&key);
            let value = self.value(depth + 1)?;
            self.path.truncate(len);
            members.push((key, value));
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b'}') {
                        return Err(self.err("trailing comma", false));
                    }
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(members));
                }
                None => return Err(self.err("EOF while parsing an object", true)),
                Some(_) => return Err(self.err("expected `,` or `}`", false)),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Writing.

pub(crate) use crate::text::push_json_string as push_str;

/// A writer for one JSON object: `{"k":v,...}`.
#[derive(Debug)]
pub struct Object<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Object<'a> {
    /// Open an object on `out`.
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        Object { out, first: true }
    }
    /// Write the next key; the caller then writes its value on the
    /// returned string.
    pub fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        push_str(self.out, key);
        self.out.push(':');
        self.out
    }
    /// `"key":"value"`.
    pub fn str(&mut self, key: &str, value: &str) {
        push_str(self.key(key), value);
    }
    /// `"key":n`.
    pub fn u64(&mut self, key: &str, value: u64) {
        crate::text::push_u64(self.key(key), value);
    }
    /// Close the object.
    pub fn end(self) {
        self.out.push('}');
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn s(v: &str) -> String {
        match parse(v).unwrap() {
            Value::String(s) => s,
            other => panic!("{other:?}"),
        }
    }

    fn e(v: &str) -> String {
        let e = parse(v).unwrap_err();
        if e.path.is_empty() {
            e.message
        } else {
            format!("{}: {}", e.path, e.message)
        }
    }

    #[test]
    fn values() {
        assert_eq!(
            parse(" {\"a\" : [true, false, null, -1.5e+3, 0, \"x\"], \"b\": {}} ").unwrap(),
            Value::Object(vec![
                (
                    "a".into(),
                    Value::Array(vec![
                        Value::Bool(true),
                        Value::Bool(false),
                        Value::Null,
                        Value::Number("-1.5e+3".into()),
                        Value::Number("0".into()),
                        Value::String("x".into()),
                    ])
                ),
                ("b".into(), Value::Object(vec![])),
            ])
        );
    }

    #[test]
    fn integers() {
        let n = |t: &str| Value::Number(t.into());
        assert_eq!(n("18446744073709551615").as_u64(), Some(u64::MAX));
        assert_eq!(n("18446744073709551616").as_u64(), None);
        assert_eq!(n("-1").as_u64(), None);
        assert_eq!(n("1.0").as_u64(), None);
        assert_eq!(n("1e3").as_u64(), None);
        assert_eq!(n("-9223372036854775808").as_i64(), Some(i64::MIN));
        assert_eq!(n("-9223372036854775809").as_i64(), None);
        assert_eq!(n("9223372036854775807").as_i64(), Some(i64::MAX));
        assert_eq!(n("9223372036854775808").as_i64(), None);
        assert!(n("12").is_integer() && !n("1.5").is_integer());
    }

    #[test]
    fn strings() {
        assert_eq!(s(r#""a\"\\\/\b\f\n\r\t""#), "a\"\\/\u{8}\u{c}\n\r\t");
        assert_eq!(s(r#""\u00e9\u20AC\ud83d\ude00 é""#), "é€😀 é");
        for (bad, want) in [
            (r#""\ud83d""#, "unexpected end of hex escape at line 1 column 7"),
            (r#""\ud83dx""#, "unexpected end of hex escape at line 1 column 7"),
            (r#""\ud83d\u0041""#, "lone leading surrogate in hex escape at line 1 column 13"),
            (r#""\ude00""#, "lone leading surrogate in hex escape at line 1 column 7"),
            (r#""\x""#, "invalid escape at line 1 column 3"),
            (r#""\u12g4""#, "invalid escape at line 1 column 6"),
            ("\"a\nb\"", "control character (\\u0000-\\u001F) found while parsing a string at line 2 column 0"),
            ("\"ab", "EOF while parsing a string at line 1 column 3"),
        ] {
            assert_eq!(e(bad), want, "{bad}");
        }
    }

    #[test]
    fn syntax_errors() {
        for (bad, want) in [
            ("", "EOF while parsing a value at line 1 column 0"),
            (
                "{\"purposes\": [",
                "purposes: EOF while parsing a list at line 1 column 14",
            ),
            ("{\"a\": [1,]}", "a: trailing comma at line 1 column 10"),
            ("{\"a\": 1,}", "trailing comma at line 1 column 9"),
            ("{\"a\" 1}", "expected `:` at line 1 column 6"),
            ("{1: 1}", "key must be a string at line 1 column 2"),
            ("[1 2]", "expected `,` or `]` at line 1 column 4"),
            ("{\"a\": 1 \"b\"}", "expected `,` or `}` at line 1 column 9"),
            (
                "{\"a\": [0, {\"b\": x}]}",
                "a[1].b: expected value at line 1 column 17",
            ),
            ("tru", "EOF while parsing a value at line 1 column 3"),
            ("trux", "expected ident at line 1 column 4"),
            ("01", "invalid number at line 1 column 2"),
            ("-", "EOF while parsing a value at line 1 column 1"),
            ("1.", "EOF while parsing a value at line 1 column 2"),
            ("1.e", "invalid number at line 1 column 3"),
            ("1 2", "trailing characters at line 1 column 3"),
            ("[1,", "EOF while parsing a value at line 1 column 3"),
            ("{\"a\":1,", "EOF while parsing a value at line 1 column 7"),
            ("{", "EOF while parsing an object at line 1 column 1"),
            ("{\"a\":1,\"a\":2}", "duplicate field `a`"),
            ("{\"o\": {\"a\":1,\"a\":2}}", "o: duplicate field `a`"),
        ] {
            assert_eq!(e(bad), want, "{bad}");
        }
        let members = |n: usize| {
            let keys: Vec<String> = (0..n)
                .map(|i| ["\"k", &crate::text::u64_text(i as u64), "\":0"].concat())
                .collect();
            ["{\"t\":{", &keys.join(","), "}}"].concat()
        };
        assert!(parse(&members(MAX_MEMBERS)).is_ok());
        let too_many = e(&members(MAX_MEMBERS + 1));
        assert!(
            too_many.starts_with("t: too many members in an object, at most 1000 at line 1"),
            "{too_many}"
        );
        let deep = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&deep).is_ok());
        let deeper = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(e(&deeper).contains("recursion limit exceeded"));
    }

    #[test]
    fn writes_like_serde_json() {
        let mut out = String::new();
        let nasty = "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}/é😀";
        push_str(&mut out, nasty);
        assert_eq!(
            out,
            "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\u{7f}/é😀\""
        );
        assert_eq!(s(&out), nasty);
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.str("a", "x");
        o.u64("b", 2);
        o.end();
        assert_eq!(out, r#"{"a":"x","b":2}"#);
    }
}

/// The reader and writer agree with serde_json on arbitrary documents and
/// strings.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod agrees_with_serde_json {
    use crate::json::{self, Value};
    use proptest::prelude::*;

    /// Our tree as serde_json's (numbers re-read from their source text).
    fn to_serde(v: &Value) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(text) => serde_json::from_str(text).unwrap(),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
            Value::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), to_serde(v)))
                    .collect(),
            ),
        }
    }

    fn document() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| n.into()),
            any::<u64>().prop_map(|n| n.into()),
            (-1e300f64..1e300).prop_map(|f| f.into()),
            "\\PC*".prop_map(serde_json::Value::String),
            any::<String>().prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..8)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn reads_what_serde_json_writes(doc in document()) {
            for text in [doc.to_string(), serde_json::to_string_pretty(&doc).unwrap()] {
                let ours = json::parse(&text).unwrap_or_else(|e| panic!("{e:?} in {text}"));
                // Compared with serde_json's own reading of the text (its float
                // parsing is not always the exact inverse of its writing).
                let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
                prop_assert_eq!(to_serde(&ours), theirs);
            }
        }

        #[test]
        fn writes_strings_as_serde_json_does(s in any::<String>()) {
            let mut ours = String::new();
            json::push_str(&mut ours, &s);
            prop_assert_eq!(&ours, &serde_json::to_string(&s).unwrap());
            prop_assert_eq!(json::parse(&ours).unwrap(), Value::String(s));
        }

        #[test]
        fn never_panics_and_rejects_what_serde_json_rejects(text in "[\\[\\]{}\",:0-9a-z\\\\ .eE+-]{0,40}") {
            let ours = json::parse(&text);
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            // serde_json keeps the last of duplicated keys; we reject them.
            if ours.is_ok() {
                prop_assert!(theirs.is_ok(), "we accepted {:?}", text);
            } else if theirs.is_ok() {
                prop_assert!(
                    ours.as_ref().unwrap_err().message.starts_with("duplicate field"),
                    "we rejected {:?}: {:?}", text, ours
                );
            }
        }

        #[test]
        fn integers_read_exactly(n in any::<i64>(), u in any::<u64>()) {
            prop_assert_eq!(json::parse(&n.to_string()).unwrap().as_i64(), Some(n));
            prop_assert_eq!(json::parse(&u.to_string()).unwrap().as_u64(), Some(u));
            prop_assert_eq!(crate::text::u64_text(u), u.to_string());
        }
    }
}
