/**
 * worker/middleware: what runs in front of the route handlers, one concern per file:
 *
 * - site.ts: validates `{siteId}` and loads the site into `c.var.site`
 * - cors.ts: CORS that echoes only a site's own origins
 * - write-guard.ts: Origin and Content-Type checks of state-changing requests (and header caps)
 * - size-guard.ts: the body cap
 * - rate-limit.ts: the rate limits, with the one builder of limiter keys
 * - visitor-auth.ts: the visitor token, verified into `c.var.visitor`
 * - api-key-auth.ts (+ api-key-store.ts): the site owner's API key
 * - no-store.ts: `Cache-Control: no-store` for a group of routes
 */
export { apiKeyAuth, type AdminEnv } from "./api-key-auth";
export { siteCors } from "./cors";
export { noStore } from "./no-store";
export { clientNetwork, enforceRateLimit, rateLimit, rateLimitKey } from "./rate-limit";
export { siteLoader, type SiteEnv } from "./site";
export { sizeGuard } from "./size-guard";
export { visitorToken, type VisitorEnv } from "./visitor-auth";
export { writeGuard } from "./write-guard";
