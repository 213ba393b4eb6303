//! `cargo xtask build`: the widget's two outputs.
//!
//! - `dist/candor/`: the script-tag build, what a site copies next to its
//!   pages: `candor.js` (the loader, the facade and the wasm-bindgen glue
//!   in one classic script), `candor_web_bg.wasm`, `i18n/<lang>.txt` (the
//!   French, German and Spanish texts the wasm does not carry), the types.
//! - `dist/npm/`: the npm package `candor`: `index.js` (ESM: the same
//!   pieces, with assets located by `new URL("./…", import.meta.url)`), the
//!   wasm, `i18n/<lang>.js` (one module per language, loaded with
//!   `import()`), the types.
//!
//! `candor.js` and `index.js` carry the SRI hashes (sha384) of the wasm and
//! of each language file, computed here after the last change to them, and
//! fetch them with `integrity`.
//!
//! Then the sizes a site downloads for the script tag, raw, gzip and brotli,
//! printed and written to `dist/sizes.json`, checked against the budget. A
//! page downloads at most one language file (English is in the wasm): the
//! sizes count the largest.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::ensure;
use crate::util::{capture, json_string, rel, run, which, Context, Result};

/// The script-tag download budget: total gzip bytes of every file a page
/// fetches for `<script src=".../candor.js">` (JS + wasm + CSS, and the
/// largest language file: the worst case).
/// Tighten it as the widget shrinks; `cargo xtask test` fails above it.
///
/// This is a regression guard set at what the widget weighs today (93.7 KB
/// gzip with the largest language file, plus about 2.4%), not a goal.
/// docs/size.md has where the bytes go, what each decision cost, and what
/// is left to cut.
pub const GZIP_BUDGET_BYTES: u64 = 96_000;

/// The JS sources the web crate keeps next to its Rust code.
pub const JS_DIR: &str = "crates/candor-web/js";
/// The JS sources bundled into `candor.js` and `index.js` (`dom.js` comes
/// in through the glue, as a wasm-bindgen snippet).
const JS_SOURCES: [&str; 5] = [
    "script.js",
    "index.js",
    "facade.js",
    "boot.js",
    "builtins.js",
];
/// Files copied into both outputs from [`JS_DIR`].
const TYPES: [&str; 2] = ["index.d.ts", "candor.d.ts"];
const WASM_NAME: &str = "candor_web";
/// The licence files, at the repository root, shipped in both outputs.
pub const LICENSES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// Extra rustflags for the shipped (release) wasm only, passed through
/// [`WASM_RUSTFLAGS_VAR`] so that debug builds (the wasm-pack browser
/// tests, clippy) keep rustc's 1 MiB default stack and share nothing with
/// this build. A 32 KiB shadow stack instead of 1 MiB: after a visit the
/// wasm holds 2 pages of memory (128 KiB) instead of 18. The deepest
/// recursion is the JSON reader's, bounded at 32 levels: measured in
/// Chromium, the stack's high-water mark is 9.1 KiB for a config nested
/// 100,000 deep (arrays or objects) and 2.9 KiB for a visit using every API
/// call (3.5x margin); rustc links wasm with `--stack-first`, so an
/// overflow traps instead of overwriting data, and the hostile-config e2e
/// tests would see the trap's message instead of the reader's. See
/// docs/size.md.
pub const WASM_RUSTFLAGS: &str = "-C link-arg=-zstack-size=32768";
/// The variable [`WASM_RUSTFLAGS`] is passed in (target-specific, so host
/// build scripts and proc macros are unaffected).
pub const WASM_RUSTFLAGS_VAR: &str = "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS";

