// Candor against the leading open-source consent widgets, in one run.
//
//   cargo xtask bench [--runs N] [--quick]      (builds, serves, runs this)
//   BENCH_BASE_URL=http://127.0.0.1:PORT node bench/run.mjs [--runs N] [--quick]
//
// Every widget is measured in the same run, each measurement in a fresh
// browser context (cold caches, no stored choice: a first visit), at normal
// speed and under 4x CPU throttling, in an order shuffled per round so that
// the machine's noise is spread over all of them. Writes
// bench/results/latest.{json,md} and (unless --quick) docs/benchmark.md.
// How each figure is measured: docs/benchmark.md, "How it is measured".
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { benchInstrument } from "./lib/instrument.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const RESULTS = join(HERE, "results");
// cargo xtask bench serves a snapshot of dist/candor taken right after its
// build, so that another build during the run cannot swap the files.
const CANDOR_DIR = relative(ROOT, process.env.BENCH_CANDOR_DIR || join(ROOT, "dist", "candor"));

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

const SPEEDS = [1, 4];
const ALLOWS_CALLS = 1_000_000;
const ALLOWS_BATCHES = 5;

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
 * The widgets. `files`: what a site serves for the widget (paths from the
 * repository root), checked against the requests the page really makes.
 * `banner`/`reject`: the first-layer banner and its "Reject all" button;
 * `api`/`allows`: the widget's own "is this purpose allowed" call.
 */
const WIDGETS = [
  {
    id: "blank",
    name: "blank page (baseline)",
    page: "/blank.html",
    files: [],
    banner: "h1", // the page's own heading: when the page is painted
  },
  {
    id: "candor",
    name: `Candor ${candorVersion()}`,
    page: "/candor.html",
    files: ["candor.js", "candor_web.js", "candor_web_bg.wasm"].map((f) => join(CANDOR_DIR, f)),
    config: ["bench/pages/candor-bench.json"],
    host: "#candor",
    banner: '[role="dialog"]:has([data-action="reject-all"])',
    reject: '[data-action="reject-all"]',
    api: "window.candor",
    allows: 'api.allows("analytics")',
  },
  {
    id: "cookieconsent",
    name: `vanilla-cookieconsent ${pkgVersion("vanilla-cookieconsent")}`,
    page: "/cookieconsent.html",
    files: [
      "bench/node_modules/vanilla-cookieconsent/dist/cookieconsent.umd.js",
      "bench/node_modules/vanilla-cookieconsent/dist/cookieconsent.css",
    ],
    banner: "#cc-main .cm",
    reject: '[data-role="necessary"]',
    api: "window.CookieConsent",
    allows: 'api.acceptedCategory("analytics")',
  },
  {
    id: "klaro",
    name: `Klaro ${pkgVersion("klaro")}`,
    page: "/klaro.html",
    files: ["bench/node_modules/klaro/dist/klaro.js"], // CSS included in the JS
    banner: "#klaro-cookie-notice",
    reject: ".cn-decline",
    api: "window.klaro.getManager()",
    allows: 'api.getConsent("analytics")',
  },
  {
    id: "orejime",
    name: `Orejime ${pkgVersion("orejime")}`,
    page: "/orejime.html",
    files: ["bench/node_modules/orejime/dist/orejime-standard-en.js", "bench/node_modules/orejime/dist/orejime-standard.css"],
    banner: ".orejime-Banner",
    reject: ".orejime-Banner-declineButton",
    api: "window.orejime.manager",
    allows: 'api.getConsent("analytics")',
  },
];
const ANCHORS = ["cookieconsent", "klaro", "orejime"];

// ------------------------------------------------------------------ options

function parseArgs(argv) {
  const o = { runs: 15, quick: false, only: null };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === "--quick") o.quick = true;
    else if (a === "--runs") o.runs = Number(argv[++i]);
    else if (a.startsWith("--runs=")) o.runs = Number(a.slice(7));
    else if (a === "--only") o.only = argv[++i].split(",");
    else throw new Error(`unknown option ${a} (use --runs N, --quick, --only id,id)`);
  }
  if (o.quick && !argv.some((a) => a.startsWith("--runs"))) o.runs = 3;
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error("--runs needs a positive whole number");
  return o;
}

