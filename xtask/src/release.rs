//! `cargo xtask dist`: what a shop downloads, in `dist/release/`, after a
//! fresh `cargo xtask build`:
//!
//! - `candor-<version>.tgz`: the npm package (`npm pack dist/npm`), to
//!   `npm install ./candor-<version>.tgz`;
//! - `candor-<version>.tar.gz`: the script-tag folder (`dist/candor/`) as
//!   `candor-<version>/`, with a README (embedding, CORS, CSP, types), both
//!   licence files and `embed.html`, the snippet carrying the SRI hashes
//!   (sha384) of `candor.js` and the wasm and the wasm's preload hint;
//! - `SHA256SUMS` of the two.
//!
//! The archive is reproducible: sorted names, owner 0, the last commit's
//! time (or `SOURCE_DATE_EPOCH`), gzip without a name or time.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::dist::{self, LICENSES};
use crate::util::{capture, rel, run, Context, Result};

/// The archive's README, with `{{version}}`, `{{files}}` and `{{embed}}`.
const README_TEMPLATE: &str = include_str!("../release/README.md");

/// Where `embed.html` says the folder is served; the shop replaces it.
pub const EMBED_BASE: &str = "/candor/";
/// Where `embed.html` says the config is.
pub const EMBED_CONFIG: &str = "/candor.json";

/// What the script-tag archive must hold (besides the language files).
pub const REQUIRED: [&str; 8] = [
    "candor.js",
    "candor_web_bg.wasm",
    "candor.d.ts",
    "index.d.ts",
    "LICENSE-MIT",
    "LICENSE-APACHE",
    "README.md",
    "embed.html",
];

/// What the npm tarball must hold (besides the language modules).
pub const NPM_REQUIRED: [&str; 7] = [
    "index.js",
    "index.d.ts",
    "candor_web_bg.wasm",
    "package.json",
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
];

/// The SRI hashes the snippet carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hashes {
    pub script: String,
    pub wasm: String,
    /// `(lang, hash)` of each `i18n/<lang>.txt`.
    pub texts: Vec<(String, String)>,
}

/// The `embed.html` snippet, as the README recommends it: the
/// wasm's and the config's preload hints and the script tag at high fetch
/// priority, with `integrity` on the wasm and the script, for the folder
/// served at `base`; then, as a comment, the preload of each language file
/// for pages in that language.
pub fn embed_snippet(version: &str, base: &str, config: &str, h: &Hashes) -> String {
    let base = if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    };
    let mut out = format!(
        "<!-- Candor {version}: in the <head> of every page. Replace {base} with where the folder is\n     \
         served and {config} with your config's URL. From another origin, that server must send\n     \
         Access-Control-Allow-Origin (README.md, \"CORS\"). -->\n\
         <link rel=\"preload\" href=\"{base}candor_web_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin integrity=\"{wasm}\">\n\
         <link rel=\"preload\" href=\"{config}\" as=\"fetch\" crossorigin>\n\
         <script src=\"{base}candor.js\" integrity=\"{script}\" crossorigin=\"anonymous\" data-config=\"{config}\" async fetchpriority=\"high\"></script>\n",
        wasm = h.wasm,
        script = h.script,
    );
    if !h.texts.is_empty() {
        out.push_str("<!-- Optional, on a page in one of these languages only (<html lang>): its language file.\n");
        for (lang, hash) in &h.texts {
            out.push_str(&format!(
                "<link rel=\"preload\" href=\"{base}i18n/{lang}.txt\" as=\"fetch\" crossorigin integrity=\"{hash}\">\n"
            ));
        }
        out.push_str("-->\n");
    }
    out
}

