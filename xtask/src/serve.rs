//! `cargo xtask serve`: a small static file server for the demo shop.
//!
//! `www/` at `/`, `dist/candor/` at `/candor/`, `dist/npm/` at `/npm/`; exact
//! MIME types (`application/wasm` matters: streaming compilation refuses
//! anything else), `Cache-Control: no-cache`, an optional strict CSP, no
//! path traversal, loopback only. One thread per connection, so a browser's
//! parallel requests run in parallel. std only. Optionally one path is
//! proxied: `POST /consent-receipts` to candor-records, as a shop's own
//! server would route its receipt endpoint ([`Mounts::proxy`]).

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::util::{Context, Result};

/// The CSP the `--csp` option adds: what a strict site would send. The
/// widget must work under it (no inline script or style, wasm allowed).
pub const STRICT_CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Server settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    pub csp: bool,
    /// Print one line per request.
    pub log: bool,
}

/// URL prefix → directory, first match wins; the empty prefix is the site.
/// The second field: a path whose `POST`s go to another server.
#[derive(Clone, Debug)]
pub struct Mounts(Vec<(String, PathBuf)>, Option<(String, SocketAddr)>);

/// Largest request body passed on to the proxied server.
const MAX_PROXY_BODY: u64 = 1 << 20;

impl Mounts {
    /// Any layout: `(prefix, directory)` pairs, first match wins, `""` is
    /// the site (used by `cargo xtask bench`).
    pub fn new(mounts: Vec<(String, PathBuf)>) -> Mounts {
        Mounts(mounts, None)
    }

    /// `POST /<path>` goes to `POST /receipts` on `to` (candor-records),
    /// with the browser's `Origin` and `Content-Type` and an
    /// `X-Forwarded-For`.
    pub fn proxy(mut self, path: &str, to: SocketAddr) -> Mounts {
        self.1 = Some((path.to_string(), to));
        self
    }

    /// Where a request goes when it is proxied.
    fn proxied(&self, method: &str, target: &str) -> Option<SocketAddr> {
        let (path, to) = self.1.as_ref()?;
        let segments = sanitize(target).ok()?;
        (method == "POST" && segments.len() == 1 && segments.first() == Some(path)).then_some(*to)
    }

    /// The demo layout under the repository root.
    pub fn demo(root: &Path) -> Mounts {
        Mounts(
            vec![
                ("candor".into(), root.join("dist/candor")),
                ("npm".into(), root.join("dist/npm")),
                (String::new(), root.join("www")),
            ],
            None,
        )
    }

    /// The directory and the path inside it that `segments` name.
    pub fn resolve(&self, segments: &[String]) -> Option<(PathBuf, PathBuf)> {
        for (prefix, dir) in &self.0 {
            let rest: &[String] = if prefix.is_empty() {
                segments
            } else if segments.first() == Some(prefix) {
                segments.get(1..).unwrap_or(&[])
            } else {
                continue;
            };
            let mut path = dir.clone();
            path.extend(rest);
            return Some((dir.clone(), path));
        }
        None
    }

    fn site(&self) -> Option<&Path> {
        self.0
            .iter()
            .find(|(p, _)| p.is_empty())
            .map(|(_, d)| d.as_path())
    }
}

/// The Content-Type for a file, by extension.
pub fn mime_for(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "webp" => "image/webp",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" | "md" | "ts" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadPath {
    /// Not an absolute path, or bad percent-encoding / UTF-8.
    Malformed,
    /// `..`, an encoded slash or backslash, or a NUL: an escape attempt.
    Traversal,
    /// A dot-file (`.git`, `.env`): never served.
    Hidden,
}

/// Splits a request target into decoded path segments: drops the query and
/// fragment, percent-decodes each segment, drops empty and `.` segments and
/// refuses anything that could leave the served directory.
pub fn sanitize(target: &str) -> std::result::Result<Vec<String>, BadPath> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let Some(path) = path.strip_prefix('/') else {
        return Err(BadPath::Malformed);
    };
    let mut segments = Vec::new();
    for raw in path.split('/') {
        let seg = percent_decode(raw).ok_or(BadPath::Malformed)?;
        if seg.is_empty() || seg == "." {
            continue;
        }
        if seg == ".." || seg.contains(['/', '\\', '\0']) {
            return Err(BadPath::Traversal);
        }
        if seg.starts_with('.') {
            return Err(BadPath::Hidden);
        }
        segments.push(seg);
    }
    Ok(segments)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A response, before it is written.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

