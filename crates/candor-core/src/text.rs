//! Small text helpers every other module uses: language tags, length
//! limits counted in characters, template filling, quoting, decimal
//! numbers and ISO dates. A leaf: it depends on nothing else in the crate.
//!
//! Everything here avoids `core::fmt` (no `format!`): the wasm build then
//! links no formatting machinery.

/// The base language of a tag: `fr` for `fr-CA` (or `fr_CA`).
///
/// ```
/// assert_eq!(candor_core::text::base_language("fr-CA"), "fr");
/// assert_eq!(candor_core::text::base_language("de"), "de");
/// ```
pub fn base_language(tag: &str) -> &str {
    // A byte scan: the separators are ASCII, so the cut is on a char boundary.
    let end = tag.bytes().position(|b| b == b'-' || b == b'_');
    end.and_then(|end| tag.get(..end)).unwrap_or(tag)
}

/// Whether `s` has more than `max` characters.
pub fn longer_than(s: &str, max: usize) -> bool {
    // A string of at most `max` bytes has at most `max` characters: the
    // common case needs no scan.
    s.len() > max && s.char_indices().nth(max).is_some()
}

/// `s` cut to at most `max` characters.
///
/// ```
/// assert_eq!(candor_core::text::truncate("ééé", 2), "éé");
/// ```
pub fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// Replace `{key}` placeholders in `template` (unknown ones are kept).
/// One small scanner instead of `str::replace`, which links core's two-way
/// substring searcher.
///
/// ```
/// use candor_core::text::fill;
/// assert_eq!(fill("Lasts {n} days. {x}", &[("n", "30")]), "Lasts 30 days. {x}");
/// ```
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        // `open` is a char boundary; the checked split links no panic path.
        let Some((before, after)) = rest.split_at_checked(open) else {
            break;
        };
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

/// `s` quoted as Rust's `{:?}` writes it for the texts a config holds:
/// `"`, `\`, `\n`, `\r`, `\t` and `\0` escaped, other control characters as
/// `\u{…}`. Used in error messages, which name the offending value.
///
/// ```
/// assert_eq!(candor_core::text::quote("a\"b\tc\u{1}"), r#""a\"b\tc\u{1}""#);
/// ```
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str("\\u{");
                let n = c as u32;
                if n >= 16 {
                    out.push(char::from_digit(n >> 4, 16).unwrap_or('0'));
                }
                out.push(char::from_digit(n & 15, 16).unwrap_or('0'));
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Append `s` as a JSON string: quoted, with `"`, `\\` and control
/// characters escaped exactly as serde_json does (everything else verbatim).
///
/// ```
/// let mut out = String::new();
/// candor_core::text::push_json_string(&mut out, "say \"hi\"\n");
/// assert_eq!(out, r#""say \"hi\"\n""#);
/// ```
pub fn push_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let n = c as usize;
                out.push_str("\\u00");
                for d in [n >> 4, n & 15] {
                    out.push(char::from(HEX.get(d).copied().unwrap_or(b'0')));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Append `n` in decimal.
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        if let Some(d) = buf.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in buf.get(at..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// Append `n` in decimal.
pub fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

/// `n` in decimal.
///
/// ```
/// assert_eq!(candor_core::text::u64_text(1_000), "1000");
/// ```
pub fn u64_text(n: u64) -> String {
    let mut out = String::new();
    push_u64(&mut out, n);
    out
}

/// UTC calendar date `YYYY-MM-DD` of an epoch-ms time (Howard Hinnant's
/// civil-from-days algorithm; no float, no clock). The native default for
/// dates in explanations; the widget formats them with the shopper's
/// locale instead.
///
/// ```
/// assert_eq!(candor_core::text::iso_date(1_795_910_400_000), "2026-11-29");
/// ```
pub fn iso_date(ms: u64) -> String {
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
    let mut out = String::with_capacity(10);
    let year = year.max(0) as u64;
    for (n, width) in [(year, 4), (month as u64, 2), (day as u64, 2)] {
        if width == 2 {
            out.push('-');
        }
        let digits = u64_text(n);
        for _ in digits.len()..width {
            out.push('0');
        }
        out.push_str(&digits);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400_000), "2000-02-29");
        assert_eq!(iso_date(1_767_225_600_000), "2026-01-01");
        assert_eq!(iso_date(253_402_300_799_999), "9999-12-31");
        assert_eq!(iso_date(1_709_164_800_000), "2024-02-29");
    }

    #[test]
    fn fill_leaves_unknown_placeholders() {
        assert_eq!(fill("a {x} {y} {", &[("x", "1")]), "a 1 {y} {");
    }

    #[test]
    fn lengths_count_characters() {
        assert_eq!(truncate("ééé", 2), "éé");
        assert_eq!(truncate("ab", 5), "ab");
        assert!(!longer_than("ééé", 3));
        assert!(longer_than("ééé", 2));
        assert!(!longer_than(&"é".repeat(200), 200));
        assert!(longer_than(&"a".repeat(201), 200));
    }

    #[test]
    fn numbers() {
        let mut s = String::new();
        push_i64(&mut s, i64::MIN);
        assert_eq!(s, i64::MIN.to_string());
        assert_eq!(u64_text(u64::MAX), u64::MAX.to_string());
        assert_eq!(u64_text(0), "0");
    }
}