/// The README with its placeholders filled; fails if one is left.
pub fn render_readme(template: &str, version: &str, files: &str, embed: &str) -> Result<String> {
    let out = template
        .replace("{{version}}", version)
        .replace("{{files}}", files)
        .replace("{{embed}}", embed.trim_end());
    match out.find("{{") {
        Some(at) => Err(format!(
            "the release README has an unknown placeholder: {}",
            out[at..].lines().next().unwrap_or_default()
        )),
        None => Ok(out),
    }
}

/// What each file of the folder is, for the README's table.
fn describe(name: &str) -> &'static str {
    match name {
        "candor.js" => "the loader: the script tag's one classic script",
        "candor_web_bg.wasm" => "the widget (English texts included)",
        "candor.d.ts" => "TypeScript: `window.candor` and the events",
        "index.d.ts" => "TypeScript: the config, the decisions, the API",
        "embed.html" => "the lines to paste into your pages",
        "LICENSE-MIT" | "LICENSE-APACHE" => "the licence",
        n if n.starts_with("i18n/") => "one language's texts, fetched by pages in it",
        _ => "",
    }
}

/// The README's table of the folder's files: `(name, bytes)`.
pub fn files_table(files: &[(String, u64)]) -> String {
    let mut out = String::from("| file | bytes | what |\n|---|---:|---|\n");
    for (name, bytes) in files {
        out.push_str(&format!("| `{name}` | {bytes} | {} |\n", describe(name)));
    }
    out
}

/// The `required` files `present` lacks, and `i18n/<lang>.<ext>` when it
/// has no language file.
pub fn missing(required: &[&str], ext: &str, present: &[String]) -> Vec<String> {
    let mut gone: Vec<String> = required
        .iter()
        .filter(|f| !present.iter().any(|p| p == *f))
        .map(|f| f.to_string())
        .collect();
    let suffix = format!(".{ext}");
    if !present
        .iter()
        .any(|p| p.starts_with("i18n/") && p.ends_with(&suffix))
    {
        gone.push(format!("i18n/<lang>.{ext}"));
    }
    gone
}

/// `version = "…"` of the workspace's `[workspace.package]`.
pub fn workspace_version(cargo_toml: &str) -> Option<String> {
    let mut in_section = false;
    for line in cargo_toml.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_section = t == "[workspace.package]";
        } else if in_section {
            if let Some(v) = t.strip_prefix("version") {
                let v = v.trim_start().strip_prefix('=')?.trim();
                return Some(v.trim_matches('"').to_string());
            }
        }
    }
    None
}

/// The npm package and the crates must carry one version.
pub fn check_versions(npm: &str, cargo: &str) -> Result<()> {
    if npm == cargo {
        Ok(())
    } else {
        Err(format!(
            "crates/candor-web/js/package.json says version {npm}, the workspace Cargo.toml {cargo}: make them one"
        ))
    }
}

/// `SHA256SUMS`: `<hex>  <name>` per line, as `sha256sum -c` reads it.
pub fn sha256sums(files: &[(String, Vec<u8>)]) -> String {
    use sha2::Digest as _;
    files
        .iter()
        .map(|(name, bytes)| {
            let digest = sha2::Sha256::digest(bytes);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            format!("{hex}  {name}\n")
        })
        .collect()
}

/// `1234567` → `1.2 MB`, `2048` → `2.0 KB`, `12` → `12 B`.
pub fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.1} KB", b as f64 / 1e3),
        b => format!("{b} B"),
    }
}

