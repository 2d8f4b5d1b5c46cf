/**
 * Every language's first-layer labels, for the Worker: bootstrap carries the table of the
 * negotiated locale's language (`bannerStringsFor`), so a first visit needs no strings file
 * before its banner. The widget never imports this file (it would bundle every language); it
 * imports one `<lang>.ts` per chunk.
 */
import { type Lang, langOf } from "../languages";
import { banner as ar } from "./ar";
import { banner as de } from "./de";
import { banner as en } from "./en";
import { banner as es } from "./es";
import { banner as fr } from "./fr";
import type { BannerStrings } from "./types";

export type { BannerStrings } from "./types";

const TABLES: Record<Lang, BannerStrings> = { en, de, fr, es, ar };

/** The labels for `locale`'s primary language, or English. */
export const bannerStringsFor = (locale: string): BannerStrings => TABLES[langOf(locale)];
