/**
 * The privacy notice's languages. A language plugs in with one table (./types.ts
 * `NoticeStrings`) added to TABLES; the request types' names and the minors' notice come from
 * the rights pages' table of the same language (worker/rights/i18n/), which must exist too.
 */
import { LANGS, type Lang } from "../../../shared/languages";
import { ar } from "./ar";
import { de } from "./de";
import { en } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import type { NoticeStrings } from "./types";

const TABLES: Record<Lang, NoticeStrings> = { en, de, fr, es, ar };

/** The languages a notice can be written in: the widget's and the rights pages' (shared/languages.ts). */
export const NOTICE_LANGS: readonly Lang[] = LANGS;

/**
 * The notice language of a locale by its primary subtag ("de-CH" → de), or null when the notice
 * has no table for it. Never falls back to English: a pasted notice must be in one language.
 */
export function noticeLang(locale: string): Lang | null {
  const primary = locale.split("-")[0]!.toLowerCase();
  return (NOTICE_LANGS as readonly string[]).includes(primary) ? (primary as Lang) : null;
}

/** The wording of a notice language. */
export const noticeStrings = (lang: Lang): NoticeStrings => TABLES[lang];
