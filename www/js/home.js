// Home page: "Recommended for you" only with the shopper's permission,
// otherwise the same "Bestsellers" row for everybody.
import {
  BESTSELLERS, RECOMMENDATIONS, decide, explainDecision, makePopover, product, productCard, viewed, withCandor,
} from "./shop.js";

const recommended = document.getElementById("recommended");
const recommendedList = recommended.querySelector("[data-recommended-list]");
const recommendedNote = recommended.querySelector("[data-recommended-note]");
const bestsellers = document.getElementById("bestsellers");
const whyButton = recommended.querySelector("[data-why]");
const popover = makePopover(whyButton.parentElement, whyButton);

bestsellers.querySelector("[data-bestsellers-list]").append(...BESTSELLERS.map((id) => productCard(product(id))));

whyButton.addEventListener("click", () => explainDecision(RECOMMENDATIONS, popover));

/** Related gear for what was viewed, most recent first, then the viewed items themselves. */
function suggestions(seen) {
  const picks = [];
  for (const id of seen) {
    for (const rel of product(id).related) {
      if (!seen.includes(rel) && !picks.some((p) => p.id === rel)) picks.push({ id: rel, because: id });
    }
  }
  for (const id of seen) if (!picks.some((p) => p.id === id)) picks.push({ id, because: null });
  return picks.slice(0, 4);
}

function render() {
  const decision = decide(RECOMMENDATIONS);
  recommended.hidden = !decision.allowed;
  if (!decision.allowed) {
    popover.hide();
    recommendedList.replaceChildren();
    bestsellers.hidden = false;
    return;
  }
  const seen = viewed();
  const picks = suggestions(seen);
  recommendedList.replaceChildren(
    ...picks.map(({ id, because }) =>
      productCard(product(id), { note: because ? `Because you viewed the ${product(because).name}` : "You viewed this" })),
  );
  recommendedNote.textContent = seen.length
    ? "Picked from the products you viewed here."
    : "Look at a few products and we will suggest related gear here.";
  // Until there is something to personalize with, keep the bestsellers too.
  bestsellers.hidden = picks.length > 0;
}

withCandor(render);
// Another tab may have viewed products.
window.addEventListener("storage", (e) => {
  if (e.key === "shop.viewed") render();
});
