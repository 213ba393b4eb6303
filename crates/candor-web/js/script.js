// candor.js body (classic script): <script src=".../candor.js" data-config="URL" async>
// or an inline <script type="application/json" id="candor-config">. Finds
// candor_web.js, candor_web_bg.wasm and i18n/ next to itself.
const candorScript = document.currentScript;

async function candorConfigText(script) {
  const url = script && script.getAttribute("data-config");
  if (url) {
    let response;
    try {
      response = await fetch(new URL(url, document.baseURI), { credentials: "same-origin" });
    } catch (e) {
      throw new Error("Candor: could not fetch the config " + url + ": " + e.message);
    }
    if (!response.ok) throw new Error("Candor: could not fetch the config " + url + " (HTTP " + response.status + ")");
    return response.text();
  }
  await candorBody();
  const inline = document.getElementById("candor-config");
  if (!inline) {
    throw new Error('Candor: no config: add data-config="URL" to the script tag or a <script type="application/json" id="candor-config">');
  }
  return inline.textContent;
}

// Google Consent Mode v2: queue the all-denied default before any tag can
// read consent, as soon as the config text is known (before the wasm loads).
// The widget then pushes the real states as an 'update' (and skips its own
// default when one is queued). The one piece of Consent Mode in JS.
function candorConsentDefault(text) {
  try {
    if (candorConsentDefault.done || !JSON.parse(text).googleConsentMode) return;
    candorConsentDefault.done = true;
    const d = "denied";
    candorGtag("consent", "default", {
      ad_storage: d, ad_user_data: d, ad_personalization: d, analytics_storage: d,
      functionality_storage: d, personalization_storage: d, security_storage: "granted", wait_for_update: 500,
    });
  } catch (e) {
    /* a bad config is reported by the widget */
  }
}

// The wasm, compiled while it downloads. With `compileStreaming` the
// compile does not wait for the glue; without it (or when the server sends
// the wasm with another MIME type) the glue fetches and instantiates it
// itself, falling back to a buffer. Resolves to what the glue's init takes.
function candorWasm(url) {
  if (typeof WebAssembly.compileStreaming !== "function") return Promise.resolve(url);
  const request = fetch(url, { credentials: "same-origin" });
  return WebAssembly.compileStreaming(request).catch(() => url);
}

// The config, the glue and the wasm are fetched side by side (one round
// trip after candor.js, not three); the widget renders once all are there.
async function candorBoot(controls, script) {
  const base = script && script.src ? script.src : document.baseURI;
  const config = candorConfigText(script).then((text) => {
    candorConsentDefault(text);
    return text;
  });
  const wasm = candorWasm(new URL("candor_web_bg.wasm", base));
  const texts = candorTexts((lang) => new URL("i18n/" + lang + ".txt", base));
  const glue = import(new URL("candor_web.js", base).href).then((g) =>
    wasm.then((module) => g.default({ module_or_path: module })).then(() => g),
  );
  // Whichever fails first, the other rejection is not left unhandled.
  glue.catch(() => {});
  const configText = await config;
  let loaded;
  try {
    loaded = await glue;
  } catch (e) {
    throw new Error("Candor: could not load candor_web.js / candor_web_bg.wasm next to candor.js: " + (e && e.message));
  }
  return candorLaunch(controls, loaded.Widget, configText, texts);
}

// A second include does nothing. (`window.candor` may also be the
// `<div id="candor">` element through named access: not ours yet.)
if (!(window.candor && typeof window.candor.allows === "function")) {
  const controls = createCandor();
  window.candor = controls.candor;
  // An inline config already parsed: its Consent Mode default goes out now.
  const inline = document.getElementById("candor-config");
  if (inline) candorConsentDefault(inline.textContent);
  candorBoot(controls, candorScript).catch((e) => controls.fail(e));
}
