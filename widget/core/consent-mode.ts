/**
 * Google Consent Mode v2 (R3). The defaults go out first, on every page, before anything the
 * site's tags could send; each decision is followed by exactly one `update` carrying all seven
 * types. Assent is not a Google-certified CMP and never claims to be (R3.8).
 */
import { CONSENT_MODE_TYPES, type ConsentModeType } from "../../shared/consent-mode-types";

const AD_TYPES = new Set<ConsentModeType>(["ad_storage", "ad_user_data", "ad_personalization"]);

type ConsentModeState = Record<ConsentModeType, "granted" | "denied">;

/** Creates `dataLayer` and `gtag` when the page has none, exactly as Google's snippet does. */
function gtag(...args: unknown[]): void {
  const w = window;
  w.dataLayer = w.dataLayer ?? [];
  if (typeof w.gtag !== "function") {
    w.gtag = function gtag() {
      // gtag.js reads the `arguments` object itself, not an array: keep Google's exact shape.
      // eslint-disable-next-line prefer-rest-params
      w.dataLayer!.push(arguments);
    };
  }
  w.gtag(...args);
}

/**
 * The Consent Mode state for a set of granted categories. `security_storage` is always granted;
 * a type is granted when any granted category maps to it; with GPC the three ad types are
 * denied whatever the categories say (R3.5).
 */
export function consentModeState(
  mapping: Record<string, ConsentModeType[]>,
  granted: Record<string, boolean>,
  gpc: boolean,
): ConsentModeState {
  const state = Object.fromEntries(CONSENT_MODE_TYPES.map((t) => [t, "denied"])) as ConsentModeState;
  state.security_storage = "granted";
  for (const [category, types] of Object.entries(mapping))
    if (granted[category]) for (const t of types) if (!(gpc && AD_TYPES.has(t))) state[t] = "granted";
  return state;
}

/**
 * `gtag('consent', 'default', …)` with all seven types and `wait_for_update` (R3.1). Before a
 * decision only the types of required categories (and `security_storage`) are granted.
 */
export function setConsentDefaults(requiredMapping: Record<string, ConsentModeType[]>, waitForUpdateMs: number): void {
  const required = Object.fromEntries(Object.keys(requiredMapping).map((c) => [c, true]));
  gtag("consent", "default", { ...consentModeState(requiredMapping, required, false), wait_for_update: waitForUpdateMs });
}

/** One `gtag('consent', 'update', …)` plus an `assent_consent_update` dataLayer event (R3.3). */
export function updateConsentMode(
  mapping: Record<string, ConsentModeType[]>,
  granted: Record<string, boolean>,
  gpc: boolean,
): void {
  gtag("consent", "update", consentModeState(mapping, granted, gpc));
  window.dataLayer!.push({ event: "assent_consent_update", assent_categories: { ...granted }, assent_gpc: gpc });
}
