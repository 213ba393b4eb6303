//! `cargo xtask test`: every check, in order, failing fast.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::dist::{self, FileSize};
use crate::ensure::{self, Needs};
use crate::serve::{self, Mounts};
use crate::util::{rel, run, which, Context, Result};

/// `--only` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Only {
    Core,
    Web,
    E2e,
}

impl std::str::FromStr for Only {
    type Err = String;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "core" => Ok(Only::Core),
            "web" => Ok(Only::Web),
            "e2e" => Ok(Only::E2e),
            other => Err(format!("--only takes core, web or e2e, not {other:?}")),
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub skip_browser: bool,
    /// Run every step even after a failure (the default is to stop at the first).
    pub keep_going: bool,
    pub only: Option<Only>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    Setup,
    Core,
    Web,
    Build,
    E2e,
    Supply,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Id {
    Setup,
    Fmt,
    ClippyNative,
    ClippyWasm,
    CoreTests,
    XtaskTests,
    Records,
    CoreWasm,
    WebBrowser,
    Build,
    Budget,
    E2e,
    Bundlers,
    NpmAudit,
    RustAdvisories,
    Licenses,
}

struct Step {
    id: Id,
    group: Group,
    /// Needs a real browser (skipped by --skip-browser).
    browser: bool,
    name: &'static str,
    what: &'static str,
}

const STEPS: &[Step] = &[
    Step { id: Id::Setup, group: Group::Setup, browser: false, name: "setup",
        what: "check the tools (Rust target and components, wasm-bindgen-cli at the Cargo.lock version, wasm-pack, Chromium, ChromeDriver, brotli, node, wasm-opt, the e2e tests' and the bundler apps' npm packages) and install what is missing" },
    Step { id: Id::Fmt, group: Group::Core, browser: false, name: "fmt",
        what: "check formatting (cargo fmt --all --check)" },
    Step { id: Id::ClippyNative, group: Group::Core, browser: false, name: "clippy (native)",
        what: "lint every crate and target of the workspace for this machine, warnings are errors" },
    Step { id: Id::ClippyWasm, group: Group::Core, browser: false, name: "clippy (wasm32)",
        what: "lint candor-core and candor-web (and its browser tests) for wasm32-unknown-unknown, warnings are errors" },
    Step { id: Id::CoreTests, group: Group::Core, browser: false, name: "core tests",
        what: "candor-core's unit, property and doc tests (cargo test -p candor-core), then its unit and integration tests without the bundled French, German and Spanish tables, as the widget builds it; then candor-web's native unit tests (views, guard, actions)" },
    Step { id: Id::XtaskTests, group: Group::Core, browser: false, name: "xtask tests",
        what: "the task runner's own tests (cargo test -p xtask)" },
    Step { id: Id::Records, group: Group::Core, browser: false, name: "records tests",
        what: "candor-records' tests, bad-input table included, on a SQLite file and on a throwaway PostgreSQL cluster (Debian's postgresql, a free loopback port, a temp folder; removed afterwards)" },
    Step { id: Id::CoreWasm, group: Group::Core, browser: false, name: "core builds for wasm",
        what: "cargo check -p candor-core --target wasm32-unknown-unknown, and its docs build without warnings" },
    Step { id: Id::WebBrowser, group: Group::Web, browser: true, name: "widget browser tests",
        what: "candor-web's wasm-bindgen tests in headless Chromium (wasm-pack test --headless --chrome)" },
    Step { id: Id::Build, group: Group::Build, browser: false, name: "build",
        what: "build dist/candor/ (script tag) and dist/npm/ (npm package) and measure them" },
    Step { id: Id::Budget, group: Group::Build, browser: false, name: "size budget",
        what: "the script tag's total download, gzip, within GZIP_BUDGET_BYTES" },
    Step { id: Id::E2e, group: Group::E2e, browser: true, name: "end-to-end tests",
        what: "serve the demo shop and run tests/e2e/*.test.mjs and the hostile catalogue tests/e2e/hostile/*.test.mjs (node --test, playwright-core, Chromium)" },
    Step { id: Id::Bundlers, group: Group::E2e, browser: true, name: "bundlers",
        what: "the npm tarball (npm pack dist/npm) in small apps built with pinned Vite (dev server and build), webpack 5, Rollup and esbuild, each loaded in Chromium (banner, decide(), only the page's language fetched), and its types checked with tsc (tests/bundlers/)" },
    Step { id: Id::NpmAudit, group: Group::Supply, browser: false, name: "npm audit",
        what: "known vulnerabilities (high and above) in the e2e tests' npm packages" },
    Step { id: Id::RustAdvisories, group: Group::Supply, browser: false, name: "rust advisories",
        what: "known vulnerabilities in Cargo.lock (cargo audit, else cargo deny, when installed and the RustSec database is reachable) and a report of duplicated crates" },
    Step { id: Id::Licenses, group: Group::Supply, browser: false, name: "licences",
        what: "every Rust dependency under an allowed licence" },
];

fn selected(group: Group, only: Option<Only>) -> bool {
    match (only, group) {
        (_, Group::Setup) | (None, _) => true,
        (Some(Only::Core), g) => g == Group::Core,
        (Some(Only::Web), g) => g == Group::Web || g == Group::Build,
        (Some(Only::E2e), g) => g == Group::Build || g == Group::E2e,
    }
}

enum Outcome {
    Passed,
    Skipped(String),
}

struct Ctx {
    root: PathBuf,
    options: Options,
    sizes: Option<Vec<FileSize>>,
}

/// The plain closing line the CI reads.
pub fn summary_line(passed: usize, failed: usize, skipped: usize) -> String {
    if skipped == 0 {
        format!("{passed} passed, {failed} failed")
    } else {
        format!("{passed} passed, {failed} failed, {skipped} skipped")
    }
}

/// Runs the pipeline; `Err` after printing the summary when a step fails.
pub fn test(root: &Path, options: Options) -> Result<()> {
    let plan: Vec<&Step> = STEPS
        .iter()
        .filter(|s| selected(s.group, options.only))
        .collect();
    let mut ctx = Ctx {
        root: root.to_path_buf(),
        options,
        sizes: None,
    };
    let started = Instant::now();
    let mut results: Vec<(&str, &str, Duration)> = Vec::new();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut failures: Vec<&str> = Vec::new();
    for (i, step) in plan.iter().enumerate() {
        println!(
            "\n==> [{}/{}] {}: {}",
            i + 1,
            plan.len(),
            step.name,
            step.what
        );
        let t = Instant::now();
        let outcome = if step.browser && options.skip_browser {
            Ok(Outcome::Skipped("--skip-browser".into()))
        } else {
            run_step(step.id, &mut ctx, &plan)
        };
        let took = t.elapsed();
        match outcome {
            Ok(Outcome::Passed) => {
                passed += 1;
                println!("    ✓ {} ({:.1}s)", step.name, took.as_secs_f64());
                results.push((step.name, "passed", took));
            }
            Ok(Outcome::Skipped(why)) => {
                skipped += 1;
                println!("    - {} skipped: {why}", step.name);
                results.push((step.name, "skipped", took));
            }
            Err(e) => {
                println!(
                    "\n✗ step [{}/{}] {} failed ({:.1}s):\n  {e}",
                    i + 1,
                    plan.len(),
                    step.name,
                    took.as_secs_f64()
                );
                results.push((step.name, "FAILED", took));
                failed += 1;
                failures.push(step.name);
                if !options.keep_going {
                    break;
                }
            }
        }
    }
    print_table(&results, started.elapsed());
    println!("{}", summary_line(passed, failed, skipped));
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failures.join(", ")))
    }
}

