// The widget fits the page it lives on, and shows the shopper what it
// promises:
// - while no dialog is open, it never covers one of the page's links,
//   buttons or inputs, on any shop page, at any scroll position, at 320,
//   360 and 1280 px;
// - no text is clipped or overflows in the banner, the panel, the prompt
//   and "Why this?", at 320 and 360 px, in English, French, German and
//   Spanish, light and dark;
// - on a phone the panel's Save, Accept all and Reject all are in view
//   without scrolling;
// - screenshots of each state, for people to look at (not committed).
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { action, banner, screenshot, url, useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

const PAGES = ["/", "/product.html?id=ridge-tent", "/cart.html", "/deals.html", "/privacy.html"];
const WIDTHS = [320, 360, 1280];

/** The page's own controls the widget overlaps (it must be none). */
function coveredControls(page) {
  return page.evaluate(() => {
    const root = document.getElementById("candor")?.shadowRoot;
    if (!root) return [];
    const boxes = [...root.querySelectorAll("[data-slot]")]
      .filter((s) => !s.hidden)
      .flatMap((s) => [...s.querySelectorAll("*")].concat(s))
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ e, r }) => r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden" && getComputedStyle(e).pointerEvents !== "none")
      .map(({ r }) => r);
    const controls = document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"]');
    const hits = [];
    for (const c of controls) {
      if (c.closest("#candor")) continue;
      const r = c.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) continue;
      for (const w of boxes) {
        if (r.left < w.right && r.right > w.left && r.top < w.bottom && r.bottom > w.top) {
          hits.push(`${c.tagName.toLowerCase()} "${(c.textContent || c.getAttribute("aria-label") || "").trim().slice(0, 30)}"`);
          break;
        }
      }
    }
    return hits;
  });
}

for (const width of WIDTHS) {
  test(`at ${width} px, with no dialog open, the widget covers none of the page's links, buttons or inputs at any scroll position`, async () => {
    const { page } = await b.open({ viewport: { width, height: width < 600 ? 640 : 800 }, reducedMotion: "reduce" });
    await visit(page, "/");
    await page.evaluate(() => window.candor.rejectAll());
    for (const path of PAGES) {
      await visit(page, path);
      await page.locator('#candor [data-action="open"]').waitFor({ state: "attached" });
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      for (let y = 0; ; y += 120) {
        await page.evaluate((top) => window.scrollTo(0, top), Math.min(y, height));
        // The button tucks away in the frame after a scroll.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const hits = await coveredControls(page);
        assert.deepEqual(hits, [], `${path} scrolled to ${y}`);
        if (y >= height) break;
      }
    }
    assert.deepEqual(page.errors.map(String), []);
  });
}

/** Texts that are cut, overflow their box or leave the screen. */
function clipped(page) {
  return page.evaluate(() => {
    const root = document.getElementById("candor").shadowRoot;
    const out = [];
    for (const el of root.querySelectorAll("[data-slot] *")) {
      if (el.closest("[hidden]")) continue;
      const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
      if (!text) continue;
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      const name = `${el.tagName.toLowerCase()} "${text.slice(0, 30)}"`;
      if (el.scrollWidth > el.clientWidth + 1 && s.overflowX !== "visible") out.push(`${name}: cut across`);
      if (el.scrollHeight > el.clientHeight + 1 && s.overflowY === "hidden") out.push(`${name}: cut down`);
      // Text laid out wider than its box spills over its neighbours.
      const range = document.createRange();
      range.selectNodeContents(el);
      const t = range.getBoundingClientRect();
      if (t.right > r.right + 1 || t.left < r.left - 1) out.push(`${name}: overflows its box`);
      if (t.left < -1 || t.right > innerWidth + 1) out.push(`${name}: off the screen`);
    }
    return out;
  });
}

