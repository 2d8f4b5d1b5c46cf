/** Español. Banner strings: a lazily loaded chunk of its own
 * (`strings-es.js`), fetched in parallel with the banner when the page is in this language. */
import type { BannerStrings } from "../types";

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
