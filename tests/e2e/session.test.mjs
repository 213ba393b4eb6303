// A session-scoped grant ends with the browser session.
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

  // Rule 10: a session grant from an earlier session is "expired" (the shopper
  // did choose, so no banner); persistent choices are still honoured.
  await action(next.page, "open").waitFor({ state: "visible", timeout: 3_000 }).catch(() => {});
  const after = await next.page.evaluate(() => ({
    offers: window.candor.decide({ purpose: "session-offers", signals: ["cart"] }).reason,
    recommendations: window.candor.allows("recommendations"),
    email: window.candor.allows("email-deals"),
  }));
  after.banner = await banner(next.page).isVisible();
  assert.deepEqual(after, { offers: "expired", recommendations: true, email: true, banner: false });
  await action(next.page, "open").waitFor({ state: "visible" });
});

test("after Reject all, the cart invitation turns on offers for this visit only", async (t) => {
  const { page } = await b.open();
  await visit(page, "/product.html?id=summit-pack");
  await action(page, "reject-all").click();
  await page.locator("[data-add-to-cart]").click();
  const invitation = page.locator("[data-invitation]");
  await invitation.waitFor({ state: "visible" });
  assert.equal(await invitation.getAttribute("data-reason"), "refused");
  assert.equal(await page.locator("[data-offer]").count(), 0);

  // The widget's own ask() prompt (its buttons are not in the contract:
  // `ask-yes` / `ask-no` today), or the shop's inline Yes / No without one.
  await page.locator("[data-invite]").click();
  const widgetYes = page.locator('#candor [data-action="ask-yes"]');
  const inlineYes = page.locator("[data-invite-yes]");
  await page.waitForFunction(() => {
    const widget = document.getElementById("candor")?.shadowRoot?.querySelector('[data-action="ask-yes"]');
    const inline = document.querySelector("[data-invite-yes]");
    return Boolean(widget?.checkVisibility() || inline?.checkVisibility());
  });
  let method;
  if (await widgetYes.isVisible()) {
    t.diagnostic("answered through the widget's ask() prompt");
    await widgetYes.click();
    method = "ask";
  } else {
    // "No thanks" changes nothing; "Yes" records an explicit choice.
    await page.locator("[data-invite-no]").click();
    await page.locator("[data-invite]").waitFor({ state: "visible" });
    assert.equal(await page.evaluate(() => window.candor.allows("session-offers")), false);
    await page.locator("[data-invite]").click();
    await inlineYes.click();
    method = "api";
  }
  await page.locator('[data-offer="trail-headlamp"]').waitFor({ state: "visible" });
  const choice = await page.evaluate(() => window.candor.preferences().purposes["session-offers"]);
  assert.equal(choice.granted, true);
  assert.equal(choice.method, method);
  assert.equal(choice.duration, "session");
  assert.equal(await page.evaluate(() => window.candor.allows("recommendations")), false, "only this purpose changed");

  // Taking the offer puts the headlamp in the cart at 15% off.
  await page.locator("[data-offer-add]").click();
  await page.locator(".offer-done").waitFor();
  const line = await page.evaluate(() => JSON.parse(localStorage.getItem("shop.cart")).find((l) => l.id === "trail-headlamp"));
  assert.deepEqual(line, { id: "trail-headlamp", qty: 1, discount: 15 });
});
