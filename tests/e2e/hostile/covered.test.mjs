// Class 8, the page can cover Reject all: while a choice is pending the
// widget notices (toggle events, a MutationObserver on its host) and puts
// itself back on top within 1 s; a click on a control while it is covered
// never records.
//
// Attacks, alone and in seeded combinations: (a) the page's own
// popover="manual" shown later over the banner; (b) hidePopover() on the
// #candor host, then a full-screen overlay; (c) the host re-appended
// elsewhere (into a hidden div, or at the start of <body> with an overlay
// after it). Then:
//   - a real click at Accept all's place while the hit test there says
//     "covered" records nothing (if it records, the widget must have been
//     back on top when it landed);
//   - within 1 s of the attack, document.elementFromPoint at the centre of
//     Reject all is #candor and its shadow root's elementFromPoint is the
//     button (polled in the page, from the moment of the attack);
//   - a real click on Reject all then records the refusal.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { action, url, useBrowser } from "../lib/browser.mjs";
import { OPTIONAL, PAGE, SEED, assertNoPageError, assertNothingAllowed, assertPageWorks, centre, clickAction, grants, rng, settle } from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

const COVER_CSS = `
.hostile-cover { position: fixed; inset: 0; width: 100vw; height: 100vh; max-width: none; max-height: none;
  margin: 0; padding: 0; border: 0; background: #fff; z-index: 2147483647; }
.hostile-hidden { display: none; }`;

// Each runs in the page and returns nothing; the widget has to undo it.
const ATTACKS = {
  "the page's own popover shown over the banner": () => {
    const p = document.createElement("div");
    p.className = "hostile-cover";
    p.setAttribute("popover", "manual");
    p.textContent = "The page's own popover";
    document.body.append(p);
    p.showPopover();
  },
  "hidePopover() on the host, then a full-screen overlay": () => {
    const host = document.getElementById("candor");
    if (host.matches(":popover-open")) host.hidePopover();
    const o = document.createElement("div");
    o.className = "hostile-cover";
    document.body.append(o);
  },
  "the host re-appended into a hidden div": () => {
    const d = document.createElement("div");
    d.className = "hostile-hidden";
    document.body.append(d);
    d.append(document.getElementById("candor"));
  },
  "the host re-appended at the start of <body>, an overlay after it": () => {
    document.body.prepend(document.getElementById("candor"));
    const o = document.createElement("div");
    o.className = "hostile-cover";
    document.body.append(o);
  },
};

function cases(seed) {
  const names = Object.keys(ATTACKS);
  const r = rng(seed);
  const combos = Array.from({ length: 3 }, () => r.shuffle(names).slice(0, 2));
  return [...names.map((n) => [n]), ...combos];
}

/** Whether the point (x, y) hits #candor and, inside it, the element matching `selector`. */
function hits(page, x, y, selector) {
  return page.evaluate(
    ([x, y, selector]) => {
      const host = document.getElementById("candor");
      const top = document.elementFromPoint(x, y);
      const inner = top === host && host.shadowRoot ? host.shadowRoot.elementFromPoint(x, y) : null;
      return Boolean(inner && inner.closest(selector));
    },
    [x, y, selector],
  );
}

for (const names of cases(SEED)) {
  test(`covered: ${names.join(" + ")}${names.length > 1 ? ` (seed ${SEED})` : ""}: back on top within 1 s, a covered click never records`, async () => {
    const { page } = await b.open();
    await page.goto(url(PAGE));
    assert.deepEqual(await settle(page), { ok: true });
    await page.addStyleTag({ content: COVER_CSS });
    await action(page, "reject-all").waitFor({ state: "visible" });
    const accept = await centre(action(page, "accept-all"));
    const before = JSON.stringify(await page.evaluate(() => window.candor.preferences().purposes));
    // The attack, and the clock for "within 1 s" started in the page.
    await page.evaluate((sources) => {
      for (const s of sources) (0, eval)(`(${s})`)();
      window.__coveredAt = performance.now();
    }, names.map((n) => String(ATTACKS[n])));
    // A real click where Accept all was, if the page covers it now.
    if (!(await hits(page, accept.x, accept.y, '[data-action="accept-all"]'))) {
      await page.mouse.click(accept.x, accept.y);
      const onTopAfter = await hits(page, accept.x, accept.y, '[data-action="accept-all"]');
      const recorded = JSON.stringify(await page.evaluate(() => window.candor.preferences().purposes)) !== before;
      if (recorded) {
        // Only if the widget was back on top by the time the click landed.
        assert.ok(onTopAfter, "a click while covered recorded a choice");
        assert.equal(await page.evaluate(() => window.candor.allows("analytics")), true, "the click on the uncovered Accept all counted");
        assertNoPageError(page);
        return;
      }
      await assertNothingAllowed(page, "after a click on the covered banner");
    }
    // Back on top within 1 s of the attack: polled in the page.
    const back = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const tick = () => {
            const host = document.getElementById("candor");
            const button = host && host.shadowRoot && host.shadowRoot.querySelector('[data-action="reject-all"]');
            const elapsed = performance.now() - window.__coveredAt;
            if (button) {
              const r = button.getBoundingClientRect();
              const x = r.x + r.width / 2;
              const y = r.y + r.height / 2;
              if (r.width > 0 && r.height > 0 && document.elementFromPoint(x, y) === host) {
                const inner = host.shadowRoot.elementFromPoint(x, y);
                if (inner && (inner === button || button.contains(inner))) return resolve({ ok: true, elapsed: Math.round(elapsed) });
              }
            }
            if (elapsed > 1000) {
              const top = button && document.elementFromPoint(button.getBoundingClientRect().x + 5, button.getBoundingClientRect().y + 5);
              return resolve({ ok: false, top: top ? `${top.tagName.toLowerCase()}${top.id ? "#" + top.id : ""}.${top.className}` : "(no button box)" });
            }
            requestAnimationFrame(tick);
          };
          tick();
        }),
    );
    assert.ok(back.ok, `Reject all is topmost within 1 s of the attack (at its centre: ${back.top})`);
    await clickAction(page, "reject-all");
    await page.waitForTimeout(100);
    assert.deepEqual(await grants(page), Object.fromEntries(OPTIONAL.map((id) => [id, false])), "Reject all recorded");
    assert.equal(await page.evaluate(() => window.candor.decide({ purpose: "analytics" }).reason), "refused", "the refusal is a choice");
    await page.evaluate(() => {
      for (const el of document.querySelectorAll(".hostile-cover")) el.remove();
    });
    await assertPageWorks(page);
    assertNoPageError(page);
  });
}
