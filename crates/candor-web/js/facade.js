// Candor's public object (CONTRACT §3): a thin, never-throwing facade over
// the wasm `Widget`. Until a widget is attached every check answers "not
// allowed". This file holds only top-level `function`/`const` declarations:
// the build strips `export ` to inline it into the classic script candor.js.

const CANDOR_NOT_READY = "Not allowed: your privacy choices are not loaded yet.";

function candorPurposeOf(request) {
  try {
    const p = request && typeof request === "object" ? request.purpose : request;
    return typeof p === "string" ? p.slice(0, 200) : "";
  } catch (e) {
    return "";
  }
}

function candorDenied(request) {
  return { allowed: false, reason: "not-ready", purpose: candorPurposeOf(request), explanation: CANDOR_NOT_READY };
}

// Google's gtag shape: Consent Mode reads `arguments` objects from dataLayer.
function candorGtag() {
  (window.dataLayer = window.dataLayer || []).push(arguments);
}

function candorMessage(error) {
  const text = error && typeof error === "object" && "message" in error ? error.message : String(error);
  return text.indexOf("Candor:") === 0 ? text : "Candor: " + text;
}

// Create the public object and its private controls:
// { candor, attach(widget), fail(error) }.
export function createCandor() {
  let widget = null;
  let warned = false;
  // allows() answers, memoized: purpose id → true for every purpose the
  // widget allows now (Widget.snapshot, Rust's decide), refreshed after
  // every change, when an answer may change by time alone (a grant or
  // refusal expiring, a future-dated choice becoming trusted) and when the
  // page becomes visible again (background timers are throttled).
  let allowed = new Map();
  let refreshTimer = 0;
  const subscribers = [];
  let resolveReady;
  let rejectReady;
  const ready = new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // No unhandled-rejection noise; the site still sees the rejection.
  ready.catch(() => {});

  function warn(error) {
    if (!warned) {
      warned = true;
      console.warn(candorMessage(error));
    }
  }
  function call(fallback, use) {
    if (widget) {
      try {
        return use(widget);
      } catch (e) {
        warn(e);
      }
    }
    return fallback();
  }
  function refresh() {
    if (!widget) return;
    clearTimeout(refreshTimer);
    refreshTimer = 0;
    let next = new Map();
    try {
      const snapshot = JSON.parse(widget.snapshot());
      for (const id of snapshot.allowed) next.set(id, true);
      const wait = snapshot.refreshIn;
      // setTimeout fires at once past 2^31-1 ms; at least a frame apart.
      if (typeof wait === "number") refreshTimer = setTimeout(refresh, Math.min(Math.max(wait, 16), 2147483647));
    } catch (e) {
      next = new Map();
      warn(e);
    }
    allowed = next;
  }
  function onVisible() {
    if (document.visibilityState !== "hidden") refresh();
  }
  function emit(json) {
    refresh();
    let preferences;
    try {
      preferences = JSON.parse(json);
    } catch (e) {
      return;
    }
    for (const cb of subscribers.slice()) {
      try {
        cb(preferences);
      } catch (e) {
        warn(e);
      }
    }
    try {
      window.dispatchEvent(new CustomEvent("candor:change", { detail: preferences }));
    } catch (e) {
      warn(e);
    }
  }

  const candor = Object.freeze({
    ready,
    allows: (purpose) => typeof purpose === "string" && allowed.get(purpose) === true,
    decide: (request) => call(() => candorDenied(request), (w) => JSON.parse(w.decide(request))),
    record: (request) => call(() => candorDenied(request), (w) => JSON.parse(w.record(request))),
    explain: (request) => call(() => CANDOR_NOT_READY, (w) => w.explain(request)),
    acceptAll: () => call(() => undefined, (w) => void w.acceptAll()),
    rejectAll: () => call(() => undefined, (w) => void w.rejectAll()),
    set: (purpose, granted) => call(() => false, (w) => w.set(purpose, granted) === true),
    show: () => call(() => undefined, (w) => void w.show()),
    hide: () => call(() => undefined, (w) => void w.hide()),
    preferences: () => call(() => null, (w) => JSON.parse(w.preferences())),
    receipt: () => call(() => null, (w) => JSON.parse(w.receipt())),
    reset: () => call(() => undefined, (w) => void w.reset()),
    on(type, cb) {
      if (type !== "change" || typeof cb !== "function") return () => {};
      subscribers.push(cb);
      return () => {
        const i = subscribers.indexOf(cb);
        if (i >= 0) subscribers.splice(i, 1);
      };
    },
    ask: (purpose) =>
      Promise.resolve(call(() => false, (w) => w.ask(purpose))).then(
        (answer) => answer === true,
        () => false,
      ),
    why: (request) => call(() => undefined, (w) => void w.why(request)),
  });

  function attach(w) {
    widget = w;
    refresh();
    try {
      document.addEventListener("visibilitychange", onVisible);
      window.addEventListener("pageshow", onVisible);
      w.setListener(emit);
      w.connect(candorGtag);
    } catch (e) {
      warn(e);
    }
    resolveReady(candor);
    try {
      window.dispatchEvent(new CustomEvent("candor:ready", { detail: candor }));
    } catch (e) {
      warn(e);
    }
  }
  function fail(error) {
    const err = error instanceof Error && candorMessage(error) === error.message ? error : new Error(candorMessage(error));
    console.warn(err.message);
    rejectReady(err);
    return err;
  }
  return { candor, attach, fail };
}

