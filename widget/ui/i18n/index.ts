/**
 * Picks the string table for a locale: its primary subtag ("de-CH" → de), English otherwise.
 * The banner's tables are here; the preference center's are in `./preferences`, so that each
 * bundle carries only its half.
 */
import { banner as ar } from "./ar";
import { banner as de } from "./de";
import { banner as en } from "./en";
import { banner as es } from "./es";
import { banner as fr } from "./fr";
import type { BannerStrings } from "./types";

export type { BannerStrings, PreferencesStrings, UiStrings } from "./types";

/** The languages the widget's own controls are translated into. */
export type Lang = "en" | "de" | "fr" | "es" | "ar";

const BANNER: Record<Lang, BannerStrings> = { en, de, fr, es, ar };

/** The entry of `tables` for `locale`'s primary subtag, or English. */
export function pick<T>(tables: Record<Lang, T>, locale: string | null | undefined): T {
  const primary = (locale ?? "").split("-")[0]!.toLowerCase();
  return (tables as Partial<Record<string, T>>)[primary] ?? tables.en;
}

/**
 * The banner's strings for the visitor: the site texts' negotiated locale once bootstrap is
 * known (so the controls speak the language of the site wording beside them), else the
 * page's language.
 */
export function bannerStrings(controller: { bootstrap: { locale: string } | null; lang: string | null }): BannerStrings {
  return pick(BANNER, controller.bootstrap?.locale ?? controller.lang);
}
