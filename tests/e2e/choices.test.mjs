// First visit, Reject all, Privacy choices, Accept all,
// recommendations appearing and disappearing without a reload.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { action, banner, candorReady, panel, purposeBox, useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser();
afterEach(() => b.closeAll());

test("first visit shows the banner; Reject all sticks across a reload and nothing is personalized", async () => {
  const { page } = await b.open();
  await visit(page, "/");

  const firstLayer = banner(page);
  await firstLayer.waitFor({ state: "visible" });
  assert.equal(await firstLayer.getAttribute("role"), "dialog");
  assert.equal(await page.locator("#recommended").isVisible(), false, "nothing personalized before a choice");
  assert.ok(await page.locator("#bestsellers").isVisible());

  await action(page, "reject-all").click();
  await firstLayer.waitFor({ state: "hidden" });

  await page.reload();
  await candorReady(page);
  // Give a late-rendering banner a chance to show up before asserting it does not.
  await action(page, "open").waitFor({ state: "visible" });
  assert.equal(await banner(page).isVisible(), false, "no banner after a choice");
  assert.ok(await page.locator("#bestsellers").isVisible(), "bestsellers shown");
  assert.equal(await page.locator("#recommended").isVisible(), false, "no recommendations");
  assert.equal(await page.evaluate(() => window.candor.allows("recommendations")), false);
  assert.equal(await page.evaluate(() => window.candor.decide({ purpose: "recommendations" }).reason), "refused");

  // Viewing a product after refusing records nothing.
  await visit(page, "/product.html?id=alpine-bag");
  assert.equal(await page.evaluate(() => localStorage.getItem("shop.viewed")), null);

  // "Privacy choices" reopens the preferences, with everything unticked but the required purpose.
  await action(page, "open").click();
  await panel(page).waitFor({ state: "visible" });
  assert.equal(await purposeBox(page, "recommendations").isChecked(), false);
  assert.equal(await purposeBox(page, "essential").isChecked(), true);
  assert.equal(await purposeBox(page, "essential").isDisabled(), true);
});

test("Accept all shows recommendations from viewed products; withdrawing in the panel removes them without a reload", async () => {
  const { page } = await b.open();
  await visit(page, "/");
  await banner(page).waitFor({ state: "visible" });
  await action(page, "accept-all").click();
  await banner(page).waitFor({ state: "hidden" });

  await visit(page, "/product.html?id=ridge-tent");
  await page.waitForFunction(() => (localStorage.getItem("shop.viewed") || "").includes("ridge-tent"));

  await visit(page, "/");
  const recommended = page.locator("#recommended");
  await recommended.waitFor({ state: "visible" });
  assert.ok((await recommended.locator(".card").count()) >= 1, "at least one recommendation");
  assert.match(await recommended.textContent(), /Because you viewed the Ridgeline 2 Tent/);
  assert.equal(await page.locator("#bestsellers").isVisible(), false);

  // "Why this?" explains the decision (the widget's panel once `why` exists, else the shop's popover).
  const hasWhy = await page.evaluate(() => typeof window.candor.why === "function");
  if (hasWhy) {
    // The widget's own "why" panel: some dialog of the widget opens; Esc closes it.
    await recommended.locator("[data-why]").click();
    const dialog = page.locator('#candor [role="dialog"]:visible');
    await dialog.first().waitFor();
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => ![...(document.getElementById("candor")?.shadowRoot?.querySelectorAll('[role="dialog"]') || [])].some((d) => d.checkVisibility()));
  } else {
    await recommended.locator("[data-why]").click();
    const explanation = page.locator("#recommended .popover-text");
    await explanation.waitFor({ state: "visible" });
    assert.ok((await explanation.textContent()).trim().length > 10, "an explanation is shown");
    await recommended.locator(".popover-close").click();
  }

  await page.evaluate(() => {
    window.__sameDocument = true;
  });
  await action(page, "open").click();
  await panel(page).waitFor({ state: "visible" });
  const box = purposeBox(page, "recommendations");
  assert.equal(await box.isChecked(), true, "accepted purposes are shown ticked");
  await box.uncheck();
  await action(page, "save").click();
  await panel(page).waitFor({ state: "hidden" });

  await recommended.waitFor({ state: "hidden" });
  assert.ok(await page.locator("#bestsellers").isVisible(), "bestsellers are back");
  assert.equal(await page.evaluate(() => window.__sameDocument), true, "no reload happened");
  assert.equal(await page.evaluate(() => localStorage.getItem("shop.viewed")), null, "viewed products are forgotten");
  assert.equal(await page.evaluate(() => window.candor.allows("session-offers")), true, "other choices kept");
});
