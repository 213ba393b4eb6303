// The demo shop's other consent-dependent parts: analytics that runs only
// after consent, and the privacy page's download / forget controls.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { afterEach, test } from "node:test";
import { action, banner, useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser();
afterEach(() => b.closeAll());

const analyticsLoaded = (page) =>
  page.evaluate(() => ({
    script: Boolean(document.querySelector('script[src="/js/analytics.js"]')),
    running: Boolean(window.shopAnalytics),
    indicator: document.querySelector("[data-analytics-state]").textContent,
  }));

test("analytics runs only after consent", async () => {
  const { page } = await b.open();
  await visit(page, "/");
  await banner(page).waitFor({ state: "visible" });
  assert.deepEqual(await analyticsLoaded(page), { script: false, running: false, indicator: "off" });

  await action(page, "reject-all").click();
  await visit(page, "/deals.html");
  assert.deepEqual(await analyticsLoaded(page), { script: false, running: false, indicator: "off" });

  // Allowing it later starts it on the spot, without a reload.
  await page.evaluate(() => window.candor.set("analytics", true));
  await page.waitForFunction(() => window.shopAnalytics && window.shopAnalytics.views.length === 1);
  assert.deepEqual(await analyticsLoaded(page), { script: true, running: true, indicator: "on" });
});

test("privacy page: download a copy of my choices, then forget them", async () => {
  const { page } = await b.open({ acceptDownloads: true });
  await visit(page, "/privacy.html");
  await action(page, "reject-all").click();
  await page.locator('[data-purpose-row="recommendations"] td').filter({ hasText: "Off" }).waitFor();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("[data-privacy='receipt']").click(),
  ]);
  assert.equal(download.suggestedFilename(), "northwind-privacy-choices.json");
  const receipt = JSON.parse(await readFile(await download.path(), "utf8"));
  const text = JSON.stringify(receipt);
  const consentId = await page.evaluate(() => window.candor.preferences().consentId);
  assert.ok(consentId && text.includes(consentId), "the receipt carries the consent id");
  assert.ok(text.includes("/privacy.html"), "the receipt carries the policy URL");

  await page.locator("[data-privacy='show']").click();
  await page.locator('#candor [data-action="save"]').waitFor({ state: "visible" });
  await page.keyboard.press("Escape");

  await page.locator("[data-privacy='reset']").click();
  await banner(page).waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => window.candor.decide({ purpose: "recommendations" }).reason), "no-choice");
});
