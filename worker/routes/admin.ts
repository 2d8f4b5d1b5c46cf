/**
 * The site owner's server-to-server API, under /v1/sites/{siteId}/admin (API key required):
 *
 * - `GET /lists/{listId}/subscribers`, `POST /unsubscribe-headers`: email (worker/email/admin.ts).
 * - `GET /visitors/{visitorId}`: a visitor's current preferences and list statuses.
 * - `/webhooks/...`: webhook endpoints and their deliveries (admin-webhooks.ts).
 * - `GET /subjects/{subject}`, `GET /identity-secret`, `POST /identities`: identity across
 *   devices (admin-identity.ts).
 *
 * Mounted outside the browser-facing guards (no CORS, no Origin check): callers are servers,
 * and the API key, not an origin, is what authorizes them. Every answer is `no-store`.
 */
import { Hono } from "hono";
import { type AdminVisitorResponse, Uuid } from "../contract";
import { emailAdminRoutes } from "../email/admin";
import { statusesByVisitor } from "../email/store";
import { ApiError } from "../lib/errors";
import { type AdminEnv, apiKeyAuth } from "../middleware/api-key-auth";
import { noStore } from "../middleware/no-store";
import { siteLoader } from "../middleware/site";
import { readVisitorRecord } from "../visitor-record";
import { adminIdentityRoutes } from "./admin-identity";
import { webhookAdminRoutes } from "../webhooks/admin";

const noRecord = () =>
  new ApiError(404, "no_record", "No record of this visitor", { detail: "This site holds no preferences or subscriptions for that visitor id." });

export const adminRoutes = new Hono<AdminEnv>()
  .use(noStore, siteLoader, apiKeyAuth)
  .get("/visitors/:visitorId", async (c) => {
    const visitorId = c.req.param("visitorId");
    if (!Uuid.safeParse(visitorId).success) throw noRecord();
    const siteId = c.get("site").config.id;
    // Both reads are keyed by this site: another site's visitor id finds nothing (no oracle).
    const [preferences, lists] = await Promise.all([readVisitorRecord(c.env, siteId, visitorId), statusesByVisitor(c.env, siteId, visitorId)]);
    if (!preferences && Object.keys(lists).length === 0) throw noRecord();
    const body: AdminVisitorResponse = { visitorId, preferences, lists };
    return c.json(body);
  })
  .route("/", emailAdminRoutes)
  .route("/webhooks", webhookAdminRoutes)
  .route("/", adminIdentityRoutes)
  // Nothing under /admin falls through to the browser-facing routes and their CORS.
  .all("*", (c) => {
    throw new ApiError(404, "not_found", "Not found", { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` });
  });
