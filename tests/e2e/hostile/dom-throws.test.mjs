// Class 5, one DOM exception jams the widget: no state is held across a call
// into the DOM, a state transition completes before any DOM work, and a
// failed render never leaves the widget unusable.
//
// The list of methods is generated, not written down: every candidate DOM
// method and accessor that exists in this browser is wrapped before the
// widget loads (it may keep the built-ins it finds then); a probe counts
// their calls during each interaction (a click on Customize, Save, Accept
// all, a call to show()) and keeps the (method, moment) pairs the widget
// really used. Each method then throws once (its next call only) at one of its
// moments, picked with a seed (Element.prototype.remove at every moment).
// After that: the next choice, made through the panel with real clicks, is
// recorded (preferences(), and storage after a reload); decide() answers
// with a normal reason, not invalid-request; show() opens the panel; no
// uncaught error reaches the page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { action, panel, url, useBrowser } from "../lib/browser.mjs";
import { OPTIONAL, PAGE, SEED, assertNoPageError, assertPageWorks, clickAction, grants, realClick, rng, settle } from "./lib.mjs";

// Variants run two at a time: each closes its own context (no afterEach,
// which would close the other variant's too).
const b = useBrowser({ timeout: 30_000 });

// Candidates: "Owner.prototype.name" (a method) or "…name:get" / "…name:set"
// (an accessor). Those missing in this browser are dropped by the probe.
const CANDIDATES = [
  ...["remove", "setAttribute", "removeAttribute", "toggleAttribute", "hasAttribute", "getAttribute", "getAttributeNames", "append", "prepend", "after", "before", "replaceWith", "replaceChildren", "closest", "matches", "querySelector", "querySelectorAll", "getBoundingClientRect", "getClientRects", "attachShadow", "scrollIntoView", "insertAdjacentElement"].map((m) => `Element.prototype.${m}`),
  ...["showPopover", "hidePopover", "togglePopover", "focus", "blur", "click"].map((m) => `HTMLElement.prototype.${m}`),
  ...["appendChild", "removeChild", "insertBefore", "replaceChild", "contains", "cloneNode", "getRootNode"].map((m) => `Node.prototype.${m}`),
  "Node.prototype.textContent:set",
  "Node.prototype.isConnected:get",
  "Element.prototype.shadowRoot:get",
  "Element.prototype.className:set",
  "HTMLElement.prototype.hidden:set",
  "HTMLElement.prototype.inert:set",
  "HTMLInputElement.prototype.checked:get",
  "HTMLInputElement.prototype.checked:set",
  "HTMLInputElement.prototype.disabled:set",
  ...["createElement", "createTextNode", "getElementById", "elementFromPoint", "elementsFromPoint", "querySelector", "querySelectorAll"].map((m) => `Document.prototype.${m}`),
  "Document.prototype.activeElement:get",
  "ShadowRoot.prototype.activeElement:get",
  "ShadowRoot.prototype.elementFromPoint",
  "ShadowRoot.prototype.adoptedStyleSheets:set",
  ...["addEventListener", "removeEventListener", "dispatchEvent"].map((m) => `EventTarget.prototype.${m}`),
  "CSSStyleSheet.prototype.replaceSync",
  "window.getComputedStyle",
  "window.requestAnimationFrame",
  "MutationObserver.prototype.observe",
];

// In the page before anything else (a widget may keep the built-ins it
// finds at load): every candidate that exists is wrapped once with a
// counter and a trap. __hostile.counting turns the counter on;
// __hostile.arm(spec) makes that one throw on its next call only.
function hostileInit(list) {
  const resolve = (spec) => {
    const [path, kind] = spec.split(":");
    const parts = path.split(".");
    const name = parts.pop();
    const owner = parts.reduce((o, k) => (o ? o[k] : undefined), parts[0] === "window" ? { window } : window);
    const desc = owner && Object.getOwnPropertyDescriptor(owner, name);
    if (!desc) return null;
    if (kind === "get" && !desc.get) return null;
    if (kind === "set" && !desc.set) return null;
    if (!kind && typeof desc.value !== "function") return null;
    return { owner, name, desc, kind };
  };
  const h = (window.__hostile = { calls: {}, counting: false, fired: [], armed: null, present: [] });
  const trap = (spec) => {
    if (h.armed === spec) {
      h.armed = null;
      h.fired.push(spec);
      throw new Error(`hostile: ${spec} threw once`);
    }
    if (h.counting) h.calls[spec] = (h.calls[spec] || 0) + 1;
  };
  for (const spec of list) {
    const r = resolve(spec);
    if (!r) continue;
    h.present.push(spec);
    const { owner, name, desc, kind } = r;
    if (kind === "get") Object.defineProperty(owner, name, { ...desc, get() { trap(spec); return desc.get.call(this); } });
    else if (kind === "set") Object.defineProperty(owner, name, { ...desc, set(v) { trap(spec); desc.set.call(this, v); } });
    else {
      const f = desc.value;
      Object.defineProperty(owner, name, { ...desc, value: { [name](...a) { trap(spec); return f.apply(this, a); } }[name] });
    }
  }
  h.arm = (spec) => {
    if (!h.present.includes(spec)) return false;
    h.armed = spec;
    return true;
  };
  h.disarm = () => {
    h.armed = null;
  };
}

