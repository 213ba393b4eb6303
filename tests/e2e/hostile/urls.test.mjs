// Class 1, script from a config URL: every URL a config carries (policyUrl,
// receiptEndpoint) is resolved with the browser's URL parser against the
// page's URL; only http: and https: results are accepted, anything else
// makes `ready` reject with a message naming the field.
//
// Generated inputs, not a list of known tricks: a seeded generator mixes
// schemes (javascript, data, vbscript, blob, file, http, https) in random
// case with tabs, LF, CR, other C0 controls, spaces, NBSP, backslashes,
// "//", percent-encoding and junk before, after or inside. The oracle is the
// browser's own parser (`new URL(value, document.baseURI)` in the page):
//   - it does not give http(s) (or throws): `ready` must reject naming the field;
//   - it gives http(s): `ready` rejects naming the field, or resolves and the
//     banner's policy link (an a[href] in #candor's shadow root) has
//     `new URL(link.href).protocol` http: or https:.
// Whenever an http(s) or javascript: link is rendered, a real click on it
// must never run script (the javascript: payloads set window.__pwned and
// request /__pwned).
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { url, useBrowser } from "../lib/browser.mjs";
import { OPTIONAL, PAGE, SEED, assertPageWorks, logged, pool, rng, settle, shopConfig } from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

const PAYLOAD = {
  javascript: () => "window.__pwned=1;new Image().src='/__pwned';void 0",
  data: () => "text/html,<script>opener&&(opener.__pwned=1)</script>",
  vbscript: () => "msgbox(1)",
  blob: () => url("/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
  file: () => "///etc/passwd",
  http: () => "//example.com/privacy",
  https: () => "//example.com/privacy",
};
const SCHEMES = Object.keys(PAYLOAD);
// Characters the URL parser strips (tab, LF, CR anywhere; C0 and space at
// the ends) or keeps, and a few that only look harmless.
const STRIPPED = ["\t", "\n", "\r"];
const C0 = ["\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u001b", "\u001f", " "];
const JUNK = [...STRIPPED, ...C0, "\u00a0", "\\", "//", "/", "%09", "%0a", "%00", "\u200b", "\ufeff", "\u2028", ":"];

function randomCase(r, s) {
  return [...s].map((c) => (r.chance(0.5) ? c.toUpperCase() : c)).join("");
}

function insertAt(r, s, junk) {
  const i = r.int(s.length + 1);
  return s.slice(0, i) + junk + s.slice(i);
}

/** One generated URL string. */
function generate(r) {
  const scheme = r.pick(SCHEMES);
  let head = randomCase(r, scheme);
  // Junk inside the scheme (where the old check looked).
  for (let n = r.int(3); n > 0; n -= 1) head = insertAt(r, head, r.pick(r.chance(0.7) ? STRIPPED : JUNK));
  // A scheme character percent-encoded now and then.
  if (r.chance(0.15)) {
    const i = r.int(head.length);
    head = head.slice(0, i) + "%" + head.charCodeAt(i).toString(16).padStart(2, "0") + head.slice(i + 1);
  }
  let value = head + (r.chance(0.9) ? ":" : r.pick(["%3a", "&#58;", "\t:", ":\t"])) + PAYLOAD[scheme]();
  // Junk anywhere, now and then.
  if (r.chance(0.3)) value = insertAt(r, value, r.pick(JUNK));
  // Leading and trailing junk.
  for (let n = r.chance(0.5) ? r.int(4) : 0; n > 0; n -= 1) value = r.pick(r.chance(0.7) ? C0 : JUNK) + value;
  for (let n = r.chance(0.3) ? r.int(3) : 0; n > 0; n -= 1) value += r.pick(r.chance(0.7) ? C0 : JUNK);
  return value;
}

function generated(seed, count) {
  const r = rng(seed);
  return Array.from({ length: count }, () => generate(r));
}

const show = (v) => JSON.stringify(v);

/**
 * One context serving `values` one after another on PAGE with the config's
 * `field` set to each; returns one failure string per failed value.
 */
async function check(field, values, { mustAccept = false } = {}) {
  const { context, page } = await b.open();
  logged(page);
  let pwned = 0;
  context.on("request", (req) => {
    // The payload's image request (a clicked http(s) link may carry the text in its path).
    if (new URL(req.url()).pathname === "/__pwned") pwned += 1;
  });
  // Any navigation away from the fixture (a clicked link) gets 204 No
  // Content: the page stays, and nothing leaves the machine.
  await context.route("**/*", (route) => {
    const req = route.request();
    if (req.isNavigationRequest() && !req.url().startsWith(url(PAGE))) return route.fulfill({ status: 204, body: "" });
    return route.fallback();
  });
  let current = null;
  await page.route("**/candor.json", (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(current) }));
  const failures = [];
  for (const value of values) {
    current = await shopConfig((c) => {
      c[field] = value;
    });
    page.errors.length = 0;
    pwned = 0;
    // A navigation the last click started may still land: retry once.
    await page.goto(url(PAGE)).catch(() => page.goto(url(PAGE)));
    const expected = await page.evaluate((v) => {
      try {
        return new URL(v, document.baseURI).protocol;
      } catch (e) {
        return "(no URL)";
      }
    }, value);
    const safe = expected === "http:" || expected === "https:";
    const ready = await settle(page);
    const reasons = [];
    const fail = (why) => reasons.push(why);
    if (ready.error) {
      if (!ready.error.includes(field)) fail(`ready rejected without naming ${field}: ${ready.error}`);
      else if (mustAccept) fail(`a plain ${expected} URL was refused: ${ready.error}`);
    } else if (!safe) {
      fail("accepted: ready resolved");
    }
    if (!ready.error) {
      // Nothing allowed before a choice, whatever the URL.
      const allowed = await page.evaluate((ids) => ids.filter((p) => window.candor.allows(p) || window.candor.decide({ purpose: p }).allowed), OPTIONAL);
      if (allowed.length) fail(`allowed before any choice: ${allowed}`);
    }
    const link = await page.evaluate(() => {
      const root = document.getElementById("candor")?.shadowRoot;
      const a = root && root.querySelector("a[href]");
      if (!a) return null;
      const box = a.getBoundingClientRect();
      let protocol;
      try {
        protocol = new URL(a.href).protocol;
      } catch (e) {
        protocol = "(no URL)";
      }
      return { href: a.href, protocol, x: box.x + box.width / 2, y: box.y + box.height / 2, visible: box.width > 0 && box.height > 0 };
    });
    if (field === "policyUrl" && !ready.error && !link) fail("ready resolved but the banner shows no policy link");
    if (link && field === "policyUrl" && link.protocol !== "http:" && link.protocol !== "https:") {
      fail(`the policy link is ${show(link.href)} (${link.protocol})`);
    }
    if (value === values[values.length - 1]) {
      // Once per lane, before any click can take the page elsewhere.
      await assertPageWorks(page).catch((e) => fail(`the page's own script: ${e.message}`));
    }
    // Clicked: http(s) links (the page stays: 204) and javascript: ones (the
    // payload flags itself). Other schemes failed above already; clicking
    // them only sends the tab to an error page.
    if (link && link.visible && field === "policyUrl" && ["http:", "https:", "javascript:"].includes(link.protocol)) {
      await page.mouse.click(link.x, link.y);
      // A javascript: URL runs in a task after the click; an http(s) one cannot run script.
      await page.waitForTimeout(link.protocol === "http:" || link.protocol === "https:" ? 30 : 200);
      const flag = await page.evaluate(() => window.__pwned).catch(() => undefined);
      if (flag !== undefined || pwned > 0) fail(`clicking the link ran script (${show(link.href)})`);
    }
    if (page.errors.length) fail(`page error: ${page.errors.map(String).join("; ")}`);
    if (reasons.length) failures.push(`${field} = ${show(value)} (the browser reads ${expected}): ${reasons.join("; ")}`);
  }
  return failures;
}

