/** Français. Banner strings: a lazily loaded chunk of its own
 * (`strings-fr.js`), fetched in parallel with the banner when the page is in this language. */
import type { BannerStrings } from "../types";

export const banner: BannerStrings = {
  $code: "fr",
  $dir: "ltr",
  purposes: "Finalités",
  policy: "Politique de confidentialité",
  cookiePolicy: "Politique relative aux cookies",
  acceptAll: "Tout accepter",
  rejectAll: "Tout refuser",
  customize: "Personnaliser",
  doNotSell: "Ne pas vendre ni partager mes informations personnelles",
  yourChoices: "Vos choix en matière de confidentialité",
  ok: "OK",
  loadError: "Impossible de charger vos paramètres de confidentialité.",
  retry: "Réessayer",
  dismiss: "Fermer",
};