// -------------------------------------------------------------- statistics

export function quantile(values, q) {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  // Nearest rank on the sorted sample; the median of an even count is the mean of the two middle values.
  if (q === 0.5 && v.length % 2 === 0) return (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))];
}

function summary(values) {
  return { median: quantile(values, 0.5), p90: quantile(values, 0.9), n: values.filter((x) => x != null).length };
}

// A small seeded PRNG, so that an order can be reproduced from the round number.
function shuffled(items, seed) {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const a = [...items];
  for (let i = a.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// ------------------------------------------------------------------- bytes

function fileSizes(paths) {
  const files = paths.map((p) => {
    const body = readFileSync(join(ROOT, p));
    return {
      file: p,
      raw: body.length,
      gzip: gzipSync(body, { level: 9 }).length,
      brotli: brotliCompressSync(body, {
        params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length },
      }).length,
    };
  });
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) for (const k of Object.keys(total)) total[k] += f[k];
  return { files, total };
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

async function measure(browser, baseUrl, w, rate, withAllows) {
  const timeoutMs = rate === 1 ? 20_000 : 60_000;
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    reducedMotion: "reduce",
    serviceWorkers: "block",
  });
  context.setDefaultTimeout(timeoutMs + 10_000);
  try {
    await context.addInitScript(benchInstrument, {
      host: w.host ?? null,
      banner: w.banner,
      reject: w.reject ?? null,
      timeoutMs,
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    const requests = [];
    const errors = [];
    page.on("request", (r) => requests.push(new URL(r.url()).pathname));
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(baseUrl + w.page, { waitUntil: "load" });
    await page.evaluate(() => window.__benchDone);
    // Let the work a click or a load leaves behind (storage writes, deferred
    // renders) land inside the main-thread figures.
    await page.waitForTimeout(rate === 1 ? 300 : 1000);
    await cdp.send("HeapProfiler.collectGarbage");
    const { metrics } = await cdp.send("Performance.getMetrics");
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const state = await page.evaluate(() => {
      const B = window.__bench;
      return {
        visible: B.visible,
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
        })),
      };
    });
    let allows = null;
    if (withAllows && w.allows && !state.error) {
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
      allows = await page.evaluate(allowsLoop, { api: w.api, expr: w.allows, calls: ALLOWS_CALLS, batches: ALLOWS_BATCHES });
    }
    return {
      widget: w.id,
      rate,
      ...state,
      rejectHandled: state.hidden,
      clickToHidden: state.hidden != null && state.click != null ? state.hidden - state.click : null,
      longTaskCount: state.longtasks.length,
      longTaskMs: state.longtasks.reduce((s, [, d]) => s + d, 0),
      scriptMs: m.ScriptDuration * 1000,
      taskMs: m.TaskDuration * 1000,
      layoutMs: (m.LayoutDuration + m.RecalcStyleDuration) * 1000,
      jsHeapUsed: m.JSHeapUsedSize,
      nodes: m.Nodes,
      allows,
      requests,
      errors,
    };
  } finally {
    await context.close().catch(() => {});
  }
}

