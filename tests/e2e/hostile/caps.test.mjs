// Class 7, frequency caps are not caps: the shop's email channel allows 2
// deals per 7 days, whatever the tabs or the storage do.
//
// - candor.recordAsync(request) → Promise of the decision, resolved once
//   the count is committed: with 2 and with 6 independent tabs (each its own
//   context.newPage(), none opened from another) calling it in one burst
//   after Accept all, exactly 2 are allowed in total.
// - record() (synchronous) in the same burst: never more than 2 in total.
// - Storage full (localStorage filled to its quota after Accept all): a
//   capped send is denied when its count cannot be persisted; 3 reloads × 2
//   calls pass at most 2 in total (record() and recordAsync()).
//
// The allowed counts of every burst are printed as test diagnostics.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { tracked, url, useBrowser } from "../lib/browser.mjs";
import { PAGE, assertNoPageError, clickAction, fillStorage, settle } from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

const EMAIL = { purpose: "email-deals", channel: "email" };
const CAP = 2;
const ROUNDS = 3;
/** Calls per tab in a burst: more than the cap, so 2 tabs can overshoot too. */
const PER_TAB = 3;

/** `n` independent tabs on the shop page, all allowing email deals (granted in the first). */
async function independentTabs(n) {
  const { context, page } = await b.open();
  const pages = [page];
  for (let i = 1; i < n; i += 1) pages.push(tracked(await context.newPage()));
  for (const p of pages) {
    await p.goto(url(PAGE));
    assert.deepEqual(await settle(p), { ok: true });
  }
  await clickAction(pages[0], "accept-all");
  for (const p of pages) await p.waitForFunction(() => window.candor.allows("email-deals"), null, { timeout: 5000 });
  return pages;
}

/**
 * Every tab calls `method` PER_TAB times at the same wall-clock moment
 * (recordAsync: all at once; record(): one after another); returns every
 * call's `allowed`, or "threw: …" when it threw or rejected.
 */
function burst(pages, method) {
  const at = Date.now() + 400;
  return Promise.all(
    pages.map((p) =>
      p.evaluate(
        async ([at, method, request, n]) => {
          await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
          const one = async () => {
            try {
              const d = method === "recordAsync" ? await window.candor.recordAsync(request) : window.candor.record(request);
              return d.allowed;
            } catch (e) {
              return `threw: ${e && e.message}`;
            }
          };
          if (method === "recordAsync") return Promise.all(Array.from({ length: n }, one));
          const out = [];
          for (let i = 0; i < n; i += 1) out.push(await one());
          return out;
        },
        [at, method, EMAIL, PER_TAB],
      ),
    ),
  ).then((r) => r.flat());
}

/** Every tab soon agrees the cap is reached: decide() denies with frequency-cap. */
async function capReachedEverywhere(pages) {
  for (const p of pages) {
    const ok = await p
      .waitForFunction((r) => window.candor.decide(r).reason === "frequency-cap", EMAIL, { timeout: 2000 })
      .then(() => true)
      .catch(() => false);
    if (!ok) return false;
  }
  return true;
}

describe("bursts across independent tabs", () => {
  for (const method of ["recordAsync", "record"]) {
    for (const tabs of [2, 6]) {
      const exact = method === "recordAsync";
      test(`${method}() from ${tabs} independent tabs at once (${PER_TAB} calls each), ${ROUNDS} rounds: ${exact ? "exactly" : "at most"} ${CAP} allowed in total`, async (t) => {
        const figures = [];
        const problems = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          const pages = await independentTabs(tabs);
          const results = await burst(pages, method);
          const threw = results.filter((r) => typeof r === "string");
          const allowed = results.filter((r) => r === true).length;
          figures.push(threw.length ? `threw (${threw[0]})` : allowed);
          t.diagnostic(`round ${round + 1}: ${threw.length ? threw[0] : `${allowed} of ${results.length} calls allowed`}`);
          if (threw.length) problems.push(`round ${round + 1}: ${method}() threw: ${threw[0]}`);
          else if (exact ? allowed !== CAP : allowed > CAP) problems.push(`round ${round + 1}: ${allowed} allowed`);
          else if (allowed === CAP && !(await capReachedEverywhere(pages))) problems.push(`round ${round + 1}: not every tab denies with frequency-cap afterwards`);
          for (const p of pages) if (p.errors.length) problems.push(`round ${round + 1}: page error ${p.errors.map(String)}`);
          await b.closeAll();
          if (threw.length) break;
        }
        t.diagnostic(`allowed per round: ${figures.join(", ")}`);
        assert.deepEqual(problems, [], `${exact ? "exactly" : "at most"} ${CAP} allowed per round; allowed per round: ${figures.join(", ")}`);
      });
    }
  }
});

describe("storage full", () => {
  for (const method of ["record", "recordAsync"]) {
    test(`localStorage full after Accept all: 3 reloads × 2 ${method}() calls allow at most ${CAP}`, async (t) => {
      const { page } = await b.open();
      await page.goto(url(PAGE));
      assert.deepEqual(await settle(page), { ok: true });
      await clickAction(page, "accept-all");
      assert.ok((await fillStorage(page, "localStorage")) > 0, "localStorage filled");
      const perLoad = [];
      for (let load = 0; load < 3; load += 1) {
        await page.reload();
        assert.deepEqual(await settle(page), { ok: true });
        assert.equal(await page.evaluate(() => window.candor.allows("email-deals")), true, "the grant made before the storage filled up still counts");
        const results = await page.evaluate(
          async ([method, request]) => {
            const out = [];
            for (let i = 0; i < 2; i += 1) {
              try {
                const d = method === "recordAsync" ? await window.candor.recordAsync(request) : window.candor.record(request);
                out.push(d.allowed);
              } catch (e) {
                out.push(`threw: ${e && e.message}`);
              }
            }
            return out;
          },
          [method, EMAIL],
        );
        assert.deepEqual(results.filter((r) => typeof r === "string"), [], `${method}() exists and never throws`);
        perLoad.push(results.filter((r) => r === true).length);
      }
      const total = perLoad.reduce((a, n) => a + n, 0);
      t.diagnostic(`allowed per page load: ${perLoad.join(", ")} (total ${total})`);
      assert.ok(total <= CAP, `at most ${CAP} allowed in total, got ${total} (${perLoad.join(" + ")})`);
      assertNoPageError(page);
    });
  }
});
