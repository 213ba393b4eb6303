//! `cargo xtask bench`: Candor against the leading consent widgets, side by
//! side in headless Chromium (1x and 4x CPU and a mobile network profile,
//! interleaved rounds, paired differences with an A/A control), plus
//! candor-core's criterion figures.
//!
//! Installs `bench/`'s npm packages (the pinned anchors and playwright-core),
//! builds the widget, runs `cargo bench -p candor-core --bench decide` with
//! short times and keeps its ns/call figures, serves the benchmark pages on
//! 127.0.0.1 with xtask's static server, and runs `node bench/run.mjs`, which
//! writes `bench/results/latest.{json,md}` and `docs/benchmark.md`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::ensure;
use crate::serve::{self, Mounts};
use crate::util::{capture, json_string, rel, run, Context, Result};

/// `cargo xtask bench` options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Rounds: each loads every page once per speed profile (default 30;
    /// 3 with `--quick`).
    pub runs: Option<u32>,
    /// 3 rounds and shorter criterion times: a smoke test of the benchmark.
    pub quick: bool,
    /// Use the current `dist/` instead of building.
    pub build: bool,
    /// Only these speed profiles (`1x`, `4x`, `mobile`), as given.
    pub profiles: Option<String>,
    /// Only these pages (ids as in `bench/run.mjs`), as given.
    pub only: Option<String>,
    /// Leave out the A/A control (Candor's copy).
    pub aa: bool,
}

pub fn options(rest: &[String]) -> Result<Options> {
    let mut o = Options {
        runs: None,
        quick: false,
        build: true,
        profiles: None,
        only: None,
        aa: true,
    };
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => o.quick = true,
            "--no-build" => o.build = false,
            "--no-aa" => o.aa = false,
            a => {
                if let Some(runs) = flag_value(a, "--runs", &mut it)? {
                    let n: u32 = runs
                        .parse()
                        .map_err(|_| format!("--runs: {runs:?} is not a whole number"))?;
                    if n == 0 {
                        return Err("--runs must be at least 1".into());
                    }
                    o.runs = Some(n);
                } else if let Some(list) = flag_value(a, "--profiles", &mut it)? {
                    for p in list.split(',') {
                        if !["1x", "4x", "mobile"].contains(&p.trim()) {
                            return Err(format!(
                                "--profiles: unknown profile {p:?} (1x, 4x, mobile)"
                            ));
                        }
                    }
                    o.profiles = Some(list);
                } else if let Some(list) = flag_value(a, "--only", &mut it)? {
                    if list.trim().is_empty() {
                        return Err("--only needs page ids, e.g. candor,orejime".into());
                    }
                    o.only = Some(list);
                } else {
                    return Err(format!(
                        "unknown bench option {a:?} (see `cargo xtask help`)"
                    ));
                }
            }
        }
    }
    Ok(o)
}

/// `--name value` (taking the next argument) or `--name=value`; `None` for
/// another argument.
fn flag_value(arg: &str, name: &str, it: &mut std::slice::Iter<String>) -> Result<Option<String>> {
    if arg == name {
        let v = it.next().ok_or(format!("{name} needs a value"))?;
        Ok(Some(v.clone()))
    } else if let Some(v) = arg.strip_prefix(&format!("{name}=")) {
        Ok(Some(v.to_string()))
    } else {
        Ok(None)
    }
}

/// The benchmark's URL layout: pages at `/` (and `/bench/` for the Candor
/// config), the widget (`candor`, a snapshot of `dist/candor`) at
/// `/candor/`, the anchors' npm files at `/vendor/`.
pub fn mounts(root: &Path, candor: &Path) -> Mounts {
    let bench = root.join("bench");
    Mounts::new(vec![
        ("candor".into(), candor.to_path_buf()),
        ("vendor".into(), bench.join("node_modules")),
        ("bench".into(), bench.join("pages")),
        (String::new(), bench.join("pages")),
    ])
}

/// One criterion result: the bench's name and its median estimate in ns.
#[derive(Clone, Debug, PartialEq)]
pub struct NativeBench {
    pub name: String,
    pub ns: f64,
}

