/**
 * GET /v1/sites/{siteId}/bootstrap: the site config resolved for this visitor (language,
 * wording, the widget's own labels in that language, categories, policy fingerprint, theme) and the edge decision (regime, jurisdiction,
 * GPC). Reads one site config (usually from the isolate's memo) and nothing per visitor.
 */
import { type Context, Hono } from "hono";
import * as z from "zod";
import { bannerStringsFor } from "../../shared/banner-strings/index";
import { type BootstrapResponse, type EdgeDecision, Locale } from "../contract";
import { parseQuery } from "../lib/errors";
import type { SiteEnv } from "../middleware/site";
import type { LoadedSite } from "../sites/store";
import { type StatsKey, countImpression } from "./store/stats";
import { edgeDecision, localeDirection, negotiateLocale, requestGeo } from "./policy";

export const BootstrapQuery = z.object({ lang: Locale.optional() });

/**
 * The bootstrap document of `site` in `locale` (one of its locales) for an edge decision: what
 * the route answers, and what the console's preview of a draft answers (worker/console/preview.ts).
 */
export function bootstrapBody({ config, fingerprint, textHashes }: LoadedSite, locale: string, edge: EdgeDecision): BootstrapResponse {
  const locales = Object.keys(config.texts);
  return {
    site: { id: config.id, name: config.name },
    locale,
    locales,
    dir: localeDirection(locale),
    texts: config.texts[locale]!,
    strings: bannerStringsFor(locale),
    textHash: textHashes[locale]!,
    categories: config.categories,
    // A child-directed site collects no addresses (R9.9): the widget shows no signup.
    communications: config.childDirected || !config.email ? [] : config.communications,
    policy: {
      version: config.policy.version,
      url: config.policy.url,
      ...(config.policy.cookiePolicyUrl ? { cookiePolicyUrl: config.policy.cookiePolicyUrl } : {}),
      lastUpdated: config.policy.lastUpdated,
      fingerprint,
    },
    consent: { lifetimeDays: config.consent.lifetimeDays, refusalDays: config.consent.refusalDays },
    consentMode: config.consentMode,
    theme: config.theme,
    widget: config.widget,
    rights: { california: config.rights.california },
    // Turnstile protects the signup only (R6.11): the public site key and action, and only when
    // the widget shows a signup at all. The secret never leaves the Worker (R6.12).
    ...(config.turnstile && !config.childDirected && config.email && config.communications.length > 0
      ? { turnstile: { siteKey: config.turnstile.siteKey, action: config.turnstile.action } }
      : {}),
    edge,
  };
}

/**
 * Counts a banner impression for the console's charts (worker/consent/store/stats.ts: in
 * memory, written after a response now and then). A returning visitor's background check asks
 * with `cache: "no-store"`, which makes the browser send `Cache-Control: no-cache`: that one is
 * not an impression, so it is not counted.
 */
function countImpressionAfter(c: Context<SiteEnv>, key: StatsKey): void {
  if (/no-cache|no-store/i.test(c.req.header("Cache-Control") ?? "")) return;
  const write = countImpression(c.env, key);
  if (!write) return;
  try {
    c.executionCtx.waitUntil(write);
  } catch {
    // No execution context (a direct app.fetch in a test): the write runs on its own.
  }
}

export const bootstrapRoutes = new Hono<SiteEnv>().get("/bootstrap", async (c) => {
  const query = parseQuery(BootstrapQuery, c.req.query(), "lang must be a BCP 47 tag such as en or de-CH.");
  const site = c.get("site");
  const locale = negotiateLocale(Object.keys(site.config.texts), site.config.defaultLocale, query.lang, c.req.header("Accept-Language"));
  const body = bootstrapBody(site, locale, edgeDecision(site.config.regimes, requestGeo(c.req.raw, c.env), c.req.header("Sec-GPC")));
  countImpressionAfter(c, { siteId: site.config.id, day: new Date().toISOString().slice(0, 10), regime: body.edge.regime, country: body.edge.country, locale });
  // Private: the answer depends on the visitor's location, which no Vary header can name, so
  // shared caches must not keep it. Browsers may reuse it briefly for the same language, GPC
  // signal and origin.
  c.header("Cache-Control", "private, max-age=60");
  c.header("Vary", "Accept-Language, Sec-GPC", { append: true });
  c.header("Content-Language", locale);
  return c.json(body);
});
