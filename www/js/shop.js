// Shared code for every page of the demo shop: the catalogue, the cart,
// the header and footer, and a small defensive bridge to Candor.
//
// Candor is loaded with an `async` script tag, so `window.candor` may not
// exist yet when this module runs, or may never exist (blocked, failed).
// Everything here treats "no Candor" as "not allowed".

export const PRODUCTS = [
  { id: "ridge-tent", name: "Ridgeline 2 Tent", price: 329, category: "Shelter",
    blurb: "A two-person backpacking tent that pitches in four minutes and weighs 1.6 kg.",
    details: ["Sleeps 2, with two doors and two porches", "Packed weight 1.6 kg", "Waterproof fly, 3000 mm"],
    related: ["alpine-bag", "trail-headlamp", "camp-stove"] },
  { id: "alpine-bag", name: "Alpine Down Sleeping Bag", price: 249, category: "Sleep",
    blurb: "Responsibly sourced down, comfortable to −5 °C, packs to the size of a loaf.",
    details: ["Comfort −5 °C, limit −11 °C", "RDS-certified 700-fill down", "Stuff sack included"],
    related: ["ridge-tent", "trail-headlamp", "summit-pack"] },
  { id: "trail-headlamp", name: "Trail 400 Headlamp", price: 39, category: "Lighting",
    blurb: "400 lumens, red night mode and a USB-C battery that lasts a long weekend.",
    details: ["400 lumens, 90 m beam", "Red light mode", "USB-C rechargeable"],
    related: ["ridge-tent", "summit-pack", "camp-stove"] },
  { id: "summit-pack", name: "Summit 45 Backpack", price: 189, category: "Packs",
    blurb: "A 45-litre pack with an adjustable back and a lid that becomes a day bag.",
    details: ["45 litres", "Adjustable back length", "Rain cover included"],
    related: ["rain-shell", "trail-bottle", "hiking-boots"] },
  { id: "rain-shell", name: "Stormline Rain Jacket", price: 159, category: "Clothing",
    blurb: "A light, breathable three-layer shell with pit zips and a helmet-sized hood.",
    details: ["3-layer waterproof membrane", "Pit zips", "Packs into its own pocket"],
    related: ["summit-pack", "hiking-boots", "trail-bottle"] },
  { id: "hiking-boots", name: "Granite Mid Hiking Boots", price: 169, category: "Footwear",
    blurb: "Waterproof mid boots with a grippy sole, comfortable from the first mile.",
    details: ["Waterproof lining", "Vibram-style lugged sole", "Resoleable"],
    related: ["rain-shell", "summit-pack", "trail-bottle"] },
  { id: "camp-stove", name: "Pocket Camp Stove", price: 59, category: "Cooking",
    blurb: "Boils a litre in three and a half minutes and folds into a mug.",
    details: ["Boils 1 l in 3.5 min", "Piezo igniter", "Weighs 85 g"],
    related: ["trail-bottle", "ridge-tent", "trail-headlamp"] },
  { id: "trail-bottle", name: "Insulated Trail Bottle", price: 29, category: "Hydration",
    blurb: "Keeps water cold for 24 hours and tea hot for 12. Steel, no plastic taste.",
    details: ["750 ml", "Double-wall steel", "Leak-proof lid"],
    related: ["summit-pack", "camp-stove", "hiking-boots"] },
];

/** Non-personalized: the same for everybody. */
export const BESTSELLERS = ["ridge-tent", "trail-headlamp", "summit-pack", "rain-shell"];

export const OFFER_PERCENT = 15;

export function product(id) {
  return PRODUCTS.find((p) => p.id === id) || null;
}

export function money(amount) {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(amount);
}

/** `el("a", {href: "/"}, "text", child)`: a tiny DOM builder (no innerHTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function productCard(p, { note } = {}) {
  return el("li", { class: "card", "data-product": p.id },
    el("a", { class: "card-link", href: `/product.html?id=${encodeURIComponent(p.id)}` },
      el("img", { src: `/img/${p.id}.svg`, alt: "", width: 400, height: 300, loading: "lazy" }),
      el("span", { class: "card-category" }, p.category),
      el("span", { class: "card-name" }, p.name)),
    el("span", { class: "card-price" }, money(p.price)),
    note ? el("span", { class: "card-note" }, note) : null);
}

// ---------------------------------------------------------------- storage

function readJson(storage, key, fallback) {
  try {
    const raw = storage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return fallback;
  }
}

function writeJson(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage blocked or full: the shop still works for this page view */
  }
}

