// The browser built-ins Candor's wasm uses, captured when candor.js runs.
//
// A page may replace a prototype method later (a broken polyfill, an
// analytics wrapper, an attacker): the widget keeps calling the originals.
// Every export is imported by the wasm with `catch` (src/js.rs), so a call
// that throws anyway (a DOM error, a method replaced before Candor loaded)
// comes back to Rust as an error value: it never unwinds through the wasm
// and never reaches the page.
//
// Views are built here from the plain tree the Rust views describe (a
// compact JSON array), with text set as text, never as HTML.

const apply = Reflect.apply;
const ownProperty = Object.getOwnPropertyDescriptor;
const freeze = Object.freeze;
const jsonParse = JSON.parse;
const jsonStringify = JSON.stringify;
const isArray = Array.isArray;
const arrayPush = Array.prototype.push;
const arrayIndexOf = Array.prototype.indexOf;
const stringSlice = String.prototype.slice;
const stringSplit = String.prototype.split;
const stringTrim = String.prototype.trim;
const stringToLower = String.prototype.toLowerCase;
const stringStartsWith = String.prototype.startsWith;
const stringIndexOf = String.prototype.indexOf;
const dateNow = Date.now;
const URLCtor = URL;
const urlHref = ownProperty(URL.prototype, "href").get;
const urlProtocol = ownProperty(URL.prototype, "protocol").get;
const MutationObserverCtor = MutationObserver;
const moObserve = MutationObserver.prototype.observe;
const moDisconnect = MutationObserver.prototype.disconnect;
const consoleWarn = console.warn;
const theConsole = console;
const win = window;
const doc = document;
const DateTimeFormat = Intl.DateTimeFormat;
const dtfFormat = ownProperty(Intl.DateTimeFormat.prototype, "format").get;
const cryptoObj = win.crypto;
const getRandomValues = cryptoObj && cryptoObj.getRandomValues;
const Uint8ArrayCtor = Uint8Array;
const setTimeoutFn = win.setTimeout;
const rafFn = win.requestAnimationFrame;
const getComputedStyleFn = win.getComputedStyle;
const matchMediaFn = win.matchMedia;
const mqlMatches = win.MediaQueryList && ownProperty(MediaQueryList.prototype, "matches").get;
const localStorageGet = ownProperty(Window.prototype, "localStorage")?.get || ownProperty(win, "localStorage")?.get;
const sessionStorageGet = ownProperty(Window.prototype, "sessionStorage")?.get || ownProperty(win, "sessionStorage")?.get;
const storageGetItem = Storage.prototype.getItem;
const storageSetItem = Storage.prototype.setItem;
const storageRemoveItem = Storage.prototype.removeItem;
const sendBeacon = Navigator.prototype.sendBeacon;
const navigatorObj = win.navigator;
const languagesGet = ownProperty(Navigator.prototype, "languages")?.get;
// Location's members are the location object's own ([LegacyUnforgeable]).
const locationObj = win.location;
const locationReload = locationObj.reload;
const hostnameGet = ownProperty(locationObj, "hostname").get;
const cookieDesc = ownProperty(Document.prototype, "cookie");
const BlobCtor = Blob;
const createObjectURL = URL.createObjectURL;
const revokeObjectURL = URL.revokeObjectURL;
const CSSStyleSheetCtor = win.CSSStyleSheet;
const replaceSync = CSSStyleSheetCtor && CSSStyleSheetCtor.prototype.replaceSync;
const adoptedSet = ownProperty(ShadowRoot.prototype, "adoptedStyleSheets")?.set;

