// npm entry: `import { start } from "candor"; const candor = await start(config);`
import init, { Widget } from "./candor_web.js";
import { createCandor, candorLaunch } from "./facade.js";

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
    await init();
    await candorLaunch(controls, Widget, text);
  } catch (e) {
    throw controls.fail(e);
  }
  return controls.candor;
}
