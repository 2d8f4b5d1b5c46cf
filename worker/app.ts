/**
 * The Hono app: every route of the Worker, the middleware in front of each group, and the one
 * error renderer. worker/index.ts is the entry that serves it (and runs the scheduled jobs).
 *
 * - `/v1/health`
 * - `/v1/sites/{siteId}/admin/...`: the site owner API (API key, no CORS, no-store)
 * - `/v1/sites/{siteId}/...`: the browser-facing per-site API (site loaded, CORS, writes guarded)
 * - `/e/...`, `/u/...`, `/dev/outbox`: the pages people reach from an email
 * - `/r/{siteId}/...`: the privacy rights pages (worker/rights/pages.ts)
 * - `/.well-known/assent/{siteId}/jwks.json`: the keys that verify a site's signed receipts
 * - `/dev/scheduled`: the cron jobs at a chosen time, in local development only
 * - `/console/...`: the site owner's console (worker/console/), the only place a cookie is set
 */
import { Hono } from "hono";
import { consoleApp } from "./console";
import { bootstrapRoutes, consentAdminRoutes, consentRoutes, identifyRoutes, meRoutes } from "./consent";
import { emailAdminRoutes, emailPages, subscriptionRoutes } from "./email";
import type { AppEnv } from "./env";
import { ApiError, problemResponse, renderError } from "./lib/errors";
import { ASSENT_VERSION } from "./lib/version";
import { type AdminEnv, type SiteEnv, apiKeyAuth, noStore, siteCors, siteLoader, writeGuard } from "./middleware";
import { privacyNoticeRoutes } from "./notice";
import { receiptKeyRoutes } from "./proof";
import { rightsAdminRoutes, rightsPages, rightsRoutes } from "./rights";
import { scanAdminRoutes } from "./scans";
import { devScheduledRoutes } from "./scheduled/dev-route";
import { deliverQueuedWebhooks, webhookAdminRoutes } from "./webhooks";

/**
 * The site owner's server-to-server API, under /v1/sites/{siteId}/admin: API key required, every
 * answer `no-store`. Mounted outside the browser-facing guards (no CORS, no Origin check):
 * callers are servers, and the API key, not an origin, is what authorizes them.
 */
const adminApp = new Hono<AdminEnv>()
  .use(noStore, siteLoader, apiKeyAuth)
  .route("/", consentAdminRoutes)
  .route("/", emailAdminRoutes)
  .route("/webhooks", webhookAdminRoutes)
  .route("/rights", rightsAdminRoutes)
  .route("/scans", scanAdminRoutes)
  // Nothing under /admin falls through to the browser-facing routes and their CORS.
  .all("*", (c) => {
    throw new ApiError(404, "not_found", "Not found", { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` });
  });

/** Routes under /v1/sites/{siteId}: site loaded, CORS applied, writes guarded. */
const siteApp = new Hono<SiteEnv>()
  .use(siteLoader, siteCors, writeGuard)
  .route("/", bootstrapRoutes)
  .route("/", consentRoutes)
  .route("/", meRoutes)
  .route("/", identifyRoutes)
  .route("/", subscriptionRoutes)
  .route("/", privacyNoticeRoutes)
  .route("/", rightsRoutes);

/** `/console` and what is under it: the console's own paths, and no visitor's. */
const isConsolePath = (path: string) => path === "/console" || path.startsWith("/console/");

// Not strict about a trailing slash: `…/admin/webhooks/` is `…/admin/webhooks`.
export const app = new Hono<AppEnv>({ strict: false })
  .use(async function baseHeaders(c, next) {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    // Visitors never get a cookie from Assent (R7.1); make sure nothing else ever sets one. The
    // console's session cookie (Path=/console, worker/console/auth.ts) is the one exception.
    if (!isConsolePath(new URL(c.req.url).pathname)) c.res.headers.delete("Set-Cookie");
  })
  // After the response: webhook deliveries for whatever this request queued.
  .use(deliverQueuedWebhooks)
  .get("/v1/health", (c) => c.json({ status: "ok" as const, version: ASSENT_VERSION }))
  // Before siteApp, whose guards also match /admin paths: the admin API is server to server
  // (API key, no Origin, no CORS), and its routes answer every /admin path themselves.
  .route("/v1/sites/:siteId/admin", adminApp)
  .route("/v1/sites/:siteId", siteApp)
  .route("/.well-known/assent/:siteId", receiptKeyRoutes)
  .route("/dev/scheduled", devScheduledRoutes)
  .route("/console", consoleApp)
  .route("/", emailPages)
  .route("/", rightsPages);

app.notFound((c) =>
  problemResponse(c, new ApiError(404, "not_found", "Not found", { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` })),
);
app.onError(renderError);
