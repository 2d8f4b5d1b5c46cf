/** Deutsch. Banner strings: a lazily loaded chunk of its own
 * (`strings-de.js`), fetched in parallel with the banner when the page is in this language. */
import type { BannerStrings } from "../types";

export const banner: BannerStrings = {
  $code: "de",
  $dir: "ltr",
  purposes: "Zwecke",
  policy: "Datenschutzerklärung",
  cookiePolicy: "Cookie-Richtlinie",
  acceptAll: "Alle akzeptieren",
  rejectAll: "Alle ablehnen",
  customize: "Anpassen",
  doNotSell: "Meine personenbezogenen Daten nicht verkaufen oder weitergeben",
  yourChoices: "Ihre Datenschutzoptionen",
  ok: "OK",
  loadError: "Die Datenschutz-Einstellungen konnten nicht geladen werden.",
  retry: "Erneut versuchen",
  dismiss: "Schließen",
};