const E = Element.prototype;
const N = Node.prototype;
const D = Document.prototype;
const H = HTMLElement.prototype;
const T = EventTarget.prototype;
const SR = ShadowRoot.prototype;
const createElement = D.createElement;
const getElementById = D.getElementById;
const bodyGet = ownProperty(D, "body").get;
const documentElementGet = ownProperty(D, "documentElement").get;
const docActiveGet = ownProperty(D, "activeElement").get;
const docElementFromPoint = D.elementFromPoint;
const baseURIGet = ownProperty(N, "baseURI").get;
const visibilityGet = ownProperty(D, "visibilityState").get;
const hasFocus = D.hasFocus;
const rootActiveGet = ownProperty(SR, "activeElement").get;
const rootElementFromPoint = SR.elementFromPoint;
const setAttribute = E.setAttribute;
const getAttribute = E.getAttribute;
const hasAttribute = E.hasAttribute;
const removeAttribute = E.removeAttribute;
const toggleAttribute = E.toggleAttribute;
const attachShadow = E.attachShadow;
const shadowRootGet = ownProperty(E, "shadowRoot").get;
const querySelector = E.querySelector;
const querySelectorAll = E.querySelectorAll;
const docQuerySelectorAll = D.querySelectorAll;
const rootQuerySelector = DocumentFragment.prototype.querySelector;
const rootQuerySelectorAll = DocumentFragment.prototype.querySelectorAll;
const closest = E.closest;
const matches = E.matches;
const elRemove = E.remove;
const replaceWith = E.replaceWith;
const getRect = E.getBoundingClientRect;
const tagNameGet = ownProperty(E, "tagName").get;
const getAttributeNames = E.getAttributeNames;
const appendChild = N.appendChild;
const contains = N.contains;
const parentNodeGet = ownProperty(N, "parentNode").get;
const isConnectedGet = ownProperty(N, "isConnected").get;
const textContentSet = ownProperty(N, "textContent").set;
const textContentGet = ownProperty(N, "textContent").get;
const focusFn = H.focus;
const offsetLeftGet = ownProperty(H, "offsetLeft").get;
const offsetTopGet = ownProperty(H, "offsetTop").get;
const offsetWidthGet = ownProperty(H, "offsetWidth").get;
const offsetHeightGet = ownProperty(H, "offsetHeight").get;
const clickFn = H.click;
const nonceGet = ownProperty(H, "nonce")?.get;
const nonceSet = ownProperty(H, "nonce")?.set;
const showPopover = H.showPopover;
const hidePopover = H.hidePopover;
const checkedGet = ownProperty(HTMLInputElement.prototype, "checked").get;
const disabledGet = ownProperty(HTMLInputElement.prototype, "disabled").get;
const addListener = T.addEventListener;
const removeListener = T.removeEventListener;
const eventTargetGet = ownProperty(Event.prototype, "target").get;
const composedPath = Event.prototype.composedPath;
const isTrustedGet = ownProperty(Event.prototype, "isTrusted")?.get;
const preventDefault = Event.prototype.preventDefault;
const keyGet = ownProperty(KeyboardEvent.prototype, "key").get;
const shiftGet = ownProperty(KeyboardEvent.prototype, "shiftKey").get;
const clientXGet = ownProperty(MouseEvent.prototype, "clientX").get;
const clientYGet = ownProperty(MouseEvent.prototype, "clientY").get;
const detailGet = ownProperty(UIEvent.prototype, "detail").get;
const toggleNewStateGet = win.ToggleEvent && ownProperty(ToggleEvent.prototype, "newState")?.get;
const cssGet = CSSStyleDeclaration.prototype.getPropertyValue;
const innerWidthGet = ownProperty(Window.prototype, "innerWidth")?.get || ownProperty(win, "innerWidth")?.get;
const innerHeightGet = ownProperty(Window.prototype, "innerHeight")?.get || ownProperty(win, "innerHeight")?.get;
const trustedTypes = win.trustedTypes;
const createPolicy = trustedTypes && trustedTypes.createPolicy;
const scriptTextSet = ownProperty(HTMLScriptElement.prototype, "text").set;
const scriptSrcSet = ownProperty(HTMLScriptElement.prototype, "src").set;
const scriptAsyncSet = ownProperty(HTMLScriptElement.prototype, "async").set;
const createCanvas = () => apply(createElement, doc, ["canvas"]);

const call = (fn, self, ...args) => apply(fn, self, args);

// ------------------------------------------------------------- the basics

/** Milliseconds since the epoch. */
export function now() {
  return apply(dateNow, Date, []);
}

/** `n` random bytes as hex (crypto.getRandomValues). */
export function randomHex(n) {
  const bytes = new Uint8ArrayCtor(n);
  call(getRandomValues, cryptoObj, bytes);
  let out = "";
  for (let i = 0; i < n; i += 1) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  return out;
}

