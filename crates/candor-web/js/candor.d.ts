// Types for the script-tag build (`<script src=".../candor.js">`): the
// global `window.candor` it installs. npm users import { start } instead,
// and get the same types without the global (index.d.ts).

import type { Candor, Preferences } from "./index";

export * from "./index";

declare global {
  interface Window {
    /** Candor's public object; answers "not allowed" until `ready` resolves. */
    candor?: Candor;
  }
  interface WindowEventMap {
    "candor:ready": CustomEvent<Candor>;
    "candor:change": CustomEvent<Preferences>;
  }
}
