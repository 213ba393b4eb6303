// Class 10, two configs on one origin share one record: a record belongs to
// one site and one set of shown texts; anything else is "no choice".
//
// Shop A is the fixture page with the shop's config. Shop B is another page
// of the same origin (served through page.route) whose config has the same
// revision and purposes but other texts: 1 to 3 changes to purpose titles,
// descriptions, signal or channel labels, picked with a seed. Accept all on
// A; on B before any choice there the banner shows and nothing is allowed;
// back on A, A's choices hold.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { banner, url, useBrowser } from "../lib/browser.mjs";
import { PAGE, SEED, SHOP_CONFIG, assertAllowed, assertNoPageError, assertNothingAllowed, assertPageWorks, clickAction, pageHtml, rng, routeConfig, routePage, settle, shopConfig } from "./lib.mjs";

const b = useBrowser({ timeout: 30_000 });
afterEach(() => b.closeAll());

const SHOP_B = "/fixtures/hostile/shop-b.html";
const CONFIG_B = "/fixtures/hostile/shop-b.json";

const WORDS = ["Partner", "offers", "newsletter", "tracking", "friends", "profile", "loyalty", "club", "insights", "reach"];

/**
 * Shop B's changes: 1 to 3 shown texts, picked by id from the shop's config
 * in this tree. Returns [apply(config), what changed]; apply() edits the
 * served config.
 */
function variantChanges(r) {
  const edits = [];
  for (let n = r.range(1, 3); n > 0; n -= 1) {
    const text = `${r.pick(WORDS)} ${r.pick(WORDS)} ${r.int(1000)}`;
    const kind = r.pick([
      ["purposes", "title"],
      ["purposes", "description"],
      ["signals", "label"],
      ["channels", "label"],
    ]);
    const id = r.pick(SHOP_CONFIG[kind[0]]).id;
    edits.push([kind[0], id, kind[1], text]);
  }
  const apply = (config) => {
    for (const [list, id, field, text] of edits) {
      const item = config[list].find((x) => x.id === id);
      item[field] = { ...(typeof item[field] === "object" ? item[field] : {}), en: text };
    }
  };
  const names = { purposes: "", signals: "signal ", channels: "channel " };
  return [apply, [...new Set(edits.map(([list, id, field]) => `${field} of ${names[list]}${id}`))]];
}

const r = rng(SEED);
for (let i = 0; i < 5; i += 1) {
  const [apply, changes] = variantChanges(r);
  test(`shop B on the same origin with other texts (${changes.join(", ")}; seed ${SEED}, #${i}): no choice there; A keeps its own`, async () => {
    const { page } = await b.open();
    await routeConfig(page, await shopConfig(apply), url(CONFIG_B));
    await routePage(page, SHOP_B, pageHtml({ config: CONFIG_B }));
    await page.goto(url(PAGE));
    assert.deepEqual(await settle(page), { ok: true });
    await clickAction(page, "accept-all");
    await assertAllowed(page, "shop A after Accept all");
    await page.goto(url(SHOP_B));
    assert.deepEqual(await settle(page), { ok: true });
    await assertNothingAllowed(page, "shop B before any choice there");
    await banner(page).waitFor({ state: "visible", timeout: 5000 });
    await assertPageWorks(page);
    assertNoPageError(page);
    await page.goto(url(PAGE));
    assert.deepEqual(await settle(page), { ok: true });
    await assertAllowed(page, "back on shop A");
    assertNoPageError(page);
  });
}