// The cart is essential: it is kept whatever the shopper chose.
const CART_KEY = "shop.cart";

export function cart() {
  const lines = readJson(localStorage, CART_KEY, []);
  return Array.isArray(lines) ? lines.filter((l) => product(l.id) && l.qty > 0) : [];
}

export function addToCart(id, { discount = 0 } = {}) {
  const lines = cart();
  const line = lines.find((l) => l.id === id);
  if (line) {
    line.qty += 1;
    if (discount) line.discount = discount;
  } else {
    lines.push({ id, qty: 1, ...(discount ? { discount } : {}) });
  }
  writeJson(localStorage, CART_KEY, lines);
  updateCartCount();
  window.dispatchEvent(new CustomEvent("shop:cart"));
}

export function setQuantity(id, qty) {
  const lines = cart()
    .map((l) => (l.id === id ? { ...l, qty } : l))
    .filter((l) => l.qty > 0);
  writeJson(localStorage, CART_KEY, lines);
  updateCartCount();
  window.dispatchEvent(new CustomEvent("shop:cart"));
}

export function lineTotal(line) {
  const p = product(line.id);
  return line.qty * p.price * (1 - (line.discount || 0) / 100);
}

// Viewed products are personal data: kept only while "recommendations" is allowed.
const VIEWED_KEY = "shop.viewed";

export function viewed() {
  const ids = readJson(localStorage, VIEWED_KEY, []);
  return Array.isArray(ids) ? ids.filter((id) => product(id)) : [];
}

export function rememberView(id) {
  const ids = [id, ...viewed().filter((v) => v !== id)].slice(0, 8);
  writeJson(localStorage, VIEWED_KEY, ids);
}

export function forgetViews() {
  try {
    localStorage.removeItem(VIEWED_KEY);
  } catch {
    /* nothing stored */
  }
}

// ------------------------------------------------------------ Candor bridge

export const RECOMMENDATIONS = { purpose: "recommendations", signals: ["browsing"] };
export const SESSION_OFFERS = { purpose: "session-offers", signals: ["cart"] };
export const SESSION_OFFER_MESSAGE = { purpose: "session-offers", channel: "onsite", signals: ["cart"] };

let candor = null; // set once `ready` has resolved
let scheduled = false;
const renders = new Set();

function notify() {
  // The widget reports a change both as a `candor:change` event and through
  // `candor.on("change")`; coalesce them into one render per change.
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    for (const render of renders) {
      try {
        render(candor);
      } catch (error) {
        console.error("[shop] render failed", error);
      }
    }
  });
}

// The README's snippet, as it is there: Candor once it is ready, or null
// after `ms` or when it cannot start (candor.js missing, the wasm blocked,
// a bad config), so that the shop goes on without personalization.
export function candorReady(ms = 5000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    const done = (c) => {
      clearTimeout(timer);
      resolve(c);
    };
    // window.candor exists once candor.js has run (it is async: by the page's
    // load event at the latest); it may also be the <div id="candor"> element.
    const watch = () => {
      const c = window.candor;
      if (typeof c?.allows !== "function") return false;
      c.ready.then(done, () => done(null));
      return true;
    };
    if (!watch()) addEventListener("load", watch, { once: true });
  });
}

function use(instance) {
  if (candor || typeof instance?.decide !== "function") return;
  candor = instance;
  try {
    instance.on("change", notify);
  } catch {
    /* the window event below is enough */
  }
  notify();
}

candorReady().then((instance) => {
  if (instance) use(instance);
  else console.warn("[shop] Candor is not ready; the shop goes on without personalization.");
});
// Candor may still start after the wait (a slow network): use it then.
window.addEventListener("candor:ready", (e) => use(e.detail));
window.addEventListener("candor:change", () => {
  if (candor) notify();
});

/**
 * Calls `render(candor)` now (with `null`: not ready, nothing allowed), again
 * once Candor is ready, and after every change of the shopper's choices.
 */
export function withCandor(render) {
  renders.add(render);
  try {
    render(candor);
  } catch (error) {
    console.error("[shop] render failed", error);
  }
}

const NOT_READY = Object.freeze({
  allowed: false,
  reason: "not-ready",
  explanation: "Your privacy choices have not loaded, so nothing personal is used.",
});

/** `candor.decide(request)`, or a refusal when Candor is missing or fails. */
export function decide(request) {
  if (!candor) return { ...NOT_READY, purpose: request.purpose };
  try {
    return candor.decide(request) || { ...NOT_READY, purpose: request.purpose };
  } catch {
    return { ...NOT_READY, purpose: request.purpose };
  }
}

