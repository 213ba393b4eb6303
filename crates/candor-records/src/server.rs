//! The HTTP surface.
//!
//! | request | answer |
//! |---|---|
//! | `POST /receipts` | `201` stored, or a 4xx naming what is wrong (see below) |
//! | `OPTIONS /receipts` | CORS preflight, for the shop's origins |
//! | `GET /receipts?consentId=…` | that shopper's receipts (bearer token) |
//! | `GET /receipts/export?from=…&to=…&format=ndjson\|csv` | a time range, streamed (bearer token) |
//! | `GET /dashboard` | the dashboard page; its data comes from `GET /dashboard/data` (bearer token) |
//! | `GET /health` | `ok` |
//!
//! A receipt is refused, and nothing is stored, with: `429 rate-limited`
//! (too many from one client), `403 forbidden-origin` (no `Origin`, or not
//! one of the shop's), `415 unsupported-media-type` (not `application/json`
//! or `text/plain`), `413 too-large`, `400 malformed` (not UTF-8, or not a
//! receipt: the reader's path and reason), `422 hash-mismatch`,
//! `texts-mismatch`, `purposes-mismatch`, `unknown-revision` or
//! `issued-in-the-future` (see [`crate::check`]), `409 replayed` (that exact
//! receipt is already stored). Every refusal is a JSON body
//! `{"error": code, "message": sentence}`.
//!
//! Stored receipts are acknowledged only once their transaction has
//! committed: a single writer task takes what has queued up (up to
//! [`MAX_BATCH`] receipts) and stores it in one transaction, so a busy
//! service commits many receipts per disk flush.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use candor_core::Receipt;
use hmac::{Hmac, Mac};
use hyper::body::Bytes;
use serde_json::{json, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

use crate::check::{self, Rejection, SiteConfigs};
use crate::db::{Db, NewReceipt, StoredReceipt, DAY_MS};
use crate::fetch::{self, HttpClient};
use crate::time::{date, iso, now_ms, parse_time};
use crate::{sha256_hex, Error, Settings};

/// Most receipts stored in one transaction.
pub const MAX_BATCH: usize = 256;
/// Most receipts answered for one consent id.
pub const MAX_PER_CONSENT_ID: i64 = 1000;
/// Rows per page of an export.
const EXPORT_PAGE: i64 = 1000;
/// Longest consent id asked for (as the receipt reader accepts).
const MAX_ID_BYTES: usize = 800;
/// Largest config document fetched (as candor-core accepts).
const MAX_CONFIG_BYTES: usize = 1 << 20;
/// The shortest wait between two fetches of the config URL triggered by
/// receipts naming an unknown revision.
const REFETCH_AFTER: Duration = Duration::from_secs(60);

type HmacSha256 = Hmac<Sha256>;

struct Job {
    row: NewReceipt,
    reply: oneshot::Sender<Result<bool, Error>>,
}

struct AppState {
    settings: Settings,
    db: Db,
    configs: RwLock<SiteConfigs>,
    writer: mpsc::Sender<Job>,
    last_fetch: Mutex<Option<Instant>>,
    http: HttpClient,
    ip_key: Option<HmacSha256>,
}

type App = Arc<AppState>;

/// A running service.
#[derive(Debug)]
pub struct Service {
    addr: SocketAddr,
    db: Db,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    writer: JoinHandle<()>,
    tasks: Vec<JoinHandle<()>>,
}

fn log(message: &str) {
    eprintln!("candor-records: {message}");
}

/// Connects to the database (creating or migrating the schema), stores the
/// shop's config files and the config URL's document, starts the writer,
/// purge and refresh tasks, and listens.
pub async fn start(settings: Settings) -> Result<Service, Error> {
    let db = Db::connect(&settings.database_url).await?;
    let http = fetch::client(2);
    for file in &settings.site_configs {
        let text = tokio::fs::read_to_string(file)
            .await
            .map_err(|e| Error::new(format!("reading {}: {e}", file.display())))?;
        let doc = check::config_document(&text, &format!("file {}", file.display()), now_ms())?;
        if db.save_config(&doc).await? {
            log(&format!(
                "stored revision {} of the shop's config from {}",
                doc.revision,
                file.display()
            ));
        }
    }
    if let Some(url) = &settings.config_url {
        if let Err(e) = fetch_config(&db, &http, url).await {
            log(&format!("warning: could not fetch the config URL: {e}"));
        }
    }
    let (configs, warnings) = SiteConfigs::from_stored(&db.configs().await?);
    for w in warnings {
        log(&format!("warning: {w}"));
    }
    if configs.revisions().is_empty() {
        return Err(Error::new(
            "no config of the shop is known: give site_configs or a reachable config_url",
        ));
    }
    let ip_key = match &settings.ip_hash_key {
        Some(key) => Some(
            HmacSha256::new_from_slice(key.as_bytes())
                .map_err(|e| Error::new(format!("ip_hash_key: {e}")))?,
        ),
        None => None,
    };
    let (writer_tx, writer_rx) = mpsc::channel(4 * MAX_BATCH);
    let writer = tokio::spawn(write_loop(db.clone(), writer_rx));
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|e| Error::new(format!("cannot listen on {}: {e}", settings.listen)))?;
    let addr = listener.local_addr()?;
    let app = Arc::new(AppState {
        settings,
        db: db.clone(),
        configs: RwLock::new(configs),
        writer: writer_tx,
        last_fetch: Mutex::new(None),
        http,
        ip_key,
    });
    let (router, limiter_task) = router(Arc::clone(&app))?;
    let mut tasks = vec![limiter_task, tokio::spawn(purge_loop(Arc::clone(&app)))];
    if app.settings.config_url.is_some() {
        tasks.push(tokio::spawn(refresh_loop(Arc::clone(&app))));
    }
    drop(app);
    let (stop, mut stopped) = watch::channel(false);
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|s| *s).await;
        })
        .await
    });
    Ok(Service {
        addr,
        db,
        stop,
        server,
        writer,
        tasks,
    })
}

