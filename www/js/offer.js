// The cart-based offer shared by the product and cart pages.
//
// It is an onsite message under the session-scoped "session-offers" purpose:
// shown only when allowed, and counted against the onsite cap with
// `candor.recordAsync()` once per page view. When not allowed, the shopper gets a
// contextual invitation instead.
import {
  OFFER_PERCENT, SESSION_OFFERS, SESSION_OFFER_MESSAGE, addToCart, askFor, cart, decide, el, grantNow, money, product,
  record, withCandor,
} from "./shop.js";

const SHORT_NAMES = { "trail-headlamp": "headlamp", "trail-bottle": "trail bottle", "camp-stove": "camp stove" };
const ASKABLE = new Set(["no-choice", "refused", "expired", "outdated"]);

/** The item the offer is for: a headlamp, unless there is one in the cart already. */
function offerItem(lines) {
  const ids = lines.map((l) => l.id);
  for (const candidate of ["trail-headlamp", "trail-bottle", "camp-stove"]) {
    if (!ids.includes(candidate)) return product(candidate);
  }
  return null;
}

export function mountOffer(slot) {
  let shownItem = null; // the offer counted for this page view, if any
  let confirming = false;

  function offerView(item) {
    const price = item.price * (1 - OFFER_PERCENT / 100);
    return el("div", { class: "offer", "data-offer": item.id },
      el("img", { src: `/img/${item.id}.svg`, alt: "", width: 120, height: 90 }),
      el("div", { class: "offer-body" },
        el("p", { class: "offer-kicker" }, "Offer for this visit"),
        el("h2", { class: "offer-title" }, `Add a ${SHORT_NAMES[item.id]} for ${OFFER_PERCENT}% off`),
        el("p", {}, `The ${item.name} for `, el("strong", {}, money(price)), " instead of ", el("s", {}, money(item.price)),
          ". Picked from what is in your cart."),
        el("button", {
          type: "button", class: "button button-primary", "data-offer-add": item.id,
          onclick: () => addToCart(item.id, { discount: OFFER_PERCENT }),
        }, `Add with ${OFFER_PERCENT}% off`)));
  }

  function invitationView(decision) {
    const yes = el("button", { type: "button", class: "button button-primary", "data-invite-yes": "" }, "Yes, for this visit");
    const no = el("button", { type: "button", class: "button", "data-invite-no": "" }, "No thanks");
    const confirmBox = el("div", { class: "invite-confirm", "data-invite-confirm": "", hidden: !confirming },
      el("p", {}, "We will look at the items in your cart to show at most 3 offers a day. We forget this when you close your browser."),
      el("div", { class: "button-row" }, yes, no));
    const open = el("button", {
      type: "button", class: "button", "data-invite": "", "aria-expanded": String(confirming), hidden: confirming,
    }, "Show me offers for this visit");
    open.addEventListener("click", async () => {
      // The widget's own prompt when it has one; otherwise (or if it recorded
      // no answer) a Yes / No right here, never window.confirm.
      if ((await askFor("session-offers")) !== null) return; // the change event re-renders
      confirming = true;
      open.hidden = true;
      open.setAttribute("aria-expanded", "true");
      confirmBox.hidden = false;
      yes.focus();
    });
    yes.addEventListener("click", () => {
      confirming = false;
      grantNow("session-offers");
    });
    no.addEventListener("click", () => {
      confirming = false;
      confirmBox.hidden = true;
      open.hidden = false;
      open.setAttribute("aria-expanded", "false");
      open.focus();
    });
    return el("div", { class: "invite", "data-invitation": "", "data-reason": decision.reason },
      el("p", { class: "invite-title" }, "Want offers based on your cart during this visit?"),
      el("p", { class: "invite-text" }, "Nothing is personalized unless you say yes, and it ends when you close your browser."),
      open, confirmBox);
  }

  let counting = false;
  function render() {
    const lines = cart();
    const item = offerItem(lines);
    if (shownItem && lines.some((l) => l.id === shownItem.id && l.discount)) {
      slot.hidden = false;
      slot.replaceChildren(el("p", { class: "offer-done", role: "status" },
        `✓ The ${shownItem.name} is in your cart with ${OFFER_PERCENT}% off.`));
      return;
    }
    if (!lines.length || !item) {
      slot.hidden = true;
      slot.replaceChildren();
      return;
    }
    const decision = decide(SESSION_OFFERS);
    if (decision.allowed) {
      if (!shownItem) {
        // One onsite message per page view, counted against the cap
        // (exactly, across tabs: the count is saved before it resolves).
        if (counting) return;
        counting = true;
        record(SESSION_OFFER_MESSAGE).then((delivered) => {
          counting = false;
          if (!delivered.allowed) {
            slot.hidden = false;
            slot.replaceChildren(el("p", { class: "offer-paused", "data-offer-paused": "", "data-reason": delivered.reason },
              delivered.explanation || "No more offers today."));
            return;
          }
          shownItem = item;
          render();
        });
        return;
      }
      slot.hidden = false;
      slot.replaceChildren(offerView(shownItem));
      return;
    }
    shownItem = null;
    if (ASKABLE.has(decision.reason) || decision.reason === "not-ready") {
      slot.hidden = decision.reason === "not-ready";
      if (!slot.hidden) slot.replaceChildren(invitationView(decision));
      return;
    }
    slot.hidden = true;
    slot.replaceChildren();
  }

  withCandor(render);
  window.addEventListener("shop:cart", render);
}