fn print_table(results: &[(&str, &str, Duration)], total: Duration) {
    println!("\n==> summary");
    for (name, status, took) in results {
        println!("    {name:<24} {status:<8} {:>7.1}s", took.as_secs_f64());
    }
    println!(
        "    {:<24} {:<8} {:>7.1}s",
        "total",
        "",
        total.as_secs_f64()
    );
}

fn cargo(root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(args).current_dir(root);
    cmd
}

fn run_step(id: Id, ctx: &mut Ctx, plan: &[&Step]) -> Result<Outcome> {
    let root = ctx.root.clone();
    let root = root.as_path();
    match id {
        Id::Setup => {
            let will_run = |id: Id| {
                plan.iter()
                    .any(|s| s.id == id && !(s.browser && ctx.options.skip_browser))
            };
            let needs = Needs {
                build: will_run(Id::Build),
                browser: will_run(Id::WebBrowser),
                e2e: will_run(Id::E2e) || will_run(Id::Bundlers),
                node: will_run(Id::NpmAudit),
            };
            ensure::ensure(root, needs)?;
            if will_run(Id::Records) {
                crate::records::setup(root)?;
            }
        }
        Id::Fmt => run(&mut cargo(root, &["fmt", "--all", "--check"]))
            .map_err(|e| format!("{e}\n  run `cargo fmt --all` to fix the formatting"))?,
        Id::ClippyNative => run(&mut cargo(
            root,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ))?,
        Id::ClippyWasm => {
            run(&mut cargo(
                root,
                &[
                    "clippy",
                    "-p",
                    "candor-core",
                    "-p",
                    "candor-web",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--",
                    "-D",
                    "warnings",
                ],
            ))?;
            run(&mut cargo(
                root,
                &[
                    "clippy",
                    "-p",
                    "candor-web",
                    "--tests",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--",
                    "-D",
                    "warnings",
                ],
            ))?;
        }
        Id::CoreTests => {
            let mut cmd = cargo(root, &["test", "-p", "candor-core"]);
            // Property tests that keep proptest's default config run 10,000
            // cases (tests that set their own count keep it).
            if std::env::var_os("PROPTEST_CASES").is_none() {
                cmd.env("PROPTEST_CASES", "10000");
            }
            run(&mut cmd)?;
            // Again as the widget builds it: English compiled in, the other
            // tables loaded at run time (unit and integration tests).
            let mut cmd = cargo(
                root,
                &[
                    "test",
                    "-p",
                    "candor-core",
                    "--no-default-features",
                    "--lib",
                    "--tests",
                ],
            );
            if std::env::var_os("PROPTEST_CASES").is_none() {
                cmd.env("PROPTEST_CASES", "10000");
            }
            run(&mut cmd)?;
            // The widget's pure parts (views, the guard's verdict, actions),
            // natively; its browser side is the next group's.
            run(&mut cargo(root, &["test", "-p", "candor-web", "--lib"]))?;
        }
        Id::XtaskTests => run(&mut cargo(root, &["test", "-p", "xtask"]))?,
        Id::Records => crate::records::test(root)?,
        Id::CoreWasm => {
            run(&mut cargo(
                root,
                &[
                    "check",
                    "-p",
                    "candor-core",
                    "--target",
                    "wasm32-unknown-unknown",
                ],
            ))?;
            run(cargo(root, &["doc", "--no-deps", "-p", "candor-core"])
                .env("RUSTDOCFLAGS", "-D warnings"))?
        }
        Id::WebBrowser => web_browser_tests(root)?,
        Id::Build => ctx.sizes = Some(dist::build(root)?),
        Id::Budget => {
            let sizes = ctx
                .sizes
                .as_deref()
                .ok_or("no sizes: the build step did not run")?;
            println!(
                "    {}",
                dist::check_budget(sizes, dist::GZIP_BUDGET_BYTES)?
            );
        }
        Id::E2e => return e2e(root),
        Id::Bundlers => return bundlers(root),
        Id::NpmAudit => return npm_audit(root),
        Id::RustAdvisories => return rust_advisories(root),
        Id::Licenses => crate::licenses::check(root)?,
    }
    Ok(Outcome::Passed)
}

