/**
 * The languages the widget's own controls are translated into, and how a locale picks one:
 * its primary subtag ("de-CH" → de), English otherwise. Shared: the Worker picks the
 * first-layer labels it sends with bootstrap by the same rule the widget picks its strings
 * chunk (`strings-<lang>.js`) and its preference-center tables by. The tables are in
 * ./banner-strings/ and widget/ui/i18n/.
 */

/** The languages the widget's controls speak (each has a table in ./banner-strings/ and widget/ui/i18n/preferences/). */
export const LANGS = ["en", "de", "fr", "es", "ar"] as const;
export type Lang = (typeof LANGS)[number];

/** The table for `locale`'s primary subtag, or English. */
export function langOf(locale: string | null | undefined): Lang {
  const primary = (locale ?? "").split("-")[0]!.toLowerCase();
  return (LANGS as readonly string[]).includes(primary) ? (primary as Lang) : "en";
}

/** The writing direction of the widget's own controls in `lang`. */
export const dirOf = (lang: Lang): "ltr" | "rtl" => (lang === "ar" ? "rtl" : "ltr");