/// Reads criterion's report: a name line (or a name before `time:` on the
/// same line) followed by `time:   [low mid high]`; keeps the middle value.
pub fn parse_criterion(output: &str) -> Vec<NativeBench> {
    let mut out = Vec::new();
    let mut name: Option<String> = None;
    for line in output.lines() {
        let indented = line.starts_with(char::is_whitespace);
        if let Some(at) = line.find("time:") {
            let before = line.get(..at).unwrap_or("").trim();
            let this = if before.is_empty() {
                name.clone()
            } else {
                Some(before.to_string())
            };
            let inside = line
                .get(at..)
                .and_then(|s| s.split_once('['))
                .and_then(|(_, s)| s.split_once(']'))
                .map(|(s, _)| s);
            let words: Vec<&str> = inside.unwrap_or("").split_whitespace().collect();
            // [low unit mid unit high unit]
            if let (Some(this), Some(value), Some(unit)) = (this, words.get(2), words.get(3)) {
                if let (Ok(v), Some(scale)) = (value.parse::<f64>(), ns_per(unit)) {
                    out.push(NativeBench {
                        name: this,
                        ns: v * scale,
                    });
                }
            }
            name = None;
        } else if !indented && !line.trim().is_empty() && !is_criterion_chatter(line) {
            name = Some(line.trim().to_string());
        }
    }
    out
}

