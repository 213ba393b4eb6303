// Class 12, a record from a revision the config does not know stays current:
// a record stamped with a later revision than the config's counts as
// outdated. Choices are made under a routed config of revision H, then the
// page loads the config with revision L < H (pairs and the way of choosing
// picked with a seed): the banner shows, nothing is allowed, and decide()
// says why (outdated, or no choice when the record is set aside).
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { banner, url, useBrowser } from "../lib/browser.mjs";
import { OPTIONAL, PAGE, SEED, assertNoPageError, assertNothingAllowed, assertPageWorks, clickAction, rng, settle, shopConfig } from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

const CHOICES = {
  "Accept all": (page) => clickAction(page, "accept-all"),
  "acceptAll()": (page) => page.evaluate(() => window.candor.acceptAll()),
  "set() for two purposes": (page) => page.evaluate(() => ["analytics", "recommendations"].forEach((p) => window.candor.set(p, true))),
};

function cases(seed) {
  const r = rng(seed);
  const out = [[2, 1, "Accept all"]];
  for (let i = 0; i < 4; i += 1) {
    const high = r.pick([2, 3, 7, 1000, 2 ** 31 - 1]);
    out.push([high, r.range(1, high - 1 > 50 ? 50 : high - 1), r.pick(Object.keys(CHOICES))]);
  }
  return out;
}

for (const [high, low, how] of cases(SEED)) {
  test(`choices made under revision ${high} (${how}), then the config says revision ${low}: outdated, banner, nothing allowed`, async () => {
    const { page } = await b.open();
    let revision = high;
    await page.route("**/candor.json", async (route) =>
      route.fulfill({
        status: 200,
        contentType: "application/json",
        body: JSON.stringify(
          await shopConfig((c) => {
            c.revision = revision;
          }),
        ),
      }),
    );
    await page.goto(url(PAGE));
    assert.deepEqual(await settle(page), { ok: true });
    await CHOICES[how](page);
    assert.equal(await page.evaluate(() => window.candor.allows("analytics")), true, `granted under revision ${high}`);
    revision = low;
    await page.reload();
    assert.deepEqual(await settle(page), { ok: true });
    await assertNothingAllowed(page, `under revision ${low}`);
    await banner(page).waitFor({ state: "visible", timeout: 5000 });
    const reasons = await page.evaluate((ids) => ids.map((p) => window.candor.decide({ purpose: p }).reason), OPTIONAL);
    for (const reason of reasons) assert.ok(reason === "outdated" || reason === "no-choice", `reason ${reason}`);
    await assertPageWorks(page);
    assertNoPageError(page);
  });
}
