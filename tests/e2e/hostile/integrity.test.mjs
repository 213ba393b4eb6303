// Class 11, no integrity for what the loader fetches: every file candor.js
// loads (the wasm, the language files, any glue) is checked against a hash
// computed at build time; a mismatch is treated like a missing file, and
// language files have a size limit.
//
// - A language file changed in transit (seeded: labels swapped, a letter
//   changed, a label replaced, a space added, 2 MB long; French, German or
//   Spanish page): the widget shows the default language (English: "Accept
//   all") with a "Candor:" warning. The untouched file, served the same way,
//   still gives French (control).
// - The wasm with one byte flipped (seeded positions; some keep it valid):
//   `ready` rejects with a "Candor:" message, nothing is allowed, the page
//   keeps working.
// - Any other script the loader fetches (the glue), changed: it never runs,
//   and `ready` rejects.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { action, url, useBrowser } from "../lib/browser.mjs";
import { PAGE, SEED, assertNoPageError, assertNothingAllowed, assertPageWorks, candorMessages, logged, pageHtml, rng, routePage, settle } from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

const LANG_PAGE = "/fixtures/hostile/lang.html";

const TAMPER = {
  "Accept and Reject labels swapped": (text) => {
    const a = /^acceptAll=(.*)$/m.exec(text)[1];
    const r = /^rejectAll=(.*)$/m.exec(text)[1];
    return text.replace(/^acceptAll=.*$/m, `acceptAll=${r}`).replace(/^rejectAll=.*$/m, `rejectAll=${a}`);
  },
  "one letter changed": (text, r) => {
    const lines = text.split("\n");
    const i = r.int(lines.length - 1);
    const eq = lines[i].indexOf("=");
    const letters = [...lines[i]].map((c, k) => (k > eq && /[a-z]/.test(c) ? k : -1)).filter((k) => k >= 0);
    if (!letters.length) return text.replace("a", "o");
    const k = r.pick(letters);
    lines[i] = lines[i].slice(0, k) + (lines[i][k] === "e" ? "a" : "e") + lines[i].slice(k + 1);
    return lines.join("\n");
  },
  "Accept all's label replaced": (text) => text.replace(/^acceptAll=.*$/m, "acceptAll=OK"),
  "a space added to one line": (text, r) => {
    const lines = text.split("\n");
    const i = r.int(lines.length - 1);
    lines[i] += " ";
    return lines.join("\n");
  },
  "2 MB long": (text) => text.replace(/^bannerText=(.*)$/m, (_, v) => `bannerText=${v} ${"Lorem ipsum dolor sit amet. ".repeat(75_000)}`),
};

function langCases(seed) {
  const r = rng(seed);
  const kinds = Object.keys(TAMPER);
  return [
    ["fr", "/fixtures/site.json", "Accept and Reject labels swapped", seed],
    ["fr", "/candor.json", "Accept and Reject labels swapped", seed],
    ["fr", "/fixtures/site.json", "2 MB long", seed],
    ...Array.from({ length: 5 }, () => [r.pick(["fr", "de", "es"]), "/fixtures/site.json", r.pick(kinds), r.int(1e9)]),
  ];
}

/** Serve the language file `lang` changed by `tamper` (or as it is). Returns a counter of requests. */
async function routeLanguage(page, lang, tamper, seed) {
  const seen = { count: 0 };
  await page.route(`**/i18n/${lang}.txt`, async (route) => {
    seen.count += 1;
    const response = await route.fetch();
    const text = await response.text();
    const body = tamper ? tamper(text, rng(seed)) : text;
    await route.fulfill({ response, body });
  });
  return seen;
}

