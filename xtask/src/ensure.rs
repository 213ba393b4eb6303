//! `cargo xtask setup`: checks every tool the build and the tests need and
//! installs what is missing, saying what it does. Assumes only rustup/cargo,
//! node/npm and apt-get (as root, or with sudo).
//!
//! The decisions (what is missing, which packages, which commands) are pure
//! functions with unit tests; the probing and installing around them is thin.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use crate::lockfile;
use crate::util::{probe, run, which, Context, Result};

/// Which groups of tools a task needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needs {
    /// wasm target + wasm-bindgen-cli + wasm-opt (npm binaryen) + brotli:
    /// building the widget.
    pub build: bool,
    /// wasm-pack, Chromium, ChromeDriver: the widget's browser tests.
    pub browser: bool,
    /// Chromium, node, npm, the e2e packages and the bundler apps'
    /// packages: the end-to-end and bundler tests.
    pub e2e: bool,
    /// node and npm alone (the npm audit).
    pub node: bool,
}

impl Needs {
    pub const ALL: Needs = Needs {
        build: true,
        browser: true,
        e2e: true,
        node: true,
    };
    pub const BUILD: Needs = Needs {
        build: true,
        browser: false,
        e2e: false,
        node: false,
    };
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
/// A pinned npm package of Binaryen (wasm-opt): Debian bookworm's binaryen
/// 108 rewrites wasm-bindgen's externref table into a funcref one, and the
/// glue then fails at start-up with `WebAssembly.Table.set(): Argument 1 is
/// invalid for table`.
pub const TOOLS_DIR: &str = "xtask/tools";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What was found on the machine, for the system packages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemProbe {
    pub chromium: bool,
    pub chromedriver: bool,
    pub brotli: bool,
}

/// The Debian packages that provide what is missing.
pub fn apt_packages(found: SystemProbe, needs: Needs) -> Vec<&'static str> {
    let mut pkgs = Vec::new();
    let browser = needs.browser || needs.e2e;
    if browser && !found.chromium {
        pkgs.push("chromium");
    }
    if needs.browser && !found.chromedriver {
        pkgs.push("chromium-driver");
    }
    if needs.build && !found.brotli {
        pkgs.push("brotli");
    }
    pkgs
}

/// The commands that install Debian packages: `apt-get update` then
/// `apt-get install`, through `sudo` unless we are root.
pub fn apt_commands(is_root: bool, pkgs: &[&str]) -> Vec<Vec<String>> {
    if pkgs.is_empty() {
        return Vec::new();
    }
    let prefix: Vec<String> = if is_root {
        Vec::new()
    } else {
        vec!["sudo".into()]
    };
    let mut update = prefix.clone();
    update.extend(["apt-get", "update"].map(String::from));
    let mut install = prefix;
    install.extend(["apt-get", "install", "-y", "--no-install-recommends"].map(String::from));
    install.extend(pkgs.iter().map(|p| p.to_string()));
    vec![update, install]
}

/// `wasm-bindgen 0.2.130` → `0.2.130` (the second word, as wasm-pack reads it).
pub fn tool_version(version_output: &str) -> Option<&str> {
    version_output.split_whitespace().nth(1)
}

/// Whether wasm-bindgen-cli must be (re)installed: missing, or not exactly the
/// lock file's version (the CLI and the library must agree to the patch).
pub fn wasm_bindgen_needs_install(version_output: Option<&str>, locked: &str) -> bool {
    version_output.and_then(tool_version) != Some(locked)
}

/// Whether `npm ci` must run: no `node_modules`, or it is older than the lock.
pub fn npm_needs_install(node_modules: Option<SystemTime>, lock: Option<SystemTime>) -> bool {
    match (node_modules, lock) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(installed), Some(lock)) => installed < lock,
    }
}

