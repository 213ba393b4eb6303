// The script tag from a CDN: dist/candor/ served from a second origin (another
// loopback port), without and with `Access-Control-Allow-Origin`, and the
// embed with `integrity` (SRI) and `crossorigin` on the <script> tag and a
// preload hint for the wasm, as the release's embed.html has them. Its own
// servers (tests/e2e/lib/static.mjs); it needs only dist/candor/.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, test } from "node:test";
import { HERE, banner, useBrowser } from "./lib/browser.mjs";
import { serveDir } from "./lib/static.mjs";

const DIST = join(HERE, "..", "..", "dist", "candor");
const b = useBrowser();
afterEach(() => b.closeAll());

const CONFIG = JSON.stringify({
  revision: 1,
  policyUrl: "/privacy.html",
  defaultLanguage: "en",
  purposes: [
    { id: "essential", required: true, title: "Essential", description: "Keeps your cart." },
    { id: "offers", title: "Offers", description: "Offers based on what you view here." },
  ],
});

const sri = (file) => "sha384-" + createHash("sha384").update(readFileSync(join(DIST, file))).digest("base64");

/** A shop page on its own origin embedding candor.js from `cdn` with `attrs`, and `head` in <head>. */
function shopPage({ cdn, attrs = "", head = "", lang = "en" }) {
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <title>A shop</title>
  ${head}
  <script src="${cdn}candor/candor.js"${attrs} async></script>
</head>
<body>
  <h1>A shop</h1>
  <script type="application/json" id="candor-config">${CONFIG}</script>
</body>
</html>`;
}

let cdnPlain;
let cdnCors;
before(async () => {
  assert.ok(existsSync(join(DIST, "candor.js")), "dist/candor/candor.js is missing: run `cargo xtask build`");
  // A CDN that sends no CORS header, and one that allows every origin. The
  // folder is mounted under /candor/ as a site would put it.
  const mount = join(DIST, "..");
  cdnPlain = await serveDir(mount);
  cdnCors = await serveDir(mount, { headers: { "Access-Control-Allow-Origin": "*" } });
});
after(async () => {
  await cdnPlain?.close();
  await cdnCors?.close();
});

/** Serves `html` as the shop's page on a third origin and opens it; collects the console. */
async function openShop(html) {
  const shop = await serveDir(null, { pages: { "/": html } });
  const { page } = await b.open();
  const consoleLines = [];
  page.on("console", (m) => consoleLines.push(m.text()));
  await page.goto(shop.url);
  return { page, shop, consoleLines };
}

/** `window.candor.ready`, settled: `{ ok: true }` or `{ ok: false, message }`. */
function readyOutcome(page) {
  return page.evaluate(async () => {
    const deadline = Date.now() + 10_000;
    while (!(window.candor && window.candor.ready)) {
      if (Date.now() > deadline) return { ok: false, message: "no window.candor" };
      await new Promise((r) => setTimeout(r, 50));
    }
    return Promise.race([
      window.candor.ready.then(
        () => ({ ok: true }),
        (e) => ({ ok: false, message: String(e && e.message) }),
      ),
      new Promise((r) => setTimeout(() => r({ ok: false, message: "ready did not settle within 10 s" }), 10_000)),
    ]);
  });
}

test("CDN without Access-Control-Allow-Origin: ready rejects and Candor's console message names CORS and the header", async () => {
  const { page, shop, consoleLines } = await openShop(shopPage({ cdn: cdnPlain.url }));
  try {
    const outcome = await readyOutcome(page);
    assert.equal(outcome.ok, false);
    const warning = consoleLines.find((l) => l.startsWith("Candor: could not load the widget"));
    assert.ok(warning, `a Candor: warning on the console:\n${consoleLines.join("\n")}`);
    assert.equal(outcome.message, warning, "ready rejects with the message the console shows");
    for (const needed of [
      `from ${cdnPlain.origin}/candor/candor_web_bg.wasm`,
      "another origin than the page, so CORS applies",
      `the server at ${cdnPlain.origin} must send the header \`Access-Control-Allow-Origin: *\``,
      `\`Access-Control-Allow-Origin: ${shop.origin}\``,
      "candor_web_bg.wasm and i18n/*.txt",
    ]) {
      assert.ok(warning.includes(needed), `the message says ${JSON.stringify(needed)}:\n${warning}`);
    }
    // Chromium's own error names the header too; Candor's says what to do.
    assert.ok(consoleLines.some((l) => l.includes("blocked by CORS policy")), consoleLines.join("\n"));
    assert.equal(await page.evaluate(() => window.candor.allows("offers")), false, "nothing allowed");
  } finally {
    await shop.close();
  }
});

