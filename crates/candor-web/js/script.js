// candor.js: the script tag. `<script src=".../candor.js" data-config="URL">`
// or an inline `<script type="application/json" id="candor-config">`. The
// build bundles this file, the facade and the wasm-bindgen glue into one
// classic script; it finds candor_web_bg.wasm and i18n/ next to itself and
// checks each against the SRI hash the build wrote here.
//
// Its first act is to start the wasm's download; the config and the page's
// language file go out at the same moment. `window.candor` exists from the
// first moment and answers "not allowed" until the widget is ready.

import { call, URLCtor, ErrorCtor, getOwnProperty, getAttribute } from "./builtins.js";
import init, { Widget } from "./candor_web.js";
import { createCandor, candorWarn, then } from "./facade.js";
import { consentDefault, fetchConfig, inlineConfig, launch, loadWasm, mark, textLoader, warmStorage, bodyReady } from "./boot.js";

// SRI hashes of the files candor.js loads, written by the build.
const SRI = __CANDOR_SRI__;

const currentScriptGet = Object.getOwnPropertyDescriptor(Document.prototype, "currentScript").get;
const srcGet = Object.getOwnPropertyDescriptor(HTMLScriptElement.prototype, "src").get;
const baseURIGet = Object.getOwnPropertyDescriptor(Node.prototype, "baseURI").get;

function start() {
  mark("start");
  const script = currentScriptGet ? call(currentScriptGet, document) : null;
  const src = script && srcGet ? call(srcGet, script) : "";
  const base = src || call(baseURIGet, document);
  const wasm = loadWasm(new URLCtor("candor_web_bg.wasm", base), SRI.wasm);
  const configUrl = script ? call(getAttribute, script, "data-config") : null;
  // An inline config placed before candor.js is read at once; one after it
  // once the document is parsed.
  const early = configUrl ? null : inlineConfig();
  const config = configUrl
    ? fetchConfig(configUrl)
    : (async () => {
        if (early !== null) return early;
        await bodyReady();
        const text = inlineConfig();
        if (text === null) {
          throw new ErrorCtor('Candor: no config: add data-config="URL" to the script tag or a <script type="application/json" id="candor-config">');
        }
        return text;
      })();
  const texts = textLoader((lang) => [new URLCtor("i18n/" + lang + ".txt", base), SRI.i18n[lang]]);
  warmStorage();

  const controls = createCandor();
  // A page that made window.candor read-only keeps Candor only through
  // the candor:ready event's detail.
  try {
    window.candor = controls.candor;
  } catch (e) {
    /* checked below */
  }
  if (window.candor !== controls.candor) {
    candorWarn("Candor: window.candor is not writable on this page; use the candor:ready event's detail instead.");
  }
  if (early !== null) consentDefault(early);
  const run = (async () => {
    const text = await config;
    mark("config");
    consentDefault(text);
    const module = await wasm;
    mark("compiled");
    try {
      await init({ module_or_path: module });
    } catch (e) {
      throw new ErrorCtor("Candor: could not start the widget: " + (e && e.message));
    }
    mark("instantiated");
    await launch(controls, Widget, text, texts);
  })();
  then(run, undefined, (e) => controls.fail(e));
  // Whichever fails first, the other rejection is not left unhandled.
  then(wasm, undefined, () => {});
}

// A second include does nothing. (`window.candor` may also be the
// `<div id="candor">` element through named access: not ours yet.)
let taken = false;
try {
  const existing = getOwnProperty(window, "candor");
  taken = Boolean(existing && existing.value && typeof existing.value.allows === "function");
} catch (e) {
  taken = false;
}
if (!taken) {
  try {
    start();
  } catch (e) {
    candorWarn("Candor: could not start: " + (e && e.message));
  }
}
