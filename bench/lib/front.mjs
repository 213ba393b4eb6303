// The benchmark's front server, on 127.0.0.1 between Chromium and xtask's
// static server (BENCH_BASE_URL):
//
// - it serves every response compressed the way a production host would:
//   brotli quality 11 when the browser offers it (Chromium does, on
//   127.0.0.1), else gzip level 9, so that the mobile profile's throttled
//   link carries the bytes a visitor would download, not the raw files;
// - it keeps every body it served in memory for the whole run (a page, a
//   config or a widget file edited during the run does not change what is
//   measured), and `served(path)` gives those bytes back, so the byte figures
//   are computed from exactly what the pages requested;
// - it serves the A/A control: `copies` maps a second page to an original
//   one whose widget prefix is rewritten (for example /candor-copy.html is
//   /candor.html with "/candor/" replaced by "/candor-copy/"), and the second
//   prefix to the first, so the copy's files are byte-identical to the
//   original's, at other URLs.
import http from "node:http";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";

const COMPRESSIBLE = /^(text\/|application\/(javascript|json|wasm|manifest\+json)|image\/svg\+xml)/;

/**
 * `upstream`: xtask's server, e.g. http://127.0.0.1:PORT. `copies`: [{ page,
 * of, prefix, ofPrefix }]. Resolves to { url, served(path), offered, close() }.
 */
export async function startFront(upstream, copies = []) {
  const base = upstream.replace(/\/$/, "");
  const cache = new Map(); // upstream path -> Promise<{ status, type, body, encoded }>
  const offered = new Set(); // the Accept-Encoding values the browser sent

  const upstreamPath = (path) => {
    for (const c of copies) {
      if (path === c.page) return { path: c.of, rewrite: c };
      if (path.startsWith(c.prefix)) return { path: c.ofPrefix + path.slice(c.prefix.length), rewrite: null };
    }
    return { path, rewrite: null };
  };

  const load = (path, rewrite) => {
    const key = rewrite ? `${path} as ${rewrite.page}` : path;
    if (!cache.has(key)) {
      cache.set(
        key,
        (async () => {
          const res = await fetch(base + path);
          let body = Buffer.from(await res.arrayBuffer());
          if (rewrite && res.ok) body = Buffer.from(body.toString("utf8").split(rewrite.ofPrefix).join(rewrite.prefix));
          const type = res.headers.get("content-type") || "application/octet-stream";
          const encoded = {};
          if (res.ok && COMPRESSIBLE.test(type) && body.length > 0) {
            encoded.br = brotliCompressSync(body, {
              params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length },
            });
            encoded.gzip = gzipSync(body, { level: 9 });
          }
          return { status: res.status, type, body, encoded };
        })(),
      );
      // A failed fetch is not kept: the next request tries again.
      cache.get(key).then((r) => r.status !== 200 && cache.delete(key), () => cache.delete(key));
    }
    return cache.get(key);
  };

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://front");
      const { path, rewrite } = upstreamPath(url.pathname);
      const r = await load(path + url.search, rewrite);
      const accept = String(req.headers["accept-encoding"] || "");
      offered.add(accept);
      const coding = ["br", "gzip"].find((c) => r.encoded[c] && new RegExp(`\\b${c}\\b`).test(accept)) ?? null;
      const body = coding ? r.encoded[coding] : r.body;
      const headers = {
        "Content-Type": r.type,
        "Content-Length": String(body.length),
        "Cache-Control": "no-cache",
        Vary: "Accept-Encoding",
      };
      if (coding) headers["Content-Encoding"] = coding;
      res.writeHead(r.status, headers);
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (e) {
      res.writeHead(502, { "Content-Type": "text/plain" });
      res.end(`front: ${e}`);
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    offered,
    /** The raw body served for `path` (the copy's rewritten page included), or null. */
    async served(path) {
      const { path: up, rewrite } = upstreamPath(path);
      const key = rewrite ? `${up} as ${rewrite.page}` : up;
      if (!cache.has(key)) return null;
      const r = await cache.get(key).catch(() => null);
      return r && r.status === 200 ? r.body : null;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