fn is_criterion_chatter(line: &str) -> bool {
    [
        "Benchmarking ",
        "Found ",
        "Gnuplot",
        "Warning",
        "Running ",
        "WARNING",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

fn ns_per(unit: &str) -> Option<f64> {
    match unit {
        "ps" => Some(1e-3),
        "ns" => Some(1.0),
        "µs" | "us" => Some(1e3),
        "ms" => Some(1e6),
        "s" => Some(1e9),
        _ => None,
    }
}

/// The JSON `bench/run.mjs` merges into its report.
pub fn native_json(benches: &[NativeBench], settings: &str, error: Option<&str>) -> String {
    let rows: Vec<String> = benches
        .iter()
        .map(|b| {
            format!(
                "    {{ \"name\": {}, \"ns\": {:.3} }}",
                json_string(&b.name),
                b.ns
            )
        })
        .collect();
    let error = error.map_or("null".to_string(), json_string);
    format!(
        "{{\n  \"tool\": \"criterion\",\n  \"command\": \"cargo bench -p candor-core --bench decide\",\n  \"settings\": {},\n  \"error\": {error},\n  \"benches\": [\n{}\n  ]\n}}\n",
        json_string(settings),
        rows.join(",\n")
    )
}

fn native(root: &Path, quick: bool) -> (Vec<NativeBench>, String, Option<String>) {
    let (warm, measure) = if quick { ("0.5", "1") } else { ("1", "3") };
    let settings = format!("warm-up {warm} s, measurement {measure} s");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["bench", "-p", "candor-core", "--bench", "decide", "--"])
        .args(["--warm-up-time", warm, "--measurement-time", measure])
        .arg("--noplot")
        .current_dir(root);
    match capture(&mut cmd) {
        Ok(stdout) => {
            let text = String::from_utf8_lossy(&stdout);
            let benches = parse_criterion(&text);
            for b in &benches {
                println!("    {:<45} {:>10.2} ns", b.name, b.ns);
            }
            let error = benches
                .is_empty()
                .then(|| "criterion printed no time: line".to_string());
            (benches, settings, error)
        }
        // The browser benchmark still runs; the report says why this is missing.
        Err(e) => {
            println!("    warning: {e}");
            (Vec::new(), settings, Some(e))
        }
    }
}

/// Replaces `to` with a copy of `from`, folders included (`i18n/`).
fn snapshot_dir(from: &Path, to: &Path) -> Result<()> {
    let _ = fs::remove_dir_all(to);
    copy_tree(from, to)?;
    // The one file every embed loads; the rest is whatever the build made,
    // and the benchmark sizes what the page really requests.
    if !to.join("candor.js").is_file() {
        return Err(format!(
            "candor.js was not in {} when it was copied (another build running?): run again",
            from.display()
        ));
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).context(format!("creating {}", to.display()))?;
    let entries = fs::read_dir(from).context(format!("reading {}", from.display()))?;
    for entry in entries {
        let path = entry.context(format!("listing {}", from.display()))?.path();
        let Some(name) = path.file_name() else {
            continue;
        };
        if path.is_dir() {
            copy_tree(&path, &to.join(name))?;
        } else if path.is_file() {
            fs::copy(&path, to.join(name)).context(format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

pub fn bench(root: &Path, o: &Options) -> Result<()> {
    println!("==> checking the tools (node, npm, Chromium)");
    let needs = ensure::Needs {
        build: o.build,
        browser: false,
        e2e: false,
        node: true,
    };
    ensure::ensure(root, needs)?;
    if !Path::new(ensure::CHROMIUM).exists() {
        return Err(format!(
            "{} is missing: `cargo xtask setup` installs Debian's Chromium (the benchmark never downloads a browser)",
            ensure::CHROMIUM
        ));
    }
    let dir = root.join("bench");
    ensure::npm_packages(
        root,
        &dir,
        "the benchmark's packages (the anchors and playwright-core)",
    )?;
    if o.build {
        crate::build(root)?;
    } else if !root.join("dist/candor/candor.js").is_file() {
        return Err(
            "dist/candor/candor.js is missing: run `cargo xtask build` or drop --no-build".into(),
        );
    }

    println!("==> candor-core natively (criterion)");
    let results = dir.join("results");
    fs::create_dir_all(&results).context("creating bench/results")?;
    let (benches, settings, error) = native(root, o.quick);
    let native_path: PathBuf = results.join("native.json");
    fs::write(
        &native_path,
        native_json(&benches, &settings, error.as_deref()),
    )
    .context(format!("writing {}", rel(root, &native_path)))?;

    println!("==> the widgets in headless Chromium");
    // Other builds may rewrite dist/ during a run: measure a copy.
    let snapshot = results.join("candor");
    snapshot_dir(&root.join("dist/candor"), &snapshot)?;
    let server = serve::start(
        mounts(root, &snapshot),
        serve::Options {
            port: 0,
            csp: false,
            log: false,
        },
    )?;
    println!(
        "    serving bench/pages, the dist/candor snapshot and the anchors at {}",
        server.url()
    );
    let mut cmd = Command::new("node");
    cmd.arg("bench/run.mjs")
        .env("BENCH_BASE_URL", server.url())
        .env("BENCH_NATIVE", &native_path)
        .env("BENCH_CANDOR_DIR", &snapshot)
        .env("CHROMIUM_PATH", ensure::CHROMIUM)
        .current_dir(root);
    if o.quick {
        cmd.arg("--quick");
    }
    if let Some(n) = o.runs {
        cmd.args(["--runs", &n.to_string()]);
    }
    if let Some(p) = &o.profiles {
        cmd.args(["--profiles", p]);
    }
    if let Some(only) = &o.only {
        cmd.args(["--only", only]);
    }
    if !o.aa {
        cmd.arg("--no-aa");
    }
    let result = run(&mut cmd);
    server.stop();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_parse() {
        let o = options(&[]).unwrap();
        assert_eq!(
            o,
            Options {
                runs: None,
                quick: false,
                build: true,
                profiles: None,
                only: None,
                aa: true,
            }
        );
        let o = options(&args(&[
            "--runs",
            "20",
            "--quick",
            "--no-build",
            "--profiles",
            "1x,4x",
            "--only=candor,orejime",
            "--no-aa",
        ]))
        .unwrap();
        assert_eq!(
            o,
            Options {
                runs: Some(20),
                quick: true,
                build: false,
                profiles: Some("1x,4x".into()),
                only: Some("candor,orejime".into()),
                aa: false,
            }
        );
        assert_eq!(options(&args(&["--runs=7"])).unwrap().runs, Some(7));
        assert_eq!(
            options(&args(&["--profiles=mobile"])).unwrap().profiles,
            Some("mobile".into())
        );
        assert!(options(&args(&["--runs"])).is_err());
        assert!(options(&args(&["--runs", "0"])).is_err());
        assert!(options(&args(&["--runs", "x"])).is_err());
        assert!(options(&args(&["--profiles", "2x"])).is_err());
        assert!(options(&args(&["--only"])).is_err());
        assert!(options(&args(&["--only", ""])).is_err());
        assert!(options(&args(&["--fast"])).is_err());
    }

    #[test]
    fn snapshot_copies_folders_and_needs_only_the_loader() {
        let base = std::env::temp_dir().join(format!("candor-bench-snap-{}", std::process::id()));
        let (from, to) = (base.join("from"), base.join("to"));
        fs::create_dir_all(from.join("i18n")).unwrap();
        fs::write(from.join("candor.js"), "js").unwrap();
        fs::write(from.join("candor_web_bg.wasm"), "wasm").unwrap();
        fs::write(from.join("i18n/fr.txt"), "fr").unwrap();
        fs::create_dir_all(&to).unwrap();
        fs::write(to.join("stale.js"), "old").unwrap();
        snapshot_dir(&from, &to).unwrap();
        assert_eq!(fs::read_to_string(to.join("i18n/fr.txt")).unwrap(), "fr");
        assert_eq!(
            fs::read_to_string(to.join("candor_web_bg.wasm")).unwrap(),
            "wasm"
        );
        assert!(!to.join("stale.js").exists());
        fs::remove_file(from.join("candor.js")).unwrap();
        assert!(snapshot_dir(&from, &to).is_err());
        let _ = fs::remove_dir_all(&base);
    }

    /// The benchmark's statistics (paired differences, the median's
    /// interval) and its front server, tested by node:test without a browser
    /// (under a second); skipped without node.
    #[test]
    fn bench_node_tests() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let out = match Command::new("node")
            .arg("--test")
            .arg("bench/lib/stats.test.mjs")
            .arg("bench/lib/front.test.mjs")
            .current_dir(root)
            .output()
        {
            Ok(out) => out,
            Err(e) => {
                eprintln!("skipped: node is not available ({e})");
                return;
            }
        };
        assert!(
            out.status.success(),
            "node --test bench/lib/ failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn criterion_output_both_layouts_and_units() {
        let text = "\
Benchmarking decide/refused: Warming up for 1.0000 s
decide/granted, 2 signals, capped channel
                        time:   [14.101 ns 14.215 ns 14.342 ns]
                        change: [-1.2% +0.3% +1.9%] (p = 0.70 > 0.05)
Found 3 outliers among 100 measurements (3.00%)
  2 (2.00%) high mild
decide/refused          time:   [5.0012 ns 5.1000 ns 5.2000 ns]
report/granted, with explanation
                        time:   [1.2000 µs 1.2500 µs 1.3000 µs]
record/allowed          time:   [900.00 ps 950.00 ps 1.0000 ns]
";
        let got = parse_criterion(text);
        let names: Vec<&str> = got.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "decide/granted, 2 signals, capped channel",
                "decide/refused",
                "report/granted, with explanation",
                "record/allowed"
            ]
        );
        let ns: Vec<f64> = got.iter().map(|b| b.ns).collect();
        assert!((ns[0] - 14.215).abs() < 1e-9);
        assert!((ns[1] - 5.1).abs() < 1e-9);
        assert!((ns[2] - 1250.0).abs() < 1e-6);
        assert!((ns[3] - 0.95).abs() < 1e-9);
        assert!(parse_criterion("nothing here\n").is_empty());
    }

    #[test]
    fn native_json_escapes_and_lists() {
        let j = native_json(
            &[NativeBench {
                name: "a \"b\"".into(),
                ns: 1.5,
            }],
            "warm-up 1 s",
            None,
        );
        assert!(j.contains("\"name\": \"a \\\"b\\\"\", \"ns\": 1.500"));
        assert!(j.contains("\"error\": null"));
        let j = native_json(&[], "s", Some("failed"));
        assert!(j.contains("\"error\": \"failed\""));
    }

    #[test]
    fn mounts_serve_pages_widget_and_anchors() {
        let m = mounts(Path::new("/r"), Path::new("/r/bench/results/candor"));
        let seg = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (_, p) = m.resolve(&seg(&["candor.html"])).unwrap();
        assert_eq!(p, Path::new("/r/bench/pages/candor.html"));
        let (_, p) = m.resolve(&seg(&["bench", "candor-bench.json"])).unwrap();
        assert_eq!(p, Path::new("/r/bench/pages/candor-bench.json"));
        let (_, p) = m.resolve(&seg(&["candor", "candor.js"])).unwrap();
        assert_eq!(p, Path::new("/r/bench/results/candor/candor.js"));
        let (_, p) = m
            .resolve(&seg(&["vendor", "klaro", "dist", "klaro.js"]))
            .unwrap();
        assert_eq!(p, Path::new("/r/bench/node_modules/klaro/dist/klaro.js"));
    }
}
