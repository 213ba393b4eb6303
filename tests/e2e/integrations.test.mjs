// In a real browser: Global Privacy Control, Google Consent Mode v2,
// gated scripts and embeds, cookies, reload on withdrawal, ask(), why(),
// translations and right-to-left, receipts out. Fixture pages and configs
// live in www/fixtures/ (no inline script or style).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { afterEach, test } from "node:test";
import { action, banner, candorReady, focused, panel, purposeBox, url, useBrowser, visit } from "./lib/browser.mjs";

const b = useBrowser();
afterEach(() => b.closeAll());

const GPC_ON = () => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true });
const decide = (page, request) => page.evaluate((r) => window.candor.decide(r), request);
const root = (page) => page.locator("#candor");

// ------------------------------------------------------------------ GPC

test("GPC: saleOrShare purposes are off and shown locked-off with a note; an explicit tick still counts", async () => {
  const { context, page } = await b.open();
  await context.addInitScript(GPC_ON);
  await visit(page, "/fixtures/gated.html");
  assert.equal(await page.evaluate(() => navigator.globalPrivacyControl), true);
  await banner(page).waitFor({ state: "visible" });
  assert.match(await banner(page).locator(".note.gpc").textContent(), /Global Privacy Control/);

  // Accept all is not an explicit opt-in: rule 7 keeps ads off.
  await action(page, "accept-all").click();
  assert.equal((await decide(page, { purpose: "ads" })).reason, "gpc");
  assert.equal((await decide(page, { purpose: "analytics" })).allowed, true);

  await action(page, "open").click();
  await panel(page).waitFor({ state: "visible" });
  const ads = purposeBox(page, "ads");
  assert.equal(await ads.isChecked(), false, "shown off despite the accept-all grant");
  assert.equal(await ads.isDisabled(), false, "the shopper may still tick it");
  const note = page.locator('#candor li:has(input[data-purpose="ads"]) .note.gpc');
  assert.match(await note.textContent(), /Global Privacy Control signal asks us not to sell or share/);
  assert.equal(await page.locator("#candor .note.gpc").count(), 1, "the note sits on the saleOrShare purpose only");

  await ads.check();
  await action(page, "save").click();
  const after = await decide(page, { purpose: "ads" });
  assert.equal(after.allowed, true, after.explanation);
  const prefs = await page.evaluate(() => window.candor.preferences());
  assert.equal(prefs.purposes.ads.method, "preferences");

  const receipt = await page.evaluate(() => window.candor.receipt());
  assert.equal(receipt.gpc, true, "the receipt notes the signal");
  const adsRow = receipt.purposes.find((p) => p.id === "ads");
  assert.deepEqual([adsRow.granted, adsRow.explicit, adsRow.method, adsRow.saleOrShare], [true, true, "preferences", true]);

  // Reopened, the explicit opt-in shows ticked.
  await action(page, "open").click();
  assert.equal(await purposeBox(page, "ads").isChecked(), true);
});

test("no GPC: no note, and accept-all allows the saleOrShare purpose", async () => {
  const { page } = await b.open();
  await visit(page, "/fixtures/gated.html");
  await banner(page).waitFor({ state: "visible" });
  assert.equal(await page.locator("#candor .note.gpc").count(), 0);
  await action(page, "accept-all").click();
  assert.equal((await decide(page, { purpose: "ads" })).allowed, true);
  assert.equal((await page.evaluate(() => window.candor.receipt())).gpc, false);
});

// ------------------------------------------------------- Consent Mode v2

const dataLayer = (page) =>
  page.evaluate(() =>
    (window.dataLayer || []).map((entry) => ({
      args: Object.prototype.toString.call(entry) === "[object Arguments]",
      value: Array.from(entry),
    })),
  );

const G = "granted";
const D = "denied";
function states(ad, adPersonalization, analytics, personalization) {
  return {
    ad_storage: ad,
    ad_user_data: ad,
    ad_personalization: adPersonalization,
    analytics_storage: analytics,
    functionality_storage: D,
    personalization_storage: personalization,
    security_storage: G,
  };
}
const DEFAULT = ["consent", "default", { ...states(D, D, D, D), wait_for_update: 500 }];
const update = (s) => ["consent", "update", s];

