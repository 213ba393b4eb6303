// axe-core (from npm, injected into the page) finds no
// violations in the banner and the panel, at desktop and phone sizes.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { DESKTOP, PHONE, axe, axeShadowChecks, banner, formatViolations, panel, useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser();
afterEach(() => b.closeAll());

// The widget's host and everything in its (open) shadow tree.
const WIDGET = { include: [["#candor"]] };

for (const [name, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`axe: banner and panel have no violations (${name} ${viewport.width}x${viewport.height})`, async () => {
    const { page } = await b.open({ viewport });
    await visit(page, "/");
    await banner(page).waitFor({ state: "visible" });
    const onBanner = await axe(page, WIDGET);
    assert.equal(onBanner.length, 0, `banner:\n${formatViolations(onBanner)}`);
    assert.ok((await axeShadowChecks(page, WIDGET)) > 0, "axe checked nothing inside the banner's shadow root");

    await page.evaluate(() => window.candor.show());
    await panel(page).waitFor({ state: "visible" });
    const onPanel = await axe(page, WIDGET);
    assert.equal(onPanel.length, 0, `panel:\n${formatViolations(onPanel)}`);
    assert.ok((await axeShadowChecks(page, WIDGET)) > 0, "axe checked nothing inside the panel's shadow root");
  });
}

// The shop itself (outside the widget) should be clean too.
for (const path of ["/", "/product.html?id=ridge-tent", "/cart.html", "/deals.html", "/privacy.html"]) {
  test(`axe: shop page ${path} has no violations outside the widget`, async () => {
    const { page } = await b.open({ viewport: PHONE });
    await visit(page, path);
    const found = await axe(page, { exclude: [["#candor"]] });
    assert.equal(found.length, 0, formatViolations(found));
  });
}
