// The configuration file of the documented set-up (loaded by
// cookieconsent.html as <script type="module">): import the library, run it.
// 4 categories, banner on first visit, "Reject all" (acceptNecessaryBtn) on the first layer.
// hideFromBots: false, or the banner never shows under automation (navigator.webdriver).
import "/vendor/vanilla-cookieconsent/dist/cookieconsent.umd.js";

CookieConsent.run({
  hideFromBots: false,
  categories: {
    essential: { enabled: true, readOnly: true },
    analytics: {},
    personalization: {},
    ads: {}
  },
  language: {
    default: "en",
    translations: {
      en: {
        consentModal: {
          title: "Your privacy choices",
          description: "We use your data for the purposes below only if you agree. <a href=\"/privacy\">Privacy policy</a>",
          acceptAllBtn: "Accept all",
          acceptNecessaryBtn: "Reject all",
          showPreferencesBtn: "Customize"
        },
        preferencesModal: {
          title: "Privacy preferences",
          acceptAllBtn: "Accept all",
          acceptNecessaryBtn: "Reject all",
          savePreferencesBtn: "Save choices",
          closeIconLabel: "Close",
          sections: [
            { title: "Essential", description: "Keeps your cart and your privacy choices.", linkedCategory: "essential" },
            { title: "Analytics", description: "Counts visits to improve the shop.", linkedCategory: "analytics" },
            { title: "Personalization", description: "Suggests products from what you viewed here.", linkedCategory: "personalization" },
            { title: "Ads on other sites", description: "Shares what you viewed with ad partners.", linkedCategory: "ads" }
          ]
        }
      }
    }
  }
});