for (const path of ["/fixtures/consent-mode.html", "/fixtures/consent-inline.html"]) {
  test(`Consent Mode v2: exact dataLayer entries after default, accept, reject and withdraw (${path})`, async () => {
    const { page } = await b.open();
    await visit(page, path);
    // The page-load update follows once the banner is on screen.
    await page.waitForFunction(() => window.dataLayer.length >= 2);
    let entries = await dataLayer(page);
    assert.ok(entries.every((e) => e.args), "every entry is an arguments object, as gtag pushes");
    assert.deepEqual(entries.map((e) => e.value), [DEFAULT, update(states(D, D, D, D))]);

    await action(page, "accept-all").click();
    entries = await dataLayer(page);
    assert.deepEqual(entries.at(-1).value, update(states(G, G, G, G)));
    assert.equal(entries.length, 3);

    await action(page, "open").click();
    await purposeBox(page, "offers").uncheck();
    await action(page, "save").click();
    // Withdrawing "offers": ad_personalization needs ads AND offers.
    assert.deepEqual((await dataLayer(page)).at(-1).value, update(states(G, D, G, D)));

    await page.evaluate(() => window.candor.rejectAll());
    entries = await dataLayer(page);
    assert.deepEqual(entries.at(-1).value, update(states(D, D, D, D)));
    assert.equal(entries.length, 5, "one update per change");
    assert.ok(entries.every((e) => e.args));

    // Every page load: the default, then the stored state as an update.
    await page.evaluate(() => window.candor.set("analytics", true));
    await visit(page, path);
    await page.waitForFunction(() => window.dataLayer.length >= 2);
    assert.deepEqual((await dataLayer(page)).map((e) => e.value), [DEFAULT, update(states(D, D, G, D))]);
  });
}

