//! The load generator of `cargo xtask records-load`: posts realistic
//! receipts (candor-core's `Engine` on the shop's config, simulated
//! visitors) to a running candor-records on loopback for a bounded time,
//! and checks afterwards that every acknowledged receipt is stored once.
//!
//! ```text
//! candor-records-load run --url http://127.0.0.1:8090/receipts --origin http://127.0.0.1:8080 \
//!     --config www/candor.json --seconds 20 --concurrency 32 [--acked FILE] [--seed N]
//! candor-records-load verify --database-url URL --acked FILE
//! candor-records-load stats --database-url URL
//! ```
//!
//! `run` prints one JSON line: requests, statuses, errors, receipts stored
//! per second, and latency percentiles of the acknowledged posts. Each
//! simulated visitor gets its own client address in `X-Forwarded-For`
//! (loopback-range strings: the service is told to trust 127.0.0.1 as its
//! proxy), so the per-client rate limit applies as it would in production.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use candor_core::Config;
use candor_records::db::Db;
use candor_records::fetch::{client, HttpClient};
use candor_records::sha256_hex;
use candor_records::simulate::Visitors;
use candor_records::time::now_ms;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

/// Hard cap on the requests of one run, whatever its duration.
const MAX_REQUESTS: u64 = 5_000_000;

struct Run {
    url: String,
    origin: String,
    config: PathBuf,
    seconds: u64,
    concurrency: usize,
    acked: Option<PathBuf>,
    seed: u64,
}

#[derive(Default)]
struct Tally {
    sent: u64,
    statuses: HashMap<u16, u64>,
    errors: u64,
    /// Microseconds of the acknowledged (201) posts.
    latencies: Vec<u32>,
    acked: Vec<String>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("candor-records-load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.first().map(String::as_str) {
        Some("run") => {
            parse_run(args.get(1..).unwrap_or(&[])).and_then(|r| runtime.block_on(run(r)))
        }
        Some("verify") => runtime.block_on(verify(args.get(1..).unwrap_or(&[]))),
        Some("stats") => runtime.block_on(stats(args.get(1..).unwrap_or(&[]))),
        _ => Err("usage: candor-records-load run|verify … (see the source's header)".into()),
    };
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("candor-records-load: {e}");
            ExitCode::FAILURE
        }
    }
}

fn value<'a>(args: &'a [String], i: &mut usize, flag: &str) -> Result<&'a str, String> {
    *i += 1;
    args.get(*i)
        .map(String::as_str)
        .ok_or_else(|| format!("{flag} needs a value"))
}

fn number(s: &str, flag: &str) -> Result<u64, String> {
    s.parse()
        .map_err(|_| format!("{flag}: {s:?} is not a number"))
}

fn parse_run(args: &[String]) -> Result<Run, String> {
    let mut r = Run {
        url: String::new(),
        origin: String::new(),
        config: PathBuf::from("www/candor.json"),
        seconds: 20,
        concurrency: 32,
        acked: None,
        seed: 1,
    };
    let mut i = 0;
    while let Some(flag) = args.get(i) {
        let flag = flag.as_str();
        match flag {
            "--url" => r.url = value(args, &mut i, flag)?.to_string(),
            "--origin" => r.origin = value(args, &mut i, flag)?.to_string(),
            "--config" => r.config = PathBuf::from(value(args, &mut i, flag)?),
            "--seconds" => r.seconds = number(value(args, &mut i, flag)?, flag)?.clamp(1, 600),
            "--concurrency" => {
                r.concurrency = number(value(args, &mut i, flag)?, flag)?.clamp(1, 512) as usize;
            }
            "--acked" => r.acked = Some(PathBuf::from(value(args, &mut i, flag)?)),
            "--seed" => r.seed = number(value(args, &mut i, flag)?, flag)?,
            other => return Err(format!("unknown option {other:?}")),
        }
        i += 1;
    }
    if !r.url.starts_with("http://127.") && !r.url.starts_with("http://localhost") {
        return Err(format!(
            "--url {:?}: loopback only (http://127.x.x.x…)",
            r.url
        ));
    }
    if r.origin.is_empty() {
        return Err("--origin is needed (one of the service's allowed origins)".into());
    }
    Ok(r)
}

