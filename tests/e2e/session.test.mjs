// Issue 4 "Show": a session-scoped grant ends with the browser session.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { action, banner, useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser();
afterEach(() => b.closeAll());

test("the visit offer ends with the browser session while persistent choices stay", async () => {
  const { context, page } = await b.open();
  await visit(page, "/product.html?id=ridge-tent");
  await banner(page).waitFor({ state: "visible" });

  // Before any choice: the cart is essential, the offer is not shown.
  await page.locator("[data-add-to-cart]").click();
  await page.locator("[data-invitation]").waitFor({ state: "visible" });
  assert.equal(await page.locator("[data-offer]").count(), 0);

  await action(page, "accept-all").click();
  const offer = page.locator('[data-offer="trail-headlamp"]');
  await offer.waitFor({ state: "visible" });
  assert.match(await offer.textContent(), /Add a headlamp for 15% off/);
  assert.equal(await page.locator("[data-invitation]").count(), 0);

  // The cart page shows it too (a second onsite message).
  await visit(page, "/cart.html");
  await page.locator('[data-offer="trail-headlamp"]').waitFor({ state: "visible" });

  // "Close the browser": keep what a browser keeps across a restart
  // (localStorage, persistent cookies), drop sessionStorage and session cookies.
  const state = await context.storageState();
  state.cookies = state.cookies.filter((c) => c.expires !== -1);
  const next = await b.open({ storageState: state });
  await visit(next.page, "/cart.html");
  await next.page.locator("[data-invitation]").waitFor({ state: "visible" });
  assert.equal(await next.page.locator("[data-offer]").count(), 0, "no offer in the new session");
  assert.match(await next.page.locator("[data-invitation]").textContent(), /Want offers based on your cart during this visit\?/);
  assert.equal(await next.page.locator("[data-cart-count]").first().textContent(), "1", "the essential cart survived");

  const decisions = await next.page.evaluate(() => ({
    offers: window.candor.decide({ purpose: "session-offers", signals: ["cart"] }),
    recommendations: window.candor.allows("recommendations"),
    email: window.candor.allows("email-deals"),
  }));
  assert.equal(decisions.offers.allowed, false);
  assert.equal(decisions.offers.reason, "expired");
  assert.equal(decisions.recommendations, true, "persistent choices are still honoured");
  assert.equal(decisions.email, true);
  assert.equal(await banner(next.page).isVisible(), false, "no banner: the shopper already chose");
  await action(next.page, "open").waitFor({ state: "visible" });

  // The contextual invitation grants the purpose again for this visit.
  const hasAsk = await next.page.evaluate(() => typeof window.candor.ask === "function");
  if (!hasAsk) {
    await next.page.locator("[data-invite]").click();
    await next.page.locator("[data-invite-yes]").click();
    await next.page.locator('[data-offer="trail-headlamp"]').waitFor({ state: "visible" });
    assert.equal(await next.page.evaluate(() => window.candor.preferences().purposes["session-offers"].method), "api");
  }
});