/** One console warning. */
export function warn(message) {
  call(consoleWarn, theConsole, message);
}

/** `<html lang>` then the browser's languages (at most 16), as strings. */
export function pageLanguages() {
  const out = [];
  const html = call(documentElementGet, doc);
  const lang = html ? call(getAttribute, html, "lang") : null;
  if (typeof lang === "string") call(arrayPush, out, lang);
  const list = languagesGet ? call(languagesGet, navigatorObj) : [];
  for (let i = 0; i < list.length && i < 16; i += 1) if (typeof list[i] === "string") call(arrayPush, out, list[i]);
  return out;
}

/** `navigator.globalPrivacyControl === true`. */
export function gpc() {
  return navigatorObj.globalPrivacyControl === true;
}

/** The page's `<html lang>` (or ""). */
export function pageLang() {
  const html = call(documentElementGet, doc);
  const lang = html ? call(getAttribute, html, "lang") : null;
  return typeof lang === "string" ? lang : "";
}

/**
 * `url` resolved against the page's base URL with the WHATWG URL parser:
 * [protocol, href]. Throws when it does not parse.
 */
export function resolveUrl(url) {
  const u = new URLCtor(url, call(baseURIGet, doc));
  return [call(urlProtocol, u), call(urlHref, u)];
}

/** A formatter of dates (epoch ms) in the shopper's language and locale. */
export function dateFormatter(lang) {
  let format;
  try {
    format = call(dtfFormat, new DateTimeFormat(lang || undefined, { dateStyle: "long" }));
  } catch (e) {
    format = call(dtfFormat, new DateTimeFormat(undefined, { dateStyle: "long" }));
  }
  return (ms) => format(ms);
}

/** `requestAnimationFrame`, else a timeout. */
export function frame(fn) {
  if (rafFn) call(rafFn, win, fn);
  else call(setTimeoutFn, win, fn, 16);
}

/** A timeout. */
export function later(fn, ms) {
  call(setTimeoutFn, win, fn, ms);
}

// ----------------------------------------------------------------- storage

function storage(area) {
  const get = area === "local" ? localStorageGet : sessionStorageGet;
  const s = get ? call(get, win) : null;
  if (!s) throw new Error("no " + area + "Storage");
  return s;
}

/** The stored value, or null. Throws when the storage is blocked. */
export function storageGet(area, key) {
  return call(storageGetItem, storage(area), key);
}

/** Write a value; throws when the storage refuses it (full, blocked). */
export function storageSet(area, key, value) {
  call(storageSetItem, storage(area), key, value);
}

/** Remove a value (never needs quota). */
export function storageRemove(area, key) {
  call(storageRemoveItem, storage(area), key);
}

// ------------------------------------------------------------------ events

/** `addEventListener`; returns the function that removes it. */
export function listen(target, type, fn, capture) {
  call(addListener, target, type, fn, capture);
  return () => {
    try {
      call(removeListener, target, type, fn, capture);
    } catch (e) {
      /* the listener goes with the page */
    }
  };
}

/** The window, the document (targets for `listen`). */
export function theWindow() {
  return win;
}
export function theDocument() {
  return doc;
}

/**
 * What a click or key event inside the widget is about:
 * [action, element] for the nearest element with `data-action` on the
 * event's path, [""] when there is none (`backdrop` when it is the
 * backdrop of a modal).
 */
export function actionOf(event) {
  const path = call(composedPath, event);
  for (let i = 0; i < path.length; i += 1) {
    const node = path[i];
    if (!node || typeof node !== "object" || node === doc || node === win) break;
    if (node.nodeType !== 1) continue;
    const action = call(getAttribute, node, "data-action");
    if (action) return [action, node];
    if (call(getAttribute, node, "data-slot")) break;
  }
  const target = path[0];
  if (target && target.nodeType === 1 && call(getAttribute, target, "class") === "backdrop") return ["backdrop", target];
  return [""];
}

/** The key of a keyboard event and whether Shift was down. */
export function keyOf(event) {
  return [call(keyGet, event), call(shiftGet, event)];
}

