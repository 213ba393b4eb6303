// Candor against the leading open-source consent widgets, in one run.
//
//   cargo xtask bench [--runs N] [--quick] [--profiles 1x,4x,mobile] [--only id,id] [--no-aa]
//   BENCH_BASE_URL=http://127.0.0.1:PORT node bench/run.mjs [same options]
//
// Every page is loaded once per round and speed profile (1x CPU, 4x CPU, and
// "mobile": 4x CPU behind a throttled network), each load in a fresh browser
// context (cold caches, no stored choice: a first visit), the profiles and
// the pages in an order shuffled per round. Candor is compared with the
// fastest anchor by the paired differences of the same rounds, with a 90%
// interval of their median; an A/A control (Candor's own files at a second
// URL) shows how large a difference pure noise makes. Writes
// bench/results/latest.{json,md} and, after a full run, docs/benchmark.md,
// README.md's summary line and docs/benchmark-runs.md.
// How each figure is measured: docs/benchmark.md, "How it is measured".
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startFront } from "./lib/front.mjs";
import { benchInstrument } from "./lib/instrument.mjs";
import { containsZero, fastestByMedian, notAboveZero, pairedComparison, quantile, shuffled, summary } from "./lib/stats.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const RESULTS = join(HERE, "results");

// Same Chromium and flags as the end-to-end tests (tests/e2e/lib/browser.mjs):
// Debian's /usr/bin/chromium, never a downloaded browser.
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

/**
 * The speed profiles. `timeoutMs`: when a load is given up (page time); a
 * load takes about 1 s at 1x and 2 to 2.5 s at 4x and under the mobile
 * profile on this machine (banner and Reject all within 1.5 s even when it
 * is loaded), so these only catch a widget that never shows or hides its
 * banner. `settleMs`: how long the visit goes on after the banner is gone, so
 * that deferred work lands in the main-thread figures.
 */
const PROFILES = [
  { id: "1x", label: "1×", title: "1× CPU", cpu: 1, net: null, target: true, timeoutMs: 15_000, settleMs: 300 },
  { id: "4x", label: "4×", title: "4× CPU", cpu: 4, net: null, target: true, timeoutMs: 30_000, settleMs: 1000 },
  {
    id: "mobile",
    label: "mobile",
    title: "mobile (4× CPU, 150 ms RTT, 1.6 Mbps down, 750 Kbps up)",
    cpu: 4,
    // Lighthouse's mobile profile (slow 4G): 150 ms round trip, 1.6 Mbps down,
    // 750 Kbps up; CDP wants bytes per second.
    net: { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 },
    target: false, // the figures and the gap are reported; the target is for 1x and 4x
    timeoutMs: 30_000,
    settleMs: 1000,
  },
];
const ALLOWS_CALLS = 1_000_000;
const ALLOWS_BATCHES = 5;
const LEVEL = 0.9; // the intervals' confidence level

function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(join(HERE, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

function candorVersion() {
  try {
    const toml = readFileSync(join(ROOT, "Cargo.toml"), "utf8");
    return /\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/.exec(toml)?.[1] ?? "?";
  } catch {
    return "?";
  }
}

/**
 * The pages. A page's widget files are not listed here: they are the
 * requests the page really makes under `prefixes` (the widget's own mount),
 * and their bytes are what the server sent for them. Any other request but
 * the page itself is the site's own (a config file) and is not counted.
 * `expect`: file names the widget's documented embed must request (checked,
 * a warning otherwise). `banner`/`reject`: the first-layer banner and its
 * "Reject all" button; `api`/`allows`: the widget's own "is this purpose
 * allowed" call.
 */
const CANDOR = {
  host: "#candor",
  banner: '[role="dialog"]:has([data-action="reject-all"])',
  reject: '[data-action="reject-all"]',
  api: "window.candor",
  allows: 'api.allows("analytics")',
};
const WIDGETS = [
  {
    id: "blank",
    name: "blank page (baseline)",
    page: "/blank.html",
    prefixes: [],
    expect: [],
    banner: "h1", // the page's own heading: when the page is painted
  },
  {
    id: "candor",
    name: `Candor ${candorVersion()}`,
    page: "/candor.html",
    prefixes: ["/candor/"],
    expect: ["candor.js", ".wasm"],
    ...CANDOR,
  },
  {
    // The A/A control: bench/pages/candor.html with "/candor/" rewritten to
    // "/candor-copy/", which serves the very same bytes (lib/front.mjs).
    id: "candor-copy",
    name: `Candor ${candorVersion()} (A/A copy)`,
    page: "/candor-copy.html",
    copyOf: "candor",
    prefixes: ["/candor-copy/"],
    expect: ["candor.js", ".wasm"],
    ...CANDOR,
  },
  {
    id: "cookieconsent",
    name: `vanilla-cookieconsent ${pkgVersion("vanilla-cookieconsent")}`,
    page: "/cookieconsent.html",
    prefixes: ["/vendor/vanilla-cookieconsent/"],
    expect: ["cookieconsent.umd.js", "cookieconsent.css"],
    banner: "#cc-main .cm",
    reject: '[data-role="necessary"]',
    api: "window.CookieConsent",
    allows: 'api.acceptedCategory("analytics")',
  },
  {
    id: "klaro",
    name: `Klaro ${pkgVersion("klaro")}`,
    page: "/klaro.html",
    prefixes: ["/vendor/klaro/"],
    expect: ["klaro.js"], // CSS included in the JS
    banner: "#klaro-cookie-notice",
    reject: ".cn-decline",
    api: "window.klaro.getManager()",
    allows: 'api.getConsent("analytics")',
  },
  {
    id: "orejime",
    name: `Orejime ${pkgVersion("orejime")}`,
    page: "/orejime.html",
    prefixes: ["/vendor/orejime/"],
    expect: ["orejime-standard-en.js", "orejime-standard.css"],
    banner: ".orejime-Banner",
    reject: ".orejime-Banner-declineButton",
    api: "window.orejime.manager",
    allows: 'api.getConsent("analytics")',
  },
];
const ANCHORS = ["cookieconsent", "klaro", "orejime"];
const COPIES = [{ page: "/candor-copy.html", of: "/candor.html", prefix: "/candor-copy/", ofPrefix: "/candor/" }];
const METRICS = [
  { key: "visible", title: "banner visible" },
  { key: "rejectHandled", title: "Reject all handled" },
];

// ------------------------------------------------------------------ options

export function parseArgs(argv) {
  const o = { runs: 30, quick: false, only: null, profiles: PROFILES.map((p) => p.id), aa: true };
  const list = (v) => String(v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === "--quick") o.quick = true;
    else if (a === "--no-aa") o.aa = false;
    else if (a === "--runs") o.runs = Number(argv[++i]);
    else if (a.startsWith("--runs=")) o.runs = Number(a.slice(7));
    else if (a === "--only") o.only = list(argv[++i]);
    else if (a.startsWith("--only=")) o.only = list(a.slice(7));
    else if (a === "--profiles") o.profiles = list(argv[++i]);
    else if (a.startsWith("--profiles=")) o.profiles = list(a.slice(11));
    else throw new Error(`unknown option ${a} (use --runs N, --quick, --profiles 1x,4x,mobile, --only id,id, --no-aa)`);
  }
  if (o.quick && !argv.some((a) => a.startsWith("--runs"))) o.runs = 3;
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error("--runs needs a positive whole number");
  const known = PROFILES.map((p) => p.id);
  for (const p of o.profiles) if (!known.includes(p)) throw new Error(`unknown profile ${p} (known: ${known.join(", ")})`);
  if (o.profiles.length === 0) throw new Error("--profiles needs at least one of " + known.join(", "));
  for (const id of o.only ?? []) {
    if (!WIDGETS.some((w) => w.id === id)) throw new Error(`unknown page ${id} (known: ${WIDGETS.map((w) => w.id).join(", ")})`);
  }
  return o;
}

/** The pages a run loads: the blank baseline always, the A/A copy with Candor unless --no-aa. */
function selectWidgets(o) {
  return WIDGETS.filter((w) => {
    if (w.id === "blank") return true;
    if (w.copyOf) return o.aa && (!o.only || o.only.includes(w.id) || o.only.includes(w.copyOf));
    return !o.only || o.only.includes(w.id);
  });
}

// ------------------------------------------------------------------- bytes

function compressed(body) {
  return {
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length },
    }).length,
  };
}

