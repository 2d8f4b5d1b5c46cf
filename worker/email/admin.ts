/**
 * The email part of the site owner's API, under /v1/sites/{siteId}/admin (mounted by the admin
 * routes, so the API key, `no-store` and the no-CORS rules apply):
 *
 * - `GET /lists/{listId}/subscribers?limit=&cursor=`: who may be sent a list's mail.
 * - `POST /unsubscribe-headers`: the List-* headers for one address and list (R5.4).
 */
import { Hono } from "hono";
import {
  Slug,
  SubscribersQuery,
  type SubscribersResponse,
  UnsubscribeHeadersRequest,
  type UnsubscribeHeadersResponse,
} from "../contract";
import { ApiError, parseQuery } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import type { AdminEnv } from "../middleware/api-key-auth";
import { sizeGuard } from "../middleware/size-guard";
import { emailHash, normalizeEmail } from "./address";
import { unsubscribeUrl } from "./links";
import { listHeaders } from "./messages";
import { confirmedPage } from "./store";

/** The site's list with this id, or 404 `unknown_list`. */
function siteList(c: { get(key: "site"): AdminEnv["Variables"]["site"] }, listId: string | undefined) {
  const list = Slug.safeParse(listId).success ? c.get("site").config.communications.find((l) => l.id === listId) : undefined;
  if (!list) throw new ApiError(404, "unknown_list", "No such email list", { detail: `This site has no list "${String(listId).slice(0, 40)}".` });
  return list;
}

export const emailAdminRoutes = new Hono<AdminEnv>()
  .get("/lists/:listId/subscribers", async (c) => {
    const list = siteList(c, c.req.param("listId"));
    const { limit, cursor } = parseQuery(SubscribersQuery, c.req.query(), "limit is 1–500; cursor comes from `next`.");
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
  });
