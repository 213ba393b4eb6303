//! candor-records in the task runner: a throwaway PostgreSQL cluster for
//! its tests and load test, the service next to the demo shop, and the
//! load test (`cargo xtask records-load`).
//!
//! The cluster is Debian's `postgresql` (installed by `ensure::postgres`),
//! initialised in a fresh temporary folder, listening on a free loopback
//! port with its socket in that folder, and removed when dropped. As root
//! it runs as the `postgres` user: the server refuses to run as root.

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::ensure;
use crate::util::{probe, rel, run, target_dir, Context, Result};

/// The crate's folder.
pub const CRATE_DIR: &str = "crates/candor-records";

/// A PostgreSQL server of our own; stopped and deleted on drop.
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
    running: bool,
}

fn is_root() -> bool {
    probe(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0")
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> Result<u16> {
    let l = TcpListener::bind(("127.0.0.1", 0)).context("finding a free port")?;
    Ok(l.local_addr().context("reading the port")?.port())
}

impl Cluster {
    /// Initialises and starts a cluster. `durable: false` turns fsync and
    /// synchronous commit off (tests: nothing to keep); the load test keeps
    /// PostgreSQL's defaults.
    pub fn start(durable: bool) -> Result<Cluster> {
        let bin = ensure::postgres()?;
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("candor-pg-{}-{stamp}", std::process::id()));
        fs::create_dir_all(&dir).context(format!("creating {}", dir.display()))?;
        let as_postgres = is_root();
        let mut cluster = Cluster {
            bin,
            dir,
            port: free_port()?,
            as_postgres,
            running: false,
        };
        if as_postgres {
            // The server runs as `postgres`: it must own its folder.
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&cluster.dir))?;
        }
        let data = cluster.dir.join("data");
        let log = cluster.dir.join("server.log");
        run(cluster
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .stdout(Stdio::null()))?;
        let mut options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=100",
            cluster.port,
            cluster.dir.display()
        );
        if !durable {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        let started = run(cluster
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-o", &options, "-w", "-t", "60", "start"])
            .stdout(Stdio::null()));
        if let Err(e) = started {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("{e}\n  server log:\n{tail}"));
        }
        cluster.running = true;
        println!(
            "    PostgreSQL ({}) on 127.0.0.1:{} in {}",
            cluster.bin.display(),
            cluster.port,
            cluster.dir.display()
        );
        Ok(cluster)
    }

    fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        }
    }

    /// The administrator URL (database `postgres`).
    pub fn url(&self) -> String {
        self.url_for("postgres")
    }

    /// The URL of one database of the cluster.
    pub fn url_for(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates a database.
    pub fn create_db(&self, name: &str) -> Result<()> {
        run(self.command("createdb").args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
            name,
        ]))
    }

    /// Stops the server (fast shutdown) and deletes its folder.
    pub fn stop(mut self) -> Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<()> {
        let mut result = Ok(());
        if self.running {
            self.running = false;
            result = run(self
                .command("pg_ctl")
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-m", "fast", "-w", "stop"])
                .stdout(Stdio::null()));
        }
        let _ = fs::remove_dir_all(&self.dir);
        result
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// The `cargo xtask test` step: the crate's tests on SQLite and on a
/// throwaway PostgreSQL, which is then removed.
pub fn test(root: &Path) -> Result<()> {
    let cluster = Cluster::start(false)?;
    let mut cmd = Command::new("cargo");
    cmd.args(["test", "-p", "candor-records"])
        .env("CANDOR_RECORDS_PG_URL", cluster.url())
        .env("CANDOR_RECORDS_REQUIRE_PG", "1")
        .current_dir(root);
    let result = run(&mut cmd);
    let stopped = cluster.stop();
    result.and(stopped)
}

/// What `cargo xtask setup` and the test step need for the records
/// service: PostgreSQL (apt-get) and the dashboard's chart library (npm).
pub fn setup(root: &Path) -> Result<()> {
    let bin = ensure::postgres()?;
    println!("    ok: PostgreSQL server ({})", bin.display());
    ensure::npm_packages(
        root,
        &root.join(CRATE_DIR),
        "the records dashboard's chart library (Chart.js)",
    )
}

/// The service running next to the demo shop.
#[derive(Debug)]
pub struct Demo {
    child: Child,
    /// Held open: when this process ends, however, the service sees its
    /// standard input close and stops.
    lifeline: Option<std::process::ChildStdin>,
    /// Where it listens.
    pub addr: SocketAddr,
    /// The bearer token of its reads and dashboard.
    pub token: String,
}

impl Demo {
    /// The dashboard's address, token included (in the fragment, which
    /// browsers never send to a server).
    pub fn dashboard_url(&self) -> String {
        format!("http://{}/dashboard#token={}", self.addr, self.token)
    }

    /// Stops the service: closes its standard input (it stops gracefully),
    /// and kills it if it has not within 10 s.
    pub fn stop(mut self) {
        drop(self.lifeline.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn random_token() -> Result<String> {
    let mut bytes = [0u8; 18];
    let mut f = fs::File::open("/dev/urandom").context("opening /dev/urandom")?;
    std::io::Read::read_exact(&mut f, &mut bytes).context("reading /dev/urandom")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The demo's settings: the shop's origins on `shop_port`, the shop's
/// config file, a SQLite file and a token kept in `dir` across runs.
pub fn demo_settings(
    root: &Path,
    dir: &Path,
    shop_port: u16,
    listen_port: u16,
    token: &str,
) -> String {
    format!(
        r#"# Written by `cargo xtask serve`: candor-records next to the demo shop.
listen = "127.0.0.1:{listen_port}"
database_url = "sqlite://{db}"
allowed_origins = ["http://127.0.0.1:{shop_port}", "http://localhost:{shop_port}"]
token = "{token}"
ip_hash_key = "{token}-ip"
retention_days = 1095
# Every demo visitor comes through the shop's server on 127.0.0.1.
trusted_proxies = ["127.0.0.1"]
rate_per_minute = 6000
rate_burst = 1000
site_configs = ["{config}"]
chart_js = "{chart}"
"#,
        db = dir.join("receipts.db").display(),
        config = root.join("www/candor.json").display(),
        chart = root
            .join(CRATE_DIR)
            .join("node_modules/chart.js/dist/chart.umd.min.js")
            .display(),
    )
}

/// Builds the service (debug), starts it for the demo shop on `shop_port`
/// and waits until it listens.
pub fn start_demo(root: &Path, shop_port: u16) -> Result<Demo> {
    ensure::npm_packages(
        root,
        &root.join(CRATE_DIR),
        "the records dashboard's chart library (Chart.js)",
    )?;
    run(Command::new("cargo")
        .args(["build", "-p", "candor-records"])
        .current_dir(root))?;
    let dir = target_dir(root).join("records-demo");
    fs::create_dir_all(&dir).context(format!("creating {}", dir.display()))?;
    let token_file = dir.join("token");
    let token = match fs::read_to_string(&token_file) {
        Ok(t) if t.trim().len() >= 16 => t.trim().to_string(),
        _ => {
            let t = random_token()?;
            fs::write(&token_file, &t).context("writing the demo token")?;
            t
        }
    };
    // Next to the shop's port (8090 for 8080) when that is free.
    let near = shop_port.checked_add(10).filter(|p| *p > 10);
    let listen_port = match near {
        Some(p) if TcpListener::bind(("127.0.0.1", p)).is_ok() => p,
        _ => free_port()?,
    };
    let settings = dir.join("records.toml");
    fs::write(
        &settings,
        demo_settings(root, &dir, shop_port, listen_port, &token),
    )
    .context("writing the records settings")?;
    let binary = target_dir(root).join("debug/candor-records");
    let (mut child, addr) = spawn_service(&binary, &settings, &["--stop-when-stdin-closes"])?;
    let lifeline = child.stdin.take();
    println!(
        "    candor-records on http://{addr}: SQLite {}, settings {}",
        rel(root, &dir.join("receipts.db")),
        rel(root, &settings)
    );
    Ok(Demo {
        child,
        lifeline,
        addr,
        token,
    })
}

/// Starts the service binary (with `args` after its settings) and waits
/// (60 s at most) for the line that says where it listens; its output goes
/// on to the terminal. Its standard input is a pipe.
pub fn spawn_service(binary: &Path, settings: &Path, args: &[&str]) -> Result<(Child, SocketAddr)> {
    let mut cmd = Command::new(binary);
    cmd.arg("--config")
        .arg(settings)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = cmd
        .spawn()
        .context(format!("starting {}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout from the service")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            if !sent {
                if let Some(addr) = line
                    .strip_prefix("candor-records listening on http://")
                    .and_then(|rest| rest.split_whitespace().next())
                    .and_then(|a| a.parse::<SocketAddr>().ok())
                {
                    let _ = tx.send(addr);
                    sent = true;
                }
            }
            println!("    {line}");
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(addr) = rx.recv_timeout(Duration::from_millis(100)) {
            return Ok((child, addr));
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("candor-records stopped at start-up ({status})"));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err("candor-records did not start within 60 s".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_settings_name_the_shop_and_its_config() {
        let s = demo_settings(
            Path::new("/r"),
            Path::new("/r/target/records-demo"),
            8080,
            8090,
            "t0k3n-0123456789",
        );
        assert!(s.contains("listen = \"127.0.0.1:8090\""));
        assert!(s.contains("\"http://127.0.0.1:8080\", \"http://localhost:8080\""));
        assert!(s.contains("site_configs = [\"/r/www/candor.json\"]"));
        assert!(s.contains("sqlite:///r/target/records-demo/receipts.db"));
    }
}

/// `cargo xtask records-load` options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// Seconds of measured load per database.
    pub seconds: u64,
    /// Requests in flight.
    pub concurrency: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            seconds: 20,
            concurrency: 32,
        }
    }
}

/// Parses `--seconds N` and `--concurrency N`.
pub fn load_options(args: &[String]) -> Result<LoadOptions> {
    let mut o = LoadOptions::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<u64> {
            let v = it.next().ok_or(format!("{name} needs a number"))?;
            v.parse()
                .map_err(|_| format!("{name}: {v:?} is not a number"))
        };
        match arg.as_str() {
            "--seconds" => o.seconds = number("--seconds")?.clamp(1, 300),
            "--concurrency" => o.concurrency = number("--concurrency")?.clamp(1, 512) as usize,
            other => {
                return Err(format!(
                    "unknown records-load option {other:?} (see `cargo xtask help`)"
                ))
            }
        }
    }
    Ok(o)
}

fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn load_settings(root: &Path, port: u16, database_url: &str) -> String {
    format!(
        r#"# Written by `cargo xtask records-load`.
listen = "127.0.0.1:{port}"
database_url = "{database_url}"
allowed_origins = ["http://127.0.0.1:8080"]
token = "load-test-token-0123456789"
ip_hash_key = "load-test-ip-key-0123456789"
trusted_proxies = ["127.0.0.1"]
site_configs = ["{}"]
"#,
        root.join("www/candor.json").display()
    )
}

fn generator(
    root: &Path,
    bin: &Path,
    addr: SocketAddr,
    seconds: u64,
    concurrency: usize,
    acked: Option<&Path>,
    seed: u64,
) -> Command {
    let mut cmd = Command::new(bin.join("candor-records-load"));
    cmd.args(["run", "--url", &format!("http://{addr}/receipts")])
        .args(["--origin", "http://127.0.0.1:8080"])
        .arg("--config")
        .arg(root.join("www/candor.json"))
        .args(["--seconds", &seconds.to_string()])
        .args(["--concurrency", &concurrency.to_string()])
        .args(["--seed", &seed.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    if let Some(path) = acked {
        cmd.arg("--acked").arg(path);
    }
    cmd
}

fn json_line(out: &[u8]) -> Result<String> {
    String::from_utf8_lossy(out)
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .map(str::to_string)
        .ok_or_else(|| "the load generator printed no result".to_string())
}

/// `"key":value` of a flat JSON line (numbers only).
fn field(line: &str, key: &str) -> String {
    let needle = format!("\"{key}\":");
    line.split(&needle)
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
                .collect()
        })
        .unwrap_or_else(|| "?".into())
}

/// `cargo xtask records-load`: per database, a measured run, then a crash
/// run (`kill -9` of the service under load, a restart, and a check that
/// every acknowledged receipt is stored once). Loopback only, bounded.
pub fn load(root: &Path, o: LoadOptions) -> Result<()> {
    println!("==> building candor-records optimised (opt-level 3, its own target folder)");
    let build_dir = target_dir(root).join("records-release");
    run(Command::new("cargo")
        .args(["build", "--release", "-p", "candor-records", "--bins"])
        .env("CARGO_TARGET_DIR", &build_dir)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
        .env("CARGO_PROFILE_RELEASE_LTO", "thin")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_PANIC", "unwind")
        .current_dir(root))?;
    let bin = build_dir.join("release");
    let dir = target_dir(root).join("records-load");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).context(format!("creating {}", dir.display()))?;
    println!("==> a PostgreSQL cluster with its default durability (fsync on)");
    let cluster = Cluster::start(true)?;
    cluster.create_db("records_load")?;
    cluster.create_db("records_crash")?;
    // The crash runs get databases of their own, so that their counts are
    // theirs alone.
    let sqlite = |name: &str| format!("sqlite://{}", dir.join(name).display());
    let databases = [
        ("SQLite", sqlite("load.db"), sqlite("crash.db")),
        (
            "PostgreSQL",
            cluster.url_for("records_load"),
            cluster.url_for("records_crash"),
        ),
    ];
    let mut runs = Vec::new();
    let mut crashes = Vec::new();
    for (i, (name, url, crash_url)) in databases.iter().enumerate() {
        let port = free_port()?;
        let settings = dir.join(format!("records-{i}.toml"));
        fs::write(&settings, load_settings(root, port, url)).context("writing settings")?;
        println!(
            "\n==> {name}: {} s at {} in flight",
            o.seconds, o.concurrency
        );
        let (mut service, addr) = spawn_service(&bin.join("candor-records"), &settings, &[])?;
        let warm = generator(root, &bin, addr, 2, o.concurrency, None, 1000 + i as u64).output();
        let measured = warm.and_then(|_| {
            generator(
                root,
                &bin,
                addr,
                o.seconds,
                o.concurrency,
                None,
                2000 + i as u64,
            )
            .output()
        });
        terminate(&mut service);
        let measured = json_line(&measured.context("running the load generator")?.stdout)?;
        println!("    {measured}");
        let stats = Command::new(bin.join("candor-records-load"))
            .args(["stats", "--database-url", url])
            .output()
            .context("measuring the database")?;
        let stats = json_line(&stats.stdout)?;
        println!("    {stats}");
        runs.push((*name, measured, stats));

        println!("\n==> {name}: kill -9 under load, restart, count");
        let acked = dir.join(format!("acked-{i}.txt"));
        let settings = dir.join(format!("records-crash-{i}.toml"));
        fs::write(&settings, load_settings(root, port, crash_url)).context("writing settings")?;
        let (mut service, addr) = spawn_service(&bin.join("candor-records"), &settings, &[])?;
        let load = generator(
            root,
            &bin,
            addr,
            12,
            o.concurrency,
            Some(&acked),
            3000 + i as u64,
        )
        .spawn()
        .context("starting the load generator")?;
        std::thread::sleep(Duration::from_secs(4));
        println!("    kill -9 {} (candor-records, under load)", service.id());
        let _ = service.kill();
        let _ = service.wait();
        std::thread::sleep(Duration::from_secs(1));
        let (mut service, _) = spawn_service(&bin.join("candor-records"), &settings, &[])?;
        println!("    restarted; the load goes on");
        let out = load
            .wait_with_output()
            .context("waiting for the load generator")?;
        terminate(&mut service);
        let crash_run = json_line(&out.stdout)?;
        let check = Command::new(bin.join("candor-records-load"))
            .args(["verify", "--database-url", crash_url, "--acked"])
            .arg(&acked)
            .output()
            .context("running the check")?;
        let check = json_line(&check.stdout)?;
        println!("    load: {crash_run}\n    check: {check}");
        crashes.push((*name, crash_run, check));
    }
    cluster.stop()?;

    let mut md = String::from(
        "| database | receipts stored/s | p50 ms | p99 ms | max ms | requests | non-201 | errors | JSON bytes/receipt | disk bytes/receipt |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    for (name, line, stats) in &runs {
        let sent: u64 = field(line, "sent").parse().unwrap_or(0);
        let acked: u64 = field(line, "acked").parse().unwrap_or(0);
        md.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {sent} | {} | {} | {} | {} |\n",
            field(line, "stored_per_second"),
            field(line, "p50_ms"),
            field(line, "p99_ms"),
            field(line, "max_ms"),
            sent.saturating_sub(acked),
            field(line, "errors"),
            field(stats, "body_bytes_per_receipt"),
            field(stats, "disk_bytes_per_receipt"),
        ));
    }
    md.push_str(
        "\n| database | acknowledged (2xx) | stored | acknowledged but missing | stored twice | stored, not acknowledged | errors while down |\n|---|--:|--:|--:|--:|--:|--:|\n",
    );
    let mut lost = 0u64;
    for (name, crash_run, check) in &crashes {
        let missing: u64 = field(check, "acked_missing").parse().unwrap_or(1);
        let twice: u64 = field(check, "stored_twice").parse().unwrap_or(1);
        lost += missing + twice;
        md.push_str(&format!(
            "| {name} | {} | {} | {missing} | {twice} | {} | {} |\n",
            field(check, "acked"),
            field(check, "stored"),
            field(check, "stored_not_acked"),
            field(crash_run, "errors"),
        ));
    }
    let results = dir.join("results.md");
    fs::write(&results, &md).context("writing the results")?;
    println!("\n==> results ({})\n\n{md}", rel(root, &results));
    if lost > 0 {
        return Err(format!(
            "{lost} acknowledged receipt(s) missing or stored twice after the crash"
        ));
    }
    Ok(())
}