impl Service {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Stops listening, lets the requests in flight finish and the writer
    /// store what it was given, then closes the database.
    pub async fn stop(self) -> Result<(), Error> {
        let _ = self.stop.send(true);
        for t in &self.tasks {
            t.abort();
        }
        let served = self
            .server
            .await
            .map_err(|e| Error::new(format!("server task: {e}")))?;
        // The router, and with it the writer's sender, is gone: the writer
        // ends once its queue is empty.
        let _ = tokio::time::timeout(Duration::from_secs(30), self.writer).await;
        self.db.close().await;
        served.map_err(Error::from)
    }

    /// Serves until `signal` resolves, then stops as [`Service::stop`].
    pub async fn run_until(self, signal: impl Future<Output = ()>) -> Result<(), Error> {
        signal.await;
        log("stopping");
        self.stop().await
    }
}

fn router(app: App) -> Result<(Router, JoinHandle<()>), Error> {
    let s = &app.settings;
    let period_ms = (60_000 / u64::from(s.rate_per_minute)).max(1);
    let governor = GovernorConfigBuilder::default()
        .key_extractor(ClientKey {
            trusted: Arc::new(s.trusted_proxies.clone()),
        })
        .per_millisecond(period_ms)
        .burst_size(s.rate_burst)
        .finish()
        .ok_or_else(|| Error::new("rate_per_minute and rate_burst must be at least 1"))?;
    let limiter = Arc::clone(governor.limiter());
    let limiter_task = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(60)).await;
            limiter.retain_recent();
        }
    });
    let rate_limit = GovernorLayer::new(governor).error_handler(|e| match e {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let mut r = refusal(
                &Rejection::new(
                    429,
                    "rate-limited",
                    format!("too many receipts from this client: wait {wait_time} s"),
                ),
                None,
            );
            if let Ok(v) = HeaderValue::from_str(&wait_time.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        _ => refusal(
            &Rejection::new(400, "no-client", "the client's address is unknown"),
            None,
        ),
    });
    let router = Router::new()
        .route(
            "/receipts",
            post(ingest)
                .layer(rate_limit)
                .get(by_consent_id)
                .options(preflight),
        )
        .route("/receipts/export", get(export))
        .route("/dashboard", get(dashboard_page))
        .route("/dashboard/app.js", get(dashboard_js))
        .route("/dashboard/app.css", get(dashboard_css))
        .route("/dashboard/chart.umd.min.js", get(chart_js))
        .route("/dashboard/data", get(dashboard_data))
        .route("/health", get(|| async { "ok\n" }))
        .fallback(|| async {
            refusal(
                &Rejection::new(404, "not-found", "nothing here: see /dashboard"),
                None,
            )
        })
        .layer(axum::middleware::map_response(security_headers))
        .with_state(app);
    Ok((router, limiter_task))
}

