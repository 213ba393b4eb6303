// Cart page: the lines (essential storage) and the visit offer.
import { addToCart, cart, el, lineTotal, money, product, setQuantity } from "./shop.js";
import { mountOffer } from "./offer.js";

const list = document.querySelector("[data-cart-lines]");
const empty = document.querySelector("[data-empty-cart]");
const subtotal = document.querySelector("[data-cart-subtotal]");
const checkoutNote = document.querySelector("[data-checkout-note]");

function lineView(line) {
  const p = product(line.id);
  return el("li", { class: "cart-line", "data-line": p.id },
    el("img", { src: `/img/${p.id}.svg`, alt: "", width: 96, height: 72 }),
    el("div", { class: "cart-line-info" },
      el("a", { href: `/product.html?id=${p.id}`, class: "cart-line-name" }, p.name),
      line.discount ? el("span", { class: "badge" }, `${line.discount}% off this visit`) : null),
    el("div", { class: "cart-line-qty" },
      el("button", { type: "button", class: "qty-button", "aria-label": `One fewer ${p.name}`, onclick: () => setQuantity(p.id, line.qty - 1) }, "−"),
      el("span", { class: "qty" }, el("span", { class: "visually-hidden" }, "Quantity: "), String(line.qty)),
      el("button", { type: "button", class: "qty-button", "aria-label": `One more ${p.name}`, onclick: () => addToCart(p.id) }, "+")),
    el("span", { class: "cart-line-total" }, money(lineTotal(line))));
}

function render() {
  const lines = cart();
  empty.hidden = lines.length > 0;
  list.replaceChildren(...lines.map(lineView));
  subtotal.textContent = money(lines.reduce((sum, l) => sum + lineTotal(l), 0));
}

document.querySelector("[data-checkout]").addEventListener("click", () => {
  checkoutNote.textContent = "This is a demo shop: nothing is charged or shipped.";
});

render();
window.addEventListener("shop:cart", render);
window.addEventListener("storage", render);
mountOffer(document.querySelector("[data-offer-slot]"));