/**
 * The widget's files: every path any load of the page requested under the
 * widget's prefixes, sized from the bytes the server sent. `loads`: how many
 * of the page's loads requested each file (a file some loads skip is shown).
 */
async function widgetFiles(w, rows, front) {
  const count = new Map();
  for (const r of rows) {
    for (const p of new Set(r.requests.map((q) => q.path))) {
      if (w.prefixes.some((x) => p.startsWith(x))) count.set(p, (count.get(p) || 0) + 1);
    }
  }
  const files = [];
  for (const [path, loads] of count) {
    const body = await front.served(path);
    files.push({ file: path, loads, ...(body ? compressed(body) : { raw: null, gzip: null, brotli: null }) });
  }
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) for (const k of Object.keys(total)) total[k] += f[k] ?? 0;
  return { files, total };
}

/** The page's other requests (its config files): neither the page nor the widget's. */
function siteRequests(w, rows) {
  const seen = new Set();
  for (const r of rows) {
    for (const q of r.requests) if (q.path !== w.page && q.path !== "/favicon.ico" && !w.prefixes.some((x) => q.path.startsWith(x))) seen.add(q.path);
  }
  return [...seen];
}

// ------------------------------------------------------------ one page load

/** The tight in-page loop: ns per call of the widget's own check. */
function allowsLoop({ api, expr, calls, batches }) {
  const target = (0, eval)(api);
  // eslint-disable-next-line no-new-func
  const run = new Function("api", "n", `let c = 0; for (let i = 0; i < n; i++) { if (${expr}) c++; } return c;`);
  const first = (0, eval)(`(api) => ${expr}`)(target);
  const t0 = performance.now();
  run(target, calls / 10); // warm-up: lets the JIT optimize the loop and the callee
  const warm = (performance.now() - t0) / (calls / 10);
  // A slow call (over 200 ns) gets fewer calls per batch, so a run stays short.
  const n = warm > 2e-4 ? Math.max(50_000, Math.round(200 / warm)) : calls;
  let best = Infinity;
  let hits = 0;
  for (let b = 0; b < batches; b += 1) {
    const s = performance.now();
    hits = run(target, n);
    best = Math.min(best, performance.now() - s);
  }
  return { nsPerCall: (best * 1e6) / n, calls: n, batches, answer: first, hits };
}

/** A fresh context with the profile's CPU (and network) throttling. */
async function throttledPage(browser, profile) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    reducedMotion: "reduce",
    serviceWorkers: "block",
  });
  context.setDefaultTimeout(profile.timeoutMs + 10_000);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: profile.cpu });
  if (profile.net) {
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, ...profile.net });
  }
  return { context, page, cdp };
}

async function measure(browser, baseUrl, w, profile, withAllows) {
  const wall = Date.now();
  const requests = [];
  const errors = [];
  let context;
  try {
    const t = await throttledPage(browser, profile);
    context = t.context;
    const { page, cdp } = t;
    await context.addInitScript(benchInstrument, {
      host: w.host ?? null,
      banner: w.banner,
      reject: w.reject ?? null,
      timeoutMs: profile.timeoutMs,
    });
    await cdp.send("Performance.enable");
    // The trusted click: the init script asks, with the button's centre, and
    // a mouse press and release at that point go in through CDP.
    await cdp.send("Runtime.enable"); // addBinding installs nothing without it
    await cdp.send("Runtime.addBinding", { name: "__benchClick" });
    cdp.on("Runtime.bindingCalled", (ev) => {
      if (ev.name !== "__benchClick") return;
      const { x, y } = JSON.parse(ev.payload);
      const mouse = (type, buttons) => cdp.send("Input.dispatchMouseEvent", { type, x, y, button: "left", buttons, clickCount: 1 }).catch(() => {});
      mouse("mousePressed", 1);
      mouse("mouseReleased", 0);
    });
    page.on("request", (r) => requests.push({ path: new URL(r.url()).pathname, type: r.resourceType() }));
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(baseUrl + w.page, { waitUntil: "load" });
    await page.evaluate(() => window.__benchDone);
    // Let the work a click or a load leaves behind (storage writes, deferred
    // renders) land inside the main-thread figures.
    await page.waitForTimeout(profile.settleMs);
    await cdp.send("HeapProfiler.collectGarbage");
    const { metrics } = await cdp.send("Performance.getMetrics");
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const state = await page.evaluate(() => {
      const B = window.__bench;
      return {
        visible: B.visible,
        clickAsked: B.clickAsked,
        click: B.click,
        hidden: B.hidden,
        clicks: B.clicks,
        fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
        longtasks: B.longtasks,
        error: B.error,
        wasmMemory: B.memories.reduce((sum, mem) => sum + mem.buffer.byteLength, 0),
        wasmInstances: B.memories.length,
        resources: [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")].map((e) => ({
          path: new URL(e.name).pathname,
          start: e.startTime,
          responseEnd: e.responseEnd,
          transfer: e.transferSize,
          encoded: e.encodedBodySize,
        })),
      };
    });
    let allows = null;
    if (withAllows && w.allows && !state.error) {
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
      allows = await page.evaluate(allowsLoop, { api: w.api, expr: w.allows, calls: ALLOWS_CALLS, batches: ALLOWS_BATCHES });
    }
    const widgetTransfer = state.resources.filter((e) => w.prefixes.some((x) => e.path.startsWith(x))).reduce((s, e) => s + (e.transfer || 0), 0);
    return {
      widget: w.id,
      profile: profile.id,
      ...state,
      rejectHandled: state.hidden,
      clickToHidden: state.hidden != null && state.click != null ? state.hidden - state.click : null,
      clickDelay: state.click != null && state.clickAsked != null ? state.click - state.clickAsked : null,
      longTaskCount: state.longtasks.length,
      longTaskMs: state.longtasks.reduce((s, [, d]) => s + d, 0),
      scriptMs: m.ScriptDuration * 1000,
      taskMs: m.TaskDuration * 1000,
      layoutMs: (m.LayoutDuration + m.RecalcStyleDuration) * 1000,
      jsHeapUsed: m.JSHeapUsedSize,
      nodes: m.Nodes,
      widgetTransfer,
      allows,
      requests,
      errors,
      wallMs: Date.now() - wall,
    };
  } catch (e) {
    // A load that throws (a navigation timeout, a crashed page) is a failed
    // load of this round, not the end of the run.
    return { widget: w.id, profile: profile.id, error: `load: ${String(e).split("\n")[0]}`, requests, errors, wallMs: Date.now() - wall };
  } finally {
    await context?.close().catch(() => {});
  }
}