async function run(field, values, options) {
  // Three contexts side by side: each takes every third value.
  const lanes = [0, 1, 2].map((k) => values.filter((_, i) => i % 3 === k));
  const failures = (await pool(lanes, 3, (lane) => check(field, lane, options))).flat();
  if (failures.length) assert.fail(`${failures.length} of ${values.length} values failed:\n${failures.slice(0, 25).join("\n")}`);
}

describe("config URLs", () => {
  test("plain http(s) URLs are accepted and linked (control)", async () => {
    await run("policyUrl", ["/privacy.html", "privacy.html", "https://example.com/privacy", "HTTP://example.com/p", "//example.com/privacy"], { mustAccept: true });
  });

  test(`policyUrl: 100 generated URLs (seed ${SEED}): only http(s) accepted, a link never runs script`, async () => {
    await run("policyUrl", generated(SEED, 100));
  });

  test(`policyUrl: the script schemes with tab, LF, CR or a C0 control inside (seed ${SEED + 1})`, async () => {
    const r = rng(SEED + 1);
    const values = Array.from({ length: 24 }, () => {
      let head = randomCase(r, r.pick(["javascript", "vbscript", "data"]));
      head = insertAt(r, head, r.pick(["\t", "\n", "\r", "\t\n", "\r\n"]));
      const scheme = head.replace(/[^a-z]/gi, "").toLowerCase();
      const lead = r.chance(0.5) ? r.pick(["\u0000", "\u0001", " ", "\u001f", "\t"]) : "";
      return lead + head + ":" + PAYLOAD[scheme]();
    });
    await run("policyUrl", values);
  });

  test(`receiptEndpoint: 40 generated URLs (seed ${SEED + 2}): only http(s) accepted`, async () => {
    await run("receiptEndpoint", generated(SEED + 2, 40));
  });
});