describe("language files", () => {
  test("control: the untouched French file, served through the same route, gives French", async () => {
    const { page } = await b.open();
    logged(page);
    const seen = await routeLanguage(page, "fr", null, 0);
    await routePage(page, LANG_PAGE, pageHtml({ lang: "fr", config: "/fixtures/site.json" }));
    await page.goto(url(LANG_PAGE));
    assert.deepEqual(await settle(page), { ok: true });
    assert.equal(seen.count, 1, "the French file was fetched once");
    assert.equal((await action(page, "accept-all").textContent()).trim(), "Tout accepter");
    assertNoPageError(page);
  });

  for (const [lang, config, kind, seed] of langCases(SEED)) {
    test(`i18n/${lang}.txt with ${kind} (config ${config}, seed ${seed}): refused like a missing file, English shown, a warning`, async () => {
      const { page } = await b.open();
      logged(page);
      const seen = await routeLanguage(page, lang, TAMPER[kind], seed);
      await routePage(page, LANG_PAGE, pageHtml({ lang, config }));
      await page.goto(url(LANG_PAGE));
      assert.deepEqual(await settle(page), { ok: true });
      assert.ok(seen.count >= 1, `the ${lang} file was fetched`);
      await action(page, "accept-all").waitFor({ state: "visible" });
      assert.equal((await action(page, "accept-all").textContent()).trim(), "Accept all", "the default language is shown");
      assert.equal((await action(page, "reject-all").textContent()).trim(), "Reject all");
      assert.ok(candorMessages(page).some((m) => m.type === "warning"), 'a "Candor:" warning says the file was refused');
      await assertNothingAllowed(page, "before any choice");
      await assertPageWorks(page);
      assertNoPageError(page);
    });
  }
});

describe("the wasm and the glue", () => {
  const r = rng(SEED + 11);
  // Fractions of the file: spread over it, with two in the last tenth (data, names).
  const positions = [...Array.from({ length: 4 }, () => r.next()), 0.9 + r.next() * 0.1, 0.9 + r.next() * 0.1];
  for (const at of positions) {
    test(`the wasm with the byte at ${(at * 100).toFixed(1)}% flipped (seed ${SEED + 11}): ready rejects, nothing allowed, the page works`, async () => {
      const { page } = await b.open();
      logged(page);
      let flipped = null;
      await page.route("**/*.wasm", async (route) => {
        const response = await route.fetch();
        const body = Buffer.from(await response.body());
        const i = Math.min(body.length - 1, Math.max(8, Math.floor(at * body.length)));
        body[i] ^= 0x5a;
        flipped = `${i} of ${body.length}`;
        await route.fulfill({ response, body });
      });
      await page.goto(url(PAGE));
      const ready = await settle(page);
      assert.ok(flipped, "the wasm was fetched");
      assert.ok(ready.error, `ready rejects (byte ${flipped} flipped)`);
      assert.match(ready.error, /^Candor: /);
      assert.ok(candorMessages(page).length > 0, 'the console says "Candor: …"');
      await assertNothingAllowed(page, "with a changed wasm");
      await assertPageWorks(page);
      assertNoPageError(page);
    });
  }

  test("a changed glue (any script the loader fetches besides candor.js) never runs; ready rejects", async (t) => {
    const { page } = await b.open();
    logged(page);
    const changed = [];
    await page.route("**/candor/**", async (route) => {
      const u = new URL(route.request().url());
      if (!/\.m?js$/.test(u.pathname) || u.pathname.endsWith("/candor.js")) return route.fallback();
      const response = await route.fetch();
      changed.push(u.pathname);
      await route.fulfill({ response, body: `${await response.text()}\n;window.__glueTampered = (window.__glueTampered || 0) + 1;\n` });
    });
    await page.goto(url(PAGE));
    const ready = await settle(page);
    if (!changed.length) {
      t.diagnostic("the loader fetches no script besides candor.js: nothing to change");
      assert.deepEqual(ready, { ok: true });
      return;
    }
    assert.equal(await page.evaluate(() => window.__glueTampered), undefined, `the changed ${changed.join(", ")} never ran`);
    assert.ok(ready.error, "ready rejects");
    assert.match(ready.error, /^Candor: /);
    await assertNothingAllowed(page, "with a changed glue");
    await assertPageWorks(page);
    assertNoPageError(page);
  });
});
