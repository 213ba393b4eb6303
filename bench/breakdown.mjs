// Where Candor's start-up time goes, step by step, for one or more builds
// compared in interleaved rounds.
//
//   node bench/breakdown.mjs [--runs N] [--profiles 1x,4x] [--snippet name,name]
//                            [--dist label=DIR ...]
//
// Each `--dist` is a built `dist/candor` folder (default: this checkout's
// `dist/candor`, labelled "current"); each `--snippet` an embed of the bench
// page (default `recommended`; `async` is a plain async script with the
// config fetched; `blocking` a plain script at the end of the body, as
// Orejime embeds, with the config inline and the wasm preloaded; `early`
// a probe that times a wasm compile started by an inline script). Every
// combination is loaded once per round, in an order shuffled per round,
// each load in a fresh browser context at the given CPU
// slowdown; the medians of each step are printed, and for two or more
// variants the paired difference of "banner visible" against the first one,
// with a 90% interval of its median.
//
// The steps are the loader's User Timing marks (`candor:start`,
// `candor:config`, `candor:compiled`, `candor:instantiated`, `candor:new`,
// `candor:mount`, `candor:attach-start`, `candor:attach`) and the resource
// timing of candor.js and the wasm; a build without the marks shows "–".
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { benchInstrument } from "./lib/instrument.mjs";
import { pairedComparison, quantile, shuffled } from "./lib/stats.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(opt("--runs", "20"));
const profiles = opt("--profiles", "1x,4x").split(",").map((p) => ({ id: p, cpu: Number(p.replace("x", "")) }));
const snippets = opt("--snippet", "recommended").split(",");
const dists = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--dist") {
    const [label, dir] = args[i + 1].includes("=") ? args[i + 1].split("=") : [args[i + 1], args[i + 1]];
    dists.push({ label, dir: resolve(dir) });
  }
}
if (dists.length === 0) dists.push({ label: "current", dir: join(ROOT, "dist", "candor") });

const CONFIG = readFileSync(join(HERE, "pages", "candor-bench.json"), "utf8");
const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".html": "text/html", ".txt": "text/plain" };

