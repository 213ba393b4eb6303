// Storage faults: localStorage that throws on every call, that
// throws only on writes, that is full (QuotaExceededError), or that is
// blocked outright (reading window.localStorage throws). The widget runs in
// memory, warns once, loses no earlier choice, and persists again as soon as
// storage recovers (the next change writes the whole record).
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { action, banner, candorReady, tracked, url, useBrowser, visit } from "./lib/browser.mjs";

// The fixture page, not the shop: the shop's own cart code reads
// localStorage too, and what it does when storage throws is not Candor's.
const PAGE = "/fixtures/hostile/page.html";

// A loaded machine gets 30 s waits here.
const b = useBrowser({ timeout: 30_000 });


afterEach(() => b.closeAll());

/** Installs the fault `mode` in this page only; `window.storageFault = null` recovers. */
function fault(page, mode) {
  return page.addInitScript((m) => {
    const proto = Storage.prototype;
    const real = { getItem: proto.getItem, setItem: proto.setItem, removeItem: proto.removeItem, key: proto.key, clear: proto.clear };
    window.realStorage = (area, key) => real.getItem.call(area === "local" ? realLocal : window.sessionStorage, key);
    const realLocal = window.localStorage;
    window.storageFault = m;
    const refuse = (what) => {
      const f = window.storageFault;
      if (f === "all" || (f === "write" && what !== "read")) throw new DOMException("The operation is insecure.", "SecurityError");
      if (f === "full" && what === "write") throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
    proto.getItem = function (k) { refuse("read"); return real.getItem.call(this, k); };
    proto.key = function (i) { refuse("read"); return real.key.call(this, i); };
    proto.setItem = function (k, v) { refuse("write"); return real.setItem.call(this, k, v); };
    proto.removeItem = function (k) { refuse("remove"); return real.removeItem.call(this, k); };
    proto.clear = function () { refuse("remove"); return real.clear.call(this); };
    if (m === "blocked") {
      Object.defineProperty(window, "localStorage", {
        configurable: true,
        enumerable: true,
        get() {
          if (window.storageFault) throw new DOMException("The operation is insecure.", "SecurityError");
          return realLocal;
        },
      });
    }
  }, mode);
}

function candorWarnings(page) {
  const warnings = [];
  page.on("console", (m) => {
    if (m.type() === "warning" && m.text().startsWith("Candor")) warnings.push(m.text());
  });
  return warnings;
}

for (const mode of ["all", "write", "full", "blocked"]) {
  test(`localStorage ${mode === "all" ? "throwing on every call" : mode === "write" ? "throwing on writes" : mode === "full" ? "full (QuotaExceededError)" : "blocked (window.localStorage throws)"}: in memory, one warning, persists again after recovery`, async () => {
    const { context, page } = await b.open();
    const warnings = candorWarnings(page);
    await fault(page, mode);
    await visit(page, PAGE);
    await banner(page).waitFor({ state: "visible" });
    await action(page, "accept-all").click();
    assert.equal(await page.evaluate(() => window.candor.allows("recommendations")), true, "the choice holds for this page");
    await banner(page).waitFor({ state: "hidden" });
    await page.evaluate(() => window.candor.set("ads", false));
    await page.evaluate(() => window.candor.set("email-deals", true));
    assert.equal(await page.evaluate(() => window.realStorage("local", "candor")), null, "nothing could be written");
    assert.equal(warnings.length, 1, `warned once: ${JSON.stringify(warnings)}`);
    assert.match(warnings[0], /storage/i);

    // Storage recovers: the next change writes the whole record.
    await page.evaluate(() => {
      window.storageFault = null;
    });
    await page.evaluate(() => window.candor.set("analytics", false));
    const stored = JSON.parse(await page.evaluate(() => window.realStorage("local", "candor")));
    assert.equal(stored.v, 2);
    assert.equal(stored.p.recommendations[0], 1, "the in-memory accept-all is persisted");
    assert.equal(stored.p.ads[0], 0);
    assert.equal(stored.p.analytics[0], 0);
    assert.equal(warnings.length, 1, "no new warning");

    // A new tab (no fault) reads it.
    const other = tracked(await context.newPage());
    await visit(other, PAGE);
    assert.equal(await other.evaluate(() => window.candor.allows("recommendations")), true);
    assert.equal(await other.evaluate(() => window.candor.allows("analytics")), false);
    assert.equal(await banner(other).count(), 0, "no banner: the record is complete");
    assert.deepEqual(page.errors.map(String), []);
  });
}

test("a withdrawal that cannot be written (storage full) never lets the old grant come back", async () => {
  const { context, page } = await b.open();
  await visit(page, PAGE);
  await action(page, "accept-all").click();
  assert.ok(await page.evaluate(() => localStorage.getItem("candor")));

  const faulty = tracked(await context.newPage());
  const warnings = candorWarnings(faulty);
  await fault(faulty, "full");
  await visit(faulty, PAGE);
  assert.equal(await faulty.evaluate(() => window.candor.allows("recommendations")), true, "the stored grant was read");
  await faulty.evaluate(() => window.candor.rejectAll());
  assert.equal(await faulty.evaluate(() => window.candor.allows("recommendations")), false, "withdrawn at once");
  // The refusal could not be written: the old record went, removing needs no quota.
  assert.equal(await faulty.evaluate(() => window.realStorage("local", "candor")), null, "no old record left");
  assert.equal(warnings.length, 1);

  const later = tracked(await context.newPage());
  await later.goto(url(PAGE));
  await candorReady(later);
  assert.equal(await later.evaluate(() => window.candor.allows("recommendations")), false, "no grant came back");
  await banner(later).waitFor({ state: "visible" });
  assert.deepEqual([...page.errors, ...faulty.errors, ...later.errors].map(String), []);
});

test("a storage that refuses writes and removals: the choice holds for the page, the storage is untouched", async () => {
  const { context, page } = await b.open();
  await visit(page, PAGE);
  await action(page, "reject-all").click();
  const before = await page.evaluate(() => localStorage.getItem("candor"));
  const faulty = tracked(await context.newPage());
  const warnings = candorWarnings(faulty);
  await fault(faulty, "write");
  await visit(faulty, PAGE);
  await faulty.evaluate(() => window.candor.acceptAll());
  assert.equal(await faulty.evaluate(() => window.candor.allows("recommendations")), true, "in memory for this page");
  assert.equal(await faulty.evaluate(() => window.realStorage("local", "candor")), before, "storage unchanged");
  assert.equal(warnings.length, 1);
  assert.deepEqual([...page.errors, ...faulty.errors].map(String), []);
});
