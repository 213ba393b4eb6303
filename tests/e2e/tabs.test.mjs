// Many tabs of one browser profile: choices made at nearly the same
// time end as one consistent record in every tab; the frequency cap is
// counted without loss across tabs.
//
// Exact caps: a message on a capped channel is counted only by the tab
// that holds the Web Lock `candor.ledger`, against the ledger kept in
// IndexedDB (see crates/candor-web/js/facade.js). recordAsync() takes the
// lock in any tab, so it is exact across tabs and processes; record() is
// synchronous and counts only in the tab that holds the lock already, so
// it never passes the cap either (elsewhere: count-not-saved).
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { tracked, useBrowser, visit } from "./lib/browser.mjs";

// A loaded machine gets 30 s waits here.
const b = useBrowser({ timeout: 30_000 });


afterEach(() => b.closeAll());

const TABS = 6;
const EMAIL = { purpose: "email-deals", channel: "email" };

async function independentTabs(context, first) {
  const pages = [first];
  for (let i = 1; i < TABS; i += 1) {
    const page = tracked(await context.newPage());
    await visit(page, "/");
    pages.push(page);
  }
  return pages;
}

async function openedTabs(context, first) {
  const pages = [first];
  for (let i = 1; i < TABS; i += 1) {
    const [page] = await Promise.all([context.waitForEvent("page").then(tracked), first.evaluate(() => void window.open("/", "_blank"))]);
    await page.waitForLoadState();
    await page.waitForFunction(() => Boolean(window.candor && window.candor.ready));
    await page.evaluate(() => window.candor.ready);
    pages.push(page);
  }
  return pages;
}

/** Polls until every tab reports the same value of `fn`, or fails after 5 s. */
async function converge(pages, fn, what) {
  let values = [];
  for (let i = 0; i < 50; i += 1) {
    values = await Promise.all(pages.map((p) => p.evaluate(fn)));
    if (values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]))) return values[0];
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what}: the tabs disagree: ${JSON.stringify(values)}`);
}

for (const [kind, open] of [
  ["independent tabs", independentTabs],
  ["tabs opened from the shop", openedTabs],
]) {
  test(`${kind}: choices made at the same time end as one record in every tab`, async () => {
    const { context, page } = await b.open();
    await visit(page, "/");
    const pages = await open(context, page);
    await Promise.all([
      pages[0].evaluate(() => window.candor.acceptAll()),
      pages[1].evaluate(() => window.candor.rejectAll()),
      pages[2].evaluate(() => window.candor.set("ads", true)),
      pages[3].evaluate(() => window.candor.set("recommendations", false)),
      pages[4].evaluate(() => window.candor.acceptAll()),
      pages[5].evaluate(() => window.candor.set("email-deals", true)),
    ]);
    const stored = await converge(pages, () => localStorage.getItem("candor"), "stored record");
    const record = JSON.parse(stored);
    assert.equal(record.v, 2, "a valid record");
    const prefs = await converge(
      pages,
      () => Object.fromEntries(Object.entries(window.candor.preferences().purposes).filter(([id]) => id !== "session-offers").map(([id, p]) => [id, p.granted])),
      "preferences",
    );
    for (const [id, granted] of Object.entries(prefs)) {
      if (id !== "essential") assert.equal(record.p[id]?.[0], granted ? 1 : 0, `${id} as stored`);
    }
    // A fresh tab reads the same record.
    const fresh = tracked(await context.newPage());
    await visit(fresh, "/");
    const freshPrefs = await fresh.evaluate(() => window.candor.preferences().purposes);
    for (const [id, granted] of Object.entries(prefs)) assert.equal(freshPrefs[id]?.granted, granted, `${id} in a fresh tab`);
    for (const p of [...pages, fresh]) assert.deepEqual(p.errors.map(String), []);
  });
}

for (const [kind, open] of [
  ["tabs opened from the shop", openedTabs],
  ["independent tabs", independentTabs],
]) {
  test(`${kind}: ${TABS} tabs calling recordAsync() at once on a 2-per-week channel → exactly 2 allowed, 2 counted`, async () => {
    const { context, page } = await b.open();
    await visit(page, "/");
    await page.evaluate(() => window.candor.set("email-deals", true));
    const pages = await open(context, page);
    const figures = [];
    for (let round = 0; round < 3; round += 1) {
      const results = await Promise.all(pages.map((p) => p.evaluate((r) => window.candor.recordAsync(r), EMAIL)));
      const allowed = results.filter((r) => r.allowed).length;
      figures.push(allowed);
      assert.equal(allowed, round === 0 ? 2 : 0, `round ${round}: ${JSON.stringify(results.map((r) => r.reason))}`);
      for (const r of results.filter((r) => !r.allowed)) assert.equal(r.reason, "frequency-cap");
    }
    console.log(`# ${kind}: recordAsync() allowed ${figures.join(", ")} in three rounds of ${TABS} (cap 2)`);
    const ledger = JSON.parse(await converge(pages, () => localStorage.getItem("candor.ledger"), "ledger"));
    assert.equal(ledger.l.email.length, 2, "two deliveries counted, none lost or doubled");
    for (const p of pages) assert.deepEqual(p.errors.map(String), []);
  });

  test(`${kind}: ${TABS} tabs calling record() at once never pass the cap`, async () => {
    const { context, page } = await b.open();
    await visit(page, "/");
    await page.evaluate(() => window.candor.set("email-deals", true));
    const pages = await open(context, page);
    let total = 0;
    for (let round = 0; round < 3; round += 1) {
      const results = await Promise.all(pages.map((p) => p.evaluate((r) => window.candor.record(r), EMAIL)));
      total += results.filter((r) => r.allowed).length;
      for (const r of results.filter((r) => !r.allowed)) assert.ok(["frequency-cap", "count-not-saved"].includes(r.reason), r.reason);
    }
    console.log(`# ${kind}: record() allowed ${total} of ${3 * TABS} calls (cap 2)`);
    assert.ok(total <= 2, `allowed ${total}`);
    for (const p of pages) assert.deepEqual(p.errors.map(String), []);
  });
}

test("a write lost to another tab's racing write is merged back", async () => {
  const { context, page } = await b.open();
  await visit(page, "/");
  await page.evaluate(() => window.candor.set("email-deals", true));
  const other = tracked(await context.newPage());
  await visit(other, "/");
  assert.equal(await page.evaluate((r) => window.candor.recordAsync(r).then((d) => d.allowed), EMAIL), true);
  const mine = JSON.parse(await page.evaluate(() => localStorage.getItem("candor.ledger"))).l.email;
  // Another tab overwrites the ledger with a version that never saw ours.
  const t = Date.now() - 1000;
  await other.evaluate((v) => localStorage.setItem("candor.ledger", v), JSON.stringify({ v: 1, l: { email: [t] } }));
  // Both pages read the same localStorage, so they agree at once: wait (up
  // to 5 s) for the first tab's storage event to merge its delivery back,
  // then check what they agree on.
  await page
    .waitForFunction(() => JSON.parse(localStorage.getItem("candor.ledger") || "{}").l?.email?.length >= 2, null, { timeout: 5000 })
    .catch(() => {});
  const merged = await converge([page, other], () => localStorage.getItem("candor.ledger"), "ledger");
  assert.deepEqual(JSON.parse(merged).l.email, [t, ...mine], "both deliveries counted");
  assert.equal(await other.evaluate((r) => window.candor.recordAsync(r).then((d) => d.reason), EMAIL), "frequency-cap");
  assert.deepEqual([...page.errors, ...other.errors].map(String), []);
});