/// The client address of visitor `n`: a loopback-range string.
fn client_address(n: u64) -> String {
    let n = n % 60_000 + 256;
    format!("127.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

async fn post(
    http: &HttpClient,
    r: &Run,
    body: &str,
    client: &str,
) -> Result<(u16, String), String> {
    let request = hyper::Request::post(&r.url)
        .header("origin", &r.origin)
        .header("content-type", "text/plain;charset=UTF-8")
        .header("x-forwarded-for", client)
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| e.to_string())?;
    let response = http.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}

async fn run(r: Run) -> Result<String, String> {
    let text =
        std::fs::read_to_string(&r.config).map_err(|e| format!("{}: {e}", r.config.display()))?;
    let config = Config::from_json(&text).map_err(|e| format!("{}: {e}", r.config.display()))?;
    let visitors = Arc::new(Mutex::new(Visitors::new(config, r.seed)));
    let http = client(r.concurrency);
    let r = Arc::new(r);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(r.seconds);
    let mut workers = Vec::new();
    for _ in 0..r.concurrency {
        let (visitors, http, r) = (Arc::clone(&visitors), http.clone(), Arc::clone(&r));
        workers.push(tokio::spawn(async move {
            let mut t = Tally::default();
            let mut serial = 0u64;
            while Instant::now() < deadline && t.sent < MAX_REQUESTS {
                let visit = {
                    let mut v = visitors.lock().unwrap_or_else(|e| e.into_inner());
                    serial = serial.wrapping_add(1);
                    v.visit(u64::try_from(now_ms()).unwrap_or(0))
                };
                let who = client_address(
                    u64::from_str_radix(visit.consent_id.get(..8).unwrap_or("0"), 16)
                        .unwrap_or(serial),
                );
                for body in &visit.receipts {
                    if Instant::now() >= deadline {
                        break;
                    }
                    t.sent += 1;
                    let sent_at = Instant::now();
                    match post(&http, &r, body, &who).await {
                        Ok((status, answer)) => {
                            *t.statuses.entry(status).or_default() += 1;
                            if status == 201 {
                                let took = sent_at.elapsed().as_micros();
                                t.latencies.push(u32::try_from(took).unwrap_or(u32::MAX));
                                let hash = serde_json::from_str::<serde_json::Value>(&answer)
                                    .ok()
                                    .and_then(|v| v.get("receipt")?.as_str().map(str::to_string))
                                    .unwrap_or_else(|| sha256_hex(body.as_bytes()));
                                t.acked.push(hash);
                            }
                        }
                        Err(_) => {
                            // Service down (the crash test): try again shortly.
                            t.errors += 1;
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    }
                }
            }
            t
        }));
    }
    let mut all = Tally::default();
    for w in workers {
        let t = w.await.map_err(|e| e.to_string())?;
        all.sent += t.sent;
        all.errors += t.errors;
        for (s, n) in t.statuses {
            *all.statuses.entry(s).or_default() += n;
        }
        all.latencies.extend(t.latencies);
        all.acked.extend(t.acked);
    }
    let seconds = started.elapsed().as_secs_f64();
    if let Some(path) = &r.acked {
        let mut f = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        for h in &all.acked {
            writeln!(f, "{h}").map_err(|e| e.to_string())?;
        }
        f.sync_all().map_err(|e| e.to_string())?;
    }
    all.latencies.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.latencies.is_empty() {
            return 0.0;
        }
        let i = ((all.latencies.len() as f64 - 1.0) * p).round() as usize;
        f64::from(all.latencies.get(i).copied().unwrap_or(0)) / 1000.0
    };
    let statuses: serde_json::Map<String, serde_json::Value> = all
        .statuses
        .iter()
        .map(|(s, n)| (s.to_string(), serde_json::json!(n)))
        .collect();
    Ok(serde_json::json!({
        "seconds": (seconds * 10.0).round() / 10.0,
        "concurrency": r.concurrency,
        "sent": all.sent,
        "statuses": statuses,
        "errors": all.errors,
        "acked": all.acked.len(),
        "stored_per_second": (all.acked.len() as f64 / seconds).round(),
        "p50_ms": (pct(0.50) * 100.0).round() / 100.0,
        "p99_ms": (pct(0.99) * 100.0).round() / 100.0,
        "max_ms": (pct(1.0) * 100.0).round() / 100.0,
    })
    .to_string())
}

async fn verify(args: &[String]) -> Result<String, String> {
    let (mut url, mut acked) = (None, None);
    let mut i = 0;
    while let Some(flag) = args.get(i) {
        let flag = flag.as_str();
        match flag {
            "--database-url" => url = Some(value(args, &mut i, flag)?.to_string()),
            "--acked" => acked = Some(PathBuf::from(value(args, &mut i, flag)?)),
            other => return Err(format!("unknown option {other:?}")),
        }
        i += 1;
    }
    let url = url.ok_or("--database-url is needed")?;
    let acked = acked.ok_or("--acked is needed")?;
    let list = std::fs::read_to_string(&acked).map_err(|e| format!("{}: {e}", acked.display()))?;
    let db = Db::connect(&url).await.map_err(|e| e.to_string())?;
    let stored: HashMap<String, i64> = db
        .receipt_hashes()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .collect();
    db.close().await;
    let acked: Vec<&str> = list.lines().filter(|l| !l.is_empty()).collect();
    let missing = acked.iter().filter(|h| !stored.contains_key(**h)).count();
    let acked_twice = acked.len() - acked.iter().collect::<std::collections::HashSet<_>>().len();
    let duplicates = stored.values().filter(|n| **n > 1).count();
    let unacked = stored.len() - (acked.len() - missing - acked_twice).min(stored.len());
    Ok(serde_json::json!({
        "acked": acked.len(),
        "stored": stored.len(),
        "acked_missing": missing,
        "acked_twice": acked_twice,
        "stored_twice": duplicates,
        "stored_not_acked": unacked,
    })
    .to_string())
}

async fn stats(args: &[String]) -> Result<String, String> {
    let url = match (args.first().map(String::as_str), args.get(1)) {
        (Some("--database-url"), Some(url)) => url,
        _ => return Err("stats --database-url URL".into()),
    };
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    let (receipts, body, total) = db.storage().await.map_err(|e| e.to_string())?;
    db.close().await;
    let per = |bytes: i64| if receipts > 0 { bytes / receipts } else { 0 };
    Ok(serde_json::json!({
        "receipts": receipts,
        "body_bytes_per_receipt": per(body),
        "disk_bytes_per_receipt": per(total),
        "disk_bytes": total,
    })
    .to_string())
}