fn text_page(status: u16, message: &str) -> Response {
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\"><title>{status} {r}</title>\n<h1>{status} {r}</h1>\n<p>{message}</p>\n<p><a href=\"/\">Back to the shop</a></p>\n</html>\n",
        r = reason(status)
    );
    Response {
        status,
        headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
        body: body.into_bytes(),
    }
}

/// Answers one request (method and target), without I/O on the socket.
pub fn respond(mounts: &Mounts, method: &str, target: &str) -> Response {
    if method != "GET" && method != "HEAD" {
        let mut r = text_page(405, "This server only serves files (GET and HEAD).");
        r.headers.push(("Allow", "GET, HEAD".into()));
        return r;
    }
    let segments = match sanitize(target) {
        Ok(s) => s,
        Err(BadPath::Traversal) => return text_page(400, "That path tries to leave the site."),
        Err(BadPath::Malformed) => return text_page(400, "That is not a valid path."),
        Err(BadPath::Hidden) => return not_found(mounts),
    };
    let Some((base, mut path)) = mounts.resolve(&segments) else {
        return not_found(mounts);
    };
    if path.is_dir() {
        let path_part = target.split(['?', '#']).next().unwrap_or("/");
        if !path_part.ends_with('/') {
            // So that relative links inside index.html resolve in the folder.
            let query = target.get(path_part.len()..).unwrap_or("");
            let mut r = text_page(301, "Moved.");
            r.headers.push(("Location", format!("{path_part}/{query}")));
            return r;
        }
        path.push("index.html");
    }
    // Defence in depth: symlinks must not lead out of the mounted folder.
    let inside = match (path.canonicalize(), base.canonicalize()) {
        (Ok(p), Ok(b)) => p.starts_with(b),
        _ => false,
    };
    if !inside || !path.is_file() {
        return not_found(mounts);
    }
    match fs::read(&path) {
        Ok(body) => Response {
            status: 200,
            headers: vec![("Content-Type", mime_for(&path).into())],
            body,
        },
        Err(_) => text_page(403, "That file cannot be read."),
    }
}

fn not_found(mounts: &Mounts) -> Response {
    if let Some(body) = mounts
        .site()
        .and_then(|s| fs::read(s.join("404.html")).ok())
    {
        return Response {
            status: 404,
            headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
            body,
        };
    }
    text_page(404, "There is nothing at this address.")
}

/// A running server; dropping it does not stop it, [`Server::stop`] does.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept().
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Serves until the process is interrupted.
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Binds 127.0.0.1 and serves `mounts` on a background thread.
pub fn start(mounts: Mounts, options: Options) -> Result<Server> {
    let listener = TcpListener::bind(("127.0.0.1", options.port)).context(format!(
        "cannot listen on 127.0.0.1:{} (is another server running there? try --port)",
        options.port
    ))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let stop = Arc::new(AtomicBool::new(false));
    let stop_flag = Arc::clone(&stop);
    let mounts = Arc::new(mounts);
    let options = Arc::new(options);
    let thread = thread::Builder::new()
        .name("serve".into())
        .spawn(move || {
            for conn in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = conn else { continue };
                let mounts = Arc::clone(&mounts);
                let options = Arc::clone(&options);
                let _ = thread::Builder::new()
                    .name("serve-conn".into())
                    .spawn(move || {
                        let _ = handle(stream, &mounts, &options);
                    });
            }
        })
        .context("starting the server thread")?;
    Ok(Server {
        addr,
        stop,
        thread: Some(thread),
    })
}