test("Consent Mode: the default is queued before the wasm loads", async () => {
  const { page } = await b.open();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route("**/candor_web_bg.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(url("/fixtures/consent-mode.html"));
  await page.waitForFunction(() => Array.isArray(window.dataLayer) && window.dataLayer.length === 1);
  assert.deepEqual((await dataLayer(page)).map((e) => e.value), [DEFAULT]);
  release();
  await candorReady(page);
  // The update follows in the frame after the banner.
  await page.waitForFunction(() => window.dataLayer.length === 2);
  assert.equal((await dataLayer(page)).length, 2);
});

test("Consent Mode: GPC keeps the ad types denied after accept-all", async () => {
  const { context, page } = await b.open();
  await context.addInitScript(GPC_ON);
  await visit(page, "/fixtures/consent-mode.html");
  await action(page, "accept-all").click();
  assert.deepEqual((await dataLayer(page)).at(-1).value, update(states(D, D, G, G)));
});

test("Consent Mode: no googleConsentMode in the config, nothing in dataLayer", async () => {
  const { page } = await b.open();
  await visit(page, "/fixtures/reload.html");
  await action(page, "accept-all").click();
  assert.equal(await page.evaluate(() => window.dataLayer), undefined);
});

// ------------------------------------------------- gated scripts and embeds

const runs = (page) => page.evaluate(() => window.gatedRuns || 0);

function addGatedScript(page, { purpose = "analytics", nonce, inline } = {}) {
  return page.evaluate(
    ({ purpose, nonce, inline }) => {
      const s = document.createElement("script");
      s.type = "text/plain";
      s.dataset.candorPurpose = purpose;
      s.dataset.kind = "later";
      if (inline) s.textContent = inline;
      else s.dataset.src = "/fixtures/gated-run.js";
      if (nonce) s.setAttribute("nonce", nonce);
      document.body.append(s);
    },
    { purpose, nonce, inline },
  );
}

test("gated script, static and added later: runs only with consent, exactly once, nonce kept", async () => {
  const { page } = await b.open();
  await visit(page, "/fixtures/gated.html");
  await banner(page).waitFor({ state: "visible" });
  assert.equal(await runs(page), 0, "no consent, no run");

  await addGatedScript(page, { nonce: "n0nce-123" });
  await addGatedScript(page, { inline: "window.inlineRuns = (window.inlineRuns || 0) + 1;" });
  await page.waitForTimeout(100);
  assert.equal(await runs(page), 0, "added later, still no consent");

  await action(page, "reject-all").click();
  await page.waitForTimeout(100);
  assert.equal(await runs(page), 0, "refused");

  await page.evaluate(() => window.candor.set("analytics", true));
  await page.waitForFunction(() => window.gatedRuns === 2 && window.inlineRuns === 1);
  const scripts = await page.evaluate(() =>
    [...document.querySelectorAll('script[data-kind]')].map((s) => ({
      type: s.getAttribute("type"),
      src: s.getAttribute("src"),
      nonce: s.nonce,
      kind: s.dataset.kind,
      purposeAttr: s.hasAttribute("data-candor-purpose"),
    })),
  );
  assert.deepEqual(scripts, [
    { type: null, src: "/fixtures/gated-run.js", nonce: "", kind: "static", purposeAttr: false },
    { type: null, src: "/fixtures/gated-run.js", nonce: "n0nce-123", kind: "later", purposeAttr: false },
    { type: null, src: null, nonce: "", kind: "later", purposeAttr: false },
  ]);

  // Withdraw and grant again: nothing runs twice.
  await page.evaluate(() => window.candor.set("analytics", false));
  await page.evaluate(() => window.candor.set("analytics", true));
  await page.evaluate(() => window.candor.acceptAll());
  await page.waitForTimeout(200);
  assert.equal(await runs(page), 2);
  assert.equal(await page.evaluate(() => window.inlineRuns), 1);

  // Added once allowed: runs at once (MutationObserver), once.
  await addGatedScript(page);
  await page.waitForFunction(() => window.gatedRuns === 3);
  await page.waitForTimeout(100);
  assert.equal(await runs(page), 3);

  // A new page load with consent: the static script runs once.
  await visit(page, "/fixtures/gated.html");
  await page.waitForFunction(() => window.gatedRuns === 1);
  await page.waitForTimeout(100);
  assert.equal(await runs(page), 1);
  assert.deepEqual(page.errors.map(String), []);
});

test("gated iframe and image: src only with consent, also when added later", async () => {
  const { page } = await b.open();
  await visit(page, "/fixtures/gated.html");
  const srcs = () =>
    page.evaluate(() => [...document.querySelectorAll("iframe, img")].map((e) => e.getAttribute("src")));
  assert.deepEqual(await srcs(), [null, null]);
  await action(page, "reject-all").click();
  assert.deepEqual(await srcs(), [null, null]);

  await page.evaluate(() => window.candor.set("media", true));
  assert.deepEqual(await srcs(), ["/fixtures/frame.html", "/img/logo.svg"]);
  await page.frameLocator("iframe").locator("text=An embedded map would load here.").waitFor();

  await page.evaluate(() => {
    const f = document.createElement("iframe");
    f.dataset.candorPurpose = "media";
    f.dataset.src = "/fixtures/frame.html?later";
    f.title = "Later";
    document.body.append(f);
  });
  await page.waitForFunction(() => document.querySelector('iframe[title="Later"]').getAttribute("src") === "/fixtures/frame.html?later");

  // Withdrawal does not touch an embed; granting again does not reload it.
  const loads = await page.evaluate(() => {
    const writes = [];
    const observer = new MutationObserver((records) => writes.push(...records.map((r) => r.attributeName)));
    for (const e of document.querySelectorAll("iframe, img")) observer.observe(e, { attributes: true, attributeFilter: ["src"] });
    window.candor.set("media", false);
    window.candor.set("media", true);
    return new Promise((r) => setTimeout(() => r(writes.length), 200));
  });
  assert.equal(loads, 0);
});

test("cookies a purpose lists are deleted on refusal and withdrawal", async () => {
  const { page } = await b.open();
  await visit(page, "/fixtures/gated.html");
  const setCookies = () =>
    page.evaluate(() => {
      for (const c of ["_ga=1", "_ga_ABC=2", "_gat=3", "_ads_id=4", "keep=5"]) document.cookie = c + "; path=/";
    });
  const jar = () => page.evaluate(() => document.cookie.split("; ").filter(Boolean).sort());

  await action(page, "accept-all").click();
  await setCookies();
  assert.deepEqual(await jar(), ["_ads_id=4", "_ga=1", "_ga_ABC=2", "_gat=3", "keep=5"]);

  await page.evaluate(() => window.candor.set("analytics", false));
  assert.deepEqual(await jar(), ["_ads_id=4", "_gat=3", "keep=5"], "_ga and _ga_* go; _gat is not listed");

  await page.evaluate(() => window.candor.set("analytics", true));
  await setCookies();
  await page.evaluate(() => window.candor.rejectAll());
  assert.deepEqual(await jar(), ["_gat=3", "keep=5"]);
});

test("reloadOnWithdrawal: withdrawing an allowed purpose reloads the page, a first refusal does not", async () => {
  const { page } = await b.open();
  await visit(page, "/fixtures/reload.html");
  await page.evaluate(() => (window.marker = 1));
  await action(page, "reject-all").click();
  await page.evaluate(() => window.candor.set("media", true));
  assert.equal(await page.evaluate(() => window.marker), 1, "no reload without a withdrawal");

  await Promise.all([page.waitForEvent("load"), page.evaluate(() => window.candor.set("media", false))]);
  await candorReady(page);
  assert.equal(await page.evaluate(() => window.marker), undefined, "the page reloaded");
  assert.equal((await decide(page, { purpose: "media" })).reason, "refused");
});

// ------------------------------------------------------------------- ask

test("ask(): a small non-blocking prompt, resolves true on Yes and false on No, method ask", async () => {
  const { page } = await b.open();
  await visit(page, "/fixtures/gated.html");
  await action(page, "reject-all").click();

  await page.evaluate(() => {
    window.answer = window.candor.ask("offers");
  });
  const prompt = page.locator('#candor [role="dialog"]').filter({ has: page.locator('[data-action="ask-yes"]') });
  await prompt.waitFor({ state: "visible" });
  assert.equal(await prompt.getAttribute("aria-modal"), null, "not modal");
  assert.equal(await page.locator("#candor .backdrop").count(), 0, "no backdrop: the page stays usable");
  const text = await prompt.textContent();
  assert.match(text, /Offers during this visit/, "title");
  assert.match(text, /Uses your cart to show offers/, "what it does");
  assert.match(text, /Uses: Items in your cart/, "what data");
  assert.match(text, /Lasts for this visit only/, "how long");
  const [yes, no] = await Promise.all([
    prompt.locator('[data-action="ask-yes"]').boundingBox(),
    prompt.locator('[data-action="ask-no"]').boundingBox(),
  ]);
  assert.deepEqual([yes.width, yes.height], [no.width, no.height], "Yes and No of equal weight");
  const yesClass = await prompt.locator('[data-action="ask-yes"]').getAttribute("class");
  assert.equal(yesClass, await prompt.locator('[data-action="ask-no"]').getAttribute("class"));

  await page.locator("h1").click(); // the page stays clickable while the prompt shows
  await prompt.locator('[data-action="ask-yes"]').click();
  assert.equal(await page.evaluate(() => window.answer), true);
  let prefs = await page.evaluate(() => window.candor.preferences());
  assert.deepEqual([prefs.purposes.offers.granted, prefs.purposes.offers.method], [true, "ask"]);

  await page.evaluate(() => {
    window.answer = window.candor.ask("media");
  });
  await prompt.locator('[data-action="ask-no"]').click();
  assert.equal(await page.evaluate(() => window.answer), false);
  prefs = await page.evaluate(() => window.candor.preferences());
  assert.deepEqual([prefs.purposes.media.granted, prefs.purposes.media.method], [false, "ask"]);
  assert.equal(await prompt.count(), 0);

  // Already allowed: resolves true at once, no prompt.
  assert.equal(await page.evaluate(() => window.candor.ask("offers")), true);
  assert.equal(await prompt.count(), 0);
});

// ------------------------------------------------------------------- why

test("why(): explanation with the choice and its date, data used, messages; switch-off refuses the purpose; Esc closes, focus returns", async () => {
  const { page } = await b.open();
  await visit(page, "/fixtures/gated.html");
  await action(page, "accept-all").click();
  const request = { purpose: "offers", signals: ["cart"] };
  const before = await decide(page, request);
  assert.equal(before.allowed, true);

  await page.locator("h1").evaluate((h) => {
    const b = document.createElement("button");
    b.id = "why-opener";
    b.textContent = "Why this?";
    h.after(b);
  });
  await page.locator("#why-opener").evaluate((b, r) => b.addEventListener("click", () => window.candor.why(r)), request);
  await page.locator("#why-opener").click();

  const why = page.locator('#candor [role="dialog"].why');
  await why.waitFor({ state: "visible" });
  assert.equal(await why.getAttribute("aria-modal"), "true");
  const labelId = await why.getAttribute("aria-labelledby");
  assert.equal(await page.locator(`#candor #${labelId}`).textContent(), "Why this?");
  // The sentence names the choice and its date (in the shopper's locale);
  // the data used is its own line, not said twice.
  const today = await page.evaluate(() => new Intl.DateTimeFormat("en", { dateStyle: "long" }).format(Date.now()));
  const sentence = await why.locator("#candor-why-text").textContent();
  assert.equal(sentence, `Allowed: you accepted all purposes, "Offers during this visit" included, on ${today}.`);
  assert.equal(before.explanation, `${sentence} It uses: Items in your cart.`, "decide() keeps the data in its sentence");
  const lines = await why.locator(".meta").allTextContents();
  assert.deepEqual(lines, ["Data it uses: Items in your cart"]);
  assert.ok((await focused(page)).inCandor, "focus moved into the panel");

  await why.locator('[data-action="switch-off"]').click();
  const after = await decide(page, request);
  assert.equal(after.allowed, false);
  assert.equal(after.reason, "refused");
  const prefs = await page.evaluate(() => window.candor.preferences());
  assert.equal(prefs.purposes.offers.method, "preferences");
  // The panel now says so, without the button.
  assert.equal(await why.locator("#candor-why-text").textContent(), after.explanation);
  assert.equal(after.explanation, `Not allowed: you turned off "Offers during this visit" on ${today}.`);
  assert.equal(await why.locator('[data-action="switch-off"]').count(), 0);

  await page.keyboard.press("Escape");
  await why.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement.id), "why-opener", "focus returns to the opener");
});

