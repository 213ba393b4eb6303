// Helpers shared by the hostile catalogue (tests/e2e/hostile/*.test.mjs):
// a seeded generator, the shop's config and purposes, `ready`'s outcome,
// the checks every case makes (no page error, nothing allowed that the
// shopper did not choose, the page's own script still works), routed pages
// and configs, real clicks, and storage filled to its quota.
//
// Not a test file (node --test picks only *.test.mjs here).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HERE, action, url } from "../lib/browser.mjs";

/** The fixture page with a click counter standing for the shop's own code. */
export const PAGE = "/fixtures/hostile/page.html";
/** The shop's config in this tree (ids, signals, channels); tests route the served one, see shopConfig(). */
export const SHOP_CONFIG = JSON.parse(readFileSync(join(HERE, "..", "..", "www", "candor.json"), "utf8"));
/** The shop's optional purposes: none may be allowed before a choice. */
export const OPTIONAL = SHOP_CONFIG.purposes.filter((p) => !p.required).map((p) => p.id);

/**
 * The seed of every generator in this folder: fixed, printed in the test
 * names; `CANDOR_HOSTILE_SEED=<n>` replays or explores another one.
 */
export const SEED = Number(process.env.CANDOR_HOSTILE_SEED || 20261130) >>> 0;

/** A small seeded generator (mulberry32) with the helpers the tests need. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    shuffle(list) {
      const out = list.slice();
      for (let i = out.length - 1; i > 0; i -= 1) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
  };
  return r;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let served = null;
/**
 * The shop's config as the server under test serves it (/candor.json), with
 * `change(config)` applied: a build from another commit gets its own
 * config's fields.
 */
export async function shopConfig(change = () => {}) {
  if (served === null) {
    const response = await fetch(url("/candor.json"));
    assert.ok(response.ok, "the server under test serves /candor.json");
    served = await response.text();
  }
  const config = JSON.parse(served);
  change(config);
  return config;
}

/** Serve `config` (object or text) for every request matching `pattern`. */
export function routeConfig(page, config, pattern = "**/candor.json") {
  const body = typeof config === "string" ? config : JSON.stringify(config);
  return page.route(pattern, (route) => route.fulfill({ status: 200, contentType: "application/json", body }));
}

/**
 * Serve `html` at `path` (a path on the test server that has no file):
 * a whole fixture page without a file under www/, with extra response
 * `headers` (a CSP, say).
 */
export function routePage(page, path, html, headers = {}) {
  return page.route(url(path), (route) =>
    route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", headers: { "cache-control": "no-store", ...headers }, body: html }),
  );
}

/**
 * A page like /fixtures/hostile/page.html (Candor with `config`, the click
 * counter), with `lang`, extra `head` / `body` markup. No inline script or
 * style: everything it runs is a file of the shop.
 */