/** `event.preventDefault()`. */
export function prevent(event) {
  call(preventDefault, event);
}

/** The new state of a `toggle` event ("open", "closed" or ""). */
export function toggleState(event) {
  return toggleNewStateGet ? call(toggleNewStateGet, event) : "";
}

// --------------------------------------------------------------- the host

/**
 * `<div id="candor">` (made at the end of `<body>` if absent) with an open
 * shadow root (emptied if it exists), put in the top layer as a manual
 * popover: non-modal, no light dismiss, no focus change, painted and
 * hit-tested above any z-index. Returns [host, root].
 */
export function mountHost() {
  let host = call(getElementById, doc, "candor");
  if (!host) {
    host = call(createElement, doc, "div");
    call(setAttribute, host, "id", "candor");
    call(appendChild, call(bodyGet, doc), host);
  }
  let root = call(shadowRootGet, host);
  if (root) call(textContentSet, root, "");
  else root = call(attachShadow, host, { mode: "open" });
  raise(host);
  return [host, root];
}

/** Empty the shadow root of a widget that is dropped. */
export function unmount(root) {
  call(textContentSet, root, "");
}

/** Back on top: at the end of `<body>`, out of the top layer and in again, last. */
export function raise(host) {
  const body = call(bodyGet, doc);
  if (body && call(parentNodeGet, host) !== body) call(appendChild, body, host);
  if (!showPopover) return;
  if (!call(hasAttribute, host, "popover")) call(setAttribute, host, "popover", "manual");
  try {
    if (call(matches, host, ":popover-open")) call(hidePopover, host);
  } catch (e) {
    /* not open */
  }
  call(showPopover, host);
}

/**
 * Whether the host is still the last, open, connected top-layer element
 * in `<body>`: false when the page closed its popover, moved it, or
 * showed a popover of its own after it.
 */
export function onTop(host) {
  if (!call(isConnectedGet, host) || call(parentNodeGet, host) !== call(bodyGet, doc)) return false;
  if (showPopover && !call(matches, host, ":popover-open")) return false;
  const open = call(docQuerySelectorAll, doc, ":popover-open, dialog[open]");
  return open.length === 0 || open[open.length - 1] === host;
}

/** Adopt the stylesheet (a `<style>` where constructable sheets are missing). */
export function setStyle(root, css) {
  if (CSSStyleSheetCtor && replaceSync && adoptedSet) {
    const sheet = new CSSStyleSheetCtor();
    call(replaceSync, sheet, css);
    call(adoptedSet, root, [sheet]);
    return;
  }
  const style = call(createElement, doc, "style");
  call(textContentSet, style, css);
  call(appendChild, root, style);
}

/**
 * Watch what could cover the widget: the host taken out of the page or
 * moved, its popover closed, another popover or dialog opened after it.
 * `fn` runs (at most once per task) when one may have happened. Returns
 * the function that stops watching.
 */
export function watchHost(host, fn) {
  let queued = false;
  const poke = () => {
    if (queued) return;
    queued = true;
    call(setTimeoutFn, win, () => {
      queued = false;
      fn();
    }, 0);
  };
  const observer = new MutationObserverCtor(poke);
  call(moObserve, observer, call(documentElementGet, doc), { childList: true, subtree: true, attributes: true, attributeFilter: ["popover", "open", "hidden", "style", "class"] });
  const stopToggle = listen(doc, "toggle", poke, true);
  const stopHostToggle = listen(host, "toggle", poke, false);
  return () => {
    call(moDisconnect, observer);
    stopToggle();
    stopHostToggle();
  };
}

/** The page's colour scheme: "dark" when the page allows dark and the OS prefers it. */
export function pageScheme() {
  const html = call(documentElementGet, doc);
  const body = call(bodyGet, doc);
  let scheme = "";
  for (const el of [html, body]) {
    if (!el) continue;
    const value = call(cssGet, call(getComputedStyleFn, win, el), "color-scheme");
    if (value && value !== "normal") scheme = value;
  }
  const words = call(stringSplit, call(stringTrim, scheme), " ");
  const allowsDark = call(arrayIndexOf, words, "dark") >= 0;
  const allowsLight = scheme === "" || call(arrayIndexOf, words, "light") >= 0;
  const prefersDark = matchMediaFn && call(mqlMatches, call(matchMediaFn, win, "(prefers-color-scheme: dark)"));
  if (allowsDark && (prefersDark || !allowsLight)) return "dark";
  return "light";
}

