/**
 * Site configurations in the SITES namespace. Reads are memoized per isolate for
 * SITE_CACHE_SECONDS (default 30) so a busy site costs one KV read per isolate and half-minute,
 * not one per request; KV itself takes up to 60 s to spread a change, so this adds no new kind
 * of staleness. The document is validated again on read: a hand-edited KV value never reaches
 * a handler unchecked.
 */
import { consentModeMappingId, policyFingerprint, textHash } from "../consent/fingerprint";
import { SiteConfig } from "../contract";
import type { Env } from "../env";
import { ApiError, storage } from "../lib/errors";
import { siteKey } from "./keys";

/** A validated site with what is derived from it once. */
export interface LoadedSite {
  config: SiteConfig;
  fingerprint: string;
  /** The text hash of each locale's wording, computed once per load, not per request. */
  textHashes: Record<string, string>;
  /** The version of its category-to-Consent-Mode mapping (R3.4), stored with each decision. */
  consentModeMapping: string;
}

const memo = new Map<string, { site: LoadedSite; until: number }>();

/** Validates a config and derives its fingerprint. Throws the zod error on a bad document. */
export async function prepareSite(raw: unknown): Promise<LoadedSite> {
  const config = SiteConfig.parse(raw);
  const textHashes: Record<string, string> = {};
  for (const [locale, texts] of Object.entries(config.texts)) textHashes[locale] = await textHash(locale, texts);
  return { config, fingerprint: await policyFingerprint(config), textHashes, consentModeMapping: await consentModeMappingId(config) };
}

/** Loads a site, or throws 404 `site_not_found`. */
export async function loadSite(env: Env, siteId: string): Promise<LoadedSite> {
  const ttl = Number(env.SITE_CACHE_SECONDS ?? "30") * 1000;
  const hit = memo.get(siteId);
  if (hit && hit.until > Date.now()) return hit.site;
  const raw = await storage("site config read", () => env.SITES.get(siteKey(siteId), "json"));
  if (raw === null) throw new ApiError(404, "site_not_found", "No such site", { detail: `There is no site "${siteId}".` });
  let site: LoadedSite;
  try {
    site = await prepareSite(raw);
  } catch (err) {
    console.error(`site ${siteId}: stored config is invalid`, err);
    throw new ApiError(500, "site_config_invalid", "The site's configuration is invalid", {
      detail: "Push the configuration again with `npm run sites -- push`.",
    });
  }
  if (site.config.id !== siteId) throw new ApiError(500, "site_config_invalid", "The site's configuration is invalid", { detail: "The stored id does not match its key." });
  if (ttl > 0) memo.set(siteId, { site, until: Date.now() + ttl });
  return site;
}

/** Writes a validated config (used by tests and tools that run inside the Worker runtime). */
/**
 * A site's configuration, or null when it cannot be loaded (unknown, invalid, or storage
 * failing): for the pages people reach from a message and for scheduled jobs, which answer an
 * unknown site like a bad link instead of with an API error.
 */
export async function findSite(env: Env, siteId: string): Promise<SiteConfig | null> {
  try {
    return (await loadSite(env, siteId)).config;
  } catch {
    return null;
  }
}

export async function putSite(env: Env, config: SiteConfig): Promise<void> {
  await env.SITES.put(siteKey(config.id), JSON.stringify(config));
  memo.delete(config.id);
}
