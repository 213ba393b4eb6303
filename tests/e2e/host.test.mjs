// A hostile host page: global resets of button and input, a 4px
// !important font with wide letter spacing, right-to-left, shrunken and faded
// divs, and a full-screen fixed layer at z-index 2147483647 placed after
// Candor's element. The banner must stay visible, on top, readable and
// clickable. Candor's host is a manual popover in the top layer (above any
// z-index), and its :host rules are !important (inside a shadow tree those
// beat the page's !important). Under the strict CSP too, when
// CANDOR_CSP_BASE_URL is set.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { PHONE, action, banner, candorReady, url, useBrowser } from "./lib/browser.mjs";

// A loaded machine gets 30 s waits here.
const b = useBrowser({ timeout: 30_000 });

afterEach(() => b.closeAll());

const CSP_BASE_URL = process.env.CANDOR_CSP_BASE_URL?.replace(/\/$/, "");
const HOST = "/fixtures/hostile/host.html";

async function checkBanner(page) {
  await banner(page).waitFor({ state: "visible" });
  const report = await page.evaluate(() => {
    const host = document.getElementById("candor");
    const root = host.shadowRoot;
    const out = {};
    for (const name of ["accept-all", "reject-all", "customize"]) {
      const button = root.querySelector(`[data-action="${name}"]`);
      const r = button.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      const inner = root.elementFromPoint(x, y);
      const style = getComputedStyle(button);
      out[name] = {
        hit: hit && (hit.id || hit.className || hit.tagName),
        inner: inner === button || button.contains(inner),
        height: r.height,
        width: r.width,
        inViewport: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth,
        fontSize: parseFloat(style.fontSize),
        letterSpacing: style.letterSpacing,
        display: style.display,
        visibility: style.visibility,
      };
    }
    const dialog = root.querySelector('[role="dialog"]');
    out.dialog = { fontSize: parseFloat(getComputedStyle(dialog).fontSize), opacity: getComputedStyle(host).opacity, transform: getComputedStyle(host).transform };
    out.coverIsThere = getComputedStyle(document.querySelector("[data-cover]")).zIndex;
    return out;
  });
  assert.equal(report.coverIsThere, "2147483647", "the hostile cover is in place");
  for (const name of ["accept-all", "reject-all", "customize"]) {
    const r = report[name];
    assert.equal(r.hit, "candor", `${name}: the topmost element at its centre is Candor's host (${JSON.stringify(r)})`);
    assert.ok(r.inner, `${name}: inside the shadow root, the button itself is hit`);
    assert.ok(r.height >= 44, `${name}: ${r.height}px tall`);
    assert.ok(r.width >= 44, `${name}: ${r.width}px wide`);
    assert.ok(r.inViewport, `${name}: inside the viewport`);
    assert.ok(r.fontSize >= 14, `${name}: font-size ${r.fontSize}px`);
    assert.equal(r.letterSpacing, "normal", `${name}: letter-spacing`);
    assert.notEqual(r.display, "none");
    assert.equal(r.visibility, "visible");
  }
  assert.equal(report["accept-all"].height, report["reject-all"].height, "accept and reject stay the same size");
  assert.ok(report.dialog.fontSize >= 14, `banner text ${report.dialog.fontSize}px`);
  assert.equal(report.dialog.opacity, "1", "the host is not faded");
  assert.equal(report.dialog.transform, "none", "the host is not scaled");
  // A real click goes through (Playwright checks that the button receives it).
  await action(page, "reject-all").click({ timeout: 5_000 });
  await banner(page).waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => window.candor.allows("recommendations")), false);
  const open = action(page, "open");
  await open.waitFor({ state: "visible" });
  await open.click({ timeout: 5_000 });
  await page.locator('#candor [data-action="save"]').waitFor({ state: "visible" });
}

test("aggressive global CSS and a full-screen layer at z-index 2147483647 cannot hide, shrink or cover the banner", async () => {
  const { page } = await b.open();
  await page.goto(url(HOST));
  await candorReady(page);
  await checkBanner(page);
  assert.deepEqual(page.errors.map(String), []);
});

test("the same on a 360px phone", async () => {
  const { page } = await b.open({ viewport: PHONE });
  await page.goto(url(HOST));
  await candorReady(page);
  await checkBanner(page);
  assert.deepEqual(page.errors.map(String), []);
});

test("the same under the strict CSP, with no violation", { skip: !CSP_BASE_URL && "CANDOR_CSP_BASE_URL not set" }, async () => {
  const { context, page } = await b.open();
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(CSP_BASE_URL + HOST);
  await candorReady(page);
  await checkBanner(page);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  assert.deepEqual(page.errors.map(String), []);
});