fn mtime(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn is_root() -> bool {
    probe(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0")
}

/// The wasm-bindgen version pinned by `Cargo.lock`.
pub fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    lockfile::single_version(&lock, "wasm-bindgen")
}

/// The installed `wasm-bindgen --version` output, if any.
pub fn installed_wasm_bindgen() -> Option<String> {
    probe(Command::new("wasm-bindgen").arg("--version"))
}

/// Checks and installs everything `needs` asks for.
pub fn ensure(root: &Path, needs: Needs) -> Result<()> {
    rust_toolchain(root)?;
    if needs.build || needs.browser {
        wasm_bindgen_cli(root)?;
    }
    if needs.browser {
        wasm_pack()?;
    }
    system_packages(needs)?;
    if needs.e2e || needs.node || needs.build {
        node()?;
    }
    if needs.build {
        npm_packages(
            root,
            &root.join(TOOLS_DIR),
            "the build tools (Binaryen's wasm-opt)",
        )?;
    }
    if needs.e2e {
        npm_packages(
            root,
            &root.join("tests/e2e"),
            "the end-to-end tests' packages",
        )?;
        for app in bundler_apps(&root.join(BUNDLERS_DIR)) {
            let name = app
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            npm_packages(root, &app, &format!("the {name} app's packages"))?;
        }
    }
    Ok(())
}

/// The bundler apps: one folder per bundler, each with its pinned
/// package.json and package-lock.json.
pub const BUNDLERS_DIR: &str = "tests/bundlers";

/// The folders of `dir` that hold a package.json, sorted.
pub fn bundler_apps(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut apps: Vec<std::path::PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.join("package.json").is_file())
                .collect()
        })
        .unwrap_or_default();
    apps.sort();
    apps
}

fn rust_toolchain(root: &Path) -> Result<()> {
    // rust-toolchain.toml pins the channel, target and components; rustup
    // installs them on first use, but say so and check explicitly.
    let installed_targets = probe(
        Command::new("rustup")
            .args(["target", "list", "--installed"])
            .current_dir(root),
    )
    .ok_or("rustup is needed: install it from the Rust website (rustup.rs), then rerun")?;
    if !installed_targets
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("    installing the wasm32-unknown-unknown target");
        run(Command::new("rustup")
            .args(["target", "add", "wasm32-unknown-unknown"])
            .current_dir(root))?;
    } else {
        println!("    ok: Rust toolchain with the wasm32-unknown-unknown target");
    }
    let components = probe(
        Command::new("rustup")
            .args(["component", "list", "--installed"])
            .current_dir(root),
    )
    .unwrap_or_default();
    for component in ["rustfmt", "clippy"] {
        if components.lines().any(|l| l.trim().starts_with(component)) {
            println!("    ok: {component}");
        } else {
            println!("    installing the {component} component");
            run(Command::new("rustup")
                .args(["component", "add", component])
                .current_dir(root))?;
        }
    }
    Ok(())
}

fn wasm_bindgen_cli(root: &Path) -> Result<()> {
    let locked = locked_wasm_bindgen(root)?;
    let installed = installed_wasm_bindgen();
    if !wasm_bindgen_needs_install(installed.as_deref(), &locked) {
        println!("    ok: wasm-bindgen-cli {locked} (the Cargo.lock version)");
        return Ok(());
    }
    match installed.as_deref().and_then(tool_version) {
        Some(other) => println!(
            "    wasm-bindgen-cli {other} is installed but Cargo.lock pins {locked}: installing {locked} (a few minutes)"
        ),
        None => println!("    wasm-bindgen-cli is missing: installing {locked} (a few minutes)"),
    }
    cargo_install("wasm-bindgen-cli", Some(&locked))?;
    let now = installed_wasm_bindgen();
    if wasm_bindgen_needs_install(now.as_deref(), &locked) {
        return Err(format!(
            "installed wasm-bindgen-cli {locked}, but `wasm-bindgen --version` now says {:?}: is another wasm-bindgen earlier on PATH?",
            now.unwrap_or_default().trim()
        ));
    }
    Ok(())
}

fn wasm_pack() -> Result<()> {
    if let Some(v) = probe(Command::new("wasm-pack").arg("--version")) {
        println!("    ok: {}", v.trim());
        return Ok(());
    }
    println!("    wasm-pack is missing: installing it (a few minutes)");
    cargo_install("wasm-pack", None)
}

