// Start-up, shared by the script tag (script.js) and the npm package
// (index.js): fetch the wasm, the config and the one language file a page
// needs side by side, each checked (SRI where the build knows the hash, a
// size limit for texts), then show the banner first and start the page
// integrations in the next frame. Never throws into the page: every
// failure ends in `fail`, which rejects `ready` with a `Candor:` message
// and says why on the console.

import { call, win, doc, URLCtor, PromiseCtor, arrayIndexOf, stringSlice, stringSplit, stringToLower, getAttribute, addListener, setTimeoutFn } from "./builtins.js";
import { candorGtag, candorMessage, candorWarn, then } from "./facade.js";

const fetchFn = window.fetch;
const urlHref = Object.getOwnPropertyDescriptor(URL.prototype, "href").get;
const urlOrigin = Object.getOwnPropertyDescriptor(URL.prototype, "origin").get;
// Location's members are the location object's own ([LegacyUnforgeable]).
const locationOrigin = Object.getOwnPropertyDescriptor(window.location, "origin").get;
const wasmCompile = WebAssembly.compile;
const wasmCompileStreaming = WebAssembly.compileStreaming;
const responseText = Response.prototype.text;
const responseClone = Response.prototype.clone;
const StringCtor = String;
const responseBuffer = Response.prototype.arrayBuffer;
const responseOk = Object.getOwnPropertyDescriptor(Response.prototype, "ok").get;
const responseStatus = Object.getOwnPropertyDescriptor(Response.prototype, "status").get;
const jsonParse = JSON.parse;
const documentElementGet = Object.getOwnPropertyDescriptor(Document.prototype, "documentElement").get;
const bodyGet = Object.getOwnPropertyDescriptor(Document.prototype, "body").get;
const getElementById = Document.prototype.getElementById;
const textContentGet = Object.getOwnPropertyDescriptor(Node.prototype, "textContent").get;
const rafFn = win.requestAnimationFrame;
const localStorageGet = Object.getOwnPropertyDescriptor(win, "localStorage")?.get;
const sessionStorageGet = Object.getOwnPropertyDescriptor(win, "sessionStorage")?.get;
const storageGetItem = Storage.prototype.getItem;
const perf = win.performance;
const perfMark = perf && perf.mark;

/**
 * A User Timing mark `candor:<name>`, for the page's own performance tools
 * and the benchmark's breakdown (docs/benchmark.md).
 */
export function mark(name) {
  try {
    call(perfMark, perf, "candor:" + name);
  } catch (e) {
    /* no User Timing */
  }
}
/** An error's message without its `Candor: ` prefix. */
const detail = (e) => call(stringSlice, candorMessage(e), 8);

/** The built-in languages the wasm does not carry (English is in it). */
export const TEXT_FILES = ["fr", "de", "es"];
/** Largest language file accepted (the wasm checks it too). */
const MAX_TEXT_BYTES = 32 * 1024;

/** `[file's origin, page's origin]` when `url` is on another origin than the page, else null. */
function crossOrigin(url) {
  try {
    const file = call(urlOrigin, new URLCtor(url));
    const page = call(locationOrigin, win.location);
    return file !== page ? [file, page] : null;
  } catch (e) {
    return null;
  }
}

/**
 * A `Candor:` error for a file that could not be fetched. When the fetch
 * itself failed (`blocked`: no response at all) and the file is on another
 * origin, it says that CORS applies and which header that server must send:
 * a missing `Access-Control-Allow-Origin` is the usual cause on a CDN. (An
 * HTTP status means the response was readable, so CORS was not the cause.)
 */
function fetchError(what, url, detail, blocked) {
  let message = "Candor: could not load " + what + " from " + url + ": " + detail;
  const origins = blocked ? crossOrigin(url) : null;
  if (origins) {
    message +=
      ". It is on another origin than the page, so CORS applies: the server at " +
      origins[0] +
      " must send the header `Access-Control-Allow-Origin: *` (or `Access-Control-Allow-Origin: " +
      origins[1] +
      "`) with candor_web_bg.wasm and i18n/*.txt, or the browser blocks them (the console then shows a CORS error for the file)";
  }
  return new Error(message);
}

/** `fetch` with the built-in, checked `integrity` when known. */
function get(url, integrity) {
  const init = { credentials: "same-origin" };
  if (integrity) {
    init.integrity = integrity;
    init.mode = "cors";
  }
  return call(fetchFn, win, url, init);
}

/**
 * The wasm, compiled while it downloads (`compileStreaming`), or from its
 * bytes when the server sends another MIME type. Rejects with a `Candor:`
 * message (tampered, missing, blocked by CORS).
 */
export async function loadWasm(url, integrity) {
  const href = StringCtor(url);
  let response;
  try {
    response = await get(href, integrity);
  } catch (e) {
    throw fetchError("the widget (candor_web_bg.wasm)", href, "missing, altered or blocked (" + detail(e) + ")", true);
  }
  if (!call(responseOk, response)) throw fetchError("the widget (candor_web_bg.wasm)", href, "HTTP " + call(responseStatus, response));
  if (wasmCompileStreaming) {
    try {
      return await call(wasmCompileStreaming, WebAssembly, call(responseClone, response));
    } catch (e) {
      /* another MIME type: compile from the bytes below */
    }
  }
  try {
    return await call(wasmCompile, WebAssembly, await call(responseBuffer, response));
  } catch (e) {
    throw fetchError("the widget (candor_web_bg.wasm)", href, detail(e));
  }
}