async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    r
}

// ---------------------------------------------------------------------------
// Clients.

/// The client's address: the peer, or for a trusted proxy the right-most
/// `X-Forwarded-For` address that is not itself a trusted proxy.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    peer
}

#[derive(Debug, Clone)]
struct ClientKey {
    trusted: Arc<Vec<IpAddr>>,
}

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or(GovernorError::UnableToExtractKey)?;
        Ok(client_ip(peer, req.headers(), &self.trusted))
    }
}

/// A consent id as widgets make them: 8 to 128 characters from
/// `[A-Za-z0-9_-]` (hex, UUIDs, base64url).
pub fn plausible_consent_id(id: &str) -> bool {
    (8..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A language tag as pages write them (`en`, `fr-CA`, `pt_BR`), or empty.
pub fn plausible_language(tag: &str) -> bool {
    tag.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------
// Responses.

fn json_response(status: u16, body: &Value, cors: Option<&str>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{body}\n"),
    )
        .into_response();
    if let Some(origin) = cors.and_then(|o| HeaderValue::from_str(o).ok()) {
        r.headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        r.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    r
}

fn refusal(r: &Rejection, cors: Option<&str>) -> Response {
    json_response(
        r.status,
        &json!({ "error": r.code, "message": r.message }),
        cors,
    )
}

// ---------------------------------------------------------------------------
// Receiving.

fn allowed_origin(app: &AppState, headers: &HeaderMap) -> Result<String, Rejection> {
    let origin = headers
        .get(header::ORIGIN)
        .ok_or_else(|| {
            Rejection::new(
                403,
                "forbidden-origin",
                "no Origin header: receipts are accepted from the shop's pages only",
            )
        })?
        .to_str()
        .unwrap_or("");
    if app.settings.allowed_origins.iter().any(|o| o == origin) {
        Ok(origin.to_string())
    } else {
        let shown: String = origin.chars().take(100).collect();
        Err(Rejection::new(
            403,
            "forbidden-origin",
            format!("origin {shown:?} is not one of the shop's origins"),
        ))
    }
}

async fn preflight(State(app): State<App>, headers: HeaderMap) -> Response {
    match allowed_origin(&app, &headers) {
        Ok(origin) => {
            let mut r = json_response(204, &Value::Null, Some(&origin));
            *r.body_mut() = Body::empty();
            let h = r.headers_mut();
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("content-type"),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("86400"),
            );
            r
        }
        Err(e) => refusal(&e, None),
    }
}

async fn ingest(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let origin = match allowed_origin(&app, &headers) {
        Ok(o) => o,
        Err(e) => return refusal(&e, None),
    };
    match receive(&app, peer, &headers, body, &origin).await {
        Ok(hash) => json_response(
            201,
            &json!({ "status": "stored", "receipt": hash }),
            Some(&origin),
        ),
        Err(e) => refusal(&e, Some(&origin)),
    }
}

async fn receive(
    app: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
    origin: &str,
) -> Result<String, Rejection> {
    let max = app.settings.max_body_bytes;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media != "application/json" && media != "text/plain" {
        let shown: String = content_type.chars().take(100).collect();
        return Err(Rejection::new(
            415,
            "unsupported-media-type",
            format!("Content-Type {shown:?}: send application/json or text/plain"),
        ));
    }
    let too_large = || {
        Rejection::new(
            413,
            "too-large",
            format!("the body is larger than {max} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    let bytes = to_bytes(body, max).await.map_err(|e| {
        let limit = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if limit {
            too_large()
        } else {
            Rejection::new(400, "unreadable", "the body could not be read")
        }
    })?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Rejection::new(400, "malformed", "the body is not UTF-8 text"))?;
    let receipt = Receipt::from_json(text).map_err(|e| {
        let message = if e.path.is_empty() {
            e.message
        } else {
            format!("{}: {}", e.path, e.message)
        };
        Rejection::new(400, "malformed", format!("not a Candor receipt: {message}"))
    })?;
    if !plausible_consent_id(&receipt.consent_id) {
        return Err(Rejection::new(
            400,
            "malformed",
            "consentId: expected 8 to 128 letters, digits, '-' or '_' (the widget's ids are hex)",
        ));
    }
    if !plausible_language(&receipt.language) {
        return Err(Rejection::new(
            400,
            "malformed",
            "language: expected a language tag (letters, digits, '-' or '_')",
        ));
    }
    let now = now_ms();
    let now_u = u64::try_from(now).unwrap_or(0);
    let verdict = |app: &AppState| {
        let configs = app.configs.read().unwrap_or_else(|e| e.into_inner());
        configs.check(&receipt, now_u).map(|k| k.sha256.clone())
    };
    let config_sha256 = match verdict(app) {
        Ok(sha) => sha,
        Err(e) if e.code == "unknown-revision" && refresh(app, false).await => verdict(app)?,
        Err(e) => return Err(e),
    };
    let canonical = receipt.to_json();
    let receipt_sha256 = sha256_hex(canonical.as_bytes());
    let client_hash = app.ip_key.clone().map(|mut mac| {
        let ip = client_ip(peer.ip(), headers, &app.settings.trusted_proxies);
        mac.update(ip.to_string().as_bytes());
        hex(&mac.finalize().into_bytes())
    });
    let row = NewReceipt {
        choices: check::choices(&receipt),
        receipt: StoredReceipt {
            receipt_sha256: receipt_sha256.clone(),
            consent_id: receipt.consent_id.clone(),
            received_at: now,
            issued_at: i64::try_from(receipt.issued_at).unwrap_or(i64::MAX),
            revision: i64::from(receipt.revision),
            language: receipt.language.clone(),
            method: receipt.method.map(str::to_string),
            gpc: receipt.gpc,
            texts_sha256: receipt.texts_sha256.clone(),
            config_sha256,
            origin: origin.to_string(),
            client_hash,
            body: canonical,
        },
    };
    let unavailable = || {
        Rejection::new(
            503,
            "unavailable",
            "the receipt could not be stored now: try again later",
        )
    };
    let (reply, answer) = oneshot::channel();
    app.writer
        .send(Job { row, reply })
        .await
        .map_err(|_| unavailable())?;
    match answer.await {
        Ok(Ok(true)) => Ok(receipt_sha256),
        Ok(Ok(false)) => Err(Rejection::new(
            409,
            "replayed",
            "this exact receipt is already stored: a replay is not stored twice",
        )),
        _ => Err(unavailable()),
    }
}

async fn write_loop(db: Db, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut rows = vec![first.row];
        let mut replies = vec![first.reply];
        while rows.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => {
                    rows.push(job.row);
                    replies.push(job.reply);
                }
                Err(_) => break,
            }
        }
        match db.insert_batch(&rows).await {
            Ok(stored) => {
                for (reply, new) in replies.into_iter().zip(stored) {
                    let _ = reply.send(Ok(new));
                }
            }
            Err(e) => {
                log(&format!("storing {} receipts failed: {e}", rows.len()));
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The shop's config.

async fn fetch_config(db: &Db, http: &HttpClient, url: &str) -> Result<bool, Error> {
    let text = fetch::get_text(http, url, MAX_CONFIG_BYTES, Duration::from_secs(10)).await?;
    let doc = check::config_document(&text, &format!("url {url}"), now_ms())?;
    let new = db.save_config(&doc).await?;
    if new {
        log(&format!(
            "stored revision {} of the shop's config from {url}",
            doc.revision
        ));
    }
    Ok(new)
}

/// Fetches the config URL (at most once a [`REFETCH_AFTER`] unless
/// `force`) and reloads the known configs if it brought a new document.
async fn refresh(app: &AppState, force: bool) -> bool {
    let Some(url) = &app.settings.config_url else {
        return false;
    };
    {
        let mut last = app.last_fetch.lock().unwrap_or_else(|e| e.into_inner());
        if !force && last.is_some_and(|t| t.elapsed() < REFETCH_AFTER) {
            return false;
        }
        *last = Some(Instant::now());
    }
    match fetch_config(&app.db, &app.http, url).await {
        Ok(true) => match app.db.configs().await {
            Ok(stored) => {
                let (configs, warnings) = SiteConfigs::from_stored(&stored);
                for w in warnings {
                    log(&format!("warning: {w}"));
                }
                *app.configs.write().unwrap_or_else(|e| e.into_inner()) = configs;
                true
            }
            Err(e) => {
                log(&format!("reading the stored configs failed: {e}"));
                false
            }
        },
        Ok(false) => false,
        Err(e) => {
            log(&format!("warning: could not fetch the config URL: {e}"));
            false
        }
    }
}

async fn refresh_loop(app: App) {
    let every = Duration::from_secs(app.settings.config_refresh_seconds);
    loop {
        tokio::time::sleep(every).await;
        refresh(&app, true).await;
    }
}

async fn purge_loop(app: App) {
    let every = Duration::from_secs(app.settings.purge_interval_seconds);
    loop {
        let before = now_ms() - i64::from(app.settings.retention_days) * DAY_MS;
        match app.db.purge(before).await {
            Ok(0) => {}
            Ok(n) => log(&format!(
                "purged {n} receipts received before {} (retention {} days)",
                iso(before),
                app.settings.retention_days
            )),
            Err(e) => log(&format!("purge failed: {e}")),
        }
        tokio::time::sleep(every).await;
    }
}

// ---------------------------------------------------------------------------
// Reading (bearer token).

/// `None` when the request carries the token, else the 401 to send.
fn unauthorized(app: &AppState, headers: &HeaderMap) -> Option<Response> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if bool::from(given.as_bytes().ct_eq(app.settings.token.as_bytes())) {
        return None;
    }
    let mut r = refusal(
        &Rejection::new(
            401,
            "unauthorized",
            "send the service's token: Authorization: Bearer <token>",
        ),
        None,
    );
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"candor-records\""),
    );
    Some(r)
}