// ------------------------------------------------------------------ views

const TAGS = ["section", "div", "h2", "p", "ul", "li", "label", "input", "span", "a", "button", "svg", "path"];
// Every attribute a view sets: anything else (an `on…` handler, `style`)
// is never set. A list compared by identity, not string methods a page
// could have broken.
const ATTRIBUTES = [
  "class", "id", "role", "tabindex", "type", "lang", "dir", "part", "title", "hidden", "inert",
  "aria-labelledby", "aria-describedby", "aria-modal", "aria-label", "aria-hidden",
  "data-action", "data-purpose", "data-reason", "data-slot", "checked", "disabled", "href",
  "viewBox", "d", "focusable",
];
const SVG = "http://www.w3.org/2000/svg";
const createElementNS = D.createElementNS;
const createTextNode = D.createTextNode;

// A node of the tree: a string (text), or [tag, {name: value}, ...children].
// Tags come from a fixed list; no `on*` or `style` attribute is ever set.
function build(node, svg) {
  if (typeof node === "string") return call(createTextNode, doc, node);
  const tag = node[0];
  if (call(arrayIndexOf, TAGS, tag) < 0) throw new Error("Candor: no view builds <" + tag + ">");
  const inSvg = svg || tag === "svg";
  const el = inSvg ? call(createElementNS, doc, SVG, tag) : call(createElement, doc, tag);
  const attrs = node[1];
  for (const name in attrs) {
    if (call(arrayIndexOf, ATTRIBUTES, name) >= 0) call(setAttribute, el, name, attrs[name]);
  }
  for (let i = 2; i < node.length; i += 1) call(appendChild, el, build(node[i], inSvg));
  return el;
}

/**
 * Put the tree `json` (a JSON array, see `build`) in `root` as the element
 * with `data-slot="slot"`, replacing the one there; "" removes it. Returns
 * the element (or null).
 */
export function render(root, slot, json) {
  const old = call(rootQuerySelector, root, '[data-slot="' + slot + '"]');
  if (json === "") {
    if (old) call(elRemove, old);
    return null;
  }
  const el = build(call(jsonParse, JSON, json), false);
  call(setAttribute, el, "data-slot", slot);
  // Focus inside the old surface stays inside the new one.
  const active = call(rootActiveGet, root);
  const hadFocus = Boolean(old && active && call(contains, old, active));
  if (old) call(replaceWith, old, el);
  else call(appendChild, root, el);
  if (hadFocus) {
    const target = call(querySelector, el, '[role="dialog"]') || el;
    call(focusFn, target);
  }
  return el;
}

/** The element of a slot, or null. */
export function slot(root, name) {
  return call(rootQuerySelector, root, '[data-slot="' + name + '"]');
}

/** `[hidden]` and `inert` on a slot's element (one dialog at a time). */
export function conceal(root, name, hidden) {
  const el = slot(root, name);
  if (!el) return;
  call(toggleAttribute, el, "hidden", hidden);
  call(toggleAttribute, el, "inert", hidden);
}

/** What has focus, looking into the widget's shadow root. */
export function activeElement(root) {
  const inside = call(rootActiveGet, root);
  return inside || call(docActiveGet, doc);
}

/** Focus the first element `selector` finds in `root` (or `root`'s slot). */
export function focusIn(root, selector) {
  const el = call(rootQuerySelector, root, selector);
  if (el) call(focusFn, el);
  return Boolean(el);
}

/** Focus `el` if it is still in the page. */
export function focusElement(el) {
  if (el && call(isConnectedGet, el)) {
    call(focusFn, el);
    return true;
  }
  return false;
}

