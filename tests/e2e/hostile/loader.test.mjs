// Class 13, the loader throws into the page: the loader captures the
// built-ins it needs at load, never throws into the page, and says on the
// console why it could not start.
//
// Each fault is installed before candor.js runs (context.addInitScript) and,
// where it makes sense, just after it starts (a script right after a
// synchronous candor.js): window.fetch throwing synchronously;
// String.prototype.{split,indexOf,slice,toLowerCase,trim,startsWith}
// throwing; Promise.prototype.then throwing; EventTarget.prototype.
// addEventListener throwing; JSON.parse throwing; the URL constructor
// throwing; before only: window.candor non-writable and non-configurable,
// document.currentScript lying. For each:
//   - no uncaught error reaches the page (but those of the page's own
//     page.js, which the fault breaks too);
//   - where window.candor is Candor's object, `ready` settles within 10 s
//     (resolves, or rejects with a "Candor:" message) and nothing is allowed
//     before a choice;
//   - when it does not start, a "Candor:" console message says why;
//   - where it starts, a real click on Reject all is recorded (its storage
//     written, the banner gone, nothing allowed);
//   - the page's own script still works (but under addEventListener).
// The test's own code in the page avoids the broken built-ins.
import assert from "node:assert/strict";
import { test } from "node:test";
import { url, useBrowser } from "../lib/browser.mjs";
import { OPTIONAL, PAGE, assertPageWorks, candorMessages, clickAction, logged, pageHtml, routePage, sleep } from "./lib.mjs";

// Variants run two at a time, each closing its own context.
const b = useBrowser({ timeout: 30_000 });

const AFTER_PAGE = "/fixtures/hostile/loader-after.html";
const FAULT_JS = "/fixtures/hostile/loader-fault.js";

// Each fault runs in the page with one argument.
const FAULTS = [
  ["window.fetch throwing synchronously", () => {
    window.fetch = function () {
      throw new TypeError("hostile: fetch");
    };
  }],
  ...["split", "indexOf", "slice", "toLowerCase", "trim", "startsWith"].map((m) => [`String.prototype.${m} throwing`, (m) => {
    String.prototype[m] = function () {
      throw new Error(`hostile: String.prototype.${m}`);
    };
  }, m]),
  ["Promise.prototype.then throwing", () => {
    Promise.prototype.then = function () {
      throw new Error("hostile: Promise.prototype.then");
    };
  }],
  ["EventTarget.prototype.addEventListener throwing", () => {
    EventTarget.prototype.addEventListener = function () {
      throw new Error("hostile: addEventListener");
    };
  }],
  ["JSON.parse throwing", () => {
    JSON.parse = function () {
      throw new SyntaxError("hostile: JSON.parse");
    };
  }],
  ["the URL constructor throwing", () => {
    window.URL = function URL() {
      throw new TypeError("hostile: URL");
    };
  }],
];
const BEFORE_ONLY = [
  ["window.candor non-writable, non-configurable (undefined)", () => {
    Object.defineProperty(window, "candor", { value: undefined, writable: false, configurable: false });
  }],
  ["window.candor non-writable, non-configurable (an object of the page's)", () => {
    Object.defineProperty(window, "candor", { value: Object.freeze({ mine: true }), writable: false, configurable: false });
  }],
  ["document.currentScript lying (null)", () => {
    Object.defineProperty(Document.prototype, "currentScript", { configurable: true, get: () => null });
  }],
  ["document.currentScript lying (a plain object)", () => {
    const fake = { src: "https://elsewhere.invalid/candor.js", getAttribute: () => "https://elsewhere.invalid/candor.json", dataset: {} };
    Object.defineProperty(Document.prototype, "currentScript", { configurable: true, get: () => fake });
  }],
  ["document.currentScript lying (another script, its config missing)", () => {
    const s = document.createElement("script");
    s.setAttribute("src", "/candor/candor.js");
    s.setAttribute("data-config", "/fixtures/hostile/no-such-config.json");
    Object.defineProperty(Document.prototype, "currentScript", { configurable: true, get: () => s });
  }],
];

function variants() {
  const out = [];
  for (const [name, fault, arg] of FAULTS) {
    out.push([name, fault, arg, "before"], [name, fault, arg, "after"]);
  }
  for (const [name, fault, arg] of BEFORE_ONLY) out.push([name, fault, arg, "before"]);
  return out;
}

