/**
 * The site owner's server-to-server API, under /v1/sites/{siteId}/admin (API key required):
 *
 * - `GET /lists/{listId}/subscribers?limit=&cursor=`: who may be sent a list's mail.
 * - `GET /visitors/{visitorId}`: a visitor's current preferences and list statuses.
 * - `POST /unsubscribe-headers`: the List-* headers for one address and list (R5.4).
 * - `/webhooks/...`: webhook endpoints and their deliveries (admin-webhooks.ts).
 * - `GET /subjects/{subject}`, `GET /identity-secret`, `POST /identities`: identity across
 *   devices (admin-identity.ts).
 *
 * Mounted outside the browser-facing guards (no CORS, no Origin check): callers are servers,
 * and the API key, not an origin, is what authorizes them. Every answer is `no-store`.
 */
import { Hono } from "hono";
import {
  type AdminVisitorResponse,
  Slug,
  SubscribersQuery,
  type SubscribersResponse,
  UnsubscribeHeadersRequest,
  type UnsubscribeHeadersResponse,
  Uuid,
} from "../contract";
import { type AdminEnv, apiKeyAuth } from "../middleware/api-key-auth";
import { noStore } from "../middleware/no-store";
import { emailHash, normalizeEmail } from "../email/address";
import { listHeaders } from "../email/messages";
import { parseJsonBody } from "../middleware/json-body";
import { ApiError } from "../lib/errors";
import { siteLoader } from "../middleware/site";
import { sizeGuard } from "../middleware/size-guard";
import { confirmedPage, statusesByVisitor } from "../store/subscriptions";
import { adminIdentityRoutes } from "./admin-identity";
import { webhookAdminRoutes } from "./admin-webhooks";
import { unsubscribeUrl } from "../email/unsubscribe-links";
import { readVisitorRecord } from "../visitor-record";

/** The site's list with this id, or 404 `unknown_list`. */
function siteList(c: { get(key: "site"): AdminEnv["Variables"]["site"] }, listId: string | undefined) {
  const list = Slug.safeParse(listId).success ? c.get("site").config.communications.find((l) => l.id === listId) : undefined;
  if (!list) throw new ApiError(404, "unknown_list", "No such email list", { detail: `This site has no list "${String(listId).slice(0, 40)}".` });
  return list;
}

const noRecord = () =>
  new ApiError(404, "no_record", "No record of this visitor", { detail: "This site holds no preferences or subscriptions for that visitor id." });

export const adminRoutes = new Hono<AdminEnv>()
  .use(noStore, siteLoader, apiKeyAuth)
  .get("/lists/:listId/subscribers", async (c) => {
    const list = siteList(c, c.req.param("listId"));
    const query = SubscribersQuery.safeParse(c.req.query());
    if (!query.success)
      throw new ApiError(400, "invalid_query", "The query is not valid", { detail: "limit is 1–500; cursor comes from `next`." });
    const { limit, cursor } = query.data;
    // One row more than asked tells whether another page exists, so the last page says next: null.
    const rows = await confirmedPage(c.env, c.get("site").config.id, list.id, cursor ?? "", limit + 1);
    const page = rows.slice(0, limit);
    const body: SubscribersResponse = {
      subscribers: page.map((r) => ({
        email: r.email,
        status: "confirmed",
        confirmedAt: r.confirmed_at ?? r.created_at,
        textVersion: r.text_version,
        locale: r.locale,
        sourceUrl: r.source_url,
      })),
      next: rows.length > limit ? page[page.length - 1]!.id : null,
    };
    return c.json(body);
  })
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
  .post("/unsubscribe-headers", sizeGuard, async (c) => {
    const request = await parseJsonBody(c.req.raw, UnsubscribeHeadersRequest);
    const site = c.get("site").config;
    const list = siteList(c, request.list);
    const origin = new URL(c.req.url).origin;
    const hash = await emailHash(c.env, normalizeEmail(request.email));
    // RFC 8058 wants an HTTPS URI; plain http only in local development.
    if (!origin.startsWith("https://") && c.env.DEV_MODE !== "true")
      throw new ApiError(500, "insecure_origin", "The unsubscribe URL would not be https", {
        detail: "Call the API over https: RFC 8058 one-click unsubscribe links must be HTTPS.",
      });
    const url = await unsubscribeUrl(c.env, origin, site.id, list.id, hash);
    const headers = listHeaders(site, list, url, new URL(origin).hostname) as UnsubscribeHeadersResponse["headers"];
    const body: UnsubscribeHeadersResponse = { headers, url };
    return c.json(body);
  })
  .route("/webhooks", webhookAdminRoutes)
  .route("/", adminIdentityRoutes)
  // Nothing under /admin falls through to the browser-facing routes and their CORS.
  .all("*", (c) => {
    throw new ApiError(404, "not_found", "Not found", { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` });
  });