/// Serves one connection: keep-alive, requests answered in order.
fn handle(stream: TcpStream, mounts: &Mounts, options: &Options) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    // Each response goes out in one write (see `write_response`); without
    // Nagle nothing waits for the browser's delayed ACK (up to 40 ms per
    // request on Linux loopback, which the benchmark measured).
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let head = match read_head(&mut reader)? {
            Some(Ok(head)) => head,
            Some(Err(status)) => {
                let r = text_page(status, "Bad request.");
                write_response(&mut writer, &r, false, options, true)?;
                break;
            }
            None => break,
        };
        let mut lines = head.lines();
        let request_line = lines.next().unwrap_or("");
        let mut parts = request_line.split_whitespace();
        let (method, target, version) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        let mut close = version != "HTTP/1.1";
        let mut body_len: u64 = 0;
        let (mut origin, mut content_type) = (None, None);
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close")
                    || (version != "HTTP/1.1" && !value.eq_ignore_ascii_case("keep-alive"));
            } else if name.eq_ignore_ascii_case("content-length") {
                body_len = value.parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                close = true;
            } else if name.eq_ignore_ascii_case("origin") {
                origin = Some(value.to_string());
            } else if name.eq_ignore_ascii_case("content-type") {
                content_type = Some(value.to_string());
            }
        }
        let response = match mounts.proxied(method, target) {
            Some(_) if body_len > MAX_PROXY_BODY => {
                close = true;
                text_page(413, "That body is too large.")
            }
            Some(to) => {
                let mut body = Vec::new();
                (&mut reader).take(body_len).read_to_end(&mut body)?;
                let client = writer.peer_addr().map(|a| a.ip()).ok();
                forward(
                    to,
                    origin.as_deref(),
                    content_type.as_deref(),
                    &body,
                    client,
                )
            }
            None => {
                // Discard any request body so the next request starts cleanly.
                if body_len > 0 {
                    io::copy(&mut (&mut reader).take(body_len), &mut io::sink())?;
                }
                respond(mounts, method, target)
            }
        };
        if options.log {
            println!("    {} {} {}", response.status, method, target);
        }
        write_response(&mut writer, &response, method == "HEAD", options, close)?;
        if close {
            break;
        }
    }
    let _ = writer.shutdown(Shutdown::Write);
    Ok(())
}

/// Passes one `POST` on to `POST /receipts` at `to` and brings its answer
/// back (502 when nothing answers).
fn forward(
    to: SocketAddr,
    origin: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
    client: Option<std::net::IpAddr>,
) -> Response {
    let attempt = || -> io::Result<Response> {
        let mut s = TcpStream::connect_timeout(&to, Duration::from_secs(5))?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut head = format!(
            "POST /receipts HTTP/1.1\r\nHost: {to}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in [
            ("Origin", origin.map(str::to_string)),
            ("Content-Type", content_type.map(str::to_string)),
            ("X-Forwarded-For", client.map(|ip| ip.to_string())),
        ] {
            if let Some(v) = value {
                head.push_str(&format!("{name}: {v}\r\n"));
            }
        }
        head.push_str("\r\n");
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        s.write_all(&request)?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)?;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| io::Error::other("no end of headers"))?;
        let head = String::from_utf8_lossy(raw.get(..split).unwrap_or_default()).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| io::Error::other("no status"))?;
        let mut headers = Vec::new();
        for line in head.lines().skip(1) {
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-type") {
                    headers.push(("Content-Type", value.trim().to_string()));
                }
            }
        }
        Ok(Response {
            status,
            headers,
            body: raw.get(split + 4..).unwrap_or_default().to_vec(),
        })
    };
    attempt().unwrap_or_else(|_| {
        text_page(
            502,
            "The receipt collector (candor-records) did not answer.",
        )
    })
}

/// Reads up to the blank line ending the headers. `None` on a closed or idle
/// connection; `Some(Err(status))` on an oversized or non-UTF-8 head.
fn read_head(
    reader: &mut BufReader<TcpStream>,
) -> io::Result<Option<std::result::Result<String, u16>>> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        let n = match reader
            .by_ref()
            .take((MAX_HEADER_BYTES + 1 - head.len()) as u64)
            .read_until(b'\n', &mut line)
        {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(None);
        }
        let blank = line == b"\r\n" || line == b"\n";
        if blank && head.is_empty() {
            continue; // tolerate stray CRLF between requests
        }
        head.extend_from_slice(&line);
        if head.len() > MAX_HEADER_BYTES {
            return Ok(Some(Err(431)));
        }
        if blank {
            return Ok(Some(String::from_utf8(head).map_err(|_| 400)));
        }
    }
}

