/** Deutsch. Sent with bootstrap, and built into
 * `strings-de.js` for the pages that need the labels without it (./types.ts). */
import type { BannerStrings } from "./types";

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