/** The panel's checkboxes that the shopper can change: [[id, checked], …]. */
export function checkboxes(root) {
  const list = call(rootQuerySelectorAll, root, '[data-slot="panel"] input[data-purpose]');
  const out = [];
  for (let i = 0; i < list.length; i += 1) {
    const input = list[i];
    if (!call(disabledGet, input)) call(arrayPush, out, [call(getAttribute, input, "data-purpose"), call(checkedGet, input)]);
  }
  return out;
}

/** Tab and Shift+Tab wrap inside `modal`; returns whether focus was moved. */
export function trapTab(root, modal, shift) {
  const list = call(querySelectorAll, modal, "button:not([disabled]),input:not([disabled]),a[href]");
  if (list.length === 0) return false;
  const first = list[0];
  const last = list[list.length - 1];
  const active = call(rootActiveGet, root);
  const inside = active && call(contains, modal, active);
  let to = null;
  if (!inside) to = shift ? last : first;
  else if (shift && (active === first || active === modal)) to = last;
  else if (!shift && active === last) to = first;
  if (!to) return false;
  call(focusFn, to);
  return true;
}

/** The element of a modal slot's dialog (its `role="dialog"` panel). */
export function dialogOf(root, name) {
  return call(rootQuerySelector, root, '[data-slot="' + name + '"] [role="dialog"]');
}

// ------------------------------------------------------------- the guard

let canvasContext = null;
function rgba(css) {
  if (!canvasContext) canvasContext = call(createCanvas, null).getContext("2d", { willReadFrequently: true });
  canvasContext.clearRect(0, 0, 1, 1);
  canvasContext.fillStyle = "#000";
  canvasContext.fillStyle = css;
  canvasContext.fillRect(0, 0, 1, 1);
  const d = canvasContext.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2], d[3] / 255];
}

/**
 * What the shopper could see of `control` when `event` activated it, as
 * numbers the Rust guard judges (src/views/guard.rs):
 * [trusted, topmost, text r, g, b, a, background r, g, b, opacity,
 *  font size px, visible, width, height, effects].
 * The background is every ancestor's background laid over the next (the
 * page's white at the bottom); opacity is the product of the ancestors';
 * effects counts filters, blend modes, masks and transforms that could hide
 * the text.
 */
export function inspect(event, control, host) {
  const trusted = isTrustedGet ? call(isTrustedGet, event) : event.isTrusted;
  const rect = call(getRect, control);
  const keyboard = call(detailGet, event) === 0;
  const x = keyboard ? rect.left + rect.width / 2 : call(clientXGet, event);
  const y = keyboard ? rect.top + rect.height / 2 : call(clientYGet, event);
  let topmost = 0;
  const outer = call(docElementFromPoint, doc, x, y);
  if (outer === host) {
    const inner = call(rootElementFromPoint, call(shadowRootGet, host), x, y);
    topmost = inner && (inner === control || call(contains, control, inner)) ? 1 : 0;
  }
  const inView = rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0 && rect.left < call(innerWidthGet, win) && rect.top < call(innerHeightGet, win);
  const style = call(getComputedStyleFn, win, control);
  const text = rgba(call(cssGet, style, "color"));
  const fill = rgba(call(cssGet, style, "-webkit-text-fill-color"));
  const shown = fill[3] < text[3] ? fill : text;
  // Layers from the control up to the host.
  const layers = [];
  let opacity = 1;
  let effects = 0;
  let visible = inView ? 1 : 0;
  for (let node = control; node; ) {
    if (node.nodeType === 1) {
      const s = call(getComputedStyleFn, win, node);
      call(arrayPush, layers, rgba(call(cssGet, s, "background-color")));
      opacity *= Number(call(cssGet, s, "opacity")) || 0;
      if (call(cssGet, s, "visibility") !== "visible" || call(cssGet, s, "display") === "none") visible = 0;
      if (call(cssGet, s, "filter") !== "none") effects += 1;
      if (call(cssGet, s, "mix-blend-mode") !== "normal") effects += 1;
      const mask = call(cssGet, s, "mask-image") || call(cssGet, s, "-webkit-mask-image");
      if (mask && mask !== "none") effects += 1;
      if (call(cssGet, s, "clip-path") !== "none") effects += 1;
    }
    if (node === host) break;
    const parent = call(parentNodeGet, node);
    node = parent && parent.nodeType === 11 ? host : parent;
  }
  let bg = [255, 255, 255];
  for (let i = layers.length - 1; i >= 0; i -= 1) {
    const [r, g, b, a] = layers[i];
    bg = [r * a + bg[0] * (1 - a), g * a + bg[1] * (1 - a), b * a + bg[2] * (1 - a)];
  }
  const size = Number.parseFloat(call(cssGet, style, "font-size")) || 0;
  return [trusted ? 1 : 0, topmost, shown[0], shown[1], shown[2], shown[3], bg[0], bg[1], bg[2], opacity, size, visible, rect.width, rect.height, effects];
}