fn write_response(
    w: &mut TcpStream,
    r: &Response,
    head_only: bool,
    options: &Options,
    close: bool,
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (name, value) in &r.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n", r.body.len()));
    out.push_str("Cache-Control: no-cache\r\n");
    out.push_str("X-Content-Type-Options: nosniff\r\n");
    if options.csp {
        out.push_str(&format!("Content-Security-Policy: {STRICT_CSP}\r\n"));
    }
    out.push_str(if close {
        "Connection: close\r\n"
    } else {
        "Connection: keep-alive\r\n"
    });
    out.push_str("\r\n");
    // Head and body in one buffer, one write: two small writes on one
    // connection make the second wait for an ACK the client delays.
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&r.body);
    }
    w.write_all(&bytes)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types() {
        let cases = [
            ("a/candor_web_bg.wasm", "application/wasm"),
            ("candor.js", "text/javascript; charset=utf-8"),
            ("m.MJS", "text/javascript; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("s.css", "text/css; charset=utf-8"),
            ("candor.json", "application/json"),
            ("i.svg", "image/svg+xml"),
            ("i.png", "image/png"),
            ("i.webp", "image/webp"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("index.d.ts", "text/plain; charset=utf-8"),
            ("noext", "application/octet-stream"),
        ];
        for (path, mime) in cases {
            assert_eq!(mime_for(Path::new(path)), mime, "{path}");
        }
    }

    fn segs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sanitize_decodes_and_normalizes() {
        assert_eq!(sanitize("/"), Ok(vec![]));
        assert_eq!(
            sanitize("/candor/candor.js?v=1#x"),
            Ok(segs(&["candor", "candor.js"]))
        );
        assert_eq!(sanitize("//a/./b/"), Ok(segs(&["a", "b"])));
        assert_eq!(
            sanitize("/caf%C3%A9%20bar.html"),
            Ok(segs(&["café bar.html"]))
        );
    }

    #[test]
    fn sanitize_rejects_traversal_in_every_spelling() {
        for bad in [
            "/../Cargo.toml",
            "/candor/../../etc/passwd",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/secret",
            "/a/..",
            "/a%2f..%2fb",
            "/a%5c..%5cb",
            "/a%00b",
        ] {
            assert_eq!(sanitize(bad), Err(BadPath::Traversal), "{bad}");
        }
    }

    #[test]
    fn sanitize_rejects_malformed_and_hidden() {
        assert_eq!(sanitize("no-slash"), Err(BadPath::Malformed));
        assert_eq!(sanitize("/%zz"), Err(BadPath::Malformed));
        assert_eq!(sanitize("/%"), Err(BadPath::Malformed));
        assert_eq!(sanitize("/%ff"), Err(BadPath::Malformed));
        assert_eq!(sanitize("/.git/config"), Err(BadPath::Hidden));
        assert_eq!(sanitize("/.env"), Err(BadPath::Hidden));
    }

    #[test]
    fn mounts_route_prefixes_first() {
        let m = Mounts::demo(Path::new("/r"));
        let (base, p) = m.resolve(&segs(&["candor", "candor.js"])).unwrap();
        assert_eq!(
            (base.as_path(), p.as_path()),
            (
                Path::new("/r/dist/candor"),
                Path::new("/r/dist/candor/candor.js")
            )
        );
        let (_, p) = m.resolve(&segs(&["npm", "index.js"])).unwrap();
        assert_eq!(p, Path::new("/r/dist/npm/index.js"));
        let (_, p) = m.resolve(&segs(&["candorx", "a.html"])).unwrap();
        assert_eq!(p, Path::new("/r/www/candorx/a.html"));
        let (_, p) = m.resolve(&[]).unwrap();
        assert_eq!(p, Path::new("/r/www"));
    }

    fn temp_site() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-serve-{}-{:?}",
            std::process::id(),
            thread::current().id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("www/shop")).unwrap();
        fs::create_dir_all(dir.join("dist/candor")).unwrap();
        fs::write(dir.join("www/index.html"), "<h1>shop</h1>").unwrap();
        fs::write(dir.join("www/shop/index.html"), "<h1>inner</h1>").unwrap();
        fs::write(dir.join("dist/candor/candor_web_bg.wasm"), b"\0asm").unwrap();
        fs::write(dir.join("secret.txt"), "secret").unwrap();
        dir
    }

    #[test]
    fn respond_serves_indexes_redirects_and_refuses() {
        let dir = temp_site();
        let m = Mounts::demo(&dir);
        let r = respond(&m, "GET", "/");
        assert_eq!(
            (r.status, r.body.as_slice()),
            (200, b"<h1>shop</h1>".as_slice())
        );
        let r = respond(&m, "GET", "/shop?x=1");
        assert_eq!(r.status, 301);
        assert!(r.headers.contains(&("Location", "/shop/?x=1".into())));
        assert_eq!(respond(&m, "GET", "/shop/").status, 200);
        let r = respond(&m, "GET", "/candor/candor_web_bg.wasm");
        assert_eq!(r.status, 200);
        assert!(r
            .headers
            .contains(&("Content-Type", "application/wasm".into())));
        assert_eq!(respond(&m, "GET", "/../secret.txt").status, 400);
        assert_eq!(
            respond(&m, "GET", "/candor/%2e%2e/%2e%2e/secret.txt").status,
            400
        );
        assert_eq!(respond(&m, "GET", "/missing.html").status, 404);
        assert_eq!(respond(&m, "POST", "/").status, 405);
        fs::write(dir.join("www/404.html"), "custom 404").unwrap();
        let r = respond(&m, "GET", "/missing.html");
        assert_eq!(
            (r.status, r.body.as_slice()),
            (404, b"custom 404".as_slice())
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_receipt_endpoint_is_proxied_with_origin_and_client() {
        let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
        let to = upstream.local_addr().unwrap();
        let seen = thread::spawn(move || {
            let (mut s, _) = upstream.accept().unwrap();
            let mut buf = vec![0u8; 4096];
            let mut got = Vec::new();
            while !String::from_utf8_lossy(&got).ends_with("{\"a\":1}") {
                let n = s.read(&mut buf).unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            s.write_all(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}").unwrap();
            String::from_utf8(got).unwrap()
        });
        let dir = temp_site();
        let mounts = Mounts::demo(&dir).proxy("consent-receipts", to);
        assert_eq!(mounts.proxied("POST", "/consent-receipts"), Some(to));
        assert_eq!(mounts.proxied("GET", "/consent-receipts"), None);
        assert_eq!(mounts.proxied("POST", "/consent-receipts/x"), None);
        let server = start(
            mounts,
            Options {
                port: 0,
                csp: false,
                log: false,
            },
        )
        .unwrap();
        let addr = server.url().trim_start_matches("http://").to_string();
        let mut s = TcpStream::connect(&addr).unwrap();
        s.write_all(b"POST /consent-receipts HTTP/1.1\r\nHost: x\r\nOrigin: http://127.0.0.1:8080\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{\"a\":1}").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        assert!(text.starts_with("HTTP/1.1 201 Created\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\n{}"), "{text}");
        let request = seen.join().unwrap();
        assert!(
            request.starts_with("POST /receipts HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(request.contains("Origin: http://127.0.0.1:8080\r\n"));
        assert!(request.contains("Content-Type: text/plain;charset=UTF-8\r\n"));
        assert!(request.contains("X-Forwarded-For: 127.0.0.1\r\n"));
        server.stop();
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn server_answers_over_tcp_with_headers() {
        let dir = temp_site();
        let server = start(
            Mounts::demo(&dir),
            Options {
                port: 0,
                csp: true,
                log: false,
            },
        )
        .unwrap();
        let addr = server.url().trim_start_matches("http://").to_string();
        let mut s = TcpStream::connect(&addr).unwrap();
        s.write_all(b"GET /candor/candor_web_bg.wasm HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains("Content-Type: application/wasm\r\n"));
        assert!(text.contains("Cache-Control: no-cache\r\n"));
        assert!(text.contains(&format!("Content-Security-Policy: {STRICT_CSP}\r\n")));
        assert!(text.contains("\0asm"));
        // The second, pipelined request on the same connection: HEAD, no body.
        let second = text.split("\0asm").nth(1).unwrap();
        assert!(second.starts_with("HTTP/1.1 200 OK\r\n"), "{second}");
        assert!(second.contains("Content-Length: 13\r\n") && second.ends_with("\r\n\r\n"));
        server.stop();
        let _ = fs::remove_dir_all(&dir);
    }
}