fn web_browser_tests(root: &Path) -> Result<()> {
    let krate = root.join("crates/candor-web");
    let webdriver = krate.join("webdriver.json");
    let mut cmd = Command::new("wasm-pack");
    // --mode no-install: never download anything; wasm-pack uses the
    // wasm-bindgen on PATH (setup put the Cargo.lock version there) and its
    // sibling wasm-bindgen-test-runner. --chromedriver: Debian's driver,
    // matching Debian's Chromium, instead of a download.
    cmd.args([
        "test",
        "--headless",
        "--chrome",
        "--mode",
        "no-install",
        "--chromedriver",
        ensure::CHROMEDRIVER,
    ])
    .arg(&krate)
    .env("CHROMEDRIVER", ensure::CHROMEDRIVER)
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
    .current_dir(root);
    if webdriver.is_file() {
        // Chrome flags (no sandbox as root, no GPU, no network chatter).
        cmd.env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver);
    }
    run(&mut cmd)
}

/// `tests/e2e/*.test.mjs` (and `.test.js`), sorted.
pub fn e2e_test_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && p.file_name()
                            .map(|n| n.to_string_lossy())
                            .is_some_and(|n| n.ends_with(".test.mjs") || n.ends_with(".test.js"))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The end-to-end suites: `tests/e2e/*.test.mjs`, then the hostile
