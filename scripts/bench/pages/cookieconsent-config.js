// vanilla-cookieconsent configured like the demo site: "necessary" (read-only) and "usage", the
// demo's English texts (filled in by the bench server), and a consent modal with Accept all,
// Reject all and Customize, at the bottom like Assent's banner.
var TEXTS = __TEXTS__;
window.CookieConsent.run({
  // Playwright sets navigator.webdriver; by default the library hides itself from bots.
  hideFromBots: false,
  guiOptions: { consentModal: { layout: "bar", position: "bottom", equalWeightButtons: true } },
  categories: { necessary: { enabled: true, readOnly: true }, usage: {} },
  language: {
    default: "en",
    translations: {
      en: {
        consentModal: {
          title: TEXTS.title,
          description: TEXTS.description,
          acceptAllBtn: "Accept all",
          acceptNecessaryBtn: "Reject all",
          showPreferencesBtn: "Customize",
          footer: '<a href="' + TEXTS.policyUrl + '">Privacy policy</a><a href="' + TEXTS.cookiePolicyUrl + '">Cookie policy</a>',
        },
        preferencesModal: {
          title: "Privacy preferences",
          acceptAllBtn: "Accept all",
          acceptNecessaryBtn: "Reject all",
          savePreferencesBtn: "Save choices",
          closeIconLabel: "Close",
          sections: [
            { title: TEXTS.necessaryTitle, description: TEXTS.necessaryDescription, linkedCategory: "necessary" },
            { title: TEXTS.usageTitle, description: TEXTS.usageDescription, linkedCategory: "usage" },
          ],
        },
      },
    },
  },
});