test("why(): no choice yet, no switch-off button; unknown purposes explained too", async () => {
  const { page } = await b.open();
  await visit(page, "/fixtures/gated.html");
  await page.evaluate(() => window.candor.why({ purpose: "media" }));
  const why = page.locator('#candor [role="dialog"].why');
  await why.waitFor({ state: "visible" });
  assert.equal(await why.locator("#candor-why-text").textContent(), 'Not allowed: you have not chosen yet whether to allow "Videos and maps".');
  assert.equal(await why.locator('[data-action="switch-off"]').count(), 0);
  await page.evaluate(() => window.candor.why("nope"));
  assert.match(await why.locator("#candor-why-text").textContent(), /"nope" is not one of this site's purposes/);
  assert.equal(await page.locator('#candor [role="dialog"].why').count(), 1, "one why panel at a time");
  await page.evaluate(() => window.candor.why({ purpose: 42 }));
  assert.match(await why.locator("#candor-why-text").textContent(), /could not be understood/);
});

// ---------------------------------------------------------- translations

test("French page: French texts, French explanations, left to right", async () => {
  const { page } = await b.open({ locale: "en-US" });
  await visit(page, "/fixtures/fr.html");
  await banner(page).waitFor({ state: "visible" });
  assert.equal(await banner(page).getAttribute("lang"), "fr");
  assert.equal(await banner(page).getAttribute("dir"), "ltr");
  assert.equal(await banner(page).locator("h2").textContent(), "Vos choix de confidentialité");
  assert.equal(await action(page, "accept-all").textContent(), "Tout accepter");
  assert.equal(await action(page, "reject-all").textContent(), "Tout refuser");
  await action(page, "accept-all").click();
  const d = await decide(page, { purpose: "offers", signals: ["cart"] });
  // Dates in the shopper's language and locale: "le 30 novembre 2026".
  assert.match(d.explanation, /^Autorisé : vous avez accepté toutes les finalités, dont « Offres pendant cette visite », le \d{1,2} \p{L}+ \d{4}\. Données utilisées : Articles de votre panier\.$/u);
  await action(page, "open").click();
  assert.equal(await panel(page).locator("h2").first().textContent(), "Choix de confidentialité");
  assert.equal(await action(page, "download-receipt").textContent(), "Télécharger une copie de mes choix");
});

test("language files: a French page fetches i18n/fr.txt once, an English page none", async () => {
  const { page } = await b.open({ locale: "en-US" });
  const requests = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  await visit(page, "/fixtures/fr.html");
  await candorReady(page);
  assert.equal(await action(page, "accept-all").textContent(), "Tout accepter");
  assert.deepEqual(requests.filter((p) => p.includes("/i18n/")), ["/candor/i18n/fr.txt"]);

  requests.length = 0;
  await visit(page, "/");
  await candorReady(page);
  assert.ok(requests.includes("/candor/candor_web_bg.wasm"), "the page did load the widget");
  assert.deepEqual(requests.filter((p) => p.includes("/i18n/")), []);
});

test("a language file that cannot be loaded: the default language (English) throughout, one warning naming the file", async () => {
  // A 404 or an altered file fails its SRI check: "missing, altered or
  // blocked"; the file's hash is checked before its lines are.
  const cases = [
    [{ status: 404, body: "not found" }, "missing, altered or blocked"],
    [{ status: 200, contentType: "text/plain", body: "bannerTitle=Vos choix\n" }, "missing, altered or blocked"],
  ];
  for (const [response, reason] of cases) {
    const { page } = await b.open({ locale: "fr-FR" });
    const warnings = [];
    page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    await page.route("**/candor/i18n/fr.txt", (route) => route.fulfill(response));
    await visit(page, "/fixtures/fr.html");
    await banner(page).waitFor({ state: "visible" });
    assert.equal(await action(page, "accept-all").textContent(), "Accept all", reason);
    assert.equal(await banner(page).getAttribute("lang"), "en", "the texts' language, not the page's");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^Candor: could not load the fr texts \(i18n\/fr\.txt\) from http:\S+\/candor\/i18n\/fr\.txt: /);
    assert.ok(warnings[0].includes(reason) && warnings[0].endsWith("(showing the default language instead)"), warnings[0]);
    await action(page, "accept-all").click();
    const d = await decide(page, { purpose: "offers", signals: ["cart"] });
    assert.equal(d.allowed, true);
    assert.match(d.explanation, /^Allowed: you accepted all purposes/);
    await page.context().close();
  }
});

