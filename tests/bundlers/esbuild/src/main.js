import { start } from "candor";
import wasmUrl from "candor/candor_web_bg.wasm";

// A small config: one required purpose, one the shopper has not chosen yet.
const config = {
  revision: 1,
  policyUrl: "/privacy.html",
  defaultLanguage: "en",
  purposes: [
    { id: "essential", required: true, title: "Essential", description: "Keeps your cart." },
    { id: "offers", title: "Offers", description: "Offers based on what you view here." },
  ],
};

// esbuild does not follow new URL(…, import.meta.url): its file loader
// (--loader:.wasm=file) copies the wasm into the output folder and gives its
// path relative to this bundle, passed to start() as a URL. --splitting
// (with --format=esm) keeps each language module a chunk of its own.
window.appCandor = start(config, { wasmUrl: new URL(wasmUrl, import.meta.url) });
