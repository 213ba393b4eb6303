//! The widget's stylesheet, minified at compile time (a `const fn`, no build
//! script): comments dropped, runs of whitespace collapsed to one space and
//! removed next to `{ } ; , >` and after `:`; quoted strings kept as they
//! are. `style.css` stays readable; the wasm carries ~1 KB less.

#![allow(clippy::indexing_slicing)] // compile-time only: an index error fails the build

const RAW: &[u8] = include_bytes!("style.css");
const LEN: usize = RAW.len();
const MIN: ([u8; LEN], usize) = minify(RAW);

/// The minified stylesheet.
pub(crate) const CSS: &str = match core::str::from_utf8(MIN.0.split_at(MIN.1).0) {
    Ok(css) => css,
    Err(_) => "",
};

const fn tight(c: u8) -> bool {
    matches!(c, b'{' | b'}' | b';' | b',' | b'>')
}

const fn minify(src: &[u8]) -> ([u8; LEN], usize) {
    let mut out = [0u8; LEN];
    let (mut i, mut n) = (0, 0);
    let mut space = false;
    while i < src.len() && i < LEN {
        let c = src[i];
        if c == b'/' && i + 1 < src.len() && src[i + 1] == b'*' {
            i += 2;
            while i + 1 < src.len() && !(src[i] == b'*' && src[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
            space = true;
            continue;
        }
        if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
            space = true;
            i += 1;
            continue;
        }
        if space && n > 0 && !tight(out[n - 1]) && out[n - 1] != b':' && !tight(c) {
            out[n] = b' ';
            n += 1;
        }
        space = false;
        out[n] = c;
        n += 1;
        i += 1;
        if c == b'"' || c == b'\'' {
            while i < src.len() && src[i] != c {
                out[n] = src[i];
                n += 1;
                i += 1;
            }
            if i < src.len() {
                out[n] = c;
                n += 1;
                i += 1;
            }
        }
    }
    (out, n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn minified_keeps_every_rule() {
        assert!(CSS.len() < RAW.len());
        assert!(!CSS.contains("/*") && !CSS.contains('\n') && !CSS.contains("  "));
        assert!(CSS.contains("\"Segoe UI\""), "quoted strings are kept");
        let raw = std::str::from_utf8(RAW).unwrap();
        // Every non-whitespace character outside comments survives, in order.
        let mut stripped = String::new();
        let mut rest = raw;
        while let Some(start) = rest.find("/*") {
            stripped.push_str(&rest[..start]);
            rest = &rest[start + 2..];
            rest = &rest[rest.find("*/").unwrap() + 2..];
        }
        stripped.push_str(rest);
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(squeeze(CSS), squeeze(&stripped));
    }
}
