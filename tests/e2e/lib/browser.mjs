// Shared helpers for the end-to-end tests: Debian's Chromium through
// playwright-core (never a downloaded browser), a fresh context per test, and
// handles on the Candor dialog inside its open shadow root.
import { after, before } from "node:test";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const BASE_URL = (process.env.CANDOR_BASE_URL || "http://127.0.0.1:8080").replace(/\/$/, "");
export const HERE = dirname(dirname(fileURLToPath(import.meta.url)));
export const SCREENSHOT_DIR = join(HERE, "artifacts", "screenshots");
export const AXE_PATH = join(HERE, "node_modules", "axe-core", "axe.min.js");

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
}

/**
 * One browser per test file, a fresh context per test:
 *   const b = useBrowser();  ...  const { context, page } = await b.open();
 * Contexts opened by a test are closed by `b.closeAll()` in an afterEach, or
 * at the end of the file.
 */
/** Collects the uncaught errors of `page` in `page.errors`. */
export function tracked(page) {
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e));
  return page;
}

/**
 * `timeout`: Playwright's default wait in this file's contexts (10 s; the
 * files that drive many tabs or hostile pages give a loaded machine 30 s).
 */
export function useBrowser({ timeout = 10_000 } = {}) {
  let browser;
  const contexts = new Set();
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      return browser;
    },
    /** A fresh context (own storage) and page; `options` go to `newContext`. */
    async open(options = {}) {
      const context = await browser.newContext({ viewport: DESKTOP, ...options });
      context.setDefaultTimeout(timeout);
      contexts.add(context);
      const page = tracked(await context.newPage());
      return { context, page };
    },
    async closeAll() {
      for (const c of contexts) await c.close().catch(() => {});
      contexts.clear();
    },
  };
}

export function url(path) {
  return BASE_URL + path;
}

/** Loads a page and waits until `window.candor` exists and its `ready` has resolved. */
export async function visit(page, path) {
  await page.goto(url(path));
  await candorReady(page);
}

export async function candorReady(page, global = "candor") {
  await page.waitForFunction((g) => Boolean(window[g] && window[g].ready), global);
  await page.evaluate(
    (g) =>
      Promise.race([
        window[g].ready.then(() => true),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`${g}.ready did not settle within 10 s`)), 10_000)),
      ]),
    global,
  );
}

// ------------------------------------------------------------ dialog handles
// Playwright's CSS engine pierces open shadow roots, so these reach inside
// `<div id="candor">`'s shadow tree.

export function action(page, name) {
  return page.locator(`#candor [data-action="${name}"]`);
}

/** The first-layer banner: the dialog holding "Accept all". */
export function banner(page) {
  return page.locator('#candor [role="dialog"]').filter({ has: page.locator('[data-action="accept-all"]') });
}

/** The preferences panel: the dialog holding "Save". */
export function panel(page) {
  return page.locator('#candor [role="dialog"]').filter({ has: page.locator('[data-action="save"]') });
}

export function purposeBox(page, purpose) {
  return page.locator(`#candor input[type="checkbox"][data-purpose="${purpose}"]`);
}

/** What has keyboard focus, looking through shadow roots. */
export function focused(page) {
  return page.evaluate(() => {
    let node = document.activeElement;
    let inCandor = false;
    while (node && node.shadowRoot && node.shadowRoot.activeElement) {
      if (node.id === "candor") inCandor = true;
      node = node.shadowRoot.activeElement;
    }
    if (!node) return null;
    const root = document.getElementById("candor")?.shadowRoot;
    const dialogs = root ? [...root.querySelectorAll('[role="dialog"]')] : [];
    const dialog = dialogs.find((d) => d.contains(node));
    return {
      tag: node.tagName.toLowerCase(),
      action: node.dataset?.action || null,
      purpose: node.dataset?.purpose || null,
      text: (node.textContent || "").trim().slice(0, 60),
      inCandor,
      inPanel: Boolean(dialog && dialog.querySelector('[data-action="save"]')),
      inBanner: Boolean(dialog && dialog.querySelector('[data-action="accept-all"]')),
    };
  });
}

/** Presses Tab (or Shift+Tab) until `predicate(focused)` holds; returns the focused description. */
export async function tabUntil(page, predicate, { max = 80, shift = false } = {}) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(shift ? "Shift+Tab" : "Tab");
    const f = await focused(page);
    if (f && predicate(f)) return f;
  }
  throw new Error(`focus never reached the target after ${max} presses of ${shift ? "Shift+Tab" : "Tab"}`);
}

export async function screenshot(page, name, options = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, ...options });
  return path;
}

/** Runs axe-core (from npm) in the page on `context`; returns its violations. */
export async function axe(page, context) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (ctx) => {
    const result = await window.axe.run(ctx, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
    }));
  }, context);
}

// How many elements inside a shadow root axe checked and found fine (its
// "passes" targets through a shadow root are nested arrays): proves a clean
// run looked inside the widget instead of stopping at the host.
export async function axeShadowChecks(page, context) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (ctx) => {
    const result = await window.axe.run(ctx, { resultTypes: ["passes"] });
    return result.passes.flatMap((p) => p.nodes).filter((n) => Array.isArray(n.target[0])).length;
  }, context);
}

export function formatViolations(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.summary}`).join("\n")}`)
    .join("\n");
}
