// Hostile input catalogue: bad stored values, bad configs, bad
// requests, broken clocks, a double include and a missing or broken wasm.
// For every case: no uncaught error reaches the page, nothing is allowed
// that should not be, the page's own script keeps working, and a stored
// value is never replaced by a failed or refused load.
//
// The fixture page /fixtures/hostile/page.html loads Candor with the shop's
// config (/candor.json, which tests replace with `page.route`) and a click
// counter standing for the shop's own code. No inline script or style: the
// shop stays servable under the strict CSP.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, test } from "node:test";
import { HERE, action, banner, panel, tracked, url, useBrowser } from "./lib/browser.mjs";

// A loaded machine gets 30 s waits here.
const b = useBrowser({ timeout: 30_000 });

afterEach(() => b.closeAll());

const PAGE = "/fixtures/hostile/page.html";
const SHOP_CONFIG = JSON.parse(readFileSync(join(HERE, "..", "..", "www", "candor.json"), "utf8"));
const OPTIONAL = SHOP_CONFIG.purposes.filter((p) => !p.required).map((p) => p.id);

/** Open a context whose origin storage holds `local` / `session` values first. */
async function openSeeded({ local = {}, session = {} } = {}) {
  const { context, page } = await b.open();
  await page.goto(url("/fixtures/hostile/blank.html"));
  await page.evaluate(
    ([l, s]) => {
      for (const [k, v] of Object.entries(l)) localStorage.setItem(k, v);
      for (const [k, v] of Object.entries(s)) sessionStorage.setItem(k, v);
    },
    [local, session],
  );
  return { context, page };
}

/** `ready`'s outcome: { ok: true } or { error: message }, within 30 s. */
async function settle(page) {
  await page.waitForFunction(() => Boolean(window.candor && typeof window.candor.allows === "function"));
  return page.evaluate(() =>
    Promise.race([
      window.candor.ready.then(
        () => ({ ok: true }),
        (e) => ({ error: String(e && e.message) }),
      ),
      new Promise((resolve) => setTimeout(() => resolve({ error: "ready never settled" }), 30_000)),
    ]),
  );
}

/** Every optional purpose's decision, via allows() and decide(). */
function decisions(page) {
  return page.evaluate((ids) => ids.map((purpose) => [purpose, window.candor.allows(purpose), window.candor.decide({ purpose }).allowed]), OPTIONAL);
}

async function assertNothingAllowed(page, what) {
  for (const [purpose, allows, decided] of await decisions(page)) {
    assert.equal(allows, false, `${what}: allows(${purpose})`);
    assert.equal(decided, false, `${what}: decide(${purpose})`);
  }
}

async function assertPageWorks(page) {
  await page.waitForFunction(() => window.pageScriptRan === true);
  await page.locator("#work").click();
  await page.locator("#work").click();
  assert.equal(await page.locator("#count").textContent(), "2", "the page's own script still works");
}

function storage(page) {
  return page.evaluate(() => ({
    candor: localStorage.getItem("candor"),
    ledger: localStorage.getItem("candor.ledger"),
    grants: sessionStorage.getItem("candor.grants"),
  }));
}

/** A valid record, as the widget writes it, made by a real Reject all. */
async function validRecord() {
  const { page } = await b.open();
  await page.goto(url(PAGE));
  assert.deepEqual(await settle(page), { ok: true });
  await page.evaluate(() => window.candor.rejectAll());
  const record = await storage(page);
  assert.ok(record.candor, "a record was written");
  return record.candor;
}

// ------------------------------------------------------------------ storage

