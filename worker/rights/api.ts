/**
 * The rights API:
 *
 * - `POST /v1/sites/{siteId}/rights/requests` (browser-facing: the site's own form; Origin
 *   checked, CORS): files a request, the same path as the rights page (worker/rights/intake.ts).
 *   With the site's `turnstile` block, every type but the opt-out needs a Turnstile token (an
 *   opt-out never meets a challenge, R2.8). 202 when a verification link was sent, 201 otherwise.
 * - Under `/v1/sites/{siteId}/admin/rights` (API key): the owner's queue and actions
 *   (worker/rights/owner.ts), a CSV of the request log, and "delete a child's data".
 */
import { Hono } from "hono";
import { RightsChildDeletion, RightsQueueQuery, RightsRequestCreate } from "../contract";
import { ApiError } from "../lib/errors";
import { csvField } from "../lib/csv";
import { parseJsonBody } from "../lib/json-body";
import type { AdminEnv } from "../middleware/api-key-auth";
import { clientNetwork, enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import type { SiteEnv } from "../middleware/site";
import { sizeGuard } from "../middleware/size-guard";
import { requireTurnstile } from "../email/turnstile";
import { queuedWebhooks } from "../webhooks/after-response";
import { eraseChildData } from "./fulfil";
import { fileRequest } from "./intake";
import { actOnRequest, readOwnerAction, requestIdOf, rightsQueue, rightsRequest } from "./owner";
import { listRightsRequests } from "./store";

export const rightsRoutes = new Hono<SiteEnv>().post("/rights/requests", sizeGuard, async (c) => {
  const site = c.get("site").config;
  await enforceRateLimit(c.env, rateLimitKey(site.id, "rights", clientNetwork(c.req)));
  const input = await parseJsonBody(c.req.raw, RightsRequestCreate);
  if (input.type !== "opt_out") await requireTurnstile(c.env, site, input.turnstileToken, c.req.header("CF-Connecting-IP"));
  const filed = await fileRequest(c.env, site, input, {
    channel: "api",
    origin: new URL(c.req.url).origin,
    now: new Date(),
    acceptLanguage: c.req.header("Accept-Language"),
  });
  queuedWebhooks(c, site.id, filed.webhooksQueued);
  c.header("Cache-Control", "no-store");
  return c.json(filed.receipt, filed.receipt.next === "check_email" ? 202 : 201);
});

/** Who acted, for the request's history: the API key. */
const apiActor = (keyId: string) => `api key ${keyId}`;

/** Columns of the request log's CSV (R9.5's fields). */
const CSV_COLUMNS = ["id", "type", "channel", "verification", "status", "received_at", "verified_at", "acknowledge_by", "due_by", "extended_to", "responded_at", "outcome", "denial_basis"] as const;
const CSV_PAGE = 200;

export const rightsAdminRoutes = new Hono<AdminEnv>()
  .get("/requests", async (c) => {
    const query = RightsQueueQuery.safeParse(c.req.query());
    if (!query.success)
      throw new ApiError(400, "invalid_query", "The query is not valid", {
        detail: "type is a request type; status a status, active or all; due a date (YYYY-MM-DD) or overdue; limit 1–200; cursor from `next`.",
      });
    return c.json(await rightsQueue(c.env, c.get("site").config, query.data, new Date()));
  })
  .get("/requests.csv", async (c) => {
    // The whole log (R9.5), newest first, page by page.
    const site = c.get("site").config;
    const lines = [CSV_COLUMNS.join(",")];
    let after: { receivedAt: string; id: string } | undefined;
    for (;;) {
      const rows = await listRightsRequests(c.env, site.id, { status: "all", limit: CSV_PAGE, ...(after ? { after } : {}) });
      for (const r of rows) lines.push(CSV_COLUMNS.map((k) => csvField(r[k])).join(","));
      if (rows.length < CSV_PAGE) break;
      const last = rows[rows.length - 1]!;
      after = { receivedAt: last.received_at, id: last.id };
    }
    return new Response(`${lines.join("\r\n")}\r\n`, {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${site.id}-rights-requests.csv"`, "Cache-Control": "no-store" },
    });
  })
  .get("/requests/:id", async (c) => c.json(await rightsRequest(c.env, c.get("site").config, requestIdOf(c.req.param("id")), new Date())))
  .post("/requests/:id/:action{start|extend|complete|deny}", sizeGuard, async (c) => {
    const id = requestIdOf(c.req.param("id"));
    const action = await readOwnerAction(c.req.param("action"), c.req.raw);
    const site = c.get("site").config;
    const { request, webhooksQueued } = await actOnRequest(c.env, site, id, action, apiActor(c.get("apiKeyId")), new Date());
    queuedWebhooks(c, site.id, webhooksQueued);
    return c.json(request);
  })
  .post("/child-data-deletion", sizeGuard, async (c) => {
    const body = await parseJsonBody(c.req.raw, RightsChildDeletion);
    const site = c.get("site").config;
    const { id, webhooksQueued } = await eraseChildData(c.env, site, body.email, new URL(c.req.url).origin, new Date());
    queuedWebhooks(c, site.id, webhooksQueued);
    return c.json(await rightsRequest(c.env, site, id, new Date()), 201);
  });
