//! Candor's task runner. `cargo xtask help` lists the commands.

mod bench;
mod dist;
mod ensure;
mod fuzz;
mod licenses;
mod lockfile;
mod pipeline;
mod records;
mod release;
mod serve;
mod util;

use std::process::ExitCode;

use util::Result;

const USAGE: &str = "\
Candor's task runner

usage: cargo xtask <command> [options]

commands:
  setup    check the tools the build and the tests need and install what is
           missing: the wasm32 target, rustfmt, clippy, wasm-bindgen-cli at the
           Cargo.lock version, wasm-pack (cargo install); Chromium, ChromeDriver,
           brotli (apt-get); Binaryen's wasm-opt (npm, in xtask/tools) and the
           e2e tests' npm packages (npm ci)
  build    build the widget: dist/candor/ (script tag) and dist/npm/ (npm
           package `candor`); print what a site downloads (raw, gzip, brotli),
           also written to dist/sizes.json
  dist     build, then write what a shop downloads to dist/release/: the npm
           tarball (npm pack dist/npm), candor-<version>.tar.gz (the script-tag
           folder with a README, the licences and embed.html, the snippet with
           SRI hashes and the wasm's preload hint) and SHA256SUMS; prints
           every file with its size
  serve    build, then serve the demo shop on http://127.0.0.1:8080, with
           candor-records (the receipt collector, SQLite in target/records-demo/)
           behind the shop's /consent-receipts; prints the dashboard's URL
             --port N     another port
             --no-build   serve the current dist/ as it is
             --csp        send a strict Content-Security-Policy on every response
  test     run every check and test in order, failing fast: tools, fmt, clippy
           (native and wasm32), core tests, core wasm build, widget browser
           tests, build and size budget, end-to-end tests, the npm package in
           Vite, webpack, Rollup and esbuild apps (tests/bundlers), npm
           audit, licences
             --skip-browser      skip the three steps that drive Chromium
             --only core|web|e2e run one group (plus setup)
             --keep-going        run every step even after a failure
  fuzz     run the cargo-fuzz targets (config, stored, decide); installs the
           nightly toolchain and cargo-fuzz if missing (only this needs them)
             --seconds N  per target (default 60)
             --parallel   run the targets at the same time
             TARGET...    only these targets
  bench    Candor against vanilla-cookieconsent, Klaro and Orejime in
           headless Chromium, each embedded with its own documented snippet:
           bytes, banner visible and Reject all handled at 1x, 4x CPU and a
           mobile network profile, paired by round against the fastest
           anchor with 90% intervals and an A/A control; main-thread cost,
           memory, allows() ns; plus candor-core's criterion figures; writes
           bench/results/ and, after a full run, docs/benchmark.md
             --runs N           rounds (default 30)
             --quick            3 rounds (bench/results/ only)
             --profiles LIST    1x,4x,mobile (default all three)
             --only ID,ID       these widgets only (Candor's A/A copy comes along)
             --no-aa            without the A/A copy
             --no-build         measure the current dist/ as it is
           `node bench/breakdown.mjs` shows where Candor's start-up time goes
  records-load
           candor-records under load on loopback, on SQLite and on a throwaway
           PostgreSQL: receipts/s, p50/p99 latency, then kill -9 under load,
           a restart and a count of every acknowledged receipt
             --seconds N      measured seconds per database (default 20)
             --concurrency N  requests in flight (default 32)
  help     this text
";

fn main() -> ExitCode {
    util::put_cargo_bin_on_path();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nerror: {e}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[String]) -> Result<()> {
    let root = util::root();
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("help", &[][..]),
    };
    match command {
        "setup" => {
            no_options(rest)?;
            println!("==> setup: checking tools, installing what is missing");
            ensure::ensure(&root, ensure::Needs::ALL)?;
            println!("==> setup done");
            Ok(())
        }
        "build" => {
            no_options(rest)?;
            build(&root)
        }
        "dist" => {
            no_options(rest)?;
            build(&root)?;
            println!("\n==> writing the release");
            release::write(&root)
        }
        "serve" => serve(&root, rest),
        "test" => {
            let options = test_options(rest)?;
            pipeline::test(&root, options)
        }
        "fuzz" => fuzz::fuzz(&root, &fuzz::options(rest)?),
        "bench" => bench::bench(&root, &bench::options(rest)?),
        "records-load" => records::load(&root, records::load_options(rest)?),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

fn no_options(rest: &[String]) -> Result<()> {
    match rest.first() {
        Some(arg) => Err(format!(
            "unexpected argument {arg:?} (see `cargo xtask help`)"
        )),
        None => Ok(()),
    }
}

fn build(root: &std::path::Path) -> Result<()> {
    println!("==> checking the build tools");
    ensure::ensure(root, ensure::Needs::BUILD)?;
    println!("==> building the widget");
    let sizes = dist::build(root)?;
    match dist::check_budget(&sizes, dist::GZIP_BUDGET_BYTES) {
        Ok(msg) => println!("    {msg}"),
        Err(msg) => println!("    warning: {msg}"),
    }
    Ok(())
}

fn test_options(rest: &[String]) -> Result<pipeline::Options> {
    let mut options = pipeline::Options::default();
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--skip-browser" => options.skip_browser = true,
            "--keep-going" => options.keep_going = true,
            "--only" => {
                let v = it.next().ok_or("--only needs core, web or e2e")?;
                options.only = Some(v.parse()?);
            }
            a if a.starts_with("--only=") => {
                options.only = Some(a.trim_start_matches("--only=").parse()?);
            }
            other => {
                return Err(format!(
                    "unknown test option {other:?} (see `cargo xtask help`)"
                ))
            }
        }
    }
    Ok(options)
}

fn serve(root: &std::path::Path, rest: &[String]) -> Result<()> {
    let mut options = serve::Options {
        port: 8080,
        csp: false,
        log: true,
    };
    let mut build_first = true;
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--no-build" => build_first = false,
            "--csp" => options.csp = true,
            "--port" => {
                let v = it.next().ok_or("--port needs a number")?;
                options.port = v
                    .parse()
                    .map_err(|_| format!("--port: {v:?} is not a port number"))?;
            }
            a if a.starts_with("--port=") => {
                let v = a.trim_start_matches("--port=");
                options.port = v
                    .parse()
                    .map_err(|_| format!("--port: {v:?} is not a port number"))?;
            }
            other => {
                return Err(format!(
                    "unknown serve option {other:?} (see `cargo xtask help`)"
                ))
            }
        }
    }
    if build_first {
        build(root)?;
    } else if !root.join("dist/candor/candor.js").is_file() {
        println!("warning: dist/candor/candor.js does not exist yet: run `cargo xtask build` (or drop --no-build)");
    }
    let csp = options.csp;
    println!("\n==> starting candor-records, the shop's receipt collector");
    let records = records::start_demo(root, options.port)?;
    let mounts = serve::Mounts::demo(root).proxy("consent-receipts", records.addr);
    let server = match serve::start(mounts, options) {
        Ok(s) => s,
        Err(e) => {
            records.stop();
            return Err(e);
        }
    };
    println!("\n==> serving the demo shop at {}/", server.url());
    println!("    www/ at /, dist/candor/ at /candor/, dist/npm/ at /npm/");
    println!("    POST /consent-receipts (the config's receiptEndpoint) goes to candor-records");
    println!("    dashboard: {}", records.dashboard_url());
    println!("    token:     {}", records.token);
    if csp {
        println!("    with Content-Security-Policy: {}", serve::STRICT_CSP);
    }
    println!("    press Ctrl+C to stop\n");
    server.wait();
    records.stop();
    Ok(())
}
