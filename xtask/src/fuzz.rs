//! `cargo xtask fuzz [--seconds N] [--parallel] [target…]`: run the
//! cargo-fuzz targets of `fuzz/` (config, stored, decide) for a given time.
//!
//! Fuzzing needs the nightly toolchain and cargo-fuzz; both are installed
//! here when missing (`rustup toolchain install nightly`, `cargo install
//! cargo-fuzz`), and nothing else in the task runner needs them. Each target
//! grows a working corpus in `fuzz/target/corpus/<target>/` (seeded from the
//! committed `fuzz/corpus/<target>/`, which stays small), writes crashes to
//! `fuzz/target/artifacts/<target>/` and its log to
//! `fuzz/target/logs/<target>.log`. The command fails if any target crashed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::ensure;
use crate::util::{describe, probe, rel, run, Context, Result};

/// Every target, in the order they run.
pub const TARGETS: [&str; 3] = ["config", "stored", "decide"];

/// What `cargo xtask fuzz` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Seconds per target (libFuzzer's `-max_total_time`).
    pub seconds: u64,
    /// Run the targets at the same time instead of one after the other.
    pub parallel: bool,
    /// Targets to run (all when empty).
    pub targets: Vec<String>,
}

/// Parses `[--seconds N] [--parallel] [target…]`.
pub fn options(args: &[String]) -> Result<Options> {
    let mut options = Options {
        seconds: 60,
        parallel: false,
        targets: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let seconds = match arg.as_str() {
            "--seconds" => Some(it.next().ok_or("--seconds needs a number")?.as_str()),
            a if a.starts_with("--seconds=") => Some(a.trim_start_matches("--seconds=")),
            _ => None,
        };
        if let Some(v) = seconds {
            options.seconds = v
                .parse()
                .map_err(|_| format!("--seconds: {v:?} is not a number of seconds"))?;
            continue;
        }
        match arg.as_str() {
            "--parallel" => options.parallel = true,
            t if TARGETS.contains(&t) => options.targets.push(t.to_string()),
            other => {
                return Err(format!(
                    "unknown fuzz target or option {other:?} (targets: {})",
                    TARGETS.join(", ")
                ))
            }
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().map(|t| t.to_string()).collect();
    }
    Ok(options)
}

/// The numbers libFuzzer prints at the end of a run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// `stat::number_of_executed_units`.
    pub executions: Option<u64>,
    /// The `#N DONE …` line.
    pub done: Option<String>,
    /// Whether the run ended on a crash (a panic, `deadly signal`, a leak, a timeout).
    pub crashed: bool,
}

/// Reads a libFuzzer log.
pub fn summarize(log: &str) -> Summary {
    let mut summary = Summary::default();
    for line in log.lines() {
        if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            summary.executions = n.trim().parse().ok();
        } else if line.starts_with('#') && line.split_whitespace().nth(1) == Some("DONE") {
            summary.done = Some(line.trim().to_string());
        } else if line.starts_with("SUMMARY: libFuzzer:") || line.contains("==ERROR: libFuzzer") {
            summary.crashed = true;
        }
    }
    summary
}