// The stored-value cases are mutations of a real, current record in which
// every purpose is granted (made by acceptAll() on this very page), so a
// decoder that let any of them through would allow something: each case
// must leave nothing allowed.
let accepted = null;
/** The record the widget writes after acceptAll(), made once. */
async function acceptedRecord() {
  if (!accepted) {
    const { page } = await b.open();
    await page.goto(url(PAGE));
    assert.deepEqual(await settle(page), { ok: true });
    await page.evaluate(() => window.candor.acceptAll());
    accepted = (await storage(page)).candor;
    assert.ok(accepted && /"v":\d+/.test(accepted) && accepted.includes('"f":"'), `a current record was written: ${accepted}`);
    for (const id of OPTIONAL) assert.ok(accepted.includes(`"${id}":[1,`), `${id} granted in ${accepted}`);
  }
  return accepted;
}
const version = (good) => Number(/"v":(\d+)/.exec(good)[1]);
/** `good` with the choice of the first optional purpose replaced by `json`. */
const choice = (good, json) => good.replace(new RegExp(`"${OPTIONAL[0]}":\\[[^\\]]*\\]`), `"${OPTIONAL[0]}":${json}`);
const BIG = "x".repeat(3 * 1024 * 1024);
const STORED_CASES = [
  ["corrupted: binary garbage", () => "\u0000\u0001\uFFFD{{{\uD800"],
  ["corrupted: JSON of the wrong shape", (good) => choice(good, '"yes"')],
  ["corrupted: a choice of the wrong length", (good) => choice(good, "[1]")],
  ["truncated record", (good) => good.slice(0, good.length - 9)],
  ["oversized: 3 MB string", () => BIG],
  ["oversized: 3 MB of valid-looking JSON", (good) => good.replace(/"id":"[^"]*"/, `"id":"${"a".repeat(3 * 1024 * 1024)}"`)],
  ["wrong type: array", () => "[1,2,3]"],
  ["wrong type: number", () => "42"],
  ["wrong type: null", () => "null"],
  ["wrong type: string fields", (good) => good.replace(/"r":(\d+)/, '"r":"$1"').replace(/"u":(\d+)/, '"u":"$1"')],
  ["foreign version (the next one)", (good) => good.replace(/"v":\d+/, `"v":${version(good) + 1}`)],
  ["foreign version 0", (good) => good.replace(/"v":\d+/, '"v":0')],
  ["texts fingerprint of another site", (good) => good.replace(/"f":"(.)/, (_, c) => `"f":"${c === "0" ? "1" : "0"}`)],
  ["__proto__ key", (good) => good.replace('"p":{', `"p":{"__proto__":[1,1,"api",1,1],`)],
  ["constructor key", (good) => good.replace('"p":{', `"p":{"constructor":[1,1,"api",1,1],`)],
  ["__proto__ at the top", (good) => good.replace("{", '{"__proto__":{"allowed":true},')],
];

describe("hostile stored values", () => {
  for (const [name, make] of STORED_CASES) {
    for (const [key, area] of [
      ["candor", "local"],
      ["candor.ledger", "local"],
      ["candor.grants", "session"],
    ]) {
      test(`${name} in ${area}Storage["${key}"]: ignored, not overwritten, nothing allowed`, async () => {
        const good = await acceptedRecord();
        const value = make(good);
        assert.notEqual(value, good, "the case changes the record");
        const seed = area === "local" ? { local: { [key]: value } } : { session: { [key]: value } };
        const { page } = await openSeeded(seed);
        await page.goto(url(PAGE));
        assert.deepEqual(await settle(page), { ok: true });
        await assertNothingAllowed(page, name);
        if (key !== "candor.ledger") await banner(page).waitFor({ state: "visible" });
        await assertPageWorks(page);
        const after = await storage(page);
        const stored = key === "candor" ? after.candor : key === "candor.ledger" ? after.ledger : after.grants;
        assert.ok(stored === value, `${key} left as it was (${String(stored).length} vs ${value.length} chars)`);
        assert.equal(await page.evaluate(() => ({}).allowed), undefined, "no prototype pollution");
        assert.deepEqual(page.errors.map(String), []);
      });
    }
  }

  test("a garbage ledger does not reset the cap of the page that counted", async () => {
    const { page } = await b.open();
    await page.goto(url(PAGE));
    await settle(page);
    await page.evaluate(() => window.candor.set("email-deals", true));
    const email = { purpose: "email-deals", channel: "email" };
    assert.equal(await page.evaluate((r) => window.candor.record(r).allowed, email), true);
    await page.evaluate(() => localStorage.setItem("candor.ledger", "garbage"));
    assert.equal(await page.evaluate((r) => window.candor.record(r).allowed, email), true);
    assert.equal(await page.evaluate((r) => window.candor.record(r).reason, email), "frequency-cap", "the page still counts 2 of 2");
    assert.deepEqual(page.errors.map(String), []);
  });
});

// ------------------------------------------------------------------- config

function routeConfig(page, body) {
  return page.route("**/candor.json", (route) => route.fulfill({ status: 200, contentType: "application/json", body }));
}

const XSS_IMG = '<img src=x onerror="window.pwned=(window.pwned||0)+1">';
const XSS_SCRIPT = "<script>window.pwned=(window.pwned||0)+1</script>";

describe("hostile configs", () => {
  test("HTML and script in config strings are shown as text, never run", async () => {
    const config = structuredClone(SHOP_CONFIG);
    for (const p of config.purposes) {
      p.title = { en: `${p.id} ${XSS_IMG}` };
      p.description = { en: `${XSS_SCRIPT} <b>bold?</b> ${XSS_IMG}` };
    }
    for (const s of config.signals) s.label = `${s.id} ${XSS_IMG}`;
    config.translations = { en: { acceptAll: `Accept ${XSS_IMG}`, bannerText: `Hello ${XSS_SCRIPT}` } };
    const { page } = await b.open();
    await routeConfig(page, JSON.stringify(config));
    await page.goto(url(PAGE));
    assert.deepEqual(await settle(page), { ok: true });
    await banner(page).waitFor({ state: "visible" });
    await page.evaluate(() => window.candor.show());
    await panel(page).waitFor({ state: "visible" });
    await page.evaluate(() => window.candor.why({ purpose: "recommendations", signals: ["browsing"] }));
    await page.waitForTimeout(300);
    const seen = await page.evaluate(() => {
      const root = document.getElementById("candor").shadowRoot;
      return {
        text: root.textContent,
        elements: root.querySelectorAll("img, script, b, iframe, object").length,
        pwned: window.pwned,
      };
    });
    assert.equal(seen.pwned, undefined, "no injected code ran");
    assert.equal(seen.elements, 0, "no element was created from config text");
    assert.ok(seen.text.includes('<img src=x onerror="window.pwned'), "the markup is visible as text");
    assert.ok(seen.text.includes("<script>window.pwned"), "the script tag is visible as text");
    await page.evaluate(() => window.candor.hide());
    await page.keyboard.press("Escape");
    await page.evaluate(() => window.candor.hide());
    assert.deepEqual(page.errors.map(String), []);
  });

  // 100,000 levels deep: the reader stops at 32 with its own message. A
  // stack overflow in the wasm (its stack is 32 KiB; these take 9.1 KiB at
  // most) would trap instead, with another message.
  const nested = '{"purposes":' + "[".repeat(100_000) + "]".repeat(100_000) + "}";
  const nestedObjects = '{"purposes":' + '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000) + "}";
  const huge = JSON.stringify({ ...SHOP_CONFIG, policyUrl: "/privacy#" + "x".repeat(3 * 1024 * 1024) });
  const BAD_CONFIGS = [
    ["not JSON", "this is <b>not</b> JSON {", /Candor: invalid config/],
    ["empty", "", /Candor: invalid config/],
    ["JSON of the wrong type", "[1,2,3]", /Candor: invalid config/],
    ["deeply nested (100,000 levels of arrays)", nested, /recursion limit exceeded/],
    ["deeply nested (100,000 levels of objects)", nestedObjects, /recursion limit exceeded/],
    ["huge (3 MB)", huge, /too large/],
    ["__proto__ key at the top", JSON.stringify({ ...SHOP_CONFIG }).replace("{", '{"__proto__":{"polluted":true},'), /__proto__/],
    ["constructor key in a purpose", JSON.stringify(SHOP_CONFIG).replace('"id":"analytics",', '"id":"analytics","constructor":{"prototype":{"polluted":true}},'), /constructor/],
    ["a purpose named constructor", JSON.stringify(SHOP_CONFIG).replace('"id":"analytics"', '"id":"constructor"'), /reserved/],
    ["a purpose named __proto__", JSON.stringify(SHOP_CONFIG).replace('"id":"analytics"', '"id":"__proto__"'), /reserved/],
  ];
  for (const [name, body, message] of BAD_CONFIGS) {
    test(`config ${name}: ready rejects with a clear message, the page keeps working`, async () => {
      const { page } = await b.open();
      const warnings = [];
      page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
      await routeConfig(page, body);
      await page.goto(url(PAGE));
      const ready = await settle(page);
      assert.ok(ready.error, `ready rejected (${name})`);
      assert.match(ready.error, /^Candor: /);
      assert.match(ready.error, message);
      assert.ok(ready.error.length < 500, "the message is short");
      await assertNothingAllowed(page, name);
      assert.equal(await page.evaluate(() => ({}).polluted), undefined, "no prototype pollution");
      await assertPageWorks(page);
      assert.deepEqual(page.errors.map(String), []);
      assert.ok(warnings.some((w) => w.startsWith("Candor:")), "the console says why");
    });
  }
});

// ----------------------------------------------------------------- requests

describe("hostile requests", () => {
  test("wrong types, huge strings, frozen and proxy objects never throw; malformed ones are denied", async () => {
    const { page } = await b.open();
    await page.goto(url(PAGE));
    assert.deepEqual(await settle(page), { ok: true });
    await page.evaluate(() => window.candor.acceptAll());
    await page.evaluate(() => window.candor.set("ads", true));
    const results = await page.evaluate(() => {
      const huge = "email-deals".padEnd(5_000_000, "x");
      const throwing = (window.throwing = new Proxy({}, { get() { throw new Error("trap"); }, has() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); } }));
      let flips = 0;
      const lying = new Proxy({}, { get(_, key) { if (key !== "purpose") return undefined; flips += 1; return flips % 2 ? "email-deals" : { toString() { throw new Error("x"); } }; } });
      const getterThrows = Object.defineProperty({}, "purpose", { get() { throw new Error("getter"); } });
      const longSignals = new Proxy(["browsing"], { get(t, k) { return k === "length" ? 1e9 : t[k]; } });
      const cases = {
        null: null,
        undefined: undefined,
        number: 42,
        bool: true,
        symbol: Symbol("email-deals"),
        bigint: 10n,
        function: () => "email-deals",
        array: ["email-deals"],
        "purpose number": { purpose: 42 },
        "purpose object": { purpose: { toString: () => "email-deals" } },
        "purpose String object": { purpose: new String("email-deals") },
        "huge purpose": { purpose: huge },
        "huge signal": { purpose: "email-deals", signals: [huge] },
        "100k signals": { purpose: "email-deals", signals: Array(100_000).fill("browsing") },
        "signals as string": { purpose: "email-deals", signals: "browsing" },
        "signals with a number": { purpose: "email-deals", signals: [1] },
        "lying signals length": { purpose: "email-deals", signals: longSignals },
        "huge channel": { purpose: "email-deals", channel: huge },
        "channel object": { purpose: "email-deals", channel: {} },
        "throwing proxy": throwing,
        "lying proxy": lying,
        "throwing getter": getterThrows,
        "sensitive signal": { purpose: "email-deals", signals: ["health"] },
        "__proto__ purpose": { purpose: "__proto__" },
        "constructor purpose": { purpose: "constructor" },
        "own __proto__ key": JSON.parse('{"__proto__":{"purpose":"email-deals"}}'),
      };
      const out = {};
      for (const [name, request] of Object.entries(cases)) {
        const r = {};
        for (const method of ["decide", "record", "explain", "allows"]) {
          try {
            const v = window.candor[method](request);
            r[method] = method === "decide" || method === "record" ? v.allowed : method === "allows" ? v : typeof v;
          } catch (e) {
            r[method] = "THREW " + e;
          }
        }
        try {
          r.set = window.candor.set(request, true);
        } catch (e) {
          r.set = "THREW " + e;
        }
        out[name] = r;
      }
      const frozen = Object.freeze({ purpose: "email-deals", signals: Object.freeze(["browsing"]), channel: "email" });
      out.frozen = { decide: window.candor.decide(frozen).allowed };
      out.sealed = { decide: window.candor.decide(Object.seal({ purpose: "email-deals" })).allowed };
      out.plain = { decide: window.candor.decide({ purpose: "email-deals", signals: ["browsing"], channel: "email" }).allowed };
      const misc = [];
      for (const f of [
        () => window.candor.on("change", 42),
        () => window.candor.on(Symbol(), () => {}),
        () => window.candor.set("ads", "yes"),
        () => window.candor.set("essential", false),
        () => window.candor.ask({ purpose: "ads" }),
        () => window.candor.ask(Symbol()),
        () => window.candor.why(throwing),
        () => window.candor.why(Symbol()),
        () => window.candor.hide(),
      ]) {
        try {
          misc.push(typeof f());
        } catch (e) {
          misc.push("THREW " + e);
        }
      }
      out.misc = misc;
      return out;
    });
    const threw = JSON.stringify(results).includes("THREW");
    assert.equal(threw, false, JSON.stringify(results, null, 1));
    for (const [name, r] of Object.entries(results)) {
      // A proxy that answers a valid purpose on every other read is, on those reads, a valid request.
      if (["frozen", "sealed", "plain", "misc", "lying proxy"].includes(name)) continue;
      assert.equal(r.decide, false, `${name}: decide denied`);
      assert.equal(r.record, false, `${name}: record denied`);
      assert.equal(r.allows, false, `${name}: allows false`);
      assert.equal(r.set, false, `${name}: set refused`);
    }
    assert.equal(results.plain.decide, true, "a sane request is allowed: the denials above are the input's doing");
    assert.equal(results.frozen.decide, true, "a frozen request is a request");
    assert.equal(results.sealed.decide, true);
    assert.equal(await page.evaluate(() => window.candor.allows("ads")), true, "set('ads', 'yes') changed nothing");
    await assertPageWorks(page);
    assert.deepEqual(page.errors.map(String), []);
  });
});

// ------------------------------------------------------------------- clocks

async function withClock(context, offsetOrValue) {
  await context.addInitScript((v) => {
    Date.now = () => v;
  }, offsetOrValue);
}

describe("clocks that jump", () => {
  const HOUR = 3_600_000;
  for (const [name, jump, expected] of [
    ["one hour backwards (the choice is from the future)", -HOUR, false],
    ["five minutes backwards (within the allowed skew)", -5 * 60_000, true],
    ["400 days forwards (the choice expired)", 400 * 24 * HOUR, false],
  ]) {
    test(`clock ${name}: allowed = ${expected}`, async () => {
      const { context, page } = await b.open();
      await page.goto(url(PAGE));
      await settle(page);
      await page.evaluate(() => window.candor.acceptAll());
      const before = await storage(page);
      const other = tracked(await context.newPage());
      await other.addInitScript((v) => {
        const real = Date.now.bind(Date);
        Date.now = () => real() + v;
      }, jump);
      await other.goto(url(PAGE));
      assert.deepEqual(await settle(other), { ok: true });
      assert.equal(await other.evaluate(() => window.candor.allows("recommendations")), expected);
      if (!expected) {
        assert.equal(await other.evaluate(() => window.candor.decide({ purpose: "recommendations" }).reason), "expired");
        await banner(other).waitFor({ state: "visible" });
      }
      assert.deepEqual(await storage(other), { ...before, grants: null }, "the stored record is untouched until the shopper chooses again");
      await assertPageWorks(other);
      assert.deepEqual(other.errors.map(String), []);
    });
  }

  for (const [name, value] of [
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["-Infinity", -Infinity],
    ["negative", -5],
    ["the last JS date (year 275760)", 8.64e15],
  ]) {
    test(`Date.now() returning ${name}: no error, nothing allowed before a choice, a choice survives a reload`, async () => {
      const { context, page } = await b.open();
      await withClock(context, value);
      await page.goto(url(PAGE));
      assert.deepEqual(await settle(page), { ok: true });
      await assertNothingAllowed(page, name);
      await action(page, "accept-all").click();
      assert.equal(await page.evaluate(() => window.candor.allows("recommendations")), true);
      await page.reload();
      assert.deepEqual(await settle(page), { ok: true });
      assert.equal(await page.evaluate(() => window.candor.allows("recommendations")), true, "the record written under this clock reads back");
      await assertPageWorks(page);
      assert.deepEqual(page.errors.map(String), []);
    });
  }
});

// ------------------------------------------------- double include, no wasm

describe("loading failures", () => {
  test("the script included three times: one widget, one banner, no error", async () => {
    const { page } = await b.open();
    await page.goto(url("/fixtures/hostile/twice.html"));
    assert.deepEqual(await settle(page), { ok: true });
    await banner(page).waitFor({ state: "visible" });
    const counts = await page.evaluate(() => ({
      hosts: document.querySelectorAll("#candor").length,
      buttons: document.getElementById("candor").shadowRoot.querySelectorAll('[data-action="accept-all"]').length,
    }));
    assert.deepEqual(counts, { hosts: 1, buttons: 1 });
    await action(page, "reject-all").click();
    await assertNothingAllowed(page, "after reject all");
    await assertPageWorks(page);
    assert.deepEqual(page.errors.map(String), []);
  });

  const FAILURES = [
    ["the wasm file missing (404)", "**/candor_web_bg.wasm", { status: 404, body: "not found" }],
    ["the wasm file failing to compile (garbage bytes)", "**/candor_web_bg.wasm", { status: 200, contentType: "application/wasm", body: Buffer.from("\0asm garbage, not a module") }],
    ["the config missing (404)", "**/candor.json", { status: 404, body: "not found" }],
  ];
  for (const [name, pattern, response] of FAILURES) {
    test(`${name}: the API exists, answers "not allowed", ready rejects clearly, the page works, the record is kept`, async () => {
      const record = await validRecord();
      const { page } = await b.open();
      await page.goto(url("/fixtures/hostile/blank.html"));
      await page.evaluate((r) => localStorage.setItem("candor", r), record);
      // This context's storage is its own: seed it with a real record, then break the widget.
      await page.route(pattern, (route) => route.fulfill(response));
      await page.goto(url(PAGE));
      const ready = await settle(page);
      assert.ok(ready.error, "ready rejected");
      assert.match(ready.error, /^Candor: /);
      assert.match(ready.error, /could not (load|fetch|start)/);
      const api = await page.evaluate(() => ({
        methods: ["allows", "decide", "record", "explain", "acceptAll", "rejectAll", "set", "show", "hide", "preferences", "receipt", "reset", "on", "ask", "why"].filter(
          (m) => typeof window.candor[m] !== "function",
        ),
        decide: window.candor.decide({ purpose: "analytics" }),
        record: window.candor.record({ purpose: "email-deals", channel: "email" }).allowed,
        explain: window.candor.explain({ purpose: "analytics" }),
        set: window.candor.set("analytics", true),
        accept: (window.candor.acceptAll(), window.candor.allows("analytics")),
        reset: (window.candor.reset(), "ok"),
      }));
      assert.deepEqual(api.methods, [], "every method exists");
      assert.equal(api.decide.allowed, false);
      assert.equal(api.record, false);
      assert.equal(api.set, false);
      assert.equal(api.accept, false);
      assert.equal(typeof api.explain, "string");
      assert.equal(await page.evaluate(() => window.candor.ask("analytics")), false);
      await assertNothingAllowed(page, name);
      await assertPageWorks(page);
      assert.equal((await storage(page)).candor, record, "the stored record is kept");
      assert.deepEqual(page.errors.map(String), []);
    });
  }
});
