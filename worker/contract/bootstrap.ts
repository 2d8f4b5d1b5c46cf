/**
 * GET /v1/sites/{siteId}/bootstrap: the site config resolved for one visitor, and the edge decision.
 */
import * as z from "zod";
import type { BannerStrings as BannerStringsShape } from "../../shared/banner-strings/types";
import { Locale, SiteId } from "./ids";
import { Category, CommunicationList, Regime, SiteTexts } from "./site-config";

/** What the edge decided for this request (R0.4, R2.1). */
export const EdgeDecision = z.object({
  regime: Regime,
  /** "DE", "US-CA" … or null when the location is unknown. */
  jurisdiction: z.string().nullable(),
  country: z.string().nullable(),
  gpc: z.boolean(),
});
export type EdgeDecision = z.infer<typeof EdgeDecision>;

/**
 * The widget's own first-layer labels in the visitor's language (shared/banner-strings/): sent
 * with bootstrap so a first visit fetches no strings file before its banner. Checked against
 * the shared TypeScript type, so the two cannot drift apart.
 */
export const BannerStrings = z.object({
  $code: z.string(),
  $dir: z.enum(["ltr", "rtl"]),
  purposes: z.string(),
  policy: z.string(),
  cookiePolicy: z.string(),
  acceptAll: z.string(),
  rejectAll: z.string(),
  customize: z.string(),
  doNotSell: z.string(),
  yourChoices: z.string(),
  ok: z.string(),
  loadError: z.string(),
  retry: z.string(),
  dismiss: z.string(),
}) satisfies z.ZodType<BannerStringsShape>;
export type BannerStrings = z.infer<typeof BannerStrings>;

export const BootstrapResponse = z.object({
  site: z.object({ id: SiteId, name: z.string() }),
  locale: Locale,
  locales: z.array(Locale),
  dir: z.enum(["ltr", "rtl"]),
  texts: SiteTexts,
  /** The widget's own labels (buttons, links, error line) in `locale`'s language. */
  strings: BannerStrings,
  /** Hash of the wording in `texts`; the widget echoes it in its decision. */
  textHash: z.string(),
  categories: z.array(Category),
  communications: z.array(CommunicationList),
  policy: z.object({
    version: z.string(),
    url: z.string(),
    cookiePolicyUrl: z.string().optional(),
    lastUpdated: z.string(),
    /** Hash of what is material; a change means the visitor must be asked again (R9.12). */
    fingerprint: z.string(),
  }),
  consent: z.object({ lifetimeDays: z.int(), refusalDays: z.int() }),
  consentMode: z.object({ waitForUpdateMs: z.int() }),
  theme: z.object({
    colorScheme: z.enum(["light", "dark", "system"]),
    accent: z.string(),
    onAccent: z.string(),
    radiusPx: z.int(),
  }),
  widget: z.object({
    floatingButton: z.boolean(),
    cookieMirror: z.string().optional(),
    revalidateMinutes: z.int(),
  }),
  /**
   * The site's privacy rights page (`/r/{siteId}` on the Worker's origin, worker/rights/pages.ts),
   * linked from the preference center; `california`: its "Your California Privacy Rights"
   * section is on (R9.7).
   */
  rights: z.object({ california: z.boolean() }),
  /** Present when the site protects its email signup with Turnstile (public values only). */
  turnstile: z.object({ siteKey: z.string(), action: z.string() }).optional(),
  edge: EdgeDecision,
});
export type BootstrapResponse = z.infer<typeof BootstrapResponse>;
