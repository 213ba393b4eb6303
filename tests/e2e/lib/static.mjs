// A small static file server on 127.0.0.1 (a free port) for the tests that
// need their own origins: the CDN tests (a second origin, with or without
// CORS headers) and the bundler apps' built output. Exact MIME types
// (`application/wasm` lets the wasm compile while it downloads), no
// caching, no path traversal, dot-files never served.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
};

/**
 * Serves `dir` (null: `pages` only) on http://127.0.0.1:<free port>.
 * - `headers`: sent with every file (e.g. `{ "Access-Control-Allow-Origin": "*" }`).
 * - `pages`: path → body (HTML) served before the directory is looked at.
 * Resolves to `{ url, origin, requests, close() }`; `requests` lists the
 * paths asked for, in order.
 */
export async function serveDir(dir, { headers = {}, pages = {} } = {}) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    requests.push(path);
    const send = (status, type, body) => {
      res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", ...headers });
      res.end(body);
    };
    try {
      if (Object.hasOwn(pages, path)) return send(200, TYPES[".html"], pages[path]);
      if (!dir) return send(404, "text/plain", "not found");
      const rel = normalize(path.endsWith("/") ? path + "index.html" : path);
      if (rel.split(/[\\/]/).some((s) => s === ".." || (s.startsWith(".") && s !== "."))) {
        return send(403, "text/plain", "forbidden");
      }
      const file = join(dir, rel);
      if (!file.startsWith(normalize(dir + sep))) return send(403, "text/plain", "forbidden");
      if (!(await stat(file)).isFile()) return send(404, "text/plain", "not found");
      send(200, TYPES[extname(file)] || "application/octet-stream", await readFile(file));
    } catch {
      send(404, "text/plain", "not found");
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    url: origin + "/",
    origin,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A free TCP port on 127.0.0.1 (for a server started by another program). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
