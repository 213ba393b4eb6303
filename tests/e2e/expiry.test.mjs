// allows() is answered from a snapshot of the widget's decisions
// (Widget.snapshot, js/facade.js): these check that it still follows the
// clock with no change at all — a grant expiring, a future-dated choice
// becoming trusted — through the refresh timer and on visibilitychange.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser();
afterEach(() => b.closeAll());

const DAY = 86_400_000;
const SKEW = 10 * 60_000;

/** A context whose clock runs `localStorage["test.offset"]` ms ahead of the real one. */
async function skewedClock() {
  const { context, page } = await b.open();
  await context.addInitScript(() => {
    const real = Date.now.bind(Date);
    Date.now = () => real() + (Number(localStorage.getItem("test.offset")) || 0);
  });
  await visit(page, "/");
  return page;
}

/** Counts `candor:change` events (and `on("change")` calls) from now on. */
function countChanges(page) {
  return page.evaluate(() => {
    window.changes = 0;
    window.addEventListener("candor:change", () => window.changes++);
    window.candor.on("change", () => window.changes++);
  });
}

/** Sets the clock so that it reads `target` (epoch ms) now. */
function setClock(page, target) {
  return page.evaluate((t) => {
    localStorage.removeItem("test.offset");
    localStorage.setItem("test.offset", String(t - Date.now()));
  }, target);
}

test("a grant expires at its time: allows() turns false by itself, with no change event", async () => {
  const page = await skewedClock();
  await page.evaluate(() => window.candor.acceptAll());
  const { at, duration } = await page.evaluate(() => window.candor.preferences().purposes.recommendations);
  assert.equal(typeof duration.days, "number");
  // Reload 3 s before the grant's end.
  await setClock(page, at + duration.days * DAY - 3_000);
  await visit(page, "/");
  await countChanges(page);
  assert.equal(await page.evaluate(() => window.candor.allows("recommendations")), true, "still granted");
  await page.waitForFunction(() => window.candor.allows("recommendations") === false, null, { timeout: 5_000 });
  const after = await page.evaluate(() => ({
    reason: window.candor.decide({ purpose: "recommendations" }).reason,
    essential: window.candor.allows("essential"),
    changes: window.changes,
  }));
  assert.deepEqual(after, { reason: "expired", essential: true, changes: 0 });
  assert.deepEqual(page.errors.map(String), []);
});

test("a clock jumping past the expiry is noticed when the page becomes visible again", async () => {
  const page = await skewedClock();
  await page.evaluate(() => window.candor.acceptAll());
  await countChanges(page);
  const { at, duration } = await page.evaluate(() => window.candor.preferences().purposes.recommendations);
  // A background tab's timers are throttled: the jump is noticed on return.
  await setClock(page, at + duration.days * DAY);
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  const after = await page.evaluate(() => ({
    allows: window.candor.allows("recommendations"),
    reason: window.candor.decide({ purpose: "recommendations" }).reason,
    changes: window.changes,
  }));
  assert.deepEqual(after, { allows: false, reason: "expired", changes: 0 });
  assert.deepEqual(page.errors.map(String), []);
});

test("a choice dated ahead of the clock is trusted once the clock is within the skew", async () => {
  const page = await skewedClock();
  await page.evaluate(() => window.candor.acceptAll());
  const { at } = await page.evaluate(() => window.candor.preferences().purposes.recommendations);
  // The clock goes back to 3 s before the choice becomes trusted.
  await setClock(page, at - SKEW - 3_000);
  await visit(page, "/");
  await countChanges(page);
  assert.deepEqual(
    await page.evaluate(() => [window.candor.allows("recommendations"), window.candor.decide({ purpose: "recommendations" }).reason]),
    [false, "expired"],
  );
  await page.waitForFunction(() => window.candor.allows("recommendations") === true, null, { timeout: 5_000 });
  assert.equal(await page.evaluate(() => window.candor.decide({ purpose: "recommendations" }).reason), "granted");
  assert.equal(await page.evaluate(() => window.changes), 0);
  assert.deepEqual(page.errors.map(String), []);
});
