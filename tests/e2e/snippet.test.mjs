// The README's embed snippet and the demo shop's are the same, and it keeps
// the shop working without personalization when Candor cannot start: with
// candor.js missing (the time limit), with the wasm blocked (ready rejects),
// and with a config that does not validate.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { HERE, url, useBrowser } from "./lib/browser.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

const ROOT = join(HERE, "..", "..");
const FALLBACK = "[shop] Candor is not ready; the shop goes on without personalization.";

/** The text of `function candorReady(…) { … }` in `source`, up to its closing brace. */
function candorReadyIn(source) {
  const start = source.indexOf("function candorReady(");
  assert.ok(start >= 0, "a candorReady function");
  const end = source.indexOf("\n}\n", start);
  return source.slice(start, end + 2);
}

test("the README's snippet is the demo shop's, word for word", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const shop = readFileSync(join(ROOT, "www", "js", "shop.js"), "utf8");
  assert.equal(candorReadyIn(readme), candorReadyIn(shop));
  assert.match(readme, /const candor = await candorReady\(\);/);
  assert.match(shop, /candorReady\(\)\.then\(/);
});

for (const [name, fault, within] of [
  ["candor.js missing (404)", (page) => page.route("**/candor/candor.js", (r) => r.fulfill({ status: 404, body: "" })), 9_000],
  ["the wasm blocked", (page) => page.route("**/candor/candor_web_bg.wasm", (r) => r.abort("blockedbyclient")), 4_000],
  ["a config that does not validate", (page) => page.route("**/candor.json", (r) => r.fulfill({ status: 200, contentType: "application/json", body: '{"revision":1}' })), 4_000],
]) {
  test(`${name}: the shop goes on without personalization`, async () => {
    const { page } = await b.open();
    const messages = [];
    page.on("console", (m) => messages.push(m.text()));
    await fault(page);
    const started = Date.now();
    await page.goto(url("/"));
    // The page's own content is there at once, personalization or not.
    await page.locator("#bestsellers [data-bestsellers-list] > *").first().waitFor({ state: "visible" });
    while (!messages.includes(FALLBACK) && Date.now() - started < within) await new Promise((r) => setTimeout(r, 100));
    assert.ok(messages.includes(FALLBACK), `the shop says it goes on without personalization within ${within / 1000} s: ${JSON.stringify(messages)}`);
    assert.equal(await page.locator("#recommended").isHidden(), true, "no recommendations");
    assert.equal(await page.locator("#bestsellers").isVisible(), true, "the bestsellers row for everybody");
    assert.deepEqual(page.errors.map(String), [], "no page error");
  });
}
