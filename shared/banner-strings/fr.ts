/** Français. Sent with bootstrap, and built into
 * `strings-fr.js` for the pages that need the labels without it (./types.ts). */
import type { BannerStrings } from "./types";

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
