/**
 * Privacy rights requests in the console, under /console/api (owner or compliance role, R9.5:
 * viewers get 403 `compliance_only`), the same operations as the admin API
 * (worker/rights/owner.ts answers both):
 *
 * - `GET  /sites/{siteId}/rights/requests?type=&status=&due=&limit=&cursor=`: the queue.
 * - `GET  /sites/{siteId}/rights/requests/{id}`: one request with its history.
 * - `POST /sites/{siteId}/rights/requests/{id}/start|extend|complete|deny`: what the member did,
 *   recorded in the request's history under their email and in the site's audit log.
 */
import { Hono } from "hono";
import { RightsComplete, RightsDeny, RightsExtend, RightsQueueQuery, RightsRequestId, RightsStart } from "../contract";
import { ApiError, invalidBody } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import { enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { type OwnerAction, actOnRequest, rightsQueue, rightsRequest } from "../rights/owner";
import { loadSite } from "../sites/store";
import { queuedWebhooks } from "../webhooks/after-response";
import { type ConsoleEnv, requireRole } from "./auth";
import { fingerprint } from "./fingerprint";
import { writeAudit } from "./store";

function requestId(id: string | undefined): string {
  if (!RightsRequestId.safeParse(id).success) throw new ApiError(404, "request_not_found", "No such request", { detail: "This site has no rights request with that id." });
  return id!;
}

export const rightsApi = new Hono<ConsoleEnv>()
  .get("/sites/:siteId/rights/requests", requireRole("compliance"), async (c) => {
    const q = RightsQueueQuery.safeParse(c.req.query());
    if (!q.success) throw invalidBody(q.error, "invalid_query");
    const site = (await loadSite(c.env, c.req.param("siteId"))).config;
    return c.json(await rightsQueue(c.env, site, q.data, new Date()));
  })
  .get("/sites/:siteId/rights/requests/:id", requireRole("compliance"), async (c) => {
    const site = (await loadSite(c.env, c.req.param("siteId"))).config;
    return c.json(await rightsRequest(c.env, site, requestId(c.req.param("id")), new Date()));
  })
  .post("/sites/:siteId/rights/requests/:id/:action{start|extend|complete|deny}", requireRole("compliance"), async (c) => {
    const user = c.get("user")!;
    await enforceRateLimit(c.env, rateLimitKey(null, "console", { account: user.email }));
    const id = requestId(c.req.param("id"));
    let action: OwnerAction;
    switch (c.req.param("action")) {
      case "start":
        action = { kind: "in_progress", ...(await parseJsonBody(c.req.raw, RightsStart)) };
        break;
      case "extend":
        action = { kind: "extended", ...(await parseJsonBody(c.req.raw, RightsExtend)) };
        break;
      case "complete":
        action = { kind: "completed", ...(await parseJsonBody(c.req.raw, RightsComplete)) };
        break;
      default:
        action = { kind: "denied", ...(await parseJsonBody(c.req.raw, RightsDeny)) };
    }
    const site = (await loadSite(c.env, c.req.param("siteId"))).config;
    const now = new Date();
    const { request, webhooksQueued } = await actOnRequest(c.env, site, id, action, user.email, now);
    queuedWebhooks(c, site.id, webhooksQueued);
    await writeAudit(
      c.env,
      { siteId: site.id, actor: user.email, action: `rights.${action.kind}`, target: id, beforeFingerprint: null, afterFingerprint: await fingerprint({ id, status: request.status, extendedTo: request.extendedTo }) },
      now,
    );
    return c.json(request);
  });
