/**
 * The Hono app: every route of the Worker, the middleware in front of each group, and the one
 * error renderer. worker/index.ts is the entry that serves it (and runs the scheduled jobs).
 *
 * - `/v1/health`
 * - `/v1/sites/{siteId}/admin/...`: the site owner API (API key, no CORS, no-store)
 * - `/v1/sites/{siteId}/...`: the browser-facing per-site API (site loaded, CORS, writes guarded)
 * - `/e/...`, `/u/...`, `/dev/outbox`: the pages people reach from an email
 */
import { Hono } from "hono";
import type { AppEnv } from "./env";
import { ApiError, problemResponse, renderError } from "./lib/errors";
import { ASSENT_VERSION } from "./lib/version";
import { siteCors } from "./middleware/cors";
import { type SiteEnv, siteLoader } from "./middleware/site";
import { writeGuard } from "./middleware/write-guard";
import { deliverQueuedWebhooks } from "./webhooks/after-response";
import { adminRoutes } from "./routes/admin";
import { bootstrapRoutes } from "./routes/bootstrap";
import { consentRoutes } from "./routes/consents";
import { emailPages, subscriptionRoutes } from "./email";
import { identifyRoutes } from "./routes/identify";
import { meRoutes } from "./routes/me";

/** Routes under /v1/sites/{siteId}: site loaded, CORS applied, writes guarded. */
const siteApp = new Hono<SiteEnv>()
  .use(siteLoader, siteCors, writeGuard)
  .route("/", bootstrapRoutes)
  .route("/", consentRoutes)
  .route("/", meRoutes)
  .route("/", identifyRoutes)
  .route("/", subscriptionRoutes);

// Not strict about a trailing slash: `…/admin/webhooks/` is `…/admin/webhooks`.
export const app = new Hono<AppEnv>({ strict: false })
  .use(async function baseHeaders(c, next) {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    // Nothing in Assent sets cookies (R7.1); make sure nothing ever does.
    c.res.headers.delete("Set-Cookie");
  })
  // After the response: webhook deliveries for whatever this request queued.
  .use(deliverQueuedWebhooks)
  .get("/v1/health", (c) => c.json({ status: "ok" as const, version: ASSENT_VERSION }))
  // Before siteApp, whose guards also match /admin paths: the admin API is server to server
  // (API key, no Origin, no CORS), and its routes answer every /admin path themselves.
  .route("/v1/sites/:siteId/admin", adminRoutes)
  .route("/v1/sites/:siteId", siteApp)
  .route("/", emailPages);

app.notFound((c) =>
  problemResponse(c, new ApiError(404, "not_found", "Not found", { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` })),
);
app.onError(renderError);