/** The bench page with `snippet` for the build at `/d<k>/`. */
function page(k, snippet) {
  const base = `/d${k}/`;
  const body = `<main><h1>Trail &amp; Tide outfitters</h1><p>Waterproof jackets, tents and stoves for the weekend.</p></main>`;
  let head;
  let tail = "";
  // No integrity attribute: Chromium ignores it on a fetch preload (and
  // warns), and the loader's own fetch checks the hash of the bytes it
  // takes over from the preload.
  const preload = `<link rel="preload" href="${base}candor_web_bg.wasm" as="fetch" type="application/wasm" crossorigin>\n`;
  const inline = `<script type="application/json" id="candor-config">${CONFIG}</script>\n`;
  if (snippet === "async") {
    // A plain async script, the config fetched.
    head = `<script src="${base}candor.js" data-config="/candor-bench.json" async></script>`;
  } else if (snippet === "high") {
    // The same at high fetch priority.
    head = `<script src="${base}candor.js" data-config="/candor-bench.json" async fetchpriority="high"></script>`;
  } else if (snippet === "preload") {
    // High priority, the wasm preloaded, the config fetched.
    head = preload + `<script src="${base}candor.js" data-config="/candor-bench.json" async fetchpriority="high"></script>`;
  } else if (snippet === "inline") {
    // High priority, the config inline, no preload.
    head = inline + `<script src="${base}candor.js" async fetchpriority="high"></script>`;
  } else if (snippet === "preloads") {
    // High priority, the wasm and the config file preloaded.
    head =
      preload +
      `<link rel="preload" href="/candor-bench.json" as="fetch" crossorigin>\n` +
      `<script src="${base}candor.js" data-config="/candor-bench.json" async fetchpriority="high"></script>`;
  } else if (snippet === "recommended") {
    // High priority, the wasm preloaded, the config inline.
    head = inline + preload + `<script src="${base}candor.js" async fetchpriority="high"></script>`;
  } else if (snippet === "early") {
    // A probe, not an embed: the recommended snippet plus an inline script
    // that compiles the wasm while the HTML is parsed, to time a compile
    // started then (the loader does not use that module; its own compile
    // runs as usual, beside it).
    head =
      inline +
      preload +
      `<script>performance.mark("candor:early-start");WebAssembly.compileStreaming(fetch("${base}candor_web_bg.wasm")).then(() => performance.mark("candor:early-compiled"));</script>\n` +
      `<script src="${base}candor.js" async fetchpriority="high"></script>`;
  } else if (snippet === "blocking") {
    // The config inline and the wasm preloaded in the head, a plain
    // (parser-blocking) script at the end of the body, as Orejime embeds.
    head = inline + preload;
    tail = `<script src="${base}candor.js"></script>`;
  } else {
    throw new Error(`unknown snippet ${snippet}`);
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Bench</title>\n${head}\n</head><body>${body}${tail}</body></html>`;
}

function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const m = /^\/p(\d+)-(\w+)\.html$/.exec(url.pathname);
    if (m) {
      res.writeHead(200, { "content-type": "text/html", "cache-control": "no-store" });
      res.end(page(Number(m[1]), m[2]));
      return;
    }
    if (url.pathname === "/candor-bench.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(CONFIG);
      return;
    }
    const d = /^\/d(\d+)\/(.+)$/.exec(url.pathname);
    const dir = d && dists[Number(d[1])]?.dir;
    const file = dir && resolve(dir, d[2]);
    if (!file || !file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

const STEPS = ["start", "config", "compiled", "instantiated", "new", "texts", "mount", "visible", "attach-start", "attach"];

async function load(browser, origin, k, snippet, profile) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: "reduce", serviceWorkers: "block" });
  try {
    const p = await context.newPage();
    const cdp = await context.newCDPSession(p);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: profile.cpu });
    await context.addInitScript(benchInstrument, { host: "#candor", banner: '[role="dialog"]:has([data-action="reject-all"])', reject: null, timeoutMs: 20000 });
    await p.goto(`${origin}/p${k}-${snippet}.html`, { waitUntil: "load" });
    await p.evaluate(() => window.__benchDone);
    await p.waitForTimeout(300);
    return await p.evaluate(() => {
      const out = { visible: window.__bench.visible, error: window.__bench.error };
      for (const m of performance.getEntriesByType("mark")) if (m.name.startsWith("candor:")) out[m.name.slice(7)] = m.startTime;
      for (const r of performance.getEntriesByType("resource")) {
        if (r.name.endsWith("candor.js")) out.scriptEnd = r.responseEnd;
        if (r.name.endsWith(".wasm")) {
          out.wasmStart = r.startTime;
          out.wasmEnd = r.responseEnd;
        }
      }
      out.fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null;
      return out;
    });
  } finally {
    await context.close();
  }
}

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"] });
const variants = [];
for (let k = 0; k < dists.length; k++) for (const s of snippets) variants.push({ k, snippet: s, label: `${dists[k].label}/${s}` });
const results = new Map(); // profile id -> label -> rows
try {
  for (let round = 0; round < runs; round++) {
    for (const profile of shuffled(profiles, round + 1)) {
      for (const v of shuffled(variants, round * 7 + 3)) {
        const row = { round, ...(await load(browser, origin, v.k, v.snippet, profile)) };
        const byLabel = results.get(profile.id) ?? new Map();
        results.set(profile.id, byLabel);
        byLabel.set(v.label, [...(byLabel.get(v.label) ?? []), row]);
      }
    }
    process.stderr.write(`round ${round + 1}/${runs}\n`);
  }
} finally {
  await browser.close();
  server.close();
}

const med = (rows, key) => {
  const xs = rows.map((r) => r[key]).filter((x) => typeof x === "number");
  return xs.length ? quantile(xs, 0.5) : null;
};
const f = (x) => (x == null ? "–" : x.toFixed(1));
const dur = (rows, a, b) => {
  const xs = rows.filter((r) => typeof r[a] === "number" && typeof r[b] === "number").map((r) => r[b] - r[a]);
  return xs.length ? quantile(xs, 0.5) : null;
};
for (const profile of profiles) {
  const byLabel = results.get(profile.id);
  console.log(`\n## ${profile.id} CPU, ${runs} rounds (medians, ms since navigation start; durations in brackets)\n`);
  console.log("| variant | FCP | script loaded | loader start | wasm answered | config | compiled | instantiated | Widget::new | mount | visible | attach | errors |");
  console.log("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const [label, rows] of byLabel) {
    const errors = rows.filter((r) => r.error || r.visible == null).length;
    console.log(
      `| ${label} | ${f(med(rows, "fcp"))} | ${f(med(rows, "scriptEnd"))} | ${f(med(rows, "start"))} | ${f(med(rows, "wasmEnd"))} | ${f(med(rows, "config"))} | ${f(med(rows, "compiled"))} | ${f(med(rows, "instantiated"))} | ${f(med(rows, "new"))} (${f(dur(rows, "instantiated", "new"))}) | ${f(med(rows, "mount"))} (${f(dur(rows, "texts", "mount"))}) | ${f(med(rows, "visible"))} | ${f(dur(rows, "attach-start", "attach"))} | ${errors} |`,
    );
  }
  for (const [label, rows] of byLabel) {
    if (med(rows, "early-compiled") != null) {
      console.log(
        `\n${label}: the inline compile started at ${f(med(rows, "early-start"))} ms and was done at ${f(med(rows, "early-compiled"))} ms (${f(dur(rows, "early-start", "early-compiled"))} ms; medians).`,
      );
    }
  }
  const labels = [...byLabel.keys()];
  if (labels.length > 1) {
    console.log("\n| variant − " + labels[0] + " | banner visible, paired median | 90% interval |");
    console.log("|---|--:|:-:|");
    const base = byLabel.get(labels[0]);
    for (const label of labels.slice(1)) {
      const c = pairedComparison(byLabel.get(label), base, "visible", 0.9);
      console.log(`| ${label} | ${f(c.median)} | [${f(c.lo)}, ${f(c.hi)}] |`);
    }
  }
}