fn bad_request(code: &'static str, message: impl Into<String>) -> Response {
    refusal(&Rejection::new(400, code, message), None)
}

fn db_failed(e: &Error) -> Response {
    log(&format!("read failed: {e}"));
    refusal(
        &Rejection::new(503, "unavailable", "the database could not be read now"),
        None,
    )
}

fn receipt_json(r: &StoredReceipt) -> Value {
    json!({
        "receiptSha256": r.receipt_sha256,
        "receivedAt": r.received_at,
        "receivedAtIso": iso(r.received_at),
        "configSha256": r.config_sha256,
        "origin": r.origin,
        "clientHash": r.client_hash,
        "receipt": serde_json::from_str::<Value>(&r.body).unwrap_or(Value::Null),
    })
}

async fn by_consent_id(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = unauthorized(&app, &headers) {
        return r;
    }
    let Some(id) = q.get("consentId") else {
        return bad_request(
            "missing-consent-id",
            "ask GET /receipts?consentId=…, or export a time range with GET /receipts/export",
        );
    };
    if id.is_empty() || id.len() > MAX_ID_BYTES {
        return bad_request("bad-consent-id", "consentId: empty or too long");
    }
    match app.db.by_consent_id(id, MAX_PER_CONSENT_ID + 1).await {
        Ok(rows) => {
            let truncated = rows.len() as i64 > MAX_PER_CONSENT_ID;
            let list: Vec<Value> = rows
                .iter()
                .take(MAX_PER_CONSENT_ID as usize)
                .map(receipt_json)
                .collect();
            json_response(
                200,
                &json!({
                    "consentId": id,
                    "count": list.len(),
                    "truncated": truncated,
                    "receipts": list,
                }),
                None,
            )
        }
        Err(e) => db_failed(&e),
    }
}

