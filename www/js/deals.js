// Deals page: sign-up for "email-deals", a simulated weekly send that goes
// through `candor.recordAsync()` (so the 2-per-7-days cap shows), and two requests
// Candor refuses whatever the shop wants (age: demographic; health: sensitive).
import { candorInstance, decide, el, grantNow, record, withCandor } from "./shop.js";

const EMAIL_DEAL = { purpose: "email-deals", channel: "email", signals: ["browsing"] };
const q = (sel) => document.querySelector(sel);

const off = q("[data-signup-off]");
const on = q("[data-signup-on]");
const form = q("[data-signup-form]");
const log = q("[data-send-log]");

function renderSignup() {
  const signedUp = decide({ purpose: "email-deals" }).allowed;
  off.hidden = signedUp;
  on.hidden = !signedUp;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!form.reportValidity()) return;
  // Signing up is an explicit, informed opt-in for this one purpose.
  grantNow("email-deals");
});

q("[data-unsubscribe]").addEventListener("click", () => {
  try {
    candorInstance()?.set("email-deals", false);
  } catch {
    /* nothing to withdraw */
  }
});

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short" });
let sends = 0;

q("[data-simulate-send]").addEventListener("click", async () => {
  sends += 1;
  const decision = await record(EMAIL_DEAL);
  const time = new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const entry = decision.allowed
    ? el("li", { class: "log-entry log-sent", "data-outcome": "sent", "data-reason": decision.reason },
      el("span", { class: "log-icon", "aria-hidden": "true" }, "✓"),
      el("div", {},
        el("p", { class: "log-head" }, `Email ${sends}: sent`, el("span", { class: "log-time" }, ` at ${time}`)),
        el("p", { class: "log-detail" }, decision.explanation || "")))
    : el("li", { class: "log-entry log-blocked", "data-outcome": "blocked", "data-reason": decision.reason },
      el("span", { class: "log-icon", "aria-hidden": "true" }, "✕"),
      el("div", {},
        el("p", { class: "log-head" }, `Email ${sends}: blocked `, el("code", {}, decision.reason),
          el("span", { class: "log-time" }, ` at ${time}`)),
        el("p", { class: "log-detail", "data-explanation": "" }, decision.explanation || ""),
        decision.retryAfter
          ? el("p", { class: "log-retry", "data-retry-after": decision.retryAfter },
            `Next email possible: ${dateFormat.format(new Date(decision.retryAfter))}`)
          : null));
  log.prepend(entry);
});

const WONT = {
  age: { purpose: "recommendations", signals: ["age"] },
  health: { purpose: "recommendations", signals: ["health"] },
};

for (const button of document.querySelectorAll("[data-wont]")) {
  const kind = button.dataset.wont;
  button.addEventListener("click", () => {
    const request = WONT[kind];
    const decision = decide(request);
    q(`[data-wont-result="${kind}"]`).replaceChildren(
      el("p", { class: decision.allowed ? "wont-allowed" : "wont-refused" },
        decision.allowed ? "Allowed" : "Refused", ": ", el("code", { "data-reason": decision.reason }, decision.reason)),
      el("p", { class: "wont-explanation" }, decision.explanation || ""),
      el("p", { class: "wont-request" }, "Request: ", el("code", {}, `decide(${JSON.stringify(request)})`)));
  });
}

withCandor(renderSignup);
