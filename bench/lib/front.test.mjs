// node --test bench/lib/   (no browser: a stand-in upstream server on 127.0.0.1)
import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { startFront } from "./front.mjs";

const FILES = {
  "/candor.html": ["text/html", '<script src="/candor/candor.js" data-config="/bench/c.json"></script><link rel="preload" href="/candor/w.wasm">'],
  "/candor/candor.js": ["text/javascript", "console.log('candor');".repeat(50)],
  "/candor/w.wasm": ["application/wasm", Buffer.from([0, 97, 115, 109, 1, 0, 0, 0])],
  "/img.png": ["image/png", Buffer.from([137, 80, 78, 71])],
};

async function upstream() {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits += 1;
    const f = FILES[req.url];
    if (!f) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": f[0] });
    res.end(f[1]);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, hits: () => hits, close: () => new Promise((r) => server.close(r)) };
}

function get(url, acceptEncoding) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {} }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

test("front server: compression, the A/A copy, what it served", async () => {
  const up = await upstream();
  const front = await startFront(up.url, [{ page: "/candor-copy.html", of: "/candor.html", prefix: "/candor-copy/", ofPrefix: "/candor/" }]);
  try {
    // brotli when offered, gzip otherwise, identity when neither
    let r = await get(front.url + "/candor/candor.js", "gzip, deflate, br, zstd");
    assert.equal(r.headers["content-encoding"], "br");
    assert.equal(brotliDecompressSync(r.body).toString(), FILES["/candor/candor.js"][1]);
    r = await get(front.url + "/candor/candor.js", "gzip, deflate");
    assert.equal(r.headers["content-encoding"], "gzip");
    assert.equal(gunzipSync(r.body).toString(), FILES["/candor/candor.js"][1]);
    r = await get(front.url + "/candor/candor.js", "");
    assert.equal(r.headers["content-encoding"], undefined);
    assert.equal(r.body.toString(), FILES["/candor/candor.js"][1]);
    assert.equal(r.headers["cache-control"], "no-cache");
    // wasm is compressed too; a PNG is not
    r = await get(front.url + "/candor/w.wasm", "br");
    assert.equal(r.headers["content-type"], "application/wasm");
    assert.deepEqual(brotliDecompressSync(r.body), FILES["/candor/w.wasm"][1]);
    r = await get(front.url + "/img.png", "br");
    assert.equal(r.headers["content-encoding"], undefined);

    // The copy page: the original with the widget's prefix rewritten, and
    // the copy's files are the original's bytes.
    r = await get(front.url + "/candor-copy.html", "");
    assert.equal(r.body.toString(), FILES["/candor.html"][1].split("/candor/").join("/candor-copy/"));
    assert.match(r.body.toString(), /data-config="\/bench\/c.json"/);
    r = await get(front.url + "/candor-copy/w.wasm", "");
    assert.deepEqual(r.body, FILES["/candor/w.wasm"][1]);
    assert.deepEqual(await front.served("/candor-copy/w.wasm"), FILES["/candor/w.wasm"][1]);
    assert.equal(await front.served("/candor.html"), null); // only what was asked for
    await get(front.url + "/candor.html", "br");
    assert.equal((await front.served("/candor.html")).toString(), FILES["/candor.html"][1]);
    assert.match((await front.served("/candor-copy.html")).toString(), /\/candor-copy\/candor.js/);
    assert.equal(await front.served("/never-asked"), null);

    // Kept for the run: the upstream is asked once per path.
    const before = up.hits();
    await get(front.url + "/candor/candor.js", "br");
    assert.equal(up.hits(), before);

    // Upstream errors pass through and are not kept.
    r = await get(front.url + "/missing.js", "br");
    assert.equal(r.status, 404);
    assert.equal(await front.served("/missing.js"), null);
    assert.ok(front.offered.has("gzip, deflate, br, zstd"));
  } finally {
    await front.close();
    await up.close();
  }
});