// Resolves once <body> exists (an async script may run before it).
export function candorBody() {
  return new Promise((resolve) => {
    if (document.body) resolve();
    else document.addEventListener("DOMContentLoaded", () => resolve(), { once: true });
  });
}

// The built-in languages the wasm does not carry (English is in it): their
// texts are the files i18n/<lang>.txt beside the wasm. Only a hint to fetch
// the page's language early; the widget says what it needs (textsNeeded).
const CANDOR_TEXT_FILES = ["fr", "de", "es"];

// A text-file loader, lang → promise of the file's text, each file fetched
// once; `url(lang)` locates it. The page's own language (<html lang>) is
// requested at once, side by side with the wasm, not after it.
export function candorTexts(url) {
  const files = new Map();
  function load(lang) {
    if (!files.has(lang)) {
      let file;
      try {
        file = fetch(url(lang), { credentials: "same-origin" }).then((response) => {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        });
      } catch (e) {
        file = Promise.reject(e);
      }
      file.catch(() => {});
      files.set(lang, file);
    }
    return files.get(lang);
  }
  const page = (document.documentElement.getAttribute("lang") || "").split(/[-_]/)[0].toLowerCase();
  if (CANDOR_TEXT_FILES.indexOf(page) >= 0) load(page);
  return load;
}

// Validate the config text, load the texts it needs (`texts`, from
// candorTexts), mount the widget and attach it. Throws a `Candor: ...` Error
// with the validation message on a bad config. A language file that cannot
// be loaded gives way to the config's default language, with a warning.
export async function candorLaunch(controls, Widget, configText, texts) {
  let widget;
  try {
    widget = new Widget(configText);
  } catch (e) {
    throw new Error("Candor: invalid config: " + (e && e.message ? e.message : String(e)));
  }
  const needed = widget.textsNeeded();
  const loading = (needed ? needed.split(" ") : []).map((lang) =>
    texts(lang)
      .then((file) => widget.addTexts(lang, file))
      .catch((e) => {
        console.warn("Candor: could not load the " + lang + " texts (i18n/" + lang + ".txt), showing the default language instead: " + (e && e.message ? e.message : String(e)));
      }),
  );
  await Promise.all(loading.concat(candorBody()));
  widget.mount();
  controls.attach(widget);
  return controls.candor;
}
