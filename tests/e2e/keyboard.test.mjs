// Every control of the banner and the panel works with the
// keyboard alone (Tab, Shift+Tab, Enter, Space, Esc).
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { action, banner, focused, panel, purposeBox, tabUntil, useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser();
afterEach(() => b.closeAll());

test("keyboard only: banner, panel (focus trapped), Space, Enter, Esc and Privacy choices", async () => {
  const { page } = await b.open();
  await visit(page, "/");
  await banner(page).waitFor({ state: "visible" });

  // Tab from the top of the page reaches the banner's buttons.
  const first = await tabUntil(page, (f) => f.inBanner && f.action !== null);
  assert.ok(["accept-all", "reject-all", "customize"].includes(first.action), `focused ${JSON.stringify(first)}`);
  const seen = new Set([first.action]);
  for (let i = 0; i < 6 && seen.size < 3; i += 1) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (f?.inBanner && f.action) seen.add(f.action);
  }
  for (let i = 0; i < 6 && seen.size < 3; i += 1) {
    await page.keyboard.press("Shift+Tab");
    const f = await focused(page);
    if (f?.inBanner && f.action) seen.add(f.action);
  }
  assert.deepEqual([...seen].sort(), ["accept-all", "customize", "reject-all"], "all three banner buttons are reachable");

  // Enter on Customize opens the panel and moves focus into it.
  let f = await focused(page);
  for (let i = 0; i < 6 && f?.action !== "customize"; i += 1) {
    await page.keyboard.press(f?.inBanner ? "Tab" : "Shift+Tab");
    f = await focused(page);
  }
  assert.equal(f?.action, "customize");
  await page.keyboard.press("Enter");
  await panel(page).waitFor({ state: "visible" });
  await page.waitForFunction(() => {
    const root = document.getElementById("candor")?.shadowRoot;
    const dialog = root && [...root.querySelectorAll('[role="dialog"]')].find((d) => d.querySelector('[data-action="save"]'));
    return Boolean(dialog && root.activeElement && dialog.contains(root.activeElement));
  });

  // Focus is trapped: Tab and Shift+Tab cycle within the panel.
  const reached = new Set();
  for (let i = 0; i < 25; i += 1) {
    await page.keyboard.press("Tab");
    f = await focused(page);
    assert.ok(f?.inPanel, `Tab #${i + 1} left the panel: ${JSON.stringify(f)}`);
    reached.add(f.action || f.purpose);
  }
  for (let i = 0; i < 25; i += 1) {
    await page.keyboard.press("Shift+Tab");
    f = await focused(page);
    assert.ok(f?.inPanel, `Shift+Tab #${i + 1} left the panel: ${JSON.stringify(f)}`);
  }
  assert.ok(reached.has("save"), "Save is reachable");
  assert.ok(reached.has("recommendations"), "the recommendations checkbox is reachable");
  assert.ok(!reached.has("essential"), "the disabled required checkbox is skipped");

  // Space toggles a checkbox.
  f = await tabUntil(page, (x) => x.purpose === "recommendations", { max: 25 });
  assert.equal(await purposeBox(page, "recommendations").isChecked(), false);
  await page.keyboard.press("Space");
  assert.equal(await purposeBox(page, "recommendations").isChecked(), true);

  // Enter on Save saves and closes.
  await tabUntil(page, (x) => x.action === "save", { max: 25 });
  await page.keyboard.press("Enter");
  await panel(page).waitFor({ state: "hidden" });
  const choices = await page.evaluate(() => ({
    recommendations: window.candor.allows("recommendations"),
    email: window.candor.decide({ purpose: "email-deals" }).reason,
  }));
  assert.equal(choices.recommendations, true);
  assert.equal(choices.email, "refused", "unticked purposes are saved as refused");
  assert.equal(await banner(page).isVisible(), false);

  // "Privacy choices" is reachable by Tab and opens with Enter; Esc closes and
  // gives focus back to it.
  await page.locator("body").focus();
  await page.evaluate(() => document.activeElement?.blur());
  await tabUntil(page, (x) => x.action === "open");
  await page.keyboard.press("Enter");
  await panel(page).waitFor({ state: "visible" });
  f = await focused(page);
  assert.ok(f?.inPanel, "focus moves into the reopened panel");
  assert.equal(await purposeBox(page, "recommendations").isChecked(), true, "the panel shows the saved choice");
  await page.keyboard.press("Escape");
  await panel(page).waitFor({ state: "hidden" });
  f = await focused(page);
  assert.equal(f?.action, "open", `focus returns to the opener, got ${JSON.stringify(f)}`);
});