/// Every file under `dir`, as `(path relative to dir with /, bytes)`, sorted.
fn walk(dir: &Path) -> Result<Vec<(String, u64)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).context(format!("reading {}", d.display()))? {
            let path = entry.context("reading a folder entry")?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let size = fs::metadata(&path)
                    .context(format!("reading {}", path.display()))?
                    .len();
                out.push((name, size));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn sri_of(path: &Path) -> Result<String> {
    Ok(dist::sri(
        &fs::read(path).context(format!("reading {}", path.display()))?,
    ))
}

/// The archive's timestamp: `SOURCE_DATE_EPOCH`, else the last commit's.
fn epoch(root: &Path) -> String {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .or_else(|| {
            crate::util::probe(
                Command::new("git")
                    .args(["log", "-1", "--format=%ct"])
                    .current_dir(root),
            )
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "0".into())
}

/// Writes `dist/release/` from the current `dist/` and prints what is in it.
pub fn write(root: &Path) -> Result<()> {
    let candor = root.join("dist/candor");
    let npm = root.join("dist/npm");
    if !candor.join("candor.js").is_file() || !npm.join("package.json").is_file() {
        return Err("dist/candor/ or dist/npm/ is missing: `cargo xtask build` first".into());
    }
    let package: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(npm.join("package.json")).context("reading dist/npm/package.json")?,
    )
    .context("dist/npm/package.json")?;
    let version = package
        .get("version")
        .and_then(|v| v.as_str())
        .ok_or("dist/npm/package.json has no version")?
        .to_string();
    let cargo = fs::read_to_string(root.join("Cargo.toml")).context("reading Cargo.toml")?;
    let cargo_version =
        workspace_version(&cargo).ok_or("Cargo.toml has no [workspace.package] version")?;
    check_versions(&version, &cargo_version)?;

    let out = root.join("dist/release");
    if out.exists() {
        fs::remove_dir_all(&out).context(format!("clearing {}", out.display()))?;
    }
    fs::create_dir_all(&out).context(format!("creating {}", out.display()))?;

    println!("==> the npm package");
    let packed = capture(
        Command::new("npm")
            .args(["pack", "--json", "--pack-destination"])
            .arg(&out)
            .arg(&npm)
            .current_dir(root),
    )?;
    let packed: serde_json::Value =
        serde_json::from_slice(&packed).context("reading `npm pack --json`")?;
    let npm_name = packed
        .get(0)
        .and_then(|p| p.get("filename"))
        .and_then(|f| f.as_str())
        .ok_or("`npm pack --json` named no file")?
        .to_string();
    let npm_files: Vec<(String, u64)> = packed
        .get(0)
        .and_then(|p| p.get("files"))
        .and_then(|f| f.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| {
            Some((
                f.get("path")?.as_str()?.to_string(),
                f.get("size")?.as_u64()?,
            ))
        })
        .collect();
    let gone = missing(
        &NPM_REQUIRED,
        "js",
        &npm_files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
    );
    if !gone.is_empty() {
        return Err(format!(
            "the npm tarball lacks {}: check `files` in crates/candor-web/js/package.json",
            gone.join(", ")
        ));
    }

    println!("==> the script-tag folder");
    let folder = format!("candor-{version}");
    let stage_root = crate::util::target_dir(root).join("candor-release");
    if stage_root.exists() {
        fs::remove_dir_all(&stage_root).context(format!("clearing {}", stage_root.display()))?;
    }
    let stage = stage_root.join(&folder);
    for (name, _) in walk(&candor)? {
        let to = stage.join(&name);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).context(format!("creating {}", parent.display()))?;
        }
        fs::copy(candor.join(&name), &to).context(format!("copying {name}"))?;
    }
    for f in LICENSES {
        if !stage.join(f).is_file() {
            fs::copy(root.join(f), stage.join(f)).context(format!("copying {f}"))?;
        }
    }
    let mut texts = Vec::new();
    for (name, _) in walk(&stage.join("i18n"))? {
        if let Some(lang) = name.strip_suffix(".txt") {
            texts.push((lang.to_string(), sri_of(&stage.join("i18n").join(&name))?));
        }
    }
    let hashes = Hashes {
        script: sri_of(&stage.join("candor.js"))?,
        wasm: sri_of(&stage.join("candor_web_bg.wasm"))?,
        texts,
    };
    let embed = embed_snippet(&version, EMBED_BASE, EMBED_CONFIG, &hashes);
    fs::write(stage.join("embed.html"), &embed).context("writing embed.html")?;
    // The README's table: every other file of the folder.
    let readme = render_readme(
        README_TEMPLATE,
        &version,
        &files_table(&walk(&stage)?),
        &embed,
    )?;
    fs::write(stage.join("README.md"), readme).context("writing README.md")?;
    let contents = walk(&stage)?;
    let gone = missing(
        &REQUIRED,
        "txt",
        &contents.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
    );
    if !gone.is_empty() {
        return Err(format!(
            "the script-tag folder lacks {}: is dist/candor/ complete?",
            gone.join(", ")
        ));
    }

    let archive = format!("{folder}.tar.gz");
    let tar = out.join(format!("{folder}.tar"));
    run(Command::new("tar")
        .args([
            "--sort=name",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            "--mode=u+rwX,go+rX,go-w",
        ])
        .arg(format!("--mtime=@{}", epoch(root)))
        .arg("-C")
        .arg(&stage_root)
        .arg("-cf")
        .arg(&tar)
        .arg(&folder))?;
    run(Command::new("gzip").args(["-9", "-n", "-f"]).arg(&tar))?;

    let artifacts = [npm_name.clone(), archive.clone()];
    let mut sums = Vec::new();
    for name in &artifacts {
        let bytes = fs::read(out.join(name)).context(format!("reading {name}"))?;
        sums.push((name.clone(), bytes));
    }
    fs::write(out.join("SHA256SUMS"), sha256sums(&sums)).context("writing SHA256SUMS")?;

    println!("\n==> {}:", rel(root, &out));
    for (name, _) in walk(&out)? {
        let size = fs::metadata(out.join(&name)).map(|m| m.len()).unwrap_or(0);
        println!("    {name:<32} {size:>9} bytes ({})", human(size));
    }
    println!("\n    {archive} holds {folder}/:");
    for (name, size) in &contents {
        println!("      {name:<30} {size:>9} bytes");
    }
    println!("\n    {npm_name} holds package/:");
    for (name, size) in &npm_files {
        println!("      {name:<30} {size:>9} bytes");
    }
    println!("\n    embed.html:\n");
    for line in embed.lines() {
        println!("      {line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes() -> Hashes {
        Hashes {
            script: "sha384-S".into(),
            wasm: "sha384-W".into(),
            texts: vec![("de".into(), "sha384-D".into())],
        }
    }

    #[test]
    fn the_snippet_has_the_preload_and_the_script_tag_with_their_hashes() {
        let s = embed_snippet("1.2.3", "/candor", "/candor.json", &hashes());
        assert!(s.contains(
            "<link rel=\"preload\" href=\"/candor/candor_web_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin integrity=\"sha384-W\">\n"
        ), "{s}");
        assert!(s.contains(
            "<link rel=\"preload\" href=\"/candor.json\" as=\"fetch\" crossorigin>\n<script src=\"/candor/candor.js\" integrity=\"sha384-S\" crossorigin=\"anonymous\" data-config=\"/candor.json\" async fetchpriority=\"high\"></script>\n"
        ), "{s}");
        assert!(s.contains(
            "<link rel=\"preload\" href=\"/candor/i18n/de.txt\" as=\"fetch\" crossorigin integrity=\"sha384-D\">"
        ));
        assert!(s.starts_with("<!-- Candor 1.2.3:"));
        // The language preloads are a comment: one closing `-->` after them,
        // and no `--` inside a comment.
        let optional = s.find("<!-- Optional").unwrap();
        assert!(s[optional..].trim_end().ends_with("-->"));
        for comment in s.split("<!--").skip(1) {
            let body = comment.split("-->").next().unwrap();
            assert!(!body.contains("--"), "{body}");
        }
        let same = embed_snippet(
            "1.2.3",
            "https://cdn.example/candor/1.2.3/",
            "/c.json",
            &hashes(),
        );
        assert!(same.contains("src=\"https://cdn.example/candor/1.2.3/candor.js\""));
    }

    #[test]
    fn the_readme_is_filled_in_or_refused() {
        let table = files_table(&[("candor.js".into(), 10), ("i18n/de.txt".into(), 3)]);
        assert!(table.contains("| `candor.js` | 10 | the loader"));
        assert!(table.contains("| `i18n/de.txt` | 3 | one language's texts"));
        let r = render_readme(
            "# {{version}}\n{{files}}\n```html\n{{embed}}\n```\n",
            "1.2.3",
            &table,
            "<x>\n",
        )
        .unwrap();
        assert!(r.starts_with("# 1.2.3\n| file |") && r.ends_with("```html\n<x>\n```\n"));
        assert!(render_readme("{{version}} {{oops}}", "1", "", "")
            .unwrap_err()
            .contains("{{oops}}"));
        let real = render_readme(README_TEMPLATE, "1.2.3", &table, "<x>").unwrap();
        for needed in [
            "Access-Control-Allow-Origin: *",
            "integrity",
            "crossorigin",
            "'wasm-unsafe-eval'",
            "LICENSE-MIT",
            "embed.html",
        ] {
            assert!(real.contains(needed), "the README says {needed}");
        }
        assert!(!real.contains("http://"), "no links outside the folder");
    }

    #[test]
    fn a_folder_without_its_files_is_refused() {
        let mut all: Vec<String> = REQUIRED.iter().map(|s| s.to_string()).collect();
        all.push("i18n/fr.txt".into());
        assert!(missing(&REQUIRED, "txt", &all).is_empty());
        let without: Vec<String> = all
            .iter()
            .filter(|f| *f != "LICENSE-MIT" && !f.starts_with("i18n/"))
            .cloned()
            .collect();
        assert_eq!(
            missing(&REQUIRED, "txt", &without),
            ["LICENSE-MIT", "i18n/<lang>.txt"]
        );
        // The npm tarball: its `files` must bring the README and the licences.
        let npm: Vec<String> = [
            "index.js",
            "index.d.ts",
            "candor_web_bg.wasm",
            "package.json",
            "i18n/de.js",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            missing(&NPM_REQUIRED, "js", &npm),
            ["README.md", "LICENSE-MIT", "LICENSE-APACHE"]
        );
    }

    #[test]
    fn versions_come_from_the_workspace_and_must_agree() {
        let toml = "[workspace]\nmembers = []\n\n[workspace.package]\nedition = \"2021\"\nversion = \"0.4.1\"\n\n[workspace.dependencies]\nversion = \"9\"\n";
        assert_eq!(workspace_version(toml).as_deref(), Some("0.4.1"));
        assert_eq!(workspace_version("[package]\nversion = \"1\"\n"), None);
        assert!(check_versions("0.4.1", "0.4.1").is_ok());
        assert!(check_versions("0.4.0", "0.4.1")
            .unwrap_err()
            .contains("0.4.0"));
    }

    #[test]
    fn the_workspace_version_is_the_npm_package_version() {
        let root = crate::util::root();
        let cargo = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let package: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(root.join(dist::JS_DIR).join("package.json")).unwrap(),
        )
        .unwrap();
        let npm = package["version"].as_str().unwrap();
        check_versions(npm, &workspace_version(&cargo).unwrap()).unwrap();
        // No placeholder address: no `repository` anywhere until there is one.
        assert!(package.get("repository").is_none() && !cargo.contains("example.invalid"));
    }

    #[test]
    fn sums_and_sizes_read_as_tools_print_them() {
        assert_eq!(
            sha256sums(&[("a.tgz".into(), b"abc".to_vec())]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.tgz\n"
        );
        assert_eq!(human(12), "12 B");
        assert_eq!(human(2048), "2.0 KB");
        assert_eq!(human(1_234_567), "1.2 MB");
    }
}