// ----------------------------------------------------------- page effects

let policy = null;
let policyTried = false;
/** The Trusted Types policy `candor` (null when the page's CSP forbids it). */
function trusted() {
  if (!policyTried) {
    policyTried = true;
    if (createPolicy) {
      try {
        policy = call(createPolicy, trustedTypes, "candor", {
          createScript: (s) => s,
          createScriptURL: (s) => s,
        });
      } catch (e) {
        policy = null;
      }
    }
  }
  return policy;
}

/**
 * Run or load every pending placeholder whose purpose is in `allowed` (an
 * array of ids): `<script type="text/plain" data-candor-purpose>` becomes a
 * real script with the same attributes (minus `type` and `data-candor-*`;
 * `data-src` → `src`, `data-type` → `type`), the same text and `nonce`;
 * other elements get `src` from `data-src`. Each is marked
 * `data-candor-done` first, so nothing runs twice. Returns how many
 * scripts were skipped because Trusted Types forbade them.
 */
export function activate(allowed) {
  const pending = call(docQuerySelectorAll, doc, "[data-candor-purpose]:not([data-candor-done])");
  let skipped = 0;
  for (let i = 0; i < pending.length; i += 1) {
    const el = pending[i];
    if (call(arrayIndexOf, allowed, call(getAttribute, el, "data-candor-purpose")) < 0) continue;
    call(setAttribute, el, "data-candor-done", "");
    const isScript = call(stringToLower, call(tagNameGet, el)) === "script";
    if (!isScript) {
      const src = call(getAttribute, el, "data-src");
      if (src !== null) call(setAttribute, el, "src", src);
      continue;
    }
    const type = call(getAttribute, el, "type");
    if (type === null || call(stringToLower, call(stringTrim, type)) !== "text/plain") continue;
    const tt = trustedTypes ? trusted() : null;
    const needsTT = Boolean(trustedTypes) && !tt;
    const script = call(createElement, doc, "script");
    const names = call(getAttributeNames, el);
    for (let j = 0; j < names.length; j += 1) {
      const name = names[j];
      const value = call(getAttribute, el, name);
      if (name === "type" || name === "nonce" || name === "src" || name === "data-src") continue;
      if (name === "data-type") call(setAttribute, script, "type", value);
      else if (!call(stringStartsWith, name, "data-candor-")) call(setAttribute, script, name, value);
    }
    const src = call(getAttribute, el, "data-src") ?? call(getAttribute, el, "src");
    const text = call(textContentGet, el) || "";
    try {
      if (src !== null) call(scriptSrcSet, script, tt ? tt.createScriptURL(src) : src);
      if (text) call(scriptTextSet, script, tt ? tt.createScript(text) : text);
    } catch (e) {
      if (needsTT) {
        skipped += 1;
        continue;
      }
      throw e;
    }
    if (nonceGet && nonceSet) call(nonceSet, script, call(nonceGet, el));
    if (!call(hasAttribute, el, "async")) call(scriptAsyncSet, script, false);
    call(replaceWith, el, script);
  }
  return skipped;
}

/** Watch for gated elements added later; returns the function that stops. */
export function watchAdded(fn) {
  const observer = new MutationObserverCtor(() => fn());
  call(moObserve, observer, call(documentElementGet, doc), { childList: true, subtree: true });
  return () => call(moDisconnect, observer);
}

