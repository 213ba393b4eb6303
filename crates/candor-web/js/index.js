// npm entry: `import { start } from "candor"; const candor = await start(config);`
//
// Assets are located with `new URL("./…", import.meta.url)`, which Vite,
// webpack 5 and Rollup (with its import-meta-assets plugin) follow and
// copy; each language table is its own module, loaded with `import()` only
// by a page in that language. `start(config, { wasmUrl, baseUrl })` points
// elsewhere when a build does not copy the assets (esbuild without a
// loader, a CDN): `wasmUrl` is the wasm, `baseUrl` the folder holding
// `candor_web_bg.wasm` and `i18n/<lang>.txt`.

import init, { Widget } from "./candor_web.js";
import { createCandor, then } from "./facade.js";
import { launch, loadWasm, textLoader, warmStorage } from "./boot.js";

// SRI hashes of the wasm and the language files, written by the build.
const SRI = __CANDOR_SRI__;

const TEXTS = {
  fr: () => import("./i18n/fr.js"),
  de: () => import("./i18n/de.js"),
  es: () => import("./i18n/es.js"),
};

/**
 * `url` as served. Vite's dev server pre-bundles dependencies into
 * `node_modules/.vite/deps/` without their assets: there, the wasm is
 * still in the package's own folder.
 */
function served(url) {
  const href = String(url);
  const at = href.indexOf("/node_modules/.vite/deps/");
  return at < 0 ? url : new URL("/node_modules/candor/" + href.slice(href.lastIndexOf("/") + 1), href);
}

/**
 * Start Candor with a config (object or JSON text). Resolves to the Candor
 * object once the banner is on screen (or the saved choices are loaded);
 * rejects with a `Candor:` message on a bad config or a widget that could
 * not be loaded.
 *
 * Options: `wasmUrl` (where candor_web_bg.wasm is served), `baseUrl` (a
 * folder with candor_web_bg.wasm and i18n/<lang>.txt, as the script-tag
 * build has them).
 */
export async function start(config, options) {
  const controls = createCandor();
  try {
    const text = typeof config === "string" ? config : JSON.stringify(config);
    if (typeof text !== "string") throw new Error("Candor: start(config) needs a config object or JSON text");
    const o = options && typeof options === "object" ? options : {};
    const base = o.baseUrl ? new URL(String(o.baseUrl), document.baseURI) : null;
    const wasmUrl = o.wasmUrl
      ? new URL(String(o.wasmUrl), document.baseURI)
      : base
        ? new URL("candor_web_bg.wasm", base)
        : served(new URL("./candor_web_bg.wasm", import.meta.url));
    const wasm = loadWasm(wasmUrl, SRI.wasm);
    const texts = base
      ? textLoader((lang) => [new URL("i18n/" + lang + ".txt", base), SRI.i18n[lang]])
      : (lang) =>
          TEXTS[lang]
            ? then(TEXTS[lang](), (m) => m.default)
            : Promise.reject(new Error("Candor: no " + lang + " texts"));
    warmStorage();
    await init({ module_or_path: await wasm });
    await launch(controls, Widget, text, texts);
  } catch (e) {
    throw controls.fail(e);
  }
  // Once the integrations have started, the frame after the banner's.
  return controls.candor.ready;
}
