// Class 6, reset() in one tab does not end session grants in another: two
// (or three) tabs of one browser session on the shop; the session-scoped
// "session-offers" and the others are granted in tab A; tab B sees them;
// candor.reset() in A (or in B) ends every grant in the other tabs within
// 1 s, and they stay ended after those tabs reload.
//
// sessionStorage is per tab: a tab opened from the shop (window.open) starts
// with a copy of its opener's, which is how B sees A's session grant.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { tracked, url, useBrowser } from "../lib/browser.mjs";
import { OPTIONAL, PAGE, assertAllowed, assertNoPageError, assertNothingAllowed, assertPageWorks, clickAction, settle } from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

async function openFrom(context, opener) {
  const [page] = await Promise.all([context.waitForEvent("page"), opener.evaluate((u) => void window.open(u, "_blank"), url(PAGE))]);
  tracked(page);
  await page.waitForLoadState();
  assert.deepEqual(await settle(page), { ok: true });
  return page;
}

/** Polls (in the page) until nothing optional is allowed; the time it took, or null after `ms`. */
function allGoneWithin(page, ms) {
  return page.evaluate(
    ([ids, ms]) =>
      new Promise((resolve) => {
        const start = performance.now();
        const tick = () => {
          if (ids.every((p) => !window.candor.allows(p))) return resolve(Math.round(performance.now() - start));
          if (performance.now() - start > ms) return resolve(null);
          setTimeout(tick, 20);
        };
        tick();
      }),
    [OPTIONAL, ms],
  );
}

for (const [name, tabs, resetIn, grant] of [
  ["reset() in A, B opened from A", 2, 0, "click"],
  ["reset() in B, A is the opener", 2, 1, "click"],
  ["reset() in A, B and C opened from A, grants through acceptAll()", 3, 0, "api"],
]) {
  test(`${name}: every other tab's allows() is false within 1 s, also after a reload`, async () => {
    const { context, page: a } = await b.open();
    await a.goto(url(PAGE));
    assert.deepEqual(await settle(a), { ok: true });
    if (grant === "click") await clickAction(a, "accept-all");
    else await a.evaluate(() => window.candor.acceptAll());
    await assertAllowed(a, "tab A after Accept all");
    const pages = [a];
    for (let i = 1; i < tabs; i += 1) pages.push(await openFrom(context, a));
    for (const [i, p] of pages.entries()) await assertAllowed(p, `tab ${"ABC"[i]} before the reset`);
    await pages[resetIn].evaluate(() => window.candor.reset());
    await assertNothingAllowed(pages[resetIn], "the tab that reset");
    for (const [i, p] of pages.entries()) {
      if (i === resetIn) continue;
      const tab = `tab ${"ABC"[i]}`;
      const took = await allGoneWithin(p, 1000);
      assert.notEqual(took, null, `${tab}: still allowed 1 s after reset() in tab ${"ABC"[resetIn]}: ${JSON.stringify(await p.evaluate((ids) => ids.filter((x) => window.candor.allows(x)), OPTIONAL))}`);
      await p.reload();
      assert.deepEqual(await settle(p), { ok: true });
      await assertNothingAllowed(p, `${tab} after a reload`);
      await assertPageWorks(p);
      assertNoPageError(p);
    }
    assertNoPageError(pages[resetIn]);
  });
}
