// Class 9, the "Why this?" panel does not trap focus: with the panel open
// (after a grant, candor.why({purpose})), Tab and Shift+Tab pressed many
// times never leave it: 30 of each, and seeded random sequences; also for
// another purpose, before and after its switch-off.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { url, useBrowser } from "../lib/browser.mjs";
import { PAGE, SEED, assertNoPageError, clickAction, rng, settle } from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

/** Where focus is: inside the Why panel or not, and a description of where. */
function where(page) {
  return page.evaluate(() => {
    const host = document.getElementById("candor");
    const root = host && host.shadowRoot;
    // The Why panel: the dialog that is neither the banner (Accept all) nor the preferences (Save).
    const dialog = root && [...root.querySelectorAll('[role="dialog"]')].find((d) => !d.querySelector('[data-action="accept-all"], [data-action="save"]'));
    let node = document.activeElement;
    while (node && node.shadowRoot && node.shadowRoot.activeElement) node = node.shadowRoot.activeElement;
    const inside = Boolean(dialog && node && (dialog === node || dialog.contains(node)));
    const name = node ? `${node.tagName.toLowerCase()}${node.id ? "#" + node.id : ""}${node.className ? "." + String(node.className).replace(/ /g, ".") : ""}${node.dataset && node.dataset.action ? `[data-action=${node.dataset.action}]` : ""}` : "(nothing)";
    return { inside, name, open: Boolean(dialog) };
  });
}

function sequences(seed) {
  const r = rng(seed);
  return [
    ["30 × Tab", Array(30).fill("Tab")],
    ["30 × Shift+Tab", Array(30).fill("Shift+Tab")],
    ...Array.from({ length: 3 }, (_, i) => [`60 random presses (seed ${seed}, #${i})`, Array.from({ length: 60 }, () => (r.chance(0.5) ? "Tab" : "Shift+Tab"))]),
  ];
}

async function openWhy(page, purpose) {
  await page.goto(url(PAGE));
  assert.deepEqual(await settle(page), { ok: true });
  await clickAction(page, "accept-all");
  await page.evaluate((purpose) => window.candor.why({ purpose }), purpose);
  const at = await where(page);
  assert.ok(at.open, "the Why panel is open");
}

async function press(page, keys) {
  for (const [i, key] of keys.entries()) {
    await page.keyboard.press(key);
    const at = await where(page);
    assert.ok(at.inside, `press ${i + 1} (${key}) took focus out of the Why panel, to ${at.name}; sequence: ${keys.slice(0, i + 1).join(" ")}`);
  }
}

for (const [name, keys] of sequences(SEED)) {
  test(`Why this? (analytics), ${name}: focus never leaves the panel`, async () => {
    const { page } = await b.open();
    await openWhy(page, "analytics");
    await press(page, keys);
    assertNoPageError(page);
  });
}

test("Why this? for recommendations, before and after its switch-off: Tab and Shift+Tab stay inside", async () => {
  const { page } = await b.open();
  await openWhy(page, "recommendations");
  await press(page, ["Shift+Tab", "Shift+Tab", "Tab", "Tab", "Tab"]);
  await clickAction(page, "switch-off");
  assert.equal(await page.evaluate(() => window.candor.allows("recommendations")), false, "switched off");
  // The panel re-rendered in place, or closed: then open it again for the refused purpose.
  if (!(await where(page)).open) await page.evaluate(() => window.candor.why({ purpose: "recommendations" }));
  const at = await where(page);
  assert.ok(at.open, "the Why panel is open");
  assert.ok(at.inside, `after the switch-off, focus is still inside the Why panel (it is on ${at.name})`);
  await press(page, ["Shift+Tab", ...Array(12).fill("Tab"), ...Array(12).fill("Shift+Tab")]);
  assertNoPageError(page);
});
