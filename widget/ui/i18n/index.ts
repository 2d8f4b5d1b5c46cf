/**
 * The widget's own wording, by language. Each bundle carries only what it says: the first
 * layer's labels come with bootstrap in the visitor's language (shared/banner-strings/, also
 * built into one `strings-<lang>.js` chunk per language for the pages that need them without
 * bootstrap), and the core hands them to every component; the preference center and the embed
 * placeholder carry their tables for every language (./preferences/, ./challenge.ts), since
 * they load only on demand.
 */
import { type Lang, langOf } from "../../../shared/languages";

export type { BannerStrings, ChallengeStrings, PreferencesStrings, UiStrings } from "./types";
export type { Lang } from "../../../shared/languages";

/**
 * "Privacy choices" in every language: the floating button's accessible name, the error
 * banner's label and the embed placeholder's settings button. Here, beside `pick`, so it
 * travels with Lit in the chunk every component shares, and the floating button needs no
 * strings file on a returning visit.
 */
export const PRIVACY_CHOICES: Record<Lang, string> = {
  en: "Privacy choices",
  de: "Datenschutz-Einstellungen",
  fr: "Choix de confidentialité",
  es: "Opciones de privacidad",
  ar: "خيارات الخصوصية",
};

/** The entry of `tables` for `locale`'s primary subtag, or English. */
export function pick<T>(tables: Record<Lang, T>, locale: string | null | undefined): T {
  return tables[langOf(locale)];
}
