/**
 * Every KV key Assent writes is built here and nowhere else. Each one starts with the site id
 * after its kind and version, so no key of one site can name another site's data (R7.2).
 */

/** Per-visitor current state in PREFS. */
export function prefKey(siteId: string, visitorId: string): string {
  return `pref:v1:${siteId}:${visitorId}`;
}

/** A site's configuration in SITES. */
export function siteKey(siteId: string): string {
  return `site:v1:${siteId}`;
}
