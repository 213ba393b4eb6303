// The two plugins Rollup's documentation points to: node-resolve to find
// "candor" in node_modules, import-meta-assets to copy what
// new URL("./…", import.meta.url) names (the wasm). Nothing else is set.
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { importMetaAssets } from "@web/rollup-plugin-import-meta-assets";

export default {
  input: "src/main.js",
  output: { dir: "dist", format: "es" },
  plugins: [nodeResolve(), importMetaAssets()],
};
