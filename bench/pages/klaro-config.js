// Klaro's config file (loaded by klaro.html before klaro.js, both deferred,
// as Klaro's README shows); klaro.js reads the global klaroConfig.
// 4 services, one per purpose (Klaro asks per service), notice on first visit
// with "Decline" (hideDeclineAll: false) and "Accept all" (acceptAll: true).
var klaroConfig = {
  version: 1,
  elementID: "klaro",
  storageMethod: "cookie",
  cookieName: "klaro",
  default: false,
  mustConsent: false,
  acceptAll: true,
  hideDeclineAll: false,
  hideLearnMore: false,
  noticeAsModal: false,
  groupByPurpose: false,
  lang: "en",
  translations: {
    zz: { privacyPolicyUrl: "/privacy" },
    en: {
      privacyPolicyUrl: "/privacy",
      consentNotice: { description: "We use your data for {purposes} only if you agree." },
      purposes: { essential: "Essential", analytics: "Analytics", personalization: "Personalization", ads: "Ads on other sites" },
      essential: { title: "Essential", description: "Keeps your cart and your privacy choices." },
      analytics: { title: "Analytics", description: "Counts visits to improve the shop." },
      personalization: { title: "Personalization", description: "Suggests products from what you viewed here." },
      ads: { title: "Ads on other sites", description: "Shares what you viewed with ad partners." }
    }
  },
  services: [
    { name: "essential", purposes: ["essential"], required: true },
    { name: "analytics", purposes: ["analytics"] },
    { name: "personalization", purposes: ["personalization"] },
    { name: "ads", purposes: ["ads"] }
  ]
};
