//! The service over real HTTP, on a real SQLite file and on a real
//! PostgreSQL server: `CANDOR_RECORDS_PG_URL` names one (an administrator
//! URL; each test makes its own database there). `cargo xtask test` starts
//! a throwaway PostgreSQL and sets it, with `CANDOR_RECORDS_REQUIRE_PG=1`
//! so that a missing server fails instead of skipping.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use candor_core::{Config, Receipt};
use candor_records::db::{Db, NewReceipt, StoredReceipt, DAY_MS};
use candor_records::fetch::{client, HttpClient};
use candor_records::simulate::Visitors;
use candor_records::time::now_ms;
use candor_records::{Service, Settings};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde_json::{json, Value};

const TOKEN: &str = "test-token-0123456789abcdef";
const ORIGIN: &str = "http://shop.test";

fn shop_config_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/candor.json")
        .canonicalize()
        .unwrap()
}

fn shop_config() -> Config {
    Config::from_json(&std::fs::read_to_string(shop_config_path()).unwrap()).unwrap()
}

/// The first purpose that sells or shares data (its flag is flipped below).
fn sale_index() -> usize {
    shop_config()
        .purposes
        .iter()
        .position(|p| p.sale_or_share)
        .expect("the demo shop's config has a saleOrShare purpose")
}