fn ensure_tools() -> Result<()> {
    let toolchains = probe(Command::new("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        println!("==> installing the nightly toolchain (fuzzing only)");
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    if probe(Command::new("cargo").args(["+nightly", "fuzz", "--version"])).is_none() {
        println!("==> installing cargo-fuzz");
        ensure::cargo_install("cargo-fuzz", None)?;
    }
    Ok(())
}

fn command(root: &Path, target: &str, seconds: u64) -> Result<(Command, PathBuf)> {
    let fuzz = root.join("fuzz");
    let work = fuzz.join("target/corpus").join(target);
    let artifacts = fuzz.join("target/artifacts").join(target);
    let logs = fuzz.join("target/logs");
    for dir in [&work, &artifacts, &logs] {
        fs::create_dir_all(dir).context(format!("could not create {}", dir.display()))?;
    }
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root)
        .args(["+nightly", "fuzz", "run", "-O", target])
        .arg(&work)
        .arg(fuzz.join("corpus").join(target))
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg("-timeout=10")
        .arg("-print_final_stats=1")
        .arg(format!("-artifact_prefix={}/", artifacts.display()));
    let dict = fuzz.join("dict").join(format!("{target}.dict"));
    if dict.is_file() {
        cmd.arg(format!("-dict={}", dict.display()));
    }
    Ok((cmd, logs.join(format!("{target}.log"))))
}

fn spawn(root: &Path, target: &str, seconds: u64) -> Result<(Child, PathBuf)> {
    let (mut cmd, log) = command(root, target, seconds)?;
    println!("    $ {}\n      log: {}", describe(&cmd), rel(root, &log));
    let out = fs::File::create(&log).context(format!("could not create {}", log.display()))?;
    let err = out.try_clone().context("could not share the log file")?;
    let child = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .context(format!("could not start cargo fuzz for {target}"))?;
    Ok((child, log))
}

/// Runs the targets and prints what each did; fails if one crashed.
pub fn fuzz(root: &Path, options: &Options) -> Result<()> {
    ensure_tools()?;
    println!("==> building the fuzz targets (nightly, fuzz/target/)");
    run(Command::new("cargo")
        .current_dir(root)
        .args(["+nightly", "fuzz", "build", "-O"]))?;
    println!(
        "==> fuzzing {} for {} s each{}",
        options.targets.join(", "),
        options.seconds,
        if options.parallel {
            ", at the same time"
        } else {
            ""
        }
    );
    let mut results = Vec::new();
    let mut running = Vec::new();
    for target in &options.targets {
        let (child, log) = spawn(root, target, options.seconds)?;
        running.push((target.clone(), child, log));
        if !options.parallel {
            results.extend(wait(running.drain(..)));
        }
    }
    results.extend(wait(running.drain(..)));

    println!("\n==> fuzzing results");
    let mut failed = Vec::new();
    for (target, summary) in &results {
        let executions = summary
            .executions
            .map_or_else(|| "?".to_string(), |n| n.to_string());
        println!(
            "    {target:<8} {executions:>12} executions  {}",
            if summary.crashed {
                "CRASHED"
            } else {
                "no crash"
            }
        );
        if let Some(done) = &summary.done {
            println!("             {done}");
        }
        if summary.crashed {
            failed.push(target.as_str());
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} crashed: the input is in fuzz/target/artifacts/<target>/ (see the log in fuzz/target/logs/); \
             reproduce with `cargo +nightly fuzz run -O <target> <file>`, then add a test to \
             crates/candor-core/tests/regressions.rs",
            failed.join(", ")
        ))
    }
}

fn wait(children: impl Iterator<Item = (String, Child, PathBuf)>) -> Vec<(String, Summary)> {
    children
        .map(|(target, mut child, log)| {
            let status = child.wait();
            let text = fs::read_to_string(&log).unwrap_or_default();
            let mut summary = summarize(&text);
            if !status.is_ok_and(|s| s.success()) {
                summary.crashed = true;
            }
            (target, summary)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_to_every_target_for_a_minute() {
        let o = options(&[]).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(o.seconds, 60);
        assert!(!o.parallel);
        assert_eq!(o.targets, args(&TARGETS));
    }

    #[test]
    fn parses_seconds_targets_and_parallel() {
        let o = options(&args(&["--seconds", "1800", "--parallel", "decide"]))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!((o.seconds, o.parallel), (1800, true));
        assert_eq!(o.targets, args(&["decide"]));
        let o = options(&args(&["--seconds=5", "stored", "config"]))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!((o.seconds, o.targets), (5, args(&["stored", "config"])));
        assert!(options(&args(&["--seconds", "soon"])).is_err());
        assert!(options(&args(&["parse"])).is_err());
    }

    #[test]
    fn reads_libfuzzer_final_stats() {
        let log = "#1024\tpulse  cov: 1\n#989784\tDONE   cov: 3937 ft: 10399 corp: 1712/694Kb\n\
                   Done 989784 runs in 61 second(s)\nstat::number_of_executed_units: 989784\n";
        let s = summarize(log);
        assert_eq!(s.executions, Some(989_784));
        assert!(s.done.is_some_and(|d| d.starts_with("#989784")));
        assert!(!s.crashed);
        assert!(summarize("SUMMARY: libFuzzer: deadly signal\n").crashed);
    }
}
