// Injected into every benchmark page before any of its scripts (Playwright
// `addInitScript`), identical for every widget. It records, in page time
// (`performance.now()`, whose origin is the navigation start):
//
//   visible  the first animation frame in which the banner is rendered:
//            connected, a non-zero box, and `checkVisibility` with opacity and
//            visibility checks (so an ancestor with display:none, opacity 0 or
//            visibility:hidden counts as not shown);
//   click    when "Reject all" is clicked: asked for in the first task after
//            that frame (a `setTimeout(0)` queued from it, so the frame is
//            painted first), as a real, trusted mouse click: the script hands
//            the button's centre to the harness (`window.__benchClick`, a CDP
//            binding), which sends `Input.dispatchMouseEvent` press and
//            release, as a shopper's mouse would (a widget may rightly ignore
//            `element.click()`, whose event is not trusted); `click` is when
//            that click reaches the page, `clickAsked` when it was asked for;
//   hidden   the first animation frame after the click in which the banner is
//            no longer rendered (removed, hidden or zero-sized). A widget that
//            drops the click (its handlers not wired yet) is clicked again
//            after every frame in which the banner is still shown once the
//            previous click has arrived; `clicks` counts them, `click` is the
//            first. Without the binding the script falls back to
//            `element.click()`.
//
// It also collects long tasks (PerformanceObserver 'longtask') and the
// WebAssembly memories of every instance the page creates (by wrapping
// `WebAssembly.instantiate` / `instantiateStreaming`, which wasm-bindgen's
// loader uses, and the `WebAssembly.Instance` constructor), and
// first-contentful-paint.
//
// `cfg`: { host?, banner, reject?, timeoutMs }: `host` is a shadow host whose
// open shadow root holds the banner (Candor's `#candor`).
export function benchInstrument(cfg) {
  const B = {
    visible: null,
    clickAsked: null,
    click: null,
    hidden: null,
    clicks: 0,
    fcp: null,
    longtasks: [],
    memories: [],
    error: null,
  };
  Object.defineProperty(window, "__bench", { value: B, enumerable: false });
  let resolveDone;
  Object.defineProperty(window, "__benchDone", {
    value: new Promise((r) => (resolveDone = r)),
    enumerable: false,
  });

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {
    /* no long task API: reported as none */
  }

  const WA = globalThis.WebAssembly;
  if (WA) {
    const keep = (result) => {
      try {
        const instance = result instanceof WA.Instance ? result : result && result.instance;
        if (instance) {
          for (const v of Object.values(instance.exports)) if (v instanceof WA.Memory && !B.memories.includes(v)) B.memories.push(v);
        }
      } catch (e) {
        /* never break the page */
      }
      return result;
    };
    for (const name of ["instantiate", "instantiateStreaming"]) {
      const original = WA[name];
      if (typeof original === "function") {
        WA[name] = function (...args) {
          return original.apply(this, args).then(keep);
        };
      }
    }
    // And the synchronous constructor (wasm-bindgen's initSync uses it).
    try {
      WA.Instance = new Proxy(WA.Instance, {
        construct(target, args, newTarget) {
          return keep(Reflect.construct(target, args, newTarget));
        },
      });
    } catch (e) {
      /* never break the page */
    }
  }

  const root = () => (cfg.host ? document.querySelector(cfg.host)?.shadowRoot : document);
  const find = () => root()?.querySelector(cfg.banner) || null;
  const shown = (el) => {
    if (!el || !el.isConnected) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  };

  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    B.fcp = fcp ? fcp.startTime : null;
    resolveDone();
  };

  // The trusted click's arrival (capture phase on window: before any of the
  // page's own listeners).
  let pending = false; // a click asked for and not arrived yet
  let askedAt = 0;
  window.addEventListener(
    "click",
    (e) => {
      if (!e.isTrusted) return;
      if (B.click === null) B.click = performance.now();
      pending = false;
    },
    true,
  );

  const clickReject = () => {
    try {
      const button = find()?.querySelector(cfg.reject);
      if (!button) {
        // The banner can paint a frame before its buttons exist (Orejime
        // under 4x throttling): wait for the button, as a shopper would.
        if (performance.now() > cfg.timeoutMs) {
          B.error = `no reject button ${cfg.reject} in the banner`;
          finish();
        } else {
          requestAnimationFrame(() => setTimeout(clickReject, 0));
        }
        return;
      }
      B.clicks += 1;
      askedAt = performance.now();
      if (B.clickAsked === null) B.clickAsked = askedAt;
      if (typeof window.__benchClick === "function") {
        let r = button.getBoundingClientRect();
        if (r.bottom > innerHeight || r.top < 0 || r.right > innerWidth || r.left < 0) {
          button.scrollIntoView({ block: "center", inline: "center" });
          r = button.getBoundingClientRect();
        }
        pending = true;
        window.__benchClick(JSON.stringify({ x: r.left + r.width / 2, y: r.top + r.height / 2 }));
      } else {
        if (B.click === null) B.click = askedAt;
        button.click();
      }
    } catch (e) {
      B.error = "click: " + e;
      finish();
    }
  };

  const tick = () => {
    if (finished) return;
    const now = performance.now();
    try {
      if (B.visible === null) {
        if (shown(find())) {
          B.visible = now;
          if (!cfg.reject) {
            finish();
            return;
          }
          setTimeout(clickReject, 0);
        }
      } else if (B.click !== null && B.hidden === null) {
        if (!shown(find())) {
          B.hidden = now;
          finish();
          return;
        }
        // Still shown a frame after the click arrived: the widget dropped it
        // (not interactive yet). Click again after this frame, as a shopper
        // would (once the click asked for last has arrived).
        if (!pending) setTimeout(clickReject, 0);
      }
      if (pending && now - askedAt > 2000) {
        // A click that never arrived (it takes a few ms): ask again.
        pending = false;
        setTimeout(clickReject, 0);
      }
      if (now > cfg.timeoutMs) {
        B.error = B.visible === null ? "the banner never became visible" : "the banner never hid after Reject all";
        finish();
        return;
      }
    } catch (e) {
      B.error = "poll: " + e;
      finish();
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

