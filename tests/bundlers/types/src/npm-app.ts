// An npm app: `import { start } from "candor"`, with the types the package
// ships (index.d.ts). The package installs no global: `window.candor` must
// not type-check here.
import { start, type Candor, type Config, type Decision, type Preferences } from "candor";

const config: Config = {
  revision: 1,
  policyUrl: "/privacy.html",
  purposes: [
    { id: "essential", required: true, title: "Essential", description: "Keeps your cart." },
    { id: "offers", title: { en: "Offers", fr: "Offres" }, description: "Offers based on what you view." },
  ],
};

const candor: Candor = await start(config);
await start(JSON.stringify(config), { wasmUrl: "/assets/candor_web_bg.wasm" });
await start(config, { baseUrl: new URL("https://cdn.example/candor/") });

const decision: Decision = candor.decide({ purpose: "offers", signals: ["cart"] });
if (!decision.allowed && decision.reason === "no-choice") candor.show();
const answered: boolean = await candor.ask("offers");
const unsubscribe: () => void = candor.on("change", (p: Preferences) => console.log(p.purposes, answered));
unsubscribe();
addEventListener("candor:ready", (e) => e.detail.allows("offers"));

// @ts-expect-error: the npm package has no window.candor (it is the widget's host element there)
window.candor?.allows("offers");
// @ts-expect-error: not a reason
const wrong: Decision["reason"] = "maybe";
// @ts-expect-error: unknown option
await start(config, { wasm: "/x.wasm" });
// @ts-expect-error: a config needs its purposes
await start({ revision: 1 });
console.log(wrong);