test("CDN with Access-Control-Allow-Origin: the banner shows; a German page fetches its language file from the CDN", async () => {
  for (const lang of ["en", "de"]) {
    const before = cdnCors.requests.length;
    const { page, shop, consoleLines } = await openShop(shopPage({ cdn: cdnCors.url, lang }));
    try {
      assert.deepEqual(await readyOutcome(page), { ok: true }, consoleLines.join("\n"));
      await banner(page).waitFor({ state: "visible" });
      const d = await page.evaluate(() => window.candor.decide({ purpose: "offers" }));
      assert.deepEqual([d.allowed, d.reason], [false, "no-choice"]);
      assert.deepEqual(consoleLines.filter((l) => l.startsWith("Candor:")), []);
      const fetched = cdnCors.requests.slice(before).filter((p) => p.includes("/i18n/"));
      assert.deepEqual(fetched, lang === "de" ? ["/candor/i18n/de.txt"] : []);
    } finally {
      await shop.close();
    }
  }
});

test("CDN with SRI: integrity and crossorigin on the script tag, the wasm preloaded with its hash and fetched once", async () => {
  const cdn = cdnCors.url;
  const head = `<link rel="preload" href="${cdn}candor/candor_web_bg.wasm" as="fetch" type="application/wasm" crossorigin integrity="${sri("candor_web_bg.wasm")}">`;
  const attrs = ` integrity="${sri("candor.js")}" crossorigin="anonymous"`;
  const before = cdnCors.requests.length;
  const { page, shop, consoleLines } = await openShop(shopPage({ cdn, attrs, head }));
  try {
    assert.deepEqual(await readyOutcome(page), { ok: true }, consoleLines.join("\n"));
    await banner(page).waitFor({ state: "visible" });
    const wasm = cdnCors.requests.slice(before).filter((p) => p.endsWith(".wasm"));
    assert.deepEqual(wasm, ["/candor/candor_web_bg.wasm"], "the preloaded wasm is the one the loader uses: fetched once");
    // Chromium checks `integrity` on preloads of scripts and styles only: for
    // `as="fetch"` it says so once on the console, still reuses the preload,
    // and the loader's own fetch checks the hash. Nothing else is said.
    const ignored = /integrity. attribute is currently ignored for preload destinations/;
    assert.deepEqual(consoleLines.filter((l) => /Candor:|preload|integrity/i.test(l) && !ignored.test(l)), []);
  } finally {
    await shop.close();
  }
});

test("CDN with SRI: a wrong hash, or crossorigin without the CORS header, stops candor.js before it runs", async () => {
  const wrong = ` integrity="sha384-${"A".repeat(64)}" crossorigin="anonymous"`;
  for (const [cdn, attrs, says] of [
    [cdnCors.url, wrong, "integrity"],
    [cdnPlain.url, ` integrity="${sri("candor.js")}" crossorigin="anonymous"`, "CORS"],
  ]) {
    const { page, shop, consoleLines } = await openShop(shopPage({ cdn, attrs }));
    try {
      await page.waitForLoadState("load");
      assert.equal(await page.evaluate(() => typeof window.candor), "undefined", "candor.js did not run");
      assert.ok(consoleLines.some((l) => l.includes(says)), `the browser's console names ${says}:\n${consoleLines.join("\n")}`);
    } finally {
      await shop.close();
    }
  }
});
