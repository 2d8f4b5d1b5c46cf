/** Español. Sent with bootstrap, and built into
 * `strings-es.js` for the pages that need the labels without it (./types.ts). */
import type { BannerStrings } from "./types";

export const banner: BannerStrings = {
  $code: "es",
  $dir: "ltr",
  purposes: "Finalidades",
  policy: "Política de privacidad",
  cookiePolicy: "Política de cookies",
  acceptAll: "Aceptar todo",
  rejectAll: "Rechazar todo",
  customize: "Personalizar",
  doNotSell: "No vender ni compartir mi información personal",
  yourChoices: "Tus opciones de privacidad",
  ok: "Entendido",
  loadError: "No se pudo cargar tu configuración de privacidad.",
  retry: "Reintentar",
  dismiss: "Cerrar",
};