/** Checks that 4x throttling really slows the page down (reported in the JSON). */
async function throttleCheck(browser, baseUrl) {
  const out = {};
  for (const rate of SPEEDS) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    await page.goto(baseUrl + "/blank.html");
    out[rate] = await page.evaluate(() => {
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
  return { busyLoopMs: out, ratio: out[4] / out[1] };
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
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "crates"], { cwd: ROOT, encoding: "utf8" }).trim();
    if (dirty) commit += " + uncommitted changes in crates/";
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

// ----------------------------------------------------------------- report

const fmtKB = (b) => (b == null ? "—" : (b / 1000).toFixed(1));
const fmtMs = (s) => (s && s.median != null ? `${Math.round(s.median)} / ${Math.round(s.p90)}` : "—");
const fmtNum = (x, d = 1) => (x == null ? "—" : x.toFixed(d));

/** Median start and end of each request the page made, in load order. */
function waterfall(rows) {
  const paths = [];
  for (const r of rows) for (const e of r.resources || []) if (!paths.includes(e.path)) paths.push(e.path);
  return paths.map((path) => {
    const es = rows.map((r) => (r.resources || []).find((e) => e.path === path)).filter(Boolean);
    return { path, start: quantile(es.map((e) => e.start), 0.5), end: quantile(es.map((e) => e.responseEnd), 0.5) };
  });
}

function analyse(results, sizes, widgets) {
  const by = {};
  for (const w of widgets) {
    const rows = (rate) => results.filter((r) => r.widget === w.id && r.rate === rate && !r.error);
    const n1 = rows(1);
    const n4 = rows(4);
    by[w.id] = {
      bytes: sizes[w.id].total,
      failures: results.filter((r) => r.widget === w.id && r.error).length,
      visible: { 1: summary(n1.map((r) => r.visible)), 4: summary(n4.map((r) => r.visible)) },
      reject: { 1: summary(n1.map((r) => r.rejectHandled)), 4: summary(n4.map((r) => r.rejectHandled)) },
      clickToHidden: { 1: summary(n1.map((r) => r.clickToHidden)), 4: summary(n4.map((r) => r.clickToHidden)) },
      clicksMax: Math.max(0, ...[...n1, ...n4].map((r) => r.clicks ?? 0)),
      fcp: { 1: summary(n1.map((r) => r.fcp)), 4: summary(n4.map((r) => r.fcp)) },
      scriptMs: { 1: summary(n1.map((r) => r.scriptMs)), 4: summary(n4.map((r) => r.scriptMs)) },
      taskMs: { 1: summary(n1.map((r) => r.taskMs)), 4: summary(n4.map((r) => r.taskMs)) },
      longTaskCount: { 1: summary(n1.map((r) => r.longTaskCount)), 4: summary(n4.map((r) => r.longTaskCount)) },
      longTaskMs: { 1: summary(n1.map((r) => r.longTaskMs)), 4: summary(n4.map((r) => r.longTaskMs)) },
      runsWithLongTask: { 1: n1.filter((r) => r.longTaskCount > 0).length, 4: n4.filter((r) => r.longTaskCount > 0).length },
      runs: { 1: n1.length, 4: n4.length },
      jsHeap: summary(n1.map((r) => r.jsHeapUsed)),
      wasmMemory: summary(n1.map((r) => r.wasmMemory)),
      allowsNs: summary(n1.map((r) => r.allows?.nsPerCall ?? null)),
      allowsAnswer: n1.find((r) => r.allows)?.allows.answer ?? null,
      waterfall: { 1: waterfall(n1), 4: waterfall(n4) },
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

function targets(by) {
  const c = by.candor;
  const anchors = ANCHORS.filter((a) => by[a]);
  if (!c || anchors.length === 0) return [];
  const minOf = (f) => Math.min(...anchors.map((a) => f(by[a])).filter((x) => x != null));
  const argMin = (f) => anchors.reduce((best, a) => (f(by[a]) != null && (best == null || f(by[a]) < f(by[best])) ? a : best), null);
  const t = [];
  const smallest = argMin((s) => s.bytes.brotli);
  t.push({
    target: "brotli bytes below the smallest anchor",
    candor: `${fmtKB(c.bytes.brotli)} KB`,
    against: `${fmtKB(by[smallest].bytes.brotli)} KB (${smallest})`,
    ok: c.bytes.brotli < by[smallest].bytes.brotli,
  });
  for (const [what, key] of [
    ["banner visible", "visible"],
    ["Reject all handled", "reject"],
  ]) {
    for (const rate of SPEEDS) {
      const f = (s) => s[key][rate].median;
      const fastest = argMin(f);
      t.push({
        target: `${what} no later than the fastest anchor, ${rate === 1 ? "normal speed" : "4× CPU throttling"} (median ms)`,
        candor: fmtNum(f(c), 0),
        against: `${fmtNum(f(by[fastest]), 0)} (${fastest})`,
        ok: f(c) != null && f(c) <= f(by[fastest]),
      });
    }
  }
  t.push({
    target: "no long task at normal speed (p90 of the count is 0)",
    candor: `${c.runsWithLongTask[1]}/${c.runs[1]} runs had one`,
    against: "0",
    ok: c.longTaskCount[1].p90 === 0,
  });
  const lightest = argMin((s) => s.memory);
  t.push({
    target: "JS heap (above blank) + wasm memory at most 2× the lightest anchor",
    candor: `${fmtKB(c.memory)} KB`,
    against: `2 × ${fmtKB(by[lightest].memory)} KB (${lightest})`,
    ok: c.memory != null && c.memory <= 2 * minOf((s) => s.memory),
  });
  t.push({
    target: "allows() at most 20 ns per call",
    candor: `${fmtNum(c.allowsNs.median)} ns`,
    against: "20 ns",
    ok: c.allowsNs.median != null && c.allowsNs.median <= 20,
  });
  return t;
}

/** The date-and-machine line and the main table: what the README shows. */
function summaryLines(report) {
  const { by, widgets, machine: mc, runs, date, quick } = report;
  const L = [];
  L.push(`Measured ${date.slice(0, 16).replace("T", " ")} UTC, Candor built from ${mc.commit}, on ${mc.nproc} cores (${mc.cpu}), ${mc.memoryGiB} GiB, ${mc.chromium} headless, node ${mc.node}; `
    + `${runs} runs per widget and speed${quick ? " (--quick)" : ""}, fresh browser context each, order shuffled per round; load average at start ${mc.loadAverageAtStart.join(" ")}. `
    + "The machine is shared with other engineers' builds, so timings carry their noise.");
  L.push("");
  L.push("| widget | brotli KB | gzip KB | raw KB | banner visible ms 1× | 4× | Reject all handled ms 1× | 4× | script ms 1× | long tasks 1× (runs / ms) | JS heap KB | wasm memory KB | allows() ns |");
  L.push("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const w of widgets) {
    const s = by[w.id];
    const fail = s.failures ? ` (${s.failures} failed)` : "";
    L.push(`| ${w.name}${fail} | ${fmtKB(s.bytes.brotli)} | ${fmtKB(s.bytes.gzip)} | ${fmtKB(s.bytes.raw)} | `
      + `${fmtMs(s.visible[1])} | ${fmtMs(s.visible[4])} | ${w.reject ? fmtMs(s.reject[1]) : "—"} | ${w.reject ? fmtMs(s.reject[4]) : "—"} | `
      + `${fmtMs(s.scriptMs[1])} | ${s.runsWithLongTask[1]}/${s.runs[1]} / ${fmtNum(s.longTaskMs[1].median, 0)} | `
      + `${fmtKB(s.jsHeap.median)} | ${w.id === "blank" ? "—" : fmtKB(s.wasmMemory.median)} | ${w.allows ? fmtNum(s.allowsNs.median) : "—"} |`);
  }
  return L;
}

/** Issue 6's targets, Candor against the anchors of the same run. */
function targetLines(report) {
  const L = [];
  L.push("| target | Candor | to beat | |");
  L.push("|---|--:|--:|:-:|");
  for (const t of report.targets) L.push(`| ${t.target} | ${t.candor} | ${t.against} | ${t.ok ? "✓" : "✗"} |`);
  return L;
}

function markdown(report) {
  const { by, widgets, native } = report;
  const L = summaryLines(report);
  L.push("");
  L.push("Times are median / p90 in ms from navigation start. The blank page's \"banner visible\" is its heading painted. "
    + "JS heap is V8's used heap after a forced GC, page included (the blank page is the baseline); wasm memory is the byte length of every WebAssembly.Memory the page instantiated.");
  L.push("");
  L.push("| widget | click → banner gone ms 1× | 4× | clicks needed (max) | first contentful paint ms 1× | 4× | main-thread tasks ms 1× | 4× | script ms 4× | long tasks 4× (runs / ms) | allows() answer after Reject all |");
  L.push("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
  for (const w of widgets) {
    const s = by[w.id];
    L.push(`| ${w.name} | ${w.reject ? fmtMs(s.clickToHidden[1]) : "—"} | ${w.reject ? fmtMs(s.clickToHidden[4]) : "—"} | ${w.reject ? s.clicksMax : "—"} | ${fmtMs(s.fcp[1])} | ${fmtMs(s.fcp[4])} | `
      + `${fmtMs(s.taskMs[1])} | ${fmtMs(s.taskMs[4])} | ${fmtMs(s.scriptMs[4])} | ${s.runsWithLongTask[4]}/${s.runs[4]} / ${fmtNum(s.longTaskMs[4].median, 0)} | ${w.allows ? String(s.allowsAnswer) : "—"} |`);
  }
  L.push("");
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
  L.push("Where each widget's time goes at normal speed (median ms from navigation start: each request's start → end, then the banner):");
  L.push("");
  for (const w of widgets.filter((x) => x.files.length)) {
    const s = by[w.id];
    const steps = s.waterfall[1].map((e) => `\`${e.path.split("/").pop()}\` ${fmtNum(e.start, 0)}→${fmtNum(e.end, 0)}`);
    L.push(`- ${w.name}: ${steps.join(", ")}; banner ${fmtNum(s.visible[1].median, 0)}`);
  }
  L.push("");
  L.push("Targets of issue 6, Candor against the anchors in this run:");
  L.push("");
  L.push(...targetLines(report));
  L.push("");
  L.push("Files per widget (what a site downloads, compressed here with gzip -9 and brotli q11):");
  L.push("");
  for (const w of widgets.filter((x) => x.files.length)) {
    L.push(`- ${w.name}: ${report.sizes[w.id].files.map((f) => `\`${f.file.startsWith(CANDOR_DIR + "/") ? `dist/candor/${basename(f.file)}` : f.file.replace(/^bench\/node_modules\//, "")}\` ${fmtKB(f.brotli)} KB br`).join(", ")}`);
  }
  return L.join("\n");
}

const METHOD = `## How it is measured

\`cargo xtask bench\` installs the anchors from npm as pinned dev dependencies of \`bench/\`
(\`npm ci\`), builds Candor (\`cargo xtask build\`), runs candor-core's criterion bench, serves
\`bench/pages/\`, \`dist/candor/\` and \`bench/node_modules/\` on 127.0.0.1 (xtask's static server) and runs
\`node bench/run.mjs\`. Each page is the same heading and paragraph plus one widget with the same
configuration: 4 purposes (essential/required, analytics, personalization, ads), English, a banner
on the first visit with Accept all, Reject all (cookieconsent's \`acceptNecessaryBtn\`, Klaro's and
Orejime's *Decline*) and Customize. Every widget script is loaded \`async\` from \`<head>\`; the anchors'
stylesheets are \`<link rel="stylesheet">\` as their docs show; Candor's config is fetched from
\`data-config\`, the anchors' configs are inline.

- **Bytes**: the files each page requests for the widget (listed above; checked against the
  requests the page makes), raw, gzip level 9 and brotli quality 11 with node's zlib. Configs
  are not counted.
- **Every page load** happens in a fresh browser context (empty HTTP cache, code cache and
  storage: a first visit), 1280×800, \`prefers-reduced-motion: reduce\` (so cookieconsent's
  0.25 s fade is off, as it is for visitors who ask; the other widgets do not animate the banner),
  at normal speed and under 4× CPU throttling (CDP \`Emulation.setCPUThrottlingRate\`, checked
  with a busy loop). Rounds interleave all widgets in a shuffled order.
- **Banner visible**: an init script (identical on every page) polls once per animation frame and
  records \`performance.now()\` (origin: navigation start) in the first frame where the banner
  element is connected, has a non-zero box and passes \`checkVisibility({opacityProperty,
  visibilityProperty})\`. Candor's banner is the \`[role=dialog]\` holding
  \`[data-action=reject-all]\` in \`#candor\`'s open shadow root; cookieconsent \`#cc-main .cm\`; Klaro
  \`#klaro-cookie-notice\`; Orejime \`.orejime-Banner\`. Frame-quantized (one frame ≈ 16.7 ms).
- **Reject all handled**: in the first task after that frame (\`setTimeout(0)\` queued from it, so
  the banner is painted first) the script clicks the widget's Reject all button (\`element.click()\`,
  no CDP round trip), then polls each frame until the banner is no longer rendered; the figure
  is that frame's time from navigation start. "click → banner gone" is the same minus the first
  click's time. A widget that drops the click (Orejime shows its banner a frame before its
  handlers work) is clicked again after every frame in which the banner is still shown, as an
  impatient shopper would; "clicks needed" says how many it took.
- **Script / main-thread ms**: CDP \`Performance.getMetrics\` \`ScriptDuration\` (JS compile and run,
  wasm instantiation) and \`TaskDuration\` (all main-thread work) for the whole visit: load, banner,
  the reject click, and 300 ms (1 s at 4×) of settling afterwards. The blank row is the page's own
  cost (and the measuring script's, the same everywhere).
- **Long tasks**: a \`PerformanceObserver\` for \`longtask\` (> 50 ms) registered before any page
  script; "runs" is how many runs had at least one, ms the median total.
- **JS heap**: \`JSHeapUsedSize\` after a forced GC (\`HeapProfiler.collectGarbage\`) at the end of the
  visit. **Wasm memory**: \`buffer.byteLength\` of every \`WebAssembly.Memory\` exported by instances
  the page created (\`WebAssembly.instantiate\`/\`instantiateStreaming\` wrapped by the init script); 0
  for the pure-JS anchors. The memory target compares JS heap above the blank page plus wasm memory.
- **allows() ns**: after Reject all, at normal speed, each widget's own "is this allowed" call
  (\`candor.allows('analytics')\`, \`CookieConsent.acceptedCategory('analytics')\`,
  \`klaro.getManager().getConsent('analytics')\`, \`orejime.manager.getConsent('analytics')\`) in a
  generated tight loop (\`new Function\`, the call inlined in the loop body): 100,000 calls of
  warm-up, then the fastest of 5 batches of 1,000,000 calls.
- **candor-core natively**: \`cargo bench -p candor-core --bench decide\` (criterion; short warm-up and
  measurement times), the median estimate per bench.
`;

// -------------------------------------------------------------------- main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const baseUrl = (process.env.BENCH_BASE_URL || "").replace(/\/$/, "");
  if (!baseUrl) throw new Error("BENCH_BASE_URL is not set: run `cargo xtask bench`, which serves the pages and sets it");
  const widgets = WIDGETS.filter((w) => !options.only || w.id === "blank" || options.only.includes(w.id));
  for (const w of widgets) {
    for (const f of w.files) {
      if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing (cargo xtask bench builds Candor and installs the anchors)`);
    }
  }
  const sizes = Object.fromEntries(widgets.map((w) => [w.id, fileSizes(w.files)]));

  let native = null;
  if (process.env.BENCH_NATIVE && existsSync(process.env.BENCH_NATIVE)) {
    native = JSON.parse(readFileSync(process.env.BENCH_NATIVE, "utf8"));
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  const started = Date.now();
  const date = new Date().toISOString();
  const mc = machine(`Chromium ${browser.version()}`);
  const results = [];
  let throttle = null;
  try {
    throttle = await throttleCheck(browser, baseUrl);
    console.log(`    4x throttling check: busy loop ${throttle.busyLoopMs[1].toFixed(1)} ms -> ${throttle.busyLoopMs[4].toFixed(1)} ms (x${throttle.ratio.toFixed(2)})`);
    // One untimed load per widget first: the server's and the OS's file caches, not the browser's.
    for (const w of widgets) await measure(browser, baseUrl, w, 1, false);
    for (let round = 0; round < options.runs; round += 1) {
      for (const rate of SPEEDS) {
        for (const w of shuffled(widgets, round * 10 + rate)) {
          const r = await measure(browser, baseUrl, w, rate, rate === 1);
          r.round = round;
          results.push(r);
          if (r.error) console.log(`    round ${round + 1} ${rate}x ${w.id}: FAILED ${r.error} ${r.errors.join(" | ")}`);
        }
      }
      const last = results.filter((r) => r.round === round && r.rate === 1);
      console.log(`    round ${round + 1}/${options.runs} (${Math.round((Date.now() - started) / 1000)} s): `
        + last.map((r) => `${r.widget} ${r.visible == null ? "—" : Math.round(r.visible)}/${r.hidden == null ? "—" : Math.round(r.hidden)} ms`).join(", "));
    }
  } finally {
    await browser.close();
  }

  // The requests each page really made for its widget, against the listed files.
  const fileChecks = {};
  for (const w of widgets) {
    const seen = new Set(results.filter((r) => r.widget === w.id).flatMap((r) => r.requests));
    const expected = w.files.map((f) => (f.startsWith(CANDOR_DIR + "/") ? `/candor/${basename(f)}` : f.replace("bench/node_modules/", "/vendor/")));
    const extra = [...seen].filter((p) => p !== w.page && !expected.includes(p) && !(w.config || []).some((c) => p.endsWith(c.split("/").pop())));
    fileChecks[w.id] = { expected, missing: expected.filter((p) => !seen.has(p)), extra };
    if (fileChecks[w.id].missing.length || extra.length) {
      console.log(`    warning: ${w.id} requested ${JSON.stringify([...seen])}, expected ${JSON.stringify(expected)}`);
    }
  }

  const by = analyse(results, sizes, widgets);
  const report = {
    date,
    quick: options.quick,
    runs: options.runs,
    seconds: Math.round((Date.now() - started) / 1000),
    machine: mc,
    throttle,
    widgets: widgets.map(({ id, name, page, files, banner, reject, allows }) => ({ id, name, page, files, banner, reject, allows })),
    sizes,
    fileChecks,
    native,
    by,
    results,
  };
  report.targets = targets(by);
  const md = markdown(report);

  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, "latest.json"), JSON.stringify(report, null, 1) + "\n");
  writeFileSync(join(RESULTS, "latest.md"), `# Candor benchmark\n\n${md}\n`);
  if (!options.quick && !options.only) {
    const doc = `# Benchmark: Candor against the leading consent widgets\n\n`
      + `Run ${date.slice(0, 10)} with \`cargo xtask bench\` (${report.seconds} s in the browser). Regenerated by every full run; `
      + `\`--quick\` runs write only \`bench/results/\`.\n\n${md}\n\n${METHOD}`;
    mkdirSync(join(ROOT, "docs"), { recursive: true });
    writeFileSync(join(ROOT, "docs", "benchmark.md"), doc);
    publish(report);
  }
  console.log("\n" + md + "\n");
  console.log(`    wrote bench/results/latest.json, bench/results/latest.md${!options.quick && !options.only ? ", docs/benchmark.md" : ""} (${report.seconds} s)`);
  if (results.some((r) => r.error)) process.exitCode = 1;
}

/**
 * A full run also (1) replaces the README's table, between the markers
 * `<!-- bench:start -->` and `<!-- bench:end -->`, and (2) adds its summary
 * at the top of docs/benchmark-runs.md, the log of every full run (so
 * runs on different occasions can be compared, and none is lost).
 */
function publish(report) {
  const summary = [...summaryLines(report), "", ...targetLines(report)].join("\n");
  const readmePath = join(ROOT, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const marked = /(<!-- bench:start -->\n)[\s\S]*?(\n<!-- bench:end -->)/;
  if (marked.test(readme)) {
    writeFileSync(readmePath, readme.replace(marked, (_, a, b) => a + summary + b));
  } else {
    console.log("    warning: README.md has no <!-- bench:start --> / <!-- bench:end --> markers; its table is not updated");
  }
  const logPath = join(ROOT, "docs", "benchmark-runs.md");
  const title = "# Every full benchmark run, newest first\n\nWritten by `cargo xtask bench` (not `--quick`); each entry is that run's main table and issue 6's targets. The method is in [benchmark.md](benchmark.md).\n";
  const old = existsSync(logPath) ? readFileSync(logPath, "utf8").replace(title, "") : "";
  const entry = `\n## ${report.date.slice(0, 16).replace("T", " ")} UTC, Candor ${report.machine.commit}\n\n${summary}\n`;
  writeFileSync(logPath, title + entry + old);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  });
}
