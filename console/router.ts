/**
 * The console's pages, addressed by the URL's hash (`#/sites/demo/members`), so the Worker
 * serves one shell at /console and the back button, bookmarks and reloads all work.
 */

/** The pages of one site. */
export const SITE_PAGES = ["config", "versions", "stats", "ledger", "lists", "rights", "scans", "integrations", "members", "audit"] as const;
export type SitePage = (typeof SITE_PAGES)[number];

/** Where the console is. */
export type Route =
  | { page: "sites" }
  | { page: SitePage; siteId: string }
  | { page: "account" }
  | { page: "not-found"; hash: string };

/** The route of a hash (`location.hash`). */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  if (path === "/" || path === "/sites") return { page: "sites" };
  if (path === "/account") return { page: "account" };
  const site = /^\/sites\/([a-z0-9-]{1,48})\/([a-z]+)$/.exec(path);
  if (site && (SITE_PAGES as readonly string[]).includes(site[2]!)) return { page: site[2] as SitePage, siteId: site[1]! };
  return { page: "not-found", hash: path };
}

/** The hash of a route, for links. */
export function href(route: Route): string {
  switch (route.page) {
    case "sites":
      return "#/";
    case "account":
      return "#/account";
    case "not-found":
      return "#/";
    default:
      return `#/sites/${route.siteId}/${route.page}`;
  }
}
