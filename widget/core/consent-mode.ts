/**
 * Google Consent Mode v2 (R3). The defaults go out first, on every page, before anything the
 * site's tags could send; each decision is followed by exactly one `update` carrying all seven
 * types. Assent is not a Google-certified CMP and never claims to be (R3.8).
 */
import { type ConsentModeType, consentModeState } from "../../shared/consent-mode-types";

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
 * `gtag('consent', 'default', …)` with all seven types and `wait_for_update` (R3.1). Before a
 * decision only the types of required categories (and `security_storage`) are granted.
 */
export function setConsentDefaults(requiredMapping: Record<string, ConsentModeType[]>, waitForUpdateMs: number): void {
  gtag("consent", "default", { ...consentModeState(requiredMapping, () => true), wait_for_update: waitForUpdateMs });
}

/**
 * One `gtag('consent', 'update', …)` plus an `assent_consent_update` dataLayer event (R3.3);
 * `optedOut` is the visitor's US opt-out, which denies the ad types as GPC does (R3.5).
 */
export function updateConsentMode(
  mapping: Record<string, ConsentModeType[]>,
  granted: Record<string, boolean>,
  gpc: boolean,
  optedOut?: boolean,
): void {
  gtag("consent", "update", consentModeState(mapping, (c) => granted[c], gpc || optedOut));
  window.dataLayer!.push({ event: "assent_consent_update", assent_categories: { ...granted }, assent_gpc: gpc });
}
