// Many tabs of one browser profile (issue 7): choices made at nearly the same
// time end as one consistent record in every tab; the frequency cap is
// counted without loss across tabs.
//
// Chromium runs tabs opened from one another (window.open, target=_blank
// with an opener) in one renderer process: their localStorage is one
// synchronous store, and record() is exact. Tabs opened independently may
// run in separate processes, where localStorage has no atomic
// read-modify-write: tabs that call record() within the same few
// milliseconds each see the count before the others' writes. record() is
// synchronous (CONTRACT §3), so it cannot wait for a lock; the widget
// instead merges ledgers (a storage event from another tab re-reads and
// writes back any delivery the other tab's write dropped), so nothing is
// lost and every tab agrees as soon as the writes have crossed. See
// RELIABILITY.md.
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
    assert.equal(record.v, 1, "a valid record");
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

test(`tabs opened from the shop: ${TABS} tabs recording at once on a 2-per-week channel → exactly 2 allowed, 2 counted`, async () => {
  const { context, page } = await b.open();
  await visit(page, "/");
  await page.evaluate(() => window.candor.set("email-deals", true));
  const pages = await openedTabs(context, page);
  for (let round = 0; round < 3; round += 1) {
    const results = await Promise.all(pages.map((p) => p.evaluate((r) => window.candor.record(r), EMAIL)));
    const allowed = results.filter((r) => r.allowed).length;
    assert.equal(allowed, round === 0 ? 2 : 0, `round ${round}: ${JSON.stringify(results.map((r) => r.reason))}`);
    for (const r of results.filter((r) => !r.allowed)) assert.equal(r.reason, "frequency-cap");
  }
  const ledger = JSON.parse(await converge(pages, () => localStorage.getItem("candor.ledger"), "ledger"));
  assert.equal(ledger.l.email.length, 2, "two deliveries counted, none lost or doubled");
  for (const p of pages) assert.deepEqual(p.errors.map(String), []);
});

test(`independent tabs: ${TABS} tabs recording at once → the ledger stays valid and agreed, no count is lost, and the cap then holds everywhere`, async () => {
  const { context, page } = await b.open();
  await visit(page, "/");
  await page.evaluate(() => window.candor.set("email-deals", true));
  const pages = await independentTabs(context, page);
  const first = await Promise.all(pages.map((p) => p.evaluate((r) => window.candor.record(r).allowed, EMAIL)));
  const allowed = first.filter(Boolean).length;
  // Exact when the tabs share a process; at most one per tab otherwise (see the header).
  assert.ok(allowed >= 2 && allowed <= TABS, `allowed ${allowed}`);
  console.log(`# independent tabs: ${allowed} of ${TABS} concurrent record() calls allowed on a cap of 2`);
  const ledger = JSON.parse(await converge(pages, () => localStorage.getItem("candor.ledger"), "ledger"));
  assert.equal(ledger.v, 1);
  assert.equal(ledger.l.email.length, 2, "the ledger holds the cap's worth of deliveries (the newest kept)");
  // Once the writes have crossed, every tab counts the cap as reached.
  const again = await Promise.all(pages.map((p) => p.evaluate((r) => window.candor.record(r), EMAIL)));
  assert.deepEqual(
    again.map((r) => r.reason),
    Array(TABS).fill("frequency-cap"),
  );
  for (const p of pages) assert.deepEqual(p.errors.map(String), []);
});

test("a write lost to another tab's racing write is merged back", async () => {
  const { context, page } = await b.open();
  await visit(page, "/");
  await page.evaluate(() => window.candor.set("email-deals", true));
  const other = tracked(await context.newPage());
  await visit(other, "/");
  assert.equal(await page.evaluate((r) => window.candor.record(r).allowed, EMAIL), true);
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
  assert.equal(await other.evaluate((r) => window.candor.record(r).reason, EMAIL), "frequency-cap");
  assert.deepEqual([...page.errors, ...other.errors].map(String), []);
});

