import { start } from "candor";

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

// No option: the bundler copies the wasm and splits the language modules.
window.appCandor = start(config);