/// wasm-opt flags: size first, no custom sections a browser does not need,
/// and the post-MVP features that rustc enables by default for
/// wasm32-unknown-unknown (binaryen would otherwise reject their
/// instructions as invalid).
pub const WASM_OPT_FLAGS: [&str; 11] = [
    "-Oz",
    // Repeat the passes while they still shrink the module (−0.6 KB gzip).
    "--converge",
    "--strip-debug",
    "--strip-producers",
    "--strip-target-features",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Binaryen's pass giving every import and export of the wasm a one- or
/// two-letter name, and every import the module `a`, in place of
/// wasm-bindgen's `./candor_web_bg.js` / `__wbg_setAttribute_f75317b2b5cabfb4`.
/// Those names sit in the wasm and again in the glue, and their hashes do
/// not compress (−2.8 KB gzip of wasm, −1.7 KB of glue). It prints the
/// renames as JSON, and [`rename_glue`] applies them to the glue.
pub const MINIFY_NAMES_PASS: &str = "--minify-imports-and-exports-and-modules";

/// Old name → new name.
pub type Renames = Vec<(String, String)>;

/// One downloaded file's sizes in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Drops the doc comments wasm-bindgen copies from rustdoc into the glue:
/// every block that starts on its own line with `/**` (or is the
/// `/* @ts-self-types=… */` header) through the line ending in `*/`. Code
/// lines are kept byte for byte.
pub fn strip_doc_comments(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_doc = false;
    for line in js.split_inclusive('\n') {
        let t = line.trim();
        if !in_doc && (t.starts_with("/**") || t.starts_with("/* @ts-self-types")) {
            in_doc = true;
        }
        if in_doc {
            if t.ends_with("*/") {
                in_doc = false;
            }
            continue;
        }
        out.push_str(line);
    }
    out
}

/// `sha384-<base64>`: the SRI hash of `bytes`.
pub fn sri(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha384::digest(bytes);
    [
        "sha384-",
        &base64::engine::general_purpose::STANDARD.encode(digest),
    ]
    .concat()
}

/// The `__CANDOR_SRI__` the loaders are built with:
/// `{"wasm":"sha384-…","i18n":{"fr":"sha384-…",…}}`.
pub fn sri_json(wasm: &str, texts: &[(String, String)]) -> String {
    let mut i18n = serde_json::Map::new();
    for (lang, hash) in texts {
        i18n.insert(lang.clone(), serde_json::Value::String(hash.clone()));
    }
    serde_json::json!({ "wasm": wasm, "i18n": i18n }).to_string()
}

/// A classic script that never throws at load: `script` in a `try`, whose
/// `catch` says on the console why Candor could not start.
pub fn guard_script(script: &str) -> String {
    [
        "try{",
        script.trim_end(),
        "\n}catch(e){try{console.warn(\"Candor: could not start: \"+(e&&e.message))}catch(_){}}\n",
    ]
    .concat()
}

/// The renames [`MINIFY_NAMES_PASS`] prints: `{"imports": [[module, old,
/// new], …], "exports": [[old, new], …]}`. Returns the import module (one
/// for every import, as wasm-bindgen writes them), the import renames and
/// the export renames.
pub fn parse_renames(json: &str) -> Result<(String, Renames, Renames)> {
    let bad = |what: &str| format!("wasm-opt's rename map: {what}");
    let doc: serde_json::Value =
        serde_json::from_str(json.trim()).map_err(|e| bad(&e.to_string()))?;
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    let mut module: Option<String> = None;
    let mut imports = Vec::new();
    for entry in doc
        .get("imports")
        .and_then(|v| v.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let [m, old, new]: [String; 3] = strings(entry)
            .try_into()
            .map_err(|_| bad("an import is not [module, old, new]"))?;
        if module.get_or_insert_with(|| m.clone()) != &m {
            return Err(bad("imports from more than one module"));
        }
        imports.push((old, new));
    }
    let mut exports = Vec::new();
    for entry in doc
        .get("exports")
        .and_then(|v| v.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let [old, new]: [String; 2] = strings(entry)
            .try_into()
            .map_err(|_| bad("an export is not [old, new]"))?;
        exports.push((old, new));
    }
    let module = module.ok_or_else(|| bad("no imports"))?;
    Ok((module, imports, exports))
}

/// The wasm-bindgen glue with the wasm's renamed imports and exports: the
/// import object's module key, one key per import (`old: function…`), and
/// every `wasm.old`. Fails when the glue does not match the map (another
/// wasm-bindgen's layout), so that a mismatch breaks the build, not a page.
pub fn rename_glue(
    glue: &str,
    module: &str,
    imports: &Renames,
    exports: &Renames,
) -> Result<String> {
    let find = |renames: &Renames, old: &str| {
        renames
            .iter()
            .find(|(o, _)| o == old)
            .map(|(_, n)| n.clone())
    };
    let module_key = format!("{}: import0", json_string(module));
    if glue.matches(&module_key).count() != 1 {
        return Err(format!(
            "the glue has no single `{module_key}`: rename map and glue disagree"
        ));
    }
    let glue = glue.replace(&module_key, &format!("{}: import0", json_string("a")));

    let mut out = String::with_capacity(glue.len());
    let mut keys = 0;
    for line in glue.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let key = body
            .split_once(": ")
            .map(|(k, _)| k)
            .filter(|k| is_identifier(k));
        match key.and_then(|k| find(imports, k).map(|n| (k, n))) {
            Some((old, new)) => {
                keys += 1;
                out.push_str(&line[..indent]);
                out.push_str(&new);
                out.push_str(&body[old.len()..]);
            }
            None => out.push_str(line),
        }
    }
    if keys != imports.len() {
        return Err(format!(
            "renamed {keys} import keys in the glue, the wasm has {} imports: rename map and glue disagree",
            imports.len()
        ));
    }

    let mut renamed = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("wasm.") {
        let preceded = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.');
        renamed.push_str(&rest[..at + 5]);
        rest = &rest[at + 5..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(rest.len());
        let (name, after) = rest.split_at(end);
        if preceded || name.is_empty() {
            renamed.push_str(name);
        } else {
            let new = find(exports, name).ok_or_else(|| {
                format!("the glue uses the export `{name}`, which the rename map does not have")
            })?;
            renamed.push_str(&new);
        }
        rest = after;
    }
    renamed.push_str(rest);
    Ok(renamed)
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Fails when the gzip total is over the budget.
pub fn check_budget(sizes: &[FileSize], budget_gzip: u64) -> Result<String> {
    let total: u64 = sizes.iter().map(|s| s.gzip).sum();
    if total > budget_gzip {
        Err(format!(
            "the script tag downloads {total} bytes gzip, over the budget of {budget_gzip} \
             (GZIP_BUDGET_BYTES in xtask/src/dist.rs): {} bytes too many",
            total - budget_gzip
        ))
    } else {
        Ok(format!(
            "size budget ok: {total} of {budget_gzip} bytes gzip ({} bytes to spare)",
            budget_gzip - total
        ))
    }
}

/// The size table as printed.
pub fn size_table(sizes: &[FileSize]) -> String {
    let mut out = format!(
        "    {:<24} {:>10} {:>10} {:>10}\n",
        "file", "raw", "gzip -9", "brotli 11"
    );
    let mut total = (0, 0, 0);
    for s in sizes {
        out.push_str(&format!(
            "    {:<24} {:>10} {:>10} {:>10}\n",
            s.name, s.raw, s.gzip, s.brotli
        ));
        total = (total.0 + s.raw, total.1 + s.gzip, total.2 + s.brotli);
    }
    out.push_str(&format!(
        "    {:<24} {:>10} {:>10} {:>10}\n",
        "total", total.0, total.1, total.2
    ));
    out
}

/// `dist/sizes.json`.
pub fn sizes_json(sizes: &[FileSize], budget_gzip: u64) -> String {
    let files: Vec<String> = sizes
        .iter()
        .map(|s| {
            format!(
                "    {{ \"file\": {}, \"raw\": {}, \"gzip\": {}, \"brotli\": {} }}",
                json_string(&s.name),
                s.raw,
                s.gzip,
                s.brotli
            )
        })
        .collect();
    let sum = |f: fn(&FileSize) -> u64| sizes.iter().map(f).sum::<u64>();
    format!(
        "{{\n  \"files\": [\n{}\n  ],\n  \"total\": {{ \"raw\": {}, \"gzip\": {}, \"brotli\": {} }},\n  \"budget\": {{ \"gzip\": {} }}\n}}\n",
        files.join(",\n"),
        sum(|s| s.raw),
        sum(|s| s.gzip),
        sum(|s| s.brotli),
        budget_gzip
    )
}

/// Where the JS sources are read from: `CANDOR_JS_DIR` (for trying the
/// pipeline with stand-in files) or the web crate's `js/`.
fn js_dir(root: &Path) -> PathBuf {
    std::env::var_os("CANDOR_JS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(JS_DIR))
}

/// Builds both outputs and returns the script-tag sizes.
pub fn build(root: &Path) -> Result<Vec<FileSize>> {
    let js = js_dir(root);
    let missing: Vec<&str> = JS_SOURCES
        .into_iter()
        .chain(TYPES)
        .chain(["dom.js", "package.json"])
        .filter(|f| !js.join(f).is_file())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the widget's JS is not complete: {} missing in {}",
            missing.join(", "),
            rel(root, &js)
        ));
    }

    let locked = ensure::locked_wasm_bindgen(root)?;
    let installed = ensure::installed_wasm_bindgen();
    if ensure::wasm_bindgen_needs_install(installed.as_deref(), &locked) {
        return Err(format!(
            "wasm-bindgen-cli {locked} (the Cargo.lock version) is needed, found {:?}: run `cargo xtask setup`",
            installed.unwrap_or_default().trim()
        ));
    }
    let tools = root.join(ensure::TOOLS_DIR).join("node_modules/.bin");
    let (wasm_opt, esbuild) = (tools.join("wasm-opt"), tools.join("esbuild"));
    for (tool, what) in [(&wasm_opt, "Binaryen"), (&esbuild, "esbuild")] {
        if !tool.is_file() {
            return Err(format!(
                "{} is missing: run `cargo xtask setup` (it installs {what} from npm)",
                rel(root, tool)
            ));
        }
    }
    for tool in ["brotli", "gzip", "node"] {
        if which(tool).is_none() {
            return Err(format!("`{tool}` is not on PATH: run `cargo xtask setup`"));
        }
    }

    let started = Instant::now();
    println!("    compiling candor-web for wasm32 (release profile)");
    run(Command::new("cargo")
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "candor-web",
        ])
        .env(WASM_RUSTFLAGS_VAR, WASM_RUSTFLAGS)
        .current_dir(root))?;
    let target = crate::util::target_dir(root);
    let wasm = target.join(format!("wasm32-unknown-unknown/release/{WASM_NAME}.wasm"));

    println!("    generating the JS glue (wasm-bindgen --target web)");
    let stage = target.join("candor-stage");
    if stage.exists() {
        fs::remove_dir_all(&stage).context(format!("clearing {}", stage.display()))?;
    }
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-name", WASM_NAME, "--out-dir"])
        .arg(&stage)
        .arg(&wasm))?;

    let candor_dir = root.join("dist/candor");
    let npm_dir = root.join("dist/npm");
    for dir in [&candor_dir, &npm_dir] {
        if dir.exists() {
            fs::remove_dir_all(dir).context(format!("clearing {}", dir.display()))?;
        }
        fs::create_dir_all(dir.join("i18n")).context(format!("creating {}", dir.display()))?;
    }

    println!("    shrinking the wasm (wasm-opt -Oz)");
    let wasm_file = format!("{WASM_NAME}_bg.wasm");
    let glue_file = format!("{WASM_NAME}.js");
    let shipped = candor_dir.join(&wasm_file);
    run(Command::new(&wasm_opt)
        .args(WASM_OPT_FLAGS)
        .arg(stage.join(&wasm_file))
        .arg("-o")
        .arg(&shipped))?;
    println!("    shortening the wasm's import and export names (wasm-opt {MINIFY_NAMES_PASS})");
    let map = capture(
        Command::new(&wasm_opt)
            .args(WASM_OPT_FLAGS.iter().filter(|f| f.starts_with("--enable-")))
            .arg(MINIFY_NAMES_PASS)
            .arg(&shipped)
            .arg("-o")
            .arg(&shipped),
    )?;
    let (module, imports, exports) = parse_renames(&String::from_utf8_lossy(&map))?;
    let glue = read(&stage.join(&glue_file))?;
    let glue = rename_glue(&glue, &module, &imports, &exports)?;
    fs::write(stage.join(&glue_file), strip_doc_comments(&glue)).context("writing the JS glue")?;
    copy(&shipped, &npm_dir.join(&wasm_file))?;

    println!("    writing the French, German and Spanish texts (i18n/<lang>.txt, i18n/<lang>.js)");
    let mut languages = Vec::new();
    let mut hashes = Vec::new();
    for lang in candor_core::i18n::BUILT_IN_LANGUAGES {
        if lang == "en" {
            continue; // compiled into the wasm
        }
        let table = candor_core::i18n::table_file(lang)
            .ok_or_else(|| format!("candor-core has no compiled {lang} table for xtask"))?;
        let name = format!("i18n/{lang}.txt");
        fs::write(candor_dir.join(&name), &table).context(format!("writing {name}"))?;
        let module = format!(
            "// Candor's {lang} texts (generated by `cargo xtask build`).\nexport default {};\n",
            serde_json::Value::String(table.clone())
        );
        fs::write(npm_dir.join(format!("i18n/{lang}.js")), module)
            .context(format!("writing i18n/{lang}.js"))?;
        hashes.push((lang.to_string(), sri(table.as_bytes())));
        languages.push(measure(&candor_dir.join(&name), &name)?);
    }
    let sri_define = sri_json(
        &sri(&fs::read(&shipped).context("reading the wasm")?),
        &hashes,
    );

    println!("    bundling dist/candor/candor.js (loader, facade and glue in one classic script)");
    for f in JS_SOURCES {
        copy(&js.join(f), &stage.join(f))?;
    }
    // The glue imports its snippets from snippets/<crate>-<hash>/js/dom.js:
    // they are in the stage already; bundling follows the imports.
    let candor_js = candor_dir.join("candor.js");
    bundle(
        &esbuild,
        &stage.join("script.js"),
        &candor_js,
        "iife",
        &sri_define,
        true,
    )?;
    // Whatever a page broke before candor.js ran (a built-in the bundle
    // captures at load, say), nothing is thrown into the page: the console
    // says why Candor could not start.
    let bundled = read(&candor_js)?;
    fs::write(&candor_js, guard_script(&bundled)).context("writing candor.js")?;
    run(Command::new("node").arg("--check").arg(&candor_js))
        .map_err(|e| format!("candor.js is not valid JavaScript: {e}"))?;

    println!("    bundling dist/npm/index.js (the npm package `candor`)");
    bundle(
        &esbuild,
        &stage.join("index.js"),
        &npm_dir.join("index.js"),
        "esm",
        &sri_define,
        false,
    )?;
    for f in TYPES {
        copy(&js.join(f), &candor_dir.join(f))?;
        copy(&js.join(f), &npm_dir.join(f))?;
    }
    copy(&js.join("package.json"), &npm_dir.join("package.json"))?;
    if js.join("README.md").is_file() {
        copy(&js.join("README.md"), &npm_dir.join("README.md"))?;
    }
    for f in LICENSES {
        let src = root.join(f);
        if src.is_file() {
            copy(&src, &candor_dir.join(f))?;
            copy(&src, &npm_dir.join(f))?;
        }
    }

    let downloads = ["candor.js".to_string(), wasm_file];
    let mut sizes = downloads
        .iter()
        .map(|name| measure(&candor_dir.join(name), name))
        .collect::<Result<Vec<_>>>()?;
    let english: u64 = sizes.iter().map(|s| s.gzip).sum();
    if let Some(largest) = languages.iter().max_by_key(|s| s.gzip) {
        sizes.push(largest.clone());
    }
    println!("\n    What a page downloads for the script tag, at most (bytes):");
    print!("{}", size_table(&sizes));
    let each: Vec<String> = languages
        .iter()
        .map(|s| format!("{} {}", s.name, s.gzip))
        .collect();
    println!(
        "    (a page in English fetches no language file: {english} gzip; \
         one in French, German or Spanish fetches its own: {})",
        each.join(", ")
    );
    fs::write(
        root.join("dist/sizes.json"),
        sizes_json(&sizes, GZIP_BUDGET_BYTES),
    )
    .context("writing dist/sizes.json")?;
    println!(
        "\n    built dist/candor/ (script tag) and dist/npm/ (npm package), sizes in dist/sizes.json ({:.1}s)",
        started.elapsed().as_secs_f64()
    );
    Ok(sizes)
}

