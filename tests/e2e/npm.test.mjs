// The npm package, imported by a page as an ES module, works
// as the script tag does (and shares the stored choices with it).
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { action, banner, candorReady, url, useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser();
afterEach(() => b.closeAll());

test("npm: start(config) from an ES module import shows the banner and answers like the script tag", async () => {
  const { page } = await b.open();
  await page.goto(url("/npm-demo.html"));
  await candorReady(page, "demoCandor");
  assert.equal(await page.evaluate(() => document.querySelector('script[src*="/candor/candor.js"]')), null, "no script tag");
  assert.equal(await page.locator("[data-npm-state]").textContent(), "Candor started from the npm package.");

  await banner(page).waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => window.demoCandor.allows("recommendations")), false);
  await action(page, "accept-all").click();
  await banner(page).waitFor({ state: "hidden" });

  const answers = await page.evaluate(() => ({
    recommendations: window.demoCandor.allows("recommendations"),
    essential: window.demoCandor.decide({ purpose: "essential" }).reason,
    age: window.demoCandor.decide({ purpose: "recommendations", signals: ["age"] }).reason,
  }));
  assert.deepEqual(answers, { recommendations: true, essential: "required", age: "demographic-signal" });
  await page.locator('[data-purpose="recommendations"][data-allowed="true"]').waitFor();

  // The script-tag build reads the same stored choices.
  await visit(page, "/");
  assert.equal(await page.evaluate(() => window.candor.allows("recommendations")), true);
  assert.equal(await banner(page).isVisible(), false);
});

test("npm: a German page imports its texts from the package's i18n/de.js, and no other language", async () => {
  const { page } = await b.open();
  const requests = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  await page.route("**/npm-demo.html", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('<html lang="en">', '<html lang="de">');
    assert.ok(body.includes('<html lang="de">'), "the demo page declares its language");
    await route.fulfill({ response, body });
  });
  await page.goto(url("/npm-demo.html"));
  await candorReady(page, "demoCandor");
  assert.equal(await action(page, "accept-all").textContent(), "Alle akzeptieren");
  assert.equal(await banner(page).getAttribute("lang"), "de");
  assert.deepEqual(requests.filter((p) => p.includes("/i18n/")), ["/npm/i18n/de.js"]);
});