test("navigator.languages picks the language when <html lang> has no table", async () => {
  const { page } = await b.open({ locale: "de-DE" });
  await page.route("**/fixtures/xx.html", (route) =>
    route.fulfill({ contentType: "text/html", body: '<!doctype html><html lang="xx"><head><script src="/candor/candor.js" data-config="/fixtures/site.json" async></script></head><body></body></html>' }),
  );
  await visit(page, "/fixtures/xx.html");
  assert.equal(await action(page, "accept-all").textContent(), "Alle akzeptieren");
});

test("Arabic page: site translations, right-to-left layout; Hebrew without translations: English text, still right to left", async () => {
  const { page } = await b.open({ locale: "en-US" });
  await visit(page, "/fixtures/ar.html");
  await banner(page).waitFor({ state: "visible" });
  assert.equal(await banner(page).getAttribute("dir"), "rtl");
  assert.equal(await banner(page).getAttribute("lang"), "ar");
  assert.equal(await banner(page).evaluate((e) => getComputedStyle(e).direction), "rtl");
  assert.equal(await banner(page).locator("h2").textContent(), "خيارات الخصوصية");
  assert.equal(await action(page, "accept-all").textContent(), "قبول الكل");
  assert.equal(await action(page, "reject-all").textContent(), "رفض الكل");
  assert.match(await banner(page).locator("p").first().textContent(), /We'd like to personalize/, "untranslated keys fall back to the default language");
  // Buttons run right to left: Accept all is the rightmost.
  const [acc, rej] = await Promise.all([action(page, "accept-all").boundingBox(), action(page, "reject-all").boundingBox()]);
  assert.ok(acc.x > rej.x, "accept-all sits right of reject-all");
  await action(page, "accept-all").click();
  await page.evaluate(() => window.candor.set("media", true));
  // The date in the page's language and locale.
  const date = await page.evaluate(() => new Intl.DateTimeFormat("ar", { dateStyle: "long" }).format(Date.now()));
  assert.equal((await decide(page, { purpose: "media" })).explanation, `مسموح: لقد فعّلت «Videos and maps» في ${date}.`);
  await action(page, "open").click();
  assert.equal(await page.locator("#candor .backdrop").getAttribute("dir"), "rtl");

  const he = (await b.open({ locale: "en-US" })).page;
  await visit(he, "/fixtures/he.html");
  await banner(he).waitFor({ state: "visible" });
  assert.equal(await banner(he).getAttribute("dir"), "rtl");
  assert.equal(await banner(he).evaluate((e) => getComputedStyle(e).direction), "rtl");
  assert.equal(await action(he, "accept-all").textContent(), "Accept all");
});

// ---------------------------------------------------------- receipts out

test("Download a copy of my choices: the receipt as a JSON file", async () => {
  const { page } = await b.open({ acceptDownloads: true });
  await visit(page, "/fixtures/gated.html");
  await action(page, "customize").click();
  await purposeBox(page, "media").check();
  await action(page, "save").click();
  await action(page, "open").click();
  const button = action(page, "download-receipt");
  assert.equal(await button.textContent(), "Download a copy of my choices");
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  assert.match(download.suggestedFilename(), /^candor-receipt-\d{4}-\d{2}-\d{2}\.json$/);
  const receipt = JSON.parse(await readFile(await download.path(), "utf8"));
  const live = await page.evaluate(() => window.candor.receipt());
  assert.equal(receipt.consentId, live.consentId);
  assert.equal(receipt.policyUrl, "/privacy.html");
  assert.equal(receipt.gpc, false);
  assert.equal(receipt.textsSha256, live.textsSha256);
  const media = receipt.purposes.find((p) => p.id === "media");
  assert.deepEqual([media.granted, media.method, media.explicit], [true, "preferences", true]);
  assert.deepEqual(receipt.purposes.map((p) => p.id), ["essential", "offers", "analytics", "media", "ads"]);
});

test("receiptEndpoint gets each new receipt by sendBeacon (text/plain: no CORS preflight)", async () => {
  const { context, page } = await b.open();
  // Blob bodies do not show in the DevTools protocol: record what the page
  // hands to sendBeacon (Candor calls the prototype's, captured when it
  // loads), and check the network request too.
  await context.addInitScript(() => {
    window.beacons = [];
    const send = Navigator.prototype.sendBeacon;
    Navigator.prototype.sendBeacon = function (target, data) {
      const sent = send.call(this, target, data);
      data.text().then((body) => window.beacons.push({ target, type: data.type, body, sent }));
      return sent;
    };
  });
  const posts = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/fixtures/receipts")) posts.push({ method: r.method(), type: r.headers()["content-type"] });
  });
  await visit(page, "/fixtures/gated.html");
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.beacons.length), 0, "nothing sent on a mere page load");

  await action(page, "accept-all").click();
  await page.evaluate(() => window.candor.set("media", false));
  await page.evaluate(() => window.candor.reset());
  await page.waitForFunction(() => window.beacons.length >= 2);
  await page.waitForTimeout(300);

  const beacons = await page.evaluate(() => window.beacons);
  assert.equal(beacons.length, 2, "one per recorded change, none for a reset");
  const consentId = JSON.parse(beacons[0].body).consentId;
  for (const beacon of beacons) {
    // The endpoint as the browser resolved it against the page.
    assert.equal(beacon.target, new URL("/fixtures/receipts", page.url()).href);
    assert.equal(beacon.type, "text/plain;charset=utf-8");
    assert.equal(beacon.sent, true);
    assert.equal(JSON.parse(beacon.body).consentId, consentId);
  }
  assert.equal(JSON.parse(beacons[0].body).method, "accept-all");
  const media = JSON.parse(beacons[1].body).purposes.find((p) => p.id === "media");
  assert.deepEqual([media.granted, media.method], [false, "api"]);
  assert.equal(posts.length, 2);
  for (const post of posts) {
    assert.equal(post.method, "POST");
    assert.match(post.type, /^text\/plain/);
  }
});