/**
 * A language-file loader: lang → promise of the file's text, each fetched
 * once, checked against its SRI hash and the size limit. `locate(lang)`
 * gives [url, integrity]. The page's own language (`<html lang>`) is
 * requested at once, beside the wasm.
 */
export function textLoader(locate) {
  const files = {};
  function load(lang) {
    if (!files[lang]) {
      files[lang] = (async () => {
        const [url, integrity] = locate(lang);
        let response;
        try {
          response = await get(StringCtor(url), integrity);
        } catch (e) {
          // With `integrity`, a missing or altered file is a network error.
          throw fetchError("the " + lang + " texts (i18n/" + lang + ".txt)", StringCtor(url), "missing, altered or blocked (" + detail(e) + ")", true);
        }
        if (!call(responseOk, response)) throw fetchError("the " + lang + " texts (i18n/" + lang + ".txt)", StringCtor(url), "HTTP " + call(responseStatus, response));
        const text = await call(responseText, response);
        if (text.length > MAX_TEXT_BYTES) throw new Error("Candor: the " + lang + " texts are too large");
        return text;
      })();
      then(files[lang], undefined, () => {});
    }
    return files[lang];
  }
  try {
    const html = call(documentElementGet, doc);
    const page = call(stringToLower, call(stringSplit, call(getAttribute, html, "lang") || "", /[-_]/)[0]);
    if (call(arrayIndexOf, TEXT_FILES, page) >= 0) load(page);
  } catch (e) {
    /* no page language: the widget asks for what it needs */
  }
  return load;
}

/** Touch the storage now, while the wasm downloads: its first access is slow. */
export function warmStorage() {
  try {
    if (localStorageGet) call(storageGetItem, call(localStorageGet, win), "candor");
    if (sessionStorageGet) call(storageGetItem, call(sessionStorageGet, win), "candor.grants");
  } catch (e) {
    /* blocked: the widget says so */
  }
}

/** Resolves once `<body>` exists (an async script may run before it). */
export function bodyReady() {
  return new PromiseCtor((resolve) => {
    if (call(bodyGet, doc)) resolve();
    else call(addListener, doc, "DOMContentLoaded", () => resolve(), { once: true });
  });
}

/** The config text of the inline `<script type="application/json" id="candor-config">`, or null. */
export function inlineConfig() {
  const el = call(getElementById, doc, "candor-config");
  return el ? call(textContentGet, el) : null;
}

/** The config text at `url`. */
export async function fetchConfig(url) {
  let response;
  try {
    response = await get(call(urlHref, new URLCtor(url, doc.baseURI)));
  } catch (e) {
    throw new Error("Candor: could not fetch the config " + url + ": " + detail(e));
  }
  if (!call(responseOk, response)) throw new Error("Candor: could not fetch the config " + url + " (HTTP " + call(responseStatus, response) + ")");
  return call(responseText, response);
}

/**
 * Google Consent Mode v2: queue the all-denied default before any tag can
 * read consent, as soon as the config text is known (before the wasm
 * loads). The widget then pushes the real states as an `update` (and skips
 * its own default when one is queued).
 */
export function consentDefault(text) {
  try {
    if (consentDefault.done || !call(jsonParse, JSON, text).googleConsentMode) return;
    consentDefault.done = true;
    const d = "denied";
    candorGtag("consent", "default", {
      ad_storage: d, ad_user_data: d, ad_personalization: d, analytics_storage: d,
      functionality_storage: d, personalization_storage: d, security_storage: "granted", wait_for_update: 500,
    });
  } catch (e) {
    /* a bad config is reported by the widget */
  }
}

/**
 * `fn` once the next frame has been painted; in a tab that paints no
 * frames (opened in the background), after 250 ms all the same.
 */
function nextFrame(fn) {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    call(setTimeoutFn, win, fn, 0);
  };
  if (rafFn) call(rafFn, win, run);
  call(setTimeoutFn, win, run, 250);
}

/**
 * Make the widget, load the texts it needs (`texts`, from `textLoader`),
 * show the banner and answer from it; the page integrations start in the
 * next frame, after the banner has been painted. Throws a `Candor:` Error
 * with the validation message on a bad config. A language file that cannot
 * be loaded gives way to the config's default language, with a warning.
 */
export async function launch(controls, Widget, configText, texts) {
  let widget;
  try {
    widget = new Widget(configText);
  } catch (e) {
    throw new Error("Candor: invalid config: " + (e && e.message ? e.message : StringCtor(e)));
  }
  mark("new");
  const needed = widget.textsNeeded();
  const langs = needed ? call(stringSplit, needed, " ") : [];
  for (const lang of langs) {
    try {
      widget.addTexts(lang, await texts(lang));
    } catch (e) {
      candorWarn(candorMessage(e) + " (showing the default language instead)");
    }
  }
  await bodyReady();
  mark("texts");
  // The banner must work before `ready` resolves: a first render that
  // throws (the page broke a DOM built-in) is tried again for a few frames;
  // one that never succeeds ends in `ready` rejecting, nothing allowed and
  // no half-drawn banner left behind.
  for (let tries = 0; ; tries += 1) {
    try {
      widget.mount();
      break;
    } catch (e) {
      if (tries >= 2) {
        try {
          widget.free(); // its listeners stop and its shadow root is emptied
        } catch (e2) {
          /* nothing more to clean */
        }
        throw new Error("Candor: the privacy choices could not be shown: " + detail(e));
      }
      await new PromiseCtor((resolve) => nextFrame(resolve));
    }
  }
  mark("mount");
  controls.attach(widget);
  nextFrame(() => {
    mark("attach-start");
    controls.start();
    mark("attach");
  });
  return controls.candor;
}
