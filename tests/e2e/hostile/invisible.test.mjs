// Class 2, an invisible banner that still records consent: a consent click
// counts only when the shopper could see what they clicked (a trusted event,
// the control topmost at the click point, its text at WCAG AA contrast
// against its actual background). Anything else is ignored, with a
// "Candor:" console warning, and the widget falls back to its own look.
//
// Page CSS is generated from a seed (custom properties on #candor, named or
// any --*, ::part() rules, opacity, filter, blend modes, transparent or
// low-contrast colours, font-size 0, visibility, clip-path, transform, with
// or without !important) and added as a stylesheet after load; then a real
// mouse click lands on Accept all. The oracle does not ask the widget: a
// screenshot of the button's box just before the click says whether its
// label could be read (pixels at 3:1 or more against the box's dominant
// colour). Illegible: nothing may be allowed after the click. Whenever the
// click was ignored, the button is legible again within 1 s and a second
// real click records.
//
// Synthetic events (el.click(), dispatchEvent of click, pointer, mouse and
// key events, through the banner and the panel) never record anything.
import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { afterEach, describe, test } from "node:test";
import { action, url, useBrowser } from "../lib/browser.mjs";
import { OPTIONAL, PAGE, SEED, assertNoPageError, assertNothingAllowed, assertPageWorks, candorMessages, centre, logged, pool, rng, settle } from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

// ------------------------------------------------------------ screenshots

/** Decode an 8-bit, non-interlaced RGB or RGBA PNG: { width, height, rgba }. */
function decodePng(buf) {
  let pos = 8;
  let width = 0;
  let height = 0;
  let type = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const kind = buf.toString("latin1", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (kind === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, "8-bit PNG");
      type = data[9];
      assert.ok(type === 2 || type === 6, "RGB or RGBA PNG");
      assert.equal(data[12], 0, "not interlaced");
    } else if (kind === "IDAT") idat.push(data);
    else if (kind === "IEND") break;
    pos += 12 + len;
  }
  const bpp = type === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i += 1) {
      const a = i >= bpp ? line[i - bpp] : 0;
      const up = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += up;
      else if (filter === 3) v += (a + up) >> 1;
      else if (filter === 4) {
        const p = a + up - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      }
      line[i] = v & 255;
    }
    for (let x = 0; x < width; x += 1) {
      out[(y * width + x) * 4] = line[x * bpp];
      out[(y * width + x) * 4 + 1] = line[x * bpp + 1];
      out[(y * width + x) * 4 + 2] = line[x * bpp + 2];
      out[(y * width + x) * 4 + 3] = bpp === 4 ? line[x * bpp + 3] : 255;
    }
    prev = line;
  }
  return { width, height, rgba: out };
}