/** Errors that come from the page's own script (page.js), which the fault breaks too. */
const pagesOwn = (e) => String(e && e.stack).includes("/fixtures/hostile/page.js");

async function check(page, name, pageWorks) {
  // Poll from Node: waitForFunction may itself lean on a broken built-in.
  let candor = false;
  for (let i = 0; i < 50 && !candor; i += 1) {
    candor = await page.evaluate(() => Boolean(window.candor && typeof window.candor.allows === "function" && "ready" in window.candor && !window.candor.mine));
    if (!candor) await sleep(100);
  }
  let started = false;
  if (candor) {
    const ready = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const timer = setTimeout(() => resolve({ error: "ready never settled" }), 10_000);
          (async () => {
            try {
              await window.candor.ready;
              resolve({ ok: true });
            } catch (e) {
              resolve({ error: "" + (e && e.message) });
            }
            clearTimeout(timer);
          })();
        }),
    );
    assert.notEqual(ready.error, "ready never settled", "ready settles within 10 s");
    if (ready.error) assert.equal(ready.error.substring(0, 8), "Candor: ", `ready rejects with a "Candor:" message: ${ready.error}`);
    started = Boolean(ready.ok);
    const allowed = await page.evaluate((ids) => {
      const out = [];
      for (const p of ids) if (window.candor.allows(p) || window.candor.decide({ purpose: p }).allowed) out.push(p);
      return out;
    }, OPTIONAL);
    assert.deepEqual(allowed, [], "nothing allowed before a choice");
  }
  if (!started) {
    await sleep(200);
    assert.ok(candorMessages(page).length > 0, `a "Candor:" console message says why it could not start (${candor ? "ready rejected" : "no Candor object"})`);
  } else {
    // Recorded: the widget wrote its storage and the banner made way (read
    // without JSON.parse or String methods, which some faults break).
    const storedNow = () =>
      page.evaluate(() => {
        const out = {};
        for (const k of Object.keys(localStorage)) if (k.substring(0, 6) === "candor") out[k] = localStorage.getItem(k);
        return out;
      });
    const before = await storedNow();
    const shown = await page
      .locator('#candor [data-action="reject-all"]')
      .waitFor({ state: "visible", timeout: 5000 })
      .then(() => true)
      .catch(() => false);
    assert.ok(shown, "ready resolved, so the banner's Reject all shows");
    await clickAction(page, "reject-all");
    await sleep(200);
    const after = await storedNow();
    const written = Object.keys(after).some((k) => after[k] !== before[k]);
    assert.ok(written, "a real click on Reject all is recorded (the widget's storage was written)");
    assert.equal(await page.locator('#candor [data-action="reject-all"]').isVisible(), false, "the banner made way after Reject all");
    const allowed = await page.evaluate((ids) => ids.filter((p) => window.candor.allows(p)), OPTIONAL);
    assert.deepEqual(allowed, [], "nothing allowed after Reject all");
  }
  const errors = page.errors.filter((e) => !pagesOwn(e)).map(String);
  assert.deepEqual(errors, [], `no uncaught error reaches the page (${name})`);
  if (pageWorks) await assertPageWorks(page);
  return started;
}

test("the loader never throws into the page, whatever built-in the page breaks", { concurrency: 2 }, async (t) => {
  const summary = [];
  await Promise.all(
    variants().map(([name, fault, arg, when]) =>
      t.test(`${name}, ${when === "before" ? "before candor.js runs" : "just after it starts"}`, async () => {
        const { context, page } = await b.open();
        logged(page);
        await context.route("https://elsewhere.invalid/**", (r) => r.abort());
        try {
          if (when === "before") {
            await context.addInitScript(fault, arg);
            await page.goto(url(PAGE));
          } else {
            await page.route(url(FAULT_JS), (r) => r.fulfill({ status: 200, contentType: "text/javascript", body: `(${fault})(${JSON.stringify(arg ?? null)});` }));
            await routePage(page, AFTER_PAGE, pageHtml({ candor: `<script src="/candor/candor.js" data-config="/candor.json"></script>\n  <script src="${FAULT_JS}"></script>` }));
            await page.goto(url(AFTER_PAGE));
          }
          // The page's own script needs addEventListener: that fault breaks it too.
          const started = await check(page, name, !name.includes("addEventListener"));
          summary.push(`${name} (${when}): ${started ? "started" : "did not start"}`);
        } finally {
          await context.close();
        }
      }),
    ),
  );
  t.diagnostic(summary.sort().join("; "));
});
