// The shop and the widget under a strict Content-Security-Policy:
//   default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'
// `cargo xtask test` serves it at CANDOR_CSP_BASE_URL; skipped without it.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { action, banner, candorReady, useBrowser } from "./lib/browser.mjs";

const CSP_BASE_URL = process.env.CANDOR_CSP_BASE_URL?.replace(/\/$/, "");
const b = useBrowser();
afterEach(() => b.closeAll());

const PAGES = ["/", "/product.html?id=ridge-tent", "/cart.html", "/deals.html", "/privacy.html"];

test("no CSP violations on any shop page, before and after a choice", { skip: !CSP_BASE_URL && "CANDOR_CSP_BASE_URL not set" }, async () => {
  const { context, page } = await b.open();
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const response = await page.goto(CSP_BASE_URL + "/");
  assert.match(response.headers()["content-security-policy"] || "", /script-src 'self' 'wasm-unsafe-eval'/, "the server sends the CSP");
  await candorReady(page);
  await banner(page).waitFor({ state: "visible" });
  await action(page, "accept-all").click();

  for (const path of PAGES) {
    await page.goto(CSP_BASE_URL + path);
    await candorReady(page);
    await page.locator("[data-analytics-state='on']").waitFor(); // shop JS ran and injected analytics
    const violations = await page.evaluate(() => window.__cspViolations);
    assert.deepEqual(violations, [], `${path}: ${violations.join("; ")}`);
  }
  assert.deepEqual(page.errors.map(String), []);
});
