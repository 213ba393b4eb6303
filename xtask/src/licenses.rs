//! The supply-chain licence check: every crate the workspace depends on
//! (normal, build and dev, on every target) must be available under a licence
//! on the allow-list. Offline: it reads `cargo tree`, no advisory database.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::util::{capture, Result};

/// SPDX identifiers we accept: permissive licences only.
pub const ALLOWED: &[&str] = &[
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Zlib",
    "0BSD",
    "CC0-1.0",
    "BSL-1.0",
    "Unlicense",
    "CDLA-Permissive-2.0",
];

/// Whether an SPDX expression can be satisfied with allowed licences:
/// `A OR B` needs one side, `A AND B` both, parentheses group, `A WITH E`
/// must be allowed as a whole. The legacy `A/B` means `A OR B`.
pub fn acceptable(expr: &str, allowed: &[&str]) -> bool {
    let spaced = expr
        .replace('/', " OR ")
        .replace('(', " ( ")
        .replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    if tokens.is_empty() {
        return false;
    }
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        allowed,
    };
    let ok = p.or_expr();
    ok == Some(true) && p.pos == tokens.len()
}

struct Parser<'a> {
    tokens: &'a [&'a str],
    pos: usize,
    allowed: &'a [&'a str],
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.tokens.get(self.pos).copied()
    }

    fn or_expr(&mut self) -> Option<bool> {
        let mut ok = self.and_expr()?;
        while self.peek() == Some("OR") {
            self.pos += 1;
            ok |= self.and_expr()?;
        }
        Some(ok)
    }

    fn and_expr(&mut self) -> Option<bool> {
        let mut ok = self.atom()?;
        while self.peek() == Some("AND") {
            self.pos += 1;
            ok &= self.atom()?;
        }
        Some(ok)
    }

    fn atom(&mut self) -> Option<bool> {
        let tok = self.peek()?;
        self.pos += 1;
        if tok == "(" {
            let ok = self.or_expr()?;
            (self.peek() == Some(")")).then_some(())?;
            self.pos += 1;
            return Some(ok);
        }
        if matches!(tok, ")" | "OR" | "AND" | "WITH") {
            return None;
        }
        let mut id = tok.trim_end_matches('+').to_string();
        if self.peek() == Some("WITH") {
            let exception = self.tokens.get(self.pos + 1)?;
            self.pos += 2;
            id = format!("{id} WITH {exception}");
        }
        Some(self.allowed.contains(&id.as_str()))
    }
}

/// One `cargo tree -f '{p}|{l}'` line → (package, licence). Workspace crates
/// (those with a local path) come back too; the caller decides.
pub fn parse_tree_line(line: &str) -> Option<(String, String)> {
    let line = line.trim().trim_end_matches("(*)").trim_end();
    let (package, license) = line.split_once('|')?;
    Some((package.trim().to_string(), license.trim().to_string()))
}

/// Runs the check, printing the licence list.
pub fn check(root: &Path) -> Result<()> {
    let out = capture(
        Command::new("cargo")
            .args([
                "tree",
                "--workspace",
                "--target",
                "all",
                "--edges",
                "normal,build,dev",
                "--prefix",
                "none",
                "--format",
                "{p}|{l}",
            ])
            .current_dir(root),
    )?;
    let text = String::from_utf8_lossy(&out);
    let mut by_license: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (package, license) in text.lines().filter_map(parse_tree_line) {
        let list = by_license.entry(license).or_default();
        if !list.contains(&package) {
            list.push(package);
        }
    }
    let mut bad = Vec::new();
    let total: usize = by_license.values().map(Vec::len).sum();
    println!("    {total} crates, by licence:");
    for (license, packages) in &by_license {
        let ok = acceptable(license, ALLOWED);
        let shown = if license.is_empty() {
            "(none declared)"
        } else {
            license
        };
        println!(
            "    {} {:>4}  {shown}",
            if ok { " " } else { "✗" },
            packages.len()
        );
        if !ok {
            bad.extend(packages.iter().map(|p| format!("{p}: {shown}")));
        }
    }
    if bad.is_empty() {
        println!("    every licence is on the allow-list (xtask/src/licenses.rs)");
        Ok(())
    } else {
        Err(format!(
            "{} crate(s) without an allowed licence (see ALLOWED in xtask/src/licenses.rs):\n      {}",
            bad.len(),
            bad.join("\n      ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_and_compound_expressions() {
        assert!(acceptable("MIT", ALLOWED));
        assert!(acceptable("MIT OR Apache-2.0", ALLOWED));
        assert!(acceptable("MIT/Apache-2.0", ALLOWED));
        assert!(acceptable("(MIT OR Apache-2.0) AND Unicode-3.0", ALLOWED));
        assert!(acceptable(
            "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT",
            ALLOWED
        ));
        assert!(acceptable("GPL-3.0 OR MIT", ALLOWED));
        assert!(!acceptable("GPL-3.0", ALLOWED));
        assert!(!acceptable("MIT AND GPL-3.0", ALLOWED));
        assert!(!acceptable("Apache-2.0 WITH Foo-exception", ALLOWED));
        assert!(!acceptable("", ALLOWED));
        assert!(!acceptable("MIT OR", ALLOWED));
        assert!(!acceptable("(MIT", ALLOWED));
    }

    #[test]
    fn parses_cargo_tree_lines() {
        assert_eq!(
            parse_tree_line("serde v1.0.228|MIT OR Apache-2.0 (*)"),
            Some(("serde v1.0.228".into(), "MIT OR Apache-2.0".into()))
        );
        assert_eq!(
            parse_tree_line("candor-core v0.1.0 (/w/crates/candor-core)|MIT OR Apache-2.0"),
            Some((
                "candor-core v0.1.0 (/w/crates/candor-core)".into(),
                "MIT OR Apache-2.0".into()
            ))
        );
        assert_eq!(
            parse_tree_line("weird v1.0.0|"),
            Some(("weird v1.0.0".into(), String::new()))
        );
        assert_eq!(parse_tree_line(""), None);
    }
}