/**
 * Checks that the throttling is applied (reported with the run): a busy loop
 * at each CPU rate, and under the network profile the time to fetch a file
 * of known compressed size against what its latency and bandwidth predict.
 */
async function throttleCheck(browser, baseUrl, profiles) {
  const busy = {};
  for (const rate of [...new Set([1, ...profiles.map((p) => p.cpu)])]) {
    const { context, page } = await throttledPage(browser, { cpu: rate, net: null, timeoutMs: 30_000 });
    await page.goto(baseUrl + "/blank.html");
    busy[rate] = await page.evaluate(() => {
      let best = Infinity;
      for (let k = 0; k < 3; k += 1) {
        const t0 = performance.now();
        let x = 0;
        for (let i = 0; i < 3e6; i += 1) x = (x + i * i) % 1000003;
        best = Math.min(best, performance.now() - t0 + (x < 0 ? 1 : 0));
      }
      return best;
    });
    await context.close();
  }
  const out = { busyLoopMs: busy, ratio: busy[4] ? busy[4] / busy[1] : null, network: null };
  const net = profiles.find((p) => p.net);
  if (net) {
    const path = "/vendor/klaro/dist/klaro.js";
    await fetch(baseUrl + path, { headers: { "Accept-Encoding": "br, gzip" } }); // compressed once by the front server, before the clock runs
    const { context, page } = await throttledPage(browser, net);
    await page.goto(baseUrl + "/blank.html");
    out.network = await page.evaluate(async (path) => {
      const t0 = performance.now();
      const res = await fetch(path, { cache: "no-store" });
      await res.arrayBuffer();
      const ms = performance.now() - t0;
      const e = performance.getEntriesByType("resource").find((x) => x.name.endsWith(path));
      return { path, ms, encoded: e?.encodedBodySize ?? null };
    }, path);
    out.network.expectedMs = net.net.latency + (out.network.encoded / net.net.downloadThroughput) * 1000;
    await context.close();
  }
  return out;
}

// ----------------------------------------------------------------- machine

