/**
 * The KV key of a site's configuration in SITES. Like every KV key Assent writes, it starts
 * with the site id after its kind and version (R7.2). Dependency-free, so the sites CLI and
 * the local server can name keys too.
 */

/** A site's configuration in SITES. */
export function siteKey(siteId: string): string {
  return `site:v1:${siteId}`;
}