/// `cargo install --locked`, and if the registry no longer serves a version
/// named in the tool's own lock file (a yanked crate: seen with
/// wasm-bindgen-cli 0.2.130 and webpki-roots 1.0.11), once more without
/// `--locked`, letting cargo pick compatible versions.
pub fn cargo_install(krate: &str, version: Option<&str>) -> Result<()> {
    let install = |locked: bool| {
        let mut cmd = Command::new("cargo");
        cmd.args(["install", krate]);
        if let Some(v) = version {
            cmd.args(["--version", &format!("={v}")]);
        }
        if locked {
            cmd.arg("--locked");
        }
        run(&mut cmd)
    };
    install(true).or_else(|e| {
        println!("    {e}\n    retrying without --locked (the tool's lock file names a version the registry does not serve)");
        install(false)
    })
}

fn system_packages(needs: Needs) -> Result<()> {
    let found = SystemProbe {
        chromium: Path::new(CHROMIUM).exists(),
        chromedriver: Path::new(CHROMEDRIVER).exists(),
        brotli: which("brotli").is_some(),
    };
    let pkgs = apt_packages(found, needs);
    if pkgs.is_empty() {
        let mut have = Vec::new();
        if needs.browser || needs.e2e {
            have.push("Chromium");
        }
        if needs.browser {
            have.push("ChromeDriver");
        }
        if needs.build {
            have.push("brotli");
        }
        println!("    ok: {}", have.join(", "));
        return Ok(());
    }
    println!(
        "    missing system packages, installing with apt-get: {}",
        pkgs.join(" ")
    );
    apt_install(&pkgs)
}

