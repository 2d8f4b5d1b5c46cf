/**
 * The KV key of a visitor's record in PREFS. It starts with the site id after its kind and
 * version, so no key of one site can name another site's data (R7.2). Dependency-free, so the
 * scripts (bench) can name keys too.
 */

/** Per-visitor current state in PREFS. */
export function prefKey(siteId: string, visitorId: string): string {
  return `pref:v1:${siteId}:${visitorId}`;
}
