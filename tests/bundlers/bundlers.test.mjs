// The npm package as an integrator meets it: `npm pack dist/npm`, installed
// from the tarball (not a link) into one small app per bundler, built with
// that bundler's pinned version, served on 127.0.0.1 and loaded in Debian's
// Chromium. Each app must show the banner, answer decide(), and fetch no
// language file on an English page and only the German one on a German page
// (nothing inlined into the main chunk). The types are checked with tsc.
//
//   cargo xtask build && cargo xtask setup    # dist/npm, each app's npm ci
//   node --test tests/bundlers/bundlers.test.mjs
//
// CANDOR_NPM_TARBALL=path uses that tarball instead of packing dist/npm.
// The matrix (bundler, version, mode, banner, decide(), bytes, languages)
// is printed at the end and written to tests/bundlers/artifacts/matrix.json.
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { after, before, test } from "node:test";
import { launch } from "../e2e/lib/browser.mjs";
import { freePort, serveDir } from "../e2e/lib/static.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const NPM_DIST = join(ROOT, "dist", "npm");
const LANGS = ["fr", "de", "es"];

/**
 * The apps: folder, the packages whose versions the matrix shows, the
 * command that builds it, where the built site is, whether it has a dev
 * server to test too. Vite 8 pre-bundles with Rolldown, which rewrites the
 * package's `new URL("./…", import.meta.url)`; Vite 7 with esbuild, which
 * does not (the package's own fix-up finds the wasm then).
 */
const APPS = [
  { dir: "vite", tools: ["vite"], build: ["vite", "build"], site: "dist", dev: true },
  { dir: "vite7", tools: ["vite"], build: ["vite", "build"], site: "dist", dev: true },
  { dir: "webpack", tools: ["webpack", "webpack-cli"], build: ["webpack", "--mode", "production"], site: "." },
  { dir: "rollup", tools: ["rollup", "@rollup/plugin-node-resolve", "@web/rollup-plugin-import-meta-assets"], build: ["rollup", "-c"], site: "." },
  { dir: "esbuild", tools: ["esbuild"], build: ["esbuild", "src/main.js", "--bundle", "--format=esm", "--splitting", "--outdir=dist", "--loader:.wasm=file"], site: "." },
];
const TYPES_DIR = join(HERE, "types");

const matrix = [];
let browser;
let tarball;
let tmp;
/** Per language: a text only that language's table has (ASCII, so no bundler re-escapes it). */
let markers;
/** The German "Accept all". */
let acceptAllDe;

function sh(cmd, args, cwd, what) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  } catch (e) {
    throw new Error(`${what} failed: ${cmd} ${args.join(" ")} (in ${relative(ROOT, cwd) || "."})\n${e.stdout || ""}${e.stderr || e.message}`);
  }
}

function version(appDir, pkg) {
  return JSON.parse(readFileSync(join(appDir, "node_modules", pkg, "package.json"), "utf8")).version;
}

function files(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

async function languageTables() {
  const tables = {};
  for (const lang of LANGS) {
    tables[lang] = (await import(pathToFileURL(join(NPM_DIST, "i18n", `${lang}.js`)).href)).default;
  }
  const values = (t) => t.split("\n").map((l) => l.slice(l.indexOf("=") + 1));
  const found = {};
  for (const lang of LANGS) {
    const others = LANGS.filter((l) => l !== lang).map((l) => tables[l]);
    const unique = values(tables[lang])
      .filter((v) => /^[A-Za-z ,.]{12,80}$/.test(v) && !others.some((t) => t.includes(v)))
      .sort((a, b) => b.length - a.length);
    assert.ok(unique.length, `no marker text for ${lang}`);
    found[lang] = unique[0];
  }
  const de = tables.de.split("\n").find((l) => l.startsWith("acceptAll="));
  return { markers: found, acceptAllDe: de.slice("acceptAll=".length) };
}

/** Which languages' tables a text holds. */
function languagesIn(text) {
  return LANGS.filter((l) => text.includes(markers[l]));
}

before(async () => {
  assert.ok(existsSync(join(NPM_DIST, "package.json")), "dist/npm is missing: run `cargo xtask build` first");
  ({ markers, acceptAllDe } = await languageTables());
  tmp = mkdtempSync(join(tmpdir(), "candor-bundlers-"));
  if (process.env.CANDOR_NPM_TARBALL) {
    tarball = process.env.CANDOR_NPM_TARBALL;
  } else {
    const out = sh("npm", ["pack", NPM_DIST, "--pack-destination", tmp, "--json"], ROOT, "npm pack");
    tarball = join(tmp, JSON.parse(out)[0].filename);
  }
  console.log(`# the package: ${tarball}`);
  for (const dir of [...APPS.map((a) => join(HERE, a.dir)), TYPES_DIR]) {
    assert.ok(
      existsSync(join(dir, "node_modules")),
      `${relative(ROOT, dir)}/node_modules is missing: run \`npm ci\` there (\`cargo xtask setup\` does)`,
    );
    // --no-save: the app's package.json and lock stay as committed; the
    // tarball's hash changes with every build.
    sh("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefer-offline", tarball], dir, "installing the tarball");
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  if (!matrix.length) return;
  const artifacts = join(HERE, "artifacts");
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, "matrix.json"), JSON.stringify(matrix, null, 2) + "\n");
  const rows = matrix.map((r) => [
    r.bundler,
    r.version,
    r.mode,
    r.banner ? "yes" : "NO",
    r.decide ? "yes" : "NO",
    `${r.en.bytes} (${r.en.gzip} gzip)`,
    `${r.de.bytes} (${r.de.gzip} gzip)`,
    r.de.languages.join(" ") || "none",
  ]);
  const head = ["bundler", "version", "mode", "banner", "decide()", "bytes fetched, en page", "bytes fetched, de page", "language files (de page)"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => "# " + cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
  console.log(line(head));
  for (const r of rows) console.log(line(r));
});

