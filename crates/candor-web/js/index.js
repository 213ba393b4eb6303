// npm entry: `import { start } from "candor"; const candor = await start(config);`
import init, { Widget } from "./candor_web.js";
import { createCandor, candorLaunch, candorTexts } from "./facade.js";

// Each language file by a literal URL, so that bundlers see and copy them.
const TEXT_FILES = {
  fr: new URL("./i18n/fr.txt", import.meta.url),
  de: new URL("./i18n/de.txt", import.meta.url),
  es: new URL("./i18n/es.txt", import.meta.url),
};

/**
 * Start Candor with a config (object or JSON text). Resolves to the Candor
 * object once the saved choices are loaded; rejects with the validation
 * message on a bad config.
 */
export async function start(config) {
  const controls = createCandor();
  try {
    const text = typeof config === "string" ? config : JSON.stringify(config);
    if (typeof text !== "string") throw new Error("Candor: start(config) needs a config object or JSON text");
    const texts = candorTexts((lang) => TEXT_FILES[lang] || new URL("./i18n/" + lang + ".txt", import.meta.url));
    await init();
    await candorLaunch(controls, Widget, text, texts);
  } catch (e) {
    throw controls.fail(e);
  }
  return controls.candor;
}
