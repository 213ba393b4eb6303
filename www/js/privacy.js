// Privacy page: the shopper's current choices and three controls.
import { decide, el, withCandor, candorInstance } from "./shop.js";

const PURPOSES = [
  ["essential", "Essential"],
  ["session-offers", "Offers during this visit"],
  ["recommendations", "Recommendations for you"],
  ["email-deals", "Deals by email"],
  ["analytics", "Site statistics"],
  ["ads", "Ads on other sites"],
];

const body = document.querySelector("[data-choices-body]");
const status = document.querySelector("[data-privacy-status]");

function render(candor) {
  body.replaceChildren(...PURPOSES.map(([id, title]) => {
    const d = decide({ purpose: id });
    let label = d.allowed ? "On" : "Off";
    if (!candor) label = "Loading…";
    else if (d.reason === "no-choice") label = "Off (not asked yet)";
    else if (d.reason === "gpc") label = "Off (your browser's privacy signal)";
    else if (d.reason === "required") label = "Always on";
    return el("tr", { "data-purpose-row": id },
      el("th", { scope: "row" }, title),
      el("td", { class: d.allowed ? "state-on" : "state-off" }, label));
  }));
}

document.querySelector("[data-privacy='show']").addEventListener("click", () => candorInstance()?.show());

document.querySelector("[data-privacy='receipt']").addEventListener("click", () => {
  const candor = candorInstance();
  if (!candor) return;
  let receipt;
  try {
    receipt = candor.receipt();
  } catch {
    receipt = null;
  }
  if (!receipt) {
    status.textContent = "There is no record yet: you have not made a choice.";
    return;
  }
  const blob = new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: "northwind-privacy-choices.json", class: "visually-hidden" }, "download");
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  status.textContent = "Downloaded a copy of your choices (northwind-privacy-choices.json).";
});

document.querySelector("[data-privacy='reset']").addEventListener("click", () => {
  const candor = candorInstance();
  if (!candor) return;
  candor.reset();
  status.textContent = "Your choices are forgotten. The banner asks again.";
});

withCandor(render);