/// Bundle `entry` (and what it imports) into `out` with esbuild: `iife`
/// for a classic script (minified), `esm` for the npm module (readable,
/// the language modules left as separate `import()`s).
fn bundle(
    esbuild: &Path,
    entry: &Path,
    out: &Path,
    format: &str,
    sri: &str,
    minify: bool,
) -> Result<()> {
    let mut cmd = Command::new(esbuild);
    cmd.arg(entry)
        .args(["--bundle", "--legal-comments=none", "--log-level=warning"])
        .arg(format!("--format={format}"))
        .arg("--target=es2020")
        .arg(format!("--define:__CANDOR_SRI__={sri}"))
        // The glue's default wasm URL uses import.meta, which a classic
        // script has not; the loaders always pass the wasm explicitly.
        .arg("--log-override:empty-import-meta=silent")
        .arg("--external:./i18n/*")
        .arg(format!("--outfile={}", out.display()));
    if minify {
        cmd.arg("--minify");
    }
    run(&mut cmd)
}

fn measure(path: &Path, name: &str) -> Result<FileSize> {
    let raw = fs::metadata(path)
        .context(format!("reading {}", path.display()))?
        .len();
    let gzip = capture(Command::new("gzip").args(["-9", "-c", "-n"]).arg(path))?.len() as u64;
    let brotli = capture(Command::new("brotli").args(["-c", "-q", "11"]).arg(path))?.len() as u64;
    Ok(FileSize {
        name: name.to_string(),
        raw,
        gzip,
        brotli,
    })
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).context(format!("reading {}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to).map(|_| ()).context(format!(
        "copying {} to {}",
        from.display(),
        to.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_never_throws_at_load() {
        let guarded = guard_script("(()=>{throw new Error(\"x\")})();\n");
        assert!(guarded.starts_with("try{(()=>"));
        assert!(guarded.ends_with("}catch(e){try{console.warn(\"Candor: could not start: \"+(e&&e.message))}catch(_){}}\n"));
    }

    #[test]
    fn sri_is_sha384_in_base64() {
        // The SRI example of the W3C spec: "alert('Hello, world.');".
        assert_eq!(
            sri(b"alert('Hello, world.');"),
            "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO"
        );
        let json = sri_json("sha384-a", &[("fr".into(), "sha384-b".into())]);
        assert_eq!(json, r#"{"i18n":{"fr":"sha384-b"},"wasm":"sha384-a"}"#);
    }

    #[test]
    fn strips_glue_doc_comments_only() {
        let glue = "/* @ts-self-types=\"./x.d.ts\" */\n\n/**\n * Doc.\n */\nexport class W {\n    /**\n     * @returns {string}\n     */\n    f() { return \"/** not a comment */\"; }\n    /** one line */\n    g() {}\n}\n";
        assert_eq!(
            strip_doc_comments(glue),
            "\nexport class W {\n    f() { return \"/** not a comment */\"; }\n    g() {}\n}\n"
        );
    }

    /// The shape of wasm-bindgen 0.2.130's `--target web` glue, cut down.
    const GLUE: &str = r#"export class Widget {
    decide(request) {
        const ret = wasm.widget_decide(this.__wbg_ptr, request);
        wasm.__wbindgen_free(ret[0], ret[1], 1);
    }
}
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_setAttribute_f75317b2b5cabfb4: function() { return handleError(function (arg0, arg1) {
            arg0.setAttribute(arg1);
        }, arguments); },
        __wbindgen_init_externref_table: function() {
            const table = wasm.__wbindgen_externrefs;
        },
    };
    return {
        "./candor_web_bg.js": import0,
    };
}
const url = new URL('candor_web_bg.wasm', import.meta.url); const memory = wasm.memory;
"#;

    fn renames() -> (String, Renames, Renames) {
        parse_renames(
            r#"{
 "imports": [
  ["./candor_web_bg.js", "__wbg_setAttribute_f75317b2b5cabfb4", "a"],
  ["./candor_web_bg.js", "__wbindgen_init_externref_table", "b"]
 ],
 "exports": [
  ["widget_decide", "c"], ["__wbindgen_free", "d"], ["__wbindgen_externrefs", "e"],
  ["memory", "f"], ["__abort_handler", "g"]
 ]
}
"#,
        )
        .unwrap()
    }

    #[test]
    fn parses_the_rename_map() {
        let (module, imports, exports) = renames();
        assert_eq!(module, "./candor_web_bg.js");
        assert_eq!(imports.len(), 2);
        assert_eq!(
            imports[1],
            ("__wbindgen_init_externref_table".into(), "b".into())
        );
        assert_eq!(exports[3], ("memory".into(), "f".into()));
        assert!(parse_renames("{\"imports\": [[\"m\", \"x\"]]}").is_err());
        assert!(parse_renames(r#"{"imports": [["m", "x", "a"], ["n", "y", "b"]]}"#).is_err());
        assert!(parse_renames("not json").is_err());
    }

    #[test]
    fn renames_the_module_the_import_keys_and_every_export_use() {
        let (module, imports, exports) = renames();
        let glue = rename_glue(GLUE, &module, &imports, &exports).unwrap();
        for gone in [
            "__wbg_setAttribute",
            "__wbindgen_init_externref_table:",
            "wasm.widget_decide",
            "wasm.memory",
            "./candor_web_bg.js",
        ] {
            assert!(!glue.contains(gone), "{gone} is still in\n{glue}");
        }
        for now in [
            "        a: function() { return handleError(",
            "        b: function() {",
            "wasm.c(this.__wbg_ptr, request)",
            "wasm.d(ret[0]",
            "const table = wasm.e;",
            "\"a\": import0,",
            "const memory = wasm.f;",
            "new URL('candor_web_bg.wasm', import.meta.url)",
            "arg0.setAttribute(arg1)",
        ] {
            assert!(glue.contains(now), "{now} is missing from\n{glue}");
        }
    }

    #[test]
    fn a_glue_that_does_not_match_the_map_fails_the_build() {
        let (module, imports, exports) = renames();
        let fewer_keys = GLUE.replace("__wbindgen_init_externref_table: ", "init: ");
        assert!(rename_glue(&fewer_keys, &module, &imports, &exports)
            .unwrap_err()
            .contains("renamed 1 import keys in the glue, the wasm has 2 imports"));
        let unknown_export = GLUE.replace("wasm.memory", "wasm.memory2");
        assert!(rename_glue(&unknown_export, &module, &imports, &exports)
            .unwrap_err()
            .contains("`memory2`"));
        assert!(rename_glue(GLUE, "./other.js", &imports, &exports).is_err());
    }

    fn sizes() -> Vec<FileSize> {
        vec![
            FileSize {
                name: "candor.js".into(),
                raw: 3000,
                gzip: 1000,
                brotli: 900,
            },
            FileSize {
                name: "candor_web_bg.wasm".into(),
                raw: 90_000,
                gzip: 40_000,
                brotli: 33_000,
            },
        ]
    }

    #[test]
    fn budget_passes_at_and_below_the_limit() {
        assert!(check_budget(&sizes(), 41_000).is_ok());
        assert!(check_budget(&sizes(), GZIP_BUDGET_BYTES).is_ok());
        assert!(check_budget(&[], 0).is_ok());
    }

    #[test]
    fn budget_fails_above_the_limit_and_says_by_how_much() {
        let err = check_budget(&sizes(), 40_999).unwrap_err();
        assert!(
            err.contains("41000 bytes gzip") && err.contains("1 bytes too many"),
            "{err}"
        );
    }

    #[test]
    fn sizes_json_has_files_and_totals() {
        let json = sizes_json(&sizes(), 50_000);
        assert!(json.contains(
            "{ \"file\": \"candor.js\", \"raw\": 3000, \"gzip\": 1000, \"brotli\": 900 }"
        ));
        assert!(json.contains("\"total\": { \"raw\": 93000, \"gzip\": 41000, \"brotli\": 33900 }"));
        assert!(json.contains("\"budget\": { \"gzip\": 50000 }"));
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }

    #[test]
    fn size_table_ends_with_the_total() {
        let table = size_table(&sizes());
        let last = table.lines().last().unwrap();
        assert!(last.contains("total") && last.contains("93000") && last.contains("41000"));
    }
}
