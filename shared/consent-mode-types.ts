/**
 * The seven Google Consent Mode v2 types (R3.1) and the rule that maps granted categories to
 * them (R3.4), in one place for both halves: the Worker's contract validates a category's
 * `consentMode` against the types (and versions each site's mapping with its proof rows), and
 * the widget sets every type to "denied" before anything else runs, then applies the rule.
 * Zod-free, so the widget can bundle it.
 */
export const CONSENT_MODE_TYPES = [
  // The three ad types first: the widget takes them as a slice (GPC and opt-outs deny them, R3.5).
  "ad_storage",
  "ad_user_data",
  "ad_personalization",
  "analytics_storage",
  "functionality_storage",
  "personalization_storage",
  "security_storage",
] as const;

/** One Consent Mode type. */
export type ConsentModeType = (typeof CONSENT_MODE_TYPES)[number];

/** A Consent Mode state: every type granted or denied. */
export type ConsentModeState = Record<ConsentModeType, "granted" | "denied">;

/** The three ad types: the first three of CONSENT_MODE_TYPES. */
const AD_TYPES = new Set<ConsentModeType>(CONSENT_MODE_TYPES.slice(0, 3));

/**
 * The Consent Mode state for the granted categories under a site's mapping (category → the
 * types it stands for, R3.4): `security_storage` is always granted; any other type is granted
 * when a granted category maps to it; with GPC or a US opt-out (`adsOff`) the three ad types are
 * denied whatever the categories say (R3.5).
 */
export function consentModeState(
  mapping: Readonly<Record<string, readonly ConsentModeType[]>>,
  granted: (category: string) => boolean | undefined,
  adsOff?: boolean,
): ConsentModeState {
  const state = Object.fromEntries(CONSENT_MODE_TYPES.map((t) => [t, "denied"])) as ConsentModeState;
  state.security_storage = "granted";
  for (const [category, types] of Object.entries(mapping))
    if (granted(category)) for (const t of types) if (!(adsOff && AD_TYPES.has(t))) state[t] = "granted";
  return state;
}