/** The names of the page's cookies. */
export function cookieNames() {
  const jar = call(cookieDesc.get, doc) || "";
  const out = [];
  const parts = call(stringSplit, jar, ";");
  for (let i = 0; i < parts.length; i += 1) {
    const name = call(stringTrim, call(stringSplit, parts[i], "=")[0]);
    if (name) call(arrayPush, out, name);
  }
  return out;
}

/** Expire a cookie on `path=/` for no domain, the host and each parent domain. */
export function expireCookie(name) {
  const expired = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/";
  call(cookieDesc.set, doc, expired);
  let domain = call(hostnameGet, locationObj);
  while (call(stringIndexOf, domain, ".") >= 0) {
    call(cookieDesc.set, doc, expired + "; domain=" + domain);
    domain = call(stringSlice, domain, call(stringIndexOf, domain, ".") + 1);
  }
}

/** The receipt `navigator.sendBeacon` sends as JSON text, `text/plain` (no CORS preflight). */
export function beacon(url, receipt) {
  return call(sendBeacon, navigatorObj, url, new BlobCtor([call(jsonStringify, JSON, receipt)], { type: "text/plain;charset=UTF-8" }));
}

/** Save the receipt as the JSON file `name` (a temporary link on an object URL). */
export function download(receipt, name) {
  const url = createObjectURL(new BlobCtor([call(jsonStringify, JSON, receipt, null, 2)], { type: "application/json" }));
  const link = call(createElement, doc, "a");
  call(setAttribute, link, "href", url);
  call(setAttribute, link, "download", name);
  call(clickFn, link);
  call(setTimeoutFn, win, () => revokeObjectURL(url), 60000);
}

/** Reload the page. */
export function reload() {
  call(locationReload, locationObj);
}

/** Whether a click was on an element of the page marked `data-candor-open`. */
export function opensPanel(event) {
  const path = call(composedPath, event);
  for (let i = 0; i < path.length; i += 1) {
    const node = path[i];
    if (node && node.nodeType === 1 && call(hasAttribute, node, "data-candor-open")) return true;
  }
  return false;
}

/** Whether the page has an element marked `data-candor-open`. */
export function hasOpener() {
  return call(docQuerySelectorAll, doc, "[data-candor-open]").length > 0;
}

const INTERACTIVE = 'a[href],button,input:not([type="hidden"]),select,textarea,summary,[role="button"],[role="link"],[tabindex]:not([tabindex="-1"])';

/**
 * Keep the floating button off the page's own controls: after every scroll
 * and resize (once per frame), when one of the page's links, buttons or
 * inputs lies under it, it tucks away below the screen edge (still
 * reachable by keyboard: it comes back when focused). Returns the function
 * that stops.
 */
export function keepClear(root) {
  let queued = false;
  const check = () => {
    queued = false;
    const button = call(rootQuerySelector, root, '[data-slot="button"]');
    if (!button) return;
    // Its place when not tucked away: offsets ignore the transform.
    const left = call(offsetLeftGet, button);
    const top = call(offsetTopGet, button);
    const r = { left, top, right: left + call(offsetWidthGet, button), bottom: top + call(offsetHeightGet, button) };
    const margin = 6;
    const list = call(docQuerySelectorAll, doc, INTERACTIVE);
    let covered = false;
    for (let i = 0; i < list.length && !covered; i += 1) {
      const c = call(getRect, list[i]);
      if (c.width === 0 || c.height === 0) continue;
      covered = c.left < r.right + margin && c.right > r.left - margin && c.top < r.bottom + margin && c.bottom > r.top - margin;
    }
    call(toggleAttribute, button, "data-tucked", covered);
  };
  const poke = () => {
    if (queued) return;
    queued = true;
    frame(check);
  };
  const stops = [listen(win, "scroll", poke, true), listen(win, "resize", poke, false)];
  const observer = new MutationObserverCtor(poke);
  call(moObserve, observer, call(documentElementGet, doc), { childList: true, subtree: true });
  poke();
  return () => {
    for (const stop of stops) stop();
    call(moDisconnect, observer);
  };
}

/** Whether the page is visible and focused (the tab the shopper uses). */
export function inFront() {
  return call(visibilityGet, doc) === "visible" && call(hasFocus, doc);
}

freeze(TAGS);
freeze(ATTRIBUTES);