export function pageHtml({ lang = "en", config = "/candor.json", head = "", body = "", candor = null, async = true } = {}) {
  const tag = candor ?? `<script src="/candor/candor.js" data-config="${config}"${async ? " async" : ""}></script>`;
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Hostile catalogue: a routed page</title>
  ${tag}
  ${head}
  <script src="/fixtures/hostile/page.js" defer></script>
</head>
<body>
  <main>
    <h1>A page that must keep working</h1>
    <button type="button" id="work">Count</button> <output id="count">0</output>
    ${body}
  </main>
</body>
</html>`;
}

/** Collect the page's console messages in `page.messages` ({ type, text }). */
export function logged(page) {
  page.messages = [];
  page.on("console", (m) => page.messages.push({ type: m.type(), text: m.text() }));
  return page;
}

/** The console messages that start with "Candor:". */
export function candorMessages(page) {
  return (page.messages || []).filter((m) => m.text.startsWith("Candor:"));
}

/**
 * `ready`'s outcome within `ms`: { ok: true }, { error: message } or
 * { error: "ready never settled" }. Waits for Candor's object first (`allows`
 * a function). Uses `await` only: a test may have broken Promise.prototype.then.
 */
export async function settle(page, ms = 10_000) {
  await page.waitForFunction(() => Boolean(window.candor && typeof window.candor.allows === "function"), null, { timeout: ms });
  return page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ error: "ready never settled" }), ms);
        (async () => {
          try {
            await window.candor.ready;
            resolve({ ok: true });
          } catch (e) {
            resolve({ error: String(e && e.message) });
          }
          clearTimeout(timer);
        })();
      }),
    ms,
  );
}

/** [purpose, allows(purpose), decide({purpose}).allowed] for every optional purpose. */
export function decisions(page, ids = OPTIONAL) {
  return page.evaluate((ids) => ids.map((purpose) => [purpose, window.candor.allows(purpose), window.candor.decide({ purpose }).allowed]), ids);
}

/** allows() and decide() both say no for every optional purpose (or `ids`). */
export async function assertNothingAllowed(page, what, ids = OPTIONAL) {
  for (const [purpose, allows, decided] of await decisions(page, ids)) {
    assert.equal(allows, false, `${what}: allows("${purpose}") must be false`);
    assert.equal(decided, false, `${what}: decide({purpose:"${purpose}"}).allowed must be false`);
  }
}

/** allows() and decide() both say yes for every purpose of `ids`. */
export async function assertAllowed(page, what, ids = OPTIONAL) {
  for (const [purpose, allows, decided] of await decisions(page, ids)) {
    assert.equal(allows, true, `${what}: allows("${purpose}") must be true`);
    assert.equal(decided, true, `${what}: decide({purpose:"${purpose}"}).allowed must be true`);
  }
}

/** The page's own script (the click counter) still works. */
export async function assertPageWorks(page, what = "the page's own script still works") {
  await page.waitForFunction(() => window.pageScriptRan === true, null, { timeout: 10_000 });
  const before = Number(await page.locator("#count").textContent());
  await page.locator("#work").click();
  await page.locator("#work").click();
  assert.equal(Number(await page.locator("#count").textContent()), before + 2, what);
}

/** No uncaught error reached the page (but those whose text matches `allowed`). */
export function assertNoPageError(page, allowed = null) {
  const errors = (page.errors || []).map(String).filter((e) => !(allowed && allowed.test(e)));
  assert.deepEqual(errors, [], "no uncaught error reaches the page");
}

/** The centre of `locator`'s box, or null when it has none. */
export async function centre(locator) {
  const box = await locator.boundingBox();
  return box && box.width > 0 && box.height > 0 ? { x: box.x + box.width / 2, y: box.y + box.height / 2, box } : null;
}

/** A real (trusted) mouse click at the centre of `locator`, no actionability wait. */
export async function realClick(page, locator) {
  await locator.waitFor({ state: "visible" });
  await locator.scrollIntoViewIfNeeded();
  const c = await centre(locator);
  assert.ok(c, "the control has a box to click");
  await page.mouse.click(c.x, c.y);
}

/** A real click on the widget's `[data-action=name]`. */
export function clickAction(page, name) {
  return realClick(page, action(page, name));
}

/**
 * Fill `area` (localStorage or sessionStorage) to its quota with junk keys,
 * halving the chunk on each QuotaExceededError down to one character, then
 * one-character keys with empty values until even those do not fit.
 * Returns how many keys were written.
 */
export function fillStorage(page, area = "localStorage") {
  return page.evaluate((area) => {
    const s = window[area];
    let n = 0;
    let size = 1 << 20;
    let block = "x".repeat(size);
    while (size >= 1) {
      try {
        s.setItem("junk." + n, block);
        n += 1;
      } catch (e) {
        if (!e || e.name !== "QuotaExceededError") throw e;
        size >>= 1;
        block = "x".repeat(size);
      }
    }
    // The last few bytes: one-character keys with empty values.
    for (let c = 0x21; c < 0x7f; c += 1) {
      try {
        s.setItem(String.fromCharCode(c), "");
        n += 1;
      } catch (e) {
        if (!e || e.name !== "QuotaExceededError") throw e;
        break;
      }
    }
    return n;
  }, area);
}

/** Which optional purposes `preferences()` says are granted: { id: granted }. */
export function grants(page, ids = OPTIONAL) {
  return page.evaluate((ids) => {
    const prefs = window.candor.preferences();
    const out = {};
    for (const id of ids) out[id] = Boolean(prefs && prefs.purposes && prefs.purposes[id] && prefs.purposes[id].granted === true);
    return out;
  }, ids);
}

/** Run `fn(item, i)` over `items`, at most `n` at a time. */
export async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}
