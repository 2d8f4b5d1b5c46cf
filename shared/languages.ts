/**
 * The languages the widget's own controls are translated into, and how a locale picks one:
 * its primary subtag ("de-CH" → de), English otherwise. The core needs only this to ask for
 * the right strings chunk (`strings-<lang>.js`); the tables are in ../ui/i18n/.
 */

/** The languages the widget's controls speak (each has a table in ui/i18n/banner/ and ui/i18n/preferences/). */
export const LANGS = ["en", "de", "fr", "es", "ar"] as const;
export type Lang = (typeof LANGS)[number];

/** The table for `locale`'s primary subtag, or English. */
export function langOf(locale: string | null | undefined): Lang {
  const primary = (locale ?? "").split("-")[0]!.toLowerCase();
  return (LANGS as readonly string[]).includes(primary) ? (primary as Lang) : "en";
}

/** The writing direction of the widget's own controls in `lang`. */
export const dirOf = (lang: Lang): "ltr" | "rtl" => (lang === "ar" ? "rtl" : "ltr");
