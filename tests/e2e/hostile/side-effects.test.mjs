// Class 3, one failing side effect freezes the state: a change is committed
// first (state, storage, allows()), then every consumer (events, on("change")
// callbacks, gated scripts, Consent Mode, cookie clearing, the UI) runs on
// its own, so one failure blocks nothing else.
//
// Trusted Types: on a page served with `require-trusted-types-for 'script';
// trusted-types candor`, Accept all runs the gated script once through
// Candor's policy "candor"; withdrawing (the "Privacy choices" panel, or
// candor.rejectAll()) makes allows('analytics') false at once, fires
// candor:change, and raises no page error. With a CSP whose trusted-types
// does not allow "candor", the gated script is skipped with a "Candor:"
// warning and everything else works.
//
// Generic faults, alone and all together: a candor:change listener that
// throws, an on("change") callback that throws, window.dataLayer.push
// throwing (the shop's config has googleConsentMode), the document.cookie
// setter throwing. After a withdrawal the change is committed (allows(),
// preferences(), storage after a reload) and every other consumer ran.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { action, panel, url, useBrowser } from "../lib/browser.mjs";
import {
  OPTIONAL,
  assertAllowed,
  assertNoPageError,
  assertNothingAllowed,
  assertPageWorks,
  candorMessages,
  clickAction,
  grants,
  logged,
  pageHtml,
  realClick,
  routeConfig,
  routePage,
  settle,
  shopConfig,
} from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

const GATED = '<script type="text/plain" data-candor-purpose="analytics" data-src="/fixtures/gated-run.js"></script>';
const ROUTED = "/fixtures/hostile/side-effects.html";
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:";

/** Counters the page keeps: candor:change events and on("change") calls, registered after any throwing one. */
async function countChanges(page) {
  await page.evaluate(() => {
    window.__events = 0;
    window.__callbacks = 0;
    addEventListener("candor:change", () => (window.__events += 1));
    window.candor.on("change", () => (window.__callbacks += 1));
  });
}
const counts = (page) => page.evaluate(() => ({ events: window.__events, callbacks: window.__callbacks, gated: window.gatedRuns || 0 }));

/** Withdraw everything: through the "Privacy choices" panel (untick all, Save) or the API. */
async function withdraw(page, how) {
  if (how === "api") {
    await page.evaluate(() => window.candor.rejectAll());
    return;
  }
  await clickAction(page, "open");
  await panel(page).waitFor({ state: "visible" });
  for (const id of OPTIONAL) {
    const box = page.locator(`#candor input[data-purpose="${id}"]`);
    if (await box.isChecked()) await realClick(page, box);
  }
  await clickAction(page, "save");
}

describe("Trusted Types", () => {
  for (const how of ["panel", "api"]) {
    test(`trusted-types candor: Accept all runs the gated script once; withdrawing (${how}) takes effect at once, fires candor:change, no page error`, async () => {
      const { page } = await b.open();
      logged(page);
      await routePage(page, ROUTED, pageHtml({ body: GATED }), { "content-security-policy": `${CSP}; require-trusted-types-for 'script'; trusted-types candor` });
      await page.goto(url(ROUTED));
      assert.deepEqual(await settle(page), { ok: true });
      await countChanges(page);
      await clickAction(page, "accept-all");
      await assertAllowed(page, "after Accept all");
      await page.waitForFunction(() => window.gatedRuns === 1, null, { timeout: 5000 }).catch(() => {});
      assert.equal((await counts(page)).gated, 1, "the gated script ran once, through Candor's Trusted Types policy");
      assertNoPageError(page);
      // The next page load: the grant is there from the start.
      await page.reload();
      assert.deepEqual(await settle(page), { ok: true });
      await countChanges(page);
      await assertAllowed(page, "after a reload");
      await page.waitForFunction(() => window.gatedRuns === 1, null, { timeout: 5000 }).catch(() => {});
      assert.equal((await counts(page)).gated, 1, "the gated script ran once on this page too");
      assertNoPageError(page);
      const before = await counts(page);
      await withdraw(page, how);
      await assertNothingAllowed(page, "right after the withdrawal");
      const after = await counts(page);
      assert.ok(after.events > before.events, "candor:change fired for the withdrawal");
      assert.ok(after.callbacks > before.callbacks, "on('change') was called for the withdrawal");
      assert.equal(after.gated, 1, "the gated script never ran twice");
      assertNoPageError(page);
      await page.reload();
      assert.deepEqual(await settle(page), { ok: true });
      await assertNothingAllowed(page, "after a reload");
      assert.equal((await counts(page)).gated, 0, "the gated script does not run after the withdrawal");
      await assertPageWorks(page);
      assertNoPageError(page);
    });
  }

  test("trusted-types without candor: the gated script is skipped with a warning, everything else works", async () => {
    const { page } = await b.open();
    logged(page);
    await routePage(page, ROUTED, pageHtml({ body: GATED }), { "content-security-policy": `${CSP}; require-trusted-types-for 'script'; trusted-types shop-only` });
    await page.goto(url(ROUTED));
    assert.deepEqual(await settle(page), { ok: true });
    await countChanges(page);
    const warned = candorMessages(page).length;
    await clickAction(page, "accept-all");
    await assertAllowed(page, "after Accept all");
    await page.waitForTimeout(300);
    assert.equal((await counts(page)).gated, 0, "the gated script is skipped");
    assert.ok(candorMessages(page).length > warned, 'a "Candor:" warning says why');
    assertNoPageError(page);
    await page.evaluate(() => window.candor.rejectAll());
    await assertNothingAllowed(page, "after rejectAll()");
    assert.ok((await counts(page)).events >= 2, "candor:change fired for both changes");
    await page.reload();
    assert.deepEqual(await settle(page), { ok: true });
    await assertNothingAllowed(page, "after a reload");
    await assertPageWorks(page);
    assertNoPageError(page);
  });
});

