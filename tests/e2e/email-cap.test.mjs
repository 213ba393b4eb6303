// The email frequency cap stops the third send in a week,
// and the page shows why; the requests Candor refuses whatever the site wants.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { action, banner, useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser();
afterEach(() => b.closeAll());

test("deals by email: two sends go out, the third is blocked by the cap with its reason", async () => {
  const { page } = await b.open();
  await visit(page, "/deals.html");
  await banner(page).waitFor({ state: "visible" });
  await action(page, "reject-all").click();

  const send = page.locator("[data-simulate-send]");
  const entries = page.locator("[data-send-log] > li");

  // Refused on the banner: nothing is sent.
  await send.click();
  await entries.nth(0).waitFor();
  assert.equal(await entries.nth(0).getAttribute("data-outcome"), "blocked");
  assert.equal(await entries.nth(0).getAttribute("data-reason"), "refused");

  // Signing up is an explicit opt-in to "email-deals".
  await page.locator("#signup-email").fill("shopper@example.com");
  await page.getByRole("button", { name: "Send me deals" }).click();
  await page.locator("[data-signup-on]").waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => window.candor.allows("email-deals")), true);

  for (let i = 0; i < 3; i += 1) await send.click();
  await page.waitForFunction(() => document.querySelectorAll("[data-send-log] > li").length === 4);
  // Newest first.
  const outcomes = await entries.evaluateAll((lis) => lis.map((li) => [li.dataset.outcome, li.dataset.reason]));
  assert.deepEqual(outcomes.slice(0, 3).reverse(), [
    ["sent", "granted"],
    ["sent", "granted"],
    ["blocked", "frequency-cap"],
  ]);

  const blocked = entries.nth(0);
  assert.match(await blocked.locator("[data-explanation]").textContent(), /2 messages/);
  const retry = blocked.locator("[data-retry-after]");
  const retryAfter = Number(await retry.getAttribute("data-retry-after"));
  const days = (retryAfter - Date.now()) / 86_400_000;
  assert.ok(days > 6.9 && days <= 7.01, `retryAfter about 7 days away, got ${days}`);
  assert.match(await retry.textContent(), /Next email possible: \w+day, \d{1,2} \w+ \d{4}/);

  const cap = await page.evaluate(() => window.candor.decide({ purpose: "email-deals", channel: "email", signals: ["browsing"] }));
  assert.equal(cap.reason, "frequency-cap");
});

test("what Candor won't do: age and health targeting are refused with their reason", async () => {
  const { page } = await b.open();
  await visit(page, "/deals.html");
  await banner(page).waitFor({ state: "visible" });
  await action(page, "accept-all").click(); // even with everything accepted

  await page.locator('[data-wont="age"]').click();
  const age = page.locator('[data-wont-result="age"]');
  await age.locator("[data-reason]").waitFor();
  assert.equal(await age.locator("[data-reason]").textContent(), "demographic-signal");
  assert.match(await age.textContent(), /Refused/);
  assert.ok((await age.locator(".wont-explanation").textContent()).trim().length > 10, "an explanation is shown");

  await page.locator('[data-wont="health"]').click();
  const health = page.locator('[data-wont-result="health"]');
  await health.locator("[data-reason]").waitFor();
  assert.equal(await health.locator("[data-reason]").textContent(), "sensitive-signal");
});
