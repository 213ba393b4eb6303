// The npm package, imported as an ES module instead of the script tag.
// `/npm/index.js` is the package's entry point as served by the demo server.
import { start } from "/npm/index.js";

const PURPOSES = ["essential", "session-offers", "recommendations", "email-deals", "analytics", "ads"];
const state = document.querySelector("[data-npm-state]");
const list = document.querySelector("[data-npm-status]");

function render(candor) {
  list.replaceChildren(...PURPOSES.map((id) => {
    const d = candor.decide({ purpose: id });
    const li = document.createElement("li");
    li.dataset.purpose = id;
    li.dataset.allowed = String(d.allowed);
    li.textContent = `${id}: ${d.allowed ? "allowed" : "not allowed"} (${d.reason})`;
    return li;
  }));
}

try {
  const config = await (await fetch("/candor.json")).json();
  const candor = await start(config);
  window.demoCandor = candor; // for the end-to-end test
  state.textContent = "Candor started from the npm package.";
  render(candor);
  candor.on("change", () => render(candor));
} catch (error) {
  state.textContent = `Candor did not start: ${error && error.message ? error.message : error}`;
  console.error(error);
}
