// Candor's public object: a thin, never-throwing facade over the wasm
// `Widget`. Until a widget is attached every check answers "not allowed".
// Shared by the script tag (candor.js) and the npm package.
//
// The built-ins it relies on are captured when it loads, so that a page
// that later breaks `Promise.prototype.then`, `JSON.parse`, `Map` or
// `dispatchEvent` cannot make Candor throw into the page or answer wrongly.

import { call, win, doc, PromiseCtor, ErrorCtor, freeze, arrayPush, arrayIndexOf, stringSlice, stringIndexOf, addListener, setTimeoutFn } from "./builtins.js";

const promiseResolve = Promise.resolve.bind(Promise);

const MapCtor = Map;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const arraySlice = Array.prototype.slice;
const arraySplice = Array.prototype.splice;
const CustomEventCtor = CustomEvent;
const dispatch = EventTarget.prototype.dispatchEvent;
const clearTimeoutFn = clearTimeout;
const setIntervalFn = setInterval;
const clearIntervalFn = clearInterval;
const consoleWarn = console.warn;
const theConsole = console;
const visibilityGet = Object.getOwnPropertyDescriptor(Document.prototype, "visibilityState").get;
const hasFocus = Document.prototype.hasFocus;
const locks = navigator.locks;
const locksRequest = locks && locks.request;
const idb = win.indexedDB;
const BroadcastChannelCtor = win.BroadcastChannel;

/**
 * `p.then(ok, fail)` without looking up `then`: `await` settles a native
 * promise through the engine's own steps, whatever the page did to
 * `Promise.prototype.then`.
 */
export function then(p, ok, fail) {
  return (async () => {
    let value;
    try {
      value = await p;
    } catch (e) {
      if (fail) return fail(e);
      throw e;
    }
    return ok ? ok(value) : value;
  })();
}

export const CANDOR_NOT_READY = "Not allowed: your privacy choices are not loaded yet.";

/** A console warning that can never throw. */
export function candorWarn(message) {
  try {
    call(consoleWarn, theConsole, message);
  } catch (e) {
    /* a console that throws: nothing to tell */
  }
}

function purposeOf(request) {
  try {
    const p = request && typeof request === "object" ? request.purpose : request;
    return typeof p === "string" ? call(stringSlice, p, 0, 200) : "";
  } catch (e) {
    return "";
  }
}

function denied(request) {
  return { allowed: false, reason: "not-ready", purpose: purposeOf(request), explanation: CANDOR_NOT_READY };
}

/** `error`'s message, starting with `Candor:`. */
export function candorMessage(error) {
  let text;
  try {
    text = error && typeof error === "object" && "message" in error ? String(error.message) : String(error);
  } catch (e) {
    text = "unknown error";
  }
  return call(stringIndexOf, text, "Candor:") === 0 ? text : "Candor: " + text;
}

// Google's gtag shape: Consent Mode reads `arguments` objects from dataLayer.
export function candorGtag() {
  (win.dataLayer = win.dataLayer || []).push(arguments);
}

// -------------------------------------------------------- the ledger lock

const LOCK = "candor.ledger";
const DB = "candor";
const STORE = "ledger";
const GRANT_TIMEOUT_MS = 5000;
/** How long `ready` waits for the front tab's first hold of the lock. */
const FIRST_HOLD_MS = 1000;
const WANT_AGAIN_MS = 200;

/**
 * Exact frequency caps across tabs. A message on a capped channel is
 * counted only by the tab that holds the Web Lock `candor.ledger`, whose
 * ledger is then the authoritative one: it reads the shared ledger from
 * IndexedDB when it takes the lock, and writes each count there before it
 * lets the lock go.
 *
 * - The tab in front (visible and focused) takes the lock when it is free
 *   and keeps it, so that its synchronous `record()` can count; it lets it
 *   go when hidden, or as soon as another tab asks for it.
 * - `recordAsync()` takes the lock in any tab (asking the holder to let
 *   go, then waiting its turn), counts, writes, and lets it go again.
 *
 * Without Web Locks or IndexedDB nothing is exact: messages on capped
 * channels are denied (a cap that cannot be kept is not a cap).
 */