function machine(chromiumVersion) {
  let cpu = "?";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "?";
  } catch {
    /* not Linux */
  }
  let nproc = os.cpus().length;
  try {
    nproc = Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  } catch {
    /* keep os.cpus() */
  }
  let commit = "?";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "crates", "bench/pages"], { cwd: ROOT, encoding: "utf8" }).trim();
    if (dirty) commit += " + uncommitted changes";
  } catch {
    /* not a git checkout */
  }
  return {
    commit,
    nproc,
    cpu,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    chromium: chromiumVersion,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

// ---------------------------------------------------------------- analysis

/** Median start and end of each request the page made, in load order. */
function waterfall(rows) {
  const paths = [];
  for (const r of rows) for (const e of r.resources || []) if (!paths.includes(e.path)) paths.push(e.path);
  return paths.map((path) => {
    const es = rows.map((r) => (r.resources || []).find((e) => e.path === path)).filter(Boolean);
    return { path, start: quantile(es.map((e) => e.start), 0.5), end: quantile(es.map((e) => e.responseEnd), 0.5) };
  });
}

function analyse(results, widgets, profiles) {
  const by = {};
  const ok = (id, p) => results.filter((r) => r.widget === id && r.profile === p && !r.error);
  for (const w of widgets) {
    const per = (f) => Object.fromEntries(profiles.map((p) => [p.id, f(ok(w.id, p.id), p)]));
    const first = ok(w.id, profiles[0].id);
    const at1 = ok(w.id, "1x").length ? ok(w.id, "1x") : first;
    by[w.id] = {
      failures: per((_, p) => results.filter((r) => r.widget === w.id && r.profile === p.id && r.error).length),
      runs: per((rows) => rows.length),
      visible: per((rows) => summary(rows.map((r) => r.visible))),
      reject: per((rows) => summary(rows.map((r) => r.rejectHandled))),
      clickToHidden: per((rows) => summary(rows.map((r) => r.clickToHidden))),
      fcp: per((rows) => summary(rows.map((r) => r.fcp))),
      scriptMs: per((rows) => summary(rows.map((r) => r.scriptMs))),
      taskMs: per((rows) => summary(rows.map((r) => r.taskMs))),
      longTaskCount: per((rows) => summary(rows.map((r) => r.longTaskCount))),
      longTaskMs: per((rows) => summary(rows.map((r) => r.longTaskMs))),
      runsWithLongTask: per((rows) => rows.filter((r) => r.longTaskCount > 0).length),
      transfer: per((rows) => summary(rows.map((r) => r.widgetTransfer))),
      transferAll: summary(results.filter((r) => r.widget === w.id && !r.error).map((r) => r.widgetTransfer)),
      wallMs: per((_, p) => summary(results.filter((r) => r.widget === w.id && r.profile === p.id).map((r) => r.wallMs))),
      waterfall: per((rows) => waterfall(rows)),
      clicksMax: Math.max(0, ...results.filter((r) => r.widget === w.id && !r.error).map((r) => r.clicks ?? 0)),
      jsHeap: summary(at1.map((r) => r.jsHeapUsed)),
      wasmMemory: summary(at1.map((r) => r.wasmMemory)),
      allowsNs: summary(at1.map((r) => r.allows?.nsPerCall ?? null)),
      allowsAnswer: at1.find((r) => r.allows)?.allows.answer ?? null,
    };
  }
  // Widget memory: JS heap above the blank page's, plus wasm memory.
  const blankHeap = by.blank?.jsHeap.median ?? 0;
  for (const id of Object.keys(by)) {
    const s = by[id];
    s.memory = s.jsHeap.median == null ? null : Math.max(0, s.jsHeap.median - blankHeap) + (s.wasmMemory.median ?? 0);
  }
  return by;
}

/**
 * Candor against the fastest anchor (lowest median of that figure in that
 * profile), paired by round, and the A/A control (the copy against Candor).
 */
function comparisons(results, widgets, profiles) {
  const ok = (id, p) => results.filter((r) => r.widget === id && r.profile === p && !r.error);
  const ids = widgets.map((w) => w.id);
  const anchors = ANCHORS.filter((a) => ids.includes(a));
  const out = [];
  if (!ids.includes("candor")) return out;
  for (const p of profiles) {
    for (const m of METRICS) {
      const candor = ok("candor", p.id);
      const fastest = fastestByMedian(anchors, (id) => ok(id, p.id), m.key);
      const row = {
        profile: p.id,
        metric: m.key,
        candorMedian: summary(candor.map((r) => r[m.key])).median,
        anchor: fastest?.id ?? null,
        anchorMedian: fastest?.median ?? null,
        vsFastest: fastest ? pairedComparison(candor, ok(fastest.id, p.id), m.key, LEVEL) : null,
        vsEach: Object.fromEntries(anchors.map((a) => [a, pairedComparison(candor, ok(a, p.id), m.key, LEVEL)])),
        aa: ids.includes("candor-copy") ? pairedComparison(ok("candor-copy", p.id), candor, m.key, LEVEL) : null,
      };
      row.target = p.target ? notAboveZero(row.vsFastest) : null;
      row.aaContainsZero = containsZero(row.aa);
      out.push(row);
    }
  }
  return out;
}

/** The other figures the widget is held to, Candor against the anchors of the same run. */
function otherTargets(by) {
  const c = by.candor;
  const anchors = ANCHORS.filter((a) => by[a]);
  if (!c || anchors.length === 0) return [];
  const lightest = anchors.reduce((best, a) => (by[a].memory != null && (best == null || by[a].memory < by[best].memory) ? a : best), null);
  const t = [];
  if (c.runs["1x"] != null) {
    t.push({
      target: "no long task at 1× (p90 of the count is 0)",
      candor: `${c.runsWithLongTask["1x"]}/${c.runs["1x"]} loads had one`,
      against: "0",
      ok: c.longTaskCount["1x"].p90 === 0,
    });
  }
  if (lightest) {
    t.push({
      target: "JS heap (above blank) + wasm memory at most 2× the lightest anchor",
      candor: `${fmtKB(c.memory)} KB`,
      against: `2 × ${fmtKB(by[lightest].memory)} KB (${lightest})`,
      ok: c.memory != null && c.memory <= 2 * by[lightest].memory,
    });
  }
  t.push({
    target: "allows() at most 20 ns per call",
    candor: `${fmtNum(c.allowsNs.median)} ns`,
    against: "20 ns",
    ok: c.allowsNs.median != null && c.allowsNs.median <= 20,
  });
  return t;
}

// ----------------------------------------------------------------- report

const fmtKB = (b) => (b == null ? "—" : (b / 1000).toFixed(1));
const fmtMs = (s) => (s && s.median != null ? `${Math.round(s.median)} / ${Math.round(s.p90)}` : "—");
const fmtNum = (x, d = 1) => (x == null ? "—" : x.toFixed(d));
const fmtSigned = (x) => (x == null ? "—" : `${x > 0 ? "+" : x < 0 ? "−" : "±"}${Math.abs(Math.round(x))}`);
const fmtInterval = (c) => (c && c.lo != null ? `[${fmtSigned(c.lo)}, ${fmtSigned(c.hi)}]` : "—");
const profileById = (id) => PROFILES.find((p) => p.id === id);
const metricTitle = (key) => METRICS.find((m) => m.key === key).title;

function coverageNote(report) {
  const low = report.comparisons.flatMap((c) => [c.vsFastest, c.aa]).filter((c) => c && c.coverage != null && c.coverage < LEVEL);
  if (!low.length) return null;
  const worst = Math.min(...low.map((c) => c.coverage));
  return `With so few rounds no pair of order statistics reaches ${Math.round(LEVEL * 100)}%: the intervals shown are the whole range of the differences, with a coverage of only ${Math.round(worst * 100)}%.`;
}

function headerLine(report) {
  const { machine: mc, runs, date, quick, profiles, widgets, secondsPerLoad } = report;
  const profs = profiles.map((id) => profileById(id).title).join(", ");
  const loads = profiles.map((id) => `${Math.round((secondsPerLoad[id] ?? 0) * 10) / 10} s ${profileById(id).label}`).join(", ");
  return `Measured ${date.slice(0, 16).replace("T", " ")} UTC, Candor built from ${mc.commit}, on ${mc.nproc} cores (${mc.cpu}), ${mc.memoryGiB} GiB, ${mc.chromium} headless, node ${mc.node}; `
    + `${runs} interleaved rounds${quick ? " (--quick)" : ""}, each loading the ${widgets.length} pages once per profile (${profs}) in a shuffled order, a fresh browser context per load `
    + `(${report.loads} loads in ${Math.round(report.seconds / 60)} min; median time of one load ${loads}); `
    + `load average at start ${mc.loadAverageAtStart.join(" ")}, at the end ${report.loadAverageAtEnd.join(" ")}. `
    + "The machine is shared with other engineers' builds: the A/A rows show how much of a difference that noise makes.";
}

/** The paired-difference table with its A/A rows. */
function pairedLines(report) {
  const L = [];
  const name = (id) => report.widgets.find((w) => w.id === id)?.name ?? id;
  L.push(`| profile | figure | Candor median ms | fastest anchor, median ms | paired difference, median ms | ${Math.round(LEVEL * 100)}% interval | rounds | target: interval not above 0 |`);
  L.push("|---|---|--:|--:|--:|:-:|--:|:-:|");
  for (const c of report.comparisons) {
    const p = profileById(c.profile);
    const verdict = c.target == null ? (p.target ? "—" : "reported, no target") : c.target ? "✓" : "✗";
    if (c.anchor) L.push(`| ${p.label} | ${metricTitle(c.metric)}: Candor − ${c.anchor ? name(c.anchor) : "—"} | ${fmtNum(c.candorMedian, 0)} | ${fmtNum(c.anchorMedian, 0)} | `
      + `**${fmtSigned(c.vsFastest?.median)}** | ${fmtInterval(c.vsFastest)} | ${c.vsFastest?.n ?? 0} | ${verdict} |`);
    if (c.aa) {
      const aa = c.aaContainsZero == null ? "—" : c.aaContainsZero ? "holds 0 ✓" : "**does not hold 0 ✗**";
      L.push(`| ${p.label} | A/A: Candor copy − Candor | | | ${fmtSigned(c.aa.median)} | ${fmtInterval(c.aa)} | ${c.aa.n} | ${aa} |`);
    }
  }
  return L;
}

function mainTableLines(report) {
  const { by, widgets, profiles } = report;
  const L = [];
  const labels = profiles.map((id) => profileById(id).label);
  const has1x = profiles.includes("1x");
  L.push(`| widget | brotli KB | gzip KB | raw KB | ${labels.map((l) => `banner visible ms ${l}`).join(" | ")} | ${labels.map((l) => `Reject all handled ms ${l}`).join(" | ")} | `
    + `script ms ${labels[0]} | long tasks ${labels[0]} (loads / ms) | JS heap KB | wasm memory KB | allows() ns |`);
  L.push(`|---|--:|--:|--:|${profiles.map(() => "--:").join("|")}|${profiles.map(() => "--:").join("|")}|--:|--:|--:|--:|--:|`);
  const p0 = profiles[0];
  for (const w of widgets) {
    const s = by[w.id];
    const failed = Object.values(s.failures).reduce((a, b) => a + b, 0);
    const fail = failed ? ` (${failed} failed)` : "";
    const b = report.sizes[w.id].total;
    L.push(`| ${w.name}${fail} | ${fmtKB(b.brotli)} | ${fmtKB(b.gzip)} | ${fmtKB(b.raw)} | `
      + `${profiles.map((p) => fmtMs(s.visible[p])).join(" | ")} | ${profiles.map((p) => (w.reject ? fmtMs(s.reject[p]) : "—")).join(" | ")} | `
      + `${fmtMs(s.scriptMs[p0])} | ${s.runsWithLongTask[p0]}/${s.runs[p0]} / ${fmtNum(s.longTaskMs[p0].median, 0)} | `
      + `${fmtKB(s.jsHeap.median)} | ${w.id === "blank" ? "—" : fmtKB(s.wasmMemory.median)} | ${w.allows && has1x ? fmtNum(s.allowsNs.median) : "—"} |`);
  }
  return L;
}

function otherTargetLines(report) {
  const L = [];
  L.push("| target | Candor | to meet | |");
  L.push("|---|--:|--:|:-:|");
  for (const t of report.otherTargets) L.push(`| ${t.target} | ${t.candor} | ${t.against} | ${t.ok ? "✓" : "✗"} |`);
  return L;
}

function fileLabel(path) {
  return path.replace(/^\/vendor\//, "").replace(/^\/candor(-copy)?\//, "dist/candor/");
}

function markdown(report) {
  const { by, widgets, profiles } = report;
  const labels = profiles.map((id) => profileById(id).label);
  const L = [headerLine(report), ""];
  if (report.comparisons.length) L.push(`Candor against the fastest anchor of each profile and figure, paired by round (Candor's load minus that anchor's load in the same round), `
    + `and the A/A control (a copy of Candor's files at other URLs, against Candor). The target: the interval must not lie above zero. `
    + `The mobile profile has no target: its row is the price of the bytes, stated.`);
  if (report.comparisons.length) L.push("", ...pairedLines(report));
  const cov = coverageNote(report);
  if (cov) L.push("", cov);
  const bad = report.comparisons.filter((c) => c.aaContainsZero === false);
  if (bad.length) {
    L.push("", `**Warning: the A/A control's interval does not hold 0 (${bad.map((c) => `${profileById(c.profile).label} ${metricTitle(c.metric)}`).join(", ")}): `
      + "two byte-identical pages measured apart; this run's noise or drift is larger than its intervals say, and its comparisons are not to be trusted.**");
  }
  L.push("");
  L.push(`Every page, median / p90 ms from navigation start (the blank page's "banner visible" is its heading painted). Bytes are the files the page requested under the widget's own path, as served; `
    + `JS heap is V8's used heap after a forced GC at ${labels[0]}, page included (the blank page is the baseline); wasm memory is the byte length of every WebAssembly.Memory the page instantiated.`);
  L.push("");
  L.push(...mainTableLines(report));
  L.push("");
  L.push(`| widget | transferred KB | ${labels.map((l) => `click → banner gone ms ${l}`).join(" | ")} | clicks needed (max) | `
    + `${labels.map((l) => `first contentful paint ms ${l}`).join(" | ")} | ${labels.map((l) => `main-thread tasks ms ${l}`).join(" | ")} | `
    + `${labels.slice(1).map((l) => `script ms ${l}`).join(" | ")}${labels.length > 1 ? " | " : ""}${labels.slice(1).map((l) => `long tasks ${l} (loads / ms)`).join(" | ")}${labels.length > 1 ? " | " : ""}allows() answer after Reject all |`);
  const n = profiles.length;
  L.push(`|---|--:|${Array(n).fill("--:").join("|")}|--:|${Array(n).fill("--:").join("|")}|${Array(n).fill("--:").join("|")}|${n > 1 ? Array(2 * (n - 1)).fill("--:").join("|") + "|" : ""}---|`);
  for (const w of widgets) {
    const s = by[w.id];
    const rest = profiles.slice(1);
    L.push(`| ${w.name} | ${fmtKB(s.transferAll.median)} | ${profiles.map((p) => (w.reject ? fmtMs(s.clickToHidden[p]) : "—")).join(" | ")} | ${w.reject ? s.clicksMax : "—"} | `
      + `${profiles.map((p) => fmtMs(s.fcp[p])).join(" | ")} | ${profiles.map((p) => fmtMs(s.taskMs[p])).join(" | ")} | `
      + `${rest.map((p) => fmtMs(s.scriptMs[p])).join(" | ")}${rest.length ? " | " : ""}${rest.map((p) => `${s.runsWithLongTask[p]}/${s.runs[p]} / ${fmtNum(s.longTaskMs[p].median, 0)}`).join(" | ")}${rest.length ? " | " : ""}`
      + `${w.allows ? String(s.allowsAnswer) : "—"} |`);
  }
  L.push("");
  const { native } = report;
  if (native && native.benches?.length) {
    L.push(`candor-core natively (criterion, \`cargo bench -p candor-core --bench decide\`, ${native.settings ?? ""}; 20 purposes, 40 signals, 3 channels):`);
    L.push("");
    L.push("| bench | ns per call |");
    L.push("|---|--:|");
    for (const b of native.benches) L.push(`| ${b.name} | ${fmtNum(b.ns, 1)} |`);
    L.push("");
  } else if (native?.error) {
    L.push(`candor-core natively: not measured (${native.error}).`);
    L.push("");
  }
  for (const p of profiles.filter((id) => id === "1x" || id === "mobile")) {
    L.push(`Where each widget's time goes at ${profileById(p).title} (median ms from navigation start: each request's start → end, then the banner):`);
    L.push("");
    for (const w of widgets.filter((x) => x.id !== "blank" && !x.copyOf)) {
      const s = by[w.id];
      const steps = s.waterfall[p].map((e) => `\`${e.path.split("/").pop()}\` ${fmtNum(e.start, 0)}→${fmtNum(e.end, 0)}`);
      L.push(`- ${w.name}: ${steps.join(", ")}; banner ${fmtNum(s.visible[p].median, 0)}`);
    }
    L.push("");
  }
  L.push("Other figures Candor is held to, against the anchors of this run:");
  L.push("");
  L.push(...otherTargetLines(report));
  L.push("");
  L.push("Files per widget (every file the page requested under the widget's path, compressed here with gzip -9 and brotli q11; the site's own config is not counted):");
  L.push("");
  for (const w of widgets.filter((x) => x.id !== "blank")) {
    const loads = report.by[w.id].runs;
    const total = Object.values(loads).reduce((a, b) => a + b, 0);
    const files = report.sizes[w.id].files.map((f) => `\`${fileLabel(f.file)}\` ${fmtKB(f.brotli)} KB br${f.loads < total ? ` (requested by ${f.loads} of ${total} loads)` : ""}`);
    const site = report.fileChecks[w.id].siteSizes;
    L.push(`- ${w.name}: ${files.join(", ") || "none"}${site.length ? `; the site's own, not counted: ${site.map((f) => `\`${f.file}\` ${fmtKB(f.brotli)} KB br`).join(", ")}` : ""}`);
  }
  return L.join("\n");
}

/** README's summary: one line, the paired differences at 1× and 4×. */
function readmeLine(report) {
  const parts = [];
  for (const m of METRICS) {
    const cs = report.comparisons.filter((c) => c.metric === m.key && profileById(c.profile).target);
    if (!cs.length) continue;
    parts.push(`${m.title} ${cs.map((c) => `${profileById(c.profile).label} **${fmtSigned(c.vsFastest?.median)} ms** ${fmtInterval(c.vsFastest)} ${c.target ? "✓" : "✗"}`).join(", ")}`);
  }
  const name = (id) => report.widgets.find((w) => w.id === id)?.name ?? id;
  const anchors = [...new Set(report.comparisons.filter((c) => profileById(c.profile).target).map((c) => c.anchor).filter(Boolean))].map(name);
  const aa = report.comparisons.filter((c) => c.aa && profileById(c.profile).target);
  const aaWidth = aa.length ? Math.max(...aa.map((c) => Math.max(Math.abs(c.aa.lo ?? 0), Math.abs(c.aa.hi ?? 0)))) : null;
  const aaBad = aa.some((c) => c.aaContainsZero === false);
  return `Latest full run ${report.date.slice(0, 16).replace("T", " ")} UTC, Candor ${report.machine.commit}, ${report.runs} rounds, load ${report.machine.loadAverageAtStart[0]} at start: `
    + `Candor − fastest anchor (${anchors.join(", ")}), median of paired differences and ${Math.round(LEVEL * 100)}% interval: ${parts.join("; ")}`
    + `${aaWidth != null ? `; the A/A control (Candor against a copy of itself) within ±${Math.round(aaWidth)} ms${aaBad ? " (**an interval missed 0: a noisy run**)" : ""}` : ""}. `
    + "Mobile network profile, every figure and the method: [docs/benchmark.md](docs/benchmark.md).";
}

const METHOD = `## How it is measured

\`cargo xtask bench\` installs the anchors from npm as pinned dev dependencies of \`bench/\`
(\`npm ci\`), builds Candor (\`cargo xtask build\`), runs candor-core's criterion bench, serves
\`bench/pages/\`, a snapshot of \`dist/candor/\` and \`bench/node_modules/\` on 127.0.0.1 (xtask's static
server) and runs \`node bench/run.mjs\`, which puts a small front server of its own (\`bench/lib/front.mjs\`,
also on 127.0.0.1) between Chromium and that server. Each page is the same heading and paragraph plus
one widget with the same configuration: 4 purposes (essential/required, analytics, personalization,
ads), English, a banner on the first visit with Accept all, Reject all (cookieconsent's
\`acceptNecessaryBtn\`, Klaro's and Orejime's *Decline*) and Customize.

- **Each widget is embedded the way its own documentation tells a site to.** Candor:
  \`bench/pages/candor.html\`, kept to the snippet Candor's README recommends. vanilla-cookieconsent: its
  Getting Started guide's HTML set-up, the stylesheet in \`<head>\` and
  \`<script type="module" src="cookieconsent-config.js">\` at the end of \`<body>\`, a file that imports
  \`cookieconsent.umd.js\` and calls \`CookieConsent.run\`. Klaro: its README's two deferred scripts, the
  config file then \`klaro.js\` (CSS inside the JS). Orejime: its README's stylesheet and plain script
  tag (neither async nor deferred), with \`window.orejimeConfig\` set by an inline script, placed at
  the end of \`<body>\` as Orejime's own example pages do.
- **Rounds and profiles.** A run is a number of rounds (30 by default); each round loads every page
  once under each profile: **1×** (no throttling), **4×** (CDP \`Emulation.setCPUThrottlingRate\` 4,
  checked with a busy loop) and **mobile**, close to Lighthouse's mobile profile: 4× CPU plus
  \`Network.emulateNetworkConditions\` with 150 ms latency, 1.6 Mbps down and 750 Kbps up
  (checked by timing a fetch of a file of known size). The order of the profiles, and of the pages
  within each profile, is shuffled per round with a seeded PRNG, so that a slow moment of the
  machine falls on all pages alike, and the two loads of a pair are at most a few seconds apart.
  One untimed load of each page comes first.
- **Every load** happens in a fresh browser context (empty HTTP cache, code cache and storage: a
  first visit, so under the mobile profile every byte crosses the throttled link), 1280×800,
  \`prefers-reduced-motion: reduce\` (so cookieconsent's 0.25 s fade is off, as it is for visitors
  who ask; the other widgets do not animate the banner). The front server sends every response
  compressed, as a production host would: brotli quality 11 (Chromium offers it on 127.0.0.1;
  gzip -9 to a browser that does not),
  and keeps each body it served for the whole run, so a file edited during the run does not change it.
- **Bytes**: every request the page made under the widget's own path (\`/candor/\` for Candor,
  \`/vendor/<package>/\` for an anchor), whatever those files are, sized from the bytes the server
  sent: raw, gzip level 9 and brotli quality 11 with node's zlib. The site's own files (Candor's JSON
  config, the anchors' config scripts) are not counted. "transferred KB" is what the browser's
  resource timing reports for those requests (\`transferSize\`: compressed body and headers).
- **Banner visible**: an init script (identical on every page) polls once per animation frame and
  records \`performance.now()\` (origin: navigation start) in the first frame where the banner
  element is connected, has a non-zero box and passes \`checkVisibility({opacityProperty,
  visibilityProperty})\`. Candor's banner is the \`[role=dialog]\` holding
  \`[data-action=reject-all]\` in \`#candor\`'s open shadow root; cookieconsent \`#cc-main .cm\`; Klaro
  \`#klaro-cookie-notice\`; Orejime \`.orejime-Banner\`. Frame-quantized (one frame ≈ 16.7 ms).
- **Reject all handled**: in the first task after that frame (\`setTimeout(0)\` queued from it, so
  the banner is painted first) the script asks for a click on the centre of the widget's Reject
  all button, and the harness sends a real mouse press and release there (CDP
  \`Input.dispatchMouseEvent\`, through a \`Runtime.addBinding\` binding): a trusted click, as a
  shopper's, since a widget may rightly ignore the untrusted event of \`element.click()\`. The
  click reaches the page a few ms later (more on a loaded machine; the same path for every
  widget). The script then polls each frame until the banner is no longer rendered; the figure
  is that frame's time from navigation start. "click → banner gone" is the same minus the time
  the first click reached the page. A widget that drops the click (Orejime can show its banner a
  frame before its handlers work) is clicked again after every frame in which the banner is
  still shown once the previous click has arrived, as an impatient shopper would; "clicks
  needed" says how many it took.
- **Paired differences.** For each profile and figure, the *fastest anchor* is the one with the
  lowest median of that figure in that profile. Each round gives one pair: Candor's load minus
  that anchor's load of the same round and profile (rounds where either load failed are left
  out). The table shows the median of these differences and a 90% confidence interval for it:
  the distribution-free interval of a median from order statistics, \`[d(k), d(n+1−k)]\` of the n
  sorted differences with the largest k for which \`1 − 2·P(B ≤ k−1) ≥ 0.90\`, B ~ Binomial(n, ½)
  (for 30 rounds: the 11th and the 20th of the 30 sorted differences, coverage 90.1%). It
  assumes nothing about the distribution, stays valid with the frame-quantized, tied values these
  times are, and needs no random seed; with fewer than 5 rounds no pair of order statistics
  reaches 90%, and the report says so. The target holds (✓) when the interval does not lie above
  zero, i.e. its lower end is at most 0.
- **A/A control**: a second page, \`candor-copy.html\`, is \`bench/pages/candor.html\` with \`/candor/\`
  rewritten to \`/candor-copy/\`, where the front server serves the very same bytes; it is measured in
  the same rounds like any page and compared with Candor the same way. Its interval should hold 0,
  and its width is the noise of this run next to Candor's figures; the report warns when it does not
  hold 0. Candor is the widget copied because its load (a loader, a second hop, wasm compilation) is
  the most variable of the pages compared, so its A/A is the widest noise band that the paired
  difference of Candor against an anchor carries.
- **Script / main-thread ms**: CDP \`Performance.getMetrics\` \`ScriptDuration\` (JS compile and run,
  wasm instantiation) and \`TaskDuration\` (all main-thread work) for the whole visit: load, banner,
  the reject click, and 300 ms (1 s under 4× and mobile) of settling afterwards. The blank row is
  the page's own cost (and the measuring script's, the same everywhere).
- **Long tasks**: a \`PerformanceObserver\` for \`longtask\` (> 50 ms) registered before any page
  script; "loads" is how many loads had at least one, ms the median total.
- **JS heap**: \`JSHeapUsedSize\` after a forced GC (\`HeapProfiler.collectGarbage\`) at the end of the
  visit. **Wasm memory**: \`buffer.byteLength\` of every \`WebAssembly.Memory\` exported by instances
  the page created (\`WebAssembly.instantiate\`/\`instantiateStreaming\` wrapped by the init script); 0
  for the pure-JS anchors. The memory figure compares JS heap above the blank page plus wasm memory.
- **allows() ns**: after Reject all, in the 1× loads, each widget's own "is this allowed" call
  (\`candor.allows('analytics')\`, \`CookieConsent.acceptedCategory('analytics')\`,
  \`klaro.getManager().getConsent('analytics')\`, \`orejime.manager.getConsent('analytics')\`) in a
  generated tight loop (\`new Function\`, the call inlined in the loop body): 100,000 calls of
  warm-up, then the fastest of 5 batches of 1,000,000 calls.
- **candor-core natively**: \`cargo bench -p candor-core --bench decide\` (criterion; short warm-up and
  measurement times), the median estimate per bench.
- **Bytes have no target here**: the shipped bytes must not grow, which \`cargo xtask test\` checks
  against the budget in \`xtask/src/dist.rs\`.

\`cargo xtask bench --runs N\` changes the number of rounds, \`--profiles 1x,4x\` runs a subset of
the profiles, \`--only candor,orejime\` a subset of the pages (the blank page always, and Candor's A/A
copy with Candor unless \`--no-aa\`), \`--quick\` is a 3-round smoke test; those write only
\`bench/results/\`. The statistics are unit-tested without a browser: \`node --test bench/lib/\`.
`;

// -------------------------------------------------------------------- main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const upstream = (process.env.BENCH_BASE_URL || "").replace(/\/$/, "");
  if (!upstream) throw new Error("BENCH_BASE_URL is not set: run `cargo xtask bench`, which serves the pages and sets it");
  const widgets = selectWidgets(options);
  const profiles = PROFILES.filter((p) => options.profiles.includes(p.id));
  const full = !options.quick && !options.only && profiles.length === PROFILES.length && options.aa;

  let native = null;
  if (process.env.BENCH_NATIVE && existsSync(process.env.BENCH_NATIVE)) {
    native = JSON.parse(readFileSync(process.env.BENCH_NATIVE, "utf8"));
  }

  const front = await startFront(upstream, COPIES);
  const baseUrl = front.url;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  const started = Date.now();
  const date = new Date().toISOString();
  const mc = machine(`Chromium ${browser.version()}`);
  const results = [];
  const totalLoads = options.runs * profiles.length * widgets.length;
  let throttle = null;
  console.log(`    ${options.runs} rounds × ${profiles.length} profiles (${profiles.map((p) => p.id).join(", ")}) × ${widgets.length} pages (${widgets.map((w) => w.id).join(", ")}) = ${totalLoads} loads; load average ${mc.loadAverageAtStart.join(" ")}`);
  try {
    throttle = await throttleCheck(browser, baseUrl, profiles);
    const busy = Object.entries(throttle.busyLoopMs).map(([r, ms]) => `${r}x ${ms.toFixed(1)} ms`).join(", ");
    console.log(`    throttling check: busy loop ${busy}${throttle.ratio ? ` (x${throttle.ratio.toFixed(2)})` : ""}`);
    if (throttle.network) {
      const n = throttle.network;
      console.log(`    network check: ${n.path} (${fmtKB(n.encoded)} KB compressed) in ${Math.round(n.ms)} ms under the mobile profile, ${Math.round(n.expectedMs)} ms expected`);
    }
    // One untimed load per page first: the server's and the OS's file caches, not the browser's.
    for (const w of widgets) {
      const r = await measure(browser, baseUrl, w, profiles[0], false);
      if (r.error) console.log(`    warm-up ${w.id}: FAILED ${r.error} ${r.errors.join(" | ")}`);
    }
    for (let round = 0; round < options.runs; round += 1) {
      for (const profile of shuffled(profiles, round * 1000 + 7)) {
        const pIndex = PROFILES.indexOf(profile);
        for (const w of shuffled(widgets, round * 10 + pIndex + 1)) {
          const r = await measure(browser, baseUrl, w, profile, profile.id === "1x");
          r.round = round;
          results.push(r);
          if (r.error) console.log(`    round ${round + 1} ${profile.id} ${w.id}: FAILED ${r.error} ${(r.errors || []).join(" | ")}`);
        }
        const done = results.length;
        const elapsed = (Date.now() - started) / 1000;
        const left = (elapsed / done) * (totalLoads - done);
        const last = results.filter((r) => r.round === round && r.profile === profile.id);
        console.log(`    round ${round + 1}/${options.runs} ${profile.id.padEnd(6)} ${Math.round(elapsed)} s, ~${Math.ceil(left / 60)} min left: `
          + last.map((r) => `${r.widget} ${r.visible == null ? "—" : Math.round(r.visible)}/${r.hidden == null ? "—" : Math.round(r.hidden)}`).join(", "));
      }
    }
  } finally {
    await browser.close();
  }

  // The requests each page really made: its widget's files, its site files,
  // and the documented files it was expected to request.
  const sizes = {};
  const fileChecks = {};
  for (const w of widgets) {
    const rows = results.filter((r) => r.widget === w.id && r.requests);
    sizes[w.id] = await widgetFiles(w, rows, front);
    const names = sizes[w.id].files.map((f) => f.file);
    const missing = w.expect.filter((e) => !names.some((n) => n.endsWith(e)));
    const site = siteRequests(w, rows);
    // The A/A copy must request only its own copies (else it is not a copy).
    const stray = w.copyOf ? site.filter((p) => WIDGETS.find((x) => x.id === w.copyOf).prefixes.some((x) => p.startsWith(x))) : [];
    const siteSizes = [];
    for (const file of site) {
      const body = await front.served(file);
      if (body) siteSizes.push({ file, ...compressed(body) });
    }
    fileChecks[w.id] = { files: names, site, siteSizes, missing, stray };
    if (missing.length || stray.length) {
      console.log(`    warning: ${w.id} requested ${JSON.stringify(names)} and ${JSON.stringify(site)}; expected files ending in ${JSON.stringify(w.expect)}${stray.length ? `; the copy requested the original's ${JSON.stringify(stray)}` : ""}`);
    }
  }
  await front.close();

  const by = analyse(results, widgets, profiles);
  const secondsPerLoad = Object.fromEntries(profiles.map((p) => [p.id, (quantile(results.filter((r) => r.profile === p.id).map((r) => r.wallMs), 0.5) ?? 0) / 1000]));
  const report = {
    date,
    quick: options.quick,
    runs: options.runs,
    profiles: profiles.map((p) => p.id),
    profileSettings: profiles,
    loads: results.length,
    seconds: Math.round((Date.now() - started) / 1000),
    secondsPerLoad,
    machine: mc,
    loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
    throttle,
    acceptEncoding: [...front.offered],
    widgets: widgets.map(({ id, name, page, prefixes, banner, reject, allows }) => ({ id, name, page, prefixes, banner, reject, allows })),
    sizes,
    fileChecks,
    native,
    by,
    results,
  };
  report.comparisons = comparisons(results, widgets, profiles);
  report.otherTargets = otherTargets(by);
  const md = markdown(report);
  // A full run publishes (docs, README, the runs' log) only when it measured
  // what it reports: at most 1 load in 10 failed, and every comparison has pairs.
  const failed = results.filter((r) => r.error).length;
  const unpaired = report.comparisons.filter((c) => !c.vsFastest?.n || !c.aa?.n);
  const publishable = full && failed <= results.length / 10 && unpaired.length === 0;
  if (full && !publishable) {
    console.log(`    not publishing docs/benchmark.md, README.md and docs/benchmark-runs.md: ${failed} of ${results.length} loads failed`
      + `${unpaired.length ? `, ${unpaired.length} comparisons without pairs` : ""} (bench/results/ has the run)`);
  }

  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, "latest.json"), JSON.stringify(report, null, 1) + "\n");
  writeFileSync(join(RESULTS, "latest.md"), `# Candor benchmark\n\n${md}\n`);
  if (publishable) {
    const doc = `# Benchmark: Candor against the leading consent widgets\n\n`
      + `Run ${date.slice(0, 10)} with \`cargo xtask bench\` (${Math.round(report.seconds / 60)} min in the browser). Regenerated by every full run; `
      + `\`--quick\`, \`--profiles\` and \`--only\` runs write only \`bench/results/\`.\n\n${md}\n\n${METHOD}`;
    mkdirSync(join(ROOT, "docs"), { recursive: true });
    writeFileSync(join(ROOT, "docs", "benchmark.md"), doc);
    publish(report);
  }
  console.log("\n" + md + "\n");
  const aaBad = report.comparisons.filter((c) => c.aaContainsZero === false);
  if (aaBad.length) {
    const bar = "!".repeat(78);
    console.log(`${bar}\n!!! A/A CONTROL: the interval of Candor's copy against Candor does not hold 0\n!!! (${aaBad.map((c) => `${c.profile} ${metricTitle(c.metric)} ${fmtSigned(c.aa.median)} ms ${fmtInterval(c.aa)}`).join("; ")}):\n!!! this run is noisier than its intervals say; do not trust its comparisons.\n${bar}`);
  }
  console.log(`    wrote bench/results/latest.json, bench/results/latest.md${publishable ? ", docs/benchmark.md, README.md, docs/benchmark-runs.md" : ""} (${report.seconds} s, ${results.length} loads)`);
  if (results.some((r) => r.error)) process.exitCode = 1;
}

/**
 * A full run also (1) replaces README.md's summary line, between the markers
 * `<!-- bench:start -->` and `<!-- bench:end -->`, and (2) adds its summary
 * at the top of docs/benchmark-runs.md, the log of every full run (so runs on
 * different occasions can be compared, and none is lost).
 */
function publish(report) {
  const readmePath = join(ROOT, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const marked = /(<!-- bench:start -->\n)[\s\S]*?(\n<!-- bench:end -->)/;
  if (marked.test(readme)) {
    writeFileSync(readmePath, readme.replace(marked, (_, a, b) => a + readmeLine(report) + b));
  } else {
    console.log("    warning: README.md has no <!-- bench:start --> / <!-- bench:end --> markers; its summary is not updated");
  }
  const logPath = join(ROOT, "docs", "benchmark-runs.md");
  const title = "# Every full benchmark run, newest first\n\nWritten by `cargo xtask bench` (full runs only); each entry is that run's summary (the older ones: the main table and the targets compared by medians; the newer ones: the paired differences against the fastest anchor with the A/A control, then the main table). The method is in [benchmark.md](benchmark.md).\n";
  let old = existsSync(logPath) ? readFileSync(logPath, "utf8") : "";
  const firstEntry = old.indexOf("\n## ");
  old = firstEntry >= 0 ? old.slice(firstEntry) : "";
  const entry = `\n## ${report.date.slice(0, 16).replace("T", " ")} UTC, Candor ${report.machine.commit}\n\n${headerLine(report)}\n\n${pairedLines(report).join("\n")}\n\n${mainTableLines(report).join("\n")}\n`;
  writeFileSync(logPath, title + entry + old);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Stopped (Ctrl-C, kill): stop at once, publish nothing. (Playwright's own
  // handlers would close the browser and let the run go on with failed loads;
  // its exit hook still kills the browser.)
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) {
    process.on(signal, () => {
      console.error(`\n    ${signal}: benchmark stopped, nothing published`);
      process.exit(code);
    });
  }
  main().catch((e) => {
    console.error(`error: ${e.stack || e.message}`);
    process.exit(1);
  });
}