/// catalogue `tests/e2e/hostile/*.test.mjs` (one file per class).
pub fn e2e_suites(dir: &Path) -> Vec<PathBuf> {
    let mut files = e2e_test_files(dir);
    files.extend(e2e_test_files(&dir.join("hostile")));
    files
}

fn e2e(root: &Path) -> Result<Outcome> {
    let files = e2e_suites(&root.join("tests/e2e"));
    if files.is_empty() {
        return Ok(Outcome::Skipped("no tests/e2e/*.test.mjs yet".into()));
    }
    if !root.join("dist/candor/candor.js").is_file() {
        return Err("dist/candor/candor.js is missing: the build step must run first".into());
    }
    let server = serve::start(
        Mounts::demo(root),
        serve::Options {
            port: 0,
            csp: false,
            log: false,
        },
    )?;
    let csp_server = serve::start(
        Mounts::demo(root),
        serve::Options {
            port: 0,
            csp: true,
            log: false,
        },
    );
    let csp_server = match csp_server {
        Ok(s) => s,
        Err(e) => {
            server.stop();
            return Err(e);
        }
    };
    println!(
        "    serving the shop at {} (and under the strict CSP at {})",
        server.url(),
        csp_server.url()
    );
    let mut cmd = Command::new("node");
    cmd.args(["--test", "--test-reporter=spec"])
        .args(files.iter().map(|f| rel(root, f)))
        .env("CANDOR_BASE_URL", server.url())
        .env("CANDOR_CSP_BASE_URL", csp_server.url())
        .current_dir(root);
    if Path::new(ensure::CHROMIUM).exists() {
        cmd.env("CHROMIUM_PATH", ensure::CHROMIUM);
    }
    let result = run(&mut cmd);
    server.stop();
    csp_server.stop();
    result.map(|()| Outcome::Passed)
}

