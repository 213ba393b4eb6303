// Simulated shoppers through the demo shop, in Debian's Chromium
// (playwright-core, never a downloaded browser): each visitor opens a shop
// page in a fresh context, answers the banner (Accept all, Reject all, or
// purpose by purpose in the preferences panel), sometimes changes a choice
// later, and leaves. The widget sends each receipt to the config's
// receiptEndpoint (/consent-receipts), which `cargo xtask serve` passes to
// candor-records. Then the dashboard is opened and photographed.
//
//   node crates/candor-records/scripts/visitors.mjs --base http://127.0.0.1:8080 \
//     --visitors 1000 --parallel 4 --dashboard 'http://127.0.0.1:8090/dashboard#token=…' \
//     --screenshot docs/records-dashboard.png
import { chromium } from "playwright-core";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function options(argv) {
  const o = { base: "http://127.0.0.1:8080", visitors: 1000, parallel: 4, seed: 1, dashboard: "", screenshot: "" };
  for (let i = 0; i < argv.length; i += 1) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in o)) throw new Error(`unknown option ${argv[i]}`);
    const v = argv[++i];
    o[key] = typeof o[key] === "number" ? Number(v) : v;
  }
  if (!/^http:\/\/(127\.|localhost)/.test(o.base)) throw new Error("--base: loopback only");
  return o;
}

const o = options(process.argv.slice(2));
let state = o.seed >>> 0 || 1;
function random() {
  // xorshift32: the same visitors for the same seed.
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}

const PAGES = ["/", "/", "/product.html?id=ridge-tent", "/product.html?id=alpine-bag", "/cart.html", "/deals.html"];
const tally = { visitors: 0, failed: 0, actions: {}, answers: {} };

async function visitor(browser, plan) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(20_000);
  if (plan.gpc) {
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }),
    );
  }
  const page = await context.newPage();
  const pending = new Set();
  const answers = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/consent-receipts")) pending.add(r);
  });
  const settle = (r) => {
    if (!pending.delete(r)) return;
    r.response()
      .then((res) => answers.push(res ? res.status() : "no answer"))
      .catch(() => answers.push("failed"));
  };
  page.on("requestfinished", settle);
  page.on("requestfailed", settle);
  try {
    await page.goto(o.base + plan.page);
    await page.waitForFunction(() => Boolean(window.candor && window.candor.ready));
    await page.evaluate(() => window.candor.ready);
    const act = (name) => page.locator(`#candor [data-action="${name}"]`);
    await act("accept-all").first().waitFor({ state: "visible" });
    if (plan.choice === "accept-all" || plan.choice === "reject-all") {
      await act(plan.choice).first().click();
    } else {
      await act("customize").first().click();
      await act("save").first().waitFor({ state: "visible" });
      const boxes = page.locator('#candor input[type="checkbox"][data-purpose]:not([disabled])');
      const n = await boxes.count();
      for (let i = 0; i < n; i += 1) {
        if (plan.ticks[i % plan.ticks.length]) await boxes.nth(i).check();
      }
      await act("save").first().click();
    }
    if (plan.later) {
      await page.waitForTimeout(100);
      await page.evaluate(([p, g]) => window.candor.set(p, g), plan.later);
    }
    // Wait until every receipt sent has its answer.
    const until = Date.now() + 10_000;
    while ((pending.size > 0 || answers.length === 0) && Date.now() < until) await page.waitForTimeout(50);
    tally.visitors += 1;
    tally.actions[plan.choice] = (tally.actions[plan.choice] || 0) + 1;
    for (const a of answers) tally.answers[a] = (tally.answers[a] || 0) + 1;
  } catch (e) {
    tally.failed += 1;
    if (tally.failed <= 3) console.error(`visitor failed: ${e.message.split("\n")[0]}`);
  } finally {
    await context.close();
  }
}

function plans(n) {
  const later = ["email-deals", "recommendations", "analytics", "ads", "session-offers"];
  return Array.from({ length: n }, () => {
    const r = random();
    return {
      page: PAGES[Math.floor(random() * PAGES.length)],
      choice: r < 0.42 ? "accept-all" : r < 0.8 ? "reject-all" : "preferences",
      ticks: Array.from({ length: 5 }, () => random() < 0.4),
      later: random() < 0.1 ? [later[Math.floor(random() * later.length)], random() < 0.5] : null,
      gpc: random() < 0.05,
    };
  });
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: FLAGS });
const started = Date.now();
const queue = plans(o.visitors);
let next = 0;
await Promise.all(
  Array.from({ length: o.parallel }, async () => {
    while (next < queue.length) {
      const plan = queue[next++];
      await visitor(browser, plan);
      const done = tally.visitors + tally.failed;
      if (done % 100 === 0) console.log(`${done} visitors, ${((Date.now() - started) / 1000).toFixed(0)} s, answers ${JSON.stringify(tally.answers)}`);
    }
  }),
);
console.log(JSON.stringify({ ...tally, seconds: Math.round((Date.now() - started) / 1000) }));

if (o.dashboard) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(o.dashboard);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  if (o.screenshot) {
    await page.screenshot({ path: o.screenshot, fullPage: true });
    console.log(`dashboard screenshot: ${o.screenshot}`);
  }
  await context.close();
}
await browser.close();