/// A cell that a spreadsheet will not run as a formula.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

const CSV_HEADER: [&str; 14] = [
    "received_at",
    "receipt_sha256",
    "consent_id",
    "issued_at",
    "revision",
    "language",
    "method",
    "gpc",
    "choices",
    "texts_sha256",
    "config_sha256",
    "origin",
    "client_hash",
    "receipt_json",
];

fn csv_rows(rows: &[StoredReceipt], header: bool) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| Error::new(format!("csv: {e}"));
    if header {
        w.write_record(CSV_HEADER).map_err(failed)?;
    }
    for r in rows {
        let choices = Receipt::from_json(&r.body)
            .map(|receipt| {
                check::choices(&receipt)
                    .iter()
                    .map(|(id, state)| format!("{id}={state}"))
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default();
        w.write_record([
            iso(r.received_at),
            r.receipt_sha256.clone(),
            cell(&r.consent_id),
            iso(r.issued_at),
            r.revision.to_string(),
            cell(&r.language),
            r.method.clone().unwrap_or_default(),
            u8::from(r.gpc).to_string(),
            cell(&choices),
            r.texts_sha256.clone(),
            r.config_sha256.clone(),
            cell(&r.origin),
            r.client_hash.clone().unwrap_or_default(),
            r.body.clone(),
        ])
        .map_err(failed)?;
    }
    w.into_inner()
        .map_err(|e| Error::new(format!("csv: {}", e.error())))
}

fn ndjson_rows(rows: &[StoredReceipt]) -> Vec<u8> {
    let mut out = String::new();
    for r in rows {
        out.push_str(&receipt_json(r).to_string());
        out.push('\n');
    }
    out.into_bytes()
}

async fn export(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = unauthorized(&app, &headers) {
        return r;
    }
    let csv = match q.get("format").map(String::as_str) {
        None | Some("ndjson") => false,
        Some("csv") => true,
        Some(other) => {
            let shown: String = other.chars().take(20).collect();
            return bad_request("bad-format", format!("format {shown:?}: use ndjson or csv"));
        }
    };
    let bound = |key: &str, default: i64| -> Result<i64, String> {
        match q.get(key) {
            None => Ok(default),
            Some(v) => {
                let t = parse_time(v)
                    .ok_or_else(|| format!("{key}: use YYYY-MM-DD (UTC) or epoch milliseconds"))?;
                // A date as `to` includes that whole day.
                Ok(if key == "to" && v.contains('-') {
                    t + DAY_MS
                } else {
                    t
                })
            }
        }
    };
    let (from, to) = match (bound("from", 0), bound("to", now_ms() + 1)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(m), _) | (_, Err(m)) => return bad_request("bad-time", m),
    };
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let db = app.db.clone();
    tokio::spawn(async move {
        let mut after: Option<(i64, String)> = None;
        let mut first = true;
        loop {
            let page = db
                .export_page(
                    from,
                    to,
                    after.as_ref().map(|(t, h)| (*t, h.as_str())),
                    EXPORT_PAGE,
                )
                .await;
            let rows = match page {
                Ok(rows) => rows,
                Err(e) => {
                    log(&format!("export failed: {e}"));
                    let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                    return;
                }
            };
            let chunk = if csv {
                match csv_rows(&rows, first) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                        return;
                    }
                }
            } else {
                ndjson_rows(&rows)
            };
            first = false;
            if !chunk.is_empty() && tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                return; // the client left
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == EXPORT_PAGE => {
                    after = Some((last.received_at, last.receipt_sha256.clone()));
                }
                _ => return,
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let (kind, ext) = if csv {
        ("text/csv; charset=utf-8", "csv")
    } else {
        ("application/x-ndjson", "ndjson")
    };
    let name = format!(
        "attachment; filename=\"candor-receipts-{}-{}.{ext}\"",
        date(from.div_euclid(DAY_MS)),
        date((to - 1).div_euclid(DAY_MS))
    );
    let mut r = Response::new(Body::from_stream(stream));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

// ---------------------------------------------------------------------------
// The dashboard.

const DASHBOARD_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

fn asset(kind: &'static str, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DASHBOARD_CSP),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

async fn dashboard_page() -> Response {
    asset(
        "text/html; charset=utf-8",
        include_str!("../assets/dashboard.html"),
    )
}

async fn dashboard_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../assets/dashboard.js"),
    )
}

async fn dashboard_css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../assets/dashboard.css"),
    )
}