/// The bundler matrix: tests/bundlers/bundlers.test.mjs packs dist/npm,
/// installs the tarball into each app (whose own packages setup installed),
/// builds it and loads it in Chromium; also Vite's dev server.
fn bundlers(root: &Path) -> Result<Outcome> {
    let file = Path::new(ensure::BUNDLERS_DIR).join("bundlers.test.mjs");
    if !root.join(&file).is_file() {
        return Ok(Outcome::Skipped(format!("no {}", file.display())));
    }
    if !root.join("dist/npm/package.json").is_file() {
        return Err("dist/npm/package.json is missing: the build step must run first".into());
    }
    let mut cmd = Command::new("node");
    cmd.args(["--test", "--test-reporter=spec"])
        .arg(&file)
        .current_dir(root);
    if Path::new(ensure::CHROMIUM).exists() {
        cmd.env("CHROMIUM_PATH", ensure::CHROMIUM);
    }
    run(&mut cmd).map(|()| Outcome::Passed)
}

/// Whether npm's failure output means the registry could not be reached
/// (a warning) rather than a vulnerability report (a failure).
pub fn audit_unreachable(output: &str) -> bool {
    const SIGNS: [&str; 9] = [
        "ENOTFOUND",
        "EAI_AGAIN",
        "ECONNREFUSED",
        "ECONNRESET",
        "ETIMEDOUT",
        "ENETUNREACH",
        "audit endpoint returned an error",
        "network request",
        "request to https://",
    ];
    let has_report = output.contains("vulnerabilit") && output.contains("severity");
    !has_report && SIGNS.iter().any(|s| output.contains(s))
}

/// Whether cargo-audit's or cargo-deny's failure output means the RustSec
/// advisory database (a git repository on GitHub) could not be fetched.
pub fn advisory_db_unreachable(output: &str) -> bool {
    [
        "failed to fetch advisory database",
        "couldn't fetch advisory database",
        "Could not resolve host",
        "failed to resolve address",
        "error fetching",
        "network failure",
    ]
    .iter()
    .any(|needle| output.contains(needle))
}

fn rust_advisories(root: &Path) -> Result<Outcome> {
    let shown = "cargo tree --workspace --duplicates -e normal --target all";
    println!("    $ {shown}");
    let out = cargo(
        root,
        &[
            "tree",
            "--workspace",
            "--duplicates",
            "-e",
            "normal",
            "--target",
            "all",
        ],
    )
    .output()
    .context(format!("could not start `{shown}`"))?;
    let dups = String::from_utf8_lossy(&out.stdout);
    if dups.trim().is_empty() {
        println!("    no crate is present in two versions in what ships");
    }
    for line in dups.lines() {
        println!("    {line}");
    }
    let (shown, args): (&str, &[&str]) = if which("cargo-audit").is_some() {
        ("cargo audit", &["audit"])
    } else if which("cargo-deny").is_some() {
        (
            "cargo deny check advisories",
            &["deny", "check", "advisories"],
        )
    } else {
        return Ok(Outcome::Skipped(
            "warning: neither cargo-audit nor cargo-deny is installed (see RELIABILITY.md)".into(),
        ));
    };
    audit(
        shown,
        &mut cargo(root, args),
        advisory_db_unreachable,
        "the RustSec advisory database could not be fetched",
        "advisories",
    )
}