function ledgerLock(widget, warn) {
  const available = Boolean(locksRequest && idb && BroadcastChannelCtor);
  let db = null;
  let held = null; // the function that lets the lock go
  let pending = null; // the lock request in flight
  let first = promiseResolve(false); // the front tab's first hold
  let busy = 0;
  let wanted = false;
  let writes = promiseResolve();
  let channel = null;

  function openDb() {
    if (!db) {
      db = new PromiseCtor((resolve, reject) => {
        const request = idb.open(DB, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new ErrorCtor("IndexedDB is blocked"));
      });
    }
    return db;
  }
  async function read() {
    const d = await openDb();
    return new PromiseCtor((resolve, reject) => {
      const tx = d.transaction(STORE, "readonly");
      const request = tx.objectStore(STORE).get("ledger");
      request.onsuccess = () => resolve(typeof request.result === "string" ? request.result : null);
      request.onerror = () => reject(request.error);
    });
  }
  async function write(text) {
    const d = await openDb();
    return new PromiseCtor((resolve, reject) => {
      const tx = d.transaction(STORE, "readwrite");
      tx.objectStore(STORE).put(text, "ledger");
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  /**
   * Request the lock: queued, or only if free (`ifAvailable`). Resolves
   * whether this tab now holds it. `timeout` bounds the wait.
   */
  function request(ifAvailable) {
    if (held) return promiseResolve(true);
    if (!available) return promiseResolve(false);
    // One request at a time: a second one queued behind this tab's own
    // would wait for a lock only this tab can let go.
    if (pending) return (async () => ((await pending) && held ? true : request(ifAvailable)))();
    const asked = ask(ifAvailable);
    pending = asked;
    (async () => {
      await asked;
      pending = null;
    })();
    return asked;
  }
  function ask(ifAvailable) {
    // Ask the holder to let go, and again while waiting: a holder that was
    // still taking the lock when the first message came did not hear it.
    const want = () => {
      try {
        channel.postMessage("want");
      } catch (e) {
        /* alone */
      }
    };
    let nag = 0;
    if (!ifAvailable) {
      want();
      nag = call(setIntervalFn, win, want, WANT_AGAIN_MS);
    }
    return new PromiseCtor((resolve) => {
      let settled = false;
      const timer = call(setTimeoutFn, win, () => {
        call(clearIntervalFn, win, nag);
        settled = true;
        resolve(false);
      }, GRANT_TIMEOUT_MS);
      const granted = async (lock) => {
        call(clearTimeoutFn, win, timer);
        call(clearIntervalFn, win, nag);
        if (settled || !lock) {
          settled = true;
          resolve(false);
          return;
        }
        let stored;
        try {
          stored = await read();
        } catch (e) {
          warn(e);
          settled = true;
          resolve(false);
          return;
        }
        settled = true;
        let release;
        const released = new PromiseCtor((r) => {
          release = r;
        });
        held = release;
        wanted = false;
        widget.setExact(true, stored);
        resolve(true);
        await released;
        await writes;
        widget.setExact(false, undefined);
        held = null;
      };
      const options = ifAvailable ? { ifAvailable: true } : {};
      then(call(locksRequest, locks, LOCK, options, granted), undefined, () => resolve(false));
    });
  }
  function letGo() {
    if (!held) return;
    if (busy > 0) wanted = true;
    else held();
  }
  function inFront() {
    try {
      return call(visibilityGet, doc) === "visible" && call(hasFocus, doc);
    } catch (e) {
      return false;
    }
  }
  function holdIfFront() {
    return inFront() ? request(true) : promiseResolve(false);
  }

  if (available) {
    try {
      channel = new BroadcastChannelCtor(LOCK);
      channel.onmessage = (m) => {
        if (m.data === "want") letGo();
      };
      call(addListener, doc, "visibilitychange", () => {
        if (call(visibilityGet, doc) === "hidden") letGo();
        else holdIfFront();
      });
      call(addListener, win, "focus", holdIfFront);
      call(addListener, win, "pagehide", letGo);
      first = holdIfFront();
    } catch (e) {
      warn(e);
    }
  }

  return {
    /** The wasm counted a message: write the ledger before the lock goes. */
    counted(text) {
      writes = then(then(writes, () => write(text)), undefined, warn);
    },
    /** Settles once a tab in front holds the lock, or could not. */
    first: () => first,
    /** `record()` with the lock held (taken for this call if needed). */
    async recordAsync(req) {
      const had = Boolean(held);
      const ok = await request(false);
      busy += 1;
      let decision;
      try {
        decision = widget.record(req);
        await writes;
      } finally {
        busy -= 1;
      }
      if (ok && (!had || wanted)) letGo();
      return decision;
    },
    available,
  };
}

// ---------------------------------------------------------- public object

/**
 * The public object and its private controls:
 * { candor, attach(widget), fail(error) }.
 */
export function createCandor() {
  let widget = null;
  let lock = null;
  const warned = new MapCtor();
  // allows() answers, memoized: purpose id → true for every purpose the
  // widget allows now (its committed state), refreshed with every commit,
  // when an answer may change by time alone (a grant expiring), and when
  // the page becomes visible again (background timers are throttled).
  let allowed = new MapCtor();
  let refreshTimer = 0;
  const subscribers = [];
  let resolveReady;
  let rejectReady;
  const ready = new PromiseCtor((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // No unhandled-rejection noise; the site still sees the rejection.
  then(ready, undefined, () => {});
  // The ledger lock exists once the integrations start (the frame after
  // the banner's): a recordAsync() made between `ready` and then waits.
  let resolveStarted;
  const started = new PromiseCtor((resolve) => {
    resolveStarted = resolve;
  });

  function warn(error) {
    const message = candorMessage(error);
    if (!call(mapGet, warned, message)) {
      call(mapSet, warned, message, true);
      candorWarn(message);
    }
  }
  function use(fallback, f) {
    if (widget) {
      try {
        return f(widget);
      } catch (e) {
        warn(e);
      }
    }
    return fallback();
  }
  function memo(m) {
    const next = new MapCtor();
    try {
      const ids = m && m.allowed;
      for (let i = 0; ids && i < ids.length; i += 1) call(mapSet, next, ids[i], true);
      call(clearTimeoutFn, win, refreshTimer);
      refreshTimer = 0;
      const wait = m && m.refreshIn;
      // setTimeout fires at once past 2^31-1 ms; at least a frame apart.
      if (typeof wait === "number") refreshTimer = call(setTimeoutFn, win, refresh, Math.min(Math.max(wait, 16), 2147483647));
    } catch (e) {
      warn(e);
    }
    allowed = next;
  }
  function refresh() {
    if (widget) {
      try {
        memo(widget.snapshot());
      } catch (e) {
        allowed = new MapCtor();
        warn(e);
      }
    }
  }
  function emit(preferences) {
    for (const cb of call(arraySlice, subscribers)) {
      try {
        cb(preferences);
      } catch (e) {
        warn(e);
      }
    }
    call(dispatch, win, new CustomEventCtor("candor:change", { detail: preferences }));
  }

  const candor = freeze({
    ready,
    allows: (purpose) => typeof purpose === "string" && call(mapGet, allowed, purpose) === true,
    decide: (request) => use(() => denied(request), (w) => w.decide(request)),
    record: (request) => use(() => denied(request), (w) => w.record(request)),
    recordAsync: async (request) => {
      try {
        if (!widget) return denied(request);
        if (!lock) await started;
        return await lock.recordAsync(request);
      } catch (e) {
        warn(e);
        return denied(request);
      }
    },
    explain: (request) => use(() => CANDOR_NOT_READY, (w) => w.explain(request)),
    acceptAll: () => use(() => undefined, (w) => void w.acceptAll()),
    rejectAll: () => use(() => undefined, (w) => void w.rejectAll()),
    set: (purpose, granted) => use(() => false, (w) => w.set(purpose, granted) === true),
    show: () => use(() => undefined, (w) => void w.show()),
    hide: () => use(() => undefined, (w) => void w.hide()),
    preferences: () => use(() => null, (w) => w.preferences()),
    receipt: () => use(() => null, (w) => w.receipt()),
    reset: () => use(() => undefined, (w) => void w.reset()),
    on(type, cb) {
      if (type !== "change" || typeof cb !== "function") return () => {};
      call(arrayPush, subscribers, cb);
      return () => {
        const i = call(arrayIndexOf, subscribers, cb);
        if (i >= 0) call(arraySplice, subscribers, i, 1);
      };
    },
    ask: (purpose, options) => {
      const detail = Boolean(options && typeof options === "object" && options.detail === true);
      const fallback = detail ? { allowed: false, answer: "unavailable" } : false;
      try {
        if (!widget) return promiseResolve(fallback);
        return then(widget.ask(purpose, options), undefined, () => fallback);
      } catch (e) {
        warn(e);
        return promiseResolve(fallback);
      }
    },
    why: (request) => use(() => undefined, (w) => void w.why(request)),
  });

  function onVisible() {
    try {
      if (call(visibilityGet, doc) !== "hidden") refresh();
    } catch (e) {
      /* keep the memo */
    }
  }

  /** The widget is mounted (the banner shows): answer from it. */
  function attach(w) {
    widget = w;
    refresh();
    try {
      call(addListener, doc, "visibilitychange", onVisible);
      call(addListener, win, "pageshow", onVisible);
    } catch (e) {
      warn(e);
    }
  }

  /**
   * The banner is on screen: start the page integrations, then resolve
   * `ready` once a tab in front holds the ledger lock (so that a
   * synchronous `record()` made at `ready` counts exactly).
   */
  async function start() {
    if (!widget) return;
    try {
      lock = ledgerLock(widget, warn);
      widget.attach({
        commit: memo,
        emit,
        gtag: candorGtag,
        ledger: (text) => lock.counted(text),
      });
      if (!lock.available) {
        warn("Candor: this browser offers no Web Locks or IndexedDB here, so message counts cannot be kept exactly: messages on capped channels are not sent.");
      }
      // Bounded: a lock or a database that never answers delays nothing
      // for long (record() then answers count-not-saved until it does).
      await new PromiseCtor((resolve) => {
        call(setTimeoutFn, win, resolve, FIRST_HOLD_MS);
        then(lock.first(), resolve, resolve);
      });
    } catch (e) {
      warn(e);
    }
    resolveStarted();
    resolveReady(candor);
    try {
      call(dispatch, win, new CustomEventCtor("candor:ready", { detail: candor }));
    } catch (e) {
      warn(e);
    }
  }

  function fail(error) {
    let err;
    try {
      err = error instanceof ErrorCtor && candorMessage(error) === error.message ? error : new ErrorCtor(candorMessage(error));
    } catch (e) {
      err = new ErrorCtor("Candor: could not start");
    }
    candorWarn(err.message);
    rejectReady(err);
    resolveStarted(); // a waiting recordAsync() answers "not allowed"
    return err;
  }
  return { candor, attach, start, fail };
}