/**
 * Loads `url` as a page in `lang` (the served `<html lang="en">` rewritten)
 * and returns what it showed and fetched.
 */
async function visit(url, lang) {
  const context = await browser.newContext();
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors = [];
  const warnings = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.text().startsWith("Candor:")) warnings.push(m.text());
  });
  const bodies = [];
  page.on("response", (r) =>
    bodies.push(
      r.body().then(
        (b) => ({ url: r.url(), type: r.headers()["content-type"] || "", body: b }),
        () => null,
      ),
    ),
  );
  await page.route(
    (u) => u.pathname === "/" || u.pathname.endsWith(".html"),
    async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('<html lang="en">', `<html lang="${lang}">`);
      await route.fulfill({ response, body });
    },
  );
  try {
    await page.goto(url);
    await page.waitForFunction(() => Boolean(window.appCandor));
    const started = await page.evaluate(() =>
      Promise.race([
        window.appCandor.then(
          (c) => ({ decision: c.decide({ purpose: "offers" }) }),
          (e) => ({ error: String(e && e.message) }),
        ),
        new Promise((resolve) => setTimeout(() => resolve({ error: "start() did not settle within 20 s" }), 20_000)),
      ]),
    );
    const button = page.locator('#candor [data-action="accept-all"]');
    let banner = null;
    if (!started.error) {
      await button.waitFor({ state: "visible" });
      banner = (await button.textContent()).trim();
    }
    await page.waitForLoadState("networkidle");
    const fetched = (await Promise.all(bodies)).filter(Boolean);
    return {
      ...started,
      banner,
      errors,
      warnings,
      fetched,
      bytes: fetched.reduce((n, f) => n + f.body.length, 0),
      gzip: fetched.reduce((n, f) => n + gzipSync(f.body, { level: 9 }).length, 0),
      languages: [...new Set(fetched.flatMap((f) => languagesIn(f.body.toString("latin1"))))].sort(),
      wasm: fetched.filter((f) => new URL(f.url).pathname.endsWith(".wasm")).map((f) => ({ path: new URL(f.url).pathname, type: f.type })),
    };
  } finally {
    await context.close();
  }
}

/** The checks every app passes, on an English and a German page; a matrix row. */
async function checkApp(app, mode, url) {
  const appDir = join(HERE, app.dir);
  const en = await visit(url, "en");
  const de = await visit(url, "de");
  for (const [lang, r] of [["en", en], ["de", de]]) {
    assert.equal(r.error, undefined, `${lang} page: start() rejected: ${r.error}\n${r.warnings.join("\n")}`);
    assert.deepEqual(r.errors, [], `${lang} page: page errors`);
    assert.deepEqual(r.warnings, [], `${lang} page: Candor warned`);
    assert.deepEqual(
      { allowed: r.decision.allowed, reason: r.decision.reason },
      { allowed: false, reason: "no-choice" },
      `${lang} page: decide() for an optional purpose before any choice`,
    );
    assert.equal(r.wasm.length, 1, `${lang} page: one wasm fetched: ${JSON.stringify(r.wasm)}`);
    assert.match(r.wasm[0].type, /^application\/wasm/, `${lang} page: the wasm is served as application/wasm`);
  }
  assert.equal(en.banner, "Accept all");
  assert.equal(de.banner, acceptAllDe, "the German page shows the German banner");
  assert.deepEqual(en.languages, [], "an English page fetches no language table");
  assert.deepEqual(de.languages, ["de"], "a German page fetches the German table and no other");
  const row = {
    bundler: app.dir,
    version: app.tools.map((t) => `${t} ${version(appDir, t)}`).join(", "),
    mode,
    banner: Boolean(en.banner && de.banner),
    decide: true,
    wasm: en.wasm[0].path,
    en: { bytes: en.bytes, gzip: en.gzip, requests: en.fetched.length, languages: en.languages },
    de: {
      bytes: de.bytes,
      gzip: de.gzip,
      requests: de.fetched.length,
      languages: de.languages,
      files: de.fetched.filter((f) => languagesIn(f.body.toString("latin1")).length).map((f) => new URL(f.url).pathname),
    },
  };
  matrix.push(row);
  return row;
}