for (const width of [320, 360]) {
  for (const lang of ["en", "fr", "de", "es"]) {
    for (const scheme of ["light", "dark"]) {
      test(`at ${width} px in ${lang}, ${scheme}: no text is cut in the banner, the panel, the prompt or "Why this?"`, async () => {
        const { page } = await b.open({ viewport: { width, height: 640 }, colorScheme: scheme, reducedMotion: "reduce" });
        // The shop's page in `lang`, with a config that lets its colour
        // scheme follow the page's and the OS's.
        await page.route("**/candor.json", async (route) => {
          const response = await route.fetch();
          const config = await response.json();
          config.theme = { colorScheme: scheme };
          await route.fulfill({ response, body: JSON.stringify(config) });
        });
        await page.route("**/privacy.html", async (route) => {
          const response = await route.fetch();
          const body = (await response.text()).replace('<html lang="en">', `<html lang="${lang}">`);
          await route.fulfill({ response, body });
        });
        await visit(page, "/privacy.html");
        await banner(page).waitFor({ state: "visible" });
        assert.deepEqual(await clipped(page), [], "banner");
        await action(page, "customize").click();
        await page.locator('#candor [data-slot="panel"] [role="dialog"]').waitFor();
        assert.deepEqual(await clipped(page), [], "panel");
        // Save, Accept all and Reject all in view without scrolling.
        for (const name of ["save", "accept-all", "reject-all"]) {
          const box = await page.locator(`#candor [data-slot="panel"] [data-action="${name}"]`).boundingBox();
          assert.ok(box && box.y >= 0 && box.y + box.height <= 640, `${name} in view: ${JSON.stringify(box)}`);
        }
        await page.locator(`#candor [data-slot="panel"] [data-action="reject-all"]`).click();
        await page.evaluate(() => void window.candor.ask("email-deals"));
        await page.locator('#candor [data-slot="prompt"]').waitFor();
        assert.deepEqual(await clipped(page), [], "prompt");
        await page.keyboard.press("Escape");
        await page.evaluate(() => window.candor.why({ purpose: "email-deals", channel: "email" }));
        await page.locator('#candor [data-slot="why"]').waitFor();
        assert.deepEqual(await clipped(page), [], "why");
        assert.deepEqual(page.errors.map(String), []);
      });
    }
  }
}

test("screenshots of each state, desktop and phone, light and dark", async () => {
  for (const [name, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone-320", { width: 320, height: 640 }]]) {
    for (const scheme of ["light", "dark"]) {
      const { page } = await b.open({ viewport, colorScheme: scheme, reducedMotion: "reduce" });
      if (scheme === "dark") {
        await page.route("**/candor.json", async (route) => {
          const response = await route.fetch();
          const config = await response.json();
          // The shop's own theme, which gives a light accent only.
          config.theme = { ...config.theme, colorScheme: "dark" };
          await route.fulfill({ response, body: JSON.stringify(config) });
        });
      }
      const shot = (state) => screenshot(page, `ux-${name}-${scheme}-${state}`);
      await visit(page, "/");
      await banner(page).waitFor({ state: "visible" });
      // The shop's green carries into the dark scheme (lightened to stay
      // readable), rather than Candor's own blue.
      const [r, g, bl] = (await action(page, "accept-all").evaluate((el) => getComputedStyle(el).backgroundColor))
        .match(/\d+/g)
        .map(Number);
      assert.ok(g > r && g > bl, `${scheme}: Accept all is rgb(${r}, ${g}, ${bl}), not the shop's green`);
      await shot("1-banner");
      await action(page, "customize").click();
      await page.locator('#candor [data-slot="panel"] [role="dialog"]').waitFor();
      await shot("2-panel");
      await page.locator(`#candor [data-slot="panel"] [data-action="reject-all"]`).click();
      await page.evaluate(() => void window.candor.ask("email-deals"));
      await page.locator('#candor [data-slot="prompt"]').waitFor();
      await shot("3-prompt");
      await page.keyboard.press("Escape");
      await page.evaluate(() => window.candor.set("email-deals", true));
      await page.evaluate(() => window.candor.why({ purpose: "email-deals", channel: "email" }));
      await page.locator('#candor [data-slot="why"]').waitFor();
      await shot("4-why");
      await page.keyboard.press("Escape");
      await shot("5-closed-button");
      assert.deepEqual(page.errors.map(String), []);
      await page.context().close();
    }
  }
  assert.ok(url("/"));
});