async fn chart_js(State(app): State<App>) -> Response {
    match tokio::fs::read(&app.settings.chart_js).await {
        Ok(bytes) => asset("text/javascript; charset=utf-8", bytes),
        Err(e) => refusal(
            &Rejection::new(
                404,
                "chart-library-missing",
                format!(
                    "{}: {e}; run `npm ci` in crates/candor-records (cargo xtask setup does)",
                    app.settings.chart_js.display()
                ),
            ),
            None,
        ),
    }
}

async fn dashboard_data(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = unauthorized(&app, &headers) {
        return r;
    }
    let days: i64 = match q.get("days").map(|d| d.parse::<i64>()) {
        None => 30,
        Some(Ok(d)) if (1..=366).contains(&d) => d,
        Some(_) => return bad_request("bad-days", "days: a number from 1 to 366"),
    };
    let to = now_ms().div_euclid(DAY_MS);
    let from = to - days + 1;
    let data = async {
        Ok::<_, Error>((
            app.db.day_counts(from, to).await?,
            app.db.day_choices(from, to, true).await?,
            app.db.day_choices(from, to, false).await?,
            app.db.count().await?,
        ))
    };
    let (counts, per_day, totals, stored) = match data.await {
        Ok(d) => d,
        Err(e) => return db_failed(&e),
    };
    // Purposes: the latest config's, in order, then any others seen.
    let mut purposes: Vec<(String, String)> = Vec::new();
    if let Some(k) = app
        .configs
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .latest()
    {
        let dl = k.config.default_language.as_str();
        for p in k.config.purposes.iter().filter(|p| !p.required) {
            purposes.push((p.id.clone(), p.title.get(dl, dl).to_string()));
        }
    }
    for c in per_day.iter().chain(&totals) {
        if !purposes.iter().any(|(id, _)| *id == c.purpose) {
            purposes.push((c.purpose.clone(), c.purpose.clone()));
        }
    }
    let span = usize::try_from(days).unwrap_or(0);
    let index = |day: i64| usize::try_from(day - from).ok().filter(|i| *i < span);
    let mut receipts = vec![0i64; span];
    let mut visitors = vec![0i64; span];
    for c in &counts {
        if let Some(i) = index(c.day) {
            if let (Some(r), Some(v)) = (receipts.get_mut(i), visitors.get_mut(i)) {
                *r = c.receipts;
                *v = c.visitors;
            }
        }
    }
    let list: Vec<Value> = purposes
        .iter()
        .map(|(id, title)| {
            let mut series: HashMap<&str, Vec<i64>> = ["granted", "refused", "none"]
                .into_iter()
                .map(|s| (s, vec![0; span]))
                .collect();
            for c in per_day.iter().filter(|c| c.purpose == *id) {
                if let (Some(i), Some(s)) = (index(c.day), series.get_mut(c.state.as_str())) {
                    if let Some(slot) = s.get_mut(i) {
                        *slot = c.visitors;
                    }
                }
            }
            let total = |state: &str| {
                totals
                    .iter()
                    .filter(|c| c.purpose == *id && c.state == state)
                    .map(|c| c.visitors)
                    .sum::<i64>()
            };
            json!({
                "id": id,
                "title": title,
                "granted": series.get("granted"),
                "refused": series.get("refused"),
                "none": series.get("none"),
                "total": { "granted": total("granted"), "refused": total("refused"), "none": total("none") },
            })
        })
        .collect();
    json_response(
        200,
        &json!({
            "from": date(from),
            "to": date(to),
            "days": (from..=to).map(date).collect::<Vec<_>>(),
            "receipts": receipts,
            "visitors": visitors,
            "purposes": list,
            "stored": stored,
            "database": app.db.kind(),
            "retentionDays": app.settings.retention_days,
        }),
        None,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_from_trusted_proxies_only() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        let other: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(client_ip(other, &h, &[proxy]), other);
        assert_eq!(
            client_ip(proxy, &h, &[proxy]),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        let inner: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(
            client_ip(proxy, &h, &[proxy, inner]),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        h.insert("x-forwarded-for", "junk".parse().unwrap());
        assert_eq!(client_ip(proxy, &h, &[proxy]), proxy);
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }

    #[test]
    fn spreadsheet_formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-1+1"), "'-1+1");
        assert_eq!(cell("abc"), "abc");
    }
}