// ---------------------------------------------------------- generic faults

const FAULTS = {
  "a candor:change listener that throws": {
    init: () => addEventListener("candor:change", () => {
      throw new Error("hostile: the page's own candor:change listener");
    }),
  },
  "an on('change') callback that throws": {
    ready: () =>
      window.candor.on("change", () => {
        throw new Error("hostile: the page's own on('change') callback");
      }),
  },
  "window.dataLayer.push throwing": {
    init: () => {
      window.dataLayer = [];
      window.__pushes = [];
      window.dataLayer.push = function (...a) {
        window.__pushes.push(a);
        throw new Error("hostile: dataLayer.push");
      };
    },
  },
  "the document.cookie setter throwing": {
    init: () => {
      const d = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
      Object.defineProperty(Document.prototype, "cookie", {
        configurable: true,
        get() {
          return d.get.call(this);
        },
        set() {
          throw new Error("hostile: document.cookie");
        },
      });
    },
  },
};
const ALLOWED_ERRORS = /hostile: the page's own candor:change listener/;

function faultCases() {
  const names = Object.keys(FAULTS);
  const out = names.map((n, i) => [[n], i % 2 ? "api" : "panel"]);
  out.push([names, "panel"], [names, "api"]);
  return out;
}

describe("one failing consumer blocks nothing else", () => {
  for (const [names, how] of faultCases()) {
    test(`${names.join(" + ")}; withdrawal through ${how === "api" ? "rejectAll()" : "the panel"}: committed, every other consumer runs`, async () => {
      const { context, page } = await b.open();
      logged(page);
      const faults = names.map((n) => FAULTS[n]);
      for (const f of faults) if (f.init) await context.addInitScript(f.init);
      // The shop's config (googleConsentMode) with analytics cookies to clear.
      await routeConfig(
        page,
        await shopConfig((c) => {
          c.purposes.find((p) => p.id === "analytics").cookies = ["_ga", "_ga_*"];
        }),
      );
      await routePage(page, ROUTED, pageHtml({ body: GATED }));
      await page.goto(url(ROUTED));
      assert.deepEqual(await settle(page), { ok: true });
      for (const f of faults) if (f.ready) await page.evaluate(f.ready);
      await countChanges(page);
      await clickAction(page, "accept-all");
      await assertAllowed(page, "after Accept all");
      await page.waitForFunction(() => window.gatedRuns === 1, null, { timeout: 5000 }).catch(() => {});
      assert.equal((await counts(page)).gated, 1, "the gated script ran once");
      await context.addCookies([{ name: "_ga", value: "GA1.1", url: url("/") }]);
      const before = await counts(page);
      const layer = await page.evaluate(() => (window.dataLayer || []).length);
      await withdraw(page, how);
      await assertNothingAllowed(page, "right after the withdrawal");
      assert.deepEqual(Object.values(await grants(page)).filter(Boolean), [], "preferences() shows the withdrawal");
      const after = await counts(page);
      assert.ok(after.events > before.events, "the other candor:change listener ran");
      assert.ok(after.callbacks > before.callbacks, "the other on('change') callback ran");
      if (!names.includes("window.dataLayer.push throwing")) {
        const update = await page.evaluate((n) => (window.dataLayer || []).slice(n).some((e) => e[0] === "consent" && e[1] === "update" && e[2] && e[2].analytics_storage === "denied"), layer);
        assert.ok(update, "Consent Mode got its update");
      } else {
        assert.ok(await page.evaluate(() => window.__pushes.some((a) => a[0] && a[0][1] === "update")), "Consent Mode tried its update");
      }
      if (!names.includes("the document.cookie setter throwing")) {
        const jar = await context.cookies(url("/"));
        assert.ok(!jar.some((c) => c.name === "_ga"), "the analytics cookie was deleted");
      }
      assertNoPageError(page, ALLOWED_ERRORS);
      await page.reload();
      assert.deepEqual(await settle(page), { ok: true });
      for (const f of faults) if (f.ready) await page.evaluate(f.ready);
      await assertNothingAllowed(page, "after a reload");
      assert.deepEqual(Object.values(await grants(page)).filter(Boolean), [], "the stored record holds the withdrawal");
      await action(page, "open").waitFor({ state: "visible" });
      await assertPageWorks(page);
      assertNoPageError(page, ALLOWED_ERRORS);
    });
  }
});
