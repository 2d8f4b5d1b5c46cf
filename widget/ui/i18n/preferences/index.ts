/** The preference center's string tables, every language (the preference center's chunk only). */
import { preferences as ar } from "./ar";
import { preferences as de } from "./de";
import { preferences as en } from "./en";
import { preferences as es } from "./es";
import { preferences as fr } from "./fr";
import type { Lang } from "../index";
import type { PreferencesStrings } from "../types";

export const PREFERENCES: Record<Lang, PreferencesStrings> = { en, de, fr, es, ar };