function luminance(r, g, b) {
  const f = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/**
 * Whether a label can be read in `png`: at least 25 pixels at 3:1 or more
 * against the image's most common colour (a uniform box has none).
 */
function legibility(png) {
  const { width, height, rgba } = decodePng(png);
  const counts = new Map();
  for (let i = 0; i < width * height; i += 1) {
    const key = (rgba[i * 4] << 16) | (rgba[i * 4 + 1] << 8) | rgba[i * 4 + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  let mode = 0;
  let best = -1;
  for (const [key, n] of counts) if (n > best) [mode, best] = [key, n];
  const bg = luminance(mode >> 16, (mode >> 8) & 255, mode & 255);
  let strong = 0;
  let max = 1;
  for (let i = 0; i < width * height; i += 1) {
    const l = luminance(rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2]);
    const ratio = (Math.max(l, bg) + 0.05) / (Math.min(l, bg) + 0.05);
    if (ratio >= 3) strong += 1;
    if (ratio > max) max = ratio;
  }
  return { legible: strong >= 25, strong, max: Math.round(max * 10) / 10, background: "#" + mode.toString(16).padStart(6, "0") };
}

/** The Accept all button's label area (inside its border and rounded corners), as a PNG. */
async function acceptShot(page) {
  const c = await centre(action(page, "accept-all"));
  if (!c) return null;
  const { box } = c;
  const clip = { x: box.x + 12, y: box.y + 8, width: Math.max(1, box.width - 24), height: Math.max(1, box.height - 16) };
  return { png: await page.screenshot({ clip, animations: "disabled", caret: "hide" }), c };
}

// -------------------------------------------------------- generated CSS

const PROPS = ["--bg", "--fg", "--btn", "--btn-fg", "--line", "--muted", "--focus"];
const SELECTORS = ["#candor", "div#candor", "[id=candor]", ":root #candor", "body > #candor", "*", "#candor:popover-open", "html body #candor"];

function hex(r) {
  return "#" + [0, 0, 0].map(() => r.int(256).toString(16).padStart(2, "0")).join("");
}
/** A colour close to `base` (#rrggbb): low contrast against it. */
function near(r, base) {
  const n = parseInt(base.slice(1), 16);
  return "#" + [16, 8, 0].map((s) => Math.min(255, Math.max(0, ((n >> s) & 255) + r.range(-24, 24))).toString(16).padStart(2, "0")).join("");
}
function colour(r) {
  return r.pick(["transparent", "rgba(0,0,0,0)", "#ffffff", "#fff0", "#1d4ed8", "white", "currentColor", "inherit", "initial", "unset", "var(--bg)", "var(--btn)", "0", "none", hex(r), hex(r)]);
}

function declarations(r) {
  const imp = () => (r.chance(0.5) ? " !important" : "");
  const out = [];
  const family = r.int(6);
  if (family <= 2) {
    // Custom properties: the named ones, low contrast pairs, or any --*.
    const base = hex(r);
    for (const name of r.shuffle(PROPS).slice(0, r.range(1, PROPS.length))) {
      const v = r.chance(0.4) ? near(r, base) : r.chance(0.5) ? base : colour(r);
      out.push(`${name}: ${v}${imp()}`);
    }
    if (r.chance(0.3)) out.push(`--${r.pick(["x", "candor", "btn-bg", "color", "surface"])}${r.int(9)}: ${colour(r)}${imp()}`);
  }
  if (family === 3 || r.chance(0.25)) {
    out.push(
      r.pick([
        `opacity: ${r.pick(["0", "0.01", "0.2"])}`,
        `filter: ${r.pick(["opacity(0)", "brightness(0)", "contrast(0)", "blur(12px)", "invert(1)", "grayscale(1) brightness(3)"])}`,
        `mix-blend-mode: ${r.pick(["difference", "screen", "multiply", "color-dodge"])}`,
        `color: ${colour(r)}`,
        `background: ${colour(r)}`,
        `-webkit-text-fill-color: ${r.pick(["transparent", "#fff", colour(r)])}`,
        "font-size: 0",
        "visibility: hidden",
        `clip-path: ${r.pick(["inset(50%)", "circle(0)", "polygon(0 0, 0 0, 0 0)"])}`,
        `transform: ${r.pick(["scale(0.01)", "translateX(-200vw)", "rotate(180deg)", "scaleX(-1)"])}`,
        "text-indent: -9999px",
        "letter-spacing: -1em",
      ]) + imp(),
    );
  }
  return out;
}

function stylesheet(r) {
  const rules = [];
  const decl = declarations(r);
  rules.push(`${r.pick(SELECTORS)} { ${decl.join("; ")} }`);
  if (r.chance(0.3)) {
    const part = r.pick(["button", "btn", "accept-all", "banner", "actions", "label"]);
    rules.push(`#candor::part(${part}) { ${r.pick(["color: transparent", "opacity: 0", "background: #fff; color: #fff", "font-size: 0"])}${r.chance(0.5) ? " !important" : ""} }`);
  }
  if (r.chance(0.2)) rules.push(`:root { ${declarations(r).join("; ")} }`);
  return rules.join("\n");
}

/** The first example found (custom properties made transparent), a few hand-made companions, then generated sheets. */
function sheets(seed, count) {
  const fixed = [
    "#candor { --bg: transparent; --fg: transparent; --btn: transparent; --btn-fg: transparent; --line: transparent; --muted: transparent }",
    "#candor { --btn-fg: #1d4ed8 }",
    "#candor { --btn: #ffffff; --btn-fg: #ffffff; --bg: #ffffff }",
    "#candor { --btn-fg: #2a5ae0 !important }",
  ];
  const r = rng(seed);
  return [...fixed, ...Array.from({ length: count }, () => stylesheet(r))];
}

// ------------------------------------------------------------------ tests

async function fresh(page) {
  await page.goto(url("/fixtures/hostile/blank.html"));
  await page.evaluate(() => {
    localStorage.clear();
    sessionStorage.clear();
  });
  page.errors.length = 0;
  page.messages.length = 0;
  await page.goto(url(PAGE));
  const ready = await settle(page);
  assert.deepEqual(ready, { ok: true });
  await action(page, "accept-all").waitFor({ state: "visible" });
}

const allowedNow = (page) => page.evaluate((ids) => ids.filter((p) => window.candor.allows(p)), OPTIONAL);

/** One sheet: returns a failure string, or null. */
async function tryVariant(page, css) {
  await fresh(page);
  await page.addStyleTag({ content: css });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const shot = await acceptShot(page);
  const seen = shot ? legibility(shot.png) : { legible: false, strong: 0, max: 1, background: "(no box)" };
  if (shot) await page.mouse.click(shot.c.x, shot.c.y);
  const clickedAt = Date.now();
  await page.waitForTimeout(150);
  const allowed = await allowedNow(page);
  const what = `legible: ${seen.legible} (${seen.strong} px at 3:1, max ${seen.max}:1 on ${seen.background})`;
  if (!seen.legible && allowed.length) return `${what}: the click recorded ${allowed.join(", ")}`;
  if (!allowed.length) {
    // Ignored: a warning (this one or an earlier one about the page's
    // styles), the default look back within 1 s of the click, then a second
    // real click records.
    if (candorMessages(page).length === 0) return `${what}: the click was ignored without a "Candor:" warning`;
    let back = null;
    for (;;) {
      const started = Date.now();
      const again = await acceptShot(page);
      back = again && legibility(again.png);
      if ((back && back.legible) || started > clickedAt + 1000) break;
      await page.waitForTimeout(50);
    }
    if (!back || !back.legible) return `${what}: ignored, and not legible again within 1 s (${back ? `${back.strong} px, max ${back.max}:1` : "no button"})`;
    const second = await acceptShot(page);
    await page.mouse.click(second.c.x, second.c.y);
    await page.waitForTimeout(150);
    if (!(await page.evaluate(() => window.candor.allows("analytics")))) return `${what}: ignored, then a second real click on the legible banner did not record`;
  }
  if (page.errors.length) return `${what}: page error ${page.errors.map(String).join("; ")}`;
  return null;
}

describe("an invisible banner never records", () => {
  test(`page CSS (4 fixed + 36 generated sheets, seed ${SEED}): an illegible Accept all never records; an ignored click leaves a legible banner within 1 s`, async () => {
    const list = sheets(SEED, 36);
    const lanes = [0, 1].map((k) => list.filter((_, i) => i % 2 === k));
    const failures = (
      await pool(lanes, 2, async (lane) => {
        const { page } = await b.open();
        logged(page);
        const out = [];
        for (const css of lane) {
          const failure = await tryVariant(page, css);
          if (failure) out.push(`${JSON.stringify(css)}\n    → ${failure}`);
        }
        return out;
      })
    ).flat();
    if (failures.length) assert.fail(`${failures.length} of ${list.length} sheets failed:\n${failures.join("\n")}`);
  });

  // Synthetic events: none is trusted, none may record.
  const SYNTHETIC = [
    ["el.click() on Accept all", () => window.__candorButton("accept-all").click()],
    ["el.click() on Reject all", () => window.__candorButton("reject-all").click()],
    ["dispatchEvent(new MouseEvent('click', { bubbles, composed })) on Accept all", () => window.__candorButton("accept-all").dispatchEvent(new MouseEvent("click", { bubbles: true, composed: true }))],
    ["dispatchEvent(new PointerEvent('click')) on Accept all", () => window.__candorButton("accept-all").dispatchEvent(new PointerEvent("click", { bubbles: true, composed: true, pointerType: "mouse" }))],
    ["dispatchEvent(new Event('click')) on Accept all", () => window.__candorButton("accept-all").dispatchEvent(new Event("click", { bubbles: true, composed: true }))],
    [
      "pointerdown, mousedown, pointerup, mouseup, click on Accept all",
      () => {
        const el = window.__candorButton("accept-all");
        const r = el.getBoundingClientRect();
        const at = { bubbles: true, composed: true, cancelable: true, clientX: r.x + r.width / 2, clientY: r.y + r.height / 2, button: 0 };
        for (const [C, t] of [[PointerEvent, "pointerdown"], [MouseEvent, "mousedown"], [PointerEvent, "pointerup"], [MouseEvent, "mouseup"], [MouseEvent, "click"]]) el.dispatchEvent(new C(t, at));
      },
    ],
    [
      "keydown / keypress / keyup Enter and Space on Accept all",
      () => {
        const el = window.__candorButton("accept-all");
        for (const key of ["Enter", " "]) for (const t of ["keydown", "keypress", "keyup"]) el.dispatchEvent(new KeyboardEvent(t, { key, bubbles: true, composed: true }));
      },
    ],
    [
      "the panel: el.click() on every checkbox, then on Save",
      () => {
        window.candor.show();
        const root = document.getElementById("candor").shadowRoot;
        for (const box of root.querySelectorAll("input[data-purpose]:not([disabled])")) if (!box.checked) box.click();
        window.__candorButton("save").click();
      },
    ],
    [
      "the panel: el.click() on Customize, then dispatchEvent(click) on Save",
      () => {
        window.__candorButton("customize").click();
        const root = document.getElementById("candor").shadowRoot;
        for (const box of root.querySelectorAll("input[data-purpose]:not([disabled])")) box.checked = true;
        const save = window.__candorButton("save");
        if (save) save.dispatchEvent(new MouseEvent("click", { bubbles: true, composed: true }));
      },
    ],
  ];
  for (const [name, fire] of SYNTHETIC) {
    test(`synthetic: ${name}: nothing recorded`, async () => {
      const { page } = await b.open();
      logged(page);
      await fresh(page);
      const before = await page.evaluate(() => {
        window.__candorButton = (a) => document.getElementById("candor").shadowRoot.querySelector(`[data-action="${a}"]`);
        return JSON.stringify(window.candor.preferences());
      });
      await page.evaluate(`(${fire})()`);
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate(() => JSON.stringify(window.candor.preferences())), before, "preferences() unchanged: nothing recorded");
      assert.equal(await page.evaluate(() => localStorage.getItem("candor")), null, "nothing stored");
      await assertNothingAllowed(page, name);
      await page.evaluate(() => window.candor.hide());
      await action(page, "reject-all").waitFor({ state: "visible" });
      await assertPageWorks(page);
      assertNoPageError(page);
    });
  }
});