/// Runs an audit and echoes what it says: passed when it succeeds, skipped
/// (with a warning) when `unreachable` recognises that its database could
/// not be reached, failed when it `reports` something.
fn audit(
    shown: &str,
    cmd: &mut Command,
    unreachable: fn(&str) -> bool,
    offline: &str,
    reports: &str,
) -> Result<Outcome> {
    println!("    $ {shown}");
    let out = cmd.output().context(format!("could not start `{shown}`"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for line in text.lines() {
        println!("    {line}");
    }
    if out.status.success() {
        Ok(Outcome::Passed)
    } else if unreachable(&text) {
        Ok(Outcome::Skipped(format!("warning: {offline}")))
    } else {
        Err(format!("`{shown}` reports {reports} ({})", out.status))
    }
}

fn npm_audit(root: &Path) -> Result<Outcome> {
    let dir = root.join("tests/e2e");
    if !dir.join("package-lock.json").is_file() {
        return Ok(Outcome::Skipped("no tests/e2e/package-lock.json".into()));
    }
    if which("npm").is_none() {
        return Err("npm is not on PATH".into());
    }
    let shown = "(in tests/e2e) npm audit --audit-level=high";
    audit(
        shown,
        Command::new("npm")
            .args(["audit", "--audit-level=high"])
            .current_dir(&dir),
        audit_unreachable,
        "the npm registry's audit service could not be reached",
        "vulnerabilities of high severity or worse",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_is_the_plain_ci_form() {
        assert_eq!(summary_line(12, 0, 0), "12 passed, 0 failed");
        assert_eq!(summary_line(9, 1, 2), "9 passed, 1 failed, 2 skipped");
    }

    #[test]
    fn only_selects_groups() {
        let names = |only| {
            STEPS
                .iter()
                .filter(|s| selected(s.group, only))
                .map(|s| s.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(None).len(), STEPS.len());
        assert_eq!(
            names(Some(Only::Core)),
            [
                Id::Setup,
                Id::Fmt,
                Id::ClippyNative,
                Id::ClippyWasm,
                Id::CoreTests,
                Id::XtaskTests,
                Id::Records,
                Id::CoreWasm
            ]
        );
        assert_eq!(
            names(Some(Only::Web)),
            [Id::Setup, Id::WebBrowser, Id::Build, Id::Budget]
        );
        assert_eq!(
            names(Some(Only::E2e)),
            [Id::Setup, Id::Build, Id::Budget, Id::E2e, Id::Bundlers]
        );
        assert_eq!("web".parse::<Only>(), Ok(Only::Web));
        assert!("all".parse::<Only>().is_err());
    }

    #[test]
    fn build_comes_before_budget_and_e2e() {
        let pos = |id| STEPS.iter().position(|s| s.id == id).unwrap();
        assert!(pos(Id::Build) < pos(Id::Budget) && pos(Id::Budget) < pos(Id::E2e));
        assert!(pos(Id::Build) < pos(Id::Bundlers));
        assert_eq!(pos(Id::Setup), 0);
    }

    #[test]
    fn advisory_db_network_failures_are_warnings() {
        assert!(advisory_db_unreachable(
            "error: couldn't fetch advisory database: git operation failed: Could not resolve host: github.com"
        ));
        assert!(!advisory_db_unreachable(
            "Crate: foo\nID: RUSTSEC-2099-0001\nerror: 1 vulnerability found!"
        ));
    }

    #[test]
    fn audit_network_failures_are_warnings() {
        assert!(audit_unreachable(
            "npm ERR! code ENOTFOUND\nnpm ERR! network request to https://registry failed"
        ));
        assert!(audit_unreachable(
            "npm error audit endpoint returned an error"
        ));
        assert!(!audit_unreachable(
            "# npm audit report\n\nfoo  <1.2\nSeverity: high\n1 high severity vulnerability"
        ));
        assert!(!audit_unreachable("something else went wrong"));
    }

    #[test]
    fn finds_only_test_files() {
        let dir = std::env::temp_dir().join(format!("xtask-e2e-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for f in [
            "b.test.mjs",
            "a.test.mjs",
            "helpers.mjs",
            "c.test.js",
            "package.json",
        ] {
            fs::write(dir.join(f), "").unwrap();
        }
        let names: Vec<String> = e2e_test_files(&dir)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.test.mjs", "b.test.mjs", "c.test.js"]);
        assert!(e2e_test_files(&dir.join("missing")).is_empty());
        // The hostile catalogue's folder: its test files, not its helpers.
        fs::create_dir_all(dir.join("hostile")).unwrap();
        for f in ["urls.test.mjs", "lib.mjs"] {
            fs::write(dir.join("hostile").join(f), "").unwrap();
        }
        let suites: Vec<String> = e2e_suites(&dir)
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            suites,
            [
                "a.test.mjs",
                "b.test.mjs",
                "c.test.js",
                "hostile/urls.test.mjs"
            ]
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