/// `apt-get update` and `apt-get install` of `pkgs` (through sudo unless root).
fn apt_install(pkgs: &[&str]) -> Result<()> {
    if which("apt-get").is_none() {
        return Err(format!(
            "apt-get is not available: install these packages (or their equivalents) yourself: {}",
            pkgs.join(" ")
        ));
    }
    for argv in apt_commands(is_root(), pkgs) {
        let (program, args) = argv.split_first().ok_or("empty command")?;
        run(Command::new(program)
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    Ok(())
}

/// Where Debian puts each PostgreSQL version's server programs.
pub const POSTGRES_LIB: &str = "/usr/lib/postgresql";

/// The newest of Debian's PostgreSQL versions (folder names such as `15`).
pub fn newest_postgres(versions: &[String]) -> Option<&str> {
    versions
        .iter()
        .filter_map(|v| v.parse::<u32>().ok().map(|n| (n, v.as_str())))
        .max()
        .map(|(_, v)| v)
}

fn postgres_bin() -> Option<std::path::PathBuf> {
    let versions: Vec<String> = fs::read_dir(POSTGRES_LIB)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let bin = Path::new(POSTGRES_LIB)
        .join(newest_postgres(&versions)?)
        .join("bin");
    (bin.join("postgres").exists() && bin.join("initdb").exists()).then_some(bin)
}

/// The folder of Debian's PostgreSQL server programs (`initdb`, `pg_ctl`,
/// `postgres`); installs the `postgresql` package when they are missing
/// (candor-records' tests and load test run a throwaway cluster of it).
pub fn postgres() -> Result<std::path::PathBuf> {
    if let Some(bin) = postgres_bin() {
        return Ok(bin);
    }
    println!("    PostgreSQL's server is missing, installing with apt-get: postgresql");
    apt_install(&["postgresql"])?;
    postgres_bin().ok_or_else(|| {
        format!("installed postgresql, but found no server under {POSTGRES_LIB}/<version>/bin")
    })
}

fn node() -> Result<()> {
    let node = probe(Command::new("node").arg("--version"));
    let npm = probe(Command::new("npm").arg("--version"));
    let (Some(node), Some(npm)) = (node, npm) else {
        return Err("node and npm are needed (wasm-opt for the build, the end-to-end tests) and were not found on PATH: \
                    install Node.js 20 or newer (for example `apt-get install -y nodejs npm`), then rerun"
            .into());
    };
    println!("    ok: node {}, npm {}", node.trim(), npm.trim());
    Ok(())
}

/// `npm ci` in `dir` when its node_modules is missing or older than its lock.
pub fn npm_packages(root: &Path, dir: &Path, what: &str) -> Result<()> {
    let shown = crate::util::rel(root, dir);
    if !dir.join("package.json").exists() {
        println!("    no {shown}/package.json yet: no npm packages to install");
        return Ok(());
    }
    let lock = dir.join("package-lock.json");
    let modules = dir.join("node_modules");
    // npm writes node_modules/.package-lock.json on every install.
    let installed = mtime(&modules.join(".package-lock.json")).or_else(|| mtime(&modules));
    if !npm_needs_install(installed, mtime(&lock)) {
        println!("    ok: {what} ({shown}/node_modules is up to date with package-lock.json)");
        return Ok(());
    }
    if lock.exists() {
        println!("    installing {what} (npm ci in {shown})");
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir))
    } else {
        println!("    {shown} has no package-lock.json: npm install");
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund"])
            .current_dir(dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const ALL_FOUND: SystemProbe = SystemProbe {
        chromium: true,
        chromedriver: true,
        brotli: true,
    };

    #[test]
    fn nothing_missing_installs_nothing() {
        assert!(apt_packages(ALL_FOUND, Needs::ALL).is_empty());
        assert!(apt_commands(true, &[]).is_empty());
    }

    #[test]
    fn each_missing_tool_maps_to_its_debian_package() {
        let none = SystemProbe::default();
        assert_eq!(
            apt_packages(none, Needs::ALL),
            ["chromium", "chromium-driver", "brotli"]
        );
        let no_driver = SystemProbe {
            chromedriver: false,
            ..ALL_FOUND
        };
        assert_eq!(apt_packages(no_driver, Needs::ALL), ["chromium-driver"]);
    }

    #[test]
    fn a_build_alone_needs_no_browser() {
        assert_eq!(
            apt_packages(SystemProbe::default(), Needs::BUILD),
            ["brotli"]
        );
    }

    #[test]
    fn apt_uses_sudo_only_when_not_root() {
        let root = apt_commands(true, &["brotli"]);
        assert_eq!(root[0], ["apt-get", "update"]);
        assert_eq!(
            root[1],
            [
                "apt-get",
                "install",
                "-y",
                "--no-install-recommends",
                "brotli"
            ]
        );
        let user = apt_commands(false, &["brotli", "chromium"]);
        assert_eq!(user[0], ["sudo", "apt-get", "update"]);
        assert_eq!(user[1][0], "sudo");
        assert_eq!(user[1].last().map(String::as_str), Some("chromium"));
    }

    #[test]
    fn bundler_apps_are_the_folders_with_a_package_json() {
        let dir = std::env::temp_dir().join(format!("xtask-bundlers-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for app in ["webpack", "vite", "lib"] {
            fs::create_dir_all(dir.join(app)).unwrap();
        }
        for app in ["webpack", "vite"] {
            fs::write(dir.join(app).join("package.json"), "{}").unwrap();
        }
        fs::write(dir.join("package.json"), "{}").unwrap();
        let names: Vec<String> = bundler_apps(&dir)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["vite", "webpack"]);
        assert!(bundler_apps(&dir.join("missing")).is_empty());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_newest_postgres_version_wins() {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(newest_postgres(&v(&["9", "15", "13"])), Some("15"));
        assert_eq!(newest_postgres(&v(&["README", "16"])), Some("16"));
        assert_eq!(newest_postgres(&v(&[])), None);
    }

    #[test]
    fn wasm_bindgen_must_match_the_lock_exactly() {
        assert!(!wasm_bindgen_needs_install(
            Some("wasm-bindgen 0.2.130\n"),
            "0.2.130"
        ));
        assert!(wasm_bindgen_needs_install(
            Some("wasm-bindgen 0.2.129\n"),
            "0.2.130"
        ));
        assert!(wasm_bindgen_needs_install(
            Some("wasm-bindgen 0.2.1300"),
            "0.2.130"
        ));
        assert!(wasm_bindgen_needs_install(Some(""), "0.2.130"));
        assert!(wasm_bindgen_needs_install(None, "0.2.130"));
    }

    #[test]
    fn npm_installs_when_missing_or_stale() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let t1 = t0 + Duration::from_secs(1);
        assert!(npm_needs_install(None, Some(t0)));
        assert!(npm_needs_install(None, None));
        assert!(npm_needs_install(Some(t0), Some(t1)));
        assert!(!npm_needs_install(Some(t1), Some(t0)));
        assert!(!npm_needs_install(Some(t0), Some(t0)));
        assert!(!npm_needs_install(Some(t0), None));
    }
}