/** The built output: the wasm a file of its own, each language in one chunk of its own, nothing inlined as base64. */
function checkOutput(app) {
  const out = join(HERE, app.dir, "dist");
  const all = files(out);
  const wasm = all.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, `one wasm file in ${relative(ROOT, out)}: ${wasm.map((f) => relative(out, f))}`);
  assert.equal(readFileSync(wasm[0]).length, readFileSync(join(NPM_DIST, "candor_web_bg.wasm")).length, "the wasm is copied as it is");
  const scripts = all.filter((f) => /\.m?js$/.test(f));
  for (const f of scripts) {
    const text = readFileSync(f, "latin1");
    assert.ok(!/data:application\/(wasm|octet-stream)/.test(text), `${relative(ROOT, f)} inlines the wasm`);
    assert.ok(!/base64,[A-Za-z0-9+/]{200}/.test(text), `${relative(ROOT, f)} inlines a base64 data URL`);
    const langs = languagesIn(text);
    assert.ok(langs.length <= 1, `${relative(ROOT, f)} holds the tables of ${langs.join(", ")}`);
  }
  for (const lang of LANGS) {
    const holders = scripts.filter((f) => languagesIn(readFileSync(f, "latin1")).includes(lang));
    assert.equal(holders.length, 1, `the ${lang} table is in one chunk of its own: ${holders.map((f) => relative(out, f))}`);
  }
}

for (const app of APPS) {
  test(`${app.dir}: builds, shows the banner, answers decide(), fetches only the page's language`, { timeout: 120_000 }, async () => {
    const appDir = join(HERE, app.dir);
    rmSync(join(appDir, "dist"), { recursive: true, force: true });
    const [bin, ...args] = app.build;
    sh(join(appDir, "node_modules", ".bin", bin), args, appDir, `${app.dir} build`);
    checkOutput(app);
    const server = await serveDir(join(appDir, app.site));
    try {
      await checkApp(app, "build", server.url);
    } finally {
      await server.close();
    }
  });
}

for (const app of APPS.filter((a) => a.dev)) {
  test(`${app.dir} dev: the dev server's pre-bundled package finds its wasm and language modules`, { timeout: 120_000 }, async () => {
    const appDir = join(HERE, app.dir);
    // A fresh pre-bundle of the package just installed.
    rmSync(join(appDir, "node_modules", ".vite"), { recursive: true, force: true });
    const port = await freePort();
    const vite = spawn(process.execPath, [join(appDir, "node_modules", "vite", "bin", "vite.js"), "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
      cwd: appDir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let log = "";
    vite.stdout.on("data", (d) => (log += d));
    vite.stderr.on("data", (d) => (log += d));
    const exited = new Promise((resolve) => vite.once("exit", resolve));
    try {
      const url = `http://127.0.0.1:${port}/`;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const up = await fetch(url).then((r) => r.ok, () => false);
        if (up) break;
        assert.ok(Date.now() < deadline && vite.exitCode === null, `vite did not start:\n${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const row = await checkApp(app, "dev", url);
      // The pre-bundle lives in node_modules/.vite/deps/, without the wasm:
      // the wasm comes from the package's own folder.
      assert.equal(row.wasm, "/node_modules/candor/candor_web_bg.wasm", `the wasm's URL in Vite dev\n${log}`);
    } finally {
      vite.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (vite.exitCode === null && vite.signalCode === null) vite.kill("SIGKILL");
    }
  });
}

test("types: an npm app type-checks without a window.candor global; a script-tag page with candor.d.ts has it", { timeout: 60_000 }, () => {
  assert.ok(existsSync(join(ROOT, "dist", "candor", "candor.d.ts")), "dist/candor/candor.d.ts is missing: run `cargo xtask build`");
  const tsc = join(TYPES_DIR, "node_modules", ".bin", "tsc");
  // Each file marks with @ts-expect-error what must not type-check (the
  // global for npm users, wrong calls): tsc fails if one of them does.
  sh(tsc, ["--noEmit", "-p", "tsconfig.npm.json"], TYPES_DIR, "tsc (npm app)");
  sh(tsc, ["--noEmit", "-p", "tsconfig.script.json"], TYPES_DIR, "tsc (script-tag page)");
  console.log(`# typescript ${version(TYPES_DIR, "typescript")}: both type-check`);
});
