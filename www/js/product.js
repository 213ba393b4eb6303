// Product page: details, add to cart, the visit offer, and — only while
// "recommendations" is allowed — remembering that this product was viewed.
import { PRODUCTS, RECOMMENDATIONS, addToCart, decide, money, product, productCard, rememberView, withCandor } from "./shop.js";
import { mountOffer } from "./offer.js";

const id = new URLSearchParams(location.search).get("id");
const item = product(id) || PRODUCTS[0];
const q = (sel) => document.querySelector(sel);

document.title = `${item.name} — Northwind Outfitters`;
q("[data-product-crumb]").textContent = item.name;
q("[data-product-category]").textContent = item.category;
q("[data-product-name]").textContent = item.name;
q("[data-product-price]").textContent = money(item.price);
q("[data-product-blurb]").textContent = item.blurb;
q("[data-product-details]").append(...item.details.map((d) => Object.assign(document.createElement("li"), { textContent: d })));
const image = q("[data-product-image]");
image.src = `/img/${item.id}.svg`;
image.alt = `Illustration of the ${item.name}`;
q("[data-related-list]").append(...item.related.map((rel) => productCard(product(rel))));

const note = q("[data-added-note]");
q("[data-add-to-cart]").addEventListener("click", () => {
  addToCart(item.id);
  note.textContent = `Added the ${item.name} to your cart.`;
});

// Record the view once, and only with permission (also if it is given while on this page).
let remembered = false;
withCandor(() => {
  if (!remembered && decide(RECOMMENDATIONS).allowed) {
    remembered = true;
    rememberView(item.id);
  }
});

mountOffer(q("[data-offer-slot]"));