// The interactions, each from a page whose banner shows.
const MOMENTS = {
  "before Customize": { prepare: async () => {}, act: (page) => clickAction(page, "customize") },
  "before Save": {
    prepare: async (page) => {
      await clickAction(page, "customize");
      await realClick(page, page.locator('#candor input[data-purpose="analytics"]'));
    },
    act: (page) => clickAction(page, "save"),
  },
  "before Accept all": { prepare: async () => {}, act: (page) => clickAction(page, "accept-all") },
  "before show()": { prepare: async () => {}, act: (page) => page.evaluate(() => window.candor.show()) },
};

async function openPage() {
  const { context, page } = await b.open();
  await context.addInitScript(hostileInit, CANDIDATES);
  await page.goto(url(PAGE));
  assert.deepEqual(await settle(page), { ok: true });
  await action(page, "accept-all").waitFor({ state: "visible" });
  return { context, page };
}

/** Which candidates the widget calls at each moment: [[spec, moment], …]. */
async function probe() {
  const pairs = [];
  for (const [moment, { prepare, act }] of Object.entries(MOMENTS)) {
    const { page } = await openPage();
    const present = await page.evaluate(() => window.__hostile.present);
    await prepare(page);
    await page.evaluate(() => (window.__hostile.counting = true));
    await act(page);
    await page.waitForTimeout(200);
    const calls = await page.evaluate(() => {
      window.__hostile.counting = false;
      return window.__hostile.calls;
    });
    for (const spec of present) if (calls[spec]) pairs.push([spec, moment]);
    await page.context().close();
  }
  return pairs;
}

/** One method per variant at a seeded moment among those it is used at; Element.prototype.remove at all of its moments. */
function choose(pairs, seed) {
  const r = rng(seed);
  const bySpec = new Map();
  for (const [spec, moment] of pairs) bySpec.set(spec, [...(bySpec.get(spec) || []), moment]);
  const out = [];
  for (const [spec, moments] of bySpec) {
    if (spec === "Element.prototype.remove") for (const m of moments) out.push([spec, m]);
    else out.push([spec, r.pick(moments)]);
  }
  return out;
}

// The next choice: recommendations on, the rest off, through the panel.
const PATTERN = Object.fromEntries(OPTIONAL.map((id) => [id, id === "recommendations"]));

async function nextChoice(page) {
  if (!(await panel(page).isVisible())) {
    // Customize on the banner, or the "Privacy choices" button: one of them, within 2 s.
    const control = page.locator('#candor [data-action="customize"], #candor [data-action="open"]').first();
    const there = await control
      .waitFor({ state: "visible", timeout: 2000 })
      .then(() => true)
      .catch(() => false);
    if (!there) throw new Error("neither the banner's Customize nor the Privacy choices button is there");
    await realClick(page, control);
  }
  await panel(page).waitFor({ state: "visible", timeout: 3000 });
  for (const id of OPTIONAL) {
    const box = page.locator(`#candor input[data-purpose="${id}"]`);
    if ((await box.isChecked()) !== PATTERN[id]) await realClick(page, box);
  }
  await clickAction(page, "save");
}

async function variant(spec, moment) {
  const { context, page } = await openPage();
  try {
    return await check(page, spec, moment);
  } finally {
    await context.close();
  }
}

async function check(page, spec, moment) {
  const { prepare, act } = MOMENTS[moment];
  await prepare(page);
  assert.equal(await page.evaluate((s) => window.__hostile.arm(s), spec), true, `${spec} exists`);
  let threw = null;
  try {
    await act(page);
  } catch (e) {
    threw = e;
  }
  await page.waitForTimeout(200);
  const fired = await page.evaluate(() => {
    window.__hostile.disarm();
    return window.__hostile.fired.length > 0;
  });
  assert.equal(threw, null, `the interaction itself did not throw into the page: ${threw}`);
  await nextChoice(page);
  await page.waitForTimeout(100);
  assert.deepEqual(await grants(page), PATTERN, "the next choice is recorded (preferences())");
  const reason = await page.evaluate(() => window.candor.decide({ purpose: "analytics" }).reason);
  assert.equal(reason, "refused", "decide() answers with a normal reason");
  await page.evaluate(() => window.candor.show());
  await panel(page).waitFor({ state: "visible", timeout: 3000 });
  await page.evaluate(() => window.candor.hide());
  assertNoPageError(page);
  await page.reload();
  assert.deepEqual(await settle(page), { ok: true });
  assert.deepEqual(await grants(page), PATTERN, "the next choice is in storage after a reload");
  await assertPageWorks(page);
  assertNoPageError(page);
  return fired;
}

test(`each DOM method the widget uses throws once during an interaction (seed ${SEED}): the next choice is still recorded`, { concurrency: 2 }, async (t) => {
  const pairs = await probe();
  assert.ok(pairs.length > 10, `the probe saw the widget use DOM methods (${pairs.length} pairs)`);
  const variants = choose(pairs, SEED);
  const notFired = [];
  await Promise.all(
    variants.map(([spec, moment]) =>
      t.test(`${spec} throws once ${moment}`, async () => {
        const fired = await variant(spec, moment);
        if (!fired) notFired.push(`${spec} ${moment}`);
      }),
    ),
  );
  t.diagnostic(`${variants.length} variants from ${pairs.length} (method, moment) pairs; not called after arming: ${notFired.length ? notFired.join(", ") : "none"}`);
});
