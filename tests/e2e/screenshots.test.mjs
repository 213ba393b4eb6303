// Screenshots of the banner, the panel and a personalized
// page, at desktop and phone sizes, for people to look at (not committed).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { afterEach, test } from "node:test";
import { DESKTOP, PHONE, SCREENSHOT_DIR, action, banner, panel, screenshot, useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser();
afterEach(() => b.closeAll());

for (const [name, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`screenshots (${name})`, async (t) => {
    const { page } = await b.open({ viewport, reducedMotion: "reduce" });
    const shots = [];
    await visit(page, "/");
    await banner(page).waitFor({ state: "visible" });
    shots.push(await screenshot(page, `${name}-1-banner`));

    await action(page, "customize").click();
    await panel(page).waitFor({ state: "visible" });
    shots.push(await screenshot(page, `${name}-2-panel`));
    await page.evaluate(() => window.candor.hide());

    await page.evaluate(() => window.candor.acceptAll());
    for (const id of ["ridge-tent", "summit-pack"]) {
      await visit(page, `/product.html?id=${id}`);
      await page.waitForFunction((p) => (localStorage.getItem("shop.viewed") || "").includes(p), id);
    }
    await page.locator("[data-add-to-cart]").click();
    await page.locator("[data-offer]").waitFor();
    shots.push(await screenshot(page, `${name}-4-product-offer`, { fullPage: true }));

    await visit(page, "/");
    await page.locator("#recommended").waitFor({ state: "visible" });
    await page.locator("#recommended").scrollIntoViewIfNeeded();
    shots.push(await screenshot(page, `${name}-3-personalized-home`, { fullPage: true }));

    await visit(page, "/deals.html");
    for (let i = 0; i < 3; i += 1) await page.locator("[data-simulate-send]").click();
    await page.locator('[data-wont="age"]').click();
    shots.push(await screenshot(page, `${name}-5-deals`, { fullPage: true }));

    for (const shot of shots) assert.ok(existsSync(shot), shot);
    t.diagnostic(`screenshots in ${SCREENSHOT_DIR}`);
    console.log(`screenshots (${name}) written to ${SCREENSHOT_DIR}`);
  });
}
