// Class 4, a withdrawal lost when storage is full: if the new record cannot
// be written, the old one must not survive (removing an item needs no
// quota), so the worst case after a reload is "no choice" and the banner
// again, never an old grant.
//
// Accept all; fill localStorage (or sessionStorage, for the session-scoped
// purpose) to its quota with junk keys until QuotaExceededError; withdraw
// (the panel: untick all and Save, or untick some; rejectAll(); set(); the
// subsets generated from a seed); reload.
// The withdrawn purposes are not allowed; either the banner shows or the
// refusal was remembered. The ledger with storage full is in caps.test.mjs.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { action, banner, panel, url, useBrowser } from "../lib/browser.mjs";
import {
  OPTIONAL,
  PAGE,
  assertAllowed,
  assertNoPageError,
  assertNothingAllowed,
  assertPageWorks,
  clickAction,
  decisions,
  SEED,
  fillStorage,
  grants,
  realClick,
  rng,
  settle,
} from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

/** Open the "Privacy choices" panel and untick `ids`, then Save. */
async function untick(page, ids) {
  await clickAction(page, "open");
  await panel(page).waitFor({ state: "visible" });
  for (const id of ids) {
    const box = page.locator(`#candor input[data-purpose="${id}"]`);
    if (await box.isChecked()) await realClick(page, box);
  }
  await clickAction(page, "save");
}

const WITHDRAW = {
  "the panel: untick all, Save": { ids: OPTIONAL, run: (page) => untick(page, OPTIONAL) },
  "the panel: untick analytics, Save": { ids: ["analytics"], run: (page) => untick(page, ["analytics"]) },
  "candor.rejectAll()": { ids: OPTIONAL, run: (page) => page.evaluate(() => window.candor.rejectAll()) },
  "candor.set('analytics', false)": { ids: ["analytics"], run: (page) => page.evaluate(() => window.candor.set("analytics", false)) },
  "the panel: untick session-offers, Save": { ids: ["session-offers"], run: (page) => untick(page, ["session-offers"]) },
};

/** Withdraw `ids` one by one with set(id, false). */
function setOff(ids) {
  return (page) => page.evaluate((ids) => ids.forEach((id) => window.candor.set(id, false)), ids);
}

/** Generated: random proper subsets of the purposes withdrawn through the panel or set(). */
function generatedCases(seed, count) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < count; i += 1) {
    // Mostly keeping the session grant, whose record then grows.
    const pool = r.chance(0.7) ? OPTIONAL.filter((id) => id !== "session-offers") : OPTIONAL;
    const ids = r.shuffle(pool).slice(0, r.range(1, pool.length - 1));
    const panelWay = r.chance(0.8);
    const how = `${panelWay ? "the panel: untick" : "set(id, false) for"} ${ids.join(", ")} (seed ${seed}, #${i})`;
    WITHDRAW[how] = { ids, run: panelWay ? (page) => untick(page, ids) : setOff(ids) };
    out.push([r.chance(0.75) ? "localStorage" : "sessionStorage", how]);
  }
  return out;
}

const CASES = [
  ...generatedCases(SEED, 5),
  ["localStorage", "the panel: untick all, Save"],
  ["localStorage", "the panel: untick analytics, Save"],
  ["localStorage", "candor.rejectAll()"],
  ["localStorage", "candor.set('analytics', false)"],
  ["sessionStorage", "the panel: untick all, Save"],
  ["sessionStorage", "candor.rejectAll()"],
  ["sessionStorage", "the panel: untick session-offers, Save"],
];

for (const [area, how] of CASES) {
  test(`${area} full, withdrawal through ${how}: after a reload no withdrawn grant is back`, async () => {
    const { page } = await b.open();
    await page.goto(url(PAGE));
    assert.deepEqual(await settle(page), { ok: true });
    await clickAction(page, "accept-all");
    await assertAllowed(page, "after Accept all");
    const junk = await fillStorage(page, area);
    assert.ok(junk > 0, `${area} filled (${junk} junk keys)`);
    const { ids, run } = WITHDRAW[how];
    await run(page);
    await assertNothingAllowed(page, "right after the withdrawal", ids);
    await page.reload();
    assert.deepEqual(await settle(page), { ok: true });
    await assertNothingAllowed(page, "after a reload", ids);
    // The rest: the new record (the withdrawn ones refused, the others
    // granted) or no choice at all (nothing allowed, the banner shown).
    const rest = OPTIONAL.filter((id) => !ids.includes(id));
    const after = await decisions(page, rest);
    const kept = after.every(([, allows]) => allows);
    const none = after.every(([, allows]) => !allows);
    assert.ok(kept || none, `the others are all kept or all gone: ${JSON.stringify(after)}`);
    if (none) {
      const shown = await banner(page).isVisible();
      const remembered = Object.values(await grants(page)).every((g) => g === false) && (await action(page, "open").isVisible());
      assert.ok(shown || remembered, "the banner shows again, or the refusal was remembered");
    }
    await assertPageWorks(page);
    assertNoPageError(page);
  });
}