fn scratch(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "candor-records-test-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The databases to run against: a fresh SQLite file, and a fresh
/// PostgreSQL database when a server is given.
async fn databases(tag: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![(
        "sqlite",
        format!("sqlite://{}", scratch(tag).join("records.db").display()),
    )];
    match std::env::var("CANDOR_RECORDS_PG_URL") {
        Ok(admin) if !admin.is_empty() => {
            static N: AtomicUsize = AtomicUsize::new(0);
            let name = format!(
                "records_{}_{}_{}",
                tag.replace('-', "_"),
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            );
            let pool = sqlx::PgPool::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            out.push(("postgres", format!("{base}/{name}")));
        }
        _ => {
            assert!(
                std::env::var_os("CANDOR_RECORDS_REQUIRE_PG").is_none(),
                "CANDOR_RECORDS_REQUIRE_PG is set but CANDOR_RECORDS_PG_URL is not"
            );
            eprintln!("note: PostgreSQL not tested here: CANDOR_RECORDS_PG_URL is not set");
        }
    }
    out
}

fn settings(database_url: &str, extra: &str) -> Settings {
    let text = format!(
        r#"
listen = "127.0.0.1:0"
database_url = "{database_url}"
allowed_origins = ["{ORIGIN}", "http://127.0.0.1:8080"]
token = "{TOKEN}"
ip_hash_key = "test-ip-key-0123456789"
rate_per_minute = 1000000
rate_burst = 100000
max_body_bytes = 65536
site_configs = ["{}"]
{extra}
"#,
        shop_config_path().display()
    );
    Settings::from_toml(&text, Path::new("/")).unwrap()
}

struct Reply {
    status: u16,
    headers: hyper::HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    fn code(&self) -> String {
        self.json()["error"].as_str().unwrap_or("").to_string()
    }
}

async fn send(
    http: &HttpClient,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Reply {
    let mut request = hyper::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = http
        .request(request.body(Full::new(Bytes::from(body))).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn post(http: &HttpClient, addr: SocketAddr, body: &str, content_type: &str) -> Reply {
    send(
        http,
        "POST",
        &format!("http://{addr}/receipts"),
        &[("origin", ORIGIN), ("content-type", content_type)],
        body.as_bytes().to_vec(),
    )
    .await
}

async fn get(http: &HttpClient, addr: SocketAddr, path: &str, token: Option<&str>) -> Reply {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|a| vec![("authorization", a)])
        .unwrap_or_default();
    send(
        http,
        "GET",
        &format!("http://{addr}{path}"),
        &headers,
        Vec::new(),
    )
    .await
}

/// One request on a raw connection (for what a client library would not
/// send), answered up to the connection's close.
fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_checks_and_answers_reads() {
    for (kind, url) in databases("reads").await {
        let service = candor_records::start(settings(&url, "")).await.unwrap();
        let addr = service.addr();
        let http = client(4);
        let mut visitors = Visitors::new(shop_config(), 7);
        let mut posted = Vec::new();
        for i in 0..25 {
            let visit = visitors.visit(now_ms() as u64);
            for (j, receipt) in visit.receipts.iter().enumerate() {
                let kind_of = if (i + j) % 2 == 0 {
                    "text/plain;charset=UTF-8"
                } else {
                    "application/json"
                };
                let r = post(&http, addr, receipt, kind_of).await;
                assert_eq!(r.status, 201, "{kind}: {}", r.body);
                assert_eq!(r.json()["status"], "stored");
                assert_eq!(
                    r.headers.get("access-control-allow-origin").unwrap(),
                    ORIGIN
                );
            }
            posted.push(visit);
        }
        let total: usize = posted.iter().map(|v| v.receipts.len()).sum();
        assert_eq!(service.db().count().await.unwrap(), total as i64, "{kind}");

        // Reading one shopper's receipts needs the token.
        let first = &posted[0];
        let path = format!("/receipts?consentId={}", first.consent_id);
        assert_eq!(get(&http, addr, &path, None).await.status, 401);
        let wrong = get(&http, addr, &path, Some("not-the-token-0123456789")).await;
        assert_eq!((wrong.status, wrong.code().as_str()), (401, "unauthorized"));
        let r = get(&http, addr, &path, Some(TOKEN)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let got = r.json();
        assert_eq!(got["count"], first.receipts.len());
        for (stored, sent) in got["receipts"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&first.receipts)
        {
            let sent: Value = serde_json::from_str(sent).unwrap();
            assert_eq!(stored["receipt"], sent, "{kind}: stored as sent");
            let hash = stored["clientHash"].as_str().unwrap();
            assert_eq!(hash.len(), 64, "a keyed hash, never the address");
            assert!(!r.body.contains("127.0.0.1"));
        }
        // Parameters are bound, never spliced: SQL in the query is a value.
        let r = get(
            &http,
            addr,
            "/receipts?consentId=x'%20OR%20'1'='1",
            Some(TOKEN),
        )
        .await;
        assert_eq!((r.status, r.json()["count"].as_u64()), (200, Some(0)));

        // Exports: everything, as NDJSON and CSV; an empty range.
        let r = get(&http, addr, "/receipts/export", Some(TOKEN)).await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.headers.get("content-type").unwrap(),
            "application/x-ndjson"
        );
        let lines: Vec<Value> = r
            .body
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), total, "{kind}");
        assert!(lines
            .iter()
            .all(|l| Receipt::from_json(&l["receipt"].to_string()).is_ok()));
        let r = get(&http, addr, "/receipts/export?format=csv", Some(TOKEN)).await;
        assert_eq!(r.status, 200);
        let mut csv = csv::Reader::from_reader(r.body.as_bytes());
        assert_eq!(csv.headers().unwrap().get(2), Some("consent_id"));
        assert_eq!(csv.records().count(), total);
        let r = get(
            &http,
            addr,
            "/receipts/export?from=2000-01-01&to=2000-01-31",
            Some(TOKEN),
        )
        .await;
        assert_eq!((r.status, r.body.as_str()), (200, ""));
        assert_eq!(
            get(&http, addr, "/receipts/export?from=soon", Some(TOKEN))
                .await
                .code(),
            "bad-time"
        );
        assert_eq!(get(&http, addr, "/receipts/export", None).await.status, 401);

        // The dashboard: the page is public, its data is not.
        let page = get(&http, addr, "/dashboard", None).await;
        assert_eq!(page.status, 200);
        assert!(page
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("script-src 'self'"));
        assert_eq!(
            get(&http, addr, "/dashboard/app.js", None).await.status,
            200
        );
        assert_eq!(get(&http, addr, "/dashboard/data", None).await.status, 401);
        let data = get(&http, addr, "/dashboard/data?days=7", Some(TOKEN))
            .await
            .json();
        let receipts: i64 = data["receipts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap())
            .sum();
        assert_eq!(receipts, total as i64);
        let purposes: Vec<&str> = data["purposes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        let config = shop_config();
        let optional: Vec<&str> = config
            .purposes
            .iter()
            .filter(|p| !p.required)
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(purposes, optional);
        for p in data["purposes"].as_array().unwrap() {
            let t = &p["total"];
            let visitors = t["granted"].as_i64().unwrap()
                + t["refused"].as_i64().unwrap()
                + t["none"].as_i64().unwrap();
            assert_eq!(visitors, posted.len() as i64, "{kind}: {p}");
        }

        // A cross-origin fetch with JSON is preflighted: allowed for the shop.
        let r = send(
            &http,
            "OPTIONS",
            &format!("http://{addr}/receipts"),
            &[
                ("origin", ORIGIN),
                ("access-control-request-method", "POST"),
            ],
            Vec::new(),
        )
        .await;
        assert_eq!(r.status, 204);
        assert_eq!(
            r.headers.get("access-control-allow-origin").unwrap(),
            ORIGIN
        );
        service.stop().await.unwrap();
    }
}

/// The request of a bad-input case.
enum Bad {
    Post {
        origin: Option<&'static str>,
        content_type: &'static str,
        body: Vec<u8>,
    },
    Raw(Vec<u8>),
}

fn receipt_json(edit: impl FnOnce(&mut Value)) -> String {
    let mut visitors = Visitors::new(shop_config(), 99);
    let mut v: Value = serde_json::from_str(&visitors.visit(now_ms() as u64).receipts[0]).unwrap();
    edit(&mut v);
    v.to_string()
}

/// The receipt with `edit` applied and its texts hash recomputed, so that
/// only the edit can be what is refused.
fn rehashed(edit: impl FnOnce(&mut Value)) -> String {
    let text = receipt_json(edit);
    match Receipt::from_json(&text) {
        Ok(mut r) => {
            r.texts_sha256 = r.compute_texts_sha256();
            r.to_json()
        }
        Err(_) => text,
    }
}

fn ok_post(body: String) -> Bad {
    Bad::Post {
        origin: Some(ORIGIN),
        content_type: "application/json",
        body: body.into_bytes(),
    }
}

const SQL: &str = "x'); DROP TABLE receipts; --";

fn bad_cases() -> Vec<(String, Bad, u16, &'static str)> {
    let big = format!("{{\"consentId\":\"{}\"}}", "a".repeat(70_000));
    let mut cases: Vec<(String, Bad, u16, &'static str)> = vec![
        (
            "oversized (70 kB, Content-Length)".into(),
            ok_post(big.clone()),
            413,
            "too-large",
        ),
        (
            "oversized (70 kB, chunked, no length)".into(),
            Bad::Raw({
                let mut r = format!(
                    "POST /receipts HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n",
                    big.len()
                )
                .into_bytes();
                r.extend_from_slice(big.as_bytes());
                r.extend_from_slice(b"\r\n0\r\n\r\n");
                r
            }),
            413,
            "too-large",
        ),
        (
            "malformed JSON".into(),
            ok_post("{\"consentId\": ".into()),
            400,
            "malformed",
        ),
        (
            "empty body".into(),
            ok_post(String::new()),
            400,
            "malformed",
        ),
        (
            "JSON, not a receipt".into(),
            ok_post("{\"hello\": \"world\"}".into()),
            400,
            "malformed",
        ),
        (
            "not UTF-8".into(),
            Bad::Post {
                origin: Some(ORIGIN),
                content_type: "text/plain",
                body: vec![b'{', 0xff, 0xfe, b'}'],
            },
            400,
            "malformed",
        ),
        (
            "unknown field".into(),
            ok_post(receipt_json(|v| v["extra"] = json!(1))),
            400,
            "malformed",
        ),
        (
            "wrong Content-Type (form)".into(),
            Bad::Post {
                origin: Some(ORIGIN),
                content_type: "application/x-www-form-urlencoded",
                body: receipt_json(|_| {}).into_bytes(),
            },
            415,
            "unsupported-media-type",
        ),
        (
            "no Origin".into(),
            Bad::Post {
                origin: None,
                content_type: "application/json",
                body: receipt_json(|_| {}).into_bytes(),
            },
            403,
            "forbidden-origin",
        ),
        (
            "wrong Origin".into(),
            Bad::Post {
                origin: Some("http://evil.test"),
                content_type: "application/json",
                body: receipt_json(|_| {}).into_bytes(),
            },
            403,
            "forbidden-origin",
        ),
        (
            "Origin with a path (not exact)".into(),
            Bad::Post {
                origin: Some("http://shop.test/"),
                content_type: "application/json",
                body: receipt_json(|_| {}).into_bytes(),
            },
            403,
            "forbidden-origin",
        ),
        (
            "hash mismatch (a title altered, hash kept)".into(),
            ok_post(receipt_json(|v| {
                v["purposes"][sale_index()]["title"] = json!("Nothing is shared");
            })),
            422,
            "hash-mismatch",
        ),
        (
            "forged texts (altered and rehashed)".into(),
            ok_post(rehashed(|v| {
                v["purposes"][sale_index()]["description"] = json!("Nothing is ever shared.");
            })),
            422,
            "texts-mismatch",
        ),
        (
            "hash not hex".into(),
            ok_post(receipt_json(|v| v["textsSha256"] = json!("z".repeat(64)))),
            400,
            "malformed",
        ),
        (
            "unknown revision".into(),
            ok_post(rehashed(|v| v["revision"] = json!(99))),
            422,
            "unknown-revision",
        ),
        (
            "a purpose left out".into(),
            ok_post(rehashed(|v| {
                v["purposes"].as_array_mut().unwrap().pop();
            })),
            422,
            "purposes-mismatch",
        ),
        (
            "saleOrShare flag flipped".into(),
            ok_post(rehashed(|v| {
                v["purposes"][sale_index()]["saleOrShare"] = json!(false);
            })),
            422,
            "purposes-mismatch",
        ),
        (
            "issued a week ahead".into(),
            ok_post(rehashed(|v| {
                v["issuedAt"] = json!(now_ms() + 7 * DAY_MS);
            })),
            422,
            "issued-in-the-future",
        ),
    ];
    // SQL-looking text in every field, each with a consistent hash.
    let strings: [(&str, u16, &'static str); 4] = [
        ("consentId", 400, "malformed"),
        ("language", 400, "malformed"),
        ("method", 400, "malformed"),
        ("policyUrl", 422, "texts-mismatch"),
    ];
    for (field, status, code) in strings {
        cases.push((
            format!("SQL in {field}"),
            ok_post(rehashed(|v| v[field] = json!(SQL))),
            status,
            code,
        ));
    }
    for field in [
        "createdAt",
        "updatedAt",
        "issuedAt",
        "revision",
        "gpc",
        "purposes",
        "textsSha256",
    ] {
        cases.push((
            format!("SQL in {field}"),
            ok_post(rehashed(|v| v[field] = json!(SQL))),
            400,
            "malformed",
        ));
    }
    let purpose_fields: [(&str, u16, &'static str); 10] = [
        ("id", 422, "purposes-mismatch"),
        ("title", 422, "texts-mismatch"),
        ("description", 422, "texts-mismatch"),
        ("method", 400, "malformed"),
        ("required", 400, "malformed"),
        ("saleOrShare", 400, "malformed"),
        ("granted", 400, "malformed"),
        ("at", 400, "malformed"),
        ("explicit", 400, "malformed"),
        ("duration", 400, "malformed"),
    ];
    for (field, status, code) in purpose_fields {
        cases.push((
            format!("SQL in purposes[2].{field}"),
            ok_post(rehashed(|v| v["purposes"][2][field] = json!(SQL))),
            status,
            code,
        ));
    }
    cases.push((
        "SQL as a JSON key".into(),
        ok_post(receipt_json(|v| v[SQL] = json!(1))),
        400,
        "malformed",
    ));
    cases.push((
        "SQL in the Origin header".into(),
        Bad::Post {
            origin: Some("http://shop.test'; DROP TABLE receipts; --"),
            content_type: "application/json",
            body: receipt_json(|_| {}).into_bytes(),
        },
        403,
        "forbidden-origin",
    ));
    cases
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_and_nothing_stored() {
    for (kind, url) in databases("bad-input").await {
        let service = candor_records::start(settings(&url, "")).await.unwrap();
        let addr = service.addr();
        let http = client(4);
        // One good receipt, stored; posting it again is a replay.
        let good = receipt_json(|_| {});
        let first = post(&http, addr, &good, "application/json").await;
        assert_eq!(first.status, 201, "{}", first.body);
        let mut cases = bad_cases();
        cases.insert(
            0,
            (
                "replayed (the same receipt again)".into(),
                ok_post(good.clone()),
                409,
                "replayed",
            ),
        );
        cases.insert(
            1,
            (
                "replayed, reformatted".into(),
                ok_post(
                    serde_json::to_string_pretty(&serde_json::from_str::<Value>(&good).unwrap())
                        .unwrap(),
                ),
                409,
                "replayed",
            ),
        );
        let mut table = vec![
            format!("bad input, {kind}: case | status | error | message"),
            "--- | --: | --- | ---".to_string(),
        ];
        for (name, request, status, code) in cases {
            let (got_status, body) = match request {
                Bad::Post {
                    origin,
                    content_type,
                    body,
                } => {
                    let mut headers = vec![("content-type", content_type)];
                    if let Some(o) = origin {
                        headers.push(("origin", o));
                    }
                    let r = send(
                        &http,
                        "POST",
                        &format!("http://{addr}/receipts"),
                        &headers,
                        body,
                    )
                    .await;
                    (r.status, r.body)
                }
                Bad::Raw(bytes) => tokio::task::spawn_blocking(move || raw(addr, &bytes))
                    .await
                    .unwrap(),
            };
            let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let message = v["message"].as_str().unwrap_or("").to_string();
            table.push(format!(
                "{name} | {got_status} | {} | {}",
                v["error"].as_str().unwrap_or("?"),
                message.chars().take(110).collect::<String>()
            ));
            assert_eq!(
                (got_status, v["error"].as_str().unwrap_or("")),
                (status, code),
                "{kind}: {name}: {body}"
            );
            assert!(!message.is_empty(), "{kind}: {name}: a clear message");
            assert_eq!(
                service.db().count().await.unwrap(),
                1,
                "{kind}: {name}: nothing stored"
            );
        }
        println!("{}", table.join("\n"));
        service.stop().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_replays_are_stored_once() {
    for (kind, url) in databases("replays").await {
        let service = candor_records::start(settings(&url, "")).await.unwrap();
        let addr = service.addr();
        let http = client(16);
        let body = Arc::new(receipt_json(|_| {}));
        let mut tasks = Vec::new();
        for _ in 0..24 {
            let (http, body) = (http.clone(), Arc::clone(&body));
            tasks.push(tokio::spawn(async move {
                post(&http, addr, &body, "text/plain").await.status
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        statuses.sort_unstable();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{kind}");
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 23, "{kind}");
        assert_eq!(service.db().count().await.unwrap(), 1);
        service.stop().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_past_the_retention_period_are_purged() {
    for (kind, url) in databases("purge").await {
        // Set the schema and the config up, then store an old receipt and
        // a recent one directly.
        let service = candor_records::start(settings(&url, "")).await.unwrap();
        service.stop().await.unwrap();
        let db = Db::connect(&url).await.unwrap();
        let config_sha256 = db.configs().await.unwrap()[0].config_sha256.clone();
        let row = |hash: &str, days_ago: i64| NewReceipt {
            receipt: StoredReceipt {
                receipt_sha256: hash.repeat(64),
                consent_id: format!("visitor-{hash}"),
                received_at: now_ms() - days_ago * DAY_MS,
                issued_at: now_ms() - days_ago * DAY_MS,
                revision: 1,
                language: "en".into(),
                method: Some("reject-all".into()),
                gpc: false,
                texts_sha256: "0".repeat(64),
                config_sha256: config_sha256.clone(),
                origin: ORIGIN.into(),
                client_hash: None,
                body: "{}".into(),
            },
            choices: vec![("ads".into(), "refused")],
        };
        let stored = db.insert_batch(&[row("a", 40), row("b", 2)]).await.unwrap();
        assert_eq!(stored, [true, true]);
        db.close().await;
        // Retention 30 days: the purge at start-up takes the old one only.
        let service = candor_records::start(settings(&url, "retention_days = 30"))
            .await
            .unwrap();
        let mut left = 0;
        for _ in 0..100 {
            left = service.db().count().await.unwrap();
            if left == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(left, 1, "{kind}");
        let hashes = service.db().receipt_hashes().await.unwrap();
        assert_eq!(hashes, [("b".repeat(64), 1)]);
        service.stop().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_past_its_rate_is_refused() {
    let url = format!("sqlite://{}", scratch("rate").join("records.db").display());
    let mut s = settings(&url, "trusted_proxies = [\"127.0.0.1\"]");
    s.rate_per_minute = 6;
    s.rate_burst = 3;
    let service = candor_records::start(s).await.unwrap();
    let addr = service.addr();
    let http = client(4);
    let mut visitors = Visitors::new(shop_config(), 3);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let receipt = visitors.visit(now_ms() as u64).receipts[0].clone();
        let r = send(
            &http,
            "POST",
            &format!("http://{addr}/receipts"),
            &[
                ("origin", ORIGIN),
                ("content-type", "application/json"),
                ("x-forwarded-for", "192.0.2.10"),
            ],
            receipt.into_bytes(),
        )
        .await;
        if r.status == 429 {
            assert_eq!(r.code(), "rate-limited");
            assert!(r.headers.get("retry-after").is_some());
        }
        statuses.push(r.status);
    }
    assert_eq!(statuses, [201, 201, 201, 429, 429]);
    // Another client behind the same proxy has its own allowance.
    let receipt = visitors.visit(now_ms() as u64).receipts[0].clone();
    let r = send(
        &http,
        "POST",
        &format!("http://{addr}/receipts"),
        &[
            ("origin", ORIGIN),
            ("content-type", "application/json"),
            ("x-forwarded-for", "192.0.2.11"),
        ],
        receipt.into_bytes(),
    )
    .await;
    assert_eq!(r.status, 201);
    assert_eq!(service.db().count().await.unwrap(), 4);
    service.stop().await.unwrap();
}

/// A tiny server for the shop's config URL, whose document can change.
async fn config_server(doc: Arc<Mutex<String>>) -> SocketAddr {
    use axum::routing::get;
    let app = axum::Router::new().route(
        "/candor.json",
        get(move || {
            let doc = Arc::clone(&doc);
            async move { doc.lock().unwrap().clone() }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_revisions_come_from_the_config_url_and_old_ones_stay() {
    let text = std::fs::read_to_string(shop_config_path()).unwrap();
    let mut v1: Value = serde_json::from_str(&text).unwrap();
    v1["revision"] = json!(5);
    let doc = Arc::new(Mutex::new(v1.to_string()));
    let addr = config_server(Arc::clone(&doc)).await;
    let url = format!(
        "sqlite://{}",
        scratch("config-url").join("records.db").display()
    );
    let service = candor_records::start(settings(
        &url,
        &format!("config_url = \"http://{addr}/candor.json\""),
    ))
    .await
    .unwrap();
    let http = client(4);
    let receipt_for = |config: &Value| {
        let config = Config::from_json(&config.to_string()).unwrap();
        Visitors::new(config, 11).visit(now_ms() as u64).receipts[0].clone()
    };
    // Revision 1 (the file) and revision 5 (the URL at start-up).
    for config in [serde_json::from_str::<Value>(&text).unwrap(), v1.clone()] {
        let r = post(
            &http,
            service.addr(),
            &receipt_for(&config),
            "application/json",
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    // The shop publishes revision 6 with a new text: the first receipt
    // naming it makes the service fetch the URL again.
    let mut v2 = v1.clone();
    v2["revision"] = json!(6);
    v2["purposes"][sale_index()]["title"] = json!("Ads elsewhere");
    *doc.lock().unwrap() = v2.to_string();
    let r = post(&http, service.addr(), &receipt_for(&v2), "application/json").await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Revision 5 is still known; a receipt with 6's number and 5's texts is not.
    let r = post(&http, service.addr(), &receipt_for(&v1), "application/json").await;
    assert_eq!(r.status, 201, "{}", r.body);
    let mut forged: Value = serde_json::from_str(&receipt_for(&v1)).unwrap();
    forged["revision"] = json!(6);
    let r = post(
        &http,
        service.addr(),
        &forged.to_string(),
        "application/json",
    )
    .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (422, "texts-mismatch"),
        "{}",
        r.body
    );
    let configs = service.db().configs().await.unwrap();
    let revisions: Vec<i64> = configs.iter().map(|c| c.revision).collect();
    assert_eq!(revisions, [1, 5, 6]);
    service.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_keeps_every_acknowledged_receipt() {
    for (kind, url) in databases("stop").await {
        let service: Service = candor_records::start(settings(&url, "")).await.unwrap();
        let addr = service.addr();
        let http = client(8);
        let mut visitors = Visitors::new(shop_config(), 5);
        let mut tasks = Vec::new();
        for _ in 0..40 {
            let receipts = visitors.visit(now_ms() as u64).receipts;
            let http = http.clone();
            tasks.push(tokio::spawn(async move {
                let mut acked = 0;
                for r in receipts {
                    if post(&http, addr, &r, "text/plain").await.status == 201 {
                        acked += 1;
                    }
                }
                acked
            }));
        }
        let mut acked = 0;
        for t in tasks {
            acked += t.await.unwrap();
        }
        service.stop().await.unwrap();
        let db = Db::connect(&url).await.unwrap();
        assert_eq!(db.count().await.unwrap(), acked, "{kind}");
        db.close().await;
    }
}