/**
 * `candor.recordAsync(request)`: counts one delivered message when allowed,
 * exactly across tabs, and resolves once the count is saved.
 */
export async function record(request) {
  if (!candor) return { ...NOT_READY, purpose: request.purpose };
  try {
    return (await candor.recordAsync(request)) || { ...NOT_READY, purpose: request.purpose };
  } catch {
    return { ...NOT_READY, purpose: request.purpose };
  }
}

export function allows(purpose) {
  return decide({ purpose }).allowed === true;
}

export function candorInstance() {
  return candor;
}

/**
 * Asks for one purpose in context with the widget's own prompt, `candor.ask()`
 * Resolves `true` (granted), `false` (the shopper said no), or
 * `null` when no answer was recorded (no `ask`, a placeholder `ask`, or a
 * dismissed prompt): the caller then asks inline and calls `grantNow()`.
 */
export async function askFor(purpose) {
  if (!candor || typeof candor.ask !== "function") return null;
  const choice = () => {
    try {
      return JSON.stringify(candor.preferences().purposes[purpose] || null);
    } catch {
      return "";
    }
  };
  const before = choice();
  try {
    if ((await candor.ask(purpose)) === true) return true;
  } catch {
    return null;
  }
  return choice() !== before ? false : null;
}

/** Records an explicit yes for one purpose, after the shop's own inline confirm. */
export function grantNow(purpose) {
  if (!candor) return false;
  try {
    candor.set(purpose, true);
  } catch {
    return false;
  }
  return allows(purpose);
}

/** Explains a decision: the widget's "why" panel when it has one, else `anchor`'s popover. */
export function explainDecision(request, popover) {
  if (candor && typeof candor.why === "function") {
    try {
      candor.why(request);
      return;
    } catch {
      /* fall back to the popover */
    }
  }
  let text = NOT_READY.explanation;
  if (candor) {
    try {
      text = candor.explain(request) || decide(request).explanation;
    } catch {
      text = decide(request).explanation;
    }
  }
  popover.show(text);
}

/** A small, dismissible popover next to a "Why this?" button. */
export function makePopover(container, opener) {
  const text = el("p", { class: "popover-text" });
  const close = el("button", { type: "button", class: "popover-close" }, "Close");
  const box = el("div", { class: "popover", role: "status", hidden: true }, text, close);
  container.append(box);
  const hide = (refocus) => {
    box.hidden = true;
    opener.setAttribute("aria-expanded", "false");
    if (refocus) opener.focus();
  };
  close.addEventListener("click", () => hide(true));
  box.addEventListener("keydown", (e) => {
    if (e.key === "Escape") hide(true);
  });
  return {
    show(message) {
      text.textContent = message;
      box.hidden = false;
      opener.setAttribute("aria-expanded", "true");
      close.focus();
    },
    hide: () => hide(false),
  };
}

// ------------------------------------------------------------ page chrome

export function updateCartCount() {
  const count = cart().reduce((n, l) => n + l.qty, 0);
  for (const node of document.querySelectorAll("[data-cart-count]")) node.textContent = String(count);
}

function markCurrentNav() {
  const path = location.pathname === "/" ? "/index.html" : location.pathname;
  const here = path + location.search;
  for (const link of document.querySelectorAll(".site-nav a")) {
    const target = new URL(link.href);
    if (target.pathname + target.search === here) link.setAttribute("aria-current", "page");
  }
}

// Analytics is a separate script, injected only once the shopper allows it.
// analytics.js itself stops counting if the choice is withdrawn later.
let analyticsInjected = false;

function gateAnalytics(c) {
  const on = c ? allows("analytics") : false;
  for (const node of document.querySelectorAll("[data-analytics-state]")) {
    node.textContent = on ? "on" : "off";
    node.dataset.analyticsState = on ? "on" : "off";
  }
  if (on && !analyticsInjected) {
    analyticsInjected = true;
    document.head.append(el("script", { src: "/js/analytics.js", async: true }));
  }
}

// Withdrawing "recommendations" deletes what it had collected.
function dropDataWithoutConsent(c) {
  if (c && !decide(RECOMMENDATIONS).allowed) forgetViews();
}

updateCartCount();
markCurrentNav();
withCandor(gateAnalytics);
withCandor(dropDataWithoutConsent);
window.addEventListener("storage", updateCartCount);
